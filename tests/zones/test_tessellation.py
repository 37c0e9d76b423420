"""Voronoi tessellation of a piece: tiling, shared cells for one address, adjacency, barriers."""

from __future__ import annotations

import numpy as np
import shapely

from zones.tessellation import tessellate


def test_cells_tile_the_piece_with_holes() -> None:
    rng = np.random.default_rng(2)
    piece = shapely.box(0, 0, 1_000, 1_000).difference(shapely.Point(500, 500).buffer(150))
    xy = rng.uniform(0, 1_000, (300, 2))
    xy = xy[shapely.contains_xy(piece, xy[:, 0], xy[:, 1])]
    cells = tessellate(xy, piece)
    union = shapely.union_all(cells.polygons)
    assert piece.symmetric_difference(union).area < 1.0
    assert abs(sum(p.area for p in cells.polygons) - piece.area) < 1.0
    assert not any(p.intersects(shapely.Point(500, 500)) for p in cells.polygons)
    homes = shapely.points(cells.points)
    assert all(
        cell.buffer(1e-6).contains(home) for cell, home in zip(cells.polygons, homes, strict=True)
    )


def test_households_at_one_address_share_a_cell() -> None:
    xy = np.array([[10.0, 10.0], [10.2, 10.1], [90.0, 90.0], [10.0, 10.0], [50.0, 20.0]])
    cells = tessellate(xy, shapely.box(0, 0, 100, 100))
    assert len(cells.points) == 3
    assert cells.cell_of[0] == cells.cell_of[1] == cells.cell_of[3]
    assert len(set(cells.cell_of.tolist())) == 3


def test_one_address_is_the_whole_piece() -> None:
    piece = shapely.box(0, 0, 100, 100)
    cells = tessellate(np.full((7, 2), 40.0), piece)
    assert len(cells.polygons) == 1
    assert cells.polygons[0].equals(piece)
    assert cells.edges.shape == (0, 2)


def test_adjacency_is_symmetric_and_follows_shared_borders() -> None:
    xy = np.array([[x, y] for x in (25.0, 75.0) for y in (25.0, 75.0)])
    cells = tessellate(xy, shapely.box(0, 0, 100, 100))
    pairs = {tuple(e) for e in cells.edges.tolist()}
    # Four quadrants: each touches two others along 50 m; diagonal ones meet only at a point.
    assert len(pairs) == 4
    np.testing.assert_allclose(cells.shared_m, 50.0)
    neighbours = cells.neighbours()
    for a, nbrs in enumerate(neighbours):
        for b in nbrs:
            assert a in neighbours[b]


def test_homes_on_one_line() -> None:
    xy = np.column_stack([np.linspace(10, 90, 5), np.full(5, 50.0)])
    cells = tessellate(xy, shapely.box(0, 0, 100, 100))
    assert sorted(map(tuple, cells.edges.tolist())) == [(0, 1), (1, 2), (2, 3), (3, 4)]
    np.testing.assert_allclose(cells.shared_m, 100.0)


def test_edges_across_a_barrier_are_marked() -> None:
    rng = np.random.default_rng(8)
    xy = rng.uniform(0, 1_000, (200, 2))
    river = np.array([shapely.LineString([(0, 500), (1_000, 500)])], dtype=object)
    cells = tessellate(xy, shapely.box(0, 0, 1_000, 1_000), river)
    a, b = cells.points[cells.edges[:, 0]], cells.points[cells.edges[:, 1]]
    expected = (a[:, 1] > 500) != (b[:, 1] > 500)
    np.testing.assert_array_equal(cells.crosses_barrier, expected)
    assert expected.any()
