"""Read and validate UN duty stations: roster, households, offices, points, boundary, OSM."""

from stations.config import StationConfig, load_config
from stations.errors import InputError, Issue, StationError
from stations.load import load_station
from stations.osm import OsmExtract
from stations.presence import plan_date
from stations.station import Station

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
