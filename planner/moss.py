"""Check a planned station against MOSS rules, per person, household, zone and office.

Each rule is evaluated on every entity it applies to (filtered by ``where``) when
the station's security level is at least the rule's ``min_level``. Distances are
measured with the plan's travel model (street network when the station has an
OSM extract) or in straight lines; the report says which.

Compliance rating: each applicable rule scores its share of passing entities,
weighted critical 3, major 2, minor 1; the weighted mean is the compliance
percentage. Bands: 90 % and above "Compliant", 75-90 % "Largely compliant",
50-75 % "Partially compliant", below 50 % "Non-compliant". A failing critical rule
caps the rating at "Largely compliant".
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial.distance import cdist

from planner.moss_rules import BASELINE_NOTE, Rule
from stations.zones_file import zone_label
from zones.appoint import AppointmentRules
from zones.evacuation import LOADED_KINDS, evacuate_planned
from zones.network import NetworkTravel, StraightLineTravel, describe_method
from zones.plan import PlannedStation
from zones.training import is_trained, trained_column
from zones.transport import plan_transport

logger = logging.getLogger(__name__)

SEVERITY_WEIGHT = {"critical": 3, "major": 2, "minor": 1}
BANDS = ((90.0, "Compliant"), (75.0, "Largely compliant"), (50.0, "Partially compliant"))
LOWEST_BAND = "Non-compliant"
MAX_FAILURES_LISTED = 500


class Travel(Protocol):
    """What MOSS needs of a travel model (see ``zones.network``)."""

    @property
    def method(self) -> str:
        """How distances are measured (named in reports)."""
        ...

    def distance_matrix(
        self, origins: np.ndarray, destinations: np.ndarray, *, mode: str = "walking"
    ) -> np.ndarray:
        """Return metres between each origin and destination; inf when unreachable."""
        ...


@dataclass(frozen=True)
class RuleResult:
    """The outcome of one rule."""

    rule: Rule
    applicable: bool
    checked: int = 0
    passed: int = 0
    failures: tuple[tuple[str, str], ...] = ()
    note: str = ""

    @property
    def failed(self) -> int:
        """Return the number of failing entities."""
        return self.checked - self.passed

    @property
    def percentage(self) -> float | None:
        """Return the share of passing entities in percent, or None when nothing was checked."""
        return None if not self.checked else round(100.0 * self.passed / self.checked, 1)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as a JSON-ready mapping."""
        rule = self.rule
        return {
            "id": rule.id,
            "title": rule.title,
            "description": rule.description,
            "source": rule.source,
            "confirm_locally": rule.confirm_locally,
            "provenance": rule.provenance,
            "component": rule.component,
            "applies_to": rule.applies_to,
            "min_level": rule.min_level,
            "severity": rule.severity,
            "check": rule.check,
            "applicable": self.applicable,
            "checked": self.checked,
            "passed": self.passed,
            "failed": self.failed,
            "percentage": self.percentage,
            "note": self.note,
            "failures": [
                {"entity": entity, "reason": reason}
                for entity, reason in self.failures[:MAX_FAILURES_LISTED]
            ],
            "failures_not_listed": max(0, len(self.failures) - MAX_FAILURES_LISTED),
        }


@dataclass(frozen=True)
class MossReport:
    """All rule results with the overall rating."""

    station: str
    security_level: int
    as_of: dt.date
    distance_method: str
    results: tuple[RuleResult, ...]
    percentage: float | None
    rating: str
    by_zone: dict[str, dict[str, int]] = field(default_factory=dict)
    by_office: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def baseline_note(self) -> str:
        """Return the note that the default rules are a generic baseline ("" without any)."""
        return BASELINE_NOTE if any(not r.rule.station_rule for r in self.results) else ""

    def failing(self, severity: str | None = None) -> list[RuleResult]:
        """Return the applicable rules with failures, optionally of one severity."""
        return [
            r
            for r in self.results
            if r.applicable and r.failed and (severity is None or r.rule.severity == severity)
        ]

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready mapping."""
        return {
            "station": self.station,
            "security_level": self.security_level,
            "as_of": self.as_of.isoformat(),
            "distance_method": self.distance_method,
            "compliance_percentage": self.percentage,
            "rating": self.rating,
            "rating_bands": {label: low for low, label in BANDS} | {LOWEST_BAND: 0.0},
            "baseline_note": self.baseline_note,
            "rules": [r.to_dict() for r in self.results],
            "by_zone": self.by_zone,
            "by_office": self.by_office,
        }


def check_moss(
    plan: PlannedStation,
    rules: list[Rule],
    *,
    as_of: dt.date,
    travel: Travel | None = None,
) -> MossReport:
    """Evaluate every rule on the planned station.

    Parameters
    ----------
    plan
        The planned station.
    rules
        The rule set (see :func:`planner.moss_rules.load_rules`).
    as_of
        The date against which "recent" is judged.
    travel
        The travel model for distances; straight lines in the station's CRS when ``None``.

    Returns
    -------
    MossReport
        Per rule results, per zone and per office tallies and the overall rating.
    """
    context = _Context(plan, as_of, travel)
    results = tuple(_evaluate(rule, context) for rule in rules)
    percentage = _compliance(results)
    rating = _rating(percentage, results)
    report = MossReport(
        station=plan.station.name,
        security_level=context.level,
        as_of=as_of,
        distance_method=context.method,
        results=results,
        percentage=percentage,
        rating=rating,
        by_zone=_tally(results, "zone", context),
        by_office=_tally(results, "office", context),
    )
    logger.info(
        "MOSS: %d rules applicable, compliance %s%%, %s",
        sum(r.applicable for r in results),
        percentage,
        rating,
    )
    return report


class _Context:
    """Entities, coordinates and distances shared by the checks."""

    def __init__(self, plan: PlannedStation, as_of: dt.date, travel: Travel | None) -> None:
        self.plan = plan
        self.as_of = as_of
        self.travel = travel
        self.level = plan.station.config.station.security_level
        appointments = plan.station.config.extra.get("appointments", {})
        self.training_max_age_days = AppointmentRules.from_table(appointments).training_max_age_days
        self.method = travel.method if travel is not None else "straight-line"
        self.crs = plan.station.crs
        self.staff = _with_appointed_roles(plan.staff, plan.appointments).set_index(
            "staff_id", drop=False
        )
        self.all_staff = plan.station.staff.set_index("staff_id", drop=False)
        self.appointee_rows: dict[str, pd.Series] = {}  # staff id -> row, for `appointee`
        offices = plan.station.accepted_offices
        self.offices = offices.set_index("office_id", drop=False)
        self.points = plan.station.accepted_points
        self.households = plan.households.set_index("household_id", drop=False)
        self.zones = plan.zones.set_index("zone_id", drop=False)
        homes = plan.households
        self.home_xy = dict(
            zip(homes["household_id"], shapely.get_coordinates(homes.geometry), strict=True)
        )
        self.zone_homes = {
            zone_id: shapely.get_coordinates(rows.geometry)
            for zone_id, rows in homes.groupby("zone_id", sort=False)
        }
        self.appointed = {
            (z, r): s
            for z, r, s in reversed(
                list(
                    zip(
                        plan.appointments["zone_id"],
                        plan.appointments["role"],
                        plan.appointments["staff_id"],
                        strict=True,
                    )
                )
            )
        }  # the first appointment of a role wins
        self.zone_centres = _zone_centres(plan, self.zone_homes)
        self.evacuated = _with_evacuation(plan, travel, self.zone_centres)
        self.transport = (
            plan.transport
            if self.evacuated is plan and not plan.transport.empty
            else plan_transport(self.evacuated)
        )

    def xy(self, geometries: pd.Series) -> np.ndarray:
        """Return the coordinates (n, 2) of point geometries in the station's CRS."""
        return np.column_stack([geometries.x.to_numpy(), geometries.y.to_numpy()])

    def distances(self, origins: np.ndarray, destinations: np.ndarray) -> np.ndarray:
        """Return metres from each origin to each destination (inf when unreachable)."""
        if len(origins) == 0 or len(destinations) == 0:
            return np.full((len(origins), len(destinations)), np.inf)
        if self.travel is not None:
            return self.travel.distance_matrix(origins, destinations, mode="walking")
        return cdist(origins, destinations)

    def points_of(self, kind: str) -> pd.DataFrame:
        """Return the accepted points of one kind."""
        return self.points[self.points["kind"] == kind]

    def appointee(self, zone_id: str, role: str) -> pd.Series | None:
        """Return the staff row appointed to a role in a zone (each row looked up once)."""
        staff_id = self.appointed.get((zone_id, role))
        if staff_id is None:
            return None
        if staff_id not in self.appointee_rows:
            self.appointee_rows[staff_id] = self.all_staff.loc[staff_id]
        return self.appointee_rows[staff_id]


APPOINTED_ROLES = ("warden", "deputy", "ASC")


def _with_appointed_roles(staff: pd.DataFrame, appointments: pd.DataFrame) -> pd.DataFrame:
    """Return the staff with the plan's appointments added to ``role`` (``"staff;warden"``).

    A ``where = { role = "warden" }`` filter then finds the wardens the plan appoints, not
    only those the roster already names.
    """
    kept = appointments[appointments["role"].isin(APPOINTED_ROLES)]
    appointed = kept.groupby("staff_id")["role"].agg(lambda r: ";".join(sorted(set(r))))
    roster = staff["role"] if "role" in staff.columns else pd.Series("", index=staff.index)
    extra = staff["staff_id"].map(appointed)
    joined = [
        ";".join(
            part
            for part in (r if isinstance(r, str) else "", a if isinstance(a, str) else "")
            if part
        )
        for r, a in zip(roster, extra, strict=True)
    ]
    return staff.assign(role=joined)


def _zone_centres(plan: PlannedStation, zone_homes: dict[str, np.ndarray]) -> pd.Series:
    """Return each zone's centre household location (or its polygon's inner point)."""
    crs = plan.station.crs
    centres = {}
    for zone_id, polygon in zip(plan.zones["zone_id"], plan.zones.geometry, strict=True):
        xy = zone_homes.get(zone_id)
        if xy is None:
            centres[zone_id] = polygon.representative_point()
            continue
        medoid = int(np.argmin(cdist(xy, xy).sum(axis=1))) if len(xy) < 3000 else 0  # noqa: PLR2004
        centres[zone_id] = shapely.Point(xy[medoid])
    return gpd.GeoSeries(centres, crs=crs)


def _assigned_with_current_points(plan: PlannedStation) -> bool:
    """Return whether the plan's assignment was made with the station's points as they are."""
    if "assembly_id" not in plan.zones.columns or "hibernation_id" not in plan.households:
        return False
    points = plan.station.accepted_points
    points = points[points["kind"].isin(LOADED_KINDS)]
    capacity = pd.to_numeric(points["capacity"], errors="coerce").fillna(-1.0)
    loads = plan.point_loads
    current = set(zip(points["point_id"].astype(str), capacity.astype(float), strict=True))
    assigned = set(
        zip(
            loads["point_id"].astype(str), loads["capacity"].fillna(-1.0).astype(float), strict=True
        )
    )
    return current == assigned


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _with_evacuation(
    plan: PlannedStation, travel: Travel | None, centres: pd.Series
) -> PlannedStation:
    """Return the plan with its points assigned.

    The plan's own assignment is used when it was made with the station's current points
    and capacities; it is decided here for a plan built without one, or whose points
    have changed since.
    """
    if _assigned_with_current_points(plan):
        return plan
    model = travel if isinstance(travel, NetworkTravel | StraightLineTravel) else None
    frame = gpd.GeoDataFrame(
        {"zone_id": list(centres.index)}, geometry=list(centres.to_numpy()), crs=plan.station.crs
    )
    return evacuate_planned(plan, model or StraightLineTravel(), zone_centres=frame)


def _evaluate(rule: Rule, context: _Context) -> RuleResult:
    if context.level < rule.min_level:
        return RuleResult(rule, applicable=False, note=f"applies from level {rule.min_level}")
    outcome = CHECKS[rule.kind](rule, context)
    if outcome is None:
        return RuleResult(rule, applicable=False, note="nothing to check")
    entities, passed, reasons = outcome
    if len(entities) == 0:
        return RuleResult(rule, applicable=False, note="no entity matches the rule")
    failures = tuple(
        (str(e), str(r)) for e, ok, r in zip(entities, passed, reasons, strict=True) if not ok
    )
    return RuleResult(
        rule,
        applicable=True,
        checked=len(entities),
        passed=int(np.sum(passed)),
        failures=failures,
        note=f"distances measured {describe_method(context.method)}"
        if rule.kind in DISTANCE_KINDS
        else "",
    )


Outcome = tuple[list[str], np.ndarray, list[str]] | None


def _filter(frame: pd.DataFrame, where: dict[str, Any]) -> pd.DataFrame:
    for column, wanted in where.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if column not in frame.columns:
            return frame.iloc[0:0]
        if column == "role":  # a person may hold several roles: "agency_head;warden"
            wanted_roles = set(values)
            held = [bool(_roles(r) & wanted_roles) for r in frame[column]]
            frame = frame[np.array(held, dtype=bool)]
            continue
        frame = frame[frame[column].isin(values)]
    return frame


def _roles(value: object) -> set[str]:
    return set(str(value).split(";")) if isinstance(value, str) and value else set()


def _field_ok(
    frame: pd.DataFrame, column: str, test: str, max_age: int, as_of: dt.date
) -> np.ndarray:
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    values = frame[column]
    present = values.notna().to_numpy() & (values.astype(str).str.strip() != "").to_numpy()
    if test == "present":
        return present
    if test == "true":
        return (values == True).to_numpy()  # noqa: E712 (None and NaN are not True)
    if test == "present_or_true":
        is_bool = values.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy()
        return np.where(is_bool, (values == True).to_numpy(), present)  # noqa: E712
    cutoff = as_of - dt.timedelta(days=max_age)
    return np.array([isinstance(v, dt.date) and v >= cutoff for v in values], dtype=bool)


def _check_field(rule: Rule, context: _Context) -> Outcome:
    check = rule.check
    max_age = int(check.get("max_age_days", context.plan.station.config.roster.max_age_days))
    test, fields_, combine = check["test"], check["fields"], check.get("combine", "all")
    staff = _filter(context.staff, rule.where)
    per_field = (
        np.column_stack([_field_ok(staff, f, test, max_age, context.as_of) for f in fields_])
        if len(staff)
        else np.zeros((0, len(fields_)), dtype=bool)
    )
    ok = np.asarray(per_field.any(axis=1) if combine == "any" else per_field.all(axis=1))
    wanted = " or ".join(fields_) if combine == "any" else " and ".join(fields_)
    reason = {
        "present": f"no {wanted} recorded",
        "true": f"{wanted} not true",
        "present_or_true": f"no {wanted}",
        "recent": f"{wanted} missing or older than {max_age} days",
    }[test]
    if rule.applies_to == "staff":
        return list(staff["staff_id"]), ok, [reason] * len(staff)
    # Households pass when any member passes.
    by_household = pd.Series(ok, index=staff["household_id"].to_numpy()).groupby(level=0).any()
    households = by_household.index.astype(str).tolist()
    return households, by_household.to_numpy(), [f"no member: {reason}"] * len(households)


def _check_training(rule: Rule, context: _Context) -> Outcome:
    """Staff pass with current security training, as :func:`zones.training.is_trained` says."""
    staff = _filter(context.staff, rule.where)
    limit = context.training_max_age_days
    ok = np.array(trained_column(staff, context.as_of, limit), dtype=bool)
    reason = f"no basic security training: bsafe_date missing or older than {limit} days"
    return list(staff["staff_id"]), ok, [reason] * len(staff)


def _check_equipment(rule: Rule, context: _Context) -> Outcome:
    offices = _filter(context.offices, rule.where)
    items = rule.check["items"]
    missing = [
        [item for item in items if item not in offices.columns or offices[item].iloc[i] is not True]
        for i in range(len(offices))
    ]
    ok = np.array([not m for m in missing], dtype=bool)
    reasons = [f"missing: {', '.join(m)}" for m in missing]
    return list(offices["office_id"]), ok, reasons


def _entity_locations(rule: Rule, context: _Context) -> tuple[list[str], np.ndarray]:
    if rule.applies_to == "office":
        offices = _filter(context.offices, rule.where)
        return list(offices["office_id"]), context.xy(offices.geometry)
    if rule.applies_to == "household":
        households = _filter(context.households, rule.where)
        return list(households["household_id"]), context.xy(households.geometry)
    zones = _filter(context.zones, rule.where)
    centres = context.zone_centres.loc[zones["zone_id"]]
    return list(zones["zone_id"]), context.xy(centres)


def _check_coverage(rule: Rule, context: _Context) -> Outcome:
    check = rule.check
    points = context.points_of(check["point_kind"])
    ids, xy = _entity_locations(rule, context)
    if points.empty:
        return ids, np.zeros(len(ids), dtype=bool), [f"no {check['point_kind']} point"] * len(ids)
    distance = context.distances(xy, context.xy(points.geometry))
    if check.get("use_point_range"):
        ranges = pd.to_numeric(points.get("range_m"), errors="coerce").fillna(0).to_numpy(float)
        if context.travel is not None:  # radio range is line of sight: straight lines
            distance = cdist(xy, context.xy(points.geometry))
        ok = (distance <= ranges[None, :]).any(axis=1)
        nearest = distance.min(axis=1)
        reasons = [
            f"outside every {check['point_kind']}'s range (nearest {d:,.0f} m)" for d in nearest
        ]
        return ids, ok, reasons
    limit = float(check["max_distance_m"])
    nearest = distance.min(axis=1)
    ok = nearest <= limit
    reasons = [
        f"no {check['point_kind']} reachable"
        if not np.isfinite(d)
        else f"nearest {check['point_kind']} {d:,.0f} m away (limit {limit:,.0f} m)"
        for d in nearest
    ]
    return ids, ok, reasons


def _check_zone_staffing(rule: Rule, context: _Context) -> Outcome:
    roles, require = rule.check["roles"], rule.check.get("require", [])
    zone_ok: dict[str, tuple[bool, str]] = {}
    for zone_id in context.zones["zone_id"]:
        problems = []
        for role in roles:
            person = context.appointee(zone_id, role)
            if person is None:
                problems.append(f"no {role}")
                continue
            if "phone" in require and not isinstance(person.get("phone"), str):
                problems.append(f"{role} has no phone")
            if "radio" in require and person.get("has_radio") is not True:
                problems.append(f"{role} has no radio")
            if "satphone" in require and person.get("has_satphone") is not True:
                problems.append(f"{role} has no satellite phone")
            if "training" in require and not is_trained(
                person, context.as_of, context.training_max_age_days
            ):
                problems.append(f"{role} has no current security training")
        zone_ok[zone_id] = (not problems, "; ".join(problems))
    if rule.applies_to == "zone":
        zones = _filter(context.zones, rule.where)["zone_id"]
        return (
            list(zones),
            np.array([zone_ok[z][0] for z in zones], dtype=bool),
            [zone_ok[z][1] for z in zones],
        )
    households = _filter(context.households, rule.where)
    status = [zone_ok.get(z, (False, "in no zone")) for z in households["zone_id"]]
    return (
        list(households["household_id"]),
        np.array([s[0] for s in status], dtype=bool),
        [
            f"{zone_label(str(z))}: {s[1]}"
            for z, s in zip(households["zone_id"], status, strict=True)
        ],
    )


def _check_capacity(rule: Rule, context: _Context) -> Outcome:
    """Check the plan's assignment: no zone's point takes more people than it holds.

    ``point_kind`` is one kind or a list of them (assembly, concentration, hibernation).
    A zone fails when a point it uses (its assembly point, the concentration point after
    it, its households' hibernation sites) is over capacity or has no known capacity;
    the reason names the point, its load and its capacity.
    """
    kind = rule.check["point_kind"]
    kinds = [kind] if isinstance(kind, str) else list(kind)
    ids = list(_filter(context.zones, rule.where)["zone_id"])
    if context.points[context.points["kind"].isin(kinds)].empty:
        return ids, np.zeros(len(ids), dtype=bool), [f"no {' or '.join(kinds)} point"] * len(ids)
    loads = context.evacuated.point_loads.set_index("point_id")
    names = context.points.set_index("point_id")["name"]
    used = _points_used(context.evacuated, kinds)
    problem: dict[str, str] = {}  # each point's, worked out once for all its zones
    ok, reasons = [], []
    for zone_id in ids:
        points = used.get(str(zone_id), [])
        for _, p in points:
            if p not in problem:
                problem[p] = _capacity_problem(p, loads.loc[p], names)
        problems = [problem[p] for _, p in points if problem[p]]
        if "assembly" in kinds and "assembly" not in {k for k, _ in points}:
            problems.append("no assembly point assigned")
        ok.append(not problems)
        reasons.append("; ".join(problems))
    return ids, np.array(ok, dtype=bool), reasons


def _points_used(plan: PlannedStation, kinds: list[str]) -> dict[str, list[tuple[str, str]]]:
    """Return the points (kind, point id) of the kinds each zone uses, by zone id."""
    used: dict[str, list[tuple[str, str]]] = {}
    columns = {"assembly": "assembly_id", "concentration": "concentration_id"}
    for kind in kinds:
        if kind in columns:
            pairs = zip(plan.zones["zone_id"], plan.zones[columns[kind]], strict=True)
        elif kind == "hibernation":
            sites = plan.households.dropna(subset=["hibernation_id"])
            pairs = zip(sites["zone_id"], sites["hibernation_id"], strict=True)
        else:
            continue
        for zone_id, point_id in sorted({(str(z), p) for z, p in pairs if p is not None}):
            used.setdefault(zone_id, []).append((kind, str(point_id)))
    return used


def _capacity_problem(point_id: str, load: pd.Series, names: pd.Series) -> str:
    """Return why a point cannot take its load, or "" when it can (``names`` by point id)."""
    label = f"{load['kind']} point {point_id} ({names.get(point_id, '')})"
    if not np.isfinite(load["capacity"]):
        return f"{label}: capacity unknown (takes {int(load['load']):,} people)"
    if not load["over"]:
        return ""
    return (
        f"{label} takes {int(load['load']):,} people, capacity {load['capacity']:,.0f}: "
        f"{int(load['load'] - load['capacity']):,} over; add {_article(load['kind'])} site near "
        "its zones (see the suggested sites) or raise its capacity"
    )


def _check_warden_reach(rule: Rule, context: _Context) -> Outcome:
    limit = context.plan.station.config.zones.max_warden_distance_m
    ids, ok, reasons = [], [], []
    for zone_id in _filter(context.zones, rule.where)["zone_id"]:
        ids.append(zone_id)
        warden = context.appointee(zone_id, "warden")
        if warden is None:
            ok.append(False)
            reasons.append("no warden")
            continue
        members = context.zone_homes.get(zone_id, np.zeros((0, 2)))
        home = context.home_xy[warden["household_id"]][None, :]
        farthest = context.distances(home, members).max() if len(members) else 0.0
        ok.append(bool(farthest <= limit))
        reasons.append(
            "a home is unreachable from the warden's"
            if not np.isfinite(farthest)
            else f"farthest home {farthest:,.0f} m from the warden (limit {limit:,.0f} m)"
        )
    return ids, np.array(ok, dtype=bool), reasons


def _check_evacuation(rule: Rule, context: _Context) -> Outcome:
    kind = rule.check["point_kind"]
    points = context.points_of(kind)
    ids, xy = _entity_locations(rule, context)
    if points.empty:
        return ids, np.zeros(len(ids), dtype=bool), [f"no {kind} point"] * len(ids)
    nearest = context.distances(xy, context.xy(points.geometry)).min(axis=1)
    ok = np.isfinite(nearest)
    return ids, ok, [f"no route to any {kind} point"] * len(ids)


def _check_count(rule: Rule, context: _Context) -> Outcome:
    check = rule.check
    minimum = int(check.get("minimum", 1))
    if "point_kind" in check:
        found = len(context.points_of(check["point_kind"]))
        what = f"{check['point_kind']} point(s)"
    else:
        return _check_roles(check.get("roles", []), minimum, context)
    return (
        [context.plan.station.name],
        np.array([found >= minimum]),
        [f"{found} {what}, at least {minimum} required"],
    )


def _check_roles(required: list[str | list[str]], minimum: int, context: _Context) -> Outcome:
    """Every entry of ``roles`` (a role, or a list of alternatives) needs ``minimum`` holders."""
    held = context.all_staff.get("role", pd.Series(dtype=object)).map(_roles)
    missing = []
    for entry in required:
        wanted = {entry} if isinstance(entry, str) else set(entry)
        found = int(held.map(lambda roles, w=wanted: bool(roles & w)).sum())
        if found < minimum:
            missing.append(f"{found} staff with role {' or '.join(sorted(wanted))}")
    reason = "; ".join(missing) + f", at least {minimum} of each required"
    return [context.plan.station.name], np.array([not missing]), [reason]


def _check_drill(rule: Rule, context: _Context) -> Outcome:
    """Pass when the station's drill logs show a drill within ``max_age_days`` of the plan date."""
    from stations.drill_logs import last_drill

    station = context.plan.station
    limit = int(rule.check.get("max_age_days", 180))
    relative = station.config.files.drills
    latest = None if relative is None else last_drill(station.folder / relative, relative)[0]
    if latest is None:
        reason = "no drill logged ([files] drills)" if relative else "no [files] drills folder"
        return [station.name], np.array([False]), [reason]
    age = (context.as_of - latest.date()).days
    reason = f"last drill {latest:%Y-%m-%d}, {age} days before the plan date (limit {limit})"
    return [station.name], np.array([0 <= age <= limit]), [reason]


def _check_transport(rule: Rule, context: _Context) -> Outcome:
    """Check that the vehicles at each zone's concentration point seat everyone who moves."""
    transport = context.transport
    if transport.empty or "concentration_id" not in context.evacuated.zones.columns:
        return None
    per_point = transport[transport["movement"] == "all"].set_index("concentration_id")
    zones = _filter(context.evacuated.zones.set_index("zone_id", drop=False), rule.where)
    ids, ok, reasons = [], [], []
    for zone_id, point_id in zip(zones["zone_id"], zones["concentration_id"], strict=True):
        if point_id is None or point_id not in per_point.index:
            continue
        row = per_point.loc[point_id]
        ids.append(zone_id)
        ok.append(int(row["shortfall"]) == 0)
        reasons.append(
            f"concentration point {point_id}: {int(row['seats_needed']):,} seat(s) needed, "
            f"{int(row['seats_available']):,} available: {int(row['shortfall']):,} short"
        )
    return ids, np.array(ok, dtype=bool), reasons


CHECKS = {
    "drill": _check_drill,
    "field": _check_field,
    "equipment": _check_equipment,
    "coverage": _check_coverage,
    "zone_staffing": _check_zone_staffing,
    "capacity": _check_capacity,
    "warden_reach": _check_warden_reach,
    "evacuation": _check_evacuation,
    "count": _check_count,
    "training": _check_training,
    "transport": _check_transport,
}
DISTANCE_KINDS = {"coverage", "capacity", "warden_reach", "evacuation"}


def _compliance(results: tuple[RuleResult, ...]) -> float | None:
    weights = [
        (SEVERITY_WEIGHT[r.rule.severity], r.passed / r.checked)
        for r in results
        if r.applicable and r.checked
    ]
    total = sum(w for w, _ in weights)
    return None if not total else round(100.0 * sum(w * s for w, s in weights) / total, 1)


def _rating(percentage: float | None, results: tuple[RuleResult, ...]) -> str:
    if percentage is None:
        return "Not assessed"
    label = next((name for low, name in BANDS if percentage >= low), LOWEST_BAND)
    critical_failing = any(
        r.applicable and r.failed and r.rule.severity == "critical" for r in results
    )
    if critical_failing and label == BANDS[0][1]:
        return BANDS[1][1]
    return label


def _tally(
    results: tuple[RuleResult, ...], applies_to: str, context: _Context
) -> dict[str, dict[str, int]]:
    ids = context.zones["zone_id"] if applies_to == "zone" else context.offices["office_id"]
    tally = {str(i): {"checked": 0, "failed": 0} for i in ids}
    for result in results:
        if not result.applicable or result.rule.applies_to != applies_to:
            continue
        failing = {entity for entity, _ in result.failures}
        for entity, counts in tally.items():
            counts["checked"] += 1
            counts["failed"] += entity in failing
    return tally
