"""The station's overview map drawn offline with matplotlib, as PNG bytes; the map styles.

The zone maps are vectors (:mod:`outputs._zone_drawing`) and share the styles named here.

The map is drawn in degrees (a plan from :func:`outputs.degrees.plan_in_degrees`), with
the aspect of the station's latitude; the OSM layers, in the station's CRS, are taken
near each map and converted there.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import shapely

from outputs.escape import plot_text
from outputs.zone_colours import zone_colours
from stations.schema import WGS84
from zones.plan import PlannedStation

if TYPE_CHECKING:
    from matplotlib.axes import Axes

ZONE_BLUE = "#1a4d8f"
MAJOR_ROADS = ("motorway", "trunk", "primary", "secondary", "tertiary")
MINOR_ROADS = ("residential", "unclassified", "living_street", "service", "pedestrian")
POINT_COLOURS = {"assembly": "#1b8a3a", "concentration": "#d9822b"}
PAD_SHARE = 0.12
KM = 1000
SCALE_STEPS_M = (100_000, 50_000, 20_000, 10_000, 5000, 2000, 1000, 500, 200, 100, 50)
WIDTH_IN, DPI = 7.2, 160


def render_station_map(plan: PlannedStation, *, homes: bool = False) -> tuple[bytes, float]:
    """Return a PNG map of the station: zones with their ids, points, offices and routes.

    Parameters
    ----------
    plan
        The planned station in EPSG:4326.
    homes
        Draw a dot per household (leave it out of maps for wide distribution).

    Returns
    -------
    tuple of (bytes, float)
        The PNG image (the same inputs give the same bytes) and its height over width.
    """
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patheffects import withStroke

    zones = plan.zones
    parts = [*zones.geometry, *plan.station.boundary.geometry]
    west, south, east, north = gpd.GeoSeries(parts).total_bounds
    pad_x, pad_y = (east - west) * 0.03 + 1e-4, (north - south) * 0.03 + 1e-4
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    stretch = math.cos(math.radians((south + north) / 2))
    ratio = min(1.4, max(0.5, (north - south) / ((east - west) * stretch)))
    fig, ax = plt.subplots(figsize=(WIDTH_IN, WIDTH_IN * ratio), dpi=DPI)
    box = shapely.box(west, south, east, north)
    _draw_osm(plan, ax, box)
    colour_of = zone_colours(zones)
    colours = [colour_of[str(z)] for z in zones["zone_id"]]
    _draw(ax, zones.geometry, fill=colours, alpha=0.28, zorder=2)
    _draw(ax, zones.geometry, edge=ZONE_BLUE, width=0.7, zorder=3)
    _draw(ax, plan.station.boundary.geometry, edge="black", width=1.1, zorder=3)
    halo = [withStroke(linewidth=2.0, foreground="white")]
    label_size = max(3.5, min(8.0, 60 / math.sqrt(max(len(zones), 1))))
    for zone in zones.itertuples():
        spot = zone.geometry.representative_point()
        ax.annotate(plot_text(zone.zone_id), (spot.x, spot.y), ha="center", va="center",
                    fontsize=label_size, color=ZONE_BLUE, fontweight="bold", path_effects=halo,
                    zorder=7)  # fmt: skip
    if homes and len(plan.households):
        homes_xy = shapely.get_coordinates(plan.households.geometry.to_numpy())
        ax.scatter(homes_xy[:, 0], homes_xy[:, 1], s=2, color="#37474f", linewidths=0, zorder=4)
    routes = plan.routes[  # surveyed first routes only: an unsurveyed leg crosses the zones
        (plan.routes["kind"] == "assembly_to_concentration")
        & plan.routes["surveyed"].astype(bool)
        & ~plan.routes["alternate"].astype(bool)
    ]
    routes = routes[routes.geometry.notna() & ~routes.geometry.is_empty]
    if len(routes):
        _draw(ax, routes.geometry, edge=POINT_COLOURS["concentration"], width=1.2,
              dashes=(0, (4, 2)), zorder=5)  # fmt: skip
    points = plan.station.accepted_points
    for kind, marker in (("assembly", "^"), ("concentration", "^"), ("hospital", "P")):
        xy = shapely.get_coordinates(points.geometry[(points["kind"] == kind).to_numpy()])
        if len(xy):  # one collection per kind draws its markers in the same order
            ax.scatter(xy[:, 0], xy[:, 1], marker=marker, s=50,
                       color=POINT_COLOURS.get(kind, "#c62828"), edgecolor="white",
                       linewidth=0.6, zorder=8)  # fmt: skip
    xy = shapely.get_coordinates(plan.station.accepted_offices.geometry)
    if len(xy):
        ax.scatter(xy[:, 0], xy[:, 1], marker="s", s=40, color="#1565c0", edgecolor="white",
                   linewidth=0.6, zorder=8)  # fmt: skip
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / stretch)
    ax.set_xticks([])
    ax.set_yticks([])
    _scale_bar(ax, west, east, south, north)
    fig.subplots_adjust(left=0.004, right=0.996, bottom=0.006, top=0.994)  # no ticks to lay out
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue(), ratio


def _draw_osm(plan: PlannedStation, ax: Axes, box: shapely.Geometry) -> None:
    osm = plan.station.osm
    if osm is None:
        return
    west, south, east, north = box.bounds
    water = osm.water
    if len(water):
        near = _near(water, box).cx[west:east, south:north]
        polygons = near[near.geom_type.isin(["Polygon", "MultiPolygon"])]
        if len(polygons):
            _draw(ax, polygons.clip(box).geometry, fill="#cfe3f3", zorder=1)
        lines = near[~near.geom_type.isin(["Polygon", "MultiPolygon"])]
        if len(lines):
            _draw(ax, lines.clip(box).geometry, edge="#9cc3e4", width=0.8, zorder=1)
    roads = osm.roads
    if len(roads):
        near = _near(roads, box).cx[west:east, south:north].clip(box)
        kind = near["highway"].astype(str)
        for selection, width, colour in (
            (~kind.isin([*MAJOR_ROADS, *MINOR_ROADS]), 0.3, "#d4d4d4"),
            (kind.isin(MINOR_ROADS), 0.6, "#bdbdbd"),
            (kind.isin(MAJOR_ROADS), 1.3, "#9e9e9e"),
        ):
            part = near[selection.to_numpy()]
            if len(part):
                _draw(ax, part.geometry, edge=colour, width=width, zorder=1.5)


def _near(layer: gpd.GeoDataFrame, box: shapely.Geometry) -> gpd.GeoDataFrame:
    """Return the features of an OSM layer (in any CRS) near a box in degrees, in degrees.

    The box is projected to the layer's CRS with a margin: what it returns holds every
    feature that meets the box, in the layer's order.
    """
    outline = gpd.GeoSeries([shapely.segmentize(box, box.length / 64)], crs=WGS84)
    west, south, east, north = outline.to_crs(layer.crs).total_bounds
    margin = max(east - west, north - south) * 0.01
    wide = shapely.box(west - margin, south - margin, east + margin, north + margin)
    return layer.iloc[np.sort(layer.sindex.query(wide))].to_crs(WGS84)


def _draw(
    ax: Axes,
    geometries: Iterable[shapely.Geometry | None],
    *,
    fill: str | Sequence[object] | None = None,
    edge: str | None = None,
    width: float = 1.0,
    alpha: float = 1.0,
    dashes: object = "solid",
    zorder: float = 1.0,
) -> None:
    """Draw polygons (filled with ``fill``) or outlines and lines (``edge``) in one collection.

    ``fill`` is one colour, or a colour per geometry.

    Collections draw once, when the figure is saved; geopandas' ``plot`` redraws the whole
    figure on each call, which made a zone map cost a second.
    """
    from matplotlib.collections import LineCollection, PatchCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    geoms = np.asarray(list(geometries), dtype=object)
    kept = np.flatnonzero([g is not None and not g.is_empty for g in geoms])
    parts, owner = shapely.get_parts(geoms[kept], return_index=True)
    kinds = shapely.get_type_id(parts)
    is_polygon = kinds == 3  # noqa: PLR2004 - GEOS type id of a Polygon
    polygons = parts[is_polygon]
    if fill is not None and not isinstance(fill, str):  # a colour per geometry
        fill = [fill[i] for i in kept[owner[is_polygon]]]
    if fill is not None and len(polygons):
        patches = [
            PathPatch(
                MplPath.make_compound_path(
                    *(
                        MplPath(np.asarray(ring.coords), closed=True)
                        for ring in (p.exterior, *p.interiors)
                    )
                )
            )
            for p in polygons
        ]
        ax.add_collection(PatchCollection(patches, facecolor=fill, edgecolor="none",
                                          alpha=alpha, zorder=zorder))  # fmt: skip
    if edge is not None:
        lines = [*parts[np.isin(kinds, [1, 2])], *shapely.get_parts(shapely.boundary(polygons))]
        if lines:
            ax.add_collection(
                LineCollection([np.asarray(line.coords) for line in lines], colors=edge,
                               linewidths=width, linestyles=dashes, alpha=alpha, zorder=zorder)
            )  # fmt: skip


def scale_length_m(width_m: float) -> int:
    """Return the scale bar's length for a map ``width_m`` metres wide: a round quarter.

    Parameters
    ----------
    width_m
        The map's width on the ground, metres.

    Returns
    -------
    int
        The bar's length, metres (at least 50).
    """
    return next((n for n in SCALE_STEPS_M if n <= width_m / 4), SCALE_STEPS_M[-1])


def _scale_bar(ax: Axes, west: float, east: float, south: float, north: float) -> None:
    metres_per_degree = 111_320 * math.cos(math.radians((south + north) / 2))
    width_m = (east - west) * metres_per_degree
    length = scale_length_m(width_m)
    x0 = west + (east - west) * 0.03
    y0 = south + (north - south) * 0.04
    x1 = x0 + length / metres_per_degree
    ax.plot([x0, x1], [y0, y0], color="black", linewidth=2.2, solid_capstyle="butt", zorder=10)
    label = f"{length // KM} km" if length >= KM else f"{length} m"
    ax.annotate(label, ((x0 + x1) / 2, y0), xytext=(0, 3), textcoords="offset points",
                ha="center", fontsize=7, zorder=10)  # fmt: skip
