"""Tables read as offices keep them, within limits: encodings, NUL, header rows, XLSX bombs."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from stations import load_station
from stations.errors import InputError, Issue, StationError
from stations.schema import STAFF_REQUIRED
from stations.tables import read_table

HEADER = "staff_id,name,agency,lat,lon"


def _staff_csv(path: Path, rows: int, *, name: str = "Virtanen") -> list[str]:
    lines = [HEADER] + [f"S{i:05d},{name} {i},UNDP,60.17,24.94" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def test_stray_bytes_in_a_utf8_roster_are_named_and_the_rest_stays_utf8(tmp_path: Path) -> None:
    lines = [HEADER, "S1,Олег Петров,UNDP,60.17,24.94", "S2,José Núñez,UNDP,60.17,24.94"]
    raw = "\n".join(lines).encode("utf-8") + b"\nS3,Ren\xe9 Roy,UNDP,60.17,24.94\n"
    (tmp_path / "staff.csv").write_bytes(raw)
    issues: list[Issue] = []
    frame = read_table(tmp_path / "staff.csv", label="staff.csv", issues=issues)
    assert list(frame["name"]) == ["Олег Петров", "José Núñez", "Ren\ufffd Roy"]
    (issue,) = issues
    assert (issue.severity, issue.file, issue.row, issue.column) == (
        "warning",
        "staff.csv",
        4,
        "name",
    )
    assert "0xE9" in issue.message


def test_a_whole_windows_1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    text = f"{HEADER}\nS1,José Núñez,UNDP,60.17,24.94\nS2,Renée Roy,UNDP,60.17,24.94\n"
    (tmp_path / "staff.csv").write_bytes(text.encode("cp1252"))
    issues: list[Issue] = []
    frame = read_table(tmp_path / "staff.csv", label="staff.csv", issues=issues)
    assert list(frame["name"]) == ["José Núñez", "Renée Roy"]
    assert [i.code for i in issues] == ["encoding"]
    assert "Windows-1252" in issues[0].message


def test_utf16_with_bom_is_read_and_without_is_named(tmp_path: Path) -> None:
    text = f"{HEADER}\nS1,Олег Петров,UNDP,60.17,24.94\n"
    (tmp_path / "staff.csv").write_bytes(text.encode("utf-16"))
    frame = read_table(tmp_path / "staff.csv", label="staff.csv")
    assert list(frame["name"]) == ["Олег Петров"]
    (tmp_path / "staff.csv").write_bytes(text.encode("utf-16-le"))
    with pytest.raises(InputError, match="UTF-16 text without a byte-order mark"):
        read_table(tmp_path / "staff.csv", label="staff.csv")


def test_a_nul_byte_after_64_kb_names_its_row(tmp_path: Path) -> None:
    lines = _staff_csv(tmp_path / "staff.csv", 3000)
    lines[2500] = lines[2500].replace("UNDP", "UN\x00DP")
    (tmp_path / "staff.csv").write_text("\n".join(lines), encoding="utf-8")
    assert len("\n".join(lines[:2500])) > 64 * 1024
    with pytest.raises(InputError, match="NUL byte") as caught:
        read_table(tmp_path / "staff.csv", label="staff.csv")
    assert (caught.value.issue.row, caught.value.issue.column) == (2501, "agency")


def test_a_title_line_and_blank_rows_above_the_header_csv(tmp_path: Path) -> None:
    text = (
        "Staff list as of 30 Nov 2026,,,,\n,,,,\n\n"
        f"{HEADER},\nS1,Aino,UNDP,60.17,24.94,\n\nS2,Ben,UNDP,60.17,24.94,\n,,,,,\n\n"
    )
    (tmp_path / "staff.csv").write_text(text, encoding="utf-8")
    issues: list[Issue] = []
    frame = read_table(
        tmp_path / "staff.csv", label="staff.csv", required=STAFF_REQUIRED, issues=issues
    )
    assert list(frame["staff_id"]) == ["S1", "S2"]
    assert list(frame["source_row"]) == [5, 7]
    (note,) = issues
    assert (note.row, note.code) == (4, "header_row")
    assert "Staff list as of 30 Nov 2026" in note.message


def test_a_title_line_above_the_header_xlsx_keeps_spreadsheet_rows(tiny_station: Path) -> None:
    staff = pd.read_csv(tiny_station / "staff.csv", dtype=str, keep_default_na=False)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Staff list as of 30 Nov 2026"])
    sheet.append([])
    sheet.append([*staff.columns, None, None])
    for values in staff.itertuples(index=False):
        sheet.append(list(values))
    sheet.append([])
    sheet.append([None] * 5)
    sheet.cell(row=20, column=1).value = None
    book.save(tiny_station / "staff.xlsx")
    toml = tiny_station / "station.toml"
    toml.write_text(toml.read_text().replace('"staff.csv"', '"staff.xlsx"'))
    (tiny_station / "staff.csv").unlink()
    station = load_station(tiny_station)
    assert station.errors == []
    assert len(station.accepted_staff) == len(staff)
    assert list(station.staff["source_row"]) == list(range(4, 4 + len(staff)))
    assert [i.row for i in station.issues if i.code == "header_row"] == [3]
    assert not [w for w in station.warnings if w.code == "header_row"]


def test_a_column_without_header_but_with_values_is_named(tmp_path: Path) -> None:
    text = f"{HEADER},,\nS1,Aino,UNDP,60.17,24.94,,x\nS2,Ben,UNDP,60.17,24.94,,\n"
    (tmp_path / "staff.csv").write_text(text, encoding="utf-8")
    issues: list[Issue] = []
    frame = read_table(tmp_path / "staff.csv", label="staff.csv", issues=issues)
    assert len(frame) == 2
    (note,) = issues
    assert (note.column, note.code) == ("G", "no_header")


def _workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(["S1", "Aino", "UNDP", 60.17, 24.94])
    book.save(path)


def test_an_xlsx_zip_bomb_fails_fast_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "staff.xlsx"
    _workbook(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet2.xml", b"<a>" + b" " * (210 * 2**20) + b"</a>")
    assert path.stat().st_size < 2 * 2**20
    started = time.perf_counter()
    with pytest.raises(InputError, match="unpacks to 210 MB") as caught:
        read_table(path, label="staff.xlsx")
    assert time.perf_counter() - started < 5
    assert caught.value.issue.file == "staff.xlsx"


def test_an_xlsx_with_xml_entities_is_refused_naming_the_file(tiny_station: Path) -> None:
    path = tiny_station / "staff.xlsx"
    _workbook(path)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = laughs + sheet[sheet.index(b"<worksheet") :]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    toml = tiny_station / "station.toml"
    toml.write_text(toml.read_text().replace('"staff.csv"', '"staff.xlsx"'))
    with pytest.raises(StationError) as caught:
        load_station(tiny_station)
    (issue,) = caught.value.issues
    assert issue.file == "staff.xlsx"
    assert "declares a DTD or XML entities" in issue.message


def test_row_limits_name_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("stations.workbook.MAX_ROWS", 100)
    monkeypatch.setattr("stations.tables.MAX_ROWS", 100)
    _staff_csv(tmp_path / "staff.csv", 150)
    with pytest.raises(InputError, match="more than 100 rows") as caught:
        read_table(tmp_path / "staff.csv", label="staff.csv")
    assert caught.value.issue.row == 101
    book = openpyxl.Workbook()
    for number in range(150):
        book.active.append([f"S{number}", "Aino", "UNDP", 60.17, 24.94])
    book.save(tmp_path / "staff.xlsx")
    with pytest.raises(InputError, match="more than 100 rows") as caught:
        read_table(tmp_path / "staff.xlsx", label="staff.xlsx")
    assert caught.value.issue.file == "staff.xlsx"


@pytest.mark.parametrize(
    "cells",
    [
        ["plain", "text", "only"],
        [" padded ", "\u00a0nbsp", "tab\t"],
        ["", "   ", "kept"],
        ["in\x1cside", "x\x1c", "\u2003"],
    ],
)
def test_csv_cells_are_stripped_and_blanks_are_none_column_by_column(tmp_path, cells) -> None:
    rows = [("S1", cells[0], "a"), ("S2", cells[1], "b"), ("S3", cells[2], "c")]
    path = tmp_path / "t.csv"
    pd.DataFrame(rows, columns=["staff_id", "note", "other"]).to_csv(path, index=False)
    frame = read_table(path, label="t.csv", required=("staff_id",))
    expected = [cell.strip() or None for cell in cells]
    assert frame["note"].tolist() == expected
    assert frame["staff_id"].tolist() == ["S1", "S2", "S3"]
