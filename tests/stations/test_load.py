"""Loading and validating a station: every format, every hostile input."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from stations import StationError, load_station

AS_OF = dt.date(2026, 11, 15)


def test_tiny_station_loads_every_row(tiny_station: Path) -> None:
    station = load_station(tiny_station, as_of=AS_OF)
    assert station.errors == []
    assert len(station.staff) == 6
    assert set(station.staff["status"]) == {"accepted"}
    assert station.crs.to_epsg() == 32635  # Helsinki: UTM 35N
    # S001 and S002 share H1; the others live alone.
    h1 = station.households.set_index("household_id").loc["H1"]
    assert h1["staff_count"] == 2
    assert h1["headcount"] == 4  # two staff, two dependants
    assert station.households["headcount"].sum() == 6 + 6
    # Phones are normalised to E.164 with the station's country.
    s003 = station.staff.set_index("staff_id").loc["S003"]
    assert s003["phone"] == "+358401234569"
    assert station.staff.set_index("staff_id").loc["S001", "bsafe_date"] == dt.date(2025, 1, 10)


def test_households_by_proximity(tiny_station: Path) -> None:
    staff = pd.read_csv(tiny_station / "staff.csv", dtype=str, keep_default_na=False)
    # S006 moves 3 m from S003 (no household ids): one household.
    staff.loc[staff.staff_id == "S006", ["lat", "lon"]] = ["60.172027", "24.9450"]
    staff.to_csv(tiny_station / "staff.csv", index=False)
    station = load_station(tiny_station, as_of=AS_OF)
    ids = station.staff.set_index("staff_id")["household_id"]
    assert ids["S003"] == ids["S006"] == "H-S003"
    assert len(station.households) == 4


@pytest.mark.parametrize(
    ("hostile", "row", "column", "text"),
    [
        (
            "staff_duplicate_id.csv",
            4,
            "staff_id",
            "duplicate staff_id 'S001' (first used on row 2)",
        ),
        ("staff_nonnumeric_lat.csv", 3, "lat", "expected a number, found 'sixty'"),
        ("staff_out_of_range.csv", 5, "lon", "outside -180..180"),
        ("staff_swapped_coordinates.csv", 6, "lat", "look swapped"),
        ("staff_unparseable_date.csv", 4, "bsafe_date", "expected a date (YYYY-MM-DD"),
        ("staff_negative_dependants.csv", 5, "dependants", "whole number >= 0"),
        ("staff_fractional_dependants.csv", 5, "dependants", "whole number >= 0"),
        ("staff_unknown_office.csv", 7, "office_id", "office 'O9' is not in the offices file"),
        ("points_unknown_kind.csv", 2, "kind", "did you mean 'assembly'?"),
    ],
)
def test_row_errors_name_file_row_and_column(
    hostile_station, hostile: str, row: int, column: str, text: str
) -> None:
    station = load_station(hostile_station(hostile), as_of=AS_OF)
    errors = station.errors
    assert len(errors) == 1, errors
    error = errors[0]
    expected_file = "points.csv" if hostile.startswith("points") else "staff.csv"
    assert (error.file, error.row, error.column) == (expected_file, row, column)
    assert text in error.message
    # Nothing dropped: the bad row is listed as rejected with its reason.
    table = station.points if hostile.startswith("points") else station.staff
    rejected = table[table["status"] == "rejected"]
    assert list(rejected["source_row"]) == [row]
    assert text in rejected["reason"].iloc[0]
    assert len(table) == (4 if hostile.startswith("points") else 6)


def test_unknown_role_is_a_warning_read_as_ordinary_staff(hostile_station) -> None:
    station = load_station(hostile_station("staff_unknown_role.csv"), as_of=AS_OF)
    assert station.errors == []
    (warning,) = [w for w in station.warnings if w.column == "role"]
    assert (warning.file, warning.row, warning.code) == ("staff.csv", 7, "unknown_role")
    assert "'wardn' read as ordinary staff; did you mean 'warden'?" in warning.message
    s006 = station.staff.set_index("staff_id").loc["S006"]
    assert s006["status"] == "accepted"
    assert s006["role"] is None


def test_outside_boundary_is_a_rejection_not_an_error(hostile_station) -> None:
    station = load_station(hostile_station("staff_outside_boundary.csv"), as_of=AS_OF)
    assert station.errors == []
    rejected = station.rejected_staff
    assert list(rejected["staff_id"]) == ["S006"]
    assert "outside the station boundary" in rejected["reason"].iloc[0]
    assert len(station.accepted_staff) == 5


def test_most_staff_outside_is_an_error(tiny_station: Path) -> None:
    staff = pd.read_csv(tiny_station / "staff.csv", dtype=str, keep_default_na=False)
    staff["lat"] = "61.5"  # the whole roster 150 km north of the boundary
    staff.to_csv(tiny_station / "staff.csv", index=False)
    station = load_station(tiny_station, as_of=AS_OF)
    assert len(station.errors) == 6
    assert all(e.code == "outside" for e in station.errors)


def test_invalid_phone_is_a_warning_and_kept(hostile_station) -> None:
    station = load_station(hostile_station("staff_invalid_phone.csv"), as_of=AS_OF)
    assert station.errors == []
    (warning,) = [w for w in station.warnings if w.column == "phone"]
    assert (warning.row, warning.column) == (3, "phone")
    assert station.staff.set_index("staff_id").loc["S002", "phone"] == "12345"


def test_repeated_bad_values_are_reported_on_every_row(tiny_station: Path) -> None:
    # Each distinct value is read once; every row holding it still gets its own issue.
    staff = pd.read_csv(tiny_station / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[staff.staff_id.isin(["S002", "S004"]), "phone"] = "12345"
    staff.loc[staff.staff_id.isin(["S003", "S005"]), "role"] = "warden; juggler"
    staff.loc[staff.staff_id == "S006", "role"] = "juggler"
    staff.to_csv(tiny_station / "staff.csv", index=False)
    station = load_station(tiny_station, as_of=AS_OF)
    phones = [i for i in station.issues if i.code == "phone"]
    assert [(i.row, i.column, i.severity) for i in phones] == [
        (3, "phone", "warning"),
        (5, "phone", "warning"),
    ]
    assert phones[0].message == phones[1].message
    roles = [i for i in station.issues if i.code == "unknown_role"]
    assert [(i.row, i.value) for i in roles] == [(4, "juggler"), (6, "juggler"), (7, "juggler")]
    assert len({(i.message, i.severity) for i in roles}) == 1
    by_id = station.staff.set_index("staff_id")
    assert list(by_id.loc[["S002", "S004"], "phone"]) == ["12345", "12345"]
    assert by_id.loc["S003", "role"] == by_id.loc["S005", "role"]


def test_stale_records_warn(tiny_station: Path) -> None:
    station = load_station(tiny_station, as_of=dt.date(2027, 3, 1))
    stale = [w for w in station.warnings if w.code == "stale"]
    assert len(stale) == 6
    assert "days ago (limit 90)" in stale[0].message


@pytest.mark.parametrize(
    ("hostile", "text"),
    [
        ("staff_missing_column.csv", "missing required column(s) 'lat' (closest found: 'latt')"),
        ("staff_empty.csv", "the file is empty"),
        ("staff_header_only.csv", "no data rows"),
        ("staff_zip_named_csv.csv", "named .csv but contains a ZIP archive"),
        ("staff_text_named_xlsx.xlsx", "not an Excel workbook"),
    ],
)
def test_file_errors_stop_loading(hostile_station, hostile: str, text: str) -> None:
    with pytest.raises(StationError) as caught:
        load_station(hostile_station(hostile), as_of=AS_OF)
    messages = [i.message for i in caught.value.issues]
    assert any(text in m for m in messages), messages
    assert all(i.file.startswith("staff") for i in caught.value.issues)


def test_cp1252_roster_reads_accents(hostile_station) -> None:
    station = load_station(hostile_station("staff_cp1252.csv"), as_of=AS_OF)
    assert station.errors == []
    assert "José Núñez" in set(station.staff["name"])


def test_utf8_bom_and_semicolons(tiny_station: Path) -> None:
    text = (tiny_station / "staff.csv").read_text(encoding="utf-8").replace(",", ";")
    (tiny_station / "staff.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    station = load_station(tiny_station, as_of=AS_OF)
    assert station.errors == []
    assert "Олег Петров" in set(station.staff["name"])


def test_xlsx_roster_named_sheet_and_aliases(tiny_station: Path) -> None:
    staff = pd.read_csv(tiny_station / "staff.csv", dtype=str, keep_default_na=False)
    staff = staff.rename(columns={"lat": "Latitude", "lon": "Longitude", "staff_id": "Staff ID"})
    with pd.ExcelWriter(tiny_station / "staff.xlsx") as writer:
        pd.DataFrame({"note": ["cover sheet"]}).to_excel(writer, sheet_name="Cover", index=False)
        staff.to_excel(writer, sheet_name="Roster", index=False)
    toml = tiny_station / "station.toml"
    toml.write_text(
        toml.read_text().replace(
            'staff = "staff.csv"', 'staff = "staff.xlsx"\nstaff_sheet = "Roster"'
        )
    )
    station = load_station(tiny_station, as_of=AS_OF)
    assert station.errors == []
    assert len(station.accepted_staff) == 6


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_geospatial_rosters(tiny_station: Path, suffix: str) -> None:
    staff = pd.read_csv(tiny_station / "staff.csv", dtype=str, keep_default_na=False)
    points = gpd.points_from_xy(staff.pop("lon").astype(float), staff.pop("lat").astype(float))
    frame = gpd.GeoDataFrame(staff, geometry=points, crs="EPSG:4326")
    frame.to_file(tiny_station / f"staff{suffix}")
    toml = tiny_station / "station.toml"
    toml.write_text(toml.read_text().replace('"staff.csv"', f'"staff{suffix}"'))
    station = load_station(tiny_station, as_of=AS_OF)
    assert station.errors == []
    assert len(station.accepted_staff) == 6
    assert station.staff.set_index("staff_id").loc["S003", "lat"] == pytest.approx(60.172)


def test_boundary_absent_draws_a_buffer(tiny_station: Path) -> None:
    toml = tiny_station / "station.toml"
    toml.write_text(toml.read_text().replace('boundary = "boundary.geojson"\n', ""))
    (tiny_station / "boundary.geojson").unlink()
    station = load_station(tiny_station, as_of=AS_OF)
    assert station.errors == []
    assert station.boundary["source"].iloc[0] == "buffer"
    area = station.boundary.to_crs(station.crs).area.iloc[0]
    assert area > 3.14 * 2000**2  # at least one 2 km disc
    assert station.boundary.geometry.iloc[0].contains(station.accepted_staff.union_all())


def test_far_typo_without_boundary_is_rejected(tiny_station: Path) -> None:
    toml = tiny_station / "station.toml"
    toml.write_text(toml.read_text().replace('boundary = "boundary.geojson"\n', ""))
    staff = pd.read_csv(tiny_station / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[staff.staff_id == "S006", "lat"] = "6.171"  # a dropped digit: 6,000 km south
    staff.to_csv(tiny_station / "staff.csv", index=False)
    station = load_station(tiny_station, as_of=AS_OF)
    (error,) = station.errors
    assert (error.row, error.column, error.code) == (7, "lat", "far")


@pytest.mark.parametrize(
    ("edit", "column"),
    [
        (("security_level = 3", "security_level = 7"), "station.security_level"),
        (('country = "FI"', 'country = "Finland"'), "station.country"),
        (("min_households = 2", "min_houshlds = 2"), "zones.min_houshlds"),
        (("[zones]", "[zone]"), "zone"),
    ],
)
def test_bad_config_names_the_key(tiny_station: Path, edit, column: str) -> None:
    toml = tiny_station / "station.toml"
    toml.write_text(toml.read_text().replace(*edit))
    with pytest.raises(StationError) as caught:
        load_station(tiny_station)
    assert column in [i.column for i in caught.value.issues]


def test_unknown_key_suggests_the_closest(tiny_station: Path) -> None:
    toml = tiny_station / "station.toml"
    toml.write_text(toml.read_text().replace("min_households = 2", "min_houshlds = 2"))
    with pytest.raises(StationError) as caught:
        load_station(tiny_station)
    assert "did you mean zones.min_households?" in " ".join(i.message for i in caught.value.issues)


def test_missing_data_file_is_reported(tiny_station: Path) -> None:
    shutil.move(tiny_station / "offices.csv", tiny_station / "elsewhere.csv")
    with pytest.raises(StationError) as caught:
        load_station(tiny_station)
    assert [(i.file, i.code) for i in caught.value.issues] == [("offices.csv", "missing")]
