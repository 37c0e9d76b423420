"""Where a synthetic station lies: a bbbike city or a polygon file, its country and UTM CRS."""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from stations.boundary import local_utm, read_boundary
from stations.schema import WGS84

# bbbike names its cities in German or without spaces; people write these in English.
# Names only split at capitals ("BuenosAires") are not listed.
ENGLISH_NAMES = {
    "Antwerpen": "Antwerp",
    "Bombay": "Mumbai",
    "BrandenburgHavel": "Brandenburg an der Havel",
    "Bruegge": "Bruges",
    "Bruessel": "Brussels",
    "CambridgeMa": "Cambridge, Massachusetts",
    "Cracow": "Krakow",
    "Damaskus": "Damascus",
    "DenHaag": "The Hague",
    "Duesseldorf": "Düsseldorf",
    "FrankfurtOder": "Frankfurt (Oder)",
    "Genf": "Geneva",
    "Gent": "Ghent",
    "Goerlitz": "Görlitz",
    "Goeteborg": "Gothenburg",
    "Goettingen": "Göttingen",
    "Hertogenbosch": "'s-Hertogenbosch",
    "Kiew": "Kyiv",
    "Koeln": "Cologne",
    "Luebeck": "Lübeck",
    "Luxemburg": "Luxembourg",
    "Malmoe": "Malmö",
    "Moenchengladbach": "Mönchengladbach",
    "Muenchen": "Munich",
    "Muenster": "Münster",
    "Nuernberg": "Nuremberg",
    "Osnabrueck": "Osnabrück",
    "PortlandME": "Portland, Maine",
    "Prag": "Prague",
    "RiodeJaneiro": "Rio de Janeiro",
    "Ruegen": "Rügen",
    "Saarbruecken": "Saarbrücken",
    "Saigon": "Ho Chi Minh City",
    "SanktPetersburg": "Saint Petersburg",
    "Sarajewo": "Sarajevo",
    "Strassburg": "Strasbourg",
    "UlanBator": "Ulaanbaatar",
    "WarenMueritz": "Waren (Müritz)",
    "WashingtonDC": "Washington, D.C.",
    "Wien": "Vienna",
    "Wuerzburg": "Würzburg",
    "Zuerich": "Zurich",
}


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
    return Extent(area, crs, city_name(feature["properties"]["name"]), _country_at(lon, lat))


def city_name(key: str) -> str:
    """Return a bbbike city as people name it in English: "Genf" is Geneva, "NewYork" New York.

    Parameters
    ----------
    key
        The city's name in the bbbike index.

    Returns
    -------
    str
        The English name (``ENGLISH_NAMES``), else the key split before its inner capitals.
    """
    return ENGLISH_NAMES.get(key) or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", key)


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
