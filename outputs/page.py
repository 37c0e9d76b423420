"""The page furniture every A4 document shares: margins, header, footer, colours, styles.

The security plan, the warden lists and the letters are all drawn on this page: the
same margins, the same header (the marking on the left, the document's running title
on the right, a blue rule below), the same footer ("Issued <date>" and an optional
handling note on the left, "Page N of M" on the right), the same fonts and text
styles, and for their HTML form the same stylesheet and print margins. Change the
look of the documents here, and they change together.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass
from typing import Any

from outputs import fonts

MARGIN_MM = 16.0  # left and right
TOP_MM = 18.0  # down to the text frame, below the header
BOTTOM_MM = 16.0  # up to the text frame, above the footer
HEADER_MM = 10.0  # from the top edge to the header's baseline
FOOTER_MM = 8.0  # from the bottom edge to the footer's baseline
RULE_GAP_MM = 2.0  # from the header's baseline down to its rule
HEADER_PT, FOOTER_PT = 8.0, 7.5
BLUE = "#1a4d8f"
MARKING_RED = "#a00000"

HTML_CSS = f"""body{{font-family:"DejaVu Sans",system-ui,sans-serif;margin:0 auto;max-width:60rem;
padding:1.5rem;color:#1f2328;line-height:1.45}}
.marking{{color:{MARKING_RED};font-weight:700;letter-spacing:.04em}}
h1{{color:{BLUE};margin-bottom:.2rem}}h2{{color:{BLUE};border-bottom:2px solid {BLUE};
padding-bottom:.2rem;margin-top:2rem}}h3{{color:{BLUE};margin-top:1.4rem}}
table{{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.86rem}}
th,td{{border:1px solid #9aa5b1;padding:.2rem .4rem;text-align:left;vertical-align:top}}
thead th{{background:#e8eef6}}tbody tr:nth-child(even){{background:#f6f8fb}}
table.facts th{{width:16rem;background:#e8eef6}}
figure{{margin:1rem 0}}figure img{{max-width:100%;border:1px solid #9aa5b1}}
figure .map{{overflow-x:auto}}figure svg{{display:block;width:100%;min-width:36rem;height:auto}}
figcaption{{font-size:.85rem;color:#555}}nav li.l2{{margin-left:1.2rem}}
.signatures{{display:flex;gap:3rem;flex-wrap:wrap;margin-top:2rem}}
.sign{{min-width:16rem}}.sign .line{{border-bottom:1px solid #000;height:3rem}}
.table-wrap{{overflow-x:auto}}
@media print{{body{{max-width:none;padding:0}}.newpage{{break-before:page}}
nav{{break-after:page}}a{{color:inherit;text-decoration:none}}}}
@page{{size:A4;margin:{TOP_MM:g}mm {MARGIN_MM:g}mm {BOTTOM_MM:g}mm}}
"""
"""The stylesheet of every HTML document, with the PDF's margins for printing."""


@dataclass(frozen=True)
class Furniture:
    """What the header and footer of every page of one document say.

    Attributes
    ----------
    marking
        The confidentiality marking, red, at the top left.
    header
        The running title at the top right.
    issued
        The date of issue, at the bottom left.
    note
        A handling note after the date ("Keep it safe; ..."), or "".
    """

    marking: str
    header: str
    issued: dt.date
    note: str = ""

    @property
    def footer(self) -> str:
        """Return the footer's left text: ``Issued 1 December 2026.`` and the note."""
        return " ".join(filter(None, (f"Issued {long_date(self.issued)}.", self.note)))


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of the documents (reportlab ``ParagraphStyle``)."""

    body: Any
    small: Any
    title: Any
    sheet_title: Any
    heading: Any
    subheading: Any


def long_date(day: dt.date) -> str:
    """Return ``1 December 2026``, the same in every locale."""
    months = (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    )  # fmt: skip
    return f"{day.day} {months[day.month - 1]} {day.year}"


def text_width() -> float:
    """Return the width between the left and right margins, points."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    return A4[0] - 2 * MARGIN_MM * mm


@functools.cache
def styles() -> Styles:
    """Return the text styles, with the fonts registered.

    Made once per process and shared by every document: do not change them (derive a
    style with ``ParagraphStyle(name, parent=...)``).

    Raises
    ------
    fonts.FontsMissingError
        If the fonts are not installed.
    """
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    font_set = fonts.register_fonts()
    blue = colors.HexColor(BLUE)
    body = ParagraphStyle("body", fontName=font_set.regular, fontSize=9.5, leading=12.5)
    bold = {"parent": body, "fontName": font_set.bold, "textColor": blue}
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=7.8, leading=9.6),
        title=ParagraphStyle("title", **bold, fontSize=22, leading=27),
        sheet_title=ParagraphStyle("sheet_title", **bold, fontSize=16, leading=20),
        heading=ParagraphStyle("h1", **bold, fontSize=13.5, leading=17, spaceBefore=10,
                               spaceAfter=4, keepWithNext=1),
        subheading=ParagraphStyle("h2", **bold, fontSize=11, leading=14, spaceBefore=7,
                                  spaceAfter=3, keepWithNext=1),
    )  # fmt: skip


def draw_furniture(canvas: Any, furniture: Furniture) -> None:
    """Draw the header and the footer's left text on one page (the page number comes last).

    Parameters
    ----------
    canvas
        The reportlab canvas of the page.
    furniture
        What they say.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    left, right, top = MARGIN_MM * mm, A4[0] - MARGIN_MM * mm, A4[1] - HEADER_MM * mm
    canvas.saveState()
    canvas.setFillColor(colors.HexColor(MARKING_RED))
    canvas.setFont(fonts.font_for(furniture.marking, bold=True), HEADER_PT)
    canvas.drawString(left, top, fonts.shape_text(furniture.marking))
    canvas.setFillColor(colors.black)
    canvas.setFont(fonts.font_for(furniture.header), HEADER_PT)
    canvas.drawRightString(right, top, fonts.shape_text(furniture.header))
    canvas.setStrokeColor(colors.HexColor(BLUE))
    canvas.setLineWidth(0.8)
    canvas.line(left, top - RULE_GAP_MM * mm, right, top - RULE_GAP_MM * mm)
    canvas.setFont(fonts.font_for(furniture.footer), FOOTER_PT)
    canvas.drawString(left, FOOTER_MM * mm, fonts.shape_text(furniture.footer))
    canvas.restoreState()


@functools.cache
def numbered_canvas() -> type:
    """Return a canvas class that prints "Page N of M" at the footer's right end.

    Pages are kept until the end, when the total is known. The class is made once.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(fonts.REGULAR, FOOTER_PT)
                self.drawRightString(
                    A4[0] - MARGIN_MM * mm, FOOTER_MM * mm, f"Page {self._pageNumber} of {total}"
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(story: list[Any], furniture: Furniture, *, title: str, author: str) -> bytes:
    """Lay the story out on A4 pages with the furniture and return the PDF.

    Flowables that carry ``toc_level`` and ``toc_markup`` become entries of a table of
    contents in the story (laid out again until its page numbers settle).

    Parameters
    ----------
    story
        The flowables.
    furniture
        The header and footer.
    title, author
        The PDF's metadata; its subject is the marking.

    Returns
    -------
    bytes
        The PDF, built in memory (`outputs._pdf.save_pdf` writes or encrypts it).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Frame, PageTemplate

    buffer = io.BytesIO()
    doc = _template()(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_MM * mm,
        rightMargin=MARGIN_MM * mm,
        topMargin=TOP_MM * mm,
        bottomMargin=BOTTOM_MM * mm,
        title=title,
        author=author,
        subject=furniture.marking,
        invariant=1,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")

    def on_page(canvas: Any, _doc: Any) -> None:
        draw_furniture(canvas, furniture)

    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    doc.multiBuild(story, canvasmaker=numbered_canvas())
    return buffer.getvalue()


@functools.cache
def _template() -> type:
    """Return the document template class: reportlab's, with contents entries (made once)."""
    from reportlab.platypus import BaseDocTemplate

    class Template(BaseDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab's name
            level = getattr(flowable, "toc_level", None)
            if level is not None:
                # The contents are paragraphs too: they get the escaped markup, never the
                # heading's plain text (a name such as "<img src=...>" would become a tag).
                self.notify("TOCEntry", (level, flowable.toc_markup, self.page))

    return Template
