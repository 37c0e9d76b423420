"""A small document model rendered twice: as a self-contained HTML page and as an A4 PDF.

The security plan, the warden lists and the letters are each written once as sections
of paragraphs, tables, figures and numbered lists; the HTML and the PDF are drawn from
the same content, so they cannot say different things, and on the same page furniture
(:mod:`outputs.page`), so they cannot look different. A ``report`` has a title page and
numbered contents; a ``sheet`` (a warden list, a letter) starts its text under its
title on the first page and ends with its signatures. Every string is escaped in HTML
and shaped for its script in the PDF.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from outputs import fonts, page
from outputs._pdf import save_pdf, text_table
from outputs._svg_canvas import flowable_svg
from outputs.escape import html_text

CELL_PADDING_PT = 6.0  # left and right padding of a table cell (outputs._pdf.grid_style)
FIGURE_LIMIT_MM = 200.0  # the tallest a figure is drawn

Cell = str | Sequence[Sequence[str]]  # text, or lines of parts shaped one by one


@dataclass(frozen=True)
class Table:
    """A table: a header row, body rows and relative column widths.

    A cell is text (a newline breaks lines) or lines of parts, each part shaped on its own
    (a name in one script beside a role in another). ``bold_columns`` are bold in the body.
    """

    header: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    widths: tuple[float, ...]
    empty: str = "none"
    bold_columns: tuple[int, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A PNG image with its caption; ``aspect`` is height over width."""

    png: bytes
    caption: str
    aspect: float


@dataclass(frozen=True)
class Drawing:
    """A vector drawing of the PDF (a zone's map), its caption above it.

    ``draw`` returns the reportlab flowable for a width in points; ``least_aspect`` is
    the smallest height over width it shrinks to, kept on one page with its heading.
    The HTML page shows the same drawing as inline SVG (:mod:`outputs._svg_canvas`).
    """

    draw: Callable[[float], Any]
    caption: str
    least_aspect: float


@dataclass(frozen=True)
class Steps:
    """A numbered list."""

    items: tuple[str, ...]


@dataclass(frozen=True)
class Signature:
    """A line to sign: the role, the person's name and what they sign for."""

    role: str
    name: str
    purpose: str


Block = str | Table | Figure | Drawing | Steps


@dataclass(frozen=True)
class Section:
    """A section (level 1) or sub-section (level 2) and its blocks; no heading if untitled."""

    title: str
    blocks: tuple[Block, ...] = ()
    level: int = 1
    new_page: bool = False
    numbered: bool = True


@dataclass(frozen=True)
class Document:
    """A whole document: its title, the facts under it, sections and signatures.

    Attributes
    ----------
    title, subtitle
        The title and the line under it.
    marking
        The confidentiality marking of every page.
    issued
        The date of issue of every page.
    facts
        Pairs ``name, value``: a table in a report, lines ``name value`` in a sheet.
    sections
        The sections.
    signatures
        The lines to sign: on the title page of a report, at the end of a sheet.
    layout
        ``report`` (title page, contents, numbered sections) or ``sheet``.
    header
        The running title at the top right of each page (the title if empty).
    note
        The handling note after the date of issue in the footer.
    author
        The PDF's author (the subtitle if empty).
    """

    title: str
    subtitle: str
    marking: str
    issued: dt.date
    facts: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    signatures: tuple[Signature, ...] = field(default=())
    layout: Literal["report", "sheet"] = "report"
    header: str = ""
    note: str = ""
    author: str = ""

    @property
    def furniture(self) -> page.Furniture:
        """Return the header and footer of the document's pages."""
        return page.Furniture(self.marking, self.header or self.title, self.issued, self.note)


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
    body = "".join(
        _html_section(s, n, t)
        for n, (s, t) in enumerate(zip(document.sections, titles, strict=True))
    )
    signatures = "".join(
        f"<div class='sign'><div class='line'></div><p><b>{html_text(s.role)}</b><br>"
        f"{_html_cell(s.name)}<br><small>{html_text(s.purpose)}</small></p><p>Date:</p></div>"
        for s in document.signatures
    )
    signatures = f'<div class="signatures">{signatures}</div>'
    if document.layout == "sheet":
        facts = "".join(f"<p>{html_text(f'{k} {v}')}</p>" for k, v in document.facts)
        opening, closing = facts, signatures
    else:
        facts = "".join(
            f"<tr><th>{html_text(k)}</th><td>{_html_cell(v)}</td></tr>" for k, v in document.facts
        )
        contents = "".join(
            f"<li class='l{s.level}'><a href='#s{n}'>{html_text(t)}</a></li>"
            for n, (s, t) in enumerate(zip(document.sections, titles, strict=True))
        )
        opening = (
            f'<table class="facts">{facts}</table>\n{signatures}\n'
            f"<nav><h2>Contents</h2><ul>{contents}</ul></nav>"
        )
        closing = ""
    middle = "\n".join(part for part in (opening, body, closing) if part)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_text(document.title)}</title>
<style>
{page.HTML_CSS}</style></head><body>
<p class="marking">{html_text(document.marking)}</p>
<h1>{html_text(document.title)}</h1>
<p>{html_text(document.subtitle)}</p>
{middle}
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
    parts = [f"<section{css} id='s{index}'>"]
    if title:
        parts.append(f"<{tag}>{html_text(title)}</{tag}>")
    parts += [_html_block(block) for block in section.blocks]
    parts.append("</section>")
    return "\n".join(parts)


def _html_block(block: Block) -> str:
    if isinstance(block, str):
        return f"<p>{html_text(block)}</p>"
    if isinstance(block, Table):
        return _html_table(block)
    if isinstance(block, Steps):
        return "<ol>" + "".join(f"<li>{html_text(item)}</li>" for item in block.items) + "</ol>"
    if isinstance(block, Drawing):
        svg = flowable_svg(block.draw(page.text_width()), page.text_width(), block.caption)
        caption = f"<figcaption>{html_text(block.caption)}</figcaption>"
        return f"<figure><div class='map'>{svg}</div>{caption}</figure>"
    data = base64.b64encode(block.png).decode("ascii")
    return (
        f"<figure><img src='data:image/png;base64,{data}' alt='{html_text(block.caption)}'>"
        f"<figcaption>{html_text(block.caption)}</figcaption></figure>"
    )


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


def _html_cell(cell: Cell) -> str:
    """Return a cell's lines, escaped; text with right-to-left letters kept apart (bdi)."""
    lines = cell.split("\n") if isinstance(cell, str) else ["".join(parts) for parts in cell]
    return "<br>".join(
        f"<bdi>{html_text(line)}</bdi>" if fonts.has_rtl(line) else html_text(line)
        for line in lines
    )


# --- PDF -----------------------------------------------------------------------------------


def write_pdf(document: Document, path: Path, password: str | None = None) -> Path:
    """Write the document as an A4 PDF on the shared page furniture (:mod:`outputs.page`).

    A report gets a title page and contents with page numbers; every page carries the
    marking, the date of issue and "Page N of M".

    Parameters
    ----------
    document
        The document.
    path
        Where to write it.
    password
        Encrypt it with this password (`outputs._pdf.save_pdf`).

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    pdf = _PdfWriter(page.styles(), page.text_width())
    sheet = document.layout == "sheet"
    story = pdf.sheet_opening(document) if sheet else pdf.report_opening(document)
    for section, number in zip(document.sections, _numbers(document.sections), strict=True):
        story += pdf.section(section, _title(section, number), sheet=sheet)
    if sheet:
        story += pdf.signatures(document.signatures)
    data = page.build_pdf(
        story,
        document.furniture,
        title=document.title,
        author=document.author or document.subtitle,
    )
    return save_pdf(data, path, password)


@dataclass(frozen=True)
class _PdfWriter:
    """Turns the document's parts into reportlab flowables in the shared styles."""

    styles: page.Styles
    width: float  # of the text, points

    def report_opening(self, document: Document) -> list[Any]:
        """Return the title page with the facts and signatures, then the contents page."""
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm
        from reportlab.platypus import PageBreak, Paragraph, Spacer
        from reportlab.platypus.tableofcontents import TableOfContents

        m, body = fonts.markup, self.styles.body
        contents = TableOfContents()
        contents.levelStyles = [
            ParagraphStyle("toc1", parent=body, fontName=fonts.BOLD, leftIndent=0),
            ParagraphStyle("toc2", parent=body, leftIndent=12 * mm, fontSize=9),
        ]
        return [
            Spacer(1, 30 * mm),
            Paragraph(m(document.title, bold=True), self.styles.title),
            Spacer(1, 4 * mm),
            Paragraph(m(document.subtitle), body),
            Spacer(1, 8 * mm),
            self.grid(Table((), document.facts, (1, 2))),
            Spacer(1, 14 * mm),
            *self.signatures(document.signatures),
            PageBreak(),
            Paragraph(m("Contents", bold=True), self.styles.heading),
            contents,
            PageBreak(),
        ]

    def sheet_opening(self, document: Document) -> list[Any]:
        """Return the title, the subtitle and the facts at the top of the first page."""
        from reportlab.lib.units import mm
        from reportlab.platypus import Paragraph, Spacer

        m = fonts.markup
        return [
            Paragraph(m(document.title, bold=True), self.styles.sheet_title),
            Paragraph(m(document.subtitle), self.styles.body),
            *(Paragraph(m(f"{k} {v}"), self.styles.small) for k, v in document.facts),
            Spacer(1, 2 * mm),
        ]

    def signatures(self, signatures: Sequence[Signature]) -> list[Any]:
        """Return the blocks to sign, kept on one page: the line and date, role, name, purpose."""
        from reportlab.lib.units import mm
        from reportlab.platypus import KeepTogether, Paragraph, Spacer

        m, body = fonts.markup, self.styles.body
        blocks = [
            [
                Spacer(1, 12 * mm),
                Paragraph("_" * 48 + "&nbsp;&nbsp;&nbsp; Date: " + "_" * 16, body),
                Paragraph(m(signature.role, bold=True), body),
                Paragraph("<br/>".join(m(line) for line in signature.name.split("\n")), body),
                Paragraph(m(signature.purpose), self.styles.small),
            ]
            for signature in signatures
        ]
        return [KeepTogether([f for block in blocks for f in block])] if blocks else []

    def section(self, section: Section, title: str, *, sheet: bool) -> list[Any]:
        """Return a section's flowables: a page break if asked, its heading and blocks."""
        from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak

        story: list[Any] = [PageBreak()] if section.new_page else []
        flowables = [self.heading(section, title, sheet=sheet)] if title else []
        lead = 0  # how many flowables the heading and the first block make
        for block in section.blocks:
            flowables += self.block(block)
            lead = lead or len(flowables)
        first = section.blocks[0] if section.blocks else None
        if isinstance(first, Drawing):
            # The drawing takes what is left of the page, down to its smallest; its heading
            # and caption (as long as they are) stay on that page with it.
            story.append(CondPageBreak(_least_height(flowables[:lead], self.width)))
        if title and isinstance(first, Figure):
            # A heading must not stay behind at the foot of a page without its figure.
            story.append(KeepTogether(flowables[:2]))
            flowables = flowables[2:]
        return story + flowables

    def heading(self, section: Section, title: str, *, sheet: bool) -> Any:
        """Return the heading, an entry of the contents in a report."""
        from reportlab.platypus import Paragraph

        m = fonts.markup
        style = self.styles.heading if section.level == 1 and not sheet else self.styles.subheading
        paragraph = Paragraph(m(title, bold=True), style)
        if not sheet:
            paragraph.toc_level = section.level - 1
            paragraph.toc_markup = m(title, bold=section.level == 1)
        return paragraph

    def block(self, block: Block) -> list[Any]:
        """Return one block's flowables."""
        from reportlab.lib.units import mm
        from reportlab.platypus import ListFlowable, Paragraph, Spacer

        m = fonts.markup
        if isinstance(block, str):
            return [Paragraph(m(block), self.styles.body), Spacer(1, 1.5 * mm)]
        if isinstance(block, Table):
            return [self.grid(block), Spacer(1, 2 * mm)]
        if isinstance(block, Steps):
            items = [Paragraph(m(item), self.styles.body) for item in block.items]
            return [
                ListFlowable(items, bulletType="1", bulletFontName=fonts.REGULAR,
                             bulletFontSize=self.styles.body.fontSize),
                Spacer(1, 1.5 * mm),
            ]  # fmt: skip
        if isinstance(block, Drawing):
            return [
                Paragraph(m(block.caption), self.styles.small),
                Spacer(1, 1.5 * mm),
                block.draw(self.width),
            ]
        return self.figure(block)

    def figure(self, figure: Figure) -> list[Any]:
        """Return the image to the text's width (no taller than the limit) and its caption."""
        from reportlab.lib.units import mm
        from reportlab.platypus import Image, KeepTogether, Paragraph, Spacer

        image_width, image_height = self.width, self.width * figure.aspect
        limit = FIGURE_LIMIT_MM * mm
        if image_height > limit:
            image_width, image_height = image_width * limit / image_height, limit
        return [
            KeepTogether(
                [
                    Image(io.BytesIO(figure.png), width=image_width, height=image_height),
                    Paragraph(fonts.markup(figure.caption), self.styles.small),
                    Spacer(1, 3 * mm),
                ]
            )
        ]

    def grid(self, table: Table) -> Any:
        """Return the table spread over the text's width, long words broken to fit."""
        small = self.styles.small
        rows = table.rows or ((table.empty, *[""] * (len(table.widths) - 1)),)
        total = sum(table.widths)
        widths = [self.width * w / total for w in table.widths]
        header = [
            _fit_words(h, w, small.fontSize, bold=True)
            for h, w in zip(table.header, widths, strict=False)
        ]
        columns = [
            _FittedWords(w, small.fontSize, bold=i in table.bold_columns)
            for i, w in enumerate(widths)
        ]
        body = [
            [column[c] if isinstance(c, str) else c for column, c in zip(columns, row, strict=True)]
            for row in rows
        ]
        return text_table(
            header if any(table.header) else None,
            body,
            widths,
            size=small.fontSize,
            leading=small.leading,
            bold_columns=table.bold_columns,
        )


def _least_height(flowables: list[Any], width: float) -> float:
    """Return the least height ``flowables`` take together, the spaces between them included.

    A flowable that shrinks to fit (a zone's map) is measured at its smallest.
    """
    return sum(f.wrap(width, 0)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


class _FittedWords(dict[str, str]):
    """One column's texts with their long words broken to fit, each distinct text once."""

    def __init__(self, width: float, size: float, *, bold: bool) -> None:
        super().__init__()
        self.width = width
        self.size = size
        self.bold = bold

    def __missing__(self, text: str) -> str:
        fitted = self[text] = _fit_words(text, self.width, self.size, bold=self.bold)
        return fitted


@functools.lru_cache(maxsize=1 << 16)
def _fit_words(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """Return a cell's text with every word wider than its column broken to fit.

    Lines wrap at spaces when the table is drawn; a single word wider than the column
    (a long place name in a narrow column) would run over the next cell, so it is cut
    into pieces that fit, each on its own line and all but the last ending in a hyphen.
    Cached: the cells of a long table repeat the same few texts.
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
