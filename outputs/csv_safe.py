"""CSV for spreadsheets: cells that would run as formulas are neutralised (:func:`csv_cell`)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from outputs.escape import BIDI_CONTROLS, CONTROL, FORMULA_STARTS, csv_cell

# What csv_cell would change in a text: a control or bidi character anywhere.
# A table of plain text is written this many rows at a time.
_ROWS_AT_ONCE = 10_000
_CHANGED = re.compile(f"{CONTROL.pattern[:-1]}{BIDI_CONTROLS.pattern[1:]}")


def write_csv_safely(frame: pd.DataFrame, path: Path) -> Path:
    """Write a frame as UTF-8 CSV (with BOM, so Excel reads accents), text through ``csv_cell``.

    A table of plain text that ``csv_cell`` keeps and the CSV writer would not quote (the
    common case: ids, names, codes) is written by joining its cells, many rows at once;
    any other goes through pandas. The bytes are the same either way.

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
    header = [str(name) for name in frame.columns]
    columns = [frame.iloc[:, i].tolist() for i in range(frame.shape[1])]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeff")  # what encoding="utf-8-sig" writes first
        if _as_they_are(header, columns):
            handle.write(",".join(header) + "\n")
            rows = map(",".join, zip(*columns, strict=True))
            while lines := list(itertools.islice(rows, _ROWS_AT_ONCE)):
                handle.write("\n".join(lines) + "\n")
            return path
        safe = frame.copy()
        for column in safe.columns:
            if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
                safe[column] = csv_column(safe[column])
        safe.to_csv(handle, index=False, lineterminator="\n")
    return path


def _as_they_are(header: list[str], columns: list[list[object]]) -> bool:
    """Return whether ``csv_cell`` keeps every cell and the CSV writer quotes none.

    So it is when every cell is printable text (no control, bidi or line-break
    character) without comma or quote, and none starts with a formula character; and
    there are two columns at least (a row of one empty cell is quoted).
    """
    if len(header) < 2:  # noqa: PLR2004
        return False
    for cells in (header, *columns):
        try:
            text = "".join(cells)  # type: ignore[arg-type]
        except TypeError:  # a cell that is not text: numbers, missing values
            return False
        if not text.isprintable() or "," in text or '"' in text:
            return False
        lines = "\n".join(cells)  # type: ignore[arg-type]  # no cell holds a line break
        if lines.startswith(FORMULA_STARTS) or any(f"\n{m}" in lines for m in FORMULA_STARTS):
            return False
    return True


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
