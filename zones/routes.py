"""Evacuation and relocation routes: zone to assembly point, onward to concentration and airport."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from zones.network import NetworkTravel, Path, StraightLineTravel, TravelModel

__all__ = ["ROUTE_COLUMNS", "evacuation_routes", "route_lines"]

logger = logging.getLogger(__name__)

LINE_COLUMNS = (
    "origin_id", "destination_id", "mode", "length_m", "time_s", "access_m", "method",
    "reachable",
)  # fmt: skip
ROUTE_COLUMNS = ("route_id", "kind", *LINE_COLUMNS)


def route_lines(
    travel: TravelModel,
    origins_xy: np.ndarray,
    destinations_xy: np.ndarray,
    crs: CRS,
    mode: str = "walking",
    *,
    origin_ids: Sequence[object] | None = None,
    destination_ids: Sequence[object] | None = None,
) -> gpd.GeoDataFrame:
    """Return the route from each origin to its paired destination, in ``crs``.

    Parameters
    ----------
    travel
        The station's travel model.
    origins_xy, destinations_xy
        Points (n, 2) in ``crs``; origin ``i`` goes to destination ``i``.
    crs
        The station's projected CRS.
    mode
        {"walking", "driving"}; driving takes the fastest route, walking the shortest.
    origin_ids, destination_ids
        Labels for the rows; positions ``0..n-1`` without them.

    Returns
    -------
    geopandas.GeoDataFrame
        ``origin_id, destination_id, mode, length_m, time_s, access_m, method,
        reachable`` and a LineString. On the network the line runs between the points'
        snapped spots on the street (``access_m`` is the walk to them); ``method`` is
        ``"straight-line"`` for two-point lines when a point is off the network or there
        is no network. Unreachable routes (another piece of network) have no line and
        NaN length and time, never an infinite number.
    """
    origins = np.asarray(origins_xy, dtype=float).reshape(-1, 2)
    destinations = np.asarray(destinations_xy, dtype=float).reshape(-1, 2)
    if len(origins) != len(destinations):
        msg = f"{len(origins)} origins but {len(destinations)} destinations: give one of each"
        raise ValueError(msg)
    o_ids = list(range(len(origins))) if origin_ids is None else list(origin_ids)
    d_ids = list(range(len(destinations))) if destination_ids is None else list(destination_ids)
    rows = [
        _row(_path(travel, a, b, mode), mode, o_id, d_id)
        for a, b, o_id, d_id in zip(origins, destinations, o_ids, d_ids, strict=True)
    ]
    frame = pd.DataFrame(rows, columns=[*LINE_COLUMNS, "geometry"])
    frame["reachable"] = frame["reachable"].astype(bool)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)


def evacuation_routes(
    travel: TravelModel,
    zone_centres: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    crs: CRS,
) -> gpd.GeoDataFrame:
    """Return the routes of the evacuation plan as LineStrings in ``crs``.

    Each zone walks to its nearest assembly point (by the travel model); each
    assembly point in use drives to every concentration point and to the airport
    when one is defined (walking where no road leads there).

    Parameters
    ----------
    travel
        The station's travel model.
    zone_centres
        ``zone_id`` and a point per zone (its centre household), in ``crs``.
    points
        The station's accepted points with ``point_id``, ``kind`` and geometry, in ``crs``.
    crs
        The station's projected CRS.

    Returns
    -------
    geopandas.GeoDataFrame
        ``route_id, kind`` ({"zone_to_assembly", "assembly_to_concentration",
        "assembly_to_airport"}) and the columns of :func:`route_lines`.
    """
    centres = zone_centres.sort_values("zone_id", kind="stable")
    assembly = points[points["kind"] == "assembly"].sort_values("point_id", kind="stable")
    onward = points[points["kind"].isin(["concentration", "airport"])].sort_values(
        ["kind", "point_id"], kind="stable"
    )
    parts: list[gpd.GeoDataFrame] = []
    if not assembly.empty and not centres.empty:
        origins, targets = _xy(centres), _xy(assembly)
        nearest = _nearest(travel, origins, targets)
        walks = route_lines(
            travel,
            origins,
            targets[nearest],
            crs,
            "walking",
            origin_ids=centres["zone_id"].astype(str).tolist(),
            destination_ids=assembly["point_id"].astype(str).iloc[nearest].tolist(),
        )
        parts.append(walks.assign(kind="zone_to_assembly"))
        used = np.unique(nearest[walks["reachable"].to_numpy()])
        pairs = [(a, b) for a in used for b in range(len(onward))]
        if pairs:
            first, second = (np.array(p) for p in zip(*pairs, strict=True))
            parts.append(
                _drive(travel, assembly.iloc[first], onward.iloc[second], crs).assign(
                    kind=[f"assembly_to_{k}" for k in onward["kind"].iloc[second]]
                )
            )
    frames = [p for p in parts if not p.empty]
    if frames:
        routes = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
    else:
        routes = gpd.GeoDataFrame(
            pd.DataFrame(columns=[*LINE_COLUMNS, "kind"]), geometry=[], crs=crs
        )
    routes["route_id"] = [f"R{i + 1:03d}" for i in range(len(routes))]
    routes = routes[[*ROUTE_COLUMNS, "geometry"]]
    logger.info(
        "routes: %d (%s), %d unreachable",
        len(routes),
        travel.method,
        int((~routes["reachable"].astype(bool)).sum()),
    )
    return routes


def _nearest(travel: TravelModel, origins: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Return each origin's nearest target by walking (the first target when none is reachable)."""
    if isinstance(travel, NetworkTravel):
        _, index = travel.nearest(origins, targets, mode="walking")
        return np.where(index >= 0, index, 0)
    return travel.distance_matrix(origins, targets, mode="walking").argmin(axis=1)


def _drive(
    travel: TravelModel, origins: gpd.GeoDataFrame, targets: gpd.GeoDataFrame, crs: CRS
) -> gpd.GeoDataFrame:
    """Return driving routes, walking ones where no road leads (one-way ends, footpaths)."""
    args = (travel, _xy(origins), _xy(targets), crs)
    ids = {
        "origin_ids": origins["point_id"].astype(str).tolist(),
        "destination_ids": targets["point_id"].astype(str).tolist(),
    }
    driving = route_lines(*args, "driving", **ids)
    stuck = ~driving["reachable"].to_numpy()
    if isinstance(travel, NetworkTravel) and stuck.any():
        walking = route_lines(*args, "walking", **ids)
        driving = gpd.GeoDataFrame(
            pd.concat([driving[~stuck], walking[stuck]]).sort_index(), crs=crs
        )
    return driving.reset_index(drop=True)


def _path(travel: TravelModel, origin: np.ndarray, destination: np.ndarray, mode: str) -> Path:
    if isinstance(travel, NetworkTravel | StraightLineTravel):
        return travel.path(origin, destination, mode=mode)
    length = float(travel.distance_matrix(origin, destination, mode=mode)[0, 0])
    seconds = float(travel.time_matrix(origin, destination, mode=mode)[0, 0])
    line = StraightLineTravel().path(origin, destination).line
    if not np.isfinite(length):
        return Path(None, np.inf, np.inf, 0.0, travel.method, reachable=False)
    return Path(line, length, seconds, 0.0, travel.method, reachable=True)


def _row(path: Path, mode: str, origin_id: object, destination_id: object) -> dict[str, object]:
    finite = path.reachable and np.isfinite(path.length_m)
    return {
        "origin_id": origin_id,
        "destination_id": destination_id,
        "mode": mode,
        # Unreachable: no number at all (NaN), never an infinite distance printed as one.
        "length_m": round(path.length_m, 1) if finite else np.nan,
        "time_s": round(path.time_s, 1) if finite else np.nan,
        "access_m": round(path.access_m, 1),
        "method": path.method,
        "reachable": bool(finite),
        "geometry": path.line if finite else None,
    }


def _xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    return np.column_stack([frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()])
