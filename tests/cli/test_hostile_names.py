"""Hostile names through every writer: each output parses, shows them as text, stays in --out.

Staff, zone, office and point names and zone ids are set to markup, path separators,
control characters, NUL, bidi overrides and very long values; the tiny station is
planned with them (hand-drawn zones carry the hostile ids and names), and every file
of the plan is read back with a parser for its format.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
import vobject
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from outputs.escape import plain_text
from planner.cli import main

TINY = Path(__file__).parents[1] / "data" / "tiny"
TRAVERSAL = "../../../../tmp/x"
STATION_NAME = "Tiny\\u001b[2J\\u202e<i>"  # TOML escapes: ESC, RIGHT-TO-LEFT OVERRIDE
MARKUP = (
    "<img src=x onerror=alert(1)>",
    "<font size=30 color=red>BIG",
    '<a href="http://evil.example/">click</a>',
    "</script><script>alert(3)</script>",
    "<wzx>unclosed &amp; &bogus; ]]>",
    '<img src="/etc/hostname"/>',
)
HOSTILE = (
    *MARKUP,
    '=HYPERLINK("http://evil.example")',
    "Ctl\x1b[31mred\x07\x0bvt\x7f\x85",
    "\u202eevil\u202c rtl \u2066iso",
    "L" * 300,
    TRAVERSAL,
    "a/b\\c",
)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
KML = "{http://www.opengis.net/kml/2.2}"
HOSTILE_CHARS = [*"<>&\"'/\\=+-@;,.:#%$", "\x00", "\x1b", "\x07", "\x0b", "\u202e", "\u2066"]


class Page(HTMLParser):
    """The tags, script contents and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:  # noqa: ARG002 - any end closes a script
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)
        else:
            self.text += data


def hostile_station(
    folder: Path, *, zone_ids: list[str], zone_names: list[str], names: list[str]
) -> Path:
    """Copy the tiny station with hostile names and two hand-drawn hostile zones."""
    shutil.copytree(TINY, folder)
    for table, column in (("staff", "name"), ("offices", "name"), ("points", "name")):
        path = folder / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame[column] = [f"{names[i % len(names)]} {i}" for i in range(len(frame))]
        if table == "points":  # point ids label the zone maps drawn by matplotlib
            frame["point_id"] = [f"P$\\frac{{${i}" for i in range(len(frame))]
        frame.to_csv(path, index=False)
    gpd.GeoDataFrame(
        {"zone_id": zone_ids, "zone_name": zone_names},
        geometry=[shapely.box(24.90, 60.15, 24.94, 60.20), shapely.box(24.94, 60.15, 24.98, 60.20)],
        crs="EPSG:4326",
    ).to_file(folder / "zones.geojson")
    toml = folder / "station.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('name = "Tiny"', f'name = "{STATION_NAME}"')
    toml.write_text(text.replace("[files]\n", '[files]\nzones = "zones.geojson"\n'), "utf-8")
    return folder


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def plan_and_check(
    root: Path, *, zone_ids: list[str], zone_names: list[str], names: list[str]
) -> Path:
    """Plan the hostile station under ``root``; check every output; return the plan."""
    station = hostile_station(
        root / "station", zone_ids=zone_ids, zone_names=zone_names, names=names
    )
    out = root / "a" / "b" / "c" / "plan"  # contacts/../../../../tmp/x would be root/a/tmp/x
    before = files_under(root)
    result = CliRunner().invoke(main, ["plan", str(station), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not CONTROL.search(result.output), result.output
    assert "Tiny\\x1b[2J\\u202e<i> (security level 3)" in result.output
    outside = {p for p in files_under(root) - before if out not in p.parents}
    assert not outside
    written = sorted(p for p in files_under(out) if "assets" not in p.parts)
    assert written
    for path in written:
        check_file(path)
    staff_names = [plain_text(f"{names[i % len(names)]} {i}") for i in range(6)]
    check_text(out, zone_ids=zone_ids, zone_names=zone_names, staff_names=staff_names)
    return out


def check_file(path: Path) -> None:
    """Parse a file with the parser of its format; no markup from a name may become a tag."""
    check = FORMAT_CHECKS.get(path.suffix)
    if check is not None:
        check(path)


def _check_html(path: Path) -> None:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    for tag, attrs in page.tags:
        assert tag not in ("font", "wzx"), (path, tag, attrs)
        assert not any(a.startswith("on") for a in attrs), (path, tag, attrs)
        assert not (tag == "img" and attrs.get("src") in ("x", "/etc/hostname")), path
        assert "evil.example" not in str(attrs.get("href")), (path, attrs)
    assert not any(s.strip().startswith("alert(") for s in page.scripts), path
    assert not CONTROL.search(page.text), path


def _check_kml(path: Path) -> None:
    root = ET.parse(path).getroot()  # noqa: S314
    for description in root.iter(f"{KML}description"):
        cells = Page()
        cells.feed(description.text or "")
        assert {tag for tag, _ in cells.tags} <= {"table", "tr", "th", "td"}, path


def _check_csv(path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    for cell in (c for row in rows[1:] for c in row):
        assert not CONTROL.search(cell), (path, cell)
        assert not cell.startswith(("=", "+", "@")), (path, cell)


def _check_vcf(path: Path) -> None:
    cards = list(vobject.readComponents(path.read_text(encoding="utf-8")))
    assert cards
    for card in cards:
        assert not CONTROL.search(card.fn.value), card.fn.value


def _check_pdf(path: Path) -> None:
    reader = PdfReader(path)
    assert reader.pages
    assert all(isinstance(page.extract_text(), str) for page in reader.pages)


def _check_json(path: Path) -> None:
    json.loads(path.read_text(encoding="utf-8"))


FORMAT_CHECKS = {
    ".html": _check_html,
    ".kml": _check_kml,
    ".csv": _check_csv,
    ".vcf": _check_vcf,
    ".pdf": _check_pdf,
    ".json": _check_json,
    ".geojson": _check_json,
}


def check_text(
    out: Path, *, zone_ids: list[str], zone_names: list[str], staff_names: list[str]
) -> None:
    """The names are shown as the text they are, in the pages people read."""
    index = Page()
    index.feed((out / "index.html").read_text(encoding="utf-8"))
    plan = Page()
    plan.feed((out / "security_plan.html").read_text(encoding="utf-8"))
    tree = Page()
    tree.feed((out / "contacts" / "tree.html").read_text(encoding="utf-8"))
    for zone_id, name in zip(zone_ids, zone_names, strict=True):
        shown = plain_text(name.strip())  # names are read stripped, as every cell
        assert plain_text(zone_id) in index.text
        assert shown in index.text
        assert shown in plan.text
    for name in staff_names:
        assert name in tree.text
    links = [a["href"] for tag, a in index.tags if tag == "a"]
    assert links
    assert all((out / str(href)).is_file() or str(href).endswith("/") for href in links)
    cards = vobject.readComponents((out / "contacts" / "contacts.vcf").read_text("utf-8"))
    assert {card.fn.value for card in cards} == set(staff_names)


def test_hostile_names_stay_text_in_every_output(tmp_path: Path) -> None:
    zone_names = ['<img src="/etc/hostname"/> \x1b[2J', "<font size=30 color=red>BIG \u202e!"]
    out = plan_and_check(tmp_path, zone_ids=[TRAVERSAL, "a/b"], zone_names=zone_names,
                         names=list(HOSTILE))  # fmt: skip
    assert sorted(p.name for p in (out / "contacts").glob("*.pdf")) == [
        "a_b-card.pdf", "a_b.pdf", "tmp_x-card.pdf", "tmp_x.pdf",
    ]  # fmt: skip
    assert sorted(p.name for p in (out / "maps").glob("*.html")) == ["a_b.html", "tmp_x.html"]
    assert not (tmp_path / "a" / "tmp").exists()
    contents = PdfReader(out / "security_plan.pdf").pages[1].extract_text()
    assert 'Zone ../../../../tmp/x - <img src="/etc/hostname"/>' in contents
    assert "Zone a/b - <font size=30 color=red>BIG !" in contents
    kml = ET.parse(out / "zones.kml").getroot()  # noqa: S314
    assert [e.text for e in kml.iter(f"{KML}name")][1:] == [TRAVERSAL, "a/b"]
    shown = Page()
    for description in kml.iter(f"{KML}description"):
        shown.feed(description.text or "")
    assert all(plain_text(name) in shown.text for name in zone_names)


@settings(
    max_examples=2,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a plan per example: no slow shrinking
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    zone_name=st.text(st.sampled_from([*HOSTILE_CHARS, "a", "Z", " "]), min_size=1, max_size=30),
    staff_name=st.text(
        st.sampled_from([c for c in HOSTILE_CHARS if c != "\x00"] + ["a", " "]), max_size=30
    ),
    zone_id=st.sampled_from([TRAVERSAL, "a/b", "<wzx>", "Z01", "&amp;", "..", "CON", "$\\frac{$"]),
)
def test_generated_hostile_names_stay_text(zone_name: str, staff_name: str, zone_id: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        plan_and_check(
            Path(folder),
            zone_ids=[zone_id, zone_id.lower() + "2"],
            zone_names=[zone_name.replace("\x00", ""), "East"],
            names=[f"x{staff_name}", *MARKUP],
        )


def test_previous_plan_with_a_bad_zone_id_names_file_row_and_column(tmp_path: Path) -> None:
    previous = tmp_path / "previous"
    previous.mkdir()
    gpd.GeoDataFrame(
        {"zone_id": ["Z01", "Z\x1b[2J"], "zone_name": ["West", "East"]},
        geometry=[shapely.box(24.90, 60.15, 24.94, 60.20), shapely.box(24.94, 60.15, 24.98, 60.20)],
        crs="EPSG:4326",
    ).to_file(previous / "zones.geojson")
    (previous / "assignments.csv").write_text("household_id,zone_id\nH1,Z01\n", "utf-8")
    out = tmp_path / "plan"
    args = ["plan", str(TINY), "--previous", str(previous), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    where = f"{previous / 'zones.geojson'}, row 2, column 'zone_id'"
    assert where in result.stderr
    assert "control character U+001B" in result.stderr
    assert "\x1b" not in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
