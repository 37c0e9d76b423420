"""The person register: staff, dependants and visitors with their zone and warden."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import pandas as pd

from tests.factories import WARDENS, tiny_plan
from zones.plan import VISITOR_COLUMNS
from zones.register import REGISTER_COLUMNS, person_register


def test_every_staff_member_and_numbered_dependant_is_listed_with_the_zones_warden(tiny_station):
    plan = tiny_plan(tiny_station)
    register = person_register(plan)
    assert tuple(register.columns) == REGISTER_COLUMNS
    staff = register[register["kind"] == "staff"]
    assert sorted(staff["person_id"]) == sorted(plan.staff["staff_id"])
    dependants = register[register["kind"] == "dependant"].set_index("person_id")
    # S001 (H1) counts 2, S003 counts 1, S004 (the DO) counts 3: numbered per household.
    assert len(dependants) == 6
    assert dependants.loc["H1-D2", "household_id"] == "H1"
    assert dependants.loc["H1-D2", "agency"] == "UNDP"
    assert dependants.loc["H1-D2", "name"] == "dependant of Aino Virtanen"
    for zone_id, (warden, deputy) in WARDENS.items():
        zone = register[register["zone_id"] == zone_id]
        assert (zone["warden_id"] == warden).all()
        assert (zone["deputy_id"] == (deputy or "")).all()
    z01 = register[register["zone_id"] == "Z01"].iloc[0]
    assert z01["warden_name"] == "José Núñez"
    assert z01["warden_phone"] == "+358401234572"
    assert register["person_id"].is_unique


def test_visitors_are_listed_in_their_hotels_zone(tiny_station):
    plan = tiny_plan(tiny_station)
    visitors = gpd.GeoDataFrame(
        pd.DataFrame(
            [("V01", "<b>Guest</b>", "OCHA", "+41791234567", "P9", "Z02", "S003")],
            columns=list(VISITOR_COLUMNS),
        )
    )
    register = person_register(dataclasses.replace(plan, visitors=visitors))
    visitor = register[register["kind"] == "visitor"].set_index("person_id").loc["V01"]
    assert visitor["name"] == "<b>Guest</b>"
    assert visitor["zone_id"] == "Z02"
    assert visitor["area_id"] == "A0"
    assert visitor["household_id"] == ""
    assert visitor["warden_id"] == WARDENS["Z02"][0]
    assert len(person_register(plan)) == len(register) - 1
