"""Wordings, safe readings, dates, junk coordinates and case-twin ids on the tiny station."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from stations import StationError, load_station
from stations.dates import read_dates
from stations.vocabulary import builtin

AS_OF = dt.date(2026, 11, 15)


def _edit(folder: Path, name: str, **columns: list[str]) -> None:
    frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    for column, values in columns.items():
        frame[column] = values
    frame.to_csv(folder / name, index=False)


@pytest.mark.parametrize(
    ("vocabulary", "wording", "value"),
    [
        ("role", "Designated Official", "DO"),
        ("role", "chief security advisor", "CSA"),
        ("role", "Security Adviser", "CSA"),
        ("role", "Country Security Focal Point", "CSFP"),
        ("role", "Head of Agency", "agency_head"),
        ("role", "Resident Representative", "agency_head"),
        ("role", "Area Security Co-ordinator", "ASC"),
        ("role", "DEPUTY WARDEN", "deputy"),
        ("role", "Designated Official (DO)", "DO"),
        ("role", "Staff member", "staff"),
        ("category", "Internationally recruited", "international"),
        ("category", "Locally-recruited", "national"),
        ("category", "GS", "national"),
        ("grade", "P5", "P-5"),
        ("grade", "p 5", "P-5"),
        ("grade", "NOA", "NO-A"),
        ("grade", "GS-6", "G-6"),
        ("grade", "FS 5", "FS-5"),
        ("office_kind", "Country Office", "office"),
        ("office_kind", "UN House", "main office"),
        ("office_kind", "Sub_Office", "sub-office"),
        ("office_kind", "Field office", "sub-office"),
        ("office_kind", "Guest-house", "compound"),
        ("point_kind", "Assembly Point", "assembly"),
        ("point_kind", "Safe Haven", "safe_haven"),
        ("point_kind", "Border Post", "border_crossing"),
        ("point_kind", "Relocation Centre", "relocation_site"),
        ("point_kind", "hibernation site", "hibernation"),
        ("boolean", "Y", "true"),
        ("boolean", "✓", "true"),
        ("boolean", "oui", "true"),
        ("boolean", "Nein", "false"),
        ("boolean", "FALSE", "false"),
    ],
)
def test_wordings_read_as_values(vocabulary: str, wording: str, value: str) -> None:
    assert builtin()[vocabulary].read(wording) == value


def test_unknown_values_warn_with_their_safe_reading(tiny_station: Path) -> None:
    _edit(
        tiny_station,
        "staff.csv",
        role=["Secretary", "staff", "", "Designated Official", "CSA;Warden", "Deputy Warden"],
        category=["expat-ish", "IRS", "national", "", "International", "national"],
        grade=["Consultant", "P4", "P-3", "D1", "P-5", "G6"],
        has_radio=["maybe", "Y", "N", "1", "0", "x"],
    )
    _edit(tiny_station, "offices.csv", kind=["Country Office", "Mobile unit"])
    station = load_station(tiny_station, as_of=AS_OF)
    assert station.errors == []
    staff = station.staff.set_index("staff_id")
    assert list(staff["role"]) == [None, None, None, "DO", "CSA;warden", "deputy"]
    categories = [None, "international", "national", None, "international", "national"]
    assert list(staff["category"]) == categories
    assert list(staff["grade"]) == ["Consultant", "P-4", "P-3", "D-1", "P-5", "G-6"]
    assert list(staff["has_radio"]) == [None, True, False, True, False, True]
    assert list(station.offices["kind"]) == ["office", "office"]
    codes = {(w.code, w.row, w.value) for w in station.warnings}
    assert {
        ("unknown_role", 2, "Secretary"),
        ("unknown_category", 2, "expat-ish"),
        ("unknown_grade", 2, "Consultant"),
        ("unknown_boolean", 2, "maybe"),
        ("unknown_office_kind", 3, "Mobile unit"),
    } <= codes


def test_station_vocabulary_wins_and_is_checked(tiny_station: Path) -> None:
    _edit(tiny_station, "staff.csv", role=["Security Associate", "Sec. Focal Pt", "", "", "", ""])
    toml = tiny_station / "station.toml"
    base = toml.read_text(encoding="utf-8")
    toml.write_text(
        base + '\n[vocabulary]\nrole = { "Security Associate" = "staff", '
        '"sec focal pt" = "csfp", "Staff member" = "warden" }\n',
        encoding="utf-8",
    )
    station = load_station(tiny_station, as_of=AS_OF)
    assert [w for w in station.warnings if w.code == "unknown_role"] == []
    assert list(station.staff["role"].iloc[:2]) == [None, "CSFP"]
    toml.write_text(base + '\n[vocabulary]\nrole = { "Sec. Focal Pt" = "focal" }\n')
    with pytest.raises(StationError) as caught:
        load_station(tiny_station, as_of=AS_OF)
    assert [i.column for i in caught.value.issues if i.severity == "error"] == [
        'vocabulary.role."Sec. Focal Pt"'
    ]


def test_unknown_point_kind_is_still_refused(hostile_station) -> None:
    station = load_station(hostile_station("points_unknown_kind.csv"), as_of=AS_OF)
    (error,) = station.errors
    assert (error.file, error.row, error.column, error.code) == (
        "points.csv",
        2,
        "kind",
        "unknown_point_kind",
    )


@pytest.mark.parametrize("junk", ["6_0.17", "60.1 7", "0x3c", "60.17abc", "nan", "+-60", "six"])
def test_coordinates_with_junk_are_rejected(tiny_station: Path, junk: str) -> None:
    _edit(
        tiny_station, "staff.csv", lat=[junk, "60.1699", "60.1720", "60.1650", "60.1680", "60.1710"]
    )
    station = load_station(tiny_station, as_of=AS_OF)
    (error,) = station.errors
    assert (error.row, error.column) == (2, "lat")
    assert station.staff.set_index("staff_id").loc["S001", "status"] == "rejected"


def test_ids_differing_only_in_case_warn(tiny_station: Path) -> None:
    _edit(tiny_station, "staff.csv", staff_id=["S001", "S002", "s001", "S004", "S005", "S006"])
    station = load_station(tiny_station, as_of=AS_OF)
    assert station.errors == []
    (twin,) = [w for w in station.warnings if w.code == "case_duplicate"]
    assert (twin.row, twin.column) == (4, "staff_id")
    assert "'s001' differs only in case from 'S001' (row 2)" in twin.message


def test_day_first_dates_are_decided_by_the_column(tiny_station: Path) -> None:
    dates = ["10/01/2025", "01/06/2024", "", "13/09/2025", "01.01.2026", ""]
    _edit(tiny_station, "staff.csv", bsafe_date=dates)
    station = load_station(tiny_station, as_of=AS_OF)
    assert station.errors == []
    read = station.staff.set_index("staff_id")["bsafe_date"]
    assert read["S001"] == dt.date(2025, 1, 10)
    assert read["S002"] == dt.date(2024, 6, 1)
    (info,) = [i for i in station.issues if i.code == "date_order"]
    assert "DMY, decided by the values (1 row(s)" in info.message


def test_contradicting_dates_are_the_rows_rejected(tiny_station: Path) -> None:
    dates = ["13/01/2025", "25/06/2024", "", "12/31/2025", "2025-01-01", ""]
    _edit(tiny_station, "staff.csv", bsafe_date=dates)
    station = load_station(tiny_station, as_of=AS_OF)
    (error,) = station.errors
    assert (error.row, error.column, error.code) == (5, "bsafe_date", "date")
    assert "not a MM/DD/YYYY date" not in error.message
    assert "'12/31/2025' is not a DD/MM/YYYY date" in error.message


@pytest.mark.parametrize(
    ("country", "configured", "expected", "decided"),
    [
        ("FI", None, dt.date(2025, 2, 3), "country (FI)"),
        ("US", None, dt.date(2025, 3, 2), "country (US)"),
        ("US", "DMY", dt.date(2025, 2, 3), "date_order"),
    ],
)
def test_ambiguous_columns_follow_the_setting_then_the_country(
    country: str, configured: str | None, expected: dt.date, decided: str
) -> None:
    read = read_dates({0: "03/02/2025", 1: "30 Nov 2026", 2: "45991"}, configured=configured,
                      country=country)  # fmt: skip
    assert read.dates == {0: expected, 1: dt.date(2026, 11, 30), 2: dt.date(2025, 11, 30)}
    assert decided in read.decided_by
    assert read.problems == {}
