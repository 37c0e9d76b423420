"""An offline basemap drawn from the station's OSM extract: roads, railways, water, buildings.

Each class of features becomes one GeoJSON feature with a multi-geometry, coordinates
rounded to 1e-5 degrees (about 1 m), so the browser draws thousands of streets as a
handful of canvas paths and the page stays small.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from stations.osm import OsmExtract
from stations.schema import WGS84

DIGITS = 5
MIN_RING, MIN_LINE = 4, 2  # coordinates of a closed ring and of a line
MAJOR_ROADS = ("motorway", "trunk", "primary", "secondary", "tertiary")
MINOR_ROADS = ("residential", "unclassified", "living_street", "service", "pedestrian", "road")
# Class name -> (Leaflet style, what the legend calls it).
STYLES = {
    "water_area": {"color": "#9cc3e4", "weight": 0, "fillColor": "#cfe3f3", "fillOpacity": 1.0},
    "buildings": {"color": "#c9c2b8", "weight": 0.5, "fillColor": "#e2ddd5", "fillOpacity": 1.0},
    "water_line": {"color": "#9cc3e4", "weight": 2, "opacity": 1.0},
    "minor_roads": {"color": "#ffffff", "weight": 2, "opacity": 1.0},
    "major_roads": {"color": "#f7d794", "weight": 4, "opacity": 1.0},
    "railways": {"color": "#a0a0a0", "weight": 1.2, "opacity": 1.0, "dashArray": "4 3"},
}
# Above these counts in view, buildings and minor roads are left out of a page: beyond
# them the page outgrows a phone, and at that scale the zones carry the map anyway.
MAX_BUILDINGS = 25_000
MAX_MINOR_ROADS = 60_000


@dataclass(frozen=True)
class Basemap:
    """OSM features by class, EPSG:4326, simplified, with a spatial index each."""

    layers: dict[str, gpd.GeoSeries]

    @classmethod
    def from_extract(cls, osm: OsmExtract | None, tolerance: float = 1e-5) -> Basemap:
        """Read the basemap classes of an OSM extract, in degrees, and simplify them.

        Parameters
        ----------
        osm
            The station's extract, or ``None`` (an empty basemap).
        tolerance
            Douglas-Peucker tolerance in degrees.
        """
        if osm is None:
            return cls({})
        layers: dict[str, gpd.GeoSeries] = {}
        roads = osm.roads.to_crs(WGS84)
        kind = roads["highway"].astype(str)
        layers["major_roads"] = roads.geometry[kind.isin(MAJOR_ROADS).to_numpy()]
        layers["minor_roads"] = roads.geometry[kind.isin(MINOR_ROADS).to_numpy()]
        layers["railways"] = osm.railways.geometry.to_crs(WGS84)
        water = osm.water.geometry.to_crs(WGS84)
        is_area = water.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        layers["water_area"] = water[is_area]
        layers["water_line"] = water[~is_area]
        layers["buildings"] = osm.buildings.geometry.to_crs(WGS84)
        cleaned = {}
        for name, series in layers.items():
            geoms = shapely.simplify(series.to_numpy(), tolerance, preserve_topology=True)
            broken = ~shapely.is_valid(geoms)
            geoms[broken] = shapely.make_valid(geoms[broken])  # OSM has degenerate rings
            kept = gpd.GeoSeries(geoms, crs=series.crs)
            cleaned[name] = kept[kept.notna() & ~kept.is_empty].reset_index(drop=True)
        return cls(cleaned)

    def features(self, bounds: tuple[float, float, float, float] | None = None) -> dict:
        """Return a GeoJSON FeatureCollection of the classes within ``bounds``.

        Parameters
        ----------
        bounds
            ``(west, south, east, north)`` in degrees, or ``None`` for everything.

        Returns
        -------
        dict
            One feature per non-empty class, with ``properties.style`` for Leaflet.
        """
        features = []
        for name, style in STYLES.items():
            series = self.layers.get(name)
            if series is None or series.empty:
                continue
            if bounds is not None:
                box = shapely.box(*bounds)
                series = series.iloc[series.sindex.query(box, predicate="intersects")]
                series = gpd.GeoSeries(shapely.clip_by_rect(series.to_numpy(), *bounds))
                series = series[~series.is_empty]
            limit = {"buildings": MAX_BUILDINGS, "minor_roads": MAX_MINOR_ROADS}.get(name)
            if series.empty or (limit is not None and len(series) > limit):
                continue
            geometry = multi_geometry(series.to_numpy(), area=name in {"water_area", "buildings"})
            if geometry is not None:
                properties = {"style": style, "layer": name}
                features.append({"type": "Feature", "properties": properties, "geometry": geometry})
        return {"type": "FeatureCollection", "features": features}


def multi_geometry(geoms: np.ndarray, *, area: bool) -> dict | None:
    """Return one GeoJSON MultiPolygon (``area``) or MultiLineString of many geometries.

    Coordinates are rounded to ``DIGITS`` decimals; parts that vanish are dropped.
    """
    parts = shapely.get_parts(geoms)
    if area:
        parts = parts[np.isin(shapely.get_type_id(parts), [3])]
        if not len(parts):
            return None
        rings = shapely.get_rings(parts)
        counts = shapely.get_num_interior_rings(parts) + 1
        ring_lists = _coordinate_lists(rings)
        polygons, start = [], 0
        for count in counts:
            exterior, *interiors = ring_lists[start : start + count]
            start += count
            if len(exterior) >= MIN_RING:
                polygons.append([exterior, *(r for r in interiors if len(r) >= MIN_RING)])
        return {"type": "MultiPolygon", "coordinates": polygons} if polygons else None
    lines = parts[np.isin(shapely.get_type_id(parts), [1, 2])]
    if not len(lines):
        return None
    coordinates = [c for c in _coordinate_lists(lines) if len(c) >= MIN_LINE]
    return {"type": "MultiLineString", "coordinates": coordinates} if coordinates else None


def _coordinate_lists(geoms: np.ndarray) -> list[list[list[float]]]:
    """Return each line or ring's rounded ``[lon, lat]`` pairs, repeated points removed."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    coords = np.round(coords, DIGITS)
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = (index[1:] != index[:-1]) | np.any(coords[1:] != coords[:-1], axis=1)
    coords, index = coords[keep], index[keep]
    splits = np.flatnonzero(np.diff(index)) + 1
    return [chunk.tolist() for chunk in np.split(coords, splits)] if len(coords) else []
