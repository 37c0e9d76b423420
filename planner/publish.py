"""Write a planned station's output folder (the contract documented in the README)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from outputs._parallel import beside
from outputs.compliance import write_compliance
from outputs.contacts import write_contacts
from outputs.csv_safe import write_csv_safely
from outputs.evacuation import write_evacuation_json
from outputs.gis import write_geojson, write_geopackage, write_kml
from outputs.index_page import write_index
from outputs.letters import write_letters
from outputs.manifests import write_manifests
from outputs.maps import MapStatus, write_maps
from outputs.moss_report import write_moss_html, write_moss_json
from outputs.radio_net import write_radio_net
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
from outputs.roll_call import write_roll_call
from outputs.security_plan import write_security_plan
from outputs.warden_pdf import write_warden_pdfs
from planner.build import PlanRun, assignments_table
from planner.compliance import compliance_table
from planner.moss import MossReport
from planner.progress import Steps
from planner.summary import plan_summary
from stations.schema import WGS84
from stations.text import text_of
from zones.hibernation import hibernation_sites
from zones.manifests import manifest_people
from zones.plan import PlannedStation
from zones.register import person_register
from zones.transport import TRANSPORT_COLUMNS

logger = logging.getLogger(__name__)

GIS_STEP = "GIS files"
CONTACTS_STEP = "contacts and warden lists"
LETTERS_STEP = "letters"
MEDICAL_STEP = "medical evacuation table"
MAPS_STEP = "maps"
SECURITY_PLAN_STEP = "security plan"
RADIO_STEP = "radio net"
TRANSPORT_STEP = "transport"
EVACUATION_STEP = "evacuation legs"
COMPLIANCE_STEP = "compliance per agency"
MOSS_STEP = "MOSS report and index"
ROLL_CALL_STEP = "roll-call sheets"
DOCUMENTS_STEP = "GIS files, maps, security plan, radio net and compliance"
# The order in which write_plan takes its steps (for the progress bar).
PUBLISH_STEPS = (CONTACTS_STEP, LETTERS_STEP, ROLL_CALL_STEP, DOCUMENTS_STEP, MOSS_STEP)
# The steps of the station-wide documents, written beside the people files (timed in the log).
DOCUMENT_STEPS = (
    GIS_STEP,
    MEDICAL_STEP,
    MAPS_STEP,
    SECURITY_PLAN_STEP,
    RADIO_STEP,
    TRANSPORT_STEP,
    EVACUATION_STEP,
    COMPLIANCE_STEP,
)
ZONE_FILE_COLUMNS = (
    "zone_id", "zone_name", "area_id", "households", "staff", "dependants", "visitors",
    "headcount", "warden_id", "deputy_id",
)  # fmt: skip


def write_plan(
    run: PlanRun,
    folder: Path,
    *,
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
        The plan as `planner.build.build_plan` returns it, with its MOSS report and
        site suggestions.
    folder
        The output folder.
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

    Raises
    ------
    ValueError
        If the plan has no MOSS report (it stopped before MOSS).
    """
    moss = run.moss_report()
    scrub = Scrubber.of(run.planned)
    if redact:
        run = dataclasses.replace(run, planned=redact_planned(run.planned))
    sites = pd.concat([s.sites for s in run.sites], ignore_index=True)
    report = moss.to_dict() | {"site_suggestions": [s.to_dict() for s in run.sites]}
    if redact:
        report = redacted_moss(report, scrub)
    compliance = run.compliance
    manifest_people(run.planned)  # kept on the plan: the manifests and the security plan read it

    def documents() -> tuple[list[Path], list[Path]]:
        return _plan_documents(
            run, folder, report, sites, map_status(moss), issued=issued, redact=redact, tiles=tiles
        )

    people: list[Path] = []
    with beside(documents) as documents_written:
        if not redact:
            people += _people_files(
                run, folder, issued=issued, pdf_password=pdf_password, step=step
            )
            people += _roll_call_files(run, folder, issued=issued, step=step)
        if run.risk is not None:
            register, matrix = run.risk
            people += write_risk_files(register, matrix, folder, station=run.planned.station.name)
        people += _site_files(sites, folder)
        step(DOCUMENTS_STEP)
        gis, station_wide = documents_written()
    paths = [*gis, *people, *station_wide]
    step(MOSS_STEP)
    paths.append(write_moss_json(report, folder / "moss.json"))
    paths.append(write_moss_html(report, folder / "moss.html", map_href="map.html"))
    summary = plan_summary(run)
    if redact:
        summary = scrub.data(summary)  # type: ignore[assignment]
    paths.append(_summary_file(summary, folder))
    agencies = [a.agency for a in compliance.agencies]
    paths.append(_index(run, folder, summary, paths, issued, agencies=agencies))
    logger.info("plan written to %s: %d files", folder, len(paths))
    return paths


def _plan_documents(
    run: PlanRun,
    folder: Path,
    report: dict[str, Any],
    sites: gpd.GeoDataFrame,
    status: MapStatus,
    *,
    issued: dt.date,
    redact: bool,
    tiles: str,
) -> tuple[list[Path], list[Path]]:
    """Write the GIS files and the station-wide documents: maps, security plan, radio net...

    They run beside the people files (`outputs._parallel.beside`), so their steps are timed
    in the log on their own (``DOCUMENT_STEPS``), not on the progress bar.

    Returns
    -------
    tuple of list of pathlib.Path
        The GIS files and the documents.
    """
    steps = Steps(DOCUMENT_STEPS, None)
    steps.start(GIS_STEP)
    gis = _gis_files(run, folder, redact=redact)
    steps.start(MEDICAL_STEP)
    paths = [write_medical_table(run.planned.medical, folder / "medical.csv")]
    steps.start(MAPS_STEP)
    paths += write_maps(
        run.planned,
        folder,
        osm=run.planned.station.osm,
        tiles=tiles,
        redact=redact,
        status=status,
        sites=sites,
    )
    steps.start(SECURITY_PLAN_STEP)
    paths += _security_plan(run, folder, report, issued=issued, redact=redact)
    steps.start(RADIO_STEP)
    paths += _radio_net(run, folder, issued=issued, redact=redact)
    steps.start(TRANSPORT_STEP)
    paths.append(_transport_file(run.planned, folder))
    paths.append(_hibernation_file(run.planned, folder, redact=redact))
    steps.start(EVACUATION_STEP)
    paths.append(_evacuation_file(run.planned, folder))
    steps.start(COMPLIANCE_STEP)
    compliance = run.compliance
    paths += write_compliance(
        compliance.to_dict(), compliance_table(compliance), folder, issued=issued, redact=redact
    )
    steps.finish()
    return gis, paths


def _gis_files(run: PlanRun, folder: Path, *, redact: bool) -> list[Path]:
    """Write the zones (GeoJSON, KML), the CSV tables and the GeoPackage."""
    planned = run.planned
    zones = planned.zones[[*ZONE_FILE_COLUMNS, "geometry"]]
    return [
        write_geojson(redacted_zone_table(zones) if redact else zones, folder / "zones.geojson"),
        write_kml(
            zones.assign(
                warden=_names(run, zones["warden_id"], redact),
                deputy=_names(run, zones["deputy_id"], redact),
            ),
            folder / "zones.kml",
            title=f"{planned.station.name} warden zones",
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


def _people_files(
    run: PlanRun,
    folder: Path,
    *,
    issued: dt.date,
    pdf_password: str | None,
    step: Callable[[str], None],
) -> list[Path]:
    """Write the contact tree, the warden lists and the letters (never when redacted)."""
    planned = run.planned
    station = planned.station
    step(CONTACTS_STEP)
    paths = write_contacts(planned, folder, cascade=run.cascade)
    paths.extend(
        write_warden_pdfs(
            planned, folder, issued=issued, cascade=run.cascade, password=pdf_password
        )
    )
    step(LETTERS_STEP)
    paths.extend(
        write_letters(
            planned.appointments,
            _with_plan_callsigns(station.staff, planned),
            station_name=station.name,
            station_contacts=station.config.station.contacts,
            out_dir=folder / "letters",
            issued=issued,
            areas=planned.areas.drop(columns="geometry"),
            zone_names=dict(zip(planned.zones["zone_id"], planned.zones["zone_name"], strict=True)),
            password=pdf_password,
        )
    )
    paths += write_manifests(
        manifest_people(planned), folder, station_name=station.name, issued=issued
    )
    return paths


def _roll_call_files(
    run: PlanRun, folder: Path, *, issued: dt.date, step: Callable[[str], None]
) -> list[Path]:
    """Write the person register and the zones' roll-call sheets (never when redacted)."""
    step(ROLL_CALL_STEP)
    register = person_register(run.planned)
    return write_roll_call(register, folder, station=run.planned.station.name, issued=issued)


def _site_files(sites: gpd.GeoDataFrame, folder: Path) -> list[Path]:
    """Write the suggested sites as GeoJSON and as CSV with lon and lat (EPSG:4326)."""
    degrees = sites.geometry.to_crs(WGS84)
    table = pd.DataFrame(sites.drop(columns="geometry")).assign(
        lon=degrees.x.round(6), lat=degrees.y.round(6)
    )
    return [
        write_geojson(sites, folder / "sites.geojson"),
        write_csv_safely(table, folder / "sites.csv"),
    ]


def write_medical_table(medical: pd.DataFrame, path: Path) -> Path:
    """Write ``medical.csv``: each zone's and office's nearest hospitals by driving time.

    Parameters
    ----------
    medical
        The plan's medical frame (``zones.plan.MEDICAL_COLUMNS``).
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        ``path``: one row per zone or office and hospital, minutes and km rounded to
        one and two decimals, ``trauma`` as ``true``, ``false`` or empty (not known),
        every text cell formula-safe.
    """
    table = pd.DataFrame(
        {
            "origin_kind": medical["origin_kind"],
            "origin_id": medical["origin_id"],
            "origin_name": medical["origin_name"],
            "hospital_rank": medical["rank"],
            "hospital_id": medical["hospital_id"],
            "hospital_name": medical["hospital_name"],
            "phone": medical["phone"],
            "trauma": medical["trauma"].map({True: "true", False: "false"}),
            "nearest_trauma": medical["nearest_trauma"].map({True: "true", False: "false"}),
            "driving_min": (medical["time_s"].astype(float) / 60).round(1),
            "km": (medical["length_m"].astype(float) / 1000).round(2),
            "method": medical["method"],
        }
    )
    return write_csv_safely(table.astype(object).where(table.notna(), None), path)


def _security_plan(
    run: PlanRun, folder: Path, report: dict[str, Any], *, issued: dt.date, redact: bool
) -> list[Path]:
    return write_security_plan(
        run.planned,
        folder,
        smt=run.smt,
        moss=report,
        risk=run.risk[0] if run.risk is not None else None,
        cascade=run.cascade,
        issued=issued,
        redact=redact,
    )


def _with_plan_callsigns(staff: pd.DataFrame, planned: PlannedStation) -> pd.DataFrame:
    """Return the roster with the call signs the plan uses (the roster's, else generated)."""
    if "radio_callsign" not in planned.staff.columns:
        return staff
    plan = dict(
        zip(planned.staff["staff_id"].astype(str), planned.staff["radio_callsign"], strict=True)
    )
    roster = staff.get("radio_callsign", pd.Series(None, index=staff.index))
    callsigns = [
        text_of(plan.get(str(s))) or text_of(r)
        for s, r in zip(staff["staff_id"], roster, strict=True)
    ]
    return staff.assign(radio_callsign=callsigns)


def _radio_net(run: PlanRun, folder: Path, *, issued: dt.date, redact: bool) -> list[Path]:
    """Write ``radio/``: the radio net page and PDF, and the call signs (not redacted)."""
    if run.radio is None:
        return []
    return write_radio_net(run.planned, run.radio, folder, issued=issued, redact=redact)


def _evacuation_file(planned: PlannedStation, folder: Path) -> Path:
    """Write ``evacuation.json``: every leg, surveyed or not, and each zone's way out."""
    return write_evacuation_json(planned, folder / "evacuation.json")


def _summary_file(summary: dict[str, Any], folder: Path) -> Path:
    path = folder / "summary.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _index(
    run: PlanRun,
    folder: Path,
    summary: dict[str, Any],
    paths: list[Path],
    issued: dt.date,
    *,
    agencies: list[str],
) -> Path:
    """Write the entry page listing ``paths``, the zones and the agencies' compliance pages."""
    names = [p.relative_to(folder).as_posix() for p in paths]
    zones = run.planned.zones
    zone_names = [
        (str(z), text_of(n)) for z, n in zip(zones["zone_id"], zones["zone_name"], strict=True)
    ]
    return write_index(folder, summary, names, zone_names, issued, agencies=agencies)


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


def _transport_file(planned: PlannedStation, folder: Path) -> Path:
    """Write ``transport.csv``: seats needed and available per concentration point and departure."""
    table = planned.transport.reindex(columns=list(TRANSPORT_COLUMNS))
    return write_csv_safely(table, folder / "transport.csv")


def _hibernation_file(planned: PlannedStation, folder: Path, *, redact: bool) -> Path:
    """Write ``hibernation.csv``: per site its households, people and supplies to stock.

    A redacted plan keeps the counts and supplies, not which households go where.
    """
    sites = hibernation_sites(planned)
    if redact:
        sites = sites.drop(columns="household_ids")
    return write_csv_safely(sites, folder / "hibernation.csv")


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
