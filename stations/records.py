"""Row-by-row checks shared by the roster, offices and points.

A :class:`RecordCheck` collects every issue of a table. A row with an error is
rejected and keeps its reasons; a row with only warnings is accepted. Nothing is
dropped: the checked frame has every input row with ``status`` and ``reason``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from stations._values import parse_count, parse_float
from stations.dates import read_dates
from stations.errors import Issue, Severity
from stations.schema import LAT, LON, REASON, SOURCE_ROW, STATUS
from stations.vocabulary import KEEP_AS_WRITTEN, Vocabulary


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """Return ``"; did you mean 'X'?"`` for the known id closest to ``value``, else ``""``.

    An id differing only in case is the closest; otherwise the most similar one, if any is
    similar enough.
    """
    ids = sorted(str(k) for k in known)
    folded = value.casefold()
    same = [k for k in ids if k.casefold() == folded]
    close = same or difflib.get_close_matches(value, ids, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


# An unrecognised value of a cell: (message, severity, the value as written).
_Unknown = tuple[str, Severity, str]


class RecordCheck:
    """Collect issues for the rows of one table.

    Parameters
    ----------
    frame
        The table as read by :func:`stations.tables.read_table`.
    label
        The file name used in messages.
    """

    def __init__(self, frame: pd.DataFrame, label: str) -> None:
        self.frame = frame.copy()
        self.label = label
        self.issues: list[Issue] = []
        self._reasons: dict[int, list[str]] = {}

    def report(
        self,
        index: int,
        column: str | None,
        message: str,
        *,
        severity: Severity = "error",
        code: str = "invalid",
        reject: bool | None = None,
        value: str | None = None,
    ) -> None:
        """Record an issue for row ``index``; errors reject the row unless told otherwise."""
        row = int(self.frame.at[index, SOURCE_ROW])
        self.issues.append(
            Issue(severity, self.label, message, row=row, column=column, code=code, value=value)
        )
        if reject if reject is not None else severity == "error":
            self._reasons.setdefault(index, []).append(
                f"{column}: {message}" if column else message
            )

    def is_rejected(self, index: int) -> bool:
        """Return whether row ``index`` has been rejected so far."""
        return index in self._reasons

    def kept(self) -> np.ndarray:
        """Return a boolean mask of the rows not rejected so far."""
        return ~self.frame.index.isin(list(self._reasons))

    def parse_column(
        self,
        column: str,
        parser: Callable[[str], Any],
        *,
        severity: Severity = "error",
        default: Any = None,
        rows: pd.Series | None = None,
    ) -> pd.Series:
        """Parse every cell of a column (or of ``rows``), reporting cells that do not parse."""
        values = []
        cells = self.frame[column] if column in self.frame.columns else None
        if cells is None:
            return pd.Series([default] * len(self.frame), index=self.frame.index, dtype=object)
        if rows is not None:
            cells = cells[rows]
        for index, text in cells.items():
            if text is None or (not isinstance(text, str) and pd.isna(text)):
                values.append(default)
                continue
            try:
                values.append(parser(text))
            except ValueError as exc:
                self.report(
                    int(index), column, str(exc), severity=severity, code="value", value=text
                )
                values.append(default)
        return pd.Series(values, index=cells.index, dtype=object)

    def parse_bools(self, columns: tuple[str, ...], vocabulary: Vocabulary) -> None:
        """Replace text by booleans (``None`` when empty or unrecognised) in ``columns``."""
        for column in columns:
            if column in self.frame.columns:
                self.vocabulary_column(column, vocabulary)
                flags = [None if v is None else v == "true" for v in self.frame[column]]
                self.frame[column] = pd.Series(flags, index=self.frame.index, dtype=object)

    def parse_dates(
        self, columns: tuple[str, ...], *, configured: str | None, country: str
    ) -> None:
        """Replace text by dates (``None`` when empty) in ``columns``.

        The day/month order of ``DD/MM/YYYY`` and ``MM/DD/YYYY`` cells is decided per
        column (see :mod:`stations.dates`) and reported as an info issue.
        """
        for column in columns:
            if column not in self.frame.columns:
                continue
            cells = {int(i): str(v) for i, v in self.frame[column].items() if v is not None}
            read = read_dates(cells, configured=configured, country=country)
            for index, problem in read.problems.items():
                self.report(index, column, problem, code="date", value=cells[index])
            if read.order is not None:
                self.issues.append(
                    Issue(
                        "info",
                        self.label,
                        f"day/month order {read.order}, decided by {read.decided_by}",
                        column=column,
                        code="date_order",
                    )
                )
            self.frame[column] = pd.Series(
                [read.dates.get(int(i)) for i in self.frame.index],
                index=self.frame.index,
                dtype=object,
            )

    def parse_counts(self, columns: tuple[str, ...], *, default: int | None = 0) -> None:
        """Replace text by non-negative integers in the given columns."""
        for column in columns:
            if column in self.frame.columns:
                parsed = self.parse_column(column, parse_count, default=default)
                self.frame[column] = parsed

    def require_values(self, columns: tuple[str, ...]) -> None:
        """Reject rows with an empty cell in any of ``columns``."""
        for column in columns:
            for index in self.frame.index[self.frame[column].isna()]:
                self.report(int(index), column, "empty; a value is required", code="missing")

    def unique_ids(self, column: str) -> None:
        """Reject every repeat of an id, naming the row of its first use."""
        values = self.frame[column]
        repeated = values.notna() & values.duplicated(keep="first")
        self._case_twins(column, values[values.notna() & ~repeated])
        if not repeated.any():
            return
        first_row = self.frame.loc[values.notna() & ~repeated].set_index(column)[SOURCE_ROW]
        for index, value in values[repeated].items():
            self.report(
                int(index),
                column,
                f"duplicate {column} {value!r} (first used on row {int(first_row[value])})",
                code="duplicate",
            )

    def vocabulary_column(
        self, column: str, vocabulary: Vocabulary, *, multiple: bool = False
    ) -> None:
        """Read a column through ``vocabulary``, replacing each cell by its value.

        An unrecognised value is a warning read as the vocabulary's safe reading, or an
        error rejecting the row when the vocabulary has none. With ``multiple``, a cell
        holds several values joined with ``;``. Values reading as blank (``""``) and the
        role ``staff`` (ordinary staff) become ``None``.
        """
        if column not in self.frame.columns:
            return
        code = f"unknown_{vocabulary.name}"
        readings: dict[str, tuple[str | None, list[_Unknown]]] = {}
        normalised: list[str | None] = []
        for index, cell in self.frame[column].items():
            if cell is None:
                normalised.append(None)
                continue
            if cell not in readings:
                readings[cell] = _read_cell(cell, vocabulary, multiple=multiple)
            value, unknown = readings[cell]
            for message, severity, text in unknown:
                self.report(int(index), column, message, severity=severity, code=code, value=text)
            normalised.append(value)
        self.frame[column] = pd.Series(normalised, index=self.frame.index, dtype=object)

    def _case_twins(self, column: str, values: pd.Series) -> None:
        """Warn about ids that differ only in case from an earlier one."""
        folded = values.str.casefold()
        twins = folded.duplicated(keep="first")
        first = {f: i for i, f in folded[~twins].items()}
        for index, value in values[twins].items():
            earlier = first[folded[index]]
            row = int(self.frame.at[earlier, SOURCE_ROW])
            message = (
                f"{column} {value!r} differs only in case from {values[earlier]!r} (row {row}); "
                "are they the same record?"
            )
            self.report(int(index), column, message, severity="warning", code="case_duplicate")

    def coordinates(self) -> tuple[np.ndarray, np.ndarray]:
        """Parse ``lat`` and ``lon``, rejecting non-numeric and out-of-range values."""
        lat = self.parse_column(LAT, parse_float, default=np.nan).astype(float)
        lon = self.parse_column(LON, parse_float, default=np.nan).astype(float)
        suspect = lat.isna() | lon.isna() | (lat.abs() > 90) | (lon.abs() > 180)  # noqa: PLR2004
        for index in self.frame.index[suspect.to_numpy() & self.kept()]:
            if np.isnan(lat[index]) or np.isnan(lon[index]):
                missing = LAT if np.isnan(lat[index]) else LON
                self.report(int(index), missing, "empty; coordinates are required", code="missing")
            elif not -90 <= lat[index] <= 90:  # noqa: PLR2004
                self.report(
                    int(index), LAT, f"latitude {lat[index]} is outside -90..90", code="range"
                )
            elif not -180 <= lon[index] <= 180:  # noqa: PLR2004
                self.report(
                    int(index), LON, f"longitude {lon[index]} is outside -180..180", code="range"
                )
        self.frame[LAT] = lat
        self.frame[LON] = lon
        return lat.to_numpy(), lon.to_numpy()

    def finish(self) -> pd.DataFrame:
        """Return the frame with ``status`` and ``reason`` for every row."""
        frame = self.frame
        frame[STATUS] = ["rejected" if int(i) in self._reasons else "accepted" for i in frame.index]
        frame[REASON] = ["; ".join(self._reasons.get(int(i), [])) or None for i in frame.index]
        return frame


def _read_cell(
    cell: str, vocabulary: Vocabulary, *, multiple: bool
) -> tuple[str | None, list[_Unknown]]:
    """Return a cell read through ``vocabulary`` and its unrecognised values, in order."""
    values = []
    unknown = []
    for part in (p.strip() for p in (cell.split(";") if multiple else [cell])):
        if not part:
            continue
        value = vocabulary.read(part)
        if value is None:
            message, severity, value = _unknown(part, vocabulary)
            unknown.append((message, severity, part))
        if value:
            values.append(value)
    kept = [v for v in dict.fromkeys(values) if not (multiple and v == "staff")]
    return (";".join(kept) if kept else None), unknown


def _unknown(text: str, vocabulary: Vocabulary) -> tuple[str, Severity, str | None]:
    """Return the message, severity and reading of a value ``vocabulary`` does not know."""
    close = vocabulary.closest(text)
    hint = f"; did you mean {close!r}?" if close else ""
    what = vocabulary.name.replace("_", " ")
    if vocabulary.unknown is None:
        allowed = ", ".join(vocabulary.values)
        return f"unknown {what} {text!r}{hint} (allowed: {allowed})", "error", None
    means = vocabulary.unknown_means or vocabulary.unknown
    message = (
        f"unknown {what} {text!r} read as {means}{hint} (add it to [vocabulary] "
        "in station.toml to map it)"
    )
    reading = text if vocabulary.unknown == KEEP_AS_WRITTEN else vocabulary.unknown
    return message, "warning", reading
