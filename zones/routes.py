"""Evacuation and relocation routes: zone to assembly point, onward to concentration and airport."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from stations.schema import WGS84
from zones.network import NetworkTravel, StraightLineTravel, TravelModel

logger = logging.getLogger(__name__)

ROUTE_COLUMNS = (
    "route_id", "kind", "origin_id", "destination_id", "length_m", "time_s", "method", "reachable",
)  # fmt: skip


def evacuation_routes(
    travel: TravelModel,
    zone_centres: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    crs: CRS,
) -> gpd.GeoDataFrame:
    """Return the routes of the evacuation plan as LineStrings in EPSG:4326.

    Each zone walks to its nearest assembly point (by the travel model); each
    assembly point in use drives to every concentration point and to the airport
    when one is defined.

    Parameters
    ----------
    travel
        The station's travel model.
    zone_centres
        ``zone_id`` and a point per zone (its centre household), any CRS.
    points
        The station's accepted points with ``point_id``, ``kind`` and geometry.
    crs
        The station's projected CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        ``route_id, kind, origin_id, destination_id, length_m, time_s, method,
        reachable`` and the route; unreachable routes have no geometry, no
        length or time (NaN), and say so in ``reachable``.
    """
    centres = zone_centres.to_crs(crs)
    points = points.to_crs(crs)
    assembly = points[points["kind"] == "assembly"]
    onward = points[points["kind"].isin(["concentration", "airport"])]
    rows: list[dict[str, object]] = []
    if not assembly.empty and not centres.empty:
        origins = _xy(centres)
        targets = _xy(assembly)
        nearest = travel.distance_matrix(origins, targets, mode="walking").argmin(axis=1)
        for zone_id, origin, index in zip(centres["zone_id"], origins, nearest, strict=True):
            rows.append(
                _route(
                    travel,
                    "zone_to_assembly",
                    zone_id,
                    origin,
                    assembly["point_id"].iloc[index],
                    targets[index],
                    "walking",
                )
            )
        used = sorted(set(nearest.tolist()))
        for index in used:
            for _, target in onward.iterrows():
                kind = f"assembly_to_{target['kind']}"
                rows.append(
                    _route(
                        travel,
                        kind,
                        assembly["point_id"].iloc[index],
                        targets[index],
                        target["point_id"],
                        _xy(target.geometry),
                        "driving",
                    )
                )
    frame = pd.DataFrame(rows, columns=[*ROUTE_COLUMNS, "geometry"])
    frame["route_id"] = [f"R{i + 1:03d}" for i in range(len(frame))]
    routes = gpd.GeoDataFrame(frame, geometry="geometry", crs=crs).to_crs(WGS84)
    unreachable = int((~routes["reachable"].astype(bool)).sum()) if len(routes) else 0
    logger.info("routes: %d (%s), %d unreachable", len(routes), travel.method, unreachable)
    return routes


def _route(
    travel: TravelModel,
    kind: str,
    origin_id: object,
    origin: np.ndarray,
    destination_id: object,
    destination: np.ndarray,
    mode: str,
) -> dict[str, object]:
    if isinstance(travel, NetworkTravel | StraightLineTravel):
        path = travel.path(origin, destination, mode=mode)
        if not path.reachable and mode == "driving" and isinstance(travel, NetworkTravel):
            path = travel.path(origin, destination, mode="walking")  # one-way streets at the edge
        line, length, time, reachable = path.line, path.length_m, path.time_s, path.reachable
    else:
        length = float(travel.distance_matrix(origin, destination, mode=mode)[0, 0])
        time = float(travel.time_matrix(origin, destination, mode=mode)[0, 0])
        reachable = bool(np.isfinite(length))
        line = StraightLineTravel().path(origin, destination).line if reachable else None
    return {
        "route_id": "",
        "kind": kind,
        "origin_id": str(origin_id),
        "destination_id": str(destination_id),
        # Unreachable: no number at all (NaN), never an infinite distance printed as one.
        "length_m": round(length, 1) if np.isfinite(length) else float("nan"),
        "time_s": round(time, 1) if np.isfinite(time) else float("nan"),
        "method": travel.method,
        "reachable": bool(reachable),
        "geometry": line,
    }


def _xy(frame: gpd.GeoDataFrame | gpd.GeoSeries | object) -> np.ndarray:
    geometry = getattr(frame, "geometry", frame)
    if hasattr(geometry, "x") and not hasattr(geometry, "__len__"):
        return np.array([[geometry.x, geometry.y]])
    return np.column_stack([geometry.x.to_numpy(), geometry.y.to_numpy()])
