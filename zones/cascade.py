"""The call cascade: who calls whom, each caller's backup, and how long it takes.

A message starts with the security adviser (the CSA, else the CSFP, else the DO). The
adviser calls the Area Security Coordinators and the wardens of the areas it
coordinates itself; each ASC calls the wardens of its area; each warden calls the
deputy first and the two split the zone's households. Every call takes
``minutes_per_call``; callers make their calls one after another.

Within a zone no one makes more than ``max_calls_per_person`` calls (the report back
up the tree is not counted). When the warden and deputies cannot reach every household
within that limit, the first households on the list are asked to relay: each is called
first and then calls households itself. Households are given to whichever caller is
free first (ties: the caller who has made fewer calls, then the one reached earlier),
which reaches everyone in the shortest time for the callers available. The adviser and
the ASCs have no relays: a caller above the wardens with more calls than the limit is
flagged with the fix instead.

Each caller reports back to the person who called them once their own calls are done
and their relays have reported: a report is one more call.
"""

from __future__ import annotations

import heapq
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from stations.config import check_rule_table
from stations.errors import StationError
from stations.text import roles_of, text_of
from zones.plan import PlannedStation

logger = logging.getLogger(__name__)

CALL_COLUMNS = (
    "zone_id",  # None for calls above the wardens
    "caller_id",
    "caller_role",
    "callee_id",
    "callee_role",  # "ASC", "warden", "deputy", "relay", "household"
    "household_id",  # the household reached, for household and relay calls
    "order",  # 1 for the caller's first call
    "minute",  # minutes from the start until the callee is reached
)
CALLER_COLUMNS = (
    "zone_id",
    "staff_id",
    "role",  # "adviser", "ASC", "warden", "deputy", "relay"
    "backup_id",  # who takes over the caller's list if the caller cannot be reached
    "calls",
    "reports_to",
    "done_minute",  # when the caller's last call ends
)
ZONE_SUMMARY_COLUMNS = (
    "zone_id",
    "households",  # households called (the callers' own are reached with them)
    "callers",
    "relays",
    "reached_minute",  # when the zone's warden (or deputy) gets the message
    "zone_minutes",  # from then until every household of the zone is reached
    "station_minutes",  # reached_minute + zone_minutes
    "reported_minute",  # when the warden has reported back up
    "over_target",
    "fix",
)
FLAG_COLUMNS = ("zone_id", "area_id", "code", "severity", "message")


@dataclass(frozen=True)
class CascadeRules:
    """The ``[cascade]`` table of ``station.toml``.

    Attributes
    ----------
    minutes_per_call
        Minutes one call takes, including getting through and passing the message.
    max_calls_per_person
        The most calls one person makes (not counting their report back up).
    target_minutes
        Zones, and the station, that take longer to reach everyone are flagged.
    """

    minutes_per_call: float = 3.0
    max_calls_per_person: int = 10
    target_minutes: float = 30.0

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> CascadeRules:
        """Build the rules from the ``[cascade]`` table, refusing unknown or bad keys.

        Parameters
        ----------
        table
            The parsed table (``station.config.extra.get("cascade", {})``).

        Returns
        -------
        CascadeRules
            The rules, with defaults for missing keys.

        Raises
        ------
        StationError
            With one issue naming ``cascade.<key>`` per unknown or invalid key.
        """
        values, issues = check_rule_table("cascade", table)
        if issues:
            raise StationError(f"[cascade] has {len(issues)} error(s)", issues)
        for key in ("minutes_per_call", "target_minutes"):
            if key in values:
                values[key] = float(values[key])
        return cls(**values)


@dataclass(frozen=True)
class ZoneCascade:
    """The cascade inside one zone, in minutes from when its first caller is reached.

    Attributes
    ----------
    zone_id
        The zone.
    calls
        ``CALL_COLUMNS`` rows (minutes relative to the root being reached).
    callers
        ``CALLER_COLUMNS`` rows (``done_minute`` relative, ``reports_to`` of the root
        left ``None`` for the caller above to fill in).
    minutes
        Until every household and helper is reached.
    reported_minutes
        Until the root has heard from every caller of the zone and has reported up.
    relays
        Households asked to relay because the callers hit the call limit.
    """

    zone_id: str
    calls: tuple[dict[str, Any], ...]
    callers: tuple[dict[str, Any], ...]
    minutes: float
    reported_minutes: float
    relays: int


@dataclass
class _Caller:
    staff_id: str
    role: str
    free: float
    reached_order: int
    parent: str | None
    backup: str | None
    calls: int = 0


def cascade_zone(
    zone_id: str,
    root_id: str,
    households: Sequence[tuple[str, str]],
    rules: CascadeRules,
    *,
    root_role: str = "warden",
    helpers: Sequence[str] = (),
    backup_id: str | None = None,
) -> ZoneCascade:
    """Schedule the calls of one zone: the root calls its helpers, then all split the list.

    Parameters
    ----------
    zone_id
        The zone.
    root_id
        The staff_id of the zone's first caller (the warden).
    households
        ``(household_id, staff_id to call)`` for every household to reach, in list
        order; the first ones become relays when the callers hit the call limit.
    rules
        Minutes per call and the call limit.
    root_role
        The root's role, ``warden`` or (with no warden) ``deputy``.
    helpers
        Staff ids of the deputies the root calls first; they then share the list.
    backup_id
        Who takes over the root's list if the root cannot be reached.

    Returns
    -------
    ZoneCascade
        Every call with its minute, every caller with their calls, and the times.
    """
    m = rules.minutes_per_call
    limit = rules.max_calls_per_person
    relays = max(0, math.ceil((len(helpers) + len(households)) / limit) - 1 - len(helpers))
    relays = min(relays, len(households))
    callers = [_Caller(root_id, root_role, 0.0, 0, None, backup_id)]
    queue: list[tuple[str, str | None, str]] = [(h, None, "deputy") for h in helpers]
    queue += [(sid, hid, "relay") for hid, sid in households[:relays]]
    queue += [(sid, hid, "household") for hid, sid in households[relays:]]
    heap = [(0.0, 0, 0, 0)]  # (free, calls, reached order, index in callers)
    calls: list[dict[str, Any]] = []
    for callee_id, household_id, role in queue:
        _, _, _, index = heapq.heappop(heap)
        caller = callers[index]
        caller.free += m
        caller.calls += 1
        calls.append(
            {
                "zone_id": zone_id,
                "caller_id": caller.staff_id,
                "caller_role": caller.role,
                "callee_id": callee_id,
                "callee_role": role,
                "household_id": household_id,
                "order": caller.calls,
                "minute": caller.free,
            }
        )
        if caller.calls < limit:
            heapq.heappush(heap, (caller.free, caller.calls, caller.reached_order, index))
        if role in ("deputy", "relay"):
            backup = _helper_backup(role, caller.staff_id, root_id, backup_id, callee_id)
            callers.append(
                _Caller(callee_id, role, caller.free, len(callers), caller.staff_id, backup)
            )
            heapq.heappush(heap, (caller.free, 0, len(callers) - 1, len(callers) - 1))
    minutes = max((c["minute"] for c in calls), default=0.0)
    reported = _report_times(callers, m)
    caller_rows = tuple(
        {
            "zone_id": zone_id,
            "staff_id": c.staff_id,
            "role": c.role,
            "backup_id": c.backup,
            "calls": c.calls,
            "reports_to": c.parent,
            "done_minute": c.free,
        }
        for c in callers
    )
    return ZoneCascade(zone_id, tuple(calls), caller_rows, minutes, reported[root_id], relays)


def _helper_backup(
    role: str, caller_id: str, root_id: str, root_backup: str | None, callee_id: str
) -> str | None:
    if role == "relay":
        return caller_id
    if root_backup is not None and root_backup != callee_id:
        return root_backup
    return root_id


def _report_times(callers: list[_Caller], m: float) -> dict[str, float]:
    """Return when each caller has reported up: after its calls and its callees' reports."""
    reported: dict[str, float] = {}
    for caller in reversed(callers):  # callees are always reached after their caller
        heard = [reported[c.staff_id] for c in callers if c.parent == caller.staff_id]
        reported[caller.staff_id] = max([caller.free, *heard]) + m
    return reported


def plan_cascade(plan: PlannedStation, rules: CascadeRules) -> Cascade:
    """Plan the call cascade of a station and estimate the time to reach everyone.

    Parameters
    ----------
    plan
        The planned station (zones, appointments, areas, staff with phones).
    rules
        Minutes per call, the call limit and the target.

    Returns
    -------
    Cascade
        The calls, the callers with their backups, the time per zone and for the
        station, and the flags with their fixes.
    """
    top_id, top_backup = _adviser(plan)
    zone_results: dict[str, ZoneCascade] = {}
    flags: list[dict[str, Any]] = []
    groups = _ZoneGroups.of(plan)
    for zone in plan.zones.sort_values("zone_id").itertuples():
        result = _zone(groups, zone, rules, flags)
        if result is not None:
            zone_results[zone.zone_id] = result
    upper_calls, upper_callers, reached, parents = _upper(
        plan, zone_results, top_id, top_backup, rules
    )
    calls: list[dict[str, Any]] = []
    callers: list[dict[str, Any]] = []
    for zone_id, result in zone_results.items():
        offset = reached.get(zone_id, 0.0)
        calls.extend({**c, "minute": c["minute"] + offset} for c in result.calls)
        for caller in result.callers:
            row = {**caller, "done_minute": caller["done_minute"] + offset}
            if row["reports_to"] is None:
                row["reports_to"] = parents.get(zone_id)
            callers.append(row)
    summary = [
        _summary(zone, zone_results.get(zone.zone_id), reached, rules, flags)
        for zone in plan.zones.sort_values("zone_id").itertuples()
    ]
    flags.extend(
        _upper_flag(row, rules)
        for row in upper_callers
        if row["calls"] > rules.max_calls_per_person
    )
    zones = pd.DataFrame(summary, columns=list(ZONE_SUMMARY_COLUMNS))
    times = zones["station_minutes"].dropna()
    station_minutes = float(times.max()) if len(times) else math.nan
    if station_minutes > rules.target_minutes:
        flags.append(
            {
                "zone_id": None,
                "area_id": None,
                "code": "station_cascade_over_target",
                "severity": "major",
                "message": f"reaching everyone takes about {station_minutes:g} min, over the "
                f"target of {rules.target_minutes:g} min: "
                + ("fix the zones flagged over the target, " if zones["over_target"].any() else "")
                + "name (more) ASCs, or send the first message to all wardens at once by SMS "
                "or radio",
            }
        )
    cascade = Cascade(
        rules=rules,
        calls=pd.DataFrame([*upper_calls, *calls], columns=list(CALL_COLUMNS)),
        callers=pd.DataFrame([*upper_callers, *callers], columns=list(CALLER_COLUMNS)),
        zones=zones,
        flags=pd.DataFrame(flags, columns=list(FLAG_COLUMNS)),
        station_minutes=station_minutes,
    )
    logger.info(
        "cascade: %d zones, %d calls, station %.0f min, %d flags",
        len(zones),
        len(cascade.calls),
        station_minutes,
        len(flags),
    )
    return cascade


@dataclass(frozen=True, eq=False)
class Cascade:
    """The station's call cascade.

    Attributes
    ----------
    rules
        The rules it was planned with.
    calls
        Who calls whom (``CALL_COLUMNS``), minutes from the start.
    callers
        Every caller with their backup, number of calls and whom they report to
        (``CALLER_COLUMNS``).
    zones
        Time per zone, flags and fixes (``ZONE_SUMMARY_COLUMNS``).
    flags
        Problems found, each with its fix (``FLAG_COLUMNS``).
    station_minutes
        Minutes from the start until everyone in every zone is reached (NaN when no
        zone has anyone to call).
    """

    rules: CascadeRules
    calls: pd.DataFrame
    callers: pd.DataFrame
    zones: pd.DataFrame
    flags: pd.DataFrame
    station_minutes: float


def _adviser(plan: PlannedStation) -> tuple[str | None, str | None]:
    """Return the cascade's first caller (CSA, else CSFP, else DO) and their backup."""
    ordered = plan.staff.sort_values("staff_id", kind="stable")
    found: list[str] = []
    for role in ("CSA", "CSFP", "DO"):
        found += [
            sid
            for sid, roles in zip(ordered["staff_id"], ordered.get("role", ()), strict=False)
            if role in roles_of(roles) and sid not in found
        ]
    top = found[0] if found else None
    backup = found[1] if len(found) > 1 else None
    return top, backup


@dataclass(frozen=True)
class _ZoneGroups:
    """The plan's rows that each zone's cascade reads, grouped by zone once."""

    alternates: dict[str, list[str]]  # zone -> staff ids, by role
    # zone -> its households (household_id, staff_ids), most staff first, then by id
    households: dict[str, list[tuple[Any, Any]]]
    phones: dict[str, str]  # staff id -> first phone ("" when none)

    @classmethod
    def of(cls, plan: PlannedStation) -> _ZoneGroups:
        appointments = plan.appointments
        chosen = appointments[appointments["role"].astype(str).str.startswith("alternate")]
        alternates: dict[str, list[str]] = {}
        ordered = chosen.sort_values("role")
        for zone_id, staff_id in zip(ordered["zone_id"], ordered["staff_id"], strict=True):
            alternates.setdefault(zone_id, []).append(staff_id)
        homes = plan.households
        ordered = pd.DataFrame(
            {
                "zone_id": homes["zone_id"].to_numpy(),
                "household_id": homes["household_id"].to_numpy(),
                "staff_ids": homes["staff_ids"].to_numpy(),
                "_size": (-homes["staff_count"]).to_numpy(),
            }
        ).sort_values(["_size", "household_id"], kind="stable")
        ids, staff_ids = ordered["household_id"].to_numpy(), ordered["staff_ids"].to_numpy()
        by_zone = {
            zone_id: list(zip(ids[rows], staff_ids[rows], strict=True))
            for zone_id, rows in ordered.groupby("zone_id", sort=False).indices.items()
        }
        staff = plan.staff
        phones = dict(zip(staff["staff_id"], staff["phone"].map(text_of), strict=True))
        return cls(alternates, by_zone, phones)


def _zone(
    groups: _ZoneGroups, zone: Any, rules: CascadeRules, flags: list[dict[str, Any]]
) -> ZoneCascade | None:
    warden, deputy = text_of(zone.warden_id), text_of(zone.deputy_id)
    alternates = groups.alternates.get(zone.zone_id, [])
    members = groups.households.get(zone.zone_id, [])

    def flag(code: str, severity: str, message: str) -> None:
        flags.append(
            {
                "zone_id": zone.zone_id,
                "area_id": zone.area_id,
                "code": code,
                "severity": severity,
                "message": message,
            }
        )

    root = warden or deputy
    if not root:
        flag(
            "cascade_no_caller",
            "critical",
            f"nobody is appointed to call the {len(members)} households of {zone.zone_id}: "
            "appoint a warden and a deputy",
        )
        return None
    helpers = [deputy] if warden and deputy else []
    backup = helpers[0] if helpers else (alternates[0] if alternates else None)
    if backup is None:
        flag(
            "cascade_no_backup",
            "major",
            f"the {'warden' if warden else 'deputy'} of {zone.zone_id} has no backup: if they "
            "cannot be reached nobody calls the zone; appoint a deputy or an alternate",
        )
    callers = {root, *helpers}
    households: list[tuple[str, str]] = []
    for household_id, staff_ids in members:
        ids = sorted(text_of(staff_ids).split(";"))
        if callers & set(ids):
            continue
        with_phone = [s for s in ids if groups.phones.get(s)]
        if not with_phone:
            flag(
                "cascade_no_phone",
                "minor",
                f"household {household_id} has no phone number: the warden "
                "reaches it by radio or a visit",
            )
        households.append((household_id, (with_phone or ids)[0]))
    result = cascade_zone(
        zone.zone_id,
        root,
        households,
        rules,
        root_role="warden" if warden else "deputy",
        helpers=helpers,
        backup_id=backup,
    )
    if result.relays:
        relay_ids = ", ".join(h for h, _ in households[: result.relays])
        flag(
            "cascade_relays",
            "minor",
            f"{zone.zone_id}: the callers would exceed {rules.max_calls_per_person} calls "
            f"each, so {result.relays} household(s) relay the message ({relay_ids}); fix: a "
            "second deputy or a split of the zone",
        )
    return result


def _fix(zone_cascade: ZoneCascade, households: int, rules: CascadeRules) -> str:
    """Return the fix for a zone over the target, with the time each option would take."""
    dummy = [(f"h{i}", f"s{i}") for i in range(households)]
    deputies = sum(1 for c in zone_cascade.callers if c["role"] == "deputy")
    extra = [f"d{i}" for i in range(deputies + 1)]
    second = cascade_zone("fix", "w", dummy, rules, helpers=extra)
    half = cascade_zone("fix", "w", dummy[: math.ceil(households / 2)], rules, helpers=["d"])
    return (
        f"appoint {'a second' if deputies else 'a'} deputy (about {second.minutes:g} min) or "
        f"split the zone in two (about {half.minutes:g} min each)"
    )


def _summary(
    zone: Any,
    result: ZoneCascade | None,
    reached: dict[str, float],
    rules: CascadeRules,
    flags: list[dict[str, Any]],
) -> dict[str, Any]:
    if result is None:
        return {
            "zone_id": zone.zone_id,
            "households": int(zone.households),
            "callers": 0,
            "relays": 0,
            "reached_minute": math.nan,
            "zone_minutes": math.nan,
            "station_minutes": math.nan,
            "reported_minute": math.nan,
            "over_target": True,
            "fix": "appoint a warden and a deputy",
        }
    start = reached.get(zone.zone_id, 0.0)
    called = sum(1 for c in result.calls if c["household_id"] is not None)
    over = result.minutes > rules.target_minutes
    fix = _fix(result, called, rules) if over else ""
    if over:
        flags.append(
            {
                "zone_id": zone.zone_id,
                "area_id": zone.area_id,
                "code": "cascade_over_target",
                "severity": "major",
                "message": f"reaching the {called} households of {zone.zone_id} takes about "
                f"{result.minutes:g} min, over the target of {rules.target_minutes:g} min: "
                f"{fix}",
            }
        )
    return {
        "zone_id": zone.zone_id,
        "households": called,
        "callers": len(result.callers),
        "relays": result.relays,
        "reached_minute": start,
        "zone_minutes": result.minutes,
        "station_minutes": start + result.minutes,
        "reported_minute": start + result.reported_minutes,
        "over_target": over,
        "fix": fix,
    }


def _upper(
    plan: PlannedStation,
    zone_results: dict[str, ZoneCascade],
    top_id: str | None,
    top_backup: str | None,
    rules: CascadeRules,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, float], dict[str, str | None]]:
    """Schedule the adviser's and the ASCs' calls: longest zones are called first."""
    m = rules.minutes_per_call
    coordinators = {
        a.area_id: text_of(a.coordinator_id)
        for a in plan.areas.itertuples()
        if text_of(a.coordinator_role) == "ASC" and text_of(a.coordinator_id)
    }
    zone_area = dict(zip(plan.zones["zone_id"], plan.zones["area_id"], strict=True))
    under: dict[str | None, list[str]] = {}
    for zone_id in sorted(zone_results):
        under.setdefault(coordinators.get(zone_area[zone_id]), []).append(zone_id)

    def tail_of(zone_id: str) -> float:
        return zone_results[zone_id].minutes

    asc_plans: dict[str, list[tuple[str, float]]] = {}
    asc_tails: dict[str, float] = {}
    for asc_id in sorted(k for k in under if k is not None):
        order = sorted(under[asc_id], key=lambda z: (-tail_of(z), z))
        asc_plans[asc_id] = [(z, m * (k + 1)) for k, z in enumerate(order)]
        asc_tails[asc_id] = max(t + tail_of(z) for z, t in asc_plans[asc_id])
    items = [(asc_tails[a], a, "ASC") for a in asc_plans] + [
        (tail_of(z), z, "zone") for z in under.get(None, [])
    ]
    items.sort(key=lambda item: (-item[0], item[1]))
    calls: list[dict[str, Any]] = []
    reached: dict[str, float] = {}
    parents: dict[str, str | None] = {}

    def call(caller: str | None, role: str, zone_id: str, minute: float, order: int) -> None:
        root = zone_results[zone_id].callers[0]
        reached[zone_id] = minute
        parents[zone_id] = caller
        calls.append(
            {
                "zone_id": zone_id,
                "caller_id": caller,
                "caller_role": role,
                "callee_id": root["staff_id"],
                "callee_role": root["role"],
                "household_id": None,
                "order": order,
                "minute": minute,
            }
        )

    callers = [
        {
            "zone_id": None,
            "staff_id": top_id,
            "role": "adviser",
            "backup_id": top_backup,
            "calls": len(items),
            "reports_to": None,
            "done_minute": m * len(items),
        }
    ]
    for k, (_, key, kind) in enumerate(items, start=1):
        if kind == "zone":
            call(top_id, "adviser", key, m * k, k)
            continue
        calls.append(
            {
                "zone_id": None,
                "caller_id": top_id,
                "caller_role": "adviser",
                "callee_id": key,
                "callee_role": "ASC",
                "household_id": None,
                "order": k,
                "minute": m * k,
            }
        )
        for j, (zone_id, offset) in enumerate(asc_plans[key], start=1):
            call(key, "ASC", zone_id, m * k + offset, j)
        callers.append(
            {
                "zone_id": None,
                "staff_id": key,
                "role": "ASC",
                "backup_id": top_id,
                "calls": len(asc_plans[key]),
                "reports_to": top_id,
                "done_minute": m * k + m * len(asc_plans[key]),
            }
        )
    return calls, callers, reached, parents


def _upper_flag(row: dict[str, Any], rules: CascadeRules) -> dict[str, Any]:
    who = "the security adviser" if row["role"] == "adviser" else f"ASC {row['staff_id']}"
    return {
        "zone_id": None,
        "area_id": None,
        "code": "cascade_caller_over_limit",
        "severity": "major",
        "message": f"{who} would call {row['calls']} people, over the limit of "
        f"{rules.max_calls_per_person}: name (more) Area Security Coordinators to share the "
        "wardens, or send the first message to all wardens at once by SMS or radio",
    }
