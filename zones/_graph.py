"""One travel mode's street graph: junctions, segments, speeds, pieces, snapping, searches.

Segments become a sparse matrix for :mod:`scipy.sparse.csgraph` (one row per
junction, one entry per allowed direction), once weighted by metres and once by
seconds. Points snap to the nearest segment of a piece of network large enough to
be a way home; the snap keeps the distance, the position along the segment and
which of its ends a traveller may leave or enter by (one-way streets). The searches
combine snaps and Dijkstra runs into exact point-to-point costs and paths.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial.distance import cdist
from shapely.ops import substring

# Default speeds (km/h) by highway type when maxspeed is not tagged.
DEFAULT_SPEEDS_KMH = {
    "motorway": 100.0, "motorway_link": 60.0, "trunk": 80.0, "trunk_link": 50.0,
    "primary": 60.0, "primary_link": 40.0, "secondary": 50.0, "secondary_link": 40.0,
    "tertiary": 40.0, "tertiary_link": 30.0, "unclassified": 30.0, "residential": 30.0,
    "living_street": 10.0, "service": 20.0, "road": 30.0,
}  # fmt: skip
FALLBACK_SPEED_KMH = 30.0
WALKING_SPEED_KMH = 5.0
MIN_PIECE_M = 1000.0
NOT_DRIVABLE = ("footway", "path", "steps", "pedestrian", "cycleway", "bridleway", "corridor")
_MPH = 1.609344
_MAXSPEED_WORDS = {"walk": 7.0, "none": 130.0, "urban": 50.0, "rural": 80.0, "motorway": 120.0}
_ONEWAY = ("yes", "true", "1")
_SEARCH_CELLS = 2**24  # distances held at once by one batch of searches (128 MiB)
_EPSILON = 1e-9  # csgraph reads an explicit zero as "no edge"
_AT_JUNCTION_M = 1e-6  # a spot this close to a junction is at it, whatever the one-way


def parse_maxspeed(value: object) -> float:
    """Return km/h from an OSM ``maxspeed`` tag, or NaN when it says no number.

    Parameters
    ----------
    value
        The tag: ``"50"``, ``"30 mph"``, ``"50 km/h"``, ``"FI:urban"``, ``"walk"``;
        several values separated by ``;`` take the first.

    Returns
    -------
    float
        The speed in km/h; NaN for missing or unreadable tags.
    """
    if not isinstance(value, str) or not value.strip():
        return float("nan")
    text = value.strip().lower().split(";")[0].strip()
    match = re.match(r"^(\d+(?:\.\d+)?)\s*(mph|km/h|kmh|kph)?$", text)
    if match:
        speed = float(match.group(1))
        return speed * _MPH if match.group(2) == "mph" else speed
    return _MAXSPEED_WORDS.get(text.split(":")[-1], float("nan"))


def segment_speeds_kmh(edges: gpd.GeoDataFrame, mode: str) -> np.ndarray:
    """Return each segment's speed: walking pace, else ``maxspeed`` or the highway default."""
    if mode == "walking":
        return np.full(len(edges), WALKING_SPEED_KMH)
    highway = edges["highway"].astype(str)
    default = highway.map(DEFAULT_SPEEDS_KMH).fillna(FALLBACK_SPEED_KMH).to_numpy(float)
    if "maxspeed" not in edges.columns:
        return default
    tagged = edges["maxspeed"].map(parse_maxspeed).to_numpy(float)
    return np.where(np.isfinite(tagged) & (tagged > 0), tagged, default)


@dataclass(frozen=True)
class Snap:
    """Where points meet one mode's network (arrays of one entry per point).

    ``cost_a``/``cost_b`` are the metres from the snapped spot to the segment's start
    and end junction (``inf`` where a one-way street forbids that direction when
    leaving; ``enter_a``/``enter_b`` likewise when arriving). ``on_network`` is false
    for points farther than the snapping limit: they are measured in straight lines.
    """

    edge: np.ndarray
    node_a: np.ndarray
    node_b: np.ndarray
    along_a: np.ndarray
    along_b: np.ndarray
    distance_m: np.ndarray
    point: np.ndarray
    on_network: np.ndarray
    component: np.ndarray


class StreetGraph:
    """One mode's routable graph in a projected CRS (metres).

    Parameters
    ----------
    edges
        Street segments (LineStrings) with ``highway`` and optionally ``maxspeed``
        and ``oneway``; one row per segment between two junctions.
    mode
        {"walking", "driving"}; driving respects ``oneway`` and speeds.
    """

    def __init__(self, edges: gpd.GeoDataFrame, mode: str) -> None:
        lines = edges.geometry.to_numpy()
        starts = shapely.get_coordinates(shapely.get_point(lines, 0))
        ends = shapely.get_coordinates(shapely.get_point(lines, -1))
        ends_xy = np.vstack([starts, ends])
        # Segment ends within a centimetre are one junction, placed at its first end.
        _, first, inverse = np.unique(
            np.round(ends_xy, 2), axis=0, return_index=True, return_inverse=True
        )
        inverse = inverse.ravel()
        self.mode = mode
        self.nodes = ends_xy[first]
        self.lines = lines
        self.u = inverse[: len(lines)]
        self.v = inverse[len(lines) :]
        self.length = np.maximum(shapely.length(lines), 0.01)
        self.speed_kmh = segment_speeds_kmh(edges, mode)
        self.seconds = self.length / (self.speed_kmh / 3.6)
        self.forward, self.backward = _directions(edges, mode)
        self.matrix: dict[str, csr_matrix] = {}
        self.edge_of: dict[str, dict[tuple[int, int], int]] = {}
        # The segment behind each stored entry of the matrix, in its (row, column) order.
        self.entry_edges: dict[str, np.ndarray] = {}
        for weight, cost in (("metres", self.length), ("seconds", self.seconds)):
            self.matrix[weight], self.edge_of[weight], self.entry_edges[weight] = self._sparse(cost)
        self.n_components, self.component = connected_components(
            self.matrix["metres"], directed=True, connection="weak"
        )
        # Snap only to pieces of at least MIN_PIECE_M of street (or the largest piece): a
        # footway ring in a park is no way home; an island's or gated estate's streets are.
        self.piece_length_m = np.bincount(
            self.component[self.u], weights=self.length, minlength=self.n_components
        )
        self.major = (self.piece_length_m >= MIN_PIECE_M) | (
            self.piece_length_m == self.piece_length_m.max()
        )
        self.snappable = np.flatnonzero(self.major[self.component[self.u]])
        self.tree = shapely.STRtree(lines[self.snappable])

    @property
    def metres(self) -> csr_matrix:
        """Return the junction-to-junction matrix weighted in metres."""
        return self.matrix["metres"]

    def _sparse(
        self, cost: np.ndarray
    ) -> tuple[csr_matrix, dict[tuple[int, int], int], np.ndarray]:
        rows = np.concatenate([self.u[self.forward], self.v[self.backward]])
        cols = np.concatenate([self.v[self.forward], self.u[self.backward]])
        edge_ids = np.concatenate([np.flatnonzero(self.forward), np.flatnonzero(self.backward)])
        # Of parallel segments between the same junctions keep the cheapest (csr sums them).
        order = np.lexsort((edge_ids, cost[edge_ids], cols, rows))
        rows, cols, edge_ids = rows[order], cols[order], edge_ids[order]
        first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])][: len(rows)]
        rows, cols, edge_ids = rows[first], cols[first], edge_ids[first]
        n = len(self.nodes)
        matrix = csr_matrix((cost[edge_ids], (rows, cols)), shape=(n, n))
        lookup = {(int(r), int(c)): int(e) for r, c, e in zip(rows, cols, edge_ids, strict=True)}
        # Entries are sorted by row then column, as csr stores them (no duplicates, no zeros).
        return matrix, lookup, edge_ids

    def snap(self, xy: np.ndarray, max_snap_m: float = np.inf) -> Snap:
        """Return where each point (n, 2) meets the nearest segment of a major piece.

        Parameters
        ----------
        xy
            Points in the graph's CRS.
        max_snap_m
            Points farther than this from every segment are flagged off the network.

        Returns
        -------
        Snap
            One entry per point.
        """
        points = shapely.points(xy)
        if len(xy) == 0:
            empty_i, empty_f = np.zeros(0, dtype=int), np.zeros(0)
            return Snap(*(empty_i,) * 3, *(empty_f,) * 3, np.zeros((0, 2)), *(empty_i,) * 2)
        pairs, distance = self.tree.query_nearest(points, return_distance=True, all_matches=False)
        edge = np.empty(len(xy), dtype=int)
        gap = np.empty(len(xy))
        edge[pairs[0]] = self.snappable[pairs[1]]
        gap[pairs[0]] = distance
        lines = self.lines[edge]
        along = np.clip(shapely.line_locate_point(lines, points), 0.0, self.length[edge])
        snapped = shapely.get_coordinates(shapely.line_interpolate_point(lines, along))
        return Snap(
            edge=edge,
            node_a=self.u[edge],
            node_b=self.v[edge],
            along_a=along,
            along_b=np.maximum(self.length[edge] - along, 0.0),
            distance_m=gap,
            point=snapped,
            on_network=gap <= max_snap_m,
            component=self.component[self.u[edge]],
        )

    def leave_costs(self, snap: Snap, weight: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the cost from each snapped spot to its segment's start and end junctions."""
        a, b = self.along_costs(snap, weight)
        to_a = self.backward[snap.edge] | (snap.along_a <= _AT_JUNCTION_M)
        to_b = self.forward[snap.edge] | (snap.along_b <= _AT_JUNCTION_M)
        return np.where(to_a, a, np.inf), np.where(to_b, b, np.inf)

    def enter_costs(self, snap: Snap, weight: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the cost from the segment's start and end junctions to each snapped spot."""
        a, b = self.along_costs(snap, weight)
        from_a = self.forward[snap.edge] | (snap.along_a <= _AT_JUNCTION_M)
        from_b = self.backward[snap.edge] | (snap.along_b <= _AT_JUNCTION_M)
        return np.where(from_a, a, np.inf), np.where(from_b, b, np.inf)

    def along_costs(self, snap: Snap, weight: str) -> tuple[np.ndarray, np.ndarray]:
        """Return metres or seconds along the segment to its start and end junctions."""
        if weight == "metres":
            return snap.along_a, snap.along_b
        per_metre = self.seconds[snap.edge] / self.length[snap.edge]
        return snap.along_a * per_metre, snap.along_b * per_metre

    def node_path_coords(self, nodes: list[int], weight: str) -> list[tuple[float, float]]:
        """Return the vertices of the segments joining consecutive junctions of a path."""
        if len(nodes) < 2:  # noqa: PLR2004
            return []
        lookup = self.edge_of[weight]
        edges = np.array([lookup[pair] for pair in itertools.pairwise(nodes)], dtype=int)
        points, owner = shapely.get_coordinates(self.lines[edges], return_index=True)
        # Each segment's vertices in the direction travelled: reversed where it runs v -> u.
        backwards = self.u[edges] != np.asarray(nodes[:-1])
        starts = np.searchsorted(owner, np.arange(len(edges)))
        ends = np.r_[starts[1:], len(owner)]
        position = np.arange(len(owner))
        flipped = starts[owner] + ends[owner] - 1 - position
        points = points[np.where(backwards[owner], flipped, position)]
        return list(map(tuple, points.tolist()))

    def partial_coords(self, snap: Snap, i: int, *, to_start: bool) -> list[tuple[float, float]]:
        """Return the vertices from snapped point ``i`` along its segment to one junction."""
        edge = int(snap.edge[i])
        line = self.lines[edge]
        piece = (
            substring(line, 0.0, float(snap.along_a[i]))
            if to_start
            else substring(line, float(snap.along_a[i]), float(self.length[edge]))
        )
        coords = [tuple(c) for c in shapely.get_coordinates(piece)]
        return coords[::-1] if to_start else coords


def _directions(edges: gpd.GeoDataFrame, mode: str) -> tuple[np.ndarray, np.ndarray]:
    forward = np.ones(len(edges), dtype=bool)
    backward = np.ones(len(edges), dtype=bool)
    if mode == "driving" and "oneway" in edges.columns:
        oneway = edges["oneway"].astype(str).str.lower().str.strip()
        reverse = oneway.eq("-1").to_numpy()
        forward = ~reverse
        backward = ~oneway.isin(_ONEWAY).to_numpy() | reverse
    return forward, backward


def network_block(
    graph: StreetGraph, start: Snap, end: Snap, weight: str, walk: float
) -> np.ndarray:
    """Return the cost between snapped points on the network, exact, ``inf`` if unreachable."""
    s_a, s_b = (c + start.distance_m * walk for c in graph.leave_costs(start, weight))
    e_a, e_b = (c + end.distance_m * walk for c in graph.enter_costs(end, weight))
    matrix = graph.matrix[weight]
    n_nodes = matrix.shape[0]
    chunk = max(1, _SEARCH_CELLS // (2 * n_nodes))
    out = np.empty((len(start.edge), len(end.edge)))
    slowest = float(graph.speed_kmh.min()) / 3.6
    for lo in range(0, len(start.edge), chunk):
        part = slice(lo, lo + chunk)
        spread = float(cdist(start.point[part], end.point).max())
        reach = 2.0 * spread + 500.0
        limit = reach if weight == "metres" else reach / slowest
        block = _combine(matrix, start, end, part, (s_a, s_b, e_a, e_b), limit)
        # A pair the bounded search missed costs more than the limit plus both offsets.
        floor = np.minimum(s_a[part], s_b[part])[:, None] + np.minimum(e_a, e_b)[None, :]
        settled = block <= limit + floor
        same_piece = start.component[part][:, None] == end.component[None, :]
        redo = np.flatnonzero((~settled & same_piece).any(axis=1))
        if len(redo):
            rows = np.arange(lo, lo + len(block))[redo]
            block[redo] = _combine(matrix, start, end, rows, (s_a, s_b, e_a, e_b), np.inf)
        out[part] = block
    # Points on one segment, in a direction it allows: along it without a junction.
    along = end.along_a[None, :] - start.along_a[:, None]
    same = start.edge[:, None] == end.edge[None, :]
    if same.any():
        per = (graph.seconds / graph.length)[start.edge] if weight == "seconds" else 1.0
        ok = np.where(
            along >= 0, graph.forward[start.edge][:, None], graph.backward[start.edge][:, None]
        )
        cost = np.abs(along) * np.reshape(per, (-1, 1)) + walk * (
            start.distance_m[:, None] + end.distance_m[None, :]
        )
        out = np.where(same & ok, np.minimum(out, cost), out)
    return out


def _combine(
    matrix: csr_matrix,
    start: Snap,
    end: Snap,
    rows: slice | np.ndarray,
    costs: tuple[np.ndarray, ...],
    limit: float,
) -> np.ndarray:
    s_a, s_b, e_a, e_b = (np.asarray(c) for c in costs)
    node_a, node_b = start.node_a[rows], start.node_b[rows]
    sources = np.unique(np.concatenate([node_a, node_b]))
    dist = dijkstra(matrix, directed=True, indices=sources, limit=limit)
    ra, rb = np.searchsorted(sources, node_a), np.searchsorted(sources, node_b)
    sa, sb = s_a[rows][:, None], s_b[rows][:, None]
    return np.minimum.reduce(
        [
            sa + dist[np.ix_(ra, end.node_a)] + e_a[None, :],
            sa + dist[np.ix_(ra, end.node_b)] + e_b[None, :],
            sb + dist[np.ix_(rb, end.node_a)] + e_a[None, :],
            sb + dist[np.ix_(rb, end.node_b)] + e_b[None, :],
        ]
    )


def reverse_search(
    matrix: csr_matrix, nodes: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return the cost from every junction to the nearest target and which target it is.

    Each target is a virtual node joined to its junctions by its offsets; one search
    from all of them on the reversed graph (``min_only``) covers every junction once.
    """
    keep = np.flatnonzero(np.isfinite(offsets))
    n, k = matrix.shape[0], len(offsets)
    virtual = csr_matrix((offsets[keep] + _EPSILON, (keep, nodes[keep])), shape=(k, n + k))
    reverse = matrix.T.tocsr()
    reverse.resize((n, n + k))
    augmented = vstack([reverse, virtual], format="csr")
    dist, _, source = dijkstra(
        augmented,
        directed=True,
        indices=np.arange(n, n + k),
        min_only=True,
        return_predecessors=True,
    )
    owner = np.where(source[:n] >= n, source[:n] - n, -1)
    return np.maximum(dist[:n] - _EPSILON, 0.0), owner


def best_route(
    graph: StreetGraph,
    start: Snap,
    end: Snap,
    weight: str,
    *,
    matrix: csr_matrix | None = None,
    limit: float = np.inf,
) -> tuple[float, list[tuple[float, float]], list[int]]:
    """Return the cost, vertices and whole segments of the cheapest way between two snaps.

    ``matrix`` replaces the graph's own junction-to-junction costs (same entries, other
    values: a penalised copy to find another way); the segments list the ones passed
    from junction to junction, not the two the points snapped to. ``limit`` bounds the
    search (cost from the start's junctions): beyond it the way is ``inf``.
    """
    return best_routes(graph, start, end, weight, matrix=matrix, limit=limit)[0]


def best_routes(
    graph: StreetGraph,
    start: Snap,
    end: Snap,
    weight: str,
    *,
    matrix: csr_matrix | None = None,
    limit: float = np.inf,
) -> list[tuple[float, list[tuple[float, float]], list[int]]]:
    """Return :func:`best_route` from one snapped start to each of many snapped ends.

    One search from the start's junctions serves every end: its predecessors rebuild
    each way, the same as a search per pair.

    Parameters
    ----------
    graph
        The mode's street graph.
    start
        One snapped point (the first entry is used).
    end
        The snapped ends.
    weight
        {"metres", "seconds"}.
    matrix, limit
        As for :func:`best_route`.

    Returns
    -------
    list of tuple
        Per end: cost (``inf`` when unreachable), vertices and whole segments.
    """
    search = search_from(graph, start, weight, matrix=matrix, limit=limit)
    return [search.route(end, k) for k in range(len(end.edge))]


def search_from(
    graph: StreetGraph,
    start: Snap,
    weight: str,
    *,
    matrix: csr_matrix | None = None,
    limit: float = np.inf,
) -> RouteSearch:
    """Return one search from a snapped start's junctions, to read ways to any end.

    Parameters
    ----------
    graph
        The mode's street graph.
    start
        One snapped point (the first entry is used).
    weight
        {"metres", "seconds"}.
    matrix, limit
        As for :func:`best_route`.

    Returns
    -------
    RouteSearch
        The search; :meth:`RouteSearch.route` gives :func:`best_route` to an end.
    """
    starts = [int(start.node_a[0]), int(start.node_b[0])]
    dist, pred = dijkstra(
        graph.matrix[weight] if matrix is None else matrix,
        directed=True,
        indices=starts,
        return_predecessors=True,
        limit=limit,
    )
    return RouteSearch(graph, start, weight, dist, pred, limit)


class RouteSearch:
    """One search from a snapped start (within ``limit``), read for any snapped end."""

    def __init__(
        self,
        graph: StreetGraph,
        start: Snap,
        weight: str,
        dist: np.ndarray,
        pred: np.ndarray,
        limit: float,
    ) -> None:
        self.graph, self.start, self.weight = graph, start, weight
        self.dist, self.pred, self.limit = dist, pred, limit
        self.s_costs = graph.leave_costs(start, weight)
        self.starts = [int(start.node_a[0]), int(start.node_b[0])]

    def route(self, end: Snap, k: int = 0) -> tuple[float, list[tuple[float, float]], list[int]]:
        """Return the cost, vertices and whole segments of the way to end ``k``."""
        graph, start, weight = self.graph, self.start, self.weight
        e_costs = graph.enter_costs(end, weight)
        starts = self.starts
        ends = [int(end.node_a[k]), int(end.node_b[k])]
        options = [
            (float(self.s_costs[i][0] + self.dist[i, ends[j]] + e_costs[j][k]), i, j)
            for i in (0, 1)
            for j in (0, 1)
        ]
        cost, i, j = min(options)
        begin, finish = tuple(start.point[0]), tuple(end.point[k])
        if start.edge[0] == end.edge[k]:
            along = float(end.along_a[k] - start.along_a[0])
            edge = int(start.edge[0])
            allowed = graph.forward[edge] if along >= 0 else graph.backward[edge]
            per = graph.seconds[edge] / graph.length[edge] if weight == "seconds" else 1.0
            if allowed and abs(along) * per <= cost:
                low, high = sorted((float(start.along_a[0]), float(end.along_a[k])))
                piece = [
                    tuple(c)
                    for c in shapely.get_coordinates(substring(graph.lines[edge], low, high))
                ]
                return (
                    abs(along) * per,
                    [begin, *(piece if along >= 0 else piece[::-1]), finish],
                    [],
                )
        if not np.isfinite(cost):
            return cost, [], []
        nodes = [ends[j]]
        while nodes[-1] != starts[i]:
            nodes.append(int(self.pred[i, nodes[-1]]))
        nodes.reverse()
        arrive = graph.partial_coords(end, k, to_start=j == 0)[::-1]
        coords = [
            begin,
            *graph.partial_coords(start, 0, to_start=i == 0),
            *graph.node_path_coords(nodes, weight),
            *arrive,
            finish,
        ]
        lookup = graph.edge_of[weight]
        return cost, coords, [lookup[(a, b)] for a, b in itertools.pairwise(nodes)]
