"""The warden's wallet card: one side of A6 with what a warden needs without the list.

``contacts/<zone>-card.pdf`` holds, in this order, the chain of contacts (role, name,
phone), the emergency numbers, the zone's assembly points and the households' phones.
The first three always fit; households follow as many as fit on the one page, and a
last line says how many more are on the warden list. Nothing is smaller than
:data:`TEXT_PT`. Printed at 100 % it is A6; on A4, fold it in four.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from outputs import fonts
from outputs._pdf import save_pdf, text_table
from outputs._plain_table import row_positions
from outputs.page import BLUE, MARKING_RED, long_date

CONFIDENTIAL = "CONFIDENTIAL - STAFF PERSONAL DATA"
MARGIN_MM = 5.0
TEXT_PT, TEXT_LEADING = 6.8, 8.0
HEADING_PT = 7.6
TITLE_PT = 9.5
FRAME_PADDING_PT = 6.0  # reportlab's frame padding on each side
HOUSEHOLD_SHARES = (6, 50, 44)  # number, names, phones


@dataclass(frozen=True)
class WalletCard:
    """What one zone's card prints, already as text.

    Attributes
    ----------
    title
        ``Zone Z01 - Kamppi``.
    station
        The station's name.
    chain
        Rows ``role, name, phones`` from the warden up to the DO.
    emergency
        Rows ``service, phone``.
    assembly
        Rows ``point, address``.
    households
        Rows ``number, names, phones``, numbered as on the list.
    """

    title: str
    station: str
    chain: list[list[str]]
    emergency: list[list[str]]
    assembly: list[list[str]]
    households: list[list[str]]


def write_wallet_card(
    card: WalletCard, path: Path, *, issued: dt.date, password: str | None = None
) -> Path:
    """Write one zone's wallet card: a single A6 page.

    Parameters
    ----------
    card
        The card's content.
    path
        The PDF written.
    issued
        The date of issue printed on the card.
    password
        Encrypt the card with this password (`outputs._pdf.encryption`).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from reportlab.lib.pagesizes import A6
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    width = A6[0] - 2 * MARGIN_MM * mm - 2 * FRAME_PADDING_PT
    height = A6[1] - 2 * (MARGIN_MM + 4) * mm - 2 * FRAME_PADDING_PT  # marking, date of issue
    story = _fitted_story(card, width, height)
    font_set = fonts.register_fonts()

    def on_page(canvas: Any, _doc: Any) -> None:
        from reportlab.lib import colors

        canvas.saveState()
        canvas.setFillColor(colors.HexColor(MARKING_RED))
        canvas.setFont(font_set.bold, TEXT_PT)
        left = MARGIN_MM * mm + FRAME_PADDING_PT  # aligned with the text of the frame
        canvas.drawString(left, A6[1] - MARGIN_MM * mm - 2 * mm, CONFIDENTIAL)
        canvas.setFillColor(colors.black)
        canvas.setFont(font_set.regular, TEXT_PT)
        canvas.drawString(
            left,
            MARGIN_MM * mm,
            f"Issued {long_date(issued)}. Destroy superseded cards.",
        )
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A6,
        leftMargin=MARGIN_MM * mm,
        rightMargin=MARGIN_MM * mm,
        topMargin=MARGIN_MM * mm + 4 * mm,
        bottomMargin=MARGIN_MM * mm + 4 * mm,
        title=f"{card.station}: warden card, {card.title}",
        author=f"{card.station} security management",
        subject=CONFIDENTIAL,
        invariant=1,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return save_pdf(buffer.getvalue(), path, password)


def _fitted_story(card: WalletCard, width: float, height: float) -> list[Any]:
    """Return the card's flowables with as many households as fit in ``height``.

    The part above the households is measured once, and the households' table once with
    every row: the table of the first ``n`` rows is as tall as those rows (a reportlab
    Table of the heights given, as `outputs._pdf.PagedTable` draws it: see
    `outputs._plain_table.row_positions`),
    so each try of the search costs no layout.
    """
    styles = _Styles.make()
    head = _head(card, width, styles)
    above = _height(head, width)
    rows: list[float] = []
    full = None
    if card.households:
        full = _table(card.households, HOUSEHOLD_SHARES, width)
        rows = list(full.rows.heights)  # each row's height, measured (`_pdf.PagedTable`)

    def fits(shown: int) -> bool:
        tail = [row_positions(rows[:shown])[0]]
        tail += [_more_height(len(rows) - shown, width)] if shown < len(rows) else []
        return sum(tail, start=above) <= height

    low, high = 0, len(card.households)
    while low < high:  # the most households whose story fits
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return _story(card, low, width, head=head, table=full if low == len(rows) else None)


def _height(story: list[Any], width: float) -> float:
    return sum(f.wrap(width, 10_000)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in story)


@functools.lru_cache(maxsize=256)
def _more_height(hidden: int, width: float) -> float:
    """Return the height of the line counting ``hidden`` households left off (`_more`)."""
    return _height(_more(hidden, _Styles.make()), width)


@dataclass(frozen=True)
class _Styles:
    """The card's paragraph styles."""

    body: Any
    heading: Any
    title: Any

    @classmethod
    @functools.cache
    def make(cls) -> _Styles:
        """Return the styles, made once per process (shared: never changed)."""
        from reportlab.lib import colors
        from reportlab.lib.styles import ParagraphStyle

        body = ParagraphStyle(
            "card", fontName=fonts.REGULAR, fontSize=TEXT_PT, leading=TEXT_LEADING
        )
        heading = ParagraphStyle(
            "card-h",
            parent=body,
            fontName=fonts.BOLD,
            fontSize=HEADING_PT,
            leading=HEADING_PT + 2,
            spaceBefore=3,
            spaceAfter=1.5,
            textColor=colors.HexColor(BLUE),
        )
        title = ParagraphStyle(
            "card-t", parent=heading, fontSize=TITLE_PT, leading=TITLE_PT + 2, spaceBefore=0
        )
        return cls(body, heading, title)


def _story(
    card: WalletCard,
    shown: int,
    width: float,
    *,
    head: list[Any] | None = None,
    table: Any = None,
) -> list[Any]:
    """Return the card's flowables with the first ``shown`` households.

    ``head`` (:func:`_head`) and ``table`` (of the ``shown`` households) are used as
    given when already made.
    """
    from reportlab.platypus import Paragraph

    styles = _Styles.make()
    story = list(head) if head is not None else _head(card, width, styles)
    if card.households:
        rows = card.households[:shown] or [["", "see the warden list", ""]]
        story.append(table if table is not None else _table(rows, HOUSEHOLD_SHARES, width))
    else:
        story.append(Paragraph(fonts.markup("No households in this zone."), styles.body))
    return story + _more(len(card.households) - shown, styles)


def _more(hidden: int, styles: _Styles) -> list[Any]:
    """Return the line counting the households left off the card (none if none is)."""
    from reportlab.platypus import Paragraph

    if hidden <= 0:
        return []
    return [Paragraph(fonts.markup(f"+{hidden} more on the warden list", bold=True), styles.body)]


def _table(rows: list[list[str]], shares: Sequence[float], width: float) -> Any:
    widths = [width * share / sum(shares) for share in shares]
    return text_table(None, rows, widths, size=TEXT_PT, leading=TEXT_LEADING, style=_style())


def _head(card: WalletCard, width: float, styles: _Styles) -> list[Any]:
    """Return the flowables above the households: title, chain, emergency, assembly."""
    from reportlab.platypus import Paragraph

    m = fonts.markup
    body, heading, title = styles.body, styles.heading, styles.title
    return [
        Paragraph(m(f"Warden card: {card.title}", bold=True), title),
        Paragraph(m(f"{card.station} duty station"), body),
        Paragraph(m("Chain of contacts", bold=True), heading),
        _table(card.chain, [30, 34, 36], width),
        Paragraph(m("Emergency numbers", bold=True), heading),
        _table(card.emergency or [["none configured", ""]], [55, 45], width),
        Paragraph(m("Assembly points", bold=True), heading),
        _table(card.assembly or [["none in the plan", ""]], [45, 55], width),
        Paragraph(m("Households", bold=True), heading),
    ]


def _style() -> list[tuple[Any, ...]]:
    from reportlab.lib import colors

    return [
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c5ccd4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 0.8),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
        ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
    ]


__all__ = ["WalletCard", "write_wallet_card"]
