"""CSV for spreadsheets: cells that would run as formulas are neutralised."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> object:
    """Return text that a spreadsheet shows as text, never runs as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading apostrophe (the OWASP recommendation). Numbers are left alone, so a
    negative number stays a number.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv_safely(frame: pd.DataFrame, path: Path) -> Path:
    """Write a frame as UTF-8 CSV (with BOM, so Excel reads accents) with formulas neutralised.

    Parameters
    ----------
    frame
        The table; text columns are neutralised, numbers are written as numbers.
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path
