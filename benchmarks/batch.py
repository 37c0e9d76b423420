"""Benchmark `planner batch`: many synthesized duty stations on 1 and 2 Dask workers.

Usage: python benchmarks/batch.py [--stations 50] [--households 4000] [--workers 1,2]

Stations are synthesized in cities of pyrosm's bbbike index (one per city, the
households spread over its extent); each run plans all of them with every output,
into a fresh folder. Peak memory is the largest resident set among the client, the
scheduler and the workers, measured per run (_peak.py).
"sum of station s" adds up each station's own time: about what one worker would take.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _peak import run_measured

PLANNER = str(Path(sys.executable).with_name("planner"))
FIRST_CITIES = (
    "Baghdad", "Baku", "Bangkok", "Beirut", "Bogota", "Bombay", "BuenosAires", "Cairo",
    "CapeTown", "Cusco", "Damaskus",
)  # fmt: skip


def cities() -> list[str]:
    """Return duty-station-like cities first, then the rest of pyrosm's bbbike index."""
    from pyrosm.data import sources

    rest = sorted(set(sources.cities.available) - set(FIRST_CITIES))
    return [*FIRST_CITIES, *rest]


def synthesize(root: Path, stations: int, households: int) -> list[Path]:
    """Write ``stations`` stations of ``households`` each, skipping unknown cities."""
    folders: list[Path] = []
    for seed, city in enumerate(cities()):
        if len(folders) == stations:
            break
        folder = root / city
        done = subprocess.run(
            [PLANNER, "synth", "--city", city, "--households", str(households), "--seed",
             str(seed), "--out", str(folder)],
            capture_output=True, check=False,
        )  # fmt: skip
        if done.returncode == 0:
            folders.append(folder)
    if len(folders) < stations:
        sys.exit(f"only {len(folders)} cities could be synthesized")
    return folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--households", type=int, default=4000)
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args()
    print(f"cores: {len(os.sched_getaffinity(0))}")
    print(
        "| stations | households | workers | wall s | sum of station s | stations per minute "
        "| peak RSS MiB | planned |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folders = synthesize(Path(tmp) / "stations", args.stations, args.households)
        for workers in (int(w) for w in args.workers.split(",")):
            out = Path(tmp) / f"batch-{workers}"
            start = time.perf_counter()
            done, peak = run_measured(
                [PLANNER, "-q", "batch", *map(str, folders), "--out", str(out), "--workers",
                 str(workers)],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            seconds = time.perf_counter() - start
            planned = done.stdout.strip().splitlines()[-1].split(";")[0] if done.stdout else "?"
            with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as handle:
                busy = sum(float(row["seconds"] or 0) for row in csv.DictReader(handle))
            print(
                f"| {len(folders)} | {len(folders) * args.households:,} | {workers} | "
                f"{seconds:.0f} | {busy:.0f} | {len(folders) * 60 / seconds:.1f} | {peak:.0f} "
                f"| {planned} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
