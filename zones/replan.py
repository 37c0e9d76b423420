"""Stable re-planning: keep an earlier plan's zones where still valid, and count the churn."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from zones.handdrawn import assign_households, repair_zones
from zones.partition import ZonePlan, ZoningOptions

CAUSES = ("unchanged", "moved", "zone changed", "new household", "left")
# Parts smaller than this share of a repaired polygon are rounding artefacts, dropped.
SLIVER_SHARE = 1e-6


def replan_zones(
    previous_zones: gpd.GeoDataFrame,
    previous_assignment: pd.DataFrame,
    households: gpd.GeoDataFrame,
    area: shapely.Geometry,
    options: ZoningOptions,
    *,
    barriers: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
) -> tuple[ZonePlan, pd.DataFrame]:
    """Re-plan from an earlier plan, changing only the zones that no longer work.

    Parameters
    ----------
    previous_zones
        The earlier plan's zones (``zone_id``, ``zone_name``, polygons), any CRS.
    previous_assignment
        The earlier plan's ``household_id, zone_id``.
    households
        Today's households, projected CRS.
    area
        Today's station area, same CRS.
    options
        Bounds and seed.
    barriers, places
        For zones that must be redrawn.

    Returns
    -------
    plan
        Zones (kept ones unchanged, same ids), assignment and notes.
    churn
        One row per household of either plan: ``household_id, previous_zone,
        zone_id, cause`` with cause one of ``CAUSES``: ``moved`` when the
        household's home now lies in another earlier zone, ``zone changed`` when
        it stayed but its zone was redrawn.
    """
    previous = polygons_to_crs(previous_zones, households.crs)
    plan = repair_zones(previous, households, area, options, barriers=barriers, places=places)
    where_now = assign_households(previous, households)  # today's homes in the old zones
    before = previous_assignment.set_index("household_id")["zone_id"]
    after = plan.assignment.set_index("household_id")["zone_id"]
    ids = sorted(set(before.index) | set(after.index))
    rows = []
    for household in ids:
        old, new = before.get(household), after.get(household)
        if old is None:
            cause = "new household"
        elif new is None:
            cause = "left"
        elif where_now.get(household) != old:
            cause = "moved"
        elif new != old:
            cause = "zone changed"
        else:
            cause = "unchanged"
        rows.append(
            {"household_id": household, "previous_zone": old, "zone_id": new, "cause": cause}
        )
    return plan, pd.DataFrame(rows, columns=["household_id", "previous_zone", "zone_id", "cause"])


def churn_summary(churn: pd.DataFrame) -> dict[str, int]:
    """Return the number of households per cause of change."""
    counts = churn["cause"].value_counts()
    return {cause: int(counts.get(cause, 0)) for cause in CAUSES}


def polygons_to_crs(frame: gpd.GeoDataFrame, crs: object) -> gpd.GeoDataFrame:
    """Reproject polygons read from a file and repair what rounding broke.

    An earlier plan's zones are read from its GeoJSON, in degrees rounded to 6 decimals;
    valid polygons can self-intersect by a hair once those vertices are projected. Such
    a polygon is made valid again and the slivers that the repair cuts off (parts under
    ``SLIVER_SHARE`` of its area) are dropped.

    Parameters
    ----------
    frame
        Polygons in any CRS.
    crs
        The target CRS, anything `geopandas.GeoDataFrame.to_crs` accepts.

    Returns
    -------
    geopandas.GeoDataFrame
        The same rows in ``crs``, every geometry valid.
    """
    out = frame.to_crs(crs)
    broken = ~out.geometry.is_valid & out.geometry.notna()
    if broken.any():
        out.loc[broken, "geometry"] = [_repair(g) for g in out.geometry[broken]]
    return out


def _repair(geometry: shapely.Geometry) -> shapely.Geometry:
    fixed = shapely.make_valid(geometry, method="structure", keep_collapsed=False)
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type == "Polygon"]
    total = sum(p.area for p in parts)
    kept = [p for p in parts if p.area >= SLIVER_SHARE * total]
    return kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)
