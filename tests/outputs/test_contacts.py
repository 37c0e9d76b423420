"""Contact files: tree.json, tree.html (escaped, offline), contacts.csv (no formulas), vCards."""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

import pytest
import vobject

from outputs.contacts import _fold, render_vcards, write_contacts
from outputs.escape import vcard_text
from tests.factories import tiny_plan
from zones.cascade import CascadeRules, plan_cascade
from zones.contact_tree import person_contacts
from zones.plan import PlannedStation

HOSTILE_NAME = '=HYPERLINK("http://x.example","Click"); <script>alert(1)</script>, Jr.\nX'


def hostile_plan(folder: Path) -> PlannedStation:
    plan = tiny_plan(folder)
    staff = plan.staff.copy()
    staff.loc[staff["staff_id"] == "S002", "name"] = HOSTILE_NAME
    staff.loc[staff["staff_id"] == "S002", "agency"] = "@SUM(A1)"
    staff.loc[staff["staff_id"] == "S001", "name"] = "-2+3"
    staff.loc[staff["staff_id"] == "S006", "name"] = "+cmd|' /C calc'!A0"
    return PlannedStation(**{**plan.__dict__, "staff": staff})


@pytest.fixture
def written(tiny_station: Path, tmp_path: Path) -> dict[str, Path]:
    plan = tiny_plan(tiny_station)
    paths = write_contacts(plan, tmp_path / "out", cascade=plan_cascade(plan, CascadeRules()))
    return {p.name: p for p in paths}


def test_files_written_into_contacts(written: dict[str, Path]):
    assert sorted(written) == [
        "calls.csv", "cascade.csv", "contacts.csv", "contacts.vcf", "tree.html", "tree.json",
    ]  # fmt: skip
    assert {p.parent.name for p in written.values()} == {"contacts"}


def test_tree_json_round_trips(written: dict[str, Path]):
    tree = json.loads(written["tree.json"].read_text(encoding="utf-8"))
    assert tree["station"] == "Tiny"
    assert tree["chain"]["name"] == "أحمد الخطيب"
    assert "李小龙" in written["tree.json"].read_text(encoding="utf-8")


def test_tree_html_is_offline_mobile_searchable_printable(written: dict[str, Path]):
    page = written["tree.html"].read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert '<meta name="viewport"' in page
    assert "<details" in page
    assert '<input id="q" type="search"' in page
    assert "@media print" in page
    for name in ("Олег Петров", "李小龙", "José Núñez", "أحمد الخطيب"):
        assert name in page
    assert 'href="tel:+358401234572"' in page
    assert "Call cascade" in page


def test_tree_html_escapes_user_strings(tiny_station: Path, tmp_path: Path):
    paths = write_contacts(hostile_plan(tiny_station), tmp_path)
    page = next(p for p in paths if p.name == "tree.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_csv_neutralises_formulas(tiny_station: Path, tmp_path: Path):
    paths = write_contacts(hostile_plan(tiny_station), tmp_path)
    path = next(p for p in paths if p.name == "contacts.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = [value for row in rows for value in row.values() if value]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    by_id = {r["staff_id"]: r for r in rows}
    assert by_id["S002"]["name"] == "'" + HOSTILE_NAME
    assert by_id["S002"]["agency"] == "'@SUM(A1)"
    assert by_id["S001"]["name"] == "'-2+3"
    assert by_id["S002"]["deputy"] == "'-2+3"  # names copied into other columns too
    assert by_id["S003"]["warden"] == "Олег Петров"
    assert by_id["S005"]["dependants"] == "0"


def test_one_csv_row_and_one_vcard_per_person(written: dict[str, Path]):
    with written["contacts.csv"].open(encoding="utf-8-sig") as handle:
        assert len(list(csv.DictReader(handle))) == 6
    cards = list(vobject.readComponents(written["contacts.vcf"].read_text(encoding="utf-8")))
    assert len(cards) == 6


def test_vcards_parse_back_with_zone_category(written: dict[str, Path]):
    text = written["contacts.vcf"].read_bytes().decode("utf-8")
    assert "\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    cards = {c.uid.value: c for c in vobject.readComponents(text)}
    assert cards["S005"].fn.value == "李小龙"
    assert cards["S005"].categories.value == ["Z02"]
    assert sorted(t.value for t in cards["S005"].contents["tel"]) == [
        "+358401234571", "+358451234571",
    ]  # fmt: skip
    assert cards["S004"].fn.value == "أحمد الخطيب"
    assert "Warden: José Núñez +358401234572" in cards["S002"].note.value
    assert cards["S006"].title.value == "Warden, zone Z01"


def test_vcard_escapes_commas_semicolons_and_newlines(tiny_station: Path):
    people = person_contacts(hostile_plan(tiny_station))
    text = render_vcards(people)
    cards = {c.uid.value: c for c in vobject.readComponents(text)}
    assert cards["S002"].fn.value == HOSTILE_NAME
    assert vcard_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_same_plan_same_bytes(tiny_station: Path, tmp_path: Path):
    plan = tiny_plan(tiny_station)
    first = write_contacts(plan, tmp_path / "a")
    second = write_contacts(plan, tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


def test_vcard_n_splits_latin_names_and_leaves_others_to_fn(written: dict[str, Path]):
    text = written["contacts.vcf"].read_bytes().decode("utf-8")
    cards = {c.uid.value: c for c in vobject.readComponents(text)}
    pierre = cards["S002"].n.value
    assert (pierre.family, pierre.given) == ("Dubois", "Pierre")
    jose = cards["S006"].n.value
    assert (jose.family, jose.given) == ("Núñez", "José")
    for staff_id, name in (("S003", "Олег Петров"), ("S005", "李小龙"), ("S004", "أحمد الخطيب")):
        parts = cards[staff_id].n.value
        assert (parts.family, parts.given) == ("", "")
        assert cards[staff_id].fn.value == name


def test_vcard_n_keeps_particles_with_the_family_name(tiny_station: Path):
    plan = tiny_plan(tiny_station)
    staff = plan.staff.copy()
    staff.loc[staff["staff_id"] == "S001", "name"] = "Ludwig van Beethoven"
    staff.loc[staff["staff_id"] == "S002", "name"] = "Madonna"
    people = person_contacts(PlannedStation(**{**plan.__dict__, "staff": staff}))
    cards = {c.uid.value: c for c in vobject.readComponents(render_vcards(people))}
    ludwig = cards["S001"].n.value
    assert (ludwig.family, ludwig.given) == ("van Beethoven", "Ludwig")
    assert (cards["S002"].n.value.family, cards["S002"].n.value.given) == ("", "")
    assert cards["S002"].fn.value == "Madonna"


def folded_char_by_char(line: str) -> str:
    """Fold as RFC 6350 says, a character at a time: 75 octets, then 74 after the space."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    return "\r\n ".join([*parts, current])


def test_vcard_lines_fold_at_75_octets_between_characters():
    rng = random.Random(5)  # noqa: S311 - test data, not secrets
    alphabet = "aZ09 ,;é€ж李😀أ"  # one to four octets each
    for length in (0, 18, 19, 74, 75, 76, 150, 400):
        for _ in range(20):
            line = "".join(rng.choice(alphabet) for _ in range(length))
            folded = _fold(line)
            assert folded == folded_char_by_char(line)
            assert folded.replace("\r\n ", "") == line
            assert all(len(p.encode("utf-8")) <= 75 for p in folded.split("\r\n"))
