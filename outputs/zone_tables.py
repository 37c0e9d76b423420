"""Write the zoning stage's files: zones (GeoJSON, KML), assignments, metrics and churn."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from outputs.csv_safe import write_csv_safely
from outputs.gis import write_geojson, write_kml


def write_zone_tables(
    folder: Path,
    *,
    title: str,
    zones: gpd.GeoDataFrame,
    assignments: pd.DataFrame,
    metrics: pd.DataFrame,
    churn: pd.DataFrame | None = None,
) -> list[Path]:
    """Write the zone files into ``folder``.

    ``zones.geojson``, ``zones.kml``, ``assignments.csv``, ``zone_metrics.csv`` and,
    after re-planning, ``churn.csv``.

    Parameters
    ----------
    folder
        The output folder (exists).
    title
        The KML document's name.
    zones
        Zone polygons with their attribute columns, any CRS.
    assignments
        One row per input staff member.
    metrics
        One row per zone.
    churn
        One row per household whose zone may have changed, or ``None``.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    columns = [c for c in zones.columns if c != "geometry"]
    paths = [
        write_geojson(zones[[*columns, "geometry"]], folder / "zones.geojson"),
        write_kml(
            zones,
            folder / "zones.kml",
            title=title,
            name_column="zone_id",
            description_columns={c: c.replace("_", " ") for c in columns if c != "zone_id"},
        ),
        write_csv_safely(assignments, folder / "assignments.csv"),
        write_csv_safely(metrics, folder / "zone_metrics.csv"),
    ]
    if churn is not None:
        paths.append(write_csv_safely(churn, folder / "churn.csv"))
    return paths
