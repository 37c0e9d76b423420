"""``evacuation.json``: the legs of the journey and each zone's way out, for other tools.

Coordinates are written in EPSG:4326 (longitude, latitude, 6 decimals); lengths in
metres, times in seconds and minutes. A redacted plan leaves out every leg that starts
at a home (a zone's centre household) and keeps the legs from the points onwards.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from outputs.records import records
from stations.schema import WGS84
from zones.legs import DEFAULT_MOVEMENTS
from zones.plan import PlannedStation

COORDINATE_DECIMALS = 6
FROM_HOME = "zone_to_"  # kinds of legs that start at a zone's centre household


def evacuation_payload(planned: PlannedStation) -> dict[str, Any]:
    """Return the legs of the journey and each zone's way out as a JSON-ready mapping.

    Parameters
    ----------
    planned
        The planned station (routes in its projected CRS); a redacted one
        (``planned.redacted``) loses the legs from homes.

    Returns
    -------
    dict
        ``destination``, ``movements`` (category -> "evacuate", "relocate" or
        "hibernate"), ``zones`` (zone_id, assembly, alternate, concentration,
        departure by category) and ``legs`` (one per route: from, to, their kinds,
        ``kind`` "primary" or "alternate", the leg's kind, mode, method, length_m,
        time_s, minutes, surveyed, shared_m, distinct, coordinates).
    """
    routes = planned.routes
    if planned.redacted:
        routes = routes[~routes["kind"].astype(str).str.startswith(FROM_HOME)]
    evacuation = planned.station.config.extra.get("evacuation", {})
    movements = {group: str(evacuation.get(group, m)) for group, m in DEFAULT_MOVEMENTS.items()}
    last = planned.routes[planned.routes["kind"] == "departure_to_destination"]
    return {
        "crs": "EPSG:4326",
        "destination": str(last["destination_id"].iloc[0]) if len(last) else "",
        "movements": movements,
        "zones": _zones(planned.routes, movements),
        "legs": [
            _leg(row, line) for row, line in zip(records(routes), _lines(routes), strict=True)
        ],
    }


def write_evacuation_json(planned: PlannedStation, path: Path) -> Path:
    """Write :func:`evacuation_payload` as indented UTF-8 JSON.

    Parameters
    ----------
    planned
        The planned station.
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    text = json.dumps(evacuation_payload(planned), indent=1, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _zones(routes: gpd.GeoDataFrame, movements: dict[str, str]) -> list[dict[str, Any]]:
    """Return each zone's assembly points, concentration point and departures by category."""
    first = routes[~routes["alternate"].astype(bool)]
    to = {
        kind: dict(
            zip(part["origin_id"].astype(str), part["destination_id"].astype(str), strict=True)
        )
        for kind, part in first.groupby("kind")
    }
    out = []
    for zone_id in sorted(to.get("zone_to_assembly", {})):
        assembly = to["zone_to_assembly"][zone_id]
        concentration = to.get("assembly_to_concentration", {}).get(assembly)
        departure = {
            "evacuate": to.get("concentration_to_departure", {}).get(concentration or ""),
            "relocate": to.get("concentration_to_relocation", {}).get(concentration or ""),
        }
        out.append(
            {
                "zone_id": zone_id,
                "assembly": assembly,
                "alternate": to.get("zone_to_alternate_assembly", {}).get(zone_id),
                "concentration": concentration,
                "departure": {group: departure.get(move) for group, move in movements.items()},
            }
        )
    return out


def _lines(routes: gpd.GeoDataFrame) -> list[shapely.Geometry | None]:
    if routes.empty:
        return []
    return list(routes.to_crs(WGS84).geometry)


def _leg(row: dict[str, Any], line: shapely.Geometry | None) -> dict[str, Any]:
    coordinates = None
    if line is not None and not line.is_empty:
        coordinates = [
            [round(x, COORDINATE_DECIMALS), round(y, COORDINATE_DECIMALS)]
            for x, y in shapely.get_coordinates(line)
        ]
    seconds = _number(row["time_s"])
    return {
        "route_id": str(row["route_id"]),
        "leg": str(row["leg"]),
        "from": str(row["origin_id"]),
        "from_kind": str(row["origin_kind"]),
        "to": str(row["destination_id"]),
        "to_kind": str(row["destination_kind"]),
        "kind": "alternate" if row["alternate"] else "primary",
        "leg_kind": str(row["kind"]),
        "alternate": bool(row["alternate"]),
        "mode": str(row["mode"]),
        "method": str(row["method"]),
        "length_m": _number(row["length_m"]),
        "time_s": seconds,
        "minutes": None if seconds is None else round(seconds / 60, 1),
        "surveyed": bool(row["surveyed"]),
        "label": "surveyed" if row["surveyed"] else "not surveyed",
        "shared_m": _number(row["shared_m"]),
        "distinct": bool(row["distinct"]),
        "reachable": bool(row["reachable"]),
        "coordinates": coordinates,
    }


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number
