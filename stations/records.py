"""Row-by-row checks shared by the roster, offices and points.

A :class:`RecordCheck` collects every issue of a table. A row with an error is
rejected and keeps its reasons; a row with only warnings is accepted. Nothing is
dropped: the checked frame has every input row with ``status`` and ``reason``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from stations._values import parse_bool, parse_count, parse_date, parse_float
from stations.errors import Issue, Severity
from stations.schema import LAT, LON, REASON, SOURCE_ROW, STATUS


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
    ) -> None:
        """Record an issue for row ``index``; errors reject the row unless told otherwise."""
        row = int(self.frame.at[index, SOURCE_ROW])
        self.issues.append(Issue(severity, self.label, message, row=row, column=column, code=code))
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
                self.report(int(index), column, str(exc), severity=severity, code="value")
                values.append(default)
        return pd.Series(values, index=cells.index, dtype=object)

    def parse_bools(self, columns: tuple[str, ...]) -> None:
        """Replace text by booleans (``None`` when empty) in the given columns."""
        for column in columns:
            if column in self.frame.columns:
                self.frame[column] = self.parse_column(column, parse_bool)

    def parse_dates(self, columns: tuple[str, ...]) -> None:
        """Replace text by dates (``None`` when empty) in the given columns."""
        for column in columns:
            if column not in self.frame.columns:
                continue
            # Fast path for ISO dates; every other cell goes through the full parser.
            iso = pd.to_datetime(self.frame[column], format="%Y-%m-%d", errors="coerce")
            dates = pd.Series(
                [None if pd.isna(d) else d.date() for d in iso], index=iso.index, dtype=object
            )
            rest = self.frame[column].notna() & iso.isna()
            if rest.any():
                dates[rest] = self.parse_column(column, parse_date, rows=rest)
            self.frame[column] = dates

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

    def choices(self, column: str, allowed: tuple[str, ...], *, multiple: bool = False) -> None:
        """Check a column's values against ``allowed`` (case-insensitive), normalising case."""
        if column not in self.frame.columns:
            return
        lookup = {a.lower(): a for a in allowed}
        normalised = []
        for index, value in self.frame[column].items():
            if value is None:
                normalised.append(None)
                continue
            parts = [p.strip() for p in value.split(";")] if multiple else [value.strip()]
            good = []
            for part in parts:
                if part.lower() in lookup:
                    good.append(lookup[part.lower()])
                    continue
                close = difflib.get_close_matches(part.lower(), list(lookup), n=1)
                hint = f"; did you mean {lookup[close[0]]!r}?" if close else ""
                self.report(
                    int(index),
                    column,
                    f"unknown value {part!r}{hint} (allowed: {', '.join(allowed)})",
                    code="choice",
                )
            normalised.append(";".join(good) if good else None)
        self.frame[column] = normalised

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
