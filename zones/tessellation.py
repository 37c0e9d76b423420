"""A fine tessellation of one piece of the station area: a Voronoi cell per home location.

Households at the same spot (one building) share a cell, weighted by their
count. Cells tile the piece; two cells are neighbours when they share a stretch
of border, and that border is "crossed by a barrier" when the segment between
their homes cuts a major road, railway or river.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import QhullError, Voronoi
from shapely.geometry.base import BaseGeometry

LOCATION_GRID_M = 1.0  # homes closer than this share a cell
MIN_SHARED_BORDER_M = 0.01


@dataclass(frozen=True)
class Tessellation:
    """Cells of one piece and their adjacency.

    Attributes
    ----------
    points
        (n, 2) home location of each cell.
    polygons
        One Polygon per cell, tiling the piece (cells never overlap).
    cell_of
        The cell of each input household.
    edges
        (e, 2) pairs of neighbouring cells (i < j).
    shared_m
        Length of the border each pair shares.
    crosses_barrier
        Whether the segment between the pair's homes crosses a barrier.
    """

    points: np.ndarray
    polygons: np.ndarray
    cell_of: np.ndarray
    edges: np.ndarray
    shared_m: np.ndarray
    crosses_barrier: np.ndarray

    def neighbours(self) -> list[np.ndarray]:
        """Return the neighbouring cells of each cell."""
        n = len(self.points)
        both = np.vstack([self.edges, self.edges[:, ::-1]])
        order = np.argsort(both[:, 0], kind="stable")
        both = both[order]
        splits = np.searchsorted(both[:, 0], np.arange(n + 1))
        return [both[splits[i] : splits[i + 1], 1] for i in range(n)]


def tessellate(
    xy: np.ndarray, piece: BaseGeometry, barriers: np.ndarray | None = None
) -> Tessellation:
    """Cut ``piece`` into Voronoi cells of the homes ``xy`` (projected metres).

    Parameters
    ----------
    xy
        (n, 2) household locations inside ``piece``.
    piece
        One connected polygon of the station area (holes allowed).
    barriers
        Barrier LineStrings in the same CRS, or ``None``.

    Returns
    -------
    Tessellation
        The cells, each household's cell and the adjacency.
    """
    keys = np.round(xy / LOCATION_GRID_M)
    _, first, cell_of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    points = xy[first]
    cell_of = cell_of.ravel()
    if len(points) == 1:
        polygons = np.array([piece], dtype=object)
        empty = np.zeros((0, 2), dtype=int)
        return Tessellation(points, polygons, cell_of, empty, np.zeros(0), np.zeros(0, bool))
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=piece, ordered=True)
    polygons = np.asarray(shapely.get_parts(cells), dtype=object)
    # Clip only the cells that reach the piece's edge: most lie well inside it.
    shapely.prepare(piece)
    edge = np.flatnonzero(~shapely.contains_properly(piece, polygons))
    clipped = shapely.intersection(polygons[edge], piece)
    split = np.flatnonzero(shapely.get_type_id(clipped) != shapely.GeometryType.POLYGON)
    for i in split:
        clipped[i] = _part_with(clipped[i], shapely.Point(points[edge[i]]))
    polygons[edge] = clipped
    edges, shared = _voronoi_ridges(points)
    # A ridge between two unclipped cells is their shared border; measure only the others.
    clipped_cell = np.zeros(len(points), dtype=bool)
    clipped_cell[edge] = True
    measure = np.flatnonzero(
        clipped_cell[edges[:, 0]] | clipped_cell[edges[:, 1]] | np.isnan(shared)
    )
    shared[measure] = shapely.length(
        shapely.intersection(
            shapely.boundary(polygons[edges[measure, 0]]),
            shapely.boundary(polygons[edges[measure, 1]]),
        )
    )
    keep = shared > MIN_SHARED_BORDER_M
    edges, shared = edges[keep], shared[keep]
    crosses = np.zeros(len(edges), dtype=bool)
    if barriers is not None and len(barriers) and len(edges):
        segments = shapely.linestrings(np.stack([points[edges[:, 0]], points[edges[:, 1]]], axis=1))
        hits = shapely.STRtree(barriers).query(segments, predicate="intersects")
        crosses[np.unique(hits[0])] = True
    return Tessellation(points, polygons, cell_of, edges, shared, crosses)


def _part_with(cell: BaseGeometry, point: shapely.Point) -> BaseGeometry:
    """Return the part of a clipped cell that holds its home (the rest is filled later)."""
    if cell.geom_type == "Polygon":
        return cell
    parts = [g for g in getattr(cell, "geoms", []) if g.geom_type == "Polygon"]
    if not parts:
        return shapely.Polygon()
    holding = [g for g in parts if g.intersects(point)]
    return holding[0] if holding else max(parts, key=lambda g: g.area)


def _voronoi_ridges(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the Delaunay edges (the only pairs whose cells can touch) and their ridge lengths.

    Lengths are those of the unclipped Voronoi ridges; ``nan`` for unbounded ridges.
    """
    try:
        voronoi = Voronoi(points)
    except QhullError:  # all homes on one line: neighbours along it
        order = np.lexsort((points[:, 1], points[:, 0]))
        pairs = np.sort(np.column_stack([order[:-1], order[1:]]), axis=1)
        return pairs, np.full(len(pairs), np.nan)
    pairs = np.asarray(voronoi.ridge_points)
    ends = np.asarray(voronoi.ridge_vertices)
    vertices = voronoi.vertices
    length = np.hypot(*(vertices[ends[:, 0]] - vertices[ends[:, 1]]).T)
    length[(ends < 0).any(axis=1)] = np.nan
    swap = pairs[:, 0] > pairs[:, 1]
    pairs[swap] = pairs[swap][:, ::-1]
    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    return pairs[order], length[order]
