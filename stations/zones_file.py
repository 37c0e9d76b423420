"""Read existing, hand-drawn warden zones: KML (Google Earth), GeoJSON or GeoPackage."""

from __future__ import annotations

import unicodedata
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
MAX_ID_LENGTH = 64
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def read_zones_file(path: Path, label: str) -> gpd.GeoDataFrame:
    """Read hand-drawn zones into ``zone_id``, ``zone_name`` and polygons in EPSG:4326.

    Every layer of the file is read (Google Earth folders are KML layers). The id is
    the first of the columns ``zone_id``, ``id``, ``zone``, ``Name`` present; the
    name the first other of ``zone_name``, ``name``, ``description``. A file without
    ids gets ``Z01``, ``Z02``... in file order; in a file with ids, every zone needs one.
    Ids are data: ``/`` or ``..`` in an id never reach a path.

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
        that is not a polygon (with its number), an empty id, an id longer than
        ``MAX_ID_LENGTH`` or with control characters, ids equal without regard to case,
        or a layer without a CRS.
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
        _checked_ids(zones[zone_id], label, zone_id)
        if zone_id
        else pd.Series([f"Z{i:02d}" for i in range(1, len(zones) + 1)])
    )
    name_column = _first_column(zones, tuple(c for c in NAME_COLUMNS if c != zone_id))
    names = (
        zones[name_column].fillna("").astype(str) if name_column else pd.Series([""] * len(zones))
    )
    geometry = [_polygonal(shapely.make_valid(shapely.force_2d(g))) for g in zones.geometry]
    return gpd.GeoDataFrame(
        {"zone_id": ids.to_numpy(), "zone_name": names.to_numpy()}, geometry=geometry, crs=WGS84
    )


def _checked_ids(column: pd.Series, label: str, name: str) -> pd.Series:
    """Return the ids of a column, stripped; refuse an empty, unreadable or repeated one.

    An id is data: ``/`` or ``..`` are kept as written (file names are made from a safe
    form of the id), but control and bidi override characters, more than
    ``MAX_ID_LENGTH`` characters and ids equal but for case are refused, each with the
    feature number and the column.
    """
    ids = pd.Series(
        ["" if pd.isna(v) else str(v).strip() for v in column], index=column.index, dtype=object
    )
    first_of: dict[str, tuple[int, str]] = {}
    for number, value in enumerate(ids, start=1):
        problem = _id_problem(value)
        if problem:
            msg = f"feature {number}: {problem}; give every zone a short id such as Z01"
            raise InputError(label, msg, row=number, column=name, code="id")
        key = value.casefold()
        if key in first_of:
            earlier, spelling = first_of[key]
            same = "is used twice" if spelling == value else f"is {spelling!r} but for case"
            msg = (
                f"zone id {value!r} {same} (feature {earlier}); give each zone its own id "
                "(ids name files, and Windows and macOS file names ignore case)"
            )
            raise InputError(label, msg, row=number, column=name, code="duplicate")
        first_of[key] = (number, value)
    return ids


def _id_problem(value: str) -> str | None:
    if value == "":
        return "the zone id is empty"
    if len(value) > MAX_ID_LENGTH:
        return f"the zone id has {len(value)} characters (at most {MAX_ID_LENGTH})"
    unreadable = next(
        (c for c in value if unicodedata.category(c) in ("Cc", "Cs") or c in BIDI_CONTROLS), None
    )
    if unreadable is not None:
        return f"the zone id {value!r} holds the control character U+{ord(unreadable):04X}"
    return None


def _first_column(frame: pd.DataFrame, candidates: tuple[str, ...]) -> str | None:
    def filled(column: pd.Series) -> bool:
        return any(not pd.isna(v) and str(v).strip() for v in column)

    return next((c for c in candidates if c in frame.columns and filled(frame[c])), None)


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)
