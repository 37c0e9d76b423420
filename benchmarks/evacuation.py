"""Benchmark the capacitated assignment of people to points on the street network.

Usage: python benchmarks/evacuation.py [--households 10000] [--repeats 3]

Synthesizes a station inside the Helsinki sample's extract (homes in its buildings, streets
from the extract), draws its warden zones, then times in one run, on the same travel model:

- zones to assembly points, nearest only (what the plan did before: one walking search);
- the whole evacuation step (`zones.evacuation.plan_evacuation`): capacitated zones to
  assembly points, alternates, assembly to concentration points, departures, every
  household to hibernation sites (six of the station's assembly points, read as
  hibernation sites holding 1.2 times the people between them, so that 10,000 households
  are assigned one by one);
- every household to the assembly points, nearest only and capacitated (HiGHS, or the
  greedy above `MAX_SOLVER_PAIRS`).

Each is the best of ``--repeats`` runs; the table gives the ratio to nearest-only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# benchmarks/zones.py is named like the `zones` package: keep this folder off the import path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import numpy as np
import pandas as pd

from planner.build import build_plan
from stations.synth import synthesize_station
from zones._assign import assign_capacitated
from zones.evacuation import plan_evacuation
from zones.network import NetworkTravel

SAMPLE = Path(__file__).parents[1] / "stations" / "sample" / "helsinki"
AS_OF = dt.date(2026, 11, 23)
HIBERNATION_SITES = 6


def best_of(repeats: int, work: Callable[[], object]) -> tuple[float, object]:
    """Return the fastest of ``repeats`` runs of ``work`` and its last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    """Synthesize, plan the zones, time the assignments and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        toml = synthesize_station(
            Path(tmp) / "station",
            households=args.households,
            seed=19,
            boundary=SAMPLE / "boundary.geojson",
            osm=SAMPLE / "helsinki.osm.pbf",
        )
        run = build_plan(toml.parent, as_of=AS_OF, until="plan")
    planned, travel = run.planned, run.zoning.travel
    if not isinstance(travel, NetworkTravel):
        raise SystemExit("the station has no street network")
    points = planned.station.accepted_points
    assembly = points[points["kind"] == "assembly"].sort_values("point_id")
    chosen = assembly.iloc[:: max(1, len(assembly) // HIBERNATION_SITES)]
    room = int(planned.households["headcount"].sum() * 1.2 / len(chosen))  # 20 % spare
    sites = chosen.assign(kind="hibernation", point_id="H-" + chosen["point_id"], capacity=room)
    with_sites = pd.concat([points, sites], ignore_index=True)
    centres = run.zoning.metrics.dropna(subset=["centre_household_id"])
    located = planned.households.set_index("household_id")
    zone_centres = located.loc[centres["centre_household_id"]].reset_index()
    zone_centres["zone_id"] = centres["zone_id"].to_numpy()
    homes = np.column_stack([planned.households.geometry.x, planned.households.geometry.y])
    targets = np.column_stack([assembly.geometry.x, assembly.geometry.y])
    zone_xy = np.column_stack([zone_centres.geometry.x, zone_centres.geometry.y])
    capacity = pd.to_numeric(assembly["capacity"], errors="coerce").to_numpy(float)
    table = planned.station.config.extra.get("evacuation", {})

    nearest_zones, _ = best_of(
        args.repeats, lambda: travel.nearest(zone_xy, targets, mode="walking")
    )
    step, evacuation = best_of(
        args.repeats,
        lambda: plan_evacuation(
            planned.zones, planned.households, planned.staff, with_sites, zone_centres, travel,
            table,
        ),
    )  # fmt: skip
    nearest_homes, _ = best_of(args.repeats, lambda: travel.nearest(homes, targets, mode="walking"))

    def capacitated_homes() -> object:
        cost = travel.time_matrix(homes, targets, mode="walking")
        return assign_capacitated(cost, planned.households["headcount"].to_numpy(float), capacity)

    homes_s, result = best_of(args.repeats, capacitated_homes)
    loads = evacuation.point_loads  # type: ignore[attr-defined]
    over = loads[loads["over"]]
    print(
        f"{len(planned.households):,} households, {len(planned.zones)} zones, "
        f"{len(assembly)} assembly points, {int(planned.households['headcount'].sum()):,} "
        f"people; points over capacity: {len(over)} ({', '.join(over['point_id'])})"
    )
    for note in evacuation.notes:  # type: ignore[attr-defined]
        print(f"note: {note}")
    print("| assignment | s | x nearest-only |")
    print("|---|---|---|")
    print(f"| zones -> assembly, nearest only | {nearest_zones:.2f} | 1.0 |")
    print(
        f"| evacuation step (capacitated, alternates, concentration, departures, "
        f"{len(sites)} hibernation sites for every household) | {step:.2f} | "
        f"{step / nearest_zones:.1f} |"
    )
    print(f"| households -> assembly, nearest only | {nearest_homes:.2f} | 1.0 |")
    print(
        f"| households -> assembly, capacitated ({result.method}) | {homes_s:.2f} | "  # type: ignore[attr-defined]
        f"{homes_s / nearest_homes:.1f} |"
    )


if __name__ == "__main__":
    main()
