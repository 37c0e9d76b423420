"""A synthesized station's plan, shared by the roll-call and drill tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from planner.cli import main
from stations.synth import synthesize_station

PLAN_DATE = "2026-11-15"


@pytest.fixture(scope="session")
def plan(tmp_path_factory) -> Path:
    """Return the plan folder of a 120-household synthetic station (Wien, 4 zones)."""
    root = tmp_path_factory.mktemp("planned")
    synthesize_station(root / "station", households=120, seed=3, city="Wien", people=True)
    result = CliRunner().invoke(
        main,
        ["-q", "plan", str(root / "station"), "--out", str(root / "plan"), "--as-of", PLAN_DATE],
    )
    assert result.exit_code == 0, result.output
    return root / "plan"


@pytest.fixture(scope="session")
def register(plan) -> pd.DataFrame:
    """Return the plan's person register as written (text, formula guards kept)."""
    return pd.read_csv(
        plan / "roll_call" / "register.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
