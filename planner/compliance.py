"""Compliance per agency: the MOSS report's findings on staff, households and offices, by agency.

Every head of agency answers for the MOSS compliance of their staff and offices (UNSMS
framework of accountability). The figures here are the MOSS report's own, regrouped: a
staff member is checked by each rule that applies to staff, a household by each rule that
applies to households, an office by each rule that applies to offices, and the report says
which of them fail. Nothing is judged twice, so "trained" means what the rule set says.

- A rule's ``where`` selects staff, households and offices like the MOSS check does (on
  ``role``: any of a person's roles, the plan's warden, deputy and ASC appointments
  included).
- A staff member belongs to their roster ``agency``; an office to its ``agency``; a
  household to the agencies of its members that the rule checks (all members when the
  rule's ``where`` does not select staff), so a household of two agencies counts in both.
- Coverage of a rule for an agency is the share of the agency's checked staff,
  households or offices that pass it; the agency's overall compliance weighs those shares
  like the MOSS rating does (critical 3, major 2, minor 1). Zone and station rules belong
  to the whole station (see the MOSS report) and are left out here.
- Staff without training: staff failing at least one applicable staff rule of the
  ``training`` component.
- Staff away on the plan date are still counted: they remain responsible for their
  compliance, and are marked as away.
- Each failing staff member, household or office is an item to put right: its action
  owner is the staff member (the household's members of the agency for a household), or
  the head of agency (roster role ``agency_head``) for an office; its due date is the
  plan date plus ``DUE_DAYS`` of the rule's severity.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.moss import SEVERITY_WEIGHT, MossReport, RuleResult
from stations.schema import AWAY, PRESENT
from stations.text import text_of
from zones.plan import PlannedStation

# Days from the plan date to put an item right, by the rule's severity: a week for what
# endangers lives, a month for a major gap, a quarter for the rest.
DUE_DAYS = {"critical": 7, "major": 30, "minor": 90}
PER_AGENCY = ("staff", "household", "office")  # what a rule applies to, kept per agency
TRAINING = "training"  # the rule component whose failure leaves a staff member untrained
AGENCY_HEAD = "agency_head"
APPOINTED_ROLES = ("warden", "deputy", "ASC")  # the plan's appointments a ``where`` can select
NO_HEAD = "head of agency (not named in the roster)"
NOT_RECORDED = "not recorded"
STATION = "STATION"  # the total row of the CSV
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}


@dataclass(frozen=True)
class Coverage:
    """How many of an agency's staff, households or offices one rule checked and passed."""

    result: RuleResult
    checked: int
    passed: int

    @property
    def percentage(self) -> float | None:
        """Return the share passing in percent, or None when none was checked."""
        return None if not self.checked else round(100.0 * self.passed / self.checked, 1)


@dataclass(frozen=True)
class Item:
    """One failing staff member, household or office: what to put right, who, by when.

    ``subject`` names the entity (a staff member's name, ``household <id>``, an office's
    name); ``owner`` is the person who acts; ``presence`` says where a staff subject is
    on the plan date (``present``, ``on leave`` ...; empty for offices and households);
    ``duty`` the staff member's appointments in the plan (``warden of Z01``), or "".
    """

    rule_id: str
    title: str
    severity: str
    applies_to: str
    entity: str
    subject: str
    reason: str
    owner: str
    owner_id: str
    due: dt.date
    presence: str = ""
    duty: str = ""


@dataclass(frozen=True)
class Appointee:
    """A staff member the plan appoints, with the plan's flags that name them.

    Appointments are warden, deputy, alternate or ASC; the flags say what the plan found
    about the person (readiness: untrained, unbriefed, visits overdue).
    """

    staff_id: str
    name: str
    duty: str
    presence: str
    flags: tuple[str, ...]


@dataclass(frozen=True)
class OfficeStatus:
    """The MOSS status of one office: how many office rules apply and how many it fails."""

    office_id: str
    name: str
    checked: int
    failed: int

    @property
    def status(self) -> str:
        """Return ``compliant``, ``not compliant`` or ``not assessed``."""
        if not self.checked:
            return "not assessed"
        return "not compliant" if self.failed else "compliant"


@dataclass(frozen=True)
class AgencyCompliance:
    """One agency's figures and items out of compliance.

    Attributes
    ----------
    agency
        The agency as the roster and offices file write it.
    head, head_id
        The head of agency's name and staff id (``agency_head`` role), "" when none.
    staff
        The number of staff (away staff included).
    categories
        Staff per category (``international``, ``national`` ...; ``not recorded``).
    away
        Staff away on the plan date (on leave or on mission).
    coverage
        One entry per applicable staff, household and office rule that checked any of
        the agency's entities.
    offices
        The agency's offices and their MOSS status.
    items
        The failing staff, households and offices, most severe first.
    untrained
        Staff failing a training rule.
    appointees
        The agency's staff appointed in the plan, with the flags that name them.
    """

    agency: str
    head: str
    head_id: str
    staff: int
    categories: dict[str, int]
    away: int
    coverage: tuple[Coverage, ...]
    offices: tuple[OfficeStatus, ...]
    items: tuple[Item, ...]
    untrained: int
    appointees: tuple[Appointee, ...] = ()

    @property
    def percentage(self) -> float | None:
        """Return the weighted compliance over the agency's rules (as the MOSS rating)."""
        return weighted_percentage(self.coverage)

    @property
    def untrained_percentage(self) -> float | None:
        """Return the share of staff without training in percent (None without staff)."""
        return None if not self.staff else round(100.0 * self.untrained / self.staff, 1)


@dataclass(frozen=True)
class StationCompliance:
    """Every agency's compliance, and the rules they were measured against."""

    station: str
    as_of: dt.date
    security_level: int
    rules: tuple[RuleResult, ...]
    agencies: tuple[AgencyCompliance, ...]
    staff: int
    untrained: int

    @property
    def untrained_percentage(self) -> float | None:
        """Return the share of the station's staff without training, in percent."""
        return None if not self.staff else round(100.0 * self.untrained / self.staff, 1)

    def worst(self) -> AgencyCompliance | None:
        """Return the agency of lowest overall compliance (ties by name), None if none rated."""
        rated = [a for a in self.agencies if a.percentage is not None]
        return min(rated, key=lambda a: (a.percentage, a.agency), default=None)

    def to_dict(self) -> dict[str, Any]:
        """Return the figures and items as a JSON-ready mapping (what the pages render)."""
        return {
            "station": self.station,
            "as_of": self.as_of.isoformat(),
            "security_level": self.security_level,
            "due_days": dict(DUE_DAYS),
            "rules": [
                {
                    "id": r.rule.id,
                    "title": r.rule.title,
                    "severity": r.rule.severity,
                    "applies_to": r.rule.applies_to,
                    "applicable": r.applicable,
                    "note": r.note,
                }
                for r in self.rules
            ],
            "agencies": [_agency_dict(a) for a in self.agencies],
        }


def _agency_dict(agency: AgencyCompliance) -> dict[str, Any]:
    return {
        "agency": agency.agency,
        "head": agency.head,
        "head_id": agency.head_id,
        "staff": agency.staff,
        "categories": dict(agency.categories),
        "away": agency.away,
        "untrained": agency.untrained,
        "untrained_pct": agency.untrained_percentage,
        "compliance_pct": agency.percentage,
        "coverage": [
            {
                "rule_id": c.result.rule.id,
                "checked": c.checked,
                "passed": c.passed,
                "percentage": c.percentage,
            }
            for c in agency.coverage
        ],
        "offices": [_fields(o) | {"status": o.status} for o in agency.offices],
        "items": [_fields(i) | {"due": i.due.isoformat()} for i in agency.items],
        "appointees": [_fields(a) for a in agency.appointees],
    }


def _fields(record: Item | Appointee | OfficeStatus) -> dict[str, Any]:
    """Return a record's fields by name (as `dataclasses.asdict`, without its deep copies).

    The fields are text, numbers, dates and tuples of text: nothing to copy.
    """
    return {name: getattr(record, name) for name in _FIELD_NAMES[type(record)]}


_FIELD_NAMES = {
    kind: tuple(f.name for f in dataclasses.fields(kind))
    for kind in (Item, Appointee, OfficeStatus)
}


def weighted_percentage(coverage: Iterable[Coverage]) -> float | None:
    """Return the severity-weighted mean share passing, in percent (None if nothing checked).

    Parameters
    ----------
    coverage
        Rules with their checked and passing counts.

    Returns
    -------
    float or None
        The weighted percentage, rounded to 0.1.
    """
    weights = [
        (SEVERITY_WEIGHT[c.result.rule.severity], c.passed / c.checked)
        for c in coverage
        if c.checked
    ]
    total = sum(w for w, _ in weights)
    return None if not total else round(100.0 * sum(w * s for w, s in weights) / total, 1)


def agency_compliance(planned: PlannedStation, moss: MossReport) -> StationCompliance:
    """Return the compliance of every agency of the station.

    Parameters
    ----------
    planned
        The planned station (its staff, households and offices).
    moss
        Its MOSS report (`planner.moss.check_moss`).

    Returns
    -------
    StationCompliance
        One entry per agency of the roster or the offices file, by name.
    """
    people = _People(planned, moss.as_of)
    rules = tuple(r for r in moss.results if r.rule.applies_to in PER_AGENCY)
    checked = {r.rule.id: people.checked(r) for r in rules if r.applicable}
    agencies = sorted(set(people.staff["agency"]) | set(people.offices["agency"]))
    untrained = people.untrained(rules)
    return StationCompliance(
        station=moss.station,
        as_of=moss.as_of,
        security_level=moss.security_level,
        rules=rules,
        agencies=tuple(_agency(agency, people, rules, checked, untrained) for agency in agencies),
        staff=len(people.staff),
        untrained=len(untrained),
    )


def compliance_table(compliance: StationCompliance) -> pd.DataFrame:
    """Return one row per agency and a ``STATION`` total row: counts and each coverage.

    Columns: ``agency``, ``staff``, ``staff_<category>`` for every category, ``away``,
    ``untrained`` and ``untrained_pct``, ``compliance_pct``, ``offices`` and
    ``offices_not_compliant``, ``items``, then ``<rule id>_pct`` for every staff,
    household and office rule of the rule set (empty where the rule does not apply or
    checks none of the agency's). The ``STATION`` row counts every staff member and
    office once and takes each rule's percentage from the MOSS report.

    Parameters
    ----------
    compliance
        From `agency_compliance`.

    Returns
    -------
    pandas.DataFrame
        The table of ``compliance/compliance_by_agency.csv``.
    """
    categories = sorted({c for a in compliance.agencies for c in a.categories})
    rows = [_row(a, categories, compliance.rules) for a in compliance.agencies]
    station: dict[str, Any] = {"agency": STATION, "staff": compliance.staff}
    for category in categories:
        station[f"staff_{category}"] = sum(
            a.categories.get(category, 0) for a in compliance.agencies
        )
    station |= {
        "away": sum(a.away for a in compliance.agencies),
        "untrained": compliance.untrained,
        "untrained_pct": compliance.untrained_percentage,
        "compliance_pct": weighted_percentage(
            Coverage(r, r.checked, r.passed) for r in compliance.rules if r.applicable
        ),
        "offices": sum(len(a.offices) for a in compliance.agencies),
        "offices_not_compliant": sum(
            o.status == "not compliant" for a in compliance.agencies for o in a.offices
        ),
        "items": sum(r.failed for r in compliance.rules if r.applicable),
    }
    station |= {f"{r.rule.id}_pct": r.percentage for r in compliance.rules}
    return pd.DataFrame([*rows, station])


def _row(agency: AgencyCompliance, categories: list[str], rules: tuple[RuleResult, ...]) -> dict:
    row: dict[str, Any] = {"agency": agency.agency, "staff": agency.staff}
    row |= {f"staff_{c}": agency.categories.get(c, 0) for c in categories}
    row |= {
        "away": agency.away,
        "untrained": agency.untrained,
        "untrained_pct": agency.untrained_percentage,
        "compliance_pct": agency.percentage,
        "offices": len(agency.offices),
        "offices_not_compliant": sum(o.status == "not compliant" for o in agency.offices),
        "items": len(agency.items),
    }
    by_rule = {c.result.rule.id: c.percentage for c in agency.coverage}
    row |= {f"{r.rule.id}_pct": by_rule.get(r.rule.id) for r in rules}
    return row


class _People:
    """The station's staff, households and offices, with their agencies and presence."""

    def __init__(self, planned: PlannedStation, as_of: dt.date) -> None:
        station = planned.station
        staff = pd.DataFrame(planned.staff.drop(columns="geometry"))
        staff["agency"] = staff["agency"].map(text_of)
        accepted = station.accepted_staff
        presence = dict(zip(accepted["staff_id"], station.presence_on(as_of), strict=True))
        staff["where"] = staff["staff_id"].map(presence).fillna(PRESENT).astype(str)
        self.staff = staff.set_index(staff["staff_id"].rename(None))
        offices = pd.DataFrame(station.accepted_offices.drop(columns="geometry"))
        offices["agency"] = offices["agency"].map(text_of)
        self.offices = offices.set_index(offices["office_id"].rename(None))
        self.households = planned.households.set_index(
            planned.households["household_id"].rename(None)
        )
        self.as_of = as_of
        duties: dict[str, list[str]] = {}
        appointments = planned.appointments
        for zone_id, area_id, role, staff_id in zip(
            appointments["zone_id"].tolist(),
            appointments["area_id"].tolist(),
            appointments["role"].tolist(),
            appointments["staff_id"].tolist(),
            strict=True,
        ):
            where = text_of(zone_id) or text_of(area_id)
            duties.setdefault(text_of(staff_id), []).append(
                f"{role} of {where}" if where else str(role)
            )
        self.duties = {staff_id: ", ".join(roles) for staff_id, roles in duties.items()}
        self.flags: dict[str, list[str]] = {}
        for message in planned.flags["message"].map(text_of):
            for token in {t.rstrip(".:") for t in _TOKEN.findall(message)}:
                if token in self.duties:
                    self.flags.setdefault(token, []).append(message)
        roster_roles = self.staff.get("role", pd.Series("", index=self.staff.index)).map(text_of)
        heads = self.staff[roster_roles.map(lambda r: AGENCY_HEAD in r.split(";"))]
        # A rule's ``where`` on ``role`` also finds the plan's wardens, deputies and ASCs.
        appointed = appointments[appointments["role"].isin(APPOINTED_ROLES)]
        extra = appointed.groupby("staff_id")["role"].agg(lambda r: ";".join(sorted(set(r))))
        extra_roles = extra.to_dict()  # a dict: one look-up per staff member
        self.staff["role"] = [
            ";".join(part for part in (roster, text_of(extra_roles.get(staff_id))) if part)
            for roster, staff_id in zip(
                roster_roles.tolist(), self.staff["staff_id"].tolist(), strict=True
            )
        ]
        self.heads = {
            agency: (text_of(rows["name"].iloc[0]), text_of(rows["staff_id"].iloc[0]))
            for agency, rows in heads.sort_values("staff_id").groupby("agency")
        }
        # Looked up once per failing entity: plain dicts, not a frame filter per item.
        staff_ids = self.staff["staff_id"].tolist()  # lists: no pandas scalar per element
        self.names = dict(zip(staff_ids, self.staff["name"].map(text_of).tolist(), strict=True))
        self.whereabouts = dict(zip(staff_ids, self.staff["where"].tolist(), strict=True))
        self.staff_agency = dict(zip(staff_ids, self.staff["agency"].tolist(), strict=True))
        self.office_agency = dict(
            zip(self.offices["office_id"], self.offices["agency"], strict=True)
        )
        self.office_names = dict(
            zip(self.offices["office_id"], self.offices["name"].map(text_of), strict=True)
        )
        # household -> agency -> its members of that agency (roster order): (name, staff_id)
        self.members: dict[object, dict[str, list[tuple[str, str]]]] = {}
        for household, agency, staff_id in zip(
            self.staff["household_id"].tolist(),
            self.staff["agency"].tolist(),
            staff_ids,
            strict=True,
        ):
            by_agency = self.members.setdefault(household, {})
            by_agency.setdefault(agency, []).append((self.names[staff_id], staff_id))

    def checked(self, result: RuleResult) -> dict[str, set[str]]:
        """Return agency -> the ids of its entities the rule checked."""
        rule = result.rule
        failing = {entity for entity, _ in result.failures}
        if rule.applies_to == "staff":
            staff = _matching(self.staff, rule.where)
            ids = set(staff["staff_id"].tolist()) | failing
            return _by_agency(ids, self.staff_agency)
        if rule.applies_to == "office":
            ids = set(_matching(self.offices, rule.where)["office_id"]) | failing
            return _by_agency(ids, self.office_agency)
        return self._households(result, failing)

    def _households(self, result: RuleResult, failing: set[str]) -> dict[str, set[str]]:
        """Return agency -> households checked: by members the rule selects, or all members."""
        where = result.rule.where
        selects_staff = result.rule.kind == "field" or (
            where and all(column in self.staff.columns for column in where)
        )
        if selects_staff:
            members = _matching(self.staff, where)
        else:
            homes = set(_matching(self.households, where)["household_id"]) | failing
            members = self.staff[self.staff["household_id"].isin(homes)]
        agencies: dict[str, set[str]] = {}
        homes_checked = [str(h) for h in members["household_id"].tolist()]
        for agency, household in zip(members["agency"].tolist(), homes_checked, strict=True):
            agencies.setdefault(agency, set()).add(household)
        for household in failing - set(homes_checked):
            for agency in self.members.get(household, {}):
                agencies.setdefault(agency, set()).add(household)
        return agencies

    def untrained(self, rules: tuple[RuleResult, ...]) -> set[str]:
        """Return the staff failing an applicable staff rule of the training component."""
        return {
            entity
            for r in rules
            if r.applicable and r.rule.applies_to == "staff" and r.rule.component == TRAINING
            for entity, _ in r.failures
        }

    def head(self, agency: str) -> tuple[str, str]:
        """Return the head of agency's name and id, or the placeholder and ""."""
        return self.heads.get(agency, (NO_HEAD, ""))

    def item(self, result: RuleResult, agency: str, entity: str, reason: str) -> Item:
        """Return one failing entity as an item with its owner and due date."""
        rule = result.rule
        due = self.as_of + dt.timedelta(days=DUE_DAYS.get(rule.severity, max(DUE_DAYS.values())))
        common: dict[str, Any] = {
            "rule_id": rule.id,
            "title": rule.title,
            "severity": rule.severity,
            "applies_to": rule.applies_to,
            "entity": entity,
            "reason": reason,
            "due": due,
        }
        if rule.applies_to == "staff":
            name = self.names[entity]
            return Item(
                subject=name,
                owner=name,
                owner_id=entity,
                presence=self.whereabouts[entity],
                duty=self.duties.get(entity, ""),
                **common,
            )
        if rule.applies_to == "household":
            members = self.members.get(entity, {}).get(agency, [])
            names = "; ".join(name for name, _ in members)
            ids = "; ".join(staff_id for _, staff_id in members)
            return Item(subject=f"household {entity}", owner=names, owner_id=ids, **common)
        head, head_id = self.head(agency)
        office = self.office_names.get(entity, "")
        subject = f"{office} ({entity})" if office else entity
        return Item(subject=subject, owner=head, owner_id=head_id, **common)


_TOKEN = re.compile(r"[^\s,;()\[\]'\"]+")  # an id in a flag's message


def _matching(frame: pd.DataFrame, where: dict[str, Any]) -> pd.DataFrame:
    """Return the rows a rule's ``where`` selects (no rows when it names a missing column)."""
    for column, wanted in where.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if column not in frame.columns:
            return frame.iloc[0:0]
        if column == "role":  # a person may hold several roles: "agency_head;warden"
            wanted_roles = set(values)
            held = [bool(wanted_roles & set(text_of(r).split(";"))) for r in frame[column].tolist()]
            frame = frame[np.array(held, dtype=bool)]
            continue
        frame = frame[frame[column].isin(values)]
    return frame


def _by_agency(ids: set[str], agency_of: dict[str, str]) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for entity in ids:
        if entity in agency_of:
            grouped.setdefault(str(agency_of[entity]), set()).add(entity)
    return grouped


def _agency(
    agency: str,
    people: _People,
    rules: tuple[RuleResult, ...],
    checked: dict[str, dict[str, set[str]]],
    untrained: set[str],
) -> AgencyCompliance:
    staff = people.staff[people.staff["agency"] == agency]
    categories = (
        staff.get("category", pd.Series(index=staff.index, dtype=object))
        .map(lambda c: text_of(c) or NOT_RECORDED)
        .value_counts()
    )
    coverage, items = [], []
    for result in rules:
        mine = checked.get(result.rule.id, {}).get(agency, set())
        if not mine:
            continue
        failing = [(e, reason) for e, reason in result.failures if e in mine]
        coverage.append(Coverage(result, len(mine), len(mine) - len(failing)))
        items += [people.item(result, agency, e, reason) for e, reason in failing]
    items.sort(key=lambda i: (SEVERITY_ORDER.get(i.severity, 3), i.rule_id, i.subject, i.entity))
    office_rules = [r for r in rules if r.applicable and r.rule.applies_to == "office"]
    offices = people.offices[people.offices["agency"] == agency]
    head, head_id = people.head(agency)
    return AgencyCompliance(
        agency=agency,
        head=head if head_id else "",
        head_id=head_id,
        staff=len(staff),
        categories={str(k): int(v) for k, v in sorted(categories.items())},
        away=int(staff["where"].isin(AWAY).sum()),
        coverage=tuple(coverage),
        offices=tuple(
            OfficeStatus(
                office_id=str(office_id),
                name=text_of(name),
                checked=sum(office_id in checked[r.rule.id].get(agency, ()) for r in office_rules),
                failed=sum(office_id in {e for e, _ in r.failures} for r in office_rules),
            )
            for office_id, name in zip(offices["office_id"], offices["name"], strict=True)
        ),
        items=tuple(items),
        untrained=len(untrained & set(staff["staff_id"])),
        appointees=tuple(
            Appointee(
                staff_id=staff_id,
                name=people.names[staff_id],
                duty=people.duties[staff_id],
                presence=str(people.whereabouts[staff_id]),
                flags=tuple(people.flags.get(staff_id, ())),
            )
            for staff_id in sorted(set(people.duties) & set(staff["staff_id"]))
        ),
    )
