"""Domain errors and validation issues for duty-station inputs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Issue:
    """One problem found in a station's inputs.

    Parameters
    ----------
    severity
        ``"error"`` makes the station unusable; ``"warning"`` does not; ``"info"`` says
        how something was read (e.g. the day/month order of a date column).
    file
        The file name, relative to the station folder.
    message
        What was expected, what was found and how to fix it.
    row
        The row as a spreadsheet shows it (the header is row 1), if any.
    column
        The column name, if any.
    code
        A short stable identifier of the kind of issue, for automation.
    value
        The cell as written, when the issue is about one value (for summaries and
        ``--suggest-vocabulary``).
    """

    severity: Severity
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    code: str = "invalid"
    value: str | None = None

    def location(self) -> str:
        """Return ``file, row N, column C`` with the parts that are known."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def describe(self) -> str:
        """Return where and what, without the severity: ``file, row N: message``."""
        return f"{self.location()}: {self.message}"

    def __str__(self) -> str:
        """Return the issue as one line of text."""
        return f"{self.severity}: {self.describe()}"

    def to_dict(self) -> dict[str, object]:
        """Return the issue as a JSON-ready mapping."""
        payload: dict[str, object] = {
            "severity": self.severity,
            "code": self.code,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }
        if self.value is not None:
            payload["value"] = self.value
        return payload


class StationError(ValueError):
    """A duty station cannot be used as given.

    The message says where and what, never the severity: the command line adds
    ``error:`` once when it shows the message.
    """

    def __init__(self, message: str, issues: list[Issue] | None = None) -> None:
        super().__init__(message)
        self.issues = list(issues or [])

    @classmethod
    def from_issue(cls, issue: Issue) -> StationError:
        """Return the error of one issue, its message being `Issue.describe`."""
        return cls(issue.describe(), [issue])


class InputError(StationError):
    """One input file cannot be read; carries where and why."""

    def __init__(
        self,
        file: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        code: str = "invalid",
    ) -> None:
        issue = Issue("error", file, message, row=row, column=column, code=code)
        super().__init__(issue.describe(), [issue])
        self.issue = issue


# At most this many issues of one kind (file, column, code, severity) are listed; the rest
# are counted in one closing issue. Rejected rows keep their own reasons in the station.
MAX_ISSUES_PER_COLUMN = 10_000


def cap_repeats(issues: list[Issue], limit: int | None = None) -> list[Issue]:
    """Return ``issues`` with at most ``limit`` of each kind, plus one count of the rest.

    Parameters
    ----------
    issues
        The issues in the order found.
    limit
        How many issues of one file, column, code and severity are kept (default
        ``MAX_ISSUES_PER_COLUMN``).

    Returns
    -------
    list of Issue
        The kept issues in their order; after them, for every kind over the limit, one
        issue naming how many more rows had it and the first of them.
    """
    limit = MAX_ISSUES_PER_COLUMN if limit is None else limit
    seen: dict[tuple[str, str | None, str, Severity], int] = {}
    first_dropped: dict[tuple[str, str | None, str, Severity], Issue] = {}
    kept = []
    for issue in issues:
        kind = (issue.file, issue.column, issue.code, issue.severity)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] <= limit:
            kept.append(issue)
        else:
            first_dropped.setdefault(kind, issue)
    for kind, first in first_dropped.items():
        more = seen[kind] - limit
        message = (
            f"{more:,} more row(s) with the same kind of problem ({first.code}) are not "
            f"listed (the first is row {first.row}); each keeps its reason in the station"
        )
        kept.append(
            Issue(first.severity, first.file, message, column=first.column, code=first.code)
        )
    return kept
