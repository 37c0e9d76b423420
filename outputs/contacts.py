"""Write the contact tree files: tree.json, tree.html, contacts.csv, contacts.vcf.

Everything is rendered from :func:`zones.contact_tree.build_contact_tree` and
:func:`zones.contact_tree.person_contacts`; with a :class:`zones.cascade.Cascade`,
``cascade.csv`` (time per zone and for the station) and ``calls.csv`` (who calls
whom, with each caller's backup) are written too. These files hold the whole
roster: they are for the security adviser, not for the wardens.
"""

from __future__ import annotations

import json
import logging
import math
import unicodedata
from pathlib import Path
from typing import Any

import pandas as pd

from outputs.csv_safe import write_csv_safely
from outputs.escape import html_text, vcard_text
from stations.text import text_of
from stations.zones_file import zone_title
from zones.cascade import Cascade
from zones.contact_tree import build_contact_tree, person_contacts
from zones.plan import PlannedStation

logger = logging.getLogger(__name__)

ROLE_LABELS = {
    "DO": "Designated Official",
    "CSA": "Chief Security Adviser",
    "CSFP": "Country Security Focal Point",
    "ASC": "Area Security Coordinator",
    "zone": "Zone",
    "warden": "Warden",
    "deputy": "Deputy warden",
    "household": "Household",
    "staff": "",
    "dependant": "Dependant",
    "hotel": "Hotel",
    "visitors_contact": "Visitors' contact",
    "visitor": "Visitor",
    "sponsor": "Sponsor",
    "agency": "Agency",
    "agency_head": "Head of agency",
}
_OPEN_ROLES = ("DO", "CSA", "CSFP", "ASC", "zone", "warden")
VCARD_LINE_OCTETS = 75
UTF8_CONTINUATION = 0x80  # the top two bits of a UTF-8 byte inside a character
NAME_PARTICLES = frozenset(
    ("van", "von", "der", "den", "de", "da", "das", "do", "dos", "du", "del", "della", "di",
     "la", "le", "ten", "ter", "bin", "binti", "ibn", "al", "el")
)  # fmt: skip


def write_contacts(
    plan: PlannedStation, out_dir: Path, *, cascade: Cascade | None = None
) -> list[Path]:
    """Write the contact tree files into ``out_dir/contacts/``.

    Parameters
    ----------
    plan
        The planned station.
    out_dir
        The plan's output folder; ``contacts/`` is created in it.
    cascade
        The call cascade; adds ``cascade.csv`` and ``calls.csv``.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    folder = out_dir / "contacts"
    folder.mkdir(parents=True, exist_ok=True)
    tree = build_contact_tree(plan)
    people = person_contacts(plan)
    tree_json = folder / "tree.json"
    # No indent: the pretty-printer is pure Python and 8x slower on a big roster.
    tree_json.write_text(json.dumps(tree, ensure_ascii=False) + "\n", encoding="utf-8")
    tree_html = folder / "tree.html"
    tree_html.write_text(render_tree_html(tree, cascade), encoding="utf-8")
    csv = write_csv_safely(
        people.assign(dependants=people["dependants"].astype("Int64")), folder / "contacts.csv"
    )
    vcf = folder / "contacts.vcf"
    vcf.write_bytes(render_vcards(people).encode("utf-8"))
    paths = [tree_json, tree_html, csv, vcf]
    if cascade is not None:
        paths += _write_cascade(plan, cascade, folder)
    logger.info("contacts: %d people, %d files in %s", len(people), len(paths), folder)
    return paths


# --- HTML ----------------------------------------------------------------------------------


_CSS = """
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", "Droid Sans Fallback", system-ui, sans-serif;
       margin: 0 auto; padding: 12px; max-width: 60em; color: #111; font-size: 15px;
       line-height: 1.4; }
h1 { font-size: 1.35em; margin: 0 0 4px; color: #1a4d8f; }
h2 { font-size: 1.1em; margin: 18px 0 6px; border-bottom: 2px solid #1a4d8f; }
.mark { color: #a00; font-weight: bold; font-size: .85em; letter-spacing: .04em; }
#q { width: 100%; font-size: 1em; padding: 8px; margin: 8px 0; border: 1px solid #888;
     border-radius: 4px; }
ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 1.1em; }
ul.tree { padding-left: 0; }
ul.tree li { margin: 2px 0; }
summary { cursor: pointer; }
.leaf { padding-left: 1.1em; }
.role { font-weight: bold; color: #1a4d8f; }
.zone > details > summary { background: #e8eef6; padding: 2px 4px; }
.note, .agency, .radio { color: #555; font-size: .9em; }
a[href^="tel:"] { white-space: nowrap; }
.gap { color: #a00; }
table { border-collapse: collapse; width: 100%; font-size: .9em; }
th, td { border: 1px solid #aaa; padding: 3px 5px; text-align: left; }
th { background: #e8eef6; }
.over { color: #a00; font-weight: bold; }
@media print {
  #q, .noprint { display: none; }
  body { max-width: none; font-size: 10pt; }
  a { color: #111; text-decoration: none; }
  details > summary { list-style: none; }
}
"""
_JS = """
const q = document.getElementById('q');
q.addEventListener('input', () => {
  const term = q.value.trim().toLowerCase();
  const items = [...document.querySelectorAll('ul.tree li')].reverse();
  const hit = new Set();
  for (const li of items) {
    const own = li.querySelector(':scope > details > summary, :scope > .leaf');
    const me = !term || (own && own.textContent.toLowerCase().includes(term));
    const kids = li.querySelectorAll(':scope > details > ul > li');
    const child = [...kids].some(c => hit.has(c));
    if (me || child) hit.add(li);
    li.hidden = !(me || child);
    const d = li.querySelector(':scope > details');
    if (term && d && child) d.open = true;
    if (term && me) li.querySelectorAll('li').forEach(c => { c.hidden = false; });
  }
});
window.addEventListener('beforeprint', () => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
});
"""


def render_tree_html(tree: dict[str, Any], cascade: Cascade | None = None) -> str:
    """Return the contact tree as a self-contained, searchable, printable HTML page.

    Parameters
    ----------
    tree
        The tree from :func:`zones.contact_tree.build_contact_tree`.
    cascade
        The call cascade, summarised in a table when given.

    Returns
    -------
    str
        The page; every user string is escaped.
    """
    e = html_text
    station = e(tree["station"])
    sections = [
        "<h2>Security chain</h2>",
        f'<ul class="tree">{_li(tree["chain"])}</ul>',
        "<h2>Agency channel</h2>",
        f'<ul class="tree">{"".join(_li(a) for a in tree["agencies"])}</ul>',
    ]
    if tree["unassigned"]:
        sections += [
            "<h2>Staff without a zone</h2>",
            f'<ul class="tree">{"".join(_li(p) for p in tree["unassigned"])}</ul>',
        ]
    if cascade is not None:
        sections.append(_cascade_table(cascade))
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{station}: contact tree</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{station}: contact tree</h1>
<div class="mark">CONFIDENTIAL - STAFF PERSONAL DATA</div>
<input id="q" type="search" placeholder="Search a name, zone, agency, phone or call sign"
 aria-label="Search">
{body}
<script>{_JS}</script>
</body>
</html>
"""


def _line(node: dict[str, Any]) -> str:
    e = html_text
    role = node["role"]
    label = ROLE_LABELS.get(role, role.replace("_", " ").capitalize())
    parts = [f'<span class="role">{e(label)}</span>'] if label else []
    if role == "zone":
        parts.append(f"<strong>{e(node['zone_id'])}</strong>")
    if role == "household":
        parts.append(f'<span class="note">{e(node["household_id"] or "")}:</span>')
    name = node["name"] or ""
    person = node["staff_id"] or node.get("person_id")
    css = "gap" if person is None and role not in _GROUPS else "name"
    parts.append(f'<bdi class="{css}">{e(name)}</bdi>')
    if node["agency"]:
        parts.append(f'<span class="agency">{e(node["agency"])}</span>')
    parts += [
        f'<a href="tel:{e(phone)}">{e(phone)}</a>'
        for phone in (node["phone"], node["phone2"])
        if phone
    ]
    if node["radio_callsign"]:
        parts.append(f'<span class="radio">radio {e(node["radio_callsign"])}</span>')
    if person and role != "household":
        parts.append(f'<span class="note">{e(person)}</span>')
    if node["note"]:
        parts.append(f'<span class="note">({e(node["note"])})</span>')
    return " ".join(parts)


_GROUPS = ("zone", "household", "hotel", "agency")


def _li(node: dict[str, Any]) -> str:
    css = f' class="{html_text(node["role"])}"'
    if not node["children"]:
        return f'<li{css}><div class="leaf">{_line(node)}</div></li>'
    opened = " open" if node["role"] in _OPEN_ROLES else ""
    children = "".join(_li(c) for c in node["children"])
    return (
        f"<li{css}><details{opened}><summary>{_line(node)}</summary>"
        f"<ul>{children}</ul></details></li>"
    )


def _cascade_table(cascade: Cascade) -> str:
    e = html_text
    rows = []
    for zone in cascade.zones.itertuples():
        minutes = "no caller" if math.isnan(zone.zone_minutes) else f"{zone.zone_minutes:g}"
        total = "" if math.isnan(zone.station_minutes) else f"{zone.station_minutes:g}"
        css = ' class="over"' if zone.over_target else ""
        rows.append(
            f"<tr{css}><td>{e(zone.zone_id)}</td><td>{zone.households}</td>"
            f"<td>{minutes}</td><td>{total}</td><td>{e(zone.fix)}</td></tr>"
        )
    station = cascade.station_minutes
    total = "no caller" if math.isnan(station) else f"{station:g} min"
    rules = cascade.rules
    return (
        "<h2>Call cascade</h2>"
        f"<p>Everyone reached in about <strong>{total}</strong> at {rules.minutes_per_call:g} "
        f"min per call, at most {rules.max_calls_per_person} calls per person; target "
        f"{rules.target_minutes:g} min.</p>"
        "<table><thead><tr><th>Zone</th><th>Households</th><th>Minutes in the zone</th>"
        "<th>Minutes from the start</th><th>Fix</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# --- vCard ---------------------------------------------------------------------------------


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    if len(line) * 4 <= VCARD_LINE_OCTETS:
        return line
    data = line.encode("utf-8")
    parts: list[bytes] = []
    start, limit = 0, VCARD_LINE_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == UTF8_CONTINUATION:  # cut before the character it is in
            end -= 1
        parts.append(data[start:end])
        start, limit = end, VCARD_LINE_OCTETS - 1  # a folded line starts with a space
    parts.append(data[start:])
    return "\r\n ".join(part.decode("utf-8") for part in parts)


def render_vcards(people: pd.DataFrame) -> str:
    """Return one vCard 3.0 per person, the zone id as category, CRLF line ends.

    Parameters
    ----------
    people
        The frame from :func:`zones.contact_tree.person_contacts`.

    Returns
    -------
    str
        The vCards, concatenated.
    """
    cards = []
    for person in people.itertuples():
        esc = vcard_text
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"UID:{esc(person.staff_id)}",
            f"FN:{esc(person.name)}",
            f"N:{_structured_name(person.name)}",
        ]
        if person.agency:
            lines.append(f"ORG:{esc(person.agency)}")
        title = _title(person)
        if title:
            lines.append(f"TITLE:{esc(title)}")
        if person.phone:
            lines.append(f"TEL;TYPE=CELL:{esc(person.phone)}")
        if person.phone2:
            lines.append(f"TEL;TYPE=VOICE:{esc(person.phone2)}")
        if person.email:
            lines.append(f"EMAIL;TYPE=INTERNET:{esc(person.email)}")
        if person.address:
            lines.append(f"ADR;TYPE=HOME:;;{esc(person.address)};;;;")
        if person.zone_id:
            lines.append(f"CATEGORIES:{esc(person.zone_id)}")
        lines.append(f"NOTE:{esc(_note(person))}")
        lines.append("END:VCARD")
        cards.append("".join(_fold(line) + "\r\n" for line in lines))
    return "".join(cards)


def _structured_name(name: str) -> str:
    """Return the vCard 3.0 ``N`` value: ``family;given;;;`` or ``;;;;`` when unsafe.

    A name in Latin letters of two or more space-separated words splits at its last
    word (``Amélie Dubois`` gives ``Dubois;Amélie;;;``), the lowercase particles before
    it going with the family name (``Ludwig van Beethoven`` gives ``van Beethoven;Ludwig``).
    Other names (one word, other scripts, commas) cannot be split safely: ``N`` stays
    empty and ``FN`` carries the whole name, as vCard 3.0 allows.
    """
    words = name.split()
    if len(words) < 2 or not all(_is_latin_word(w) for w in words):  # noqa: PLR2004
        return ";;;;"
    cut = len(words) - 1
    while cut > 1 and words[cut - 1] in NAME_PARTICLES:
        cut -= 1
    family, given = " ".join(words[cut:]), " ".join(words[:cut])
    return f"{vcard_text(family)};{vcard_text(given)};;;"


def _is_latin_word(word: str) -> bool:
    letters = [c for c in word if c not in "-'\u2019."]  # hyphens, apostrophes, initials
    return bool(letters) and all(
        c.isalpha() and unicodedata.name(c, "").startswith("LATIN") for c in letters
    )


def _title(person: Any) -> str:
    titles = [ROLE_LABELS.get(r, r.replace("_", " ")) for r in person.roles.split(";") if r]
    if person.staff_id == person.warden_id:
        titles.append(f"Warden, zone {person.zone_id}")
    if person.staff_id == person.deputy_id:
        titles.append(f"Deputy warden, zone {person.zone_id}")
    return "; ".join(titles)


def _note(person: Any) -> str:
    zone = zone_title(text_of(person.zone_id)) + (
        f" ({person.zone_name})" if person.zone_name else ""
    )
    lines = [zone]
    for label, name, phone in (
        ("Warden", person.warden, person.warden_phone),
        ("Deputy", person.deputy, person.deputy_phone),
        (person.coordinator_role or "Coordinator", person.coordinator, person.coordinator_phone),
    ):
        lines.append(f"{label}: {name} {phone}".strip() if name else f"{label}: not appointed")
    if person.radio_callsign:
        lines.append(f"Radio call sign: {person.radio_callsign}")
    return "\n".join(lines)


# --- cascade -------------------------------------------------------------------------------


def _write_cascade(plan: PlannedStation, cascade: Cascade, folder: Path) -> list[Path]:
    names = dict(zip(plan.staff["staff_id"], plan.staff["name"].map(text_of), strict=True))
    zones = cascade.zones.copy()
    station = {
        "zone_id": "STATION",
        "households": int(zones["households"].sum()),
        "callers": int(cascade.callers["staff_id"].nunique()),
        "relays": int(zones["relays"].sum()),
        "reached_minute": 0.0,
        "zone_minutes": math.nan,
        "station_minutes": cascade.station_minutes,
        "reported_minute": zones["reported_minute"].max(),
        "over_target": bool(cascade.station_minutes > cascade.rules.target_minutes),
        "fix": "",
    }
    zones = pd.concat([zones, pd.DataFrame([station])], ignore_index=True)
    backups = dict(zip(cascade.callers["staff_id"], cascade.callers["backup_id"], strict=True))
    calls = cascade.calls.assign(
        caller_name=cascade.calls["caller_id"].map(names),
        callee_name=cascade.calls["callee_id"].map(names),
        caller_backup_id=cascade.calls["caller_id"].map(backups),
    )
    return [
        write_csv_safely(zones, folder / "cascade.csv"),
        write_csv_safely(calls, folder / "calls.csv"),
    ]
