"""Legs of the journey: zone, assembly, concentration, departure, destination, on the streets.

Each leg runs on the street network where the station's extract covers it: walking
from a zone (its centre household) to its assembly points and hibernation site,
driving onward. A leg whose end lies beyond the extract (an airport 20 km away, a
border crossing) runs on the network as far as it takes the traveller towards that
end, and the rest is a straight line marked not surveyed (``surveyed`` false). Every
leg on the network gets a second, alternate route found after making the first
route's streets :data:`PENALTY` times dearer; ``shared_m`` measures how much of it
still runs on them, and ``distinct`` is false when that is more than
:data:`NO_DISTINCT_SHARE` of the first route ("no distinct alternate"). The last leg,
from the departure point to the station's designated country or city of relocation,
is a name and no line: labelled with the destination, never surveyed.

Who goes where (the pairs) is decided elsewhere and given as :class:`JourneyPairs`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from zones._graph import (
    WALKING_SPEED_KMH,
    RouteSearch,
    Snap,
    StreetGraph,
    best_route,
    search_from,
)
from zones.network import NetworkTravel, StraightLineTravel, TravelModel
from zones.plan import ROUTE_COLUMNS

__all__ = [
    "DEFAULT_MOVEMENTS",
    "DEPARTURE_COLUMNS",
    "LEG_KINDS",
    "NO_DISTINCT_SHARE",
    "PENALTY",
    "ZONE_PAIR_COLUMNS",
    "JourneyPairs",
    "journey_legs",
]

logger = logging.getLogger(__name__)

# The pairs' contract: zone -> points, and concentration point -> departure point.
ZONE_PAIR_COLUMNS = ("zone_id", "assembly_id", "assembly_alt_id", "concentration_id")
DEPARTURE_COLUMNS = ("concentration_id", "movement", "departure_id", "departure_kind")
HIBERNATION_PAIR_COLUMNS = ("zone_id", "hibernation_id")
# Who moves how when the station's [evacuation] table does not say: international staff
# are evacuated (out of the country), national staff relocated (inside it).
DEFAULT_MOVEMENTS = {"international": "evacuate", "national": "relocate"}
# Leg kind -> how it is travelled ("" for the last leg, which is a name and no line).
LEG_KINDS = {
    "zone_to_assembly": "walking",
    "zone_to_alternate_assembly": "walking",
    "zone_to_hibernation": "walking",
    "assembly_to_concentration": "driving",
    "concentration_to_departure": "driving",  # evacuation: airport, border crossing
    "concentration_to_relocation": "driving",  # relocation: a site inside the country
    "departure_to_destination": "",
}
LEG_COLUMNS = ROUTE_COLUMNS
PENALTY = 25.0  # the first route's streets cost this many times more when looking for another
NO_DISTINCT_SHARE = 0.5  # an alternate sharing more of the first route's length is no other way
NOT_ROUTED = "not routed"
UNSET_DESTINATION = "the designated country of relocation (not set in [evacuation])"
# Searches stop this many times the straight line plus the margin away (the rare way
# longer than that is found by a search without bounds).
SEARCH_SPREAD = 3.0
SEARCH_MARGIN_M = 1000.0
# Where the roads stop short (one-way streets, a small extract) a leg is walked to the
# edge of the extract when that brings it this much nearer its far end.
FOOT_MARGIN_M = 200.0
_MIN_PART_M = 1.0  # a network part shorter than this (the exit is the start) is left out
_SHARED_TOLERANCE_M = 1.0

_Row = dict[str, Any]  # one row of the legs frame, before it is one


@dataclass(frozen=True)
class JourneyPairs:
    """Who goes where: the pairs the legs join (decided by the evacuation assignment).

    Attributes
    ----------
    zones
        ``ZONE_PAIR_COLUMNS``: each zone's primary and alternate assembly point and its
        concentration point (``None`` where there is none).
    departures
        ``DEPARTURE_COLUMNS``: from each concentration point, per movement
        {"evacuate", "relocate"}, the departure point and its kind {"airport",
        "border_crossing", "relocation_site", "safe_haven"}.
    hibernation
        ``zone_id, hibernation_id``: the hibernation sites a zone's households go to.
    destination
        The station's designated country or city of relocation (``[evacuation]
        destination``), or ``""`` when it is not set.
    """

    zones: pd.DataFrame
    departures: pd.DataFrame
    hibernation: pd.DataFrame
    destination: str = ""


def journey_legs(
    travel: TravelModel,
    zone_centres: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
    pairs: JourneyPairs,
    crs: CRS,
) -> gpd.GeoDataFrame:
    """Return every leg of the journey, each with its alternate, as LineStrings in ``crs``.

    Parameters
    ----------
    travel
        The station's travel model: routes follow the network of a
        `zones.network.NetworkTravel`; a straight-line model gives straight, unsurveyed legs.
    zone_centres
        ``zone_id`` and a point per zone (its centre household), in ``crs``.
    points
        The station's accepted points with ``point_id``, ``kind`` and geometry, in ``crs``.
    pairs
        Who goes where.
    crs
        The station's projected CRS (metres).

    Returns
    -------
    geopandas.GeoDataFrame
        ``LEG_COLUMNS`` and a LineString (none for the last leg and unreachable ones).
        Rows of one leg share ``leg`` (``"L001"``...): its first route (``alternate``
        false), its alternate (true), and the part beyond the extract (``surveyed`` false,
        ``method`` "straight-line"). ``shared_m`` is the alternate's length on the first
        route's streets (on both rows); the last leg has ``method`` "not routed".
    """
    ends = _leg_ends(zone_centres, points, pairs)
    router = _Router(travel)
    router.expect(ends)
    # Legs from one origin are routed one after another (one search serves them all),
    # and written in their own order.
    order = ends.sort_values(["mode", "ox", "oy"], kind="stable").index
    routed = {
        int(i): router.parts(
            np.array([ends.at[i, "ox"], ends.at[i, "oy"]]),
            np.array([ends.at[i, "dx"], ends.at[i, "dy"]]),
            str(ends.at[i, "mode"]),
        )
        for i in order
        if ends.at[i, "kind"] != "departure_to_destination"
    }
    rows: list[_Row] = []
    for number, end in enumerate(ends.itertuples(), start=1):
        base = {
            "leg": f"L{number:03d}",
            "kind": end.kind,
            "origin_id": end.origin_id,
            "origin_kind": end.origin_kind,
            "destination_id": end.destination_id,
            "destination_kind": end.destination_kind,
            "mode": end.mode,
        }
        if end.kind == "departure_to_destination":
            rows.append(base | _unrouted())
            continue
        rows.extend(base | part for part in routed[int(end.Index)])
    legs = _frame(rows, crs)
    logger.info(
        "legs: %d (%d rows), %d not surveyed, %d with a distinct alternate",
        len(ends),
        len(legs),
        int((~legs["surveyed"].astype(bool)).sum()),
        int((legs["alternate"].astype(bool) & legs["distinct"].astype(bool)).sum()),
    )
    return legs


_Wanted = tuple[str, str, str, str, str]  # kind, origin, its kind, destination, its kind


def _leg_ends(
    zone_centres: gpd.GeoDataFrame, points: gpd.GeoDataFrame, pairs: JourneyPairs
) -> pd.DataFrame:
    """Return one row per leg: kind, both ends' ids, kinds and coordinates, and mode."""
    where = {
        ("zone", str(z)): g
        for z, g in zip(zone_centres["zone_id"], zone_centres.geometry, strict=True)
    }
    where |= {
        ("point", str(p)): g for p, g in zip(points["point_id"], points.geometry, strict=True)
    }
    kind_of = dict(zip(points["point_id"].astype(str), points["kind"].astype(str), strict=True))
    zones = pairs.zones.sort_values("zone_id", kind="stable")
    departures = pairs.departures.sort_values(["concentration_id", "movement", "departure_id"])
    evacuated = sorted(set(departures.loc[departures["movement"] == "evacuate", "departure_id"]))
    destination = pairs.destination or UNSET_DESTINATION
    wanted = [
        *_zone_legs(zones),
        *_onward_legs(zones),
        *(
            (_departure_kind(str(r.movement)), str(r.concentration_id), "concentration",
             str(r.departure_id), str(r.departure_kind))
            for r in departures.itertuples(index=False)
        ),
        *(
            ("zone_to_hibernation", str(h.zone_id), "zone", str(h.hibernation_id), "hibernation")
            for h in pairs.hibernation.sort_values(list(HIBERNATION_PAIR_COLUMNS)).itertuples(
                index=False
            )
        ),
        *(
            ("departure_to_destination", str(d), kind_of.get(str(d), ""), destination,
             "destination")
            for d in evacuated
        ),
    ]  # fmt: skip
    rows = []
    for kind, origin, origin_kind, target, target_kind in dict.fromkeys(wanted):
        a = where.get(("zone" if origin_kind == "zone" else "point", origin))
        b = a if kind == "departure_to_destination" else where.get(("point", target))
        if a is None or b is None:
            continue  # a pair naming no known point: the assignment reports it, not the legs
        rows.append(
            {
                "kind": kind,
                "origin_id": origin,
                "origin_kind": origin_kind,
                "destination_id": target,
                "destination_kind": kind_of.get(target, target_kind),
                "mode": _mode(kind, origin_kind),
                "ox": a.x,
                "oy": a.y,
                "dx": b.x,
                "dy": b.y,
            }
        )
    return pd.DataFrame(
        rows,
        columns=["kind", "origin_id", "origin_kind", "destination_id", "destination_kind",
                 "mode", "ox", "oy", "dx", "dy"],
    )  # fmt: skip


def _zone_legs(zones: pd.DataFrame) -> list[_Wanted]:
    """Return each zone's walks to its primary and alternate assembly points."""
    return [
        (kind, str(zone_id), "zone", str(target), "assembly")
        for zone_id, first, second in zones[
            ["zone_id", "assembly_id", "assembly_alt_id"]
        ].itertuples(index=False)
        for kind, target in (
            ("zone_to_assembly", first),
            ("zone_to_alternate_assembly", second),
        )
        if _given(target)
    ]


def _onward_legs(zones: pd.DataFrame) -> list[_Wanted]:
    """Return the drives from every assembly point in use to its zones' concentration point."""
    pairs = {
        (str(assembly), str(row.concentration_id))
        for row in zones.itertuples(index=False)
        for assembly in (row.assembly_id, row.assembly_alt_id)
        if _given(assembly) and _given(row.concentration_id)
    }
    return [
        ("assembly_to_concentration", a, "assembly", c, "concentration") for a, c in sorted(pairs)
    ]


def _departure_kind(movement: str) -> str:
    return "concentration_to_departure" if movement == "evacuate" else "concentration_to_relocation"


def _mode(kind: str, origin_kind: str) -> str:
    if kind == "departure_to_destination":
        return "flight" if origin_kind == "airport" else "driving"
    return LEG_KINDS[kind]


def _given(value: object) -> bool:
    return not (value is None or bool(pd.isna(value)) or value == "")


_SearchKey = tuple[str, str, int, float, float]  # graph mode, weight, where the start snapped
SEARCHES_KEPT = 4  # searches kept for the legs that follow (legs come grouped by origin)


class _Router:
    """Routes legs on a travel model, each with its alternate and its unsurveyed rest.

    The first route of every leg from one start is read from one search, bounded by the
    farthest of them (:meth:`expect`); legs with the same ends and mode are routed once.
    """

    def __init__(self, travel: TravelModel) -> None:
        self.travel = travel
        self.network = travel if isinstance(travel, NetworkTravel) else None
        self.fallback = (
            travel.fallback if isinstance(travel, NetworkTravel) else StraightLineTravel()
        )
        self.reach: dict[_SearchKey, float] = {}
        self.searches: dict[_SearchKey, RouteSearch] = {}
        self.routed: dict[tuple[float, float, float, float, str], list[_Row]] = {}
        self.reversed: dict[str, csr_matrix] = {}

    def expect(self, ends: pd.DataFrame) -> None:
        """Note, per start, how far the searches from it must reach for the given legs."""
        if self.network is None:
            return
        for mode, group in ends.groupby("mode"):
            if mode not in ("walking", "driving"):
                continue  # the last leg is a name, not a route
            graph = self.network.graph(str(mode))
            weight = "seconds" if mode == "driving" else "metres"
            limit = self.network.max_snap_m
            a = graph.snap(group[["ox", "oy"]].to_numpy(float), limit)
            b = graph.snap(group[["dx", "dy"]].to_numpy(float), limit)
            both = a.on_network & b.on_network
            reach = _search_limits(graph, a.point, b.point, weight)
            for edge, (x, y), far in zip(a.edge[both], a.point[both], reach[both], strict=True):
                key = (graph.mode, weight, int(edge), float(x), float(y))
                self.reach[key] = max(self.reach.get(key, 0.0), float(far))

    def parts(self, start: np.ndarray, finish: np.ndarray, mode: str) -> list[_Row]:
        """Return the leg's rows, on foot where no road leads (one-way ends, footpaths)."""
        key = (float(start[0]), float(start[1]), float(finish[0]), float(finish[1]), mode)
        if key not in self.routed:
            self.routed[key] = self._leg(start, finish, mode)
        return [dict(row) for row in self.routed[key]]

    def _leg(self, start: np.ndarray, finish: np.ndarray, mode: str) -> list[_Row]:
        rows = [row | {"mode": mode} for row in self._parts(start, finish, mode)]
        stuck = not all(row["reachable"] for row in rows)
        if mode == "driving" and self.network is not None and (stuck or _unsurveyed_m(rows) > 0):
            walked = [
                row | {"mode": "walking"}
                if row["method"] != "straight-line"
                else row | {"mode": mode, "time_s": self._time(row, mode)}
                for row in self._parts(start, finish, "walking")
            ]
            further = _unsurveyed_m(walked) < _unsurveyed_m(rows) - FOOT_MARGIN_M
            if all(row["reachable"] for row in walked) and (stuck or further):
                return walked
        return rows

    def _parts(self, start: np.ndarray, finish: np.ndarray, mode: str) -> list[_Row]:
        """Return the leg's rows: beyond the extract, on the network, its alternate."""
        if self.network is None:
            return [self._straight(start, finish, mode, method=self.travel.method)]
        graph = self.network.graph(mode)
        limit = self.network.max_snap_m
        a, b = graph.snap(start[None, :], limit), graph.snap(finish[None, :], limit)
        on_a, on_b = bool(a.on_network[0]), bool(b.on_network[0])
        if not (on_a or on_b):
            return [self._straight(start, finish, mode)]
        if on_a and on_b:
            return self._on_network(graph, a, b, mode)
        # One end beyond the extract: on the streets as far as they lead towards it.
        inside, outside = (a, finish) if on_a else (b, start)
        if not on_a and graph.mode not in self.reversed:
            self.reversed[graph.mode] = graph.matrix["metres"].T.tocsr()
        matrix = graph.matrix["metres"] if on_a else self.reversed[graph.mode]
        edge = graph.nodes[_edge_of_extract(graph, inside, outside, matrix, leaving=on_a)]
        edge_snap = graph.snap(edge[None, :], np.inf)
        network = (
            self._on_network(graph, a, edge_snap, mode)
            if on_a
            else self._on_network(graph, edge_snap, b, mode)
        )
        network = [p for p in network if not (p["reachable"] and p["length_m"] < _MIN_PART_M)]
        rest = self._straight(edge, finish, mode) if on_a else self._straight(start, edge, mode)
        return [rest, *network] if not on_a else [*network, rest]

    def _first_route(
        self, graph: StreetGraph, a: Snap, b: Snap, weight: str, limit: float
    ) -> tuple[float, list[tuple[float, float]], list[int]]:
        """Return :func:`_bounded_route` from ``a`` to ``b``, read from a search kept per start.

        A search bounded further finds the same cheapest way (every way it finds is the
        cheapest); where none is found within the bound, a search without one.
        """
        key = (graph.mode, weight, int(a.edge[0]), float(a.point[0, 0]), float(a.point[0, 1]))
        search = self.searches.get(key)
        if search is None or search.limit < limit:
            reach = max(limit, self.reach.get(key, limit))
            search = search_from(graph, a, weight, limit=reach)
            self.searches.pop(key, None)
            self.searches[key] = search
            while len(self.searches) > SEARCHES_KEPT:
                self.searches.pop(next(iter(self.searches)))
        found = search.route(b)
        if np.isfinite(found[0]):
            return found
        return best_route(graph, a, b, weight)

    def _time(self, row: _Row, mode: str) -> float:
        return round(float(row["length_m"]) / self.fallback.speed_ms(mode), 1)

    def _straight(
        self, start: np.ndarray, finish: np.ndarray, mode: str, *, method: str = "straight-line"
    ) -> _Row:
        path = self.fallback.path(start, finish, mode=mode)
        return _row(path.line, path.length_m, path.time_s, method=method, surveyed=False)

    def _on_network(self, graph: StreetGraph, a: Snap, b: Snap, mode: str) -> list[_Row]:
        weight = "seconds" if mode == "driving" else "metres"
        limit = _search_limit(graph, a, b, weight)
        cost, coords, edges = self._first_route(graph, a, b, weight, limit)
        if not np.isfinite(cost):
            return [_row(None, np.nan, np.nan, method="network", surveyed=False, reachable=False)]
        first = _line(coords)
        primary = _row(first, first.length, _seconds(cost, first, weight), method="network")
        penalised = _penalised(graph, weight, edges)
        alt_cost, alt_coords, alt_edges = _bounded_route(
            graph, a, b, weight, limit=limit * SEARCH_SPREAD, matrix=penalised
        )
        second = _line(alt_coords)
        costs = graph.seconds if weight == "seconds" else graph.length
        again = np.isin(alt_edges, edges)
        real = alt_cost - (PENALTY - 1.0) * float(
            costs[np.asarray(alt_edges, dtype=int)[again]].sum()
        )
        shared = float(
            shapely.length(shapely.intersection(second, shapely.buffer(first, _SHARED_TOLERANCE_M)))
        )
        shared = min(shared, second.length)
        distinct = shared <= NO_DISTINCT_SHARE * first.length
        alternate = _row(second, second.length, _seconds(real, second, weight), method="network")
        for row in (primary, alternate):
            row["shared_m"] = round(shared, 1)
            row["distinct"] = distinct
        alternate["alternate"] = True
        return [primary, alternate]


def _search_limit(graph: StreetGraph, a: Snap, b: Snap, weight: str) -> float:
    """Return a bound on a search between two snaps: a few times the straight line."""
    return float(_search_limits(graph, a.point[:1], b.point[:1], weight)[0])


def _search_limits(graph: StreetGraph, a: np.ndarray, b: np.ndarray, weight: str) -> np.ndarray:
    """Return :func:`_search_limit` for each pair of snapped points (n, 2)."""
    metres = SEARCH_SPREAD * np.hypot(*(a - b).T) + SEARCH_MARGIN_M
    if weight == "metres":
        return metres
    return metres / (float(graph.speed_kmh.min()) / 3.6)


def _bounded_route(
    graph: StreetGraph,
    a: Snap,
    b: Snap,
    weight: str,
    *,
    limit: float,
    matrix: csr_matrix | None = None,
) -> tuple[float, list[tuple[float, float]], list[int]]:
    """Return :func:`zones._graph.best_route` searched within ``limit``, unbounded if it fails."""
    found = best_route(graph, a, b, weight, matrix=matrix, limit=limit)
    if np.isfinite(found[0]):
        return found
    return best_route(graph, a, b, weight, matrix=matrix)


def _unsurveyed_m(rows: list[_Row]) -> float:
    return float(sum(float(r["length_m"]) for r in rows if r["method"] == "straight-line"))


def _edge_of_extract(
    graph: StreetGraph, inside: Snap, outside: np.ndarray, matrix: csr_matrix, *, leaving: bool
) -> int:
    """Return the junction nearest a far point that the network joins to the inside end.

    Where the extract stops in the far point's direction: of the junctions reachable
    from the snapped end (or that reach it, when arriving), the one nearest the far
    point in a straight line. One search over the piece of network, vectorised over
    its junctions. ``matrix`` is the metres matrix, transposed when arriving.
    """
    costs = graph.leave_costs(inside, "metres") if leaving else graph.enter_costs(inside, "metres")
    nodes = [int(inside.node_a[0]), int(inside.node_b[0])]
    dist = dijkstra(matrix, directed=True, indices=nodes)
    reach = np.minimum(costs[0][0] + dist[0], costs[1][0] + dist[1])
    beyond = np.hypot(*(graph.nodes - outside[None, :]).T)
    return int(np.argmin(np.where(np.isfinite(reach), beyond, np.inf)))


def _penalised(graph: StreetGraph, weight: str, edges: list[int]) -> csr_matrix:
    """Return the graph's matrix with the given segments :data:`PENALTY` times dearer."""
    matrix = graph.matrix[weight].copy()
    matrix.data = matrix.data * np.where(np.isin(graph.entry_edges[weight], edges), PENALTY, 1.0)
    return matrix


def _seconds(cost: float, line: shapely.LineString, weight: str) -> float:
    return float(cost) if weight == "seconds" else line.length / (WALKING_SPEED_KMH / 3.6)


def _line(coords: list[tuple[float, float]]) -> shapely.LineString:
    points = np.asarray(coords, dtype=float)
    keep = np.r_[True, np.hypot(*np.diff(points, axis=0).T) > 1e-6]  # noqa: PLR2004
    points = points[keep]
    if len(points) == 1:
        points = np.vstack([points, points])
    return shapely.LineString(points)


def _row(
    line: shapely.LineString | None,
    length_m: float,
    time_s: float,
    *,
    method: str,
    surveyed: bool = True,
    reachable: bool = True,
) -> _Row:
    return {
        "alternate": False,
        "surveyed": surveyed,
        "length_m": round(float(length_m), 1) if reachable else np.nan,
        "time_s": round(float(time_s), 1) if reachable else np.nan,
        "shared_m": np.nan,
        "distinct": False,
        "method": method,
        "reachable": reachable,
        "geometry": line,
    }


def _unrouted() -> _Row:
    row = _row(None, np.nan, np.nan, method=NOT_ROUTED, surveyed=False)
    return row | {"length_m": np.nan, "time_s": np.nan}


def _frame(rows: list[_Row], crs: CRS) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(rows, columns=[c for c in LEG_COLUMNS if c != "route_id"] + ["geometry"])
    frame.insert(0, "route_id", [f"R{i + 1:03d}" for i in range(len(frame))])
    for column in ("alternate", "surveyed", "distinct", "reachable"):
        frame[column] = frame[column].astype(bool)
    for column in ("length_m", "time_s", "shared_m"):
        frame[column] = frame[column].astype(float)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)
