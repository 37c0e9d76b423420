"""CSV for spreadsheets: cells that would run as formulas are neutralised (:func:`csv_cell`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from outputs.escape import csv_cell


def write_csv_safely(frame: pd.DataFrame, path: Path) -> Path:
    """Write a frame as UTF-8 CSV (with BOM, so Excel reads accents), text through ``csv_cell``.

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
            safe[column] = safe[column].map(csv_cell)
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path
