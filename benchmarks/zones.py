"""Benchmark the warden-zone partition against its peers on synthesized stations.

Usage: python benchmarks/zones.py [--sizes 1000,10000,100000] [--city Genf]

Peers (install with `pip install -e '.[bench]'`): scikit-learn KMeans, k-means-constrained
(N <= 10,000) and spopt's max-p (N <= 1,000; it is far slower). Each method runs in its
own process so that its peak memory is its own. Metrics follow ../shared/docs/peer-benchmark.md:
sizes, OK% (zones in bounds), Contig% (zones whose Voronoi cells dissolve to one polygon),
PP (mean Polsby-Popper), r50/r95/rmax (median, 95th percentile and maximum over zones of
the straight-line distance from the zone's 1-median household to its farthest household).
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
from stations.synth import synthesize_station
from zones.partition import ZoningOptions, partition_zones
from zones.tessellation import tessellate

MIN, MAX = 15, 40
LIMITS = {"kmeans_constrained": 10_000, "spopt_maxp": 1_000}


def run_method(name: str, folder: str, queue: multiprocessing.Queue) -> None:
    station = load_station(Path(folder))
    households = station.households.to_crs(station.crs)
    xy = np.column_stack([households.geometry.x, households.geometry.y])
    k = math.ceil(len(xy) / ((MIN + MAX) / 2))
    start = time.perf_counter()
    if name == "warden-planner":
        plan = partition_zones(households, station.boundary, ZoningOptions(MIN, MAX, 2000))
        zone_of = plan.assignment.set_index("household_id")["zone_id"]
        labels = np.unique(zone_of.loc[households["household_id"]].to_numpy(), return_inverse=True)[
            1
        ]
    elif name == "kmeans":
        from sklearn.cluster import KMeans

        labels = KMeans(k, n_init="auto", random_state=0).fit_predict(xy)
    elif name == "kmeans_constrained":
        from k_means_constrained import KMeansConstrained

        labels = KMeansConstrained(
            k, size_min=MIN, size_max=MAX, n_init=1, random_state=0
        ).fit_predict(xy)
    else:
        from libpysal.weights import Voronoi as VoronoiWeights
        from spopt.region import MaxPHeuristic

        frame = gpd.GeoDataFrame(
            {"x": xy[:, 0], "y": xy[:, 1], "count": 1.0}, geometry=households.geometry
        )
        weights = VoronoiWeights(xy)
        model = MaxPHeuristic(frame, weights, ["x", "y"], "count", MIN, top_n=2)
        model.solve()
        labels = np.asarray(model.labels_)
    seconds = time.perf_counter() - start
    area = station.boundary.to_crs(station.crs).geometry.iloc[0]
    queue.put(
        {
            "seconds": seconds,
            **metrics(xy, np.asarray(labels), area),
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )


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
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in [int(s) for s in args.sizes.split(",")]:
            folder = Path(tmp) / f"s{n}"
            synthesize_station(folder, households=n, seed=1, city=args.city)
            for name in ("warden-planner", "kmeans", "kmeans_constrained", "spopt_maxp"):
                if n > LIMITS.get(name, math.inf):
                    rows.append(
                        f"| {args.city} | {n:,} | {name} | skipped: N > {LIMITS[name]:,} |"
                        + " |" * 12
                    )
                    continue
                queue: multiprocessing.Queue = multiprocessing.Queue()
                process = multiprocessing.Process(
                    target=run_method, args=(name, str(folder), queue)
                )
                process.start()
                process.join(timeout=900)
                if process.is_alive():
                    process.kill()
                    rows.append(f"| {args.city} | {n:,} | {name} | timeout (900 s) |" + " |" * 12)
                    continue
                if queue.empty():
                    rows.append(
                        f"| {args.city} | {n:,} | {name} | error (exit {process.exitcode}) |"
                        + " |" * 12
                    )
                    continue
                r = queue.get()
                cells = [
                    args.city, f"{n:,}", name, "ok", f"{r['seconds']:.2f}", f"{r['rss_mib']:.0f}",
                    r["zones"], r["size"], f"{r['ok']:.1f}", f"{r['contig']:.1f}",
                    f"{r['feasible']:.1f}", f"{r['pp']:.3f}", f"{r['r50']:.0f}", f"{r['r95']:.0f}",
                    f"{r['rmax']:.0f}",
                ]  # fmt: skip
                rows.append("| " + " | ".join(str(c) for c in cells) + " |")
                print(rows[-1], flush=True)
    print(f"\nMachine: {platform.platform()}, Python {platform.python_version()}, 2 cores\n")
    print(
        "| city | N | method | status | solve s | peak RSS MiB | zones | size min/med/max | OK% | "
        "Contig% | Feas% | PP mean | r50 m | r95 m | rmax m |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
