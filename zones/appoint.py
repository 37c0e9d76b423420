"""Appoint a warden, a deputy and optional alternates for every zone, and explain each choice.

Eligibility (``[appointments]``, defaults in :class:`AppointmentRules`): lives in the zone;
not ``willing_warden = false``; has a phone; not in an excluded role (the members of the
Security Management Team: the DO, the CSA or CSFP and the heads of agency, who have their own
duties in a crisis); not already an Area Security Coordinator. Warden and deputy come from
different households, and from different agencies when possible.

Choice: candidates are ranked by how many preferences they miss (a radio, current security
training as :func:`zones.training.is_trained` defines it, the preferred category), then by
total travel to the zone's households (street network when the station has an extract), then
by ``staff_id``.
Existing appointments (the roster's ``role`` warden or deputy with its ``zone``, or an
earlier plan) are kept while the person is still eligible and still lives in the zone.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial.distance import cdist

from stations.config import check_rule_table
from stations.errors import StationError
from zones.network import TravelModel
from zones.training import TRAINING_MAX_AGE_DAYS, VISIT_MAX_AGE_DAYS, is_trained

logger = logging.getLogger(__name__)

# What ranking, picking and flagging read of a candidate.
CANDIDATE_FIELDS = (
    "staff_id", "household_id", "agency", "phone", "phone2", "has_radio", "bsafe_date",
    "category",
)  # fmt: skip
Candidate = dict[str, Any]

# Why a resident cannot be appointed, in the order a zone without a candidate names them;
# the first three rule a resident out for good, the last two only on this plan date.
UNAVAILABLE = ("declined", "no phone", "excluded role", "already ASC", "away or visiting")
NO_DEPUTY = "no eligible deputy in another household: the zone depends on one person"
SINGLE_NETWORK = "warden and deputy share a single phone network and have no radio"


@dataclass(frozen=True)
class AppointmentRules:
    """Who may be a warden, and what is preferred (the ``[appointments]`` table)."""

    alternates: int = 0
    exclude_roles: tuple[str, ...] = ("DO", "CSA", "CSFP", "agency_head")
    require_phone: bool = True
    prefer_radio: bool = True
    prefer_training: bool = True
    training_max_age_days: int = TRAINING_MAX_AGE_DAYS
    visit_max_age_days: int = VISIT_MAX_AGE_DAYS
    prefer_category: str = "any"
    keep_existing: bool = True

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> AppointmentRules:
        """Build the rules from the ``[appointments]`` table, refusing unknown or bad keys.

        The keys are checked by :func:`stations.config.check_rule_table`, as
        ``planner validate`` checks them.

        Raises
        ------
        StationError
            Naming ``appointments.<key>`` for each bad key.
        """
        values, issues = check_rule_table("appointments", table)
        if issues:
            raise StationError("invalid [appointments] table", issues)
        if "exclude_roles" in values:
            values["exclude_roles"] = tuple(values["exclude_roles"])
        return cls(**values)


@dataclass(frozen=True)
class Appointments:
    """Appointments and flags of every zone."""

    table: pd.DataFrame  # zone_id, role, staff_id, reason
    flags: pd.DataFrame  # zone_id, code, severity, message
    cover: dict[str, str] = field(default_factory=dict)  # zone without candidates -> covering zone


def appoint_wardens(
    staff: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    rules: AppointmentRules,
    *,
    as_of: dt.date,
    travel: TravelModel | None = None,
    previous: pd.DataFrame | None = None,
    not_available: frozenset[str] = frozenset(),
    away: Mapping[str, str] | None = None,
) -> Appointments:
    """Choose the warden, deputy and alternates of every zone.

    Parameters
    ----------
    staff
        Accepted staff with ``staff_id``, ``household_id``, ``zone_id`` and the roster's
        fields (``role``, ``zone``, ``phone``, ``phone2``, ``has_radio``, ``bsafe_date``,
        ``willing_warden``, ``category``, ``agency``).
    households
        ``household_id``, ``zone_id`` and points, projected CRS.
    zones
        ``zone_id`` and polygons, same CRS.
    rules
        Eligibility and preferences.
    as_of
        The date training is judged against.
    travel
        The travel model; straight lines when ``None``.
    previous
        An earlier plan's ``zone_id, role, staff_id`` appointments to keep where valid.
    not_available
        Staff already appointed elsewhere (Area Security Coordinators).
    away
        Staff away or visiting on the plan date, with a note saying so (``"on leave until
        2026-12-20"``): never appointed; the warden's reason names those passed over.

    Returns
    -------
    Appointments
        One row per appointment with the reason in plain words, and the zones' flags.
    """
    # Plain frames and arrays, grouped by zone once: the loop below runs once per zone.
    people = pd.DataFrame(staff.drop(columns="geometry", errors="ignore"))
    xy = np.column_stack([households.geometry.x, households.geometry.y])
    home_xy = dict(zip(households["household_id"], xy, strict=True))
    rows: list[dict[str, Any]] = []
    flags: list[dict[str, Any]] = []
    uncovered: dict[str, str] = {}
    away = away or {}
    existing = _existing(people, previous)
    blocked = _unavailable(people, rules, not_available, away)  # one row per staff member
    willing = np.asarray(~blocked[:, :3].any(axis=1))  # eligible but for ASC duties, absence
    staff_ids = people["staff_id"].to_numpy()
    none = np.zeros(0, dtype=int)
    by_zone = people.groupby("zone_id", sort=False).indices
    homes_by_zone = households.groupby("zone_id", sort=False).indices
    for zone_id in zones["zone_id"]:
        members = by_zone.get(zone_id, none)
        eligible = people.iloc[members[~blocked[members].any(axis=1)]]
        if eligible.empty:
            why_not = dict(zip(UNAVAILABLE, blocked[members].sum(axis=0).tolist(), strict=True))
            reason = _no_candidate_reason(people.iloc[members], why_not)
            uncovered[zone_id] = reason
            continue
        homes = xy[homes_by_zone.get(zone_id, np.zeros(0, dtype=int))]
        cost = _travel_cost(eligible, homes, home_xy, travel)
        ranked = _rank(eligible, cost, rules, as_of)
        chosen: list[tuple[str, str, Candidate]] = []
        for role in ("warden", "deputy", *[f"alternate_{i + 1}" for i in range(rules.alternates)]):
            pick = _pick(role, zone_id, ranked, chosen, existing, rules)
            if pick is None:
                break
            chosen.append(pick)
        for role, _, person in chosen:
            holder = existing.get((zone_id, role)) if rules.keep_existing else None
            if holder is not None and holder != person["staff_id"]:
                why = (
                    f"is {away[holder]}"
                    if holder in away
                    else f"is no longer eligible or no longer lives in {zone_id}"
                )
                flags.append(
                    {
                        "zone_id": zone_id,
                        "code": "replaced",
                        "severity": "minor",
                        "message": f"{holder}, {role} until now, {why}; "
                        f"{person['staff_id']} is proposed",
                    }
                )
        passed = ", ".join(
            f"{s} {away[s]}" for s in staff_ids[members[willing[members]]] if s in away
        )  # residents who would be eligible but are away or visiting
        for role, reason, person in chosen:
            note = f"; passed over: {passed}" if role == "warden" and passed else ""
            rows.append(
                {
                    "zone_id": zone_id,
                    "role": role,
                    "staff_id": person["staff_id"],
                    "reason": reason + note,
                }
            )
        flags.extend(_zone_flags(zone_id, chosen))
    cover = _cover(zones, uncovered, {r["zone_id"] for r in rows if r["role"] == "warden"})
    for zone_id, reason in uncovered.items():
        by = cover.get(zone_id)
        meanwhile = f"; the warden of {by} covers it meanwhile" if by else ""
        flags.append(
            {
                "zone_id": zone_id,
                "code": "no_candidate",
                "severity": "critical",
                "message": f"no eligible warden: {reason}{meanwhile}",
            }
        )
    table = pd.DataFrame(rows, columns=["zone_id", "role", "staff_id", "reason"])
    flag_frame = pd.DataFrame(flags, columns=["zone_id", "code", "severity", "message"])
    logger.info("appointments: %d in %d zones, %d flag(s)", len(table), len(zones), len(flag_frame))
    return Appointments(table, flag_frame, cover)


def _roles(value: object) -> set[str]:
    return set(str(value).split(";")) if isinstance(value, str) and value else set()


def _unavailable(
    staff: pd.DataFrame,
    rules: AppointmentRules,
    not_available: frozenset[str],
    away: Mapping[str, str],
) -> np.ndarray:
    """Return, per staff member, the reasons of ``UNAVAILABLE`` that rule them out (n x 5)."""

    def column(name: str) -> list[object]:
        return list(staff[name]) if name in staff.columns else [None] * len(staff)

    unwilling = np.array(
        [v is False or v is np.False_ for v in column("willing_warden")], dtype=bool
    )
    phones = zip(column("phone"), column("phone2"), strict=True)
    no_phone = np.array([not (_has(p) or _has(q)) for p, q in phones], dtype=bool)
    no_phone &= rules.require_phone
    excluded = np.array(
        [bool(_roles(r) & set(rules.exclude_roles)) for r in column("role")], dtype=bool
    )
    taken = np.array([s in not_available for s in column("staff_id")], dtype=bool)
    gone = np.array([s in away for s in column("staff_id")], dtype=bool)
    return np.column_stack([unwilling, no_phone, excluded, taken, gone]).reshape(-1, 5)


def _has(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _no_candidate_reason(residents: pd.DataFrame, why: dict[str, int]) -> str:
    if residents.empty:
        return "nobody lives in the zone"
    n = len(residents)
    if why["no phone"] == n:
        return "no resident has a phone"
    if why["declined"] == n:
        return "every resident declined (willing_warden = false)"
    parts = [f"{count} {what}" for what, count in why.items() if count]
    return f"none of the {n} resident(s) is eligible ({', '.join(parts)})"


def _travel_cost(
    eligible: pd.DataFrame,
    b: np.ndarray,
    home_xy: Mapping[object, np.ndarray],
    travel: TravelModel | None,
) -> pd.Series:
    """Return each candidate's total travel from their home to the zone's homes ``b``."""
    a = np.array([home_xy[h] for h in eligible["household_id"]], dtype=float).reshape(-1, 2)
    distance = travel.distance_matrix(a, b) if travel is not None else cdist(a, b)
    total = np.where(np.isfinite(distance), distance, 1e7).sum(axis=1)
    return pd.Series(total, index=eligible.index)


def _misses(person: Mapping[str, Any], rules: AppointmentRules, as_of: dt.date) -> list[str]:
    missing = []
    if rules.prefer_radio and person.get("has_radio") is not True:
        missing.append("no radio")
    if rules.prefer_training and not is_trained(person, as_of, rules.training_max_age_days):
        missing.append("no current security training")
    if rules.prefer_category != "any" and person.get("category") != rules.prefer_category:
        missing.append(f"not {rules.prefer_category} staff")
    return missing


def _rank(
    eligible: pd.DataFrame, cost: pd.Series, rules: AppointmentRules, as_of: dt.date
) -> list[Candidate]:
    """Return the candidates, fewest missed preferences first, then least travel."""
    columns = [
        list(eligible[c]) if c in eligible.columns else [None] * len(eligible)
        for c in CANDIDATE_FIELDS
    ]
    people = [dict(zip(CANDIDATE_FIELDS, row, strict=True)) for row in zip(*columns, strict=True)]
    for person, total in zip(people, cost.to_numpy(), strict=True):
        person["_misses"] = _misses(person, rules, as_of)
        person["_cost"] = float(total)
    return sorted(people, key=lambda p: (len(p["_misses"]), p["_cost"], p["staff_id"]))


def _existing(staff: pd.DataFrame, previous: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    kept: dict[tuple[str, str], str] = {}
    # The roster is today's record of who holds the post; an earlier plan comes second.
    if "zone" in staff.columns:
        roles = staff["role"] if "role" in staff.columns else [None] * len(staff)
        for staff_id, value, zone in zip(staff["staff_id"], roles, staff["zone"], strict=True):
            for role in ("warden", "deputy"):
                if role in _roles(value) and isinstance(zone, str):
                    kept.setdefault((zone, role), str(staff_id))
    if previous is not None:
        for row in previous.itertuples():
            kept.setdefault((str(row.zone_id), str(row.role)), str(row.staff_id))
    return kept


def _pick(
    role: str,
    zone_id: str,
    ranked: list[Candidate],
    chosen: list[tuple[str, str, Candidate]],
    existing: dict[tuple[str, str], str],
    rules: AppointmentRules,
) -> tuple[str, str, Candidate] | None:
    taken_people = {c[2]["staff_id"] for c in chosen}
    households = {c[2]["household_id"] for c in chosen}
    agencies = {_key(c[2]["agency"]) for c in chosen}
    pool = [
        p
        for p in ranked
        if p["staff_id"] not in taken_people and p["household_id"] not in households
    ]
    if not pool:
        return None
    holder = existing.get((zone_id, role)) if rules.keep_existing else None
    if holder is not None:
        kept = next((p for p in pool if p["staff_id"] == holder), None)
        if kept is not None:
            return role, f"kept: already {role} of {zone_id} and still eligible", kept
    other_agency = [p for p in pool if _key(p["agency"]) not in agencies] if chosen else pool
    person = (other_agency or pool)[0]
    reason = (
        f"shortest total travel to the zone's homes ({person['_cost'] / 1000:.1f} km)"
        if role == "warden"
        else f"best remaining choice ({person['_cost'] / 1000:.1f} km total travel)"
    )
    if person["_misses"]:
        reason += "; lacks " + ", ".join(m.removeprefix("no ") for m in person["_misses"])
    if chosen and not other_agency:
        reason += "; same agency as the warden (no eligible resident of another agency)"
    return role, reason, person


def _key(value: object) -> object:
    """Return a value fit for set membership: every missing value is None (as pandas' isin)."""
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _zone_flags(zone_id: str, chosen: list[tuple[str, str, Candidate]]) -> list[dict[str, Any]]:
    flags = []
    if len(chosen) < 2:  # noqa: PLR2004
        flags.append(
            {
                "zone_id": zone_id,
                "code": "no_deputy",
                "severity": "major",
                "message": NO_DEPUTY,
            }
        )
        return flags
    pair = [c[2] for c in chosen[:2]]
    networks = {n for p in pair for n in _networks(p)}
    if len(networks) <= 1 and all(p.get("has_radio") is not True for p in pair):
        flags.append(
            {
                "zone_id": zone_id,
                "code": "single_network",
                "severity": "major",
                "message": SINGLE_NETWORK,
            }
        )
    return flags


def _networks(person: Mapping[str, Any]) -> set[str]:
    """Return the mobile networks a person can be reached on (carrier, or the number itself)."""
    import phonenumbers
    from phonenumbers import carrier

    found = set()
    for number in (person.get("phone"), person.get("phone2")):
        if not _has(number):
            continue
        try:
            name = carrier.name_for_number(phonenumbers.parse(number), "en")
        except phonenumbers.NumberParseException:
            name = ""
        found.add(name or f"unknown network of {number}")
    return found


def _cover(zones: gpd.GeoDataFrame, uncovered: dict[str, str], staffed: set[str]) -> dict[str, str]:
    """Return, for each zone without a candidate, the nearest staffed zone (touching first)."""
    cover = {}
    indexed = zones.set_index("zone_id").geometry
    for zone_id in uncovered:
        polygon = indexed[zone_id]
        candidates = indexed[indexed.index.isin(staffed)]
        if candidates.empty:
            continue
        touching = candidates[candidates.buffer(1.0).intersects(polygon)]
        pool = touching if not touching.empty else candidates
        cover[zone_id] = str(
            pool.centroid.distance(polygon.centroid).sort_values(kind="stable").index[0]
        )
    return cover
