"""`planner synth` writes a station that `planner validate` accepts."""

from __future__ import annotations

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
