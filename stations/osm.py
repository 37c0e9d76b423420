"""Read a station's OpenStreetMap extract (``.osm.pbf``) offline with pyrosm.

Every reader returns a GeoDataFrame in EPSG:4326 with a fixed set of columns,
empty (never ``None``) when the extract has no such features.
"""

from __future__ import annotations

import json
import logging
import warnings
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from stations.errors import InputError
from stations.schema import WGS84

logger = logging.getLogger(__name__)

RAILWAY_VALUES = ["rail", "light_rail", "subway", "tram", "narrow_gauge", "monorail"]
WATER_FILTER = {
    "waterway": ["river", "canal", "stream", "riverbank"],
    "natural": ["water", "coastline"],
}
PLACE_VALUES = ["suburb", "quarter", "neighbourhood", "city_block", "village", "hamlet", "town"]
POI_FILTER = {
    "amenity": ["hospital", "clinic", "school", "police", "university", "college", "fire_station"],
    "tourism": ["hotel"],
    "leisure": ["park", "stadium", "sports_centre"],
    "aeroway": ["aerodrome"],
}


class OsmExtract:
    """Lazy, cached access to the layers of one ``.osm.pbf`` file.

    Parameters
    ----------
    path
        The extract on disk.
    bbox
        Optional ``(west, south, east, north)`` in degrees to read only part of it.
    """

    def __init__(self, path: Path, bbox: tuple[float, float, float, float] | None = None) -> None:
        if not path.is_file():
            raise InputError(path.name, f"OSM extract not found at {path}", code="missing")
        if path.stat().st_size == 0:
            raise InputError(path.name, "OSM extract is empty", code="empty")
        self.path = path
        self.bbox = list(bbox) if bbox else None
        self._networks: dict[str, gpd.GeoDataFrame] = {}

    @cached_property
    def _osm(self) -> Any:
        import pyrosm

        try:
            return pyrosm.OSM(str(self.path), bounding_box=self.bbox)
        except Exception as exc:  # pyrosm raises bare exceptions for corrupt files
            msg = f"cannot read the OSM extract: {exc}"
            raise InputError(self.path.name, msg, code="format") from exc

    def _call(self, method: str, **kwargs: Any) -> gpd.GeoDataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                result = getattr(self._osm, method)(**kwargs)
            except InputError:
                raise
            except Exception as exc:
                msg = f"cannot read the OSM extract ({method}): {exc}"
                raise InputError(self.path.name, msg, code="format") from exc
        if result is None:
            return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WGS84))
        if isinstance(result, tuple):  # (nodes, edges)
            return tuple(
                part.set_crs(WGS84, allow_override=True)
                if part is not None
                else gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=WGS84))
                for part in result
            )
        return result.set_crs(WGS84, allow_override=True)

    @cached_property
    def roads(self) -> gpd.GeoDataFrame:
        """Return every highway line: ``highway, name, maxspeed, oneway, geometry``."""
        edges = self._call("get_network", network_type="all")
        return _select(edges, ["highway", "name", "maxspeed", "oneway", "bridge", "tunnel"])

    def network(self, mode: str) -> gpd.GeoDataFrame:
        """Return the routable street segments for ``mode`` ({"driving", "walking"}).

        Columns: ``highway, name, maxspeed, oneway, bridge, tunnel, geometry``; one
        row per segment between two junctions, as pyrosm splits them.
        """
        if mode not in self._networks:
            # With nodes, pyrosm splits ways at junctions: one row per routable segment.
            _, edges = self._call("get_network", network_type=mode, nodes=True)
            self._networks[mode] = _select(
                edges, ["highway", "name", "maxspeed", "oneway", "bridge", "tunnel"]
            )
        return self._networks[mode]

    @cached_property
    def railways(self) -> gpd.GeoDataFrame:
        """Return railway lines: ``railway, name, tunnel, bridge, geometry``."""
        data = self._call(
            "get_data_by_custom_criteria",
            custom_filter={"railway": RAILWAY_VALUES},
            keep_nodes=False,
            keep_relations=False,
        )
        data = data[data.geom_type.isin(["LineString", "MultiLineString"])]
        return _select(data, ["railway", "name", "tunnel", "bridge"])

    @cached_property
    def water(self) -> gpd.GeoDataFrame:
        """Return rivers, canals, coastlines (lines) and water bodies (polygons)."""
        data = self._call(
            "get_data_by_custom_criteria", custom_filter=WATER_FILTER, keep_nodes=False
        )
        return _select(data, ["waterway", "natural", "name"])

    @cached_property
    def buildings(self) -> gpd.GeoDataFrame:
        """Return building footprints: ``building, name, amenity, office, levels, geometry``."""
        data = self._call("get_buildings")
        data = data.rename(columns={"building:levels": "levels"})
        data = data[data.geom_type.isin(["Polygon", "MultiPolygon"])]
        return _select(
            data,
            ["building", "name", "amenity", "office", "levels", "addr:street", "addr:housenumber"],
        )

    @cached_property
    def places(self) -> gpd.GeoDataFrame:
        """Return named places (suburbs, quarters, neighbourhoods...): ``place, name``."""
        data = self._call("get_data_by_custom_criteria", custom_filter={"place": PLACE_VALUES})
        if "name" not in data.columns:
            data = data.assign(name=[_tag(t, "name") for t in data.get("tags", [None] * len(data))])
        data = data[data["name"].notna()]
        return _select(data, ["place", "name"])

    @cached_property
    def pois(self) -> gpd.GeoDataFrame:
        """Return hospitals, hotels, schools, parks, police, airports: ``kind, name``."""
        data = self._call("get_pois", custom_filter=POI_FILTER)
        if data.empty:
            return _select(data, ["kind", "name"])
        kind = pd.Series(pd.NA, index=data.index, dtype="object")
        for key in ("aeroway", "leisure", "tourism", "amenity"):
            if key in data.columns:
                kind = data[key].where(data[key].notna(), kind)
        data = data.assign(kind=kind)
        return _select(data[data["kind"].notna()], ["kind", "name"])


def _tag(tags: object, key: str) -> object:
    if isinstance(tags, str):
        try:
            return json.loads(tags).get(key)
        except (ValueError, AttributeError):
            return None
    if isinstance(tags, dict):
        return tags.get(key)
    return None


def _select(data: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    out = {
        c: (data[c] if c in data.columns else pd.Series(pd.NA, index=data.index)) for c in columns
    }
    frame = gpd.GeoDataFrame(out, geometry=data.geometry.values, crs=WGS84)
    return frame.reset_index(drop=True)
