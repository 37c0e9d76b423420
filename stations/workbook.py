"""Read the cells of one XLSX sheet within limits, refusing workbooks built to hurt.

A workbook is a ZIP of XML files. Before openpyxl opens it, the sizes its central
directory declares are added up (a 14 MB "zip bomb" unpacks to gigabytes), and every
XML part is scanned for a document type declaration (Excel never writes one; entity
definitions in it are how a few kilobytes expand to gigabytes, "billion laughs").
Rows are then read one by one and counted against ``MAX_ROWS``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from stations.errors import InputError

# The largest workbook read, uncompressed (all parts together), and the most rows per sheet.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_000_000
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 1024 * 1024


def read_sheet(path: Path, label: str, sheet: str | None) -> list[list[object]]:
    """Return the cell values of one sheet, row by row, from row 1 of the sheet.

    Parameters
    ----------
    path
        The ``.xlsx`` or ``.xlsm`` file.
    label
        The name used in messages.
    sheet
        The sheet's name; the first sheet when ``None``.

    Returns
    -------
    list of list
        ``rows[i]`` is spreadsheet row ``i + 1``; empty rows are empty lists. Values
        are as openpyxl reads them (text, numbers, dates, booleans or ``None``).

    Raises
    ------
    InputError
        Naming the file, when it is not a workbook, unpacks to more than
        ``MAX_UNCOMPRESSED_BYTES``, holds a DTD or entities, lacks the sheet, or has
        more than ``MAX_ROWS`` rows.
    """
    import openpyxl

    check_workbook(path, label)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises KeyError, ValueError, XML errors...
        raise InputError(label, f"not a readable XLSX workbook: {exc}", code="format") from exc
    try:
        return _sheet_rows(_worksheet(workbook, sheet, label), label)
    except InputError:
        raise
    except Exception as exc:  # damaged XML inside a valid ZIP
        raise InputError(label, f"not a readable XLSX workbook: {exc}", code="format") from exc
    finally:
        workbook.close()


def _worksheet(workbook: Any, sheet: str | None, label: str) -> Any:
    if sheet is None:
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        names = ", ".join(repr(n) for n in workbook.sheetnames)
        msg = f"no sheet named {sheet!r}; the workbook has {names}"
        raise InputError(label, msg, column="staff_sheet", code="format")
    return workbook[sheet]


def _sheet_rows(worksheet: Any, label: str) -> list[list[object]]:
    # The dimension a file declares may be wrong: read every row it really has.
    worksheet.reset_dimensions()
    rows: list[list[object]] = []
    for values in worksheet.iter_rows(values_only=True):
        if len(rows) == MAX_ROWS:
            msg = f"the sheet has more than {MAX_ROWS:,} rows; split the file"
            raise InputError(label, msg, row=MAX_ROWS + 1, code="too_large")
        rows.append(list(values))
    return rows


def check_workbook(path: Path, label: str) -> None:
    """Raise unless ``path`` is a ZIP within the size limit whose XML parts hold no DTD.

    Raises
    ------
    InputError
        Naming the file and what is wrong with it.
    """
    with path.open("rb") as handle:
        if not handle.read(4).startswith(b"PK"):
            msg = "the file is named .xlsx but is not an Excel workbook (it looks like text)"
            raise InputError(label, msg, code="format")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > MAX_UNCOMPRESSED_BYTES:
                msg = (
                    f"the workbook unpacks to {total / 2**20:,.0f} MB, more than the "
                    f"{MAX_UNCOMPRESSED_BYTES / 2**20:,.0f} MB limit; export the sheet as CSV "
                    "or split it"
                )
                raise InputError(label, msg, code="too_large")
            for member in members:
                if member.filename.lower().endswith(_XML_SUFFIXES):
                    _check_xml_part(archive, member, label)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise InputError(label, f"not a readable XLSX workbook: {exc}", code="format") from exc


def _check_xml_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str) -> None:
    overlap = max(len(m) for m in _DTD_MARKERS) - 1
    tail = b""
    with archive.open(member) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _DTD_MARKERS):
                msg = (
                    f"the part {member.filename!r} declares a DTD or XML entities, which "
                    "Excel never writes and which can expand without limit; open the "
                    "workbook in Excel and save it again"
                )
                raise InputError(label, msg, code="format")
            tail = window[-overlap:]
