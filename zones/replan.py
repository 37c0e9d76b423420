"""Stable re-planning: keep an earlier plan's zones where still valid, and count the churn."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from zones.handdrawn import assign_households, repair_zones
from zones.partition import ZonePlan, ZoningOptions
from zones.plan import polygons_to_crs

CAUSES = ("unchanged", "moved", "zone changed", "new household", "left")


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
