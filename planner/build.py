"""Build a plan from a station: one orchestrator, its steps named.

`build_plan` loads a station, reads its MOSS rules, plans zones (`zones.zoning`, per area
`zones.partition_areas`), areas and coordinators, wardens, routes, flags and the call
cascade, assesses the threats, checks MOSS and suggests sites where it fails. Every
command that builds a plan calls it; writing the plan (`planner.publish`) decides nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.compliance import StationCompliance, agency_compliance
from planner.moss import MossReport, check_moss
from planner.moss_rules import Rule, load_rules
from planner.risk import assess, default_matrix
from planner.site_rules import suggest_for_plan
from stations import Station, StationError, load_station
from stations.errors import Issue
from stations.presence import presence_notes
from stations.previous_plan import PreviousPlan, read_previous_plan
from stations.text import text_of
from stations.threats import read_threats
from stations.zones_file import read_zones_file
from zones.appoint import AppointmentRules, Appointments, appoint_wardens
from zones.areas import (
    AreaRules,
    Areas,
    Coordinators,
    appoint_coordinators,
    area_polygons,
    define_areas,
    security_management_team,
)
from zones.callsigns import RadioPlan, RadioRules, plan_radio, repeater_reach
from zones.cascade import Cascade, CascadeRules, plan_cascade
from zones.evacuation import Evacuation, apply_evacuation, plan_evacuation
from zones.hibernation import supply_amounts
from zones.legs import JourneyPairs, journey_legs
from zones.medical import MedicalRules, medical_flags, medical_origins, nearest_hospitals
from zones.metrics import farthest_home
from zones.network import NetworkTravel
from zones.partition_areas import zones_per_area
from zones.plan import ROUTE_COLUMNS, PlannedStation
from zones.readiness import readiness_flags
from zones.sites import SiteSuggestions
from zones.transport import apply_transport
from zones.visitors import with_visitors
from zones.zoning import ZoningResult, plan_zones, with_roster_columns

logger = logging.getLogger(__name__)

PLAN_STEPS = ("loading the station", "zones, wardens and routes", "MOSS and risk")
Stage = Literal["plan", "moss", "sites"]
PLANNED_HOUSEHOLD_COLUMNS = [
    "household_id", "zone_id", "area_id", "staff_count", "dependants", "headcount",
    "staff_ids", "geometry",
]  # fmt: skip
FLAG_COLUMNS = ["zone_id", "area_id", "code", "severity", "message"]


@dataclass(frozen=True, eq=False)
class PlanRun:
    """A planned station with everything measured and decided about it.

    Attributes
    ----------
    planned
        The planned station (zones, households, staff, appointments, areas, routes, flags).
    zoning
        The zones with their metrics, travel model and, where relevant, check and churn.
    smt
        The Security Management Team.
    cascade
        The call cascade.
    risk
        The risk register and the matrix it was assessed with, or None without threats.
    moss
        The MOSS report (None when the plan stopped before MOSS).
    sites
        Suggested assembly and concentration sites, one entry per point kind (empty when
        the plan stopped before).
    radio
        The radio nets, call signs and radio check schedule (`zones.callsigns`).
    """

    planned: PlannedStation
    zoning: ZoningResult
    smt: pd.DataFrame
    cascade: Cascade
    risk: tuple[pd.DataFrame, dict[str, object]] | None = None
    moss: MossReport | None = None
    sites: tuple[SiteSuggestions, ...] = ()
    radio: RadioPlan | None = None

    def moss_report(self) -> MossReport:
        """Return the MOSS report.

        Raises
        ------
        ValueError
            If the plan stopped before MOSS (``until="plan"``).
        """
        if self.moss is None:
            raise ValueError("the plan has no MOSS report: build it until 'moss' or later")
        return self.moss

    @cached_property
    def compliance(self) -> StationCompliance:
        """Return every agency's compliance (`planner.compliance.agency_compliance`).

        Computed on first use and kept: the compliance pages and the plan's summary read
        the same figures. A copy made with `dataclasses.replace` (a redacted plan)
        computes its own.

        Raises
        ------
        ValueError
            If the plan stopped before MOSS (``until="plan"``).
        """
        return agency_compliance(self.planned, self.moss_report())


def build_plan(
    station: Station | Path,
    *,
    as_of: dt.date | None = None,
    previous: Path | None = None,
    repair: bool = False,
    seed: int = 0,
    until: Stage = "sites",
    step: Callable[[str], None] = lambda _name: None,
) -> PlanRun:
    """Build the plan of a station: load, zones, areas, wardens, cascade, risk, MOSS, sites.

    Parameters
    ----------
    station
        A station folder, or a station already loaded.
    as_of
        The date records and training are judged against (today by default).
    previous
        An earlier plan's folder to keep zones and wardens from.
    repair
        Repair failing hand-drawn zones.
    seed
        Seed of the partition.
    until
        The last stage: ``"plan"`` (zones to risk), ``"moss"`` (and the MOSS check) or
        ``"sites"`` (and the site suggestions where MOSS fails).
    step
        Called with each of ``PLAN_STEPS`` as it starts (for a progress display).

    Returns
    -------
    PlanRun
        The plan, with its MOSS report and site suggestions when asked for.

    Raises
    ------
    StationError
        If the station, its rules or the earlier plan cannot be used.
    """
    as_of = as_of or dt.datetime.now(tz=dt.UTC).date()
    step(PLAN_STEPS[0])
    if not isinstance(station, Station):
        station = load_station(station, as_of=as_of)
    rules = None if until == "plan" else station_rules(station)  # a broken file fails fast
    step(PLAN_STEPS[1])
    run = plan_station(station, as_of=as_of, previous=previous, repair=repair, seed=seed)
    if rules is None:
        return run
    step(PLAN_STEPS[2])
    moss = check_moss(run.planned, rules, as_of=as_of, travel=run.zoning.travel)
    sites = (
        suggest_for_plan(run.planned, moss, travel=run.zoning.travel) if until == "sites" else []
    )
    return dataclasses.replace(run, moss=moss, sites=tuple(sites))


def station_rules(station: Station) -> list[Rule]:
    """Return the MOSS rules a station plans with (its own file merged over the default)."""
    label = station.config.moss.rules
    return load_rules(station.path(label), label=label)


def zone_station(
    station: Station, *, previous: Path | None = None, repair: bool = False, seed: int = 0
) -> ZoningResult:
    """Draw, check or re-plan the warden zones of a loaded station (``planner zones``).

    Parameters
    ----------
    station
        A loaded station without errors.
    previous
        An earlier plan's folder: keep its zones where still valid.
    repair
        Repair failing hand-drawn zones.
    seed
        Seed of the partition.

    Returns
    -------
    ZoningResult
        The zones and their measurements.

    Raises
    ------
    StationError
        If the station has errors, or the earlier plan or zones file cannot be read.
    """
    _check_usable(station)
    earlier = read_previous_plan(previous) if previous is not None else None
    return _zoning(station, earlier, repair=repair, seed=seed)


def plan_station(
    station: Station,
    *,
    as_of: dt.date,
    previous: Path | None = None,
    repair: bool = False,
    seed: int = 0,
) -> PlanRun:
    """Plan a loaded station: areas, zones, coordinators, wardens, routes and flags.

    Areas come first (sub-offices far from the capital form their own); zones are
    drawn inside each area, so each zone belongs to exactly one area; Area Security
    Coordinators are chosen before wardens, and are then not available as wardens.
    Visitors present on ``as_of`` are placed in their hotel's zone (`zones.visitors`).

    Parameters
    ----------
    station
        A loaded station without errors.
    as_of
        The date records and training are judged against.
    previous
        An earlier plan's folder to keep zones and wardens from.
    repair
        Repair failing hand-drawn zones.
    seed
        Seed of the partition.

    Returns
    -------
    PlanRun
        The planned station and the zoning measurements (no MOSS report yet).

    Raises
    ------
    StationError
        If the station has errors or a configuration table is invalid.
    """
    _check_usable(station)
    risk = _risk(station)
    extra = station.config.extra
    supply_amounts(extra.get("evacuation", {}))  # an unknown supply item fails fast
    area_rules = AreaRules.from_table(extra.get("areas", {}))
    rules = AppointmentRules.from_table(extra.get("appointments", {}))
    earlier = read_previous_plan(previous) if previous is not None else None
    zoning = _zoning(station, earlier, repair=repair, seed=seed)
    areas = define_areas(
        station.staff,
        station.offices,
        area_rules,
        crs=station.crs,
        station_name=station.name,
        travel=zoning.travel,
    )
    polygons = area_polygons(areas, station.boundary)
    if earlier is None and station.zones_path is None and len(areas.areas) > 1:
        zoning = zones_per_area(zoning, areas.households, polygons, seed)
    households, zone_area = _households_in_areas(zoning, areas)
    staff = _staff_with_zones(station, households)
    away = {
        str(k): note
        for k, note in zip(staff["staff_id"], staff["presence_note"], strict=True)
        if note
    }
    coordinators = appoint_coordinators(areas, away=away)
    wardens = appoint_wardens(
        staff,
        households,
        zoning.plan.zones,
        rules,
        as_of=as_of,
        travel=zoning.travel,
        previous=earlier.appointments if earlier is not None else None,
        not_available=frozenset(coordinators.appointments["staff_id"]),
        away=away,
    )
    wardens = _with_readiness(wardens, staff, rules, as_of)
    planned = _planned_station(
        _Decided(station, zoning, areas, polygons, households, zone_area, staff),
        coordinators,
        wardens,
        station.visitors_on(as_of),
    )
    cascade = plan_cascade(planned, CascadeRules.from_table(extra.get("cascade", {})))
    cascade_flags = cascade.flags.reindex(columns=planned.flags.columns)
    planned = dataclasses.replace(
        planned, flags=pd.concat([planned.flags, cascade_flags], ignore_index=True)
    )
    planned = _with_medical(planned, zoning)
    planned, radio = with_radio(planned)
    smt = security_management_team(station.staff)
    return PlanRun(planned, zoning, smt, cascade, risk, radio=radio)


def with_radio(planned: PlannedStation) -> tuple[PlannedStation, RadioPlan]:
    """Plan the radio nets and call signs; the plan's staff get the call sign used.

    ``planned.staff`` gains ``radio_callsign`` (the roster's, else the generated one),
    ``callsign_source`` (``roster``, ``generated`` or ``""``) and ``radio_net``; the
    station's roster is not changed.

    Parameters
    ----------
    planned
        The planned station, appointments made.

    Returns
    -------
    tuple
        The planned station with the call signs, and the radio plan.

    Raises
    ------
    StationError
        If the ``[radio]`` table is invalid.
    """
    station = planned.station
    rules = RadioRules.from_table(station.config.extra.get("radio", {}))
    taken = [text_of(t) for t in station.staff.get("radio_callsign", ())]
    radio = plan_radio(planned.staff, planned.appointments, planned.areas, rules, taken=taken)
    points = station.accepted_points
    repeaters, beyond = repeater_reach(points[points["kind"] == "repeater"], planned.households)
    radio = dataclasses.replace(radio, repeaters=repeaters, beyond=beyond)
    by_id = radio.callsigns.set_index("staff_id")
    staff = planned.staff.copy()
    ids = staff["staff_id"].astype(str)
    for column in ("radio_callsign", "callsign_source", "radio_net"):
        staff[column] = ids.map(by_id[column]).fillna("").to_numpy()
    return dataclasses.replace(planned, staff=staff), radio


def _with_medical(planned: PlannedStation, zoning: ZoningResult) -> PlannedStation:
    """Add the nearest hospitals of every zone and office by driving time, and their flags.

    Raises
    ------
    StationError
        If the ``[medical]`` table is invalid.
    """
    station = planned.station
    rules = MedicalRules.from_table(station.config.extra.get("medical", {}))
    origins = medical_origins(planned.zones, _zone_centres(zoning), station.accepted_offices)
    medical = nearest_hospitals(
        zoning.travel, origins, station.accepted_points, count=rules.nearest_hospitals
    )
    flags = medical_flags(medical, planned.zones, rules).reindex(columns=planned.flags.columns)
    return dataclasses.replace(
        planned,
        medical=medical,
        flags=pd.concat([planned.flags, flags], ignore_index=True) if len(flags) else planned.flags,
    )


def _with_readiness(
    wardens: Appointments, staff: pd.DataFrame, rules: AppointmentRules, as_of: dt.date
) -> Appointments:
    """Add the readiness flags of wardens and deputies (untrained, unbriefed, visits overdue)."""
    ready = readiness_flags(wardens.table, staff, rules, as_of=as_of)
    flags = pd.concat([wardens.flags, ready[list(wardens.flags.columns)]], ignore_index=True)
    return dataclasses.replace(wardens, flags=flags)


def _check_usable(station: Station) -> None:
    if station.errors:
        raise StationError(f"{station.folder}: fix the input errors first", list(station.errors))


def _zoning(
    station: Station, earlier: PreviousPlan | None, *, repair: bool, seed: int
) -> ZoningResult:
    """Plan the zones: re-plan an earlier plan's, check hand-drawn ones, or partition."""
    drawn: gpd.GeoDataFrame | None = None
    notes: tuple[str, ...] = ()
    if earlier is None and station.zones_path is not None:
        skipped: list[Issue] = []  # features that are not polygons, one warning
        label = station.config.files.zones or station.zones_path.name
        drawn = read_zones_file(station.zones_path, label, issues=skipped)
        notes = tuple(i.describe() for i in skipped)
    return plan_zones(
        station, repair=repair, previous=earlier, drawn=drawn, drawn_notes=notes, seed=seed
    )


def _households_in_areas(zoning: ZoningResult, areas: Areas) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """Return the zoned households with their area, and each zone's area."""
    households = zoning.households.merge(areas.households, on="household_id", how="left")
    households["area_id"] = households["area_id"].fillna("A0")
    zone_area = _zone_areas(zoning.plan.zones, households)
    households["area_id"] = households["zone_id"].map(zone_area).fillna(households["area_id"])
    return households, zone_area


@dataclass(frozen=True, eq=False)
class _Decided:
    """What the planning steps decided before appointments: zones, areas, homes, staff."""

    station: Station
    zoning: ZoningResult
    areas: Areas
    polygons: gpd.GeoDataFrame
    households: gpd.GeoDataFrame
    zone_area: pd.Series
    staff: gpd.GeoDataFrame


def _planned_station(
    decided: _Decided,
    coordinators: Coordinators,
    wardens: Appointments,
    visitors: gpd.GeoDataFrame,
) -> PlannedStation:
    """Assemble the planned station: appointments, zones, points, legs and flags (no cascade).

    Visitors present are placed in their hotels' zones before the evacuation is decided,
    so that the zone headcounts the assembly points take include them; the legs of the
    journey then join the points the evacuation assigned.
    """
    station, zoning, zone_area = decided.station, decided.zoning, decided.zone_area
    appointments = pd.concat(
        [
            wardens.table.assign(area_id=lambda t: t["zone_id"].map(zone_area)),
            coordinators.appointments,
        ],
        ignore_index=True,
    )[["zone_id", "area_id", "role", "staff_id", "reason"]]
    zones = _zones_frame(zoning, zone_area, wardens.table)
    network_flags, network_notes = _network_report(zoning, decided.households)
    flags = pd.concat(
        [
            wardens.flags.assign(area_id=lambda f: f["zone_id"].map(zone_area)),
            coordinators.flags,
            _reach_flags(zoning.metrics, zone_area),
            network_flags,
        ],
        ignore_index=True,
    )[FLAG_COLUMNS]
    area_frame = _areas_frame(decided.areas, decided.polygons, coordinators.coordinators)
    planned = PlannedStation(
        station=station,
        zones=zones,
        households=decided.households[PLANNED_HOUSEHOLD_COLUMNS],
        staff=decided.staff,
        appointments=appointments,
        areas=area_frame,
        routes=_no_routes(station.crs),
        flags=flags,
        distance_method=zoning.travel.method,
        notes=tuple(zoning.plan.notes) + tuple(decided.areas.notes) + network_notes,
    )
    planned = with_visitors(planned, visitors)
    evacuation = _evacuation(decided, planned.zones)
    planned = apply_transport(apply_evacuation(planned, evacuation))
    pairs = journey_pairs(evacuation, planned.households, station.config.extra)
    routes = journey_legs(
        zoning.travel, _zone_centres(zoning), station.accepted_points, pairs, station.crs
    )
    return dataclasses.replace(planned, routes=routes)


def _no_routes(crs: object) -> gpd.GeoDataFrame:
    """Return a routes frame without rows (the legs are drawn once the points are assigned)."""
    return gpd.GeoDataFrame(columns=[*ROUTE_COLUMNS, "geometry"], geometry="geometry", crs=crs)


def journey_pairs(
    evacuation: Evacuation, households: pd.DataFrame, extra: dict[str, dict[str, object]]
) -> JourneyPairs:
    """Return who goes where, as the legs of the journey join them, from the assignment.

    Parameters
    ----------
    evacuation
        The capacitated assignment (`zones.evacuation.plan_evacuation`).
    households
        ``household_id`` and ``zone_id`` of every planned household.
    extra
        The station's rule tables (``station.config.extra``); ``[evacuation]
        destination`` names the last leg.

    Returns
    -------
    zones.legs.JourneyPairs
        Each zone's assembly, alternate and concentration point, each concentration
        point's departures, the hibernation sites each zone's households go to, and the
        destination.
    """
    sites = evacuation.hibernation.dropna(subset=["hibernation_id"])
    zone_of = households.set_index("household_id")["zone_id"]
    hibernation = (
        pd.DataFrame(
            {
                "zone_id": sites["household_id"].map(zone_of).to_numpy(),
                "hibernation_id": sites["hibernation_id"].to_numpy(),
            }
        )
        .dropna()
        .drop_duplicates()
        .sort_values(["zone_id", "hibernation_id"], kind="stable")
        .reset_index(drop=True)
    )
    return JourneyPairs(
        zones=evacuation.zones[["zone_id", "assembly_id", "assembly_alt_id", "concentration_id"]],
        departures=evacuation.departures,
        hibernation=hibernation,
        destination=str(extra.get("evacuation", {}).get("destination", "")),
    )


def _evacuation(decided: _Decided, zones: gpd.GeoDataFrame) -> Evacuation:
    """Decide the points that add up: assembly, alternate, concentration, departure, hibernation."""
    station = decided.station
    return plan_evacuation(
        zones,
        decided.households,
        decided.staff,
        station.accepted_points,
        _zone_centres(decided.zoning),
        decided.zoning.travel,
        station.config.extra.get("evacuation", {}),
    )


def _risk(station: Station) -> tuple[pd.DataFrame, dict[str, object]] | None:
    """Assess the station's threats file with the default matrix, or None without one."""
    if station.threats_path is None:
        return None
    matrix = default_matrix()
    threats = read_threats(station.threats_path, label=station.config.files.threats)
    return assess(threats, matrix), matrix.payload()


def _zone_areas(zones: gpd.GeoDataFrame, households: pd.DataFrame) -> pd.Series:
    """Return the area of each zone: the area of most of its households (A0 when empty)."""
    counts = households.groupby(["zone_id", "area_id"]).size().reset_index(name="n")
    counts = counts.sort_values(["zone_id", "n", "area_id"], ascending=[True, False, True])
    first = counts.drop_duplicates("zone_id").set_index("zone_id")["area_id"]
    return zones["zone_id"].map(first).fillna("A0").set_axis(zones["zone_id"])


def _staff_with_zones(station: Station, households: pd.DataFrame) -> gpd.GeoDataFrame:
    staff = station.accepted_staff.copy()
    by_household = households.set_index("household_id")
    staff["zone_id"] = staff["household_id"].map(by_household["zone_id"])
    staff["area_id"] = staff["household_id"].map(by_household["area_id"])
    staff["presence_note"] = presence_notes(staff, station.as_of)  # "" when present
    return staff


def _zones_frame(
    zoning: ZoningResult, zone_area: pd.Series, wardens: pd.DataFrame
) -> gpd.GeoDataFrame:
    metrics = zoning.metrics.set_index("zone_id")
    zones = zoning.plan.zones[["zone_id", "zone_name", "geometry"]].copy()
    zones["zone_name"] = zones["zone_name"].fillna("")
    zones["area_id"] = zones["zone_id"].map(zone_area)
    for column in ("households", "staff", "dependants", "headcount"):
        zones[column] = zones["zone_id"].map(metrics[column]).fillna(0).astype(int)
    role_of = wardens.pivot_table(
        index="zone_id", columns="role", values="staff_id", aggfunc="first"
    )
    for role in ("warden", "deputy"):
        column = role_of[role] if role in role_of.columns else pd.Series(dtype=object)
        zones[f"{role}_id"] = (
            zones["zone_id"].map(column).astype(object).where(lambda s: s.notna(), None)
        )
    return gpd.GeoDataFrame(zones, geometry="geometry", crs=zoning.plan.zones.crs)


def _zone_centres(zoning: ZoningResult) -> gpd.GeoDataFrame:
    located = zoning.households.set_index("household_id")
    centres = zoning.metrics.dropna(subset=["centre_household_id"])
    return gpd.GeoDataFrame(
        {"zone_id": centres["zone_id"].to_numpy()},
        geometry=located.loc[centres["centre_household_id"]].geometry.to_numpy(),
        crs=zoning.households.crs,
    )


def _network_report(
    zoning: ZoningResult, households: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Flag homes far from any street or cut off from their zone's centre, and the pieces.

    A home on a piece of the street network its zone's centre household cannot reach is
    measured, like a home far from any street, in straight lines x 1.3 (the zone metrics'
    fallback), and flagged the same way.
    """
    columns = ["zone_id", "area_id", "code", "severity", "message"]
    travel = zoning.travel
    if not isinstance(travel, NetworkTravel) or households.empty:
        return pd.DataFrame(columns=columns), ()
    xy = np.column_stack([households.geometry.x, households.geometry.y])
    far = travel.snap_report(xy, list(households["household_id"]))
    zone_of = households.set_index("household_id")["zone_id"]
    area_of = households.set_index("household_id")["area_id"]
    flags = pd.DataFrame(
        {
            "zone_id": far["id"].map(zone_of).to_numpy(),
            "area_id": far["id"].map(area_of).to_numpy(),
            "code": "far_from_street",
            "severity": "minor",
            "message": [
                f"household {h} is {d:,.0f} m from the nearest street; it is off the street "
                "network: its distances are straight lines x 1.3"
                for h, d in zip(far["id"], far["snap_distance_m"], strict=True)
            ],
        },
        columns=columns,
    )
    cut_off = _cut_off_flags(travel, zoning.metrics, households, xy, columns)
    flags = pd.concat([flags, cut_off], ignore_index=True)
    pieces = travel.components(xy)
    with_homes = pieces[pieces["points"] > 0].sort_values("points", ascending=False)
    apart = int(with_homes["points"].iloc[1:].sum()) if len(with_homes) > 1 else 0
    if not apart:
        return flags, ()
    note = (
        f"the street network is in {len(pieces)} pieces; {apart} household(s) are on "
        "a piece not connected to the main one (an island, a gated area or footpaths joined "
        "to no street): no route is invented to them; the warden's reach to a home on another "
        "piece than the zone's centre household is a straight line x 1.3"
    )
    return flags, (note,)


def _cut_off_flags(
    travel: NetworkTravel,
    metrics: pd.DataFrame,
    households: gpd.GeoDataFrame,
    xy: np.ndarray,
    columns: list[str],
) -> pd.DataFrame:
    """Flag homes on another piece of the street network than their zone's centre household.

    When the centre itself is the odd one out (fewer homes share its piece than not), the
    centre household is flagged once instead of every other home.
    """
    snap = travel.snap(xy)
    homes = pd.DataFrame(
        {
            "household_id": households["household_id"].to_numpy(),
            "zone_id": households["zone_id"].to_numpy(),
            "area_id": households["area_id"].to_numpy(),
            "piece": np.where(snap["on_network"], snap["component"], -1),
        }
    )
    centres = metrics.dropna(subset=["centre_household_id"]).set_index("zone_id")
    piece_of = homes.set_index("household_id")["piece"]
    rows = []
    for zone_id, members in homes[homes["piece"] >= 0].groupby("zone_id", sort=True):
        centre = centres["centre_household_id"].get(zone_id)
        centre_piece = piece_of.get(centre, -1)
        if centre_piece < 0:
            continue
        apart = members[members["piece"] != centre_piece]
        if apart.empty:
            continue
        area_id = members["area_id"].iloc[0]
        if len(apart) > len(members) - len(apart):
            message = (
                f"the centre household {centre} of {zone_id} is on a piece of the street network "
                f"that {len(apart)} other home(s) of the zone cannot reach (footpaths or streets "
                "joined to no other street); its distances to them are straight lines x 1.3"
            )
            rows.append((zone_id, area_id, message))
            continue
        rows.extend(
            (
                zone_id,
                area_id,
                (
                    f"household {h} is on a piece of the street network that the centre household "
                    f"of {zone_id} cannot reach (footpaths or streets joined to no other street); "
                    "its distance to the centre is a straight line x 1.3"
                ),
            )
            for h in apart["household_id"]
        )
    flags = pd.DataFrame(rows, columns=["zone_id", "area_id", "message"])
    return flags.assign(code="far_from_street", severity="minor")[columns]


def _reach_flags(metrics: pd.DataFrame, zone_area: pd.Series) -> pd.DataFrame:
    beyond = metrics[~metrics["within_reach"]]
    return pd.DataFrame(
        {
            "zone_id": beyond["zone_id"].to_numpy(),
            "area_id": beyond["zone_id"].map(zone_area).to_numpy(),
            "code": "beyond_reach",
            "severity": "minor",
            "message": [
                farthest_home(d, m)
                for d, m in zip(beyond["max_distance_m"], beyond["distance_method"], strict=True)
            ],
        }
    )


def _areas_frame(
    areas: Areas, polygons: gpd.GeoDataFrame, coordinators: pd.DataFrame
) -> gpd.GeoDataFrame:
    names = areas.areas.set_index("area_id")["area_name"]
    frame = polygons[["area_id", "geometry"]].copy()
    frame["area_name"] = frame["area_id"].map(names)
    by_area = coordinators.drop_duplicates("area_id").set_index("area_id")
    frame["coordinator_id"] = frame["area_id"].map(by_area["staff_id"]).astype(object)
    frame["coordinator_role"] = frame["area_id"].map(by_area["role"]).astype(object)
    frame = frame.where(frame.notna(), None) if len(frame) else frame
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=polygons.crs)


def assignments_table(run: PlanRun) -> pd.DataFrame:
    """Return every input staff member once, assigned or rejected with the reason.

    Columns: ``staff_id, household_id, zone_id, area_id, warden_id, deputy_id, status,
    reason``, then the roster's own columns (`zones.zoning.with_roster_columns`);
    ``radio_callsign`` is the call sign the plan uses (the roster's, else generated by
    `zones.callsigns`).
    """
    station = run.planned.station
    staff = station.staff
    planned = run.planned.staff.set_index("staff_id")
    zones = run.planned.zones.set_index("zone_id")
    accepted = (staff["status"] == "accepted").to_numpy()
    zone = staff["staff_id"].map(planned["zone_id"]).where(accepted, None)
    rows = pd.DataFrame(
        {
            "staff_id": staff["staff_id"].astype(str),
            "household_id": staff["household_id"].where(accepted, None),
            "zone_id": zone,
            "area_id": staff["staff_id"].map(planned["area_id"]).where(accepted, None),
            "warden_id": zone.map(zones["warden_id"]),
            "deputy_id": zone.map(zones["deputy_id"]),
            "status": np.where(accepted & zone.notna().to_numpy(), "assigned", "rejected"),
            "reason": staff["reason"].where(~accepted, None),
        }
    )
    rows.insert(
        rows.columns.get_loc("status"),
        "presence",
        staff["staff_id"].astype(str).map(_presence_by_id(station)).where(accepted, None),
    )
    unzoned = accepted & zone.isna().to_numpy()
    rows.loc[unzoned, "reason"] = "home in no warden zone (see the zone check)"
    rows = with_roster_columns(rows, staff)
    if "radio_callsign" in planned.columns:  # the plan's: the roster's, else generated
        callsign = rows["staff_id"].map(planned["radio_callsign"].map(text_of)).fillna("")
        if "radio_callsign" in rows.columns:
            rows["radio_callsign"] = callsign.where(callsign != "", rows["radio_callsign"])
        else:  # before the roster's own columns, which stay last
            rows.insert(
                rows.columns.get_loc("reason") + 1,
                "radio_callsign",
                callsign.where(callsign != "", None),
            )
    return rows.astype(object).where(rows.notna(), None)


def _presence_by_id(station: Station) -> dict[str, str]:
    """Return where each accepted staff member is on the plan date, by ``staff_id``."""
    ids = station.accepted_staff["staff_id"].astype(str)
    return dict(zip(ids, station.presence_on(), strict=True))
