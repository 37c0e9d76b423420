"""Compare two plan folders file by file: are the outputs of a change byte-compatible?

Usage: python benchmarks/compare_plans.py BEFORE AFTER [--excerpt 12]

Every file of both folders is classified:

- ``identical``: same bytes;
- ``missing`` / ``extra``: only in BEFORE / only in AFTER;
- ``rounding``: a text file (CSV, JSON, GeoJSON, KML, HTML, vCard, ...) whose only differences
  are decimal numbers that differ by at most one unit of their last printed digit (integers
  are counts and ids: any change is a difference);
- ``pdf-metadata``: a PDF whose bytes differ only in its document id and dates;
- ``pdf-text``: a PDF with the same pages, page sizes and text per page but other drawing;
- ``same-pixels``: an image with other bytes but the same pixels;
- ``differs``: anything else, with a unified-diff excerpt or what differs.

The exit status is 0 when every file is identical, ``rounding``, ``pdf-metadata`` or
``same-pixels``, and 1 otherwise (``pdf-text`` counts as a difference: maps are drawings).
The script lives beside the benchmarks because, like them, it is a developer's tool run on
written plans (not part of the installed packages) and shares their ruff exemptions.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sqlite3
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from pypdf import PageObject

TEXT_SUFFIXES = frozenset(
    {".csv", ".json", ".geojson", ".kml", ".html", ".htm", ".vcf", ".txt", ".md", ".svg"}
    | {".js", ".css", ".xml", ".toml"}
)
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})
SQLITE_SUFFIXES = frozenset({".gpkg", ".sqlite"})
ACCEPTED = frozenset({"identical", "rounding", "pdf-metadata", "same-pixels"})

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
# What a PDF writer changes on every run: the trailer's /ID pair and the info dates.
PDF_VOLATILE = (
    re.compile(rb"/ID\s*\[\s*<[0-9a-fA-F]*>\s*<[0-9a-fA-F]*>\s*\]"),
    re.compile(rb"/(?:CreationDate|ModDate)\s*\(D:[^)]*\)"),
)
LINE_WIDTH = 160


@dataclass(frozen=True)
class Difference:
    """How one file of the two folders compares."""

    path: str
    status: str
    detail: str = ""
    excerpt: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        """Whether this difference keeps the folders byte-compatible (exit status 0)."""
        return self.status in ACCEPTED


def compare_folders(before: Path, after: Path, *, excerpt_lines: int = 12) -> list[Difference]:
    """Return one Difference per file found in either folder, sorted by relative path."""
    before_files = _relative_files(before)
    after_files = _relative_files(after)
    results = []
    for name in sorted(before_files | after_files):
        if name not in after_files:
            results.append(Difference(name, "missing", "only in BEFORE"))
        elif name not in before_files:
            results.append(Difference(name, "extra", "only in AFTER"))
        else:
            results.append(compare_files(before / name, after / name, name, excerpt_lines))
    return results


def compare_files(before: Path, after: Path, name: str, excerpt_lines: int = 12) -> Difference:
    """Classify how two files of the same relative name differ."""
    old, new = before.read_bytes(), after.read_bytes()
    if old == new:
        return Difference(name, "identical")
    suffix = before.suffix.lower()
    if suffix == ".pdf":
        return _compare_pdfs(name, before, after, old, new)
    if suffix in IMAGE_SUFFIXES:
        return _compare_images(name, before, after)
    if suffix in SQLITE_SUFFIXES:
        return _compare_texts(name, _sqlite_dump(before), _sqlite_dump(after), excerpt_lines)
    return _compare_other(name, old, new, text=suffix in TEXT_SUFFIXES, lines=excerpt_lines)


def _compare_other(name: str, old: bytes, new: bytes, *, text: bool, lines: int) -> Difference:
    """Compare as text a text file, or a file of another suffix (the folder's marker) if UTF-8."""
    errors = "replace" if text else "strict"
    try:
        return _compare_texts(name, old.decode("utf-8", errors), new.decode("utf-8", errors), lines)
    except UnicodeDecodeError:
        return Difference(name, "differs", f"binary, {len(old)} -> {len(new)} bytes")


def _relative_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _compare_texts(name: str, old: str, new: str, excerpt_lines: int) -> Difference:
    old_lines, new_lines = old.splitlines(), new.splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=False) if a != b]
    excerpt = _diff_excerpt(old_lines, new_lines, excerpt_lines)
    if len(old_lines) != len(new_lines):
        detail = f"{len(old_lines)} -> {len(new_lines)} lines"
        return Difference(name, "differs", detail, excerpt)
    if all(_only_last_digit(a, b) for a, b in changed):
        return Difference(name, "rounding", f"{len(changed)} lines, last digits only", excerpt)
    return Difference(name, "differs", f"{len(changed)} of {len(old_lines)} lines", excerpt)


def _only_last_digit(old_line: str, new_line: str) -> bool:
    """Whether two lines differ only in numbers, each by one unit of its last printed digit."""
    if NUMBER.split(old_line) != NUMBER.split(new_line):
        return False
    old_numbers, new_numbers = NUMBER.findall(old_line), NUMBER.findall(new_line)
    if len(old_numbers) != len(new_numbers):
        return False
    return all(_within_last_digit(a, b) for a, b in zip(old_numbers, new_numbers, strict=True))


def _within_last_digit(old: str, new: str) -> bool:
    if old == new:
        return True
    if "." not in old or "." not in new:  # integers are counts and ids, never rounded
        return False
    try:
        a, b = Decimal(old), Decimal(new)
    except InvalidOperation:
        return False
    # One unit of the last digit of the coarser of the two printed numbers.
    unit = Decimal(1).scaleb(max(a.as_tuple().exponent, b.as_tuple().exponent))
    return abs(a - b) <= unit


def _diff_excerpt(old: list[str], new: list[str], lines: int) -> tuple[str, ...]:
    diff = difflib.unified_diff(old, new, "BEFORE", "AFTER", n=1, lineterm="")
    excerpt = []
    for line in diff:
        if len(excerpt) >= lines:
            excerpt.append("...")
            break
        excerpt.append(line if len(line) <= LINE_WIDTH else line[: LINE_WIDTH - 3] + "...")
    return tuple(excerpt)


def _sqlite_dump(path: Path) -> str:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


def _compare_pdfs(name: str, before: Path, after: Path, old: bytes, new: bytes) -> Difference:
    from pypdf import PdfReader

    old_pdf, new_pdf = PdfReader(before), PdfReader(after)
    if len(old_pdf.pages) != len(new_pdf.pages):
        return Difference(name, "differs", f"{len(old_pdf.pages)} -> {len(new_pdf.pages)} pages")
    for number, (old_page, new_page) in enumerate(
        zip(old_pdf.pages, new_pdf.pages, strict=True), start=1
    ):
        old_size = _page_size(old_page)
        new_size = _page_size(new_page)
        if old_size != new_size:
            return Difference(name, "differs", f"page {number}: size {old_size} -> {new_size}")
        old_text, new_text = old_page.extract_text(), new_page.extract_text()
        if old_text != new_text:
            excerpt = _diff_excerpt(old_text.splitlines(), new_text.splitlines(), 12)
            return Difference(name, "differs", f"page {number}: text differs", excerpt)
    if _without_volatile(old) == _without_volatile(new):
        return Difference(name, "pdf-metadata", "document id or dates only")
    return Difference(name, "pdf-text", f"same {len(old_pdf.pages)} pages and text, other bytes")


def _page_size(page: PageObject) -> tuple[float, float]:
    box = page.mediabox
    return (round(float(box.width), 2), round(float(box.height), 2))


def _without_volatile(data: bytes) -> bytes:
    for pattern in PDF_VOLATILE:
        data = pattern.sub(b"", data)
    return data


def _compare_images(name: str, before: Path, after: Path) -> Difference:
    import numpy as np
    from PIL import Image, ImageChops

    with Image.open(before) as old_image, Image.open(after) as new_image:
        if old_image.size != new_image.size:
            return Difference(name, "differs", f"size {old_image.size} -> {new_image.size}")
        old_rgba, new_rgba = old_image.convert("RGBA"), new_image.convert("RGBA")
    if old_rgba.tobytes() == new_rgba.tobytes():
        return Difference(name, "same-pixels", "other bytes, same pixels")
    delta = ImageChops.difference(old_rgba, new_rgba)
    changed = int(np.asarray(delta).any(axis=2).sum())
    largest = max(high for _, high in delta.getextrema())
    detail = f"{changed} of {old_rgba.width * old_rgba.height} pixels, channel delta <= {largest}"
    return Difference(name, "differs", detail)


def print_report(results: list[Difference], *, out: TextIO | None = None) -> None:
    """Print a count per status, then one row (and an excerpt) per file that is not identical."""
    stream = out or sys.stdout
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    print(f"{'status':<14} {'files':>6}", file=stream)
    for status in sorted(counts):
        print(f"{status:<14} {counts[status]:>6}", file=stream)
    changed = [r for r in results if r.status != "identical"]
    if not changed:
        return
    width = max(len(r.path) for r in changed)
    print(f"\n{'file':<{width}}  {'status':<14} detail", file=stream)
    for result in changed:
        print(f"{result.path:<{width}}  {result.status:<14} {result.detail}", file=stream)
    for result in changed:
        if result.excerpt:
            print(f"\n--- {result.path} ({result.status})", file=stream)
            print("\n".join(result.excerpt), file=stream)


def main(argv: list[str] | None = None) -> int:
    """Compare the two folders given on the command line; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--excerpt", type=int, default=12, help="diff lines shown per file")
    args = parser.parse_args(argv)
    for folder in (args.before, args.after):
        if not folder.is_dir():
            parser.error(f"{folder} is not a folder")
    results = compare_folders(args.before, args.after, excerpt_lines=args.excerpt)
    print_report(results)
    return 0 if all(r.accepted for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
