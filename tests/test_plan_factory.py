"""tests/plan_factory.py builds a plan the outputs can trust: every record kept, in one CRS."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from stations import load_station
from tests.conftest import TINY
from tests.factories import AS_OF
from tests.plan_factory import plan_by_hand
from zones.plan import (
    APPOINTMENT_COLUMNS,
    AREA_COLUMNS,
    FLAG_COLUMNS,
    HOUSEHOLD_COLUMNS,
    ROUTE_COLUMNS,
    ZONE_COLUMNS,
)


@pytest.fixture(scope="module")
def station():
    return load_station(TINY, as_of=AS_OF)


@pytest.mark.parametrize("zone_count", [1, 2, 3, 5])
def test_every_household_and_person_is_in_exactly_one_zone(station, zone_count):
    plan = plan_by_hand(station, zone_count=zone_count)
    assert list(plan.zones["zone_id"]) == [f"Z{n:02d}" for n in range(1, zone_count + 1)]
    assert sorted(plan.households["household_id"]) == sorted(station.households["household_id"])
    assert plan.zones["households"].sum() == len(station.households)
    assert plan.zones["staff"].sum() == len(station.accepted_staff)
    assert plan.zones["headcount"].sum() == station.households["headcount"].sum()
    assert set(plan.staff["staff_id"]) == set(station.accepted_staff["staff_id"])
    for home in plan.households.itertuples():
        zone = plan.zones.set_index("zone_id").geometry[home.zone_id]
        assert zone.buffer(1e-9).contains(home.geometry), home.household_id
    overlap = shapely.intersection_all(plan.zones.geometry.to_numpy())
    assert zone_count == 1 or overlap.area == pytest.approx(0, abs=1e-12)


def test_frames_have_the_plan_columns_and_crs(station):
    plan = plan_by_hand(station, zone_count=3)
    assert list(plan.zones.columns) == [*ZONE_COLUMNS, "geometry"]
    assert list(plan.households.columns) == [*HOUSEHOLD_COLUMNS, "geometry"]
    assert list(plan.appointments.columns) == list(APPOINTMENT_COLUMNS)
    assert list(plan.areas.columns) == [*AREA_COLUMNS, "geometry"]
    assert list(plan.routes.columns) == [*ROUTE_COLUMNS, "geometry"]
    assert list(plan.flags.columns) == list(FLAG_COLUMNS)
    expected = station.crs
    for frame in (plan.zones, plan.households, plan.staff, plan.areas, plan.routes):
        assert frame.crs == expected


def test_appointments_match_the_zones_and_gaps_are_flagged(station):
    plan = plan_by_hand(station, zone_count=3)
    zones = plan.zones.set_index("zone_id")
    # West to east: Z01 S004 (DO) and S006; Z02 H1 (S001, S002) and S003; Z03 S005 (CSA).
    assert zones.loc["Z01", "warden_id"] == "S006"
    assert (zones.loc["Z02", "warden_id"], zones.loc["Z02", "deputy_id"]) == ("S001", "S002")
    assert pd.isna(zones.loc["Z01", "deputy_id"])
    assert pd.isna(zones.loc["Z03", "warden_id"])
    wardens = plan.appointments[plan.appointments["role"] == "warden"]
    assert dict(zip(wardens["zone_id"], wardens["staff_id"], strict=True)) == {
        "Z01": "S006",
        "Z02": "S001",
    }
    assert dict(zip(plan.flags["zone_id"], plan.flags["code"], strict=True)) == {
        "Z01": "no_deputy",
        "Z03": "no_candidate",
    }
    assert plan.areas.loc[0, "coordinator_id"] == "S005"


def test_routes_lead_each_zone_to_its_nearest_assembly_point(station):
    plan = plan_by_hand(station, zone_count=2)
    walks = plan.routes[plan.routes["kind"] == "zone_to_assembly"]
    assert list(walks["origin_id"]) == ["Z01", "Z02"]
    assert set(walks["destination_id"]) == {"P1"}
    onward = plan.routes[plan.routes["kind"] == "assembly_to_concentration"]
    assert list(zip(onward["origin_id"], onward["destination_id"], strict=True)) == [("P1", "P2")]
    metres = plan.routes.to_crs(station.crs)
    for route in metres.itertuples():
        assert route.length_m == pytest.approx(route.geometry.length, abs=0.1)
        assert route.time_s == pytest.approx(route.length_m / (5000 / 3600), abs=0.1)
