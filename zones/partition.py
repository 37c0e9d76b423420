"""Partition the station area into warden zones: balanced, contiguous, compact, barrier-aware.

For each piece of the station area (islands are separate pieces):

1. tessellate it into Voronoi cells of the homes (:mod:`zones.tessellation`);
2. build the cell adjacency graph, each edge weighted by the border the two cells share,
   and made 20 times cheaper to cut when the segment between the homes crosses a barrier
   (major road, railway, river);
3. partition the graph with METIS (pymetis), contiguous parts, sized by households (or
   headcount);
4. repair: detach stray fragments, then move border cells between neighbouring zones
   (along a chain of zones when no neighbour can give or take) until every zone is
   within the bounds, never disconnecting a zone;
5. compact: move border cells to the neighbouring zone whose centre is nearer, while the
   bounds and contiguity hold (a few sweeps of constrained k-means), then move them all at
   once as a min-cost flow within the bounds (a linear programme), the farthest homes
   weighing most;
6. shorten the reach of the longest-reaching zones: hand their farthest homes to a
   neighbour (a third zone giving or taking one home when the bounds require), or shed
   homes on the side away from them, while no zone reaches further;
7. draw the neighbourhoods of the longest-reaching zones anew (k-means-constrained's way:
   a bounded assignment of their homes to moving centres), kept when every zone stays in
   bounds and in one piece and none reaches as far as the longest of them did;
8. dissolve the cells of each zone into one polygon, its outline free of the zero-width
   slits the clipping noise along the piece's edge would leave.

Pieces with fewer households than the minimum join the nearest zone, and the plan
says so. Zone ids follow a Hilbert curve over the zone centres, so neighbouring
zones get neighbouring numbers; names come from the OSM place in each zone.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import deque
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import pymetis
import shapely
from scipy import sparse
from scipy.optimize import linear_sum_assignment, linprog
from scipy.spatial.distance import cdist
from shapely.geometry.base import BaseGeometry

from zones.tessellation import Tessellation, tessellate

logger = logging.getLogger(__name__)

BARRIER_CUT_DISCOUNT = 0.01
COMPACT_SWEEPS = 30
FLOW_SWEEPS = 10  # min-cost-flow sweeps after the greedy ones
FLOW_TRIES = 3  # solves per sweep, leaving out the zones a solution broke
# Power of the distance a flow sweep minimises: high, so that the farthest homes weigh most.
FLOW_POWER = 6
FLOW_GAIN = 1e-6  # a flow sweep gaining less than this (km to the power) stops
REACH_PASSES = 40
REACH_SHARE = 0.1  # the longest-reaching tenth of the zones is shortened
REACH_MEMO = 4096  # reaches of recent zone layouts kept (tentative moves repeat them)
REACH_TRIES = 3  # farthest cells tried per zone, and cells taken back per swap
# Border cells on the side away from its farthest home a zone tries to shed: this budget
# divided by the number of zones, within these limits (more per zone when there are few).
REACH_SHED_BUDGET = 3000
REACH_SHED_LIMITS = (5, 30)
MAX_REPAIR_ROUNDS = 200
# The longest-reaching tenth of the zones (at least 8) have their neighbourhoods partitioned
# anew after the reach pass, each in a few rounds of assignment (and of joining cut-off cells).
RESOLVE_SHARE = 0.1
RESOLVE_MIN_ZONES = 8
RESOLVE_ROUNDS = 3
CHAIN_TRIES = 8  # zones with a cell to spare tried as the far end of a repair chain
SLIVER_M2 = 1e-3
# Where a cell's border crosses the piece's edge, the computed crossing lies a few ulps off
# that edge: the cells miss the piece by triangles of zero width, each spanning an edge of
# the piece. Gaps narrower than this are such noise, left out rather than joined to a zone
# (where they would be a zero-width slit or spike).
NOISE_GAP_M = 0.01
NAME_RADIUS_M = 1000.0  # a zone without a place inside takes the nearest within this
PLACE_PREFERENCE = ("suburb", "quarter", "neighbourhood", "village", "town", "hamlet", "city_block")


@dataclass(frozen=True)
class ZoningOptions:
    """Bounds and settings of the partition (see the ``[zones]`` table)."""

    min_households: int
    max_households: int
    max_warden_distance_m: float
    count: str = "households"
    seed: int = 0


@dataclass(frozen=True)
class ZonePlan:
    """The partition: zone polygons, each household's zone and notes for the CSA.

    Attributes
    ----------
    zones
        Projected CRS: ``zone_id, zone_name, piece_id, households, headcount,
        geometry``, ordered by ``zone_id``.
    assignment
        ``household_id, zone_id``: every input household exactly once.
    notes
        Plain-language notes: infeasible bounds, merged islands, empty pieces.
    """

    zones: gpd.GeoDataFrame
    assignment: pd.DataFrame
    notes: tuple[str, ...]


def partition_zones(
    households: gpd.GeoDataFrame,
    boundary: gpd.GeoDataFrame,
    options: ZoningOptions,
    *,
    barriers: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
) -> ZonePlan:
    """Partition the station area into warden zones.

    Parameters
    ----------
    households
        Projected CRS: ``household_id``, ``headcount`` and a point per household.
    boundary
        The station area (one row, Polygon or MultiPolygon) in the same CRS.
    options
        Zone bounds and seed.
    barriers
        Barrier lines (:func:`zones.barriers.barrier_lines`) in the same CRS.
    places
        OSM places (``name`` and points, any CRS) used to name the zones.

    Returns
    -------
    ZonePlan
        Zones tiling the area, the assignment and notes (bounds that cannot be met,
        merged islands). The warden's reach is measured with the zones' metrics
        (:func:`zones.metrics.zone_metrics`).
    """
    crs = households.crs
    area = shapely.make_valid(boundary.to_crs(crs).geometry.union_all())
    pieces = _pieces(area)
    xy = np.column_stack([households.geometry.x.to_numpy(), households.geometry.y.to_numpy()])
    weight = _weights(households, options)
    barrier_lines = (
        None if barriers is None or barriers.empty else barriers.to_crs(crs).geometry.to_numpy()
    )
    drawn = _draw_zones(xy, weight, area, pieces, options, barrier_lines)
    zone_polygons, household_zone, notes = drawn.polygons, drawn.household_zone, drawn.notes
    order = _hilbert_order(zone_polygons)
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(len(order))
    width = max(2, len(str(len(order))))
    ids = [f"Z{rank[z] + 1:0{width}d}" for z in range(len(zone_polygons))]
    assignment = pd.DataFrame(
        {
            "household_id": households["household_id"].to_numpy(),
            "zone_id": [ids[z] for z in household_zone],
        }
    )
    names = np.empty(len(order), dtype=object)
    names[order] = _names([zone_polygons[z] for z in order], places, crs)
    zones = _zone_table(households, drawn, ids, names)
    notes.extend(_bound_notes(household_zone, weight, ids, options))
    logger.info("zones: %d for %d households (%d note(s))", len(zones), len(xy), len(notes))
    return ZonePlan(zones, assignment, tuple(notes))


@dataclass
class _Drawn:
    """Zones drawn on the station area, before they are numbered and named."""

    polygons: list[BaseGeometry]
    piece: list[int]
    household_zone: np.ndarray
    notes: list[str]


def _pieces(area: BaseGeometry) -> list[BaseGeometry]:
    """Return the polygons of the station area, largest first."""
    return sorted(
        (g for g in shapely.get_parts(area) if g.geom_type == "Polygon" and g.area > 0),
        key=lambda g: (-g.area, g.centroid.x, g.centroid.y),
    )


def _draw_zones(
    xy: np.ndarray,
    weight: np.ndarray,
    area: BaseGeometry,
    pieces: list[BaseGeometry],
    options: ZoningOptions,
    barrier_lines: np.ndarray | None,
) -> _Drawn:
    """Partition every piece large enough, region by region; small pieces join the nearest zone."""
    piece_of = _piece_of(xy, pieces)
    drawn = _Drawn([], [], np.full(len(xy), -1), [])
    small: list[int] = []
    total = weight.sum()
    pieces_to_split = [] if total < options.min_households else pieces
    for index, piece in enumerate(pieces_to_split):
        members = np.flatnonzero(piece_of == index)
        piece_weight = weight[members].sum()
        if piece_weight < options.min_households and total >= options.min_households:
            small.append(index)
            continue
        for region, inside in _barrier_regions(
            piece, xy[members], weight[members], barrier_lines, options.min_households
        ):
            region_members = members[inside]
            labels, polygons, piece_notes = _partition_piece(
                xy[region_members], weight[region_members], region, options, barrier_lines, index
            )
            drawn.notes.extend(piece_notes)
            drawn.household_zone[region_members] = labels + len(drawn.polygons)
            drawn.polygons.extend(polygons)
            drawn.piece.extend([index] * len(polygons))
    if not drawn.polygons:  # every piece is small: one zone for the whole station
        drawn.notes.append(
            f"only {total:g} {options.count} in the station, fewer than the minimum of "
            f"{options.min_households}: one zone covers everything"
        )
        drawn.polygons[:], drawn.piece[:] = [area], [0]
        drawn.household_zone[:] = 0
        small = []
    for index in small:
        _join_nearest(
            index,
            pieces[index],
            piece_of,
            drawn.household_zone,
            drawn.polygons,
            weight,
            drawn.notes,
            options,
        )
    return drawn


def _zone_table(
    households: gpd.GeoDataFrame, drawn: _Drawn, ids: list[str], names: np.ndarray
) -> gpd.GeoDataFrame:
    """Return the zones frame, ordered by zone id."""
    headcount = (
        households["headcount"].to_numpy(float)
        if "headcount" in households
        else np.ones(len(households))
    )
    return (
        gpd.GeoDataFrame(
            {
                "zone_id": ids,
                "zone_name": names,
                "piece_id": drawn.piece,
                "households": np.bincount(drawn.household_zone, minlength=len(ids)),
                "headcount": np.bincount(
                    drawn.household_zone, weights=headcount, minlength=len(ids)
                ).astype(int),
            },
            geometry=drawn.polygons,
            crs=households.crs,
        )
        .sort_values("zone_id", kind="stable")
        .reset_index(drop=True)
    )


def _bound_notes(
    household_zone: np.ndarray, weight: np.ndarray, ids: list[str], options: ZoningOptions
) -> list[str]:
    """Return a note for each zone outside the bounds (the whole station as one zone aside)."""
    size = np.bincount(household_zone, weights=weight, minlength=len(ids))
    notes = []
    for z in np.flatnonzero((size < options.min_households) | (size > options.max_households)):
        if len(ids) == 1 and size[z] < options.min_households:
            continue  # already explained: the whole station is one zone
        side = "below the minimum" if size[z] < options.min_households else "above the maximum"
        notes.append(
            f"zone {ids[z]} has {size[z]:g} {options.count}, {side} "
            f"({options.min_households}-{options.max_households}): homes at one address or in a "
            "small piece cannot be split or merged further"
        )
    return notes


def _weights(households: gpd.GeoDataFrame, options: ZoningOptions) -> np.ndarray:
    if options.count == "headcount":
        return households["headcount"].to_numpy(int)
    return np.ones(len(households), dtype=int)


def _piece_of(xy: np.ndarray, pieces: list[BaseGeometry]) -> np.ndarray:
    """Return the piece of each home (the nearest piece for a home just outside)."""
    if len(pieces) == 1:
        return np.zeros(len(xy), dtype=int)
    points = shapely.points(xy)
    distance = np.column_stack([shapely.distance(p, points) for p in pieces]) if pieces else None
    return distance.argmin(axis=1) if distance is not None else np.zeros(len(xy), dtype=int)


def _barrier_regions(
    piece: BaseGeometry,
    xy: np.ndarray,
    weight: np.ndarray,
    barriers: np.ndarray | None,
    minimum: int,
) -> list[tuple[BaseGeometry, np.ndarray]]:
    """Cut a piece along the barriers into regions of at least ``minimum`` each.

    The piece is polygonised with the barrier lines; a region with fewer than
    ``minimum`` households joins the neighbour it shares the longest border with,
    smallest first, until every region is big enough. Zones are then drawn inside
    regions, so they never straddle a barrier that has enough homes on both sides.
    """
    everything = [(piece, np.ones(len(xy), dtype=bool))]
    if barriers is None or len(barriers) == 0 or len(xy) == 0:
        return everything
    faces = _barrier_faces(piece, barriers)
    if len(faces) < 2:  # noqa: PLR2004
        return everything
    face_of = _locate(faces, xy)
    load = np.bincount(face_of, weights=weight, minlength=len(faces)).astype(float)
    alive = _merge_small_faces(faces, face_of, load, minimum)
    return [(faces[r], face_of == r) for r in sorted(alive)]


def _barrier_faces(piece: BaseGeometry, barriers: np.ndarray) -> list[BaseGeometry]:
    """Return the faces the barrier lines cut the piece into (none when no line crosses it)."""
    # Whole lines, not clipped to the piece: a clipped end lies on the boundary only within
    # rounding, and the noding would then leave the piece uncut.
    lines = shapely.get_parts(barriers[shapely.STRtree(barriers).query(piece, "intersects")])
    lines = [g for g in lines if g.geom_type in ("LineString", "LinearRing")]
    if not lines:
        return []
    noded = shapely.union_all([piece.boundary, *lines])
    faces = list(shapely.get_parts(shapely.polygonize(shapely.get_parts(noded))))
    return [g for g in faces if g.area > 1.0 and piece.contains(g.representative_point())]


def _shared_borders(faces: list[BaseGeometry]) -> dict[int, dict[int, float]]:
    """Return, for each face, the length of border it shares with each touching face."""
    pairs = shapely.STRtree(faces).query(faces, predicate="touches")
    shared: dict[int, dict[int, float]] = {i: {} for i in range(len(faces))}
    for a, b in zip(*pairs, strict=True):
        if a < b:
            length = shapely.length(shapely.intersection(faces[a].boundary, faces[b].boundary))
            if length > 0.5:  # noqa: PLR2004
                shared[a][b] = shared[b][a] = float(length)
    return shared


def _merge_small_faces(
    faces: list[BaseGeometry], face_of: np.ndarray, load: np.ndarray, minimum: int
) -> set[int]:
    """Merge faces below ``minimum`` into their longest-bordering neighbour, smallest first.

    ``faces``, ``face_of`` and ``load`` are updated in place; returns the faces left.
    """
    shared = _shared_borders(faces)
    alive = set(range(len(faces)))
    while len(alive) > 1:
        small = [r for r in alive if load[r] < minimum]
        if not small:
            break
        r = min(small, key=lambda i: (load[i], faces[i].area))
        if not shared[r]:
            alive.discard(r)  # an enclosed face with nothing around it: keep it as it is
            continue
        target = max(shared[r], key=lambda j: (shared[r][j], -j))
        faces[target] = shapely.union_all([faces[target], faces[r]])
        load[target] += load[r]
        face_of[face_of == r] = target
        for other, length in shared.pop(r).items():
            shared[other].pop(r, None)
            if other != target:
                shared[target][other] = shared[target].get(other, 0.0) + length
                shared[other][target] = shared[target][other]
        alive.discard(r)
    return alive


def _locate(faces: list[BaseGeometry], xy: np.ndarray) -> np.ndarray:
    """Return the face holding each point (the nearest face for a point on a line)."""
    tree = shapely.STRtree(faces)
    points = shapely.points(xy)
    located = np.full(len(xy), -1)
    hits = tree.query(points, predicate="within")
    located[hits[0]] = hits[1]
    missing = np.flatnonzero(located < 0)
    if len(missing):
        located[missing] = tree.query_nearest(points[missing], all_matches=False)[1]
    return located


def _partition_piece(
    xy: np.ndarray,
    weight: np.ndarray,
    piece: BaseGeometry,
    options: ZoningOptions,
    barriers: np.ndarray | None,
    index: int,
) -> tuple[np.ndarray, list[BaseGeometry], list[str]]:
    """Return each household's zone (0..k-1) and the zone polygons of one piece."""
    notes: list[str] = []
    if len(xy) == 0:
        return np.zeros(0, dtype=int), [piece], notes
    total = int(weight.sum())
    lo, hi = options.min_households, options.max_households
    k_min, k_max = math.ceil(total / hi), max(1, total // lo)
    if k_min > k_max:
        notes.append(
            f"piece {index + 1}: {total} {options.count} cannot all be split into zones of "
            f"{lo}-{hi}; {k_min} zones are used and some are below the minimum"
        )
        k = k_min
    else:
        k = min(max(round(total / ((lo + hi) / 2)), k_min), k_max)
    cells = tessellate(xy, piece, barriers)
    cell_weight = np.bincount(cells.cell_of, weights=weight, minlength=len(cells.points)).astype(
        int
    )
    if k == 1 or len(cells.points) == 1:
        labels = np.zeros(len(cells.points), dtype=int)
    else:
        labels = _metis(cells, cell_weight, k, options.seed, hi / (total / k))
        labels = _Refiner(cells, cell_weight, labels, lo, hi).run()
    labels = _compact_labels(labels)
    polygons = _dissolve(cells, labels, piece)
    return labels[cells.cell_of], polygons, notes


def _metis(cells: Tessellation, weight: np.ndarray, k: int, seed: int, slack: float) -> np.ndarray:
    cost = cells.shared_m * np.where(cells.crosses_barrier, BARRIER_CUT_DISCOUNT, 1.0)
    both = np.vstack([cells.edges, cells.edges[:, ::-1]])
    order = np.argsort(both[:, 0], kind="stable")
    adjncy = both[order, 1]
    eweights = np.maximum(1, np.round(np.concatenate([cost, cost])[order] * 10)).astype(int)
    xadj = np.searchsorted(both[order, 0], np.arange(len(cells.points) + 1))
    ufactor = int(min(max((slack - 1.0) * 1000 * 0.8, 30), 500))
    graph = pymetis.CSRAdjacency(xadj.tolist(), adjncy.tolist())
    vweights = np.maximum(weight, 1).tolist()
    try:
        _, parts = pymetis.part_graph(
            k,
            adjacency=graph,
            vweights=vweights,
            eweights=eweights.tolist(),
            options=pymetis.Options(seed=seed, ufactor=ufactor, contig=1, niter=20),
        )
    except RuntimeError:  # METIS refuses contiguity on a disconnected graph; repair follows
        _, parts = pymetis.part_graph(
            k,
            adjacency=graph,
            vweights=vweights,
            eweights=eweights.tolist(),
            options=pymetis.Options(seed=seed, ufactor=ufactor, niter=20),
        )
    return np.asarray(parts, dtype=int)


class _Refiner:
    """Move border cells between zones to meet the bounds and gain compactness."""

    def __init__(
        self, cells: Tessellation, weight: np.ndarray, labels: np.ndarray, lo: int, hi: int
    ) -> None:
        self.points = cells.points
        self.weight = weight
        self.labels = _compact_labels(labels.copy())
        self.neighbours = [n.tolist() for n in cells.neighbours()]
        crossing = cells.edges[cells.crosses_barrier].tolist()
        self.barrier_pairs = {(a, b) for a, b in crossing} | {(b, a) for a, b in crossing}
        open_edges = cells.edges[~cells.crosses_barrier]
        self.open_from = np.concatenate([open_edges[:, 0], open_edges[:, 1]])
        self.open_to = np.concatenate([open_edges[:, 1], open_edges[:, 0]])
        self.edges = cells.edges
        self.lo, self.hi = lo, hi
        k = self.labels.max() + 1
        self.members = [set(np.flatnonzero(self.labels == z).tolist()) for z in range(k)]
        self.size = np.bincount(self.labels, weights=weight, minlength=k)
        order = np.argsort(self.open_from, kind="stable")
        starts = np.searchsorted(self.open_from[order], np.arange(len(self.points) + 1))
        self.open_neighbours = [
            self.open_to[order[starts[c] : starts[c + 1]]].tolist() for c in range(len(self.points))
        ]
        self.reach_memo: dict[frozenset[int], tuple[float, int]] = {}
        self.shed_tries = int(np.clip(REACH_SHED_BUDGET // k, *REACH_SHED_LIMITS))
        self.changed_at = np.zeros(k, dtype=int)  # count of kept reach changes at a zone's last
        self.kept = 0

    def run(self) -> np.ndarray:
        self._split_fragments()
        for _ in range(MAX_REPAIR_ROUNDS):
            if not self._repair_round():
                break
        for _ in range(COMPACT_SWEEPS):
            if not self._compact_sweep():
                break
        for _ in range(FLOW_SWEEPS):
            if not self._flow_sweep():
                break
        self._shorten_reach()
        if self._resolve_tail():
            self._shorten_reach()
        return self.labels

    def _resolve_tail(self) -> bool:
        """Draw the neighbourhoods of the longest-reaching zones anew; True if one was kept."""
        reach = np.array([self._reach(z)[0] for z in range(len(self.members))])
        kept = False
        count = max(RESOLVE_MIN_ZONES, math.ceil(len(reach) * RESOLVE_SHARE))
        for zone in np.argsort(-reach, kind="stable")[:count]:
            kept |= self._resolve(int(zone), reach)
        return kept

    def _resolve(self, zone: int, reach: np.ndarray) -> bool:
        """Partition a zone and its neighbours anew; keep it when no zone reaches as far.

        A large-neighbourhood move, k-means-constrained's way: the homes of the zone and
        of the zones it borders (not across a barrier) are shared anew among as many zones
        (:meth:`_assign_anew`), and each of them is shortened once by the reach pass. The
        new layout is kept when every zone it changed is within the bounds and in one
        piece (joined by borders not across a barrier) and none reaches as far as the
        longest of the neighbourhood did; otherwise everything is put back.
        """
        cells = list(self.members[zone])
        near = sorted(
            {zone} | {int(self.labels[o]) for c in cells for o in self.open_neighbours[c]}
        )
        if len(near) < 2 or any(not self.lo <= self.size[z] <= self.hi for z in near):  # noqa: PLR2004
            return False
        zone_of = self._assign_anew(near)
        if zone_of is None:
            return False
        before, snapshot, saved = float(reach[near].max()), self.labels.copy(), reach.copy()
        for cell, j in zone_of.items():
            if self.labels[cell] != near[j]:
                self._move(cell, near[j])
        if self._whole(near):
            reach[near] = [self._reach(z)[0] for z in near]
            for z in sorted(near, key=lambda z: (-reach[z], z)):
                self._shorten(z, reach)
            changed = np.flatnonzero(self.labels != snapshot)
            zones = np.union1d(snapshot[changed], self.labels[changed]).tolist()
            if len(changed) and reach[zones].max() < before - 1e-6 and self._whole(zones):
                return True
        for back in np.flatnonzero(self.labels != snapshot).tolist():
            self._move(back, int(snapshot[back]))
        reach[:] = saved
        return False

    def _whole(self, zones: list[int]) -> bool:
        """Return whether the zones are within the bounds and in one piece, not across a barrier."""
        return all(
            self.lo <= self.size[z] <= self.hi
            and len(self._components(self.members[z], open_only=True)) == 1
            for z in zones
        )

    def _assign_anew(self, near: list[int]) -> dict[int, int] | None:
        """Return a new zone (an index into ``near``) for each cell of the zones ``near``.

        Rounds of a bounded assignment to centres (:func:`_bounded_assignment`, squared
        distances), each round moving a centre to its zone's 1-centre (the home whose
        farthest home is nearest); then cells cut off from their zone join the zone they
        touch most (not across a barrier).
        """
        cells = np.array(sorted(c for z in near for c in self.members[z]))
        xy, weight = self.points[cells], self.weight[cells]
        centres = np.array([self.points[self._reach(z)[1]] for z in near])
        local = None
        for _ in range(RESOLVE_ROUNDS):
            got = _bounded_assignment((cdist(xy, centres) / 1000.0) ** 2, weight, self.lo, self.hi)
            if got is None or (local is not None and (got == local).all()):
                break
            local = got
            for j in range(len(near)):
                own = xy[local == j]
                if not len(own):
                    return None
                centres[j] = own[cdist(own, own).max(axis=1).argmin()]
        if local is None:
            return None
        zone_of = dict(zip(cells.tolist(), local.tolist(), strict=True))
        self._join_cut_off(zone_of, len(near))
        return zone_of

    def _join_cut_off(self, zone_of: dict[int, int], m: int) -> None:
        """Give cells cut off from their new zone to the new zone they touch most (in place)."""
        for _ in range(RESOLVE_ROUNDS):
            moved = False
            for j in range(m):
                own = {c for c, z in zone_of.items() if z == j}
                for part in sorted(self._components(own, open_only=True), key=len)[:-1]:
                    touch = [
                        zone_of[o]
                        for c in part
                        for o in self.open_neighbours[c]
                        if o in zone_of and zone_of[o] != j
                    ]
                    if touch:
                        zone_of.update(
                            dict.fromkeys(part, max(sorted(set(touch)), key=touch.count))
                        )
                        moved = True
            if not moved:
                return

    def _flow_sweep(self) -> bool:
        """Move border cells to neighbouring zones all at once, as a min-cost flow.

        Every border cell may move to a zone it borders (not across a barrier); the moves
        minimise the sum of the homes' distances to their zone's centre to the power
        ``FLOW_POWER`` (the farthest homes weigh most) with every zone within the bounds,
        so that chains of moves through full or minimal zones are found together (the
        reason k-means-constrained reaches further). The sweep is kept when every zone is
        still in one piece; otherwise the zones that broke are left out and the flow is
        solved again (as are zones a rounded fractional solution put out of bounds: homes
        sharing an address weigh more than one).
        """
        centres = self._centres()
        frozen: set[int] = set()
        for _ in range(FLOW_TRIES):
            zone, target = self.labels[self.open_from], self.labels[self.open_to]
            border = np.flatnonzero(
                (zone != target) & ~np.isin(zone, list(frozen)) & ~np.isin(target, list(frozen))
            )
            k = len(self.members)
            pairs = np.unique(self.open_from[border].astype(np.int64) * k + target[border])
            if len(pairs) == 0:
                return False
            cell, to = np.divmod(pairs, k)  # sorted by cell, then zone
            source = self.labels[cell]
            cost = (np.hypot(*(self.points[cell] - centres[to]).T) / 1000.0) ** FLOW_POWER - (
                np.hypot(*(self.points[cell] - centres[source]).T) / 1000.0
            ) ** FLOW_POWER
            moves = _bounded_moves(cell, source, to, cost, self.weight, self.size, self.lo, self.hi)
            if moves is None or not len(moves):
                return False
            old = {int(c): int(self.labels[c]) for c in cell[moves]}
            for i in moves:
                self._move(int(cell[i]), int(to[i]))
            touched = set(source[moves].tolist()) | set(to[moves].tolist())
            broken = [
                z
                for z in touched
                if not self.lo <= self.size[z] <= self.hi  # a rounded fractional solution
                or len(self._components(self.members[z])) != 1
            ]
            if not broken:
                return True
            for c, z in old.items():
                self._move(c, z)
            frozen.update(broken)
        return False

    def _move(self, cell: int, target: int) -> None:
        source = self.labels[cell]
        self.members[source].discard(cell)
        self.members[target].add(cell)
        self.labels[cell] = target
        self.size[source] -= self.weight[cell]
        self.size[target] += self.weight[cell]

    def _any_neighbour_in(self, cell: int, zone: int) -> int:
        return next(int(o) for o in self.neighbours[cell] if self.labels[o] == zone)

    def _connected_without(self, zone: int, cell: int) -> bool:
        rest = self.members[zone] - {cell}
        if not rest:
            return False
        if sum(int(o) in rest for o in self.neighbours[cell]) == 1:
            return True  # a leaf: the rest stays as connected as it was
        start = next(iter(rest))
        seen = {start}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for neighbour in self.neighbours[current]:
                other = int(neighbour)
                if other in rest and other not in seen:
                    seen.add(other)
                    queue.append(other)
        return len(seen) == len(rest)

    def _split_fragments(self) -> None:
        """Give cells cut off from the main body of their zone to the zone they touch most."""
        for zone in range(len(self.members)):
            parts = self._components(self.members[zone])
            for part in sorted(parts, key=len)[:-1]:
                for cell in part:
                    targets = [
                        self.labels[o] for o in self.neighbours[cell] if self.labels[o] != zone
                    ]
                    if targets:
                        self._move(cell, max(set(targets), key=targets.count))

    def _components(self, cells: set[int], *, open_only: bool = False) -> list[set[int]]:
        """Return the connected parts of ``cells`` (``open_only``: not across a barrier)."""
        links = self.open_neighbours if open_only else self.neighbours
        left, parts = set(cells), []
        while left:
            start = left.pop()
            part, queue = {start}, deque([start])
            while queue:
                current = queue.popleft()
                for neighbour in links[current]:
                    other = int(neighbour)
                    if other in left:
                        left.discard(other)
                        part.add(other)
                        queue.append(other)
            parts.append(part)
        return parts

    def _centre(self, zone: int) -> np.ndarray:
        members = list(self.members[zone])
        return np.average(self.points[members], axis=0, weights=np.maximum(self.weight[members], 1))

    def _repair_round(self) -> bool:
        moved = False
        for zone in np.argsort(-np.abs(self.size - np.clip(self.size, self.lo, self.hi))):
            if self.size[zone] > self.hi:
                moved |= self._shed(int(zone)) or self._repair_along_chain(int(zone))
            elif self.size[zone] < self.lo:
                moved |= self._gather(int(zone)) or self._repair_along_chain(int(zone))
        return moved

    def _repair_along_chain(self, zone: int) -> bool:
        """Pass cells along a chain of neighbouring zones when no neighbour can help directly.

        A zone below the minimum whose neighbours are all at the minimum takes a cell from
        one of them, which takes one from its own neighbour, and so on back to the nearest
        zone with a cell to spare (a zone above the maximum pushes cells the other way).
        The chain is kept when the zones on it are nearer the bounds in total.
        """
        short = self.size[zone] < self.lo
        adjacency = self._zone_adjacency()
        parent = {zone: -1}
        queue = deque([zone])
        tries = 0
        while queue and tries < CHAIN_TRIES:
            current = queue.popleft()
            for other in sorted(adjacency[current] - parent.keys()):
                parent[other] = current
                queue.append(other)
                if (self.size[other] > self.lo) if short else (self.size[other] < self.hi):
                    tries += 1
                    path = [other]
                    while path[-1] != zone:
                        path.append(parent[path[-1]])
                    if self._pass_along(path if short else path[::-1]):
                        return True
        return False

    def _zone_adjacency(self) -> list[set[int]]:
        zone_a, zone_b = self.labels[self.edges[:, 0]], self.labels[self.edges[:, 1]]
        adjacency: list[set[int]] = [set() for _ in self.members]
        for a, b in zip(zone_a.tolist(), zone_b.tolist(), strict=True):
            if a != b:
                adjacency[a].add(b)
                adjacency[b].add(a)
        return adjacency

    def _violation(self, zone: int) -> float:
        return max(0.0, self.lo - self.size[zone]) + max(0.0, self.size[zone] - self.hi)

    def _pass_along(self, path: list[int]) -> bool:
        """Move a cell from each zone of the path to the next; undo unless the bounds gain."""
        before = sum(self._violation(z) for z in path)
        done: list[tuple[int, int]] = []
        for giver, taker in itertools.pairwise(path):
            cell = self._cell_to_pass(giver, taker)
            if cell is None:
                break
            self._move(cell, taker)
            done.append((cell, giver))
        else:
            if sum(self._violation(z) for z in path) < before:
                return True
        for cell, giver in reversed(done):
            self._move(cell, giver)
        return False

    def _cell_to_pass(self, giver: int, taker: int) -> int | None:
        """Return the giver's cell bordering the taker nearest the taker's centre (or None)."""
        if len(self.members[giver]) == 1:
            return None
        centre = self._centre(taker)
        options = sorted(
            {
                (cell, (cell, int(o)) in self.barrier_pairs)
                for cell in self.members[giver]
                for o in self.neighbours[cell]
                if self.labels[o] == taker
            },
            key=lambda cb: (
                cb[1],  # not across a barrier
                self.size[giver] - self.weight[cb[0]] < self.lo,  # the giver stays in bounds
                float(np.hypot(*(self.points[cb[0]] - centre))),
                cb[0],
            ),
        )
        seen: set[int] = set()
        for cell, _ in options:
            if cell not in seen and self._connected_without(giver, cell):
                return cell
            seen.add(cell)
        return None

    def _border(self, zone: int, *, across_barriers: bool = True) -> list[tuple[int, int]]:
        return [
            (cell, int(self.labels[o]))
            for cell in self.members[zone]
            for o in self.neighbours[cell]
            if self.labels[o] != zone
            and (across_barriers or (cell, int(o)) not in self.barrier_pairs)
        ]

    def _shed(self, zone: int) -> bool:
        centre = self._centre(zone)
        options = sorted(
            self._border(zone),
            key=lambda ct: (
                (ct[0], self._any_neighbour_in(ct[0], ct[1])) in self.barrier_pairs,
                self.size[ct[1]],
                -np.hypot(*(self.points[ct[0]] - centre)),
            ),
        )
        for cell, target in options:
            if self.size[target] + self.weight[cell] > self.hi and self.size[target] >= self.lo:
                continue
            if self._connected_without(zone, cell):
                self._move(cell, target)
                return True
        return False

    def _gather(self, zone: int) -> bool:
        centre = self._centre(zone)
        options = []
        for cell in self.members[zone]:
            for other in self.neighbours[cell]:
                donor = int(self.labels[other])
                if donor != zone:
                    options.append((int(other), donor))
        options.sort(
            key=lambda cd: (
                (cd[0], self._any_neighbour_in(cd[0], zone)) in self.barrier_pairs,
                -self.size[cd[1]],
                np.hypot(*(self.points[cd[0]] - centre)),
            )
        )
        for cell, donor in options:
            if self.size[donor] - self.weight[cell] < self.lo and self.size[donor] <= self.hi:
                continue
            if self._connected_without(donor, cell):
                self._move(cell, zone)
                return True
        return False

    def _centres(self) -> np.ndarray:
        k = len(self.members)
        mass = np.maximum(self.weight, 1).astype(float)
        total = np.bincount(self.labels, weights=mass, minlength=k)
        return (
            np.column_stack(
                [
                    np.bincount(self.labels, weights=mass * self.points[:, i], minlength=k)
                    for i in (0, 1)
                ]
            )
            / total[:, None]
        )

    def _compact_sweep(self) -> bool:
        """Move border cells to a neighbouring zone whose centre is nearer, largest gain first.

        Compaction never pushes a home across a barrier: that is where zones should end.
        """
        centres = self._centres()
        zone, target = self.labels[self.open_from], self.labels[self.open_to]
        border = np.flatnonzero(zone != target)
        cell, zone, target = self.open_from[border], zone[border], target[border]
        via = self.open_to[border]
        gain = np.hypot(*(self.points[cell] - centres[zone]).T) - np.hypot(
            *(self.points[cell] - centres[target]).T
        )
        better = np.flatnonzero(gain > 0)
        moved = False
        for i in better[np.lexsort((cell[better], -gain[better]))]:
            c, z, t = int(cell[i]), int(zone[i]), int(target[i])
            if self.labels[c] != z or self.labels[via[i]] != t:
                continue
            w = self.weight[c]
            if self.size[z] - w < self.lo or self.size[t] + w > self.hi:
                continue
            if self._connected_without(z, c):
                self._move(c, t)
                moved = True
        return moved

    def _reach(self, zone: int) -> tuple[float, int]:
        """Return the zone's reach (farthest cell from its 1-median cell) and that median."""
        key = frozenset(self.members[zone])
        known = self.reach_memo.get(key)
        if known is not None:
            return known
        cells = np.fromiter(key, dtype=int, count=len(key))
        distance = cdist(self.points[cells], self.points[cells])
        median = int(np.argmin(distance @ np.maximum(self.weight[cells], 1)))
        if len(self.reach_memo) >= REACH_MEMO:
            self.reach_memo.clear()
        known = self.reach_memo[key] = float(distance[median].max()), int(cells[median])
        return known

    def _shorten_reach(self) -> None:
        """Hand the farthest homes of the longest-reaching zones to a neighbouring zone.

        A cell moves (or is swapped for a cell of the neighbour nearer the zone's median
        when a single move would break the bounds) only when the longer reach of the two
        zones gets shorter, within the bounds, contiguous and never across a barrier.
        When no far home can move, the zone sheds a home on its other side
        (:meth:`_shed_opposite`).
        """
        k = len(self.members)
        reach = np.array([self._reach(z)[0] for z in range(k)])
        # A zone that failed is tried again only once a zone within two of it changed:
        # nothing else the attempt reads can differ, so it would fail again.
        failed: dict[int, tuple[int, list[int]]] = {}
        for _ in range(REACH_PASSES):
            improved = False
            for zone in np.argsort(-reach, kind="stable")[: max(1, math.ceil(k * REACH_SHARE))]:
                if zone in failed and self.changed_at[failed[zone][1]].max() < failed[zone][0]:
                    continue
                if self._shorten(int(zone), reach):
                    improved = True
                    failed.pop(zone, None)
                else:
                    failed[zone] = (self.kept, self._two_rings(int(zone)))
            if not improved:
                break

    def _two_rings(self, zone: int) -> list[int]:
        """Return the zone, its neighbours and theirs: all that shortening it reads."""
        ring = {zone}
        for _ in range(2):
            cells = [c for z in ring for c in self.members[z]]
            ring |= {int(self.labels[o]) for c in cells for o in self.neighbours[c]}
        return sorted(ring)

    def _shorten(self, zone: int, reach: np.ndarray) -> bool:
        longest, median = self._reach(zone)
        cells = np.fromiter(self.members[zone], dtype=int)
        far = np.hypot(*(self.points[cells] - self.points[median]).T)
        for cell in cells[np.argsort(-far, kind="stable")[:REACH_TRIES]]:
            targets = sorted({int(self.labels[o]) for o in self.open_neighbours[cell]} - {zone})
            for target in targets:
                if self._try_reach_move(int(cell), zone, target, longest, median, reach):
                    return True
        return self._shed_opposite(zone, cells, cells[int(np.argmax(far))], longest, reach)

    def _shed_opposite(
        self, zone: int, cells: np.ndarray, farthest: int, longest: float, reach: np.ndarray
    ) -> bool:
        """Give a border cell on the side away from the farthest home to a neighbour.

        A zone on a sparse edge of the city, whose farthest home no neighbour is nearer to,
        sheds homes on the side away from it down to the minimum: its median moves towards
        that home and the reach shortens (as k-means-constrained's outer zones sit at the
        minimum). A shed is kept while neither zone reaches further than the zone did.
        """
        if self.size[zone] <= self.lo:
            return False
        away = np.hypot(*(self.points[cells] - self.points[farthest]).T)
        tried = 0
        for cell in cells[np.argsort(-away, kind="stable")]:
            targets = sorted({int(self.labels[o]) for o in self.open_neighbours[cell]} - {zone})
            if not targets:
                continue
            tried += 1
            if tried > self.shed_tries:
                return False
            w = self.weight[cell]
            for target in targets:
                if self.size[zone] - w < self.lo or self.size[target] + w > self.hi:
                    continue
                self._move(int(cell), target)
                if self._accept((zone, target), longest, reach, check=(zone,), strict=False):
                    return True
                self._move(int(cell), zone)
        return False

    def _try_reach_move(
        self, cell: int, zone: int, target: int, longest: float, median: int, reach: np.ndarray
    ) -> bool:
        w = self.weight[cell]
        if len(self.members[zone]) == 1:
            return False
        if self.size[zone] - w >= self.lo and self.size[target] + w <= self.hi:
            self._move(cell, target)
            if self._accept((zone, target), longest, reach, check=(zone,)):
                return True
            self._move(cell, zone)
            return False
        takers = [
            int(o)
            for o in sorted(self.members[target])
            if any(self.labels[n] == zone and n != cell for n in self.open_neighbours[o])
        ]
        takers.sort(key=lambda o: float(np.hypot(*(self.points[o] - self.points[median]))))
        for other in takers[:REACH_TRIES]:
            self._move(cell, target)
            self._move(other, zone)
            if all(self.lo <= self.size[z] <= self.hi for z in (zone, target)) and self._accept(
                (zone, target), longest, reach, check=(zone, target)
            ):
                return True
            self._move(other, target)
            self._move(cell, zone)
        if self.size[zone] - w < self.lo:
            return self._chain_in(cell, zone, target, longest, median, reach)
        return self._chain_out(cell, zone, target, longest, reach)

    def _chain_in(
        self, cell: int, zone: int, target: int, longest: float, median: int, reach: np.ndarray
    ) -> bool:
        """Hand the far home to the target while a third zone gives the zone a home back.

        An ejection chain for a zone at the minimum: the home it takes borders it and is,
        of those the other neighbours can spare, the one nearest its median.
        """
        w = self.weight[cell]
        if self.size[target] + w > self.hi:
            return False
        offers = {
            int(o)
            for c in self.members[zone]
            for o in self.open_neighbours[c]
            if self.labels[o] not in (zone, target)
            and self.size[self.labels[o]] - self.weight[o] >= self.lo
        }
        near = sorted(
            offers, key=lambda o: (float(np.hypot(*(self.points[o] - self.points[median]))), o)
        )
        for other in near[:REACH_TRIES]:
            third = int(self.labels[other])
            self._move(cell, target)
            self._move(other, zone)
            if self.lo <= self.size[zone] <= self.hi and self._accept(
                (zone, target, third), longest, reach, check=(zone, third)
            ):
                return True
            self._move(other, third)
            self._move(cell, zone)
        return False

    def _chain_out(
        self, cell: int, zone: int, target: int, longest: float, reach: np.ndarray
    ) -> bool:
        """Hand the far home to a full target while the target passes a home on to a third zone.

        The target passes the home that borders the third zone farthest from the one it takes.
        """
        w = self.weight[cell]
        if self.size[zone] - w < self.lo:
            return False
        passes = {
            (int(o), int(self.labels[n]))
            for o in self.members[target]
            for n in self.open_neighbours[o]
            if self.labels[n] not in (zone, target)
            and self.size[self.labels[n]] + self.weight[o] <= self.hi
        }
        away = sorted(
            passes, key=lambda on: (-float(np.hypot(*(self.points[on[0]] - self.points[cell]))), on)
        )
        for other, third in away[:REACH_TRIES]:
            self._move(cell, target)
            self._move(other, third)
            if self.lo <= self.size[target] <= self.hi and self._accept(
                (zone, target, third), longest, reach, check=(zone, target)
            ):
                return True
            self._move(other, target)
            self._move(cell, zone)
        return False

    def _accept(
        self,
        changed: tuple[int, ...],
        longest: float,
        reach: np.ndarray,
        check: tuple[int, ...],
        *,
        strict: bool = True,
    ) -> bool:
        """Keep a tentative change when the longest reach of the changed zones got shorter.

        Not ``strict``: when it got no longer (a zone shedding homes one at a time, its
        median moving only after several). The zones in ``check`` must also still be in
        one piece.
        """
        new = []
        for z in changed:
            new.append(self._reach(z)[0])
            if new[-1] >= longest + (-1e-6 if strict else 1e-6):
                return False
        if any(len(self._components(self.members[z])) != 1 for z in check):
            return False
        reach[list(changed)] = new
        self.kept += 1
        self.changed_at[list(changed)] = self.kept
        return True


def _bounded_assignment(
    cost: np.ndarray, weight: np.ndarray, lo: int, hi: int
) -> np.ndarray | None:
    """Return the column (zone) of each row (cell) of least total cost, zones within bounds.

    Homes of weight one fill slots: ``hi`` per zone, the first ``lo`` of which must be
    filled, solved exactly as an assignment (scipy's ``linear_sum_assignment``); otherwise
    a linear programme (HiGHS), each cell taking the zone its solution gives it most of.
    """
    n, m = cost.shape
    if (weight == 1).all():
        slot = np.repeat(np.arange(m), hi)
        owed = np.tile(np.arange(hi) < lo, m)
        _, chosen = linear_sum_assignment(cost[:, slot] - (np.abs(cost).max() * n + 1.0) * owed)
        return slot[chosen]
    variables = np.arange(n * m)
    once = sparse.csr_matrix((np.ones(n * m), (np.repeat(np.arange(n), m), variables)))
    load = sparse.csr_matrix(
        (np.repeat(weight.astype(float), m), (np.tile(np.arange(m), n), variables))
    )
    result = linprog(
        cost.ravel(),
        A_ub=sparse.vstack([load, -load]),
        b_ub=np.concatenate([np.full(m, float(hi)), np.full(m, -float(lo))]),
        A_eq=once,
        b_eq=np.ones(n),
        bounds=(0, 1),
        method="highs",
    )
    return result.x.reshape(n, m).argmax(axis=1) if result.status == 0 else None


def _bounded_moves(
    cell: np.ndarray,
    source: np.ndarray,
    to: np.ndarray,
    cost: np.ndarray,
    weight: np.ndarray,
    size: np.ndarray,
    lo: int,
    hi: int,
) -> np.ndarray | None:
    """Return the candidate moves (indices) of least total cost that keep zones in bounds.

    Each cell moves at most once; a zone's size after the moves stays within ``lo``-``hi``.
    Solved as a linear programme (HiGHS); moves are taken where the solution says so.
    """
    n, k = len(cell), len(size)
    cells, once = np.unique(cell, return_inverse=True)
    rows = np.arange(n)
    w = weight[cell].astype(float)
    one_each = sparse.csr_matrix((np.ones(n), (once, rows)), shape=(len(cells), n))
    change = sparse.csr_matrix(
        (np.concatenate([w, -w]), (np.concatenate([to, source]), np.concatenate([rows, rows]))),
        shape=(k, n),
    )
    result = linprog(
        cost,
        A_ub=sparse.vstack([one_each, change, -change]),
        b_ub=np.concatenate([np.ones(len(cells)), hi - size, size - lo]),
        bounds=(0, 1),
        method="highs",
    )
    if result.status != 0 or result.fun >= -FLOW_GAIN:
        return None
    return np.flatnonzero(result.x > 0.5)  # noqa: PLR2004


def _compact_labels(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0..k-1 in order of first appearance, dropping empty ones."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    order = np.argsort(np.argsort(first))
    return order[inverse.ravel()]


def _dissolve(cells: Tessellation, labels: np.ndarray, piece: BaseGeometry) -> list[BaseGeometry]:
    """Union each zone's cells; gaps the cells missed go to the zone they touch most.

    The cells tile the piece edge to edge, so a coverage union (no overlay) suffices;
    a zone whose coverage union is not valid is unioned the general way. Gaps narrower
    than :data:`NOISE_GAP_M` are clipping noise and stay out, so the outlines have no
    zero-width slit or spike and do not change with the last bits of the homes' coordinates.
    """
    k = labels.max() + 1 if len(labels) else 1
    order = np.argsort(labels, kind="stable")
    splits = np.searchsorted(labels[order], np.arange(k + 1))
    groups = [cells.polygons[order[splits[z] : splits[z + 1]]] for z in range(k)]
    zones = [shapely.coverage_union_all(group) for group in groups]
    for z in np.flatnonzero(~shapely.is_valid(np.asarray(zones, dtype=object))):
        zones[z] = shapely.union_all(groups[z])
    covered = shapely.union_all(zones)
    gaps = shapely.get_parts(shapely.difference(piece, covered))
    gaps = gaps[~shapely.is_empty(shapely.buffer(gaps, -NOISE_GAP_M / 2))]
    tree = shapely.STRtree(zones)
    for gap in gaps:
        near = tree.query(gap, predicate="intersects")
        touching = [
            shapely.length(shapely.intersection(gap.boundary, zones[z].boundary)) for z in near
        ]
        best = (
            int(near[int(np.argmax(touching))])
            if max(touching, default=0) > 0
            else int(np.argmin([z.distance(gap) for z in zones]))
        )
        zones[best] = shapely.union_all([zones[best], gap])
    return [_single(z) for z in zones]


def _single(zone: BaseGeometry) -> BaseGeometry:
    """Return a zone as one polygon when its parts only touch at corners or slivers."""
    zone = shapely.make_valid(zone)
    polygons = [
        g for g in shapely.get_parts(zone) if g.geom_type == "Polygon" and g.area > SLIVER_M2
    ]
    if len(polygons) == 1:
        return polygons[0]
    merged = shapely.union_all([p.buffer(0.01) for p in polygons]).buffer(-0.01)
    return merged if merged.geom_type == "Polygon" else shapely.MultiPolygon(polygons)


def _join_nearest(
    index: int,
    piece: BaseGeometry,
    piece_of: np.ndarray,
    household_zone: np.ndarray,
    zone_polygons: list[BaseGeometry],
    weight: np.ndarray,
    notes: list[str],
    options: ZoningOptions,
) -> None:
    gaps = [piece.distance(z) for z in zone_polygons]
    nearest = int(np.argmin(gaps))
    members = piece_of == index
    household_zone[members] = nearest
    zone_polygons[nearest] = shapely.union_all([zone_polygons[nearest], piece])
    count = int(weight[members].sum())
    what = "without households" if count == 0 else f"with {count} {options.count}"
    notes.append(
        f"a separate piece of the station area {what} (fewer than {options.min_households}) "
        f"joins the nearest zone, {gaps[nearest]:,.0f} m across; that zone is in several parts"
    )


def _hilbert_order(polygons: list[BaseGeometry]) -> np.ndarray:
    centres = np.array([[p.representative_point().x, p.representative_point().y] for p in polygons])
    if len(centres) == 1:
        return np.zeros(1, dtype=int)
    low, span = centres.min(axis=0), np.ptp(centres, axis=0).max() or 1.0
    grid = np.clip(((centres - low) / span * 1023).astype(int), 0, 1023)
    keys = np.array([_hilbert_index(x, 1023 - y) for x, y in grid])  # start in the north-west
    return np.lexsort((centres[:, 0], keys))


def _hilbert_index(x: int, y: int, order: int = 10) -> int:
    index = 0
    side = 1 << (order - 1)
    while side > 0:
        rx = 1 if x & side else 0
        ry = 1 if y & side else 0
        index += side * side * ((3 * rx) ^ ry)
        if ry == 0:
            if rx == 1:
                x, y = side - 1 - x, side - 1 - y
            x, y = y, x
        side >>= 1
    return index


def _names(polygons: list[BaseGeometry], places: gpd.GeoDataFrame | None, crs: object) -> list[str]:
    if places is None or places.empty:
        return [""] * len(polygons)
    named = places[places["name"].notna()].to_crs(crs).reset_index(drop=True)
    points = named.geometry.representative_point()
    rank = named["place"].map({p: i for i, p in enumerate(PLACE_PREFERENCE)}).fillna(99)
    names = []
    for polygon in polygons:
        centre = polygon.representative_point()
        inside = points.within(polygon)
        pool = points[inside] if inside.any() else points[points.distance(centre) < NAME_RADIUS_M]
        if pool.empty:
            names.append("")
            continue
        # The broadest named place (suburb before city block), then the nearest to the centre.
        order = pd.DataFrame({"rank": rank[pool.index], "distance": pool.distance(centre)})
        names.append(str(named.loc[order.sort_values(["rank", "distance"]).index[0], "name"]))
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        if name:
            seen[name] = seen.get(name, 0) + 1
            unique.append(name if seen[name] == 1 else f"{name} {seen[name]}")
        else:
            unique.append("")
    return unique
