"""Read a column of dates as offices export them, deciding day/month order per column.

ISO dates (``2026-11-30``, also what Excel date cells become), written months
(``30 Nov 2026``) and Excel serial numbers are unambiguous. ``DD/MM/YYYY`` and
``MM/DD/YYYY`` (also with ``.`` or ``-`` and two-digit years) are told apart by the
column's values: a first number above 12 says day first, a second number above 12
says month first. Without such evidence the station's ``[roster] date_order`` decides,
else its country.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

# Countries that write the month first (ISO 3166 alpha-2): the United States and its
# territories, the states in free association with it, the Philippines and Belize.
MONTH_FIRST_COUNTRIES = frozenset(
    {"US", "PR", "GU", "VI", "AS", "MP", "UM", "FM", "MH", "PW", "PH", "BZ"}
)
DMY, MDY = "DMY", "MDY"
DATE_ORDERS = (DMY, MDY)
_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_NUMERIC = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")
_WRITTEN = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%d %b %y", "%d %B %y")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MONTHS = 12
_CENTURY_PIVOT = 69  # two-digit years: 00-68 -> 2000s, 69-99 -> 1900s (as strptime does)
EXPECTED = "a date (YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY or 30 Nov 2026)"


@dataclass
class DateColumn:
    """The dates of one column and what was found reading them.

    Attributes
    ----------
    dates
        Row index -> date (or ``None`` when empty or unreadable).
    problems
        Row index -> reason, for cells that are not a date or contradict the column's order.
    order
        ``"DMY"`` or ``"MDY"`` when the column has day/month dates, else ``None``.
    decided_by
        How the order was decided, for the info line.
    """

    dates: dict[int, dt.date | None] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)
    order: str | None = None
    decided_by: str = ""


def read_dates(cells: dict[int, str], *, configured: str | None, country: str) -> DateColumn:
    """Read one column of date cells.

    Parameters
    ----------
    cells
        Row index -> non-empty cell text.
    configured
        ``[roster] date_order`` (``"DMY"``, ``"MDY"``) or ``None``.
    country
        The station's ISO 3166 alpha-2 code, the last word on the order.

    Returns
    -------
    DateColumn
        The dates, the problems and the order used.
    """
    column = DateColumn()
    numeric: dict[int, tuple[int, int, int]] = {}
    seen: dict[str, tuple[int, int, int] | dt.date | None] = {}  # a roster repeats its dates
    for index, text in cells.items():
        if text not in seen:
            seen[text] = _classify(text.strip())
        found = seen[text]
        if isinstance(found, tuple):
            numeric[index] = found
            continue
        column.dates[index] = found
        if found is None:
            column.problems[index] = f"expected {EXPECTED}, found {text!r}"
    if numeric:
        _read_numeric(numeric, cells, column, configured=configured, country=country)
    return column


def _classify(text: str) -> tuple[int, int, int] | dt.date | None:
    """Return (first, second, year) of a day/month date, else the date, else ``None``."""
    match = _NUMERIC.match(text)
    if match:
        return int(match[1]), int(match[3]), _year(match[4])
    return _unambiguous(text)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # noqa: PLR2004
        year += 2000 if year < _CENTURY_PIVOT else 1900
    return year


def _unambiguous(text: str) -> dt.date | None:
    iso = _ISO.match(text)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]))
    if _SERIAL.match(text):
        return _EXCEL_EPOCH + dt.timedelta(days=int(float(text)))
    written = re.sub(r"[\s,\-/.]+", " ", text).strip()
    for fmt in _WRITTEN:
        try:
            return dt.datetime.strptime(written, fmt).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _read_numeric(
    numeric: dict[int, tuple[int, int, int]],
    cells: dict[int, str],
    column: DateColumn,
    *,
    configured: str | None,
    country: str,
) -> None:
    day_first = [i for i, (a, b, _) in numeric.items() if a > _MONTHS >= b]
    month_first = [i for i, (a, b, _) in numeric.items() if b > _MONTHS >= a]
    if day_first or month_first:
        order = DMY if len(day_first) >= len(month_first) else MDY
        evidence = day_first if order == DMY else month_first
        column.decided_by = (
            f"the values ({len(evidence)} row(s) with the {'day' if order == DMY else 'month'} "
            "first: a number above 12 in that place)"
        )
    elif configured in DATE_ORDERS:
        order, column.decided_by = configured, "[roster] date_order in station.toml"
    else:
        order = MDY if country.upper() in MONTH_FIRST_COUNTRIES else DMY
        column.decided_by = f"the station's country ({country.upper()}); set [roster] date_order"
    column.order = order
    contradicting = set(month_first if order == DMY else day_first)
    for index, (a, b, year) in numeric.items():
        day, month = (a, b) if order == DMY else (b, a)
        if index in contradicting:
            column.dates[index] = None
            column.problems[index] = (
                f"{cells[index]!r} is not a {_pattern(order)} date, but the column's other "
                f"dates are ({order}); write it as YYYY-MM-DD"
            )
            continue
        column.dates[index] = _date(year, month, day)
        if column.dates[index] is None:
            column.problems[index] = f"expected {EXPECTED}, found {cells[index]!r}"


def _pattern(order: str) -> str:
    return "DD/MM/YYYY" if order == DMY else "MM/DD/YYYY"
