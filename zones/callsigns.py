"""The radio net: who is on which net, each person's call sign, and the radio check schedule.

Call signs the roster gives (``radio_callsign``) are kept as they are. Where the roster
has none, one is generated from the station's scheme (``[radio] callsign_scheme``, by
default ``{zone}{role}{n}``: ``Z03W1`` is the warden of zone Z03, ``Z03S2`` the second
staff member there, ``SA1`` the CSA) for everyone on the security net and every radio
holder (``callsigns_for = "all"``: everyone). A generated call sign never repeats one
already held, compared without case and spaces: ``{n}`` counts up from 1 past every
call sign taken. People are numbered in a fixed order (role, area, zone, ``staff_id``),
so the same roster and plan always give the same call signs.

Nets: the DO, the CSA, the CSFP, the Area Security Coordinators, the heads of agencies,
the wardens and the deputies are on the security net (net control: the CSA, else the
CSFP, else the DO); everyone else, alternates included, is on the warden net of their
area (net control: the area's coordinator). Radio checks: the security net on
``check_day`` at ``check_time``, then each area's warden net ``check_gap_min`` minutes
after the one before, in area order.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from stations.config import check_rule_table
from stations.errors import StationError
from stations.text import roles_of, text_of

logger = logging.getLogger(__name__)

# Role -> the code the scheme's {role} field gives; the order is the numbering order.
ROLE_CODES = {
    "DO": "DO",
    "CSA": "SA",
    "CSFP": "FP",
    "ASC": "AC",
    "agency_head": "H",
    "warden": "W",
    "deputy": "D",
    "alternate": "A",
    "staff": "S",
}
SECURITY_NET_ROLES = frozenset(("DO", "CSA", "CSFP", "ASC", "agency_head", "warden", "deputy"))
STATION_ROLES = frozenset(("DO", "CSA", "CSFP", "ASC", "agency_head"))  # {zone} is empty
ROSTER_ROLES = ("DO", "CSA", "CSFP", "agency_head")  # the others come from the plan
CALLSIGN_COLUMNS = (
    "staff_id",
    "radio_role",  # a key of ROLE_CODES
    "radio_callsign",  # the call sign used, "" when none
    "callsign_source",  # "roster", "generated" or "" (no call sign)
    "radio_net",  # the net the person is on
)
NET_COLUMNS = ("net", "kind", "area_id", "control_id", "members", "radios")
REPEATER_COLUMNS = ("point_id", "name", "range_m", "households")  # households within range
BEYOND_COLUMNS = ("zone_id", "households")  # homes within range of no repeater, by zone
SCHEDULE_COLUMNS = ("net", "day", "time", "control_id")


@dataclass(frozen=True)
class Channel:
    """One channel of ``[radio] channels``: its name, number or frequency, and its use."""

    name: str
    channel: str = ""
    frequency: str = ""
    use: str = ""


@dataclass(frozen=True)
class RadioRules:
    """The ``[radio]`` table of ``station.toml``.

    Attributes
    ----------
    channels
        The station's channels.
    security_net
        The name of the security net.
    warden_net
        The name of an area's warden net; ``{area}`` is the area's name.
    callsign_scheme
        How a call sign is generated; fields ``{agency}``, ``{area}``, ``{zone}`` (empty
        for station roles), ``{role}`` (``ROLE_CODES``) and ``{n}`` (required).
    callsigns_for
        ``"radio"``: the security net and radio holders get a call sign; ``"all"``: everyone.
    check_day
        ``daily`` or a weekday: when the radio check is held.
    check_time
        ``HH:MM``: when the security net's check starts.
    check_gap_min
        Minutes between one net's check and the next.
    """

    channels: tuple[Channel, ...] = ()
    security_net: str = "Security net"
    warden_net: str = "Warden net {area}"
    callsign_scheme: str = "{zone}{role}{n}"
    callsigns_for: str = "radio"
    check_day: str = "monday"
    check_time: str = "10:00"
    check_gap_min: int = 15

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> RadioRules:
        """Build the rules from the ``[radio]`` table, refusing unknown or bad keys.

        Parameters
        ----------
        table
            The parsed table (``station.config.extra.get("radio", {})``).

        Returns
        -------
        RadioRules
            The rules, with defaults for missing keys.

        Raises
        ------
        StationError
            With one issue naming ``radio.<key>`` per unknown or invalid key.
        """
        values, issues = check_rule_table("radio", table)
        if issues:
            raise StationError(f"[radio] has {len(issues)} error(s)", issues)
        if "channels" in values:
            values["channels"] = tuple(
                Channel(**{k: text_of(v) for k, v in c.items()}) for c in values["channels"]
            )
        if "check_day" in values:
            values["check_day"] = values["check_day"].strip().lower()
        return cls(**values)


@dataclass(frozen=True, eq=False)
class RadioPlan:
    """The station's radio nets, call signs and radio check schedule.

    Attributes
    ----------
    rules
        The ``[radio]`` rules planned with.
    callsigns
        One row per staff member of the plan (``CALLSIGN_COLUMNS``), ordered by net,
        role (``ROLE_CODES``), then call sign.
    nets
        One row per net (``NET_COLUMNS``): the security net first, then the warden nets.
    schedule
        The radio checks (``SCHEDULE_COLUMNS``), in the order they are held.
    duplicates
        Call signs the roster gives to more than one person, each with their ``staff_id``.
    repeaters
        The repeaters (``REPEATER_COLUMNS``): how many homes each reaches, in a straight
        line (radio range is line of sight); ``range_m`` is NaN when the points file has
        none, and the repeater then reaches no home counted here.
    beyond
        Per zone, the homes no repeater reaches (``BEYOND_COLUMNS``); empty without repeaters.
    """

    rules: RadioRules
    callsigns: pd.DataFrame
    nets: pd.DataFrame
    schedule: pd.DataFrame
    duplicates: tuple[tuple[str, tuple[str, ...]], ...] = ()
    repeaters: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPEATER_COLUMNS))
    beyond: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=BEYOND_COLUMNS))


def callsign_key(callsign: str) -> str:
    """Return a call sign as it is compared: upper case, without spaces.

    Parameters
    ----------
    callsign
        A call sign.

    Returns
    -------
    str
        ``"un 12"`` and ``"UN12"`` give the same key.
    """
    return "".join(callsign.split()).upper()


def plan_radio(
    staff: pd.DataFrame,
    appointments: pd.DataFrame,
    areas: pd.DataFrame,
    rules: RadioRules,
    *,
    taken: Iterable[str] = (),
) -> RadioPlan:
    """Give each staff member a net and a call sign, and schedule the radio checks.

    Parameters
    ----------
    staff
        The plan's staff: ``staff_id``, ``zone_id``, ``area_id``, and the roster's
        ``role``, ``agency``, ``has_radio`` and ``radio_callsign`` where it has them.
    appointments
        The plan's appointments (``role``: warden, deputy, alternate_N, ASC).
    areas
        The plan's areas: ``area_id``, ``area_name``, ``coordinator_id``.
    rules
        The ``[radio]`` rules.
    taken
        Call signs held elsewhere (every row of the roster, rejected ones too): never
        generated again.

    Returns
    -------
    RadioPlan
        The call signs, nets and schedule; the roster's call signs are never changed.
    """
    people = _people(staff, appointments)
    nets = _net_names(areas, rules, people["area_id"].tolist())
    people["radio_net"] = [
        nets["security"] if role in SECURITY_NET_ROLES else nets[area]
        for role, area in zip(
            people["radio_role"].tolist(), people["area_id"].tolist(), strict=True
        )
    ]
    held = [callsign_key(c) for c in people["roster_callsign"].tolist() if c]
    used = _assign(people, rules, {callsign_key(t) for t in taken if text_of(t)} | set(held))
    people["radio_callsign"] = used
    people["callsign_source"] = [
        "roster" if own else ("generated" if new else "")
        for own, new in zip(people["roster_callsign"].tolist(), used, strict=True)
    ]
    net_table = _nets(people, areas, nets)
    net_order = {net: n for n, net in enumerate(net_table["net"])}
    table = people.assign(net_order=people["radio_net"].map(net_order).fillna(len(net_order)))
    rank = {role: n for n, role in enumerate(ROLE_CODES)}
    table = table.assign(role_rank=table["radio_role"].map(rank))
    by = ["net_order", "role_rank", "radio_callsign", "staff_id"]
    table = table.sort_values(by, kind="stable")
    callsigns = table[list(CALLSIGN_COLUMNS)].reset_index(drop=True)
    plan = RadioPlan(rules, callsigns, net_table, _schedule(net_table, rules), _duplicates(people))
    logger.info(
        "radio: %d call signs (%d generated) on %d nets",
        int((callsigns["radio_callsign"] != "").sum()),
        int((callsigns["callsign_source"] == "generated").sum()),
        len(net_table),
    )
    return plan


def _people(staff: pd.DataFrame, appointments: pd.DataFrame) -> pd.DataFrame:
    """Return each person's role on the radio, area, zone, agency, radio and own call sign."""
    appointed: dict[str, set[str]] = {}
    for staff_id, role in zip(appointments["staff_id"], appointments["role"], strict=True):
        name = "alternate" if str(role).startswith("alternate") else str(role)
        appointed.setdefault(text_of(staff_id), set()).add(name)

    def column(name: str) -> list[str]:
        values = staff[name].tolist() if name in staff else [None] * len(staff)
        return [text_of(v) for v in values]

    staff_ids = column("staff_id")
    radios = staff["has_radio"].tolist() if "has_radio" in staff else [None] * len(staff)
    return pd.DataFrame(
        {
            "staff_id": staff_ids,
            "radio_role": [
                _role(cell, appointed.get(staff_id, set()))
                for cell, staff_id in zip(column("role"), staff_ids, strict=True)
            ],
            "area_id": [a or "A0" for a in column("area_id")],
            "zone_id": column("zone_id"),
            "agency": column("agency"),
            "has_radio": [r is True or r is np.True_ for r in radios],
            "roster_callsign": column("radio_callsign"),
        }
    )


def _role(cell: str, appointed: set[str]) -> str:
    """Return the first of ``ROLE_CODES`` a person holds: roster roles and appointments."""
    roles = {r for r in roles_of(cell) if r in ROSTER_ROLES} | appointed
    return next((r for r in ROLE_CODES if r in roles), "staff")


def _field(text: str) -> str:
    """Return a scheme field: letters and digits only, upper case."""
    return re.sub(r"[\W_]+", "", text).upper()


def _assign(people: pd.DataFrame, rules: RadioRules, taken: set[str]) -> list[str]:
    """Return each person's call sign: the roster's, else the scheme's first free one."""
    order = {role: n for n, role in enumerate(ROLE_CODES)}
    columns = list(people.columns)
    rows = zip(*(people[c].tolist() for c in columns), strict=True)
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    ranked = sorted(
        range(len(records)),
        key=lambda i: (
            order[records[i]["radio_role"]],
            records[i]["area_id"],
            records[i]["zone_id"],
            records[i]["staff_id"],
        ),
    )
    result = [person["roster_callsign"] for person in records]
    counters: dict[tuple[str, ...], int] = {}
    for i in ranked:
        person = records[i]
        role = person["radio_role"]
        wanted = rules.callsigns_for == "all" or person["has_radio"] or role in SECURITY_NET_ROLES
        if result[i] or not wanted:
            continue
        fields = {
            "agency": _field(person["agency"]),
            "area": _field(person["area_id"]),
            "zone": "" if role in STATION_ROLES else _field(person["zone_id"]),
            "role": ROLE_CODES[role],
        }
        base = tuple(fields.values())
        n = counters.get(base, 1)
        while callsign_key(callsign := rules.callsign_scheme.format(**fields, n=n)) in taken:
            n += 1
        taken.add(callsign_key(callsign))
        counters[base] = n + 1
        result[i] = callsign.strip()
    return result


def _net_names(areas: pd.DataFrame, rules: RadioRules, homes: Iterable[str]) -> dict[str, str]:
    """Return ``security`` and each area id -> its net's name (by id if the plan lacks it)."""
    names = {"security": rules.security_net.format(area="").strip()}
    labels = {text_of(a): text_of(a) for a in homes}
    for area_id, area_name in zip(areas["area_id"], areas["area_name"], strict=True):
        labels[text_of(area_id)] = text_of(area_name) or text_of(area_id)
    for area_id, label in labels.items():
        names[area_id] = rules.warden_net.format(area=label).strip()
    return names


def _nets(people: pd.DataFrame, areas: pd.DataFrame, nets: dict[str, str]) -> pd.DataFrame:
    """Return the nets with their control, members and radios."""
    roles = dict(zip(people["staff_id"].tolist(), people["radio_role"].tolist(), strict=True))
    adviser = next(
        (s for want in ("CSA", "CSFP", "DO") for s, r in sorted(roles.items()) if r == want), None
    )
    coordinators = dict(
        zip(areas["area_id"].map(text_of), areas["coordinator_id"].map(text_of), strict=True)
    )
    rows = [("security", "security", "", adviser)]
    rows += [
        (key, "warden", key, coordinators.get(key) or adviser)
        for key in sorted(k for k in nets if k != "security")
    ]
    table: list[dict[str, Any]] = []
    seen: set[str] = set()
    for key, kind, area_id, control in rows:
        name = nets[key]
        if name in seen:  # areas sharing one warden net (a name without {area})
            continue
        seen.add(name)
        members = people[people["radio_net"] == name]
        if kind == "warden" and members.empty:
            continue
        table.append(
            {
                "net": name,
                "kind": kind,
                "area_id": area_id,
                "control_id": control,
                "members": len(members),
                "radios": int(members["has_radio"].sum()),
            }
        )
    return pd.DataFrame(table, columns=list(NET_COLUMNS))


def _schedule(nets: pd.DataFrame, rules: RadioRules) -> pd.DataFrame:
    """Return the radio checks: the security net first, each warden net after a gap."""
    start = dt.datetime.strptime(rules.check_time, "%H:%M")  # noqa: DTZ007 - a clock time
    rows = [
        {
            "net": net,
            "day": rules.check_day,
            "time": (start + dt.timedelta(minutes=rules.check_gap_min * n)).strftime("%H:%M"),
            "control_id": control,
        }
        for n, (net, control) in enumerate(zip(nets["net"], nets["control_id"], strict=True))
    ]
    return pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))


def repeater_reach(
    repeaters: pd.DataFrame, households: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Count the homes each repeater reaches, and per zone the homes none reaches.

    Parameters
    ----------
    repeaters
        The repeaters: ``point_id``, ``name``, ``range_m`` and point ``geometry`` in the
        station's projected CRS (metres).
    households
        The plan's households: ``zone_id`` and point ``geometry`` in the same CRS.

    Returns
    -------
    tuple of pandas.DataFrame
        One row per repeater (``REPEATER_COLUMNS``), and one row per zone with homes out
        of every repeater's range (``BEYOND_COLUMNS``; empty without repeaters).
    """
    ranges = (
        pd.to_numeric(repeaters["range_m"], errors="coerce")
        if "range_m" in repeaters
        else pd.Series(np.nan, index=repeaters.index)
    )
    homes = np.column_stack([households.geometry.x, households.geometry.y])
    sites = np.column_stack([repeaters.geometry.x, repeaters.geometry.y])
    within = np.zeros((len(homes), len(sites)), dtype=bool)
    for j, reach in enumerate(ranges.to_numpy(dtype=float)):
        if not np.isnan(reach):
            within[:, j] = np.hypot(*(homes - sites[j]).T) <= reach
    table = pd.DataFrame(
        {
            "point_id": repeaters["point_id"].map(text_of).to_numpy(),
            "name": repeaters["name"].map(text_of).to_numpy(),
            "range_m": ranges.to_numpy(dtype=float),
            "households": within.sum(axis=0),
        },
        columns=list(REPEATER_COLUMNS),
    )
    if not len(sites):
        return table, pd.DataFrame(columns=list(BEYOND_COLUMNS))
    out = households.loc[~within.any(axis=1), "zone_id"].map(text_of)
    beyond = out.value_counts().sort_index().rename_axis("zone_id").reset_index(name="households")
    return table, beyond


def _duplicates(people: pd.DataFrame) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Return the roster's call signs held by more than one person, with their holders."""
    holders: dict[str, list[tuple[str, str]]] = {}
    for staff_id, own in zip(
        people["staff_id"].tolist(), people["roster_callsign"].tolist(), strict=True
    ):
        if own:
            holders.setdefault(callsign_key(own), []).append((own, staff_id))
    return tuple(
        (pairs[0][0], tuple(sorted(s for _, s in pairs)))
        for _, pairs in sorted(holders.items())
        if len(pairs) > 1
    )
