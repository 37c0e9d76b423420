"""Where a synthetic station lies: a bbbike city or a polygon file, its country and UTM CRS."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from stations.boundary import local_utm, read_boundary
from stations.schema import WGS84


@dataclass(frozen=True)
class Extent:
    """Where the station lies: its area in WGS84 and the projected CRS used to draw in it."""

    area_wgs84: BaseGeometry
    crs: CRS
    name: str
    country: str | None


def city_extent(city: str) -> Extent:
    """Return the extent of a city of the bbbike index that pyrosm ships (read offline).

    Raises
    ------
    ValueError
        For a city not in the index, naming the closest names.
    """
    index = resources.files("pyrosm").joinpath("data", "bbbike_index.geojson.gz")
    with resources.as_file(index) as path, gzip.open(path) as handle:
        features = json.load(handle)["features"]
    by_name = {f["properties"]["name"].lower(): f for f in features}
    feature = by_name.get(city.lower())
    if feature is None:
        import difflib

        close = difflib.get_close_matches(city, [f["properties"]["name"] for f in features], n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ValueError(f"unknown city {city!r} in the bbbike index{hint}")
    area = shapely.geometry.shape(feature["geometry"])
    # bbbike extents are rectangles around the whole metropolitan area: keep the middle.
    area = shapely.affinity.scale(area, 0.6, 0.6)
    lon, lat = area.centroid.x, area.centroid.y
    crs = local_utm(np.array([lon]), np.array([lat]))
    return Extent(area, crs, feature["properties"]["name"], _country_at(lon, lat))


def file_extent(path: Path) -> Extent:
    """Return the extent given by a polygon file, named after the file."""
    area = read_boundary(path, path.name)
    centroid = area.centroid
    crs = local_utm(np.array([centroid.x]), np.array([centroid.y]))
    return Extent(
        area, crs, path.stem.replace("_", " ").title(), _country_at(centroid.x, centroid.y)
    )


def _country_at(lon: float, lat: float) -> str | None:
    """Return the ISO code of the country under a point, from pyrosm's Geofabrik index."""
    import pycountry

    index = resources.files("pyrosm").joinpath("data", "geofabrik_index.geojson.gz")
    with resources.as_file(index) as path, gzip.open(path) as handle:
        features = json.load(handle)["features"]
    continents = {f["properties"]["id"] for f in features if f["properties"]["parent"] is None}
    point = shapely.Point(lon, lat)
    for feature in features:
        if feature["properties"]["parent"] not in continents:
            continue
        if shapely.geometry.shape(feature["geometry"]).contains(point):
            try:  # regions such as "Alps" or "GCC States" are no country: try the next
                return str(pycountry.countries.lookup(feature["properties"]["name"]).alpha_2)
            except LookupError:
                continue
    return None


def project(geometry: BaseGeometry, crs: CRS) -> BaseGeometry:
    """Return a WGS84 geometry in ``crs``."""
    forward = Transformer.from_crs(WGS84, crs, always_xy=True)
    return shapely.transform(geometry, lambda xy: np.column_stack(forward.transform(*xy.T)))
