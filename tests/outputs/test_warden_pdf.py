"""Warden PDFs: only the zone's households, every script, header contents, pages not blank."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
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

from outputs import wallet_card
from outputs._plain_table import row_positions
from outputs.file_names import card_file_names
from outputs.wallet_card import WalletCard, write_wallet_card
from outputs.warden_pdf import CONFIDENTIAL, write_warden_pdfs
from tests.conftest import TINY
from tests.factories import tiny_plan
from zones.cascade import CascadeRules, plan_cascade
from zones.evacuation import evacuate_planned
from zones.network import StraightLineTravel

ISSUED = dt.date(2026, 11, 15)
PASSWORD = "s3cret"  # noqa: S105 - a test's password
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


def add_address_and_blood_types(folder: Path) -> None:
    """Give the assembly point P1 an address and two staff a blood type."""
    points = pd.read_csv(folder / "points.csv", dtype=str)
    points["address"] = points["point_id"].map({"P1": "Pohjoisesplanadi 1, 00130 Helsinki"})
    points.to_csv(folder / "points.csv", index=False)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    staff["blood_type"] = staff["staff_id"].map({"S006": "AB-", "S003": "O+"}).fillna("")
    staff.to_csv(folder / "staff.csv", index=False)


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("warden") / "tiny"
    shutil.copytree(TINY, folder)
    add_address_and_blood_types(folder)
    plan = tiny_plan(folder)
    cascade = plan_cascade(plan, CascadeRules())
    # As the pipeline does: the plan's flags hold the cascade's.
    flags = pd.concat([plan.flags, cascade.flags.reindex(columns=plan.flags.columns)])
    return dataclasses.replace(plan, flags=flags.reset_index(drop=True)), cascade, folder


@pytest.fixture(scope="module")
def pdfs(planned) -> dict[str, Path]:
    plan, cascade, folder = planned
    paths = write_warden_pdfs(plan, folder.parent / "out", issued=ISSUED, cascade=cascade)
    return {p.stem: p for p in paths}


def test_each_gap_is_listed_once(planned, pdfs: dict[str, Path]):
    plan = planned[0]
    text = pdf_text(pdfs["Z02"])
    messages = [
        " ".join(unicodedata.normalize("NFKC", m).split())
        for m in plan.flags.loc[plan.flags["zone_id"] == "Z02", "message"]
    ]
    assert len(messages) == 2  # no deputy; the cascade's no backup
    for message in messages:
        assert text.count(message[:40]) == 1, message


def test_one_pdf_and_one_card_per_zone_in_contacts(pdfs: dict[str, Path]):
    assert sorted(pdfs) == ["Z01", "Z01-card", "Z02", "Z02-card"]
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
        "+358 40 1234572",  # the warden's phone, grouped
        "UN-2",  # the CSA's radio call sign
        "UNDSS SOC",
        "+358 9 3101234",
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


def test_points_have_an_address_and_the_nearest_hospital_its_way(planned, pdfs: dict[str, Path]):
    text = pdf_text(pdfs["Z01"])
    assert "Pohjoisesplanadi 1, 00130 Helsinki" in text  # P1's own address
    assert "60.18650° N, 24.92700° E" in text  # P2 has none and the station no OSM extract
    assert "Meilahti hospital (P4)" in text
    # The way is the plan's (zones.medical), not measured again: the tiny station has no
    # OSM extract, so it is a straight line x 1.3 from the zone's centre household.
    medical = planned[0].medical.set_index(["origin_id", "hospital_id"])
    way = medical.loc[("Z01", "P4")]
    km, minutes = way["length_m"] / 1000, max(1, math.ceil(way["time_s"] / 60))
    assert f"{km:.1f} km by car from the zone's centre, about {minutes} min" in text
    assert "(estimate: straight line x 1.3, not a route)" in text


def test_households_show_blood_types_and_grouped_phones(pdfs: dict[str, Path]):
    z01, z02 = pdf_text(pdfs["Z01"]), pdf_text(pdfs["Z02"])
    assert "Names (agency), blood type" in z01
    assert "José Núñez (UNDP) - warden, blood AB-" in z01
    assert "Олег Петров (WFP) - warden, blood O+" in z02
    assert "O+" not in z01
    for text in (z01, z02):
        assert "+358 40 " in text
        assert not re.search(r"\+358\d{6}", text)  # no number printed as unbroken E.164


def test_map_has_its_legend(pdfs: dict[str, Path]):
    text = " ".join(PdfReader(pdfs["Z01"]).pages[0].extract_text().split())
    for item in (
        "Household (number in the table)",
        "W warden's home, D deputy's home",
        "Assembly point",
        "Concentration point",
        "Hospital",
    ):
        assert item in text
    # The tiny station has no OSM extract: its straight-line legs are not surveyed, so the
    # warden's map draws no route and lists none.
    assert "Route out" not in text
    assert "Straight line" not in text


def test_wallet_card_is_one_a6_page_with_phones_and_emergency_numbers(pdfs: dict[str, Path]):
    for zone_id in ("Z01", "Z02"):
        reader = PdfReader(pdfs[f"{zone_id}-card"])
        assert len(reader.pages) == 1
        box = reader.pages[0].mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (
            105,
            148,
        )
    text = pdf_text(pdfs["Z01-card"])
    for expected in (
        "Warden card: Zone Z01 - Kamppi",
        "José Núñez",
        "+358 40 1234572",  # the warden's phone
        "+358 9 3101234",  # the SOC
        "Police",
        "112",
        "Esplanadi park",
        "Pohjoisesplanadi 1",
        "Aino Virtanen, Pierre Dubois",  # household H1, with both phones
        "+358 40 1234568",
    ):
        assert expected in text
    assert "Олег Петров" not in text  # another zone's household


def smallest_font_pt(path: Path) -> float:
    sizes: list[float] = []

    def visit(text: str, _cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if text.strip():
            sizes.append(size * float(np.hypot(tm[0], tm[1])))

    for page in PdfReader(path).pages:
        page.extract_text(visitor_text=visit)
    return min(sizes)


def test_crowded_card_shows_what_fits_and_counts_the_rest(tmp_path: Path):
    card = WalletCard(
        title="Zone Z09",
        station="Tiny",
        chain=[["Warden", "José Núñez", "+358 40 1234572"]],
        emergency=[["Police", "112"]],
        assembly=[["Assembly point: Esplanadi park (P1)", "Pohjoisesplanadi 1"]],
        households=[[str(n), f"Person {n}", f"+358 40 00000{n:02d}"] for n in range(1, 81)],
    )
    path = write_wallet_card(card, tmp_path / "card.pdf", issued=ISSUED)
    assert len(PdfReader(path).pages) == 1
    text = pdf_text(path)
    shown = sum(f"Person {n} " in text + " " for n in range(1, 81))
    assert 10 < shown < 80
    assert f"+{80 - shown} more on the warden list" in text
    assert "+358 40 1234572" in text
    assert "112" in text
    assert smallest_font_pt(path) >= 6.5


def searched_story(card: WalletCard, width: float, height: float) -> list[object]:
    """The card's story found by laying out the whole story at each try of the search."""
    low, high = 0, len(card.households)
    while low < high:
        middle = (low + high + 1) // 2
        if wallet_card._height(wallet_card._story(card, middle, width), width) <= height:
            low = middle
        else:
            high = middle - 1
    return wallet_card._story(card, low, width)


def story_content(story: list[object]) -> list[object]:
    return [getattr(f, "text", None) or getattr(f, "_cellvalues", None) for f in story]


@pytest.mark.parametrize("households", [0, 1, 9, 10, 11, 12, 40, 90])
def test_card_fits_the_households_the_whole_layout_fits(households: int):
    # Some households on two or three lines (two names, a long one, two phones).
    rows = [
        [
            str(n),
            f"Person {n}" + (", Maria-Magdalena Inês da Conceição Vasconcelos" * (n % 3)),
            "\n".join([f"+358 40 00000{n:02d}"] * (1 + n % 2)),
        ]
        for n in range(1, households + 1)
    ]
    chain = [["Warden", "José Núñez", "+358 40 1234572"]]
    assembly = [["Assembly point: P1", "Esplanadi 1"]]
    card = WalletCard("Zone Z09", "Tiny", chain, [["Police", "112"]], assembly, rows)
    width, height = 250.0, 340.0
    fitted = wallet_card._fitted_story(card, width, height)
    assert story_content(fitted) == story_content(searched_story(card, width, height))
    assert wallet_card._height(fitted, width) <= height or households == 0


def test_rows_summed_as_reportlab_sums_them_give_its_table_height():
    from reportlab.platypus import Table

    rng = np.random.default_rng(7)
    for count in (1, 2, 7, 30, 200):
        heights = list(rng.uniform(6.0, 40.0, count)) + [9.6, 0.1 + 0.2, 17.28] * (count % 3)
        table = Table([[""]] * len(heights), colWidths=[250.0], rowHeights=heights)
        assert row_positions(heights)[0] == table.wrap(250.0, 10_000)[1]


def test_cards_are_encrypted_with_the_lists(tiny_station: Path, tmp_path: Path):
    plan = tiny_plan(tiny_station)
    paths = write_warden_pdfs(plan, tmp_path, issued=ISSUED, password=PASSWORD)
    cards = [p for p in paths if p.stem.endswith("-card")]
    assert len(cards) == 2
    for card in cards:
        reader = PdfReader(card)
        assert reader.is_encrypted
        assert reader.decrypt(PASSWORD)
        assert "Warden card" in reader.pages[0].extract_text()


def test_card_names_never_take_a_lists_name():
    names = {"Z01": "Z01", "Z01-card": "Z01-card", "z01-CARD-2": "z01-CARD-2"}
    cards = card_file_names(names)
    every = [n.casefold() for n in [*names.values(), *cards.values()]]
    assert len(set(every)) == len(every)
    assert cards["Z01-card"] == "Z01-card-card"


def test_warden_list_names_the_alternate_assembly_point(tmp_path: Path):
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    with (folder / "points.csv").open("a", encoding="utf-8") as handle:
        handle.write("P5,assembly,Kaivopuisto park,60.1590,24.9560,200,\n")
    plan = evacuate_planned(tiny_plan(folder), StraightLineTravel())
    zones = plan.zones.set_index("zone_id")
    assert set(zones["assembly_alt_id"]) == {"P1", "P5"} - set(zones["assembly_id"])
    paths = write_warden_pdfs(plan, tmp_path / "out", issued=ISSUED)
    text = pdf_text(next(p for p in paths if p.stem == "Z01"))
    alternate = zones.loc["Z01", "assembly_alt_id"]
    name = {"P1": "Esplanadi park", "P5": "Kaivopuisto park"}[alternate]
    assert f"Alternate assembly point {name} ({alternate})" in text
    assert text.index("Assembly point") < text.index("Alternate assembly point")
