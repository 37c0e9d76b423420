"""A plan safe to share: whatever names or locates a person is left out.

A redacted plan keeps zones, counts, offices, points and gaps, and leaves out names,
phones and homes, and what would lead back to them: staff, household, dependant and
visitor ids (dependants and visitors stay as rows without names, phones or ids, so that
they are still counted), zone
edges drawn between two homes (zones are redrawn on a grid, see `zones.coarse`), the
first 200 m of every route from a home and the length and time of those routes,
distances from a home to its street, and findings about single persons (MOSS lists
only how many fail). Every writer renders the redacted plan the same way.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from functools import cached_property
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from zones.coarse import GRID_CELL_SIDES_M, coarsen_tessellation
from zones.plan import PlannedStation

__all__ = [
    "REDACTED",
    "REDACTED_ROUTE_START_M",
    "Scrubber",
    "redact_planned",
    "redacted_appointments",
    "redacted_assignments",
    "redacted_metrics",
    "redacted_moss",
    "redacted_zone_table",
    "route_beyond",
]

Frame = TypeVar("Frame", bound=pd.DataFrame)
REDACTED = "[redacted]"
REDACTED_ROUTE_START_M = 200.0  # a zone's route is shown from this far from its home on
# Routes from a zone start at its centre household: these measure from a home.
MEASURED_FROM_HOME = ("length_m", "time_s", "access_m")
FROM_HOME = "zone_to_assembly"
# Findings about these entities name a person (or their home): only counts are kept.
PERSONAL_ENTITIES = ("staff", "household")
OFF_NETWORK = (
    "a household is off the street network: its distances are straight lines x 1.3 "
    "(how far from a street is left out of this redacted copy)"
)
NO_BOUNDARY_FILE = (
    "the station has no boundary file, so its area is drawn around the homes: even on the "
    "grid, the outline of this redacted plan follows the outermost homes to within a few "
    "hundred metres; give the station a boundary file before sharing it"
)
# What names, reaches or identifies a dependant or a visitor: emptied in a redacted plan,
# whose rows still count them (by household, zone, hotel and agency).
PERSONAL_DEPENDANT_COLUMNS = (
    "person_id", "name", "birth_date", "nationality", "phone", "special_needs", "reason",
)  # fmt: skip
PERSONAL_VISITOR_COLUMNS = (
    "visitor_id", "name", "phone", "sponsor_staff_id", "lat", "lon", "reason",
)  # fmt: skip
_TOKEN = re.compile(r"[^\s,;()\[\]'\"]+")


@dataclasses.dataclass(frozen=True, eq=False)
class Scrubber:
    """Replaces every staff, household, dependant and visitor id in a text by ``[redacted]``."""

    ids: frozenset[str]

    @classmethod
    def of(cls, planned: PlannedStation) -> Scrubber:
        """Return the scrubber of a plan's staff (every input row), households and people."""
        station = planned.station
        staff = station.staff
        columns = [c for c in ("staff_id", "household_id") if c in staff.columns]
        values: Iterable[object] = [
            *(v for c in columns for v in staff[c]),
            *planned.households["household_id"],
            *station.dependants["person_id"],
            *station.visitors["visitor_id"],
            *planned.visitors["visitor_id"],
        ]
        return cls(frozenset(str(v) for v in values if isinstance(v, str) and v))

    def text(self, value: object) -> object:
        """Return ``value`` with ids replaced, when it is a string; else ``value``."""
        if not isinstance(value, str):
            return value
        for spaced in self._spaced:  # ids with spaces or brackets: rare, replaced as they are
            value = value.replace(spaced, REDACTED)
        return _TOKEN.sub(self._token, value)

    @cached_property
    def _spaced(self) -> tuple[str, ...]:
        spaced = (i for i in self.ids if _TOKEN.fullmatch(i) is None)
        return tuple(sorted(spaced, key=lambda i: (-len(i), i)))

    def data(self, value: object) -> object:
        """Return nested lists, dicts and strings with every id replaced."""
        if isinstance(value, dict):
            return {self.text(k): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return self.text(value)

    def _token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        bare = token.rstrip(".:")
        if bare in self.ids:
            return REDACTED + token[len(bare) :]
        return token


def redact_planned(planned: PlannedStation) -> PlannedStation:
    """Return the plan as a redacted copy draws it (the plan itself when already redacted).

    Zones (and areas, their union per area) are redrawn from grid cells
    (`zones.coarse.coarsen_tessellation`, cut to the station's boundary file when it
    has one; a boundary drawn around the homes is replaced by the cells' union). Routes
    from zones start ``REDACTED_ROUTE_START_M`` from their home and carry no length, time
    or access distance. Flags and notes name no staff member or household, and a home's
    distance to its street is left out.

    Parameters
    ----------
    planned
        The planned station.

    Returns
    -------
    zones.plan.PlannedStation
        The redacted copy, with ``redacted`` set.
    """
    if planned.redacted:
        return planned
    station = planned.station
    zones, areas, area_shape = _coarse_zones_and_areas(planned)
    boundary = station.boundary
    notes = planned.notes
    if not _from_file(boundary):
        notes += (NO_BOUNDARY_FILE,)
        boundary = gpd.GeoDataFrame(
            {"source": ["redacted grid"]}, geometry=[area_shape], crs=station.crs
        )
    copy = dataclasses.replace(
        station,
        boundary=boundary,
        dependants=_blanked(station.dependants, PERSONAL_DEPENDANT_COLUMNS),
        visitors=_blanked(station.visitors, PERSONAL_VISITOR_COLUMNS),
    )
    if "osm" in station.__dict__:  # the extract already read (a cached property)
        copy.__dict__["osm"] = station.__dict__["osm"]
    scrub = Scrubber.of(planned)
    return dataclasses.replace(
        planned,
        station=copy,
        zones=zones,
        areas=areas,
        routes=redacted_routes(planned.routes),
        flags=redacted_flags(planned.flags, scrub),
        notes=tuple(str(scrub.text(n)) for n in notes),
        redacted=True,
        visitors=_blanked(planned.visitors, PERSONAL_VISITOR_COLUMNS),
    )


def _blanked(frame: Frame, columns: tuple[str, ...]) -> Frame:
    """Return ``frame`` with ``columns`` (those it has) emptied: its rows still count."""
    present = [c for c in columns if c in frame.columns]
    out: Frame = frame.assign(**dict.fromkeys(present, None))
    return out


def _coarse_zones_and_areas(
    planned: PlannedStation,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, shapely.Geometry]:
    """Return zones and areas redrawn from grid cells, and the cells' union."""
    station = planned.station
    crs = station.crs
    zones, areas = planned.zones, planned.areas
    zoned = shapely.union_all(zones.geometry.to_numpy())
    rest = areas.assign(geometry=areas.geometry.difference(zoned)).explode(index_parts=False)
    rest = rest[rest.geometry.area > GRID_CELL_SIDES_M[-1] ** 2]  # not the slivers
    units = gpd.GeoDataFrame(
        {
            "zone": [*range(len(zones)), *([-1] * len(rest))],
            "area_id": [*zones["area_id"], *rest["area_id"]],
        },
        geometry=[*zones.geometry, *rest.geometry],
        crs=crs,
    )
    from_file = (station.boundary.get("source", pd.Series(dtype=str)) == "file").all()
    clip = shapely.union_all(station.boundary.geometry.to_numpy()) if from_file else None
    coarse, _side = coarsen_tessellation(units, clip=clip)
    drawn = coarse[coarse["zone"] >= 0].sort_values("zone")
    zones = zones.set_geometry(gpd.GeoSeries(drawn.geometry.to_numpy(), index=zones.index, crs=crs))
    by_area = {
        area_id: shapely.coverage_union_all(group.geometry.dropna().to_numpy())
        for area_id, group in coarse.groupby("area_id", sort=False)
    }
    areas = areas.set_geometry(
        gpd.GeoSeries([by_area.get(a) for a in areas["area_id"]], index=areas.index, crs=crs)
    )
    area_shape = shapely.coverage_union_all(coarse.geometry.dropna().to_numpy())
    return zones, areas, area_shape


def _from_file(boundary: gpd.GeoDataFrame) -> bool:
    """Return whether the station area was read from a boundary file (not drawn around homes)."""
    return bool((boundary.get("source", pd.Series(dtype=str)) == "file").all())


def redacted_routes(
    routes: gpd.GeoDataFrame, skip_m: float = REDACTED_ROUTE_START_M
) -> gpd.GeoDataFrame:
    """Return ``routes`` with every route from a zone cut and its measures left out.

    A zone's route starts at its centre household; it is cut to start where it is first
    ``skip_m`` metres (straight line) from there, and its length, time and access
    distance (all measured from the home) become NaN. A route that never gets that far
    has no geometry (``None``). Other routes (between points) are kept whole.

    Parameters
    ----------
    routes
        The plan's routes, with ``kind`` and LineString geometries in a projected CRS
        (metres, the station's), in which the cut is measured.
    skip_m
        How far from its household a zone's route may start.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows in the same CRS as ``routes``.
    """
    from_home = (routes["kind"] == FROM_HOME).to_numpy()
    lines = [
        (route_beyond(line, skip_m) if line is not None and not line.is_empty else None)
        if home
        else line
        for home, line in zip(from_home, routes.geometry, strict=True)
    ]
    lines = [None if line is not None and line.is_empty else line for line in lines]
    cut = routes.set_geometry(gpd.GeoSeries(lines, crs=routes.crs, index=routes.index))
    for column in MEASURED_FROM_HOME:
        if column in cut.columns:
            cut[column] = cut[column].astype(float).where(~from_home, np.nan)
    return cut


def route_beyond(line: shapely.LineString, skip_m: float) -> shapely.Geometry:
    """Return the rest of ``line`` from its first point ``skip_m`` away from its start.

    A route that never gets that far from its start gives an empty line. ``line`` is in
    a projected CRS (metres).
    """
    along = np.arange(0.0, line.length, 5.0)
    points = shapely.line_interpolate_point(line, along)
    away = np.flatnonzero(shapely.distance(points, shapely.Point(line.coords[0])) >= skip_m)
    if not len(away):
        return shapely.LineString()
    return substring(line, float(along[away[0]]), line.length)


def redacted_flags(flags: pd.DataFrame, scrub: Scrubber) -> pd.DataFrame:
    """Return the flags naming no staff member or household, without distances to homes."""
    messages = [
        OFF_NETWORK if code == "far_from_street" else scrub.text(message)
        for code, message in zip(flags["code"], flags["message"], strict=True)
    ]
    return flags.assign(message=messages)


def redacted_assignments(assignments: pd.DataFrame) -> pd.DataFrame:
    """Return how many staff each zone holds (and how many were rejected), no one named.

    Columns: ``zone_id, area_id, status, staff``. A rejected row's reason quotes the
    roster, so it is left out.
    """
    counts = (
        assignments.groupby(["zone_id", "area_id", "status"], dropna=False, sort=True)
        .size()
        .reset_index(name="staff")
    )
    return counts.astype(object).where(counts.notna(), None)


def redacted_appointments(appointments: pd.DataFrame) -> pd.DataFrame:
    """Return which roles are filled where: ``zone_id, area_id, role`` (no person, no reason)."""
    return appointments[["zone_id", "area_id", "role"]].copy()


def redacted_metrics(metrics: pd.DataFrame) -> pd.DataFrame:
    """Return the zone metrics without the centre household's id."""
    return metrics.drop(columns=["centre_household_id"], errors="ignore")


def redacted_zone_table(zones: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return zones with ``warden`` and ``deputy`` ("appointed" or "none") for their ids."""
    roles = {
        role: zones[f"{role}_id"].map(lambda i: "appointed" if isinstance(i, str) else "none")
        for role in ("warden", "deputy")
    }
    table = zones.drop(columns=["warden_id", "deputy_id"]).assign(**roles)
    return table[[c for c in table.columns if c != table.geometry.name] + [table.geometry.name]]


def redacted_moss(report: dict[str, Any], scrub: Scrubber) -> dict[str, Any]:
    """Return the MOSS report with findings about persons and households as counts only."""
    rules = [
        rule | {"failures": [], "failures_not_listed": rule.get("failed", 0)}
        if rule.get("applies_to") in PERSONAL_ENTITIES
        else rule
        for rule in report.get("rules", [])
    ]
    return scrub.data(report | {"rules": rules})  # type: ignore[return-value]
