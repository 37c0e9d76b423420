"""A zone's map drawn as PDF vector paths with reportlab: crisp at any zoom, no raster.

The layers every zone map draws from (zones, OSM roads and water, routes, households,
points and the appointees' homes) are projected to the station's CRS once per plan by
:func:`prepare_zone_maps`; each map then takes what falls in its frame through spatial
indexes and draws it straight onto the PDF canvas (:func:`zone_map_flowable`), or onto
an SVG (:mod:`outputs._svg_canvas`) in the security plan's HTML. The map shows the zone and its
neighbours in the station's one zone colouring (:mod:`outputs.zone_colours`), roads and
water, the households numbered as in the warden's table (labels spread apart with
leader lines where homes crowd, :mod:`outputs._label_layout`), the warden's and
deputy's homes, the zone's routes, points and nearest hospitals, a scale bar, north and
a legend strip under the frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from reportlab.lib.colors import HexColor, white
from reportlab.pdfgen.canvas import FILL_EVEN_ODD
from reportlab.platypus import Flowable

from outputs import fonts
from outputs._label_layout import needs_leader, spread_labels
from outputs._zone_map import (
    KM,
    MAJOR_ROADS,
    MINOR_ROADS,
    PAD_SHARE,
    POINT_COLOURS,
    ZONE_BLUE,
    scale_length_m,
)
from outputs.zone_colours import zone_colours
from stations.text import text_of
from zones.plan import PlannedStation

ZONE_TINT = 0.12  # the zone's colour over white, drawn under the roads
HOME_RED = "#c0392b"
HOSPITAL_RED = "#c62828"
LEGEND_PT = 24.0  # the legend strip under the map: two rows
LEGEND_FONT_PT = 7.0
WATER_FILL, WATER_LINE = "#cfe3f3", "#9cc3e4"
MIN_SPAN_M = 220.0  # a zone of one household still shows its streets
EDGE_PAD_M = 11.0
SIMPLIFY_PT = 0.25  # vertices closer than this to the drawn line (in points) are dropped
HOUSEHOLD_RADIUS_PT = 4.0
TRIANGLE_PT = 5.0  # centre to corner
STAR_PT = 6.0  # centre to tip
POLYGON = 3  # GEOS type id
_colour = cache(HexColor)  # a colour is parsed once: a map sets a hundred


@dataclass(frozen=True)
class _Layer:
    """Background geometries of one style, with a spatial index."""

    geometries: np.ndarray
    tree: shapely.STRtree
    colour: str
    width: float
    fill: bool


@dataclass(frozen=True)
class ZoneMapLayers:
    """What the zone maps of one plan draw, projected to the station's CRS.

    Attributes
    ----------
    zones
        Zone polygons indexed by ``zone_id``, with ``warden_id`` and ``deputy_id``.
    zone_tree
        Spatial index of ``zones.geometry``, in row order.
    zone_ids, zone_geometries
        ``zones``' ids and polygons as arrays, in row order.
    background
        OSM water and roads, in drawing order.
    routes
        Zone id -> the surveyed lines of its way out (to its assembly point, then
        onwards), each with its colour; legs not surveyed are never drawn.
    households
        Household id -> x and y, metres.
    points
        Assembly and concentration points indexed by ``point_id``, with ``kind``.
    homes
        Staff id -> x and y of their home, metres.
    colours
        Zone id -> its colour (:func:`outputs.zone_colours.zone_colours`).
    """

    zones: gpd.GeoDataFrame
    zone_tree: shapely.STRtree
    zone_ids: np.ndarray
    zone_geometries: np.ndarray
    background: tuple[_Layer, ...]
    routes: dict[str, list[tuple[shapely.Geometry, str]]]
    households: dict[str, tuple[float, float]]
    points: gpd.GeoDataFrame
    homes: dict[str, tuple[float, float]]
    colours: dict[str, str]


def prepare_zone_maps(plan: PlannedStation) -> ZoneMapLayers:
    """Index what the zone maps draw (in the station's CRS, as the plan is), once per plan.

    Parameters
    ----------
    plan
        The planned station.

    Returns
    -------
    ZoneMapLayers
        The layers, for :func:`zone_map_flowable`.
    """
    zones = plan.zones[["zone_id", "warden_id", "deputy_id", "geometry"]]
    zones = zones.set_index("zone_id", drop=False)
    households = plan.households
    xy = shapely.get_coordinates(households.geometry.to_numpy())
    staff = plan.staff[plan.staff.geometry.notna() & ~plan.staff.geometry.is_empty]
    homes = shapely.get_coordinates(staff.geometry.to_numpy())
    points = plan.station.points
    points = points[points["status"] == "accepted"].set_index("point_id", drop=False)
    return ZoneMapLayers(
        zones=zones,
        zone_tree=shapely.STRtree(zones.geometry.to_numpy()),
        zone_ids=zones["zone_id"].to_numpy(dtype=object),
        zone_geometries=zones.geometry.to_numpy(),
        background=_background(plan),
        routes=_routes(plan.routes),
        households=dict(zip(households["household_id"], map(tuple, xy), strict=True)),
        points=points,
        homes=dict(zip(staff["staff_id"], map(tuple, homes), strict=True)),
        colours=zone_colours(zones),
    )


def _background(plan: PlannedStation) -> tuple[_Layer, ...]:
    osm = plan.station.osm
    if osm is None:
        return ()
    layers: list[tuple[gpd.GeoSeries, str, float, bool]] = []
    water = osm.water
    if len(water):
        water = water.geometry
        polygon = water.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        layers += [
            (water[polygon], WATER_FILL, 0.0, True),
            (water[~polygon], WATER_LINE, 0.8, False),
        ]
    roads = osm.roads
    if len(roads):
        kind = roads["highway"].astype(str)
        projected = roads.geometry
        layers += [
            (projected[~kind.isin([*MAJOR_ROADS, *MINOR_ROADS]).to_numpy()], "#d4d4d4", 0.3, False),
            (projected[kind.isin(MINOR_ROADS).to_numpy()], "#bdbdbd", 0.6, False),
            (projected[kind.isin(MAJOR_ROADS).to_numpy()], "#9e9e9e", 1.3, False),
        ]
    out = []
    for series, colour, width, fill in layers:
        geometries = series[series.notna() & ~series.is_empty].to_numpy()
        if len(geometries):
            out.append(_Layer(geometries, shapely.STRtree(geometries), colour, width, fill))
    return tuple(out)


def _routes(routes: gpd.GeoDataFrame) -> dict[str, list[tuple[shapely.Geometry, str]]]:
    """Return per zone its surveyed first route to its assembly point and onward from there.

    Legs not surveyed (beyond the street extract, or straight lines without one) are
    never drawn on a warden's map: they would run across it to a place off it.
    """
    drawn = routes[
        routes.geometry.notna()
        & ~routes.geometry.is_empty
        & routes["surveyed"].astype(bool)
        & ~routes["alternate"].astype(bool)
    ]
    onward: dict[str, list[shapely.Geometry]] = {}
    for kind, origin, line in zip(drawn["kind"], drawn["origin_id"], drawn.geometry, strict=True):
        if kind == "assembly_to_concentration":
            onward.setdefault(origin, []).append(line)
    out: dict[str, list[tuple[shapely.Geometry, str]]] = {}
    firsts = drawn[drawn["kind"] == "zone_to_assembly"]
    for origin, destination, line in zip(
        firsts["origin_id"], firsts["destination_id"], firsts.geometry, strict=True
    ):
        lines = out.setdefault(origin, [])
        lines.append((line, POINT_COLOURS["assembly"]))
        lines += [(leg, POINT_COLOURS["concentration"]) for leg in onward.get(destination, [])]
    return out


def zone_map_flowable(
    layers: ZoneMapLayers,
    zone_id: str,
    household_ids: Sequence[str],
    point_ids: Sequence[str],
    *,
    width: float,
    height: float,
    min_height: float | None = None,
    replayed: bool = True,
) -> Flowable:
    """Return a flowable that draws one zone's map as vector paths.

    Parameters
    ----------
    layers
        The plan's layers from :func:`prepare_zone_maps`.
    zone_id
        The zone drawn.
    household_ids
        The zone's households in table order (numbered from 1 on the map).
    point_ids
        The assembly and concentration points to show.
    width, height
        The map's size on the page, points; the legend strip is added below.
    min_height
        When given, the map shrinks down to this height to fit what is left of the page.
    replayed
        Record the drawing once per height and replay it on every canvas it is drawn on
        (a document with contents is drawn three times, its HTML once more); False paints
        it straight onto the canvas, for a document laid out once (a warden list).

    Returns
    -------
    reportlab.platypus.Flowable
        The map, framed, ``width`` by ``height`` plus the legend's ``LEGEND_PT``.
    """
    zone = layers.zones.at[zone_id, "geometry"]
    homes_xy = np.array([layers.households[h] for h in household_ids], dtype=float)
    points = _MapPoints.of(layers.points.loc[[p for p in point_ids if p in layers.points.index]])
    zone_colour = layers.colours.get(zone_id, ZONE_BLUE)

    def paint(canvas: Any, height: float) -> None:
        framed = [k != "hospital" for k in points.kinds]  # drawn when near, never widen the map
        west, south, east, north = _extent(
            zone, homes_xy, points.geometries[framed], points.xy[framed], width / height
        )
        frame = _Frame(west, south, width / (east - west), width, height)
        box = shapely.box(west, south, east, north)
        _legend(
            canvas,
            width,
            has_hospital="hospital" in points.kinds,
            has_route=bool(layers.routes.get(zone_id)),
        )
        canvas.saveState()
        canvas.translate(0, LEGEND_PT)
        clip = canvas.beginPath()
        clip.rect(0, 0, width, height)
        canvas.clipPath(clip, stroke=0, fill=0)
        _fill(canvas, frame, [zone], _tint(zone_colour, ZONE_TINT))
        for layer in layers.background:
            near = shapely.clip_by_rect(layer.geometries[layer.tree.query(box)], *box.bounds)
            if layer.fill:
                _fill(canvas, frame, near, layer.colour)
            else:
                _stroke(canvas, frame, near, layer.colour, layer.width)
        _neighbours(canvas, frame, layers, zone_id, box)
        _stroke(canvas, frame, [zone], zone_colour, 1.8)
        for line, colour in layers.routes.get(zone_id, []):
            clipped = [shapely.clip_by_rect(line, *box.bounds)]
            _stroke(canvas, frame, clipped, colour, 1.4, (4, 2))
        homes = _homes(frame, layers, zone_id)
        _stars(canvas, homes)
        letters = [(x + 5, y + 4, text) for x, y, text in homes]
        symbols = frame.page(points.xy)
        taken = [(x, y) for x, y, _ in homes] + [(x + 6, y + 3) for x, y, _ in letters]
        taken += [tuple(xy) for xy in symbols]
        for (x, y), point_id in zip(symbols, points.ids, strict=True):
            text_width = 4.2 * len(str(point_id))  # the id's label, 7 pt, right of the symbol
            taken += [(x + 9, y - 0.5), (x + 3 + text_width, y - 0.5)]
        _households(canvas, frame, homes_xy, np.array(taken, dtype=float).reshape(-1, 2))
        for x, y, text in letters:
            _halo_text(canvas, x, y, text, 8, HOME_RED)
        _points(canvas, frame, points)
        canvas.restoreState()
        canvas.saveState()
        canvas.translate(0, LEGEND_PT)
        _furniture(canvas, frame, east - west)
        canvas.restoreState()

    low = height if min_height is None else min(min_height, height)
    return _Map(width, (low + LEGEND_PT, height + LEGEND_PT), paint, replayed=replayed)


@dataclass(frozen=True)
class _MapPoints:
    """The points a map shows, as plain arrays (a frame's columns cost more to read)."""

    ids: list[Any]
    kinds: list[str]
    geometries: np.ndarray
    xy: np.ndarray  # (n, 2), metres

    @classmethod
    def of(cls, points: gpd.GeoDataFrame) -> _MapPoints:
        geometries = points.geometry.to_numpy()
        xy = shapely.get_coordinates(geometries).reshape(-1, 2)
        return cls(list(points["point_id"]), list(points["kind"]), geometries, xy)


class _Map(Flowable):
    """A flowable drawn by a function of the canvas and its height, as tall as fits.

    The function runs once per height: its canvas calls are recorded and replayed on
    each canvas drawn (reportlab draws a document with contents three times; the HTML
    draws it once more as SVG), unless it is drawn once (``replayed`` False).
    """

    def __init__(
        self,
        width: float,
        heights: tuple[float, float],
        paint: Callable[[Any, float], None],
        *,
        replayed: bool = True,
    ) -> None:
        super().__init__()
        self.width, self._heights, self._paint = width, heights, paint
        self.height = heights[1]
        self._replayed = replayed
        self._recorded: dict[float, _Recording] = {}

    def wrap(self, _width: float, available: float) -> tuple[float, float]:
        low, high = self._heights
        self.height = max(low, min(high, available - 1))
        return self.width, self.height

    def draw(self) -> None:
        if not self._replayed:
            self._paint(self.canv, self.height - LEGEND_PT)
            return
        recording = self._recorded.get(self.height)
        if recording is None:
            recording = _Recording(self.canv)
            self._paint(recording, self.height - LEGEND_PT)
            self._recorded[self.height] = recording
        recording.replay(self.canv)


class _Recording:
    """Canvas calls, and the paths and texts they build, kept to be replayed on a canvas."""

    def __init__(self, canvas: Any, factory: str = "", args: tuple[Any, ...] = ()) -> None:
        self._canvas, self._factory, self._args = canvas, factory, args
        self._calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def stringWidth(self, *args: Any) -> float:  # noqa: N802 - reportlab's name
        return float(self._canvas.stringWidth(*args))

    def beginPath(self) -> _Recording:  # noqa: N802 - reportlab's name
        return _Recording(self._canvas, "beginPath")

    def beginText(self, *args: Any) -> _Recording:  # noqa: N802 - reportlab's name
        return _Recording(self._canvas, "beginText", args)

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name.startswith("_"):  # copy's and pickle's hooks: not canvas calls
            raise AttributeError(name)

        def record(*args: Any, **kwargs: Any) -> None:
            self._calls.append((name, args, kwargs))

        return record

    def replay(self, canvas: Any) -> Any:
        """Make the calls on ``canvas`` (or on the object made from it); return that."""
        target = getattr(canvas, self._factory)(*self._args) if self._factory else canvas
        for name, args, kwargs in self._calls:
            made = [a.replay(canvas) if isinstance(a, _Recording) else a for a in args]
            getattr(target, name)(*made, **kwargs)
        return target


@dataclass(frozen=True)
class _Frame:
    """Metres to page points: ``(x - west) * scale``."""

    west: float
    south: float
    scale: float
    width: float
    height: float

    def page(self, coords: npt.ArrayLike) -> np.ndarray:
        return (np.asarray(coords, dtype=float) - (self.west, self.south)) * self.scale


def _extent(
    zone: shapely.Geometry,
    homes_xy: np.ndarray,
    points: np.ndarray,
    points_xy: np.ndarray,
    aspect: float,
) -> tuple[float, float, float, float]:
    """Return a box around the zone, its households and nearby points, at the map's shape."""
    bounds = np.array(zone.bounds).reshape(2, 2)
    if len(homes_xy):
        bounds = np.vstack([bounds, homes_xy])
    low, high = bounds.min(axis=0), bounds.max(axis=0)
    span = max(*(high - low), MIN_SPAN_M)
    near = [tuple(xy) for p, xy in zip(points, points_xy, strict=True) if p.distance(zone) < span]
    if near:
        low, high = np.minimum(low, np.min(near, axis=0)), np.maximum(high, np.max(near, axis=0))
    pad = (high - low) * PAD_SHARE + EDGE_PAD_M
    (west, south), (east, north) = low - pad, high + pad
    if (east - west) / (north - south) < aspect:  # widen the short side to fill the frame
        extra = ((north - south) * aspect - (east - west)) / 2
        west, east = west - extra, east + extra
    else:
        extra = ((east - west) / aspect - (north - south)) / 2
        south, north = south - extra, north + extra
    return west, south, east, north


def _path(canvas: Any, frame: _Frame, geometries: Any, *, closed: bool) -> Any:
    """Return one canvas path of the polygons' rings (``closed``) or of the lines, simplified."""
    path = canvas.beginPath()
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    parts = shapely.simplify(parts[~shapely.is_empty(parts)], SIMPLIFY_PT / frame.scale)
    if closed:
        polygons = parts[shapely.get_type_id(parts) == POLYGON]
        parts = shapely.get_parts(shapely.boundary(polygons)) if len(polygons) else polygons
    for line in parts:
        xy = frame.page(shapely.get_coordinates(line))
        if len(xy) < 2:  # noqa: PLR2004 - a path needs two vertices
            continue
        path.moveTo(*xy[0])
        for x, y in xy[1:]:
            path.lineTo(x, y)
        if closed:
            path.close()
    return path


def _fill(canvas: Any, frame: _Frame, geometries: Any, colour: str) -> None:
    canvas.setFillColor(_colour(colour))
    path = _path(canvas, frame, geometries, closed=True)
    canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_EVEN_ODD)


def _stroke(
    canvas: Any,
    frame: _Frame,
    geometries: Any,
    colour: str,
    width: float,
    dash: tuple[float, float] | None = None,
) -> None:
    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    polygon = shapely.get_type_id(parts) == POLYGON
    outlines = [*parts[~polygon], *shapely.boundary(parts[polygon])]
    canvas.setStrokeColor(_colour(colour))
    canvas.setLineWidth(width)
    canvas.setLineJoin(1)
    canvas.setLineCap(0)
    canvas.setDash(list(dash) if dash else [])
    canvas.drawPath(_path(canvas, frame, outlines, closed=False), stroke=1, fill=0)
    canvas.setDash([])


def _neighbours(
    canvas: Any, frame: _Frame, layers: ZoneMapLayers, zone_id: str, box: shapely.Geometry
) -> None:
    hits = np.sort(layers.zone_tree.query(box, predicate="intersects"))
    hits = hits[layers.zone_ids[hits] != zone_id]
    if not len(hits):
        return
    geometries = layers.zone_geometries[hits]  # the neighbours, in zone order
    outlines = shapely.clip_by_rect(shapely.boundary(geometries), *box.bounds)
    inside = shapely.point_on_surface(shapely.intersection(geometries, box))
    spots = frame.page(np.column_stack([shapely.get_x(inside), shapely.get_y(inside)]))
    canvas.setFont(fonts.REGULAR, 7)
    for other, outline, (x, y) in zip(layers.zone_ids[hits], outlines, spots, strict=True):
        colour = layers.colours.get(other, ZONE_BLUE)
        _stroke(canvas, frame, [outline], colour, 0.8, (2.2, 1.0))
        canvas.setFillColor(_colour(colour))
        canvas.drawCentredString(x, y - 2.5, fonts.shape_text(str(other)))


def _households(canvas: Any, frame: _Frame, homes_xy: np.ndarray, taken: np.ndarray) -> None:
    """Draw the numbered households, spread apart with a leader line where homes crowd.

    Labels also keep clear of ``taken``: the W and D letters and the points' symbols and ids.
    """
    blue = _colour(ZONE_BLUE)
    spots = frame.page(homes_xy) if len(homes_xy) else homes_xy.reshape(-1, 2)
    gap = 2 * HOUSEHOLD_RADIUS_PT + 0.6
    labels = spread_labels(spots, gap, bounds=(0, 0, frame.width, frame.height), taken=taken)
    canvas.setStrokeColor(blue)
    canvas.setFillColor(blue)
    canvas.setLineWidth(0.6)
    for spot, label in zip(spots, labels, strict=True):
        if needs_leader(spot, label, gap):
            canvas.line(*spot, *label)
            canvas.circle(*spot, 1.2, stroke=0, fill=1)
    _household_symbols(canvas, labels, [str(n) for n in range(1, len(labels) + 1)])


def _homes(frame: _Frame, layers: ZoneMapLayers, zone_id: str) -> list[tuple[float, float, str]]:
    """Return where the warden's (W) and deputy's (D) homes are on the page.

    Two homes closer than a star share one star and one label, ``W D``.
    """
    zone = layers.zones.loc[zone_id]
    spots: list[tuple[float, float, str]] = []
    for column, letter in (("warden_id", "W"), ("deputy_id", "D")):
        home = layers.homes.get(text_of(zone[column]))
        if home is not None:
            ((x, y),) = frame.page([home])
            if spots and np.hypot(spots[0][0] - x, spots[0][1] - y) < 2 * STAR_PT:
                spots[0] = (*spots[0][:2], f"{spots[0][2]} {letter}")
            else:
                spots.append((x, y, letter))
    return spots


def _stars(canvas: Any, spots: list[tuple[float, float, str]]) -> None:
    angles = np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, STAR_PT, STAR_PT * 0.4)
    for x, y, _letter in spots:
        _polygon(canvas, x + radii * np.cos(angles), y + radii * np.sin(angles), HOME_RED, 0.6)


def _points(canvas: Any, frame: _Frame, points: _MapPoints) -> None:
    for point_id, kind, (x, y) in zip(points.ids, points.kinds, frame.page(points.xy), strict=True):
        colour = _point_symbol(canvas, x, y, kind)
        _halo_text(canvas, x + 6, y - 3, fonts.shape_text(str(point_id)), 7, colour)


def _point_symbol(canvas: Any, x: float, y: float, kind: str) -> str:
    """Draw a point's symbol (a cross for a hospital, else a triangle); return its colour."""
    if kind == "hospital":
        arm, half = TRIANGLE_PT, TRIANGLE_PT * 0.38
        xs = np.array([-half, half, half, arm, arm, half, half, -half, -half, -arm, -arm, -half])
        ys = np.array([arm, arm, half, half, -half, -half, -arm, -arm, -half, -half, half, half])
        _polygon(canvas, x + xs, y + ys, HOSPITAL_RED, 0.8)
        return HOSPITAL_RED
    colour = POINT_COLOURS.get(kind, "#555555")
    angles = np.pi / 2 + np.arange(3) * 2 * np.pi / 3
    _polygon(
        canvas, x + TRIANGLE_PT * np.cos(angles), y + TRIANGLE_PT * np.sin(angles), colour, 0.8
    )
    return colour


def _legend(canvas: Any, width: float, *, has_hospital: bool, has_route: bool) -> None:
    """Draw the map's legend under the frame, in rows that wrap at the map's width."""
    items: list[tuple[Callable[[float, float], object], str]] = [
        (
            lambda x, y: _household_symbols(canvas, [(x, y)], ["1"]),
            "Household (number in the table)",
        ),
        (lambda x, y: _stars(canvas, [(x, y, "W")]), "W warden's home, D deputy's home"),
        (lambda x, y: _point_symbol(canvas, x, y, "assembly"), "Assembly point"),
        (lambda x, y: _point_symbol(canvas, x, y, "concentration"), "Concentration point"),
    ]
    if has_hospital:
        items.append((lambda x, y: _point_symbol(canvas, x, y, "hospital"), "Hospital"))
    if has_route:  # surveyed only: a leg not surveyed is never drawn here
        items.append((lambda x, y: _route_symbol(canvas, x, y), "Route out (dashed)"))
    canvas.saveState()
    x, y = 4.0, LEGEND_PT - 7
    for draw, text in items:
        span = 14 + canvas.stringWidth(text, fonts.REGULAR, LEGEND_FONT_PT) + 10
        if x + span > width:
            x, y = 4.0, y - 10
        draw(x + 6, y)
        canvas.setFillColor(_colour("#000000"))
        canvas.setFont(fonts.REGULAR, LEGEND_FONT_PT)
        canvas.drawString(x + 14, y - 2.4, text)
        x += span
    canvas.restoreState()


def _household_symbols(
    canvas: Any, spots: np.ndarray | Sequence[Any], numbers: Sequence[str]
) -> None:
    """Draw each household's numbered circle at its spot (pen and font set once for all)."""
    blue = _colour(ZONE_BLUE)
    canvas.setStrokeColor(blue)
    canvas.setLineWidth(0.9)
    canvas.setFont(fonts.BOLD, 5.2)
    for (x, y), number in zip(spots, numbers, strict=True):
        canvas.setFillColor(white)
        canvas.circle(x, y, HOUSEHOLD_RADIUS_PT, stroke=1, fill=1)
        canvas.setFillColor(blue)
        canvas.drawCentredString(x, y - 1.85, number)


def _route_symbol(canvas: Any, x: float, y: float) -> None:
    canvas.setStrokeColor(_colour(POINT_COLOURS["assembly"]))
    canvas.setLineWidth(1.4)
    canvas.setDash([4, 2])
    canvas.line(x - 6, y, x + 6, y)
    canvas.setDash([])


def _tint(colour: str, share: float) -> str:
    """Return ``colour`` at ``share`` opacity over white, as hex."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    mixed = np.round(255 - (255 - rgb) * share).astype(int)
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _polygon(canvas: Any, xs: np.ndarray, ys: np.ndarray, colour: str, edge: float) -> None:
    path = canvas.beginPath()
    path.moveTo(xs[0], ys[0])
    for x, y in zip(xs[1:], ys[1:], strict=True):
        path.lineTo(x, y)
    path.close()
    canvas.setFillColor(_colour(colour))
    canvas.setStrokeColor(white)
    canvas.setLineWidth(edge)
    canvas.drawPath(path, stroke=1, fill=1)


def _halo_text(canvas: Any, x: float, y: float, text: str, size: float, colour: str) -> None:
    """Draw bold text with a white halo, so that it reads over lines and fills."""
    font = fonts.font_for(text, bold=True)
    canvas.setLineWidth(2.2)
    canvas.setLineJoin(1)
    canvas.setStrokeColor(white)
    canvas.setFillColor(_colour(colour))
    text_object = canvas.beginText(x, y)
    text_object.setFont(font, size)
    text_object.setTextRenderMode(1)  # the halo's stroke, then the letters over it
    text_object.textOut(text)
    text_object.setTextOrigin(x, y)
    text_object.setTextRenderMode(0)  # the mode outlives the text object: end on fill
    text_object.textOut(text)
    canvas.drawText(text_object)


def _furniture(canvas: Any, frame: _Frame, width_m: float) -> None:
    """Draw the frame, the scale bar and the north arrow."""
    canvas.setStrokeColor(_colour("#000000"))
    canvas.setFillColor(_colour("#000000"))
    canvas.setLineWidth(0.8)
    canvas.rect(0, 0, frame.width, frame.height, stroke=1, fill=0)
    length = scale_length_m(width_m)
    x0, y0 = frame.width * 0.03, frame.height * 0.04
    x1 = x0 + length * frame.scale
    canvas.setLineWidth(2.2)
    canvas.line(x0, y0, x1, y0)
    canvas.setFont(fonts.REGULAR, 7)
    label = f"{length // KM} km" if length >= KM else f"{length} m"
    canvas.drawCentredString((x0 + x1) / 2, y0 + 3.5, label)
    top, x = frame.height * 0.96, frame.width * 0.975
    canvas.setFont(fonts.BOLD, 9)
    canvas.drawCentredString(x, top - 8, "N")
    canvas.setLineWidth(1)
    canvas.line(x, frame.height * 0.80, x, frame.height * 0.88)
    head = canvas.beginPath()
    head.moveTo(x, frame.height * 0.90)
    head.lineTo(x - 3, frame.height * 0.90 - 8)
    head.lineTo(x + 3, frame.height * 0.90 - 8)
    head.close()
    canvas.drawPath(head, stroke=0, fill=1)


__all__ = ["ZoneMapLayers", "prepare_zone_maps", "zone_map_flowable"]
