"""Place synthetic staff, offices and points on the buildings and streets of an OSM extract."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from stations.osm import OsmExtract
from stations.schema import WGS84

RESIDENTIAL = ("apartments", "residential", "house", "yes")
STREETS = (
    "primary", "secondary", "tertiary", "unclassified", "residential", "living_street",
    "pedestrian", "primary_link", "secondary_link", "tertiary_link",
)  # fmt: skip
SNAP_DISTANCE_M = 300.0
POINT_COLUMNS = ["point_id", "kind", "name", "x", "y", "capacity", "range_m"]


def residential_sites(buildings: gpd.GeoDataFrame, area: BaseGeometry) -> gpd.GeoDataFrame:
    """Return a point on every residential building inside ``area`` with its street address.

    A building counts when it is tagged apartments, residential or house, or is a plain
    ``building=yes`` with no office or amenity in it.
    """
    homes = buildings[
        buildings["building"].isin(RESIDENTIAL)
        & buildings["office"].isna()
        & buildings["amenity"].isna()
    ]
    sites = homes.assign(geometry=homes.geometry.representative_point())
    sites = sites[sites.within(area)]
    street = sites["addr:street"].fillna("").astype(str)
    number = sites["addr:housenumber"].fillna("").astype(str)
    address = np.where((street != "") & (number != ""), street + " " + number, "")
    return sites.assign(address=address)[["address", "geometry"]].reset_index(drop=True)


def office_sites(buildings: gpd.GeoDataFrame, area: BaseGeometry) -> gpd.GeoSeries:
    """Return a point on every office or public building inside ``area``."""
    offices = buildings[
        buildings["office"].notna() | buildings["building"].isin(["office", "public"])
    ]
    points = offices.geometry.representative_point()
    return points[points.within(area)].reset_index(drop=True)


def snap_homes(
    rng: np.random.Generator, homes: np.ndarray, sites: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Move every home within 300 m of a residential building into that building.

    Returns the new home coordinates and, per home, the index of its building or -1.
    Flats in one building end up about a metre apart.
    """
    if sites.empty:
        return homes, np.full(len(homes), -1)
    xy = shapely.get_coordinates(sites.geometry.to_numpy())
    distance, nearest = cKDTree(xy).query(homes)
    snapped = distance <= SNAP_DISTANCE_M
    out = homes.copy()
    out[snapped] = xy[nearest[snapped]] + rng.normal(0.0, 1.0, (int(snapped.sum()), 2))
    return out, np.where(snapped, nearest, -1)


def street_addresses(
    rng: np.random.Generator,
    homes: np.ndarray,
    building: np.ndarray,
    sites: gpd.GeoDataFrame,
    roads: gpd.GeoDataFrame,
) -> np.ndarray:
    """Return an address per home: its building's, else the nearest street and a number.

    Only named streets count (no footpaths, service roads or steps). ``roads`` are in the
    same projected CRS as ``homes``; homes farther than 300 m from any street get no address.
    """
    out = np.full(len(homes), "", dtype=object)
    tagged = sites["address"].to_numpy()
    has_building = building >= 0
    out[has_building] = tagged[building[has_building]]
    named = roads[roads["name"].notna() & roads["highway"].isin(STREETS)]
    todo = np.flatnonzero(out == "")
    if named.empty or not len(todo):
        return out
    points = shapely.points(homes[todo])
    tree = shapely.STRtree(named.geometry.to_numpy())
    (which, street), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
    near = distance <= SNAP_DISTANCE_M
    names = named["name"].astype(str).to_numpy()[street[near]]
    numbers = rng.integers(1, 80, size=len(todo))[which[near]]
    out[todo[which[near]]] = [f"{n} {k}" for n, k in zip(names, numbers, strict=True)]
    return out


def helsinki_points(
    rng: np.random.Generator, extract: OsmExtract, area: BaseGeometry, crs: CRS
) -> pd.DataFrame:
    """Return the points of the Helsinki sample, from the extract's parks, schools and hotels.

    The two hospitals are fictitious and sit on real buildings near the north and south
    edges of ``area`` (the city's real hospitals are outside the extract; the northern one
    takes trauma); the repeaters sit on the tallest buildings; the airport, the police
    headquarters, the relocation site (Hämeenlinna, inland) and the safe haven (Tapiola,
    Espoo) are real places outside the extract; the hibernation site is a fictitious
    shelter in the plain building nearest the middle of ``area``.
    """
    pois = extract.pois.to_crs(crs)
    pois = pois.assign(geometry=pois.geometry.representative_point())
    pois = pois[pois.within(area) & pois["name"].notna()]
    pois = pois.sort_values(["kind", "name"], kind="stable").reset_index(drop=True)
    concentration = pois[pois["name"] == "Töölönlahden puisto"]
    open_spaces = pois[pois["kind"].isin(["park", "school", "university"])]
    open_spaces = open_spaces.drop(concentration.index)
    # point_id, kind, name, x, y, capacity, range_m
    rows: list[tuple[str, str, str, float, float, int | None, float | None]] = [
        (f"AP{i:02d}", "assembly", f"{poi['name']} (assembly)", poi.geometry.x, poi.geometry.y,
         int(rng.integers(2, 6) * 100), None)
        for i, (_, poi) in enumerate(_spread(open_spaces, 5).iterrows(), start=1)
    ]  # fmt: skip
    rows.extend(
        ("CP01", "concentration", f"{poi['name']} (concentration)", poi.geometry.x,
         poi.geometry.y, 3000, None)
        for _, poi in concentration.iterrows()
    )  # fmt: skip
    hotels = pois[pois["kind"] == "hotel"]
    rows.extend(
        (f"HTL{i:02d}", "hotel", hotel["name"], hotel.geometry.x, hotel.geometry.y, None, None)
        for i, (_, hotel) in enumerate(hotels.iterrows(), start=1)
    )
    buildings = extract.buildings.to_crs(crs)
    buildings = buildings[buildings.representative_point().within(area.buffer(-30.0))]
    plain = buildings[buildings["name"].isna() & buildings["amenity"].isna()]
    plain = plain[plain["building"].isin(["yes", "public"])].representative_point()
    north, south = plain.iloc[np.argmax(plain.y)], plain.iloc[np.argmin(plain.y)]
    rows.append(("HOS01", "hospital", "Pohjoinen sairaala (fictitious hospital)", north.x,
                 north.y, 250, None))  # fmt: skip
    rows.append(("HOS02", "hospital", "Eteläinen sairaala (fictitious hospital)", south.x,
                 south.y, 180, None))  # fmt: skip
    levels = pd.to_numeric(buildings["levels"], errors="coerce").fillna(0)
    tallest = buildings.assign(levels=levels).sort_values("levels", ascending=False, kind="stable")
    tops = tallest.representative_point()
    middle = area.centroid.y
    for point_id, label, top, range_m in (
        ("RPT01", "Repeater north (rooftop)", tops[tops.y >= middle].iloc[0], 8000.0),
        ("RPT02", "Repeater south (rooftop)", tops[tops.y < middle].iloc[0], 6000.0),
    ):
        rows.append((point_id, "repeater", label, top.x, top.y, None, range_m))
    to_utm = Transformer.from_crs(WGS84, crs, always_xy=True)
    rows.append(("AIR", "airport", "Helsinki-Vantaa airport",
                 *to_utm.transform(24.9633, 60.3172), None, None))  # fmt: skip
    rows.append(("POL01", "police", "Helsinki Police Department (Pasila)",
                 *to_utm.transform(24.9327, 60.1993), None, None))  # fmt: skip
    rows.append(("REL01", "relocation_site", "Hämeenlinna (relocation site)",
                 *to_utm.transform(24.4643, 60.9959), 400, None))  # fmt: skip
    rows.append(("SH01", "safe_haven", "Espoo, Tapiola (safe haven)",
                 *to_utm.transform(24.8055, 60.1756), 200, None))  # fmt: skip
    centre = shapely.Point(area.centroid.x, area.centroid.y)
    shelter = plain.iloc[int(np.argmin(plain.distance(centre)))]
    rows.append(("HIB01", "hibernation", "Keskusta shelter (fictitious hibernation site)",
                 shelter.x, shelter.y, 400, None))  # fmt: skip
    points = pd.DataFrame(rows, columns=POINT_COLUMNS)
    trauma = {"HOS01": "true", "HOS02": "false"}
    return points.assign(trauma=points["point_id"].map(trauma).fillna(""))


def _spread(frame: gpd.GeoDataFrame, count: int) -> gpd.GeoDataFrame:
    """Return up to ``count`` rows spread over the area (farthest-point order)."""
    if frame.empty:
        return frame
    xy = shapely.get_coordinates(frame.geometry.to_numpy())
    chosen = [int(np.argmin(np.hypot(*(xy - xy.mean(axis=0)).T)))]
    while len(chosen) < min(count, len(xy)):
        distance = np.min([np.hypot(*(xy - xy[c]).T) for c in chosen], axis=0)
        chosen.append(int(np.argmax(distance)))
    return frame.iloc[chosen]
