"""Plan warden zones inside each area: one partition per area, numbered as one plan."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from zones.metrics import reach_notes, summarise_metrics, zone_metrics
from zones.partition import ZonePlan, partition_zones
from zones.zoning import ZoningResult, zoning_options


def zones_per_area(
    zoning: ZoningResult, household_areas: pd.DataFrame, polygons: gpd.GeoDataFrame, seed: int
) -> ZoningResult:
    """Redraw the zones inside each area so that no zone spans two areas.

    Each area is partitioned on its own (`zones.partition.partition_zones`) with the
    station's options; zones are then numbered Z01... area by area, and measured again.

    Parameters
    ----------
    zoning
        The zoning of the whole station (its travel model and barriers are reused).
    household_areas
        ``household_id, area_id`` for every household.
    polygons
        One polygon per area (``area_id``, any CRS).
    seed
        Seed of the partitions.

    Returns
    -------
    ZoningResult
        The zones of every area, with source ``"partition by area"``.
    """
    station = zoning.station
    options = zoning_options(station, seed=seed)
    households = station.households.merge(household_areas, on="household_id", how="left")
    places = station.osm.places if station.osm is not None else None
    frames: list[gpd.GeoDataFrame] = []
    assignments: list[pd.DataFrame] = []
    notes: list[str] = []
    for area in polygons.itertuples():
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
