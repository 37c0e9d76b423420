"""The risk matrix is the UNICEF guide's (seed 002), cell by cell, and the register is sorted."""

from __future__ import annotations

import re
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
    custom = re.sub(r"(?m)^name = .*$", 'name = "Four bands"', text)
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


def test_matrix_is_named_as_the_2008_unicef_guide_endorsed_by_the_iasmn() -> None:
    matrix = default_matrix()
    assert matrix.name == (
        'UNICEF, "Security and Risk Management: A Guide for UN Managers" (2008), '
        "endorsed by the IASMN"
    )
    notes = matrix.payload()["cell_notes"]
    assert [(n["likelihood"], n["impact"]) for n in notes] == [(5, 3)]
    assert 'prints "High (12)"' in notes[0]["note"]
    assert "5 x 3 = 15" in notes[0]["note"]


def test_low_likelihood_critical_impact_threats_are_marked() -> None:
    threats = pd.DataFrame(
        {
            "threat": ["bomb", "flood", "theft", "quake"],
            "category": ["terrorism", "hazards", "crime", "hazards"],
            "likelihood": [1, 2, 3, 2],
            "impact": [5, 5, 5, 4],
        }
    )
    register = assess(threats, default_matrix()).set_index("threat")
    assert register["low_likelihood_critical_impact"].to_dict() == {
        "theft": False,  # likely enough to rank High already
        "flood": True,
        "bomb": True,
        "quake": False,  # severe, not critical
    }
    assert register.attrs["matrix"] == default_matrix().name


def test_cell_notes_must_name_a_cell(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "planner" / "risk_matrix.toml").read_text()
    broken = tmp_path / "notes.toml"
    broken.write_text(text.replace("likelihood = 5\nimpact = 3", "likelihood = 6\nimpact = 3"))
    with pytest.raises(StationError) as caught:
        load_matrix(broken)
    assert [(i.file, i.column) for i in caught.value.issues] == [("notes.toml", "cell_notes")]
