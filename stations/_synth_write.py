"""Write a synthetic station folder: CSV tables, the boundary GeoJSON and station.toml."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from stations.schema import WGS84

logger = logging.getLogger(__name__)


def _to_lonlat(frame: pd.DataFrame, crs: CRS) -> pd.DataFrame:
    lon, lat = Transformer.from_crs(crs, WGS84, always_xy=True).transform(
        frame["x"].to_numpy(float), frame["y"].to_numpy(float)
    )
    out = frame.drop(columns=["x", "y"])
    position = list(out.columns).index("agency") + 1 if "agency" in out.columns else 3
    out.insert(position, "lat", np.round(lat, 6))
    out.insert(position + 1, "lon", np.round(lon, 6))
    return out


def write_station(
    out_dir: Path,
    *,
    name: str,
    country: str,
    security_level: int,
    crs: CRS,
    boundary: BaseGeometry,
    staff: pd.DataFrame,
    offices: pd.DataFrame,
    points: pd.DataFrame,
    households: int,
    osm: str | None = None,
    zones: tuple[int, int, float] = (15, 40, 2000),
    threats: pd.DataFrame | None = None,
    people: dict[str, pd.DataFrame] | None = None,
    tables: str = "",
) -> Path:
    """Write the station folder from frames in ``crs`` (with ``x``, ``y``); return the toml.

    Coordinates are written in EPSG:4326 with 6 decimals; the boundary gets 25 m of margin so
    that rounding never puts a home outside it. ``zones`` is (min households, max households,
    max warden distance in m). ``threats``, when given, is written to ``threats.csv``;
    ``people`` ({``dependants``, ``visitors``} -> table), to ``<key>.csv``; ``tables``
    (TOML text, e.g. an ``[evacuation]`` table) is appended to ``station.toml``.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    _csv(_to_lonlat(staff, crs), out_dir / "staff.csv")
    _csv(_to_lonlat(offices, crs), out_dir / "offices.csv")
    points = _to_lonlat(points, crs)
    points["capacity"] = points["capacity"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    points["range_m"] = points["range_m"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    _csv(points, out_dir / "points.csv")
    boundary_wgs = Transformer.from_crs(crs, WGS84, always_xy=True)
    # 25 m of margin so that rounding coordinates to 6 decimals never puts a home outside;
    # 100 m edges, so that the edges, straight in degrees once written, stay within
    # centimetres of the projected edges the homes were drawn inside.
    margin = shapely.segmentize(boundary.buffer(25.0), 100.0)
    area = shapely.transform(margin, lambda xy: np.column_stack(boundary_wgs.transform(*xy.T)))
    area = shapely.set_precision(area, 1e-6)
    feature = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": name},
                "geometry": shapely.geometry.mapping(area),
            }
        ],
    }
    (out_dir / "boundary.geojson").write_text(json.dumps(feature) + "\n", encoding="utf-8")
    min_h, max_h, reach = zones
    optional_files = f'osm = "{osm}"\n' if osm else ""
    if threats is not None:
        threats.to_csv(out_dir / "threats.csv", index=False, lineterminator="\n")
        optional_files += 'threats = "threats.csv"\n'
    for key, table in (people or {}).items():
        _csv(table, out_dir / f"{key}.csv")
        optional_files += f'{key} = "{key}.csv"\n'
    soc_line = (
        'security_operations_centre = { name = "UNDSS Security Operations Centre", '
        f'phone = "{_soc_phone(country)}" }}'
    )
    toml = f"""# Synthetic duty station written by warden-planner ({households} households).
[station]
name = "{name}"
country = "{country}"
security_level = {security_level}

[station.contacts]
{soc_line}
police = {{ name = "Police", phone = "112" }}
ambulance = {{ name = "Ambulance", phone = "112" }}
fire = {{ name = "Fire and rescue", phone = "112" }}

[files]
staff = "staff.csv"
offices = "offices.csv"
points = "points.csv"
boundary = "boundary.geojson"
{optional_files}
[zones]
min_households = {min_h}
max_households = {max_h}
max_warden_distance_m = {reach}
{tables}"""
    path = out_dir / "station.toml"
    path.write_text(toml, encoding="utf-8")
    logger.info("wrote %s: %d staff, %d households", out_dir, len(staff), households)
    return path


def _soc_phone(country: str) -> str:
    import phonenumbers

    example = phonenumbers.example_number_for_type(country, phonenumbers.PhoneNumberType.FIXED_LINE)
    if example is None:
        return "+41 22 917 1234"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _csv(frame: pd.DataFrame, path: Path) -> None:
    text = frame.map(lambda v: ("true" if v else "false") if isinstance(v, bool | np.bool_) else v)
    text.to_csv(path, index=False, lineterminator="\n")
