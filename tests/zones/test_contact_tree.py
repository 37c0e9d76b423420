"""Contact tree: completeness, the chain above the wardens, gaps, hotels and agencies."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from tests.factories import tiny_plan
from zones.contact_tree import NODE_KEYS, build_contact_tree, iter_nodes, person_contacts
from zones.plan import PlannedStation


def zone_branches(tree: dict) -> dict[str, dict]:
    zones = [n for n in iter_nodes(tree["chain"]) if n["role"] == "zone"]
    return {z["zone_id"]: next(c for c in z["children"] if c["role"] == "warden") for z in zones}


def test_every_assigned_staff_once_under_the_right_warden(tiny_station: Path):
    plan = tiny_plan(tiny_station)
    tree = build_contact_tree(plan)
    branches = zone_branches(tree)
    assert sorted(branches) == ["Z01", "Z02"]
    for zone_id, warden in branches.items():
        ids = Counter(n["staff_id"] for n in iter_nodes(warden) if n["staff_id"])
        expected = set(plan.staff.loc[plan.staff["zone_id"] == zone_id, "staff_id"])
        assert set(ids) == expected
        assert set(ids.values()) == {1}
    assert branches["Z01"]["staff_id"] == "S006"
    assert branches["Z01"]["children"][0]["staff_id"] == "S001"  # the deputy first
    assert tree["unassigned"] == []


def test_chain_runs_do_csa_zones(tiny_station: Path):
    tree = build_contact_tree(tiny_plan(tiny_station))
    do = tree["chain"]
    assert (do["role"], do["staff_id"], do["name"]) == ("DO", "S004", "أحمد الخطيب")
    csa = do["children"][0]
    assert (csa["role"], csa["staff_id"]) == ("CSA", "S005")
    assert [z["zone_id"] for z in csa["children"]] == ["Z01", "Z02"]
    assert all(set(n) == set(NODE_KEYS) for n in iter_nodes(do))
    json.dumps(tree, ensure_ascii=False)  # plain JSON types only


def test_missing_deputy_is_shown_as_a_gap(tiny_station: Path):
    warden = zone_branches(build_contact_tree(tiny_plan(tiny_station)))["Z02"]
    deputy = warden["children"][0]
    assert deputy["role"] == "deputy"
    assert deputy["staff_id"] is None
    assert deputy["name"] == "not appointed"


def test_households_carry_staff_and_dependants(tiny_station: Path):
    warden = zone_branches(build_contact_tree(tiny_plan(tiny_station)))["Z01"]
    h1 = next(
        n for n in warden["children"] if n["role"] == "household" and n["household_id"] == "H1"
    )
    assert h1["dependants"] == 2
    assert h1["name"] == "Aino Virtanen, Pierre Dubois"
    # Aino is the deputy (shown above); Pierre is listed in the household.
    assert [c["staff_id"] for c in h1["children"]] == ["S002"]


def with_hotel_and_asc(plan: PlannedStation) -> PlannedStation:
    station = plan.station
    hotel = station.points.iloc[[0]].copy()
    hotel[["point_id", "kind", "name"]] = ["P9", "hotel", "Hotel Kämp"]
    spot = gpd.GeoSeries([shapely.Point(24.946, 60.168)], crs=4326).to_crs(station.crs)
    hotel["geometry"] = spot.to_numpy()  # east of 24.94: zone Z02
    points = gpd.GeoDataFrame(pd.concat([station.points, hotel]), crs=station.points.crs)
    staff = plan.staff.copy()
    staff.loc[staff["staff_id"] == "S002", "role"] = "agency_head"
    areas = plan.areas.copy()
    areas[["coordinator_id", "coordinator_role"]] = ["S002", "ASC"]
    new_station = type(station)(**{**station.__dict__, "points": points})
    return PlannedStation(
        **{**plan.__dict__, "station": new_station, "staff": staff, "areas": areas}
    )


def test_hotels_asc_and_agency_channel(tiny_station: Path):
    plan = with_hotel_and_asc(tiny_plan(tiny_station))
    tree = build_contact_tree(plan)
    asc = tree["chain"]["children"][0]["children"][0]
    assert (asc["role"], asc["staff_id"]) == ("ASC", "S002")
    assert [z["zone_id"] for z in asc["children"]] == ["Z01", "Z02"]
    z02 = asc["children"][1]
    hotel = next(n for n in z02["children"] if n["role"] == "hotel")
    assert hotel["name"] == "Hotel Kämp"
    # Z02 has no deputy: its warden keeps in touch with the visitors.
    assert hotel["children"][0]["staff_id"] == "S003"
    agencies = {a["name"]: a for a in tree["agencies"]}
    unicef = agencies["UNICEF"]
    assert unicef["children"][0]["role"] == "agency_head"
    assert agencies["UNDP"]["note"] == "no head of agency named"
    assert sorted(c["staff_id"] for c in agencies["UNDP"]["children"]) == ["S001", "S006"]


def test_person_contacts_name_warden_deputy_and_coordinator(tiny_station: Path):
    people = person_contacts(tiny_plan(tiny_station)).set_index("staff_id")
    assert len(people) == 6
    assert people.loc["S002", "warden"] == "José Núñez"
    assert people.loc["S002", "deputy"] == "Aino Virtanen"
    assert people.loc["S003", "deputy"] == ""
    assert people.loc["S003", "coordinator"] == "李小龙"
    assert people.loc["S003", "coordinator_role"] == "CSA"


def test_household_note_uses_the_singular_for_one(tiny_station: Path):
    warden = zone_branches(build_contact_tree(tiny_plan(tiny_station)))["Z02"]
    notes = {n["household_id"]: n["note"] for n in warden["children"] if n["role"] == "household"}
    assert notes["H-S003"] == "1 staff, 1 dependant"
    assert notes["H-S005"] == "1 staff, 0 dependants"
