"""Names are data: one escaping function per format, safe file names, text never markup."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import geopandas as gpd
import pytest

from outputs.escape import (
    csv_cell,
    html_text,
    plain_text,
    plot_text,
    reportlab_markup,
    terminal_text,
    vcard_text,
    xml_text,
)
from outputs.file_names import is_safe_name, safe_file_names
from outputs.gis import write_kml
from outputs.maps import write_maps
from tests.factories import tiny_plan

NUL_ESC_BEL = "a\x00b\x1b[31mc\x07"
BIDI = "\u202eevil\u202c \u2066x\u2069"


class Tags(HTMLParser):
    """Collect the start tags and the text of an HTML fragment or page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text += data


def parse_html(text: str) -> Tags:
    parser = Tags()
    parser.feed(text)
    parser.close()
    return parser


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (NUL_ESC_BEL, "a\ufffdb\ufffd[31mc\ufffd"),
        (BIDI, "evil x"),
        ("tab\tand\nline", "tab\tand\nline"),
        ("\x85next line \x7f", "\ufffdnext line \ufffd"),
        (None, ""),
    ],
    ids=["c0", "bidi", "tab-newline-kept", "c1-del", "none"],
)
def test_plain_text(value: object, expected: str) -> None:
    assert plain_text(value) == expected


def test_markup_is_escaped_for_every_format() -> None:
    name = '<img src="/x.png"/> & <font size=30>'
    assert reportlab_markup(name) == '&lt;img src="/x.png"/&gt; &amp; &lt;font size=30&gt;'
    assert html_text(name) == "&lt;img src=&quot;/x.png&quot;/&gt; &amp; &lt;font size=30&gt;"
    assert parse_html(html_text(name)).tags == []
    element = ET.fromstring(f"<n a='{xml_text(name + NUL_ESC_BEL)}'>{xml_text(name)}</n>")  # noqa: S314
    assert element.text == name
    assert element.get("a") == name + "a\ufffdb\ufffd[31mc\ufffd"


def test_xml_text_drops_what_xml_cannot_hold() -> None:
    text = xml_text("a\ufffeb\udc80c\x0c")
    assert ET.fromstring(f"<n>{text}</n>").text == "a\ufffdb\ufffdc\ufffd"  # noqa: S314


def test_plot_labels_are_never_mathtext() -> None:
    assert plot_text("P$\\frac{$1\x1b") == "P\\$\\frac{\\$1\ufffd"


def test_csv_and_vcard_are_plain_and_keep_their_escaping() -> None:
    assert csv_cell("=1+1\x1b") == "'=1+1\ufffd"
    assert csv_cell("Aino\x00") == "Aino\ufffd"
    assert csv_cell(-3) == -3
    assert vcard_text("a,b;c\\d\r\ne\x1b\u202e") == "a\\,b\\;c\\\\d\\ne\ufffd"


def test_terminal_shows_control_characters_instead_of_running_them() -> None:
    shown = terminal_text("Z1\x1b[2J\nfake line\u202e\x00")
    assert shown == "Z1\\x1b[2J\\nfake line\\u202e\\x00"
    assert shown.isprintable()


@pytest.mark.parametrize("value", ["Z01", "CP-JFK", "zone_7", "A" * 64])
def test_safe_ids_keep_their_name_and_case(value: str) -> None:
    assert is_safe_name(value)
    assert safe_file_names([value]) == {value: value}


def test_other_ids_are_slugged_and_collisions_get_a_suffix() -> None:
    ids = ["../../../../tmp/x", "a/b", "a b", "Z01", "z01", "CON", "", "..", "A" * 65, "Zöne 1"]
    names = safe_file_names(reversed(ids))
    assert names == safe_file_names(ids)  # the same set gives the same names in any order
    assert names["Z01"] == "Z01"
    assert names["z01"] == "z01-2"
    assert names["../../../../tmp/x"] == "tmp_x"
    assert {names["a b"], names["a/b"]} == {"a_b", "a_b-2"}
    assert names["CON"] == "id_CON"
    assert names["Zöne 1"] == "Zone_1"
    stems = list(names.values())
    assert len({s.casefold() for s in stems}) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", s) and len(s) <= 64 for s in stems)


def test_kml_parses_with_control_characters_in_names(tiny_station: Path, tmp_path: Path) -> None:
    zones = tiny_plan(tiny_station).zones.copy()
    zones["zone_name"] = ["West\x01\x1b[31m\x0c\x00", "East\ufffe <b>\u202e"]
    path = write_kml(
        zones,
        tmp_path / "zones.kml",
        title="Tiny\x08",
        name_column="zone_name",
        description_columns={"zone_id": "Zone"},
    )
    root = ET.parse(path).getroot()  # noqa: S314
    names = [e.text for e in root.iter("{http://www.opengis.net/kml/2.2}name")]
    assert names == ["Tiny\ufffd", "West\ufffd\ufffd[31m\ufffd\ufffd", "East\ufffd <b>"]
    assert list(gpd.read_file(path)["Name"]) == names[1:]


def test_tiles_attribution_is_text(tiny_station: Path, tmp_path: Path) -> None:
    planned = tiny_plan(tiny_station)
    tiles = "https://<img src=x onerror=alert(1)><script>alert(2)<{z}/{x}/{y}.png"
    write_maps(planned, tmp_path, osm=None, tiles=tiles, redact=True)
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    found = re.search(r'"attribution": ("(?:[^"\\]|\\.)*")', html)
    assert found, html
    attribution = json.loads(found.group(1))  # Leaflet sets it as the control's innerHTML
    shown = parse_html(attribution)
    assert shown.tags == []
    assert shown.text == "Online tiles: <img src=x onerror=alert(1)><script>alert(2)<{z}"
