"""Threat files: every bad row is reported with its file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from stations import StationError
from stations.threats import read_threats

HEADER = "threat,category,likelihood,impact\n"


@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        ("Armed robbery,crime,0,3", "likelihood", "from 1 to 5, found '0'"),
        ("Armed robbery,crime,6,3", "likelihood", "from 1 to 5, found '6'"),
        ("Armed robbery,crime,3,high", "impact", "from 1 to 5, found 'high'"),
        (",crime,3,3", "threat", "empty; a value is required"),
        (
            "Flood,flooding,3,3",
            "category",
            "allowed: armed conflict, terrorism, crime, civil unrest, hazards",
        ),
    ],
)
def test_bad_rows(tmp_path: Path, row: str, column: str, text: str) -> None:
    path = tmp_path / "threats.csv"
    path.write_text(HEADER + "Theft,crime,2,2\n" + row + "\n")
    with pytest.raises(StationError) as caught:
        read_threats(path)
    (issue,) = caught.value.issues
    assert (issue.file, issue.row, issue.column) == ("threats.csv", 3, column)
    assert text in issue.message


def test_empty_and_headerless_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(StationError, match="empty"):
        read_threats(empty)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("name,kind\nTheft,crime\n")
    with pytest.raises(StationError, match="missing required column"):
        read_threats(wrong)


def test_good_file_with_residuals() -> None:
    threats = read_threats(
        Path(__file__).parents[2] / "stations" / "sample" / "helsinki" / "threats.csv"
    )
    assert len(threats) == 6
    assert threats["likelihood"].between(1, 5).all()
    assert threats["residual_likelihood"].isna().sum() == 1
