"""Zone metrics: values worked out by hand on small zones."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS

from zones.metrics import (
    METRIC_COLUMNS,
    centre_index,
    reach_notes,
    summarise_metrics,
    zone_metrics,
)
from zones.network import DETOUR_FACTOR, NetworkTravel, StraightLineTravel

UTM = CRS.from_epsg(32635)


def homes(xy: list[tuple[float, float]], zone_ids: list[str]) -> gpd.GeoDataFrame:
    n = len(xy)
    return gpd.GeoDataFrame(
        {
            "household_id": [f"H{i}" for i in range(n)],
            "zone_id": zone_ids,
            "staff_count": [1] * n,
            "dependants": [2] * n,
            "headcount": [3] * n,
        },
        geometry=[shapely.Point(p) for p in xy],
        crs=UTM,
    )


@pytest.fixture
def two_zones() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z01", "Z02"]},
        geometry=[
            shapely.box(0, 0, 1_000, 1_000),
            shapely.MultiPolygon(
                [shapely.box(2_000, 0, 2_100, 100), shapely.box(3_000, 0, 3_100, 100)]
            ),
        ],
        crs=UTM,
    )
    households = homes(
        [(500, 500), (100, 500), (900, 500), (500, 100), (2_050, 50), (3_050, 50)],
        ["Z01"] * 4 + ["Z02"] * 2,
    )
    return zones, households


def test_values_by_hand(two_zones) -> None:
    zones, households = two_zones
    river = gpd.GeoDataFrame(geometry=[shapely.LineString([(700, 0), (700, 1_000)])], crs=UTM)
    metrics = zone_metrics(
        zones,
        households,
        min_households=3,
        max_households=10,
        max_warden_distance_m=300,
        barriers=river,
    ).set_index("zone_id")
    assert list(metrics.reset_index().columns) == list(METRIC_COLUMNS)
    z1, z2 = metrics.loc["Z01"], metrics.loc["Z02"]
    assert (z1.households, z1.staff, z1.dependants, z1.headcount) == (4, 4, 8, 12)
    assert z1.area_km2 == 1.0
    assert z1.polsby_popper == round(math.pi / 4, 4)
    assert z1.centre_household_id == "H0"
    assert z1.max_distance_m == 400.0
    assert z1.mean_distance_m == 400.0
    assert z1.distance_method == "straight-line"
    assert z1.barrier_crossings == 1  # only the home at x=900 lies across the river
    assert (z1.bounds, bool(z1.contiguous), bool(z1.within_reach)) == ("ok", True, False)
    assert (z2.bounds, bool(z2.contiguous)) == ("under", False)
    assert z2.max_distance_m == 1_000.0


def test_headcount_bounds_and_travel_model(two_zones) -> None:
    zones, households = two_zones
    metrics = zone_metrics(
        zones,
        households,
        min_households=1,
        max_households=10,
        max_warden_distance_m=1_500,
        count="headcount",
        travel=StraightLineTravel(detour_factor=1.5),
    ).set_index("zone_id")
    assert metrics.loc["Z01", "bounds"] == "over"  # 12 people
    assert metrics.loc["Z02", "bounds"] == "ok"  # 6 people
    assert metrics.loc["Z01", "max_distance_m"] == 600.0
    assert metrics.loc["Z02", "max_distance_m"] == 1_500.0
    assert (metrics["distance_method"] == "straight-line").all()
    assert metrics["within_reach"].all()


def test_zone_without_households() -> None:
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z01", "Z02"]},
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)],
        crs=UTM,
    )
    households = homes([(5, 5)] * 3, ["Z01"] * 3)
    metrics = zone_metrics(
        zones, households, min_households=1, max_households=5, max_warden_distance_m=100
    ).set_index("zone_id")
    assert metrics.loc["Z02", "households"] == 0
    assert metrics.loc["Z02", "bounds"] == "under"
    assert metrics.loc["Z01", "max_distance_m"] == 0.0
    summary = summarise_metrics(metrics.reset_index())
    assert summary["zones"] == 2
    assert summary["in_bounds_pct"] == 50.0
    assert summary["contiguous_pct"] == 100.0
    assert summary["max_distance_m_max"] == 0.0
    assert summary["zones_beyond_reach"] == 0


def test_centre_of_a_large_zone_matches_the_exact_medoid() -> None:
    rng = np.random.default_rng(0)
    xy = rng.normal(0, 500, (2_500, 2))
    approximate = centre_index(xy)
    exact = int(np.argmin(np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)).sum(1)))
    assert approximate == exact
    assert centre_index(xy[:50]) == int(
        np.argmin(np.sqrt(((xy[:50, None] - xy[None, :50]) ** 2).sum(-1)).sum(1))
    )


def _streets_and_a_footpath_joined_to_nothing() -> NetworkTravel:
    """A 1 km street grid and, 300 m east of it, 1.2 km of footpath joined to no street."""
    lines = [shapely.LineString([(x, 0), (x, 1_000)]) for x in range(0, 1_001, 100)]
    lines += [shapely.LineString([(0, y), (1_000, y)]) for y in range(0, 1_001, 100)]
    footpath = [shapely.LineString([(1_300, 100 * k), (1_300, 100 * k + 100)]) for k in range(12)]
    edges = gpd.GeoDataFrame(
        {"highway": ["residential"] * len(lines) + ["footway"] * len(footpath)},
        geometry=lines + footpath,
        crs=UTM,
    )
    return NetworkTravel.from_edges(edges, UTM)


def test_homes_on_a_piece_the_centre_cannot_reach_are_measured_in_straight_lines() -> None:
    travel = _streets_and_a_footpath_joined_to_nothing()
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z01"]}, geometry=[shapely.box(-50, -50, 1_400, 1_250)], crs=UTM
    )
    # Four homes on the streets, one on the footpath (snapped there, 0 m away).
    households = homes([(500, 500), (400, 500), (500, 600), (600, 500), (1_300, 550)], ["Z01"] * 5)
    metrics = zone_metrics(
        zones,
        households,
        min_households=1,
        max_households=10,
        max_warden_distance_m=500,
        travel=travel,
    )
    z1 = metrics.iloc[0]
    assert z1.centre_household_id == "H0"
    assert np.isfinite(metrics[["max_distance_m", "mean_distance_m"]].to_numpy()).all()
    assert z1.max_distance_m == pytest.approx(round(np.hypot(800, 50) * DETOUR_FACTOR, 1))
    assert z1.distance_method == "network"
    assert not z1.within_reach
    summary = summarise_metrics(metrics)  # pytest turns numpy's inf - inf warning into an error
    assert summary["max_distance_m_max"] == round(z1.max_distance_m, 0)
    assert summary["max_distance_m_measured"] == "on the street network"
    assert reach_notes(metrics, 500) == [
        (
            "zone Z01: farthest home 1,042 m from the centre household, measured on the street "
            "network; beyond the reach of 500 m"
        )
    ]
