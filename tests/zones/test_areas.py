"""Areas, Area Security Coordinators and the Security Management Team."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import CRS

from stations import StationError, load_station
from stations.synth import synthesize_station
from zones.areas import (
    GRADE_ORDER,
    AreaRules,
    appoint_coordinators,
    area_polygons,
    define_areas,
    grade_rank,
    security_management_team,
)
from zones.network import NetworkTravel

UTM = CRS.from_epsg(32635)
AS_OF = dt.date(2026, 11, 15)


def offices(*rows: tuple[str, str, float, float]) -> gpd.GeoDataFrame:
    """Offices as (office_id, kind, x_km, y_km)."""
    return gpd.GeoDataFrame(
        {
            "office_id": [r[0] for r in rows],
            "name": [f"Office {r[0]}" for r in rows],
            "kind": [r[1] for r in rows],
            "status": "accepted",
        },
        geometry=[shapely.Point(r[2] * 1000, r[3] * 1000) for r in rows],
        crs=UTM,
    )


def staff(*rows: dict) -> gpd.GeoDataFrame:
    """Staff from dicts with staff_id, x_km, y_km and any roster field."""
    base = {
        "name": "",
        "agency": "UNDP",
        "grade": "G-5",
        "role": None,
        "phone": "+358401234567",
        "office_id": None,
        "area": None,
        "status": "accepted",
    }
    frame = pd.DataFrame([base | {"household_id": f"H{r['staff_id']}"} | r for r in rows])
    frame["name"] = frame["name"].where(frame["name"] != "", frame["staff_id"])
    geometry = [
        shapely.Point(x * 1000, y * 1000) for x, y in zip(frame.x_km, frame.y_km, strict=True)
    ]
    return gpd.GeoDataFrame(frame.drop(columns=["x_km", "y_km"]), geometry=geometry, crs=UTM)


def define(people, sites, rules=None, **kwargs):
    return define_areas(
        people, sites, rules or AreaRules(), crs=UTM, station_name="Capital", **kwargs
    )


# --- rules ------------------------------------------------------------------------------------


def test_rules_from_table_defaults_and_values():
    assert AreaRules.from_table({}) == AreaRules()
    rules = AreaRules.from_table(
        {"distance_km": 80, "separated": ["North"], "offices": {"East": ["SO9"]}}
    )
    assert rules.distance_km == 80.0
    assert rules.declared == ("North", "East")
    assert rules.offices == {"East": ("SO9",)}


@pytest.mark.parametrize(
    ("table", "column", "text"),
    [
        ({"distance": 50}, "areas.distance", "unknown"),
        ({"distance_km": -1}, "areas.distance_km", "must be a number > 0"),
        ({"cluster_km": True}, "areas.cluster_km", "must be a number > 0"),
        ({"separated": "North"}, "areas.separated", "list of area names"),
        ({"offices": {"North": "SO1"}}, "areas.offices", "office_id"),
        ({"mode": "flying"}, "areas.mode", "one of walking, driving"),
    ],
)
def test_rules_refuse_bad_keys(table, column, text):
    with pytest.raises(StationError) as caught:
        AreaRules.from_table(table)
    (issue,) = caught.value.issues
    assert issue.column == column
    assert issue.file == "station.toml"
    assert text in issue.message


# --- areas ------------------------------------------------------------------------------------


def test_far_offices_cluster_by_single_linkage_and_are_numbered_by_distance():
    sites = offices(
        ("O1", "main office", 0, 0),
        ("O2", "compound", 3, 0),
        ("SO1", "sub-office", 100, 0),
        ("SO2", "sub-office", 125, 0),  # 25 km from SO1
        ("SO3", "sub-office", 150, 0),  # 25 km from SO2, 50 km from SO1: chained in
        ("SO4", "sub-office", 0, -80),
    )
    people = staff(
        {"staff_id": "S1", "x_km": 1, "y_km": 1},
        {"staff_id": "S2", "x_km": 40, "y_km": 0},  # within 50 km: capital
        {"staff_id": "S3", "x_km": 140, "y_km": 5, "office_id": "SO3"},
        {"staff_id": "S4", "x_km": 2, "y_km": -75},
        {"staff_id": "S5", "x_km": 60, "y_km": 0},  # beyond 50 km, nearest office SO1
    )
    result = define(people, sites)
    table = result.areas.set_index("area_id")
    assert list(table.index) == ["A0", "A1", "A2"]
    assert table.loc["A0", "area_name"] == "Capital"
    assert table.loc["A0", "offices"] == "O1;O2"
    assert table.loc["A1", "offices"] == "SO4"  # 80 km away: nearer than the eastern cluster
    assert table.loc["A2", "offices"] == "SO1;SO2;SO3"
    assert table.loc["A2", "office_id"] == "SO3"  # the office with the most staff
    area_of = result.staff.set_index("staff_id")["area_id"]
    assert area_of.to_dict() == {"S1": "A0", "S2": "A0", "S3": "A2", "S4": "A1", "S5": "A2"}
    reason = result.staff.set_index("staff_id").loc["S5", "area_reason"]
    assert reason == "60.0 km from the main office; nearest office SO1 (Office SO1)"
    assert result.households.set_index("household_id")["area_id"]["HS3"] == "A2"


def test_smaller_cluster_distance_splits_the_chain():
    sites = offices(
        ("O1", "main office", 0, 0),
        ("SO1", "sub-office", 100, 0),
        ("SO2", "sub-office", 125, 0),
    )
    people = staff({"staff_id": "S1", "x_km": 0, "y_km": 0})
    assert len(define(people, sites).areas) == 2
    assert len(define(people, sites, AreaRules(cluster_km=20)).areas) == 3


def test_declared_area_by_exposure_and_unknown_roster_names():
    sites = offices(("O1", "main office", 0, 0), ("O7", "compound", 10, 10))
    people = staff(
        {"staff_id": "S1", "x_km": 0, "y_km": 1},
        {"staff_id": "S2", "x_km": 9, "y_km": 10, "area": "north"},
        {"staff_id": "S3", "x_km": 1, "y_km": 1, "area": "Nrth"},
    )
    rules = AreaRules(separated=("North",), offices={"North": ("O7",)})
    result = define(people, sites, rules)
    table = result.areas.set_index("area_id")
    assert table.loc["A1", ["area_name", "kind", "offices"]].tolist() == ["North", "declared", "O7"]
    area_of = result.staff.set_index("staff_id")["area_id"]
    assert area_of.to_dict() == {"S1": "A0", "S2": "A1", "S3": "A0"}
    assert any("'Nrth' is not declared" in note for note in result.notes)


def test_travel_time_on_the_network_decides_where_it_reaches():
    sites = offices(
        ("O1", "main office", 0, 0),
        ("SO1", "sub-office", 30, 0),  # 30 km but a 20 km/h track: 90 min
        ("SO2", "sub-office", 0, 40),  # 40 km off the network: straight line, near
    )
    road = gpd.GeoDataFrame(
        {"highway": ["unclassified"], "maxspeed": ["20"]},
        geometry=[shapely.LineString([(0, 0), (30_000, 0)])],
        crs=UTM,
    )
    travel = NetworkTravel.from_edges(road, UTM)
    people = staff({"staff_id": "S1", "x_km": 0, "y_km": 0})
    result = define(people, sites, travel=travel)
    far = result.offices.set_index("office_id")["far"]
    assert far.to_dict() == {"O1": False, "SO1": True, "SO2": False}
    assert define(people, sites).offices["far"].sum() == 0  # straight lines: all within 50 km


def test_areas_are_deterministic():
    sites = offices(("O1", "main office", 0, 0), ("SO1", "sub-office", 100, 0))
    people = staff(
        {"staff_id": "S1", "x_km": 0, "y_km": 0}, {"staff_id": "S2", "x_km": 99, "y_km": 1}
    )
    first, second = define(people, sites), define(people[::-1], sites[::-1])
    pd.testing.assert_frame_equal(first.areas, second.areas)
    pd.testing.assert_frame_equal(
        first.staff.drop(columns="geometry").reset_index(drop=True),
        second.staff.drop(columns="geometry").reset_index(drop=True),
    )


# --- a synthesized station with sub-offices far from the capital ---------------------------------


@pytest.fixture(scope="module")
def far_station(tmp_path_factory: pytest.TempPathFactory):
    folder = synthesize_station(
        tmp_path_factory.mktemp("far"),
        households=300,
        seed=11,
        city="Wien",
        sub_offices=2,
        sub_office_distance_km=120.0,
    ).parent
    return load_station(folder, as_of=AS_OF)


def test_multi_area_station_from_the_synthesizer(far_station):
    station = far_station
    result = define_areas(
        station.staff, station.offices, AreaRules(), crs=station.crs, station_name=station.name
    )
    table = result.areas.set_index("area_id")
    assert list(table.index) == ["A0", "A1", "A2"]
    assert table.loc["A0", "area_name"] == station.name
    assert sorted(table.loc[["A1", "A2"], "offices"]) == ["SO01", "SO02"]
    assert table.loc[["A1", "A2"], "distance_km"].between(110, 130).all()
    assert table["staff"].sum() == len(station.accepted_staff)
    assert (table.loc[["A1", "A2"], "staff"] > 5).all()
    # Every home and office lies in its own area's polygon; the polygons do not overlap.
    polygons = area_polygons(result, station.boundary).set_index("area_id")
    for _, person in result.staff.iterrows():
        assert polygons.loc[person["area_id"]].geometry.covers(person.geometry), person["staff_id"]
    for _, office in result.offices.iterrows():
        assert polygons.loc[office["area_id"]].geometry.covers(office.geometry)
    boundary = station.boundary.to_crs(station.crs).geometry.union_all()
    assert polygons.area.sum() == pytest.approx(boundary.area, rel=1e-6)
    # Each far area gets an ASC working at its sub-office; the CSA coordinates the capital.
    coordinators = appoint_coordinators(result).coordinators.set_index("area_id")
    assert coordinators.loc["A0", "role"] == "CSA"
    people = result.staff.set_index("staff_id")
    for area_id in ("A1", "A2"):
        asc = people.loc[coordinators.loc[area_id, "staff_id"]]
        assert asc["area_id"] == area_id
        assert asc["office_id"] == table.loc[area_id, "office_id"]
        colleagues = people[
            (people["office_id"] == asc["office_id"]) & (people["area_id"] == area_id)
        ]
        assert grade_rank(asc["grade"]) == colleagues["grade"].map(grade_rank).min()


def test_one_area_polygon_is_the_whole_boundary(far_station):
    station = far_station
    result = define_areas(
        station.staff,
        station.offices,
        AreaRules(distance_km=500.0),
        crs=station.crs,
        station_name=station.name,
    )
    polygons = area_polygons(result, station.boundary)
    assert polygons["area_id"].tolist() == ["A0"]
    boundary = station.boundary.to_crs(station.crs).geometry.union_all()
    assert polygons.geometry.iloc[0].equals(boundary)


# --- coordinators -----------------------------------------------------------------------------


def test_grade_order_and_unknown_grades():
    assert GRADE_ORDER[:4] == ("USG", "ASG", "D-2", "D-1")
    ranks = [grade_rank(g) for g in ("D-1", "P-5", "P-1", "NO-D", "NO-A", "G-7", "G-1")]
    assert ranks == sorted(ranks)
    assert grade_rank("p-4") == grade_rank("P-4")
    assert grade_rank("consultant") == grade_rank(None) == len(GRADE_ORDER)


def coordinator_setup(*extra: dict):
    sites = offices(
        ("O1", "main office", 0, 0),
        ("SO1", "sub-office", 100, 0),
        ("SO2", "sub-office", 110, 0),
    )
    people = staff(
        {"staff_id": "S01", "x_km": 0, "y_km": 0, "role": "DO", "grade": "D-1"},
        {"staff_id": "S02", "x_km": 1, "y_km": 0, "role": "CSA", "grade": "P-5"},
        {"staff_id": "S10", "x_km": 100, "y_km": 1, "office_id": "SO1", "grade": "P-3"},
        {"staff_id": "S11", "x_km": 100, "y_km": 2, "office_id": "SO1", "grade": "NO-D"},
        {"staff_id": "S12", "x_km": 100, "y_km": 3, "office_id": "SO1", "grade": "P-3"},
        {"staff_id": "S13", "x_km": 100, "y_km": 4, "office_id": "SO1", "grade": "G-7"},
        {"staff_id": "S20", "x_km": 110, "y_km": 1, "office_id": "SO2", "grade": "D-2"},
        *extra,
    )
    return define(people, sites)


def test_asc_is_the_most_senior_at_the_largest_office_ties_by_staff_id():
    result = coordinator_setup()
    (row,) = appoint_coordinators(result).coordinators.query("area_id == 'A1'").itertuples()
    # SO1 has four staff, SO2 one: the D-2 at SO2 is not considered; two P-3 tie -> S10.
    assert row.staff_id == "S10"
    assert row.reason == (
        "most senior eligible staff member (P-3) at Office SO1, the area's largest office"
    )


def test_wardens_and_people_without_phones_are_not_asc():
    result = coordinator_setup()
    people = result.staff
    people.loc[people["staff_id"] == "S12", "phone"] = None
    chosen = appoint_coordinators(result, exclude={"S10"}).coordinators
    assert chosen.set_index("area_id").loc["A1", "staff_id"] == "S11"  # NO-D after the P-3s


def test_nobody_eligible_at_the_largest_office_falls_back_to_the_area():
    result = coordinator_setup()
    chosen = appoint_coordinators(result, exclude={"S10", "S11", "S12", "S13"}).coordinators
    row = chosen.set_index("area_id").loc["A1"]
    assert row["staff_id"] == "S20"
    assert "nobody eligible at Office SO1" in row["reason"]


def test_fixed_asc_in_the_roster_wins():
    result = coordinator_setup(
        {"staff_id": "S14", "x_km": 101, "y_km": 0, "role": "ASC", "grade": "G-4"},
        {"staff_id": "S15", "x_km": 101, "y_km": 1, "role": "ASC", "grade": "G-3"},
    )
    found = appoint_coordinators(result)
    row = found.coordinators.set_index("area_id").loc["A1"]
    assert (row["staff_id"], row["reason"]) == ("S14", "fixed in the roster (role ASC)")
    assert found.flags["code"].tolist() == ["several_asc"]
    assert found.appointments.to_dict("records") == [
        {
            "zone_id": None,
            "area_id": "A1",
            "role": "ASC",
            "staff_id": "S14",
            "reason": "fixed in the roster (role ASC)",
        }
    ]


def test_area_without_candidates_and_capital_without_csa_are_flagged():
    result = coordinator_setup()
    people = result.staff
    people.loc[people["staff_id"] == "S02", "role"] = "CSFP"
    found = appoint_coordinators(result, exclude={"S10", "S11", "S12", "S13", "S20"})
    assert found.coordinators.set_index("area_id").loc["A0", "role"] == "CSFP"
    assert found.flags[["area_id", "code", "severity"]].to_numpy().tolist() == [
        ["A1", "no_asc", "critical"]
    ]
    people.loc[people["staff_id"] == "S02", "role"] = None
    flags = appoint_coordinators(result).flags
    assert flags[["area_id", "code"]].to_numpy().tolist() == [["A0", "no_csa"]]


# --- Security Management Team -------------------------------------------------------------------


def test_security_management_team_of_the_tiny_station():
    station = load_station(Path(__file__).parents[1] / "data" / "tiny", as_of=AS_OF)
    smt = security_management_team(station.staff)
    assert smt[["position", "staff_id", "agency"]].to_numpy().tolist() == [
        ["chair", "S004", "UNHCR"],  # the DO also speaks for UNHCR
        ["member", "S006", "UNDP"],  # G-6 outranks G-5 (S001)
        ["member", "S002", "UNICEF"],
        ["member", "S003", "WFP"],
        ["adviser", "S005", "WHO"],  # the CSA; WHO has nobody else
    ]
    assert smt.loc[1, "reason"] == "most senior staff member (no agency_head in the roster)"
    assert smt.loc[0, "title"] == "Designated Official"
    assert smt.loc[4, "title"] == "Chief Security Adviser"


def test_asc_away_on_the_plan_date_is_passed_over_and_said_so():
    away = {"S10": "on leave until 2026-12-20"}
    chosen = appoint_coordinators(coordinator_setup(), away=away).coordinators
    row = chosen.set_index("area_id").loc["A1"]
    assert row["staff_id"] == "S12"  # the other P-3 at SO1
    assert row["reason"].endswith("; passed over: S10 on leave until 2026-12-20")
    # Someone away who would not have been chosen anyway is not named.
    chosen = appoint_coordinators(coordinator_setup(), away={"S13": "on mission"}).coordinators
    assert "passed over" not in chosen.set_index("area_id").loc["A1", "reason"]


def test_asc_fixed_in_the_roster_but_away_is_replaced_with_a_flag():
    result = coordinator_setup(
        {"staff_id": "S14", "x_km": 101, "y_km": 0, "role": "ASC", "grade": "G-4"}
    )
    found = appoint_coordinators(result, away={"S14": "on mission until 2027-01-10"})
    row = found.coordinators.set_index("area_id").loc["A1"]
    assert row["staff_id"] == "S10"
    assert row["reason"].endswith("; passed over: S14 on mission until 2027-01-10")
    (message,) = found.flags["message"]
    assert message == (
        "S14, ASC of Office SO1 in the roster, is on mission until 2027-01-10: another ASC is "
        "proposed meanwhile"
    )
