"""Benchmark the warden-zone partition against its peers on synthesized stations, side by side.

Usage: python -P benchmarks/zones.py [--sizes 1000,10000,100000] [--city Genf] [--repeat 3]
       [--methods warden-planner,metis_contig,kmeans_constrained]

Peers (install with `pip install -e '.[bench]'`; pymetis is a dependency already):
METIS (pymetis) on the same Voronoi cell graph the project builds (`zones.tessellation`), with
contiguous parts (contig=1) and ufactor 450 (largest part about 40 households, the peer study's
bounded METIS); its time includes building that graph. k-means-constrained (N <= 10,000; out
of memory beyond), scikit-learn KMeans and spopt's max-p (N <= 1,000) on request. Each method
runs in its own process so that its peak memory is its own; the time is the best of
``--repeat`` runs (one for k-means-constrained), so that a loaded machine slows the methods
alike. Metrics follow ../shared/docs/peer-benchmark.md: sizes, OK% (zones in bounds), Contig%
(zones whose Voronoi cells dissolve to one polygon), PP (mean Polsby-Popper), r50/r95/rmax
(median, 95th percentile and maximum over zones of the straight-line distance from the zone's
1-median household to its farthest household). Ratios per size: warden-planner's time over
METIS's, its r95 over k-means-constrained's and its rmax over the best bounded peer's (the
smallest rmax of the peers with every zone in bounds and contiguous).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

# This script is named like the `zones` package: keep its folder off the import path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]


import multiprocessing
import platform
import resource
import tempfile
import time

import geopandas as gpd
import numpy as np
import shapely
from scipy.spatial.distance import cdist

from stations import load_station
from stations._synth_extent import city_extent
from stations.synth import synthesize_station
from zones.partition import ZoningOptions, partition_zones
from zones.tessellation import tessellate

MIN, MAX = 15, 40
LIMITS = {"kmeans_constrained": 10_000, "spopt_maxp": 1_000}
METIS_UFACTOR = 450
METHODS = "warden-planner,metis_contig,kmeans_constrained"


def run_method(name: str, folder: str, repeat: int, queue: multiprocessing.Queue) -> None:
    station = load_station(Path(folder))
    households = station.households.to_crs(station.crs)
    area = station.boundary.to_crs(station.crs).geometry.iloc[0]
    xy = np.column_stack([households.geometry.x, households.geometry.y])
    runs = repeat if name in ("warden-planner", "metis_contig") else 1
    best = math.inf
    for _ in range(runs):
        start = time.perf_counter()
        labels = solve(name, households, station.boundary, area, xy)
        best = min(best, time.perf_counter() - start)
    queue.put(
        {
            "seconds": best,
            **metrics(xy, np.asarray(labels), area),
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


def solve(
    name: str,
    households: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    area: shapely.Geometry,
    xy: np.ndarray,
) -> np.ndarray:
    """Return each household's zone label by one method."""
    k = math.ceil(len(xy) / ((MIN + MAX) / 2))
    if name == "warden-planner":
        plan = partition_zones(households, boundary, ZoningOptions(MIN, MAX, 2000))
        zone_of = plan.assignment.set_index("household_id")["zone_id"]
        return np.unique(zone_of.loc[households["household_id"]].to_numpy(), return_inverse=True)[1]
    if name == "metis_contig":
        import pymetis

        cells = tessellate(xy, area)
        both = np.vstack([cells.edges, cells.edges[:, ::-1]])
        order = np.argsort(both[:, 0], kind="stable")
        xadj = np.searchsorted(both[order, 0], np.arange(len(cells.points) + 1))
        weight = np.bincount(cells.cell_of, minlength=len(cells.points))
        _, parts = pymetis.part_graph(
            k,
            adjacency=pymetis.CSRAdjacency(xadj.tolist(), both[order, 1].tolist()),
            vweights=weight.tolist(),
            options=pymetis.Options(seed=0, ufactor=METIS_UFACTOR, contig=1),
        )
        return np.asarray(parts)[cells.cell_of]
    if name == "kmeans":
        from sklearn.cluster import KMeans

        return KMeans(k, n_init="auto", random_state=0).fit_predict(xy)
    if name == "kmeans_constrained":
        from k_means_constrained import KMeansConstrained

        return KMeansConstrained(
            k, size_min=MIN, size_max=MAX, n_init=1, random_state=0
        ).fit_predict(xy)
    from libpysal.weights import Voronoi as VoronoiWeights
    from spopt.region import MaxPHeuristic

    frame = gpd.GeoDataFrame(
        {"x": xy[:, 0], "y": xy[:, 1], "count": 1.0}, geometry=households.geometry
    )
    model = MaxPHeuristic(frame, VoronoiWeights(xy), ["x", "y"], "count", MIN, top_n=2)
    model.solve()
    return np.asarray(model.labels_)


def metrics(xy: np.ndarray, labels: np.ndarray, area: shapely.Geometry) -> dict[str, float]:
    sizes = np.bincount(labels)
    sizes = sizes[sizes > 0]
    cells = tessellate(xy, area)
    cell_label = np.zeros(len(cells.points), dtype=int)
    cell_label[cells.cell_of] = labels
    contiguous, compact, reach = [], [], []
    for zone in np.unique(labels):
        polygon = shapely.union_all(cells.polygons[cell_label == zone])
        contiguous.append(polygon.geom_type == "Polygon")
        compact.append(4 * math.pi * polygon.area / polygon.length**2 if polygon.length else 0)
        members = xy[labels == zone]
        distance = cdist(members, members)
        reach.append(distance[distance.sum(axis=1).argmin()].max())
    ok = (sizes >= MIN) & (sizes <= MAX)
    contig = np.asarray(contiguous)
    return {
        "zones": len(sizes),
        "size": f"{sizes.min()}/{int(np.median(sizes))}/{sizes.max()}",
        "ok": 100 * ok.mean(),
        "contig": 100 * contig.mean(),
        "feasible": 100 * (ok & contig).mean(),
        "pp": float(np.mean(compact)),
        "r50": float(np.percentile(reach, 50)),
        "r95": float(np.percentile(reach, 95)),
        "rmax": float(np.max(reach)),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--city", default="Genf")
    parser.add_argument("--methods", default=METHODS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows, ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            folder = Path(tmp) / f"s{n}"
            synthesize_city_wide(folder, n, args.city, Path(tmp))
            results = {}
            for name in args.methods.split(","):
                if n > LIMITS.get(name, math.inf):
                    rows.append(
                        f"| {args.city} | {n:,} | {name} | skipped: N > {LIMITS[name]:,} |"
                        + " |" * 11
                    )
                    continue
                r = run_isolated(name, folder, args.repeat)
                if isinstance(r, str):
                    rows.append(f"| {args.city} | {n:,} | {name} | {r} |" + " |" * 11)
                    continue
                results[name] = r
                cells = [
                    args.city, f"{n:,}", name, "ok", f"{r['seconds']:.2f}", f"{r['rss_mib']:.0f}",
                    r["zones"], r["size"], f"{r['ok']:.1f}", f"{r['contig']:.1f}",
                    f"{r['feasible']:.1f}", f"{r['pp']:.3f}", f"{r['r50']:.0f}", f"{r['r95']:.0f}",
                    f"{r['rmax']:.0f}",
                ]  # fmt: skip
                rows.append("| " + " | ".join(str(c) for c in cells) + " |")
                print(rows[-1], flush=True)
            ratios.append(ratio_row(args.city, n, results))
            print(ratios[-1], flush=True)
    print(f"\nMachine: {platform.platform()}, Python {platform.python_version()}, 2 cores\n")
    print(
        "| city | N | method | status | solve s | peak RSS MiB | zones | size min/med/max | OK% | "
        "Contig% | Feas% | PP mean | r50 m | r95 m | rmax m |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print(
        "\n| city | N | time / METIS (goal <= 10) | r95 / k-means-constrained (goal <= 1) "
        "| rmax / best bounded peer (goal <= 1.2) |"
    )
    print("|---|---|---|---|---|")
    print("\n".join(ratios))


def synthesize_city_wide(folder: Path, n: int, city: str, tmp: Path) -> None:
    """Synthesize ``n`` households over the city's whole bbbike extent.

    ``synthesize_station(city=...)`` cuts a city to a core sized for its households (15
    per km2); the issue's table was measured over the whole extent (Geneva: 855 km2), so
    the extent is passed as a boundary file instead, which keeps it whole.
    """
    extent = city_extent(city)
    boundary = tmp / f"{city}.geojson"
    gpd.GeoDataFrame(geometry=[extent.area_wgs84], crs="EPSG:4326").to_file(boundary)
    synthesize_station(
        folder, households=n, seed=1, boundary=boundary, name=extent.name, country=extent.country
    )


def run_isolated(name: str, folder: Path, repeat: int) -> dict | str:
    """Run one method in its own process; return its figures or why there are none."""
    queue: multiprocessing.Queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=run_method, args=(name, str(folder), repeat, queue))
    process.start()
    process.join(timeout=900)
    if process.is_alive():
        process.kill()
        return "timeout (900 s)"
    if queue.empty():
        return f"error (exit {process.exitcode})"
    return queue.get()


def ratio_row(city: str, n: int, results: dict[str, dict]) -> str:
    """Return the table row of warden-planner's ratios to its peers at one size."""
    ours = results.get("warden-planner")

    def ratio(peer: dict | None, key: str) -> str:
        return f"{ours[key] / peer[key]:.2f}" if ours and peer and peer[key] else "n/a"

    bounded = [
        r for name, r in results.items() if name != "warden-planner" and r["feasible"] == 100.0
    ]
    best = min(bounded, key=lambda r: r["rmax"], default=None)
    return (
        f"| {city} | {n:,} | {ratio(results.get('metis_contig'), 'seconds')} | "
        f"{ratio(results.get('kmeans_constrained'), 'r95')} | {ratio(best, 'rmax')} |"
    )


if __name__ == "__main__":
    main()
