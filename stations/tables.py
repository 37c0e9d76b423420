"""Read one input table (CSV, XLSX, GeoJSON, GPKG) into a frame of strings.

Every value comes back as text (or ``None`` when empty) so that validation,
not the reader, decides what a cell means. Each row keeps ``source_row``: the
row number a spreadsheet shows (the header is row 1), or the feature number for
GeoJSON and GPKG.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import logging
import math
import re
import zipfile
from pathlib import Path

import pandas as pd

from stations.errors import InputError
from stations.schema import COLUMN_ALIASES, LAT, LON, SOURCE_FILE, SOURCE_ROW, WGS84

logger = logging.getLogger(__name__)

TABULAR_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
GEO_SUFFIXES = (".geojson", ".json", ".gpkg")
_SNIFF_BYTES = 64 * 1024


def read_table(path: Path, *, label: str, sheet: str | None = None) -> pd.DataFrame:
    """Read a table file into text columns with canonical, lower-case names.

    Parameters
    ----------
    path
        The file to read; its suffix says the format ({.csv, .xlsx, .geojson, .gpkg}).
    label
        The name used in messages (the path relative to the station folder).
    sheet
        For XLSX, the sheet to read; the first sheet when ``None``.

    Returns
    -------
    pandas.DataFrame
        One row per record, text values (``None`` for empty cells), plus
        ``source_file`` and ``source_row``. Point geometries of GeoJSON and GPKG
        become ``lat`` and ``lon`` columns.

    Raises
    ------
    InputError
        If the file is missing, empty, of another format than its name says, or
        unreadable.
    """
    if not path.is_file():
        raise InputError(label, f"file not found: {path}", code="missing")
    if path.stat().st_size == 0:
        raise InputError(label, "the file is empty", code="empty")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        frame, first_row = _read_csv(path, label), 2
    elif suffix in (".xlsx", ".xlsm"):
        frame, first_row = _read_xlsx(path, label, sheet), 2
    elif suffix in GEO_SUFFIXES:
        frame, first_row = _read_geo(path, label), 1
    else:
        known = ", ".join(TABULAR_SUFFIXES + GEO_SUFFIXES)
        msg = f"unsupported file type {suffix!r}; use one of {known}"
        raise InputError(label, msg, code="format")
    frame = _canonical_columns(frame, label)
    if frame.empty:
        raise InputError(label, "the file has a header but no data rows", code="empty")
    frame = frame.map(_to_text).astype(object)
    frame = frame.where(frame.notna(), None)
    frame[SOURCE_FILE] = label
    frame[SOURCE_ROW] = range(first_row, first_row + len(frame))
    return frame.reset_index(drop=True)


def require_columns(frame: pd.DataFrame, required: tuple[str, ...], label: str) -> None:
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
    raise InputError(label, msg, row=1, column=missing[0], code="missing_column")


def _looks_binary(head: bytes) -> str | None:
    if head.startswith(b"PK\x03\x04"):
        return "a ZIP archive (an XLSX workbook?)"
    if head.startswith(b"SQLite format 3"):
        return "an SQLite database (a GeoPackage?)"
    if head.startswith(b"%PDF"):
        return "a PDF document"
    if b"\x00" in head:
        return "binary data"
    return None


def _read_csv(path: Path, label: str) -> pd.DataFrame:
    raw = path.read_bytes()
    kind = _looks_binary(raw[:_SNIFF_BYTES])
    if kind:
        msg = f"the file is named .csv but contains {kind}; export it as CSV (UTF-8)"
        raise InputError(label, msg, code="format")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        logger.info("%s: not UTF-8; read as Windows-1252", label)
    if not text.strip():
        raise InputError(label, "the file is empty", code="empty")
    first_line = text.splitlines()[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise InputError(label, f"cannot parse CSV: {exc}", code="format") from exc
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    header, body = rows[0], rows[1:]
    if len(header) < 2:  # noqa: PLR2004
        msg = "the header has a single column; is this really a CSV table?"
        raise InputError(label, msg, row=1, code="format")
    width = len(header)
    for number, row in enumerate(body, start=2):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            msg = f"{len(row)} cells but the header has {width}; check quoting and delimiters"
            raise InputError(label, msg, row=number, code="format")
    body = [(r + [""] * width)[:width] for r in body]
    return pd.DataFrame(body, columns=header, dtype=object)


def _read_xlsx(path: Path, label: str, sheet: str | None) -> pd.DataFrame:
    head = path.read_bytes()[:8]
    if not head.startswith(b"PK"):
        msg = "the file is named .xlsx but is not an Excel workbook (it looks like text)"
        raise InputError(label, msg, code="format")
    try:
        return pd.read_excel(
            path, sheet_name=sheet if sheet is not None else 0, dtype=object, engine="openpyxl"
        )
    except ValueError as exc:  # unknown sheet
        raise InputError(label, f"cannot read the workbook: {exc}", code="format") from exc
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(label, f"not a readable XLSX workbook: {exc}", code="format") from exc


def _read_geo(path: Path, label: str) -> pd.DataFrame:
    import pyogrio

    head = path.read_bytes()[:_SNIFF_BYTES]
    if path.suffix.lower() == ".gpkg" and not head.startswith(b"SQLite format 3"):
        msg = "the file is named .gpkg but is not a GeoPackage"
        raise InputError(label, msg, code="format")
    if path.suffix.lower() != ".gpkg" and not head.lstrip().startswith(b"{"):
        msg = "the file is named .geojson but is not JSON"
        raise InputError(label, msg, code="format")
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise InputError(label, f"cannot read the file: {exc}", code="format") from exc
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


def _canonical_columns(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    plain = [normalise_header(c) for c in frame.columns]
    # An alias applies only when its canonical name is not already a column.
    names = [n if COLUMN_ALIASES.get(n, n) in plain else COLUMN_ALIASES.get(n, n) for n in plain]
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name and name in seen:
            original = frame.columns[index]
            msg = f"column {original!r} duplicates column {frame.columns[seen[name]]!r}"
            raise InputError(label, msg, row=1, column=str(original), code="duplicate_column")
        seen[name] = index
    frame = frame.copy()
    frame.columns = names
    return frame.loc[:, [c for c in frame.columns if c and not c.startswith("unnamed")]]


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
