"""Pieces shared by the PDFs drawn with reportlab: tables of text, saving (encrypted)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from outputs import fonts
from outputs._plain_table import draw_plain, plain_look, row_positions

GRID_COLOUR = "#9aa5b1"
HEADER_FILL = "#e8eef6"
STRIPE_FILL = "#f6f8fb"
WRAP_SLACK = 1e-6  # points: a line this much narrower than its column needs no word-by-word split


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
    r"""Return a table of text cells, wrapped to their columns, laid out page by page.

    Text is drawn as plain table strings, wrapped here to the column's width: a
    paragraph per cell costs ten times more to lay out. Only a cell that holds CJK
    characters (which need the fallback font for their runs) becomes a paragraph.
    The table is a :class:`PagedTable`: split over pages it draws, on each page, the
    header and the rows that fit there. Each distinct text of a column is made into a
    cell once.

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
        Table style commands; :func:`grid_style` by default. They apply to the part of
        the table on each page as to a whole table (its header, if any, is row 0), and
        padding is set for the whole table.
    bold_columns
        Columns whose body cells are bold.

    Returns
    -------
    PagedTable
    """
    commands: list[tuple[Any, ...]] = [
        *(grid_style(header=header is not None) if style is None else style),
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), leading),
    ]
    padding = _padding(commands)
    room = [width - padding["LEFTPADDING"] - padding["RIGHTPADDING"] for width in widths]
    first = 0 if header is None else 1
    if header is not None:
        commands.append(("FONTNAME", (0, 0), (-1, 0), fonts.BOLD))
    commands += [("FONTNAME", (c, first), (c, -1), fonts.BOLD) for c in sorted(set(bold_columns))]
    columns = [
        _Cells(room[c], size=size, leading=leading, bold=c in bold_columns)
        for c in range(len(widths))
    ]
    cells = [
        [
            column[value] if type(value) is str else column.make(value)
            for column, value in zip(columns, row, strict=True)
        ]
        for row in rows
    ]
    header_cells = None
    if header is not None:
        header_cells = [
            _cell(value, room[c], size=size, leading=leading, bold=True)
            for c, value in enumerate(header)
        ]
    heights = _RowHeights(list(widths), commands, leading, padding)
    return PagedTable(
        _Rows(
            header_cells,
            cells,
            list(widths),
            commands,
            0.0 if header_cells is None else heights(header_cells),
            [heights(row) for row in cells],
        )
    )


def _padding(commands: Sequence[tuple[Any, ...]]) -> dict[str, float]:
    """Return the table-wide padding of each side set by the commands (reportlab's defaults)."""
    sides = {"LEFTPADDING": 6.0, "RIGHTPADDING": 6.0, "TOPPADDING": 3.0, "BOTTOMPADDING": 3.0}
    for command in commands:
        if command[0] in sides and command[1] == (0, 0) and command[2] == (-1, -1):
            sides[command[0]] = float(command[3])
    return sides


class _Cells(dict[str, Any]):
    """One column's cells: each distinct text made into a cell once (long tables repeat)."""

    def __init__(self, width: float, *, size: float, leading: float, bold: bool) -> None:
        super().__init__()
        self.width = width
        self.size = size
        self.leading = leading
        self.bold = bold

    def make(self, value: Cell) -> Any:
        """Return the cell of any value: text, lines of parts or a flowable."""
        return _cell(value, self.width, size=self.size, leading=self.leading, bold=self.bold)

    def __missing__(self, text: str) -> Any:
        cell = self[text] = self.make(text)
        return cell


def _cell(value: Cell, width: float, *, size: float, leading: float, bold: bool) -> Any:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    if isinstance(value, str) and not fonts.has_cjk(value):
        return _text(value, width, size, bold)
    if not isinstance(value, str | list | tuple):
        return value  # a flowable
    parts = [[line] for line in value.split("\n")] if isinstance(value, str) else value
    if any(fonts.has_cjk(part) for line in parts for part in line):
        markup = ["".join(fonts.markup(part, bold=bold) for part in line) for line in parts]
        style = ParagraphStyle("cell", fontName=fonts.REGULAR, fontSize=size, leading=leading)
        return Paragraph("<br/>".join(markup), style)
    lines = ["".join(fonts.shape_text(part) for part in line) for line in parts]
    return "\n".join(_wrap(line, width, size, bold) for line in lines)


@functools.lru_cache(maxsize=1 << 16)
def _text(text: str, width: float, size: float, bold: bool) -> str:
    """Return a text cell (no CJK) shaped, its lines wrapped: long tables repeat their texts."""
    plain = text.isascii() and text.replace("\n", "").isprintable()  # shape_text changes nothing
    lines = text.split("\n") if plain else [fonts.shape_text(line) for line in text.split("\n")]
    return "\n".join(_wrap(line, width, size, bold) for line in lines)


def _wrap(line: str, width: float, size: float, bold: bool) -> str:
    """Return a shaped line wrapped at spaces to ``width``: lines joined by newlines.

    A line of one word, or of words single-spaced that fit with room to spare, is
    returned as it is, as reportlab's ``simpleSplit`` would return it, without measuring
    word by word.
    """
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = fonts.BOLD if bold else fonts.REGULAR
    words = line.split()
    if len(words) == 1 and words[0] == line:
        return line
    if " ".join(words) == line and stringWidth(line, font, size) < width - WRAP_SLACK:
        return line
    return "\n".join(simpleSplit(line, font, size, width) or [""])


@dataclass(frozen=True)
class _RowHeights:
    """Measures a row as reportlab's Table does: the tallest cell and its padding."""

    widths: list[float]
    commands: list[tuple[Any, ...]]
    leading: float
    padding: dict[str, float]

    def __call__(self, row: list[Any]) -> float:
        from reportlab.platypus import Table

        if not all(isinstance(cell, str) for cell in row):
            probe = Table([list(row)], colWidths=self.widths, style=self.commands)
            return float(probe.wrap(sum(self.widths), 1e9)[1])
        lines = max(cell.count("\n") + 1 for cell in row)
        return self.leading * lines + (self.padding["BOTTOMPADDING"] + self.padding["TOPPADDING"])


@dataclass(frozen=True)
class _Rows:
    """A table's cells, measured once, shared by the parts it is split into."""

    header: list[Any] | None
    body: list[list[Any]]
    widths: list[float]
    commands: list[tuple[Any, ...]]
    header_height: float
    heights: list[float]
    ends: list[float] = field(init=False)  # ends[i]: the height of the first i rows

    def __post_init__(self) -> None:
        object.__setattr__(self, "ends", list(itertools.accumulate(self.heights, initial=0.0)))


class PagedTable(Flowable):
    """A table that splits over pages in time proportional to its rows.

    reportlab's Table copies and measures all the rows left each time it splits a
    page off a long table, and finds each unmeasured row by a linear search: a table of
    thousands of rows costs seconds per page. Here the rows are measured once, and a
    page is the header and the rows that fit on it, drawn as reportlab's own split
    draws them, header repeated, stripes restarting under it on each page: by
    :func:`outputs._plain_table.draw_plain` in the styles it knows, else as a
    reportlab Table built only when drawn.

    Parameters
    ----------
    rows
        The table's cells and their heights.
    span
        The rows of this part, ``(start, stop)``; all of them by default.
    """

    def __init__(self, rows: _Rows, span: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.hAlign = "CENTER"  # as reportlab's Table
        self.rows = rows
        self.span = span or (0, len(rows.body))

    def _fitting(self, height: float) -> tuple[int, float]:
        """Return how many rows fit under the header in ``height``, and the height they take.

        The height is summed as reportlab's split sums it, header first.
        """
        used = self.rows.header_height
        count = 0
        for row_height in itertools.islice(self.rows.heights, *self.span):
            if used + row_height > height:
                break
            used += row_height
            count += 1
        return count, used

    def _part(self) -> tuple[list[list[Any]], list[float]]:
        """Return the cells and row heights of this part, header first."""
        start, stop = self.span
        cells = self.rows.body[start:stop]
        heights = self.rows.heights[start:stop]
        if self.rows.header is not None:
            return [self.rows.header, *cells], [self.rows.header_height, *heights]
        return cells, heights

    def table(self) -> Any:
        """Return the reportlab Table of the header and this part's rows."""
        from reportlab.platypus import Table

        cells, heights = self._part()
        return Table(
            [list(row) for row in cells],
            colWidths=self.rows.widths,
            rowHeights=heights,
            repeatRows=0 if self.rows.header is None else 1,
            style=self.rows.commands,
        )

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: ARG002, N803
        """Return the width and height of the whole part (exact when it fits)."""
        from reportlab import rl_config

        start, stop = self.span
        self.width = sum(self.rows.widths)
        count, used = self._fitting(availHeight + rl_config._FUZZ)  # noqa: SLF001 - as Frame
        if count == stop - start:
            self.height = row_positions(self._part()[1])[0]  # as reportlab's Table sums it
        else:
            ends = self.rows.ends
            whole = ends[stop] - ends[start] + self.rows.header_height
            self.height = max(whole, used + self.rows.heights[start + count])
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: ARG002, N803
        """Return the rows that fit in ``availHeight`` and the rest, or [] if none fits."""
        count, _ = self._fitting(availHeight)
        start, stop = self.span
        if count == 0:
            return []
        if start + count == stop:
            return [self]
        middle = start + count
        return [PagedTable(self.rows, (start, middle)), PagedTable(self.rows, (middle, stop))]

    def draw(self) -> None:
        """Draw this part at the flowable's origin: itself, or else as a reportlab Table.

        A part in a style :func:`plain_look` knows is drawn by :func:`draw_plain`, many
        times faster than reportlab draws its Table, at the same places (a cell holding a
        flowable, such as a paragraph of CJK text, draws itself there); any other by
        reportlab.
        """
        cells, heights = self._part()
        look = plain_look(self.rows.commands, len(cells), len(self.rows.widths))
        if look is not None and all(
            type(cell) is str or isinstance(cell, Flowable) for row in cells for cell in row
        ):
            draw_plain(self.canv, look, cells, heights, self.rows.widths)
            return
        grid = self.table()
        grid.wrapOn(self.canv, self.width, self.height)
        grid.drawOn(self.canv, 0, 0)
