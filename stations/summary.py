"""Summarise issues for people: findings that repeat become one line with a count.

Issues with the same severity, file, column, code, value and message are one
finding; its line gives the number of rows and the first of them. Errors come
first, then warnings, then information; a column with many different findings
of one kind shows the first few and counts the rest. ``--format json`` lists
every issue instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stations.errors import Issue

if TYPE_CHECKING:
    from stations.station import Station

SEVERITY_ORDER = ("error", "warning", "info")
FIRST_ROWS = 5  # rows named on a summary line
FINDINGS_PER_KIND = 3  # different findings shown per file, column and kind of issue
MAX_LINES = 40


@dataclass
class _Finding:
    issue: Issue
    rows: list[int] = field(default_factory=list)
    count: int = 0


def summarise(issues: Iterable[Issue], *, max_lines: int = MAX_LINES) -> list[str]:
    """Return the issues as at most ``max_lines`` (+1) lines, repeated findings merged.

    Parameters
    ----------
    issues
        The issues, in the order they were found.
    max_lines
        The most lines returned before a last line counts what was left out.

    Returns
    -------
    list of str
        One line per finding, errors first, e.g. ``warning: staff.csv, column
        'role': 1,721 rows: unknown role 'Clerk' read as ordinary staff (rows 2, 3,
        5, 8, 9, ...)``.
    """
    findings: dict[tuple[object, ...], _Finding] = {}
    for issue in issues:
        key = (issue.severity, issue.file, issue.column, issue.code, issue.value, issue.message)
        finding = findings.setdefault(key, _Finding(issue))
        finding.count += 1
        if issue.row is not None and len(finding.rows) <= FIRST_ROWS:
            finding.rows.append(issue.row)
    lines: list[str] = []
    for severity in SEVERITY_ORDER:
        kinds: dict[tuple[object, ...], list[_Finding]] = {}
        for finding in findings.values():
            if finding.issue.severity == severity:
                issue = finding.issue
                kinds.setdefault((issue.file, issue.column, issue.code), []).append(finding)
        for group in kinds.values():
            lines += [_line(f) for f in group[:FINDINGS_PER_KIND]]
            if len(group) > FINDINGS_PER_KIND:
                lines.append(_rest(group[FINDINGS_PER_KIND:]))
    if len(lines) > max_lines:
        left = len(lines) - max_lines
        lines = [*lines[:max_lines], f"... {left} more finding(s); --format json lists every row"]
    return lines


def station_counts(station: Station) -> dict[str, int]:
    """Return what a loaded station holds, for the line ``planner validate`` ends with.

    Parameters
    ----------
    station
        The loaded station; "today" is its plan date (``Station.as_of``).

    Returns
    -------
    dict
        Label -> count: staff accepted and rejected, households, offices, points, named and
        numbered dependants, visitors here today and staff away (on leave or on mission)
        today.
    """
    dependants = station.accepted_dependants
    named = int((~dependants["numbered"].astype(bool)).sum())
    return {
        "staff accepted": len(station.accepted_staff),
        "staff rejected": len(station.rejected_staff),
        "households": len(station.households),
        "offices": len(station.accepted_offices),
        "points": len(station.accepted_points),
        "dependants named": named,
        "dependants numbered": len(dependants) - named,
        "visitors here today": len(station.visitors_on()),
        "staff away today": len(station.away_on()),
    }


def _rows(rows: list[int], count: int) -> str:
    shown = ", ".join(str(r) for r in rows[:FIRST_ROWS])
    return f"rows {shown}, ..." if count > FIRST_ROWS else f"rows {shown}"


def _where(issue: Issue) -> str:
    parts = [issue.file] + ([f"column {issue.column!r}"] if issue.column is not None else [])
    return ", ".join(parts)


def _line(finding: _Finding) -> str:
    issue = finding.issue
    if finding.count == 1:
        return str(issue)
    rows = f" ({_rows(finding.rows, finding.count)})" if finding.rows else ""
    return f"{issue.severity}: {_where(issue)}: {finding.count:,} rows: {issue.message}{rows}"


def _rest(group: list[_Finding]) -> str:
    issue = group[0].issue
    count = sum(f.count for f in group)
    rows = sorted(r for f in group for r in f.rows)
    listed = f" ({_rows(rows, count)})" if rows else ""
    return (
        f"{issue.severity}: {_where(issue)}: {count:,} more row(s) with other "
        f"{issue.code!r} findings{listed}"
    )
