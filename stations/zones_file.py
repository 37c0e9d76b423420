"""Read existing, hand-drawn warden zones: KML (Google Earth), GeoJSON or GeoPackage."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from stations.errors import InputError
from stations.files import check_input_file
from stations.geodata import list_geo_layers, read_geodata
from stations.schema import WGS84

ID_COLUMNS = ("zone_id", "id", "zone", "Name", "name")
NAME_COLUMNS = ("zone_name", "name", "Name", "description", "Description")


def read_zones_file(path: Path, label: str) -> gpd.GeoDataFrame:
    """Read hand-drawn zones into ``zone_id``, ``zone_name`` and polygons in EPSG:4326.

    Every layer of the file is read (Google Earth folders are KML layers). The id is
    the first of the columns ``zone_id``, ``id``, ``zone``, ``Name`` present; the
    name the first other of ``zone_name``, ``name``, ``description``. Features
    without an id get ``Z01``, ``Z02``... in file order.

    Parameters
    ----------
    path
        A KML, GeoJSON, GeoPackage, Shapefile or FlatGeobuf file, read offline (see
        :mod:`stations.geodata`).
    label
        The name used in messages.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per zone, polygons made valid.

    Raises
    ------
    InputError
        For a missing, empty or not regular file, another format (a VRT), a feature
        that is not a polygon (with its number), duplicate ids, or a layer without a CRS.
    """
    check_input_file(path, label)
    layers = list_geo_layers(path, label, what="zones")
    frames = [read_geodata(path, label, layer=layer, what="zones") for layer in layers]
    frames = [f for f in frames if len(f)]
    if not frames:
        raise InputError(label, "the file has no zones", code="empty")
    for frame in frames:
        if frame.crs is None:
            raise InputError(label, "the zones have no CRS; save them in EPSG:4326", code="crs")
    zones = pd.concat([f.to_crs(WGS84) for f in frames], ignore_index=True)
    zones = gpd.GeoDataFrame(zones, geometry="geometry", crs=WGS84)
    for number, geometry in enumerate(zones.geometry, start=1):
        if geometry is None or geometry.geom_type not in ("Polygon", "MultiPolygon"):
            kind = "empty" if geometry is None else geometry.geom_type
            msg = f"feature {number} is {kind}; warden zones must be polygons"
            raise InputError(label, msg, row=number, column="geometry", code="geometry")
    zone_id = _first_column(zones, ID_COLUMNS)
    ids = (
        zones[zone_id].astype(str).str.strip()
        if zone_id
        else pd.Series([f"Z{i:02d}" for i in range(1, len(zones) + 1)])
    )
    missing = ids.isin(["", "None", "nan"])
    ids[missing] = [f"Z{i:02d}" for i in range(1, int(missing.sum()) + 1)]
    repeated = ids[ids.duplicated()]
    if len(repeated):
        row = int(repeated.index[0]) + 1
        msg = f"zone id {repeated.iloc[0]!r} is used twice; give each zone its own id"
        raise InputError(label, msg, row=row, column=zone_id, code="duplicate")
    name_column = _first_column(zones, tuple(c for c in NAME_COLUMNS if c != zone_id))
    names = (
        zones[name_column].fillna("").astype(str) if name_column else pd.Series([""] * len(zones))
    )
    geometry = [_polygonal(shapely.make_valid(shapely.force_2d(g))) for g in zones.geometry]
    return gpd.GeoDataFrame(
        {"zone_id": ids.to_numpy(), "zone_name": names.to_numpy()}, geometry=geometry, crs=WGS84
    )


def _first_column(frame: pd.DataFrame, candidates: tuple[str, ...]) -> str | None:
    return next((c for c in candidates if c in frame.columns and frame[c].notna().any()), None)


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)
