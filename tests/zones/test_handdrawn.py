"""Hand-drawn zones: checking them, and repairing only what fails."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import CRS

from stations.zones_file import zone_label
from zones.handdrawn import check_zones, repair_zones, snap_zones
from zones.partition import ZoningOptions

UTM = CRS.from_epsg(32635)
OPTIONS = ZoningOptions(min_households=10, max_households=30, max_warden_distance_m=2000)
ANY_SIZE = ZoningOptions(min_households=0, max_households=5, max_warden_distance_m=2000)


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


def traced(zones: gpd.GeoDataFrame, seed: int, wobble_m: float = 0.8) -> gpd.GeoDataFrame:
    """Return the zones as if each were traced by hand: vertices every 20 m, each off a bit."""
    rng = np.random.default_rng(seed)
    rings = []
    for polygon in zones.geometry:
        ring = np.asarray(shapely.segmentize(polygon, 20).exterior.coords)
        ring += rng.uniform(-wobble_m, wobble_m, ring.shape)
        ring[-1] = ring[0]
        rings.append(shapely.Polygon(ring))
    return zones.set_geometry(rings, crs=zones.crs)


def test_snap_closes_hairline_gaps_and_overlaps() -> None:
    rng = np.random.default_rng(4)
    households = households_at(rng.uniform(50, 2950, (150, 2)))
    area = shapely.box(0, 0, 3000, 3000)
    drawn = traced(grid_zones(3, 3), seed=5)
    before = check_zones(drawn, households, area, OPTIONS)
    assert len(before.gaps) > 50
    assert len(before.overlaps) == 12  # every pair of neighbours along a side
    snapping = snap_zones(drawn, households, area)
    after = check_zones(snapping.zones, households, area, OPTIONS)
    assert after.gaps.empty, after.problems()
    assert after.overlaps.empty, after.problems()
    assert not after.outside
    assert snapping.gaps == len(before.gaps)
    assert snapping.overlaps > len(before.overlaps)  # counted by piece, as the gaps
    assert snapping.notes() == [
        (
            f"{snapping.gaps} hairline gap(s) and {snapping.overlaps} overlap(s) between zones "
            "snapped (each narrower than 4 m, or under 100 m2 without homes)"
        )
    ]
    assert list(snapping.zones["zone_id"]) == list(drawn["zone_id"])
    first = snapping.zones.geometry.iloc[0]
    assert first.buffer(1e-6).contains(drawn.geometry.iloc[0])  # Z01 keeps every overlap
    assert drawn.geometry.iloc[1].difference(snapping.zones.geometry.iloc[1]).area > 1  # Z02 not
    again = snap_zones(drawn.iloc[::-1], households, area).zones.set_index("zone_id")
    for zone_id, polygon in zip(drawn["zone_id"], snapping.zones.geometry, strict=True):
        assert again.loc[zone_id].geometry.equals(polygon), zone_id  # file order does not matter


def test_snap_leaves_gaps_with_homes_or_area_to_report() -> None:
    zones = grid_zones(2, 1)
    zones.loc[0, "geometry"] = shapely.box(0, 0, 990, 1000)  # a 10 m wide, 1 km long gap
    zones.loc[1, "geometry"] = shapely.Polygon(
        [
            (1000, 0),
            (2000, 0),
            (2000, 1000),
            (1000, 1000),
            (1000, 530),
            (992, 530),
            (992, 522),
            (1000, 522),
        ]
    )  # a notch narrows the gap to 2 m over 8 m: the rest is 10 m wide, not a hairline
    area = shapely.box(0, 0, 2000, 1000)
    homes = households_at(np.array([[995.0, 100.0], [500.0, 500.0]]))
    snapping = snap_zones(zones, homes, area)
    check = check_zones(snapping.zones, homes, area, ANY_SIZE)
    assert snapping.gaps == 0
    assert check.gaps["households"].tolist() == [1]
    assert check.problems()[0] == "gap of 9,936 m2 with 1 household(s) in no zone"
    small = grid_zones(2, 1)
    small.loc[1, "geometry"] = shapely.box(1000, 0, 2000, 1000).difference(
        shapely.box(1000, 500, 1008, 508)
    )  # an 8 x 8 m bite out of Z02, 64 m2, with no home: closed
    snapped = snap_zones(small, homes, area)
    assert snapped.gaps == 1
    assert check_zones(snapped.zones, homes, area, ANY_SIZE).gaps.empty
    with_home = households_at(np.array([[1004.0, 504.0], [500.0, 500.0]]))
    kept = snap_zones(small, with_home, area)
    assert kept.gaps == 0
    assert kept.notes() == []
    reported = check_zones(kept.zones, with_home, area, ANY_SIZE).problems()
    assert reported == [
        "gap of 64 m2 with 1 household(s) in no zone",
        "1 household(s) in no zone: H0000",
    ]


@pytest.mark.parametrize(
    ("zone_id", "label"),
    [
        ("Z09", "zone Z09"),
        ("Zone Z09", "Zone Z09"),
        ("North zone", "North zone"),
        ("zone-3", "zone-3"),
        ("Zone9", "Zone9"),
        ("Ozone Park", "zone Ozone Park"),
    ],
)
def test_zones_are_named_once(zone_id: str, label: str) -> None:
    assert zone_label(zone_id) == label


def test_problems_say_zone_once() -> None:
    rng = np.random.default_rng(6)
    households = households_at(rng.uniform((0, 0), (2000, 1000), (70, 2)))
    zones = grid_zones(2, 1, size=1000.0)
    zones["zone_id"] = ["Zone 1", "Zone 2"]
    zones.loc[0, "geometry"] = shapely.box(0, 0, 1200, 1000)  # a real overlap
    check = check_zones(zones, households, shapely.box(0, 0, 2000, 1000), OPTIONS)
    text = "\n".join(check.problems())
    assert "Zone 1 and Zone 2 overlap over 0.200 km2" in text
    assert re.search(r"^Zone 1 has \d+: too many$", text, re.MULTILINE), text
    assert "zone Zone" not in text
    assert "zones Zone" not in text
