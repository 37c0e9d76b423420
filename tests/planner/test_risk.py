"""The risk matrix is the UNICEF guide's (seed 002), cell by cell, and the register is sorted."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.risk import assess, default_matrix, load_matrix
from stations import StationError

# Transcribed from seed 002 (IASMN 2008, Annex D, "Risk Matrix"), rows likelihood 1-5.
LEVELS = [
    ["Negligible", "Low", "Low", "Low", "Low"],
    ["Low", "Low", "Medium", "Medium", "Medium"],
    ["Low", "Medium", "Medium", "High", "High"],
    ["Low", "Medium", "High", "High", "Critical"],
    ["Low", "Medium", "High", "Critical", "Critical"],
]
# Same annex, the suggested strategies (ACAT) table.
STRATEGIES = [
    ["Accept", "Transfer & Accept", "Transfer", "Transfer", "Transfer & Control"],
    [
        "Control & Accept",
        "Control & Transfer",
        "Transfer & Control",
        "Transfer & Control",
        "Transfer & Control",
    ],
    ["Control", "Control & Transfer", "Control & Transfer", "Control & Avoid", "Avoid & Control"],
    ["Control", "Control & Transfer", "Control & Avoid", "Control & Avoid", "Avoid & Control"],
    ["Control", "Control & Transfer", "Control & Avoid", "Control & Avoid", "Avoid"],
]
CELLS = [(li, im) for li in range(1, 6) for im in range(1, 6)]


@pytest.mark.parametrize(("likelihood", "impact"), CELLS)
def test_level_cell(likelihood: int, impact: int) -> None:
    assert default_matrix().level(likelihood, impact) == LEVELS[likelihood - 1][impact - 1]


@pytest.mark.parametrize(("likelihood", "impact"), CELLS)
def test_strategy_cell(likelihood: int, impact: int) -> None:
    assert default_matrix().strategy(likelihood, impact) == STRATEGIES[likelihood - 1][impact - 1]


def test_score_is_likelihood_times_impact_even_where_the_guide_prints_12() -> None:
    cells = {(c["likelihood"], c["impact"]): c for c in default_matrix().cells()}
    assert len(cells) == 25
    assert cells[(5, 3)] == {
        "likelihood": 5,
        "impact": 3,
        "score": 15,
        "level": "High",
        "strategy": "Control & Avoid",
    }
    assert all(c["score"] == li * im for (li, im), c in cells.items())


def test_register_order_and_residual_risk() -> None:
    threats = pd.DataFrame(
        {
            "threat": ["b", "a", "c", "d"],
            "category": ["crime", "crime", "hazards", "terrorism"],
            "likelihood": [2, 3, 3, 1],
            "impact": [3, 2, 2, 5],
            "residual_likelihood": pd.array([1, None, 2, 1], dtype="Int64"),
            "residual_impact": pd.array([3, None, 2, 4], dtype="Int64"),
        }
    )
    register = assess(threats, default_matrix())
    # Score 6 for b, a, c: likelihood 3 before 2, then by name.
    assert list(register["threat"]) == ["a", "c", "b", "d"]
    assert list(register["rank"]) == [1, 2, 3, 4]
    assert list(register["level"]) == ["Medium", "Medium", "Medium", "Low"]
    residual = register.set_index("threat")
    assert residual.loc["c", "residual_level"] == "Low"
    assert pd.isna(residual.loc["a", "residual_score"])


def test_another_organisations_matrix(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "planner" / "risk_matrix.toml").read_text()
    custom = text.replace('name = "UNICEF guide (IASMN 2008, Annex D)"', 'name = "Four bands"')
    custom = custom.replace(
        '["Low", "Medium", "High", "Critical", "Critical"],',
        '["Low", "Medium", "High", "Critical", "Unacceptable"],',
    )
    custom = custom.replace(
        'Critical = "#e57373"', 'Critical = "#e57373"\nUnacceptable = "#000000"'
    )
    path = tmp_path / "matrix.toml"
    path.write_text(custom)
    matrix = load_matrix(path)
    assert matrix.name == "Four bands"
    assert matrix.level(5, 5) == "Unacceptable"
    broken = tmp_path / "broken.toml"
    broken.write_text(
        custom.replace('Unacceptable = "#000000"\n', "").replace("[colours]", "[colours]\n")
    )
    with pytest.raises(StationError) as caught:
        load_matrix(broken)
    assert [i.column for i in caught.value.issues] == ["levels[5][5]"]
