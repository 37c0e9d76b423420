"""Travel on the street network: distances, times, nearest facilities and shortest paths.

A :class:`NetworkTravel` holds one :class:`~zones._graph.StreetGraph` per mode
(``"walking"``, ``"driving"``) searched with :func:`scipy.sparse.csgraph.dijkstra`.
Points snap to their nearest street; the distance between two points is the walk
to the street (the snap distance), along it to a junction, through the network, and
back. Pairs in different pieces of the network are ``inf``, never a made-up number.
Points farther than ``max_snap_m`` from every street are off the network: their
distances are straight lines times the detour factor, and :meth:`NetworkTravel.snap_report`
names them.

Without an OSM extract, :class:`StraightLineTravel` measures straight lines times a
detour factor. Every model says which it is in ``method``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from stations.osm import OsmExtract
from zones._graph import (
    DEFAULT_SPEEDS_KMH,
    FALLBACK_SPEED_KMH,
    NOT_DRIVABLE,
    WALKING_SPEED_KMH,
    Snap,
    StreetGraph,
    best_route,
    best_routes,
    network_block,
    parse_maxspeed,
    reverse_search,
)

__all__ = [
    "DEFAULT_SPEEDS_KMH",
    "DETOUR_FACTOR",
    "MAX_SNAP_M",
    "NetworkTravel",
    "Path",
    "StraightLineTravel",
    "TravelModel",
    "build_travel",
    "describe_method",
    "parse_maxspeed",
]

logger = logging.getLogger(__name__)

MODES = ("walking", "driving")
DETOUR_FACTOR = 1.3
MAX_SNAP_M = 500.0
BOUNDARY_MARGIN_M = 2000.0


class TravelModel(Protocol):
    """Distances and times between points in the station's projected CRS (metres)."""

    @property
    def method(self) -> str:
        """How distances are measured (named in reports)."""
        ...

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

    def nearest(
        self,
        origins: np.ndarray,
        destinations: np.ndarray,
        *,
        mode: str = "walking",
        weight: str = "metres",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return, per origin, the cost to its nearest destination and its index (-1: none)."""
        ...


@dataclass(frozen=True)
class Path:
    """A route between two points in the projected CRS.

    ``line`` runs from the origin's snapped spot on the street to the destination's;
    ``length_m`` and ``time_s`` are along it, ``access_m`` the walk from both points to
    their streets. A straight-line route (``method == "straight-line"``) runs between
    the points themselves. Unreachable: no line, ``inf`` length and time.
    """

    line: shapely.LineString | None
    length_m: float
    time_s: float
    access_m: float
    method: str
    reachable: bool


@dataclass(frozen=True)
class StraightLineTravel:
    """Straight-line distance times a detour factor: the model without a street network.

    Parameters
    ----------
    detour_factor
        Multiplies every straight line (1.3: a typical urban detour).
    walking_speed_kmh, driving_speed_kmh
        Speeds for :meth:`time_matrix`.
    """

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
        return self.distance_matrix(origins, destinations, mode=mode) / (self.speed_ms(mode))

    def nearest(
        self,
        origins: np.ndarray,
        destinations: np.ndarray,
        *,
        mode: str = "walking",
        weight: str = "metres",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return, per origin, the cost to its nearest destination and that destination's index.

        As `NetworkTravel.nearest`, by a k-d tree query: memory grows with the points, not
        with origins x destinations. ``inf`` and -1 when there is no destination.
        """
        _check_mode(mode)
        _check_weight(weight)
        origin_xy, target_xy = _xy(origins), _xy(destinations)
        if len(origin_xy) == 0 or len(target_xy) == 0:
            return np.full(len(origin_xy), np.inf), np.full(len(origin_xy), -1)
        distance, index = cKDTree(target_xy).query(origin_xy)
        cost = distance * self.detour_factor
        if weight == "seconds":
            cost = cost / self.speed_ms(mode)
        return cost, index.astype(int)

    def speed_ms(self, mode: str) -> float:
        """Return the mode's speed in metres per second."""
        _check_mode(mode)
        return (self.walking_speed_kmh if mode == "walking" else self.driving_speed_kmh) / 3.6

    def path(self, origin: np.ndarray, destination: np.ndarray, *, mode: str = "walking") -> Path:
        """Return the straight segment between two points, measured with the detour."""
        a, b = _xy(origin)[0], _xy(destination)[0]
        length = float(np.hypot(*(b - a))) * self.detour_factor
        line = shapely.LineString([tuple(a), tuple(b)])
        return Path(line, length, length / self.speed_ms(mode), 0.0, self.method, reachable=True)


class NetworkTravel:
    """Travel on street graphs built from segments (one GeoDataFrame per mode).

    Parameters
    ----------
    edges
        Mode {"walking", "driving"} to street segments (LineStrings in ``crs``, one per
        segment between junctions) with ``highway`` and optionally ``maxspeed``, ``oneway``.
    crs
        The projected CRS of the segments and of every query.
    max_snap_m
        Points farther than this from every street are off the network: reported by
        :meth:`snap_report` and measured in straight lines.
    detour_factor
        The straight-line detour for points off the network.

    Raises
    ------
    ValueError
        Without any segments, or for a geographic CRS.
    """

    method = "network"

    def __init__(
        self,
        edges: dict[str, gpd.GeoDataFrame],
        crs: CRS,
        *,
        max_snap_m: float = MAX_SNAP_M,
        detour_factor: float = DETOUR_FACTOR,
    ) -> None:
        if not CRS.from_user_input(crs).is_projected:
            raise ValueError(f"a network is measured in a projected CRS, not {crs}")
        frames = {mode: _lines(frame) for mode, frame in edges.items()}
        frames = {mode: frame for mode, frame in frames.items() if len(frame)}
        if not frames:
            raise ValueError("a network needs at least one mode's street segments")
        for mode in frames:
            _check_mode(mode)
        self.crs = CRS.from_user_input(crs)
        self.max_snap_m = max_snap_m
        self.fallback = StraightLineTravel(detour_factor=detour_factor)
        self.graphs = {mode: StreetGraph(frame, mode) for mode, frame in frames.items()}

    @classmethod
    def from_edges(
        cls,
        edges: gpd.GeoDataFrame,
        crs: CRS,
        *,
        max_snap_m: float = MAX_SNAP_M,
        detour_factor: float = DETOUR_FACTOR,
    ) -> NetworkTravel:
        """Build walking and driving graphs from one set of street segments.

        Walking uses every segment both ways at 5 km/h; driving drops footways,
        paths, steps, cycleways and pedestrian streets, and respects ``oneway``.

        Parameters
        ----------
        edges
            LineStrings with ``highway`` (``maxspeed``, ``oneway`` optional), any CRS.
        crs
            The projected CRS to measure in.
        max_snap_m, detour_factor
            As for the class.

        Returns
        -------
        NetworkTravel
            The model.
        """
        if edges.crs is None:
            raise ValueError("street segments without a CRS: set it, it is never guessed")
        edges = edges.to_crs(crs)
        drivable = edges[~edges["highway"].isin(NOT_DRIVABLE)]
        return cls(
            {"walking": edges, "driving": drivable},
            crs,
            max_snap_m=max_snap_m,
            detour_factor=detour_factor,
        )

    def graph(self, mode: str) -> StreetGraph:
        """Return the mode's graph (the walking one when the extract has no roads to drive)."""
        _check_mode(mode)
        return self.graphs.get(mode) or next(iter(self.graphs.values()))

    def snap(self, xy: np.ndarray, *, mode: str = "walking") -> pd.DataFrame:
        """Return where points meet the street network.

        Parameters
        ----------
        xy
            Points (n, 2) in the projected CRS.
        mode
            {"walking", "driving"}.

        Returns
        -------
        pandas.DataFrame
            Per point: ``snap_distance_m``, ``on_network`` (within ``max_snap_m``),
            ``component`` (the piece of network), ``x_snapped``, ``y_snapped``.
        """
        snap = self.graph(mode).snap(_xy(xy), self.max_snap_m)
        return pd.DataFrame(
            {
                "snap_distance_m": snap.distance_m,
                "on_network": snap.on_network,
                "component": snap.component,
                "x_snapped": snap.point[:, 0],
                "y_snapped": snap.point[:, 1],
            }
        )

    def snap_report(self, xy: np.ndarray, ids: list[str], *, mode: str = "walking") -> pd.DataFrame:
        """Return the points farther than ``max_snap_m`` from any street.

        Parameters
        ----------
        xy
            Points (n, 2) in the projected CRS.
        ids
            One identifier per point.
        mode
            {"walking", "driving"}.

        Returns
        -------
        pandas.DataFrame
            ``id`` and ``snap_distance_m`` of each point off the network; their
            distances are straight lines times the detour factor.
        """
        snap = self.graph(mode).snap(_xy(xy), self.max_snap_m)
        far = ~snap.on_network
        return pd.DataFrame(
            {"id": np.asarray(ids, dtype=object)[far], "snap_distance_m": snap.distance_m[far]}
        )

    def components(
        self, points: np.ndarray | None = None, *, mode: str = "walking"
    ) -> pd.DataFrame:
        """Return the connected pieces of the network, largest first.

        Parameters
        ----------
        points
            Optional points (n, 2): count how many snap to each piece.
        mode
            {"walking", "driving"}.

        Returns
        -------
        pandas.DataFrame
            Per piece: ``component``, ``nodes``, ``segments``, ``length_m``,
            ``snappable`` (large enough to snap to), and with points ``points`` and
            ``share_points`` (of the points on the network).
        """
        graph = self.graph(mode)
        table = pd.DataFrame(
            {
                "component": np.arange(graph.n_components),
                "nodes": np.bincount(graph.component, minlength=graph.n_components),
                "segments": np.bincount(graph.component[graph.u], minlength=graph.n_components),
                "length_m": graph.piece_length_m,
                "snappable": graph.major,
            }
        )
        if points is not None:
            snap = graph.snap(_xy(points), self.max_snap_m)
            counts = np.bincount(snap.component[snap.on_network], minlength=graph.n_components)
            table["points"] = counts
            table["share_points"] = counts / max(int(counts.sum()), 1)
        return table.sort_values(
            ["length_m", "component"], ascending=[False, True], ignore_index=True
        )

    def distance_matrix(
        self,
        origins: np.ndarray,
        destinations: np.ndarray,
        *,
        mode: str = "walking",
        limit_m: float | None = None,
    ) -> np.ndarray:
        """Return network metres from each origin (n, 2) to each destination (m, 2).

        Exact: searches stop early near the points and rerun unbounded for any
        pair they could not settle. ``inf`` where unreachable (another piece of
        network, or one-way streets); with ``limit_m``, also for pairs farther than it.
        """
        result = self._matrix(_xy(origins), _xy(destinations), mode, "metres")
        if limit_m is not None:
            result[result > limit_m] = np.inf
        return result

    def time_matrix(
        self, origins: np.ndarray, destinations: np.ndarray, *, mode: str = "walking"
    ) -> np.ndarray:
        """Return network seconds (the walk to and from the street at walking speed)."""
        return self._matrix(_xy(origins), _xy(destinations), mode, "seconds")

    def nearest(
        self,
        origins: np.ndarray,
        destinations: np.ndarray,
        *,
        mode: str = "walking",
        weight: str = "metres",
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return, per origin, the cost to its nearest destination and that destination's index.

        One multi-source search from all destinations on the reversed graph, so the
        cost does not grow with the number of destinations.

        Parameters
        ----------
        origins, destinations
            Points (n, 2) and (m, 2) in the projected CRS.
        mode
            {"walking", "driving"}.
        weight
            {"metres", "seconds"}.

        Returns
        -------
        tuple of numpy.ndarray
            Cost (``inf`` when no destination is reachable) and index (-1 then).
        """
        origin_xy, target_xy = _xy(origins), _xy(destinations)
        _check_weight(weight)
        best = np.full(len(origin_xy), np.inf)
        index = np.full(len(origin_xy), -1)
        if len(origin_xy) == 0 or len(target_xy) == 0:
            return best, index
        graph = self.graph(mode)
        start = graph.snap(origin_xy, self.max_snap_m)
        end = graph.snap(target_xy, self.max_snap_m)
        walk = self._walk_scale(weight)
        s_a, s_b = (c + start.distance_m * walk for c in graph.leave_costs(start, weight))
        e_a, e_b = (c + end.distance_m * walk for c in graph.enter_costs(end, weight))
        on_targets = np.flatnonzero(end.on_network)
        if len(on_targets):
            dist, owner = reverse_search(
                graph.matrix[weight],
                np.concatenate([end.node_a[on_targets], end.node_b[on_targets]]),
                np.concatenate([e_a[on_targets], e_b[on_targets]]),
            )
            owner_index = np.where(owner >= 0, np.tile(on_targets, 2)[owner], -1)
            via_a = s_a + dist[start.node_a]
            via_b = s_b + dist[start.node_b]
            best = np.where(start.on_network, np.minimum(via_a, via_b), np.inf)
            index = np.where(
                np.isfinite(best),
                np.where(via_a <= via_b, owner_index[start.node_a], owner_index[start.node_b]),
                -1,
            )
        # Off the network, or sharing a street segment: a short matrix settles these.
        shared = np.isin(start.edge, end.edge[end.on_network]) & start.on_network
        rows = np.flatnonzero(~start.on_network | shared)
        cols = np.flatnonzero(~end.on_network)
        if len(rows):
            block = self._matrix(origin_xy[rows], target_xy, mode, weight)
            better = block.min(axis=1) < best[rows]
            best[rows[better]] = block.min(axis=1)[better]
            index[rows[better]] = block.argmin(axis=1)[better]
        if len(cols):
            block = self._fallback(origin_xy, target_xy[cols], mode, weight)
            better = block.min(axis=1) < best
            best[better] = block.min(axis=1)[better]
            index[better] = cols[block.argmin(axis=1)[better]]
        return best, index

    def path(self, origin: np.ndarray, destination: np.ndarray, *, mode: str = "walking") -> Path:
        """Return the shortest (walking) or fastest (driving) path between two points.

        Parameters
        ----------
        origin, destination
            One point each (x, y) in the projected CRS.
        mode
            {"walking", "driving"}.

        Returns
        -------
        Path
            Along the streets from snapped spot to snapped spot; a straight line
            (``method == "straight-line"``) when either point is off the network;
            unreachable across pieces of network.
        """
        graph = self.graph(mode)
        a_xy, b_xy = _xy(origin)[:1], _xy(destination)[:1]
        start = graph.snap(a_xy, self.max_snap_m)
        end = graph.snap(b_xy, self.max_snap_m)
        if not (start.on_network[0] and end.on_network[0]):
            return self.fallback.path(a_xy, b_xy, mode=mode)
        weight = "seconds" if mode == "driving" else "metres"
        cost, coords, _ = best_route(graph, start, end, weight)
        access = float(start.distance_m[0] + end.distance_m[0])
        if not np.isfinite(cost):
            return Path(None, np.inf, np.inf, access, self.method, reachable=False)
        line = shapely.LineString(_dedupe(coords))
        length = float(line.length)
        seconds = cost if weight == "seconds" else length / (WALKING_SPEED_KMH / 3.6)
        return Path(line, length, float(seconds), access, self.method, reachable=True)

    def paths(
        self, origin: np.ndarray, destinations: np.ndarray, *, mode: str = "walking"
    ) -> list[Path]:
        """Return :meth:`path` from one origin to each of many destinations (one search).

        Parameters
        ----------
        origin
            One point (x, y) in the projected CRS.
        destinations
            (k, 2) points.
        mode
            {"walking", "driving"}.

        Returns
        -------
        list of Path
            The same paths as :meth:`path` per destination.
        """
        graph = self.graph(mode)
        a_xy = _xy(origin)[:1]
        ends_xy = _xy(destinations)
        start = graph.snap(a_xy, self.max_snap_m)
        end = graph.snap(ends_xy, self.max_snap_m)
        out = [self.fallback.path(a_xy, b[None, :], mode=mode) for b in ends_xy]
        reached = np.flatnonzero(end.on_network) if start.on_network[0] else np.zeros(0, int)
        if not len(reached):
            return out
        weight = "seconds" if mode == "driving" else "metres"
        routes = best_routes(graph, start, _take(end, reached), weight)
        for k, (cost, coords, _) in zip(reached, routes, strict=True):
            access = float(start.distance_m[0] + end.distance_m[k])
            if not np.isfinite(cost):
                out[k] = Path(None, np.inf, np.inf, access, self.method, reachable=False)
                continue
            line = shapely.LineString(_dedupe(coords))
            length = float(line.length)
            seconds = cost if weight == "seconds" else length / (WALKING_SPEED_KMH / 3.6)
            out[k] = Path(line, length, float(seconds), access, self.method, reachable=True)
        return out

    def _walk_scale(self, weight: str) -> float:
        return 1.0 if weight == "metres" else 3.6 / WALKING_SPEED_KMH

    def _fallback(
        self, origins: np.ndarray, destinations: np.ndarray, mode: str, weight: str
    ) -> np.ndarray:
        if weight == "metres":
            return self.fallback.distance_matrix(origins, destinations, mode=mode)
        return self.fallback.time_matrix(origins, destinations, mode=mode)

    def _matrix(
        self, origins: np.ndarray, destinations: np.ndarray, mode: str, weight: str
    ) -> np.ndarray:
        result = self._fallback(origins, destinations, mode, weight)
        if len(origins) == 0 or len(destinations) == 0:
            return result
        graph = self.graph(mode)
        start = graph.snap(origins, self.max_snap_m)
        end = graph.snap(destinations, self.max_snap_m)
        rows, cols = np.flatnonzero(start.on_network), np.flatnonzero(end.on_network)
        if len(rows) and len(cols):
            block = network_block(
                graph, _take(start, rows), _take(end, cols), weight, self._walk_scale(weight)
            )
            # Two points on one street segment may also walk straight across (with the detour).
            across = self._fallback(origins[rows], destinations[cols], "walking", weight)
            same = start.edge[rows][:, None] == end.edge[cols][None, :]
            block = np.where(same, np.minimum(block, across), block)
            result[np.ix_(rows, cols)] = block
        return result


def build_travel(
    osm: OsmExtract | None,
    crs: CRS,
    *,
    boundary: gpd.GeoDataFrame | None = None,
    max_snap_m: float = MAX_SNAP_M,
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
    max_snap_m
        Points farther than this from every street are measured in straight lines.

    Returns
    -------
    TravelModel
        :class:`NetworkTravel` (``method == "network"``) or
        :class:`StraightLineTravel` (``method == "straight-line"``).
    """
    if osm is None:
        logger.info("no OSM extract: distances are straight lines x %.1f", DETOUR_FACTOR)
        return StraightLineTravel()
    area = None
    if boundary is not None and not boundary.empty:
        area = boundary.to_crs(crs).union_all().buffer(BOUNDARY_MARGIN_M)
    edges = {}
    for mode in MODES:
        frame = osm.network(mode).to_crs(crs)
        if area is not None:
            frame = frame[frame.intersects(area)]
        edges[mode] = frame
    if not any(len(_lines(frame)) for frame in edges.values()):
        logger.warning("the OSM extract has no streets: distances are straight lines")
        return StraightLineTravel()
    travel = NetworkTravel(edges, crs, max_snap_m=max_snap_m)
    logger.info(
        "street network: %s",
        ", ".join(
            f"{m} {len(g.lines)} segments in {g.n_components} piece(s)"
            for m, g in travel.graphs.items()
        ),
    )
    return travel


def describe_method(method: str) -> str:
    """Return how a model measures distances, in words to follow "distances measured".

    Parameters
    ----------
    method
        A model's ``method``: {"network", "straight-line"}.

    Returns
    -------
    str
        "on the street network" or "in straight lines x 1.3".
    """
    if method == "network":
        return "on the street network"
    return f"in straight lines x {DETOUR_FACTOR:g}"


def _lines(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the frame's non-empty LineStrings (MultiLineStrings split into parts)."""
    geometry = frame.geometry.to_numpy()
    frame = frame[~shapely.is_missing(geometry) & ~shapely.is_empty(geometry)]
    frame = frame.explode(index_parts=False) if len(frame) else frame
    return frame[frame.geom_type == "LineString"].reset_index(drop=True)


def _take(snap: Snap, index: np.ndarray) -> Snap:
    return Snap(*(getattr(snap, f)[index] for f in Snap.__dataclass_fields__))


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = [coords[0]]
    for c in coords[1:]:
        if abs(c[0] - out[-1][0]) > 1e-6 or abs(c[1] - out[-1][1]) > 1e-6:  # noqa: PLR2004
            out.append(c)
    if len(out) == 1:
        out.append(out[0])
    return out


def _check_weight(weight: str) -> None:
    if weight not in ("metres", "seconds"):
        raise ValueError(f"weight must be 'metres' or 'seconds', not {weight!r}")


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")


def _xy(points: np.ndarray) -> np.ndarray:
    return np.asarray(points, dtype=float).reshape(-1, 2)
