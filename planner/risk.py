"""Security risk: the likelihood x impact matrix, its strategies, and the risk register.

The default matrix is the 2008 UNICEF guide "Security and Risk Management: A Guide for UN
Managers", endorsed by the IASMN and attached to its report to the HLCM (seed 002); another
organisation's matrix is a TOML file of the same shape (see ``planner/risk_matrix.toml``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from stations.errors import Issue, StationError

SIZE = 5
LEVEL_ORDER = ("Negligible", "Low", "Medium", "High", "Critical")
# "Low risks that nonetheless have critical impacts must not, however, be forgotten" (the
# guide): threats at most this likely (Unlikely) with the top impact (Critical) are marked.
UNLIKELY = 2


@dataclass(frozen=True)
class RiskMatrix:
    """A 5 x 5 matrix: a level and a strategy for each likelihood and impact (1-5).

    ``cell_notes`` holds (likelihood, impact, note) for cells the reader should know
    more about, such as a value the source prints differently.
    """

    name: str
    likelihood: tuple[str, ...]
    impact: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]
    strategies: tuple[tuple[str, ...], ...]
    colours: dict[str, str]
    cell_notes: tuple[tuple[int, int, str], ...] = ()

    def level(self, likelihood: int, impact: int) -> str:
        """Return the level of a cell (likelihood and impact from 1 to 5)."""
        return self.levels[likelihood - 1][impact - 1]

    def strategy(self, likelihood: int, impact: int) -> str:
        """Return the suggested strategy of a cell."""
        return self.strategies[likelihood - 1][impact - 1]

    def payload(self) -> dict[str, Any]:
        """Return the matrix as plain values for the outputs and JSON."""
        return {
            "name": self.name,
            "likelihood": list(self.likelihood),
            "impact": list(self.impact),
            "cells": self.cells(),
            "colours": dict(self.colours),
            "cell_notes": [
                {"likelihood": li, "impact": im, "note": note} for li, im, note in self.cell_notes
            ],
        }

    def cells(self) -> list[dict[str, Any]]:
        """Return the 25 cells: likelihood, impact, score, level, strategy."""
        return [
            {
                "likelihood": li,
                "impact": im,
                "score": li * im,
                "level": self.level(li, im),
                "strategy": self.strategy(li, im),
            }
            for li in range(1, SIZE + 1)
            for im in range(1, SIZE + 1)
        ]


def default_matrix() -> RiskMatrix:
    """Return the UNICEF guide's matrix and strategies (seed 002)."""
    text = resources.files("planner").joinpath("risk_matrix.toml").read_text("utf-8")
    return _parse(tomllib.loads(text), "risk_matrix.toml")


def load_matrix(path: Path) -> RiskMatrix:
    """Read another organisation's matrix from TOML.

    Raises
    ------
    StationError
        If the file is not TOML or its tables are not 5 x 5 with known levels.
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        issue = Issue("error", path.name, f"cannot read the matrix: {exc}", code="format")
        raise StationError.from_issue(issue) from exc
    return _parse(raw, path.name)


def _parse(raw: dict[str, Any], label: str) -> RiskMatrix:
    issues = []

    def grid(key: str) -> tuple[tuple[str, ...], ...]:
        value = raw.get(key)
        ok = (
            isinstance(value, list)
            and len(value) == SIZE
            and all(
                isinstance(r, list) and len(r) == SIZE and all(isinstance(c, str) for c in r)
                for r in value
            )
        )
        if not ok:
            issues.append(Issue("error", label, f"{key} must be 5 rows of 5 strings", column=key))
            return ()
        assert isinstance(value, list)  # ok says so; narrows the type for mypy
        return tuple(tuple(r) for r in value)

    def names(key: str) -> tuple[str, ...]:
        value = raw.get(key)
        if not (
            isinstance(value, list)
            and len(value) == SIZE
            and all(isinstance(v, str) for v in value)
        ):
            issues.append(Issue("error", label, f"{key} must list 5 names", column=key))
            return ()
        return tuple(value)

    levels, strategies = grid("levels"), grid("strategies")
    cell_notes = _cell_notes(raw.get("cell_notes", []), label, issues)
    likelihood, impact = names("likelihood"), names("impact")
    colours = raw.get("colours", {})
    for row, cells in enumerate(levels, start=1):
        for column, level in enumerate(cells, start=1):
            if level not in colours and level not in LEVEL_ORDER:
                issues.append(
                    Issue(
                        "error",
                        label,
                        f"level {level!r} has no colour in [colours]",
                        row=row,
                        column=f"levels[{row}][{column}]",
                    )
                )
    if issues:
        raise StationError(f"{label}: invalid risk matrix", issues)
    return RiskMatrix(
        str(raw.get("name", label)),
        likelihood,
        impact,
        levels,
        strategies,
        dict(colours),
        cell_notes,
    )


def _cell_notes(raw: object, label: str, issues: list[Issue]) -> tuple[tuple[int, int, str], ...]:
    """Read ``[[cell_notes]]`` tables: ``likelihood`` and ``impact`` (1-5) and a ``note``."""
    notes = []
    for row, entry in enumerate(raw if isinstance(raw, list) else [raw], start=1):
        ok = (
            isinstance(entry, dict)
            and all(
                isinstance(entry.get(k), int) and 1 <= entry[k] <= SIZE
                for k in ("likelihood", "impact")
            )
            and isinstance(entry.get("note"), str)
        )
        if not ok:
            message = "each [[cell_notes]] needs likelihood and impact (1-5) and a note"
            issues.append(Issue("error", label, message, row=row, column="cell_notes"))
            continue
        notes.append((entry["likelihood"], entry["impact"], entry["note"]))
    return tuple(notes)


def assess(threats: pd.DataFrame, matrix: RiskMatrix) -> pd.DataFrame:
    """Return the risk register, most serious first.

    Parameters
    ----------
    threats
        Rows of ``threat, category, likelihood, impact`` and optional
        ``residual_likelihood, residual_impact`` (see :func:`stations.threats.read_threats`).
    matrix
        The matrix giving levels and strategies.

    Returns
    -------
    pandas.DataFrame
        The threats with ``score, level, strategy``, ``low_likelihood_critical_impact``
        (likelihood at most Unlikely and impact Critical: the low risks the guide says must
        not be forgotten) and, when residual values are given, ``residual_score,
        residual_level``; sorted by score, then likelihood (both descending), then threat.
        ``attrs["matrix"]`` names the matrix.
    """
    register = threats.copy()
    register["score"] = register["likelihood"] * register["impact"]
    register["level"] = [
        matrix.level(li, im)
        for li, im in zip(register["likelihood"], register["impact"], strict=True)
    ]
    register["strategy"] = [
        matrix.strategy(li, im)
        for li, im in zip(register["likelihood"], register["impact"], strict=True)
    ]
    if "residual_likelihood" in register and "residual_impact" in register:
        both = register["residual_likelihood"].notna() & register["residual_impact"].notna()
        register["residual_score"] = (
            register["residual_likelihood"] * register["residual_impact"]
        ).where(both)
        register["residual_level"] = [
            matrix.level(int(li), int(im)) if ok else None
            for li, im, ok in zip(
                register["residual_likelihood"], register["residual_impact"], both, strict=True
            )
        ]
    register["low_likelihood_critical_impact"] = (register["likelihood"] <= UNLIKELY) & (
        register["impact"] == SIZE
    )
    register = register.sort_values(
        ["score", "likelihood", "threat"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    register.insert(0, "rank", range(1, len(register) + 1))
    register.attrs["matrix"] = matrix.name
    return register
