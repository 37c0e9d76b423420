"""Zones redrawn on a grid: edges on grid lines or the boundary, every zone kept, no overlap."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from zones.coarse import GRID_CELL_SIDES_M, coarsen_tessellation

UTM = "EPSG:32635"


def voronoi_zones(count: int, seed: int, extent: shapely.Polygon) -> gpd.GeoDataFrame:
    """Return Voronoi cells of random homes grouped into ``count`` zones, cut to ``extent``."""
    rng = np.random.default_rng(seed)
    min_x, min_y, max_x, max_y = extent.bounds
    homes = shapely.points(rng.uniform(min_x, max_x, 400), rng.uniform(min_y, max_y, 400))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.MultiPoint(homes), extend_to=extent))
    cells = shapely.intersection(cells, extent)
    cells = cells[shapely.area(cells) > 0]
    centres = shapely.points(rng.uniform(min_x, max_x, count), rng.uniform(min_y, max_y, count))
    nearest = [int(np.argmin(shapely.distance(c.centroid, centres))) for c in cells]
    frame = gpd.GeoDataFrame({"zone": nearest}, geometry=cells, crs=UTM)
    return frame.dissolve("zone").reset_index()


def grid_offsets(xy: np.ndarray, side: float) -> np.ndarray:
    return np.abs((xy + side / 2) % side - side / 2)


def test_edges_run_on_grid_lines_or_the_boundary() -> None:
    extent = shapely.Polygon([(500_010, 6_600_020), (503_990, 6_600_400), (503_000, 6_603_700)])
    zones = voronoi_zones(12, seed=3, extent=extent)
    before = shapely.get_coordinates(zones.geometry.to_numpy())
    assert (grid_offsets(before, GRID_CELL_SIDES_M[-1]).min(axis=1) > 0.01).mean() > 0.8

    coarse, side = coarsen_tessellation(zones, clip=extent)

    assert side in GRID_CELL_SIDES_M
    assert coarse.geometry.notna().all()
    assert len(coarse) == len(zones)
    xy = shapely.get_coordinates(coarse.geometry.to_numpy())
    on_grid = grid_offsets(xy, side).min(axis=1) < 1e-6
    on_boundary = shapely.distance(shapely.points(xy), extent.boundary) < 1e-6
    assert (on_grid | on_boundary).all()
    shapes = list(coarse.geometry)
    assert sum(a.intersection(b).area for i, a in enumerate(shapes) for b in shapes[i + 1 :]) < 1e-3
    assert abs(shapely.union_all(shapes).area - extent.area) < 1e-3 * extent.area


def test_without_a_boundary_whole_cells_are_kept() -> None:
    extent = shapely.Point(400_000, 6_700_000).buffer(1500)  # a buffer around homes
    zones = voronoi_zones(8, seed=5, extent=extent)
    coarse, side = coarsen_tessellation(zones)
    xy = shapely.get_coordinates(coarse.geometry.to_numpy())
    assert (grid_offsets(xy, side) < 1e-6).all()  # both coordinates: cell corners only
    assert abs(coarse.area.sum() / extent.area - 1) < 0.1


def test_small_zones_get_a_finer_grid() -> None:
    extent = shapely.box(0, 0, 600, 600).union(shapely.box(600, 0, 700, 40))
    zones = gpd.GeoDataFrame(
        {"zone": [0, 1, 2]},
        geometry=[
            shapely.box(0, 0, 300, 600),
            shapely.box(300, 0, 600, 600),
            extent.difference(shapely.box(0, 0, 600, 600)),
        ],
        crs=UTM,
    )
    coarse, side = coarsen_tessellation(zones, clip=extent)
    assert side < GRID_CELL_SIDES_M[0]  # a 40 m strip holds no 250 m cell of its own
    assert coarse.geometry.notna().all()
    assert coarse.geometry.area.gt(0).all()


def test_a_zone_too_small_for_any_cell_shares_the_cell_under_it() -> None:
    tiny = shapely.box(10, 10, 12, 12)
    zones = gpd.GeoDataFrame(
        {"zone": [0, 1]}, geometry=[shapely.box(0, 0, 62.5, 62.5).difference(tiny), tiny], crs=UTM
    )
    coarse, side = coarsen_tessellation(zones, sides_m=(62.5,))
    assert side == 62.5
    assert coarse.geometry[0].equals(shapely.box(0, 0, 62.5, 62.5))
    assert coarse.geometry[1].equals(shapely.box(0, 0, 62.5, 62.5))  # drawn, on the grid
