"""Hand-drawn zones: checking them, and repairing only what fails."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS

from zones.handdrawn import check_zones, repair_zones
from zones.partition import ZoningOptions

UTM = CRS.from_epsg(32635)
OPTIONS = ZoningOptions(min_households=10, max_households=30, max_warden_distance_m=2000)


def households_at(xy: np.ndarray) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "household_id": [f"H{i:04d}" for i in range(len(xy))],
            "headcount": 1,
            "staff_count": 1,
            "dependants": 0,
        },
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=UTM,
    )


def grid_zones(columns: int, rows: int, size: float = 1000.0) -> gpd.GeoDataFrame:
    boxes, ids = [], []
    for r in range(rows):
        for c in range(columns):
            boxes.append(shapely.box(c * size, r * size, (c + 1) * size, (r + 1) * size))
            ids.append(f"Z{len(ids) + 1:02d}")
    return gpd.GeoDataFrame({"zone_id": ids, "zone_name": ""}, geometry=boxes, crs=UTM)


def test_check_finds_gaps_overlaps_outside_and_bounds() -> None:
    rng = np.random.default_rng(1)
    households = households_at(rng.uniform(0, 3000, (150, 2)))
    zones = grid_zones(3, 3)
    zones.loc[zones["zone_id"] == "Z05", "geometry"] = shapely.box(1000, 1000, 1800, 2000)  # gap
    zones.loc[zones["zone_id"] == "Z01", "geometry"] = shapely.box(0, 0, 1300, 1000)  # overlap
    area = shapely.box(0, 0, 3000, 3000)
    check = check_zones(zones, households, area, OPTIONS)
    assert not check.ok
    assert len(check.gaps) == 1
    assert check.gaps["area_m2"].iloc[0] == pytest.approx(200 * 1000)
    assert list(check.overlaps[["zone_a", "zone_b"]].iloc[0]) == ["Z01", "Z02"]
    in_gap = households.within(shapely.box(1800, 1000, 2000, 2000)).sum()
    assert len(check.outside) == in_gap
    assert any("gap of 0.200 km2" in p for p in check.problems())


def test_repair_changes_only_failing_zones() -> None:
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 3000, (180, 2))
    xy = np.vstack([xy, rng.uniform((2000, 2000), (3000, 3000), (60, 2))])  # Z09 crowded
    households = households_at(xy)
    zones = grid_zones(3, 3)
    area = shapely.box(0, 0, 3000, 3000)
    before = check_zones(zones, households, area, OPTIONS)
    failing = set(before.sizes.loc[before.sizes["bounds"] != "ok", "zone_id"])
    assert "Z09" in failing
    plan = repair_zones(zones, households, area, OPTIONS)
    repaired = plan.zones.set_index("zone_id")
    for zone_id, polygon in zip(zones["zone_id"], zones.geometry, strict=True):
        if zone_id not in failing and zone_id in repaired.index:
            untouched = not any(zone_id in note for note in plan.notes)
            if untouched:
                assert repaired.loc[zone_id].geometry.equals(polygon), zone_id
    after = check_zones(plan.zones, households, area, OPTIONS)
    assert after.ok, after.problems()
    assert "Z10" in repaired.index  # the crowded zone was split, the new part has the next id
    assert any("Z09 had" in note and "split" in note for note in plan.notes)


def test_repair_fills_gaps_and_merges_small_zones() -> None:
    rng = np.random.default_rng(3)
    households = households_at(rng.uniform(0, 2000, (80, 2)))
    zones = grid_zones(2, 2)
    zones.loc[zones["zone_id"] == "Z04", "geometry"] = shapely.box(1000, 1000, 1500, 2000)
    zones.loc[zones["zone_id"] == "Z01", "geometry"] = shapely.box(0, 0, 1000, 300)  # too small
    extra = shapely.box(0, 300, 1000, 1000)  # the rest of Z01's square is a gap
    area = shapely.box(0, 0, 2000, 2000)
    plan = repair_zones(zones, households, area, OPTIONS)
    assert check_zones(plan.zones, households, area, OPTIONS).ok
    assert plan.assignment["zone_id"].notna().all()
    union = plan.zones.union_all()
    assert union.symmetric_difference(area).area < 1.0
    assert extra.difference(union).area < 1.0
