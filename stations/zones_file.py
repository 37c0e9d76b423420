"""Read existing, hand-drawn warden zones: KML (Google Earth), GeoJSON or GeoPackage."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from stations.errors import InputError, Issue
from stations.files import check_input_file
from stations.geodata import list_geo_layers, read_geodata
from stations.schema import WGS84

ID_COLUMNS = ("zone_id", "id", "zone", "Name", "name")
NAME_COLUMNS = ("zone_name", "name", "Name", "description", "Description")
MAX_ID_LENGTH = 64
POLYGON_TYPES = ("Polygon", "MultiPolygon")
MAX_NAMED_SKIPPED = 5
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def read_zones_file(
    path: Path, label: str, *, issues: list[Issue] | None = None
) -> gpd.GeoDataFrame:
    """Read hand-drawn zones into ``zone_id``, ``zone_name`` and polygons in EPSG:4326.

    Every layer of the file is read (Google Earth folders are KML layers). The id is
    the first of the columns ``zone_id``, ``id``, ``zone``, ``Name`` present; the
    name the first other of ``zone_name``, ``name``, ``description``. A file without
    ids gets ``Z01``, ``Z02``... in file order; in a file with ids, every zone needs one.
    Ids are data: ``/`` or ``..`` in an id never reach a path. Features that are not
    polygons (the office or a landmark pinned in Google Earth, a path) are skipped
    with one warning naming them; feature numbers count every feature of the file.

    Parameters
    ----------
    path
        A KML, GeoJSON, GeoPackage, Shapefile or FlatGeobuf file, read offline (see
        :mod:`stations.geodata`).
    label
        The name used in messages.
    issues
        Where the warning about skipped features is appended, if given.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per zone, polygons made valid.

    Raises
    ------
    InputError
        For a missing, empty or not regular file, another format (a VRT), a file
        without a polygon (naming its first feature), an empty id, an id longer than
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
    zones = _polygons_only(zones, label, issues)
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


def _polygons_only(
    zones: gpd.GeoDataFrame, label: str, issues: list[Issue] | None
) -> gpd.GeoDataFrame:
    """Return the polygon features; warn once about the others, refuse a file without any."""
    geometries = zones.geometry.to_numpy()
    kinds = ["empty" if g is None or g.is_empty else g.geom_type for g in geometries]
    kept = [
        kind != "empty" and any(p.geom_type in POLYGON_TYPES for p in shapely.get_parts(g))
        for g, kind in zip(geometries, kinds, strict=True)
    ]
    if not any(kept):
        found = ", ".join(f"{count} {kind}" for kind, count in Counter(kinds).items())
        msg = (
            f"the file has no polygon (feature 1 is {kinds[0]}; in all {found}); warden zones "
            "must be polygons: draw each zone with Google Earth's Add Polygon tool"
        )
        raise InputError(label, msg, row=1, column="geometry", code="geometry")
    skipped = [number for number, keep in enumerate(kept, start=1) if not keep]
    if skipped and issues is not None:
        name_column = _first_column(zones, ("Name", "name", "zone_name", "zone_id", "id"))
        named = [
            f"feature {number} {_name_of(zones, name_column, number)}({kinds[number - 1]})"
            for number in skipped
        ]
        more = (
            f" and {len(named) - MAX_NAMED_SKIPPED} more" if len(named) > MAX_NAMED_SKIPPED else ""
        )
        msg = (
            f"{len(skipped)} feature(s) that are not polygons skipped: "
            f"{', '.join(named[:MAX_NAMED_SKIPPED])}{more}; only polygons are warden zones"
        )
        issues.append(Issue("warning", label, msg, column="geometry", code="not_polygon"))
    return zones[kept].reset_index(drop=True)


def _name_of(zones: gpd.GeoDataFrame, column: str | None, number: int) -> str:
    if column is None:
        return ""
    value = zones[column].iloc[number - 1]
    return "" if pd.isna(value) or not str(value).strip() else f"{str(value).strip()!r} "


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
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in POLYGON_TYPES]
    return shapely.union_all(parts)


_SAYS_ZONE = re.compile(r"(?<![a-z])zone", re.IGNORECASE)


def zone_label(zone_id: str) -> str:
    """Return how a message names a zone: ``zone Z09``, but ``Zone Z09`` as it is.

    A hand-drawn zone's id is often its placemark name (``Zone Z09``, ``North zone``):
    the word is then not said twice.

    Parameters
    ----------
    zone_id
        The zone's id.

    Returns
    -------
    str
        The id, prefixed with ``zone`` unless it already says zone.
    """
    return zone_id if _SAYS_ZONE.search(zone_id) else f"zone {zone_id}"


def zone_title(zone_id: str) -> str:
    """Return a zone as a title names it: ``Zone Z09``, and ``Zone Z09`` or ``North zone`` as is.

    Parameters
    ----------
    zone_id
        The zone's id.

    Returns
    -------
    str
        :func:`zone_label` with a capital first letter.
    """
    label = zone_label(zone_id)
    return label[:1].upper() + label[1:]
