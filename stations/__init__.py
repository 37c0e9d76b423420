"""Read and validate UN duty stations: roster, households, offices, points, boundary, OSM."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from stations.errors import InputError, Issue, StationError

if TYPE_CHECKING:
    from stations.config import StationConfig, load_config
    from stations.load import load_station
    from stations.osm import OsmExtract
    from stations.presence import plan_date
    from stations.station import Station

# Imported when first used: a command reading only reports (planner muster) or a drill log
# does not load the geodata stack (geopandas, shapely, pyproj) that reading a station needs.
_LAZY = {
    "StationConfig": "stations.config",
    "load_config": "stations.config",
    "load_station": "stations.load",
    "OsmExtract": "stations.osm",
    "plan_date": "stations.presence",
    "Station": "stations.station",
}

__all__ = [
    "InputError",
    "Issue",
    "OsmExtract",
    "Station",
    "StationConfig",
    "StationError",
    "load_config",
    "load_station",
    "plan_date",
]


def __getattr__(name: str) -> Any:
    """Import the lazily imported names (``_LAZY``) when first used (PEP 562)."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    msg = f"module 'stations' has no attribute {name!r}"
    raise AttributeError(msg)
