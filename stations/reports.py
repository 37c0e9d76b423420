"""Wardens' roll-call reports and the plan's person register, read for ``planner muster``.

A report names a person (``person_id``, ``staff_id``, ``dependant_id`` or ``visitor_id``)
or a whole household (``household_id`` alone), a ``status`` (safe, needs help, missing
or unknown), and optionally ``location``, ``reported_at`` (the time) and ``reporter``.
Reports come as CSV or XLSX (read by :func:`stations.tables.read_table`, within its size
limits) or as JSON lines (one object per line), as wardens send them. A row that
cannot be used is named (file, row, column) and skipped; only a file that cannot be
read at all raises.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from stations.errors import InputError, Issue
from stations.files import check_input_file
from stations.schema import SOURCE_FILE, SOURCE_ROW
from stations.tables import MAX_CSV_BYTES, normalise_header, read_table, require_columns
from stations.workbook import MAX_ROWS

logger = logging.getLogger(__name__)

REPORT_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".jsonl", ".ndjson")
# Columns that name one person, in the order they are looked at; household_id names many.
PERSON_COLUMNS = ("person_id", "staff_id", "dependant_id", "visitor_id")
HOUSEHOLD_COLUMN = "household_id"
# The statuses a report may give, from the least to the most urgent.
STATUSES = ("safe", "unknown", "missing", "needs help")
ACCOUNTED = ("safe", "needs help")
_STATUS_ALIASES = {"needs_help": "needs help", "needs-help": "needs help", "help": "needs help"}
_REPORT_ALIASES = {
    "time": "reported_at",
    "timestamp": "reported_at",
    "reported": "reported_at",
    "dependant": "dependant_id",
    "visitor": "visitor_id",
    "reported_by": "reporter",
    "id": "staff_id",
}
# A report this much after the time of the roll call is a clock error, not "the future".
CLOCK_SKEW = dt.timedelta(minutes=5)
_BARE_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")
_FORMULA_GUARD = re.compile(r"'(?=[=+\-@\t\r])")
# The columns of the plan's roll_call/register.csv that the roll call needs.
REGISTER_REQUIRED = (
    "person_id", "kind", "name", "household_id", "zone_id", "area_id", "agency",
    "presence", "warden_id", "warden_name", "warden_phone", "deputy_id",
)  # fmt: skip
# The columns of the reports once read (besides source_file and source_row).
REPORT_FIELDS = ("target", "target_kind", "id_column", "status", "reported_at", "location",
                 "reporter")  # fmt: skip


def read_register(path: Path, label: str) -> pd.DataFrame:
    """Read the person register a plan wrote (``roll_call/register.csv``).

    Parameters
    ----------
    path
        The register file.
    label
        The name used in messages.

    Returns
    -------
    pandas.DataFrame
        ``REGISTER_REQUIRED`` as text (``""`` when empty), one row per person, with the
        apostrophe that kept a cell from running as a formula removed again.

    Raises
    ------
    InputError
        If the file cannot be read, lacks a column, or repeats a ``person_id``.
    """
    size = check_input_file(path, label)
    if size > MAX_CSV_BYTES:
        msg = (
            f"the file has {size / 2**20:,.0f} MB, more than the {MAX_CSV_BYTES // 2**20} MB limit"
        )
        raise InputError(label, msg, code="too_large")
    try:  # the plan wrote it: pandas' own reader, every cell as text
        frame = pd.read_csv(path, dtype=object, na_filter=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(
            label, f"not a register written by planner plan: {exc}", code="format"
        ) from exc
    require_columns(frame, REGISTER_REQUIRED, label)
    register = pd.DataFrame(
        {c: _unguarded_column(frame[c].to_numpy(dtype=object)) for c in REGISTER_REQUIRED},
        dtype=object,
    )
    repeated = register["person_id"].duplicated()
    if repeated.any():
        row = int(repeated.to_numpy().argmax()) + 2  # the header is row 1
        msg = f"person_id {register['person_id'][repeated].iloc[0]!r} is listed twice"
        raise InputError(label, msg, row=row, column="person_id", code="duplicate")
    return register.reset_index(drop=True)


def read_reports(path: Path, label: str, *, at: dt.datetime) -> tuple[pd.DataFrame, list[Issue]]:
    """Read one report file and check each row; the rows that cannot be used are named.

    Parameters
    ----------
    path
        A CSV, XLSX or JSON lines file ({.csv, .txt, .xlsx, .xlsm, .jsonl, .ndjson}).
    label
        The name used in messages.
    at
        The time of the roll call (naive local time): a report later than this (by more
        than ``CLOCK_SKEW``) is an error; a bare time of day (``14:05``) is on its date.

    Returns
    -------
    tuple
        The usable reports (``REPORT_FIELDS``, ``source_file``, ``source_row``;
        ``reported_at`` a naive datetime) and the issues of the skipped or doubtful rows.
        Rows without a status (a sheet not yet filled in) are no reports.

    Raises
    ------
    InputError
        If the file cannot be read at all (missing, binary, too large, not a table).
    """
    issues: list[Issue] = []
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        frame = _read_json_lines(path, label, issues)
    else:
        frame = read_table(path, label=label, required=("status",), issues=issues)
    frame = frame.rename(columns={k: v for k, v in _REPORT_ALIASES.items() if v not in frame})
    if "status" not in frame.columns:
        raise InputError(label, "no 'status' column", row=1, column="status", code="missing_column")
    if not any(c in frame.columns for c in (*PERSON_COLUMNS, HOUSEHOLD_COLUMN)):
        known = ", ".join((*PERSON_COLUMNS, HOUSEHOLD_COLUMN))
        msg = f"no column names a person; give one of {known}"
        raise InputError(label, msg, row=1, code="missing_column")
    fallback = dt.datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)  # noqa: DTZ006 (local wall time)
    reports = _checked_rows(frame, label, issues, at=at, fallback=fallback)
    logger.info("%s: %d report(s), %d issue(s)", label, len(reports), len(issues))
    return reports, issues


def _unguarded(value: object) -> str:
    """Return a cell without the apostrophe `outputs.escape.csv_cell` put before a formula."""
    text = "" if value is None else str(value)
    return _FORMULA_GUARD.sub("", text, count=1) if text.startswith("'") else text


def _read_json_lines(path: Path, label: str, issues: list[Issue]) -> pd.DataFrame:
    """Return the objects of a JSON lines file as text columns with their line numbers."""
    size = check_input_file(path, label)
    if size > MAX_CSV_BYTES:
        msg = (
            f"the file has {size / 2**20:,.0f} MB, more than the {MAX_CSV_BYTES // 2**20} MB limit"
        )
        raise InputError(label, msg, code="too_large")
    raw = path.read_bytes()
    if b"\x00" in raw[:65536]:
        raise InputError(label, "the file holds binary data, not JSON lines", code="format")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"the file is not UTF-8 (byte {exc.start}); save it as UTF-8 JSON lines"
        raise InputError(label, msg, code="encoding") from exc
    records: list[dict[str, object]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if number > MAX_ROWS:
            msg = f"the file has more than {MAX_ROWS:,} lines; split it"
            raise InputError(label, msg, row=number, code="too_large")
        if line.strip():
            record = _json_record(line, label, number, issues)
            if record is not None:
                records.append(record)
    if not records and not issues:
        raise InputError(label, "the file holds no reports", code="empty")
    frame = pd.DataFrame.from_records(records)
    return frame.astype(object).where(frame.notna(), None)


def _json_record(
    line: str, label: str, number: int, issues: list[Issue]
) -> dict[str, object] | None:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        issues.append(_error(label, f"not JSON ({exc.msg}); skipped", number, None, "format"))
        return None
    if not isinstance(value, dict):
        message = "the line is not a JSON object; skipped"
        issues.append(_error(label, message, number, None, "format"))
        return None
    record: dict[str, object] = {SOURCE_ROW: number}
    for key, cell in value.items():
        name = normalise_header(key)
        if isinstance(cell, dict | list):
            message = f"{key!r} holds a JSON {type(cell).__name__}, not a value; skipped"
            issues.append(_error(label, message, number, name, "format"))
            return None
        text = "" if cell is None else str(cell).strip()
        record[name] = text or None
    record[SOURCE_FILE] = label
    return record


def column_texts(frame: pd.DataFrame, column: str) -> list[str]:
    """Return a column's cells as stripped text without a formula guard, ``""`` if absent."""
    return _texts(frame, column).tolist()


def _texts(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Return :func:`column_texts` as an array: whole column at once, guards cell by cell."""
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    cells = frame[column].to_numpy(dtype=object)
    present = pd.notna(cells)
    texts = np.full(len(cells), "", dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=True) == "string":
        texts[present] = list(map(str.strip, cells[present]))
    else:
        texts[present] = [str(cell).strip() for cell in cells[present]]
    return _unguarded_column(texts)


def _unguarded_column(texts: np.ndarray) -> np.ndarray:
    """Return :func:`_unguarded` of each text: a column without an apostrophe at once."""
    if not len(texts) or "'" not in "\n".join(texts):
        return texts
    distinct = pd.unique(texts)
    changed = {t: _unguarded(t) for t in distinct if t.startswith("'")}
    if not changed:
        return texts
    mapped = pd.Series(texts, dtype=object).map(changed).to_numpy(dtype=object)
    return np.where(pd.isna(mapped), texts, mapped)


def _error(label: str, message: str, row: int, column: str | None, code: str) -> Issue:
    return Issue("error", label, message, row=row, column=column, code=code)


def _checked_rows(
    frame: pd.DataFrame,
    label: str,
    issues: list[Issue],
    *,
    at: dt.datetime,
    fallback: dt.datetime,
) -> pd.DataFrame:
    """Return the usable reports; name every other row in ``issues``.

    Each test runs on whole columns; only the rows that fail one are named one by one.
    """
    numbers = frame[SOURCE_ROW].to_numpy(dtype=int)
    rows: list[int] = numbers.tolist()
    raw_status = _texts(frame, "status")
    statuses = _mapped(raw_status, _status)
    blank = statuses == ""
    # The first column that names somebody, in the order of PERSON_COLUMNS, household last.
    id_columns = (*PERSON_COLUMNS, HOUSEHOLD_COLUMN)
    ids = [_texts(frame, c) for c in id_columns]
    named = np.stack([i != "" for i in ids]) if len(frame) else np.zeros((len(ids), 0), bool)
    which = named.argmax(axis=0)
    nobody = ~named.any(axis=0) & ~blank
    unknown = ~blank & ~nobody & ~np.isin(statuses, STATUSES)
    times = _texts(frame, "reported_at")
    parsed = _mapped(times, lambda text: parse_time(text, at))
    not_time = ~blank & ~nobody & ~unknown & (times != "") & pd.isna(parsed)
    untimed = (times == "") & ~blank & ~nobody & ~unknown
    parsed[untimed] = fallback
    limit = at + CLOCK_SKEW
    future = ~blank & ~nobody & ~unknown & ~not_time
    future[future] = [when > limit for when in parsed[future]]
    found: list[tuple[int, Issue]] = []
    for index in np.flatnonzero(nobody).tolist():
        message = f"the report names nobody; fill in one of {', '.join(id_columns)}"
        found.append((index, _error(label, message, rows[index], PERSON_COLUMNS[0], "no_id")))
    for index in np.flatnonzero(unknown).tolist():
        message = (
            f"status {raw_status[index]!r} is not one of {', '.join(STATUSES)}; "
            "the report is skipped"
        )
        found.append((index, _error(label, message, rows[index], "status", "status")))
    for index in np.flatnonzero(not_time).tolist():
        message = f"time {times[index]!r} is not a time; write 2026-12-01 14:05 or 14:05; skipped"
        found.append((index, _error(label, message, rows[index], "reported_at", "time")))
    for index in np.flatnonzero(future).tolist():
        message = (
            f"time {parsed[index]:%Y-%m-%d %H:%M} is in the future (the roll call is at "
            f"{at:%Y-%m-%d %H:%M}); check the clock; the report is skipped"
        )
        found.append((index, _error(label, message, rows[index], "reported_at", "future")))
    issues.extend(issue for _index, issue in sorted(found, key=lambda pair: pair[0]))
    kept = ~(blank | nobody | unknown | not_time | future)
    _note_untimed(numbers[untimed & kept].tolist(), label, fallback, issues)
    if blank.any():
        logger.info("%s: %d row(s) without a status: not reported yet", label, blank.sum())
    columns = np.array(id_columns, dtype=object)[which[kept]]
    out = pd.DataFrame(
        {
            "target": np.choose(which[kept], [i[kept] for i in ids]) if kept.any() else [],
            "target_kind": np.where(columns == HOUSEHOLD_COLUMN, "household", "person"),
            "id_column": columns,
            "status": statuses[kept],
            "location": _texts(frame, "location")[kept],
            "reporter": _texts(frame, "reporter")[kept],
            SOURCE_FILE: np.full(kept.sum(), label, dtype=object),
        },
        dtype=object,
    )
    times = pd.to_datetime(pd.Series(parsed[kept], dtype=object))
    out.insert(REPORT_FIELDS.index("reported_at"), "reported_at", times)
    out[SOURCE_ROW] = numbers[kept].astype(int)
    return out


def _mapped(values: np.ndarray, function: Callable[[str], object]) -> np.ndarray:
    """Return ``function`` of each value, computed once per distinct value."""
    codes, distinct = pd.factorize(values)
    results = np.empty(len(distinct), dtype=object)
    results[:] = [function(value) for value in distinct]
    return results[codes]


def _note_untimed(rows: list[int], label: str, fallback: dt.datetime, issues: list[Issue]) -> None:
    if rows:
        shown = ", ".join(str(r) for r in rows[:10]) + (", ..." if len(rows) > 10 else "")  # noqa: PLR2004
        message = (
            f"{len(rows)} report(s) without a time (rows {shown}) are taken at the file's "
            f"time, {fallback:%Y-%m-%d %H:%M}"
        )
        issues.append(Issue("warning", label, message, row=rows[0], column="reported_at",
                            code="no_time"))  # fmt: skip


def _status(text: str) -> str:
    plain = " ".join(text.casefold().split())
    return _STATUS_ALIASES.get(plain, plain)


def parse_time(text: str, at: dt.datetime) -> dt.datetime | None:
    """Return a time as naive local time, or None when empty or not a time.

    Parameters
    ----------
    text
        ``2026-12-01 14:05``, ISO 8601 with or without an offset, or a bare ``14:05``.
    at
        A bare time of day is on this date.

    Returns
    -------
    datetime.datetime or None
        The time, naive and local; None when ``text`` is empty or not a time.
    """
    if not text:
        return None
    if _BARE_TIME.fullmatch(text):
        hour, rest = text.split(":", 1)
        text = f"{at.date().isoformat()} {int(hour):02d}:{rest}"
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when
