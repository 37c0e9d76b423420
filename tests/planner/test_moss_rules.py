"""The MOSS rule set: every default rule traceable, and the four defects of issue 20 fixed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from outputs.moss_report import write_moss_html, write_moss_json
from planner.build import build_plan
from planner.moss import check_moss
from planner.moss_rules import (
    BASELINE_NOTE,
    CONFIRM_LOCALLY,
    SOURCE_DOCUMENTS,
    load_rules,
    source_document,
)
from stations import StationError
from zones.training import is_trained

sys.path.insert(0, str(Path(__file__).parents[1]))
from factories import SAMPLE, tiny_plan

AS_OF = dt.date(2026, 11, 15)
SMT_ROLES = {"DO", "CSA", "CSFP", "agency_head"}


def result(report, rule_id):
    (found,) = [r for r in report.results if r.rule.id == rule_id]
    return found


def at_level(plan, level: int, *, staff: pd.DataFrame | None = None, offices=None):
    """Return the plan at another security level, with changed roster or offices."""
    config = plan.station.config
    info = dataclasses.replace(config.station, security_level=level)
    frames = {}
    if staff is not None:
        frames["staff"] = staff
    if offices is not None:
        frames["offices"] = offices
    station = dataclasses.replace(
        plan.station, config=dataclasses.replace(config, station=info), **frames
    )
    return dataclasses.replace(plan, station=station)


@pytest.fixture
def plan(tiny_station):
    return tiny_plan(tiny_station)


# --- A rule set you can trace ------------------------------------------------------------


def test_every_default_rule_names_a_seed_document_or_confirm_locally() -> None:
    rules = load_rules()
    assert len(rules) >= 33
    for rule in rules:
        assert rule.source or rule.confirm_locally, rule.id
        if rule.source:
            document = source_document(rule.source)
            assert document in SOURCE_DOCUMENTS, (rule.id, rule.source)
            assert rule.source.removeprefix(f"{document}, ").strip(), rule.id  # a section
    # The documents are the project's seeds 000-004 (stations/sample README, seeds README).
    assert sorted(seed for seed, _ in SOURCE_DOCUMENTS.values()) == [
        "000", "001", "002", "003", "004"
    ]  # fmt: skip
    cited = {source_document(r.source) for r in rules if r.source}
    assert {"UNSMS framework", "A/57/365", "IASMN 2008"} <= cited


def test_a_default_rule_without_source_is_refused_a_station_rule_is_not(tmp_path) -> None:
    own = tmp_path / "moss.toml"
    own.write_text(
        '[[rule]]\nid = "LOC-01"\ntitle = "Local"\ndescription = "Our MOSS line 4"\n'
        'component = "premises"\napplies_to = "office"\nmin_level = 1\nseverity = "minor"\n'
        'check = { kind = "equipment", items = ["guards"] }\n',
        encoding="utf-8",
    )
    (local,) = [r for r in load_rules(own) if r.id == "LOC-01"]
    assert local.provenance == "station MOSS"
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[rule]]\nid = "LOC-02"\ntitle = "Local"\ndescription = "x"\nsource = 4\n'
        'component = "premises"\napplies_to = "office"\nmin_level = 1\nseverity = "minor"\n'
        'check = { kind = "equipment", items = ["guards"] }\n',
        encoding="utf-8",
    )
    with pytest.raises(StationError) as error:
        load_rules(bad)
    assert "rule[1].source" in str([i.describe() for i in error.value.issues])


def test_report_shows_each_source_and_the_baseline_statement(plan, tmp_path) -> None:
    report = check_moss(plan, load_rules(), as_of=AS_OF).to_dict()
    assert report["baseline_note"] == BASELINE_NOTE
    by_id = {r["id"]: r for r in report["rules"]}
    assert by_id["TRN-02"]["provenance"].startswith("UNSMS framework, annex P.3")
    assert by_id["MED-02"]["provenance"] == CONFIRM_LOCALLY
    written = json.loads(write_moss_json(report, tmp_path / "moss.json").read_text("utf-8"))
    assert written["rules"][0]["source"] == by_id[written["rules"][0]["id"]]["source"]
    html = write_moss_html(report, tmp_path / "moss.html").read_text("utf-8")
    assert "generic baseline" in html
    assert "replace them with the station&#x27;s approved MOSS" in html
    assert html.count("Source: common practice: confirm locally") == sum(
        r["provenance"] == CONFIRM_LOCALLY for r in report["rules"]
    )
    assert "Source: IASMN 2008, paragraph 31" in html


def test_a_station_that_replaces_the_defaults_gets_no_baseline_statement(plan, tmp_path) -> None:
    own = tmp_path / "moss.toml"
    own.write_text(
        'replace_default = true\n[[rule]]\nid = "LOC-01"\ntitle = "Guards"\n'
        'description = "Country MOSS 2026, item 12"\ncomponent = "premises"\n'
        'applies_to = "office"\nmin_level = 1\nseverity = "minor"\n'
        'check = { kind = "equipment", items = ["guards"] }\n',
        encoding="utf-8",
    )
    report = check_moss(plan, load_rules(own), as_of=AS_OF).to_dict()
    assert report["baseline_note"] == ""
    assert [r["provenance"] for r in report["rules"]] == ["station MOSS"]


# --- The four defects ----------------------------------------------------------------------


def test_the_do_and_security_adviser_rule_needs_both(plan) -> None:
    staff = plan.station.staff.copy()
    staff.loc[staff["staff_id"] == "S005", "role"] = None  # the CSA leaves; the DO stays
    report = check_moss(at_level(plan, 3, staff=staff), load_rules(), as_of=AS_OF)
    ros = result(report, "ROS-02")
    assert ros.failed == 1
    assert "0 staff with role CSA or CSFP" in ros.failures[0][1]
    staff.loc[staff["staff_id"] == "S002", "role"] = "CSFP"  # a focal point stands in
    report = check_moss(at_level(plan, 3, staff=staff), load_rules(), as_of=AS_OF)
    assert result(report, "ROS-02").failed == 0


def test_residential_surveys_are_checked_for_international_staff_households(plan) -> None:
    staff = plan.staff.copy()
    staff["morss_surveyed"] = False
    report = check_moss(dataclasses.replace(plan, staff=staff), load_rules(), as_of=AS_OF)
    international = set(staff.loc[staff["category"] == "international", "household_id"])
    res = result(report, "RES-01")
    assert {entity for entity, _ in res.failures} == international
    assert res.checked == len(international) < staff["household_id"].nunique()


def test_fire_extinguishers_safe_room_and_cctv_are_checked(plan) -> None:
    offices = plan.station.offices.copy()
    for item, values in {
        "fire_extinguishers": [True, False],
        "safe_room": [False, True],
        "cctv": [True, False],
    }.items():  # as the loader reads them: Python booleans
        offices[item] = pd.Series(values, index=offices.index, dtype=object)
    report = check_moss(at_level(plan, 4, offices=offices), load_rules(), as_of=AS_OF)
    assert result(report, "PRM-04").failures == (("O2", "missing: fire_extinguishers"),)
    assert result(report, "PRM-05").failures == (("O1", "missing: safe_room"),)
    assert result(report, "PRM-06").failures == (("O2", "missing: cctv"),)
    low = check_moss(at_level(plan, 3, offices=offices), load_rules(), as_of=AS_OF)
    assert not result(low, "PRM-05").applicable  # a safe room from Security Level 4


def test_satellite_phones_for_the_smt_and_the_plans_wardens(plan) -> None:
    staff = plan.staff.copy()
    staff["has_satphone"] = staff["staff_id"].isin(["S004", "S001"])  # the DO and a deputy
    report = check_moss(
        dataclasses.replace(at_level(plan, 4), staff=staff), load_rules(), as_of=AS_OF
    )
    com = result(report, "COM-08")
    # DO S004 and CSA S005 from the roster; wardens S006, S003 and deputy S001 from the plan.
    assert com.checked == 5
    assert {entity for entity, _ in com.failures} == {"S005", "S006", "S003"}
    assert not result(check_moss(plan, load_rules(), as_of=AS_OF), "COM-08").applicable


def test_an_untrained_warden_is_flagged_by_the_rules_appointment_uses(plan) -> None:
    staff = plan.staff.copy()
    # S003, warden of Z02, holds field training (SSAFE) but no BSAFE: appointment used to count
    # that as trained while the training rule failed them.
    staff.loc[staff["staff_id"] == "S003", "ssafe_date"] = dt.date(2026, 5, 1)
    report = check_moss(dataclasses.replace(plan, staff=staff), load_rules(), as_of=AS_OF)
    wrd = result(report, "WRD-05")
    reasons = dict(wrd.failures)
    assert reasons["Z02"].startswith("warden has no current security training")  # no deputy
    assert "warden has no current security training" in reasons["Z01"]  # S006, no BSAFE
    trn = {entity for entity, _ in result(report, "TRN-01").failures}
    assert {"S003", "S006"} <= trn
    assert not is_trained(staff.set_index("staff_id").loc["S003"].to_dict(), AS_OF, 1095)


# --- The Helsinki sample -------------------------------------------------------------------


@pytest.fixture(scope="module")
def helsinki():
    return build_plan(SAMPLE, as_of=AS_OF, until="moss")


def test_helsinki_rules_at_security_level_4(helsinki) -> None:
    planned = helsinki.planned
    report = check_moss(at_level(planned, 4), load_rules(), as_of=AS_OF)
    staff = planned.station.accepted_staff
    international = set(staff.loc[staff["category"] == "international", "household_id"])
    assert result(report, "RES-01").checked == len(international) < len(planned.households)
    assert result(report, "ROS-02").failed == 0  # the sample names a DO and a CSA
    appointed = planned.appointments[planned.appointments["role"].isin(["warden", "deputy"])]
    wrd = dict(result(report, "WRD-05").failures)
    roster = staff.set_index("staff_id")
    for zone_id, staff_id, role in zip(
        appointed["zone_id"], appointed["staff_id"], appointed["role"], strict=True
    ):
        trained = is_trained(roster.loc[staff_id].to_dict(), AS_OF, 1095)
        assert trained == (f"{role} has no current security training" not in wrd.get(zone_id, ""))
    for result_ in report.results:
        assert result_.rule.provenance
