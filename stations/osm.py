"""Read a station's OpenStreetMap extract (``.osm.pbf``) offline with pyrosm.

Every reader returns a GeoDataFrame with a fixed set of columns, empty (never ``None``)
when the extract has no such features, in the extract's ``crs``: EPSG:4326 as read, or
the station's projected CRS for the station's own extract (projected once, when a layer
is first read).
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
from stations.files import check_input_file
from stations.schema import WGS84

logger = logging.getLogger(__name__)

RAILWAY_VALUES = ["rail", "light_rail", "subway", "tram", "narrow_gauge", "monorail"]
WATER_FILTER = {
    "waterway": ["river", "canal", "stream", "riverbank"],
    "natural": ["water", "coastline"],
}
# The largest BlobHeader the PBF format allows, in bytes.
MAX_BLOB_HEADER = 64 * 1024
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
    label
        The name used in messages (the file name by default).
    crs
        The CRS every layer is returned in (EPSG:4326 by default).

    Raises
    ------
    InputError
        If the file is missing, not a regular file, empty, or not a complete OSM PBF
        file (see :func:`check_extract`).
    """

    def __init__(
        self,
        path: Path,
        bbox: tuple[float, float, float, float] | None = None,
        *,
        label: str | None = None,
        crs: Any = WGS84,
    ) -> None:
        label = label or path.name
        check_input_file(path, label, what="OSM extract")
        check_extract(path, label)
        self.path = path
        self.bbox = list(bbox) if bbox else None
        self.crs = crs
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
        return self._select(edges, ["highway", "name", "maxspeed", "oneway", "bridge", "tunnel"])

    def network(self, mode: str) -> gpd.GeoDataFrame:
        """Return the routable street segments for ``mode`` ({"driving", "walking"}).

        Columns: ``highway, name, maxspeed, oneway, bridge, tunnel, geometry``; one
        row per segment between two junctions, as pyrosm splits them.
        """
        if mode not in self._networks:
            # With nodes, pyrosm splits ways at junctions: one row per routable segment.
            _, edges = self._call("get_network", network_type=mode, nodes=True)
            self._networks[mode] = self._select(
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
        return self._select(data, ["railway", "name", "tunnel", "bridge"])

    @cached_property
    def water(self) -> gpd.GeoDataFrame:
        """Return rivers, canals, coastlines (lines) and water bodies (polygons)."""
        data = self._call(
            "get_data_by_custom_criteria", custom_filter=WATER_FILTER, keep_nodes=False
        )
        return self._select(data, ["waterway", "natural", "name"])

    @cached_property
    def buildings(self) -> gpd.GeoDataFrame:
        """Return building footprints: ``building, name, amenity, office, levels, geometry``."""
        data = self._call("get_buildings")
        data = data.rename(columns={"building:levels": "levels"})
        data = data[data.geom_type.isin(["Polygon", "MultiPolygon"])]
        return self._select(
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
        return self._select(data, ["place", "name"])

    @cached_property
    def pois(self) -> gpd.GeoDataFrame:
        """Return hospitals, hotels, schools, parks, police, airports: ``kind, name``."""
        data = self._call("get_pois", custom_filter=POI_FILTER)
        if data.empty:
            return self._select(data, ["kind", "name"])
        kind = pd.Series(pd.NA, index=data.index, dtype="object")
        for key in ("aeroway", "leisure", "tourism", "amenity"):
            if key in data.columns:
                kind = data[key].where(data[key].notna(), kind)
        data = data.assign(kind=kind)
        return self._select(data[data["kind"].notna()], ["kind", "name"])

    def _select(self, data: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
        frame = _select(data, columns)
        return frame if frame.crs.equals(self.crs) else frame.to_crs(self.crs)


def check_extract(path: Path, label: str) -> None:
    """Walk the blocks of an OSM PBF file without decompressing them.

    A PBF file is a sequence of blocks, each a 4-byte header length, a small header
    (type and data size) and the data. The walk checks that the first block is the
    ``OSMHeader``, that every header is sane and that the last block ends exactly at
    the end of the file: a file of another format or one cut short by a failed
    download is refused here, by ``validate`` as by ``plan``.

    Raises
    ------
    InputError
        Naming the file, the block and what is wrong.
    """
    size = path.stat().st_size
    with path.open("rb") as handle:
        offset, number = 0, 0
        while offset < size:
            number += 1
            length = int.from_bytes(handle.read(4), "big")
            if not 0 < length <= MAX_BLOB_HEADER or offset + 4 + length > size:
                _not_pbf(label, number, offset)
            kind, data_size = _blob_header(handle.read(length))
            if kind is None or (number == 1 and kind != "OSMHeader"):
                _not_pbf(label, number, offset)
            offset += 4 + length + data_size
            if offset > size:
                msg = (
                    f"the OSM extract is cut short: block {number} ends at byte {offset:,} "
                    f"of a {size:,}-byte file; download it again"
                )
                raise InputError(label, msg, code="format")
            handle.seek(offset)


def _not_pbf(label: str, number: int, offset: int) -> None:
    msg = (
        f"not an OSM PBF extract (block {number} at byte {offset:,} is not a PBF block); "
        "give a .osm.pbf file as Geofabrik or BBBike export it"
    )
    raise InputError(label, msg, code="format")


def _blob_header(data: bytes) -> tuple[str | None, int]:
    """Return the ``type`` and ``datasize`` of a PBF BlobHeader (protobuf), or ``None``."""
    kind, data_size, position = None, -1, 0
    try:
        while position < len(data):
            key, position = _varint(data, position)
            field, wire = key >> 3, key & 7
            if wire == 0:  # varint
                value, position = _varint(data, position)
                if field == 3:  # noqa: PLR2004 (datasize)
                    data_size = value
            elif wire == 2:  # noqa: PLR2004 (length-delimited)
                length, position = _varint(data, position)
                if field == 1:
                    kind = data[position : position + length].decode("ascii")
                position += length
            else:
                return None, 0
    except (IndexError, UnicodeDecodeError):
        return None, 0
    return (kind, data_size) if data_size >= 0 and position == len(data) else (None, 0)


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:  # noqa: PLR2004
            return value, position
        shift += 7


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
