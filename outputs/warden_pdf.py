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
import io
import logging
import math
from pathlib import Path
from typing import Any

import pandas as pd

from outputs import fonts
from outputs._parallel import run_all
from outputs._pdf import grid_style, numbered_canvas
from outputs._zone_map import render_zone_map
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


def write_warden_pdfs(
    plan: PlannedStation,
    out_dir: Path,
    *,
    issued: dt.date,
    cascade: Cascade | None = None,
) -> list[Path]:
    """Write one A4 warden list per zone into ``out_dir/contacts/<zone_id>.pdf``.

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

    def write(zone_id: str) -> Path:
        path = folder / f"{zone_id}.pdf"
        _write_zone(plan, zone_id, path, issued, cascade, font_set)
        return path

    paths = run_all(write, sorted(plan.zones["zone_id"]))
    logger.info("warden lists: %d zone PDFs in %s", len(paths), folder)
    return paths


# --- content -------------------------------------------------------------------------------


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _minutes(seconds: object) -> str:
    value = float(seconds) if seconds is not None else math.nan
    return "" if math.isnan(value) else f"about {max(1, round(value / 60))} min"


def _chain(plan: PlannedStation, zone: pd.Series) -> list[list[str]]:
    """Return rows ``role, name, agency, phones, radio`` from the warden up to the DO."""
    staff = plan.station.staff
    staff = staff[staff["status"] == "accepted"].set_index("staff_id", drop=False)
    zone_id = zone["zone_id"]

    def row(title: str, staff_id: str) -> list[str]:
        if not staff_id or staff_id not in staff.index:
            return [title, "not appointed", "", "", ""]
        person = staff.loc[staff_id]
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
    alternates = plan.appointments[
        (plan.appointments["zone_id"] == zone_id)
        & plan.appointments["role"].astype(str).str.startswith("alternate")
    ].sort_values("role", kind="stable")
    rows += [
        row(f"Alternate {r.role.removeprefix('alternate_')}", r.staff_id)
        for r in alternates.itertuples()
    ]
    areas = plan.areas.set_index("area_id")
    area_id = text_of(zone["area_id"])
    holders = _holders(staff)
    if area_id in areas.index and text_of(areas.at[area_id, "coordinator_role"]) == "ASC":
        rows.append(
            row(
                f"Area Security Coordinator ({area_id})",
                text_of(areas.at[area_id, "coordinator_id"]),
            )
        )
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


def _points(plan: PlannedStation, zone_id: str) -> tuple[list[list[str]], pd.DataFrame]:
    """Return rows ``kind, name, address, how to get there`` and the points on the map."""
    points = plan.station.points
    points = points[points["status"] == "accepted"].set_index("point_id", drop=False)
    routes = plan.routes
    rows: list[list[str]] = []
    shown: list[str] = []
    to_assembly = routes[(routes["kind"] == "zone_to_assembly") & (routes["origin_id"] == zone_id)]
    for route in to_assembly.itertuples():
        shown.append(route.destination_id)
        rows.append(_point_row(points, route, "Assembly point", "from the zone's centre"))
        onward = routes[
            (routes["kind"] == "assembly_to_concentration")
            & (routes["origin_id"] == route.destination_id)
        ]
        for leg in onward.itertuples():
            shown.append(leg.destination_id)
            where = f"from {text_of(points.at[route.destination_id, 'name'])}"
            rows.append(_point_row(points, leg, "Concentration point", where))
    if not rows:  # no routes: list the station's assembly and concentration points
        for point in points[points["kind"].isin(["assembly", "concentration"])].itertuples():
            shown.append(point.point_id)
            rows.append(
                [f"{point.kind.capitalize()} point", text_of(point.name), _address(point), ""]
            )
    return rows, points.loc[[p for p in dict.fromkeys(shown) if p in points.index]]


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


def _household_rows(
    plan: PlannedStation, zone_id: str, cascade: Cascade | None
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """Return one entry per household of the zone (numbered) and the households frame."""
    households = plan.households[plan.households["zone_id"] == zone_id].sort_values(
        "household_id", kind="stable"
    )
    staff = plan.staff_of_zone(zone_id).sort_values("staff_id", kind="stable")
    zone = plan.zones.set_index("zone_id").loc[zone_id]
    appointed = {text_of(zone["warden_id"]): "warden", text_of(zone["deputy_id"]): "deputy"}
    callers: dict[str, tuple[str, str]] = {}
    names = dict(zip(plan.staff["staff_id"], plan.staff["name"].map(text_of), strict=True))
    if cascade is not None:
        calls = cascade.zone_calls(zone_id)
        for call in calls[calls["household_id"].notna()].itertuples():
            relay = " (relays)" if call.callee_role == "relay" else ""
            callers[call.household_id] = (
                names.get(call.caller_id, call.caller_id),
                f", min {call.minute - _zone_start(cascade, zone_id):g}{relay}",
            )
    entries = []
    for number, household in enumerate(households.itertuples(), start=1):
        members = staff[staff["household_id"] == household.household_id]
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
                    for _, m in members.iterrows()
                ],
                "address": _first(members, "address"),
                "phones": [
                    p
                    for _, m in members.iterrows()
                    for p in (text_of(m.get("phone")), text_of(m.get("phone2")))
                    if p
                ],
                "radio": [text_of(r) for r in members.get("radio_callsign", []) if text_of(r)],
                "dependants": int(household.dependants),
                "needs": _joined(members, "special_needs"),
                "vehicle": _joined(members, "vehicle"),
                "called_by": callers.get(household.household_id, ()),
            }
        )
    return entries, households


def _zone_start(cascade: Cascade, zone_id: str) -> float:
    rows = cascade.zones[cascade.zones["zone_id"] == zone_id]
    value = float(rows["reached_minute"].iloc[0]) if len(rows) else 0.0
    return 0.0 if math.isnan(value) else value


def _first(members: pd.DataFrame, column: str) -> str:
    values = [text_of(v) for v in members.get(column, []) if text_of(v)]
    return values[0] if values else ""


def _joined(members: pd.DataFrame, column: str) -> str:
    values = [text_of(v) for v in members.get(column, []) if text_of(v)]
    return "; ".join(dict.fromkeys(values))


# --- PDF -----------------------------------------------------------------------------------


def _write_zone(
    plan: PlannedStation,
    zone_id: str,
    path: Path,
    issued: dt.date,
    cascade: Cascade | None,
    font_set: fonts.FontSet,
) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
    )

    zone = plan.zones.set_index("zone_id", drop=False).loc[zone_id]
    station = plan.station.name
    body = ParagraphStyle("body", fontName=font_set.regular, fontSize=9, leading=11.5)
    small = ParagraphStyle("small", parent=body, fontSize=7.6, leading=9.4)
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

    def cell(text: str | list[list[str]], *, bold: bool = False) -> Any:
        """Return a table cell: text, or lines of parts shaped one by one (mixed scripts)."""
        lines = [[line] for line in text.split("\n")] if isinstance(text, str) else text
        markup = ["".join(m(part, bold=bold) for part in line) for line in lines]
        return Paragraph("<br/>".join(markup), small)

    def table(header: list[str], rows: list[list[Any]], widths_mm: list[float]) -> Any:
        data = [[cell(h, bold=True) for h in header]]
        data += [[c if not isinstance(c, str) else cell(c) for c in r] for r in rows]
        scale = width / (sum(widths_mm) * mm)
        grid = Table(data, colWidths=[w * mm * scale for w in widths_mm], repeatRows=1)
        grid.setStyle(grid_style())
        return grid

    zone_name = text_of(zone["zone_name"])
    label = f"Zone {zone_id}" + (f" - {zone_name}" if zone_name else "")
    entries, households = _household_rows(plan, zone_id, cascade)
    staff_count = sum(len(e["people"]) for e in entries)
    dependants = sum(e["dependants"] for e in entries)
    summary = (
        f"{station} duty station · area {text_of(zone['area_id'])} · {len(entries)} households, "
        f"{staff_count} staff, {dependants} dependants · issued {_long_date(issued)}"
    )
    story: list[Any] = [
        Paragraph(m(f"Warden list: {label}", bold=True), title),
        Paragraph(m(summary), body),
        Spacer(1, 2 * mm),
        Paragraph(m("Chain of contacts", bold=True), heading),
        table(
            ["Role", "Name", "Agency", "Phone", "Radio"], _chain(plan, zone), [44, 46, 22, 50, 18]
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
    point_rows, points = _points(plan, zone_id)
    story += [
        Paragraph(m("Assembly and concentration points", bold=True), heading),
        table(
            ["Point", "Name", "Address", "How to get there"],
            point_rows or [["", "none in the plan", "", ""]],
            [30, 42, 38, 70],
        ),
    ]
    png = render_zone_map(plan, zone_id, households, points)
    map_height = width * 0.62
    story += [
        KeepTogether(
            [
                Paragraph(m("Map of the zone", bold=True), heading),
                Image(io.BytesIO(png), width=width, height=map_height),
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
    story += _household_story(entries, cascade, table, cell, m, heading, Paragraph)
    story += _cascade_story(plan, zone_id, cascade, m, body, heading, Paragraph)
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
    )
    doc.build(
        story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=numbered_canvas(MARGIN_MM)
    )


def _household_story(
    entries: list[dict[str, Any]],
    cascade: Cascade | None,
    table: Any,
    cell: Any,
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
            cell(str(entry["number"]), bold=True),
            cell(people),
            entry["address"],
            "\n".join(entry["phones"]),
            "\n".join(entry["radio"]),
            str(entry["dependants"]),
            entry["needs"],
            entry["vehicle"],
        ]
        if cascade is not None:
            row.append(cell([list(entry["called_by"])]) if entry["called_by"] else "")
        rows.append(row)
    if not rows:
        rows = [["", "no households in this zone", "", "", "", "", "", "", ""][: len(header)]]
    return [paragraph(m("Households", bold=True), heading), table(header, rows, widths)]


def _cascade_story(
    plan: PlannedStation,
    zone_id: str,
    cascade: Cascade | None,
    m: Any,
    body: Any,
    heading: Any,
    paragraph: Any,
) -> list[Any]:
    lines = []
    if cascade is not None:
        row = cascade.zones[cascade.zones["zone_id"] == zone_id]
        if len(row) and not math.isnan(float(row["zone_minutes"].iloc[0])):
            minutes = float(row["zone_minutes"].iloc[0])
            rules = cascade.rules
            lines.append(
                "When a message reaches you, call the deputy first, then split the list as in "
                f"the column 'Called by'. At {rules.minutes_per_call:g} min per call, everyone "
                f"in the zone is reached in about {minutes:g} min (target "
                f"{rules.target_minutes:g} min). Report back up the chain when done."
            )
    flags = plan.flags[plan.flags["zone_id"] == zone_id]
    if cascade is not None:
        flags = pd.concat([flags, cascade.flags[cascade.flags["zone_id"] == zone_id]])
    lines += [
        f"{text_of(f.severity).capitalize()}: {text_of(f.message)}" for f in flags.itertuples()
    ]
    if not lines:
        return []
    story = [paragraph(m("Call cascade and known gaps", bold=True), heading)]
    story += [paragraph(m(line), body) for line in lines]
    return story
