"""Formula injection is neutralised in every CSV the planner writes."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from outputs.csv_safe import _as_they_are, csv_column, write_csv_safely
from outputs.escape import csv_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+41 22 917 1234", "'+41 22 917 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("Aino Virtanen", "Aino Virtanen"),
        (-5, -5),
        (None, None),
    ],
)
def test_neutralise(value, expected) -> None:
    assert csv_cell(value) == expected


def test_written_file_reads_back_as_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ['=HYPERLINK("http://x")', "José"], "dependants": [-1, 2]})
    path = write_csv_safely(frame, tmp_path / "x.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["name"] == '\'=HYPERLINK("http://x")'
    assert rows[1]["name"] == "José"
    assert rows[0]["dependants"] == "-1"


HOSTILE = [
    "=cmd|' /C calc'!A0", "+41 22 917 1234", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1",
    "Aino\x00Virtanen", "\x1b[31mred", "\u202eevil", "line\n=1+1", "José", "", " =1",
    "a\u2066b\u2069", "\x7f", "\ud800", "'=already", "plain",
]  # fmt: skip


@pytest.mark.parametrize(
    "column",
    [
        HOSTILE,
        ["Aino", "Matti", "\u202eevil"],
        ["Aino", "Matti", "-1"],
        ["Aino", "Matti"],
        ["Aino", None, "=1", 3],
        [None, None],
        ["Aino", None, "=1", float("nan"), "Matti"],
        ["Aino", None, float("nan"), "Matti"],
        [None, *HOSTILE],
    ],
)
@pytest.mark.parametrize("dtype", [None, object])
def test_column_path_writes_the_bytes_of_the_cell_path(tmp_path: Path, column, dtype) -> None:
    frame = pd.DataFrame({"text": pd.Series(column, dtype=dtype), "n": range(len(column))})
    by_cell = frame.copy()
    by_cell["text"] = by_cell["text"].map(csv_cell)
    by_cell.to_csv(tmp_path / "cell.csv", index=False, encoding="utf-8-sig", lineterminator="\n",
                   errors="surrogatepass")  # fmt: skip
    write_csv_safely(frame, tmp_path / "column.csv")
    assert (tmp_path / "column.csv").read_bytes() == (tmp_path / "cell.csv").read_bytes()


def _by_pandas(frame: pd.DataFrame, path: Path) -> bytes:
    """The reference: every text column through csv_column, written by pandas."""
    safe = frame.apply(csv_column)
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path.read_bytes()


@pytest.mark.parametrize(
    ("odd", "joined"),
    [
        ("Aino Virtanen", True),  # nothing to change or quote: the cells are joined at once
        ("=HYPERLINK(1)", False),
        ("-1", False),
        ("@me", False),
        ("\tTab", False),
        ("Núñez, José", False),
        ('Say "hi"', False),
        ("two\nlines", False),
        ("carriage\rreturn", False),
        ("bell\x07", False),
        ("\u202eevil", False),
        ("no\u00a0break", False),
        ("", True),
        (None, False),
    ],
)
def test_joined_text_is_what_pandas_writes(tmp_path: Path, monkeypatch, odd, joined) -> None:
    monkeypatch.setattr("outputs.csv_safe._ROWS_AT_ONCE", 2)  # three rows in two writes
    frame = pd.DataFrame(
        {"person_id": ["S1", "S2", "S3"], "name": ["Aino Virtanen", odd, "Ben Roy"]},
        dtype=object,
    )
    header, columns = list(frame.columns), [frame[c].tolist() for c in frame.columns]
    assert _as_they_are(header, columns) is joined
    written = write_csv_safely(frame, tmp_path / "safe.csv").read_bytes()
    assert written == _by_pandas(frame, tmp_path / "pandas.csv")
    assert written.startswith(b"\xef\xbb\xbfperson_id,name\n")


def test_an_empty_table_writes_the_header_alone(tmp_path: Path) -> None:
    frame = pd.DataFrame({"person_id": [], "name": []}, dtype=object)
    written = write_csv_safely(frame, tmp_path / "safe.csv").read_bytes()
    assert written == b"\xef\xbb\xbfperson_id,name\n"
    assert written == _by_pandas(frame, tmp_path / "pandas.csv")
