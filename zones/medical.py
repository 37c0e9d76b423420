"""Nearest hospitals by driving time, for every warden zone and office (MEDEVAC/CASEVAC).

A zone is measured from its centre household, as its routes are; an office from where
it stands. Hospitals (points of kind ``hospital``) are ranked by driving time on the
street network (:meth:`zones.network.NetworkTravel.time_matrix`, fastest way); a hospital
that cannot be reached by road (another piece of the network, one-way streets) is never
"nearest". The length given is the shortest way by road (one matrix, not one route per
pair). Without a street network, or for a point off it, the time is a straight line
times the detour factor at the fallback driving speed and the row says so in ``method``
(``"straight-line"``): it is an estimate, never passed off as a driving time.

Besides the nearest few, the nearest hospital that takes trauma cases (the points file's
``trauma`` column) is kept for every origin, however far down the ranking it is; zones
and offices farther than the station's limit from trauma care are flagged.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from stations.config import check_rule_table
from stations.errors import StationError
from zones.network import NetworkTravel, StraightLineTravel, TravelModel
from zones.plan import FLAG_COLUMNS, MEDICAL_COLUMNS

__all__ = [
    "FAR_FROM_TRAUMA",
    "NEAREST_HOSPITALS",
    "NO_HOSPITAL",
    "NO_TRAUMA_DATA",
    "TRAUMA_WITHIN_MIN",
    "MedicalRules",
    "medical_flags",
    "medical_origins",
    "nearest_hospitals",
]

NEAREST_HOSPITALS = 3
TRAUMA_WITHIN_MIN = 60.0  # the "golden hour" of trauma care: common practice, no UN figure
FAR_FROM_TRAUMA = "far_from_trauma_care"
NO_TRAUMA_DATA = "trauma_unknown"
NO_HOSPITAL = "no_hospital_by_road"


@dataclasses.dataclass(frozen=True)
class MedicalRules:
    """How many hospitals to list and how far trauma care may be (``[medical]`` table).

    Attributes
    ----------
    nearest_hospitals
        Hospitals listed per zone and office, nearest first.
    trauma_within_min
        Driving minutes to the nearest trauma-capable hospital beyond which a zone or
        office is flagged. 60 minutes follows the common "golden hour" practice of
        trauma care; no UN source of the seeds sets a figure: confirm it locally with
        the medical adviser.
    """

    nearest_hospitals: int = NEAREST_HOSPITALS
    trauma_within_min: float = TRAUMA_WITHIN_MIN

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> MedicalRules:
        """Build the rules from the ``[medical]`` table, refusing unknown or bad keys.

        Parameters
        ----------
        table
            The parsed table (``station.config.extra.get("medical", {})``).

        Returns
        -------
        MedicalRules
            The rules, with defaults for missing keys.

        Raises
        ------
        StationError
            With one issue naming ``medical.<key>`` per unknown or invalid key.
        """
        values, issues = check_rule_table("medical", table)
        if issues:
            raise StationError(f"[medical] has {len(issues)} error(s)", issues)
        if "trauma_within_min" in values:
            values["trauma_within_min"] = float(values["trauma_within_min"])
        return cls(**values)


def medical_origins(
    zones: gpd.GeoDataFrame, centres: gpd.GeoDataFrame, offices: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Return where each zone and office is measured from.

    Parameters
    ----------
    zones
        The plan's zones (``zone_id``, ``zone_name``, polygons).
    centres
        ``zone_id`` and the point of each zone's centre household; a zone without one
        (no homes) is measured from a point inside its polygon.
    offices
        The station's accepted offices (``office_id``, ``name``, points).

    Returns
    -------
    geopandas.GeoDataFrame
        ``origin_kind`` ({"zone", "office"}), ``origin_id``, ``origin_name`` and a point,
        zones by ``zone_id`` then offices by ``office_id``, in the zones' CRS.
    """
    centre_of = dict(zip(centres["zone_id"], centres.geometry, strict=True))
    zones = zones.sort_values("zone_id", kind="stable")
    offices = offices.to_crs(zones.crs).sort_values("office_id", kind="stable")
    rows = [
        ("zone", z, _text(name), centre_of.get(z, shape.representative_point()))
        for z, name, shape in zip(zones["zone_id"], zones["zone_name"], zones.geometry, strict=True)
    ]
    rows += [
        ("office", o, _text(name), spot)
        for o, name, spot in zip(
            offices["office_id"], offices["name"], offices.geometry, strict=True
        )
    ]
    frame = pd.DataFrame(rows, columns=["origin_kind", "origin_id", "origin_name", "geometry"])
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=zones.crs)


def nearest_hospitals(
    travel: TravelModel,
    origins: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    *,
    count: int = NEAREST_HOSPITALS,
) -> pd.DataFrame:
    """Return each origin's nearest hospitals by driving time, and its nearest trauma care.

    Parameters
    ----------
    travel
        The station's travel model.
    origins
        From :func:`medical_origins`, in the station's CRS.
    points
        The station's accepted points (``point_id``, ``kind``, ``name``, optional
        ``phone`` and ``trauma``), in the same CRS.
    count
        How many hospitals to list per origin (fewer when fewer are reachable).

    Returns
    -------
    pandas.DataFrame
        ``MEDICAL_COLUMNS``: per origin, its ``count`` nearest reachable hospitals ranked
        by driving time, then its nearest trauma-capable hospital when it is not among
        them (with its own rank); an origin that reaches no hospital has one row without
        a hospital, so that every zone and office is listed.
    """
    hospitals = points[points["kind"] == "hospital"].sort_values("point_id", kind="stable")
    origin_xy = _xy(origins)
    hospital_xy = _xy(hospitals)
    seconds = travel.time_matrix(origin_xy, hospital_xy, mode="driving")
    metres = travel.distance_matrix(origin_xy, hospital_xy, mode="driving")
    method = _methods(travel, origin_xy, hospital_xy)
    trauma = (
        hospitals["trauma"].to_numpy(dtype=object)
        if "trauma" in hospitals.columns
        else np.full(len(hospitals), None, dtype=object)
    )
    capable = np.array([t is True for t in trauma], dtype=bool)
    rows: list[dict[str, object]] = []
    for i, origin in enumerate(origins.itertuples()):
        times = seconds[i]
        order = [int(j) for j in np.argsort(times, kind="stable") if np.isfinite(times[j])]
        listed = order[:count]
        nearest_trauma = next((j for j in order if capable[j]), None)
        if nearest_trauma is not None and nearest_trauma not in listed:
            listed.append(nearest_trauma)
        head = {
            "origin_kind": origin.origin_kind,
            "origin_id": origin.origin_id,
            "origin_name": origin.origin_name,
        }
        if not listed:
            rows.append(head | _nothing(travel.method))
        for j in listed:
            hospital = hospitals.iloc[j]
            rows.append(
                head
                | {
                    "rank": order.index(j) + 1,
                    "hospital_id": hospital["point_id"],
                    "hospital_name": _text(hospital["name"]),
                    "phone": _text(hospital.get("phone")) or None,
                    "trauma": trauma[j],
                    "nearest_trauma": j == nearest_trauma,
                    "time_s": round(float(times[j]), 1),
                    "length_m": round(float(metres[i, j]), 1),
                    "method": str(method[i, j]),
                }
            )
    frame = pd.DataFrame(rows, columns=list(MEDICAL_COLUMNS))
    frame["rank"] = frame["rank"].astype("Int64")
    frame["nearest_trauma"] = frame["nearest_trauma"].astype(bool)
    return frame


def medical_flags(medical: pd.DataFrame, zones: pd.DataFrame, rules: MedicalRules) -> pd.DataFrame:
    """Flag zones and offices that reach no hospital by road, or trauma care too late.

    Parameters
    ----------
    medical
        From :func:`nearest_hospitals`.
    zones
        The plan's zones (``zone_id``, ``area_id``), for the area of a zone's flag.
    rules
        The station's medical rules.

    Returns
    -------
    pandas.DataFrame
        ``FLAG_COLUMNS`` (an office's flag has no zone): ``no_hospital_by_road`` (major)
        per zone or office that reaches no hospital by road while the station has some;
        ``far_from_trauma_care`` (major) per zone or office farther than
        ``rules.trauma_within_min`` from the nearest hospital that takes trauma, or reaching
        none. When no hospital says whether it takes trauma, one station flag
        ``trauma_unknown`` (minor) stands instead of the latter, as nothing can be judged.
    """
    has_hospitals = medical["hospital_id"].notna().any()
    trauma_known = medical["trauma"].notna().any()
    area_of = dict(zip(zones["zone_id"], zones["area_id"], strict=True))
    rows = []
    for (kind, origin_id), rows_of in medical.groupby(["origin_kind", "origin_id"], sort=True):
        where = f"{'Zone' if kind == 'zone' else 'Office'} {origin_id}"
        name = _text(rows_of["origin_name"].iloc[0])
        where += f" ({name})" if name and name != origin_id else ""
        zone_id = origin_id if kind == "zone" else None
        if has_hospitals and rows_of["hospital_id"].isna().all():
            message = (
                f"{where} reaches no hospital by road on the street network (its street is cut "
                "off from theirs, or one-way): check the way on the ground and plan the CASEVAC"
            )
            rows.append((zone_id, area_of.get(zone_id), NO_HOSPITAL, "major", message))
        reaches = rows_of["hospital_id"].notna().any()
        gap = _trauma_gap(rows_of, rules) if trauma_known and reaches else None
        if gap:
            message = (
                f"{where}: {gap}; more than {rules.trauma_within_min:g} min from trauma care: "
                "plan the CASEVAC (first aid, trauma kit, transport) with the medical adviser"
            )
            rows.append((zone_id, area_of.get(zone_id), FAR_FROM_TRAUMA, "major", message))
    if has_hospitals and not trauma_known:
        message = (
            "the points file does not say which hospitals take trauma cases (column trauma): "
            "the time to trauma care cannot be checked"
        )
        rows.append((None, None, NO_TRAUMA_DATA, "minor", message))
    return pd.DataFrame(rows, columns=list(FLAG_COLUMNS))


def _trauma_gap(rows_of: pd.DataFrame, rules: MedicalRules) -> str | None:
    """Return why an origin is too far from trauma care, or None when it is near enough."""
    best = rows_of[rows_of["nearest_trauma"]]
    if not len(best):
        return "no hospital known to take trauma cases can be reached by road"
    hospital = best.iloc[0]
    if float(hospital["time_s"]) <= rules.trauma_within_min * 60:
        return None
    estimate = " (straight line x 1.3)" if hospital["method"] == "straight-line" else ""
    return (
        f"the nearest hospital that takes trauma, {_text(hospital['hospital_name'])}, is about "
        f"{max(1, math.ceil(float(hospital['time_s']) / 60))} min away by car{estimate}"
    )


def _methods(travel: TravelModel, origins: np.ndarray, hospitals: np.ndarray) -> np.ndarray:
    """Return how each pair is measured: on the network only when both ends are on it."""
    if isinstance(travel, NetworkTravel) and len(origins) and len(hospitals):
        here = travel.snap(origins, mode="driving")["on_network"].to_numpy(dtype=bool)
        there = travel.snap(hospitals, mode="driving")["on_network"].to_numpy(dtype=bool)
        both = here[:, None] & there[None, :]
        return np.where(both, travel.method, StraightLineTravel.method)
    return np.full((len(origins), len(hospitals)), travel.method, dtype=object)


def _nothing(method: str) -> dict[str, object]:
    return {
        "rank": None,
        "hospital_id": None,
        "hospital_name": None,
        "phone": None,
        "trauma": None,
        "nearest_trauma": False,
        "time_s": math.nan,
        "length_m": math.nan,
        "method": method,
    }


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    return np.column_stack([frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()])
