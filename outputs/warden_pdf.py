"""The warden's printable zone list: one A4 PDF per zone, with only that zone's people.

Each ``contacts/<zone_id>.pdf`` holds the chain of contacts above the warden (deputy,
alternates, area coordinator, CSA and DO with phones and radio call signs), the
security operations centre and emergency numbers, the assembly and concentration
points with their address and the way there, the nearest hospitals by driving time (as
the plan measured them, `zones.medical`), a map of the zone
drawn offline with its legend, and the table of the zone's households numbered as on
the map (with blood types). Phone numbers are grouped in international format
(:func:`outputs.phone_text.format_phone`). Beside each list, ``<zone>-card.pdf`` is the
warden's wallet card (:mod:`outputs.wallet_card`). Every page carries the confidentiality
marking, the date of issue and "page N of M". Nothing of another zone's households
is written into a zone's file.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from outputs import fonts
from outputs._parallel import run_all
from outputs._zone_drawing import ZoneMapLayers, prepare_zone_maps, zone_map_flowable
from outputs.document import Block, Cell, Document, Drawing, Section, Table, write_pdf
from outputs.file_names import card_file_names, safe_file_names
from outputs.page import long_date
from outputs.phone_text import format_phone
from outputs.records import records
from outputs.wallet_card import WalletCard, write_wallet_card
from stations.text import roles_of, text_of
from stations.zones_file import zone_title
from zones.cascade import Cascade
from zones.nearby import nearest_street
from zones.plan import PlannedStation
from zones.readiness import readiness_marks

logger = logging.getLogger(__name__)

CONFIDENTIAL = "CONFIDENTIAL - STAFF PERSONAL DATA"
HANDLING = "Keep it safe; destroy superseded copies; do not share beyond the zone."
CONTACT_LABELS = {
    "security_operations_centre": "Security Operations Centre",
    "police": "Police",
    "ambulance": "Ambulance",
    "fire": "Fire and rescue",
}
MAP_ASPECT = 0.62  # height over width of the zone's map, when the page has room
LISTED_POINTS = ("assembly", "concentration", "hospital")
ON_STREET_M = 10.0  # nearer than this to a street, a point is on it
MAP_MIN_ASPECT = 0.45  # the least it shrinks to, to stay on the page of the points


def write_warden_pdfs(
    plan: PlannedStation,
    out_dir: Path,
    *,
    issued: dt.date,
    cascade: Cascade | None = None,
    password: str | None = None,
) -> list[Path]:
    """Write one A4 warden list and one A6 wallet card per zone into ``out_dir/contacts/``.

    The list is ``<file name>.pdf``, the card ``<file name>-card.pdf``; the file name is
    the safe form of the zone id (:func:`outputs.file_names.safe_file_names`).

    Parameters
    ----------
    plan
        The planned station.
    out_dir
        The plan's output folder; ``contacts/`` is created in it.
    issued
        The date of issue printed on every page.
    cascade
        The call cascade; adds who calls each household and the zone's time.
    password
        Encrypt every list and card with this password (`outputs._pdf.encryption`).

    Returns
    -------
    list of pathlib.Path
        The list, then the card, of each zone, in zone order.

    Raises
    ------
    fonts.FontsMissingError
        If the fonts are not installed (the message names the Debian packages).
    """
    folder = out_dir / "contacts"
    folder.mkdir(parents=True, exist_ok=True)
    fonts.register_fonts()  # fails early, before the workers fork, if they are missing
    index = _index(plan, cascade)  # once, before the workers fork

    file_names = safe_file_names(plan.zones["zone_id"])
    card_names = card_file_names(file_names)

    def write(zone_id: str) -> list[Path]:
        content = _zone_content(index, zone_id)  # once for the list and the card
        path = folder / f"{file_names[zone_id]}.pdf"
        _write_zone(index, content, path, issued, password)
        card = folder / f"{card_names[zone_id]}.pdf"
        write_wallet_card(_card_content(index, content), card, issued=issued, password=password)
        return [path, card]

    paths = [p for pair in run_all(write, sorted(plan.zones["zone_id"])) for p in pair]
    logger.info("warden lists: %d zone lists and wallet cards in %s", len(paths), folder)
    return paths


# --- content -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """What every zone's list reads, looked up once per plan (records, not frames)."""

    plan: PlannedStation
    cascade: Cascade | None
    zones: dict[str, dict[str, Any]]
    staff: dict[str, dict[str, Any]]  # accepted staff of the station by staff_id
    holders: dict[str, str]
    areas: dict[str, dict[str, Any]]
    alternates: dict[str, list[tuple[str, str]]]  # zone -> (role, staff_id), by role
    households: dict[str, list[Any]]  # zone -> households, by household_id
    members: dict[tuple[str, str], list[dict[str, Any]]]  # (zone, household) -> staff
    callers: dict[tuple[str, str], tuple[str, str]]  # (zone, household) -> name, when
    zone_minutes: dict[str, float]
    flags: dict[str, list[tuple[str, str]]]  # zone -> severity, message
    readiness: dict[tuple[str, str], list[str]]  # (zone, role) -> readiness gaps
    points: pd.DataFrame  # accepted points by point_id
    addresses: dict[str, str]  # point_id -> address, street or coordinates
    hospitals: dict[str, list[Any]]  # zone -> the plan's medical rows, by rank
    to_assembly: dict[str, list[Any]]  # zone -> routes to its assembly points
    to_alternate: dict[str, Any]  # zone -> route to its alternate assembly point
    onward: dict[str, list[Any]]  # assembly point -> routes to concentration points
    maps: ZoneMapLayers
    people: _People
    phones: dict[str, str] = field(default_factory=dict)  # number -> formatted, as met


def _index(plan: PlannedStation, cascade: Cascade | None) -> _Index:
    station_staff = plan.station.staff
    accepted = station_staff[station_staff["status"] == "accepted"]
    accepted_rows = records(accepted)
    alternates: dict[str, list[tuple[str, str]]] = {}
    chosen = plan.appointments[plan.appointments["role"].astype(str).str.startswith("alternate")]
    for row in chosen.sort_values("role", kind="stable").itertuples():
        alternates.setdefault(row.zone_id, []).append((row.role, row.staff_id))
    households: dict[str, list[Any]] = {}
    for household in plan.households.sort_values("household_id", kind="stable").itertuples():
        households.setdefault(household.zone_id, []).append(household)
    members: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for person in records(plan.staff.sort_values("staff_id", kind="stable")):
        members.setdefault((person["zone_id"], person["household_id"]), []).append(person)
    routes = plan.routes[~plan.routes["alternate"].astype(bool)].drop_duplicates("leg")
    to_assembly: dict[str, list[Any]] = {}
    to_alternate: dict[str, Any] = {}
    onward: dict[str, list[Any]] = {}
    for route in routes.itertuples():
        if route.kind == "zone_to_assembly":
            to_assembly.setdefault(route.origin_id, []).append(route)
        elif route.kind == "zone_to_alternate_assembly":
            to_alternate.setdefault(route.origin_id, route)
        elif route.kind == "assembly_to_concentration":
            onward.setdefault(route.origin_id, []).append(route)
    by_zone: dict[str, list[tuple[str, str]]] = {}
    for flag in plan.flags.itertuples():  # the plan's flags hold the cascade's already
        by_zone.setdefault(flag.zone_id, []).append((text_of(flag.severity), text_of(flag.message)))
    points = plan.station.points
    points = points[points["status"] == "accepted"].set_index("point_id", drop=False)
    callsigns = _plan_callsigns(plan)
    return _Index(
        plan=plan,
        cascade=cascade,
        zones={zone["zone_id"]: zone for zone in records(plan.zones)},
        staff={r["staff_id"]: r | callsigns.get(r["staff_id"], {}) for r in accepted_rows},
        holders=_holders(accepted),
        areas=pd.DataFrame(plan.areas.drop(columns="geometry"))
        .set_index("area_id")
        .to_dict("index"),
        alternates=alternates,
        households=households,
        members=members,
        callers=_callers(plan, cascade),
        zone_minutes=_zone_minutes(cascade),
        flags=by_zone,
        readiness=readiness_marks(plan.flags),
        points=points,
        addresses=_addresses(plan, points),
        hospitals=_hospitals(plan),
        to_assembly=to_assembly,
        to_alternate=to_alternate,
        onward=onward,
        maps=prepare_zone_maps(plan),
        people=_people(plan, accepted_rows),
    )


def _plan_callsigns(plan: PlannedStation) -> dict[str, dict[str, str]]:
    """Return by ``staff_id`` the call sign the plan uses (the roster's, else generated)."""
    if "radio_callsign" not in plan.staff:
        return {}
    pairs = zip(plan.staff["staff_id"], plan.staff["radio_callsign"], strict=True)
    return {str(s): {"radio_callsign": text_of(c)} for s, c in pairs}


def _callers(
    plan: PlannedStation, cascade: Cascade | None
) -> dict[tuple[str, str], tuple[str, str]]:
    """Return who calls each household and at which minute of the zone's cascade."""
    if cascade is None:
        return {}
    names = dict(zip(plan.staff["staff_id"], plan.staff["name"].map(text_of), strict=True))
    rows = zip(cascade.zones["zone_id"], cascade.zones["reached_minute"], strict=True)
    starts = {z: 0.0 if math.isnan(float(m)) else float(m) for z, m in reversed(list(rows))}
    calls = cascade.calls[cascade.calls["household_id"].notna()]
    out = {}
    for call in calls.itertuples():
        relay = " (relays)" if call.callee_role == "relay" else ""
        out[call.zone_id, call.household_id] = (
            names.get(call.caller_id, call.caller_id),
            f", min {call.minute - starts.get(call.zone_id, 0.0):g}{relay}",
        )
    return out


def _addresses(plan: PlannedStation, points: pd.DataFrame) -> dict[str, str]:
    """Return each listed point's address: its own, else the nearest street, else where it is."""
    points = points[points["kind"].isin(LISTED_POINTS)]
    osm = plan.station.osm
    streets = names = None
    if osm is not None and len(osm.roads):
        roads = osm.roads[osm.roads.geometry.notna()]
        streets, names = roads.geometry.to_numpy(), roads["name"].to_numpy()
    out = {}
    for point_id, point in zip(points.index, points.itertuples(), strict=True):
        spot = point.geometry
        address = text_of(getattr(point, "address", None))
        if not address and streets is not None and names is not None:
            street = nearest_street((spot.x, spot.y), streets, names)
            if street is not None:
                name, metres = street
                address = f"on {name}" if metres < ON_STREET_M else f"{metres:.0f} m from {name}"
        out[point_id] = address or _coordinates(float(point.lat), float(point.lon))
    return out


def _coordinates(lat: float, lon: float) -> str:
    """Return ``60.16750° N, 24.94500° E``: five decimals, about a metre."""
    return f"{abs(lat):.5f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.5f}° {'E' if lon >= 0 else 'W'}"


def _hospitals(plan: PlannedStation) -> dict[str, list[Any]]:
    """Return each zone's nearest hospitals as the plan measured them, by rank."""
    medical = plan.medical[plan.medical["origin_kind"] == "zone"]
    out: dict[str, list[Any]] = {}
    for row in medical.sort_values(["origin_id", "rank"], kind="stable").itertuples():
        out.setdefault(row.origin_id, []).append(row)
    return out


def _zone_minutes(cascade: Cascade | None) -> dict[str, float]:
    if cascade is None:
        return {}
    rows = zip(cascade.zones["zone_id"], cascade.zones["zone_minutes"], strict=True)
    return {z: float(m) for z, m in reversed(list(rows))}


def _minutes(seconds: float | None) -> str:
    value = float(seconds) if seconds is not None else math.nan
    return "" if math.isnan(value) else f"about {max(1, round(value / 60))} min"


def _phone(index: _Index, text: str) -> str:
    """Return :func:`outputs.phone_text.format_phone` of a number, each number parsed once."""
    formatted = index.phones.get(text)
    if formatted is None:
        formatted = index.phones[text] = format_phone(text)
    return formatted


def _chain(index: _Index, zone: dict[str, Any]) -> list[list[str]]:
    """Return rows ``role, name, agency, phones, radio`` from the warden up to the DO."""

    def row(title: str, staff_id: str) -> list[str]:
        person = index.staff.get(staff_id) if staff_id else None
        if person is None:
            return [title, "not appointed", "", "", ""]
        phones = " / ".join(
            _phone(index, p) for p in (text_of(person.get(c)) for c in ("phone", "phone2")) if p
        )
        return [
            title,
            text_of(person.get("name")),
            text_of(person.get("agency")),
            phones,
            text_of(person.get("radio_callsign")),
        ]

    rows = [
        row("Warden", text_of(zone["warden_id"])),
        row("Deputy warden", text_of(zone["deputy_id"])),
    ]
    rows += [
        row(f"Alternate {role.removeprefix('alternate_')}", staff_id)
        for role, staff_id in index.alternates.get(zone["zone_id"], [])
    ]
    area_id = text_of(zone["area_id"])
    area = index.areas.get(area_id)
    if area is not None and text_of(area["coordinator_role"]) == "ASC":
        rows.append(row(f"Area Security Coordinator ({area_id})", text_of(area["coordinator_id"])))
    holders = index.holders
    if "CSA" in holders or "CSFP" not in holders:
        rows.append(row("Chief Security Adviser", holders.get("CSA", "")))
    else:
        rows.append(row("Country Security Focal Point", holders["CSFP"]))
    rows.append(row("Designated Official", holders.get("DO", "")))
    return rows


def _holders(staff: pd.DataFrame) -> dict[str, str]:
    found: dict[str, str] = {}
    if "role" not in staff.columns:
        return found
    staff = staff[staff["role"].fillna("").astype(str).str.strip() != ""]
    for staff_id, value in sorted(zip(staff["staff_id"], staff["role"], strict=True)):
        for role in roles_of(value):
            found.setdefault(role, staff_id)
    return found


def _points(index: _Index, zone_id: str) -> tuple[list[list[str]], list[str]]:
    """Return rows ``kind, name, address, how to get there`` and the points on the map.

    The zone's assembly point, its alternate and the concentration points beyond them
    come first, then its nearest hospitals.
    """
    points = index.points
    rows: list[list[str]] = []
    shown: list[str] = []
    for route in index.to_assembly.get(zone_id, []):
        shown.append(route.destination_id)
        rows.append(_point_row(index, route, "Assembly point", "from the zone's centre"))
        alternate = _alternate_row(index, zone_id)
        if alternate is not None:
            shown.append(alternate[0])
            rows.append(alternate[1])
        for leg in index.onward.get(route.destination_id, []):
            shown.append(leg.destination_id)
            where = f"from {text_of(points.at[route.destination_id, 'name'])}"
            rows.append(_point_row(index, leg, "Concentration point", where))
    if not rows:  # no routes: list the station's assembly and concentration points
        for point in points[points["kind"].isin(["assembly", "concentration"])].itertuples():
            shown.append(point.point_id)
            rows.append(
                [
                    f"{point.kind.capitalize()} point",
                    f"{text_of(point.name)} ({point.point_id})",
                    index.addresses.get(point.point_id, ""),
                    "",
                ]
            )
    for hospital in index.hospitals.get(zone_id, []):
        rows.append(_hospital_row(index, hospital))
        if isinstance(hospital.hospital_id, str):
            shown.append(hospital.hospital_id)
    return rows, [p for p in dict.fromkeys(shown) if p in points.index]


def _alternate_row(index: _Index, zone_id: str) -> tuple[str, list[str]] | None:
    """Return the zone's alternate assembly point and its row, or None without one."""
    point_id = text_of(index.zones.get(zone_id, {}).get("assembly_alt_id"))
    if not point_id:
        return None
    kind = "Alternate assembly point"
    route = index.to_alternate.get(zone_id)
    if route is not None:
        return point_id, _point_row(index, route, kind, "from the zone's centre")
    points = index.points
    name = text_of(points.at[point_id, "name"]) if point_id in points.index else point_id
    return point_id, [kind, f"{name} ({point_id})", index.addresses.get(point_id, ""), ""]


def _hospital_row(index: _Index, hospital: Any) -> list[str]:
    """Return a hospital's row: trauma care, name and phone, address, the drive there."""
    if not isinstance(hospital.hospital_id, str):
        return ["Hospital", "none reachable by road", "", "check the way on the ground"]
    kind = {True: "Hospital, takes trauma", False: "Hospital, no trauma care"}.get(
        hospital.trauma, "Hospital"
    )
    if hospital.nearest_trauma:
        kind = "Hospital, nearest trauma care"
    phone = format_phone(text_of(hospital.phone), index.plan.station.config.station.country)
    name = f"{text_of(hospital.hospital_name)} ({hospital.hospital_id})"
    minutes = max(1, math.ceil(hospital.time_s / 60))  # rounded up, as the security plan
    how = f"{hospital.length_m / 1000:.1f} km by car from the zone's centre, about {minutes} min"
    if hospital.method == "straight-line":
        how += " (estimate: straight line x 1.3, not a route)"
    else:
        how += " (on the street network)"
    return [
        kind,
        name + (f"\n{phone}" if phone else ""),
        index.addresses.get(hospital.hospital_id, ""),
        how,
    ]


def _point_row(index: _Index, route: Any, kind: str, origin: str) -> list[str]:
    points = index.points
    point = points.loc[route.destination_id] if route.destination_id in points.index else None
    name = text_of(point["name"]) if point is not None else str(route.destination_id)
    address = index.addresses.get(route.destination_id, "")
    length = float(route.length_m)
    mode = text_of(getattr(route, "mode", "")) or "walking"
    if math.isnan(length) or not bool(route.reachable):
        how = f"no route found {origin}: check on the ground"
    else:
        how = f"{length / 1000:.1f} km {origin}, {_minutes(route.time_s)} {mode}"
        if route.method == "straight-line":
            how += " (straight line: the way by road is longer)"
        else:
            how += " by the street network (see the map)"
    return [kind, f"{name} ({route.destination_id})", address, how]


def _emergency(plan: PlannedStation) -> list[list[str]]:
    """Return rows ``service, name, phone`` of the station's contacts, in a fixed order."""
    contacts = plan.station.config.station.contacts
    order = list(CONTACT_LABELS)
    return [
        [CONTACT_LABELS.get(k, k), c.name, format_phone(c.phone)]
        for k, c in sorted(
            contacts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)
        )
    ]


@dataclass(frozen=True)
class _ZoneContent:
    """What a zone's list and card both print, worked out once per zone."""

    zone_id: str
    zone: dict[str, Any]
    entries: list[dict[str, Any]]  # the households, numbered (`_household_rows`)
    chain: list[list[str]]  # `_chain`, without the readiness marks
    point_rows: list[list[str]]
    point_ids: list[str]  # the points on the map


def _zone_content(index: _Index, zone_id: str) -> _ZoneContent:
    zone = index.zones[zone_id]
    point_rows, point_ids = _points(index, zone_id)
    return _ZoneContent(
        zone_id=zone_id,
        zone=zone,
        entries=_household_rows(index, zone),
        chain=_chain(index, zone),
        point_rows=point_rows,
        point_ids=point_ids,
    )


def _card_content(index: _Index, content: _ZoneContent) -> WalletCard:
    """Return what the zone's wallet card prints: chain, emergency, assembly, households."""
    zone_name = text_of(content.zone["zone_name"])
    return WalletCard(
        title=zone_title(content.zone_id) + (f" - {zone_name}" if zone_name else ""),
        station=index.plan.station.name,
        chain=[
            [role, name, phones.replace(" / ", "\n")]
            for role, name, _agency, phones, _radio in content.chain
        ],
        emergency=[
            [name if service.casefold() in name.casefold() else f"{service} ({name})", phone]
            for service, name, phone in _emergency(index.plan)
        ],
        assembly=[
            [f"{kind}: {name}", address]
            for kind, name, address, _how in content.point_rows
            if kind != "Hospital"
        ],
        households=[
            [
                str(entry["number"]),
                ", ".join(person[0] for person in entry["people"]),
                "\n".join(entry["phones"]),
            ]
            for entry in content.entries
        ],
    )


def _household_rows(index: _Index, zone: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one entry per household of the zone, numbered in household_id order."""
    zone_id = zone["zone_id"]
    appointed = {text_of(zone["warden_id"]): "warden", text_of(zone["deputy_id"]): "deputy"}
    entries = []
    for number, household in enumerate(index.households.get(zone_id, []), start=1):
        members = index.members.get((zone_id, household.household_id), [])
        entries.append(
            {
                "number": number,
                "household_id": household.household_id,
                "people": [
                    (
                        text_of(m.get("name")),
                        text_of(m.get("agency")),
                        appointed.get(text_of(m.get("staff_id")), ""),
                        text_of(m.get("presence_note")),
                    )
                    for m in members
                ],
                "address": _first(members, "address"),
                "phones": [
                    _phone(index, p)
                    for m in members
                    for p in (text_of(m.get("phone")), text_of(m.get("phone2")))
                    if p
                ],
                "blood": [text_of(m.get("blood_type")) for m in members],
                "radio": _values(members, "radio_callsign"),
                "dependants": int(household.dependants),
                "needs": "; ".join(dict.fromkeys(_values(members, "special_needs"))),
                "vehicle": "; ".join(dict.fromkeys(_values(members, "vehicle"))),
                "called_by": index.callers.get((zone_id, household.household_id), ()),
            }
        )
    return entries


def _values(members: list[dict[str, Any]], column: str) -> list[str]:
    return [text for m in members if (text := text_of(m.get(column)))]


def _first(members: list[dict[str, Any]], column: str) -> str:
    values = _values(members, column)
    return values[0] if values else ""


# --- PDF -----------------------------------------------------------------------------------


def _write_zone(
    index: _Index, content: _ZoneContent, path: Path, issued: dt.date, password: str | None
) -> None:
    """Write one zone's list: a sheet of the shared document stack (`outputs.document`)."""
    station, zone, zone_id = index.plan.station.name, content.zone, content.zone_id
    zone_name = text_of(zone["zone_name"])
    label = zone_title(zone_id) + (f" - {zone_name}" if zone_name else "")
    entries = content.entries
    document = Document(
        title=f"Warden list: {label}",
        subtitle=_summary(
            station, zone, entries, issued, len(index.people.visitors.get(zone_id, []))
        ),
        marking=CONFIDENTIAL,
        issued=issued,
        facts=(),
        sections=(
            _section("Chain of contacts", _chain_table(index, content)),
            _section("Security operations centre and emergency numbers", _emergency_table(index)),
            *_points_and_map(index, content),
            _section("Households", _with_dependants(index, entries, index.cascade)),
            *_visitors_section(index, zone_id),
            *_cascade_sections(index, zone_id),
        ),
        layout="sheet",
        header=f"{station} · {label} · warden list",
        note=HANDLING,
        author=f"{station} security management",
    )
    write_pdf(document, path, password)


def _section(title: str, *blocks: Block) -> Section:
    return Section(title, blocks, numbered=False)


def _summary(
    station: str,
    zone: dict[str, Any],
    entries: list[dict[str, Any]],
    issued: dt.date,
    visitors: int = 0,
) -> str:
    staff_count = sum(len(e["people"]) for e in entries)
    dependants = sum(e["dependants"] for e in entries)
    guests = f", {visitors} visitor{'' if visitors == 1 else 's'}" if visitors else ""
    return (
        f"{station} duty station · area {text_of(zone['area_id'])} · "
        f"{len(entries)} household{'' if len(entries) == 1 else 's'}, {staff_count} staff, "
        f"{dependants} dependant{'' if dependants == 1 else 's'}{guests} · "
        f"issued {long_date(issued)}"
    )


def _chain_table(index: _Index, content: _ZoneContent) -> Table:
    rows = _with_readiness(index, content.zone, content.chain)
    return Table(("Role", "Name", "Agency", "Phone", "Radio"), rows, (44, 46, 22, 50, 18))


def _with_readiness(index: _Index, zone: dict[str, Any], rows: list[list[str]]) -> list[list[str]]:
    """Return the rows, the warden's and deputy's marked with their readiness gaps.

    ("Warden (untrained)"); the rows given are left as they are (the card prints them).
    """
    marked = [list(row) for row in rows]
    for row, role in zip(marked, ("warden", "deputy"), strict=False):
        gaps = index.readiness.get((str(zone["zone_id"]), role))
        if gaps:
            row[0] = f"{row[0]} ({', '.join(gaps)})"
    return marked


def _emergency_table(index: _Index) -> Table:
    rows = _emergency(index.plan) or [["", "none configured", ""]]
    return Table(("Service", "Name", "Phone"), rows, (50, 80, 50))


def _points_and_map(index: _Index, content: _ZoneContent) -> list[Section]:
    """Return the section of the zone's points and the one of its map, which shows them."""
    zone_id, point_rows, point_ids = content.zone_id, content.point_rows, content.point_ids
    households = [e["household_id"] for e in content.entries]
    points = Table(
        ("Point", "Name", "Address", "How to get there"),
        point_rows or [["", "none in the plan", "", ""]],
        (30, 42, 38, 70),
    )

    def draw(width: float) -> Any:
        return zone_map_flowable(
            index.maps,
            zone_id,
            households,
            point_ids,
            width=width,
            height=width * MAP_ASPECT,
            min_height=width * MAP_MIN_ASPECT,
            replayed=False,  # a warden list is laid out once, and has no HTML
        )

    caption = (
        "Numbers are the households of the table below; where homes crowd, a number sits "
        "beside its home with a line to it. Neighbouring zones dashed, in their colours. "
        "Map data © OpenStreetMap contributors."
    )
    return [
        _section("Assembly points, concentration points and hospitals", points),
        _section("Map of the zone", Drawing(draw, caption, MAP_MIN_ASPECT)),
    ]


def _household_table(entries: list[dict[str, Any]], cascade: Cascade | None) -> Table:
    header = [
        "#",
        "Names (agency), blood type",
        "Address",
        "Phones",
        "Radio",
        "Dep.",
        "Special needs",
        "Vehicle",
    ]
    widths = [7, 47, 32, 36, 14, 11, 16, 18]  # '#', 'Dep.' and call signs unbroken
    if cascade is not None:
        header.append("Called by")
        widths.append(26)
    rows = [_household_row(entry, called_by=cascade is not None) for entry in entries]
    if not rows:
        rows = [["", "no households in this zone", *[""] * (len(header) - 2)]]
    return Table(tuple(header), rows, tuple(widths), bold_columns=(0,) if entries else ())


def _household_row(entry: dict[str, Any], *, called_by: bool) -> list[Any]:
    people = [
        [
            name,
            f" ({agency})" if agency else "",
            f" - {role}" if role else "",
            f", {away}" if away else "",
            f", blood {blood}" if blood else "",
        ]
        for (name, agency, role, away), blood in zip(entry["people"], entry["blood"], strict=True)
    ]
    row = [
        str(entry["number"]),
        people,
        entry["address"],
        "\n".join(entry["phones"]),
        "\n".join(entry["radio"]),
        str(entry["dependants"]),
        entry["needs"],
        entry["vehicle"],
    ]
    if called_by:
        row.append([list(entry["called_by"])] if entry["called_by"] else "")
    return row


def _cascade_sections(index: _Index, zone_id: str) -> list[Section]:
    lines = []
    minutes = index.zone_minutes.get(zone_id, math.nan)
    if index.cascade is not None and not math.isnan(minutes):
        rules = index.cascade.rules
        lines.append(
            "When a message reaches you, call the deputy first, then split the list as in "
            f"the column 'Called by'. At {rules.minutes_per_call:g} min per call, everyone "
            f"in the zone is reached in about {minutes:g} min (target "
            f"{rules.target_minutes:g} min). Report back up the chain when done."
        )
    lines += [
        f"{severity.capitalize()}: {message}" for severity, message in index.flags.get(zone_id, [])
    ]
    return [_section("Call cascade and known gaps", *lines)] if lines else []


# --- dependants and visitors ---------------------------------------------------------------


@dataclass(frozen=True)
class _People:
    """Named dependants by household and visitors by zone, looked up once per plan."""

    named: bool  # the station has a dependants file naming someone
    dependants: dict[str, list[dict[str, Any]]]  # household -> named dependants, file order
    unnamed: dict[str, int]  # household -> dependants the roster counts but the file does not name
    visitors: dict[str, list[dict[str, Any]]]  # zone -> visitors, by hotel then name
    sponsors: dict[str, dict[str, Any]]  # staff_id -> sponsor's record


def _people(plan: PlannedStation, staff_rows: list[dict[str, Any]]) -> _People:
    """Return the dependants and visitors; ``staff_rows`` are the accepted staff's records."""
    station = plan.station
    accepted = station.accepted_dependants
    numbered = accepted["numbered"].astype(bool)
    named_rows = pd.DataFrame(accepted[~numbered]).sort_values("source_row", kind="stable")
    dependants: dict[str, list[dict[str, Any]]] = {}
    for row in named_rows.to_dict("records"):
        dependants.setdefault(str(row["household_id"]), []).append(row)
    unnamed = accepted[numbered].groupby("household_id").size().astype(int).to_dict()
    stays = pd.DataFrame(station.visitors.drop(columns="geometry")).drop_duplicates("visitor_id")
    stay = stays.set_index("visitor_id")[["arrival", "departure", "lat", "lon"]].to_dict("index")
    points = station.accepted_points.set_index("point_id")
    visitors: dict[str, list[dict[str, Any]]] = {}
    for row in pd.DataFrame(plan.visitors.drop(columns="geometry")).to_dict("records"):
        point_id = text_of(row["point_id"])
        where = stay.get(row["visitor_id"], {})
        hotel = (
            f"{text_of(points.at[point_id, 'name'])} ({point_id})"
            if point_id in points.index
            else "Lodging at " + _coordinates(float(where.get("lat")), float(where.get("lon")))
            if where.get("lat") is not None
            else "Lodging not given"
        )
        visitors.setdefault(text_of(row["zone_id"]), []).append(row | where | {"hotel": hotel})
    for rows in visitors.values():
        rows.sort(key=lambda r: (r["hotel"].casefold(), text_of(r["name"]).casefold()))
    return _People(
        named=bool(len(named_rows)),
        dependants=dependants,
        unnamed={str(k): int(v) for k, v in unnamed.items()},
        visitors=visitors,
        sponsors={str(r["staff_id"]): r for r in staff_rows},
    )


def _with_dependants(
    index: _Index, entries: list[dict[str, Any]], cascade: Cascade | None
) -> Table:
    """Return the households table with each household's named dependants under it.

    Without a dependants file (no dependant named), the table is as before: a count per
    household. With one, each named dependant gets a line of their own under the household
    (name, relation, age band, phone, special needs), and dependants the roster counts
    but the file does not name are counted on one line ("2 dependants (not named)").
    """
    table = _household_table(entries, cascade)
    people = index.people
    if not people.named or not entries:
        return table
    width = len(table.header)
    rows: list[Any] = []
    for entry, row in zip(entries, table.rows, strict=True):
        rows.append(row)
        household = entry["household_id"]
        rows.extend(_dependant_row(d, width) for d in people.dependants.get(household, []))
        unnamed = people.unnamed.get(household, 0)
        if unnamed:
            line = f"\u21b3 {unnamed} dependant{'' if unnamed == 1 else 's'} (not named)"
            rows.append(["", line, *[""] * (width - 2)])
    return Table(table.header, rows, table.widths, table.empty, table.bold_columns)


def _dependant_row(dependant: dict[str, Any], width: int) -> list[Any]:
    """Return a dependant's line: name and what they are, phone and special needs."""
    about = ", ".join(
        t for t in (text_of(dependant.get("relation")), text_of(dependant.get("age_band"))) if t
    )
    name = text_of(dependant.get("name")) or "name not given"
    phone = text_of(dependant.get("phone"))
    row: list[Any] = ["", [["\u21b3 ", name, f" ({about})" if about else ""]]]
    row += [
        "",
        format_phone(phone) if phone else "",
        "",
        "",
        text_of(dependant.get("special_needs")),
    ]
    return row + [""] * (width - len(row))


def _visitors_section(index: _Index, zone_id: str) -> list[Section]:
    """Return the zone's visitors under their hotel, with the staff member who keeps contact."""
    visitors = index.people.visitors.get(zone_id, [])
    if not visitors:
        return []
    rows = []
    previous = None
    for visitor in visitors:
        hotel = visitor["hotel"]
        phone = text_of(visitor.get("phone"))
        rows.append(
            [
                hotel if hotel != previous else "",
                [[text_of(visitor.get("name")) or "name not given"]]
                + ([[text_of(visitor.get("agency"))]] if text_of(visitor.get("agency")) else []),
                format_phone(phone) if phone else "",
                _stay(visitor.get("arrival"), visitor.get("departure")),
                _sponsor(index.people.sponsors.get(text_of(visitor.get("sponsor_staff_id")))),
            ]
        )
        previous = hotel
    table = Table(
        ("Hotel", "Visitor (agency)", "Phone", "Stay", "Keeps contact (sponsor)"),
        rows,
        (42, 42, 32, 26, 48),
    )
    note = (
        "UN visitors staying in the zone on the date of issue. Their sponsor keeps contact "
        "with them; in an emergency, reach them through the sponsor and count them at the "
        "zone's assembly point."
    )
    return [_section("Visitors at hotels in the zone", note, table)]


def _stay(arrival: object, departure: object) -> str:
    if not isinstance(arrival, dt.date) or not isinstance(departure, dt.date):
        return ""
    return f"{arrival.isoformat()} to {departure.isoformat()}"


def _sponsor(person: dict[str, Any] | None) -> Cell:
    if person is None:
        return "nobody named: ask the Security Focal Point"
    agency = text_of(person.get("agency"))
    lines = [[text_of(person.get("name")), f" ({agency})" if agency else ""]]
    phone = text_of(person.get("phone"))
    if phone:
        lines.append([format_phone(phone)])
    return lines
