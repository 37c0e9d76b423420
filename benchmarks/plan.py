"""Benchmark `planner plan` end to end: wall time, peak memory and the time of each step.

Usage: python benchmarks/plan.py [--sizes 1000,10000,100000] [--city Bangkok]
                                 [--baseline CHECKOUT] [--repeats N]

Each size is synthesized with `planner synth` (homes spread over the city's bbbike
extent, no OSM extract) and planned with `planner -v plan` in a child process, all
outputs included (maps, PDFs, letters, the security plan). Peak memory is the largest
resident set of the planner process and of its forked workers, per run (_peak.py).

With ``--baseline``, the same station is also planned by another checkout of the project
(a git worktree of an older commit), runs alternating so that both see the same load on
a shared machine; the table then gives each tree's best wall time and their ratio.
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


def run_plan(
    station: Path, out: Path, tree: Path | None = None
) -> tuple[float, float, dict[str, float]]:
    """Return wall seconds, peak RSS in MiB and the seconds of each step of one plan.

    ``tree`` is another checkout of the project to run instead of the installed one.
    """
    command = [PLANNER, "-v", "plan", str(station), "--out", str(out)]
    env = None
    if tree is not None:
        code = "from planner.cli import main; main()"
        command = [sys.executable, "-c", code, *command[1:]]
        env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    done, peak = run_measured(command, capture_output=True, text=True, check=True, env=env)
    seconds = time.perf_counter() - start
    steps = {
        m.group(1): float(m.group(2))
        for m in re.finditer(r"planner\.progress: (.+): ([\d.]+) s", done.stderr)
    }
    return seconds, peak, steps


def synthesize(station: Path, size: int, city: str) -> Path:
    """Write a synthetic station of ``size`` households over ``city`` with `planner synth`."""
    subprocess.run(
        [PLANNER, "synth", "--city", city, "--households", str(size), "--out", str(station)],
        check=True,
        capture_output=True,
    )
    return station


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--city", default="Bangkok")
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--repeats", type=int, default=1, help="runs of each tree, alternating")
    args = parser.parse_args()
    print(f"cores: {len(os.sched_getaffinity(0))}")
    if args.baseline is not None:
        compare(args)
        return
    print("| households | zones | wall s | peak RSS MiB | slowest steps (s) |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            station = synthesize(Path(tmp) / f"s{size}", size, args.city)
            out = Path(tmp) / f"p{size}"
            seconds, peak, steps = run_plan(station, out)
            zones = len(list((out / "maps").glob("*.html")))
            slowest = ", ".join(
                f"{name} {value:.0f}"
                for name, value in sorted(steps.items(), key=lambda x: -x[1])[:4]
            )
            print(f"| {size:,} | {zones} | {seconds:.0f} | {peak:.0f} | {slowest} |", flush=True)


def compare(args: argparse.Namespace) -> None:
    """Plan each size with this tree and the baseline, alternating; print best times."""
    print("| households | this tree s | baseline s | ratio | this peak MiB | baseline peak MiB |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            station = synthesize(Path(tmp) / f"s{size}", size, args.city)
            runs: dict[str, list[tuple[float, float]]] = {"this": [], "baseline": []}
            for _ in range(args.repeats):
                for name, tree in (("this", None), ("baseline", args.baseline)):
                    seconds, peak, _steps = run_plan(station, Path(tmp) / f"p{size}-{name}", tree)
                    runs[name].append((seconds, peak))
            this, base = min(runs["this"]), min(runs["baseline"])
            print(
                f"| {size:,} | {this[0]:.1f} | {base[0]:.1f} | {this[0] / base[0]:.2f} "
                f"| {max(p for _, p in runs['this']):.0f} "
                f"| {max(p for _, p in runs['baseline']):.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
