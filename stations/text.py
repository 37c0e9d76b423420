"""Read one cell of a loaded table as text or as the roles it lists."""

from __future__ import annotations

import math

import pandas as pd


def text_of(value: object) -> str:
    """Return a cell as stripped text; missing values (None, NaN, NA, NaT) give ``""``.

    Parameters
    ----------
    value
        Any cell of a loaded table.

    Returns
    -------
    str
        The stripped text, or ``""`` for a missing value.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value).strip()


def roles_of(value: object) -> tuple[str, ...]:
    """Return the roles of a ``;``-joined role cell, in order, without blanks.

    Parameters
    ----------
    value
        A ``role`` cell, such as ``"warden; ASC"``.

    Returns
    -------
    tuple of str
        The roles in the order written.
    """
    return tuple(r.strip() for r in text_of(value).split(";") if r.strip())
