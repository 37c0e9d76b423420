"""Repeated findings become one line; the text stays short whatever the roster."""

from __future__ import annotations

from stations.errors import Issue
from stations.summary import MAX_LINES, summarise


def test_repeats_merge_and_errors_come_first() -> None:
    warnings = [
        Issue("warning", "staff.csv", "unknown role 'Clerk' read as ordinary staff", row=r,
              column="role", code="unknown_role", value="Clerk")
        for r in range(2, 1723)
    ]  # fmt: skip
    error = Issue("error", "staff.csv", "duplicate staff_id 'S1'", row=9, column="staff_id")
    lines = summarise([*warnings, error])
    assert lines == [
        "error: staff.csv, row 9, column 'staff_id': duplicate staff_id 'S1'",
        (
            "warning: staff.csv, column 'role': 1,721 rows: unknown role 'Clerk' read as "
            "ordinary staff (rows 2, 3, 4, 5, 6, ...)"
        ),
    ]


def test_many_different_findings_are_counted_not_listed() -> None:
    stale = [
        Issue("warning", "staff.csv", f"record last confirmed {100 + r} days ago", row=r,
              column="confirmed_date", code="stale")
        for r in range(2, 5002)
    ]  # fmt: skip
    lines = summarise(stale)
    assert len(lines) == 4
    assert lines[-1].startswith(
        "warning: staff.csv, column 'confirmed_date': 4,997 more row(s) with other 'stale' "
        "findings (rows 5, 6, 7, 8, 9, ...)"
    )


def test_the_text_is_capped() -> None:
    issues = [
        Issue("error", "staff.csv", "bad", row=2, column=f"c{n}", code="x") for n in range(500)
    ]
    lines = summarise(issues)
    assert len(lines) == MAX_LINES + 1
    assert lines[-1] == "... 460 more finding(s); --format json lists every row"
