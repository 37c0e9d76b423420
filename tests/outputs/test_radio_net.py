"""The radio net page: every radio holder listed, names escaped, redacted pages name no one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image
from pypdf import PdfReader

from outputs.contacts import write_contacts
from outputs.radio_net import write_radio_net
from outputs.redaction import redact_planned
from outputs.warden_pdf import write_warden_pdfs
from planner.build import with_radio
from tests.factories import tiny_plan
from zones.plan import PlannedStation

ISSUED = dt.date(2026, 11, 15)
HOSTILE_NAME = '=HYPERLINK("http://x.example","Click"); <script>alert(1)</script>'
HOSTILE_CALLSIGN = "<b>UN-9</b>"
NAMES = ("Aino Virtanen", "Pierre Dubois", "Олег Петров", "José Núñez", "李小龙")


def pdf_text(path: Path) -> str:
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def hostile(plan: PlannedStation) -> PlannedStation:
    staff = plan.staff.copy()
    staff.loc[staff["staff_id"] == "S001", "name"] = HOSTILE_NAME
    staff.loc[staff["staff_id"] == "S001", "agency"] = "@SUM(A1)"
    staff.loc[staff["staff_id"] == "S002", "radio_callsign"] = HOSTILE_CALLSIGN
    return dataclasses.replace(plan, staff=staff)


def test_pdf_lists_every_radio_holder_with_their_callsign(tiny_station: Path, tmp_path: Path):
    planned, radio = with_radio(tiny_plan(tiny_station))
    paths = write_radio_net(planned, radio, tmp_path, issued=ISSUED)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "radio/radio_net.html", "radio/radio_net.pdf", "radio/callsigns.csv",
    ]  # fmt: skip
    text = pdf_text(tmp_path / "radio" / "radio_net.pdf")
    holders = planned.staff[planned.staff["has_radio"].map(lambda v: v is True)]
    assert len(holders) == 4
    for person in holders.itertuples():
        assert person.radio_callsign in text
    for name in NAMES:
        assert name in text
    for callsign in ("UN-1", "UN-2", "UN-12", "Z01W1", "Z01D1", "Z02W1"):
        assert callsign in text
    assert "Every Monday 10:00 Security net" in text
    assert "P3 Repeater Kallio 8 km 5" in text
    assert "Every home is within range of a repeater" in text
    lacking = text[text.index("On the nets without a radio") :]
    assert "José Núñez Warden Z01 Z01W1 Олег Петров Warden Z02 Z02W1" in lacking
    assert "everyone on the warden nets has a radio" in lacking
    csv = pd.read_csv(tmp_path / "radio" / "callsigns.csv", encoding="utf-8-sig", dtype=str)
    assert set(csv["radio_callsign"]) == {"UN-1", "UN-2", "UN-12", "Z01W1", "Z01D1", "Z02W1"}
    assert set(csv.loc[csv["radio_callsign"] == "Z01W1", "callsign_source"]) == {"generated"}


def test_hostile_names_and_callsigns_are_escaped(tiny_station: Path, tmp_path: Path):
    planned, radio = with_radio(hostile(tiny_plan(tiny_station)))
    write_radio_net(planned, radio, tmp_path, issued=ISSUED)
    page = (tmp_path / "radio" / "radio_net.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>UN-9</b>" not in page
    assert "&lt;b&gt;UN-9&lt;/b&gt;" in page
    text = pdf_text(tmp_path / "radio" / "radio_net.pdf")
    assert "<script>alert(1)</script>" in text  # shown as text, not read as markup
    assert HOSTILE_CALLSIGN in text
    csv = (tmp_path / "radio" / "callsigns.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in csv
    assert "'@SUM(A1)" in csv


def test_redacted_page_links_no_callsign_to_a_person(tiny_station: Path, tmp_path: Path):
    planned, radio = with_radio(tiny_plan(tiny_station))
    paths = write_radio_net(redact_planned(planned), radio, tmp_path, issued=ISSUED, redact=True)
    assert [p.name for p in paths] == ["radio_net.html", "radio_net.pdf"]
    page = (tmp_path / "radio" / "radio_net.html").read_text(encoding="utf-8")
    text = pdf_text(tmp_path / "radio" / "radio_net.pdf")
    for words in (page, text):
        for secret in (*NAMES, "UN-12", "Z01W1", "S001", "+358"):
            assert secret not in words
        assert "Chief Security Adviser" in words  # net control by role
        assert "Security net" in words


def test_pdf_renders_pages_that_are_not_blank(tiny_station: Path, tmp_path: Path):
    planned, radio = with_radio(tiny_plan(tiny_station))
    write_radio_net(planned, radio, tmp_path, issued=ISSUED)
    pdf = tmp_path / "radio" / "radio_net.pdf"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "p")],  # noqa: S607
        check=True,
    )
    pages = sorted(tmp_path.glob("p*.png"))
    assert len(pages) == len(PdfReader(pdf).pages) >= 1
    dark = [(np.asarray(Image.open(png).convert("L")) < 128).mean() for png in pages]
    assert dark[0] > 0.01  # the tables
    assert min(dark) > 0.001  # at least the marking, header and footer


def test_generated_callsigns_on_the_warden_list_and_the_tree(tiny_station: Path, tmp_path: Path):
    plan = tiny_plan(tiny_station)
    staff = plan.staff.copy()
    staff.loc[staff["staff_id"] == "S005", "radio_callsign"] = None  # the CSA, in Z02
    planned, _ = with_radio(dataclasses.replace(plan, staff=staff))
    write_warden_pdfs(planned, tmp_path, issued=ISSUED)
    z01 = pdf_text(tmp_path / "contacts" / "Z01.pdf")
    assert "Z01W1" in z01  # the warden, in the chain and the household table
    assert "Z01D1" in z01  # the deputy
    assert "SA1" in z01  # the CSA's generated call sign, in the chain of contacts
    z02 = pdf_text(tmp_path / "contacts" / "Z02.pdf")
    assert "Z02W1" in z02
    assert "Z01W1" not in z02
    write_contacts(planned, tmp_path)
    tree = (tmp_path / "contacts" / "tree.html").read_text(encoding="utf-8")
    assert "radio Z01W1" in tree
    assert "radio Z02W1" in tree


def test_net_control_without_a_radio_is_marked(tiny_station: Path, tmp_path: Path):
    plan = tiny_plan(tiny_station)
    staff = plan.staff.copy()
    staff.loc[staff["staff_id"] == "S005", "has_radio"] = False  # the CSA, net control
    staff.loc[staff["staff_id"] == "S002", "has_radio"] = False  # on the warden net, Z01
    planned, radio = with_radio(dataclasses.replace(plan, staff=staff))
    write_radio_net(planned, radio, tmp_path, issued=ISSUED)
    text = pdf_text(tmp_path / "radio" / "radio_net.pdf")
    assert "UN-2 - 李小龙 (Chief Security Adviser, no radio)" in text
    lacking = text[text.index("On the nets without a radio") :]
    assert "李小龙" in lacking
    assert "Warden net Tiny Z01 1 1" in lacking  # counted, not named
    assert "Pierre Dubois" not in lacking
