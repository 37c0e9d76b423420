"""A table of strings drawn straight on the canvas, where reportlab's Table would draw it.

reportlab's Table makes a style object for every cell and draws every line of text as a
text object of its own: most of the time of a long PDF table. A part of a table whose
cells are strings in TrueType fonts, styled only by the commands below, is drawn here in
a handful of operations: its fills as rectangles (one path per colour of a command), all
its text in one text object, its rules as one path per command, at the positions
reportlab's ``Table`` computes (``_calc_height``, ``_drawBkgrnd``, ``_drawCell``,
``_drawLines``) and in the same order: fills, then the cells, then rules. The text object
is written in the operators reportlab's own text object writes; each distinct line is
made (split into the font's subsets, escaped) once per document. A cell that holds a
flowable (a paragraph of CJK text) is drawn by the flowable, where ``_drawCell`` puts it.
Any other table gets no look (:func:`plain_look`) and is drawn by reportlab.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CELL_COMMANDS = {
    "FONTNAME": "fontname",
    "FONTSIZE": "fontsize",
    "LEADING": "leading",
    "VALIGN": "valign",
    "LEFTPADDING": "leftPadding",
    "RIGHTPADDING": "rightPadding",
    "TOPPADDING": "topPadding",
    "BOTTOMPADDING": "bottomPadding",
}  # style command -> reportlab's CellStyle attribute
FILL_COMMANDS = ("BACKGROUND", "ROWBACKGROUNDS")
RULE_COMMANDS = ("GRID", "LINEBELOW")
ROUND = 1  # the line cap and join reportlab's Table sets for its rules

Span = tuple[int, int, int, int]  # first column, last column, first row, last row
SHOWN_LIMIT = 8192  # the most lines kept made per document
# Each document's lines already made, by font and text (:func:`_shown`).
_SHOWN: weakref.WeakKeyDictionary[Any, dict[tuple[str, str], list[tuple[str, str]]]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class _Text:
    """Where and how a cell's text is drawn: font, size, leading and padding."""

    font: str
    size: float
    leading: float
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class PlainLook:
    """How a part of a table is drawn: the text of its first row and of the others, fills, rules."""

    first: tuple[_Text, ...]
    rest: tuple[_Text, ...]
    fills: tuple[tuple[str, Span, Any], ...]
    rules: tuple[tuple[str, Span, float, Any], ...]


def plain_look(commands: Sequence[tuple[Any, ...]], rows: int, columns: int) -> PlainLook | None:
    """Return how to draw a table of text of this size and style, or None if reportlab must.

    Parameters
    ----------
    commands
        The table's style commands (reportlab's, cell ranges as ``(column, row)``).
    rows, columns
        The size of the table (of this part of it: its header is row 0).

    Returns
    -------
    PlainLook or None
        None when a command is not one drawn here (another kind, a row range that takes
        some of the rows after the first but not all, text not aligned to the cell's top).
    """
    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus.tables import CellStyle

    defaults = {command: getattr(CellStyle, name) for command, name in CELL_COMMANDS.items()}
    first = [dict(defaults) for _ in range(columns)]
    rest = [dict(defaults) for _ in range(columns)]
    fills: list[tuple[str, Span, Any]] = []
    rules: list[tuple[str, Span, float, Any]] = []
    for op, start, end, *values in commands:
        span = _span(start, end, rows, columns)
        taken = None if span is None else _rows_taken(span, rows)
        if span is None or taken is None:
            return None
        if op in CELL_COMMANDS and len(values) == 1:
            for styles, covered in zip((first, rest), taken, strict=True):
                for column in range(span[0], span[1] + 1) if covered else ():
                    styles[column][op] = values[0]
        elif op in FILL_COMMANDS and len(values) == 1 and _is_colour_fill(op, values[0]):
            fills.append((op, span, values[0]))
        elif op in RULE_COMMANDS and len(values) == 2:  # noqa: PLR2004 - weight and colour
            rules.append((op, span, values[0], values[1]))
        else:
            return None
    if any(style["VALIGN"] != "TOP" for style in first + rest):
        return None
    if not all(isinstance(getFont(style["FONTNAME"]), TTFont) for style in first + rest):
        return None  # drawn here in the operators of a TrueType font
    return PlainLook(_texts(first), _texts(rest), tuple(fills), tuple(rules))


def _span(start: Any, end: Any, rows: int, columns: int) -> Span | None:
    """Return a command's cells as reportlab's ``normCellRange`` does (None: special rows)."""
    (sc, sr), (ec, er) = start, end
    if not all(isinstance(index, int) for index in (sc, sr, ec, er)):
        return None  # 'splitfirst' and the other special rows
    sc, ec = sc + columns if sc < 0 else sc, ec + columns if ec < 0 else ec
    sr, er = sr + rows if sr < 0 else sr, er + rows if er < 0 else er
    return max(0, sc), min(columns - 1, ec), max(0, sr), min(rows - 1, er)


def _rows_taken(span: Span, rows: int) -> tuple[bool, bool] | None:
    """Return whether rows span the first row and all the others; None if some of the others."""
    sr, er = span[2], span[3]
    head = sr <= 0 <= er
    if rows == 1 or er < 1 or sr > er:
        return head, False
    if sr <= 1 and er >= rows - 1:
        return head, True
    return None


def _is_colour_fill(op: str, value: Any) -> bool:
    """Return whether a fill command paints colours (not a gradient or a painting function)."""
    if op == "ROWBACKGROUNDS":
        return isinstance(value, list | tuple)
    return not (callable(value) or isinstance(value, list | tuple))


def _texts(styles: list[dict[str, Any]]) -> tuple[_Text, ...]:
    return tuple(
        _Text(
            style["FONTNAME"],
            style["FONTSIZE"],
            style["LEADING"],
            style["LEFTPADDING"],
            style["TOPPADDING"],
            style["RIGHTPADDING"],
            style["BOTTOMPADDING"],
        )
        for style in styles
    )


def row_positions(heights: Sequence[float]) -> list[float]:
    """Return the top of each row and the bottom of the last, from the table's bottom.

    Summed as reportlab's Table sums them (from the last row up, compensated), so the
    height (the first position) and every rule fall where reportlab's would.
    """
    positions = []
    height = compensation = 0.0
    for row_height in reversed(heights):
        positions.append(height)
        step = row_height - compensation
        total = height + step
        compensation = (total - height) - step
        height = total
    positions.append(height)
    positions.reverse()
    return positions


def draw_plain(
    canv: Any,
    look: PlainLook,
    cells: Sequence[Sequence[Any]],
    heights: Sequence[float],
    widths: Sequence[float],
) -> None:
    r"""Draw a table of strings and flowables with its origin at the canvas's (0, 0).

    Parameters
    ----------
    canv
        The reportlab canvas.
    look
        How the table is drawn (:func:`plain_look` of its commands and size).
    cells
        The rows of cells: strings (``\n`` breaks lines), already wrapped and shaped, or
        flowables (a paragraph), each drawn at the top left of its cell's padding.
    heights, widths
        Row heights and column widths, points.
    """
    from reportlab.lib import colors

    xs: list[float] = [0]
    for width in widths:
        xs.append(xs[-1] + width)
    ys = row_positions(heights)
    canv.saveState()
    for op, span, value in look.fills:
        _fill(canv, (op, span, value), xs, ys, heights)
    canv.setFillColor(colors.black)
    _draw_cells(canv, look, cells, heights, (xs, ys))
    canv.setLineCap(ROUND)
    canv.setLineJoin(ROUND)
    for op, span, weight, colour in look.rules:
        _rule(canv, op, span, (weight, colour), xs, ys)
    canv.restoreState()


def _draw_cells(
    canv: Any,
    look: PlainLook,
    cells: Sequence[Sequence[Any]],
    heights: Sequence[float],
    grid: tuple[list[float], list[float]],
) -> None:
    """Draw the cells row by row, in reportlab's order: text objects and flowables.

    Each line is placed where reportlab's ``Table._drawCell`` places it, in the operators
    reportlab's text object writes for a TrueType font (``PDFTextObject._formatText``),
    each distinct line of a font made once per document (:func:`_shown`). The lines go
    into one text object, closed before a cell that holds a flowable, which draws itself
    at the top left of its padding: text is extracted in the order of reportlab's.
    """
    from reportlab.lib.rl_accel import fp_str

    xs, ys = grid
    made = _SHOWN.setdefault(canv._doc, {})  # noqa: SLF001 - the fonts' subsets are per document
    matrix = "1 0 0 1" if canv.bottomup else "1 0 0 -1"
    code = ["BT"]
    face = None  # the font subset, size and leading set last
    for r, row in enumerate(cells):
        bottom, height = ys[r + 1], heights[r]
        styles = look.first if r == 0 else look.rest
        for c, (value, style) in enumerate(zip(row, styles, strict=True)):
            if not value:
                continue
            x = xs[c]
            if type(value) is not str:
                canv.addLiteral(" ".join([*code, "ET"]))
                code, face = ["BT"], None
                room = xs[c + 1] - x - style.left - style.right
                _, tall = value.wrapOn(canv, room, height - style.top - style.bottom)
                value.drawOn(canv, x + style.left, bottom + height - style.top - tall)
                continue
            y = bottom + height - style.top - style.size
            for line in value.split("\n"):
                if line:
                    code.append(f"{matrix} {fp_str(x + style.left, y)} Tm")
                    for subset, shown in _shown(canv, made, style.font, line):
                        if face != (subset, style.size, style.leading):
                            face = (subset, style.size, style.leading)
                            code.append(
                                f"{subset} {fp_str(style.size)} Tf {fp_str(style.leading)} TL"
                            )
                        code.append(shown)
                    code.append("T*")  # as reportlab's textLine: text extractors see a line
                y -= style.leading
    canv.addLiteral(" ".join([*code, "ET"]))


def _shown(
    canv: Any, made: dict[tuple[str, str], list[tuple[str, str]]], font_name: str, line: str
) -> list[tuple[str, str]]:
    """Return a line's runs of one font subset each: the subset's name and its show operator.

    The runs depend only on the document's font subsets, which only grow: a line's runs,
    once made, stay right for the rest of the document, and the lines kept can be
    dropped at any time (the most often repeated come back first).
    """
    runs = made.get((font_name, line))
    if runs is None:
        if len(made) >= SHOWN_LIMIT:
            made.clear()  # a long document's unique lines (names, ids) would fill the memory
        from reportlab.lib.rl_accel import escapePDF
        from reportlab.pdfbase import pdfmetrics

        doc = canv._doc  # noqa: SLF001
        font = pdfmetrics.getFont(font_name)
        runs = made[font_name, line] = [
            (font.getSubsetInternalName(subset, doc), f"({escapePDF(chunk)}) Tj")
            for subset, chunk in font.splitString(line, doc)
        ]
    return runs


def _fill(
    canv: Any,
    command: tuple[str, Span, Any],
    xs: list[float],
    ys: list[float],
    heights: Sequence[float],
) -> None:
    """Paint a BACKGROUND or ROWBACKGROUNDS command: one path for each colour."""
    from reportlab.lib import colors

    op, (sc, ec, sr, er), value = command
    x0, width = xs[sc], xs[ec + 1] - xs[sc]
    if op == "BACKGROUND":
        colour = colors.toColorOrNone(value)
        if colour:
            canv.setFillColor(colour)
            canv.rect(x0, ys[sr], width, ys[er + 1] - ys[sr], stroke=0, fill=1)
        return
    cycle = [colors.toColorOrNone(colour) for colour in value]
    paths = [canv.beginPath() for _ in cycle]
    y0 = ys[sr]
    for i in range(er - sr + 1):
        height = heights[sr + i]
        if cycle[i % len(cycle)]:
            paths[i % len(cycle)].rect(x0, y0, width, -height)
        y0 -= height
    for colour, path in zip(cycle, paths, strict=True):
        if colour:
            canv.setFillColor(colour)
            canv.drawPath(path, stroke=0, fill=1)


def _rule(
    canv: Any, op: str, span: Span, pen: tuple[float, Any], xs: list[float], ys: list[float]
) -> None:
    """Stroke a GRID or LINEBELOW command as one path."""
    sc, ec, sr, er = span
    left, right, top, bottom = xs[sc], xs[ec + 1], ys[sr], ys[er + 1]
    path = canv.beginPath()
    for y in ys[sr : er + 2] if op == "GRID" else ys[sr + 1 : er + 2]:
        path.moveTo(left, y)
        path.lineTo(right, y)
    for x in xs[sc : ec + 2] if op == "GRID" else ():
        path.moveTo(x, bottom)
        path.lineTo(x, top)
    canv.setLineWidth(pen[0])
    canv.setStrokeColor(pen[1])
    canv.drawPath(path, stroke=1, fill=0)
