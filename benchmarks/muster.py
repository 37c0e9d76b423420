"""Benchmark ``planner muster``: N wardens' reports against an N-household person register.

Usage: python benchmarks/muster.py [--households 10000,100000]  (prints a Markdown table;
paste it into RESULTS.md)

No plan is built: the plan folder's ``roll_call/register.csv`` is written here as
``planner plan`` writes it (one staff member per household and 0 to 3 dependants, about
1.5 on average, zones of 30 households with their warden), with ``summary.json``. The
reports are N rows in one CSV: for every household, either one report for the whole
household (four in five) or one for its staff member (the fifth; the dependants stay
unaccounted), at times spread over two hours, a tenth of them "needs help". The
command is run in its own process and timed from start to exit (wall, and CPU user + system
of the process tree, which includes the small wrapper measuring the peak RSS), with the
load average of the machine at its end. Run it from outside the source tree so that
PYTHONPATH decides which code is timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _peak import run_measured

ZONE_HOUSEHOLDS = 30
AT = "2026-11-15T12:00"


def write_plan(folder: Path, households: int) -> int:
    """Write a plan folder holding only the person register; return its people."""
    rng = np.random.default_rng(households)
    dependants = rng.integers(0, 4, size=households)
    rows = []
    for index in range(households):
        household = f"H{index + 1:06d}"
        zone = f"Z{index // ZONE_HOUSEHOLDS + 1:04d}"
        warden = f"S{(index // ZONE_HOUSEHOLDS) * ZONE_HOUSEHOLDS + 1:06d}"
        common = {
            "household_id": household, "zone_id": zone, "area_id": f"A{index // 3000}",
            "agency": ("UNDP", "UNICEF", "WFP", "UNHCR")[index % 4], "presence": "present",
            "warden_id": warden, "warden_name": f"Warden {zone}",
            "warden_phone": "'+358401234567", "deputy_id": "",
        }  # fmt: skip
        rows.append({"person_id": f"S{index + 1:06d}", "kind": "staff",
                     "name": f"Staff {index + 1}", **common})  # fmt: skip
        rows += [
            {
                "person_id": f"{household}-D{n}",
                "kind": "dependant",
                "name": f"Dependant {n} of {index + 1}",
                **common,
            }
            for n in range(1, dependants[index] + 1)
        ]
    register = pd.DataFrame(rows)
    (folder / "roll_call").mkdir(parents=True)
    register.to_csv(folder / "roll_call" / "register.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({"station": "Benchmark"}), encoding="utf-8")
    return len(register)


def write_reports(path: Path, households: int) -> None:
    """Write one report per household: the household's, or its staff member's."""
    rng = np.random.default_rng(households + 1)
    minutes = rng.integers(0, 120, size=households)
    own = rng.random(households) < 0.2
    help_needed = rng.random(households) < 0.1
    index = np.arange(1, households + 1)
    reports = pd.DataFrame(
        {
            "person_id": np.where(own, [f"S{i:06d}" for i in index], ""),
            "household_id": np.where(own, "", [f"H{i:06d}" for i in index]),
            "status": np.where(help_needed, "needs help", "safe"),
            "location": "home",
            "reported_at": [f"2026-11-15 {9 + m // 60:02d}:{m % 60:02d}" for m in minutes],
            "reporter": [
                f"S{((i - 1) // ZONE_HOUSEHOLDS) * ZONE_HOUSEHOLDS + 1:06d}" for i in index
            ],
        }
    )
    reports.to_csv(path, index=False)


def run_case(households: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        people = write_plan(root / "plan", households)
        write_reports(root / "reports.csv", households)
        command = [
            sys.executable, "-c", "from planner.cli import main; main()", "-q", "muster",
            str(root / "plan"), str(root / "reports.csv"), "--out", str(root / "out"),
            "--at", AT,
        ]  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done, peak = run_measured(command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if done.returncode not in (0, 3):
            raise SystemExit(done.stderr)
        html_mb = (root / "out" / "muster.html").stat().st_size / 2**20
        return (
            f"| {households:,} | {people:,} | {households:,} | {seconds:.1f} | {cpu:.1f} | "
            f"{peak:.0f} | {os.getloadavg()[0]:.1f} | {html_mb:.1f} | {done.stdout.strip()} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", default="10000,100000")
    args = parser.parse_args()
    print(f"`python benchmarks/muster.py --households {args.households}` on {platform.node()}")
    print()
    print(
        "| households | people | reports | wall s | CPU s | peak RSS MiB | load | "
        "muster.html MB | result |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for households in (int(n) for n in args.households.split(",")):
        print(run_case(households), flush=True)


if __name__ == "__main__":
    main()
