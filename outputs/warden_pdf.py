"""The warden's printable zone list: one A4 PDF per zone, with only that zone's people.

Each ``contacts/<zone_id>.pdf`` holds the chain of contacts above the warden (deputy,
alternates, area coordinator, CSA and DO with phones and radio call signs), the
security operations centre and emergency numbers, the assembly and concentration
points with the way there, a map of the zone drawn offline, and the table of the
zone's households numbered as on the map. Every page carries the confidentiality
marking, the date of issue and "page N of M". Nothing of another zone's households
is written into a zone's file.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from outputs import fonts
from outputs._parallel import run_all
from outputs._pdf import encryption, numbered_canvas, text_table
from outputs._zone_drawing import ZoneMapLayers, prepare_zone_maps, zone_map_flowable
from outputs.file_names import safe_file_names
from zones.cascade import Cascade
from zones.contact_tree import roles_of, text_of
from zones.plan import PlannedStation

logger = logging.getLogger(__name__)

CONFIDENTIAL = "CONFIDENTIAL - STAFF PERSONAL DATA"
HANDLING = "Keep it safe; destroy superseded copies; do not share beyond the zone."
CONTACT_LABELS = {
    "security_operations_centre": "Security Operations Centre",
    "police": "Police",
    "ambulance": "Ambulance",
    "fire": "Fire and rescue",
}
BLUE = "#1a4d8f"
MARGIN_MM = 14.0
SMALL_PT, SMALL_LEADING = 7.6, 9.4  # tables and the map's caption
MAP_ASPECT = 0.62  # height over width of the zone's map


def write_warden_pdfs(
    plan: PlannedStation,
    out_dir: Path,
    *,
    issued: dt.date,
    cascade: Cascade | None = None,
    password: str | None = None,
) -> list[Path]:
    """Write one A4 warden list per zone into ``out_dir/contacts/<file name>.pdf``.

    The file name is the safe form of the zone id (:func:`outputs.file_names.safe_file_names`).

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
        Encrypt every list with this password (`outputs._pdf.encryption`).

    Returns
    -------
    list of pathlib.Path
        One PDF per zone, in zone order.

    Raises
    ------
    fonts.FontsMissingError
        If the fonts are not installed (the message names the Debian packages).
    """
    folder = out_dir / "contacts"
    folder.mkdir(parents=True, exist_ok=True)
    font_set = fonts.register_fonts()
    index = _index(plan, cascade)  # once, before the workers fork

    file_names = safe_file_names(plan.zones["zone_id"])

    def write(zone_id: str) -> Path:
        path = folder / f"{file_names[zone_id]}.pdf"
        _write_zone(index, zone_id, path, issued, font_set, password)
        return path

    paths = run_all(write, sorted(plan.zones["zone_id"]))
    logger.info("warden lists: %d zone PDFs in %s", len(paths), folder)
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
    points: pd.DataFrame  # accepted points by point_id
    to_assembly: dict[str, list[Any]]  # zone -> routes to its assembly points
    onward: dict[str, list[Any]]  # assembly point -> routes to concentration points
    maps: ZoneMapLayers


def _index(plan: PlannedStation, cascade: Cascade | None) -> _Index:
    station_staff = plan.station.staff
    accepted = station_staff[station_staff["status"] == "accepted"]
    records = pd.DataFrame(accepted.drop(columns="geometry")).to_dict("records")
    alternates: dict[str, list[tuple[str, str]]] = {}
    chosen = plan.appointments[plan.appointments["role"].astype(str).str.startswith("alternate")]
    for row in chosen.sort_values("role", kind="stable").itertuples():
        alternates.setdefault(row.zone_id, []).append((row.role, row.staff_id))
    households: dict[str, list[Any]] = {}
    for household in plan.households.sort_values("household_id", kind="stable").itertuples():
        households.setdefault(household.zone_id, []).append(household)
    members: dict[tuple[str, str], list[dict[str, Any]]] = {}
    people = pd.DataFrame(plan.staff.drop(columns="geometry"))
    for person in people.sort_values("staff_id", kind="stable").to_dict("records"):
        members.setdefault((person["zone_id"], person["household_id"]), []).append(person)
    routes = plan.routes
    to_assembly: dict[str, list[Any]] = {}
    onward: dict[str, list[Any]] = {}
    for route in routes.itertuples():
        if route.kind == "zone_to_assembly":
            to_assembly.setdefault(route.origin_id, []).append(route)
        elif route.kind == "assembly_to_concentration":
            onward.setdefault(route.origin_id, []).append(route)
    flags = plan.flags
    if cascade is not None:
        flags = pd.concat([flags, cascade.flags[list(flags.columns)]], ignore_index=True)
    by_zone: dict[str, list[tuple[str, str]]] = {}
    for flag in flags.itertuples():
        by_zone.setdefault(flag.zone_id, []).append((text_of(flag.severity), text_of(flag.message)))
    points = plan.station.points
    return _Index(
        plan=plan,
        cascade=cascade,
        zones=plan.zones.drop(columns="geometry").set_index("zone_id", drop=False).to_dict("index"),
        staff={r["staff_id"]: r for r in records},
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
        points=points[points["status"] == "accepted"].set_index("point_id", drop=False),
        to_assembly=to_assembly,
        onward=onward,
        maps=prepare_zone_maps(plan),
    )


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


def _zone_minutes(cascade: Cascade | None) -> dict[str, float]:
    if cascade is None:
        return {}
    rows = zip(cascade.zones["zone_id"], cascade.zones["zone_minutes"], strict=True)
    return {z: float(m) for z, m in reversed(list(rows))}


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _minutes(seconds: object) -> str:
    value = float(seconds) if seconds is not None else math.nan
    return "" if math.isnan(value) else f"about {max(1, round(value / 60))} min"


def _chain(index: _Index, zone: dict[str, Any]) -> list[list[str]]:
    """Return rows ``role, name, agency, phones, radio`` from the warden up to the DO."""

    def row(title: str, staff_id: str) -> list[str]:
        person = index.staff.get(staff_id) if staff_id else None
        if person is None:
            return [title, "not appointed", "", "", ""]
        phones = " / ".join(p for p in (text_of(person.get(c)) for c in ("phone", "phone2")) if p)
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
    """Return rows ``kind, name, address, how to get there`` and the points on the map."""
    points = index.points
    rows: list[list[str]] = []
    shown: list[str] = []
    for route in index.to_assembly.get(zone_id, []):
        shown.append(route.destination_id)
        rows.append(_point_row(points, route, "Assembly point", "from the zone's centre"))
        for leg in index.onward.get(route.destination_id, []):
            shown.append(leg.destination_id)
            where = f"from {text_of(points.at[route.destination_id, 'name'])}"
            rows.append(_point_row(points, leg, "Concentration point", where))
    if not rows:  # no routes: list the station's assembly and concentration points
        for point in points[points["kind"].isin(["assembly", "concentration"])].itertuples():
            shown.append(point.point_id)
            rows.append(
                [f"{point.kind.capitalize()} point", text_of(point.name), _address(point), ""]
            )
    return rows, [p for p in dict.fromkeys(shown) if p in points.index]


def _address(point: Any) -> str:
    return text_of(getattr(point, "address", None))


def _point_row(points: pd.DataFrame, route: Any, kind: str, origin: str) -> list[str]:
    point = points.loc[route.destination_id] if route.destination_id in points.index else None
    name = text_of(point["name"]) if point is not None else str(route.destination_id)
    address = text_of(point.get("address")) if point is not None else ""
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
                    )
                    for m in members
                ],
                "address": _first(members, "address"),
                "phones": [
                    p
                    for m in members
                    for p in (text_of(m.get("phone")), text_of(m.get("phone2")))
                    if p
                ],
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
    index: _Index,
    zone_id: str,
    path: Path,
    issued: dt.date,
    font_set: fonts.FontSet,
    password: str | None,
) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
    )

    plan, cascade, zone = index.plan, index.cascade, index.zones[zone_id]
    station = plan.station.name
    body = ParagraphStyle("body", fontName=font_set.regular, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", parent=body, fontSize=SMALL_PT, leading=SMALL_LEADING)
    heading = ParagraphStyle(
        "h2",
        parent=body,
        fontName=font_set.bold,
        fontSize=11,
        leading=14,
        spaceBefore=7,
        spaceAfter=3,
        textColor=colors.HexColor(BLUE),
        keepWithNext=1,
    )
    title = ParagraphStyle(
        "h1",
        parent=body,
        fontName=font_set.bold,
        fontSize=16,
        leading=20,
        textColor=colors.HexColor(BLUE),
    )
    m = fonts.markup
    width = A4[0] - 2 * MARGIN_MM * mm

    def table(
        header: list[str], rows: list[list[Any]], widths_mm: list[float], **options: Any
    ) -> Any:
        scale = width / (sum(widths_mm) * mm)
        widths = [w * mm * scale for w in widths_mm]
        return text_table(header, rows, widths, size=SMALL_PT, leading=SMALL_LEADING, **options)

    zone_name = text_of(zone["zone_name"])
    label = f"Zone {zone_id}" + (f" - {zone_name}" if zone_name else "")
    entries = _household_rows(index, zone)
    staff_count = sum(len(e["people"]) for e in entries)
    dependants = sum(e["dependants"] for e in entries)
    summary = (
        f"{station} duty station · area {text_of(zone['area_id'])} · "
        f"{len(entries)} household{'' if len(entries) == 1 else 's'}, {staff_count} staff, "
        f"{dependants} dependant{'' if dependants == 1 else 's'} · issued {_long_date(issued)}"
    )
    story: list[Any] = [
        Paragraph(m(f"Warden list: {label}", bold=True), title),
        Paragraph(m(summary), body),
        Spacer(1, 2 * mm),
        Paragraph(m("Chain of contacts", bold=True), heading),
        table(
            ["Role", "Name", "Agency", "Phone", "Radio"], _chain(index, zone), [44, 46, 22, 50, 18]
        ),
    ]
    contacts = plan.station.config.station.contacts
    emergency = [
        [CONTACT_LABELS.get(k, k), c.name, c.phone]
        for k, c in sorted(contacts.items(), key=lambda kv: list(CONTACT_LABELS).index(kv[0]))
    ]
    story += [
        Paragraph(m("Security operations centre and emergency numbers", bold=True), heading),
        table(
            ["Service", "Name", "Phone"], emergency or [["", "none configured", ""]], [50, 80, 50]
        ),
    ]
    point_rows, point_ids = _points(index, zone_id)
    story += [
        Paragraph(m("Assembly and concentration points", bold=True), heading),
        table(
            ["Point", "Name", "Address", "How to get there"],
            point_rows or [["", "none in the plan", "", ""]],
            [30, 42, 38, 70],
        ),
    ]
    households = [e["household_id"] for e in entries]
    drawn = zone_map_flowable(
        index.maps, zone_id, households, point_ids, width=width, height=width * MAP_ASPECT
    )
    story += [
        KeepTogether(
            [
                Paragraph(m("Map of the zone", bold=True), heading),
                drawn,
                Paragraph(
                    m(
                        "Numbers are the households of the table below. W: warden's home, "
                        "D: deputy's home, triangles: assembly (green) and concentration "
                        "(orange) points. Map data © OpenStreetMap contributors."
                    ),
                    small,
                ),
            ]
        )
    ]
    story += _household_story(entries, cascade, table, m, heading, Paragraph)
    story += _cascade_story(index, zone_id, m, body, heading, Paragraph)
    header = f"{station} · {label} · warden list"

    def on_page(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        top = A4[1] - 9 * mm
        canvas.setFillColor(colors.HexColor("#a00000"))
        canvas.setFont(font_set.bold, 8)
        canvas.drawString(MARGIN_MM * mm, top, CONFIDENTIAL)
        canvas.setFillColor(colors.black)
        canvas.setFont(fonts.font_for(header), 8)
        canvas.drawRightString(A4[0] - MARGIN_MM * mm, top, fonts.shape_text(header))
        canvas.setStrokeColor(colors.HexColor(BLUE))
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN_MM * mm, top - 2 * mm, A4[0] - MARGIN_MM * mm, top - 2 * mm)
        canvas.setFont(font_set.regular, 7.5)
        canvas.drawString(MARGIN_MM * mm, 8 * mm, f"Issued {_long_date(issued)}. {HANDLING}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=MARGIN_MM * mm,
        rightMargin=MARGIN_MM * mm,
        topMargin=16 * mm,
        bottomMargin=15 * mm,
        title=f"{station}: warden list, {label}",
        author=f"{station} security management",
        subject=CONFIDENTIAL,
        invariant=1,
        encrypt=encryption(password),
    )
    doc.build(
        story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=numbered_canvas(MARGIN_MM)
    )


def _household_story(
    entries: list[dict[str, Any]],
    cascade: Cascade | None,
    table: Any,
    m: Any,
    heading: Any,
    paragraph: Any,
) -> list[Any]:
    header = [
        "#",
        "Names (agency)",
        "Address",
        "Phones",
        "Radio",
        "Dep.",
        "Special needs",
        "Vehicle",
    ]
    widths = [7, 52, 32, 30, 14, 9, 22, 22]
    if cascade is not None:
        header.append("Called by")
        widths.append(26)
    rows = []
    for entry in entries:
        people = [
            [name, f" ({agency})" if agency else "", f" - {role}" if role else ""]
            for name, agency, role in entry["people"]
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
        if cascade is not None:
            row.append([list(entry["called_by"])] if entry["called_by"] else "")
        rows.append(row)
    if not rows:
        rows = [["", "no households in this zone", "", "", "", "", "", "", ""][: len(header)]]
    households = table(header, rows, widths, bold_columns=[0] if entries else [])
    return [paragraph(m("Households", bold=True), heading), households]


def _cascade_story(
    index: _Index, zone_id: str, m: Any, body: Any, heading: Any, paragraph: Any
) -> list[Any]:
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
    if not lines:
        return []
    story = [paragraph(m("Call cascade and known gaps", bold=True), heading)]
    story += [paragraph(m(line), body) for line in lines]
    return story
