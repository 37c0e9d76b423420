"""The security plan document: contents, both formats alike, escaping, redaction, pages drawn."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from outputs import fonts
from outputs._zone_map import render_station_map
from outputs.degrees import plan_in_degrees
from outputs.document import render_html
from outputs.phone_text import format_phone
from outputs.security_plan import (
    CONFIDENTIAL,
    REDACTED,
    build_security_plan,
    write_security_plan,
)
from outputs.zone_colours import zone_colours
from planner.moss import check_moss
from planner.moss_rules import load_rules
from planner.risk import assess, default_matrix
from stations import load_station
from stations.threats import read_threats
from stations.zones_file import zone_title
from tests.conftest import TINY
from tests.factories import AS_OF, tiny_plan
from tests.plan_factory import plan_by_hand
from zones.areas import security_management_team
from zones.cascade import CascadeRules, plan_cascade
from zones.plan import PlannedStation

ISSUED = dt.date(2026, 11, 15)
HOSTILE = "<img src=x onerror=alert(1)>"
SAMPLE_THREATS = Path(__file__).parents[2] / "stations" / "sample" / "helsinki" / "threats.csv"
SECTIONS = (
    "Security structure",
    "Areas",
    "Warden zones",
    "Communications",
    "Assembly and concentration points, evacuation routes",
    "Medical evacuation (MEDEVAC/CASEVAC)",
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
    register = text[text.index("8. Risk register") :]
    # Scores: winter storm 3 x 3 = 9, explosive 1 x 5 = 5, cyber attack 2 x 2 = 4.
    order = [register.index(t) for t in ("Winter storm", "Vehicle-borne", "Cyber attack")]
    assert order == sorted(order)
    assert "9 Medium" in register


def test_risk_register_names_the_guide_and_shows_measures(written: list[Path]):
    text = body_text(written[1])
    register = text[text.index("8. Risk register") :]
    assert 'UNICEF, "Security and Risk Management: A Guide for UN Managers" (2008)' in register
    assert "UN risk matrix" not in register
    assert "Emergency power" in register  # the winter storm's measures
    assert "not to be forgotten" in register  # the vehicle-borne explosive, 1 x 5


def test_distances_are_named_in_words(written: list[Path]):
    # The tiny plan has no extract: straight lines with the detour factor.
    assert "measured in straight lines x 1.3 (projected CRS" in pdf_text(written[1])


class _Svgs(HTMLParser):
    """Collect each inline SVG's title and texts, and every tag met inside an SVG."""

    def __init__(self) -> None:
        super().__init__()
        self.svgs: list[dict[str, list[str]]] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg":
            self.svgs.append({"label": [dict(attrs)["aria-label"] or ""], "text": [], "tags": []})
        elif self.svgs and self.inside:
            self.svgs[-1]["tags"].append(tag)
        self.inside.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self.inside and self.inside.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if "svg" in self.inside and self.inside[-1] in {"title", "text"}:
            self.svgs[-1]["text"].append(data)


def svgs_of(html: str) -> list[dict[str, list[str]]]:
    parser = _Svgs()
    parser.feed(html)
    return parser.svgs


def test_zone_maps_annex_has_one_vector_map_per_zone(written: list[Path]):
    html = written[0].read_text(encoding="utf-8")
    # The overview stays one image; each zone's map is an inline SVG naming its zone.
    assert html.count("<img src='data:image/png;base64,") == 1
    svgs = svgs_of(html)
    assert [s["label"][0].split(" - ")[0] for s in svgs] == ["Zone Z01", "Zone Z02"]
    for svg in svgs:
        assert {"path", "circle", "text", "clippath"} <= set(svg["tags"])
        assert "Household (number in the table)" in svg["text"]  # the legend
        assert "1" in svg["text"]  # the first household's number


def test_annex_pages_hold_vector_maps_not_images(written: list[Path]):
    reader = PdfReader(written[1])
    annex = [
        page for page in reader.pages if "households, W warden, D deputy" in page.extract_text()
    ]
    assert len(annex) >= 1
    for page in annex:
        objects = page["/Resources"].get("/XObject", {})
        images = [o for o in objects.values() if o.get_object()["/Subtype"] == "/Image"]
        assert images == []
        drawn = page.get_contents().get_data().decode("latin-1")
        assert drawn.count(" l\n") + drawn.count(" l ") > 50  # outlines, homes, legend


def test_hostile_zone_names_are_escaped_in_the_maps(station: Path):
    plan = tiny_plan(station)
    hostile_id = 'Z<b>2"&'
    rename = {"Z02": hostile_id}
    zones = plan.zones.assign(
        zone_id=plan.zones["zone_id"].replace(rename), zone_name=[HOSTILE, "Kaartinkaupunki"]
    )
    plan = replace(
        plan,
        zones=zones,
        households=plan.households.assign(zone_id=plan.households["zone_id"].replace(rename)),
        staff=plan.staff.assign(zone_id=plan.staff["zone_id"].replace(rename)),
        routes=plan.routes.assign(origin_id=plan.routes["origin_id"].replace(rename)),
    )
    moss = check_moss(plan, load_rules(), as_of=AS_OF).to_dict()
    document = build_security_plan(
        plan, smt=security_management_team(plan.station.staff), moss=moss, risk=None,
        cascade=None, issued=ISSUED,
    )  # fmt: skip
    html = render_html(document)
    svgs = svgs_of(html)
    assert len(svgs) == len(plan.zones)
    first, second = svgs
    assert first["label"][0].startswith(f"Zone Z01 - {HOSTILE}:")  # the name, as text
    assert any(text.startswith(f"Zone Z01 - {HOSTILE}") for text in first["text"])
    assert hostile_id in first["text"]  # the neighbour's label
    assert second["label"][0].startswith(f"{zone_title(hostile_id)} - Kaartinkaupunki")
    for svg in svgs:
        assert not {"img", "b"} & set(svg["tags"])


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
def piped(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, PlannedStation, dict[bool, Path]]:
    """The tiny station planned by hand, its flags holding the cascade's (as the pipeline's).

    José Núñez (S006) has no phone, so the cascade flags his household; Z02's warden
    (S003) has no deputy, so the cascade flags that he has no backup.
    """
    folder = tmp_path_factory.mktemp("piped") / "tiny"
    shutil.copytree(TINY, folder)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[staff["staff_id"] == "S006", "phone"] = ""
    staff.to_csv(folder / "staff.csv", index=False)
    plan = plan_by_hand(load_station(folder, as_of=AS_OF))
    cascade = plan_cascade(plan, CascadeRules())
    cascade_flags = cascade.flags.reindex(columns=plan.flags.columns)
    plan = replace(plan, flags=pd.concat([plan.flags, cascade_flags], ignore_index=True))
    moss = check_moss(plan, load_rules(), as_of=AS_OF).to_dict()
    pdfs = {}
    for redact in (False, True):
        out = folder.parent / ("redacted" if redact else "plan")
        out.mkdir()
        pdfs[redact] = write_security_plan(
            plan,
            out,
            smt=security_management_team(plan.station.staff),
            moss=moss,
            risk=None,
            cascade=cascade,
            issued=ISSUED,
            redact=redact,
        )[1]
    return folder, plan, pdfs


def test_each_gap_is_listed_once_naming_people_not_ids(piped) -> None:
    _, plan, pdfs = piped
    gaps = section_text(pdfs[False], "Known gaps and actions", "Annex A")
    flags = plan.flags
    cascade = flags[flags["code"].str.startswith("cascade")]
    assert len(cascade) >= 2  # the warden without backup, the household without phone
    for message in cascade["message"]:
        shown = re.sub(r"household H[\w-]+", "household of José Núñez", message)
        assert gaps.count(shown) == 1, shown
    assert len(re.findall(r"\b(major|minor|critical)\b", gaps)) == len(flags)
    assert "household of José Núñez has no phone number" in gaps
    for household_id in plan.households["household_id"]:
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


def test_wardens_and_deputies_phones_in_the_zone_table_and_the_contact_tree(piped) -> None:
    _, plan, pdfs = piped
    zones = section_text(pdfs[False], "Warden zones", "Communications")
    annex = section_text(pdfs[False], "Annex B. Contact tree")
    staff = plan.station.staff.set_index("staff_id")
    appointed = [*plan.zones["warden_id"].dropna(), *plan.zones["deputy_id"].dropna()]
    phones = [format_phone(staff.at[s, "phone"], "FI") for s in appointed if staff.at[s, "phone"]]
    assert len(phones) >= 2
    for phone in phones:
        assert phone in zones
        assert phone in annex


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
    png, _ = render_station_map(plan_in_degrees(plan))
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    for zone_id, colour in colours.items():
        rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
        tint = 255 * (1 - 0.28) + rgb * 0.28  # the zone's colour over the white map
        share = (np.abs(pixels - tint).max(axis=1) <= 3).mean()
        assert share > 0.05, zone_id


def test_communications_names_the_radio_net_page(written: list[Path]):
    body = body_text(written[1])
    communications = body[body.index("Communications") : body.index(SECTIONS[4])]
    assert "radio/radio_net.pdf" in communications
