"""Long PDF tables: split over pages where reportlab splits them, every row once, in order.

The tables of the documents (`outputs._pdf.text_table`) are laid out page by page by
`outputs._pdf.PagedTable`; the manifests and the roll-call sheets are its longest users.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from outputs import fonts, page
from outputs._pdf import PagedTable, grid_style, text_table
from outputs.document import Document, Section, Table, write_pdf
from outputs.manifests import LONG_MANIFEST, write_manifests
from outputs.roll_call import write_roll_call

ISSUED = dt.date(2026, 12, 1)
ROW_ID = re.compile(r"R\d{4}")


def pages_text(path: Path) -> list[str]:
    """Return the text of each page of a PDF."""
    return [p.extract_text() for p in PdfReader(path).pages]


def row_ids(text: str, pattern: re.Pattern[str] = ROW_ID) -> list[str]:
    return pattern.findall(text)


def mixed_rows(count: int) -> list[tuple[str, ...]]:
    """Return rows of one to four lines: line breaks, long words, wrapped text and CJK."""
    rows = []
    for i in range(count):
        name = f"Person {i}" + ("\n(away)" if i % 7 == 0 else "")
        if i % 11 == 0:
            name += " 李小龙"  # a paragraph cell
        note = "a long note that wraps over two lines in its narrow column" if i % 5 == 0 else ""
        if i % 13 == 0:
            note = "Supercalifragilisticexpialidocious-Hauptbahnhofstrasse"  # broken to fit
        rows.append((f"R{i:04d}", name, note, "x" if i % 2 else ""))
    return rows


def test_a_long_table_lists_every_row_once_in_order_with_the_header_on_each_page(
    tmp_path: Path,
) -> None:
    rows = mixed_rows(600)
    document = Document(
        title="Long table",
        subtitle="600 rows",
        marking="CONFIDENTIAL",
        issued=ISSUED,
        facts=(("Rows", "600"),),
        sections=(
            Section(
                "People",
                (
                    "Before the table.",
                    Table(("Ident", "Name", "Remarks", "Tick"), rows, (1, 2, 2, 1)),
                ),
                numbered=False,
            ),
        ),
        layout="sheet",
    )
    pages = pages_text(write_pdf(document, tmp_path / "long.pdf"))
    assert len(pages) >= 8
    assert [i for p in pages for i in row_ids(p)] == [row[0] for row in rows]
    for text in pages:
        assert row_ids(text)  # no page without rows (no empty page, no lone header)
        assert "Ident" in text
        assert "Remarks" in text
        assert text.index("Ident") < text.index(row_ids(text)[0])  # the header comes first
    assert "李小龙" in "".join(pages)
    assert "-Hauptb-\nahnhofstrasse" in "".join(pages)  # a word too wide for its column is cut


HEADER = ("Ident", "Name", "Remarks", "Tick")


def small_table(rows: list, header: tuple[str, ...] | None = HEADER, **options: Any) -> PagedTable:
    """Return the test rows as a table of the documents' small text, 480 pt wide."""
    styles = page.styles()
    return text_table(
        header,
        rows,
        [60.0, 160.0, 200.0, 60.0],
        size=styles.small.fontSize,
        leading=styles.small.leading,
        **options,
    )


def test_pages_break_where_reportlabs_own_table_breaks(tmp_path: Path) -> None:
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as ReportlabTable

    rows = mixed_rows(400)
    styles = page.styles()
    paged = small_table(rows, bold_columns=(0,))
    cells = paged.rows
    # The same cells in one reportlab Table, which splits itself (measuring each row).
    whole = ReportlabTable(
        [cells.header, *cells.body], colWidths=cells.widths, repeatRows=1, style=cells.commands
    )
    furniture = page.Furniture("CONFIDENTIAL", "Tables", ISSUED)
    texts = []
    for name, table in (("paged", paged), ("reportlab", whole)):
        story = [Paragraph("Some text above the table.", styles.body), table]
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(page.build_pdf(story, furniture, title=name, author="test"))
        texts.append([row_ids(text) for text in pages_text(path)])
    assert texts[0] == texts[1]
    assert len(texts[0]) >= 6


def test_a_short_table_is_measured_as_reportlab_measures_it() -> None:
    from reportlab.platypus import Table as ReportlabTable

    paged = small_table(mixed_rows(30))
    cells = paged.rows
    whole = ReportlabTable(
        [cells.header, *cells.body], colWidths=cells.widths, style=cells.commands
    )
    assert paged.wrap(480, 10_000) == whole.wrap(480, 10_000)
    assert paged.split(480, 10_000) == [paged]  # it fits: nothing to split
    assert paged.split(480, 5) == []  # not even the header and a row fit


def register(counts: dict[str, int]) -> pd.DataFrame:
    """Return a person register: ``counts`` people in each zone, households of three."""
    rows = [
        {
            "person_id": f"{zone}-R{i:04d}",
            "kind": "staff" if i % 3 == 0 else "dependant",
            "name": f"Person {i} of {zone}",
            "household_id": f"{zone}-H{i // 3:03d}",
            "zone_id": zone,
            "presence": "present" if i % 9 else "away",
            "warden_name": "Ada Warden",
            "warden_phone": "+41 22 000 00 00",
        }
        for zone, count in counts.items()
        for i in range(count)
    ]
    return pd.DataFrame(rows)


def test_a_long_roll_call_sheet_lists_every_person_once_in_order(tmp_path: Path) -> None:
    people = register({"Z01": 450, "Z02": 20})
    paths = write_roll_call(people, tmp_path, station="Geneva", issued=ISSUED)
    assert [p.name for p in paths] == ["register.csv", "Z01.csv", "Z01.pdf", "Z02.csv", "Z02.pdf"]
    for zone, count in (("Z01", 450), ("Z02", 20)):
        pages = pages_text(tmp_path / "roll_call" / f"{zone}.pdf")
        pattern = re.compile(rf"{zone}-R\d{{4}}")
        listed = [i for text in pages for i in row_ids(text, pattern)]
        assert listed == [f"{zone}-R{i:04d}" for i in range(count)]
        for text in pages:
            assert "person_id" in text  # the header, on every page
            assert "household" in text
        sheet = pd.read_csv(tmp_path / "roll_call" / f"{zone}.csv", dtype=str)
        assert sheet["person_id"].tolist() == listed
    assert len(pages_text(tmp_path / "roll_call" / "Z01.pdf")) >= 5
    assert "(away)" in pages_text(tmp_path / "roll_call" / "Z01.pdf")[0]


def manifest(count: int) -> pd.DataFrame:
    """Return manifest people of one concentration point leaving by two departure points."""
    return pd.DataFrame(
        {
            "concentration_id": "CP1",
            "household_id": [f"H{i // 3:04d}" for i in range(count)],
            "person_id": [f"R{i:04d}" for i in range(count)],
            "staff_id": None,
            "person": "staff",
            "name": [f"Person {i}" for i in range(count)],
            "category": "international",
            "movement": "evacuate",
            "destination_id": ["DP1" if i % 4 else "DP2" for i in range(count)],
            "status": "travels",
            "zone_id": "Z01",
            "assembly_id": "AP1",
            "special_needs": ["wheelchair" if i % 10 == 0 else None for i in range(count)],
            "vehicle": None,
            "phone": None,
        }
    )


def test_long_manifests_list_every_person_once_in_order(tmp_path: Path) -> None:
    people = manifest(LONG_MANIFEST + 200)  # long enough to be written in parallel
    paths = write_manifests(people, tmp_path, station_name="Geneva", issued=ISSUED)
    folder = tmp_path / "manifests"
    assert paths == [
        folder / "CP1.csv",
        folder / "CP1.pdf",
        folder / "departures" / "DP1.csv",
        folder / "departures" / "DP1.pdf",
        folder / "departures" / "DP2.csv",
        folder / "departures" / "DP2.pdf",
    ]
    for path, listed in (
        (folder / "CP1.pdf", people),
        (folder / "departures" / "DP1.pdf", people[people["destination_id"] == "DP1"]),
        (folder / "departures" / "DP2.pdf", people[people["destination_id"] == "DP2"]),
    ):
        pages = pages_text(path)
        assert [i for text in pages for i in row_ids(text)] == listed["person_id"].tolist()
        assert all("Household" in text and "Needs / vehicle" in text for text in pages)
    assert len(pages_text(folder / "CP1.pdf")) >= 10


def plain_rows(count: int) -> list[tuple[str, ...]]:
    """Return rows of plain text (no CJK): one to three lines, a right-to-left note."""
    return [
        (row[0], row[1], "مرحبا Shalom שלום" if i % 17 == 0 else row[2], row[3])
        for i, row in enumerate(mixed_rows(count))
        for row in [tuple(cell.replace(" 李小龙", "") for cell in row)]
    ]


def rendered(path: Path, tmp_path: Path) -> list[np.ndarray]:
    """Return each page of a PDF rendered at 100 dpi, as RGB arrays."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed: .ci/run installs it"
    prefix = tmp_path / path.stem
    subprocess.run([pdftoppm, "-r", "100", "-png", str(path), str(prefix)], check=True)
    pngs = sorted(tmp_path.glob(f"{path.stem}-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    return [np.asarray(Image.open(png).convert("RGB"), dtype=int) for png in pngs]


def text_objects(path: Path) -> list[int]:
    """Return how many text objects (BT operators) each page of a PDF draws."""
    return [page.get_contents().get_data().count(b"BT") for page in PdfReader(path).pages]


WALLET_STYLE = [
    ("LINEBELOW", (0, 0), (-1, -1), 0.3, "#c5ccd4"),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("TOPPADDING", (0, 0), (-1, -1), 0.8),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
    ("LEFTPADDING", (0, 0), (-1, -1), 1.5),
    ("RIGHTPADDING", (0, 0), (-1, -1), 1.5),
]


LEFT = ("ALIGN", (0, 0), (-1, -1), "LEFT")


@pytest.mark.parametrize(
    ("header", "style", "rows"),
    [
        (HEADER, None, plain_rows(300)),
        (HEADER, None, mixed_rows(60) + plain_rows(300)[60:]),  # CJK paragraphs
        (None, None, plain_rows(300)),
        (None, WALLET_STYLE, plain_rows(300)),
    ],
    ids=["grid-header", "grid-header-cjk", "grid", "wallet-card"],
)
def test_a_long_table_looks_as_reportlab_draws_it_on_every_page(
    tmp_path: Path, header: tuple[str, ...] | None, style: list | None, rows: list
) -> None:
    from reportlab.platypus import Paragraph

    styles = page.styles()
    style = grid_style(header=header is not None) if style is None else style
    tables = {
        name: small_table(rows, header=header, style=commands, bold_columns=(0,))
        # ALIGN LEFT changes nothing drawn, but only reportlab's Table draws it.
        for name, commands in (("paged", style), ("reportlab", [*style, LEFT]))
    }
    furniture = page.Furniture("CONFIDENTIAL", "Tables", ISSUED)
    paths = {}
    for name, table in tables.items():
        story = [Paragraph("Some text above the table.", styles.body), table]
        paths[name] = tmp_path / f"{name}.pdf"
        paths[name].write_bytes(page.build_pdf(story, furniture, title="t", author="test"))
    ours, theirs = rendered(paths["paged"], tmp_path), rendered(paths["reportlab"], tmp_path)
    assert len(ours) == len(theirs) >= 5
    for number, (mine, reference) in enumerate(zip(ours, theirs, strict=True), start=1):
        assert mine.shape == reference.shape
        differing = int((np.abs(mine - reference).max(axis=2) > 2).sum())
        assert differing < 20, f"page {number}: {differing} pixels differ"  # anti-aliasing
        assert (reference != 255).any(axis=2).sum() > 10_000  # the page is not blank
    listed = pages_text(paths["paged"])
    assert [i for text in listed for i in row_ids(text)] == [row[0] for row in rows]
    assert all(("Remarks" in text) == (header is not None) for text in listed)
    # A page's strings are drawn in one text object, not one per line as reportlab does
    # (a paragraph cell draws its own).
    for ours_count, theirs_count in zip(*map(text_objects, paths.values()), strict=True):
        assert ours_count < theirs_count / 4


def test_plain_look_draws_only_the_styles_it_knows() -> None:
    from outputs._plain_table import plain_look

    page.styles()  # registers the fonts
    known = [
        *grid_style(),
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
    ]
    look = plain_look(known, 10, 4)
    assert look is not None
    assert {t.font for t in look.first} == {fonts.BOLD}
    assert {t.font for t in look.rest} == {fonts.REGULAR}
    assert plain_look([*WALLET_STYLE, ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR)], 10, 4)
    assert plain_look(grid_style(), 10, 4) is None  # reportlab's default font, not TrueType
    assert plain_look([*known, LEFT], 10, 4) is None
    assert plain_look([*known, ("VALIGN", (1, 0), (1, -1), "MIDDLE")], 10, 4) is None
    assert plain_look([*known, ("FONTNAME", (0, 2), (0, 4), fonts.BOLD)], 10, 4) is None
    assert plain_look([*known, ("LINEABOVE", (0, 0), (-1, 0), 1, "#000000")], 10, 4) is None
    assert plain_look([*known, ("BACKGROUND", (0, "splitlast"), (-1, 0), "#000000")], 10, 4) is None


def test_a_flowable_cell_is_drawn_where_reportlab_draws_it(tmp_path: Path) -> None:
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as ReportlabTable

    styles = page.styles()
    wrapped = Paragraph("a paragraph cell long enough to wrap in its column " * 3, styles.small)
    rows = [*plain_rows(20), ("R9999", wrapped, "drawn", "x"), *plain_rows(40)[30:]]
    paged = small_table(rows)
    cells = paged.rows
    whole = ReportlabTable(
        [cells.header, *cells.body], colWidths=cells.widths, repeatRows=1, style=cells.commands
    )
    furniture = page.Furniture("CONFIDENTIAL", "Tables", ISSUED)
    paths = {"paged": tmp_path / "paged.pdf", "reportlab": tmp_path / "reportlab.pdf"}
    for path, table in zip(paths.values(), (paged, whole), strict=True):
        path.write_bytes(page.build_pdf([table], furniture, title="t", author="test"))
    (text,) = pages_text(paths["paged"])
    assert row_ids(text) == [row[0] for row in rows]
    assert "a paragraph cell" in text
    assert [text] == pages_text(paths["reportlab"])  # read in the same order
    (mine,), (reference,) = (rendered(path, tmp_path) for path in paths.values())
    assert int((np.abs(mine - reference).max(axis=2) > 2).sum()) < 20
    assert text_objects(paths["paged"])[0] < 10  # the strings in one, the paragraph in its own


@settings(max_examples=300, deadline=None)
@given(
    line=st.text(alphabet=st.sampled_from(list("ab WMiil.-\t\u00a0ü")), max_size=40),
    near=st.floats(min_value=-3.0, max_value=3.0),
    bold=st.booleans(),
)
def test_a_cell_line_is_wrapped_as_reportlabs_simple_split_wraps_it(
    line: str, near: float, bold: bool
) -> None:
    from reportlab.lib.utils import simpleSplit
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from outputs._pdf import _wrap

    page.styles()  # registers the fonts
    font = fonts.BOLD if bold else fonts.REGULAR
    width = max(1.0, stringWidth(line, font, 8.0) + near)  # about as wide as the line
    assert _wrap(line, width, 8.0, bold) == "\n".join(simpleSplit(line, font, 8.0, width) or [""])
