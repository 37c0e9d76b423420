"""The person register of a plan: every person a warden must account for, with their zone.

One row per person: the accepted staff, their dependants (named, or numbered
``<household_id>-D<n>`` where the roster only counts them) and the visitors present on
the plan date (``PlannedStation.visitors``). Each row carries what the roll call needs
without the plan: the zone and area, the agency, where the person is on the plan date
(``presence``), and the zone's warden and deputy with the warden's phone. The plan
writes it as ``roll_call/register.csv``; ``planner muster`` reads it back.
"""

from __future__ import annotations

import logging

import pandas as pd

from stations.presence import presence_on
from stations.schema import PRESENT
from stations.text import text_of
from zones.plan import PlannedStation

logger = logging.getLogger(__name__)

STAFF, DEPENDANT, VISITOR = "staff", "dependant", "visitor"
KINDS = (STAFF, DEPENDANT, VISITOR)
REGISTER_COLUMNS = (
    "person_id",  # staff_id, dependant person_id or visitor_id
    "kind",  # "staff", "dependant" or "visitor"
    "name",
    "household_id",  # "" for visitors
    "zone_id",  # "" when the person has no zone
    "area_id",
    "agency",  # the staff member's, for dependants the staff member's they belong to
    "presence",  # present, on leave, on mission or visiting, on the plan date
    "warden_id",
    "warden_name",
    "warden_phone",
    "deputy_id",
)
# The roll-call sheet: the register's person columns and the columns a warden fills in.
SHEET_COLUMNS = (
    "person_id", "kind", "name", "household_id", "zone_id",
    "status", "location", "reported_at", "reporter",
)  # fmt: skip


def person_register(plan: PlannedStation) -> pd.DataFrame:
    """Return every person of the plan with their zone, presence and warden.

    Parameters
    ----------
    plan
        The planned station.

    Returns
    -------
    pandas.DataFrame
        ``REGISTER_COLUMNS``, text only (``""`` when unknown), ordered by zone,
        household, kind (staff, dependant, visitor) and id.
    """
    people = pd.concat([_staff(plan), _dependants(plan), _visitors(plan)], ignore_index=True)
    people = people.astype(object).fillna("")
    people = people.merge(_wardens(plan), on="zone_id", how="left").astype(object).fillna("")
    people["_kind"] = people["kind"].map(KINDS.index)
    people = people.sort_values(["zone_id", "household_id", "_kind", "person_id"], kind="stable")
    register = people.loc[:, list(REGISTER_COLUMNS)].astype(str).reset_index(drop=True)
    logger.info(
        "person register: %d people (%s)",
        len(register),
        ", ".join(f"{(register['kind'] == k).sum()} {k}" for k in KINDS),
    )
    return register


def _texts(values: pd.Series) -> list[str]:
    return [text_of(v) for v in values]


def _staff(plan: PlannedStation) -> pd.DataFrame:
    staff = plan.staff
    return pd.DataFrame(
        {
            "person_id": _texts(staff["staff_id"]),
            "kind": STAFF,
            "name": _texts(staff["name"]),
            "household_id": _texts(staff["household_id"]),
            "zone_id": _texts(staff["zone_id"]),
            "area_id": _texts(staff["area_id"]),
            "agency": _texts(staff["agency"]),
            "presence": presence_on(staff, plan.station.as_of).to_numpy(),
        }
    )


def _dependants(plan: PlannedStation) -> pd.DataFrame:
    dependants = plan.station.accepted_dependants
    homes = plan.households
    zone_of = dict(zip(homes["household_id"], homes["zone_id"], strict=True))
    area_of = dict(zip(homes["household_id"], homes["area_id"], strict=True))
    staff = plan.staff
    name_of = dict(zip(staff["staff_id"], staff["name"], strict=True))
    agency_of = dict(zip(staff["staff_id"], staff["agency"], strict=True))
    household = _texts(dependants["household_id"])
    staff_ids = _texts(dependants["staff_id"])
    names = [
        text_of(name) or f"dependant of {text_of(name_of.get(sid))}".strip()
        for name, sid in zip(dependants["name"], staff_ids, strict=True)
    ]
    return pd.DataFrame(
        {
            "person_id": _texts(dependants["person_id"]),
            "kind": DEPENDANT,
            "name": names,
            "household_id": household,
            "zone_id": [text_of(zone_of.get(h)) for h in household],
            "area_id": [text_of(area_of.get(h)) for h in household],
            "agency": [text_of(agency_of.get(s)) for s in staff_ids],
            "presence": PRESENT,
        }
    )


def _visitors(plan: PlannedStation) -> pd.DataFrame:
    visitors = plan.visitors
    area_of = dict(zip(plan.zones["zone_id"], plan.zones["area_id"], strict=True))
    zone_ids = _texts(visitors["zone_id"])
    return pd.DataFrame(
        {
            "person_id": _texts(visitors["visitor_id"]),
            "kind": VISITOR,
            "name": _texts(visitors["name"]),
            "household_id": "",
            "zone_id": zone_ids,
            "area_id": [text_of(area_of.get(z)) for z in zone_ids],
            "agency": _texts(visitors["agency"]),
            "presence": PRESENT,
        }
    )


def _wardens(plan: PlannedStation) -> pd.DataFrame:
    staff = plan.staff
    name_of = dict(zip(staff["staff_id"], staff["name"], strict=True))
    phone_of = dict(zip(staff["staff_id"], staff["phone"], strict=True)) if "phone" in staff else {}
    wardens = _texts(plan.zones["warden_id"])
    return pd.DataFrame(
        {
            "zone_id": _texts(plan.zones["zone_id"]),
            "warden_id": wardens,
            "warden_name": [text_of(name_of.get(w)) for w in wardens],
            "warden_phone": [text_of(phone_of.get(w)) for w in wardens],
            "deputy_id": _texts(plan.zones["deputy_id"]),
        }
    )
