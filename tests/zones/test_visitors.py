"""Visitors in the plan: in their hotel's zone, the nearest one outside every zone, in loads."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stations import load_station
from tests.factories import PEOPLE_AS_OF, tiny_plan, tiny_with_people
from zones.plan import VISITOR_COLUMNS
from zones.visitors import OUTSIDE_ZONES, place_visitors, with_visitors


def test_visitors_present_are_placed_in_their_hotels_zone(tiny_station: Path) -> None:
    station = load_station(tiny_with_people(tiny_station), as_of=PEOPLE_AS_OF)
    plan = tiny_plan(tiny_station)
    placed = place_visitors(station.visitors_on(), plan.zones)
    visitors = placed.visitors
    assert list(visitors.columns) == [*VISITOR_COLUMNS, "geometry"]
    assert visitors.crs == station.crs
    # V3 left before the plan date; P5 is west of the cut (Z01), P6 east (Z02).
    assert dict(zip(visitors["visitor_id"], visitors["zone_id"], strict=True)) == {
        "V1": "Z01",
        "V2": "Z02",
        "V4": "Z02",
    }
    assert visitors.set_index("visitor_id").loc["V1", "sponsor_staff_id"] == "S004"


def test_a_visitor_outside_every_zone_goes_to_the_nearest_and_is_flagged(
    tiny_station: Path,
) -> None:
    station = load_station(tiny_with_people(tiny_station), as_of=PEOPLE_AS_OF)
    flags = place_visitors(station.visitors_on(), tiny_plan(tiny_station).zones).flags
    assert flags[["zone_id", "area_id", "code", "severity"]].to_numpy().tolist() == [
        ["Z02", "A0", OUTSIDE_ZONES, "minor"]
    ]
    message = flags["message"].iloc[0]
    assert message.startswith(
        "visitor V4: the lodging (given by lat/lon) is in no warden zone; the visitor is "
        "placed in the nearest zone, Z02 ("
    )
    metres = float(message.split("Z02 (")[1].split(" m away")[0].replace(",", ""))
    assert 500 < metres < 600  # 24.99 E is 0.01 degrees (about 555 m) east of the edge


def test_visitors_count_in_their_zones_headcount_not_in_its_households(
    tiny_station: Path,
) -> None:
    station = load_station(tiny_with_people(tiny_station), as_of=PEOPLE_AS_OF)
    plan = tiny_plan(tiny_station)
    before = plan.zones.set_index("zone_id")
    after = with_visitors(plan, station.visitors_on())
    zones = after.zones.set_index("zone_id")
    assert zones["visitors"].to_dict() == {"Z01": 1, "Z02": 2}
    assert (zones["headcount"] == zones["staff"] + zones["dependants"] + zones["visitors"]).all()
    assert (zones["headcount"] - before["headcount"]).to_dict() == {"Z01": 1, "Z02": 2}
    assert (
        list(after.zones.columns).index("visitors")
        == list(after.zones.columns).index("headcount") - 1
    )
    pd.testing.assert_frame_equal(after.households, plan.households)  # the partition's counts
    assert after.flags["code"].tolist() == [*plan.flags["code"], OUTSIDE_ZONES]
    # Placing them again does not count them twice.
    again = with_visitors(after, station.visitors_on()).zones.set_index("zone_id")
    assert again["headcount"].to_dict() == zones["headcount"].to_dict()


def test_without_visitors_the_zones_count_none(tiny_station: Path) -> None:
    station = load_station(tiny_station, as_of=PEOPLE_AS_OF)
    plan = tiny_plan(tiny_station)
    after = with_visitors(plan, station.visitors_on())
    assert after.visitors.empty
    assert list(after.visitors.columns) == [*VISITOR_COLUMNS, "geometry"]
    assert after.zones["visitors"].tolist() == [0, 0]
    assert after.zones["headcount"].tolist() == plan.zones["headcount"].tolist()
