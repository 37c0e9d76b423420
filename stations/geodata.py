"""Read geodata offline, and only from a short list of local file formats.

GDAL opens far more than files: a VRT can point at ``/vsicurl/http://...``, a WFS
URL or another file, and a GeoJSON may link its CRS to a web address. The station's
files hold personal data and the planner promises to run offline, so every geodata
file (boundary, hand-drawn zones, GeoJSON or GPKG tables) is recognised from its
content before GDAL sees it, refused unless it is one of ``GEO_FORMATS``, checked
again against the driver GDAL chose, and read with GDAL's network access switched off.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd

from stations.errors import InputError

# The formats read, by the name used in messages, with the GDAL drivers that may open them.
GEO_FORMATS: dict[str, frozenset[str]] = {
    "GeoJSON": frozenset({"GeoJSON", "GeoJSONSeq", "TopoJSON", "ESRIJSON"}),
    "GeoPackage": frozenset({"GPKG"}),
    "KML": frozenset({"KML", "LIBKML"}),
    "Shapefile": frozenset({"ESRI Shapefile"}),
    "FlatGeobuf": frozenset({"FlatGeobuf"}),
}
# GDAL configuration that keeps every read on this machine: the curl-based virtual file
# systems (/vsicurl/, /vsis3/, /vsigs/, ...) accept no file name, and every other HTTP
# request GDAL makes (a GeoJSON CRS given as a link, a WFS source) goes to a proxy on
# port 1 of this machine, where nothing listens, without retries.
OFFLINE_GDAL = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".planner-offline",
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/planner/offline",
    "GDAL_HTTP_PROXY": "127.0.0.1:1",
    "GDAL_HTTPS_PROXY": "127.0.0.1:1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_TIMEOUT": "1",
}
_SNIFF_BYTES = 64 * 1024
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")
_SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"


def gdal_offline() -> None:
    """Switch GDAL's network access off for this process (idempotent)."""
    import pyogrio

    pyogrio.set_gdal_config_options(OFFLINE_GDAL)


def geo_format(path: Path, label: str) -> str:  # noqa: PLR0911 (one return per format)
    """Return which of ``GEO_FORMATS`` a file holds, judged from its content.

    Raises
    ------
    InputError
        Naming the file and what it holds, for anything else: a VRT, another XML,
        an SQLite database that is not a GeoPackage, a ZIP (KMZ, zipped Shapefile)...
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"SQLite format 3\x00"):
        if head[68:72] in _GPKG_IDS:
            return "GeoPackage"
        return _refuse(label, "an SQLite database that is not a GeoPackage")
    if head.startswith(_SHAPEFILE_MAGIC) and path.suffix.lower() == ".shp":
        return "Shapefile"
    if head.startswith(b"fgb\x03"):
        return "FlatGeobuf"
    if text.startswith(b"{"):
        return "GeoJSON"
    if text.startswith(b"<"):
        if re.search(rb"<\s*OGRVRTDataSource", head, re.IGNORECASE):
            return _refuse(label, "a GDAL virtual dataset (VRT), which can read other files")
        if re.search(rb"<(\w+:)?kml[\s>]", head):
            return "KML"
        return _refuse(label, "XML that is not KML")
    if head.startswith(b"PK\x03\x04"):
        return _refuse(label, "a ZIP archive (a KMZ or zipped Shapefile? unpack it)")
    return _refuse(label, "data of an unknown format")


def _refuse(label: str, found: str) -> str:
    allowed = ", ".join(GEO_FORMATS)
    msg = f"the file holds {found}; geodata is read only from local {allowed} files"
    raise InputError(label, msg, code="format")


def list_geo_layers(path: Path, label: str, *, what: str = "file") -> list[str]:
    """Return the layer names of a whitelisted geodata file, read offline.

    Raises
    ------
    InputError
        If the format is not allowed or the file cannot be read.
    """
    import pyogrio

    source = _checked_source(path, label, what)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's own notes
            return [str(name) for name, _ in pyogrio.list_layers(source)]
    except Exception as exc:  # pyogrio's DataSourceError and friends
        raise InputError(label, f"cannot read the {what}: {exc}", code="format") from exc


def read_geodata(
    path: Path, label: str, *, layer: str | None = None, what: str = "file"
) -> gpd.GeoDataFrame:
    """Read one layer of a whitelisted geodata file with GDAL's network access off.

    Parameters
    ----------
    path
        A GeoJSON, GeoPackage, KML, Shapefile or FlatGeobuf file.
    label
        The name used in messages.
    layer
        The layer to read; the first when ``None``.
    what
        What the file is, for messages ("boundary", "zones").

    Returns
    -------
    geopandas.GeoDataFrame
        The features as GDAL reads them.

    Raises
    ------
    InputError
        If the format is not allowed (named with what the file holds) or the file
        cannot be read.
    """
    import pyogrio

    source = _checked_source(path, label, what)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's own notes
            return pyogrio.read_dataframe(source, layer=layer)
    except Exception as exc:  # pyogrio's DataSourceError and friends
        raise InputError(label, f"cannot read the {what}: {exc}", code="format") from exc


def _checked_source(path: Path, label: str, what: str) -> str:
    """Return the absolute path GDAL may open, after the content and driver checks."""
    import pyogrio

    kind = geo_format(path, label)
    gdal_offline()
    # An absolute path: GDAL never reads a prefix such as ``WFS:`` or ``/vsicurl/`` in it.
    source = str(path.resolve())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            driver = pyogrio.read_info(source, layer=0)["driver"]
    except Exception as exc:  # pyogrio's DataSourceError and friends
        raise InputError(label, f"cannot read the {what} ({kind}): {exc}", code="format") from exc
    if driver not in GEO_FORMATS[kind]:
        _refuse(label, f"data GDAL reads with its {driver} driver")
    return source
