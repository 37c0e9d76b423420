"""Warden PDFs: only the zone's households, every script, header contents, pages not blank."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from outputs.warden_pdf import CONFIDENTIAL, write_warden_pdfs
from tests.conftest import TINY
from tests.factories import tiny_plan
from zones.cascade import CascadeRules, plan_cascade

ISSUED = dt.date(2026, 11, 15)
# Households: Z01 holds H1 (Aino Virtanen, Pierre Dubois), H-S004 (the DO) and H-S006
# (José Núñez, warden); Z02 holds H-S003 (Олег Петров, warden) and H-S005 (the CSA).
ZONE_PEOPLE = {
    "Z01": ("Aino Virtanen", "Pierre Dubois", "أحمد الخطيب", "José Núñez"),
    "Z02": ("Олег Петров", "李小龙"),
}
CHAIN = {"أحمد الخطيب", "李小龙"}  # the DO and the CSA appear on every zone's list


def pdf_text(path: Path) -> str:
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("warden") / "tiny"
    shutil.copytree(TINY, folder)
    plan = tiny_plan(folder)
    cascade = plan_cascade(plan, CascadeRules())
    paths = write_warden_pdfs(plan, folder.parent / "out", issued=ISSUED, cascade=cascade)
    return {p.stem: p for p in paths}


def test_one_pdf_per_zone_in_contacts(pdfs: dict[str, Path]):
    assert sorted(pdfs) == ["Z01", "Z02"]
    assert {p.parent.name for p in pdfs.values()} == {"contacts"}


@pytest.mark.parametrize("zone_id", ["Z01", "Z02"])
def test_pdf_holds_its_households_and_no_other(pdfs: dict[str, Path], zone_id: str):
    text = pdf_text(pdfs[zone_id])
    for name in ZONE_PEOPLE[zone_id]:
        assert name in text
    other = "Z02" if zone_id == "Z01" else "Z01"
    for name in set(ZONE_PEOPLE[other]) - CHAIN:
        assert name not in text
    # The chain holders from the other zone appear only in the chain, never as a household.
    assert text.count("李小龙") == (1 if zone_id == "Z01" else 2)


def test_header_has_chain_emergency_points_and_marking(pdfs: dict[str, Path]):
    text = pdf_text(pdfs["Z01"])
    assert "Warden list: Zone Z01 - Kamppi" in text
    for expected in (
        "Deputy warden",
        "Chief Security Adviser",
        "Designated Official",
        "+358401234572",  # the warden's phone
        "UN-2",  # the CSA's radio call sign
        "UNDSS SOC",
        "+358 9 310 1234",
        "Esplanadi park (P1)",
        "Olympic stadium (P2)",
        "1.2 km from the zone's centre",
        CONFIDENTIAL,
        "Issued 15 November 2026",
        "Page 1 of 2",
    ):
        assert expected in text
    assert "dependants" in text


def test_zone_without_deputy_says_so(pdfs: dict[str, Path]):
    text = pdf_text(pdfs["Z02"])
    assert "Deputy warden not appointed" in text
    assert "no eligible deputy" in text


def test_pages_render_and_are_not_blank(pdfs: dict[str, Path], tmp_path: Path):
    pdf = pdfs["Z01"]
    pages = len(PdfReader(pdf).pages)
    assert pages >= 1
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == pages
    for png in pngs:
        pixels = np.asarray(Image.open(png).convert("L"))
        assert 0.005 < (pixels < 200).mean() < 0.6
    first = np.asarray(Image.open(pngs[0]).convert("RGB")).astype(int)
    # The map draws the zone in blue: some strongly blue pixels on page 1.
    blue = (first[..., 2] - first[..., 0] > 60).mean()
    assert blue > 0.001


def test_same_inputs_same_bytes(tiny_station: Path, tmp_path: Path):
    plan = tiny_plan(tiny_station)
    first = write_warden_pdfs(plan, tmp_path / "a", issued=ISSUED)
    second = write_warden_pdfs(plan, tmp_path / "b", issued=ISSUED)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_map_is_vector_with_labels_as_text(pdfs: dict[str, Path]):
    page = PdfReader(pdfs["Z01"]).pages[0]
    resources = page["/Resources"]
    images = [
        name
        for name, obj in (resources.get("/XObject") or {}).items()
        if obj.get_object().get("/Subtype") == "/Image"
    ]
    assert images == []  # drawn as paths, not a raster
    text = " ".join(page.extract_text().split())
    assert "Z02" in text  # the neighbour zone's label
    assert "N" in text.split()  # the north arrow


def test_counts_are_written_in_the_singular_for_one(pdfs: dict[str, Path]):
    # Z02: Олег Петров with one dependant and the CSA with none.
    text = pdf_text(pdfs["Z02"])
    assert "2 households, 2 staff, 1 dependant ·" in text
    assert "1 dependants" not in text
