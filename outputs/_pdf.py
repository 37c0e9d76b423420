"""Pieces shared by the PDFs drawn with reportlab: tables of text, saving (encrypted)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from outputs import fonts

GRID_COLOUR = "#9aa5b1"
HEADER_FILL = "#e8eef6"
STRIPE_FILL = "#f6f8fb"


def save_pdf(data: bytes, path: Path, password: str | None = None) -> Path:
    """Write a PDF built in memory to ``path``, encrypted with AES-256 when given a password.

    The document is built in memory so that no copy in clear ever reaches the disk. With a
    password, pypdf encrypts it with the PDF 2.0 standard security handler (AES-256): a
    reader asks for the password before showing anything; printing and copying are then
    allowed.

    Parameters
    ----------
    data
        The PDF as ReportLab wrote it.
    path
        Where to write it.
    password
        The password, or ``None`` (or ``""``) for no encryption.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    if not password:
        path.write_bytes(data)
        return path
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    with path.open("wb") as file:
        writer.write(file)
    return path


def grid_style(*, header: bool = True) -> list[tuple[Any, ...]]:
    """Return the table style of the documents: thin grid, shaded header, striped rows.

    Parameters
    ----------
    header
        Whether the first row is a header row.
    """
    from reportlab.lib import colors

    first = 1 if header else 0
    shading = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_FILL))] if header else []
    return [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(GRID_COLOUR)),
        *shading,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ROWBACKGROUNDS", (0, first), (-1, -1), [colors.white, colors.HexColor(STRIPE_FILL)]),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]


Cell = str | Sequence[Sequence[str]] | Any  # text, lines of parts, or a flowable


def text_table(
    header: Sequence[Cell] | None,
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    *,
    size: float,
    leading: float,
    style: Sequence[tuple[Any, ...]] | None = None,
    bold_columns: Sequence[int] = (),
) -> Any:
    r"""Return a reportlab Table of text cells, wrapped to their columns.

    Text is drawn as plain table strings, wrapped here to the column's width: a
    paragraph per cell costs ten times more to lay out. Only a cell that holds CJK
    characters (which need the fallback font for their runs) becomes a paragraph.

    Parameters
    ----------
    header
        The header row (bold, repeated on each page), or None.
    rows
        The rows. A cell is a string (``\\n`` breaks lines), a list of lines each a list
        of parts shaped one by one (mixed scripts), or a flowable drawn as is.
    widths
        Column widths, points.
    size, leading
        Font size and line spacing, points.
    style
        Table style commands; :func:`grid_style` by default.
    bold_columns
        Columns whose body cells are bold.

    Returns
    -------
    reportlab.platypus.Table
    """
    from reportlab.platypus import Table

    data = []
    commands: list[tuple[Any, ...]] = [
        *(grid_style(header=header is not None) if style is None else style),
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), leading),
    ]
    padding = _padding(commands)
    all_rows = [header, *rows] if header is not None else list(rows)
    for r, row in enumerate(all_rows):
        bold_row = header is not None and r == 0
        cells = []
        for c, value in enumerate(row):
            bold = bold_row or c in bold_columns
            cell = _cell(value, widths[c] - padding, size=size, leading=leading, bold=bold)
            if bold and isinstance(cell, str):
                commands.append(("FONTNAME", (c, r), (c, r), fonts.BOLD))
            cells.append(cell)
        data.append(cells)
    grid = Table(data, colWidths=list(widths), repeatRows=1 if header is not None else 0)
    grid.setStyle(commands)
    return grid


def _padding(commands: Sequence[tuple[Any, ...]]) -> float:
    sides = {"LEFTPADDING": 6.0, "RIGHTPADDING": 6.0}  # reportlab's defaults
    for command in commands:
        if command[0] in sides and command[1] == (0, 0) and command[2] == (-1, -1):
            sides[command[0]] = float(command[3])
    return sum(sides.values())


def _cell(value: Cell, width: float, *, size: float, leading: float, bold: bool) -> Any:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.utils import simpleSplit
    from reportlab.platypus import Paragraph

    if not isinstance(value, str | list | tuple):
        return value  # a flowable
    parts = [[line] for line in value.split("\n")] if isinstance(value, str) else value
    if any(fonts.has_cjk(part) for line in parts for part in line):
        markup = ["".join(fonts.markup(part, bold=bold) for part in line) for line in parts]
        style = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=size, leading=leading)
        return Paragraph("<br/>".join(markup), style)
    font = fonts.BOLD if bold else fonts.REGULAR
    lines = ["".join(fonts.shape_text(part) for part in line) for line in parts]
    return "\n".join(
        wrapped for line in lines for wrapped in simpleSplit(line, font, size, width) or [""]
    )
