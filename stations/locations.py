"""Check where staff live against the station area: swapped, outside, far away."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from stations.errors import Severity
from stations.records import RecordCheck
from stations.schema import LAT, LON, WGS84


def check_inside(
    check: RecordCheck,
    area: BaseGeometry,
    crs: CRS,
    *,
    error_share: float,
    what: str = "the station boundary",
) -> None:
    """Reject rows outside ``area``, detecting latitude and longitude swapped.

    Parameters
    ----------
    check
        The record check whose ``lat`` and ``lon`` are already parsed.
    area
        The station area in EPSG:4326.
    crs
        The projected CRS used to measure how far outside a row is.
    error_share
        When more than this share of the located rows lie outside, the problem is
        an error of the whole file (wrong boundary or wrong coordinates), not of
        single rows.
    what
        How the area is named in messages.
    """
    frame = check.frame
    candidates = frame.index[check.kept() & frame[LAT].notna().to_numpy()]
    if len(candidates) == 0:
        return
    lat = frame.loc[candidates, LAT].to_numpy(float)
    lon = frame.loc[candidates, LON].to_numpy(float)
    shapely.prepare(area)
    inside = shapely.contains_xy(area, lon, lat)
    swapped = ~inside & shapely.contains_xy(area, lat, lon)
    outside = ~inside & ~swapped
    distance_m = _distance_outside(area, lon[outside], lat[outside], crs)
    for index in np.asarray(candidates)[swapped]:
        check.report(
            int(index),
            LAT,
            f"latitude and longitude look swapped: ({frame.at[index, LAT]}, "
            f"{frame.at[index, LON]}) is outside {what} but the swapped point is inside; "
            "exchange the two values",
            code="swapped",
        )
    share = outside.sum() / len(candidates)
    severity: Severity = "error" if share > error_share else "warning"
    for index, far in zip(np.asarray(candidates)[outside], distance_m, strict=True):
        check.report(
            int(index),
            LAT,
            f"home at ({frame.at[index, LAT]}, {frame.at[index, LON]}) is {far:,.0f} m "
            f"outside {what}; the person is left out of warden zones",
            severity=severity,
            code="outside",
            reject=True,
        )


def _distance_outside(area: BaseGeometry, lon: np.ndarray, lat: np.ndarray, crs: CRS) -> np.ndarray:
    if len(lon) == 0:
        return np.zeros(0)
    to_utm = Transformer.from_crs(WGS84, crs, always_xy=True)
    x, y = to_utm.transform(lon, lat)
    area_utm = shapely.transform(area, lambda xy: np.column_stack(to_utm.transform(*xy.T)))
    return shapely.distance(area_utm, shapely.points(x, y))


def check_near_offices(
    check: RecordCheck,
    office_lon: np.ndarray,
    office_lat: np.ndarray,
    *,
    max_km: float,
) -> None:
    """Reject rows farther than ``max_km`` from every office, detecting swapped values.

    Used when the station has no boundary file: the area is then drawn around
    staff and offices, so a typo in a coordinate would otherwise stretch it.
    """
    frame = check.frame
    if len(office_lon) == 0:
        return
    candidates = frame.index[check.kept() & frame[LAT].notna().to_numpy()]
    if len(candidates) == 0:
        return
    lat = frame.loc[candidates, LAT].to_numpy(float)
    lon = frame.loc[candidates, LON].to_numpy(float)
    far_km = _nearest_office_km(lon, lat, office_lon, office_lat)
    near = far_km <= max_km
    valid_swap = np.abs(lon) <= 90  # noqa: PLR2004
    swapped_km = _nearest_office_km(lat, np.where(valid_swap, lon, 0.0), office_lon, office_lat)
    swapped = ~near & valid_swap & (swapped_km <= max_km)
    for index, is_near, is_swapped, km in zip(candidates, near, swapped, far_km, strict=True):
        if is_near:
            continue
        if is_swapped:
            check.report(
                int(index),
                LAT,
                "latitude and longitude look swapped: the swapped point is near an office; "
                "exchange the two values",
                code="swapped",
            )
        else:
            check.report(
                int(index),
                LAT,
                f"home is {km:,.0f} km from the nearest office (limit {max_km:,.0f} km); check "
                "the coordinates or add a boundary file",
                code="far",
            )


def _nearest_office_km(
    lon: np.ndarray, lat: np.ndarray, office_lon: np.ndarray, office_lat: np.ndarray
) -> np.ndarray:
    """Return great-circle km from each point to its nearest office (haversine)."""
    lat1, lon1 = np.radians(lat)[:, None], np.radians(lon)[:, None]
    lat2, lon2 = np.radians(office_lat)[None, :], np.radians(office_lon)[None, :]
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return (2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))).min(axis=1)
