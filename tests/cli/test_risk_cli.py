"""`planner risk` as a user runs it."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from planner.cli import main

THREATS = Path(__file__).parents[2] / "stations" / "sample" / "helsinki" / "threats.csv"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_matrix_json_has_25_cells() -> None:
    result = run("risk", "--matrix", "--format", "json")
    assert result.exit_code == 0
    cells = json.loads(result.stdout)["cells"]
    assert len(cells) == 25
    assert set(cells[0]) == {"likelihood", "impact", "score", "level", "strategy"}


def test_register_files(tmp_path: Path) -> None:
    result = run("risk", str(THREATS), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["risk.csv", "risk.html", "risk.json"]
    register = json.loads((tmp_path / "risk.json").read_text())["register"]
    assert register[0]["threat"] == "Winter storm cutting power and roads"
    assert [r["rank"] for r in register] == list(range(1, 7))


def test_hostile_threat_names(tmp_path: Path) -> None:
    hostile = tmp_path / "threats.csv"
    hostile.write_text(
        "threat,category,likelihood,impact\n"
        "<script>alert(1)</script>,crime,3,3\n"
        "=cmd|' /C calc'!A0,crime,2,2\n"
    )
    out = tmp_path / "out"
    assert run("risk", str(hostile), "--out", str(out)).exit_code == 0
    html = (out / "risk.html").read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    with (out / "risk.csv").open(encoding="utf-8-sig") as handle:
        threats = [row["threat"] for row in csv.DictReader(handle)]
    assert "'=cmd|' /C calc'!A0" in threats


def test_errors_and_usage(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("threat,category,likelihood,impact\nTheft,crime,9,2\n")
    result = run("risk", str(bad), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "bad.csv, row 2, column 'likelihood'" in result.stderr
    assert "Traceback" not in result.output
    assert run("risk").exit_code == 2


def test_closed_pipe_ends_quietly() -> None:
    # `planner risk --matrix | head -1`: the reader goes away before the matrix is written.
    script = (
        "import sys; from planner.cli import main; sys.argv = ['planner', *sys.argv[1:]]; main()"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, "risk", "--matrix"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ | {"PYTHONPATH": str(Path(__file__).parents[2])},
    ) as child:
        child.stdout.close()
        stderr = child.stderr.read().decode()
        child.wait(timeout=60)
    assert stderr == ""
    assert child.returncode == 1
