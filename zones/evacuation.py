"""Points that add up: who gathers where, moves on to where, and leaves from where.

Zones go whole to assembly points by a capacitated assignment (zone headcount against the
point's ``capacity``, cost the walking time from the zone's centre household); assembly
points in use go to concentration points the same way (their zones' summed headcount,
driving time). Every zone also gets an alternate assembly point: another point, the one
whose walking path shares the fewest streets with the path to the primary, that can take
the zone on top of its own load where one can. Each concentration point in use gets a
departure point per movement its people need (``movement_for``): evacuation leaves from
the nearest airport or border crossing by driving time, relocation from the nearest
relocation site, else safe haven. Households that hibernate go to hibernation sites,
capacitated by headcount.

A point without ``capacity`` counts as unlimited and the plan notes it; when the points
cannot hold everyone, the assignment puts the fewest possible people over capacity and the
plan flags each point over, with its load and capacity. No file I/O.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from zones._assign import CapacitatedAssignment, assign_capacitated
from zones.network import NetworkTravel, StraightLineTravel, TravelModel
from zones.plan import DEPARTURE_COLUMNS, POINT_LOAD_COLUMNS, PlannedStation

__all__ = [
    "DEPARTURE_COLUMNS",
    "LOADED_KINDS",
    "MOVEMENTS",
    "POINT_LOAD_COLUMNS",
    "Evacuation",
    "apply_evacuation",
    "evacuate_planned",
    "household_movements",
    "movement_for",
    "plan_evacuation",
]

logger = logging.getLogger(__name__)

MOVEMENTS = ("evacuate", "relocate", "hibernate")
DEFAULT_MOVEMENT = {"international": "evacuate", "national": "relocate"}
ZONE_POINT_COLUMNS = ("zone_id", "assembly_id", "assembly_alt_id", "concentration_id")
FLAG_COLUMNS = ("zone_id", "area_id", "code", "severity", "message")
LOADED_KINDS = ("assembly", "concentration", "hibernation")
# Where each movement leaves from, in order of preference (the first kind present wins).
DEPARTURE_KINDS = {
    "evacuate": (("airport", "border_crossing"),),
    "relocate": (("relocation_site",), ("safe_haven",)),
}
# Alternates: the nearest few other points are weighed; paths within this many metres of
# the primary's path share its streets.
ALTERNATE_CANDIDATES = 4
SHARED_STREET_M = 5.0
# A path sharing at most this share of its length with the primary's is a different route.
DIFFERENT_ROUTE_SHARE = 0.1


@dataclass(frozen=True, eq=False)
class Evacuation:
    """The points a station's people use, and what each point has to take.

    Attributes
    ----------
    zones
        ``zone_id, assembly_id, assembly_alt_id, concentration_id`` (point ids or None).
    hibernation
        ``household_id, hibernation_id`` (None for a household without a site).
    departures
        ``DEPARTURE_COLUMNS``: per concentration point in use and movement, where it leaves.
    point_loads
        ``POINT_LOAD_COLUMNS``: every assembly, concentration and hibernation point with
        its capacity (NaN when unknown), load (people), zones (";"-joined) and ``over``.
    flags
        Points over capacity and movements without a departure point (plan flags).
    notes
        What the plan assumed: points without a capacity, the solver used.
    """

    zones: pd.DataFrame
    hibernation: pd.DataFrame
    departures: pd.DataFrame
    point_loads: pd.DataFrame
    flags: pd.DataFrame
    notes: tuple[str, ...]


def movement_for(category: object, evacuation_table: Mapping[str, object]) -> str:
    """Return how a staff member of a category moves: evacuated, relocated or hibernating.

    Parameters
    ----------
    category
        The staff member's ``category`` (``"international"``, ``"national"``; anything
        else, unknown, reads as international: planned for the move out of the country).
    evacuation_table
        The station's ``[evacuation]`` table (``station.config.extra["evacuation"]``).

    Returns
    -------
    str
        {"evacuate", "relocate", "hibernate"}; by default international staff are
        evacuated and national staff relocated. Dependants follow the staff member they
        are credited to.
    """
    key = category if category in DEFAULT_MOVEMENT else "international"
    return str(evacuation_table.get(str(key), DEFAULT_MOVEMENT[str(key)]))


def household_movements(staff: pd.DataFrame, evacuation_table: Mapping[str, object]) -> pd.Series:
    """Return the movements of each household's staff (a sorted tuple per ``household_id``).

    Parameters
    ----------
    staff
        Accepted staff with ``household_id`` and ``category``.
    evacuation_table
        The station's ``[evacuation]`` table.

    Returns
    -------
    pandas.Series
        Tuples of movements (usually one), indexed by ``household_id``.
    """
    if staff.empty:
        return pd.Series(dtype=object)
    moves = staff["category"].map(lambda c: movement_for(c, evacuation_table))
    frame = pd.DataFrame({"household_id": staff["household_id"].to_numpy(), "move": moves})
    return frame.groupby("household_id")["move"].agg(lambda m: tuple(sorted(set(m))))


def plan_evacuation(
    zones: pd.DataFrame,
    households: gpd.GeoDataFrame,
    staff: pd.DataFrame,
    points: gpd.GeoDataFrame,
    zone_centres: gpd.GeoDataFrame,
    travel: TravelModel,
    evacuation_table: Mapping[str, object],
) -> Evacuation:
    """Assign zones, assembly points and households to points that can take them.

    Parameters
    ----------
    zones
        ``zone_id`` and ``headcount`` per zone.
    households
        ``household_id, zone_id, headcount`` and a point per home, in the station's CRS.
    staff
        Accepted staff with ``household_id`` and ``category``.
    points
        Accepted points with ``point_id, kind, name, capacity`` and a point geometry.
    zone_centres
        ``zone_id`` and its centre household's location (zones without one use their
        first household, else get no points).
    travel
        The station's travel model (the street network, or straight lines).
    evacuation_table
        The station's ``[evacuation]`` table.

    Returns
    -------
    Evacuation
        Each zone's points, each household's hibernation site, the departures and loads.
    """
    notes: list[str] = []
    zone_ids = [str(z) for z in zones["zone_id"]]
    headcount = zones["headcount"].to_numpy(float)
    by_kind = {kind: _points_of(points, kind) for kind in LOADED_KINDS}
    centres = _centres(zone_ids, zone_centres, households)
    has_centre = ~np.isnan(centres).any(axis=1)
    assembly = by_kind["assembly"]
    primary = np.full(len(zone_ids), -1)
    alternate = np.full(len(zone_ids), -1)
    if len(assembly) and has_centre.any():
        walk = _times(travel, centres[has_centre], _xy(assembly), "walking", notes)
        first = _assign(walk, headcount[has_centre], assembly, notes)
        primary[has_centre] = first.target
        alternate[has_centre] = _alternates(
            travel, centres[has_centre], assembly, walk, first, headcount[has_centre]
        )
    concentration_of_zone = _concentrate(
        travel, centres, headcount, primary, assembly, by_kind["concentration"], notes
    )
    movements = household_movements(staff, evacuation_table)
    hibernation = _hibernate(travel, households, movements, by_kind["hibernation"], notes)
    zone_frame = pd.DataFrame(
        {
            "zone_id": zone_ids,
            "assembly_id": _ids(assembly, primary),
            "assembly_alt_id": _ids(assembly, alternate),
            "concentration_id": _ids(by_kind["concentration"], concentration_of_zone),
        },
        columns=list(ZONE_POINT_COLUMNS),
    )
    departures = _departures(travel, zone_frame, households, movements, points, notes)
    loads = _point_loads(by_kind, zone_frame, headcount, hibernation)
    flags = _flags(loads, departures, points)
    notes.extend(_capacity_notes(loads))
    logger.info(
        "evacuation: %d zones to %d assembly point(s), %d point(s) over capacity",
        len(zone_ids),
        int(zone_frame["assembly_id"].nunique()),
        int(loads["over"].sum()),
    )
    hibernation = hibernation[["household_id", "hibernation_id"]]
    unique_notes = tuple(dict.fromkeys(notes))
    return Evacuation(zone_frame, hibernation, departures, loads, flags, unique_notes)


def _points_of(points: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    chosen = points[points["kind"] == kind].sort_values("point_id", kind="stable")
    return chosen.reset_index(drop=True)


def _xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    return shapely.get_coordinates(frame.geometry.to_numpy()).reshape(-1, 2)


def _capacity(frame: pd.DataFrame) -> np.ndarray:
    values = pd.to_numeric(frame["capacity"], errors="coerce").to_numpy(float)
    return np.where(np.isnan(values), np.inf, values)


def _centres(
    zone_ids: list[str], zone_centres: gpd.GeoDataFrame, households: gpd.GeoDataFrame
) -> np.ndarray:
    """Return each zone's centre (x, y), its first household without one, NaN when empty."""
    given = dict(zip(zone_centres["zone_id"].astype(str), _xy(zone_centres), strict=True))
    first = households.drop_duplicates("zone_id").set_index("zone_id")
    out = np.full((len(zone_ids), 2), np.nan)
    for index, zone_id in enumerate(zone_ids):
        if zone_id in given:
            out[index] = given[zone_id]
        elif zone_id in first.index:
            point = first.geometry.loc[zone_id]
            out[index] = (point.x, point.y)
    return out


def _times(
    travel: TravelModel, origins: np.ndarray, targets: np.ndarray, mode: str, notes: list[str]
) -> np.ndarray:
    """Return travel seconds; an origin that reaches no target gets straight-line times."""
    times = travel.time_matrix(origins, targets, mode=mode)
    stuck = ~np.isfinite(times).any(axis=1)
    if stuck.any():
        fallback = StraightLineTravel().time_matrix(origins[stuck], targets, mode=mode)
        times = times.copy()
        times[stuck] = fallback
        notes.append(
            f"{int(stuck.sum())} origin(s) reach no point by {mode} on the street network "
            "(another piece of it): their points were chosen by straight lines x 1.3"
        )
    return times


def _assign(
    cost: np.ndarray, demand: np.ndarray, targets: gpd.GeoDataFrame, notes: list[str]
) -> CapacitatedAssignment:
    result = assign_capacitated(cost, demand, _capacity(targets))
    if result.method == "greedy":
        kind = str(targets["kind"].iloc[0])
        notes.append(
            f"{kind} points: the assignment was too large for the solver in time; a "
            "regret-greedy assignment was used (loads still add up, travel may be longer)"
        )
    return result


def _alternates(
    travel: TravelModel,
    centres: np.ndarray,
    assembly: gpd.GeoDataFrame,
    walk: np.ndarray,
    first: CapacitatedAssignment,
    headcount: np.ndarray,
) -> np.ndarray:
    """Return each zone's alternate assembly point (-1 where there is only one point).

    Among the nearest few other points: one that can take the zone on top of its own load,
    then the one whose path shares least of its length (in tenths) with the path to the
    primary, then the nearest; the search stops at the nearest point with room whose path
    shares at most a tenth.
    """
    capacity = _capacity(assembly)
    alternate = np.full(len(centres), -1)
    if len(assembly) < 2:  # noqa: PLR2004
        return alternate
    targets = _xy(assembly)
    order = _nearest_first(walk, ALTERNATE_CANDIDATES + 1)
    for zone, origin in enumerate(centres):
        main = int(first.target[zone])
        nearest = [int(j) for j in order[zone] if j != main]
        others = sorted(
            nearest[:ALTERNATE_CANDIDATES],
            key=lambda j: (first.load[j] + headcount[zone] > capacity[j], walk[zone, j], j),
        )
        weighed = [main, *others] if main >= 0 else others
        lines = dict(zip(weighed, _lines(travel, origin, targets[weighed]), strict=True))
        main_line = lines[main] if main >= 0 else None
        scored = []
        for rank, j in enumerate(others):
            full = bool(first.load[j] + headcount[zone] > capacity[j])
            shared = _shared_share(lines[j], main_line)
            scored.append((full, round(shared, 1), rank))
            if not full and shared <= DIFFERENT_ROUTE_SHARE:
                break  # the nearest point with room on a different route
        alternate[zone] = others[min(scored)[2]]
    return alternate


def _nearest_first(cost: np.ndarray, count: int) -> np.ndarray:
    """Return each row's ``count`` cheapest columns, cheapest first, ties by column.

    What a stable argsort of each row starts with, without sorting whole rows.
    """
    if cost.shape[1] <= count:
        return np.argsort(cost, axis=1, kind="stable")
    cut = np.partition(cost, count - 1, axis=1)[:, count - 1 : count]
    rows = []
    for row, limit in zip(cost, cut[:, 0], strict=True):
        # Ties at the cut all kept, in column order; a NaN cut: fewer numbers than count.
        cheap = np.arange(len(row)) if np.isnan(limit) else np.flatnonzero(row <= limit)
        rows.append(cheap[np.argsort(row[cheap], kind="stable")][:count])
    return np.array(rows)


def _lines(
    travel: TravelModel, origin: np.ndarray, targets: np.ndarray
) -> list[shapely.Geometry | None]:
    """Return the walking path's line from ``origin`` to each target (one search)."""
    if isinstance(travel, NetworkTravel):
        return [path.line for path in travel.paths(origin, targets, mode="walking")]
    if isinstance(travel, StraightLineTravel):
        return [travel.path(origin, target, mode="walking").line for target in targets]
    return [shapely.LineString([tuple(origin), tuple(target)]) for target in targets]


def _shared_share(line: shapely.Geometry | None, other: shapely.Geometry | None) -> float:
    """Return the share of ``line``'s length that runs along ``other`` (0 to 1)."""
    if line is None or other is None or line.length == 0:
        return 0.0
    return float(line.intersection(other.buffer(SHARED_STREET_M)).length / line.length)


def _concentrate(
    travel: TravelModel,
    centres: np.ndarray,
    headcount: np.ndarray,
    primary: np.ndarray,
    assembly: gpd.GeoDataFrame,
    concentration: gpd.GeoDataFrame,
    notes: list[str],
) -> np.ndarray:
    """Return each zone's concentration point index (-1 for none).

    Assembly points in use go to concentration points by driving, with their zones'
    summed headcount; without assembly points, the zones themselves walk there.
    """
    per_zone = np.full(len(centres), -1)
    if concentration.empty:
        return per_zone
    if (primary >= 0).any():
        used = np.unique(primary[primary >= 0])
        demand = np.bincount(primary[primary >= 0], weights=headcount[primary >= 0])[used]
        drive = _times(travel, _xy(assembly)[used], _xy(concentration), "driving", notes)
        result = _assign(drive, demand, concentration, notes)
        onward = dict(zip(used.tolist(), result.target.tolist(), strict=True))
        return np.array([onward.get(int(p), -1) if p >= 0 else -1 for p in primary])
    located = ~np.isnan(centres).any(axis=1)
    if not located.any():
        return per_zone
    walk = _times(travel, centres[located], _xy(concentration), "walking", notes)
    result = _assign(walk, headcount[located], concentration, notes)
    per_zone[located] = result.target
    return per_zone


def _hibernates(movements: pd.Series) -> pd.Series:
    """Return which households go to a hibernation site.

    The households with a staff member whose category hibernates; when no category
    hibernates, every household (the sites are then the shelter for when no one can move).
    """
    chosen = movements.map(lambda m: "hibernate" in m)
    return chosen if chosen.any() else movements.map(lambda _m: True)


def _hibernate(
    travel: TravelModel,
    households: gpd.GeoDataFrame,
    movements: pd.Series,
    sites: gpd.GeoDataFrame,
    notes: list[str],
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "household_id": households["household_id"].astype(str).to_numpy(),
            "zone_id": households["zone_id"].astype(str).to_numpy(),
            "headcount": households["headcount"].to_numpy(float),
            "hibernation_id": None,
        }
    )
    if sites.empty or households.empty:
        return frame
    wanted = _hibernates(movements.reindex(frame["household_id"], fill_value=()))
    chosen = wanted.to_numpy(bool)
    if not chosen.any():
        return frame
    homes = _xy(households)[chosen]
    drive = _times(travel, homes, _xy(sites), "driving", notes)
    demand = frame["headcount"].to_numpy(float)[chosen]
    result = _assign(drive, demand, sites, notes)
    frame.loc[chosen, "hibernation_id"] = _ids(sites, result.target)
    return frame


def _departures(
    travel: TravelModel,
    zone_frame: pd.DataFrame,
    households: gpd.GeoDataFrame,
    movements: pd.Series,
    points: gpd.GeoDataFrame,
    notes: list[str],
) -> pd.DataFrame:
    """Return the departure point of each concentration point in use, per movement."""
    concentration_of = zone_frame.set_index("zone_id")["concentration_id"]
    homes = pd.DataFrame(
        {
            "concentration_id": households["zone_id"].astype(str).map(concentration_of),
            "moves": households["household_id"].astype(str).map(movements),
        }
    ).dropna()
    needed = sorted(
        {(str(c), m) for c, moves in homes.itertuples(index=False) for m in moves}
        - {(str(c), "hibernate") for c in homes["concentration_id"]}
    )
    located = points.set_index("point_id")
    rows = []
    for concentration_id, movement in needed:
        origin = _xy(located.loc[[concentration_id]].reset_index())
        departure_id, kind = _departure(travel, origin, points, movement, notes)
        rows.append((concentration_id, movement, departure_id, kind))
    frame = pd.DataFrame(rows, columns=list(DEPARTURE_COLUMNS)).astype(object)
    return frame.where(frame.notna(), None)


def _departure(
    travel: TravelModel,
    origin: np.ndarray,
    points: gpd.GeoDataFrame,
    movement: str,
    notes: list[str],
) -> tuple[str | None, str | None]:
    """Return the nearest departure point by driving for a movement, or (None, None)."""
    for kinds in DEPARTURE_KINDS[movement]:
        options = points[points["kind"].isin(kinds)].sort_values("point_id", kind="stable")
        if options.empty:
            continue
        drive = _times(travel, origin, _xy(options), "driving", notes)[0]
        best = int(np.argmin(drive))
        return str(options["point_id"].iloc[best]), str(options["kind"].iloc[best])
    return None, None


def _ids(points: gpd.GeoDataFrame, index: np.ndarray) -> list[str | None]:
    ids = points["point_id"].astype(str).to_numpy()
    return [str(ids[i]) if i >= 0 else None for i in np.asarray(index, dtype=int)]


def _point_loads(
    by_kind: dict[str, gpd.GeoDataFrame],
    zone_frame: pd.DataFrame,
    headcount: np.ndarray,
    hibernation: pd.DataFrame,
) -> pd.DataFrame:
    """Return every assembly, concentration and hibernation point with its load."""
    rows: list[tuple[object, ...]] = []
    zone_people = pd.Series(headcount, index=zone_frame["zone_id"])
    for kind, column in (("assembly", "assembly_id"), ("concentration", "concentration_id")):
        points = by_kind[kind]
        for point_id, capacity in zip(points["point_id"], _capacity(points), strict=True):
            zones = zone_frame.loc[zone_frame[column] == point_id, "zone_id"].tolist()
            load = float(zone_people.loc[zones].sum()) if zones else 0.0
            rows.append((point_id, kind, capacity, load, ";".join(zones)))
    sites = by_kind["hibernation"]
    for point_id, capacity in zip(sites["point_id"], _capacity(sites), strict=True):
        rows.append((point_id, "hibernation", capacity, *_site_load(hibernation, point_id)))
    frame = pd.DataFrame(rows, columns=["point_id", "kind", "capacity", "load", "zones"])
    frame["load"] = frame["load"].astype(int)
    frame["capacity"] = frame["capacity"].replace(np.inf, np.nan).astype(float)
    frame["over"] = (frame["capacity"].notna() & (frame["load"] > frame["capacity"])).astype(bool)
    return frame[list(POINT_LOAD_COLUMNS)]


def _site_load(hibernation: pd.DataFrame, point_id: str) -> tuple[float, str]:
    members = hibernation[hibernation["hibernation_id"] == point_id]
    zones = sorted({str(z) for z in members["zone_id"]})
    return float(members["headcount"].sum()), ";".join(zones)


def _flags(loads: pd.DataFrame, departures: pd.DataFrame, points: gpd.GeoDataFrame) -> pd.DataFrame:
    names = points.set_index("point_id")["name"].astype(str)
    rows = [
        (
            None,
            None,
            "over_capacity",
            "major",
            (
                f"{row.kind} point {row.point_id} ({names.get(row.point_id, '')}) takes "
                f"{row.load:,} people, capacity {row.capacity:,.0f}: "
                f"{row.load - row.capacity:,.0f} over; add a point near its zones (see the "
                "suggested sites) or raise its capacity"
            ),
        )
        for row in loads[loads["over"]].itertuples(index=False)
    ]
    rows.extend(
        (
            None,
            None,
            "no_departure_point",
            "major",
            (
                f"people at concentration point {row.concentration_id} who {row.movement} "
                f"have no departure point: add {_departure_wanted(str(row.movement))} to the "
                "points"
            ),
        )
        for row in departures[departures["departure_id"].isna()].itertuples(index=False)
    )
    return pd.DataFrame(rows, columns=list(FLAG_COLUMNS))


def _departure_wanted(movement: str) -> str:
    kinds = [k for group in DEPARTURE_KINDS[movement] for k in group]
    words = [k.replace("_", " ") for k in kinds]
    return " or ".join(f"an {w}" if w[0] in "aeiou" else f"a {w}" for w in words)


def _capacity_notes(loads: pd.DataFrame) -> list[str]:
    unknown = loads[loads["capacity"].isna()]
    if unknown.empty:
        return []
    ids = ", ".join(unknown["point_id"].astype(str))
    return [f"point(s) without a capacity count as unlimited in the assignment: {ids}"]


def apply_evacuation(planned: PlannedStation, evacuation: Evacuation) -> PlannedStation:
    """Return the planned station with its points, departures, loads, flags and notes.

    Parameters
    ----------
    planned
        A planned station.
    evacuation
        Its evacuation decided by :func:`plan_evacuation`.

    Returns
    -------
    PlannedStation
        Zones with ``assembly_id, assembly_alt_id, concentration_id``, households with
        ``hibernation_id``, and the departures, point loads, flags and notes.
    """
    points = evacuation.zones.set_index("zone_id")
    zones = planned.zones.drop(columns=list(ZONE_POINT_COLUMNS[1:]), errors="ignore")
    for column in ZONE_POINT_COLUMNS[1:]:
        mapped = zones["zone_id"].astype(str).map(points[column]).astype(object)
        zones[column] = mapped.where(mapped.notna(), None)
    site = evacuation.hibernation.set_index("household_id")["hibernation_id"]
    households = planned.households.copy()
    households["hibernation_id"] = households["household_id"].astype(str).map(site)
    households["hibernation_id"] = households["hibernation_id"].astype(object)
    households.loc[households["hibernation_id"].isna(), "hibernation_id"] = None
    flags = evacuation.flags.reindex(columns=planned.flags.columns)
    return dataclasses.replace(
        planned,
        zones=_geometry_last(zones),
        households=_geometry_last(households),
        flags=pd.concat(
            [f for f in (planned.flags, flags) if len(f)] or [planned.flags], ignore_index=True
        ),
        notes=planned.notes + evacuation.notes,
        departures=evacuation.departures,
        point_loads=evacuation.point_loads,
    )


def _geometry_last(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    name = frame.geometry.name
    return frame[[c for c in frame.columns if c != name] + [name]]


def evacuate_planned(
    planned: PlannedStation,
    travel: TravelModel,
    *,
    zone_centres: gpd.GeoDataFrame | None = None,
) -> PlannedStation:
    """Decide the evacuation of a planned station and return it with the result.

    Parameters
    ----------
    planned
        A planned station.
    travel
        The station's travel model.
    zone_centres
        ``zone_id`` and each zone's centre household location; by default the home with
        the least straight-line distance to the zone's other homes.

    Returns
    -------
    PlannedStation
        The station as :func:`apply_evacuation` returns it.
    """
    station = planned.station
    centres = zone_centres if zone_centres is not None else _medoids(planned.households)
    evacuation = plan_evacuation(
        planned.zones,
        planned.households,
        planned.staff,
        station.accepted_points.to_crs(station.crs),
        centres,
        travel,
        station.config.extra.get("evacuation", {}),
    )
    return apply_evacuation(planned, evacuation)


# Above this many homes a zone's centre is its first home (the medoid costs n^2).
MEDOID_MAX_HOMES = 3000


def _medoids(households: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    ids, centres = [], []
    for zone_id, members in households.groupby("zone_id", sort=True):
        xy = _xy(members)
        best = 0
        if len(xy) <= MEDOID_MAX_HOMES:
            best = int(np.argmin(np.hypot(*(xy[:, None, :] - xy[None, :, :]).T).sum(axis=0)))
        ids.append(zone_id)
        centres.append(shapely.Point(xy[best]))
    return gpd.GeoDataFrame({"zone_id": ids}, geometry=centres, crs=households.crs)
