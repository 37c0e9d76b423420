"""Letters of appointment for wardens, deputies, alternates and Area Security Coordinators.

One letter per appointment, for the Designated Official's signature, as a
self-contained HTML page and an A4 PDF with the same content: the appointee, the
zone or area, the duties in plain words, the chain of contacts above them, the
emergency numbers, the date and a reference number. Nothing is decided here; the
appointments, the people and the contacts are rendered as given.

The duties paraphrase the UN Security Management System's framework of accountability
(wardens, Area Security Coordinators); the wording is this project's own.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from outputs import document, fonts
from outputs._parallel import run_all
from outputs.file_names import safe_file_names
from outputs.page import long_date
from outputs.records import records
from stations.config import Contact
from stations.text import text_of

logger = logging.getLogger(__name__)

CONFIDENTIAL = "CONFIDENTIAL - STAFF PERSONAL DATA"  # a letter holds names and phones
PERSON_FIELDS = ("staff_id", "name", "agency", "phone", "phone2", "role", "radio_callsign")
ROLE_CODES = {"warden": "WRD", "deputy": "DEP", "alternate": "ALT", "ASC": "ASC"}
CONTACT_LABELS = {
    "security_operations_centre": "Security Operations Centre",
    "police": "Police",
    "ambulance": "Ambulance",
    "fire": "Fire and rescue",
}
WARDEN_DUTIES = (
    (
        "Be the link between the Designated Official and the UN personnel and recognised "
        "dependants living in your zone: pass messages down to every household and bring "
        "their reports and concerns back up."
    ),
    (
        "Keep everyone in your zone informed of the security arrangements and of the security"
        " level in effect, and check that precautionary instructions are followed."
    ),
    (
        "Visit every household in your zone so that each family knows the arrangements, its "
        "assembly point and whom to call."
    ),
    (
        "Keep the zone's list of personnel, dependants, addresses and phone numbers current, "
        "and report changes to the security adviser."
    ),
    (
        "Name one person to keep in touch with UN visitors staying in hotels or guest houses "
        "in your zone."
    ),
    (
        "Make sure that dependants left at the duty station by internationally recruited "
        "staff serving elsewhere are included in the arrangements."
    ),
    (
        "Take part in warden training, radio and phone checks and drills, and carry out other"
        " security tasks the Designated Official or the security adviser gives you."
    ),
)
DEPUTY_DUTIES = (
    (
        "Stand in for the warden whenever the warden is absent or cannot be reached, with all"
        " of the warden's duties listed below."
    ),
    (
        "Help the warden with household visits, list updates and communication checks, and "
        "keep your own copy of the zone's list."
    ),
)
ALTERNATE_DUTIES = (
    (
        "Take over the warden's duties, listed below, when both the warden and the deputy are"
        " absent or cannot be reached."
    ),
    (
        "Keep your own copy of the zone's list and take part in the zone's communication "
        "checks and drills."
    ),
)
ASC_DUTIES = (
    (
        "Act for the Designated Official, under delegated authority, to coordinate and "
        "control the security arrangements for UN personnel, premises and assets in your "
        "area."
    ),
    (
        "Appoint wardens for the zones of your area, in consultation with the Designated "
        "Official, and make sure they are trained and equipped."
    ),
    "Prepare and keep up to date a security plan for your area.",
    "Keep lists of UN personnel and their recognised dependants in your area.",
    (
        "Coordinate the implementation of the minimum operating security standards (MOSS) in "
        "your area, based on a current security risk assessment."
    ),
    (
        "Tell the Designated Official promptly of every incident or development in your area "
        "that bears on the safety and security of personnel and dependants."
    ),
    (
        "Convene the area security management team, and manage security clearance for travel "
        "in your area."
    ),
)
ACCOUNTABILITY = (
    "You are accountable to the Designated Official for these security functions, whatever "
    "your employing organization. Your organization will give you the duty time they need, "
    "and your performance appraisal will record this service."
)
_CONTACT_ORDER = {key: i for i, key in enumerate(CONTACT_LABELS)}
SIGN_BELOW = (
    "Please sign below to accept this appointment and return a copy to the security adviser."
)


@dataclass(frozen=True)
class _Person:
    staff_id: str
    name: str
    agency: str
    phone: str
    callsign: str = ""


@dataclass(frozen=True)
class _Letter:
    reference: str
    issued: dt.date
    station: str
    role: str
    title: str
    unit: str
    person: _Person
    duties: tuple[str, ...]
    chain: tuple[tuple[str, _Person | None], ...]
    emergency: tuple[tuple[str, str, str], ...]
    signatory: _Person | None


def write_letters(
    appointments: pd.DataFrame,
    staff: pd.DataFrame,
    *,
    station_name: str,
    station_contacts: Mapping[str, Contact],
    out_dir: Path,
    issued: dt.date,
    areas: pd.DataFrame | None = None,
    zone_names: Mapping[str, str] | None = None,
    password: str | None = None,
) -> list[Path]:
    """Write one HTML and one PDF letter per warden, deputy, alternate and ASC.

    With a ``password`` only the PDF is written, encrypted (`outputs._pdf.encryption`):
    an HTML copy beside it would undo the protection.

    Parameters
    ----------
    appointments
        ``zone_id, role, staff_id`` and optionally ``area_id``; roles ``warden``,
        ``deputy``, ``alternate_N`` and ``ASC`` (zone_id empty) get a letter, other
        rows are ignored.
    staff
        Staff with ``staff_id, name, agency, phone`` and ``role`` (to find the DO,
        the CSA or CSFP for the chain of contacts), and optionally ``radio_callsign``
        (the call sign the plan uses), shown beside the phone.
    station_name
        The duty station's name.
    station_contacts
        The station's emergency contacts (``[station.contacts]``).
    out_dir
        The ``letters`` folder to write into (created if missing).
    issued
        Date of the letters; its year goes into the reference numbers.
    areas
        ``area_id, area_name, coordinator_id, coordinator_role``: names the areas
        and the coordinator above each warden.
    zone_names
        Zone id -> zone name, shown next to the zone id.
    password
        Encrypt every PDF with this password and write no HTML.

    Returns
    -------
    list of pathlib.Path
        The written files, HTML and PDF for each letter, in reference order.

    Raises
    ------
    ValueError
        If an appointment names a staff_id absent from ``staff``.
    fonts.FontsMissingError
        If the fonts for the PDF are not installed.
    """
    letters = _letters(
        appointments, staff, station_name, station_contacts, issued, areas, zone_names
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    fonts.register_fonts()  # fails early, before the workers fork, if they are missing

    file_names = safe_file_names(letter.reference for letter in letters)

    def write(letter: _Letter) -> list[Path]:
        stem = file_names[letter.reference]  # a reference holds a zone id: data, not a path
        pdf_path = out_dir / f"{stem}.pdf"
        content = _document(letter)  # once for the PDF and the HTML
        document.write_pdf(content, pdf_path, password)
        if password:
            return [pdf_path]
        html_path = out_dir / f"{stem}.html"
        html_path.write_text(document.render_html(content), encoding="utf-8")
        return [html_path, pdf_path]

    written = [path for pair in run_all(write, letters) for path in pair]
    logger.info("letters: %d written to %s", len(letters), out_dir)
    return written


# --- content -----------------------------------------------------------------------------------


def _kind(role: str) -> str:
    return "alternate" if role.startswith("alternate") else role


def station_code(station_name: str) -> str:
    """Return the station's part of a reference: its name in ASCII capitals (12 at most)."""
    ascii_name = unicodedata.normalize("NFKD", station_name).encode("ascii", "ignore").decode()
    code = re.sub(r"[^A-Z0-9]", "", ascii_name.upper())[:12]
    return code or "STATION"


def _letters(
    appointments: pd.DataFrame,
    staff: pd.DataFrame,
    station_name: str,
    contacts: Mapping[str, Contact],
    issued: dt.date,
    areas: pd.DataFrame | None,
    zone_names: Mapping[str, str] | None,
) -> list[_Letter]:
    people = {text_of(r["staff_id"]): r for r in records(staff, PERSON_FIELDS)}
    rows = [r for r in records(appointments) if _kind(text_of(r["role"])) in ROLE_CODES]
    missing = sorted({text_of(r["staff_id"]) for r in rows} - set(people))
    if missing:
        msg = f"appointments name staff not in the staff table: {', '.join(missing)}"
        raise ValueError(msg)
    order = {"ASC": 0, "warden": 1, "deputy": 2, "alternate": 3}
    rows.sort(
        key=lambda r: (
            text_of(r.get("zone_id")) or text_of(r.get("area_id")),
            order[_kind(text_of(r["role"]))],
            text_of(r["role"]),
            text_of(r["staff_id"]),
        )
    )
    holders = _holders(staff)
    area_rows = {} if areas is None else {text_of(a["area_id"]): a for a in records(areas)}
    names = dict(zone_names or {})
    by_zone: dict[tuple[str, str], str] = {
        (text_of(r.get("zone_id")), text_of(r["role"])): text_of(r["staff_id"]) for r in rows
    }
    code = station_code(station_name)
    emergency = tuple(
        (CONTACT_LABELS.get(key, key), c.name, c.phone)
        for key, c in sorted(
            contacts.items(), key=lambda kv: (_CONTACT_ORDER.get(kv[0], 99), kv[0])
        )
    )
    letters = []
    for serial, row in enumerate(rows, start=1):
        role = text_of(row["role"])
        kind = _kind(role)
        zone_id = text_of(row.get("zone_id"))
        area_id = text_of(row.get("area_id"))
        area = area_rows.get(area_id)
        unit_id = area_id if kind == "ASC" else zone_id
        reference = f"{code}-{ROLE_CODES[kind]}-{unit_id or 'NA'}-{issued.year}-{serial:03d}"
        person = _person(people[text_of(row["staff_id"])])
        coordinator = _coordinator(area, people, holders, kind)
        chain: list[tuple[str, _Person | None]] = []
        if kind in ("deputy", "alternate"):
            warden_id = by_zone.get((zone_id, "warden"))
            chain.append(("Warden", _person(people[warden_id]) if warden_id else None))
        if kind == "alternate":
            deputy_id = by_zone.get((zone_id, "deputy"))
            chain.append(("Deputy warden", _person(people[deputy_id]) if deputy_id else None))
        if coordinator is not None:
            chain.append(coordinator)
        adviser = holders.get("CSA") or holders.get("CSFP")
        if adviser is not None and all(
            p is None or p.staff_id != adviser[1].staff_id for _, p in chain
        ):
            chain.append(adviser)
        do = holders.get("DO")
        chain.append(("Designated Official", do[1] if do else None))
        letters.append(
            _Letter(
                reference=reference,
                issued=issued,
                station=station_name,
                role=role,
                title=_title(role),
                unit=_unit(kind, zone_id, area_id, area, names),
                person=person,
                duties=_duties(kind),
                chain=tuple(chain),
                emergency=emergency,
                signatory=do[1] if do else None,
            )
        )
    return letters


def _person(row: Mapping[str, Any]) -> _Person:
    phone = text_of(row.get("phone")) or text_of(row.get("phone2"))
    return _Person(
        text_of(row.get("staff_id")),
        text_of(row.get("name")),
        text_of(row.get("agency")),
        phone,
        text_of(row.get("radio_callsign")),
    )


def _holders(staff: pd.DataFrame) -> dict[str, tuple[str, _Person]]:
    """Return the first holder (by staff_id) of the DO, CSA and CSFP roles."""
    titles = {
        "DO": "Designated Official",
        "CSA": "Chief Security Adviser",
        "CSFP": "Country Security Focal Point",
    }
    found: dict[str, tuple[str, _Person]] = {}
    ordered = staff.sort_values("staff_id", kind="stable")
    if "status" in ordered.columns:
        ordered = ordered[ordered["status"] == "accepted"]
    for row in records(ordered, PERSON_FIELDS):
        roles = {p.strip() for p in text_of(row.get("role")).split(";")}
        for role, title in titles.items():
            if role in roles and role not in found:
                found[role] = (title, _person(row))
    return found


def _coordinator(
    area: Mapping[str, Any] | None,
    people: Mapping[str, Any],
    holders: Mapping[str, tuple[str, _Person]],
    kind: str,
) -> tuple[str, _Person | None] | None:
    if kind == "ASC":
        return None
    if area is not None and text_of(area.get("coordinator_id")) in people:
        role = text_of(area.get("coordinator_role"))
        title = "Area Security Coordinator" if role == "ASC" else holders.get(role, (role, None))[0]
        return title, _person(people[text_of(area["coordinator_id"])])
    return None


def _title(role: str) -> str:
    if role == "ASC":
        return "Area Security Coordinator"
    if role.startswith("alternate"):
        number = role.removeprefix("alternate").strip("_")
        return f"Alternate Warden {number}".strip()
    return {"warden": "Warden", "deputy": "Deputy Warden"}[role]


def _unit(
    kind: str, zone_id: str, area_id: str, area: Mapping[str, Any] | None, names: Mapping[str, str]
) -> str:
    area_name = text_of(area.get("area_name")) if area is not None else ""
    if kind == "ASC":
        return f"area {area_id}" + (f" ({area_name})" if area_name else "")
    zone_name = text_of(names.get(zone_id))
    text = f"zone {zone_id}" + (f" ({zone_name})" if zone_name else "")
    return text + (f", area {area_id} ({area_name})" if area_name and area_id != "A0" else "")


def _duties(kind: str) -> tuple[str, ...]:
    if kind == "ASC":
        return ASC_DUTIES
    lead = {"deputy": DEPUTY_DUTIES, "alternate": ALTERNATE_DUTIES}.get(kind, ())
    return lead + WARDEN_DUTIES


def _opening(letter: _Letter) -> str:
    return (
        f"In consultation with the Security Management Team, I appoint you {letter.title} for "
        f"{letter.unit} of the {letter.station} duty station, with effect from "
        f"{long_date(letter.issued)}."
    )


# --- the document ------------------------------------------------------------------------------


def render_html(letter: _Letter) -> str:
    """Return the letter as a self-contained, printable HTML page (every string escaped)."""
    return document.render_html(_document(letter))


def _document(letter: _Letter) -> document.Document:
    """Return the letter as a sheet of the shared document stack (`outputs.document`)."""
    p, station = letter.person, letter.station
    chain = [
        [title, q.name if q else "not appointed", q.agency if q else "", _means(q)]
        for title, q in letter.chain
    ]
    radio = f"; your radio call sign: {p.callsign}" if p.callsign else ""
    return document.Document(
        title=f"Letter of appointment: {letter.title}",
        subtitle=f"United Nations Security Management System, {station}",
        marking=CONFIDENTIAL,
        issued=letter.issued,
        facts=(("Ref.", letter.reference), ("Date:", long_date(letter.issued))),
        sections=(
            _section(
                "",
                f"To: {p.name} ({p.staff_id}), {p.agency}{radio}",
                _opening(letter),
                ACCOUNTABILITY,
            ),
            _section("Your duties", document.Steps(letter.duties)),
            _section(
                "Your chain of contacts",
                document.Table(("Role", "Name", "Agency", "Phone"), chain, (48, 52, 28, 44)),
            ),
            _section(
                "Emergency numbers",
                document.Table(
                    ("Service", "Name", "Phone"),
                    letter.emergency,
                    (58, 70, 44),
                    empty="none configured",
                ),
            ),
            _section("", SIGN_BELOW),
        ),
        signatures=(
            document.Signature(
                f"Designated Official, {station}",
                letter.signatory.name if letter.signatory else "",
                "Appoints",
            ),
            document.Signature("Accepted by the appointee", p.name, "Accepts the appointment"),
        ),
        layout="sheet",
        header=f"{letter.reference} · {station}",
        author=f"Designated Official, {station}",
    )


def _means(person: _Person | None) -> str:
    """Return a person's phone and radio call sign, one a line."""
    if person is None:
        return ""
    return "\n".join(filter(None, (person.phone, person.callsign and f"radio {person.callsign}")))


def _section(title: str, *blocks: document.Block) -> document.Section:
    return document.Section(title, blocks, numbered=False)
