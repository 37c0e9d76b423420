"""Document layout: a drawing's heading and caption never stay behind without it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.platypus import Flowable

from outputs.document import Document, Drawing, Section, write_pdf

CAPTION = " ".join(["A long caption that explains every symbol of the zone's map."] * 6)


class ShrinkingMap(Flowable):
    """Takes what is left of the page between its least and its full height, as a zone map."""

    def __init__(self, width: float, least: float, full: float) -> None:
        super().__init__()
        self.width, self.least, self.full = width, least, full

    def wrap(self, _width: float, available: float) -> tuple[float, float]:
        self.height = max(self.least, min(self.full, available - 1))
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawString(10, self.height / 2, "MAP BODY")


def _document(filler_lines: int) -> Document:
    def draw(width: float) -> Any:
        return ShrinkingMap(width, 0.45 * width + 24, 0.8 * width + 24)

    filler = Section("Households", ("One line of the list.",) * filler_lines, numbered=False)
    drawing = Section("Map of the zone", (Drawing(draw, CAPTION, 0.45),), numbered=False)
    return Document(
        title="Zone Z001",
        subtitle="Warden list",
        marking="CONFIDENTIAL",
        issued=dt.date(2026, 12, 1),
        facts=(),
        sections=(filler, drawing),
        layout="sheet",
    )


@pytest.mark.parametrize("filler_lines", range(60))
def test_a_map_heading_and_caption_stay_on_the_page_of_the_map(
    tmp_path: Path, filler_lines: int
) -> None:
    path = write_pdf(_document(filler_lines), tmp_path / "list.pdf")
    pages = [page.extract_text() for page in PdfReader(path).pages]
    (heading,) = [i for i, text in enumerate(pages) if "Map of the zone" in text]
    (body,) = [i for i, text in enumerate(pages) if "MAP BODY" in text]
    assert heading == body
    assert "A long caption" in pages[body]
