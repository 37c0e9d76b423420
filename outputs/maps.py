"""Interactive maps: the station's evacuation map and one map per warden zone, offline.

``map.html`` shows the whole duty station for the DO and the CSA; ``maps/<zone_id>.html``
shows one zone for its warden, with only that zone's households. Pages are built with
folium and load Leaflet and its plugins from ``maps/assets/`` beside them (shipped with
the package), so they open with no internet; the basemap is drawn from the station's
OSM extract. Online tiles are added only on request.

Each page kind is rendered once with folium; the data of a page (GeoJSON of every
layer, plain text only) is then written into it as one JSON object, which keeps a plan
of thousands of zones fast and every page byte-for-byte reproducible.
"""

from __future__ import annotations

import json
import logging
import string
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

import folium
import folium.plugins
import geopandas as gpd
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from outputs._map_assets import asset_links, copy_assets
from outputs._map_basemap import STYLES as BASEMAP_STYLES
from outputs._map_basemap import Basemap
from outputs._map_layers import (
    NOT_SURVEYED,
    OFFICE_COLOURS,
    POINT_LAYERS,
    ROUTE_LABELS,
    ROUTE_STYLES,
    STRAIGHT_LINE_STYLE,
    MapStatus,
    Roster,
    appointee_layer,
    area_layer,
    as_neighbour,
    collection,
    household_layer,
    office_layer,
    point_layer,
    repeater_layer,
    route_layer,
    site_layer,
    zone_layer,
)
from outputs.degrees import plan_in_degrees
from outputs.escape import BIDI_CONTROLS, html_text
from outputs.file_names import safe_file_names
from outputs.redaction import redact_planned
from outputs.zone_colours import zone_colours
from stations.osm import OsmExtract
from stations.text import text_of
from stations.zones_file import zone_title
from zones.plan import PlannedStation

__all__ = ["MapStatus", "tile_layer_of", "write_maps"]

logger = logging.getLogger(__name__)

PLACEHOLDER = "__WARDEN_PLANNER_DATA__"
TITLE_PLACEHOLDER = "__WARDEN_PLANNER_TITLE__"
# folium's page, made valid HTML: one charset declaration (first), a title, and every
# script inside the body.
PAGE_TEMPLATE = Template(
    "<!DOCTYPE html>\n"
    '<html lang="en">\n'
    "<head>\n"
    '<meta charset="utf-8">\n'
    f"<title>{TITLE_PLACEHOLDER}</title>\n"
    "{{ this.header.render(**kwargs) }}\n"
    "</head>\n"
    "<body>\n"
    "{{ this.html.render(**kwargs) }}\n"
    "<script>\n"
    "{{ this.script.render(**kwargs) }}\n"
    "</script>\n"
    "</body>\n"
    "</html>\n"
)
PAD_SHARE = 1.0  # basemap drawn around a zone on its warden's map, as a share of its size
OSM_TILES = "osm"
NO_TILES = "none"
# (key, name in the layer control, Leaflet options, shown when the page opens)
STATION_LAYERS = (
    ("basemap", "Streets and water (OpenStreetMap extract)",
     {"kind": "area", "canvas": True, "interactive": False}, True),
    ("areas", "Areas and their coordinators",
     {"kind": "area", "style": {"color": "#6a1b9a", "weight": 2.5, "dashArray": "8 6",
                                "fill": False}}, True),
    ("zones", "Warden zones", {"kind": "area", "className": "wz-zone", "labels": True}, True),
    ("routes", "Evacuation and relocation routes", {"kind": "line"}, True),
    ("coverage", "Radio repeater coverage", {"kind": "circle"}, True),
    ("households", "Households",
     {"kind": "dot", "cluster": True, "style": {"radius": 5, "color": "#ffffff", "weight": 1,
                                                "fillColor": "#37474f", "fillOpacity": 0.9}},
     True),
    ("appointees", "Wardens and deputies", {"kind": "symbol"}, True),
    ("offices", "Offices (MOSS status)", {"kind": "symbol"}, True),
    ("assembly", "Assembly, concentration, relocation and hibernation points", {"kind": "symbol"},
     True),
    ("hospitals", "Hospitals", {"kind": "symbol"}, True),
    ("hotels", "Hotels", {"kind": "symbol"}, True),
    ("repeaters", "Radio repeaters", {"kind": "symbol"}, True),
    ("other", "Airports, border crossings and police", {"kind": "symbol"}, True),
    ("sites", "Suggested sites (MOSS gaps)", {"kind": "symbol"}, True),
)  # fmt: skip
ALTERNATE = "alternate"  # the legend entry of alternate routes
# The legend: a page keeps the route entries of what it draws ("route" says which).
LEGEND: tuple[dict[str, Any], ...] = (
    {"key": "zone", "fill": "rgba(31,120,180,0.25)", "colour": "#1f78b4", "label": "Warden zone"},
    {"key": "dashed", "colour": "#6a1b9a", "label": "Area (coordinated by an ASC, CSA or CSFP)"},
    {"key": "dot", "fill": "#37474f", "label": "Household"},
    {"symbol": "warden", "label": "Warden"},
    {"symbol": "deputy", "label": "Deputy warden"},
    {"key": "office", "fill": OFFICE_COLOURS["pass"], "label": "Office meeting MOSS"},
    {"key": "office", "fill": OFFICE_COLOURS["fail"], "label": "Office with MOSS gaps"},
    {"symbol": "assembly", "label": "Assembly point"},
    {"symbol": "concentration", "label": "Concentration point"},
    {"symbol": "safe_haven", "label": "Safe haven"},
    {"symbol": "relocation_site", "label": "Relocation site"},
    {"symbol": "hibernation", "label": "Hibernation site"},
    {"symbol": "hospital", "label": "Hospital"},
    {"symbol": "hotel", "label": "Hotel"},
    {"symbol": "repeater", "label": "Radio repeater (circle: coverage)"},
    {"symbol": "suggested", "label": "Suggested assembly or concentration site"},
    *({"key": "line", "fill": ROUTE_STYLES[kind]["color"], "label": label, "route": kind}
      for kind, label in ROUTE_LABELS.items()),
    {"key": "dashed-line", "colour": ROUTE_STYLES["zone_to_assembly"]["color"],
     "label": "Alternate route, avoiding the first one's streets (finely dashed)",
     "route": ALTERNATE},
    {"key": "dashed-line", "colour": STRAIGHT_LINE_STYLE["color"], "label": NOT_SURVEYED,
     "route": NOT_SURVEYED},
    {"symbol": "airport", "label": "Airport"},
    {"symbol": "border_crossing", "label": "Border crossing"},
    {"symbol": "police", "label": "Police"},
    {"key": "line", "fill": BASEMAP_STYLES["major_roads"]["color"], "label": "Major road"},
    {"key": "zone", "fill": BASEMAP_STYLES["water_area"]["fillColor"], "label": "Water"},
)  # fmt: skip


def write_maps(
    planned: PlannedStation,
    folder: Path,
    *,
    osm: OsmExtract | None = None,
    tiles: str = NO_TILES,
    redact: bool = False,
    status: MapStatus | None = None,
    sites: gpd.GeoDataFrame | None = None,
) -> list[Path]:
    """Write ``map.html`` and, unless redacted, ``maps/<file name>.html`` for each zone.

    The file name is the safe form of the zone id (:func:`outputs.file_names.safe_file_names`).

    Parameters
    ----------
    planned
        The planned station.
    folder
        The plan folder (existing).
    osm
        The station's OSM extract for the offline basemap, or ``None`` for none.
    tiles
        ``"none"`` (offline, the default), ``"osm"`` for OpenStreetMap tiles, or a tile
        URL template (``https://.../{z}/{x}/{y}.png``); online tiles are fetched by the
        browser when the page opens.
    redact
        A map for wide distribution: no names, phones or homes. The plan is drawn as
        `outputs.redaction.redact_planned` redacts it (zones on a grid, routes from zones
        cut short and unmeasured); households show only as counts per zone, and no
        per-zone map is written.
    status
        MOSS results to colour offices and describe zones.
    sites
        Suggested assembly and concentration sites (``zones.sites.SITE_COLUMNS``).

    Returns
    -------
    list of pathlib.Path
        The pages and the shared assets written.
    """
    status = status or MapStatus()
    tile_layer = tile_layer_of(tiles)
    if redact:
        planned = redact_planned(planned)
    planned = plan_in_degrees(planned)
    basemap = Basemap.from_extract(osm)
    roster = Roster(planned)
    colours = zone_colours(planned.zones)
    shared = _shared_layers(planned, status) | {"sites": site_layer(sites)}
    maps_dir = folder / "maps"
    paths = copy_assets(maps_dir / "assets")

    station_page = _page_template(prefix="maps/assets/", tile_layer=tile_layer, cluster=True)
    zones = zone_layer(planned, roster, status, colours, redact=redact)
    routes = route_layer(planned)
    households = _empty() if redact else household_layer(planned, roster)
    appointees = _empty() if redact else appointee_layer(planned, roster)
    station_data = {
        **shared,
        "basemap": basemap.features(),
        "areas": area_layer(planned, roster, redact=redact),
        "zones": zones,
        "routes": routes,
        "households": households,
        "appointees": appointees,
    }
    level = planned.station.config.station.security_level
    subtitle = f"Security level {level} · {len(planned.zones)} zones · " + (
        f"{len(planned.households)} households" + (" · redacted" if redact else "")
    )
    bounds = planned.station.boundary.total_bounds if len(planned.station.boundary) else None
    paths.append(
        _write_page(
            folder / "map.html",
            station_page,
            station_data,
            title=f"{planned.station.name}: warden zones and evacuation",
            subtitle=subtitle,
            bounds=bounds if bounds is not None else planned.zones.total_bounds,
        )
    )
    if redact:
        return paths
    zone_page = _page_template(prefix="assets/", tile_layer=tile_layer, cluster=False)
    # What every zone page repeats is written as JSON once: the shared layers, and each
    # zone drawn as itself and as a neighbour.
    shared_json = {key: _Encoded(_json(layer)) for key, layer in shared.items()}
    zone_features = zones["features"]
    own_json = [_json(f) for f in zone_features]
    neighbour_json = [_json(as_neighbour(f)) for f in zone_features]
    homes_by_zone = _by_zone(households)
    appointees_by_zone = _by_zone(appointees)
    zone_routes = _ZoneRoutes(routes["features"])
    zones_sindex = planned.zones.sindex
    file_names = safe_file_names(planned.zones["zone_id"])
    for number, zone in enumerate(planned.zones.itertuples()):
        zone_id = str(zone.zone_id)
        bounds = _padded(zone.geometry.bounds)
        nearby = sorted(zones_sindex.query(_box(bounds), predicate="intersects"))
        data = {
            **shared_json,
            "basemap": basemap.features(bounds),
            "areas": _empty(),
            "zones": _Encoded(
                _collection_json(own_json[i] if i == number else neighbour_json[i] for i in nearby)
            ),
            "routes": collection(zone_routes.of(zone_id)),
            "households": collection(homes_by_zone.get(zone_id, [])),
            "appointees": collection(appointees_by_zone.get(zone_id, [])),
        }
        warden = roster.contact(zone.warden_id)
        paths.append(
            _write_page(
                maps_dir / f"{file_names[zone_id]}.html",
                zone_page,
                data,
                title=f"{zone_title(zone_id)} {text_of(zone.zone_name)}".strip(),
                subtitle=f"{planned.station.name} · warden: {warden}",
                bounds=zone.geometry.bounds,
            )
        )
    logger.info("maps: %d pages", len(planned.zones) + 1)
    return paths


def legend_of(routes: list[dict]) -> list[dict]:
    """Return the legend of a page: every entry, the route kinds only as the page draws them.

    Each kind of leg drawn has its entry; alternates and legs not surveyed have theirs
    when the page draws one.
    """
    drawn = {r["properties"]["kind"] for r in routes}
    alternate = any(r["properties"]["alternate"] for r in routes)
    unsurveyed = any(not r["properties"]["surveyed"] for r in routes)
    keep = []
    for entry in LEGEND:
        kind = entry.get("route")
        if kind == ALTERNATE and not alternate:
            continue
        if kind == NOT_SURVEYED and not unsurveyed:
            continue
        if kind in ROUTE_LABELS and kind not in drawn:
            continue
        keep.append({k: v for k, v in entry.items() if k != "route"})
    return keep


def tile_layer_of(tiles: str) -> folium.TileLayer | None:
    """Return the online tile layer asked for, or ``None`` for an offline map.

    Raises
    ------
    ValueError
        When ``tiles`` is neither ``"none"``, ``"osm"`` nor an http(s) URL template
        with ``{z}``, ``{x}`` and ``{y}``.
    """
    if tiles == NO_TILES:
        return None
    if tiles == OSM_TILES:
        return folium.TileLayer("OpenStreetMap", name="OpenStreetMap tiles (online)")
    if tiles.startswith(("https://", "http://")) and all(k in tiles for k in ("{z}", "{x}", "{y}")):
        # Leaflet shows the attribution as HTML: the host is inserted as escaped text.
        attribution = "Online tiles: " + html_text(tiles.split("/")[2])
        return folium.TileLayer(tiles, attr=attribution, name="Online tiles")
    raise ValueError(
        f"--tiles {tiles!r}: use 'none', 'osm' or a URL template such as "
        "https://tile.example.org/{z}/{x}/{y}.png"
    )


def _shared_layers(planned: PlannedStation, status: MapStatus) -> dict[str, Any]:
    repeaters, coverage = repeater_layer(planned)
    layers = {key: point_layer(planned, kinds) for key, kinds in POINT_LAYERS.items()}
    return {**layers, "offices": office_layer(planned, status), "repeaters": repeaters,
            "coverage": coverage}  # fmt: skip


def _page_template(*, prefix: str, tile_layer: folium.TileLayer | None, cluster: bool) -> str:
    """Render a page's HTML once with folium, with placeholders for its title and data.

    The layer control and the legend open on a click; the view fits the station (or the
    zone) clear of the controls (``WZ.fit``).
    """
    page = folium.Map(location=[0, 0], zoom_start=2, tiles=None, control_scale=True, zoom_snap=0.25)
    _Script(
        f"var wzData = {PLACEHOLDER};\n$map.setMaxZoom(19);\n$map.fitBounds(wzData.bounds);",
        map=page,
    ).add_to(page)
    if tile_layer is not None:
        tile_layer.add_to(page)
    layers = {}
    for key, name, options, show in STATION_LAYERS:
        layer = _DataLayer(key, name, {**options, "cluster": cluster and options.get("cluster")})
        layer.show = show
        layer.add_to(page)
        layers[key] = layer
    folium.LayerControl(collapsed=True, position="topright").add_to(page)
    folium.plugins.Fullscreen(position="topleft", title="Full screen").add_to(page)
    folium.plugins.MeasureControl(
        position="topleft",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="sqmeters",
        secondary_area_unit="hectares",
    ).add_to(page)
    _Script(
        "WZ.search($map, $zones, 'Zone id, zone name or warden');\n"
        "WZ.title($map, wzData.title);\n"
        "WZ.legend($map, wzData.legend);\n"
        "WZ.fit($map, wzData.bounds);",
        map=page,
        zones=layers["zones"],
    ).add_to(page)
    _offline(page, prefix)
    html = page.get_root().render()
    assert html.count(PLACEHOLDER) == 1
    return html


def _write_page(
    path: Path,
    template: str,
    layers: dict[str, Any],
    *,
    title: str,
    subtitle: str,
    bounds: Any,
) -> Path:
    west, south, east, north = (round(float(b), 5) for b in bounds)
    data = {
        **layers,
        "legend": legend_of(layers["routes"]["features"]),
        "bounds": [[south, west], [north, east]],
        "title": {"title": title, "subtitle": subtitle},
    }
    head, tail = template.split(PLACEHOLDER)
    head = head.replace(TITLE_PLACEHOLDER, html_text(title), 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + _object_json(data) + tail, encoding="utf-8")
    return path


def _offline(page: folium.Map, prefix: str) -> None:
    """Load every script and style from the shipped assets; number elements in order."""
    scripts, styles = asset_links(prefix)
    for number, element in enumerate(_walk(page)):
        element._id = f"{number:03d}"  # noqa: SLF001 - folium names elements by random ids
        if hasattr(element, "default_js") and hasattr(element, "default_css"):
            element.default_js = []
            element.default_css = []
    page.default_js = scripts
    page.default_css = styles
    figure = cast("Figure", page.get_root())  # a folium Map's root is always its Figure
    figure._id = "page"  # noqa: SLF001
    figure._template = PAGE_TEMPLATE  # noqa: SLF001 - folium's has scripts after the body
    figure.header._children.pop("meta_http", None)  # noqa: SLF001 - charset is in the template


def _walk(element: Element) -> list[Element]:
    found = [element]
    for child in element._children.values():  # noqa: SLF001
        found.extend(_walk(child))
    return found


def _json(value: object) -> str:
    r"""Return JSON safe to place inside a <script> element, without bidi controls.

    The page writes every string with ``textContent``; control characters are written
    as ``\u`` escapes by :mod:`json`.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = BIDI_CONTROLS.sub("", text)  # a name must not flip the text around it
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):  # fmt: skip
        text = text.replace(raw, escaped)
    return text


class _Encoded(str):
    """A value already written as page JSON (`_json`): placed in a page as it is."""

    __slots__ = ()


def _object_json(data: dict[str, Any]) -> str:
    """Return ``_json(data)``, with the values already encoded (`_Encoded`) placed as they are.

    The text is the same as that of the whole object written at once: JSON has no state
    across members, and every escape `_json` makes is of one character.
    """
    members = (
        _json(key) + ":" + (value if isinstance(value, _Encoded) else _json(value))
        for key, value in data.items()
    )
    return "{" + ",".join(members) + "}"


def _collection_json(features: Iterable[str]) -> str:
    """Return the page JSON of a FeatureCollection of features already encoded."""
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def _empty() -> dict:
    return collection([])


def _by_zone(layer: dict) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for item in layer["features"]:
        grouped.setdefault(item["properties"]["zone_id"], []).append(item)
    return grouped


class _ZoneRoutes:
    """A zone's surveyed legs: from it, and onward from its assembly points.

    Legs not surveyed (beyond the street extract, e.g. to an airport 20 km away, or
    straight lines without one) are left to the station map: on a warden's page they
    would run across the map to a place off it. The legs are grouped by origin once, so
    a zone's are found without reading every leg of the station.
    """

    def __init__(self, routes: list[dict]) -> None:
        self._from_zone: dict[str, list[dict]] = {}
        self._onward: dict[str, list[tuple[int, dict]]] = {}
        for number, route in enumerate(routes):
            props = route["properties"]
            if not props["surveyed"]:
                continue
            if props["kind"].startswith("zone_to_"):
                self._from_zone.setdefault(props["origin"], []).append(route)
            else:
                self._onward.setdefault(props["origin"], []).append((number, route))

    def of(self, zone_id: str) -> list[dict]:
        """Return the zone's legs, then the legs onward from where they lead, in leg order."""
        own = self._from_zone.get(zone_id, [])
        points = {r["properties"]["destination"] for r in own}
        onward = sorted(
            (item for point in points for item in self._onward.get(point, [])),
            key=lambda item: item[0],
        )
        return own + [route for _, route in onward]


def _padded(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    west, south, east, north = bounds
    pad_x = max((east - west) * PAD_SHARE, 0.002)
    pad_y = max((north - south) * PAD_SHARE, 0.002)
    return west - pad_x, south - pad_y, east + pad_x, north + pad_y


def _box(bounds: tuple[float, float, float, float]) -> Any:
    import shapely

    return shapely.box(*bounds)


class _Script(MacroElement):
    """A script of the page (code written here; station data only through ``wzData``).

    ``$name`` in the code stands for the JavaScript variable of the element ``name``,
    resolved when the page renders (after elements are numbered).
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.code() }}{% endmacro %}")

    def __init__(self, code: str, **elements: Element) -> None:
        super().__init__()
        self._name = "Script"
        self._code = code
        self._elements = elements

    def code(self) -> str:
        """Return the code with the elements' variable names filled in."""
        names = {key: element.get_name() for key, element in self._elements.items()}
        return string.Template(self._code).substitute(names)


class _DataLayer(folium.map.Layer):
    """A layer of the layer control drawn by ``WZ.layer`` from ``wzData[key]``."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = WZ.layer(wzData[{{ this.key|tojson }}], "
        "{{ this.options|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, key: str, name: str, options: dict[str, Any]) -> None:
        super().__init__(name=name, overlay=True, control=True)
        self._name = "Layer"
        self.key = key
        self.options = options
