"""Read one input table (CSV, XLSX, GeoJSON, GPKG) into a frame of strings.

Every value comes back as text (or ``None`` when empty) so that validation,
not the reader, decides what a cell means. Each row keeps ``source_row``: the
row number a spreadsheet shows, or the feature number for GeoJSON and GPKG.

Sheets are read as offices keep them: the header is the first row, among the first
``HEADER_SEARCH_ROWS`` non-empty ones, that names every required column (a title line
and blank rows above it are skipped and the header's row reported); empty rows and
columns are ignored. CSV is read as UTF-8 (a UTF-8 or UTF-16 BOM is honoured); bytes
that are not UTF-8 in an otherwise UTF-8 file are named cell by cell, never a reason to
switch encodings; only a file without any UTF-8 sequence is read as Windows-1252, with
a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import itertools
import logging
import math
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from stations.errors import InputError, Issue
from stations.files import check_input_file
from stations.schema import COLUMN_ALIASES, LAT, LON, SOURCE_FILE, SOURCE_ROW, WGS84
from stations.workbook import MAX_ROWS, read_sheet

logger = logging.getLogger(__name__)

TABULAR_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
GEO_SUFFIXES = (".geojson", ".json", ".gpkg")
# The largest CSV read, in bytes; XLSX has its own limits (stations.workbook).
MAX_CSV_BYTES = 200 * 1024 * 1024
# The header is looked for among this many first non-empty rows.
HEADER_SEARCH_ROWS = 10
_SNIFF_BYTES = 64 * 1024
# Valid UTF-8 sequences of two to four bytes: their presence says a file is UTF-8.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# Bytes that are not UTF-8, as Python keeps them with errors="surrogateescape".
_STRAY_BYTE = re.compile("[\udc80-\udcff]")


def read_table(
    path: Path,
    *,
    label: str,
    sheet: str | None = None,
    required: tuple[str, ...] = (),
    issues: list[Issue] | None = None,
) -> pd.DataFrame:
    """Read a table file into text columns with canonical, lower-case names.

    Parameters
    ----------
    path
        The file to read; its suffix says the format ({.csv, .xlsx, .geojson, .gpkg}).
    label
        The name used in messages (the path relative to the station folder).
    sheet
        For XLSX, the sheet to read; the first sheet when ``None``.
    required
        The columns the table must have. The header of a CSV or XLSX is the first
        row, among the first ``HEADER_SEARCH_ROWS`` non-empty ones, naming them all.
    issues
        Where warnings about the reading go (the header's row, bytes that are not
        UTF-8, a file read as Windows-1252, a column without header); logged when
        ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per record, text values (``None`` for empty cells), plus
        ``source_file`` and ``source_row``. Point geometries of GeoJSON and GPKG
        become ``lat`` and ``lon`` columns.

    Raises
    ------
    InputError
        If the file is missing, not a regular file, empty, of another format than
        its name says, over a size limit, unreadable, or lacks a required column.
    """
    notes: list[Issue] = []
    size = check_input_file(path, label)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        if size > MAX_CSV_BYTES:
            limit = MAX_CSV_BYTES // 2**20
            msg = f"the file has {size / 2**20:,.0f} MB, more than the {limit} MB limit; split it"
            raise InputError(label, msg, code="too_large")
        text, stray = _decode_csv(path.read_bytes(), label, notes)
        frame, header_row = _grid_frame(_csv_rows(text, label), label, required, notes, csv=True)
    elif suffix in (".xlsx", ".xlsm"):
        rows = read_sheet(path, label, sheet)
        stray = False
        frame, header_row = _grid_frame(rows, label, required, notes, csv=False)
    elif suffix in GEO_SUFFIXES:
        frame, header_row, stray = _read_geo(path, label), 1, False
        frame[SOURCE_ROW] = range(1, len(frame) + 1)
    else:
        known = ", ".join(TABULAR_SUFFIXES + GEO_SUFFIXES)
        msg = f"unsupported file type {suffix!r}; use one of {known}"
        raise InputError(label, msg, code="format")
    frame = _canonical_columns(frame, label, header_row)
    require_columns(frame, required, label, header_row=header_row)
    if frame.empty:
        raise InputError(label, "the file has a header but no data rows", code="empty")
    texts = {c: _column_text(frame[c]) for c in frame.columns if c != SOURCE_ROW}
    rows = frame[SOURCE_ROW].to_numpy()
    frame = pd.DataFrame(texts, index=pd.RangeIndex(len(frame)), dtype=object)
    frame[SOURCE_FILE] = label
    frame[SOURCE_ROW] = rows
    _check_cells(frame, label, notes, stray=stray)
    if issues is None:
        for note in notes:
            logger.warning("%s", note)
    else:
        issues.extend(notes)
    return frame


def require_columns(
    frame: pd.DataFrame, required: tuple[str, ...], label: str, *, header_row: int = 1
) -> None:
    """Raise if required columns are missing, naming what was found and the closest match.

    Raises
    ------
    InputError
        When one or more required columns are absent.
    """
    found = [c for c in frame.columns if c not in (SOURCE_FILE, SOURCE_ROW)]
    missing = [c for c in required if c not in frame.columns]
    if not missing:
        return
    hints = []
    for column in missing:
        close = difflib.get_close_matches(column, found, n=1, cutoff=0.6)
        if close:
            hints.append(f"{column!r} (closest found: {close[0]!r})")
        else:
            hints.append(repr(column))
    msg = f"missing required column(s) {', '.join(hints)}; columns found: {', '.join(found)}"
    raise InputError(label, msg, row=header_row, column=missing[0], code="missing_column")


def _looks_binary(head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (an XLSX workbook?)"
    if head.startswith(b"SQLite format 3"):
        return "an SQLite database (a GeoPackage?)"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if head.count(b"\x00") > len(head) // 4:
        if head[1::2].count(b"\x00") > len(head) // 4 or head[0::2].count(b"\x00") > len(head) // 4:
            return "UTF-16 text without a byte-order mark; save it as CSV UTF-8"
        return "binary data"
    return None


def _decode_csv(raw: bytes, label: str, notes: list[Issue]) -> tuple[str, bool]:
    """Return the text of a CSV file and whether it holds bytes that are not UTF-8."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), False
        except UnicodeDecodeError as exc:
            msg = f"the file says it is UTF-16 but is not ({exc.reason}); save it as CSV UTF-8"
            raise InputError(label, msg, code="format") from exc
    kind = _looks_binary(raw[:_SNIFF_BYTES])
    if kind:
        msg = f"the file is named .csv but contains {kind}; export it as CSV (UTF-8)"
        raise InputError(label, msg, code="format")
    try:
        return raw.decode("utf-8-sig"), False
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(raw) is None:
        high = sum(byte >= 0x80 for byte in raw)  # noqa: PLR2004
        notes.append(
            Issue(
                "warning",
                label,
                f"the file is not UTF-8 and holds no UTF-8 text; read as Windows-1252 "
                f"({high} non-ASCII byte(s)); check accented names, or save it as CSV UTF-8",
                code="encoding",
            )
        )
        return raw.decode("cp1252", errors="replace"), False
    return raw.decode("utf-8-sig", errors="surrogateescape"), True


def _csv_rows(text: str, label: str) -> list[list[str]]:
    """Return the records of a CSV text; ``rows[i]`` is spreadsheet row ``i + 1``."""
    if not text.strip():
        raise InputError(label, "the file is empty", code="empty")
    head = [line for line in text.splitlines()[: 4 * HEADER_SEARCH_ROWS] if line.strip()]
    delimiter = max((",", ";", "\t"), key=lambda d: max(line.count(d) for line in head))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    try:
        rows.extend(itertools.islice(reader, MAX_ROWS))  # the rows read stay when one fails
        if next(reader, None) is not None:
            msg = f"the file has more than {MAX_ROWS:,} rows; split it"
            raise InputError(label, msg, row=MAX_ROWS + 1, code="too_large")
    except csv.Error as exc:
        msg = f"cannot parse CSV: {exc}"
        raise InputError(label, msg, row=len(rows) + 1, code="format") from exc
    return rows


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank_row(row: Sequence[object]) -> bool:
    return all(_blank(v) for v in row)


def _grid_frame(
    rows: Sequence[Sequence[object]],
    label: str,
    required: tuple[str, ...],
    notes: list[Issue],
    *,
    csv: bool,
) -> tuple[pd.DataFrame, int]:
    """Return the records below the header row, with ``source_row``, and the header's row."""
    filled = _filled_rows(rows)
    if not filled:
        raise InputError(label, "the file is empty", code="empty")
    header_at = _header_index(rows, filled, required)
    header = ["" if _blank(v) else str(v).strip() for v in rows[header_at]]
    header_row = header_at + 1
    if header_at != filled[0]:
        title = " ".join(str(v).strip() for v in rows[filled[0]] if not _blank(v))[:60]
        notes.append(
            Issue(
                "info",
                label,
                f"the header is on row {header_row}; the rows above it (starting "
                f"{title!r}) are not read",
                row=header_row,
                code="header_row",
            )
        )
    if csv and len(header) < 2:  # noqa: PLR2004
        msg = "the header has a single column; is this really a CSV table?"
        raise InputError(label, msg, row=header_row, code="format")
    numbers = [i + 1 for i in filled if i > header_at]
    body = [rows[n - 1] for n in numbers]
    blank_rows = len(rows) - header_at - 1 - len(body)
    if blank_rows:
        logger.info("%s: %d empty row(s) below the header skipped", label, blank_rows)
    widths = set(map(len, body))
    width = max(widths | {len(header)})
    if csv and width > len(header):
        _check_row_widths(numbers, body, len(header), label)
    header += [""] * (width - len(header))
    keep = _named_columns(header, numbers, body, label, header_row, notes)
    if keep != list(range(width)) or not widths <= {width}:
        body = [[(r[i] if i < len(r) else None) for i in keep] for r in body]
    values = np.array(body, dtype=object).reshape(len(body), len(keep))
    frame = pd.DataFrame(values, columns=[header[i] for i in keep], dtype=object)
    frame[SOURCE_ROW] = np.array(numbers, dtype=np.int64)
    return frame, header_row


def _filled_rows(rows: Sequence[Sequence[object]]) -> list[int]:
    """Return the indexes of the rows holding a cell that is not blank."""
    try:  # rows of text, a row tested at once
        return [i for i, row in enumerate(rows) if "".join(row).strip()]  # type: ignore[arg-type]
    except TypeError:  # a sheet's numbers, dates or empty cells
        return [i for i, row in enumerate(rows) if not _blank_row(row)]


def _check_row_widths(
    numbers: list[int], body: list[Sequence[object]], columns: int, label: str
) -> None:
    """Refuse a CSV row with filled cells beyond the header: a quoting or delimiter error."""
    for number, row in zip(numbers, body, strict=True):
        if len(row) > columns and any(not _blank(v) for v in row[columns:]):
            msg = f"{len(row)} cells but the header has {columns}; check quoting and delimiters"
            raise InputError(label, msg, row=number, code="format")


def _named_columns(
    header: list[str],
    numbers: list[int],
    body: list[Sequence[object]],
    label: str,
    header_row: int,
    notes: list[Issue],
) -> list[int]:
    """Return the indexes of the named columns; warn of values in a column without a name."""
    keep = []
    for index, name in enumerate(header):
        if name:
            keep.append(index)
            continue
        used = [
            n for n, r in zip(numbers, body, strict=True) if index < len(r) and not _blank(r[index])
        ]
        if used:
            from openpyxl.utils import get_column_letter  # openpyxl takes long to import

            letter = get_column_letter(index + 1)
            notes.append(
                Issue(
                    "warning",
                    label,
                    f"column {letter} has {len(used)} value(s) but no header; they are not "
                    f"read (first on row {used[0]}); give the column a name to keep them",
                    row=header_row,
                    column=letter,
                    code="no_header",
                )
            )
    return keep


def _header_index(
    rows: Sequence[Sequence[object]], filled: list[int], required: tuple[str, ...]
) -> int:
    """Return the index of the first candidate row naming every required column."""
    if required:
        for index in filled[:HEADER_SEARCH_ROWS]:
            names = {normalise_header(v) for v in rows[index] if not _blank(v)}
            names |= {COLUMN_ALIASES.get(n, n) for n in names}
            if set(required) <= names:
                return index
    return filled[0]


def _check_cells(frame: pd.DataFrame, label: str, notes: list[Issue], *, stray: bool) -> None:
    """Name every cell holding a NUL (an error) or bytes that are not UTF-8 (a warning).

    A column is searched as a whole; only a column with a finding is searched cell by cell.
    """
    columns = [c for c in frame.columns if c not in (SOURCE_FILE, SOURCE_ROW)]
    for column in columns:
        joined = "".join(filter(None, frame[column].to_numpy()))  # text or None
        if "\x00" in joined:
            cells = frame[column].dropna()
            nul = cells[cells.str.contains("\x00", regex=False)]
            rows = frame.loc[nul.index, SOURCE_ROW].tolist()
            shown = ", ".join(str(r) for r in rows[:10]) + (", ..." if len(rows) > 10 else "")  # noqa: PLR2004
            msg = (
                f"{len(rows)} cell(s) hold a NUL byte (rows {shown}): binary data or a "
                "damaged file; export the table again"
            )
            raise InputError(label, msg, row=rows[0], column=column, code="format")
        if not stray or _STRAY_BYTE.search(joined) is None:
            continue
        cells = frame[column].dropna()
        bad = cells[cells.str.contains(_STRAY_BYTE)]
        for index, text in bad.items():
            shown = " ".join(f"0x{ord(c) - 0xDC00:02X}" for c in _STRAY_BYTE.findall(text))
            fixed = _STRAY_BYTE.sub("\ufffd", text)
            frame.at[index, column] = fixed
            notes.append(
                Issue(
                    "warning",
                    label,
                    f"byte(s) {shown} are not UTF-8 (read as {fixed!r}); the rest of the file "
                    "is UTF-8: correct the cell or save the file as CSV UTF-8",
                    row=int(frame.at[index, SOURCE_ROW]),
                    column=column,
                    code="encoding",
                )
            )


def _read_geo(path: Path, label: str) -> pd.DataFrame:
    from stations.geodata import read_geodata

    frame = read_geodata(path, label)
    if frame.crs is None:
        msg = "the layer has no CRS; write it with EPSG:4326"
        raise InputError(label, msg, code="crs")
    if len(frame) and not frame.crs.equals(WGS84):
        frame = frame.to_crs(WGS84)
    out = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    geoms = frame.geometry
    is_point = geoms.geom_type == "Point"
    out[LAT] = [g.y if ok else None for g, ok in zip(geoms, is_point, strict=True)]
    out[LON] = [g.x if ok else None for g, ok in zip(geoms, is_point, strict=True)]
    return out


def normalise_header(name: object) -> str:
    """Return a header as a canonical name: lower case, underscores, without aliases."""
    return re.sub(r"[\s\-/]+", "_", str(name).strip().lower()).strip("_")


def _canonical_columns(frame: pd.DataFrame, label: str, header_row: int) -> pd.DataFrame:
    plain = [c if c == SOURCE_ROW else normalise_header(c) for c in frame.columns]
    # An alias applies only when its canonical name is not already a column.
    names = [n if COLUMN_ALIASES.get(n, n) in plain else COLUMN_ALIASES.get(n, n) for n in plain]
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name and name in seen:
            original = frame.columns[index]
            msg = f"column {original!r} duplicates column {frame.columns[seen[name]]!r}"
            raise InputError(
                label, msg, row=header_row, column=str(original), code="duplicate_column"
            )
        seen[name] = index
    frame = frame.copy()
    frame.columns = names
    return frame.loc[:, [c for c in frame.columns if c and not c.startswith("unnamed")]]


def _column_text(column: pd.Series) -> np.ndarray:
    """Return a column as :func:`_to_text` makes each cell; text and blanks in one pass."""
    cells = column.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=True) != "string":
        return np.array([_to_text(cell) for cell in cells], dtype=object)
    texts = [(cell.strip() or None) if isinstance(cell, str) else None for cell in cells]
    return np.array(texts, dtype=object)


def _to_text(value: object) -> str | None:  # noqa: PLR0911 (one return per kind of cell)
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)  # noqa: PLR2004
    if isinstance(value, dt.datetime | pd.Timestamp):
        if pd.isna(value):
            return None
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is pd.NaT or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None
