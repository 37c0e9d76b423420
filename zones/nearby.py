"""What is near a place: the nearest hospitals and the nearest named street.

Both answer in the station's projected CRS (metres). Hospitals are ranked by the
straight line, and their way is estimated as the straight line times the detour factor,
driven at the fallback speed (:class:`zones.network.StraightLineTravel`): the method is
named with every answer, so that a printed list never passes an estimate off as a route.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from zones.network import StraightLineTravel

NEAREST_HOSPITALS = 2
STREET_RADIUS_M = 150.0  # farther than this, a street does not describe where a point is


@dataclass(frozen=True)
class NearbyPlace:
    """One place near an origin, with the estimated way there.

    Attributes
    ----------
    index
        The place's row in the candidates given.
    straight_m
        Straight-line distance, metres.
    distance_m
        Estimated distance by road (straight line times the detour factor), metres.
    time_s
        Estimated driving time along ``distance_m``, seconds.
    method
        How it was measured: "straight-line x 1.3 detour" and the like.
    """

    index: int
    straight_m: float
    distance_m: float
    time_s: float
    method: str


def nearest_hospitals(
    origin_xy: tuple[float, float],
    hospitals_xy: np.ndarray,
    *,
    count: int = NEAREST_HOSPITALS,
    travel: StraightLineTravel | None = None,
) -> list[NearbyPlace]:
    """Return the ``count`` hospitals nearest to an origin, nearest first.

    Parameters
    ----------
    origin_xy
        The origin, metres in the station's projected CRS.
    hospitals_xy
        The hospitals, an (n, 2) array in the same CRS.
    count
        How many to return (fewer when there are fewer hospitals).
    travel
        The estimate of the way by road; the default detour and driving speed when None.

    Returns
    -------
    list of NearbyPlace
        The nearest hospitals; ties go to the lower index.
    """
    travel = travel or StraightLineTravel()
    xy = np.asarray(hospitals_xy, dtype=float).reshape(-1, 2)
    if not len(xy):
        return []
    straight = np.hypot(*(xy - np.asarray(origin_xy, dtype=float)).T)
    order = np.argsort(straight, kind="stable")[:count]
    speed = travel.speed_ms("driving")
    method = f"straight line x {travel.detour_factor:g} detour"
    return [
        NearbyPlace(
            index=int(i),
            straight_m=float(straight[i]),
            distance_m=float(straight[i] * travel.detour_factor),
            time_s=float(straight[i] * travel.detour_factor / speed),
            method=method,
        )
        for i in order
    ]


def nearest_street(
    point_xy: tuple[float, float],
    streets: np.ndarray,
    names: np.ndarray,
    *,
    radius_m: float = STREET_RADIUS_M,
) -> tuple[str, float] | None:
    """Return the name of the nearest named street within ``radius_m`` and its distance.

    Parameters
    ----------
    point_xy
        The point, metres in the station's projected CRS.
    streets
        Street lines in the same CRS.
    names
        Each street's name; empty or missing names are skipped.
    radius_m
        The farthest a street may be to describe the point, metres.

    Returns
    -------
    tuple of (str, float) or None
        The street's name and its distance in metres, or None when no named street is near.
    """
    named = np.array([isinstance(n, str) and n.strip() != "" for n in names], dtype=bool)
    if not named.any():
        return None
    lines, labels = np.asarray(streets, dtype=object)[named], np.asarray(names, dtype=object)[named]
    distances = shapely.distance(lines, shapely.Point(point_xy))
    best = int(np.argmin(distances))
    if not distances[best] <= radius_m:
        return None
    return str(labels[best]).strip(), float(distances[best])


__all__ = ["NearbyPlace", "nearest_hospitals", "nearest_street"]
