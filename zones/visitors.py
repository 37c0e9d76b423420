"""Visitors in the plan: each visitor present on the plan date belongs to their hotel's zone.

A visitor is placed in the warden zone whose polygon holds their hotel (or the point
their ``lat``/``lon`` give); a hotel outside every zone goes to the nearest zone, and the
plan flags it (``visitor_outside_zones``) with how far that zone is. Visitors count in
their zone's ``visitors`` and ``headcount`` (the load on its assembly points); the
partition's bounds count households and are not changed by them.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from stations.text import text_of
from zones.plan import FLAG_COLUMNS, VISITOR_COLUMNS, PlannedStation, no_visitors

logger = logging.getLogger(__name__)

OUTSIDE_ZONES = "visitor_outside_zones"


@dataclass(frozen=True)
class PlacedVisitors:
    """Visitors with their zone, and the flags of those outside every zone.

    Attributes
    ----------
    visitors
        One row per visitor (``VISITOR_COLUMNS``), points in the zones' CRS.
    flags
        One ``visitor_outside_zones`` flag (``FLAG_COLUMNS``) per visitor placed in the
        nearest zone.
    """

    visitors: gpd.GeoDataFrame
    flags: pd.DataFrame


def place_visitors(visitors: gpd.GeoDataFrame, zones: gpd.GeoDataFrame) -> PlacedVisitors:
    """Place each visitor in the zone that holds their hotel, or the nearest zone.

    Parameters
    ----------
    visitors
        Visitors present on the plan date (``stations.visitors.visitors_on``): point
        geometries, ``visitor_id``, ``name``, ``agency``, ``phone``, ``point_id`` and
        ``sponsor_staff_id``, in the CRS of ``zones`` (projected, metres).
    zones
        The warden zones: ``zone_id``, ``area_id`` and polygons.

    Returns
    -------
    PlacedVisitors
        The visitors ordered by ``visitor_id`` with ``zone_id`` (``None`` only when
        there are no zones), and a flag for each visitor outside every zone.
    """
    ordered = visitors.sort_values("visitor_id", kind="stable")
    points = ordered.geometry.to_numpy()
    zone_ids = zones["zone_id"].astype(str).to_numpy()
    zone_of = np.full(len(ordered), None, dtype=object)
    flags = []
    if len(zones) and len(ordered):
        tree = shapely.STRtree(zones.geometry.to_numpy())
        pairs = tree.query(points, predicate="covered_by")
        inside = pd.DataFrame({"visitor": pairs[0], "zone": zone_ids[pairs[1]]})
        first = inside.sort_values(["visitor", "zone"]).drop_duplicates("visitor")
        zone_of[first["visitor"].to_numpy()] = first["zone"].to_numpy()
        outside = np.flatnonzero(pd.isna(zone_of))
        if len(outside):
            nearest, metres = tree.query_nearest(
                points[outside], return_distance=True, all_matches=False
            )
            zone_of[outside[nearest[0]]] = zone_ids[nearest[1]]
            area_of = dict(zip(zone_ids, zones["area_id"], strict=True))
            rows = ordered.iloc[outside[nearest[0]]]
            for row, zone_id, distance in zip(
                rows.itertuples(), zone_ids[nearest[1]], metres, strict=True
            ):
                flags.append(_outside(row, zone_id, area_of.get(zone_id), float(distance)))
    placed = gpd.GeoDataFrame(
        {
            **{c: ordered[c].to_numpy() if c in ordered else None for c in VISITOR_COLUMNS},
            "zone_id": zone_of,
        },
        geometry=points,
        crs=ordered.crs,
    )[[*VISITOR_COLUMNS, "geometry"]]
    placed = placed.astype(dict.fromkeys(VISITOR_COLUMNS, object))
    logger.info("visitors: %d placed in zones, %d outside every zone", len(placed), len(flags))
    return PlacedVisitors(placed.reset_index(drop=True), pd.DataFrame(flags, columns=FLAG_COLUMNS))


def _outside(row: object, zone_id: str, area_id: object, metres: float) -> dict[str, object]:
    hotel = text_of(getattr(row, "point_id", None))
    where = f"hotel {hotel}" if hotel else "lodging (given by lat/lon)"
    return {
        "zone_id": zone_id,
        "area_id": area_id,
        "code": OUTSIDE_ZONES,
        "severity": "minor",
        "message": (
            f"visitor {text_of(getattr(row, 'visitor_id', None))}: the {where} is in no "
            f"warden zone; the visitor is placed in the nearest zone, {zone_id} "
            f"({metres:,.0f} m away): check that its warden can reach them"
        ),
    }


def with_visitors(planned: PlannedStation, visitors: gpd.GeoDataFrame) -> PlannedStation:
    """Return the plan with its visitors placed, counted in their zones and flagged.

    Parameters
    ----------
    planned
        The planned station (zones with ``ZONE_COLUMNS`` but ``visitors`` perhaps missing).
    visitors
        The visitors present on the plan date, in ``planned.station.crs``.

    Returns
    -------
    PlannedStation
        ``visitors`` set; each zone's ``visitors`` counted and added to its
        ``headcount`` (staff + dependants + visitors); a flag per visitor outside
        every zone.
    """
    placed = (
        place_visitors(visitors, planned.zones)
        if len(visitors)
        else PlacedVisitors(no_visitors(planned.station.crs), pd.DataFrame(columns=FLAG_COLUMNS))
    )
    counts = placed.visitors["zone_id"].value_counts()
    zones = planned.zones.copy()
    before = zones["visitors"].astype(int) if "visitors" in zones else 0
    zones["visitors"] = zones["zone_id"].map(counts).fillna(0).astype(int)
    zones["headcount"] = zones["headcount"].astype(int) - before + zones["visitors"]
    order = [c for c in zones.columns if c != "visitors"]
    order.insert(order.index("headcount"), "visitors")
    flags = planned.flags
    if len(placed.flags):
        flags = pd.concat([flags, placed.flags], ignore_index=True)
    return dataclasses.replace(planned, zones=zones[order], visitors=placed.visitors, flags=flags)
