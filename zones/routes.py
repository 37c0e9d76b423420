"""Routes between paired points, one each, as lines (the legs of the journey: ``zones.legs``)."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from zones.network import NetworkTravel, Path, StraightLineTravel, TravelModel

__all__ = ["route_lines"]

LINE_COLUMNS = (
    "origin_id", "destination_id", "mode", "length_m", "time_s", "access_m", "method",
    "reachable",
)  # fmt: skip


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
