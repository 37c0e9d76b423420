"""Visitors (the optional visitors file): people staying at a hotel between two dates.

Each row gives the visitor's hotel as the ``point_id`` of a point (a hotel of the points
file, or one taken from the OSM extract) or as ``lat`` and ``lon``; ``arrival`` and
``departure`` are both inclusive; ``sponsor_staff_id`` names the staff member who keeps
contact with them.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from stations._values import parse_float
from stations.errors import Issue
from stations.records import RecordCheck, did_you_mean
from stations.roster import normalise_phones
from stations.schema import (
    ARRIVAL,
    DEPARTURE,
    HOUSEHOLD_ID,
    LAT,
    LON,
    NAME,
    PERSON_ID,
    POINT_ID,
    POINT_KIND,
    SOURCE_FILE,
    SOURCE_ROW,
    SPONSOR_STAFF_ID,
    STAFF_ID,
    STATUS,
    VISITOR_COLUMNS,
    VISITOR_ID,
    WGS84,
)


def check_visitors(
    frame: pd.DataFrame,
    label: str,
    *,
    staff: pd.DataFrame,
    points: gpd.GeoDataFrame,
    area: BaseGeometry,
    crs: CRS,
    country: str,
    date_order: str | None,
    dependants: pd.DataFrame | None = None,
) -> tuple[gpd.GeoDataFrame, list[Issue]]:
    """Check a visitors file and locate every visitor.

    Parameters
    ----------
    frame
        The file as read by :func:`stations.tables.read_table`.
    label
        The file name used in messages.
    staff
        Every staff row with ``status`` (sponsors must be accepted staff).
    points
        Every point row with ``status``, ``kind`` and a geometry in ``crs``.
    area
        The station area in ``crs``; a visitor outside it is a warning.
    crs
        The station's projected CRS; ``lat``/``lon`` are projected to it.
    country
        ISO 3166 alpha-2 code, for phone numbers and the day/month order of dates.
    date_order
        ``[roster] date_order``, for dates the columns do not settle.
    dependants
        The accepted dependants (``person_id``, ``household_id``, ``numbered``,
        ``source_file``, ``source_row``), whose ids no visitor may take.

    Returns
    -------
    visitors
        Every row, in ``crs``, accepted or rejected with its reason (columns of
        ``VISITOR_COLUMNS``); accepted rows have a point geometry.
    issues
        Every problem found, naming file, row and column.
    """
    check = RecordCheck(frame, label)
    check.require_values((VISITOR_ID, ARRIVAL, DEPARTURE))
    for index in check.frame.index[check.frame[NAME].isna()]:
        check.report(
            int(index),
            NAME,
            "empty; the visitor is listed without a name",
            severity="warning",
            code="missing",
        )
    check.unique_ids(VISITOR_ID)
    _not_taken(check, staff, _dependant_rows(dependants))
    check.parse_dates((ARRIVAL, DEPARTURE), configured=date_order, country=country)
    _check_stays(check)
    normalise_phones(check, country, ("phone",))
    _check_sponsors(check, staff)
    geometry = _locate(check, points[points[STATUS] == "accepted"], area, crs)
    out = check.finish()
    out = out.astype(object).where(out.notna(), None)
    visitors = gpd.GeoDataFrame(
        {c: (out[c] if c in out.columns else None) for c in VISITOR_COLUMNS[:-1]},
        geometry=geometry,
        crs=crs,
    )
    return visitors, check.issues


def empty_visitors(crs: CRS) -> gpd.GeoDataFrame:
    """Return the visitors of a station without a visitors file: no rows, every column."""
    columns = {c: pd.Series([], dtype=object) for c in VISITOR_COLUMNS[:-1]}
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def visitors_on(visitors: gpd.GeoDataFrame, date: dt.date) -> gpd.GeoDataFrame:
    """Return the accepted visitors at the station on ``date`` (arrival to departure)."""
    accepted = visitors[visitors[STATUS] == "accepted"]
    here = [
        arrival <= date <= departure
        for arrival, departure in zip(accepted[ARRIVAL], accepted[DEPARTURE], strict=True)
    ]
    return accepted[np.array(here, dtype=bool)]


def _dependant_rows(dependants: pd.DataFrame | None) -> dict[str, str]:
    """Return each dependant's id -> where it comes from, for messages."""
    if dependants is None:
        return {}
    return {
        str(person): (
            f"numbered for household {household!r}, {source} row {row}, column 'dependants'"
            if numbered
            else f"{source} row {row}"
        )
        for person, household, numbered, source, row in zip(
            dependants[PERSON_ID], dependants[HOUSEHOLD_ID], dependants["numbered"],
            dependants[SOURCE_FILE], dependants[SOURCE_ROW], strict=True,
        )
    }  # fmt: skip


def _not_taken(check: RecordCheck, staff: pd.DataFrame, dependant_ids: dict[str, str]) -> None:
    """Reject visitor ids that are already a staff member's or a dependant's."""
    ids = set(staff.loc[staff[STATUS] == "accepted", STAFF_ID])
    for index, visitor in check.frame[VISITOR_ID].items():
        if visitor is not None and visitor in ids:
            check.report(
                int(index),
                VISITOR_ID,
                f"{visitor!r} is already a staff_id; every person needs an id of "
                "their own (staff on a visit belong in the roster with status "
                "'visiting')",
                code="duplicate",
            )
        elif visitor is not None and visitor in dependant_ids:
            check.report(
                int(index),
                VISITOR_ID,
                f"{visitor!r} is already a dependant's id ({dependant_ids[visitor]}); every "
                "person needs an id of their own",
                code="duplicate",
            )


def _check_stays(check: RecordCheck) -> None:
    for index, arrival, departure in zip(
        check.frame.index, check.frame[ARRIVAL], check.frame[DEPARTURE], strict=True
    ):
        if arrival is not None and departure is not None and departure < arrival:
            check.report(
                int(index),
                DEPARTURE,
                f"departure {departure.isoformat()} is before arrival "
                f"{arrival.isoformat()}; both dates are inclusive",
                code="date_order",
            )


def _check_sponsors(check: RecordCheck, staff: pd.DataFrame) -> None:
    if SPONSOR_STAFF_ID not in check.frame.columns:
        check.frame[SPONSOR_STAFF_ID] = None
    known = sorted(set(staff.loc[staff[STATUS] == "accepted", STAFF_ID]))
    known_set = set(known)
    for index, sponsor in check.frame[SPONSOR_STAFF_ID].items():
        if sponsor is None:
            check.report(
                int(index),
                SPONSOR_STAFF_ID,
                "empty; nobody keeps contact with the visitor: give the staff_id of their host",
                severity="warning",
                code="missing",
            )
        elif sponsor not in known_set:
            hint = did_you_mean(sponsor, known)
            check.report(
                int(index),
                SPONSOR_STAFF_ID,
                f"staff {sponsor!r} is not an accepted staff member{hint}",
                code="reference",
            )


def _locate(
    check: RecordCheck, points: gpd.GeoDataFrame, area: BaseGeometry, crs: CRS
) -> list[object]:
    """Return each row's point in ``crs`` (its hotel's, or its lat/lon); report rows without."""
    to_crs = Transformer.from_crs(WGS84, crs, always_xy=True)
    frame = check.frame
    if POINT_ID not in frame.columns:
        frame[POINT_ID] = None
    by_id = points.drop_duplicates(POINT_ID).set_index(POINT_ID)
    lat = _numbers(check, LAT, 90.0)
    lon = _numbers(check, LON, 180.0)
    geometry: list[object] = []
    for index, point_id in frame[POINT_ID].items():
        where = None
        if point_id is not None:
            where = _hotel(check, int(index), point_id, by_id)
        elif not (np.isnan(lat[index]) or np.isnan(lon[index])):
            where = shapely.Point(to_crs.transform(lon[index], lat[index]))
        else:
            check.report(
                int(index),
                POINT_ID,
                "no location: give the point_id of the hotel, or lat and lon",
                code="missing",
            )
        if where is not None and not area.covers(where):
            check.report(
                int(index),
                POINT_ID if point_id is not None else LAT,
                "the visitor's hotel is outside the station area",
                severity="warning",
                code="outside",
            )
        geometry.append(None if check.is_rejected(int(index)) else where)
    return geometry


def _hotel(check: RecordCheck, index: int, point_id: str, by_id: gpd.GeoDataFrame) -> object | None:
    if point_id not in by_id.index:
        hint = did_you_mean(point_id, by_id.index.astype(str))
        check.report(
            index, POINT_ID, f"point {point_id!r} is not an accepted point{hint}", code="reference"
        )
        return None
    point = by_id.loc[point_id]
    if point[POINT_KIND] != "hotel":
        check.report(
            index,
            POINT_ID,
            f"point {point_id!r} is of kind {point[POINT_KIND]!r}, not a hotel; is it where "
            "the visitor stays?",
            severity="warning",
            code="not_hotel",
        )
    geometry: object = point.geometry
    return geometry


def _numbers(check: RecordCheck, column: str, limit: float) -> pd.Series:
    values = check.parse_column(column, parse_float, default=np.nan).astype(float)
    for index in values.index[values.abs() > limit]:
        check.report(
            int(index), column, f"{values[index]} is outside -{limit:g}..{limit:g}", code="range"
        )
        values[index] = np.nan
    check.frame[column] = values
    return values
