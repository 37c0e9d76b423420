"""The security plan document: contents, both formats alike, escaping, redaction, pages drawn."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from outputs import fonts
from outputs._zone_map import render_station_map
from outputs.phone_text import format_phone
from outputs.security_plan import CONFIDENTIAL, REDACTED, write_security_plan
from outputs.zone_colours import zone_colours
from planner.build import PlanRun, build_plan
from planner.moss import check_moss
from planner.moss_rules import load_rules
from planner.risk import assess, default_matrix
from stations import load_station
from stations.threats import read_threats
from tests.conftest import TINY
from tests.factories import AS_OF, tiny_plan
from zones.areas import security_management_team
from zones.cascade import CascadeRules, plan_cascade

ISSUED = dt.date(2026, 11, 15)
HOSTILE = "<img src=x onerror=alert(1)>"
SAMPLE_THREATS = Path(__file__).parents[2] / "stations" / "sample" / "helsinki" / "threats.csv"
SECTIONS = (
    "Security structure",
    "Areas",
    "Warden zones",
    "Communications",
    "Assembly and concentration points, evacuation routes",
    "MOSS compliance",
    "Risk register",
    "Known gaps and actions",
    "Annex A. Zone maps",
    "Annex B. Contact tree",
)


def pdf_text(path: Path, *, first_page: int = 0) -> str:
    text = "".join(page.extract_text() for page in PdfReader(path).pages[first_page:])
    return " ".join(unicodedata.normalize("NFKC", text).split())


def body_text(path: Path) -> str:
    """Return the text after the title page and the contents."""
    return pdf_text(path, first_page=2)


def write(folder: Path, out: Path, *, redact: bool, threats: bool = True) -> list[Path]:
    plan = tiny_plan(folder)
    moss = check_moss(plan, load_rules(), as_of=AS_OF).to_dict()
    risk = assess(read_threats(SAMPLE_THREATS), default_matrix()) if threats else None
    out.mkdir(parents=True, exist_ok=True)
    return write_security_plan(
        plan,
        out,
        smt=security_management_team(plan.station.staff),
        moss=moss,
        risk=risk,
        cascade=plan_cascade(plan, CascadeRules()),
        issued=ISSUED,
        redact=redact,
    )


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny station with one warden renamed to a script injection."""
    folder = tmp_path_factory.mktemp("plan") / "tiny"
    shutil.copytree(TINY, folder)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[staff["staff_id"] == "S006", "name"] = HOSTILE
    staff.to_csv(folder / "staff.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def written(station: Path) -> list[Path]:
    return write(station, station.parent / "out", redact=False)


def test_both_files_hold_every_section_in_order(written: list[Path]):
    html_path, pdf_path = written
    assert [p.name for p in written] == ["security_plan.html", "security_plan.pdf"]
    html = html_path.read_text(encoding="utf-8")
    text = pdf_text(pdf_path)
    body = body_text(pdf_path)
    positions = [body.index(title) for title in SECTIONS]
    assert positions == sorted(positions)
    for title in SECTIONS:
        assert title in html
    # The facts a DO signs: the level, both zones with their wardens, the signatures.
    for fact in (
        "3 (Moderate)",
        "Z01",
        "Z02",
        "Олег Петров",
        "Approved by the Designated Official",
    ):
        assert fact in text
        assert fact in html
    assert CONFIDENTIAL in text


def test_risk_register_lists_every_threat_most_serious_first(written: list[Path]):
    text = body_text(written[1])
    register = text[text.index("7. Risk register") :]
    # Scores: winter storm 3 x 3 = 9, explosive 1 x 5 = 5, cyber attack 2 x 2 = 4.
    order = [register.index(t) for t in ("Winter storm", "Vehicle-borne", "Cyber attack")]
    assert order == sorted(order)
    assert "9 Medium" in register


def test_risk_register_names_the_guide_and_shows_measures(written: list[Path]):
    text = body_text(written[1])
    register = text[text.index("7. Risk register") :]
    assert 'UNICEF, "Security and Risk Management: A Guide for UN Managers" (2008)' in register
    assert "UN risk matrix" not in register
    assert "Emergency power" in register  # the winter storm's measures
    assert "not to be forgotten" in register  # the vehicle-borne explosive, 1 x 5


def test_distances_are_named_in_words(written: list[Path]):
    # The tiny plan has no extract: straight lines with the detour factor.
    assert "measured in straight lines x 1.3 (projected CRS" in pdf_text(written[1])


def test_zone_maps_annex_has_one_map_per_zone(written: list[Path]):
    html = written[0].read_text(encoding="utf-8")
    # The overview and one map per zone.
    assert html.count("<img src='data:image/png;base64,") == 3


def test_hostile_name_is_escaped_text(written: list[Path]):
    html = written[0].read_text(encoding="utf-8")
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert HOSTILE in pdf_text(written[1])


def test_pages_are_drawn_and_not_blank(written: list[Path], tmp_path: Path):
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is needed: .ci/run installs it"
    subprocess.run(
        [pdftoppm, "-r", "40", "-png", str(written[1]), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(PdfReader(written[1]).pages) >= 4
    for page in pages:
        pixels = np.asarray(Image.open(page).convert("L"))
        assert (pixels < 128).mean() > 0.002, page.name
    # The map page is colourful, not just text.
    colours = [
        len(np.unique(np.asarray(Image.open(p).convert("RGB")).reshape(-1, 3), axis=0))
        for p in pages
    ]
    assert max(colours) > 200


def test_same_inputs_give_identical_files(station: Path, written: list[Path], tmp_path: Path):
    again = write(station, tmp_path / "again", redact=False)
    for first, second in zip(written, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name


def test_redacted_plan_names_roles_not_people(station: Path, tmp_path: Path):
    html_path, pdf_path = write(station, tmp_path / "redacted", redact=True, threats=False)
    staff = pd.read_csv(station / "staff.csv", dtype=str, keep_default_na=False)
    html = html_path.read_text(encoding="utf-8")
    text = pdf_text(pdf_path)
    for name in staff["name"]:
        assert name not in text
        assert name not in html.replace("&lt;", "<").replace("&gt;", ">")
    for phone in staff["phone"][staff["phone"] != ""]:
        assert phone not in text
        assert phone not in html
    assert REDACTED in text
    assert "Warden Z01 (appointed)" in text
    assert "No threat list was given" in text
    assert html.count("<img src='data:image/png;base64,") == 1  # overview only, no homes


# --- what each reader sees (issue 22): gaps once and named, phones, columns, colours -------


def section_text(path: Path, start: str, end: str | None = None) -> str:
    """Return the PDF's body text from the heading ``start`` to ``end`` (or the end)."""
    body = body_text(path)
    begin = body.index(start)
    return body[begin : body.index(end, begin) if end else None]


@pytest.fixture(scope="module")
def piped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PlanRun, dict[bool, Path]]:
    """The tiny station planned by the pipeline (its flags hold the cascade's), both plans.

    José Núñez (S006) has no phone, so the cascade flags his household.
    """
    folder = tmp_path_factory.mktemp("piped") / "tiny"
    shutil.copytree(TINY, folder)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[staff["staff_id"] == "S006", "phone"] = ""
    staff.to_csv(folder / "staff.csv", index=False)
    run = build_plan(load_station(folder, as_of=AS_OF), as_of=AS_OF)
    moss = check_moss(run.planned, load_rules(), as_of=AS_OF).to_dict()
    pdfs = {}
    for redact in (False, True):
        out = folder.parent / ("redacted" if redact else "plan")
        out.mkdir()
        pdfs[redact] = write_security_plan(
            run.planned,
            out,
            smt=run.smt,
            moss=moss,
            risk=None,
            cascade=run.cascade,
            issued=ISSUED,
            redact=redact,
        )[1]
    return folder, run, pdfs


def test_each_gap_is_listed_once_naming_people_not_ids(piped) -> None:
    _, run, pdfs = piped
    gaps = section_text(pdfs[False], "Known gaps and actions", "Annex A")
    flags = run.planned.flags
    cascade = flags[flags["code"].str.startswith("cascade")]
    assert len(cascade) >= 2  # the warden without backup, the household without phone
    for message in cascade["message"]:
        shown = re.sub(r"household H[\w-]+", "household of José Núñez", message)
        assert gaps.count(shown) == 1, shown
    assert len(re.findall(r"\b(major|minor|critical)\b", gaps)) == len(flags)
    assert "household of José Núñez has no phone number" in gaps
    for household_id in run.planned.households["household_id"]:
        assert household_id not in gaps  # no id left for the DO to look up


def test_redacted_gaps_are_listed_once_naming_nobody(piped) -> None:
    folder, _, pdfs = piped
    gaps = section_text(pdfs[True], "Known gaps and actions", "Annex A")
    assert gaps.count("household [redacted] has no phone number") == 1
    assert gaps.count("the warden of Z02 has no backup") == 1
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    for name in staff["name"]:
        assert name not in gaps
    text = pdf_text(pdfs[True])
    for phone in staff["phone"][staff["phone"] != ""]:
        assert format_phone(phone, "FI") not in text


def test_annex_b_prints_the_do_and_adviser_phones_grouped(piped) -> None:
    _, _, pdfs = piped
    annex = section_text(pdfs[False], "Annex B. Contact tree")
    do = annex[annex.index("Designated Official") : annex.index("Security adviser")]
    adviser = annex[annex.index("Security adviser") : annex.index("Area A0")]
    assert "+358 40 1234570" in do  # S004, the DO
    assert "UN-1" in do
    assert "+358 40 1234571" in adviser  # S005, the CSA
    assert "+358401234571" not in annex  # never the unbroken E.164 digits


def test_zone_table_cells_stay_in_their_column(written: list[Path]) -> None:
    """A long zone name wraps inside its column instead of running over the figures."""
    font_set = fonts.register_fonts()
    reader = PdfReader(written[1])
    page = next(p for p in reader.pages[2:] if "Phone / radio" in p.extract_text())
    runs: list[tuple[str, float, float]] = []
    page.extract_text(
        visitor_text=lambda text, _cm, tm, *_: (
            runs.append((text.strip(), tm[4], tm[5])) if text.strip() else None
        )
    )
    header_y = next(y for text, _, y in runs if text == "Warden")  # the zone table's header

    def header_x(title: str) -> float:
        return next(x for text, x, y in runs if text == title and abs(y - header_y) < 1)

    households_x, name_x = header_x("Households"), header_x("Name")
    pieces = [(t, x) for t, x, y in runs if t.rstrip("-") in "Kaartinkaupunki" and y < header_y]
    assert "".join(t.rstrip("-") for t, _ in pieces) == "Kaartinkaupunki"
    for text, x in pieces:
        assert x == pytest.approx(name_x, abs=1)
        assert x + stringWidth(text, font_set.regular, 7.8) < households_x


def test_overview_map_uses_the_one_zone_colouring(station: Path) -> None:
    plan = tiny_plan(station)
    colours = zone_colours(plan.zones)
    assert colours["Z01"] != colours["Z02"]  # the two zones touch
    png, _ = render_station_map(plan)
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    for zone_id, colour in colours.items():
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        tint = 255 * (1 - 0.28) + rgb * 0.28  # the zone's colour over the white map
        share = (np.abs(pixels - tint).max(axis=1) <= 3).mean()
        assert share > 0.05, zone_id
