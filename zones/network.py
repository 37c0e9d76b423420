"""Travel on the street network: graphs, snapping, distances, times and shortest paths.

A :class:`NetworkTravel` holds one graph per mode (``"walking"``, ``"driving"``)
built from street segments in the station's projected CRS, as a sparse matrix
for :mod:`scipy.sparse.csgraph`. Points are snapped to their nearest segment;
the distance between two points is the walk to the street (the snap distance),
along the street to a junction, through the network, and back. Pairs in
different connected pieces of the network are ``inf``, never a made-up number.

Without an OSM extract, :class:`StraightLineTravel` measures straight lines
times a detour factor. Every model says which it is in ``method``.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial.distance import cdist

from stations.osm import OsmExtract

logger = logging.getLogger(__name__)

MODES = ("walking", "driving")
# Default speeds (km/h) by highway type when maxspeed is not tagged.
DEFAULT_SPEEDS_KMH = {
    "motorway": 100.0, "motorway_link": 60.0, "trunk": 80.0, "trunk_link": 50.0,
    "primary": 60.0, "primary_link": 40.0, "secondary": 50.0, "secondary_link": 40.0,
    "tertiary": 40.0, "tertiary_link": 30.0, "unclassified": 30.0, "residential": 30.0,
    "living_street": 10.0, "service": 20.0, "road": 30.0,
}  # fmt: skip
FALLBACK_SPEED_KMH = 30.0
WALKING_SPEED_KMH = 5.0
DETOUR_FACTOR = 1.3
MAX_SNAP_M = 500.0
MIN_PIECE_M = 1000.0
_MPH = 1.609344
_MAXSPEED_WORDS = {"walk": 7.0, "none": 130.0, "urban": 50.0, "rural": 80.0, "motorway": 120.0}


class TravelModel(Protocol):
    """Distances and times between points in the station's projected CRS (metres)."""

    method: str

    def distance_matrix(
        self, origins: np.ndarray, destinations: np.ndarray, *, mode: str = "walking"
    ) -> np.ndarray:
        """Return metres from each origin (n, 2) to each destination (m, 2); inf if unreachable."""
        ...

    def time_matrix(
        self, origins: np.ndarray, destinations: np.ndarray, *, mode: str = "walking"
    ) -> np.ndarray:
        """Return seconds from each origin to each destination; inf if unreachable."""
        ...


@dataclass(frozen=True)
class StraightLineTravel:
    """Straight-line distance times a detour factor: the model without a street network."""

    detour_factor: float = DETOUR_FACTOR
    walking_speed_kmh: float = WALKING_SPEED_KMH
    driving_speed_kmh: float = FALLBACK_SPEED_KMH
    method: str = "straight-line"

    def distance_matrix(
        self, origins: np.ndarray, destinations: np.ndarray, *, mode: str = "walking"
    ) -> np.ndarray:
        """Return straight-line metres times the detour factor."""
        _check_mode(mode)
        return cdist(_xy(origins), _xy(destinations)) * self.detour_factor

    def time_matrix(
        self, origins: np.ndarray, destinations: np.ndarray, *, mode: str = "walking"
    ) -> np.ndarray:
        """Return seconds at the mode's speed along the detoured straight line."""
        speed = self.walking_speed_kmh if mode == "walking" else self.driving_speed_kmh
        return self.distance_matrix(origins, destinations, mode=mode) / (speed / 3.6)

    def path(self, origin: np.ndarray, destination: np.ndarray, *, mode: str = "walking") -> Path:
        """Return the straight segment between two points."""
        line = shapely.LineString([tuple(_xy(origin)[0]), tuple(_xy(destination)[0])])
        length = float(self.distance_matrix(origin, destination, mode=mode)[0, 0])
        time = float(self.time_matrix(origin, destination, mode=mode)[0, 0])
        return Path(line, length, time, reachable=True)


@dataclass(frozen=True)
class Path:
    """A route between two points: its line (projected CRS), length and time."""

    line: shapely.LineString | None
    length_m: float
    time_s: float
    reachable: bool


@dataclass(frozen=True)
class Snap:
    """Where points meet the network."""

    edge: np.ndarray  # index of the nearest segment
    node_a: np.ndarray  # the segment's start junction
    node_b: np.ndarray  # the segment's end junction
    along_a: np.ndarray  # metres along the segment from the start junction
    along_b: np.ndarray  # metres along the segment to the end junction
    distance_m: np.ndarray  # from the point to the segment
    point: np.ndarray  # the snapped location (n, 2)


class _Graph:
    """One mode's graph: junctions, segments and sparse length and time matrices."""

    def __init__(self, edges: gpd.GeoDataFrame, mode: str) -> None:
        lines = edges.geometry.to_numpy()
        starts = shapely.get_coordinates(shapely.get_point(lines, 0))
        ends = shapely.get_coordinates(shapely.get_point(lines, -1))
        keys = np.round(np.vstack([starts, ends]), 2)
        nodes, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        self.nodes = nodes
        self.lines = lines
        self.u = inverse[: len(lines)]
        self.v = inverse[len(lines) :]
        self.length = np.maximum(shapely.length(lines), 0.01)
        speed = _speeds(edges, mode)
        self.seconds = self.length / (speed / 3.6)
        forward = np.ones(len(lines), dtype=bool)
        backward = np.ones(len(lines), dtype=bool)
        if mode == "driving" and "oneway" in edges.columns:
            oneway = edges["oneway"].astype(str).str.lower()
            backward = ~oneway.isin(["yes", "true", "1"]).to_numpy()
            reverse = oneway.eq("-1").to_numpy()
            forward = ~reverse
            backward = backward | reverse
        n = len(nodes)
        rows = np.concatenate([self.u[forward], self.v[backward]])
        cols = np.concatenate([self.v[forward], self.u[backward]])
        edge_ids = np.concatenate([np.flatnonzero(forward), np.flatnonzero(backward)])
        # Keep the shortest of parallel segments between the same junctions.
        order = np.lexsort((self.length[edge_ids], cols, rows))
        rows, cols, edge_ids = rows[order], cols[order], edge_ids[order]
        first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])][: len(rows)]
        rows, cols, edge_ids = rows[first], cols[first], edge_ids[first]
        self.metres = csr_matrix((self.length[edge_ids], (rows, cols)), shape=(n, n))
        self.time = csr_matrix((self.seconds[edge_ids], (rows, cols)), shape=(n, n))
        self.edge_of = {
            (int(r), int(c)): int(e) for r, c, e in zip(rows, cols, edge_ids, strict=True)
        }
        self.n_components, self.component = connected_components(self.metres, directed=False)
        # Snap only to pieces of at least MIN_PIECE_M of street (or the largest piece): a
        # footway ring in a park is no way home, an island's road network is.
        piece_length = np.bincount(self.component[self.u], weights=self.length)
        major = (piece_length >= MIN_PIECE_M) | (piece_length == piece_length.max())
        self.snappable = np.flatnonzero(major[self.component[self.u]])
        self.tree = shapely.STRtree(lines[self.snappable])

    def snap(self, xy: np.ndarray) -> Snap:
        points = shapely.points(xy)
        _, nearest = self.tree.query_nearest(points, return_distance=False, all_matches=False)
        edge = self.snappable[nearest]
        lines = self.lines[edge]
        along = shapely.line_locate_point(lines, points)
        snapped = shapely.line_interpolate_point(lines, along)
        length = self.length[edge]
        return Snap(
            edge=edge,
            node_a=self.u[edge],
            node_b=self.v[edge],
            along_a=along,
            along_b=np.maximum(length - along, 0.0),
            distance_m=shapely.distance(points, snapped),
            point=shapely.get_coordinates(snapped),
        )


class NetworkTravel:
    """Travel on street graphs built from segments (one GeoDataFrame per mode).

    Parameters
    ----------
    edges
        Mode to street segments (LineStrings in ``crs``) with ``highway``, and
        optionally ``maxspeed`` and ``oneway``.
    crs
        The projected CRS of the segments and of every query.
    max_snap_m
        Points farther than this from every street are reported by
        :meth:`snap_report`.
    """

    method = "network"

    def __init__(
        self, edges: dict[str, gpd.GeoDataFrame], crs: CRS, *, max_snap_m: float = MAX_SNAP_M
    ) -> None:
        self.crs = crs
        self.max_snap_m = max_snap_m
        self.graphs = {
            mode: _Graph(frame.reset_index(drop=True), mode) for mode, frame in edges.items()
        }
        if not self.graphs:
            raise ValueError("a network needs at least one mode's street segments")

    @classmethod
    def from_edges(cls, edges: gpd.GeoDataFrame, crs: CRS, **kwargs: float) -> NetworkTravel:
        """Build walking and driving graphs from one set of segments.

        Walking uses every segment in both directions; driving drops footways,
        paths, steps and pedestrian streets and respects ``oneway``.
        """
        edges = edges.to_crs(crs)
        drivable = ~edges["highway"].isin(NOT_DRIVABLE)
        return cls({"walking": edges, "driving": edges[drivable]}, crs, **kwargs)

    def _graph(self, mode: str) -> _Graph:
        _check_mode(mode)
        return self.graphs.get(mode) or next(iter(self.graphs.values()))

    def snap_report(self, xy: np.ndarray, ids: list[str], *, mode: str = "walking") -> pd.DataFrame:
        """Return the points farther than ``max_snap_m`` from any street, with their distance."""
        snap = self._graph(mode).snap(_xy(xy))
        far = snap.distance_m > self.max_snap_m
        return pd.DataFrame(
            {"id": np.asarray(ids, dtype=object)[far], "snap_distance_m": snap.distance_m[far]}
        )

    def components(self, *, mode: str = "walking") -> pd.DataFrame:
        """Return the connected pieces of the network: junctions and total length per piece."""
        graph = self._graph(mode)
        frame = pd.DataFrame({"component": graph.component[graph.u], "length_m": graph.length})
        table = frame.groupby("component").agg(
            segments=("length_m", "size"), length_m=("length_m", "sum")
        )
        return table.sort_values("length_m", ascending=False).reset_index()

    def distance_matrix(
        self,
        origins: np.ndarray,
        destinations: np.ndarray,
        *,
        mode: str = "walking",
        limit_m: float | None = None,
    ) -> np.ndarray:
        """Return network metres from each origin to each destination; inf when unreachable.

        With ``limit_m``, the search stops at that distance and farther pairs are
        ``inf`` too: much faster for neighbourhood queries on a city-sized graph.
        """
        return self._matrix(_xy(origins), _xy(destinations), mode, weight="metres", limit=limit_m)

    def time_matrix(
        self, origins: np.ndarray, destinations: np.ndarray, *, mode: str = "walking"
    ) -> np.ndarray:
        """Return network seconds (walking the snap distance at walking speed)."""
        return self._matrix(_xy(origins), _xy(destinations), mode, weight="time")

    def nearest(
        self, origins: np.ndarray, destinations: np.ndarray, *, mode: str = "walking"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return, per origin, the network metres to its nearest destination and its index.

        One multi-source search from all destinations, so the cost does not grow
        with the number of destinations. The walking graph is undirected, so the
        distance from a destination is the distance to it. Unreachable: ``inf``, -1.
        """
        graph = self._graph(mode)
        origin, target = graph.snap(_xy(origins)), graph.snap(_xy(destinations))
        sources = np.concatenate([target.node_a, target.node_b])
        offsets = np.concatenate([target.along_a, target.along_b]) + np.tile(target.distance_m, 2)
        # A virtual source per destination end: shift by its offset with an extra node.
        n = graph.metres.shape[0]
        k = len(sources)
        extra = csr_matrix((offsets + 1e-9, (np.arange(k) + n, sources)), shape=(n + k, n + k))
        base = graph.metres.copy()
        base.resize((n + k, n + k))
        augmented = base + extra
        dist, _, source = dijkstra(
            augmented,
            directed=False,
            indices=np.arange(n, n + k),
            min_only=True,
            return_predecessors=True,
        )
        via_a = dist[origin.node_a] + origin.along_a
        via_b = dist[origin.node_b] + origin.along_b
        best = np.minimum(via_a, via_b) + origin.distance_m
        node = np.where(via_a <= via_b, origin.node_a, origin.node_b)
        index = np.where(np.isfinite(best), (source[node] - n) % max(len(target.edge), 1), -1)
        # Origins on a destination's own segment: straight along it, without a junction.
        targets_on = pd.Series(np.arange(len(target.edge))).groupby(target.edge).agg(list)
        origin_xy, target_xy = _xy(origins), _xy(destinations)
        for i in np.flatnonzero(np.isin(origin.edge, target.edge)):
            for j in targets_on[origin.edge[i]]:
                direct = min(
                    abs(origin.along_a[i] - target.along_a[j])
                    + origin.distance_m[i]
                    + target.distance_m[j],
                    float(np.hypot(*(origin_xy[i] - target_xy[j]))) * DETOUR_FACTOR,
                )
                if direct < best[i]:
                    best[i], index[i] = direct, j
        return best, index

    def path(self, origin: np.ndarray, destination: np.ndarray, *, mode: str = "walking") -> Path:
        """Return the shortest path between two points as a LineString from snap to snap."""
        graph = self._graph(mode)
        start, end = graph.snap(_xy(origin)), graph.snap(_xy(destination))
        starts = [
            (int(start.node_a[0]), start.along_a[0]),
            (int(start.node_b[0]), start.along_b[0]),
        ]
        ends = [(int(end.node_a[0]), end.along_a[0]), (int(end.node_b[0]), end.along_b[0])]
        dist, pred = dijkstra(
            graph.metres,
            directed=mode == "driving",
            indices=[s for s, _ in starts],
            return_predecessors=True,
        )
        best = None
        for i, (_, s_off) in enumerate(starts):
            for e_node, e_off in ends:
                total = s_off + dist[i, e_node] + e_off
                if best is None or total < best[0]:
                    best = (total, i, e_node)
        total, i, e_node = best  # type: ignore[misc]
        snap_metres = float(start.distance_m[0] + end.distance_m[0])
        if not np.isfinite(total):
            return Path(None, float("inf"), float("inf"), reachable=False)
        nodes = [e_node]
        while pred[i, nodes[-1]] >= 0:
            nodes.append(int(pred[i, nodes[-1]]))
        nodes.reverse()
        coords = [tuple(_xy(origin)[0]), tuple(start.point[0])]
        for a, b in itertools.pairwise(nodes):
            coords.extend(_oriented(graph, a, b))
        coords.extend(
            [tuple(graph.nodes[nodes[-1]]), tuple(end.point[0]), tuple(_xy(destination)[0])]
        )
        line = shapely.LineString(_dedupe(coords))
        seconds = float(self.time_matrix(origin, destination, mode=mode)[0, 0])
        return Path(line, float(total + snap_metres), seconds, reachable=True)

    def _matrix(
        self,
        origins: np.ndarray,
        destinations: np.ndarray,
        mode: str,
        *,
        weight: str,
        limit: float | None = None,
    ) -> np.ndarray:
        if len(origins) == 0 or len(destinations) == 0:
            return np.zeros((len(origins), len(destinations)))
        graph = self._graph(mode)
        matrix = graph.metres if weight == "metres" else graph.time
        start, end = graph.snap(origins), graph.snap(destinations)
        scale = 1.0 if weight == "metres" else 3.6 / WALKING_SPEED_KMH
        edge_scale = 1.0 if weight == "metres" else None
        s_a, s_b = _offsets(graph, start, edge_scale, scale)
        e_a, e_b = _offsets(graph, end, edge_scale, scale)
        sources = np.unique(np.concatenate([start.node_a, start.node_b]))
        dist = dijkstra(
            matrix,
            directed=mode == "driving",
            indices=sources,
            limit=np.inf if limit is None else limit,
        )
        row = {int(node): i for i, node in enumerate(sources)}
        ra = np.array([row[int(x)] for x in start.node_a])
        rb = np.array([row[int(x)] for x in start.node_b])
        candidates = [
            s_a[:, None] + dist[ra][:, end.node_a] + e_a[None, :],
            s_a[:, None] + dist[ra][:, end.node_b] + e_b[None, :],
            s_b[:, None] + dist[rb][:, end.node_a] + e_a[None, :],
            s_b[:, None] + dist[rb][:, end.node_b] + e_b[None, :],
        ]
        result = np.minimum.reduce(candidates)
        # Two points on the same street segment are neighbours: along it, or straight across
        # (times the detour factor) when that is shorter, so one home is 0 m from itself.
        same = start.edge[:, None] == end.edge[None, :]
        if same.any():
            along = np.abs(start.along_a[:, None] - end.along_a[None, :])
            if weight == "time":
                along = along * (graph.seconds[start.edge] / graph.length[start.edge])[:, None]
            direct = along + (start.distance_m[:, None] + end.distance_m[None, :]) * scale
            across = cdist(origins, destinations) * DETOUR_FACTOR * scale
            result = np.where(same, np.minimum(result, np.minimum(direct, across)), result)
        return result


NOT_DRIVABLE = (
    "footway",
    "path",
    "steps",
    "pedestrian",
    "cycleway",
    "bridleway",
    "corridor",
    "track",
)


def build_travel(
    osm: OsmExtract | None, crs: CRS, *, boundary: gpd.GeoDataFrame | None = None
) -> TravelModel:
    """Return a network model from the station's extract, or straight lines without one.

    Parameters
    ----------
    osm
        The station's OSM extract, or ``None``.
    crs
        The station's projected CRS.
    boundary
        The station area; segments farther than 2 km outside it are dropped.

    Returns
    -------
    TravelModel
        :class:`NetworkTravel` (``method == "network"``) or
        :class:`StraightLineTravel` (``method == "straight-line"``).
    """
    if osm is None:
        logger.info("no OSM extract: distances are straight lines x %.1f", DETOUR_FACTOR)
        return StraightLineTravel()
    edges = {}
    for mode in MODES:
        frame = osm.network(mode).to_crs(crs)
        if boundary is not None:
            area = boundary.to_crs(crs).geometry.iloc[0].buffer(2000.0)
            frame = frame[frame.intersects(area)]
        frame = frame[frame.geom_type == "LineString"]
        if len(frame):
            edges[mode] = frame
    if not edges:
        logger.warning("the OSM extract has no streets: distances are straight lines")
        return StraightLineTravel()
    travel = NetworkTravel(edges, crs)
    logger.info(
        "street network: %s",
        ", ".join(
            f"{m} {len(g.lines)} segments, {g.n_components} piece(s)"
            for m, g in travel.graphs.items()
        ),
    )
    return travel


def _offsets(
    graph: _Graph, snap: Snap, edge_scale: float | None, scale: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return the cost from each point to its segment's two junctions."""
    if edge_scale is None:  # time: along the segment at its speed
        per_metre = graph.seconds[snap.edge] / graph.length[snap.edge]
        along_a, along_b = snap.along_a * per_metre, snap.along_b * per_metre
    else:
        along_a, along_b = snap.along_a, snap.along_b
    walk = snap.distance_m * scale
    return along_a + walk, along_b + walk


def _oriented(graph: _Graph, a: int, b: int) -> list[tuple[float, float]]:
    edge = graph.edge_of.get((a, b), graph.edge_of.get((b, a)))
    coords = shapely.get_coordinates(graph.lines[edge])
    if graph.u[edge] != a:
        coords = coords[::-1]
    return [tuple(c) for c in coords]


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = [coords[0]]
    for c in coords[1:]:
        if abs(c[0] - out[-1][0]) > 1e-6 or abs(c[1] - out[-1][1]) > 1e-6:  # noqa: PLR2004
            out.append(c)
    if len(out) == 1:
        out.append(out[0])
    return out


def _speeds(edges: gpd.GeoDataFrame, mode: str) -> np.ndarray:
    if mode == "walking":
        return np.full(len(edges), WALKING_SPEED_KMH)
    highway = edges["highway"].astype(str)
    default = highway.map(DEFAULT_SPEEDS_KMH).fillna(FALLBACK_SPEED_KMH).to_numpy(float)
    if "maxspeed" not in edges.columns:
        return default
    tagged = edges["maxspeed"].map(parse_maxspeed).to_numpy(float)
    return np.where(np.isfinite(tagged) & (tagged > 0), tagged, default)


def parse_maxspeed(value: object) -> float:
    """Return km/h from an OSM ``maxspeed`` tag ("50", "30 mph", "FI:urban"), or NaN."""
    if not isinstance(value, str) or not value.strip():
        return float("nan")
    text = value.strip().lower().split(";")[0]
    match = re.match(r"^(\d+(?:\.\d+)?)\s*(mph|km/h|kmh)?$", text)
    if match:
        speed = float(match.group(1))
        return speed * _MPH if match.group(2) == "mph" else speed
    word = text.split(":")[-1]
    return _MAXSPEED_WORDS.get(word, float("nan"))


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")


def _xy(points: np.ndarray) -> np.ndarray:
    array = np.asarray(points, dtype=float)
    return array.reshape(-1, 2)
