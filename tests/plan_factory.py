"""A small planned station built by hand, for output tests: no pipeline, no partitioner, no OSM.

``plan_by_hand(station)`` cuts the station's area into vertical strips, one zone each, with
the same number of households in every strip (give or take one), and decides the rest by
plain rules that a test can read:

- the warden of a zone is the first of its staff without a station role (DO, CSA, ...), by
  ``staff_id``, the deputy the second; a zone without a second has no deputy and a
  ``no_deputy`` flag, a zone without any has no warden and a ``no_candidate`` flag;
- one area, ``A0``, the whole station, coordinated by the CSA (or the DO);
- one straight-line route from each zone to the nearest assembly point, and one from the
  first assembly point to the nearest concentration point, at 5 km/h.

The frames are in the station's projected CRS (metres), like the pipeline's plan.
"""

from __future__ import annotations

import dataclasses
import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from stations.station import Station
from zones.appoint import NO_DEPUTY
from zones.evacuation import evacuate_planned
from zones.network import StraightLineTravel
from zones.plan import (
    APPOINTMENT_COLUMNS,
    AREA_COLUMNS,
    FLAG_COLUMNS,
    HOUSEHOLD_COLUMNS,
    ROUTE_COLUMNS,
    ZONE_COLUMNS,
    PlannedStation,
)

AREA_ID = "A0"
WALKING_M_PER_S = 5000 / 3600
STATION_ROLES = ("DO", "CSA", "SA", "ASC")
NO_WARDEN = "no eligible warden: no staff without a station role lives in the zone"


def plan_by_hand(
    station: Station, *, zone_count: int = 2, zone_names: tuple[str, ...] = ()
) -> PlannedStation:
    """Return ``station`` planned into ``zone_count`` west-to-east strips, by the rules above.

    Parameters
    ----------
    station
        A loaded station (``stations.load_station``), with at least ``zone_count`` households.
    zone_count
        How many zones (strips) to cut.
    zone_names
        The zones' names, west to east; ``""`` for the zones beyond them.

    Returns
    -------
    PlannedStation
        The plan, its frames in the station's CRS.
    """
    crs = station.crs
    area = shapely.union_all(station.boundary.to_crs(crs).geometry.to_numpy())
    households = _households(station.households.to_crs(crs), area, zone_count)
    staff = station.accepted_staff.to_crs(crs)
    zone_of = households.set_index("household_id")["zone_id"]
    staff = staff.assign(zone_id=staff["household_id"].map(zone_of), area_id=AREA_ID)
    strips = _strips(area, households, zone_count)
    appointees = _appointees(staff, zone_count)
    zones = _zones(households, strips, appointees, zone_names, crs)
    points = station.accepted_points.to_crs(crs)
    planned = PlannedStation(
        station=station,
        zones=zones,
        households=households,
        staff=staff,
        appointments=_appointments(appointees),
        areas=_areas(station, staff, area, crs),
        routes=_routes(zones, points, crs),
        flags=_flags(appointees),
        distance_method="straight-line",
    )
    # The points that add up (zones.evacuation); the flags stay those chosen here.
    evacuated = evacuate_planned(planned, StraightLineTravel())
    return dataclasses.replace(evacuated, flags=planned.flags, notes=planned.notes)


def zone_id_of(number: int) -> str:
    """Return the id of the ``number``-th zone from the west (1-based): Z01, Z02, ..."""
    return f"Z{number:02d}"


def _households(households: gpd.GeoDataFrame, area: object, count: int) -> gpd.GeoDataFrame:
    order = np.argsort(households.geometry.x.to_numpy(), kind="stable")
    zone = np.empty(len(households), dtype=object)
    for number, members in enumerate(np.array_split(order, count), start=1):
        zone[members] = zone_id_of(number)
    frame = households.assign(zone_id=zone, area_id=AREA_ID, hibernation_id=None)
    return frame[[*HOUSEHOLD_COLUMNS, "geometry"]]


def _strips(area: shapely.Geometry, households: gpd.GeoDataFrame, count: int) -> list[object]:
    """Cut ``area`` west to east halfway between the last and first homes of two zones."""
    x = households.geometry.x
    west, south, east, north = area.bounds
    cuts = [west]
    for number in range(1, count):
        last = x[households["zone_id"] == zone_id_of(number)].max()
        first = x[households["zone_id"] == zone_id_of(number + 1)].min()
        cuts.append((last + first) / 2)
    cuts.append(east)
    return [
        shapely.intersection(area, shapely.box(a, south, b, north))
        for a, b in itertools.pairwise(cuts)
    ]


def _appointees(staff: gpd.GeoDataFrame, count: int) -> dict[str, tuple[str | None, ...]]:
    """Return each zone's warden and deputy (or None): its first two staff without a role."""
    roles = staff["role"].fillna("").astype(str).str.strip()
    plain = staff[~roles.isin(STATION_ROLES)].sort_values("staff_id", kind="stable")
    appointees = {}
    for number in range(1, count + 1):
        ids = [*plain.loc[plain["zone_id"] == zone_id_of(number), "staff_id"], None, None]
        appointees[zone_id_of(number)] = (ids[0], ids[1])
    return appointees


def _zones(
    households: gpd.GeoDataFrame,
    strips: list[object],
    appointees: dict[str, tuple[str | None, ...]],
    names: tuple[str, ...],
    crs: object,
) -> gpd.GeoDataFrame:
    rows = []
    for number, strip in enumerate(strips, start=1):
        zone_id = zone_id_of(number)
        members = households[households["zone_id"] == zone_id]
        warden, deputy = appointees[zone_id]
        rows.append(
            {
                "zone_id": zone_id,
                "zone_name": names[number - 1] if number <= len(names) else "",
                "area_id": AREA_ID,
                "households": len(members),
                "staff": int(members["staff_count"].sum()),
                "dependants": int(members["dependants"].sum()),
                "visitors": 0,
                "headcount": int(members["headcount"].sum()),
                "warden_id": warden,
                "deputy_id": deputy,
                "geometry": strip,
            }
        )
    return gpd.GeoDataFrame(rows, columns=[*ZONE_COLUMNS, "geometry"], crs=crs)


def _appointments(appointees: dict[str, tuple[str | None, ...]]) -> pd.DataFrame:
    rows = [
        (zone_id, AREA_ID, role, staff_id, f"{role} chosen by hand (tests/plan_factory.py)")
        for zone_id, (warden, deputy) in appointees.items()
        for role, staff_id in (("warden", warden), ("deputy", deputy))
        if staff_id is not None
    ]
    return pd.DataFrame(rows, columns=list(APPOINTMENT_COLUMNS))


def _areas(
    station: Station, staff: gpd.GeoDataFrame, area: object, crs: object
) -> gpd.GeoDataFrame:
    roles = staff["role"].fillna("").astype(str).str.strip()
    coordinator_id, coordinator_role = None, None
    for role in ("CSA", "DO"):
        holders = staff.loc[roles == role, "staff_id"].sort_values()
        if len(holders):
            coordinator_id, coordinator_role = holders.iloc[0], role
            break
    row = (AREA_ID, station.name, coordinator_id, coordinator_role)
    return gpd.GeoDataFrame([row], columns=list(AREA_COLUMNS), geometry=[area], crs=crs)


def _routes(zones: gpd.GeoDataFrame, points: gpd.GeoDataFrame, crs: object) -> gpd.GeoDataFrame:
    assembly = points[points["kind"] == "assembly"].sort_values("point_id", kind="stable")
    concentration = points[points["kind"] == "concentration"].sort_values("point_id")
    legs = []
    if len(assembly):
        for zone in zones.itertuples():
            start = zone.geometry.representative_point()
            nearest = assembly.iloc[int(np.argmin(assembly.distance(start)))]
            legs.append(("zone_to_assembly", zone.zone_id, "zone", nearest, start))
        if len(concentration):
            first = assembly.iloc[0]
            nearest = concentration.iloc[int(np.argmin(concentration.distance(first.geometry)))]
            legs.append(
                ("assembly_to_concentration", first.point_id, "assembly", nearest, first.geometry)
            )
    rows, lines = [], []
    for number, (kind, origin, origin_kind, destination, start) in enumerate(legs, start=1):
        line = shapely.LineString([start, destination.geometry])
        length_m = round(line.length, 1)
        seconds = round(line.length / WALKING_M_PER_S, 1)
        rows.append(
            (f"R{number}", f"L{number}", kind, False, False, origin, origin_kind,
             destination.point_id, destination.kind, "walking", length_m, seconds, np.nan,
             False, "straight-line", True)
        )  # fmt: skip
        lines.append(line)
    return gpd.GeoDataFrame(rows, columns=list(ROUTE_COLUMNS), geometry=lines, crs=crs)


def _flags(appointees: dict[str, tuple[str | None, ...]]) -> pd.DataFrame:
    rows = []
    for zone_id, (warden, deputy) in appointees.items():
        if warden is None:
            rows.append((zone_id, AREA_ID, "no_candidate", "critical", NO_WARDEN))
        elif deputy is None:
            rows.append((zone_id, AREA_ID, "no_deputy", "major", NO_DEPUTY))
    return pd.DataFrame(rows, columns=list(FLAG_COLUMNS))
