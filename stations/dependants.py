"""Named dependants (the optional dependants file) and numbered ones (without it).

Without a dependants file, the roster's ``dependants`` counts stand and every
dependant gets the id ``<household_id>-D<n>`` (``n`` from 1), credited to the staff
member whose row counts them. With the file, each of its rows names a dependant of a
staff member (``staff_id``) or a household (``household_id``); a household the file
names takes its headcount from the file, and a roster count that disagrees is a
warning naming both. A household the file does not name keeps the roster's count as
numbered dependants, so that nobody the roster counts is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stations.errors import Issue
from stations.records import RecordCheck, did_you_mean
from stations.roster import normalise_phones
from stations.schema import (
    AGE_BAND,
    BIRTH_DATE,
    DEPENDANT_COLUMNS,
    DEPENDANT_ID,
    DEPENDANTS,
    HEADCOUNT,
    HOUSEHOLD_ID,
    NAME,
    PERSON_ID,
    REASON,
    RELATION,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_COUNT,
    STAFF_ID,
    STATUS,
)
from stations.vocabulary import Vocabulary

# Disagreements between the roster's counts and the file listed one by one; the rest are
# counted in one closing warning.
MAX_LISTED = 10
# Upper ends of the age bands (exclusive), in order, and the band above the last.
AGE_BANDS = ((5, "under 5"), (18, "5-17"), (65, "18-64"))
OLDEST_BAND = "65+"


@dataclass(frozen=True)
class DependantRules:
    """How a dependants file is read: the station's settings it depends on.

    Attributes
    ----------
    country
        ISO 3166 alpha-2 code, the default region of phone numbers.
    date_order
        ``[roster] date_order``, for birth dates the column does not settle.
    as_of
        The plan date, on which ages are counted.
    relation, age_band
        The ``relation`` and ``age_band`` vocabularies.
    """

    country: str
    date_order: str | None
    as_of: dt.date
    relation: Vocabulary
    age_band: Vocabulary


def number_dependants(staff: pd.DataFrame, households: pd.DataFrame) -> pd.DataFrame:
    """Return one row per dependant the roster counts, with id ``<household_id>-D<n>``.

    Parameters
    ----------
    staff
        Every staff row with ``status``, ``household_id`` and ``dependants``.
    households
        One row per household (``household_id``); only these households are numbered.

    Returns
    -------
    pandas.DataFrame
        The dependants (columns of ``DEPENDANT_COLUMNS``), each credited to the staff
        member whose row counts them, numbered per household in roster order.
    """
    wanted = set(households[HOUSEHOLD_ID])
    accepted = staff[(staff[STATUS] == "accepted") & staff[HOUSEHOLD_ID].isin(wanted)]
    if DEPENDANTS in accepted.columns:
        counts = pd.to_numeric(accepted[DEPENDANTS], errors="coerce").fillna(0).to_numpy(int)
    else:
        counts = np.zeros(len(accepted), dtype=int)
    owners = np.repeat(np.arange(len(accepted)), counts)
    household = accepted[HOUSEHOLD_ID].astype(str).to_numpy()[owners]
    number = pd.Series(household).groupby(household, sort=False).cumcount().to_numpy() + 1
    frame = pd.DataFrame(
        {
            PERSON_ID: [f"{h}-D{n}" for h, n in zip(household, number, strict=True)],
            HOUSEHOLD_ID: household,
            STAFF_ID: accepted[STAFF_ID].to_numpy()[owners],
            "numbered": True,
            STATUS: "accepted",
            SOURCE_FILE: accepted[SOURCE_FILE].to_numpy()[owners],
            SOURCE_ROW: accepted[SOURCE_ROW].to_numpy()[owners],
        }
    )
    return _schema(frame)


def check_dependants(
    frame: pd.DataFrame,
    label: str,
    *,
    staff: pd.DataFrame,
    households: pd.DataFrame,
    rules: DependantRules,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Issue]]:
    """Check a dependants file and take household headcounts from it.

    Parameters
    ----------
    frame
        The file as read by :func:`stations.tables.read_table`.
    label
        The file name used in messages.
    staff
        Every staff row with ``status``, ``reason`` and ``household_id``.
    households
        One row per household with the roster's ``dependants`` and ``headcount``.
    rules
        The station settings the file is read with.

    Returns
    -------
    dependants
        Every row of the file, accepted or rejected with its reason, then the numbered
        dependants of households the file does not name (columns of ``DEPENDANT_COLUMNS``).
    households
        ``households`` with ``dependants`` and ``headcount`` from the file where it names
        the household.
    issues
        Every problem found, naming file, row and column.
    """
    check = RecordCheck(frame, label)
    check.require_values((DEPENDANT_ID,))
    for index in check.frame.index[check.frame[NAME].isna()]:
        check.report(
            int(index),
            NAME,
            "empty; the dependant is listed without a name",
            severity="warning",
            code="missing",
        )
    check.unique_ids(DEPENDANT_ID)
    check.vocabulary_column(RELATION, rules.relation)
    check.vocabulary_column(AGE_BAND, rules.age_band)
    check.parse_dates((BIRTH_DATE,), configured=rules.date_order, country=rules.country)
    normalise_phones(check, rules.country, ("phone",))
    _link(check, staff, set(households[HOUSEHOLD_ID]))
    _ages(check, rules.as_of)
    named = _schema(check.finish())
    numbered, counted, issues = _headcounts(named, staff, households, label)
    named, clashes = _numbered_clashes(named, numbered, label)
    dependants = _schema(pd.concat([named, numbered], ignore_index=True))
    return dependants, counted, check.issues + clashes + issues


def _link(check: RecordCheck, staff: pd.DataFrame, household_ids: set[str]) -> None:
    """Resolve each row's household from its ``staff_id`` or ``household_id``."""
    frame = check.frame
    for column in (STAFF_ID, HOUSEHOLD_ID):
        if column not in frame.columns:
            frame[column] = None
    first = staff.drop_duplicates(STAFF_ID)
    by_id = {
        str(sid): (state, household, int(row), reason)
        for sid, state, household, row, reason in zip(
            first[STAFF_ID], first[STATUS], first[HOUSEHOLD_ID], first[SOURCE_ROW],
            first[REASON], strict=True,
        )
        if sid is not None
    }  # fmt: skip
    known = sorted(sid for sid, member in by_id.items() if member[0] == "accepted")
    resolved = []
    for index, person, given_staff, given_household in zip(
        frame.index, frame[DEPENDANT_ID], frame[STAFF_ID], frame[HOUSEHOLD_ID], strict=True
    ):
        household = given_household
        if person is not None and by_id.get(person, ("",))[0] == "accepted":
            row = by_id[person][2]
            check.report(
                int(index),
                DEPENDANT_ID,
                f"{person!r} is already a staff_id (staff row {row}); every person "
                "needs an id of their own",
                code="duplicate",
            )
        if given_staff is not None:
            household = _staff_household(check, int(index), given_staff, by_id, known)
            if given_household is not None and household not in (None, given_household):
                check.report(
                    int(index),
                    HOUSEHOLD_ID,
                    f"staff {given_staff!r} lives in household {household!r}, not "
                    f"{given_household!r}; give one of the two",
                    code="reference",
                )
        elif given_household is None:
            check.report(
                int(index),
                STAFF_ID,
                "empty, and so is household_id; give the staff_id of the staff member "
                "the dependant lives with",
                code="missing",
            )
        elif given_household not in household_ids:
            hint = did_you_mean(str(given_household), household_ids)
            check.report(
                int(index),
                HOUSEHOLD_ID,
                f"household {given_household!r} is not a household of accepted staff{hint}",
                code="reference",
            )
        resolved.append(household)
    frame[HOUSEHOLD_ID] = pd.Series(resolved, index=frame.index, dtype=object)


def _staff_household(
    check: RecordCheck,
    index: int,
    staff_id: str,
    by_id: dict[str, tuple[str, str, int, str]],
    known: list[str],
) -> str | None:
    if staff_id not in by_id:
        hint = did_you_mean(staff_id, known)
        check.report(
            index, STAFF_ID, f"staff {staff_id!r} is not in the roster{hint}", code="reference"
        )
        return None
    state, household, row, reason = by_id[staff_id]
    if state != "accepted":
        check.report(
            index,
            STAFF_ID,
            f"staff {staff_id!r} is rejected (staff row {row}: {reason}); correct that row first",
            code="reference",
        )
        return None
    return str(household)


def _ages(check: RecordCheck, as_of: dt.date) -> None:
    """Take the age band from the birth date, which wins over a written band."""
    frame = check.frame
    if BIRTH_DATE not in frame.columns:
        return
    written_bands = frame[AGE_BAND] if AGE_BAND in frame.columns else [None] * len(frame)
    bands = []
    for index, born, written in zip(frame.index, frame[BIRTH_DATE], written_bands, strict=True):
        band = written
        if born is not None and born > as_of:
            check.report(
                int(index),
                BIRTH_DATE,
                f"born {born.isoformat()}, after the plan date {as_of.isoformat()}",
                code="future",
            )
        elif born is not None:
            band = _band(
                as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
            )
            if written is not None and written != band:
                check.report(
                    int(index),
                    AGE_BAND,
                    f"age band {written!r} disagrees with birth_date {born.isoformat()} "
                    f"({band} on {as_of.isoformat()}); the birth date is used",
                    severity="warning",
                    code="age_band",
                )
        bands.append(band)
    frame[AGE_BAND] = pd.Series(bands, index=frame.index, dtype=object)


def _band(age: int) -> str:
    return next((band for below, band in AGE_BANDS if age < below), OLDEST_BAND)


def _headcounts(
    named: pd.DataFrame, staff: pd.DataFrame, households: pd.DataFrame, label: str
) -> tuple[pd.DataFrame, pd.DataFrame, list[Issue]]:
    """Count each household's named dependants; keep the roster's count where none is named."""
    accepted = named[named[STATUS] == "accepted"]
    named_rows = _rows_by_household(accepted)
    roster_rows = _rows_by_household(staff[staff[STATUS] == "accepted"])
    staff_file = str(staff[SOURCE_FILE].iloc[0]) if len(staff) else "staff"
    out = households.copy()
    issues: list[Issue] = []
    unnamed = []
    counted = []
    for household, roster_value in zip(out[HOUSEHOLD_ID], out[DEPENDANTS], strict=True):
        roster_count = int(roster_value)
        rows = named_rows.get(household, [])
        listed = len(rows)
        counted.append(listed or roster_count)
        if not listed:
            if roster_count:
                unnamed.append(household)
                issues.append(_none_named(household, roster_count, roster_rows, staff_file, label))
            continue
        if listed != roster_count:
            issues.append(
                Issue(
                    "warning",
                    label,
                    f"household {household!r}: the roster counts {roster_count} "
                    f"dependant(s) ({staff_file} row(s) "
                    f"{_rows(roster_rows.get(household, []))}, column 'dependants') "
                    f"but {label} names {listed} (row(s) {_rows(rows)}); the plan "
                    f"counts the {listed} named",
                    row=int(rows[0]),
                    column=HOUSEHOLD_ID,
                    code="dependants_count",
                )
            )
    out[DEPENDANTS] = np.array(counted, dtype=int)
    out[HEADCOUNT] = out[STAFF_COUNT].astype(int) + out[DEPENDANTS].astype(int)
    numbered = number_dependants(staff, households[households[HOUSEHOLD_ID].isin(unnamed)])
    return numbered, out, _capped(issues, label)


def _numbered_clashes(
    named: pd.DataFrame, numbered: pd.DataFrame, label: str
) -> tuple[pd.DataFrame, list[Issue]]:
    """Reject named rows whose id is the numbered id of a household the file does not name."""
    household_of = dict(zip(numbered[PERSON_ID], numbered[HOUSEHOLD_ID], strict=True))
    clash = (named[STATUS] == "accepted") & named[PERSON_ID].isin(household_of.keys())
    issues = []
    out = named.copy()
    for index in out.index[clash]:
        person = out.at[index, PERSON_ID]
        household = household_of[person]
        message = (
            f"{person!r} is the id the plan gives a dependant the roster counts for household "
            f"{household!r}, which {label} does not name; give this dependant another id, "
            f"or name household {household!r}'s dependants in {label}"
        )
        issues.append(
            Issue(
                "error",
                label,
                message,
                row=int(out.at[index, SOURCE_ROW]),
                column=DEPENDANT_ID,
                code="duplicate",
            )
        )
        out.at[index, STATUS] = "rejected"
        out.at[index, REASON] = f"{DEPENDANT_ID}: {message}"
    return out, issues


def _rows_by_household(frame: pd.DataFrame) -> dict[str, list[int]]:
    """Return household id -> the source rows of its members, in file order."""
    rows: dict[str, list[int]] = {}
    for household, row in zip(frame[HOUSEHOLD_ID], frame[SOURCE_ROW], strict=True):
        rows.setdefault(household, []).append(int(row))
    return rows


def _none_named(
    household: str,
    roster_count: int,
    roster_rows: dict[str, list[int]],
    staff_file: str,
    label: str,
) -> Issue:
    rows = roster_rows.get(household, [])
    return Issue(
        "warning",
        staff_file,
        f"household {household!r}: the roster counts {roster_count} dependant(s) but {label} "
        f"names none; they are kept as {household}-D1... (add them to {label} by name)",
        row=int(rows[0]) if rows else None,
        column=DEPENDANTS,
        code="dependants_count",
    )


def _capped(issues: list[Issue], label: str) -> list[Issue]:
    if len(issues) <= MAX_LISTED:
        return issues
    rest = len(issues) - MAX_LISTED
    message = (
        f"{rest:,} more household(s) where the roster's dependants count and {label} disagree "
        "(each is counted as the file names them, or as the roster counts them where the file "
        "names none)"
    )
    return [*issues[:MAX_LISTED], Issue("warning", label, message, code="dependants_count")]


def _rows(rows: list[int]) -> str:
    shown = ", ".join(str(int(r)) for r in rows[:5])
    return shown + (", ..." if len(rows) > 5 else "")  # noqa: PLR2004


def _schema(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with exactly the dependant columns, in order, as objects."""
    out = frame.rename(columns={DEPENDANT_ID: PERSON_ID})
    columns = {c: (out[c] if c in out.columns else None) for c in DEPENDANT_COLUMNS}
    result = pd.DataFrame(columns, index=out.index).astype(object)
    result = result.where(result.notna(), None)
    result["numbered"] = result["numbered"].map(lambda v: v is True)
    return result.reset_index(drop=True)
