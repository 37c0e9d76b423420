"""The loaded duty station: one object every later stage reads."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
from pyproj import CRS

from stations.config import StationConfig
from stations.errors import Issue
from stations.osm import OsmExtract
from stations.schema import STATUS


@dataclass(frozen=True, eq=False)
class Station:
    """A validated duty station.

    Every frame (staff, households, offices, points, boundary and the OSM layers) is in
    ``crs``, the station's projected CRS; the ``lat`` and ``lon`` columns keep the
    coordinates as the input files gave them.

    Attributes
    ----------
    folder
        The station folder.
    config
        The parsed ``station.toml``.
    crs
        The projected CRS of every frame (the configured one, or local UTM).
    staff
        Every input staff row with ``status`` (accepted or rejected),
        ``reason``, ``source_file`` and ``source_row``; rejected rows may lack a
        geometry. Accepted rows carry ``household_id``.
    households
        One row per household of accepted staff: ``household_id``, ``staff_count``,
        ``dependants``, ``headcount``, ``staff_ids`` (``;``-joined), point geometry.
    offices
        Every office row with ``status`` and ``reason``.
    points
        Every point row with ``status`` and ``reason``.
    boundary
        One row: the station area as a (Multi)Polygon, with ``source``
        (``file`` or ``buffer``).
    issues
        Every error and warning found while loading.
    """

    folder: Path
    config: StationConfig
    crs: CRS
    staff: gpd.GeoDataFrame
    households: gpd.GeoDataFrame
    offices: gpd.GeoDataFrame
    points: gpd.GeoDataFrame
    boundary: gpd.GeoDataFrame
    issues: tuple[Issue, ...]

    @property
    def name(self) -> str:
        """Return the station's name."""
        return self.config.station.name

    @property
    def accepted_staff(self) -> gpd.GeoDataFrame:
        """Return the staff rows that were accepted."""
        return self.staff[self.staff[STATUS] == "accepted"]

    @property
    def accepted_offices(self) -> gpd.GeoDataFrame:
        """Return the office rows that were accepted."""
        return self.offices[self.offices[STATUS] == "accepted"]

    @property
    def accepted_points(self) -> gpd.GeoDataFrame:
        """Return the point rows (assembly, hospital, hotel...) that were accepted."""
        return self.points[self.points[STATUS] == "accepted"]

    @property
    def rejected_staff(self) -> gpd.GeoDataFrame:
        """Return the staff rows that were rejected, with their reason."""
        return self.staff[self.staff[STATUS] == "rejected"]

    @property
    def errors(self) -> list[Issue]:
        """Return the issues of severity error."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Return the issues of severity warning."""
        return [i for i in self.issues if i.severity == "warning"]

    def path(self, relative: str | None) -> Path | None:
        """Return a path of the ``[files]`` table resolved against the folder."""
        return None if relative is None else (self.folder / relative)

    @property
    def osm_path(self) -> Path | None:
        """Return the OSM extract's path, if the station has one."""
        return self.path(self.config.files.osm)

    @cached_property
    def osm(self) -> OsmExtract | None:
        """Return the station's OSM extract (layers in ``crs``), or ``None`` without one."""
        path = self.osm_path
        return None if path is None else OsmExtract(path, crs=self.crs)

    @property
    def zones_path(self) -> Path | None:
        """Return the hand-drawn zones file, if the station has one."""
        return self.path(self.config.files.zones)

    @property
    def threats_path(self) -> Path | None:
        """Return the threats file, if the station has one."""
        return self.path(self.config.files.threats)
