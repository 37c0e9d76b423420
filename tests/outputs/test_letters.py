"""Letters of appointment: content, scripts, escaping, references, determinism, rendering."""

from __future__ import annotations

import datetime as dt
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from outputs import fonts
from outputs.letters import station_code, write_letters
from planner.build import with_radio
from planner.publish import _with_plan_callsigns
from tests.factories import tiny_plan

ISSUED = dt.date(2026, 11, 15)
ARABIC_DO = "أحمد الخطيب"


def pdf_text(path: Path) -> str:
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    # Arabic presentation forms -> letters; line breaks -> spaces.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def letters_of(tiny_station: Path, out: Path, **extra) -> list[Path]:
    plan = tiny_plan(tiny_station)
    appointments = pd.concat(
        [
            plan.appointments,
            pd.DataFrame([{"zone_id": None, "area_id": "A1", "role": "ASC", "staff_id": "S002"}]),
        ],
        ignore_index=True,
    )
    areas = pd.DataFrame(
        {
            "area_id": ["A0", "A1"],
            "area_name": ["Tiny", "North"],
            "coordinator_id": ["S005", "S002"],
            "coordinator_role": ["CSA", "ASC"],
        }
    )
    return write_letters(
        appointments,
        extra.pop("staff", plan.station.staff),
        station_name=plan.station.name,
        station_contacts=plan.station.config.station.contacts,
        out_dir=out,
        issued=ISSUED,
        areas=areas,
        zone_names=dict(zip(plan.zones["zone_id"], plan.zones["zone_name"], strict=True)),
    )


def test_one_html_and_pdf_per_appointment_with_references(tiny_station: Path, tmp_path: Path):
    written = letters_of(tiny_station, tmp_path / "letters")
    names = [p.name for p in written]
    # Tiny: Z01 warden S006 + deputy S001, Z02 warden S003, plus the ASC of A1.
    assert names == [
        "TINY-ASC-A1-2026-001.html",
        "TINY-ASC-A1-2026-001.pdf",
        "TINY-WRD-Z01-2026-002.html",
        "TINY-WRD-Z01-2026-002.pdf",
        "TINY-DEP-Z01-2026-003.html",
        "TINY-DEP-Z01-2026-003.pdf",
        "TINY-WRD-Z02-2026-004.html",
        "TINY-WRD-Z02-2026-004.pdf",
    ]
    assert all(p.parent == tmp_path / "letters" for p in written)


def test_pdf_text_names_the_person_zone_duties_and_chain(tiny_station: Path, tmp_path: Path):
    letters_of(tiny_station, tmp_path)
    deputy = pdf_text(tmp_path / "TINY-DEP-Z01-2026-003.pdf")
    assert "Letter of appointment: Deputy Warden" in deputy
    assert "Aino Virtanen" in deputy
    assert "zone Z01 (Kamppi)" in deputy
    assert "Ref. TINY-DEP-Z01-2026-003" in deputy
    assert "15 November 2026" in deputy
    assert "Stand in for the warden" in deputy
    assert "Visit every household in your zone" in deputy
    # The chain above a deputy: the zone's warden, the CSA, the DO, in three scripts.
    assert "José Núñez" in deputy
    assert "李小龙" in deputy
    assert ARABIC_DO in deputy
    assert "+358 9 310 1234" in deputy  # the Security Operations Centre
    warden = pdf_text(tmp_path / "TINY-WRD-Z02-2026-004.pdf")
    assert "Олег Петров" in warden
    assert "Stand in for the warden" not in warden


def test_asc_letter_lists_area_duties(tiny_station: Path, tmp_path: Path):
    letters_of(tiny_station, tmp_path)
    asc = pdf_text(tmp_path / "TINY-ASC-A1-2026-001.pdf")
    assert "Area Security Coordinator for area A1 (North)" in asc
    assert "Pierre Dubois" in asc
    assert "Appoint wardens for the zones of your area" in asc
    assert "Visit every household" not in asc
    html = (tmp_path / "TINY-ASC-A1-2026-001.html").read_text(encoding="utf-8")
    assert f"<bdi>{ARABIC_DO}</bdi>" in html  # logical order in HTML; the browser shapes it
    assert "Chief Security Adviser" in html


def test_user_strings_are_escaped(tiny_station: Path, tmp_path: Path):
    plan = tiny_plan(tiny_station)
    staff = plan.station.staff.copy()
    staff.loc[staff["staff_id"] == "S006", "name"] = "<script>alert('x')</script> & Co"
    letters_of(tiny_station, tmp_path, staff=staff)
    html = (tmp_path / "TINY-WRD-Z01-2026-002.html").read_text(encoding="utf-8")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in html
    assert "http" not in html  # self-contained: no external resource
    assert "<script>alert('x')</script> & Co" in pdf_text(tmp_path / "TINY-WRD-Z01-2026-002.pdf")


def test_same_inputs_give_identical_files(tiny_station: Path, tmp_path: Path):
    first = letters_of(tiny_station, tmp_path / "a")
    second = letters_of(tiny_station, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_unknown_staff_is_refused(tiny_station: Path, tmp_path: Path):
    plan = tiny_plan(tiny_station)
    bad = pd.DataFrame([{"zone_id": "Z01", "role": "warden", "staff_id": "S999"}])
    with pytest.raises(ValueError, match="S999"):
        write_letters(
            bad,
            plan.station.staff,
            station_name="Tiny",
            station_contacts={},
            out_dir=tmp_path,
            issued=ISSUED,
        )


def test_rendered_page_is_not_blank(tiny_station: Path, tmp_path: Path):
    letters_of(tiny_station, tmp_path)
    pdf = tmp_path / "TINY-DEP-Z01-2026-003.pdf"
    assert len(PdfReader(pdf).pages) >= 1
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    pixels = np.asarray(Image.open(png).convert("L"))
    ink = (pixels < 128).mean()
    assert 0.01 < ink < 0.5


def test_station_code_is_ascii():
    assert station_code("Genève") == "GENEVE"
    assert station_code("Addis Ababa") == "ADDISABABA"
    assert station_code("北京") == "STATION"


def test_fonts_cover_every_script():
    font_set = fonts.register_fonts()
    assert font_set.paths[fonts.CJK].name == "DroidSansFallbackFull.ttf"
    assert fonts.font_for("李小龙") == fonts.CJK
    assert fonts.font_for("Олег", bold=True) == fonts.BOLD
    shaped = fonts.shape_text(ARABIC_DO)
    assert shaped != ARABIC_DO
    assert unicodedata.normalize("NFKC", shaped)[::-1] == ARABIC_DO
    assert fonts.shape_text("José") == "José"
    markup = fonts.markup("Mr <b> 李 & Co")
    assert "&lt;b&gt;" in markup
    assert f'<font face="{fonts.CJK}">李 </font>' in markup


def test_missing_fonts_name_the_debian_package(tmp_path: Path):
    with pytest.raises(fonts.FontsMissingError, match="apt-get install fonts-dejavu-core"):
        fonts.register_fonts([tmp_path])


def test_letters_show_the_callsigns_the_plan_uses(tiny_station: Path, tmp_path: Path):
    planned, _ = with_radio(tiny_plan(tiny_station))
    staff = _with_plan_callsigns(planned.station.staff, planned)
    letters_of(tiny_station, tmp_path, staff=staff)
    deputy = pdf_text(tmp_path / "TINY-DEP-Z01-2026-003.pdf")
    # The deputy S001 and the warden S006 have none in the roster: generated by the plan.
    assert "your radio call sign: Z01D1" in deputy
    assert "radio Z01W1" in deputy  # the zone's warden, in the chain
    assert "radio UN-2" in deputy  # the CSA's, from the roster
