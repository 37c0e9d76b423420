"""Read an earlier plan's folder: its zones, household assignments and appointments.

A re-plan (``--previous``) keeps the zones and wardens of an earlier plan where they
are still valid; this module only reads and checks what that plan wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from stations.errors import Issue, StationError
from stations.zones_file import read_zones_file

ASSIGNMENT_COLUMNS = ("household_id", "zone_id")
APPOINTMENT_COLUMNS = ("zone_id", "role", "staff_id")


@dataclass(frozen=True, eq=False)
class PreviousPlan:
    """What an earlier plan decided, as its folder holds it.

    Attributes
    ----------
    zones
        Its zones (``zone_id``, ``zone_name``, polygons in EPSG:4326).
    assignment
        One row per zoned household: ``household_id, zone_id``.
    appointments
        Its wardens and deputies (``zone_id, role, staff_id``), or ``None`` when the
        folder holds no ``appointments.csv`` (a ``planner zones`` folder).
    """

    zones: gpd.GeoDataFrame
    assignment: pd.DataFrame
    appointments: pd.DataFrame | None


def read_previous_plan(folder: Path) -> PreviousPlan:
    """Read an earlier plan's ``zones.geojson``, ``assignments.csv`` and ``appointments.csv``.

    Parameters
    ----------
    folder
        A folder written by ``planner plan`` or ``planner zones`` (not redacted).

    Returns
    -------
    PreviousPlan
        Its zones, assignment and appointments.

    Raises
    ------
    StationError
        When the folder is not a plan written by ``planner``, or a table lacks a column;
        each issue names the file and the column.
    """
    zones_path, assignments_path = folder / "zones.geojson", folder / "assignments.csv"
    missing = [p.name for p in (zones_path, assignments_path) if not p.is_file()]
    if missing:
        issues = [
            Issue("error", str(folder / name), "file not found", code="missing") for name in missing
        ]
        raise StationError(f"{folder} is not a plan folder written by planner", issues)
    zones = read_zones_file(zones_path, str(zones_path))
    assignment = _read_table(assignments_path)
    if "household_id" not in assignment.columns:
        message = (
            f"{assignments_path} names no households (a plan written with --redact?): "
            "give the full plan as --previous"
        )
        raise StationError(
            message, [Issue("error", str(assignments_path), message, column="household_id")]
        )
    _require(assignment, ASSIGNMENT_COLUMNS, assignments_path)
    assignment = assignment[assignment["zone_id"] != ""]
    assignment = assignment[list(ASSIGNMENT_COLUMNS)].drop_duplicates("household_id")
    return PreviousPlan(zones, assignment, _read_appointments(folder / "appointments.csv"))


def _read_appointments(path: Path) -> pd.DataFrame | None:
    """Return the zone appointments of ``appointments.csv``, or None without the file."""
    if not path.is_file():
        return None
    table = _read_table(path)
    _require(table, APPOINTMENT_COLUMNS, path)
    return table[table["zone_id"] != ""][list(APPOINTMENT_COLUMNS)]


def _read_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)


def _require(table: pd.DataFrame, columns: tuple[str, ...], path: Path) -> None:
    """Raise a StationError naming the file and each column ``table`` lacks."""
    lacking = [c for c in columns if c not in table.columns]
    if not lacking:
        return
    issues = [
        Issue("error", str(path), "column missing: was the file edited?", column=c, code="missing")
        for c in lacking
    ]
    names = ", ".join(lacking)
    raise StationError(f"{path} is not a table written by planner (no column {names})", issues)
