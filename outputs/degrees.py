"""The plan in degrees, for the writers that draw in EPSG:4326 (the HTML and PNG maps).

The plan and the station live in the station's projected CRS; a writer that draws in
longitude and latitude converts them here, once per file it writes.
"""

from __future__ import annotations

import dataclasses

import geopandas as gpd

from stations.schema import WGS84
from zones.plan import PlannedStation, polygons_to_crs


def plan_in_degrees(plan: PlannedStation) -> PlannedStation:
    """Return a copy of the plan with every frame, and the station's, in EPSG:4326.

    The station's OSM extract is shared, not converted (its layers stay in the station's
    CRS), and ``station.crs`` still names the station's projected CRS. Polygons that the
    conversion breaks by a hair are repaired (:func:`zones.plan.polygons_to_crs`).

    Parameters
    ----------
    plan
        The planned station, in the station's CRS.

    Returns
    -------
    zones.plan.PlannedStation
        The same plan with zones, households, staff, areas and routes, and the station's
        staff, households, offices, points, boundary and visitors, in EPSG:4326.
    """
    station = plan.station
    moved = dataclasses.replace(
        station,
        staff=_degrees(station.staff),
        households=_degrees(station.households),
        offices=_degrees(station.offices),
        points=_degrees(station.points),
        boundary=_degrees(station.boundary),
        visitors=_degrees(station.visitors),
    )
    if "osm" in station.__dict__:  # the extract already read (a cached property)
        moved.__dict__["osm"] = station.__dict__["osm"]
    return dataclasses.replace(
        plan,
        station=moved,
        zones=_degrees(plan.zones),
        households=_degrees(plan.households),
        staff=_degrees(plan.staff),
        areas=_degrees(plan.areas),
        routes=_degrees(plan.routes),
    )


def _degrees(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return polygons_to_crs(frame, WGS84)
