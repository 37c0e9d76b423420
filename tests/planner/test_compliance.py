"""Compliance per agency: the MOSS report regrouped, checked against the roster with pandas.

The rules are the default set's, their checks pinned here (``dataclasses.replace``) so the
independent computation below reads the roster the same way whatever the defaults become.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from planner.compliance import (
    DUE_DAYS,
    NO_HEAD,
    STATION,
    StationCompliance,
    agency_compliance,
    compliance_table,
)
from planner.moss import check_moss
from planner.moss_rules import Rule, load_rules
from planner.summary import agency_figures
from stations import load_station
from stations.synth import REFERENCE_DATE, synthesize_station
from tests.plan_factory import plan_by_hand

SAMPLE = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"
AS_OF = dt.date(2026, 12, 1)
THREE_YEARS = 1095


def pinned_rules() -> list[Rule]:
    """Return BSAFE, SSAFE, briefing, MORSS (international staff) and two office rules."""
    rules = {r.id: r for r in load_rules()}

    def rule(rule_id: str, **changes: object) -> Rule:
        return dataclasses.replace(rules[rule_id], min_level=1, where={}, **changes)

    def recent(column: str) -> dict:
        return {"kind": "field", "fields": [column], "test": "recent", "max_age_days": THREE_YEARS}

    return [
        rule("TRN-01", check=recent("bsafe_date"), component="training", severity="major"),
        rule("TRN-03", check=recent("ssafe_date"), component="training", severity="major"),
        rule(
            "TRN-02",
            check={"kind": "field", "fields": ["briefed_date"], "test": "present"},
            component="training",
            severity="minor",
        ),
        dataclasses.replace(
            rule(
                "RES-01",
                check={"kind": "field", "fields": ["morss_surveyed"], "test": "true"},
                applies_to="household",
                severity="major",
            ),
            where={"category": "international"},
        ),
        rule("MED-02", check={"kind": "equipment", "items": ["first_aid_kit"]}, severity="major"),
        rule(
            "PRM-01",
            check={"kind": "equipment", "items": ["guards", "perimeter"]},
            severity="critical",
            applies_to="office",
        ),
    ]


def compliance_of(folder: Path, as_of: dt.date) -> StationCompliance:
    station = load_station(folder, as_of=as_of)
    planned = plan_by_hand(station)
    return agency_compliance(planned, check_moss(planned, pinned_rules(), as_of=as_of))


def roster(folder: Path, as_of: dt.date) -> pd.DataFrame:
    """Read the staff file as text and judge it with pandas alone."""
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    cutoff = pd.Timestamp(as_of - dt.timedelta(days=THREE_YEARS))

    def recent(column: str) -> pd.Series:
        return pd.to_datetime(staff[column].replace("", None), errors="coerce") >= cutoff

    staff["bsafe"] = recent("bsafe_date")
    staff["ssafe"] = recent("ssafe_date")
    staff["briefed"] = staff["briefed_date"].str.strip() != ""
    staff["trained"] = staff["bsafe"] & staff["ssafe"] & staff["briefed"]
    staff["morss"] = staff["morss_surveyed"].str.lower() == "true"
    own_home = "H-" + staff["staff_id"]  # the loader's id for a household of one
    staff["home"] = staff["household_id"].where(staff["household_id"] != "", own_home)
    return staff


def offices(folder: Path) -> pd.DataFrame:
    table = pd.read_csv(folder / "offices.csv", dtype=str, keep_default_na=False)
    for column in ("first_aid_kit", "guards", "perimeter"):
        table[column] = table[column].str.lower() == "true"
    return table


def expected(staff: pd.DataFrame, office_table: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Return per agency: staff, categories, each coverage and the untrained count."""
    international = staff[staff["category"] == "international"]
    surveyed = international.groupby("home")["morss"].any()
    figures = {}
    for agency, rows in staff.groupby("agency"):
        homes = international.loc[international["agency"] == agency, "home"].unique()
        mine = office_table[office_table["agency"] == agency]
        figures[agency] = {
            "staff": len(rows),
            **{f"staff_{c}": n for c, n in rows["category"].value_counts().items()},
            "TRN-01_pct": round(100 * rows["bsafe"].mean(), 1),
            "TRN-03_pct": round(100 * rows["ssafe"].mean(), 1),
            "TRN-02_pct": round(100 * rows["briefed"].mean(), 1),
            "RES-01_pct": round(100 * surveyed[homes].mean(), 1) if len(homes) else None,
            "MED-02_pct": round(100 * mine["first_aid_kit"].mean(), 1) if len(mine) else None,
            "PRM-01_pct": (
                round(100 * (mine["guards"] & mine["perimeter"]).mean(), 1) if len(mine) else None
            ),
            "untrained": int((~rows["trained"]).sum()),
        }
    return figures


def assert_table_matches(table: pd.DataFrame, figures: dict[str, dict[str, float]]) -> None:
    rows = table[table["agency"] != STATION].set_index("agency")
    assert sorted(rows.index) == sorted(figures)
    for agency, wanted in figures.items():
        for column, value in wanted.items():
            got = rows.loc[agency, column]
            if value is None:
                assert pd.isna(got), (agency, column, got)
            else:
                assert got == pytest.approx(value), (agency, column, got, value)


@pytest.fixture(scope="module")
def helsinki() -> StationCompliance:
    return compliance_of(SAMPLE, AS_OF)


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station of 60 households with away staff, dependants and visitors."""
    folder = tmp_path_factory.mktemp("synth") / "station"
    synthesize_station(
        folder,
        households=60,
        seed=3,
        boundary=SAMPLE / "boundary.geojson",
        name="Synthesia",
        country="FI",
        people=True,
    )
    return folder


def test_helsinki_figures_per_agency_match_the_roster(helsinki: StationCompliance) -> None:
    staff = roster(SAMPLE, AS_OF)
    table = compliance_table(helsinki)
    assert_table_matches(table, expected(staff, offices(SAMPLE)))
    total = table.set_index("agency").loc[STATION]
    assert total["staff"] == len(staff)
    assert total["untrained_pct"] == pytest.approx(round(100 * (~staff["trained"]).mean(), 1))
    assert helsinki.untrained == int((~staff["trained"]).sum())


def test_synthesized_station_figures_and_away_staff(synthesized: Path) -> None:
    compliance = compliance_of(synthesized, REFERENCE_DATE)
    staff = roster(synthesized, REFERENCE_DATE)
    assert (staff["category"] == "international").sum() > 0
    assert_table_matches(compliance_table(compliance), expected(staff, offices(synthesized)))
    station = load_station(synthesized, as_of=REFERENCE_DATE)
    away = set(station.away_on())
    assert away  # the synthesized roster has staff on leave or on mission on the date
    agency_of = dict(zip(staff["staff_id"], staff["agency"], strict=True))
    for agency in compliance.agencies:
        # Away staff are still counted, and marked as away in their items.
        assert agency.away == sum(agency_of[s] == agency.agency for s in away)
        for item in agency.items:
            if item.applies_to == "staff":
                assert (item.entity in away) == (item.presence in ("on leave", "on mission"))
    assert sum(a.staff for a in compliance.agencies) == len(staff)


def test_items_name_an_action_owner_and_a_due_date(helsinki: StationCompliance) -> None:
    staff = roster(SAMPLE, AS_OF)
    heads = staff[staff["role"] == "agency_head"].set_index("agency")["name"]
    office_table = offices(SAMPLE)
    for agency in helsinki.agencies:
        failing_offices = set(
            office_table.loc[
                (office_table["agency"] == agency.agency)
                & ~(office_table["guards"] & office_table["perimeter"]),
                "office_id",
            ]
        )
        office_items = {i.entity for i in agency.items if i.rule_id == "PRM-01"}
        assert office_items == failing_offices
        for item in agency.items:
            assert item.due == AS_OF + dt.timedelta(days=DUE_DAYS[item.severity])
            if item.applies_to == "office":
                assert item.owner == heads[agency.agency]
            elif item.applies_to == "staff":
                assert item.owner == staff.set_index("staff_id").loc[item.entity, "name"]
    unbriefed = staff.loc[~staff["briefed"], "staff_id"]
    listed = {i.entity for a in helsinki.agencies for i in a.items if i.rule_id == "TRN-02"}
    assert listed == set(unbriefed)


def test_to_dict_holds_every_field_of_offices_items_and_appointees(
    helsinki: StationCompliance,
) -> None:
    written = helsinki.to_dict()["agencies"]
    assert any(a["items"] and a["appointees"] and a["offices"] for a in written)
    for agency, data in zip(helsinki.agencies, written, strict=True):
        assert data["offices"] == [
            dataclasses.asdict(o) | {"status": o.status} for o in agency.offices
        ]
        assert data["items"] == [
            dataclasses.asdict(i) | {"due": i.due.isoformat()} for i in agency.items
        ]
        assert data["appointees"] == [dataclasses.asdict(a) for a in agency.appointees]
        assert all(isinstance(i["due"], str) for i in data["items"])


def test_an_office_of_an_agency_without_a_head_names_the_role(tmp_path: Path) -> None:
    folder = tmp_path / "helsinki"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("*.pbf"))
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[(staff["agency"] == "UNICEF") & (staff["role"] == "agency_head"), "role"] = ""
    staff.to_csv(folder / "staff.csv", index=False)
    toml = (folder / "station.toml").read_text(encoding="utf-8")
    (folder / "station.toml").write_text(toml.replace('osm = "helsinki.osm.pbf"\n', ""))
    unicef = next(a for a in compliance_of(folder, AS_OF).agencies if a.agency == "UNICEF")
    office_items = [i for i in unicef.items if i.applies_to == "office"]
    assert office_items  # the UNICEF compound has no guards
    assert {i.owner for i in office_items} == {NO_HEAD}
    assert unicef.head == ""


def test_worst_agency_is_the_lowest_compliance_ties_by_name(helsinki: StationCompliance) -> None:
    table = compliance_table(helsinki)
    rows = table[table["agency"] != STATION]
    lowest = rows.sort_values(["compliance_pct", "agency"]).iloc[0]
    worst = helsinki.worst()
    assert worst is not None
    assert worst.agency == lowest["agency"]
    tied = dataclasses.replace(
        helsinki,
        agencies=(
            *(
                dataclasses.replace(a, agency=f"Z{a.agency}") if a is worst else a
                for a in helsinki.agencies
            ),
            dataclasses.replace(worst, agency="AAA"),
        ),
    )
    assert tied.worst().agency == "AAA"  # type: ignore[union-attr]


def test_summary_names_the_worst_agency_and_the_untrained_share() -> None:
    station = load_station(SAMPLE, as_of=AS_OF)
    planned = plan_by_hand(station)
    figures = agency_figures(
        agency_compliance(planned, check_moss(planned, pinned_rules(), as_of=AS_OF))
    )
    staff = roster(SAMPLE, AS_OF)
    assert figures["staff_without_training_pct"] == pytest.approx(
        round(100 * (~staff["trained"]).mean(), 1)
    )
    table = compliance_table(compliance_of(SAMPLE, AS_OF))
    rows = table[table["agency"] != STATION].sort_values(["compliance_pct", "agency"])
    assert figures["worst_agency"] == rows["agency"].iloc[0]
    assert figures["worst_agency_percentage"] == rows["compliance_pct"].iloc[0]


def test_a_rule_on_some_roles_counts_only_those_staff() -> None:
    station = load_station(SAMPLE, as_of=AS_OF)
    planned = plan_by_hand(station)
    radio = dataclasses.replace(
        {r.id: r for r in load_rules()}["COM-01"],
        min_level=1,
        where={"role": ["agency_head"]},
        check={"kind": "field", "fields": ["has_radio"], "test": "true"},
    )
    compliance = agency_compliance(planned, check_moss(planned, [radio], as_of=AS_OF))
    staff = pd.read_csv(SAMPLE / "staff.csv", dtype=str, keep_default_na=False)
    heads = staff[staff["role"] == "agency_head"]
    assert len(heads) == len(compliance.agencies)  # one head each in the sample
    for agency in compliance.agencies:
        (coverage,) = agency.coverage
        mine = heads[heads["agency"] == agency.agency]
        assert coverage.checked == len(mine) == 1
        assert coverage.passed == int((mine["has_radio"] == "true").sum())
