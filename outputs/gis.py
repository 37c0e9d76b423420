"""GIS exports of a plan: GeoJSON, a GeoPackage for QGIS and KML for Google Earth.

Every file is written in EPSG:4326. Layers are written in the order given and
rows in the order given, so the same plan gives the same bytes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from outputs.escape import xml_text
from stations.schema import WGS84
from zones.plan import polygons_to_crs

logger = logging.getLogger(__name__)

# Colours cycle through a qualitative palette; KML wants aabbggrr.
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip
COORDINATE_DECIMALS = 6  # about 0.1 m: more would only add noise
# The GeoPackage's last_change timestamps: fixed, so the same plan gives the same bytes.
GPKG_FIXED_DATE = "2000-01-01T00:00:00.000Z"


def write_geojson(frame: gpd.GeoDataFrame, path: Path) -> Path:
    """Write a GeoDataFrame as RFC 7946 GeoJSON (EPSG:4326, 6 decimals), deterministically.

    Parameters
    ----------
    frame
        Features with any CRS; reprojected to EPSG:4326.
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    frame = polygons_to_crs(frame, WGS84)
    features = []
    properties = frame.drop(columns=frame.geometry.name)
    for (_, row), geom in zip(properties.iterrows(), frame.geometry, strict=True):
        rounded = shapely.set_precision(geom, 10**-COORDINATE_DECIMALS) if geom else None
        features.append(
            {
                "type": "Feature",
                "properties": {k: _json_value(v) for k, v in row.items()},
                "geometry": shapely.geometry.mapping(rounded) if rounded is not None else None,
            }
        )
    payload = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def write_geopackage(layers: Mapping[str, gpd.GeoDataFrame], path: Path) -> Path:
    """Write named layers into one GeoPackage (EPSG:4326), replacing any existing file.

    GDAL stamps each layer with the time it was written (``last_change``); the stamp is
    fixed to ``GPKG_FIXED_DATE`` while writing, so the same plan gives the same bytes.

    Parameters
    ----------
    layers
        Layer name to features; empty layers are skipped.
    path
        The ``.gpkg`` file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    if path.exists():
        path.unlink()
    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": GPKG_FIXED_DATE})
    try:
        for name, features in layers.items():
            if features.empty:
                continue
            frame = polygons_to_crs(features, WGS84)
            text = {c: frame[c].map(_text_or_none) for c in frame.columns if _needs_text(frame[c])}
            frame.assign(**text).to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})
    logger.info("wrote %s (%d layers)", path, sum(not f.empty for f in layers.values()))
    return path


def write_kml(
    zones: gpd.GeoDataFrame,
    path: Path,
    *,
    title: str,
    name_column: str,
    description_columns: Mapping[str, str],
) -> Path:
    """Write zones as KML, one styled polygon per zone, for Google Earth.

    Parameters
    ----------
    zones
        Zone polygons with any CRS.
    path
        The ``.kml`` file to write.
    title
        The document name.
    name_column
        The column shown as each placemark's name.
    description_columns
        Column to label: rows of the placemark's description table.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    zones = polygons_to_crs(zones, WGS84)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
        f"<name>{xml_text(title)}</name>",
    ]
    for number in range(len(PALETTE)):
        colour = _kml_colour(PALETTE[number])
        parts.append(
            f'<Style id="zone{number}"><LineStyle><color>ff{colour}</color><width>2</width>'
            f"</LineStyle><PolyStyle><color>55{colour}</color></PolyStyle></Style>"
        )
    for index, (_, zone) in enumerate(zones.iterrows()):
        rows = "".join(
            f"<tr><th>{xml_text(label)}</th><td>{xml_text(_display(zone.get(column)))}</td></tr>"
            for column, label in description_columns.items()
        )
        parts.append(
            f"<Placemark><name>{xml_text(_display(zone[name_column]))}</name>"
            f"<description><![CDATA[<table>{rows}</table>]]></description>"
            f"<styleUrl>#zone{index % len(PALETTE)}</styleUrl>"
            f"{_kml_geometry(zone.geometry)}</Placemark>"
        )
    parts.append("</Document></kml>")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def _kml_colour(hex_rgb: str) -> str:
    red, green, blue = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{blue}{green}{red}"


def _kml_ring(ring: shapely.LinearRing) -> str:
    coords = " ".join(f"{x:.6f},{y:.6f}" for x, y in np.asarray(ring.coords)[:, :2])
    return f"<LinearRing><coordinates>{coords}</coordinates></LinearRing>"


def _kml_polygon(polygon: shapely.Polygon) -> str:
    inner = "".join(f"<innerBoundaryIs>{_kml_ring(r)}</innerBoundaryIs>" for r in polygon.interiors)
    outer = f"<outerBoundaryIs>{_kml_ring(polygon.exterior)}</outerBoundaryIs>"
    return f"<Polygon>{outer}{inner}</Polygon>"


def _kml_geometry(geometry: shapely.Geometry) -> str:
    if geometry.geom_type == "Polygon":
        return _kml_polygon(geometry)
    polygons = [g for g in getattr(geometry, "geoms", []) if g.geom_type == "Polygon"]
    return "<MultiGeometry>" + "".join(_kml_polygon(p) for p in polygons) + "</MultiGeometry>"


def _display(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _json_value(value: object) -> object:  # noqa: PLR0911 (one return per value type)
    if value is None or (np.isscalar(value) and pd.isna(value)):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return round(float(value), 6)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, str | int | bool):
        return value
    return str(value)


def _needs_text(column: pd.Series) -> bool:
    return column.dtype == object and column.name != "geometry"


def _text_or_none(value: object) -> object:
    if value is None or (np.isscalar(value) and pd.isna(value)):
        return None
    if isinstance(value, str | int | float | bool):
        return value
    return str(value)
