"""What is near a place: the nearest named street, in the station's projected CRS (metres).

The nearest hospitals are measured by driving time in :mod:`zones.medical`.
"""

from __future__ import annotations

import numpy as np
import shapely

STREET_RADIUS_M = 150.0  # farther than this, a street does not describe where a point is


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


__all__ = ["nearest_street"]
