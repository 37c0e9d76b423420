"""Named dependants and visitors through `planner plan`: warden lists, tree, loads, redaction."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from planner.cli import main
from stations import load_station
from stations.synth import synthesize_station
from tests.conftest import TINY
from tests.factories import (
    HOSTILE_DEPENDANT,
    HOSTILE_VISITOR,
    PEOPLE_AS_OF,
    tiny_with_people,
)

ARROW = "\u21b3"  # a dependant's line under their household on the warden list


def run(*args: str) -> None:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output


def pdf_text(path: Path) -> str:
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def zone_texts(plan: Path) -> dict[str, str]:
    return {
        p.stem: pdf_text(p)
        for p in sorted((plan / "contacts").glob("*.pdf"))
        if not p.stem.endswith("-card")
    }


def rtl(name: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in name)


def listed_as(name: str) -> str:
    """Return how a dependant's line starts in the PDF's text: ``↳ name (relation...``.

    The text layer keeps a right-to-left name in visual order: the bracket that follows
    it comes out before it (``↳ ( <name>spouse, 18-64)``).
    """
    if rtl(name):
        return f"{ARROW} ( {name}"
    return f"{ARROW} {name} ("


def file_texts(path: Path) -> list[str]:
    """Return what a file says: PDF text, GeoPackage layers, text; nothing of an image."""
    if path.suffix == ".pdf":
        return [pdf_text(path)]
    if path.suffix == ".gpkg":
        return [
            pyogrio.read_dataframe(path, layer=layer).drop(columns="geometry").to_csv()
            for layer, _ in pyogrio.list_layers(path)
        ]
    if path.suffix in (".png", ".jpg", ".woff2", ".ttf"):
        return []
    return [path.read_bytes().decode("utf-8")]


def nodes(tree: dict, role: str) -> list[tuple[dict, list[dict]]]:
    """Return every node of ``role`` in the security chain with its ancestors."""
    found = []

    def walk(node: dict, above: list[dict]) -> None:
        if node["role"] == role:
            found.append((node, above))
        for child in node["children"]:
            walk(child, [*above, node])

    walk(tree["chain"], [])
    return found


def read_tree(plan: Path) -> dict:
    return json.loads((plan / "contacts" / "tree.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("people") / "tiny"
    shutil.copytree(TINY, folder)
    tiny_with_people(folder)
    out = folder.parent / "plans"
    plans = {"station": folder, "plan": out / "plan", "redacted": out / "redacted"}
    as_of = PEOPLE_AS_OF.isoformat()
    run("plan", str(folder), "--out", str(plans["plan"]), "--as-of", as_of)
    run("plan", str(folder), "--out", str(plans["redacted"]), "--as-of", as_of, "--redact")
    return plans


def test_named_dependants_are_on_their_wardens_list_once(tiny: dict[str, Path]) -> None:
    texts = zone_texts(tiny["plan"])
    # H1 (Aino Virtanen's) and H-S004 (the DO's) are in Z01; H-S003 (Z02) is not named.
    for name, zone in (
        ("Matti Virtanen (spouse, 18-64)", "Z01"),
        (f"{HOSTILE_DEPENDANT} (child, 5-17)", "Z01"),
        ("Fatima Al-Khatib (spouse, 18-64)", "Z01"),
    ):
        counts = {z: text.count(f"{ARROW} {name}") for z, text in texts.items()}
        assert counts == {z: int(z == zone) for z in texts}, (name, counts)
    assert "+358 40 1111111" in texts["Z01"]  # the dependant's phone
    assert "wheelc" in texts["Z01"]  # special needs (the narrow column may break the word)
    assert f"{ARROW} 1 dependant (not named)" in texts["Z02"]  # H-S003: the roster's count
    assert "H-S003-D1" not in texts["Z02"]  # no made-up name or id


def test_visitors_are_on_their_hotels_warden_list_with_their_sponsor(
    tiny: dict[str, Path],
) -> None:
    texts = zone_texts(tiny["plan"])
    assert "Visitors at hotels in the zone" in texts["Z01"]
    z01 = texts["Z01"].split("Visitors at hotels in the zone")[1]
    assert "Hotel Torni (P5) Guest One OCHA +41 22 917 12 34 2026-11-28 to 2026-12-03" in z01
    # The sponsor: the DO, whose Arabic name the PDF's text layer keeps in visual order.
    assert "أحمد الخطيب" in z01
    assert "UNHCR) +358 40 1234570" in z01
    z02 = texts["Z02"].split("Visitors at hotels in the zone")[1]
    assert "Hotel <b>Kämp</b> (P6)" in z02
    assert HOSTILE_VISITOR in z02
    assert "José Núñez (UNDP) +358 40 1234572" in z02  # V2's sponsor
    assert "Lodging at 60.18500° N, 24.99000° E Far Guest WHO +45 32 63 71 00" in z02
    assert "Gone Guest" not in " ".join(texts.values())  # left before the plan date
    assert "2 visitors" in texts["Z02"]  # in the line under the title
    assert "1 visitor ·" in texts["Z01"]


def test_zone_headcount_and_summary_count_visitors(tiny: dict[str, Path]) -> None:
    zones = gpd.read_file(tiny["plan"] / "zones.geojson").set_index("zone_id")
    assert zones["visitors"].sum() == 3  # V1, V2, V4 (V3 has left)
    assert (zones["headcount"] == zones["staff"] + zones["dependants"] + zones["visitors"]).all()
    flags = pd.read_csv(tiny["plan"] / "flags.csv", encoding="utf-8-sig")
    outside = flags[flags["code"] == "visitor_outside_zones"]
    assert len(outside) == 1
    assert outside["message"].iloc[0].startswith("visitor V4: the lodging (given by lat/lon)")
    summary = json.loads((tiny["plan"] / "summary.json").read_text(encoding="utf-8"))
    assert summary["visitors_present"] == 3
    result = CliRunner().invoke(
        main,
        [
            "plan", str(tiny["station"]), "--out", str(tiny["plan"].parent / "again"),
            "--as-of", PEOPLE_AS_OF.isoformat(),
        ],
    )  # fmt: skip
    assert "visitors present on 2026-12-01: 3" in result.output


def test_tree_names_dependants_in_their_household_and_visitors_under_their_hotel(
    tiny: dict[str, Path],
) -> None:
    tree = read_tree(tiny["plan"])
    dependants = {n["person_id"]: (n, above) for n, above in nodes(tree, "dependant")}
    assert sorted(dependants) == ["D1", "D2", "D3"]  # named once each; no numbered ones
    for person_id, household in (("D1", "H1"), ("D2", "H1"), ("D3", "H-S004")):
        above = dependants[person_id][1]
        assert above[-1]["role"] == "household"
        assert above[-1]["household_id"] == household
    assert dependants["D2"][0]["name"] == HOSTILE_DEPENDANT
    assert dependants["D2"][0]["note"] == "child, 5-17, wheelchair user"
    households = {n["household_id"]: n for n, _ in nodes(tree, "household")}
    assert households["H-S003"]["note"] == "1 staff, 1 dependant (1 not named)"
    visitors = {n["person_id"]: (n, above) for n, above in nodes(tree, "visitor")}
    assert sorted(visitors) == ["V1", "V2", "V4"]
    hotel_of = {v: (above[-1]["name"], above[-1]["zone_id"]) for v, (_, above) in visitors.items()}
    assert hotel_of == {
        "V1": ("Hotel Torni", "Z01"),
        "V2": ("Hotel <b>Kämp</b>", "Z02"),
        "V4": ("Other lodging", "Z02"),
    }
    sponsors = {v: [c["staff_id"] for c in n["children"]] for v, (n, _) in visitors.items()}
    assert sponsors == {"V1": ["S004"], "V2": ["S006"], "V4": ["S005"]}
    html = (tiny["plan"] / "contacts" / "tree.html").read_text(encoding="utf-8")
    assert HOSTILE_DEPENDANT not in html
    assert "&lt;script&gt;alert(&#x27;dep&#x27;)&lt;/script&gt;" in html
    assert "Hotel &lt;b&gt;Kämp&lt;/b&gt;" in html
    assert '<span class="role">Sponsor</span>' in html


def test_redacted_plan_holds_no_dependant_or_visitor(tiny: dict[str, Path]) -> None:
    station = load_station(tiny["station"], as_of=PEOPLE_AS_OF)
    secrets = {
        *station.dependants["person_id"], *station.dependants["name"].dropna(),
        *station.visitors["visitor_id"], *station.visitors["name"],
        "+358401111111", "+358 40 1111111", "+41229171234", "+41 22 917 12 34",
    }  # fmt: skip
    folder = tiny["redacted"]
    assets = folder / "maps" / "assets"  # the map libraries, not the plan
    files = sorted(p for p in folder.rglob("*") if p.is_file() and assets not in p.parents)
    assert {"summary.json", "flags.csv", "plan.gpkg", "security_plan.pdf"} <= {
        p.name for p in files
    }
    for path in files:
        leaked = sorted(
            s
            for text in file_texts(path)
            for s in secrets
            if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text)
        )
        assert not leaked, (path.name, leaked)
    zones = gpd.read_file(tiny["redacted"] / "zones.geojson")
    assert zones["visitors"].sum() == 3  # the counts stay
    flags = pd.read_csv(tiny["redacted"] / "flags.csv", encoding="utf-8-sig")
    message = flags.loc[flags["code"] == "visitor_outside_zones", "message"].iloc[0]
    assert message.startswith("visitor [redacted]: the lodging")


# A synthesized station with a dependants file, staff away and visitors.


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("synth") / "station"
    synthesize_station(folder, households=120, seed=3, city="Wien", people=True)
    visitors = pd.read_csv(folder / "visitors.csv", dtype=str)
    stays = [
        (dt.date.fromisoformat(a), dt.date.fromisoformat(d))
        for a, d in zip(visitors["arrival"], visitors["departure"], strict=True)
    ]
    days = {a + dt.timedelta(days=n) for a, d in stays for n in range((d - a).days + 1)}
    # The plan date with the most visitors present (the earliest of those).
    as_of = min(days, key=lambda day: (-sum(a <= day <= d for a, d in stays), day))
    out = folder.parent / "plan"
    run("plan", str(folder), "--out", str(out), "--as-of", as_of.isoformat())
    return {"station": load_station(folder, as_of=as_of), "plan": out}


def test_synthesized_every_named_dependant_once_on_their_wardens_list_and_in_the_tree(
    synthesized: dict[str, object],
) -> None:
    station, plan = synthesized["station"], synthesized["plan"]
    assert isinstance(plan, Path)
    named = station.accepted_dependants[~station.accepted_dependants["numbered"]]
    assert len(named) > 100
    households = pd.read_csv(plan / "assignments.csv", dtype=str, encoding="utf-8-sig")
    zone_of = households.drop_duplicates("household_id").set_index("household_id")["zone_id"]
    expected: dict[str, Counter] = {}
    for household, name in zip(named["household_id"], named["name"], strict=True):
        expected.setdefault(zone_of[household], Counter())[
            " ".join(unicodedata.normalize("NFKC", name).split())
        ] += 1
    texts = zone_texts(plan)
    for zone, text in texts.items():
        listed = Counter(
            {n: text.count(listed_as(n)) for names in expected.values() for n in names}
        )
        assert +listed == expected.get(zone, Counter()), zone
    tree = read_tree(plan)
    in_tree = Counter(n["person_id"] for n, _ in nodes(tree, "dependant"))
    assert in_tree == Counter(named["person_id"])
    for node, above in nodes(tree, "dependant"):
        assert above[-1]["household_id"] == node["household_id"]


def test_synthesized_visitors_on_their_hotels_list_and_away_staff_never_appointed(
    synthesized: dict[str, object],
) -> None:
    station, plan = synthesized["station"], synthesized["plan"]
    assert isinstance(plan, Path)
    present = station.visitors_on()
    assert len(present) >= 2
    zones = gpd.read_file(plan / "zones.geojson").to_crs(station.crs)
    hotels = gpd.sjoin(
        present[["visitor_id", "name", "agency", "sponsor_staff_id", "geometry"]], zones
    )
    names = station.accepted_staff.set_index("staff_id")["name"]
    sections = {
        zone: text.split("Visitors at hotels in the zone")[1].split("Call cascade")[0]
        for zone, text in zone_texts(plan).items()
        if "Visitors at hotels in the zone" in text
    }
    assert set(sections) == set(hotels["zone_id"])
    for visitor in hotels.itertuples():
        section = sections[visitor.zone_id]
        listed = f"{visitor.name} {visitor.agency}"  # the cell: name, agency under it
        assert listed in section
        sponsor = names[visitor.sponsor_staff_id]
        assert (
            f"( {sponsor}{visitor.agency})" if rtl(sponsor) else f"{sponsor} ({visitor.agency})"
        ) in section
        others = [t for z, t in sections.items() if z != visitor.zone_id]
        assert not any(listed in t for t in others)
    assert int(zones["visitors"].sum()) == len(present)
    appointed = pd.read_csv(plan / "appointments.csv", dtype=str, encoding="utf-8-sig")
    away = set(station.away_on())
    assert away  # the synthesized roster has staff away on the plan date
    assert not away & set(appointed["staff_id"])


def test_warden_list_with_people_renders(synthesized: dict[str, object], tmp_path: Path) -> None:
    plan = synthesized["plan"]
    assert isinstance(plan, Path)
    zone = next(z for z, t in zone_texts(plan).items() if "Visitors at hotels" in t)
    pdf = plan / "contacts" / f"{zone}.pdf"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(tmp_path / "p")],  # noqa: S607
        check=True,
    )
    pages = sorted(tmp_path.glob("p*.png"))
    assert len(pages) >= 2
    for page in pages:
        image = Image.open(page).convert("L")
        assert image.getextrema()[0] < 100  # something dark is drawn: the page is not blank
