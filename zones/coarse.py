"""Coarsened zones: a tessellation redrawn from the cells of a fixed square grid.

Zone edges drawn from Voronoi cells of homes are perpendicular bisectors of two homes,
so a zone map locates the homes it was drawn from. A coarsened zone is the union of
the grid cells in which that zone holds most of the area: its edges run along grid
lines (or along the station's boundary file) and say nothing about where a home is.
"""

from __future__ import annotations

import logging
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

logger = logging.getLogger(__name__)

# Cell sides tried in turn (metres): the largest at which every zone keeps a cell of its own.
GRID_CELL_SIDES_M = (250.0, 125.0, 62.5)


def coarsen_tessellation(
    units: gpd.GeoDataFrame,
    *,
    clip: shapely.Geometry | None = None,
    sides_m: tuple[float, ...] = GRID_CELL_SIDES_M,
) -> tuple[gpd.GeoDataFrame, float]:
    """Redraw polygons that tile an area from the cells of a square grid.

    The grid is aligned on multiples of the cell side in the CRS of ``units`` (never on
    the data). Each cell goes to the unit covering most of it; the cell side is the first
    of ``sides_m`` at which every unit holds the majority of at least one cell. At the
    last side, a unit still without a cell takes the cell it covers most, when that
    cell's owner keeps another one, or else shares the cell under its representative
    point with that cell's owner (so every unit is drawn).

    Parameters
    ----------
    units
        Polygons (zones) in a projected CRS (metres), not overlapping.
    clip
        The area to cut the cells to (a station's boundary file), in the same CRS; without
        one, whole cells are kept where the units cover at least half of them.
    sides_m
        Cell sides to try, largest first, in metres.

    Returns
    -------
    tuple of (geopandas.GeoDataFrame, float)
        The same rows with coarsened geometries, and the cell side used.
    """
    owners: dict[int, list[int]] = {}
    cells = np.array([], dtype=object)
    side = sides_m[-1]
    for side in sides_m:
        cells = _grid(units, side, clip)
        owners = _owners(units, cells, clip is None, steal=side == sides_m[-1])
        if len(owners) == len(units) or side == sides_m[-1]:
            break
    geometries = [
        shapely.coverage_union_all(cells[owners[i]])
        if i in owners
        else _cell_under(units.geometry.iloc[i], side, clip)
        for i in range(len(units))
    ]
    coarse = units.set_geometry(gpd.GeoSeries(geometries, index=units.index, crs=units.crs))
    logger.info(
        "coarsened %d polygons on a %g m grid (%d sharing a cell)",
        len(units),
        side,
        len(units) - len(owners),
    )
    return coarse, side


def _cell_under(unit: shapely.Geometry, side: float, clip: shapely.Geometry | None) -> object:
    """Return the grid cell under a unit's representative point (cut to ``clip``)."""
    spot = unit.representative_point()
    x, y = math.floor(spot.x / side) * side, math.floor(spot.y / side) * side
    cell = shapely.box(x, y, x + side, y + side)
    return cell if clip is None else cell.intersection(clip)


def _grid(units: gpd.GeoDataFrame, side: float, clip: shapely.Geometry | None) -> np.ndarray:
    """Return the grid cells over ``units`` (cut to ``clip``), as a shapely array."""
    min_x, min_y, max_x, max_y = units.total_bounds
    xs = np.arange(math.floor(min_x / side), math.ceil(max_x / side)) * side
    ys = np.arange(math.floor(min_y / side), math.ceil(max_y / side)) * side
    grid_x, grid_y = (a.ravel() for a in np.meshgrid(xs, ys))
    cells = shapely.box(grid_x, grid_y, grid_x + side, grid_y + side)
    if clip is None:
        return cells
    shapely.prepare(clip)
    inside = shapely.contains_properly(clip, cells)
    crossing = ~inside & shapely.intersects(clip, cells)
    cut = shapely.intersection(cells[crossing], clip)
    cut = cut[~shapely.is_empty(cut) & (shapely.area(cut) > 0)]
    return np.concatenate([cells[inside], _polygonal(cut)])


def _polygonal(geometries: np.ndarray) -> np.ndarray:
    """Keep only the polygons of cut cells (cuts can leave lines where edges touch)."""
    kept = []
    for geometry in geometries:
        if geometry.geom_type in ("Polygon", "MultiPolygon"):
            kept.append(geometry)
        else:
            parts = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"]
            if parts:
                kept.append(shapely.MultiPolygon(parts))
    return np.array(kept, dtype=object)


def _owners(
    units: gpd.GeoDataFrame, cells: np.ndarray, whole_cells: bool, *, steal: bool
) -> dict[int, list[int]]:
    """Return unit position to the cells it holds the majority of."""
    geometries = units.geometry.to_numpy()
    cell_index, unit_index = units.sindex.query(cells, predicate="intersects")
    shared = shapely.area(shapely.intersection(cells[cell_index], geometries[unit_index]))
    overlap = pd.DataFrame({"cell": cell_index, "unit": unit_index, "area": shared})
    overlap = overlap[overlap["area"] > 0]
    covered = overlap.groupby("cell")["area"].sum()
    best = overlap.sort_values(["cell", "area", "unit"], ascending=[True, False, True])
    best = best.drop_duplicates("cell").set_index("cell")
    keep = covered >= (0.5 if whole_cells else 0.0) * shapely.area(cells[covered.index])
    owner = best.loc[keep[keep].index, "unit"]
    if steal:
        owner = _give_every_unit_a_cell(owner, overlap, len(units))
    held: dict[int, list[int]] = {}
    for cell, unit in owner.sort_index().items():
        held.setdefault(int(unit), []).append(int(cell))
    return held


def _give_every_unit_a_cell(owner: pd.Series, overlap: pd.DataFrame, count: int) -> pd.Series:
    """Give each unit without a cell the cell it covers most, if its owner keeps another."""
    owner = owner.copy()
    held = set(owner)
    ranked = overlap.sort_values(["unit", "area", "cell"], ascending=[True, False, True])
    for unit, rows in ranked.groupby("unit", sort=True):
        if unit in held or unit >= count:
            continue
        for cell in rows["cell"]:
            holder = owner.get(cell)
            if holder is None or (owner == holder).sum() > 1:
                owner.loc[cell] = unit
                held.add(unit)
                break
    return owner
