"""The loaded duty station: one object every later stage reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import CRS

from stations.config import StationConfig
from stations.errors import Issue
from stations.osm import OsmExtract
from stations.presence import away_ids, presence_on, present_ids
from stations.schema import STATUS
from stations.visitors import visitors_on


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
        geometry. Accepted rows carry ``household_id``. The roster's own ``status``
        column (where the person is) is read into ``presence``, with ``status_from``
        and ``status_until`` as dates (see :mod:`stations.presence`).
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
    as_of
        The plan date the station was checked against (stale records, ages, presence).
    dependants
        One row per dependant (columns ``stations.schema.DEPENDANT_COLUMNS``): every
        row of the dependants file, accepted or rejected with its reason, and the
        numbered dependants (``<household_id>-D<n>``, ``numbered`` true) the roster
        counts for households the file does not name (all of them without a file).
    visitors
        Every row of the visitors file (columns ``stations.schema.VISITOR_COLUMNS``),
        points in ``crs``, accepted or rejected with its reason; no rows without a file.
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
    as_of: dt.date
    dependants: pd.DataFrame
    visitors: gpd.GeoDataFrame

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
    def accepted_dependants(self) -> pd.DataFrame:
        """Return the dependants that were accepted (named and numbered)."""
        return self.dependants[self.dependants[STATUS] == "accepted"]

    def presence_on(self, date: dt.date | None = None) -> pd.Series:
        """Return where each accepted staff member is on ``date`` (the plan date by default).

        Returns
        -------
        pandas.Series
            ``present``, ``on leave``, ``on mission`` or ``visiting``, indexed like
            ``accepted_staff``.
        """
        return presence_on(self.accepted_staff, date or self.as_of)

    def away_on(self, date: dt.date | None = None) -> list[str]:
        """Return the staff ids on leave or on mission on ``date`` (the plan date by default)."""
        return away_ids(self.accepted_staff, date or self.as_of)

    def present_on(self, date: dt.date | None = None) -> list[str]:
        """Return the staff ids at the station on ``date``, visiting staff included."""
        return present_ids(self.accepted_staff, date or self.as_of)

    def visitors_on(self, date: dt.date | None = None) -> gpd.GeoDataFrame:
        """Return the accepted visitors at the station on ``date`` (the plan date by default)."""
        return visitors_on(self.visitors, date or self.as_of)

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
