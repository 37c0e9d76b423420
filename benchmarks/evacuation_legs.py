"""Benchmark the evacuation step and the legs of the journey, before and after, in one run.

Usage: python benchmarks/evacuation_legs.py --baseline ../other-checkout [--households 10000]

Synthesizes a station inside the Helsinki sample's extract (as benchmarks/evacuation.py),
plans it up to its zones once, then times, alternately with this checkout and with the
``--baseline`` checkout on the same saved inputs: the evacuation step
(`zones.evacuation.plan_evacuation`) and the legs of the journey (`zones.legs.journey_legs`).
Each tree's result is compared with the other's (same assignment, same legs): a difference
is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

# benchmarks/zones.py is named like the `zones` package: keep this folder off the import path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

HERE = Path(__file__).parents[1]
SAMPLE = HERE / "stations" / "sample" / "helsinki"
AS_OF = dt.date(2026, 11, 23)

# Run in a child with one tree on its path: time both steps on the saved inputs.
TIMING = """
import pickle, sys, time
from planner.build import journey_pairs
from zones.evacuation import plan_evacuation
from zones.legs import journey_legs
s = pickle.load(open(sys.argv[1], "rb"))
start = time.perf_counter()
ev = plan_evacuation(s["zones"], s["households"], s["staff"], s["points"], s["centres"],
                     s["travel"], s["table"])
middle = time.perf_counter()
legs = journey_legs(s["travel"], s["centres"], s["points"],
                    journey_pairs(ev, s["households"], s["extra"]), s["crs"])
end = time.perf_counter()
result = (ev.zones, ev.hibernation, legs.drop(columns="geometry"), legs.geometry.to_wkb())
pickle.dump((middle - start, end - middle, len(legs), result), open(sys.argv[2], "wb"))
"""


def save_inputs(households: int, path: Path) -> None:
    """Synthesize a station, plan it up to the evacuation and pickle the step's inputs."""
    from planner.build import _zone_centres, build_plan
    from stations.synth import synthesize_station

    with tempfile.TemporaryDirectory() as tmp:
        toml = synthesize_station(
            Path(tmp) / "station",
            households=households,
            seed=19,
            boundary=SAMPLE / "boundary.geojson",
            osm=SAMPLE / "helsinki.osm.pbf",
        )
        run = build_plan(toml.parent, as_of=AS_OF, until="plan")
    planned, station = run.planned, run.planned.station
    inputs = {
        "zones": planned.zones,
        "households": planned.households,
        "staff": planned.staff,
        "points": station.accepted_points,
        "centres": _zone_centres(run.zoning),
        "travel": run.zoning.travel,
        "table": station.config.extra.get("evacuation", {}),
        "extra": station.config.extra,
        "crs": station.crs,
    }
    with path.open("wb") as out:
        pickle.dump(inputs, out)


def time_tree(tree: Path, inputs: Path, out: Path) -> tuple[float, float, int, Any]:
    """Return the evacuation and legs seconds, the legs' row count and the results."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(
        [sys.executable, "-c", TIMING, str(inputs), str(out)], check=True, env=env, cwd=tree
    )
    with out.open("rb") as done:
        return pickle.load(done)  # noqa: S301 (written by this script just now)


def same(a: tuple[Any, Any, Any, Any], b: tuple[Any, Any, Any, Any]) -> bool:
    """Return whether two timing results decided the same (frames and geometries)."""
    zones_a, hib_a, legs_a, wkb_a = a
    zones_b, hib_b, legs_b, wkb_b = b
    return bool(
        zones_a.equals(zones_b)
        and hib_a.equals(hib_b)
        and legs_a.equals(legs_b)
        and list(wkb_a) == list(wkb_b)
    )


def main() -> None:
    """Time both trees alternately and print a Markdown table with the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", type=Path, required=True, help="the checkout before")
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "inputs.pkl"
        save_inputs(args.households, inputs)
        best: dict[str, list[float]] = {}
        results = {}
        for _ in range(args.repeats):
            for name, tree in (("before", args.baseline.resolve()), ("after", HERE)):
                evac, legs, rows, result = time_tree(tree, inputs, Path(tmp) / f"{name}.pkl")
                old = best.get(name, [float("inf")] * 2)
                best[name] = [min(old[0], evac), min(old[1], legs)]
                results[name] = result
    print(f"{args.households:,} households, {rows} leg rows; same decisions and legs: "
          f"{same(results['before'], results['after'])}")  # fmt: skip
    print("| step | before s | after s | before / after |")
    print("|---|---|---|---|")
    for index, step in enumerate(("evacuation step", "legs of the journey")):
        before, after = best["before"][index], best["after"][index]
        print(f"| {step} | {before:.2f} | {after:.2f} | {before / after:.1f} |")


if __name__ == "__main__":
    main()
