"""Transport: seats needed and available per concentration point and departure."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import sys
from pathlib import Path

import pandas as pd
import pytest

from planner.moss import check_moss
from planner.moss_rules import load_rules
from planner.publish import _transport_file
from stations import load_station
from zones.evacuation import evacuate_planned
from zones.network import StraightLineTravel
from zones.transport import apply_transport, plan_transport

sys.path.insert(0, str(Path(__file__).parents[1]))
from factories import tiny_plan

AS_OF = dt.date(2026, 11, 15)
# Tiny station: one assembly point (P1), one concentration point (P2), no departure point.
# S001 (national, 2 dependants, on leave), S002 (international), S003 (international, 1),
# S004 (international, 3), S005 (international), S006 (national).
VEHICLES = {"S001": ("Volvo", "5"), "S002": ("VW Golf", ""), "S006": ("Van", "2")}
AWAY = {"S001": ("on leave", "2026-11-01", "2026-12-31")}


def _edit_csv(path: Path, changes: dict[str, dict[str, str]]) -> None:
    """Set cells by row id (the first column), adding the columns that are new."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0])
    columns += sorted({c for change in changes.values() for c in change} - set(columns))
    for row in rows:
        row.update({c: row.get(c) or "" for c in columns})
        row.update(changes.get(row[columns[0]], {}))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def fleet(tiny_station: Path) -> Path:
    staff = {
        s: {
            "vehicle": VEHICLES.get(s, ("", ""))[0],
            "vehicle_seats": VEHICLES.get(s, ("", ""))[1],
            "status": AWAY.get(s, ("", "", ""))[0],
            "status_from": AWAY.get(s, ("", "", ""))[1],
            "status_until": AWAY.get(s, ("", "", ""))[2],
        }
        for s in ("S001", "S002", "S003", "S004", "S005", "S006")
    }
    _edit_csv(tiny_station / "staff.csv", staff)
    _edit_csv(
        tiny_station / "offices.csv",
        {"O1": {"vehicles": "1", "seats": "2"}, "O2": {"vehicles": "0", "seats": "0"}},
    )
    return tiny_station


def _planned(folder: Path):
    station = load_station(folder, as_of=AS_OF)
    assert not station.errors, station.errors
    return evacuate_planned(tiny_plan(folder), StraightLineTravel())


def test_seats_needed_and_available(fleet: Path) -> None:
    transport = plan_transport(_planned(fleet)).set_index("movement")
    # 12 people; S001 is on leave: 11 seats. Staff vehicles: S002's without seats counts 4,
    # S006's 2; S001's has no driver. Office O1 (most of its staff at P2): 2 seats.
    everyone = transport.loc["all"]
    assert (everyone["people"], everyone["away"], everyone["seats_needed"]) == (12, 1, 11)
    assert (everyone["office_seats"], everyone["staff_vehicle_seats"]) == (2, 6)
    assert (everyone["seats_available"], everyone["shortfall"]) == (8, 3)
    # International staff are evacuated (8 people, 4 seats), national staff relocated
    # (3 seats needed, 2 there); the office's 2 seats go to the departure shortest of seats.
    evacuate, relocate = transport.loc["evacuate"], transport.loc["relocate"]
    assert (evacuate["seats_needed"], evacuate["seats_available"], evacuate["shortfall"]) == (
        8,
        6,
        2,
    )
    assert (relocate["seats_needed"], relocate["seats_available"], relocate["shortfall"]) == (
        3,
        2,
        1,
    )
    assert evacuate["departure_id"] is None  # the tiny station has no airport


def test_default_staff_vehicle_seats_from_the_station(fleet: Path) -> None:
    toml = fleet / "station.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + "\n[evacuation]\nstaff_vehicle_seats = 7\n",
        encoding="utf-8",
    )
    transport = plan_transport(_planned(fleet)).set_index("movement")
    assert transport.loc["all", "staff_vehicle_seats"] == 9  # S002's vehicle now seats 7
    assert transport.loc["all", "shortfall"] == 0


def test_shortfall_is_a_flag_and_a_failing_moss_rule(fleet: Path) -> None:
    planned = apply_transport(_planned(fleet))
    flags = planned.flags[planned.flags["code"] == "seat_shortfall"]
    assert flags["message"].iloc[0] == (
        "concentration point P2: 11 seat(s) needed, 8 available (2 in office vehicles, "
        "6 in staff vehicles): 3 short"
    )
    report = check_moss(tiny_plan(fleet), load_rules(), as_of=AS_OF)
    (rule,) = [r for r in report.results if r.rule.id == "ASM-05"]
    reason = "concentration point P2: 11 seat(s) needed, 8 available: 3 short"
    assert rule.failures == (("Z01", reason), ("Z02", reason))


def test_transport_csv_is_formula_safe(fleet: Path, tmp_path: Path) -> None:
    planned = apply_transport(_planned(fleet))
    transport = planned.transport.copy()
    transport["concentration_id"] = '=HYPERLINK("http://x")'
    path = _transport_file(dataclasses.replace(planned, transport=transport), tmp_path)
    table = pd.read_csv(path, encoding="utf-8-sig")
    assert list(table.columns[:3]) == ["concentration_id", "movement", "departure_id"]
    assert all(not str(v).startswith("=") for v in table["concentration_id"])
    assert table["shortfall"].tolist() == [3, 2, 1]


def test_vehicle_seats_must_be_whole_numbers(fleet: Path) -> None:
    _edit_csv(fleet / "staff.csv", {"S002": {"vehicle_seats": "four"}})
    _edit_csv(fleet / "offices.csv", {"O2": {"seats": "-3"}})
    station = load_station(fleet, as_of=AS_OF)
    where = {(e.file, e.row, e.column) for e in station.errors}
    # (The rejected office O2 also rejects its staff: those errors name office_id.)
    assert {("staff.csv", 3, "vehicle_seats"), ("offices.csv", 3, "seats")} <= where
    assert {column for _, _, column in where} == {"vehicle_seats", "seats", "office_id"}
