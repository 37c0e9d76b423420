"""Zone metrics: size, compactness, warden reach, barriers, bounds and contiguity."""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial.distance import cdist

from stations.zones_file import zone_label
from zones.network import StraightLineTravel, TravelModel, describe_method

METRIC_COLUMNS = (
    "zone_id", "households", "staff", "dependants", "headcount", "area_km2", "polsby_popper",
    "centre_household_id", "max_distance_m", "mean_distance_m", "distance_method",
    "barrier_crossings", "bounds", "contiguous", "within_reach",
)  # fmt: skip


EXACT_CENTRE_LIMIT = 2_000
CENTRE_CANDIDATES = 256


def zone_metrics(
    zones: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame,
    *,
    min_households: int,
    max_households: int,
    max_warden_distance_m: float,
    count: str = "households",
    travel: TravelModel | None = None,
    barriers: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Return one row of metrics per zone.

    Parameters
    ----------
    zones
        ``zone_id`` and polygons, projected CRS.
    households
        ``household_id, zone_id, staff_count, dependants, headcount`` and points, same CRS.
    min_households, max_households
        The bounds (of households, or headcount when ``count == "headcount"``).
    max_warden_distance_m
        The reach limit from the zone's centre household.
    count
        {"households", "headcount"}: what the bounds count.
    travel
        Distances on the street network; straight lines when ``None``.
    barriers
        Barrier lines in the same CRS, for ``barrier_crossings``.

    Returns
    -------
    pandas.DataFrame
        ``METRIC_COLUMNS``. The centre household is the medoid (least total straight-line
        distance to the others); ``max_distance_m`` and ``mean_distance_m`` run from it in
        metres by ``distance_method``: walking on the street network, where homes off the
        network or on a piece of it the centre cannot reach are measured in straight lines
        times the detour factor (never ``inf``); straight lines without a network.
        ``barrier_crossings`` counts the zone's homes whose straight line to the centre
        household crosses a barrier (major road, railway, river): the homes the warden
        must cross a barrier to reach.
    """
    method = travel.method if travel is not None else "straight-line"
    tree = (
        shapely.STRtree(barriers.geometry.to_numpy())
        if barriers is not None and len(barriers)
        else None
    )
    rows = []
    grouped = dict(tuple(households.groupby("zone_id", sort=False)))
    for zone_id, polygon in zip(zones["zone_id"], zones.geometry, strict=True):
        members = grouped.get(zone_id, households.iloc[0:0])
        rows.append(
            _zone_row(zone_id, polygon, members, travel, tree, method)
            | _status(members, polygon, min_households, max_households, count)
        )
    frame = pd.DataFrame(rows)
    frame["within_reach"] = frame["max_distance_m"].fillna(0) <= max_warden_distance_m
    return frame.loc[:, list(METRIC_COLUMNS)]


def _zone_row(
    zone_id: str,
    polygon: shapely.Geometry,
    members: gpd.GeoDataFrame,
    travel: TravelModel | None,
    tree: shapely.STRtree | None,
    method: str,
) -> dict[str, Any]:
    area, perimeter = polygon.area, polygon.length
    row: dict[str, Any] = {
        "zone_id": zone_id,
        "households": len(members),
        "staff": int(members["staff_count"].sum()) if len(members) else 0,
        "dependants": int(members["dependants"].sum()) if len(members) else 0,
        "headcount": int(members["headcount"].sum()) if len(members) else 0,
        "area_km2": round(area / 1e6, 4),
        "polsby_popper": round(4 * math.pi * area / perimeter**2, 4) if perimeter else 0.0,
        "distance_method": method,
        "barrier_crossings": 0,
        "centre_household_id": None,
        "max_distance_m": np.nan,
        "mean_distance_m": np.nan,
    }
    if len(members):
        xy = np.column_stack([members.geometry.x, members.geometry.y])
        centre = centre_index(xy)
        distance = distances_from_centre(xy, centre, travel)
        row["centre_household_id"] = members["household_id"].iloc[centre]
        if tree is not None:
            spokes = shapely.linestrings(
                np.stack([np.repeat(xy[centre : centre + 1], len(xy), axis=0), xy], axis=1)
            )
            crossing = tree.query(spokes, predicate="crosses")
            row["barrier_crossings"] = len(np.unique(crossing[0]))
        row["max_distance_m"] = round(float(distance.max()), 1)
        others = distance[np.arange(len(distance)) != centre]
        row["mean_distance_m"] = round(float(others.mean()), 1) if len(others) else 0.0
    return row


def distances_from_centre(xy: np.ndarray, centre: int, travel: TravelModel | None) -> np.ndarray:
    """Return metres from the centre household to each home of its zone, never ``inf``.

    Parameters
    ----------
    xy
        (n, 2) home locations, projected metres.
    centre
        Row of the centre household in ``xy``.
    travel
        The travel model; straight lines when ``None``.

    Returns
    -------
    numpy.ndarray
        (n,) metres by ``travel``; where it has no route (a home on a piece of the street
        network the centre cannot reach), the straight line times the detour factor, as
        for homes off the network.
    """
    origin = xy[centre : centre + 1]
    if travel is None:
        return cdist(origin, xy)[0]
    distance = np.asarray(travel.distance_matrix(origin, xy)[0], dtype=float).copy()
    apart = ~np.isfinite(distance)
    if apart.any():
        fallback = getattr(travel, "fallback", StraightLineTravel())
        distance[apart] = fallback.distance_matrix(origin, xy[apart])[0]
    return distance


def reach_notes(metrics: pd.DataFrame, max_warden_distance_m: float) -> list[str]:
    """Return one note per zone whose farthest home is beyond the warden's reach.

    Parameters
    ----------
    metrics
        :func:`zone_metrics`' rows.
    max_warden_distance_m
        The reach limit from the centre household, metres.

    Returns
    -------
    list of str
        "zone Z03: farthest home 2,517 m from the centre household, measured on the street
        network; beyond the reach of 1,500 m", by zone.
    """
    beyond = metrics[~metrics["within_reach"]].sort_values("zone_id")
    return [
        f"{zone_label(zone)}: {farthest_home(distance, method)}; beyond the reach of "
        f"{max_warden_distance_m:,.0f} m"
        for zone, distance, method in zip(
            beyond["zone_id"], beyond["max_distance_m"], beyond["distance_method"], strict=True
        )
    ]


def farthest_home(distance_m: float, method: str) -> str:
    """Return "farthest home 1,234 m from the centre household, measured ...".

    Parameters
    ----------
    distance_m
        The zone's ``max_distance_m``.
    method
        The zone's ``distance_method`` {"network", "straight-line"}.

    Returns
    -------
    str
        The figure with its unit and how it was measured.
    """
    return (
        f"farthest home {distance_m:,.0f} m from the centre household, "
        f"measured {describe_method(method)}"
    )


def centre_index(xy: np.ndarray) -> int:
    """Return the index of the centre household: the 1-median of the zone's homes.

    The household with the least total straight-line distance to the others (ties go
    to the first). Zones of more than ``EXACT_CENTRE_LIMIT`` homes (a degenerate
    plan) search only the homes nearest the coordinate-wise median.

    Parameters
    ----------
    xy
        (n, 2) home locations, projected metres; n >= 1.

    Returns
    -------
    int
        Row of the centre household in ``xy``.
    """
    if len(xy) <= EXACT_CENTRE_LIMIT:
        return int(np.argmin(cdist(xy, xy).sum(axis=1)))
    near_median = np.hypot(*(xy - np.median(xy, axis=0)).T)
    candidates = np.argsort(near_median, kind="stable")[:CENTRE_CANDIDATES]
    total = cdist(xy[candidates], xy).sum(axis=1)
    return int(candidates[np.argmin(total)])


def _status(
    members: gpd.GeoDataFrame,
    polygon: shapely.Geometry,
    low: int,
    high: int,
    count: str,
) -> dict[str, Any]:
    size = len(members) if count == "households" else int(members["headcount"].sum())
    bounds = "under" if size < low else "over" if size > high else "ok"
    return {"bounds": bounds, "contiguous": polygon.geom_type == "Polygon"}


def summarise_metrics(metrics: pd.DataFrame) -> dict[str, Any]:
    """Return station-wide figures: sizes, share in bounds and contiguous, compactness, reach.

    ``max_distance_m_p50``, ``_p95`` and ``_max`` summarise the zones' ``max_distance_m``
    (metres from the centre household to the farthest home); ``max_distance_m_measured``
    says how, in words.
    """
    reach = metrics["max_distance_m"].dropna()
    method = metrics["distance_method"].iloc[0] if len(metrics) else "straight-line"
    return {
        "zones": len(metrics),
        "households": int(metrics["households"].sum()),
        "size_min": int(metrics["households"].min()) if len(metrics) else 0,
        "size_median": float(metrics["households"].median()) if len(metrics) else 0.0,
        "size_max": int(metrics["households"].max()) if len(metrics) else 0,
        "in_bounds_pct": round(100 * (metrics["bounds"] == "ok").mean(), 1)
        if len(metrics)
        else 0.0,
        "contiguous_pct": round(100 * metrics["contiguous"].mean(), 1) if len(metrics) else 0.0,
        "polsby_popper_mean": round(float(metrics["polsby_popper"].mean()), 3)
        if len(metrics)
        else 0.0,
        "max_distance_m_p50": round(float(reach.quantile(0.5)), 0) if len(reach) else None,
        "max_distance_m_p95": round(float(reach.quantile(0.95)), 0) if len(reach) else None,
        "max_distance_m_max": round(float(reach.max()), 0) if len(reach) else None,
        "zones_beyond_reach": int((~metrics["within_reach"]).sum()),
        "distance_method": method,
        "max_distance_m_measured": describe_method(method),
    }
