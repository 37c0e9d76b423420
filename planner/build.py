"""Build the planned station: areas, zones per area, coordinators, wardens, routes and flags."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.risk import assess, default_matrix
from stations import Station, StationError
from stations.threats import read_threats
from zones.appoint import AppointmentRules, appoint_wardens
from zones.areas import (
    AreaRules,
    Areas,
    appoint_coordinators,
    area_polygons,
    define_areas,
    security_management_team,
)
from zones.cascade import Cascade, CascadeRules, plan_cascade
from zones.metrics import farthest_home, reach_notes, summarise_metrics, zone_metrics
from zones.network import NetworkTravel
from zones.partition import ZonePlan, partition_zones
from zones.plan import PlannedStation, polygons_to_wgs84
from zones.routes import evacuation_routes
from zones.zoning import ZoningResult, plan_zones, with_roster_columns, zoning_options

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class PlanRun:
    """A planned station with the measurements the outputs and the summary need."""

    planned: PlannedStation
    zoning: ZoningResult
    smt: pd.DataFrame
    cascade: Cascade
    risk: tuple[pd.DataFrame, dict[str, object]] | None = None


def build_plan(
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
        The planned station and the zoning measurements.

    Raises
    ------
    StationError
        If the station has errors or a configuration table is invalid.
    """
    if station.errors:
        raise StationError(f"{station.folder}: fix the input errors first", list(station.errors))
    risk = _risk(station)
    extra = station.config.extra
    area_rules = AreaRules.from_table(extra.get("areas", {}))
    rules = AppointmentRules.from_table(extra.get("appointments", {}))
    crs = station.crs
    zoning = plan_zones(station, repair=repair, previous=previous, seed=seed)
    areas = define_areas(
        station.staff,
        station.offices,
        area_rules,
        crs=crs,
        station_name=station.name,
        travel=zoning.travel,
    )
    polygons = area_polygons(areas, station.boundary)
    if previous is None and station.zones_path is None and len(areas.areas) > 1:
        zoning = _zones_per_area(zoning, areas.households, polygons, seed)
    households = zoning.households.merge(areas.households, on="household_id", how="left")
    households["area_id"] = households["area_id"].fillna("A0")
    zone_area = _zone_areas(zoning.plan.zones, households)
    households["area_id"] = households["zone_id"].map(zone_area).fillna(households["area_id"])
    coordinators = appoint_coordinators(areas)
    asc_ids = frozenset(coordinators.appointments["staff_id"])
    staff = _staff_with_zones(station, households)
    previous_appointments = _previous_appointments(previous)
    wardens = appoint_wardens(
        staff,
        households,
        zoning.plan.zones,
        rules,
        as_of=as_of,
        travel=zoning.travel,
        previous=previous_appointments,
        not_available=asc_ids,
    )
    appointments = pd.concat(
        [
            wardens.table.assign(area_id=lambda t: t["zone_id"].map(zone_area)),
            coordinators.appointments,
        ],
        ignore_index=True,
    )[["zone_id", "area_id", "role", "staff_id", "reason"]]
    zones = _zones_frame(zoning, zone_area, wardens.table)
    centres = _zone_centres(zoning)
    points = station.accepted_points
    routes = evacuation_routes(zoning.travel, centres, points, crs)
    network_flags, network_notes = _network_report(zoning, households)
    flags = pd.concat(
        [
            wardens.flags.assign(area_id=lambda f: f["zone_id"].map(zone_area)),
            coordinators.flags,
            _reach_flags(zoning.metrics, zone_area),
            network_flags,
        ],
        ignore_index=True,
    )[["zone_id", "area_id", "code", "severity", "message"]]
    area_frame = _areas_frame(areas, polygons, coordinators.coordinators)
    planned = PlannedStation(
        station=station,
        zones=polygons_to_wgs84(zones),
        households=households.to_crs("EPSG:4326")[
            [
                "household_id",
                "zone_id",
                "area_id",
                "staff_count",
                "dependants",
                "headcount",
                "staff_ids",
                "geometry",
            ]
        ],
        staff=staff.to_crs("EPSG:4326"),
        appointments=appointments,
        areas=polygons_to_wgs84(area_frame),
        routes=routes,
        flags=flags,
        distance_method=zoning.travel.method,
        notes=tuple(zoning.plan.notes) + tuple(areas.notes) + network_notes,
    )
    cascade = plan_cascade(planned, CascadeRules.from_table(extra.get("cascade", {})))
    cascade_flags = cascade.flags.reindex(columns=flags.columns)
    planned = dataclasses.replace(
        planned, flags=pd.concat([flags, cascade_flags], ignore_index=True)
    )
    return PlanRun(planned, zoning, security_management_team(station.staff), cascade, risk)


def _risk(station: Station) -> tuple[pd.DataFrame, dict[str, object]] | None:
    """Assess the station's threats file with the default matrix, or None without one."""
    if station.threats_path is None:
        return None
    matrix = default_matrix()
    threats = read_threats(station.threats_path, label=station.config.files.threats)
    return assess(threats, matrix), matrix.payload()


def _zones_per_area(
    zoning: ZoningResult, household_areas: pd.DataFrame, polygons: gpd.GeoDataFrame, seed: int
) -> ZoningResult:
    """Redraw zones inside each area so that no zone spans two areas."""
    station = zoning.station
    options = zoning_options(station, seed=seed)
    households = station.households.to_crs(station.crs).merge(
        household_areas, on="household_id", how="left"
    )
    places = station.osm.places if station.osm is not None else None
    frames, assignments, notes = [], [], []
    for area in polygons.to_crs(station.crs).itertuples():
        members = households[households["area_id"] == area.area_id]
        boundary = gpd.GeoDataFrame(geometry=[area.geometry], crs=station.crs)
        plan = partition_zones(
            members,
            boundary,
            options,
            barriers=zoning.barriers,
            places=places,
        )
        frames.append(plan.zones.assign(area_id=area.area_id))
        assignments.append(plan.assignment.assign(area_id=area.area_id))
        notes.extend(f"area {area.area_id}: {note}" for note in plan.notes)
    zones = pd.concat(frames, ignore_index=True)
    zones["old_id"] = zones["zone_id"]
    zones = zones.sort_values(["area_id", "old_id"], kind="stable").reset_index(drop=True)
    width = max(2, len(str(len(zones))))
    zones["zone_id"] = [f"Z{i + 1:0{width}d}" for i in range(len(zones))]
    rename = {
        (a, o): z
        for a, o, z in zip(zones["area_id"], zones["old_id"], zones["zone_id"], strict=True)
    }
    assignment = pd.concat(assignments, ignore_index=True)
    assignment["zone_id"] = [
        rename[(a, z)] for a, z in zip(assignment["area_id"], assignment["zone_id"], strict=True)
    ]
    zones = gpd.GeoDataFrame(
        zones.drop(columns=["old_id", "area_id"]), geometry="geometry", crs=station.crs
    )
    plan = ZonePlan(zones, assignment[["household_id", "zone_id"]], tuple(notes))
    located = households.drop(columns="area_id").merge(
        plan.assignment, on="household_id", how="left"
    )
    metrics = zone_metrics(
        zones,
        located,
        min_households=options.min_households,
        max_households=options.max_households,
        max_warden_distance_m=options.max_warden_distance_m,
        count=options.count,
        travel=zoning.travel,
        barriers=zoning.barriers,
    )
    notes.extend(reach_notes(metrics, options.max_warden_distance_m))
    summary = summarise_metrics(metrics) | {"source": "partition by area", "notes": list(notes)}
    return ZoningResult(
        station,
        zoning.travel,
        zoning.barriers,
        plan,
        located,
        metrics,
        summary,
        "partition by area",
    )


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
    return staff


def _previous_appointments(previous: Path | None) -> pd.DataFrame | None:
    if previous is None or not (previous / "appointments.csv").is_file():
        return None
    table = pd.read_csv(
        previous / "appointments.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False
    )
    return table[table["zone_id"] != ""][["zone_id", "role", "staff_id"]]


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
    reason``, then the roster's own columns (`zones.zoning.with_roster_columns`).
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
    unzoned = accepted & zone.isna().to_numpy()
    rows.loc[unzoned, "reason"] = "home in no warden zone (see the zone check)"
    rows = with_roster_columns(rows, staff)
    return rows.astype(object).where(rows.notna(), None)
