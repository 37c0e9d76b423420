"""Call-cascade drill logs: who was reached when, by whom, for ``planner drill``.

A log row names the household reached (``household_id``, or a ``staff_id`` of it), the time
it was reached (``reached_at``), the ``caller_id`` and the ``means`` (phone, SMS, radio...);
an optional ``reported_at`` says when the caller reported back. Logs come as CSV or XLSX
(:func:`stations.tables.read_table`). A row that cannot be used is named (file, row,
column) and skipped; only a file that cannot be read at all raises.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pandas as pd

from stations.errors import Issue, StationError
from stations.reports import column_texts, parse_time
from stations.schema import SOURCE_FILE, SOURCE_ROW
from stations.tables import read_table

logger = logging.getLogger(__name__)

LOG_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
LOG_FIELDS = ("household_id", "id_column", "target", "reached_at", "caller_id", "means",
              "reported_at")  # fmt: skip


def read_drill_log(
    path: Path, label: str, *, day: dt.date, households_of: dict[str, str]
) -> tuple[pd.DataFrame, list[Issue]]:
    """Read one drill log; name every row that cannot be used.

    Parameters
    ----------
    path
        A CSV or XLSX file.
    label
        The name used in messages.
    day
        A bare time of day (``14:05``) is on this date.
    households_of
        Person id (staff id) to household id, from the plan's register.

    Returns
    -------
    tuple
        The usable rows (``LOG_FIELDS``, ``source_file``, ``source_row``; ``reached_at`` a
        naive datetime, ``reported_at`` one or NaT) and the issues of the others.

    Raises
    ------
    InputError
        If the file cannot be read at all, or has no ``reached_at`` column.
    """
    issues: list[Issue] = []
    frame = read_table(path, label=label, required=("reached_at",), issues=issues)
    at = dt.datetime.combine(day, dt.time())
    households, staff = column_texts(frame, "household_id"), column_texts(frame, "staff_id")
    reached, reported = column_texts(frame, "reached_at"), column_texts(frame, "reported_at")
    callers, means = column_texts(frame, "caller_id"), column_texts(frame, "means")
    known = set(households_of.values())
    kept = []
    for index, number in enumerate(frame[SOURCE_ROW].to_numpy(dtype=int).tolist()):
        column, target = ("household_id", households[index]) if households[index] else (
            "staff_id", staff[index])  # fmt: skip
        household = target if column == "household_id" else households_of.get(target, "")
        problem = _problem(target, household, known, column)
        when = parse_time(reached[index], at)
        if problem is None and when is None:
            problem = ("reached_at", f"time {reached[index]!r} is not a time (2026-12-01 14:05)")
        if problem is not None:
            issues.append(Issue("error", label, f"{problem[1]}; the row is skipped", row=number,
                                column=problem[0], code="drill_row"))  # fmt: skip
            continue
        back = parse_time(reported[index], at)
        if reported[index] and back is None:
            issues.append(Issue("warning", label, f"time {reported[index]!r} is not a time; "
                                "read as no report back", row=number, column="reported_at",
                                code="time"))  # fmt: skip
        kept.append((household, column, target, when, callers[index], means[index], back,
                     label, number))  # fmt: skip
    out = pd.DataFrame(kept, columns=[*LOG_FIELDS, SOURCE_FILE, SOURCE_ROW], dtype=object)
    out["reached_at"] = pd.to_datetime(out["reached_at"])
    out["reported_at"] = pd.to_datetime(out["reported_at"])
    logger.info("%s: %d call(s), %d issue(s)", label, len(out), len(issues))
    return out, issues


def _problem(target: str, household: str, known: set[str], column: str) -> tuple[str, str] | None:
    if not target:
        return "household_id", "the row names nobody reached; fill in household_id or staff_id"
    if not household or household not in known:
        what = "household" if column == "household_id" else "staff member"
        return column, f"unknown {what} {target!r}: not in the plan"
    return None


def last_drill(folder: Path, label: str) -> tuple[dt.datetime | None, list[Issue]]:
    """Return the latest time a drill log in ``folder`` (or its subfolders) reached anyone.

    The station keeps its drill logs in the ``[files] drills`` folder, so they survive
    re-planning. A bare time of day is on its file's modification date.

    Parameters
    ----------
    folder
        The drills folder.
    label
        Its name in messages (relative to the station folder).

    Returns
    -------
    tuple
        The latest ``reached_at`` (None without any), and the issues of files that cannot
        be read or rows whose time is not a time (warnings: the plan still runs).
    """
    issues: list[Issue] = []
    if not folder.is_dir():
        issues.append(Issue("warning", label, "the drills folder does not exist", code="missing"))
        return None, issues
    latest: dt.datetime | None = None
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in LOG_SUFFIXES):
        name = f"{label}/{path.relative_to(folder).as_posix()}"
        try:
            frame = read_table(path, label=name, required=("reached_at",), issues=[])
        except StationError as error:
            issues.append(Issue("warning", name, f"not read as a drill log: {error}", code="drill"))
            continue
        day = dt.datetime.combine(dt.date.fromtimestamp(path.stat().st_mtime), dt.time())  # noqa: DTZ012
        times = [parse_time(text, day) for text in column_texts(frame, "reached_at") if text]
        known = [t for t in times if t is not None]
        if len(known) < len(times):
            message = f"{len(times) - len(known)} reached_at value(s) are not times"
            issues.append(Issue("warning", name, message, column="reached_at", code="time"))
        if known and (latest is None or max(known) > latest):
            latest = max(known)
    return latest, issues
