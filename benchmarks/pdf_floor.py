"""What one small PDF costs: the plan's document model against bare PDF engines, in one run.

A 10,000-household plan writes about 1,800 small PDFs (warden lists, wallet cards, letters,
roll-call sheets). This measures the cost of one such file apart from its content: an A4
page with a title, two facts, a sentence and a 10-row table of names, phones and addresses,
in DejaVu Sans regular and bold (embedded as subsets, streams compressed), written to disk.

- ``warden-planner``: :func:`outputs.document.write_pdf` (page furniture, "Page N of M",
  the table as the documents draw it);
- ``reportlab-canvas``: the same text drawn with ReportLab's canvas, no layout (the least
  the plan's engine can cost);
- ``fpdf2`` and ``pymupdf``: the same text with those engines, if installed
  (``pip install fpdf2 pymupdf``; PyMuPDF is AGPL-licensed).

Usage: python -P benchmarks/pdf_floor.py [--count 200]
Prints a Markdown table: CPU milliseconds per file (best of 3 rounds), the ratio to
warden-planner's, and the file size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from outputs import fonts
from outputs.document import Document, Section, Table, write_pdf

ROWS = 10
FONTS = fonts.register_fonts()  # the files the plan embeds, also given to the other engines
REGULAR, BOLD = str(FONTS.paths[FONTS.regular]), str(FONTS.paths[FONTS.bold])


def rows(i: int) -> list[tuple[str, str, str]]:
    return [
        (f"Person {i}-{j} Wongsakul", f"+66 81 255 {j:04d}", f"{j + 1} Sukhumvit Soi {i % 50}")
        for j in range(ROWS)
    ]


def lines(i: int) -> list[tuple[str, bool]]:
    """The page's text as lines, and whether each is bold (for the bare engines)."""
    head = [(f"Zone Z{i:03d}", True), ("Warden: Somchai Wongsakul, +66 81 255 0055", False)]
    head.append(("Call each household in turn.", False))
    table = [("Name    Phone    Address", True)]
    table += [("    ".join(row), False) for row in rows(i)]
    return [*head, *table, ("CONFIDENTIAL - Page 1 of 1", False)]


def planner_pdf(i: int, path: Path) -> None:
    document = Document(
        title=f"Zone Z{i:03d}",
        subtitle="Bangkok",
        marking="CONFIDENTIAL",
        issued=dt.date(2026, 12, 1),
        facts=(("Warden", "Somchai Wongsakul"), ("Phone", "+66 81 255 0055")),
        sections=(
            Section(
                "Households",
                (
                    "Call each household in turn.",
                    Table(("Name", "Phone", "Address"), rows(i), (2, 1, 2)),
                ),
            ),
        ),
        layout="sheet",
    )
    write_pdf(document, path)


def reportlab_pdf(i: int, path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(path), pagesize=A4)
    y = 800.0
    for text, bold in lines(i):
        canvas.setFont(fonts.BOLD if bold else fonts.REGULAR, 9)
        canvas.drawString(50, y, text)
        y -= 14
    canvas.showPage()
    canvas.save()


def fpdf2_pdf(i: int, path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", REGULAR)
    pdf.add_font("DejaVu", "B", BOLD)
    pdf.add_page()
    for text, bold in lines(i):
        pdf.set_font("DejaVu", "B" if bold else "", 9)
        pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def pymupdf_pdf(i: int, path: Path) -> None:
    import pymupdf

    document = pymupdf.open()
    page = document.new_page(width=595, height=842)
    y = 42.0
    for text, bold in lines(i):
        name, file = ("dvb", BOLD) if bold else ("dv", REGULAR)
        page.insert_text((50, y), text, fontname=name, fontfile=file, fontsize=9)
        y += 14
    document.subset_fonts()
    document.save(str(path), garbage=3, deflate=True)


def engines() -> dict[str, Callable[[int, Path], None]]:
    """Return the engines to compare, the peers only when installed."""
    found: dict[str, Callable[[int, Path], None]] = {
        "warden-planner": planner_pdf,
        "reportlab-canvas": reportlab_pdf,
    }
    for name, module, writer in (("fpdf2", "fpdf", fpdf2_pdf), ("pymupdf", "pymupdf", pymupdf_pdf)):
        try:
            __import__(module)
        except ImportError:
            print(f"({name} not installed: skipped)")
            continue
        found[name] = writer
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="files per round")
    count = parser.parse_args().count
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, writer in engines().items():
            for i in range(5):  # warm the caches (fonts parsed, modules imported)
                writer(i, Path(folder) / f"{name}-warm.pdf")
            best = float("inf")
            for _ in range(3):
                start = time.process_time()
                for i in range(count):
                    writer(i, Path(folder) / f"{name}-{i}.pdf")
                best = min(best, (time.process_time() - start) / count)
            results[name] = (best, (Path(folder) / f"{name}-1.pdf").stat().st_size)
    ours = results["warden-planner"][0]
    print("| engine | CPU ms per file | / warden-planner | file KB |")
    print("|---|---|---|---|")
    for name, (seconds, size) in results.items():
        print(f"| {name} | {seconds * 1000:.1f} | {seconds / ours:.2f} | {size / 1024:.0f} |")


if __name__ == "__main__":
    main()
