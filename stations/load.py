"""Load a duty-station folder into a validated :class:`~stations.station.Station`."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from stations.boundary import buffer_boundary, local_utm, read_boundary
from stations.config import StationConfig, load_config
from stations.dependants import DependantRules, check_dependants, number_dependants
from stations.errors import InputError, Issue, StationError, cap_repeats
from stations.facilities import check_offices, check_points
from stations.households import group_households
from stations.locations import check_inside, check_near_offices
from stations.osm import OsmExtract
from stations.records import RecordCheck
from stations.roster import check_roster
from stations.schema import (
    DEPENDANT_REQUIRED,
    HOUSEHOLD_ID,
    LAT,
    LON,
    OFFICE_ID,
    OFFICE_REQUIRED,
    POINT_ID,
    POINT_KIND,
    POINT_REQUIRED,
    SOURCE_FILE,
    STAFF_REQUIRED,
    STATUS,
    VISITOR_REQUIRED,
    WGS84,
)
from stations.station import Station
from stations.tables import read_table
from stations.threats import read_threats
from stations.visitors import check_visitors, empty_visitors
from stations.vocabulary import Vocabulary, vocabularies
from stations.zones_file import read_zones_file

logger = logging.getLogger(__name__)

# Without a boundary file, homes this far from every office are taken as typos.
MAX_KM_FROM_OFFICE = 300.0
# Point kinds taken from the OSM extract when the points file has none.
OSM_FALLBACK_KINDS = ("hospital", "hotel")


def load_station(folder: Path, *, as_of: dt.date | None = None) -> Station:
    """Read, check and assemble a duty station.

    Parameters
    ----------
    folder
        The station folder holding ``station.toml`` and its data files.
    as_of
        The date records are judged against (stale confirmations); today when
        ``None``.

    Returns
    -------
    Station
        Every input row, accepted or rejected with its reason, plus households,
        boundary and CRS. Check ``Station.errors`` before planning: a station
        with errors loads so that all problems can be listed at once.

    Raises
    ------
    StationError
        If ``station.toml`` or a whole file cannot be used (missing, empty, wrong
        format, missing columns); the error lists every such problem.
    """
    folder = Path(folder)
    config = load_config(folder)
    as_of = as_of or dt.datetime.now(tz=dt.UTC).date()
    files = config.files
    issues: list[Issue] = []
    offices_frame = _read(folder, files.offices, OFFICE_REQUIRED, issues)
    points_frame = _read(folder, files.points, POINT_REQUIRED, issues)
    staff_frame = _read(folder, files.staff, STAFF_REQUIRED, issues, sheet=files.staff_sheet)
    dependants_frame = _read_optional(folder, files.dependants, DEPENDANT_REQUIRED, issues)
    visitors_frame = _read_optional(folder, files.visitors, VISITOR_REQUIRED, issues)
    area = _read_area(folder, config, issues)
    _check_other_files(folder, config, issues)
    if (
        staff_frame is None
        or offices_frame is None
        or points_frame is None
        or any(i.severity == "error" for i in issues)
    ):
        raise StationError(f"{folder}: cannot load the station", cap_repeats(issues))

    vocabulary = vocabularies(config.vocabulary)
    offices = RecordCheck(offices_frame, files.offices)
    check_offices(offices, vocabulary)
    points = RecordCheck(points_frame, files.points)
    check_points(points, vocabulary)
    staff = RecordCheck(staff_frame, files.staff)
    accepted_offices = offices.finish()
    office_ids = set(accepted_offices.loc[accepted_offices[STATUS] == "accepted", OFFICE_ID])
    check_roster(
        staff,
        country=config.station.country,
        office_ids=office_ids,
        as_of=as_of,
        max_age_days=config.roster.max_age_days,
        vocabularies=vocabulary,
        date_order=config.roster.date_order,
    )
    crs = _choose_crs(config, staff, accepted_offices)
    boundary = _check_geography(staff, accepted_offices, area, crs, config)
    staff_table = _geoframe(staff.finish(), crs)
    points_table = _geoframe(points.finish(), crs)
    if files.osm is not None:
        points_table = _add_osm_points(
            points_table, folder / files.osm, files.osm, boundary, issues
        )
    households_issues = _attach_households(staff_table, crs)
    issues += offices.issues + points.issues + staff.issues + households_issues[1]
    dependants, households = _dependants(
        dependants_frame, config, as_of, vocabulary, households_issues, issues
    )
    visitors = empty_visitors(crs)
    if visitors_frame is not None:
        visitors, found = check_visitors(
            visitors_frame,
            str(files.visitors),
            staff=households_issues[0],
            points=points_table,
            area=boundary.geometry.union_all(),
            crs=crs,
            country=config.station.country,
            date_order=config.roster.date_order,
            dependants=dependants[dependants[STATUS] == "accepted"],
        )
        issues += found
    station = Station(
        folder=folder,
        config=config,
        crs=crs,
        staff=households_issues[0],
        households=households,
        offices=_geoframe(accepted_offices, crs),
        points=points_table,
        boundary=boundary,
        issues=tuple(cap_repeats(issues)),
        as_of=as_of,
        dependants=dependants,
        visitors=visitors,
    )
    logger.info(
        "loaded %s: %d staff accepted, %d rejected, %d households, %d error(s), %d warning(s)",
        station.name,
        len(station.accepted_staff),
        len(station.rejected_staff),
        len(station.households),
        len(station.errors),
        len(station.warnings),
    )
    return station


def _read(
    folder: Path,
    relative: str,
    required: tuple[str, ...],
    issues: list[Issue],
    *,
    sheet: str | None = None,
) -> pd.DataFrame | None:
    try:
        frame = read_table(
            folder / relative, label=relative, sheet=sheet, required=required, issues=issues
        )
    except InputError as exc:
        issues.append(exc.issue)
        return None
    return frame


def _read_optional(
    folder: Path, relative: str | None, required: tuple[str, ...], issues: list[Issue]
) -> pd.DataFrame | None:
    return None if relative is None else _read(folder, relative, required, issues)


def _dependants(
    frame: pd.DataFrame | None,
    config: StationConfig,
    as_of: dt.date,
    vocabulary: dict[str, Vocabulary],
    staff_households: tuple[gpd.GeoDataFrame, list[Issue], gpd.GeoDataFrame],
    issues: list[Issue],
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Return the dependants (named from the file, else numbered) and the households."""
    staff, _, households = staff_households
    if frame is None:
        return number_dependants(staff, households), households
    rules = DependantRules(
        country=config.station.country,
        date_order=config.roster.date_order,
        as_of=as_of,
        relation=vocabulary["relation"],
        age_band=vocabulary["age_band"],
    )
    label = str(config.files.dependants)
    dependants, households, found = check_dependants(
        frame, label, staff=staff, households=households, rules=rules
    )
    issues += found
    return dependants, households


def _check_other_files(folder: Path, config: StationConfig, issues: list[Issue]) -> None:
    """Read the OSM extract's structure, the hand-drawn zones and the threats as plan will."""
    files = config.files
    if files.osm is not None:
        try:
            OsmExtract(folder / files.osm, label=files.osm)
        except InputError as exc:
            issues.append(exc.issue)
    if files.zones is not None:
        try:
            read_zones_file(folder / files.zones, files.zones, issues=issues)
        except InputError as exc:
            issues.append(exc.issue)
    if files.threats is not None:
        try:
            read_threats(folder / files.threats, label=files.threats, issues=issues)
        except StationError as exc:
            issues.extend(exc.issues)


def _read_area(folder: Path, config: StationConfig, issues: list[Issue]) -> object | None:
    if config.files.boundary is None:
        return None
    try:
        return read_boundary(folder / config.files.boundary, config.files.boundary)
    except InputError as exc:
        issues.append(exc.issue)
        return None


def _choose_crs(config: StationConfig, staff: RecordCheck, offices: pd.DataFrame) -> CRS:
    if config.station.crs:
        return CRS.from_user_input(config.station.crs)
    ok_offices = offices[offices[STATUS] == "accepted"]
    frame = staff.frame
    ok_staff = staff.kept()
    lon = np.concatenate(
        [ok_offices[LON].to_numpy(float), frame.loc[ok_staff, LON].to_numpy(float)]
    )
    lat = np.concatenate(
        [ok_offices[LAT].to_numpy(float), frame.loc[ok_staff, LAT].to_numpy(float)]
    )
    keep = ~np.isnan(lon) & ~np.isnan(lat)
    if not keep.any():
        raise StationError(
            "no usable coordinates in staff or offices; cannot choose a CRS",
            [Issue("error", config.files.staff, "no row has usable coordinates", code="empty")],
        )
    return local_utm(lon[keep], lat[keep])


def _check_geography(
    staff: RecordCheck, offices: pd.DataFrame, area: object | None, crs: CRS, config: StationConfig
) -> gpd.GeoDataFrame:
    """Check where staff live; return the station area (the file's, or a buffer) in ``crs``."""
    ok_offices = offices[offices[STATUS] == "accepted"]
    share = config.roster.outside_boundary_error_share
    if area is not None:
        check_inside(staff, area, crs, error_share=share)
        return gpd.GeoDataFrame({"source": ["file"]}, geometry=[area], crs=WGS84).to_crs(crs)
    check_near_offices(
        staff,
        ok_offices[LON].to_numpy(float),
        ok_offices[LAT].to_numpy(float),
        max_km=MAX_KM_FROM_OFFICE,
    )
    frame = staff.frame
    ok_staff = staff.kept()
    lon = np.concatenate(
        [frame.loc[ok_staff, LON].to_numpy(float), ok_offices[LON].to_numpy(float)]
    )
    lat = np.concatenate(
        [frame.loc[ok_staff, LAT].to_numpy(float), ok_offices[LAT].to_numpy(float)]
    )
    area = buffer_boundary(lon, lat, crs, config.boundary.buffer_m)
    return gpd.GeoDataFrame({"source": ["buffer"]}, geometry=[area], crs=crs)


def _add_osm_points(
    points: gpd.GeoDataFrame,
    path: Path,
    label: str,
    boundary: gpd.GeoDataFrame,
    issues: list[Issue],
) -> gpd.GeoDataFrame:
    """Take hospitals and hotels from the OSM extract when the points file has none.

    ``points`` and ``boundary`` are in the station's CRS; the points added are too, with
    their ``lat`` and ``lon`` in degrees.
    """
    accepted = points[points[STATUS] == "accepted"]
    missing = [k for k in OSM_FALLBACK_KINDS if not (accepted[POINT_KIND] == k).any()]
    if not missing:
        return points
    try:
        pois = OsmExtract(path).pois
    except InputError as exc:
        issues.append(exc.issue)
        return points
    pois = pois.assign(geometry=pois.geometry.representative_point())
    projected = pois.geometry.to_crs(boundary.crs)
    inside = projected.within(boundary.geometry.iloc[0]) & pois["kind"].isin(missing)
    pois = pois.assign(projected=projected)[inside]
    pois = pois.sort_values(["kind", "name"], na_position="last", kind="stable")
    added = []
    for kind, group in pois.groupby("kind", sort=True):
        issues.append(
            Issue(
                "warning",
                label,
                f"no {kind} in the points file; {len(group)} taken from the OSM extract "
                f"(point_id osm-{kind}-NNN); add the ones staff would really use",
                code="osm_points",
            )
        )
        for number, (_, poi) in enumerate(group.iterrows(), start=1):
            added.append(
                {
                    POINT_ID: f"osm-{kind}-{number:03d}",
                    POINT_KIND: kind,
                    "name": poi["name"] if isinstance(poi["name"], str) else f"{kind} {number}",
                    LAT: poi.geometry.y,
                    LON: poi.geometry.x,
                    SOURCE_FILE: label,
                    STATUS: "accepted",
                    "geometry": poi["projected"],
                }
            )
    if not added:
        return points
    extra = gpd.GeoDataFrame(added, geometry="geometry", crs=points.crs)
    return gpd.GeoDataFrame(pd.concat([points, extra], ignore_index=True), crs=points.crs)


def _geoframe(frame: pd.DataFrame, crs: CRS) -> gpd.GeoDataFrame:
    """Return the rows with a point geometry in ``crs`` where they are accepted and located."""
    lon = pd.to_numeric(frame[LON], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(frame[LAT], errors="coerce").to_numpy(float)
    located = (frame[STATUS] == "accepted").to_numpy() & ~np.isnan(lon) & ~np.isnan(lat)
    geometry = np.full(len(frame), None, dtype=object)
    geometry[located] = shapely.points(lon[located], lat[located])
    return gpd.GeoDataFrame(frame, geometry=list(geometry), crs=WGS84).to_crs(crs)


def _attach_households(
    staff: gpd.GeoDataFrame, crs: CRS
) -> tuple[gpd.GeoDataFrame, list[Issue], gpd.GeoDataFrame]:
    accepted = staff[staff[STATUS] == "accepted"]
    household_ids, households, issues = group_households(accepted, crs)
    staff = staff.copy()
    if HOUSEHOLD_ID not in staff.columns:
        staff[HOUSEHOLD_ID] = None
    staff[HOUSEHOLD_ID] = staff[HOUSEHOLD_ID].astype(object)
    staff.loc[household_ids.index, HOUSEHOLD_ID] = household_ids.to_numpy()
    return staff, issues, households
