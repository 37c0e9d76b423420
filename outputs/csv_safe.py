"""CSV for spreadsheets: cells that would run as formulas are neutralised (:func:`csv_cell`)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from outputs.escape import BIDI_CONTROLS, CONTROL, FORMULA_STARTS, csv_cell

# What csv_cell would change in a text: a control or bidi character anywhere.
_CHANGED = re.compile(f"{CONTROL.pattern[:-1]}{BIDI_CONTROLS.pattern[1:]}")


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
            safe[column] = csv_column(safe[column])
    safe.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
    return path


def csv_column(values: pd.Series) -> pd.Series:
    """Return a column with every cell as :func:`csv_cell` makes it, whole columns at once.

    A column of text (missing cells aside) is tested as a whole; only the cells that fail
    the test (or every cell of a column mixing text with other values) go through
    ``csv_cell``.

    Parameters
    ----------
    values
        The column.

    Returns
    -------
    pandas.Series
        The column, each cell equal to ``csv_cell`` of the cell.
    """
    textual = values.dtype == object or isinstance(values.dtype, pd.StringDtype)
    if not textual or pd.api.types.infer_dtype(values, skipna=True) != "string":
        return values.map(csv_cell)
    # Text with missing cells (None, NaN): csv_cell leaves a missing cell as it is.
    present = values.notna().to_numpy(dtype=bool)
    texts = values.to_numpy(dtype=object)[present]
    # One search of the whole column ("\n" is no control character): most columns pass.
    joined = "\n".join(texts)
    starts = joined.startswith(FORMULA_STARTS) or any(f"\n{s}" in joined for s in FORMULA_STARTS)
    if not starts and _CHANGED.search(joined) is None:
        return values
    failing = np.zeros(len(values), dtype=bool)
    failing[present] = [
        text.startswith(FORMULA_STARTS) or _CHANGED.search(text) is not None for text in texts
    ]
    out = values.copy()
    out[failing] = [csv_cell(text) for text in values.to_numpy(dtype=object)[failing]]
    return out
