"""`planner synth` writes a station that `planner validate` accepts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from planner.cli import main


def test_synth_then_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "wien"
    result = runner.invoke(
        main, ["synth", "--city", "Wien", "--households", "250", "--seed", "4", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "250 households" in result.stdout
    result = runner.invoke(main, ["validate", str(out)])
    assert result.exit_code == 0, result.output
    assert "250 households" in result.stdout


def test_synth_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["synth", "--households", "10", "--out", str(tmp_path / "x")]
    result = runner.invoke(main, [*base, "--city", "Atlantis"])
    assert result.exit_code == 2
    assert "unknown city 'Atlantis'" in result.stderr
    assert runner.invoke(main, base).exit_code == 2  # neither --city nor --boundary
    assert runner.invoke(main, [*base, "--city", "Wien", "--households", "0"]).exit_code == 2


def test_synth_people_writes_dependants_visitors_and_status(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "wien"
    args = ["synth", "--city", "Wien", "--households", "120", "--seed", "4", "--out", str(out)]
    result = runner.invoke(main, [*args, "--people"])
    assert result.exit_code == 0, result.output
    assert (out / "dependants.csv").is_file()
    assert (out / "visitors.csv").is_file()
    assert "status,status_from,status_until" in (out / "staff.csv").read_text(encoding="utf-8")
    result = runner.invoke(main, ["validate", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)["counts"]
    assert counts["dependants named"] > 0
    assert counts["dependants numbered"] < counts["dependants named"] / 10
