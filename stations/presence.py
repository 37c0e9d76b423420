"""Where staff are on a date: the plan date and the roster's ``status`` columns.

The roster's ``status`` (``present``, ``on leave``, ``on mission``, ``visiting``) holds
from ``status_from`` to ``status_until``, both inclusive; an empty date leaves that end
open. Outside those dates the person is present. The column is read into ``presence``,
because ``status`` of a loaded table says whether its row was accepted.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from stations.errors import Issue
from stations.records import RecordCheck
from stations.schema import (
    AWAY,
    PRESENCE,
    PRESENCE_FROM,
    PRESENCE_UNTIL,
    PRESENT,
    ROSTER_STATUS,
    STAFF_ID,
)
from stations.vocabulary import Vocabulary


def plan_date(text: str | None = None) -> dt.date:
    """Return the date a plan is made for: ``YYYY-MM-DD``, or today (UTC) without one.

    Parameters
    ----------
    text
        The date as given on the command line (``--as-of``), or ``None`` for today.

    Returns
    -------
    datetime.date
        The plan date: who is away, which visitors are here and which records are stale
        are all judged on it.

    Raises
    ------
    ValueError
        If ``text`` is not an ISO date such as ``2026-12-01``.
    """
    if text is None:
        return dt.datetime.now(tz=dt.UTC).date()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        msg = f"expected a date as YYYY-MM-DD (e.g. 2026-12-01), found {text!r}"
        raise ValueError(msg) from None


def check_presence(
    check: RecordCheck, vocabulary: Vocabulary, *, date_order: str | None, country: str
) -> None:
    """Read the roster's ``status``, ``status_from`` and ``status_until`` columns.

    The user's ``status`` column becomes ``presence`` (read through ``vocabulary``);
    the dates become dates. A ``status_from`` after ``status_until`` is an error; dates
    without a status are a warning (they say nothing).

    Parameters
    ----------
    check
        The record check over the roster.
    vocabulary
        The ``presence`` vocabulary.
    date_order
        ``[roster] date_order``, for dates whose day/month order the column does not settle.
    country
        The station's ISO 3166 alpha-2 code.
    """
    frame = check.frame
    if ROSTER_STATUS in frame.columns:
        if PRESENCE in frame.columns:
            check.issues.append(
                Issue(
                    "warning",
                    check.label,
                    f"both {ROSTER_STATUS!r} and {PRESENCE!r} columns; {PRESENCE!r} is read and "
                    f"{ROSTER_STATUS!r} is not: remove one of them",
                    row=1,
                    column=ROSTER_STATUS,
                    code="duplicate_column",
                )
            )
            frame = frame.drop(columns=ROSTER_STATUS)
        else:
            frame = frame.rename(columns={ROSTER_STATUS: PRESENCE})
        check.frame = frame
    check.vocabulary_column(PRESENCE, vocabulary)
    check.parse_dates((PRESENCE_FROM, PRESENCE_UNTIL), configured=date_order, country=country)
    _check_windows(check)


def _dates(frame: pd.DataFrame, column: str) -> list[dt.date | None]:
    """Return a column's dates, ``None`` where empty or where the column is absent."""
    if column not in frame.columns:
        return [None] * len(frame)
    return [None if v is None or pd.isna(v) else v for v in frame[column]]


def _check_windows(check: RecordCheck) -> None:
    frame = check.frame
    starts = _dates(frame, PRESENCE_FROM)
    ends = _dates(frame, PRESENCE_UNTIL)
    states = frame[PRESENCE].tolist() if PRESENCE in frame.columns else [None] * len(frame)
    for index, start, end, state in zip(frame.index, starts, ends, states, strict=True):
        if start is not None and end is not None and start > end:
            check.report(
                int(index),
                PRESENCE_UNTIL,
                f"status_until {end.isoformat()} is before status_from {start.isoformat()}; "
                "both dates are inclusive: correct one of them",
                code="date_order",
            )
        elif state is None and (start is not None or end is not None):
            check.report(
                int(index),
                PRESENCE_FROM if start is not None else PRESENCE_UNTIL,
                "a date without a status says nothing; write the status (present, on leave, "
                "on mission, visiting) or clear the date",
                severity="warning",
                code="no_status",
            )


def presence_on(staff: pd.DataFrame, date: dt.date) -> pd.Series:
    """Return where each staff member is on ``date``.

    Parameters
    ----------
    staff
        Staff rows with the optional ``presence``, ``status_from`` and ``status_until``.
    date
        The plan date.

    Returns
    -------
    pandas.Series
        ``present``, ``on leave``, ``on mission`` or ``visiting`` per row (same index):
        the row's status when ``date`` falls within its dates, else ``present``.
    """
    if PRESENCE not in staff.columns:
        return pd.Series(PRESENT, index=staff.index, dtype=object)
    starts = _dates(staff, PRESENCE_FROM)
    ends = _dates(staff, PRESENCE_UNTIL)
    states = [None if pd.isna(v) else v for v in staff[PRESENCE]]
    values = [
        state
        if state is not None and (start is None or start <= date) and (end is None or date <= end)
        else PRESENT
        for state, start, end in zip(states, starts, ends, strict=True)
    ]
    return pd.Series(values, index=staff.index, dtype=object)


def away_ids(staff: pd.DataFrame, date: dt.date) -> list[str]:
    """Return the ids of the staff on leave or on mission on ``date``, in roster order."""
    away = presence_on(staff, date).isin(AWAY)
    return [str(v) for v in staff.loc[away, STAFF_ID]]


def present_ids(staff: pd.DataFrame, date: dt.date) -> list[str]:
    """Return the ids of the staff at the station on ``date`` (visiting staff included)."""
    here = ~presence_on(staff, date).isin(AWAY)
    return [str(v) for v in staff.loc[here, STAFF_ID]]


def presence_notes(staff: pd.DataFrame, date: dt.date) -> pd.Series:
    """Return a short note on each staff member not present on ``date``, empty for the rest.

    Parameters
    ----------
    staff
        Staff rows with the optional ``presence``, ``status_from`` and ``status_until``.
    date
        The plan date.

    Returns
    -------
    pandas.Series
        ``"on leave until 2026-12-20"``, ``"on mission"`` (no end date), ``"visiting until
        ..."`` or ``""`` per row (same index).
    """
    where = presence_on(staff, date)
    ends = _dates(staff, PRESENCE_UNTIL)
    notes = [
        "" if state == PRESENT else f"{state} until {end.isoformat()}" if end else str(state)
        for state, end in zip(where, ends, strict=True)
    ]
    return pd.Series(notes, index=staff.index, dtype=object)
