"""Areas of a duty station, their coordinators and the Security Management Team.

The accountability framework (seed documents 001 and 004) has the DO appoint Area
Security Coordinators (ASC) "in areas of larger countries separated from the capital
in terms of both distance and exposure". Here an area is:

- the capital area ``A0``, named after the station: the main office and everything
  within ``distance_km`` of it (or ``travel_time_min`` by road when a street network
  reaches both ends);
- one area per cluster of far offices: far offices closer than ``cluster_km`` to one
  another (single linkage, so a chain of offices each within reach of the next
  shares an area); staff beyond the threshold belong to the area of their nearest
  office;
- one area per name declared in ``[areas] separated`` (exposure rather than
  distance): staff whose roster ``area`` cell holds that name, and the offices listed
  for it in ``[areas.offices]``.

Areas other than the capital are numbered ``A1``, ``A2``... by distance from the
main office. Each gets an ASC: a fixed choice in the roster (role ``ASC``) wins; else
the most senior eligible staff member at the area's largest office. The CSA (or the
CSFP without one) coordinates the capital area.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import cdist

from stations.config import check_rule_table
from stations.errors import StationError
from stations.schema import AGENCY, NAME, OFFICE_ID, OFFICE_KIND, STAFF_ID
from stations.text import roles_of, text_of
from zones.network import NetworkTravel, TravelModel

logger = logging.getLogger(__name__)

# Seniority, most senior first (UN common system: Under- and Assistant Secretaries-General,
# Directors, Professionals, National Officers, General Service).
GRADE_ORDER = (
    "USG", "ASG", "D-2", "D-1", "P-5", "P-4", "P-3", "P-2", "P-1",
    "NO-D", "NO-C", "NO-B", "NO-A", "G-7", "G-6", "G-5", "G-4", "G-3", "G-2", "G-1",
)  # fmt: skip
CAPITAL_AREA_ID = "A0"
COORDINATOR_COLUMNS = ("area_id", "area_name", "role", "staff_id", "reason")
SMT_COLUMNS = ("position", "title", "staff_id", "name", "agency", "reason")
_TABLE = "areas"
_FILE = "station.toml"
_MAX_GENERATOR_ROUNDS = 5


def role_sets(staff: pd.DataFrame) -> pd.Series:
    """Return each staff row's roster roles as a set (``role`` may hold several, ``;``-joined)."""
    if "role" not in staff.columns:
        return pd.Series([frozenset()] * len(staff), index=staff.index, dtype=object)
    return staff["role"].map(lambda v: frozenset(roles_of(v)))


def _has_phone(staff: pd.DataFrame) -> pd.Series:
    found = pd.Series(data=False, index=staff.index)
    for column in ("phone", "phone2"):
        if column in staff.columns:
            found |= staff[column].map(text_of) != ""
    return found


def _accepted(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame[frame["status"] == "accepted"] if "status" in frame.columns else frame


@dataclass(frozen=True)
class AreaRules:
    """How far is far, how offices cluster, and which areas are declared.

    Built from the ``[areas]`` table of ``station.toml``.

    Attributes
    ----------
    distance_km
        Beyond this straight-line distance from the main office, an office or a home
        is outside the capital area.
    travel_time_min
        Used instead of ``distance_km`` when the travel model is a street network
        that reaches both points (by ``mode``).
    cluster_km
        Far offices closer than this to one another share an area (single linkage).
    separated
        Names of areas declared separate by exposure; staff join one through the
        roster's ``area`` column.
    offices
        Declared area name -> office ids that belong to it.
    mode
        Travel mode for ``travel_time_min``: ``"driving"`` or ``"walking"``.
    """

    distance_km: float = 50.0
    travel_time_min: float = 60.0
    cluster_km: float = 30.0
    separated: tuple[str, ...] = ()
    offices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    mode: str = "driving"

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> AreaRules:
        """Build the rules from an ``[areas]`` table, validating every key.

        Parameters
        ----------
        table
            The parsed table (``station.config.extra.get("areas", {})``).

        Returns
        -------
        AreaRules
            The rules with defaults for absent keys.

        Raises
        ------
        StationError
            With one issue per unknown key or bad value, naming ``areas.<key>``.
        """
        values, issues = check_rule_table(_TABLE, dict(table))
        if issues:
            raise StationError(f"{_FILE} [{_TABLE}] has {len(issues)} error(s)", issues)
        if "separated" in values:
            values["separated"] = tuple(values["separated"])
        if "offices" in values:
            values["offices"] = {name: tuple(ids) for name, ids in values["offices"].items()}
        for key in ("distance_km", "travel_time_min", "cluster_km"):
            if key in values:
                values[key] = float(values[key])
        return cls(**values)

    @property
    def declared(self) -> tuple[str, ...]:
        """Return the declared area names, in the order given."""
        return tuple(dict.fromkeys([*self.separated, *self.offices]))


@dataclass(frozen=True, eq=False)
class Areas:
    """The areas of a station and who and what belongs to each.

    Attributes
    ----------
    areas
        ``area_id, area_name, kind, office_id, offices, staff, distance_km`` and the
        area's seed point (its largest office, or its staff's median home) in the
        projected CRS; ``kind`` is ``capital``, ``distance`` or ``declared``.
    offices
        Offices (projected) with ``office_id, name, area_id, distance_km, far``.
    staff
        Accepted staff (projected) with ``staff_id, office_id, area_id, area_reason``.
    households
        ``household_id, area_id``.
    notes
        Plain-language notes for the CSA.
    """

    areas: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    staff: gpd.GeoDataFrame
    households: pd.DataFrame
    notes: tuple[str, ...]


def define_areas(
    staff: gpd.GeoDataFrame,
    offices: gpd.GeoDataFrame,
    rules: AreaRules,
    *,
    crs: Any,
    station_name: str,
    travel: TravelModel | None = None,
) -> Areas:
    """Group offices and staff into the capital area and the areas away from it.

    Parameters
    ----------
    staff
        Staff rows (any CRS) with ``staff_id``, ``household_id`` and optionally
        ``office_id`` and ``area``; rows not ``accepted`` are ignored.
    offices
        Office rows (any CRS) with ``office_id, name, kind``; rows not ``accepted``
        are ignored.
    rules
        Thresholds and declared areas.
    crs
        The station's projected CRS, in which distances are measured.
    station_name
        Name of the capital area.
    travel
        A travel model; with a street network (:class:`zones.network.NetworkTravel`),
        travel times decide for the points it covers (both ends within its snapping
        distance), straight lines for the others.

    Returns
    -------
    Areas
        The areas, and the area of every office, staff member and household.
    """
    people = _accepted(staff).to_crs(crs).sort_values(STAFF_ID, kind="stable")
    sites = _accepted(offices).to_crs(crs).sort_values(OFFICE_ID, kind="stable")
    notes: list[str] = []
    origin = _main_office(sites, people, notes)
    far_office, office_km = _beyond(sites.geometry, origin, rules, travel)
    label = _office_labels(sites, far_office, rules, notes)
    far_home, home_km = _beyond(people.geometry, origin, rules, travel)
    staff_label, reasons = _staff_labels(people, sites, label, far_home, home_km, rules, notes)
    table = _area_table(sites, people, label, staff_label, origin, station_name)
    ids = dict(zip(table["label"], table["area_id"], strict=True))
    sites = sites.assign(area_id=[ids.get(v) for v in label], distance_km=office_km, far=far_office)
    people = people.assign(
        area_id=[ids[v] for v in staff_label], area_reason=reasons, distance_km=home_km
    )
    households = _household_areas(people, notes)
    areas = table.drop(columns="label")
    logger.info("areas: %d (%d far office(s))", len(areas), int(far_office.sum()))
    return Areas(areas, sites, people, households, tuple(notes))


def _main_office(
    sites: gpd.GeoDataFrame, people: gpd.GeoDataFrame, notes: list[str]
) -> shapely.Point:
    main = sites[sites[OFFICE_KIND] == "main office"]
    if len(main):
        return main.geometry.iloc[0]
    if len(people):
        notes.append("no main office: distances are measured from the staff's median home")
        return shapely.Point(people.geometry.x.median(), people.geometry.y.median())
    raise StationError("cannot place the capital: no main office and no staff")


def _beyond(
    points: gpd.GeoSeries, origin: shapely.Point, rules: AreaRules, travel: TravelModel | None
) -> tuple[np.ndarray, np.ndarray]:
    """Return (beyond the threshold?, straight-line km) for each point.

    Travel time decides for the points the street network covers (finite time, and
    the point and the main office both within the network's snapping distance);
    straight-line distance decides for the others.
    """
    xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()]).reshape(-1, 2)
    here = np.array([[origin.x, origin.y]])
    km = np.round(cdist(here, xy)[0] / 1000.0, 1) if len(xy) else np.zeros(0)
    beyond = km > rules.distance_km
    if isinstance(travel, NetworkTravel) and len(xy):
        minutes = travel.time_matrix(here, xy, mode=rules.mode)[0] / 60.0
        ids = [str(i) for i in range(len(xy))]
        off = set(travel.snap_report(xy, ids, mode=rules.mode)["id"])
        origin_off = not travel.snap_report(here, ["o"], mode=rules.mode).empty
        covered = np.isfinite(minutes) & ~np.isin(ids, list(off)) & (not origin_off)
        beyond = np.where(covered, minutes > rules.travel_time_min, beyond)
    return beyond.astype(bool), km


def _office_labels(
    sites: gpd.GeoDataFrame, far: np.ndarray, rules: AreaRules, notes: list[str]
) -> list[str]:
    """Label each office: ``capital``, ``far:<n>`` (cluster) or ``declared:<name>``."""
    declared_of = {oid: name for name, ids in rules.offices.items() for oid in ids}
    notes.extend(
        f"[areas.offices] names office {oid!r}, which is not an accepted office"
        for oid in sorted(set(declared_of) - set(sites[OFFICE_ID]))
    )
    labels = ["capital"] * len(sites)
    far_index = [i for i, oid in enumerate(sites[OFFICE_ID]) if far[i] and oid not in declared_of]
    if far_index:
        xy = np.column_stack([sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()])[far_index]
        if len(far_index) == 1:
            clusters = np.array([1])
        else:
            tree = linkage(xy, method="single")
            clusters = fcluster(tree, t=rules.cluster_km * 1000.0, criterion="distance")
        for i, c in zip(far_index, clusters, strict=True):
            labels[i] = f"far:{c}"
    for i, oid in enumerate(sites[OFFICE_ID]):
        if oid in declared_of:
            labels[i] = f"declared:{declared_of[oid]}"
    return labels


def _staff_labels(
    people: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    office_label: list[str],
    far: np.ndarray,
    km: np.ndarray,
    rules: AreaRules,
    notes: list[str],
) -> tuple[list[str], list[str]]:
    declared = {name.casefold(): name for name in rules.declared}
    office_xy = np.column_stack([sites.geometry.x.to_numpy(), sites.geometry.y.to_numpy()])
    home_xy = np.column_stack([people.geometry.x.to_numpy(), people.geometry.y.to_numpy()])
    nearest = cdist(home_xy, office_xy).argmin(axis=1) if len(office_xy) else None
    labels, reasons = [], []
    unknown: set[str] = set()
    cells = people["area"] if "area" in people.columns else [None] * len(people)
    for i, cell in enumerate(cells):
        name = text_of(cell)
        if name and name.casefold() in declared:
            labels.append(f"declared:{declared[name.casefold()]}")
            reasons.append(f"declared in the roster: {declared[name.casefold()]}")
            continue
        if name:
            unknown.add(name)
        if not far[i] or nearest is None:
            labels.append("capital")
            reasons.append(f"{km[i]:.1f} km from the main office, within reach")
            continue
        office = sites.iloc[int(nearest[i])]
        labels.append(office_label[int(nearest[i])])
        reasons.append(
            f"{km[i]:.1f} km from the main office; nearest office {office[OFFICE_ID]} "
            f"({text_of(office.get(NAME))})"
        )
    notes.extend(
        f"roster area {name!r} is not declared in [areas] separated; its staff are placed "
        "by distance"
        for name in sorted(unknown)
    )
    return labels, reasons


def _area_table(
    sites: gpd.GeoDataFrame,
    people: gpd.GeoDataFrame,
    office_label: list[str],
    staff_label: list[str],
    origin: shapely.Point,
    station_name: str,
) -> gpd.GeoDataFrame:
    counts = (
        people["office_id"].map(text_of).value_counts() if "office_id" in people else pd.Series()
    )
    rows = []
    for label in sorted(set(office_label) | set(staff_label) | {"capital"}):
        members = [i for i, v in enumerate(office_label) if v == label]
        homes = people.geometry[[v == label for v in staff_label]]
        ranked = sorted(
            members,
            key=lambda i: (-counts.get(sites[OFFICE_ID].iloc[i], 0), sites[OFFICE_ID].iloc[i]),
        )
        if label == "capital":
            seed, kind, name = origin, "capital", station_name
            main = sites[sites[OFFICE_KIND] == "main office"]
            office_id = (
                main[OFFICE_ID].iloc[0]
                if len(main)
                else (sites[OFFICE_ID].iloc[ranked[0]] if ranked else None)
            )
        elif ranked:
            top = sites.iloc[ranked[0]]
            seed, office_id = top.geometry, top[OFFICE_ID]
            kind = "declared" if label.startswith("declared:") else "distance"
            name = label.split(":", 1)[1] if kind == "declared" else text_of(top.get(NAME))
        elif len(homes):
            seed = shapely.Point(homes.x.median(), homes.y.median())
            office_id, kind, name = None, "declared", label.split(":", 1)[1]
        else:
            continue
        rows.append(
            {
                "label": label,
                "area_name": name,
                "kind": kind,
                "office_id": office_id,
                "offices": ";".join(sorted(sites[OFFICE_ID].iloc[members])),
                "staff": len(homes),
                "distance_km": round(float(seed.distance(origin)) / 1000.0, 1),
                "geometry": seed,
            }
        )
    frame = pd.DataFrame(rows)
    frame["_capital"] = frame["kind"] != "capital"
    frame = frame.sort_values(["_capital", "distance_km", "area_name"], kind="stable").drop(
        columns="_capital"
    )
    frame.insert(1, "area_id", [f"A{i}" for i in range(len(frame))])
    return gpd.GeoDataFrame(frame.reset_index(drop=True), geometry="geometry", crs=sites.crs)


def _household_areas(people: gpd.GeoDataFrame, notes: list[str]) -> pd.DataFrame:
    pairs = people[["household_id", "area_id"]].dropna(subset=["household_id"])
    split = pairs.groupby("household_id")["area_id"].nunique()
    notes.extend(
        f"household {household_id} has members in different areas; the first staff_id decides"
        for household_id in split[split > 1].index
    )
    return pairs.drop_duplicates("household_id").sort_values("household_id").reset_index(drop=True)


# --- polygons ------------------------------------------------------------------------------------


def area_polygons(areas: Areas, boundary: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Split the station boundary between the areas so zones can be drawn per area.

    The generators are the offices (each labelled with its area) plus the homes of
    staff whose area differs from that of the generator nearest to them; the Voronoi
    cells of the generators, dissolved by area and clipped to the boundary, give one
    (Multi)Polygon per area that contains every office and home of that area.

    Parameters
    ----------
    areas
        The areas (:func:`define_areas`).
    boundary
        The station boundary (one or more rows, any CRS).

    Returns
    -------
    geopandas.GeoDataFrame
        ``area_id, area_name, geometry`` in the areas' CRS, ordered by ``area_id``.
    """
    crs = areas.areas.crs
    region = shapely.make_valid(boundary.to_crs(crs).geometry.union_all())
    table = areas.areas[["area_id", "area_name"]].reset_index(drop=True)
    if len(table) == 1:
        return gpd.GeoDataFrame(table, geometry=[region], crs=crs)
    points = list(areas.offices.geometry) + list(areas.areas.geometry)
    owners = list(areas.offices["area_id"]) + list(areas.areas["area_id"])
    homes = areas.staff
    for _ in range(_MAX_GENERATOR_ROUNDS):
        cells = _voronoi(points, owners, region)
        inside = [
            bool(cells[a].covers(p)) if a in cells else False
            for p, a in zip(homes.geometry, homes["area_id"], strict=True)
        ]
        stray = homes[[not ok for ok in inside]]
        stray = stray[[region.covers(p) for p in stray.geometry]]
        if stray.empty:
            break
        points += list(stray.geometry)
        owners += list(stray["area_id"])
    empty = shapely.Polygon()
    geometry = [cells.get(a, empty) for a in table["area_id"]]
    return gpd.GeoDataFrame(table, geometry=geometry, crs=crs)


def _voronoi(points: list[Any], owners: list[str], region: Any) -> dict[str, Any]:
    xy = np.round(np.array([[p.x, p.y] for p in points]), 1)
    _, first = np.unique(xy, axis=0, return_index=True)
    first = np.sort(first)
    generators = shapely.MultiPoint(xy[first])
    envelope = region.envelope.buffer(max(1.0, float(np.ptp(xy, axis=0).max())))
    cells = shapely.get_parts(
        shapely.voronoi_polygons(generators, extend_to=envelope, ordered=True)
    )
    by_area: dict[str, list[Any]] = {}
    for cell, index in zip(cells, first, strict=True):
        by_area.setdefault(owners[index], []).append(cell)
    return {
        a: shapely.make_valid(shapely.union_all(c).intersection(region)) for a, c in by_area.items()
    }


# --- coordinators --------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Coordinators:
    """Who coordinates each area, and the gaps found.

    Attributes
    ----------
    coordinators
        ``area_id, area_name, role, staff_id, reason``: role ``ASC`` for areas away
        from the capital, ``CSA`` or ``CSFP`` for the capital area.
    flags
        ``zone_id, area_id, code, severity, message``; codes ``no_asc`` and
        ``no_csa`` (critical), ``several_asc`` (minor).
    """

    coordinators: pd.DataFrame
    flags: pd.DataFrame

    @property
    def appointments(self) -> pd.DataFrame:
        """Return the ASC appointments as ``zone_id, area_id, role, staff_id, reason``."""
        asc = self.coordinators[self.coordinators["role"] == "ASC"]
        return pd.DataFrame(
            {
                "zone_id": [None] * len(asc),
                "area_id": asc["area_id"].to_numpy(),
                "role": "ASC",
                "staff_id": asc["staff_id"].to_numpy(),
                "reason": asc["reason"].to_numpy(),
            }
        )


def grade_rank(grade: object) -> int:
    """Return the seniority rank of a grade (0 is most senior; unknown grades rank last)."""
    text = text_of(grade).upper().replace(" ", "")
    return GRADE_ORDER.index(text) if text in GRADE_ORDER else len(GRADE_ORDER)


def appoint_coordinators(
    areas: Areas,
    *,
    exclude: Iterable[str] = (),
    excluded_roles: Iterable[str] = ("DO", "CSA", "CSFP"),
    away: Mapping[str, str] | None = None,
) -> Coordinators:
    """Choose the ASC of every area away from the capital, and name the capital's coordinator.

    Parameters
    ----------
    areas
        The areas (:func:`define_areas`), whose ``staff`` carries the roster columns.
    exclude
        Staff ids that cannot be ASC (the wardens and deputies).
    excluded_roles
        Roster roles that rule a person out as ASC.
    away
        Staff away or visiting on the plan date, with a note saying so: never ASC, even
        when the roster names them (a flag says who was passed over and why).

    Returns
    -------
    Coordinators
        One row per area with a coordinator, and flags for areas without one.
    """
    people = areas.staff.assign(_roles=role_sets(areas.staff), _phone=_has_phone(areas.staff))
    away = away or {}
    barred = set(exclude)
    blocked = set(excluded_roles)
    rows: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    for area in areas.areas.itertuples(index=False):
        if area.area_id == CAPITAL_AREA_ID:
            row, flag = _capital(people, area)
        else:
            row, flag = _asc(people, areas.offices, area, (barred | set(away), blocked), away)
            usual = _asc(people, areas.offices, area, (barred, blocked), {})[0] if away else None
            if row is not None and usual is not None and usual["staff_id"] in away:
                row["reason"] += f"; passed over: {usual['staff_id']} {away[usual['staff_id']]}"
        if row is not None:
            rows.append({"area_id": area.area_id, "area_name": area.area_name, **row})
        flags.extend({"zone_id": None, "area_id": area.area_id, **f} for f in flag)
    return Coordinators(
        pd.DataFrame(rows, columns=list(COORDINATOR_COLUMNS)),
        pd.DataFrame(flags, columns=["zone_id", "area_id", "code", "severity", "message"]),
    )


def _capital(
    people: gpd.GeoDataFrame, area: Any
) -> tuple[dict[str, str] | None, list[dict[str, str]]]:
    for role in ("CSA", "CSFP"):
        holders = people[people["_roles"].map(lambda r, role=role: role in r)]
        if len(holders):
            staff_id = holders[STAFF_ID].iloc[0]
            extra = (
                f"; {len(holders) - 1} other {role}(s) in the roster" if len(holders) > 1 else ""
            )
            return {
                "role": role,
                "staff_id": staff_id,
                "reason": f"the {role} coordinates the capital area{extra}",
            }, []
    message = f"no CSA or CSFP in the roster: nobody coordinates {area.area_name}"
    return None, [{"code": "no_csa", "severity": "critical", "message": message}]


def _asc(
    people: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    area: Any,
    barred_blocked: tuple[set[str], set[str]],
    away: Mapping[str, str],
) -> tuple[dict[str, str] | None, list[dict[str, str]]]:
    barred, blocked = barred_blocked
    flags: list[dict[str, str]] = []
    names = {area.area_id.casefold(), text_of(area.area_name).casefold()}
    named = people[people["_roles"].map(lambda r: "ASC" in r)]
    fixed = [
        r
        for _, r in named.iterrows()
        if r["area_id"] == area.area_id or text_of(r.get("area")).casefold() in names
    ]
    flags.extend(
        {
            "code": "asc_away",
            "severity": "minor",
            "message": f"{r[STAFF_ID]}, ASC of {area.area_name} in the roster, is "
            f"{away[r[STAFF_ID]]}: another ASC is proposed meanwhile",
        }
        for r in fixed
        if r[STAFF_ID] in away
    )
    fixed = [r for r in fixed if r[STAFF_ID] not in away]
    if fixed:
        if len(fixed) > 1:
            others = ", ".join(r[STAFF_ID] for r in fixed[1:])
            flags.append(
                {
                    "code": "several_asc",
                    "severity": "minor",
                    "message": f"the roster names several ASCs for {area.area_name}; "
                    f"{fixed[0][STAFF_ID]} kept, not {others}",
                }
            )
        return {
            "role": "ASC",
            "staff_id": fixed[0][STAFF_ID],
            "reason": "fixed in the roster (role ASC)",
        }, flags
    members = people[people["area_id"] == area.area_id]
    eligible = members[
        ~members[STAFF_ID].isin(barred)
        & members["_roles"].map(lambda r: not (r & blocked))
        & members["_phone"]
    ]
    if eligible.empty:
        message = (
            f"no eligible ASC in {area.area_name}: nobody with a phone who is not already "
            "a warden, deputy, DO, CSA or CSFP"
        )
        return None, [*flags, {"code": "no_asc", "severity": "critical", "message": message}]
    ranked = eligible.assign(
        _rank=eligible["grade"].map(grade_rank) if "grade" in eligible else len(GRADE_ORDER)
    )
    ranked = ranked.sort_values(["_rank", STAFF_ID], kind="stable")
    office_id = area.office_id
    at_office = (
        ranked[ranked["office_id"].map(text_of) == office_id]
        if office_id and "office_id" in ranked
        else ranked.iloc[0:0]
    )
    office_name = ""
    if office_id:
        match = sites[sites[OFFICE_ID] == office_id]
        office_name = text_of(match[NAME].iloc[0]) if len(match) else office_id
    if len(at_office):
        pick = at_office.iloc[0]
        where = f"at {office_name}, the area's largest office"
    else:
        pick = ranked.iloc[0]
        where = f"in the area (nobody eligible at {office_name or 'its offices'})"
    grade = text_of(pick.get("grade")) or "grade unknown"
    return {
        "role": "ASC",
        "staff_id": pick[STAFF_ID],
        "reason": f"most senior eligible staff member ({grade}) {where}",
    }, flags


# --- Security Management Team --------------------------------------------------------------------


def security_management_team(staff: gpd.GeoDataFrame) -> pd.DataFrame:
    """List the Security Management Team: the DO (chair), heads of agencies present, the CSA.

    An agency without an ``agency_head`` in the roster is represented by the DO or
    CSA if they belong to it, else by its most senior staff member. Without a CSA,
    the CSFP sits as adviser.

    Parameters
    ----------
    staff
        Staff rows with ``staff_id, name, agency, role, grade``; rows not
        ``accepted`` are ignored.

    Returns
    -------
    pandas.DataFrame
        ``position`` (chair, member, adviser), ``title``, ``staff_id``, ``name``,
        ``agency`` and ``reason``, chair first, then members by agency, then adviser.
    """
    people = _accepted(staff).sort_values(STAFF_ID, kind="stable")
    records = people.assign(
        _roles=role_sets(people), _rank=people["grade"].map(grade_rank) if "grade" in people else 0
    )
    rows = []
    do = records[[("DO" in r) for r in records["_roles"]]]
    if len(do):
        rows.append(_smt_row("chair", "Designated Official", do.iloc[0], "role DO in the roster"))
    adviser = records[[("CSA" in r) for r in records["_roles"]]]
    adviser_title = "Chief Security Adviser"
    if adviser.empty:
        adviser = records[[("CSFP" in r) for r in records["_roles"]]]
        adviser_title = "Country Security Focal Point"
    seated = {row["staff_id"] for row in rows} | set(adviser[STAFF_ID].iloc[:1])
    for agency, group in records.groupby(AGENCY, sort=True):
        heads = group[[("agency_head" in r) for r in group["_roles"]]]
        if len(heads):
            head, why = heads.iloc[0], "role agency_head in the roster"
        elif seated & set(group[STAFF_ID]):
            continue  # the DO or the CSA represents the agency
        else:
            head = group.sort_values(["_rank", STAFF_ID], kind="stable").iloc[0]
            why = "most senior staff member (no agency_head in the roster)"
        if head[STAFF_ID] not in seated:
            rows.append(_smt_row("member", f"Head of {agency}", head, why))
    if len(adviser):
        rows.append(
            _smt_row(
                "adviser", adviser_title, adviser.iloc[0], "security adviser to the DO and the SMT"
            )
        )
    return pd.DataFrame(rows, columns=list(SMT_COLUMNS))


def _smt_row(position: str, title: str, row: pd.Series, reason: str) -> dict[str, str]:
    return {
        "position": position,
        "title": title,
        "staff_id": row[STAFF_ID],
        "name": text_of(row.get(NAME)),
        "agency": text_of(row.get(AGENCY)),
        "reason": reason,
    }
