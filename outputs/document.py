"""A small document model rendered twice: as a self-contained HTML page and as an A4 PDF.

The security plan is written once as sections of paragraphs, tables and figures; the
HTML and the PDF are drawn from the same content, so they cannot say different things.
Every string is escaped in HTML and shaped for its script in the PDF.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from outputs import fonts
from outputs._pdf import numbered_canvas, text_table
from outputs.escape import html_text

MARGIN_MM = 16.0
CELL_PADDING_PT = 6.0  # left and right padding of a table cell (outputs._pdf.grid_style)
BLUE = "#1a4d8f"
MARKING_RED = "#a00000"


@dataclass(frozen=True)
class Table:
    """A table: a header row, body rows of text and relative column widths."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    empty: str = "none"


@dataclass(frozen=True)
class Figure:
    """A PNG image with its caption; ``aspect`` is height over width."""

    png: bytes
    caption: str
    aspect: float


@dataclass(frozen=True)
class Signature:
    """A line to sign: the role, the person's name and what they sign for."""

    role: str
    name: str
    purpose: str


Block = str | Table | Figure


@dataclass(frozen=True)
class Section:
    """A numbered section (level 1) or sub-section (level 2) and its blocks."""

    title: str
    blocks: tuple[Block, ...] = ()
    level: int = 1
    new_page: bool = False
    numbered: bool = True


@dataclass(frozen=True)
class Document:
    """A whole document: title page facts, sections and signatures."""

    title: str
    subtitle: str
    marking: str
    issued: dt.date
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    signatures: tuple[Signature, ...] = field(default=())


def render_html(document: Document) -> str:
    """Return the document as one HTML page with its images inlined, readable offline.

    Parameters
    ----------
    document
        The document.

    Returns
    -------
    str
        The page; every text of the document is escaped.
    """
    numbers = _numbers(document.sections)
    titles = [_title(s, n) for s, n in zip(document.sections, numbers, strict=True)]
    contents = "".join(
        f"<li class='l{s.level}'><a href='#s{n}'>{html_text(t)}</a></li>"
        for n, (s, t) in enumerate(zip(document.sections, titles, strict=True))
    )
    facts = "".join(
        f"<tr><th>{html_text(k)}</th><td>{_html_cell(v)}</td></tr>" for k, v in document.facts
    )
    body = "".join(
        _html_section(s, n, t)
        for n, (s, t) in enumerate(zip(document.sections, titles, strict=True))
    )
    signatures = "".join(
        f"<div class='sign'><div class='line'></div><p><b>{html_text(s.role)}</b><br>"
        f"{_html_cell(s.name)}<br><small>{html_text(s.purpose)}</small></p><p>Date:</p></div>"
        for s in document.signatures
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_text(document.title)}</title>
<style>
body{{font-family:"DejaVu Sans",system-ui,sans-serif;margin:0 auto;max-width:60rem;
padding:1.5rem;color:#1f2328;line-height:1.45}}
.marking{{color:{MARKING_RED};font-weight:700;letter-spacing:.04em}}
h1{{color:{BLUE};margin-bottom:.2rem}}h2{{color:{BLUE};border-bottom:2px solid {BLUE};
padding-bottom:.2rem;margin-top:2rem}}h3{{color:{BLUE};margin-top:1.4rem}}
table{{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.86rem}}
th,td{{border:1px solid #9aa5b1;padding:.2rem .4rem;text-align:left;vertical-align:top}}
thead th{{background:#e8eef6}}tbody tr:nth-child(even){{background:#f6f8fb}}
table.facts th{{width:16rem;background:#e8eef6}}
figure{{margin:1rem 0}}figure img{{max-width:100%;border:1px solid #9aa5b1}}
figcaption{{font-size:.85rem;color:#555}}nav li.l2{{margin-left:1.2rem}}
.signatures{{display:flex;gap:3rem;flex-wrap:wrap;margin-top:2rem}}
.sign{{min-width:16rem}}.sign .line{{border-bottom:1px solid #000;height:3rem}}
.table-wrap{{overflow-x:auto}}
@media print{{body{{max-width:none;padding:0}}.newpage{{break-before:page}}
nav{{break-after:page}}a{{color:inherit;text-decoration:none}}}}
@page{{size:A4;margin:16mm}}
</style></head><body>
<p class="marking">{html_text(document.marking)}</p>
<h1>{html_text(document.title)}</h1>
<p>{html_text(document.subtitle)}</p>
<table class="facts">{facts}</table>
<div class="signatures">{signatures}</div>
<nav><h2>Contents</h2><ul>{contents}</ul></nav>
{body}
<p class="marking">{html_text(document.marking)}</p>
</body></html>
"""


def _numbers(sections: tuple[Section, ...]) -> list[str]:
    """Return "1.", "1.1", "2." ... for the numbered sections, "" for the others."""
    numbers, counters = [], [0, 0]
    for section in sections:
        if not section.numbered:
            numbers.append("")
        elif section.level == 1:
            counters = [counters[0] + 1, 0]
            numbers.append(f"{counters[0]}.")
        else:
            counters[1] += 1
            numbers.append(f"{counters[0]}.{counters[1]}")
    return numbers


def _title(section: Section, number: str) -> str:
    return f"{number} {section.title}".strip()


def _html_section(section: Section, index: int, title: str) -> str:
    tag = "h2" if section.level == 1 else "h3"
    css = " class='newpage'" if section.new_page else ""
    parts = [f"<section{css} id='s{index}'>", f"<{tag}>{html_text(title)}</{tag}>"]
    for block in section.blocks:
        if isinstance(block, str):
            parts.append(f"<p>{html_text(block)}</p>")
        elif isinstance(block, Table):
            parts.append(_html_table(block))
        else:
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(
                f"<figure><img src='data:image/png;base64,{data}' alt='{html_text(block.caption)}'>"
                f"<figcaption>{html_text(block.caption)}</figcaption></figure>"
            )
    parts.append("</section>")
    return "\n".join(parts)


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html_text(h)}</th>" for h in table.header)
    rows = table.rows or ((table.empty, *[""] * (len(table.widths) - 1)),)
    body = "".join(
        "<tr>" + "".join(f"<td>{_html_cell(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f"<div class='table-wrap'><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def _html_cell(text: str) -> str:
    return "<br>".join(html_text(line) for line in text.split("\n"))


def write_pdf(document: Document, path: Path) -> Path:
    """Write the document as an A4 PDF with a title page and contents with page numbers.

    Every page carries the marking, the date of issue and "Page N of M".

    Parameters
    ----------
    document
        The document.
    path
        Where to write it.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        Image,
        KeepTogether,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
    )
    from reportlab.platypus.tableofcontents import TableOfContents

    font_set = fonts.register_fonts()
    m = fonts.markup
    body = ParagraphStyle("body", fontName=font_set.regular, fontSize=9.5, leading=12.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.8, leading=9.6)
    blue = colors.HexColor(BLUE)
    styles = {
        1: ParagraphStyle("h1", parent=body, fontName=font_set.bold, fontSize=13.5, leading=17,
                          spaceBefore=10, spaceAfter=4, textColor=blue, keepWithNext=1),
        2: ParagraphStyle("h2", parent=body, fontName=font_set.bold, fontSize=11, leading=14,
                          spaceBefore=7, spaceAfter=3, textColor=blue, keepWithNext=1),
    }  # fmt: skip
    title_style = ParagraphStyle(
        "title", parent=body, fontName=font_set.bold, fontSize=22, leading=27, textColor=blue
    )
    width = A4[0] - 2 * MARGIN_MM * mm

    class PlanTemplate(BaseDocTemplate):
        def afterFlowable(self, flowable: Any) -> None:  # noqa: N802 - reportlab's name
            level = getattr(flowable, "toc_level", None)
            if level is not None:
                # The contents are paragraphs too: they get the escaped markup, never the
                # heading's plain text (a name such as "<img src=...>" would become a tag).
                self.notify("TOCEntry", (level, flowable.toc_markup, self.page))

    def heading(section: Section, title: str) -> Any:
        paragraph = Paragraph(m(title, bold=True), styles[section.level])
        paragraph.toc_level = section.level - 1
        paragraph.toc_markup = m(title, bold=section.level == 1)
        return paragraph

    def grid(table: Table) -> Any:
        rows = table.rows or ((table.empty, *[""] * (len(table.widths) - 1)),)
        total = sum(table.widths)
        widths = [width * w / total for w in table.widths]
        header = [
            _fit_words(h, w, small.fontSize, bold=True)
            for h, w in zip(table.header, widths, strict=False)
        ]
        return text_table(
            header if any(table.header) else None,
            [
                [_fit_words(c, w, small.fontSize) for c, w in zip(row, widths, strict=True)]
                for row in rows
            ],
            widths,
            size=small.fontSize,
            leading=small.leading,
        )

    def pdf_block(block: Block) -> list[Any]:
        if isinstance(block, str):
            return [Paragraph(m(block), body), Spacer(1, 1.5 * mm)]
        if isinstance(block, Table):
            return [grid(block), Spacer(1, 2 * mm)]
        image_width, image_height = width, width * block.aspect
        limit = 200 * mm
        if image_height > limit:
            image_width, image_height = image_width * limit / image_height, limit
        return [
            KeepTogether(
                [
                    Image(io.BytesIO(block.png), width=image_width, height=image_height),
                    Paragraph(m(block.caption), small),
                    Spacer(1, 3 * mm),
                ]
            )
        ]

    story: list[Any] = [
        Spacer(1, 30 * mm),
        Paragraph(m(document.title, bold=True), title_style),
        Spacer(1, 4 * mm),
        Paragraph(m(document.subtitle), body),
        Spacer(1, 8 * mm),
        grid(Table((), document.facts, (1, 2))),
        Spacer(1, 14 * mm),
    ]
    story.extend(
        KeepTogether(
            [
                Spacer(1, 12 * mm),
                Paragraph("_" * 48 + "&nbsp;&nbsp;&nbsp; Date: " + "_" * 16, body),
                Paragraph(m(signature.role, bold=True), body),
                Paragraph("<br/>".join(m(line) for line in signature.name.split("\n")), body),
                Paragraph(m(signature.purpose), small),
            ]
        )
        for signature in document.signatures
    )
    contents = TableOfContents()
    contents.levelStyles = [
        ParagraphStyle("toc1", parent=body, fontName=font_set.bold, leftIndent=0),
        ParagraphStyle("toc2", parent=body, leftIndent=12 * mm, fontSize=9),
    ]
    story += [PageBreak(), Paragraph(m("Contents", bold=True), styles[1]), contents, PageBreak()]
    for section, number in zip(document.sections, _numbers(document.sections), strict=True):
        if section.new_page:
            story.append(PageBreak())
        flowables = [heading(section, _title(section, number))]
        for block in section.blocks:
            flowables += pdf_block(block)
        if section.blocks and isinstance(section.blocks[0], Figure):
            # A heading must not stay behind at the foot of a page without its figure.
            story.append(KeepTogether(flowables[:2]))
            story += flowables[2:]
        else:
            story += flowables

    def on_page(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        top = A4[1] - 10 * mm
        canvas.setFillColor(colors.HexColor(MARKING_RED))
        canvas.setFont(font_set.bold, 8)
        canvas.drawString(MARGIN_MM * mm, top, document.marking)
        canvas.setFillColor(colors.black)
        canvas.setFont(fonts.font_for(document.title), 8)
        canvas.drawRightString(A4[0] - MARGIN_MM * mm, top, fonts.shape_text(document.title))
        canvas.setStrokeColor(blue)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN_MM * mm, top - 2 * mm, A4[0] - MARGIN_MM * mm, top - 2 * mm)
        canvas.setFont(font_set.regular, 7.5)
        canvas.drawString(MARGIN_MM * mm, 8 * mm, f"Issued {document.issued.isoformat()}")
        canvas.restoreState()

    doc = PlanTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN_MM * mm,
        rightMargin=MARGIN_MM * mm,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=document.title,
        author=document.subtitle,
        subject=document.marking,
        invariant=1,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page)])
    doc.multiBuild(story, canvasmaker=numbered_canvas(MARGIN_MM))
    return path


def _fit_words(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """Return a cell's text with every word wider than its column broken to fit.

    Lines wrap at spaces when the table is drawn; a single word wider than the column
    (a long place name in a narrow column) would run over the next cell, so it is cut
    into pieces that fit, each on its own line and all but the last ending in a hyphen.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = fonts.BOLD if bold else fonts.REGULAR
    room = width - CELL_PADDING_PT
    if fonts.has_cjk(text) or stringWidth(text, font, size) <= room:
        return text  # fits, or a CJK paragraph that wraps by itself

    def pieces(word: str) -> list[str]:
        parts = [""]
        for character in word:
            if parts[-1] and stringWidth(parts[-1] + character + "-", font, size) > room:
                parts[-1] += "-"
                parts.append("")
            parts[-1] += character
        return parts

    return "\n".join(
        " ".join(
            "\n".join(pieces(word)) if stringWidth(word, font, size) > room else word
            for word in line.split(" ")
        )
        for line in text.split("\n")
    )
