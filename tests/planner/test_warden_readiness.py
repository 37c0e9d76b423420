"""Warden readiness: who is not appointed, the roster's readiness fields, the plan's flags."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from outputs.warden_pdf import write_warden_pdfs
from planner.build import build_plan
from stations import load_station
from stations.synth import REFERENCE_DATE, synthesize_station
from zones.appoint import AppointmentRules, appoint_wardens
from zones.readiness import readiness_flags, readiness_marks
from zones.training import is_trained

sys.path.insert(0, str(Path(__file__).parents[1]))
from factories import tiny_plan

AS_OF = dt.date(2026, 11, 15)
SMT_ROLES = {"DO", "CSA", "CSFP", "agency_head"}
READINESS = {"warden_untrained", "warden_unbriefed", "warden_visits_overdue"}


def test_heads_of_agency_are_not_appointed_by_default(tiny_station) -> None:
    plan = tiny_plan(tiny_station)
    staff = plan.staff.copy()
    # S006 would be Z01's warden; as a head of agency they are passed over.
    staff.loc[staff["staff_id"] == "S006", "role"] = "agency_head"
    rules = AppointmentRules()
    assert set(rules.exclude_roles) == SMT_ROLES
    result = appoint_wardens(staff, plan.households, plan.zones, rules, as_of=AS_OF)
    assert "S006" not in set(result.table["staff_id"])
    only_do = AppointmentRules.from_table({"exclude_roles": ["DO"]})
    again = appoint_wardens(staff, plan.households, plan.zones, only_do, as_of=AS_OF)
    assert "S006" in set(again.table["staff_id"])


def test_readiness_fields_are_read_with_their_aliases(tiny_station) -> None:
    roster = tiny_station / "staff.csv"
    frame = pd.read_csv(roster, dtype=str, keep_default_na=False)
    frame["Warden training"] = ["2025-03-01", "", "", "", "", "14/02/2019"]
    frame["Last household visit"] = ["2026-10-01", "", "", "", "", ""]
    frame.to_csv(roster, index=False)
    station = load_station(tiny_station, as_of=AS_OF)
    staff = station.accepted_staff.set_index("staff_id")
    assert staff.loc["S001", "warden_training_date"] == dt.date(2025, 3, 1)
    assert staff.loc["S006", "warden_training_date"] == dt.date(2019, 2, 14)
    assert staff.loc["S001", "last_visit_date"] == dt.date(2026, 10, 1)


def test_each_readiness_gap_is_flagged(tiny_station) -> None:
    plan = tiny_plan(tiny_station)
    staff = plan.staff.copy()
    # S006 warden of Z01: no BSAFE; S001 deputy of Z01: trained, briefed, visits current;
    # S003 warden of Z02: trained long ago as a warden, never briefed, last visit a year ago.
    staff["briefed_date"] = [dt.date(2026, 1, 5)] * 2 + [None] + [dt.date(2026, 1, 5)] * 3
    staff["bsafe_date"] = staff["bsafe_date"].where(
        staff["staff_id"] != "S003", dt.date(2026, 2, 1)
    )
    staff["warden_training_date"] = staff["staff_id"].map(
        {"S001": dt.date(2025, 1, 1), "S003": dt.date(2019, 1, 1), "S006": dt.date(2025, 1, 1)}
    )
    staff["last_visit_date"] = staff["staff_id"].map(
        {"S001": dt.date(2026, 9, 1), "S003": dt.date(2025, 11, 1), "S006": dt.date(2026, 9, 1)}
    )
    flags = readiness_flags(plan.appointments, staff, AppointmentRules(), as_of=AS_OF)
    found = {(f.staff_id, f.code) for f in flags.itertuples()}
    assert found == {
        ("S006", "warden_untrained"),
        ("S003", "warden_untrained"),
        ("S003", "warden_unbriefed"),
        ("S003", "warden_visits_overdue"),
    }
    keys = zip(flags["staff_id"], flags["code"], strict=True)
    messages = dict(zip(keys, flags["message"], strict=True))
    assert "no basic security training (BSAFE)" in messages["S006", "warden_untrained"]
    assert messages["S003", "warden_untrained"] == (
        "warden S003 has no warden training within 1095 days"
    )
    assert "(last on 2025-11-01)" in messages["S003", "warden_visits_overdue"]
    lenient = AppointmentRules(visit_max_age_days=400)
    assert "warden_visits_overdue" not in set(
        readiness_flags(plan.appointments, staff, lenient, as_of=AS_OF)["code"]
    )
    # A roster that records neither field is not judged on them.
    bare = staff.drop(columns=["warden_training_date", "last_visit_date"])
    codes = readiness_flags(plan.appointments, bare, AppointmentRules(), as_of=AS_OF)
    assert set(codes["staff_id"] + ":" + codes["code"]) == {
        "S006:warden_untrained",
        "S003:warden_unbriefed",
    }


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth") / "station"
    synthesize_station(folder, households=160, seed=11, city="Wien", people=True)
    return folder


def test_synth_writes_readiness_fields_with_realistic_shares(synthesized) -> None:
    roster = pd.read_csv(synthesized / "staff.csv", dtype=str, keep_default_na=False)
    willing = roster["willing_warden"].str.lower() != "false"
    trained = roster["warden_training_date"] != ""
    assert not (trained & ~willing).any()
    assert 0.12 < trained[willing].mean() < 0.38
    visited = roster["last_visit_date"] != ""
    assert not (visited & ~trained).any()
    assert 0.75 < visited[trained].mean() < 0.98


def test_synthesized_plan_flags_and_marks_readiness(synthesized, tmp_path) -> None:
    run = build_plan(synthesized, as_of=REFERENCE_DATE, until="plan")
    planned = run.planned
    staff = planned.station.accepted_staff.set_index("staff_id")
    chosen = planned.appointments[planned.appointments["role"].isin(["warden", "deputy"])]
    held = {r for value in staff.loc[chosen["staff_id"], "role"].dropna() for r in value.split(";")}
    assert not held & SMT_ROLES
    flags = planned.flags[planned.flags["code"].isin(READINESS)]
    assert {"warden_untrained", "warden_visits_overdue"} <= set(flags["code"])
    for row in chosen.itertuples():
        person = staff.loc[row.staff_id].to_dict()
        lacks = "lacks current security training" in row.reason
        assert lacks == (not is_trained(person, REFERENCE_DATE, 1095))
        own = flags[
            (flags["zone_id"] == row.zone_id)
            & flags["message"].str.startswith(f"{row.role} {row.staff_id} ")
        ]
        codes = dict(zip(own["code"], own["message"], strict=True))
        assert lacks == ("has no basic security training" in codes.get("warden_untrained", ""))
        assert ("warden_unbriefed" in codes) == (not isinstance(person["briefed_date"], dt.date))
        visit = person["last_visit_date"]
        current = isinstance(visit, dt.date) and (REFERENCE_DATE - visit).days <= 180
        assert ("warden_visits_overdue" in codes) == (not current)
    assert readiness_marks(planned.flags)


def test_the_warden_list_marks_the_warden_and_deputy(tiny_station, tmp_path) -> None:
    plan = tiny_plan(tiny_station)
    flags = readiness_flags(plan.appointments, plan.staff, AppointmentRules(), as_of=AS_OF)
    flags["area_id"] = "A0"
    plan = dataclasses.replace(
        plan, flags=pd.concat([plan.flags, flags[list(plan.flags.columns)]], ignore_index=True)
    )
    assert readiness_marks(plan.flags) == {
        ("Z01", "warden"): ["untrained", "not briefed"],  # S006: no BSAFE
        ("Z01", "deputy"): ["not briefed"],  # S001: trained; the roster records no briefings
        ("Z02", "warden"): ["untrained", "not briefed"],  # S003
    }
    write_warden_pdfs(plan, tmp_path, issued=AS_OF)
    text = " ".join(
        page.extract_text() for page in PdfReader(tmp_path / "contacts" / "Z01.pdf").pages
    )
    text = " ".join(text.split())  # the role column wraps
    assert "Warden (untrained, not briefed)" in text
    assert "Deputy warden (not briefed)" in text
