"""The planned station: what the pipeline decided, as plain frames for the outputs to render.

Every frame is in the station's projected CRS (``station.crs``, metres), as the
decisions were made; outputs convert to EPSG:4326 only where they write degrees
(GeoJSON, GeoPackage, KML, the HTML maps, lat/lon columns). Column names are fixed
here so that every output reads the same contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from stations.station import Station

# zones: one row per warden zone, ordered by zone_id.
ZONE_COLUMNS = (
    "zone_id",  # "Z01", "Z02", ...
    "zone_name",  # from the OSM place under the zone's centre, or "" when unknown
    "area_id",  # the area the zone belongs to ("A0" is the capital area)
    "households",
    "staff",
    "dependants",
    "visitors",  # visitors present on the plan date whose hotel is in the zone
    "headcount",  # staff + dependants + visitors (the load on the zone's assembly points)
    "warden_id",  # staff_id or None
    "deputy_id",  # staff_id or None
    "assembly_id",  # the zone's assembly point (zones.evacuation), or None
    "assembly_alt_id",  # its alternate assembly point, or None
    "concentration_id",  # the concentration point its assembly point goes on to, or None
)
# households: one row per household, with its zone.
HOUSEHOLD_COLUMNS = (
    "household_id",
    "zone_id",
    "area_id",
    "staff_count",
    "dependants",
    "headcount",
    "staff_ids",  # ";"-joined
    "hibernation_id",  # the hibernation site the household goes to, or None
)
# appointments: one row per appointed person and role.
APPOINTMENT_COLUMNS = (
    "zone_id",  # for warden, deputy, alternate_N; None for ASC
    "area_id",
    "role",  # "warden", "deputy", "alternate_1", ..., "ASC"
    "staff_id",
    "reason",  # why this person, in plain words
)
# flags: problems the plan found and kept (no deputy, no candidate, reach...).
FLAG_COLUMNS = ("zone_id", "area_id", "code", "severity", "message")
# visitors: visitors present on the plan date, placed in their hotel's zone.
VISITOR_COLUMNS = (
    "visitor_id",
    "name",
    "agency",
    "phone",
    "point_id",
    "zone_id",
    "sponsor_staff_id",
)
# areas: one row per area with its coordinator.
AREA_COLUMNS = ("area_id", "area_name", "coordinator_id", "coordinator_role")
# routes: evacuation and relocation routes (LineStrings).
# departures: where the people of each concentration point leave from, per movement.
DEPARTURE_COLUMNS = (
    "concentration_id",
    "movement",  # "evacuate" or "relocate"
    "departure_id",  # point id, or None when the station has no such point
    "departure_kind",  # "airport", "border_crossing", "relocation_site", "safe_haven" or None
)
# point_loads: every assembly, concentration and hibernation point and what it takes.
POINT_LOAD_COLUMNS = (
    "point_id",
    "kind",
    "capacity",  # people; NaN when unknown (then unlimited in the assignment)
    "load",  # people assigned
    "zones",  # ";"-joined zone ids
    "over",  # load above a known capacity
)
ROUTE_COLUMNS = (
    "route_id",
    "kind",  # "zone_to_assembly", "assembly_to_concentration", "assembly_to_airport"
    "origin_id",
    "destination_id",
    "length_m",
    "time_s",
    "method",  # "network" or "straight-line"
    "reachable",
)


def no_visitors(crs: Any = None) -> gpd.GeoDataFrame:
    """Return a visitors frame without rows: every column of ``VISITOR_COLUMNS``, in ``crs``."""
    columns = {c: pd.Series([], dtype=object) for c in VISITOR_COLUMNS}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=crs), crs=crs)


@dataclass(frozen=True, eq=False)
class PlannedStation:
    """A station with its zones, appointments and routes decided.

    Attributes
    ----------
    station
        The loaded station (staff, offices, points, boundary, contacts, config).
    zones
        Zone polygons and their counts and appointees (``ZONE_COLUMNS``).
    households
        Household points with their zone (``HOUSEHOLD_COLUMNS``).
    staff
        Accepted staff with ``household_id``, ``zone_id`` and ``area_id`` added.
    appointments
        Wardens, deputies, alternates and ASCs (``APPOINTMENT_COLUMNS``).
    areas
        Areas with polygons and their coordinator (``AREA_COLUMNS``).
    routes
        Evacuation and relocation routes (``ROUTE_COLUMNS``).
    flags
        Problems found (``FLAG_COLUMNS``).
    distance_method
        ``"network"`` or ``"straight-line"``: how distances were measured.
    notes
        Notes of the planning steps, in plain words.
    redacted
        Whether zones, areas, routes and flags were redacted for sharing
        (``outputs.redaction.redact_planned``).
    departures
        Where each concentration point's people leave from (``DEPARTURE_COLUMNS``).
    point_loads
        Assembly, concentration and hibernation points with their loads
        (``POINT_LOAD_COLUMNS``).
    transport
        Seats needed and available per concentration point and departure
        (``zones.transport.TRANSPORT_COLUMNS``).
    visitors
        Visitors present on the plan date (``VISITOR_COLUMNS``), points in
        ``station.crs`` (their hotel, or their ``lat``/``lon``), each in the zone that
        holds the point or, outside every zone, the nearest one (`zones.visitors`).
        Empty (and without a CRS) unless the plan placed them.
    """

    station: Station
    zones: gpd.GeoDataFrame
    households: gpd.GeoDataFrame
    staff: gpd.GeoDataFrame
    appointments: pd.DataFrame
    areas: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    flags: pd.DataFrame
    distance_method: str
    notes: tuple[str, ...] = field(default=())
    redacted: bool = False
    departures: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(DEPARTURE_COLUMNS))
    )
    point_loads: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(POINT_LOAD_COLUMNS))
    )
    transport: pd.DataFrame = field(default_factory=pd.DataFrame)
    visitors: gpd.GeoDataFrame = field(default_factory=no_visitors)


# Parts smaller than this share of a repaired polygon are rounding artefacts, dropped.
SLIVER_SHARE = 1e-6


def polygons_to_crs(frame: gpd.GeoDataFrame, crs: Any) -> gpd.GeoDataFrame:
    """Reproject polygons and repair what rounding broke.

    Valid polygons can self-intersect by a hair once their vertices are reprojected:
    from the station's CRS to degrees where a file or a map is written, or from degrees
    to metres where an earlier plan's zones are read. Such a polygon is made valid again
    and the slivers that the repair cuts off (parts under ``SLIVER_SHARE`` of its area)
    are dropped; points and lines are reprojected as they are.

    Parameters
    ----------
    frame
        Features in any CRS.
    crs
        The target CRS, anything `geopandas.GeoDataFrame.to_crs` accepts.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows in ``crs``, every polygon valid.
    """
    out = frame.to_crs(crs)
    polygonal = out.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    broken = polygonal & ~out.geometry.is_valid.to_numpy()
    if broken.any():
        out.loc[broken, out.geometry.name] = [_repair(g) for g in out.geometry[broken]]
    return out


def _repair(geometry: shapely.Geometry) -> shapely.Geometry:
    fixed = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon"]
    total = sum(p.area for p in parts)
    kept = [p for p in parts if p.area >= SLIVER_SHARE * total]
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)
