"""The plan date (`--as-of`): staff away or visiting on it are not appointed, and are marked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from planner.cli import main

TINY = Path(__file__).parents[1] / "data" / "tiny"
# S001 is the usual warden of Z01 (shortest travel); S003 the usual warden of Z02.
STATUS = {"S001": ("on leave", "2026-11-20", "2026-12-20"), "S003": ("visiting", "", "")}
ON_LEAVE, BACK = "2026-12-01", "2027-01-05"
SAME_BYTES = (
    "appointments.csv",
    "assignments.csv",
    "flags.csv",
    "summary.json",
    "zones.geojson",
    "contacts/tree.json",
    "contacts/contacts.csv",
)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("station") / "tiny"
    folder.mkdir()
    for source in TINY.iterdir():
        (folder / source.name).write_bytes(source.read_bytes())
    path = folder / "staff.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",status,status_from,status_until"
    for number, line in enumerate(lines[1:], start=1):
        lines[number] = line + "," + ",".join(STATUS.get(line.split(",")[0], ("", "", "")))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def plans(station: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("plans")
    folders = {}
    for name, date in (("leave", ON_LEAVE), ("again", ON_LEAVE), ("back", BACK)):
        folders[name] = out / name
        result = run("plan", str(station), "--out", str(folders[name]), "--as-of", date)
        assert result.exit_code == 0, result.output
    return folders


def _appointed(plan: Path) -> dict[str, str]:
    table = pd.read_csv(plan / "appointments.csv", dtype=str, encoding="utf-8-sig")
    return dict(zip(table["staff_id"], table["reason"], strict=True))


def test_nobody_away_or_visiting_on_the_plan_date_is_appointed(plans: dict[str, Path]) -> None:
    appointed = _appointed(plans["leave"])
    assert not {"S001", "S003"} & set(appointed)
    reasons = " ".join(appointed.values())
    assert "passed over: S001 on leave until 2026-12-20" in reasons
    assert "passed over: S003 visiting" in reasons
    assignments = pd.read_csv(plans["leave"] / "assignments.csv", dtype=str, encoding="utf-8-sig")
    presence = dict(zip(assignments["staff_id"], assignments["presence"], strict=True))
    assert presence == {
        "S001": "on leave", "S002": "present", "S003": "visiting",
        "S004": "present", "S005": "present", "S006": "present",
    }  # fmt: skip
    assert set(assignments["status"]) == {"assigned"}  # their households are still planned
    summary = json.loads((plans["leave"] / "summary.json").read_text(encoding="utf-8"))
    assert (summary["as_of"], summary["staff_away"]) == (ON_LEAVE, 1)


def test_back_from_leave_on_another_date_is_appointed_again(plans: dict[str, Path]) -> None:
    appointed = _appointed(plans["back"])
    assert "S001" in appointed
    assert "S003" not in appointed  # visiting has no end date
    summary = json.loads((plans["back"] / "summary.json").read_text(encoding="utf-8"))
    assert (summary["as_of"], summary["staff_away"]) == (BACK, 0)


def test_warden_list_marks_who_is_away(plans: dict[str, Path]) -> None:
    def text(plan: Path) -> str:
        pages = PdfReader(plan / "contacts" / "Z01.pdf").pages
        return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))

    assert "Aino Virtanen (UNDP), on leave until 2026-12-20" in text(plans["leave"])
    assert "on leave" not in text(plans["back"])


def test_contact_tree_marks_who_is_away(plans: dict[str, Path]) -> None:
    def notes(plan: Path) -> dict[str, str]:
        tree = json.loads((plan / "contacts" / "tree.json").read_text(encoding="utf-8"))
        found: dict[str, str] = {}

        def walk(node: dict) -> None:
            if node["role"] == "staff":
                found[node["staff_id"]] = node["note"]
            for child in node["children"]:
                walk(child)

        walk(tree["chain"])
        return found

    assert notes(plans["leave"])["S001"] == "on leave until 2026-12-20"
    assert notes(plans["leave"])["S003"] == "visiting"
    assert "S001" not in notes(plans["back"])  # the warden, not a staff node
    tree = (plans["leave"] / "contacts" / "tree.html").read_text(encoding="utf-8")
    assert "on leave until 2026-12-20" in tree


def test_same_inputs_and_date_give_the_same_bytes(plans: dict[str, Path]) -> None:
    for name in SAME_BYTES:
        assert (plans["leave"] / name).read_bytes() == (plans["again"] / name).read_bytes(), name
    assert (plans["leave"] / "summary.json").read_bytes() != (
        plans["back"] / "summary.json"
    ).read_bytes()


@pytest.mark.parametrize("command", ["plan", "moss", "batch"])
def test_a_bad_plan_date_is_a_usage_error(command: str, tmp_path: Path) -> None:
    args = [command, str(TINY), "--as-of", "2026-13-01"]
    if command != "moss":
        args += ["--out", str(tmp_path / "out")]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "expected a date as YYYY-MM-DD (e.g. 2026-12-01), found '2026-13-01'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
