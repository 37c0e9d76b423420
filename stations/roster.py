"""Check the staff roster row by row (everything that needs no geography)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from stations._values import parse_phone
from stations.presence import check_presence
from stations.records import RecordCheck
from stations.schema import (
    AGENCY,
    NAME,
    OFFICE_ID,
    STAFF_ID,
    STAFF_OPTIONAL_BOOL,
    STAFF_OPTIONAL_DATE,
    STAFF_OPTIONAL_INT,
    VEHICLE_SEATS,
)
from stations.vocabulary import Vocabulary

PHONE_COLUMNS = ("phone", "phone2")


def check_roster(
    check: RecordCheck,
    *,
    country: str,
    office_ids: set[str],
    as_of: dt.date,
    max_age_days: int,
    vocabularies: dict[str, Vocabulary],
    date_order: str | None = None,
) -> None:
    """Check every staff row, recording issues and rejections in ``check``.

    Parameters
    ----------
    check
        The record check over the roster table (required columns already present).
    country
        ISO 3166 alpha-2 code: the default region for phone numbers.
    office_ids
        The ids of the accepted offices, for ``office_id`` references.
    as_of
        The date records are judged against (for stale records).
    max_age_days
        Records confirmed longer ago than this get a warning.
    vocabularies
        The station's vocabularies (:func:`stations.vocabulary.vocabularies`).
    date_order
        ``[roster] date_order`` (``"DMY"`` or ``"MDY"``), used when a date column's
        values do not settle the day/month order.
    """
    check.require_values((STAFF_ID, NAME))
    for index in check.frame.index[check.frame[AGENCY].isna()]:
        check.report(int(index), AGENCY, "empty; the agency is unknown", severity="warning")
    check.unique_ids(STAFF_ID)
    check.coordinates()
    check.vocabulary_column("category", vocabularies["category"])
    check.vocabulary_column("grade", vocabularies["grade"])
    check.vocabulary_column("role", vocabularies["role"], multiple=True)
    check.parse_bools(STAFF_OPTIONAL_BOOL, vocabularies["boolean"])
    check.parse_dates(STAFF_OPTIONAL_DATE, configured=date_order, country=country)
    check.parse_counts(STAFF_OPTIONAL_INT, default=0)
    check.parse_counts((VEHICLE_SEATS,), default=None)
    check_presence(check, vocabularies["presence"], date_order=date_order, country=country)
    normalise_phones(check, country)
    _check_offices(check, office_ids)
    _check_confirmed(check, as_of, max_age_days)


def normalise_phones(
    check: RecordCheck, country: str, columns: tuple[str, ...] = PHONE_COLUMNS
) -> None:
    """Write the phone numbers of ``columns`` in E.164; a number that does not parse is a warning.

    Parameters
    ----------
    check
        The record check over a table with phone columns.
    country
        ISO 3166 alpha-2 code: the default region for numbers written nationally.
    columns
        The phone columns (absent ones are skipped).
    """
    for column in columns:
        if column not in check.frame.columns:
            continue
        parsed: dict[str, tuple[str, str | None]] = {}  # text -> (value, problem)
        values: list[str | None] = []
        for index, text in check.frame[column].items():
            if text is None:
                values.append(None)
                continue
            if text not in parsed:
                try:
                    parsed[text] = (parse_phone(text, country), None)
                except ValueError as exc:
                    parsed[text] = (text, f"{exc}; kept as written")
            value, problem = parsed[text]
            if problem is not None:
                check.report(int(index), column, problem, severity="warning", code="phone")
            values.append(value)
        check.frame[column] = values


def _check_offices(check: RecordCheck, office_ids: set[str]) -> None:
    if OFFICE_ID not in check.frame.columns:
        return
    for index, value in check.frame[OFFICE_ID].items():
        if value is not None and value not in office_ids:
            known = ", ".join(sorted(office_ids)[:10]) or "none"
            check.report(
                int(index),
                OFFICE_ID,
                f"office {value!r} is not in the offices file (known: {known})",
                code="reference",
            )


def _check_confirmed(check: RecordCheck, as_of: dt.date, max_age_days: int) -> None:
    if "confirmed_date" not in check.frame.columns:
        return
    for index, value in check.frame["confirmed_date"].items():
        if value is None or pd.isna(value):
            continue
        age = (as_of - value).days
        if age > max_age_days:
            check.report(
                int(index),
                "confirmed_date",
                f"record last confirmed {age} days ago (limit {max_age_days}); ask the staff "
                "member to confirm it",
                severity="warning",
                code="stale",
            )
        elif age < 0:
            check.report(
                int(index),
                "confirmed_date",
                f"confirmed_date {value.isoformat()} is in the future (as of {as_of.isoformat()})",
                severity="warning",
                code="future",
            )
