"""Read a threat list: threat, category, likelihood and impact (1-5), optional residual values."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stations._values import parse_count
from stations.errors import Issue, StationError
from stations.records import RecordCheck
from stations.schema import THREAT_CATEGORIES
from stations.tables import read_table
from stations.vocabulary import closed

REQUIRED = ("threat", "category", "likelihood", "impact")
SCALE = ("likelihood", "impact", "residual_likelihood", "residual_impact")


def read_threats(
    path: Path, *, label: str | None = None, issues: list[Issue] | None = None
) -> pd.DataFrame:
    """Read and check a threats file (CSV, XLSX; case-insensitive headers).

    Parameters
    ----------
    path
        The file.
    label
        The name used in messages (the file name by default).
    issues
        Where warnings about the reading go (see :func:`stations.tables.read_table`).

    Returns
    -------
    pandas.DataFrame
        ``threat, category, likelihood, impact`` (integers 1-5), optional
        ``residual_likelihood, residual_impact`` and any other columns, as written.

    Raises
    ------
    StationError
        Listing every problem with its file, row and column.
    """
    label = label or path.name
    frame = read_table(path, label=label, required=REQUIRED, issues=issues)
    check = RecordCheck(frame, label)
    check.require_values(("threat", "likelihood", "impact"))
    check.vocabulary_column("category", closed("threat_category", THREAT_CATEGORIES))
    for column in SCALE:
        if column in check.frame.columns:
            check.frame[column] = check.parse_column(column, _one_to_five)
    if check.issues:
        raise StationError(f"{label}: {len(check.issues)} problem(s) in the threats", check.issues)
    table = check.frame.drop(columns=["source_file"])
    for column in SCALE:
        if column in table.columns:
            table[column] = pd.array(table[column], dtype="Int64")
    table["likelihood"] = table["likelihood"].astype(int)
    table["impact"] = table["impact"].astype(int)
    return table


def _one_to_five(text: str) -> int:
    try:
        value = parse_count(text)
    except ValueError:
        raise ValueError(f"expected a whole number from 1 to 5, found {text!r}") from None
    if not 1 <= value <= 5:  # noqa: PLR2004
        raise ValueError(f"expected a whole number from 1 to 5, found {text!r}")
    return value
