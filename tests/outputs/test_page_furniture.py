"""One page furniture: the security plan, a warden list and a letter of one plan alike."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from outputs.letters import write_letters
from outputs.security_plan import write_security_plan
from outputs.warden_pdf import write_warden_pdfs
from planner.moss import check_moss
from planner.moss_rules import load_rules
from tests.conftest import TINY
from tests.factories import AS_OF, tiny_plan
from zones.areas import security_management_team

ISSUED = dt.date(2026, 11, 15)
MM = 72 / 25.4


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Write the security plan, the warden lists and the letters of the tiny plan."""
    out = tmp_path_factory.mktemp("furniture")
    plan = tiny_plan(TINY)
    plan_pdf = write_security_plan(
        plan,
        out,
        smt=security_management_team(plan.station.staff),
        moss=check_moss(plan, load_rules(), as_of=AS_OF).to_dict(),
        risk=None,
        cascade=None,
        issued=ISSUED,
    )
    lists = write_warden_pdfs(plan, out, issued=ISSUED)
    letters = write_letters(
        plan.appointments,
        plan.station.staff,
        station_name=plan.station.name,
        station_contacts=plan.station.config.station.contacts,
        out_dir=out / "letters",
        issued=ISSUED,
    )
    return {
        "plan": next(p for p in plan_pdf if p.suffix == ".pdf"),
        "plan.html": next(p for p in plan_pdf if p.suffix == ".html"),
        "list": next(p for p in lists if p.stem == "Z01"),
        "letter": next(p for p in letters if p.suffix == ".pdf"),
        "letter.html": next(p for p in letters if p.suffix == ".html"),
    }


def text_spots(path: Path, page: int = 0) -> list[tuple[str, float, float]]:
    """Return each text drawn on a page with where it starts, in points from bottom left."""
    spots = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            spots.append((text.strip(), round(x, 1), round(y, 1)))

    PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return spots


def first(
    spots: list[tuple[str, float, float]], wanted: Callable[[str], bool]
) -> tuple[float, float] | None:
    """Return where the first text that is wanted starts, or None."""
    return next(((x, y) for t, x, y in spots if wanted(t)), None)


def furniture(path: Path) -> dict[str, object]:
    """Measure the first page: header, footer, page number and the text frame's edges."""
    spots = text_spots(path)
    header_y = max(y for _, _, y in spots)
    footer_y = min(y for _, _, y in spots)
    body = [(x, y) for _, x, y in spots if footer_y < y < header_y]
    return {
        "marking": first(spots, lambda t: t.startswith("CONFIDENTIAL")),
        "issued": first(spots, lambda t: t.startswith("Issued 15 November 2026.")),
        "page number": first(spots, lambda t: re.fullmatch(r"Page 1 of \d+", t) is not None),
        "header": header_y,
        "footer": footer_y,
        "text left": min(x for x, _ in body),
    }


def test_plan_list_and_letter_share_margins_header_and_footer(documents: dict[str, Path]):
    plan, warden_list, letter = (furniture(documents[k]) for k in ("plan", "list", "letter"))
    assert plan == warden_list == letter
    left = 16 * MM
    assert plan["marking"] == pytest.approx((left, 297 * MM - 10 * MM), abs=0.2)
    assert plan["issued"] == pytest.approx((left, 8 * MM), abs=0.2)
    assert plan["text left"] == pytest.approx(left + 3, abs=0.2)  # a table cell's padding


def test_every_page_carries_the_furniture(documents: dict[str, Path]):
    for key in ("plan", "list", "letter"):
        pages = PdfReader(documents[key]).pages
        for number, page in enumerate(pages, start=1):
            text = page.extract_text()
            assert f"Page {number} of {len(pages)}" in text, key
            assert "Issued 15 November 2026." in text, key
            assert "CONFIDENTIAL" in text, key


def test_html_pages_share_one_stylesheet(documents: dict[str, Path]):
    def style(key: str) -> str:
        html = documents[key].read_text(encoding="utf-8")
        return html[html.index("<style>") : html.index("</style>")]

    assert style("plan.html") == style("letter.html")
    assert "@page{size:A4;margin:18mm 16mm 16mm}" in style("plan.html")
