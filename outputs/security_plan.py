"""The security plan a Designated Official signs: ``security_plan.html`` and ``.pdf``.

The content is assembled from what the plan decided (zones, areas, appointments,
routes, the call cascade), the MOSS report and the risk register; this module
chooses nothing, it only lays the facts out. Both files say the same thing: they are
rendered from one :class:`outputs.document.Document`. A redacted plan names roles,
not people, and prints no phone numbers and no homes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from outputs._zone_drawing import ZoneMapLayers, prepare_zone_maps, zone_map_flowable
from outputs._zone_map import render_station_map
from outputs.degrees import plan_in_degrees
from outputs.document import (
    Document,
    Drawing,
    Figure,
    Section,
    Signature,
    Table,
    render_html,
    write_pdf,
)
from outputs.manifests import manifest_section
from outputs.medical_section import medical_section
from outputs.phone_text import format_phone
from outputs.records import records
from outputs.redaction import redact_planned
from stations.text import roles_of, text_of
from stations.zones_file import zone_title
from zones.cascade import Cascade
from zones.legs import NOT_ROUTED
from zones.network import describe_method
from zones.plan import PlannedStation

CONFIDENTIAL = "CONFIDENTIAL - UN SECURITY PLAN"
REDACTED = "RESTRICTED - REDACTED FOR DISTRIBUTION"
# The Security Level System's six levels, as named in the UN security management system.
LEVEL_NAMES = {1: "Minimal", 2: "Low", 3: "Moderate", 4: "Substantial", 5: "High", 6: "Extreme"}
CONTACT_LABELS = {
    "security_operations_centre": "Security Operations Centre",
    "police": "Police",
    "ambulance": "Ambulance",
    "fire": "Fire and rescue",
}
POINT_ORDER = (
    "assembly",
    "concentration",
    "safe_haven",
    "hospital",
    "airport",
    "hotel",
    "repeater",
    "police",
)
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}
# A staff or household id in a flag's message: a run without spaces, brackets or quotes.
ID_TOKEN = re.compile(r"[^\s,;()\[\]'\"]+")
# Annex A draws one map per zone up to this many zones; larger stations get the overview
# and each warden's map stays in contacts/<zone_id>.pdf and maps/<zone_id>.html.
MAX_ZONE_MAPS = 40
ZONE_MAP_ASPECT = 0.62  # a zone map's height over width; two fit on a page
ZONE_MAP_MIN_ASPECT = 0.5  # the least it shrinks to, to fill what is left of a page


def write_security_plan(
    plan: PlannedStation,
    folder: Path,
    *,
    smt: pd.DataFrame,
    moss: dict[str, Any],
    risk: pd.DataFrame | None,
    cascade: Cascade | None,
    issued: dt.date,
    redact: bool = False,
) -> list[Path]:
    """Write ``security_plan.html`` and ``security_plan.pdf`` into ``folder``.

    Parameters
    ----------
    plan
        The planned station.
    folder
        The plan's output folder.
    smt
        The Security Management Team (``position, title, staff_id, name, agency``).
    moss
        The MOSS report as a mapping (``MossReport.to_dict()``).
    risk
        The risk register (``rank, threat, category, likelihood, impact, score, level,
        strategy`` and optional residual columns), or None without a threat list.
    cascade
        The call cascade, or None.
    issued
        The date of issue.
    redact
        Name roles instead of people; no phones, no homes.

    Returns
    -------
    list of pathlib.Path
        The HTML and the PDF.
    """
    document = build_security_plan(
        plan, smt=smt, moss=moss, risk=risk, cascade=cascade, issued=issued, redact=redact
    )
    html = folder / "security_plan.html"
    html.write_text(render_html(document), encoding="utf-8")
    return [html, write_pdf(document, folder / "security_plan.pdf")]


def build_security_plan(
    plan: PlannedStation,
    *,
    smt: pd.DataFrame,
    moss: dict[str, Any],
    risk: pd.DataFrame | None,
    cascade: Cascade | None,
    issued: dt.date,
    redact: bool = False,
) -> Document:
    """Return the security plan as a document (see :func:`write_security_plan`)."""
    if redact:
        plan = redact_planned(plan)
    people = _People(plan, redact)
    station = plan.station
    info = station.config.station
    level = int(info.security_level)
    accepted = station.accepted_staff
    facts = (
        ("Duty station", station.name),
        ("Country", info.country),
        ("Security level", f"{level} ({LEVEL_NAMES.get(level, 'unknown')})"),
        ("Designated Official", people.holder("DO")),
        ("Security adviser", people.adviser()),
        ("Staff", f"{len(accepted)} accepted, {len(station.staff) - len(accepted)} rejected"),
        (
            "Households",
            (
                f"{len(plan.households)} ({int(plan.households['headcount'].sum())} "
                "people with dependants)"
            ),
        ),
        ("Warden zones", f"{len(plan.zones)} in {len(plan.areas)} area(s)"),
        ("MOSS compliance", _compliance(moss)),
        (
            "Distances",
            (
                f"measured {describe_method(plan.distance_method)} "
                f"(projected CRS {station.crs.to_string()})"
            ),
        ),
        ("Date of issue", issued.isoformat()),
    )
    sections = (
        _structure(plan, smt, people),
        _areas(plan),
        _zones(plan, people),
        _communications(plan, cascade),
        _points_and_routes(plan, redact),
        medical_section(plan),
        manifest_section(plan, redact=redact),
        _moss(moss),
        _risk(risk),
        _gaps(plan, people),
        *_annex_maps(plan, redact),
        _annex_tree(plan, people),
    )
    return Document(
        title=f"{station.name} security plan",
        subtitle=f"{station.name}, {info.country}: security plan for the Designated Official",
        marking=REDACTED if redact else CONFIDENTIAL,
        issued=issued,
        facts=facts,
        sections=sections,
        signatures=(
            Signature("Prepared by the security adviser", people.adviser(), "Recommends the plan"),
            Signature(
                "Approved by the Designated Official",
                people.holder("DO"),
                "Approves the plan for the duty station",
            ),
        ),
    )


class _People:
    """Names and phones of the staff as the plan may print them (roles only if redacted)."""

    def __init__(self, plan: PlannedStation, redact: bool) -> None:
        staff = plan.station.staff
        self.roles = list(zip(staff["staff_id"], staff.get("role", ()), strict=False))
        self.holders: dict[str, str | None] = {}
        self.reaches: dict[str, str] = {}
        self.staff: dict[str, dict[str, Any]] = {}
        for record in records(staff):  # looked up once per plan: a name per zone and flag
            self.staff.setdefault(record["staff_id"], record)
        self.redact = redact
        self.country = plan.station.config.station.country
        self.households = dict(
            zip(plan.households["household_id"], plan.households["staff_ids"], strict=True)
        )

    def name(self, staff_id: object, role: str) -> str:
        if not isinstance(staff_id, str) or staff_id not in self.staff:
            return "not appointed"
        if self.redact:
            return f"{role} (appointed)"
        row = self.staff[staff_id]
        agency = text_of(row.get("agency"))
        # Name and agency on two lines: a right-to-left name is shaped on its own.
        return text_of(row["name"]) + (f"\n{agency}" if agency else "")

    def reach(self, staff_id: object) -> str:
        """Return phone and radio call sign, or "" when redacted or unknown.

        Each person's is formatted once: wardens and deputies are listed twice (the zones
        table and the contact tree), and reading a phone number is slow.
        """
        if self.redact or not isinstance(staff_id, str) or staff_id not in self.staff:
            return ""
        if staff_id not in self.reaches:
            row = self.staff[staff_id]
            parts = [
                format_phone(text_of(row.get("phone")), self.country),
                text_of(row.get("radio_callsign")),
            ]
            self.reaches[staff_id] = "\n".join(p for p in parts if p)
        return self.reaches[staff_id]

    def holder_id(self, role: str) -> str | None:
        """Return the staff id of the first holder of ``role`` in the roster, or None."""
        if role not in self.holders:
            self.holders[role] = next((i for i, r in self.roles if role in roles_of(r)), None)
        return self.holders[role]

    def holder(self, role: str) -> str:
        staff_id = self.holder_id(role)
        return "not designated in the roster" if staff_id is None else self.name(staff_id, role)

    def adviser_id(self) -> str | None:
        """Return the staff id of the security adviser: the CSA, else the CSFP."""
        return self.holder_id("CSA") or self.holder_id("CSFP")

    def adviser(self) -> str:
        staff_id = self.adviser_id()
        return "not designated in the roster" if staff_id is None else self.name(staff_id, "CSA")

    def readable(self, message: str) -> str:
        """Return a flag's message naming people instead of staff and household ids.

        A redacted plan's messages carry no ids (they were replaced) and stay as they are.
        """
        if self.redact:
            return message
        message = re.sub(
            r"\bhousehold (\S+?)(?=[\s,;:.]|$)",
            lambda m: (
                f"household of {self._members(m.group(1))}"
                if m.group(1) in self.households
                else m.group(0)
            ),
            message,
        )
        return ID_TOKEN.sub(self._token, message)

    def _token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        bare = token.rstrip(".:")
        if bare in self.staff:
            return text_of(self.staff[bare]["name"]) + token[len(bare) :]
        if bare in self.households:
            return f"the household of {self._members(bare)}" + token[len(bare) :]
        return token

    def _members(self, household_id: str) -> str:
        ids = [i for i in text_of(self.households[household_id]).split(";") if i in self.staff]
        names = [text_of(self.staff[i]["name"]) for i in ids]
        if not names:
            return household_id
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _compliance(moss: dict[str, Any]) -> str:
    percentage = moss.get("compliance_percentage")
    shown = "n/a" if percentage is None else f"{percentage} %"
    return f"{moss.get('rating', 'not checked')} ({shown})"


def _structure(plan: PlannedStation, smt: pd.DataFrame, people: _People) -> Section:
    rows = tuple(
        (
            text_of(r.position),
            text_of(r.title),
            people.name(r.staff_id, text_of(r.title)),
            text_of(r.agency),
        )
        for r in smt.itertuples()
    )
    coordinators = tuple(
        (
            text_of(a.area_id),
            text_of(a.area_name),
            text_of(a.coordinator_role),
            people.name(a.coordinator_id, "Area Security Coordinator"),
            people.reach(a.coordinator_id),
        )
        for a in plan.areas.itertuples()
    )
    return Section(
        "Security structure",
        (
            (
                "The Designated Official (DO) is accountable for the security of UN personnel, "
                "premises and assets at the duty station and chairs the Security Management Team "
                "(SMT). The security adviser advises the DO and the SMT and manages the warden "
                "system. Area Security Coordinators (ASC) act for the DO in areas separated from "
                "the capital by distance or exposure; wardens and their deputies keep contact "
                "with every household of their zone."
            ),
            Table(
                ("Position", "Title", "Name", "Agency"),
                rows,
                (1.2, 2.2, 2.6, 1.2),
                empty="no SMT member found in the roster",
            ),
            "Areas and their coordinators:",
            Table(
                ("Area", "Name", "Coordinated by", "Person", "Phone / radio"),
                coordinators,
                (0.7, 1.6, 1.4, 2.4, 1.6),
            ),
        ),
    )


def _areas(plan: PlannedStation) -> Section:
    offices = plan.station.accepted_offices
    rows = []
    for area in plan.areas.itertuples():
        zones = plan.zones[plan.zones["area_id"] == area.area_id]
        in_area = offices[offices.within(area.geometry)] if area.geometry is not None else offices
        rows.append(
            (
                text_of(area.area_id),
                text_of(area.area_name),
                str(len(zones)),
                str(int(zones["households"].sum())),
                str(int(zones["headcount"].sum())),
                ", ".join(text_of(n) for n in in_area["name"]) or "none",
            )
        )
    return Section(
        "Areas",
        (
            (
                "Offices and staff far from the main office, or separated by exposure, form their "
                "own areas; each zone belongs to exactly one area."
            ),
            Table(
                ("Area", "Name", "Zones", "Households", "People", "Offices"),
                tuple(rows),
                (0.6, 1.6, 0.6, 0.9, 0.8, 3.0),
            ),
        ),
    )


def _zones(plan: PlannedStation, people: _People) -> Section:
    rows = tuple(
        (
            text_of(z.zone_id),
            text_of(z.zone_name),
            text_of(z.area_id),
            str(int(z.households)),
            str(int(z.headcount)),
            people.name(z.warden_id, f"Warden {z.zone_id}"),
            people.reach(z.warden_id),
            people.name(z.deputy_id, f"Deputy {z.zone_id}"),
            people.reach(z.deputy_id),
        )
        for z in plan.zones.itertuples()
    )
    return Section(
        "Warden zones",
        (
            (
                f"The duty station is divided into {len(plan.zones)} warden zones that cover the "
                "whole station area without gaps, so that anyone moving in falls in a zone. Each "
                "zone has a warden and a deputy living in it; the table lists them with their "
                "means of contact."
            ),
            _drop_single_area(
                Table(
                    (
                        "Zone",
                        "Name",
                        "Area",
                        "Households",
                        "People",
                        "Warden",
                        "Phone / radio",
                        "Deputy",
                        "Phone / radio",
                    ),
                    rows,
                    (10, 26, 10, 21, 14, 25, 28, 25, 28),
                ),
                plan,
            ),
        ),
    )


def _drop_single_area(table: Table, plan: PlannedStation) -> Table:
    """Leave the area column out when the whole station is one area."""
    if len(plan.areas) > 1:
        return table
    keep = [i for i, h in enumerate(table.header) if h != "Area"]
    return Table(
        tuple(table.header[i] for i in keep),
        tuple(tuple(row[i] for i in keep) for row in table.rows),
        tuple(table.widths[i] for i in keep),
        table.empty,
    )


def _communications(plan: PlannedStation, cascade: Cascade | None) -> Section:
    info = plan.station.config.station
    contacts = info.contacts
    emergency = tuple(
        (CONTACT_LABELS.get(key, key), contact.name, format_phone(contact.phone, info.country))
        for key, contact in sorted(contacts.items())
    )
    staff = plan.station.accepted_staff
    radios = (
        int(staff["has_radio"].fillna(value=False).astype(bool).sum())
        if "has_radio" in staff
        else 0
    )
    points = plan.station.accepted_points
    repeaters = points[points["kind"] == "repeater"]
    repeater_rows = tuple(
        (text_of(p.point_id), text_of(p.name), _metres(getattr(p, "range_m", None)))
        for p in repeaters.itertuples()
    )
    blocks: list[Any] = [
        Table(
            ("Service", "Name", "Phone"),
            emergency,
            (1.5, 2.5, 1.5),
            empty="no emergency contacts in station.toml",
        ),
        f"{radios} of {len(staff)} staff hold a radio. Radio repeaters:",
        Table(("Repeater", "Name", "Range"), repeater_rows, (1, 3, 1)),
        (
            "The radio net (who is on which net, the channels, the call signs and the radio "
            "check schedule) is in radio/radio_net.pdf and radio/radio_net.html."
        ),
    ]
    if cascade is not None:
        minutes = cascade.station_minutes
        reach = "nobody to call" if math.isnan(minutes) else f"about {minutes:g} minutes"
        blocks.append(
            f"Call cascade: the DO's message reaches every household in {reach} "
            f"(target {cascade.rules.target_minutes:g} min, {cascade.rules.minutes_per_call:g} "
            "min per call). The full tree is in contacts/tree.html; each warden's list in "
            "contacts/<zone>.pdf."
        )
        slow = cascade.zones.sort_values(["station_minutes", "zone_id"], ascending=[False, True])
        rows = tuple(
            (
                text_of(z.zone_id),
                f"{z.reached_minute:g}",
                f"{z.zone_minutes:g}",
                f"{z.station_minutes:g}",
            )
            for z in slow.head(10).itertuples()
            if not math.isnan(float(z.station_minutes))
        )
        blocks += [
            "Slowest zones of the cascade (minutes):",
            Table(("Zone", "Warden reached", "Zone takes", "Everyone reached"), rows, (1, 1, 1, 1)),
        ]
    return Section("Communications", tuple(blocks))


def _metres(value: object) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "not given"
    return "not given" if math.isnan(number) else f"{number / 1000:g} km"


def _points_and_routes(plan: PlannedStation, redact: bool) -> Section:
    points = plan.station.accepted_points
    points = points[
        points["kind"].isin(["assembly", "concentration", "safe_haven", "airport", "hospital"])
    ]
    order = {k: i for i, k in enumerate(POINT_ORDER)}
    points = points.assign(_o=points["kind"].map(order)).sort_values(["_o", "point_id"])
    rows = tuple(
        (
            text_of(p.point_id),
            text_of(p.kind),
            text_of(p.name),
            text_of(getattr(p, "address", "")),
            _capacity(getattr(p, "capacity", None)),
        )
        for p in points.itertuples()
    )
    names = dict(zip(points["point_id"], points["name"], strict=True))
    routes = plan.routes[~plan.routes["alternate"] | plan.routes["distinct"]]
    route_rows = tuple(
        (
            text_of(r.kind).replace("_", " ") + (" (alternate)" if r.alternate else ""),
            text_of(r.origin_id),
            f"{text_of(r.destination_id)} {text_of(names.get(r.destination_id, ''))}".strip(),
            _route_length(r),
            "street network" if r.surveyed else "not surveyed",
        )
        for r in routes.sort_values("route_id").itertuples()
    )
    note = (
        " In this redacted copy routes from zones are neither drawn from the home nor "
        "measured: their length and time would tell how far away a home is."
        if redact
        else ""
    )
    return Section(
        "Assembly and concentration points, evacuation routes",
        (
            (
                "Staff gather at their zone's assembly point (or its alternate) and move to a "
                "concentration point. When evacuation is ordered they go on to the airport or "
                "border crossing and out of the country to the designated country or city of "
                "relocation; when relocation is ordered, to a relocation site or safe haven "
                "inside the country (national staff are relocated, not evacuated). Legs beyond "
                "the street extract are not surveyed: reconnoitre them."
            ),
            Table(
                ("Point", "Kind", "Name", "Address", "Capacity"), rows, (0.7, 1.0, 2.0, 2.0, 0.8)
            ),
            (
                "Routes (from the zone's centre household; network distances where the street "
                f"network reaches, straight lines with a detour factor otherwise).{note}"
            ),
            Table(
                ("Route", "From", "To", "Length, time", "Measured"),
                route_rows,
                (1.5, 0.7, 2.0, 1.3, 1.0),
            ),
        ),
    )


def _capacity(value: object) -> str:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "unknown"
    return "unknown" if math.isnan(number) else f"{int(number)}"


def _route_length(route: Any) -> str:
    if route.method == NOT_ROUTED:
        return "not routed"
    if not bool(route.reachable):
        return "no route"
    if math.isnan(float(route.length_m)):
        return "not shown"
    return f"{route.length_m / 1000:.1f} km, {max(1, round(route.time_s / 60))} min"


def _moss(moss: dict[str, Any]) -> Section:
    rules = [r for r in moss.get("rules", []) if r["applicable"]]
    failing = sorted(
        (r for r in rules if r["failed"]),
        key=lambda r: (SEVERITY_ORDER.get(r["severity"], 3), r["id"]),
    )
    rows = tuple(
        (
            r["id"],
            r["severity"],
            f"{r['title']} (source: {r.get('provenance', '')})",
            f"{r['failed']} of {r['checked']}",
            "" if r["percentage"] is None else f"{r['percentage']:.0f} %",
        )
        for r in failing
    )
    return Section(
        "MOSS compliance",
        (
            (
                f"Compliance with the Minimum Operating Security Standards: {_compliance(moss)}, "
                f"{len(rules)} rules applicable at security level {moss.get('security_level')}, "
                f"{len(failing)} with gaps. Details per rule, zone and office are in moss.html. "
                + moss.get("baseline_note", "")
            ),
            Table(
                ("Rule", "Severity", "Standard", "Failing", "Met"),
                rows,
                (0.7, 0.8, 3.4, 1.0, 0.6),
                empty="no gaps",
            ),
        ),
    )


def _risk(risk: pd.DataFrame | None) -> Section:
    if risk is None:
        return Section(
            "Risk register",
            (
                (
                    "No threat list was given (station.toml [files] threats); the risk register is "
                    "not part of this plan."
                ),
            ),
        )
    residual = "residual_level" in risk
    rows = tuple(
        (
            str(r.rank),
            text_of(r.threat),
            text_of(r.category),
            f"L{r.likelihood} x I{r.impact}",
            f"{r.score} {text_of(r.level)}"
            + (" - critical impact: not to be forgotten" if _watched(r) else ""),
            text_of(r.strategy),
            text_of(getattr(r, "measures", "")),
            text_of(getattr(r, "residual_level", "")) if residual else "",
        )
        for r in risk.itertuples()
    )
    matrix = risk.attrs.get("matrix", "the station's risk matrix")
    return Section(
        "Risk register",
        (
            (
                f"Threats scored likelihood by impact on the risk matrix of {matrix}, most "
                "serious first; the measures in place and the residual levels after them "
                "(risk.html shows the heat maps before and after the measures)."
            ),
            Table(
                ("#", "Threat", "Category", "Rating", "Risk", "Strategy", "Measures", "Residual"),
                rows,
                (0.3, 1.8, 0.9, 0.8, 1.0, 1.1, 1.4, 0.8),
            ),
        ),
    )


def _watched(row: Any) -> bool:
    """Return whether a register row is a low-likelihood, critical-impact threat."""
    return bool(getattr(row, "low_likelihood_critical_impact", False))


def _gaps(plan: PlannedStation, people: _People) -> Section:
    """List each flag of the plan once (the cascade's flags are among them)."""
    flags = plan.flags
    flags = flags.assign(_o=flags["severity"].map(SEVERITY_ORDER).fillna(3)).sort_values(
        ["_o", "zone_id", "area_id", "code"], na_position="first", kind="stable"
    )
    zone_names = dict(zip(plan.zones["zone_id"], plan.zones["zone_name"], strict=True))
    rows = tuple(
        (
            text_of(f.severity),
            _where(text_of(f.zone_id), text_of(zone_names.get(f.zone_id)), text_of(f.area_id)),
            people.readable(text_of(f.message)),
        )
        for f in flags.itertuples()
    )
    return Section(
        "Known gaps and actions",
        (
            "What the plan could not settle and what to do about it.",
            Table(("Severity", "Where", "Gap"), rows, (0.8, 1.3, 4.4), empty="no gaps found"),
        ),
    )


def _where(zone_id: str, zone_name: str, area_id: str) -> str:
    """Return where a flag lies: the zone and its name, else the area, else the station."""
    if zone_id:
        return f"{zone_id}\n{zone_name}" if zone_name and zone_name != zone_id else zone_id
    return f"area {area_id}" if area_id else "station"


def _annex_maps(plan: PlannedStation, redact: bool) -> list[Section]:
    png, aspect = render_station_map(plan_in_degrees(plan), homes=not redact)
    blocks: list[Any] = [
        Figure(
            png,
            "The duty station's warden zones, offices (blue squares), assembly (green) "
            "and concentration (orange) points and relocation routes. Map data © "
            "OpenStreetMap contributors.",
            aspect,
        ),
    ]
    if redact or len(plan.zones) > MAX_ZONE_MAPS:
        blocks.append(
            "Each zone's own map is in maps/<zone>.html and in its warden's list "
            "contacts/<zone>.pdf."
            if not redact
            else "Zone maps with homes are not part of a redacted plan."
        )
    sections = [Section("Annex A. Zone maps", tuple(blocks), new_page=True, numbered=False)]
    if redact or len(plan.zones) > MAX_ZONE_MAPS:
        return sections
    layers = prepare_zone_maps(plan)  # drawn as vectors, as in the warden lists
    points = plan.station.accepted_points
    point_ids = list(points.loc[points["kind"].isin(["assembly", "concentration"]), "point_id"])
    homes = plan.households.groupby("zone_id", sort=False)["household_id"].agg(list)
    for zone in plan.zones.itertuples():
        title = zone_title(text_of(zone.zone_id)) + (
            f" - {zone.zone_name}" if text_of(zone.zone_name) else ""
        )
        caption = f"{title}: {int(zone.households)} households, W warden, D deputy."
        draw = _zone_drawing(layers, zone.zone_id, homes.get(zone.zone_id, []), point_ids)
        sections.append(
            Section(
                title,
                (Drawing(draw, caption, ZONE_MAP_MIN_ASPECT),),
                level=2,
                numbered=False,
            )
        )
    return sections


def _zone_drawing(
    layers: ZoneMapLayers, zone_id: str, household_ids: list[str], point_ids: list[str]
) -> Callable[[float], Any]:
    """Return what draws a zone's vector map to a width, shrinking to fit a page's rest.

    One map serves the HTML and the PDF: it is laid out once per height.
    """

    @cache
    def draw(width: float) -> Any:
        return zone_map_flowable(
            layers,
            zone_id,
            household_ids,
            point_ids,
            width=width,
            height=width * ZONE_MAP_ASPECT,
            min_height=width * ZONE_MAP_MIN_ASPECT,
        )

    return draw


def _annex_tree(plan: PlannedStation, people: _People) -> Section:
    rows: list[tuple[str, ...]] = [
        ("Designated Official", people.holder("DO"), people.reach(people.holder_id("DO")), ""),
        ("Security adviser", people.adviser(), people.reach(people.adviser_id()), ""),
    ]
    for area in plan.areas.itertuples():
        rows.append(
            (
                f"Area {area.area_id} coordinator",
                people.name(area.coordinator_id, "ASC"),
                people.reach(area.coordinator_id),
                "",
            )
        )
        for zone in plan.zones[plan.zones["area_id"] == area.area_id].itertuples():
            rows.append(
                (
                    f"  Zone {zone.zone_id} warden",
                    people.name(zone.warden_id, f"Warden {zone.zone_id}"),
                    people.reach(zone.warden_id),
                    f"{int(zone.households)} households",
                )
            )
            rows.append(
                (
                    "    deputy",
                    people.name(zone.deputy_id, f"Deputy {zone.zone_id}"),
                    people.reach(zone.deputy_id),
                    "",
                )
            )
    return Section(
        "Annex B. Contact tree",
        (
            (
                "The chain from the DO to each zone's warden and deputy; every household is in "
                "its zone's branch of contacts/tree.html and in the warden's list."
            ),
            Table(("Role", "Name", "Phone / radio", "Zone"), tuple(rows), (1.6, 2.4, 1.6, 1.2)),
        ),
        new_page=True,
        numbered=False,
    )
