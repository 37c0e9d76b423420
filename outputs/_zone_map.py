"""Static maps drawn offline with matplotlib, as PNG bytes: one zone, or the whole station.

The maps are drawn in degrees (a plan from :func:`outputs.degrees.plan_in_degrees`), with
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
import pandas as pd
import shapely

from outputs.escape import plot_text
from outputs.zone_colours import zone_colours
from stations.schema import WGS84
from zones.plan import PlannedStation

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.patheffects import AbstractPathEffect

ZONE_BLUE = "#1a4d8f"
MAJOR_ROADS = ("motorway", "trunk", "primary", "secondary", "tertiary")
MINOR_ROADS = ("residential", "unclassified", "living_street", "service", "pedestrian")
POINT_COLOURS = {"assembly": "#1b8a3a", "concentration": "#d9822b"}
PAD_SHARE = 0.12
KM = 1000
SCALE_STEPS_M = (100_000, 50_000, 20_000, 10_000, 5000, 2000, 1000, 500, 200, 100, 50)
WIDTH_IN, HEIGHT_IN, DPI = 7.2, 4.46, 160


def render_zone_map(
    plan: PlannedStation,
    zone_id: str,
    households: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame,
) -> bytes:
    """Return a PNG map of one zone: its neighbours faint, its households numbered.

    Parameters
    ----------
    plan
        The planned station in EPSG:4326 (zones, appointees, OSM extract if any).
    zone_id
        The zone drawn.
    households
        The zone's households, EPSG:4326, in table order (numbered from 1).
    points
        The assembly and concentration points to show, EPSG:4326.

    Returns
    -------
    bytes
        The PNG image (the same inputs give the same bytes).
    """
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patheffects import withStroke

    zones = plan.zones
    zone = zones[zones["zone_id"] == zone_id].iloc[0]
    west, south, east, north = _extent(zone.geometry, households, points)
    aspect = 1 / math.cos(math.radians((south + north) / 2))
    fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    box = shapely.box(west, south, east, north)
    _draw_osm(plan, ax, box)
    others = zones[(zones["zone_id"] != zone_id) & zones.intersects(box)]
    if len(others):
        _draw(ax, others.geometry, edge="#8a94a0", width=0.6, dashes="--", zorder=3)
        for other in others.itertuples():
            spot = other.geometry.intersection(box).representative_point()
            ax.annotate(plot_text(other.zone_id), (spot.x, spot.y), color="#8a94a0",
                        fontsize=7, zorder=3, ha="center", va="center")  # fmt: skip
    _draw(ax, [zone.geometry], fill=zone_colours(zones)[str(zone_id)], alpha=0.18, zorder=2)
    _draw(ax, [zone.geometry], edge=ZONE_BLUE, width=1.8, zorder=4)
    _draw_routes(plan, zone_id, ax)
    halo = [withStroke(linewidth=2.2, foreground="white")]
    for number, household in enumerate(households.itertuples(), start=1):
        point = household.geometry
        ax.scatter(point.x, point.y, s=64, color="white", edgecolor=ZONE_BLUE, linewidth=0.9,
                   zorder=6)  # fmt: skip
        ax.annotate(str(number), (point.x, point.y), ha="center", va="center", fontsize=5.2,
                    color=ZONE_BLUE, fontweight="bold", zorder=7)  # fmt: skip
    _draw_homes(plan, zone, ax, halo)
    for point in points.itertuples():
        colour = POINT_COLOURS.get(point.kind, "#555555")
        ax.scatter(point.geometry.x, point.geometry.y, marker="^", s=90, color=colour,
                   edgecolor="white", linewidth=0.8, zorder=8)  # fmt: skip
        ax.annotate(plot_text(point.point_id), (point.geometry.x, point.geometry.y), xytext=(6, -3),
                    textcoords="offset points", fontsize=7, color=colour, fontweight="bold",
                    path_effects=halo, zorder=8)  # fmt: skip
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    _scale_bar(ax, west, east, south, north)
    ax.annotate("N", xy=(0.975, 0.96), xycoords="axes fraction", ha="center", va="top",
                fontsize=9, fontweight="bold")  # fmt: skip
    ax.annotate("", xy=(0.975, 0.90), xytext=(0.975, 0.80), xycoords="axes fraction",
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1})  # fmt: skip
    fig.subplots_adjust(left=0.004, right=0.996, bottom=0.006, top=0.994)  # no ticks to lay out
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


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
    routes = plan.routes[plan.routes["kind"] != "zone_to_assembly"]
    routes = routes[routes.geometry.notna() & ~routes.geometry.is_empty]
    if len(routes):
        _draw(ax, routes.geometry, edge=POINT_COLOURS["concentration"], width=1.2,
              dashes=(0, (4, 2)), zorder=5)  # fmt: skip
    points = plan.station.accepted_points
    for kind, marker in (("assembly", "^"), ("concentration", "^"), ("hospital", "P")):
        chosen = points[points["kind"] == kind]
        colour = POINT_COLOURS.get(kind, "#c62828")
        for point in chosen.itertuples():
            ax.scatter(point.geometry.x, point.geometry.y, marker=marker, s=50, color=colour,
                       edgecolor="white", linewidth=0.6, zorder=8)  # fmt: skip
    offices = plan.station.accepted_offices
    for office in offices.itertuples():
        ax.scatter(office.geometry.x, office.geometry.y, marker="s", s=40, color="#1565c0",
                   edgecolor="white", linewidth=0.6, zorder=8)  # fmt: skip
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


def _extent(
    zone: shapely.Geometry, households: gpd.GeoDataFrame, points: gpd.GeoDataFrame
) -> tuple[float, float, float, float]:
    """Return a box around the zone, its households and nearby points, at the map's shape."""
    parts = [zone, *households.geometry]
    west, south, east, north = gpd.GeoSeries(parts).total_bounds
    span = max(east - west, north - south, 0.002)
    near = [
        p for p in points.geometry if p.distance(zone) < span
    ]  # far points would shrink the zone
    west, south, east, north = gpd.GeoSeries([*parts, *near]).total_bounds
    pad_x, pad_y = (east - west) * PAD_SHARE + 1e-4, (north - south) * PAD_SHARE + 1e-4
    west, east, south, north = west - pad_x, east + pad_x, south - pad_y, north + pad_y
    # Widen the short side so that the map fills the frame (ground units, not degrees).
    stretch = math.cos(math.radians((south + north) / 2))
    width_m, height_m = (east - west) * stretch, north - south
    target = WIDTH_IN / HEIGHT_IN
    if width_m / height_m < target:
        extra = (height_m * target / stretch - (east - west)) / 2
        west, east = west - extra, east + extra
    else:
        extra = (width_m / target - height_m) / 2
        south, north = south - extra, north + extra
    return west, south, east, north


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


def _draw_routes(plan: PlannedStation, zone_id: str, ax: Axes) -> None:
    routes = plan.routes
    mine = routes[(routes["kind"] == "zone_to_assembly") & (routes["origin_id"] == zone_id)]
    onward = routes[
        (routes["kind"] == "assembly_to_concentration")
        & routes["origin_id"].isin(mine["destination_id"])
    ]
    for frame, colour in (
        (mine, POINT_COLOURS["assembly"]),
        (onward, POINT_COLOURS["concentration"]),
    ):
        lines = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
        if len(lines):
            _draw(ax, lines.geometry, edge=colour, width=1.4, dashes=(0, (4, 2)), zorder=5)


def _draw_homes(
    plan: PlannedStation, zone: pd.Series, ax: Axes, halo: Sequence[AbstractPathEffect]
) -> None:
    staff = plan.staff.set_index("staff_id")
    for column, letter in (("warden_id", "W"), ("deputy_id", "D")):
        staff_id = zone[column]
        if not isinstance(staff_id, str) or staff_id not in staff.index:
            continue
        home = staff.at[staff_id, "geometry"]
        if home is None or home.is_empty:
            continue
        ax.scatter(home.x, home.y, marker="*", s=260, color="#c0392b", edgecolor="white",
                   linewidth=0.6, zorder=5.5)  # fmt: skip
        ax.annotate(letter, (home.x, home.y), xytext=(5, 4), textcoords="offset points",
                    fontsize=8, fontweight="bold", color="#c0392b", path_effects=halo,
                    zorder=9)  # fmt: skip


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
