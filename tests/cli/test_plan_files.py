"""Plan files the user keeps: the roster's own columns, password-protected PDFs, a stable GPKG."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from planner.cli import main
from tests.conftest import TINY

PASSWORD = "correct horse battery"  # noqa: S105 (a test's password)
BADGES = ['=HYPERLINK("http://x")', "B-2", "B-3", "B-4", "B-5", "B-6"]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the tiny station whose roster has two columns of the office's own."""
    folder = tmp_path_factory.mktemp("station") / "tiny"
    shutil.copytree(TINY, folder)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    staff["Badge Number"] = BADGES
    staff["cost_centre"] = [f"CC{i}" for i in range(len(staff))]
    staff.to_csv(folder / "staff.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def plans(station: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return two plans of the same station, written one after the other."""
    folders = []
    for name in ("first", "second"):
        out = tmp_path_factory.mktemp("plans") / name
        result = run("plan", str(station), "--out", str(out))
        assert result.exit_code == 0, result.output
        folders.append(out)
    return folders[0], folders[1]


def test_extra_roster_columns_reach_assignments_not_a_redacted_plan(
    plans: tuple[Path, Path], station: Path, tmp_path: Path
) -> None:
    table = pd.read_csv(plans[0] / "assignments.csv", encoding="utf-8-sig", dtype=str)
    assert list(table.columns[-2:]) == ["badge_number", "cost_centre"]
    assert list(table["cost_centre"]) == [f"CC{i}" for i in range(6)]
    assert table["badge_number"].iloc[0] == "'" + BADGES[0]  # never run as a formula
    assert list(table["badge_number"].iloc[1:]) == BADGES[1:]
    out = tmp_path / "shared"
    assert run("plan", str(station), "--out", str(out), "--redact").exit_code == 0
    for path in out.rglob("*.*"):
        if path.suffix in (".csv", ".json", ".html", ".geojson", ".kml", ".gpkg"):
            text = path.read_bytes().decode("latin-1")
            assert "CC3" not in text, path.name
            assert "B-4" not in text, path.name


def test_extra_roster_columns_reach_the_zones_command(station: Path, tmp_path: Path) -> None:
    result = run("zones", str(station), "--out", str(tmp_path / "z"))
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "z" / "assignments.csv", encoding="utf-8-sig", dtype=str)
    assert list(table["cost_centre"]) == [f"CC{i}" for i in range(6)]


def test_geopackage_is_the_same_bytes_on_every_run(plans: tuple[Path, Path]) -> None:
    first, second = ((p / "plan.gpkg").read_bytes() for p in plans)
    assert first == second


def test_warden_lists_and_letters_are_encrypted(station: Path, tmp_path: Path) -> None:
    secret = tmp_path / "password.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    out = tmp_path / "plan"
    result = run("plan", str(station), "--out", str(out), "--pdf-password-file", str(secret))
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    pdfs = [*sorted((out / "contacts").glob("*.pdf")), *sorted((out / "letters").glob("*.pdf"))]
    assert len(pdfs) == 2 * 2 + 3  # two zones, a list and a wallet card each; 3 letters
    assert not list((out / "letters").glob("*.html"))  # a copy in clear would undo it
    for path in pdfs:
        reader = PdfReader(path)
        assert reader.is_encrypted, path.name
        assert reader.trailer["/Encrypt"]["/V"] == 5, path.name  # AES-256, not RC4
        assert not reader.decrypt("wrong password"), path.name
        assert reader.decrypt(PASSWORD), path.name
        assert "Tiny" in reader.pages[0].extract_text(), path.name
    assert not PdfReader(out / "security_plan.pdf").is_encrypted


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "is empty"),
        ("\n  \nsecond line\n", "is empty"),
        (None, "cannot read"),
        (b"\xff", "cannot read"),
    ],
    ids=["empty", "blank first line", "missing", "not text"],
)
def test_a_bad_password_file_stops_before_planning(
    station: Path, tmp_path: Path, content: str | bytes | None, message: str
) -> None:
    secret = tmp_path / "password.txt"
    if isinstance(content, str):
        secret.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        secret.write_bytes(content)
    out = tmp_path / "plan"
    result = run("plan", str(station), "--out", str(out), "--pdf-password-file", str(secret))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "--pdf-password-file" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
