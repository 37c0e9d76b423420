"""Write a planned station's output folder (the contract documented in the README)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from outputs.contacts import write_contacts
from outputs.csv_safe import write_csv_safely
from outputs.gis import write_geojson, write_geopackage, write_kml
from outputs.index_page import write_index
from outputs.letters import write_letters
from outputs.maps import MapStatus, write_maps
from outputs.moss_report import write_moss_html, write_moss_json
from outputs.redaction import (
    Scrubber,
    redact_planned,
    redacted_appointments,
    redacted_assignments,
    redacted_metrics,
    redacted_moss,
    redacted_zone_table,
)
from outputs.risk_report import write_risk_files
from outputs.security_plan import write_security_plan
from outputs.warden_pdf import write_warden_pdfs
from planner.build import PlanRun, assignments_table
from planner.moss import MossReport
from planner.site_rules import suggest_for_plan
from stations.text import text_of
from zones.plan import PlannedStation

logger = logging.getLogger(__name__)

MOST_URGENT = 3  # gaps on the entry page and in the summary
SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2}

PUBLISH_STEPS = (
    "GIS files",
    "contacts and warden lists",
    "letters",
    "maps",
    "security plan",
    "MOSS report and index",
)
ZONE_FILE_COLUMNS = (
    "zone_id", "zone_name", "area_id", "households", "staff", "dependants", "headcount",
    "warden_id", "deputy_id",
)  # fmt: skip


def write_plan(
    run: PlanRun,
    folder: Path,
    *,
    moss: MossReport,
    issued: dt.date,
    redact: bool = False,
    tiles: str = "none",
    pdf_password: str | None = None,
    step: Callable[[str], None] = lambda _name: None,
) -> list[Path]:
    """Write every file of the plan into ``folder`` (which exists and is empty).

    Parameters
    ----------
    run
        The planned station.
    folder
        The output folder.
    moss
        The MOSS report.
    issued
        The date printed on the documents.
    redact
        Leave out whatever names or locates a person (`outputs.redaction`): the tables
        become counts and roles, zones are drawn on a grid, routes from zones unmeasured.
    tiles
        Online tiles for the maps: ``"none"`` (offline), ``"osm"`` or a URL template.
    pdf_password
        Encrypt the warden lists and letters with this password (letters then only as PDF).
    step
        Called with each of ``PUBLISH_STEPS`` as it starts (for a progress display).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    scrub = Scrubber.of(run.planned)
    original = run.planned
    if redact:
        run = dataclasses.replace(run, planned=redact_planned(run.planned))
    planned = run.planned
    station = planned.station
    zones = planned.zones[[*ZONE_FILE_COLUMNS, "geometry"]]
    step(PUBLISH_STEPS[0])
    paths = [
        write_geojson(redacted_zone_table(zones) if redact else zones, folder / "zones.geojson"),
        write_kml(
            zones.assign(
                warden=_names(run, zones["warden_id"], redact),
                deputy=_names(run, zones["deputy_id"], redact),
            ),
            folder / "zones.kml",
            title=f"{station.name} warden zones",
            name_column="zone_id",
            description_columns={
                "zone_name": "Name",
                "area_id": "Area",
                "households": "Households",
                "headcount": "People",
                "warden": "Warden",
                "deputy": "Deputy",
            },
        ),
        *_tables(run, planned, folder, redact=redact),
        write_geopackage(_layers(planned, redact), folder / "plan.gpkg"),
    ]
    if not redact:
        step(PUBLISH_STEPS[1])
        paths.extend(write_contacts(planned, folder, cascade=run.cascade))
        paths.extend(
            write_warden_pdfs(
                planned, folder, issued=issued, cascade=run.cascade, password=pdf_password
            )
        )
        step(PUBLISH_STEPS[2])
        paths.extend(
            write_letters(
                planned.appointments,
                station.staff,
                station_name=station.name,
                station_contacts=station.config.station.contacts,
                out_dir=folder / "letters",
                issued=issued,
                areas=planned.areas.drop(columns="geometry"),
                zone_names=dict(
                    zip(planned.zones["zone_id"], planned.zones["zone_name"], strict=True)
                ),
                password=pdf_password,
            )
        )
    if run.risk is not None:
        register, matrix = run.risk
        paths.extend(write_risk_files(register, matrix, folder, station=station.name))
    suggestions = suggest_for_plan(original, moss, travel=run.zoning.travel)
    sites = pd.concat([s.sites for s in suggestions], ignore_index=True)
    paths.append(write_geojson(sites, folder / "sites.geojson"))
    paths.append(
        write_csv_safely(
            pd.DataFrame(sites.drop(columns="geometry")).assign(
                lon=sites.geometry.x.round(6), lat=sites.geometry.y.round(6)
            ),
            folder / "sites.csv",
        )
    )
    step(PUBLISH_STEPS[3])
    paths.extend(
        write_maps(
            planned,
            folder,
            osm=station.osm,
            tiles=tiles,
            redact=redact,
            status=map_status(moss),
            sites=sites,
        )
    )
    report = moss.to_dict() | {"site_suggestions": [s.to_dict() for s in suggestions]}
    if redact:
        report = redacted_moss(report, scrub)
    step(PUBLISH_STEPS[4])
    paths.extend(
        write_security_plan(
            planned,
            folder,
            smt=run.smt,
            moss=report,
            risk=run.risk[0] if run.risk is not None else None,
            cascade=run.cascade,
            issued=issued,
            redact=redact,
        )
    )
    step(PUBLISH_STEPS[5])
    paths.append(write_moss_json(report, folder / "moss.json"))
    paths.append(write_moss_html(report, folder / "moss.html", map_href="map.html"))
    summary = plan_summary(run, moss)
    if redact:
        summary = scrub.data(summary)  # type: ignore[assignment]
    (folder / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    paths.append(folder / "summary.json")
    names = [p.relative_to(folder).as_posix() for p in paths]
    zone_names = [
        (str(z), text_of(n)) for z, n in zip(zones["zone_id"], zones["zone_name"], strict=True)
    ]
    paths.append(write_index(folder, summary, names, zone_names, issued))
    logger.info("plan written to %s: %d files", folder, len(paths))
    return paths


def map_status(moss: MossReport) -> MapStatus:
    """Return what the maps show of MOSS: a line per zone, a verdict per office."""
    zones = {
        zone_id: f"{c['checked'] - c['failed']} of {c['checked']} zone checks pass"
        if c["checked"]
        else "no zone check applies"
        for zone_id, c in moss.by_zone.items()
    }
    failing: dict[str, list[str]] = {}
    for result in moss.failing():
        if result.rule.applies_to == "office":
            for entity, reason in result.failures:
                failing.setdefault(entity, []).append(f"{result.rule.title}: {reason}")
    offices = {
        office_id: ("n/a" if not c["checked"] else "fail" if office_id in failing else "pass")
        for office_id, c in moss.by_office.items()
    }
    return MapStatus(zones=zones, offices=offices, failing_offices=failing)


def _names(run: PlanRun, ids: pd.Series, redact: bool) -> pd.Series:
    if redact:
        return ids.map(lambda i: "appointed" if isinstance(i, str) else "none")
    names = run.planned.station.staff.set_index("staff_id")["name"]
    return ids.map(names).fillna("none")


def _tables(run: PlanRun, planned: PlannedStation, folder: Path, *, redact: bool) -> list[Path]:
    """Write the plan's CSV tables (redacted: counts and roles, no person named)."""
    assignments = assignments_table(run)
    appointments = planned.appointments
    metrics = run.zoning.metrics
    if redact:
        assignments = redacted_assignments(assignments)
        appointments = redacted_appointments(appointments)
        metrics = redacted_metrics(metrics)
    return [
        write_csv_safely(assignments, folder / "assignments.csv"),
        write_csv_safely(appointments, folder / "appointments.csv"),
        write_csv_safely(planned.flags, folder / "flags.csv"),
        write_csv_safely(metrics, folder / "zone_metrics.csv"),
    ]


def _layers(planned: PlannedStation, redact: bool) -> dict[str, gpd.GeoDataFrame]:
    station = planned.station
    offices = station.accepted_offices
    points = station.accepted_points
    keep_offices = [
        c for c in offices.columns if c not in ("source_file", "source_row", "status", "reason")
    ]
    keep_points = [
        c for c in points.columns if c not in ("source_file", "source_row", "status", "reason")
    ]
    layers = {
        "zones": redacted_zone_table(planned.zones) if redact else planned.zones,
        "offices": offices[keep_offices],
        "points": points[keep_points],
        "routes": planned.routes,
        "areas": planned.areas.drop(columns="coordinator_id") if redact else planned.areas,
    }
    if not redact:
        layers["households"] = planned.households
    return layers


def plan_summary(run: PlanRun, moss: MossReport) -> dict[str, Any]:
    """Return the figures the summary and the entry page show."""
    planned = run.planned
    zoning = run.zoning.summary
    assigned = int((assignments_table(run)["status"] == "assigned").sum())
    return {
        "station": planned.station.name,
        "security_level": planned.station.config.station.security_level,
        "zones": len(planned.zones),
        "areas": len(planned.areas),
        "households": int(planned.households["zone_id"].notna().sum()),
        "staff_assigned": assigned,
        "staff_rejected": len(planned.station.staff) - assigned,
        "distance_method": planned.distance_method,
        "in_bounds_pct": zoning["in_bounds_pct"],
        "contiguous_pct": zoning["contiguous_pct"],
        "compliance_percentage": moss.percentage,
        "compliance_rating": moss.rating,
        "minutes_to_reach_everyone": (
            None if math.isnan(run.cascade.station_minutes) else run.cascade.station_minutes
        ),
        "target_minutes": run.cascade.rules.target_minutes,
        "most_urgent": most_urgent(planned, moss),
        "notes": list(planned.notes),
    }


def most_urgent(
    planned: PlannedStation, moss: MossReport, *, count: int = MOST_URGENT
) -> list[str]:
    """Return the most urgent gaps: the plan's flags and the failing MOSS rules, as lines.

    Gaps are ranked by severity (critical, major, minor), then by how many people they
    affect, most first: a flag touches its zone's people, its area's, or (neither given)
    everyone's; a rule touches the people of its failing staff, households, zones or
    offices (an office: its staff), or everyone for a station rule.

    Parameters
    ----------
    planned
        The planned station (its flags hold the cascade's).
    moss
        The MOSS report.
    count
        How many gaps to return.

    Returns
    -------
    list of str
        ``"<where>: <what>"``, most urgent first.
    """
    people = _People(planned)
    gaps = [
        (SEVERITY_RANK.get(str(severity), 3), -people.of_flag(zone, area), where, message)
        for severity, zone, area, message in zip(
            planned.flags["severity"],
            planned.flags["zone_id"],
            planned.flags["area_id"],
            planned.flags["message"],
            strict=True,
        )
        for where in [text_of(zone) or text_of(area) or "station"]
    ]
    gaps += [
        (
            SEVERITY_RANK.get(r.rule.severity, 3),
            -people.of_rule(r.rule.applies_to, [entity for entity, _ in r.failures], r.failed),
            r.rule.id,
            f"{r.rule.title}: {r.failed} failing",
        )
        for r in moss.failing()
    ]
    return [f"{where}: {message}" for *_, where, message in sorted(gaps)[:count]]


class _People:
    """How many people a gap touches, from the plan's headcounts."""

    def __init__(self, planned: PlannedStation) -> None:
        zones = planned.zones
        self.zone = dict(zip(zones["zone_id"], zones["headcount"].astype(int), strict=True))
        self.area = zones.groupby("area_id")["headcount"].sum().astype(int).to_dict()
        households = planned.households
        self.household = dict(
            zip(households["household_id"], households["headcount"].astype(int), strict=True)
        )
        self.everyone = int(households["headcount"].sum())
        staff = planned.station.staff
        self.office = (
            staff.groupby("office_id").size().to_dict() if "office_id" in staff.columns else {}
        )

    def of_flag(self, zone_id: object, area_id: object) -> int:
        if isinstance(zone_id, str) and zone_id:
            return self.zone.get(zone_id, 0)
        if isinstance(area_id, str) and area_id:
            return self.area.get(area_id, 0)
        return self.everyone

    def of_rule(self, applies_to: str, entities: list[str], failed: int) -> int:
        lookup = {"household": self.household, "zone": self.zone, "office": self.office}
        if applies_to == "station":
            return self.everyone
        if applies_to in lookup:
            return sum(int(lookup[applies_to].get(e, 1)) for e in entities)
        return failed
