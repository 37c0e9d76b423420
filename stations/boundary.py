"""The station area: read from a file, or drawn as a buffer around staff and offices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from stations.errors import InputError
from stations.files import check_input_file
from stations.geodata import read_geodata
from stations.schema import WGS84

# Longest boundary edge kept, in degrees (about 110 m). A straight edge in degrees is a
# curve in the projected CRS: a 50 km edge along a parallel bows 40 m away from its chord.
# Short edges make the two agree within a millimetre, so a home inside the file's polygon
# is inside the projected one the zones are drawn in.
MAX_EDGE_DEG = 0.001


def read_boundary(path: Path, label: str) -> BaseGeometry:
    """Read a polygon or multipolygon file and return the union of its polygons in EPSG:4326.

    Parameters
    ----------
    path
        A GeoJSON, GPKG, KML, Shapefile or FlatGeobuf with polygon features, read
        offline (see :mod:`stations.geodata`).
    label
        The name used in messages.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        The station area, made valid, with edges no longer than ``MAX_EDGE_DEG``.

    Raises
    ------
    InputError
        If the file is missing, not a regular file, empty, of another format (a VRT),
        has no CRS or holds no polygon.
    """
    check_input_file(path, label, what="boundary file")
    frame = read_geodata(path, label, what="boundary")
    if frame.empty:
        raise InputError(label, "the boundary file has no features", code="empty")
    if frame.crs is None:
        raise InputError(label, "the boundary has no CRS; write it in EPSG:4326", code="crs")
    frame = frame.to_crs(WGS84)
    for number, geom in enumerate(frame.geometry, start=1):
        if geom is None or geom.geom_type not in ("Polygon", "MultiPolygon"):
            kind = "empty" if geom is None else geom.geom_type
            msg = f"feature {number} is {kind}; the boundary must be polygons"
            raise InputError(label, msg, row=number, column="geometry", code="geometry")
    area = shapely.make_valid(shapely.union_all(frame.geometry.to_numpy()))
    polygons = [
        g for g in getattr(area, "geoms", [area]) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    area = shapely.union_all(polygons)
    if area.is_empty:
        raise InputError(label, "the boundary polygons have no area", code="geometry")
    return shapely.segmentize(area, MAX_EDGE_DEG)


def buffer_boundary(lon: np.ndarray, lat: np.ndarray, crs: CRS, buffer_m: float) -> BaseGeometry:
    """Return the union of ``buffer_m`` discs around the given points, in ``crs``.

    Parameters
    ----------
    lon, lat
        Degrees, EPSG:4326.
    crs
        The projected CRS the buffers are drawn in.
    buffer_m
        The buffer radius in metres.

    Returns
    -------
    shapely.Polygon or shapely.MultiPolygon
        The station area.
    """
    to_utm = Transformer.from_crs(WGS84, crs, always_xy=True)
    x, y = to_utm.transform(lon, lat)
    # Coincident homes do not change the union: buffer each distinct 10 m cell once.
    cells = np.unique(np.round(np.column_stack([x, y]) / 10.0), axis=0) * 10.0
    discs = shapely.buffer(shapely.points(cells), buffer_m, quad_segs=8)
    return shapely.union_all(discs)


def local_utm(lon: np.ndarray, lat: np.ndarray) -> CRS:
    """Return the UTM CRS of the median location of the given points."""
    from pyproj.aoi import AreaOfInterest
    from pyproj.database import query_utm_crs_info

    lon0, lat0 = float(np.median(lon)), float(np.median(lat))
    infos = query_utm_crs_info(
        datum_name="WGS 84",
        area_of_interest=AreaOfInterest(lon0, lat0, lon0, lat0),
    )
    if not infos:
        msg = f"no UTM zone found for ({lat0:.4f}, {lon0:.4f}); set station.crs"
        raise InputError("station.toml", msg, column="station.crs", code="crs")
    return CRS.from_epsg(int(infos[0].code))
