"""Who goes where: one row per person, with the concentration point and departure they use.

Every accepted staff member of a zone with a concentration point, every dependant of
their households (named, or numbered ``<household_id>-D<n>`` where the roster only counts
them) and every visitor present in such a zone is listed exactly once, grouped by
household (staff first, then dependants; visitors after the households). Each person has
a movement (``zones.evacuation.movement_for``: dependants follow the staff member they
are credited to, visitors are planned like international staff), the departure point of
that movement from their concentration point, or their hibernation site. A staff member
away on the plan date is listed as away and needs no seat; their dependants travel.
No file I/O.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from stations.text import text_of
from zones.evacuation import movement_for
from zones.plan import PlannedStation

__all__ = ["MANIFEST_COLUMNS", "manifest_people"]

logger = logging.getLogger(__name__)

MANIFEST_COLUMNS = (
    "concentration_id",
    "household_id",  # None for a visitor
    "person_id",  # staff_id, dependant id (<household_id>-D<n> when numbered) or visitor_id
    "staff_id",  # set on staff rows only
    "person",  # "staff", "dependant" or "visitor"
    "name",
    "category",  # the staff member's (a dependant's: of the staff member credited)
    "movement",  # "evacuate", "relocate" or "hibernate"
    "destination_id",  # the departure point, or the hibernation site; None without one
    "status",  # "travels" or "away (no seat)"
    "zone_id",
    "assembly_id",
    "special_needs",
    "vehicle",
    "phone",
)
TRAVELS = "travels"
AWAY = "away (no seat)"
VISITOR_CATEGORY = "international"  # visitors on mission are planned like international staff
_KEPT = "_manifest_people"  # where `manifest_people` keeps its frame on a planned station


def manifest_people(planned: PlannedStation) -> pd.DataFrame:
    """Return every person to move or shelter, one row each, grouped by household.

    Parameters
    ----------
    planned
        A planned station with its evacuation decided (zones with ``assembly_id`` and
        ``concentration_id``, households with ``hibernation_id``, the departures) and
        its visitors placed.

    Returns
    -------
    pandas.DataFrame
        ``MANIFEST_COLUMNS``, ordered by concentration point, household (visitors last),
        staff before dependants. People of a zone without a concentration point are left
        out (the plan flags the zone's missing points).

    Notes
    -----
    Computed once per planned station and kept with it, as a cached property is (the
    plan's transport, the manifest files and the security plan all read it); a copy
    made with `dataclasses.replace`, a redacted plan or a later planning step, computes
    its own. Each call returns a copy of the kept frame.
    """
    kept = planned.__dict__.get(_KEPT)
    if kept is None:
        kept = planned.__dict__[_KEPT] = _manifest(planned)  # PlannedStation is frozen
    return kept.copy()


def _manifest(planned: PlannedStation) -> pd.DataFrame:
    station = planned.station
    table = station.config.extra.get("evacuation", {})
    zones = planned.zones.reindex(columns=["zone_id", "assembly_id", "concentration_id"]).set_index(
        "zone_id"
    )  # a plan without its evacuation decided lists no one
    staff = _staff_rows(planned, table, set(station.away_on()))
    dependants = _dependant_rows(planned, staff)
    visitors = _visitor_rows(planned, table)
    people = pd.concat(
        [f for f in (staff, dependants, visitors) if len(f)] or [staff], ignore_index=True
    )
    people["concentration_id"] = people["zone_id"].map(zones["concentration_id"])
    people["assembly_id"] = people["zone_id"].map(zones["assembly_id"])
    people = people.dropna(subset=["concentration_id"])
    people["destination_id"] = _destinations(planned, people)
    order = {"staff": 0, "dependant": 1, "visitor": 2}
    people = people.assign(
        _visitor=people["person"].eq("visitor"),
        _order=people["person"].map(order),
        _household=people["household_id"].fillna(""),
    ).sort_values(["concentration_id", "_visitor", "_household", "_order", "person_id"])
    frame = people.reindex(columns=list(MANIFEST_COLUMNS)).reset_index(drop=True)
    logger.info(
        "manifests: %d people at %d concentration point(s)",
        len(frame),
        frame["concentration_id"].nunique(),
    )
    return frame.astype(object).where(frame.notna(), None)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[name].map(text_of)


def _staff_rows(planned: PlannedStation, table: dict, away: set[str]) -> pd.DataFrame:
    staff = planned.staff
    ids = staff["staff_id"].astype(str)
    return pd.DataFrame(
        {
            "household_id": staff["household_id"].astype(str).to_numpy(),
            "person_id": ids.to_numpy(),
            "staff_id": ids.to_numpy(),
            "person": "staff",
            "name": _column(staff, "name").to_numpy(),
            "category": _column(staff, "category").to_numpy(),
            "movement": staff["category"].map(lambda c: movement_for(c, table)).to_numpy(),
            "status": [AWAY if i in away else TRAVELS for i in ids],
            "zone_id": staff["zone_id"].to_numpy(),
            "special_needs": _column(staff, "special_needs").to_numpy(),
            "vehicle": _column(staff, "vehicle").to_numpy(),
            "phone": _column(staff, "phone").to_numpy(),
        }
    )


def _dependant_rows(planned: PlannedStation, staff: pd.DataFrame) -> pd.DataFrame:
    """Return the dependants, following their staff member (else their household's first)."""
    dependants = planned.station.accepted_dependants
    row_of = pd.Series(np.arange(len(staff)), index=staff["person_id"])
    first_of = row_of.groupby(staff["household_id"].to_numpy()).first()
    credited = dependants["staff_id"].map(text_of)
    household = dependants["household_id"].astype(str)
    # The staff row each dependant follows: the one credited, else the household's first.
    lead = credited.map(row_of).fillna(household.map(first_of)).to_numpy(dtype=float)
    kept = ~np.isnan(lead)
    rows = dependants[kept]
    leads = staff.iloc[lead[kept].astype(int)].reset_index(drop=True)
    if len(rows) < len(dependants):
        logger.warning(
            "manifests: %d dependant(s) without a staff member", len(dependants) - len(rows)
        )
    return pd.DataFrame(
        {
            "household_id": rows["household_id"].astype(str).to_numpy(),
            "person_id": rows["person_id"].astype(str).to_numpy(),
            "staff_id": None,
            "person": "dependant",
            "name": _column(rows, "name").to_numpy(),
            "category": leads["category"].to_numpy(),
            "movement": leads["movement"].to_numpy(),
            "status": TRAVELS,
            "zone_id": leads["zone_id"].to_numpy(),
            "special_needs": _column(rows, "special_needs").to_numpy(),
            "vehicle": "",
            "phone": _column(rows, "phone").to_numpy(),
        }
    )


def _visitor_rows(planned: PlannedStation, table: dict) -> pd.DataFrame:
    visitors = planned.visitors
    return pd.DataFrame(
        {
            "household_id": None,
            "person_id": visitors["visitor_id"].astype(str).to_numpy(),
            "staff_id": None,
            "person": "visitor",
            "name": _column(visitors, "name").to_numpy(),
            "category": "visitor",
            "movement": movement_for(VISITOR_CATEGORY, table),
            "status": TRAVELS,
            "zone_id": visitors["zone_id"].to_numpy(),
            "special_needs": "",
            "vehicle": "",
            "phone": _column(visitors, "phone").to_numpy(),
        },
        index=range(len(visitors)),
    )


def _destinations(planned: PlannedStation, people: pd.DataFrame) -> list[object]:
    """Return each person's departure point, or hibernation site for those who hibernate."""
    table = planned.departures
    departures = dict(
        zip(
            zip(table["concentration_id"], table["movement"], strict=True),
            table["departure_id"],
            strict=True,
        )
    )
    households = planned.households.reindex(columns=["household_id", "hibernation_id"])
    sites = dict(zip(households["household_id"], households["hibernation_id"], strict=True))
    out = [
        sites.get(household)
        if movement == "hibernate"
        else departures.get((concentration, movement))
        for concentration, movement, household in zip(
            people["concentration_id"], people["movement"], people["household_id"], strict=True
        )
    ]
    return [None if v is None or pd.isna(v) else str(v) for v in out]
