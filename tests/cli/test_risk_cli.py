"""`planner risk` as a user runs it."""

from __future__ import annotations

import csv
import json
import logging
import os
import subprocess
import sys
import warnings
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
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".warden-planner",
        "risk.csv",
        "risk.html",
        "risk.json",
    ]
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


def test_page_shows_measures_both_heat_maps_the_guide_and_the_forgotten(tmp_path: Path) -> None:
    assert run("risk", str(THREATS), "--out", str(tmp_path)).exit_code == 0
    html = (tmp_path / "risk.html").read_text()
    assert "Security and Risk Management: A Guide for UN Managers" in html
    assert "endorsed by the IASMN" in html
    assert "UN risk matrix" not in html
    assert "Before measures" in html
    assert "After measures (residual)" in html
    assert html.count("<table class='matrix'>") == 2
    assert "Blast film; stand-off distance" in html  # a measure from threats.csv
    assert "High (15)*" in html
    assert "prints &quot;High (12)&quot; in this cell, although 5 x 3 = 15" in html
    # The vehicle-borne explosive (likelihood 1, impact 5) is ranked 5th and highlighted.
    assert "Low risks that nonetheless have critical impacts must not" in html
    assert "<span class='dot watch'>5</span>" in html
    assert "<tr class='watch'><td>5</td><td>Vehicle-borne explosive" in html
    with (tmp_path / "risk.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["measures"] == "Emergency power; stocks at home"
    assert [r["low_likelihood_critical_impact"] for r in rows].count("True") == 1
    register = json.loads((tmp_path / "risk.json").read_text())["register"]
    assert register[4]["measures"] == "Blast film; stand-off distance"
    assert register[4]["low_likelihood_critical_impact"] is True


def test_library_warnings_go_to_the_debug_log_not_the_terminal(caplog, capsys) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        assert CliRunner().invoke(main, ["risk", "--matrix"]).exit_code == 0
        with caplog.at_level(logging.DEBUG, logger="planner"):
            warnings.warn("invalid value encountered in subtract", RuntimeWarning, stacklevel=1)
    assert "invalid value" not in capsys.readouterr().err
    assert any(
        r.levelno == logging.DEBUG and "RuntimeWarning: invalid value" in r.getMessage()
        for r in caplog.records
    )


def test_out_never_replaces_the_threats_folder_or_foreign_files(tmp_path: Path) -> None:
    threats = tmp_path / "threats.csv"
    threats.write_bytes(THREATS.read_bytes())
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    for out in (tmp_path, tmp_path / "risk" / ".."):
        result = run("risk", str(threats), "--out", str(out), "--force")
        assert result.exit_code == 2, result.output
        assert "input" in result.output
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.docx").write_text("years of work")
    result = run("risk", str(threats), "--out", str(other))
    assert result.exit_code == 2
    assert "thesis.docx" in result.output
    assert (other / "thesis.docx").read_text() == "years of work"
    assert threats.read_bytes() == THREATS.read_bytes()
    assert notes.read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "other", "threats.csv"]
    # Its own earlier output is replaced.
    mine = tmp_path / "register"
    assert run("risk", str(threats), "--out", str(mine)).exit_code == 0
    assert run("risk", str(threats), "--out", str(mine)).exit_code == 0
    assert (mine / "risk.json").exists()
