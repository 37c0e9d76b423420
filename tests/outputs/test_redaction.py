"""Redaction pieces: ids replaced as whole words, routes from homes cut and unmeasured."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from outputs.redaction import (
    REDACTED,
    REDACTED_ROUTE_START_M,
    Scrubber,
    redacted_assignments,
    redacted_routes,
)

UTM = "EPSG:32635"


def test_ids_are_replaced_as_whole_words_wherever_they_stand() -> None:
    scrub = Scrubber(frozenset({"S1", "H-S1", "Staff 7", "(x)"}))
    text = "household H-S1 (S1, Staff 7) relays; S1. S12 and xS1 stay; (x) too"
    assert scrub.text(text) == (
        f"household {REDACTED} ({REDACTED}, {REDACTED}) relays; {REDACTED}. S12 and xS1 stay; "
        f"{REDACTED} too"
    )
    assert scrub.data({"notes": ["S1 moved", 3, None], "S1": "H-S1"}) == {
        "notes": [f"{REDACTED} moved", 3, None],
        REDACTED: REDACTED,
    }


def test_routes_from_homes_are_cut_and_unmeasured() -> None:
    home_route = shapely.LineString([(0, 0), (150, 0), (150, 300)])
    short = shapely.LineString([(0, 0), (120, 0)])
    between_points = shapely.LineString([(1000, 0), (2000, 0)])
    routes = gpd.GeoDataFrame(
        {
            "kind": ["zone_to_assembly", "zone_to_assembly", "assembly_to_concentration"],
            "length_m": [450.0, 120.0, 1000.0],
            "time_s": [324.0, 86.4, 720.0],
            "access_m": [12.0, 3.0, 20.0],
        },
        geometry=[home_route, short, between_points],
        crs=UTM,
    )
    cut = redacted_routes(routes)
    start = shapely.Point(cut.geometry[0].coords[0])
    assert start.distance(shapely.Point(0, 0)) >= REDACTED_ROUTE_START_M
    assert cut.geometry[1] is None  # never 200 m from its home: left out
    assert cut.geometry[2].equals(between_points)
    for column in ("length_m", "time_s", "access_m"):
        assert np.isnan(cut[column][:2]).all(), column
        assert cut[column][2] == routes[column][2]


def test_assignments_become_counts() -> None:
    table = pd.DataFrame(
        {
            "staff_id": ["S1", "S2", "S3", "S4"],
            "zone_id": ["Z01", "Z01", "Z02", None],
            "area_id": ["A0", "A0", "A0", None],
            "status": ["assigned", "assigned", "assigned", "rejected"],
            "reason": [None, None, None, "staff.csv, row 5: latitude 91 out of range"],
            "badge": ["B1", "B2", "B3", "B4"],
        }
    )
    counts = redacted_assignments(table)
    assert list(counts.columns) == ["zone_id", "area_id", "status", "staff"]
    assert counts.to_dict("records") == [
        {"zone_id": "Z01", "area_id": "A0", "status": "assigned", "staff": 2},
        {"zone_id": "Z02", "area_id": "A0", "status": "assigned", "staff": 1},
        {"zone_id": None, "area_id": None, "status": "rejected", "staff": 1},
    ]
