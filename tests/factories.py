"""Build a small planned station by hand, for output tests that need no partitioner.

The tiny station's area is cut into a west and an east zone; appointments and
routes are chosen here, explicitly, so that the outputs' tests know what to expect.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from stations import load_station
from zones.plan import PlannedStation

AS_OF = dt.date(2026, 11, 15)
# Tiny station: S001+S002 (H1), S003, S004 (DO), S005 (CSA), S006.
# Z02 has no eligible deputy (its other resident is the CSA): the outputs must show the gap.
WARDENS = {"Z01": ("S006", "S001"), "Z02": ("S003", None)}


def tiny_plan(folder: Path) -> PlannedStation:
    """Return the tiny station planned into two zones, west and east of 24.94 E (in metres)."""
    station = load_station(folder, as_of=AS_OF)
    area = station.boundary.geometry.iloc[0]
    west, south, east, north = area.bounds
    cut = gpd.GeoSeries([shapely.Point(24.94, 60.17)], crs=4326).to_crs(station.crs).iloc[0].x
    polygons = [shapely.box(west, south, cut, north), shapely.box(cut, south, east, north)]
    households = station.households.copy()
    households["zone_id"] = ["Z01" if p.x < cut else "Z02" for p in households.geometry]
    households["area_id"] = "A0"
    staff = station.accepted_staff.copy()
    zone_of = households.set_index("household_id")["zone_id"]
    staff["zone_id"] = staff["household_id"].map(zone_of)
    staff["area_id"] = "A0"
    rows = []
    for zone_id, polygon in zip(("Z01", "Z02"), polygons, strict=True):
        members = households[households["zone_id"] == zone_id]
        warden, deputy = WARDENS[zone_id]
        rows.append(
            {
                "zone_id": zone_id,
                "zone_name": "Kamppi" if zone_id == "Z01" else "Kaartinkaupunki",
                "area_id": "A0",
                "households": len(members),
                "staff": int(members["staff_count"].sum()),
                "dependants": int(members["dependants"].sum()),
                "visitors": 0,
                "headcount": int(members["headcount"].sum()),
                "warden_id": warden,
                "deputy_id": deputy,
                "geometry": polygon,
            }
        )
    zones = gpd.GeoDataFrame(rows, geometry="geometry", crs=station.crs)
    appointments = pd.DataFrame(
        [
            {"zone_id": z, "area_id": "A0", "role": role, "staff_id": sid, "reason": "test"}
            for z, (warden, deputy) in WARDENS.items()
            for role, sid in (("warden", warden), ("deputy", deputy))
            if sid is not None
        ]
    )
    areas = gpd.GeoDataFrame(
        {
            "area_id": ["A0"],
            "area_name": [station.name],
            "coordinator_id": ["S005"],
            "coordinator_role": ["CSA"],
        },
        geometry=[area],
        crs=station.crs,
    )
    points = station.points.set_index("point_id")
    assembly, concentration = points.loc["P1"].geometry, points.loc["P2"].geometry
    routes = gpd.GeoDataFrame(
        {
            "route_id": ["R1", "R2", "R3"],
            "kind": ["zone_to_assembly", "zone_to_assembly", "assembly_to_concentration"],
            "origin_id": ["Z01", "Z02", "P1"],
            "destination_id": ["P1", "P1", "P2"],
            "length_m": [1200.0, 800.0, 2300.0],
            "time_s": [864.0, 576.0, 1656.0],
            "method": ["straight-line"] * 3,
            "reachable": [True, True, True],
        },
        geometry=[
            shapely.LineString([polygons[0].centroid, assembly]),
            shapely.LineString([polygons[1].centroid, assembly]),
            shapely.LineString([assembly, concentration]),
        ],
        crs=station.crs,
    )
    flags = pd.DataFrame(
        [
            {
                "zone_id": "Z02",
                "area_id": "A0",
                "code": "no_deputy",
                "severity": "major",
                "message": "no eligible deputy: the zone depends on one person",
            }
        ]
    )
    return PlannedStation(
        station=station,
        zones=zones,
        households=households,
        staff=staff,
        appointments=appointments,
        areas=areas,
        routes=routes,
        flags=flags,
        distance_method="straight-line",
    )


SAMPLE = Path(__file__).parents[1] / "stations" / "sample" / "helsinki"
HOSTILE_NAME = "<img src=x onerror=alert(1)>"
HOSTILE_ADDRESS = "`${alert(2)}` </script><script>alert(3)</script>"


def hostile_helsinki(folder: Path) -> Path:
    """Copy the Helsinki sample into ``folder`` with every staff name and address hostile.

    Names are ``<img src=x onerror=alert(1)> <n>`` (kept distinct), addresses try to
    close the script element and to break out of a JavaScript template string.
    """
    import shutil

    shutil.copytree(SAMPLE, folder)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    staff["name"] = [f"{HOSTILE_NAME} {i}" for i in range(len(staff))]
    staff["address"] = HOSTILE_ADDRESS
    staff.to_csv(folder / "staff.csv", index=False)
    return folder


# The tiny station with people: two hotels (P5 in Z01, P6 in Z02), named dependants of H1
# and H-S004 (H-S003 keeps its roster count, numbered), and visitors: V1 at P5, V2 at P6,
# V3 gone before the plan date, V4 lodging east of the station area (outside every zone).
PEOPLE_AS_OF = dt.date(2026, 12, 1)
HOSTILE_DEPENDANT = "<script>alert('dep')</script>"
HOSTILE_VISITOR = '=HYPERLINK("http://x","y")'
TINY_HOTELS = (
    "P5,hotel,Hotel Torni,60.1680,24.9380,,\n",
    "P6,hotel,Hotel <b>Kämp</b>,60.1685,24.9480,,\n",
)
TINY_DEPENDANTS = f"""\
dependant_id,staff_id,household_id,name,relation,birth_date,age_band,nationality,phone,\
special_needs
D1,S001,,Matti Virtanen,spouse,1980-01-01,,FI,+358401111111,
D2,S001,,"{HOSTILE_DEPENDANT}",child,2015-05-05,,FI,,wheelchair user
D3,,H-S004,Fatima Al-Khatib,spouse,,18-64,JO,+358402222222,
"""
TINY_VISITORS = f"""visitor_id,name,agency,point_id,lat,lon,arrival,departure,phone,sponsor_staff_id
V1,Guest One,OCHA,P5,,,2026-11-28,2026-12-03,+41 22 917 1234,S004
V2,"{HOSTILE_VISITOR.replace('"', '""')}",UNDP,P6,,,2026-11-30,2026-12-01,,S006
V3,Gone Guest,WFP,P5,,,2026-11-01,2026-11-05,,S004
V4,Far Guest,WHO,,60.1850,24.9900,2026-12-01,2026-12-01,+45 32 63 71 00,S005
"""


def tiny_with_people(folder: Path) -> Path:
    """Give the tiny station in ``folder`` hotels, a dependants file and a visitors file."""
    with (folder / "points.csv").open("a", encoding="utf-8") as handle:
        handle.writelines(TINY_HOTELS)
    (folder / "dependants.csv").write_text(TINY_DEPENDANTS, encoding="utf-8")
    (folder / "visitors.csv").write_text(TINY_VISITORS, encoding="utf-8")
    toml = folder / "station.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'boundary = "boundary.geojson"\n',
        'boundary = "boundary.geojson"\ndependants = "dependants.csv"\nvisitors = "visitors.csv"\n',
    )
    toml.write_text(text, encoding="utf-8")
    return folder
