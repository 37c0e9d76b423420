"""Benchmark `planner plan` end to end: wall time, peak memory and the time of each step.

Usage: python benchmarks/plan.py [--sizes 1000,10000,100000] [--city Bangkok]

Each size is synthesized with `planner synth` (homes spread over the city's bbbike
extent, no OSM extract) and planned with `planner -v plan` in a child process, all
outputs included (maps, PDFs, letters, the security plan). Peak memory is the largest
resident set of the planner process and of its forked workers, per run (_peak.py).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _peak import run_measured

PLANNER = str(Path(sys.executable).with_name("planner"))


def run_plan(station: Path, out: Path) -> tuple[float, float, dict[str, float]]:
    """Return wall seconds, peak RSS in MiB and the seconds of each step of one plan."""
    start = time.perf_counter()
    done, peak = run_measured(
        [PLANNER, "-v", "plan", str(station), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    steps = {
        m.group(1): float(m.group(2))
        for m in re.finditer(r"planner\.progress: (.+): ([\d.]+) s", done.stderr)
    }
    return seconds, peak, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--city", default="Bangkok")
    args = parser.parse_args()
    print(f"cores: {len(os.sched_getaffinity(0))}")
    print("| households | zones | wall s | peak RSS MiB | slowest steps (s) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            station = Path(tmp) / f"s{size}"
            subprocess.run(
                [PLANNER, "synth", "--city", args.city, "--households", str(size),
                 "--out", str(station)],
                check=True, capture_output=True,
            )  # fmt: skip
            out = Path(tmp) / f"p{size}"
            seconds, peak, steps = run_plan(station, out)
            zones = len(list((out / "maps").glob("*.html")))
            slowest = ", ".join(
                f"{name} {value:.0f}"
                for name, value in sorted(steps.items(), key=lambda x: -x[1])[:4]
            )
            print(f"| {size:,} | {zones} | {seconds:.0f} | {peak:.0f} | {slowest} |", flush=True)


if __name__ == "__main__":
    main()
