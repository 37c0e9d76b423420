"""Hibernation sites: the households each takes, its headcount, and the supplies to stock.

A site stocks, for each item, ``days x people x amount per person per day``: ``days`` is
the station's ``[evacuation] hibernation_days`` (14 by default), ``people`` the headcount
of the households assigned to the site (`zones.evacuation`), and the amounts come from
:data:`SUPPLIES`, which the station's ``[evacuation] supplies`` table overrides item by
item (an item not in the table is an error naming it). No file I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from stations import StationError
from stations.errors import Issue
from zones.plan import PlannedStation

__all__ = ["DEFAULT_DAYS", "SUPPLIES", "Supply", "hibernation_sites", "supply_amounts"]

DEFAULT_DAYS = 14
SPHERE = "Sphere Handbook 2018"
LOCAL = "common practice: confirm locally"


@dataclass(frozen=True)
class Supply:
    """An item to stock: its amount per person per day, unit and source."""

    amount: float
    unit: str
    label: str
    source: str


SUPPLIES: dict[str, Supply] = {
    "water_l": Supply(
        15.0,
        "l",
        "Water (drinking, cooking, hygiene)",
        f"{SPHERE}, WASH water supply standard 2.1: at least 15 l per person per day",
    ),
    "food_kcal": Supply(
        2100.0,
        "kcal",
        "Food energy",
        f"{SPHERE}, food security: 2,100 kcal per person per day",
    ),
    "soap_g": Supply(
        15.0,
        "g",
        "Soap (bathing and laundry)",
        f"{SPHERE}, hygiene standard 1.2: 250 g bathing + 200 g laundry soap per person per month",
    ),
    "toilet_paper_rolls": Supply(0.25, "rolls", "Toilet paper", LOCAL),
    "batteries_aa": Supply(0.5, "batteries", "AA batteries (torches, radios)", LOCAL),
}
SITE_COLUMNS = (
    "point_id",
    "name",
    "capacity",  # people; NaN when unknown
    "households",
    "people",
    "over",  # people above a known capacity
    "household_ids",  # ";"-joined
    "days",
)


def supply_amounts(evacuation_table: Mapping[str, object]) -> dict[str, Supply]:
    """Return the amounts per person per day, the station's ``supplies`` over the defaults.

    Parameters
    ----------
    evacuation_table
        The station's ``[evacuation]`` table.

    Returns
    -------
    dict
        Item key to :class:`Supply`; an overridden item's source says the station set it.

    Raises
    ------
    StationError
        If ``supplies`` names an item the table does not know (each such key named).
    """
    given = evacuation_table.get("supplies", {})
    assert isinstance(given, Mapping)
    unknown = sorted(set(given) - set(SUPPLIES))
    if unknown:
        known = ", ".join(SUPPLIES)
        raise StationError(
            "station.toml: [evacuation] supplies has unknown item(s)",
            [
                Issue(
                    "error",
                    "station.toml",
                    f"[evacuation] supplies: unknown supply item {key!r}; the items are {known}",
                    column=f"evacuation.supplies.{key}",
                    code="unknown_supply_item",
                )
                for key in unknown
            ],
        )
    return {
        key: Supply(float(given[key]), item.unit, item.label, "set by the station")
        if key in given
        else item
        for key, item in SUPPLIES.items()
    }


def hibernation_sites(planned: PlannedStation) -> pd.DataFrame:
    """Return each hibernation site: its households, headcount and supplies to stock.

    Parameters
    ----------
    planned
        A planned station with its evacuation decided (households with ``hibernation_id``).

    Returns
    -------
    pandas.DataFrame
        ``SITE_COLUMNS`` and, per item of :func:`supply_amounts`, a column
        ``<item>`` holding ``days x people x amount``, one row per hibernation point.
    """
    table = planned.station.config.extra.get("evacuation", {})
    days = int(str(table.get("hibernation_days", DEFAULT_DAYS)))
    amounts = supply_amounts(table)
    points = planned.station.accepted_points
    sites = points[points["kind"] == "hibernation"].sort_values("point_id", kind="stable")
    households = planned.households.reindex(
        columns=["household_id", "headcount", "hibernation_id"]
    )  # without its evacuation decided, a plan sends no household to a site
    rows = []
    for site in sites.itertuples(index=False):
        members = households[households["hibernation_id"] == site.point_id]
        people = int(members["headcount"].sum())
        capacity = pd.to_numeric(pd.Series([site.capacity]), errors="coerce").iloc[0]
        rows.append(
            {
                "point_id": site.point_id,
                "name": site.name,
                "capacity": capacity,
                "households": len(members),
                "people": people,
                "over": max(people - capacity, 0) if pd.notna(capacity) else 0,
                "household_ids": ";".join(sorted(members["household_id"].astype(str))),
                "days": days,
                **{key: days * people * item.amount for key, item in amounts.items()},
            }
        )
    return pd.DataFrame(rows, columns=[*SITE_COLUMNS, *amounts])
