"""The roll call decides each person's status from the reports: latest minute, own, urgent."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from stations.reports import REGISTER_REQUIRED, read_register, read_reports
from zones.roll_call import roll_call

AT = dt.datetime(2026, 11, 15, 12)  # noqa: DTZ001 (the roll call runs on local wall time)
# person_id, kind, household_id, zone_id, presence; wardens S1 (Z1) and S2 (Z2).
PEOPLE = [
    ("S1", "staff", "H1", "Z1", "present"),
    ("H1-D1", "dependant", "H1", "Z1", "present"),
    ("H1-D2", "dependant", "H1", "Z1", "present"),
    ("S2", "staff", "H2", "Z2", "present"),
    ("H2-D1", "dependant", "H2", "Z2", "present"),
    ("S3", "staff", "H3", "Z2", "on leave"),
    ("S4", "staff", "H4", "Z2", "present"),
]
REPORTS = """household_id,person_id,status,reported_at,reporter
H1,,safe,2026-11-15 10:00,R1
,H1-D1,needs help,2026-11-15 10:00:40,R2
,H1-D2,missing,2026-11-15 09:59,R3
,S2,safe,2026-11-15 10:05,A
,S2,safe,2026-11-15 10:05,B
H2,,missing,2026-11-15 10:06:30,R4
,H2-D1,safe,2026-11-15 10:06:10,R5
,S9,safe,2026-11-15 10:00,R6
"""


def write_register(path: Path) -> Path:
    rows = [
        {
            "person_id": person, "kind": kind, "name": f"Name {person}", "household_id": house,
            "zone_id": zone, "area_id": "A1", "agency": "UNDP", "presence": presence,
            "warden_id": {"Z1": "S1", "Z2": "S2"}[zone], "warden_name": "W",
            "warden_phone": "'+358401234567", "deputy_id": "",
        }
        for person, kind, house, zone, presence in PEOPLE
    ]  # fmt: skip
    pd.DataFrame(rows, columns=list(REGISTER_REQUIRED)).to_csv(path, index=False)
    return path


def test_the_latest_minute_wins_then_an_own_report_then_the_later_row(tmp_path):
    register = read_register(write_register(tmp_path / "register.csv"), "register.csv")
    (tmp_path / "r.csv").write_text(REPORTS, encoding="utf-8")
    reports, _issues = read_reports(tmp_path / "r.csv", "r.csv", at=AT)
    result = roll_call(register, reports.sort_values("reported_at", kind="stable"))
    people = result.people.set_index("person_id")
    assert list(result.people["person_id"]) == [p[0] for p in PEOPLE]  # the register's order
    assert people["status"].to_dict() == {
        "S1": "safe",  # the household's report
        "H1-D1": "needs help",  # own, at the household's minute
        "H1-D2": "safe",  # the household's report is later than the own one
        "S2": "missing",  # the household's, a minute later than the own reports
        "H2-D1": "safe",  # own at the household's minute, though a few seconds earlier
        "S3": "away",
        "S4": "unaccounted",
    }
    assert people.loc["S2", "reported_at"] == "2026-11-15 10:06"
    assert people.loc["H1-D2", "reporter"] == "R1"
    assert people.loc["H1-D2", "source"] == "r.csv, row 2"
    assert people.loc["S4", "reported_at"] == people.loc["S4", "reporter"] == ""
    (unknown,) = [i for i in result.issues if i.code == "unknown_id"]
    assert (unknown.row, unknown.column, unknown.value) == (9, "person_id", "S9")


def test_of_two_reports_at_the_same_time_the_later_row_wins(tmp_path):
    register = read_register(write_register(tmp_path / "register.csv"), "register.csv")
    lines = REPORTS.splitlines()
    (tmp_path / "r.csv").write_text("\n".join([lines[0], lines[4], lines[5]]), encoding="utf-8")
    reports, _issues = read_reports(tmp_path / "r.csv", "r.csv", at=AT)
    result = roll_call(register, reports)
    assert result.people.set_index("person_id").loc["S2", "reporter"] == "B"
    (tmp_path / "r.csv").write_text("\n".join([lines[0], lines[5], lines[4]]), encoding="utf-8")
    reports, _issues = read_reports(tmp_path / "r.csv", "r.csv", at=AT)
    result = roll_call(register, reports)
    assert result.people.set_index("person_id").loc["S2", "reporter"] == "A"


def test_counts_per_zone_add_up_with_a_last_row_for_all(tmp_path):
    register = read_register(write_register(tmp_path / "register.csv"), "register.csv")
    (tmp_path / "r.csv").write_text(REPORTS, encoding="utf-8")
    reports, _issues = read_reports(tmp_path / "r.csv", "r.csv", at=AT)
    counts = roll_call(register, reports).counts("zone_id").set_index("zone_id")
    assert list(counts.index) == ["Z1", "Z2", "all"]
    assert counts.loc["Z1", ["people", "accounted", "safe", "needs help"]].tolist() == [3, 3, 2, 1]
    assert counts.loc["Z2", ["people", "accounted", "missing", "unaccounted", "away"]].tolist() == [
        3, 1, 1, 1, 1,
    ]  # fmt: skip
    assert counts.loc["all", "people"] == 6
