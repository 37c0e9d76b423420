"""`planner validate` as a user runs it: exit codes, messages, JSON, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.startswith("planner, version ")


def test_valid_station_exits_0(tiny_station: Path) -> None:
    code, out, err = run("validate", str(tiny_station))
    assert code == 0, err
    assert "usable; 6 staff accepted, 0 staff rejected, 5 households" in out


def test_json_report(tiny_station: Path) -> None:
    code, out, _ = run("validate", str(tiny_station), "--format", "json")
    assert code == 0
    payload = json.loads(out)
    assert payload["usable"] is True
    assert payload["counts"]["households"] == 5


@pytest.mark.parametrize(
    ("hostile", "where"),
    [
        ("staff_duplicate_id.csv", "staff.csv, row 4, column 'staff_id'"),
        ("staff_swapped_coordinates.csv", "staff.csv, row 6, column 'lat'"),
        ("staff_missing_column.csv", "staff.csv, row 1, column 'lat'"),
        ("staff_zip_named_csv.csv", "staff.csv"),
        ("points_unknown_kind.csv", "points.csv, row 2, column 'kind'"),
    ],
)
def test_hostile_inputs_exit_1_with_location(hostile_station, hostile: str, where: str) -> None:
    code, out, err = run("validate", str(hostile_station(hostile)))
    assert code == 1, out + err
    assert where in err
    assert "Traceback" not in out + err


def test_hostile_json_lists_issues(hostile_station) -> None:
    code, out, _ = run(
        "validate", str(hostile_station("staff_duplicate_id.csv")), "--format", "json"
    )
    assert code == 1
    payload = json.loads(out)
    assert payload["usable"] is False
    assert payload["issues"][0] | {"message": ""} == {
        "severity": "error",
        "code": "duplicate",
        "file": "staff.csv",
        "row": 4,
        "column": "staff_id",
        "message": "",
    }


def test_warning_only_station_is_usable_unless_strict(hostile_station) -> None:
    folder = hostile_station("staff_invalid_phone.csv")
    assert run("validate", str(folder))[0] == 0
    code, _, err = run("validate", str(folder), "--strict")
    assert code == 1
    assert "staff.csv, row 3, column 'phone'" in err


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("validate")[0] == 2
    assert run("validate", str(tmp_path / "nowhere"))[0] == 2
    assert run("validate", str(tmp_path), "--format", "xml")[0] == 2


def test_folder_without_station_toml_exits_1(tmp_path: Path) -> None:
    code, out, err = run("validate", str(tmp_path))
    assert code == 1
    assert "station.toml" in err
    assert "Traceback" not in out + err


def test_verdict_of_a_station_that_does_not_load_has_no_empty_part(tiny_station: Path) -> None:
    (tiny_station / "staff.csv").unlink()
    code, out, _ = run("validate", str(tiny_station))
    assert code == 1
    assert out.strip() == f"{tiny_station}: NOT usable; 1 error(s), 0 warning(s)"


def test_every_command_has_help_that_exits_0() -> None:
    runner = CliRunner()
    for command in sorted(main.commands):
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0, (command, result.output)
        assert "Usage: " in result.output
        assert "internal error" not in result.output


def test_summary_counts_dependants_visitors_and_staff_away(tiny_station: Path) -> None:
    code, out, err = run("validate", str(tiny_station))
    assert code == 0, err
    assert "0 dependants named, 6 dependants numbered, 0 visitors here today, " in out
    assert "0 staff away today;" in out
    (tiny_station / "dependants.csv").write_text(
        "dependant_id,staff_id,name,relation\nD1,S001,Liisa,Wife\nD2,S001,Eero,son\n",
        encoding="utf-8",
    )
    (tiny_station / "visitors.csv").write_text(
        "visitor_id,name,point_id,arrival,departure,sponsor_staff_id\n"
        "V1,Mary Guest,P1,2000-01-01,2999-12-31,S004\n",
        encoding="utf-8",
    )
    staff = tiny_station / "staff.csv"
    lines = staff.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",status"] + [line + ("," if i else ",annual leave") for i, line in
                                     enumerate(lines[1:])]  # fmt: skip
    staff.write_text("\n".join(lines) + "\n", encoding="utf-8")
    toml = tiny_station / "station.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'points = "points.csv"\n',
        'points = "points.csv"\ndependants = "dependants.csv"\nvisitors = "visitors.csv"\n',
    )
    toml.write_text(text, encoding="utf-8")
    code, out, err = run("validate", str(tiny_station), "--format", "json")
    assert code == 0, err
    counts = json.loads(out)["counts"]
    assert counts["dependants named"] == 2
    assert counts["dependants numbered"] == 4  # H-S003 (1) and H-S004 (3) are not in the file
    assert counts["visitors here today"] == 1
    assert counts["staff away today"] == 1


def test_a_hostile_dependants_file_exits_1_naming_file_row_and_column(tiny_station: Path) -> None:
    (tiny_station / "dependants.csv").write_text(
        "dependant_id,staff_id,name,relation\nD1,S999,Ghost,child\n", encoding="utf-8"
    )
    toml = tiny_station / "station.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('points = "points.csv"\n',
                                 'points = "points.csv"\ndependants = "dependants.csv"\n'),
                    encoding="utf-8")  # fmt: skip
    code, out, err = run("validate", str(tiny_station))
    assert code == 1, out + err
    assert (
        "error: dependants.csv, row 2, column 'staff_id': staff 'S999' is not in the roster"
    ) in err
    assert "Traceback" not in out + err
