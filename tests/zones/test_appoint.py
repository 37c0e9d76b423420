"""Warden and deputy appointments: each eligibility rule, preferences, ties, retention, flags."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import CRS

from stations import StationError
from zones.appoint import AppointmentRules, appoint_wardens

UTM = CRS.from_epsg(32635)
AS_OF = dt.date(2026, 11, 15)
TRAINED = dt.date(2025, 6, 1)


def person(
    staff_id: str, x: float, *, in_zone: str = "Z01", household: str | None = None, **fields
):
    base = {
        "staff_id": staff_id,
        "household_id": household or f"H{staff_id}",
        "zone_id": in_zone,
        "agency": "UNDP",
        "role": None,
        "zone": None,
        "phone": "+358401234567",
        "phone2": None,
        "has_radio": True,
        "bsafe_date": TRAINED,
        "willing_warden": None,
        "category": "national",
        "x": x,
    }
    return base | fields


def setup(people: list[dict]):
    staff = pd.DataFrame(people)
    xs = staff.groupby("household_id")["x"].first()
    zones_of = staff.groupby("household_id")["zone_id"].first()
    households = gpd.GeoDataFrame(
        {"household_id": xs.index, "zone_id": zones_of.loc[xs.index].to_numpy()},
        geometry=gpd.points_from_xy(xs.to_numpy(), [0.0] * len(xs)),
        crs=UTM,
    )
    zones = gpd.GeoDataFrame(
        {"zone_id": ["Z01", "Z02"]},
        geometry=[shapely.box(-1000, -500, 1000, 500), shapely.box(1000, -500, 3000, 500)],
        crs=UTM,
    )
    return staff.drop(columns="x"), households, zones


def appoint(people, rules=None, **kwargs):
    rules = rules or AppointmentRules()
    staff, households, zones = setup(people)
    return appoint_wardens(staff, households, zones, rules, as_of=AS_OF, **kwargs)


def roles(result, zone="Z01"):
    table = result.table[result.table["zone_id"] == zone]
    return dict(zip(table["role"], table["staff_id"], strict=True))


def test_the_most_central_resident_is_warden() -> None:
    result = appoint(
        [
            person("A", -800),
            person("B", 0),
            person("C", 700),
            person("D", 2000, in_zone="Z02"),
            person("E", 2100, in_zone="Z02"),
        ]
    )
    assert roles(result) == {"warden": "B", "deputy": "C"}
    assert "shortest total travel" in result.table.iloc[0]["reason"]


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("willing_warden", False, "declined"),
        ("phone", None, "no phone"),  # and no phone2
        ("role", "DO", "excluded role"),
        ("role", "CSA", "excluded role"),
    ],
)
def test_each_eligibility_rule(field: str, value, reason: str) -> None:
    people = [person("A", -100), person("B", 0, **{field: value}), person("C", 100)]
    result = appoint(people)
    assert "B" not in set(result.table["staff_id"])
    only_b = appoint([person("B", 0, **{field: value})])
    (flag,) = only_b.flags[only_b.flags["zone_id"] == "Z01"].itertuples()
    assert flag.code == "no_candidate"
    if reason == "no phone":
        assert "no resident has a phone" in flag.message
    elif reason == "declined":
        assert "every resident declined" in flag.message
    else:
        assert "1 excluded role" in flag.message


def test_asc_is_not_a_warden() -> None:
    result = appoint([person("A", 0), person("B", 50)], not_available=frozenset({"A"}))
    assert roles(result) == {"warden": "B"}


def test_deputy_from_another_household_and_agency() -> None:
    people = [
        person("A", 50, household="H1"),
        person("B", 50, household="H1"),  # A's household: never A's deputy
        person("C", 0, agency="UNDP"),  # as central as D, but A's agency
        person("D", 100, agency="WFP"),
    ]
    result = appoint(people)
    assert roles(result) == {"warden": "A", "deputy": "D"}


def test_a_second_phone_counts_and_trained_means_what_the_training_rule_says() -> None:
    only_phone2 = [person("A", 0, phone=None, phone2="+358451111111")]
    assert roles(appoint(only_phone2)) == {"warden": "A"}
    # Field training (SSAFE) without BSAFE fails MOSS TRN-01: appointment agrees (issue 20).
    field_only = [
        person("A", 0, bsafe_date=None, ssafe_date=TRAINED),
        person("B", 300),
    ]
    result = appoint(field_only)
    assert roles(result) == {"warden": "B", "deputy": "A"}
    assert "lacks current security training" in result.table.iloc[1]["reason"]


def test_preferences_come_before_distance() -> None:
    people = [person("A", 0, has_radio=False), person("B", 400), person("C", -400)]
    assert roles(appoint(people))["warden"] in {"B", "C"}
    untrained = [person("A", 0, bsafe_date=dt.date(2019, 1, 1)), person("B", 300)]
    assert roles(appoint(untrained))["warden"] == "B"
    international = AppointmentRules(prefer_category="international")
    people = [person("A", 0), person("B", 500, category="international")]
    assert roles(appoint(people, international))["warden"] == "B"


def test_ties_break_on_staff_id_and_results_are_deterministic() -> None:
    people = [person("S2", -100), person("S1", 100)]
    first = appoint(people)
    assert roles(first)["warden"] == "S1"
    again = appoint(list(reversed(people)))
    pd.testing.assert_frame_equal(first.table, again.table)


def test_existing_appointments_are_kept_while_valid() -> None:
    people = [person("A", 0), person("B", 600, role="warden", zone="Z01"), person("C", 100)]
    assert roles(appoint(people))["warden"] == "B"
    assert "kept: already warden" in appoint(people).table.iloc[0]["reason"]
    moved_away = [
        person("A", 0),
        person("B", 2500, in_zone="Z02", role="warden", zone="Z01"),
        person("C", 100),
    ]
    replaced = appoint(moved_away)
    assert roles(replaced)["warden"] == "A"
    (flag,) = replaced.flags[replaced.flags["code"] == "replaced"].itertuples()
    assert (
        flag.message
        == "B, warden until now, is no longer eligible or no longer lives in Z01; A is proposed"
    )
    declined = [person("A", 0), person("B", 600, role="warden", zone="Z01", willing_warden=False)]
    assert roles(appoint(declined))["warden"] == "A"
    previous = pd.DataFrame({"zone_id": ["Z01"], "role": ["deputy"], "staff_id": ["C"]})
    result = appoint([person("A", 0), person("B", 100), person("C", 700)], previous=previous)
    assert roles(result) == {"warden": "B", "deputy": "C"}


def test_alternates_and_flags() -> None:
    people = [person("A", -100), person("B", 0), person("C", 100), person("D", 2000, in_zone="Z02")]
    result = appoint(people, AppointmentRules(alternates=1))
    assert roles(result) == {"warden": "B", "deputy": "A", "alternate_1": "C"}
    flags = result.flags.set_index("zone_id")
    assert flags.loc["Z02", "code"] == "no_deputy"
    # Both on Telia (+358 40), no radio: one network failure silences the zone.
    single = appoint([person("A", 0, has_radio=False), person("B", 50, has_radio=False)])
    assert "single_network" in set(single.flags["code"])
    second_phone = appoint(
        [person("A", 0, has_radio=False, phone2="+358451111111"), person("B", 50, has_radio=False)]
    )
    assert "single_network" not in set(second_phone.flags["code"])
    other_network = appoint(
        [person("A", 0, has_radio=False), person("B", 50, has_radio=False, phone="+358501234567")]
    )
    assert "single_network" not in set(other_network.flags["code"])


def test_zone_without_candidate_is_covered_by_its_neighbour() -> None:
    people = [person("A", 0), person("B", 100), person("C", 2000, in_zone="Z02", phone=None)]
    result = appoint(people)
    assert result.cover == {"Z02": "Z01"}
    message = result.flags.set_index("zone_id").loc["Z02", "message"]
    assert (
        message
        == "no eligible warden: no resident has a phone; the warden of Z01 covers it meanwhile"
    )


def test_rules_from_the_station_file() -> None:
    rules = AppointmentRules.from_table(
        {"alternates": 2, "exclude_roles": ["DO"], "prefer_category": "national"}
    )
    assert (rules.alternates, rules.exclude_roles) == (2, ("DO",))
    with pytest.raises(StationError) as caught:
        AppointmentRules.from_table({"alternate": 2, "alternates": "two"})
    columns = {i.column for i in caught.value.issues}
    assert columns == {"appointments.alternate", "appointments.alternates"}
    with pytest.raises(StationError, match="appointments"):
        AppointmentRules.from_table({"prefer_category": "expat"})


def test_staff_away_are_not_appointed_and_the_warden_reason_names_them() -> None:
    people = [person("A", 0), person("B", 600, role="warden", zone="Z01"), person("C", 100)]
    away = {"B": "on leave until 2026-12-20", "A": "visiting"}
    result = appoint(people, away=away)
    assert roles(result) == {"warden": "C"}
    assert result.table.iloc[0]["reason"].endswith(
        "; passed over: A visiting, B on leave until 2026-12-20"
    )
    (flag,) = result.flags[result.flags["code"] == "replaced"].itertuples()
    assert flag.message == "B, warden until now, is on leave until 2026-12-20; C is proposed"
    everyone = appoint(people, away=away | {"C": "on mission"})
    flags = everyone.flags.query("code == 'no_candidate' and zone_id == 'Z01'")
    (flag,) = flags.itertuples()
    assert "3 away or visiting" in flag.message
    # Someone away who would not be eligible anyway (declined) is not named.
    declined = [person("A", 0), person("B", 100, willing_warden=False)]
    result = appoint(declined, away={"B": "on mission"})
    assert "passed over" not in result.table.iloc[0]["reason"]
