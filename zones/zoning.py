"""The zoning stage: travel, barriers, then a partition, hand-drawn zones or a re-plan.

The files (hand-drawn zones, an earlier plan) are read by the caller: zones/ reads none.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd

from stations import Station, StationError
from stations.previous_plan import PreviousPlan
from stations.schema import REASON, SOURCE_FILE, SOURCE_ROW, STAFF_COLUMNS, STATUS
from zones.barriers import barrier_lines
from zones.handdrawn import ZoneCheck, check_zones, repair_zones, snap_zones
from zones.metrics import reach_notes, summarise_metrics, zone_metrics
from zones.network import TravelModel, build_travel
from zones.partition import ZonePlan, ZoningOptions, partition_zones
from zones.replan import replan_zones

logger = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class ZoningResult:
    """The zones of a station with everything measured about them."""

    station: Station
    travel: TravelModel
    barriers: gpd.GeoDataFrame
    plan: ZonePlan
    households: gpd.GeoDataFrame  # projected, with zone_id
    metrics: pd.DataFrame
    summary: dict[str, object]
    source: str  # "partition", "hand-drawn", "hand-drawn, repaired", "previous plan"
    check: ZoneCheck | None = None
    churn: pd.DataFrame | None = None


def zoning_options(station: Station, *, seed: int = 0) -> ZoningOptions:
    """Return the partition options from the station's ``[zones]`` table."""
    zones = station.config.zones
    return ZoningOptions(
        zones.min_households, zones.max_households, zones.max_warden_distance_m, zones.count, seed
    )


def plan_zones(
    station: Station,
    *,
    repair: bool = False,
    previous: PreviousPlan | None = None,
    drawn: gpd.GeoDataFrame | None = None,
    drawn_notes: tuple[str, ...] = (),
    seed: int = 0,
) -> ZoningResult:
    """Draw, check or re-plan the warden zones of a loaded station.

    Parameters
    ----------
    station
        A loaded station without errors.
    repair
        With hand-drawn zones, repair the failing ones instead of only reporting them.
    previous
        An earlier plan (`stations.previous_plan`): keep its zones where still valid.
    drawn
        Hand-drawn zones as read from the station's zones file (any CRS), when there is
        one and no earlier plan.
    drawn_notes
        What reading the zones file noted (features skipped), shown first.
    seed
        Seed of the partition.

    Returns
    -------
    ZoningResult
        Zones, assignment, metrics and, where relevant, the check and churn.

    Raises
    ------
    StationError
        If the station has errors.
    """
    if station.errors:
        raise StationError(f"{station.folder}: fix the input errors first", list(station.errors))
    crs = station.crs
    options = zoning_options(station, seed=seed)
    households = station.households
    area = station.boundary.geometry.iloc[0]
    travel = build_travel(station.osm, crs, boundary=station.boundary)
    barriers = barrier_lines(station.osm, crs)
    places = station.osm.places if station.osm is not None else None
    check = churn = None
    if previous is not None:
        plan, churn = replan_zones(
            previous.zones,
            previous.assignment,
            households,
            area,
            options,
            barriers=barriers,
            places=places,
        )
        source = "previous plan"
    elif drawn is not None:
        snapping = snap_zones(drawn.to_crs(crs), households, area)
        drawn = snapping.zones
        check = check_zones(drawn, households, area, options)
        if repair:
            plan = repair_zones(drawn, households, area, options, barriers=barriers, places=places)
            source = "hand-drawn, repaired"
        else:
            plan = _as_drawn(drawn, households, check)
            source = "hand-drawn"
        notes = [*drawn_notes, *snapping.notes()]
        plan = replace(plan, notes=(*notes, *plan.notes))
    else:
        plan = partition_zones(
            households, station.boundary, options, barriers=barriers, places=places
        )
        source = "partition"
    located = households.merge(plan.assignment, on="household_id", how="left")
    metrics = zone_metrics(
        plan.zones,
        located,
        min_households=options.min_households,
        max_households=options.max_households,
        max_warden_distance_m=options.max_warden_distance_m,
        count=options.count,
        travel=travel,
        barriers=barriers,
    )
    notes = [*plan.notes, *reach_notes(metrics, options.max_warden_distance_m)]
    summary = summarise_metrics(metrics) | {"source": source, "notes": notes}
    logger.info(
        "zones (%s): %d zones, %s%% in bounds, %s%% contiguous",
        source,
        summary["zones"],
        summary["in_bounds_pct"],
        summary["contiguous_pct"],
    )
    return ZoningResult(
        station, travel, barriers, plan, located, metrics, summary, source, check, churn
    )


def _as_drawn(drawn: gpd.GeoDataFrame, households: gpd.GeoDataFrame, check: ZoneCheck) -> ZonePlan:
    from zones.handdrawn import assign_households

    zone_of = assign_households(drawn, households)
    assignment = pd.DataFrame(
        {"household_id": households["household_id"].to_numpy(), "zone_id": zone_of.to_numpy()}
    )
    zones = drawn.copy()
    counts = assignment["zone_id"].value_counts()
    zones["households"] = zones["zone_id"].map(counts).fillna(0).astype(int)
    headcount = households.set_index("household_id")["headcount"].groupby(zone_of.to_numpy()).sum()
    zones["headcount"] = zones["zone_id"].map(headcount).fillna(0).astype(int)
    zones["piece_id"] = 0
    return ZonePlan(zones, assignment, tuple(check.problems()))


def staff_assignments(result: ZoningResult) -> pd.DataFrame:
    """Return every input staff row exactly once with its household and zone, or its rejection.

    Columns: ``staff_id, household_id, zone_id, status, reason``; status is
    ``assigned`` or ``rejected`` (with the loader's reason); then the roster's own
    columns (`with_roster_columns`).
    """
    staff = result.station.staff
    zone_of = result.plan.assignment.set_index("household_id")["zone_id"]
    accepted = staff["status"] == "accepted"
    zone = staff["household_id"].map(zone_of).where(accepted, None)
    status = accepted.map({True: "assigned", False: "rejected"})
    reason = staff["reason"].where(~accepted, None)
    unzoned = accepted & zone.isna()
    status = status.where(~unzoned, "rejected")
    reason = reason.where(~unzoned, "home in no warden zone (see the zone check)")
    table = pd.DataFrame(
        {
            "staff_id": staff["staff_id"].astype(str).to_numpy(),
            "household_id": staff["household_id"].where(accepted, None).to_numpy(),
            "zone_id": zone.to_numpy(),
            "status": status.to_numpy(),
            "reason": reason.to_numpy(),
        }
    )
    return with_roster_columns(table, staff)


def with_roster_columns(table: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` (one row per roster row, in order) with the roster's own columns.

    Columns that are not part of the roster schema (a badge number, a cost centre) are
    passed through as read; one whose name the table already uses gets a ``roster_``
    prefix.

    Parameters
    ----------
    table
        One row per row of ``staff``, in the same order.
    staff
        The loaded roster (every input row).

    Returns
    -------
    pandas.DataFrame
        ``table`` with the extra columns appended.
    """
    known = {*STAFF_COLUMNS, SOURCE_FILE, SOURCE_ROW, STATUS, REASON, staff.geometry.name}
    extra = [c for c in staff.columns if c not in known]
    if not extra:
        return table
    columns = {(c if c not in table.columns else f"roster_{c}"): staff[c].to_numpy() for c in extra}
    return table.assign(**columns)
