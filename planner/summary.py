"""What a plan comes to: the figures of summary.json and the entry page, the urgent gaps."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from planner.build import PlanRun, assignments_table
from planner.compliance import StationCompliance
from planner.moss import MossReport
from stations.text import text_of
from zones.plan import PlannedStation

MOST_URGENT = 3  # gaps on the entry page and in the summary
SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2}


def plan_summary(run: PlanRun) -> dict[str, Any]:
    """Return the figures the summary, the entry page and ``planner plan`` show.

    Parameters
    ----------
    run
        A plan with its MOSS report (`planner.build.build_plan`).

    Returns
    -------
    dict
        The figures, JSON-ready.
    """
    planned = run.planned
    moss = run.moss_report()
    zoning = run.zoning.summary
    assigned = int((assignments_table(run)["status"] == "assigned").sum())
    return {
        "station": planned.station.name,
        "as_of": planned.station.as_of.isoformat(),
        "staff_away": len(planned.station.away_on()),
        "visitors_present": len(planned.visitors),
        "security_level": planned.station.config.station.security_level,
        "zones": len(planned.zones),
        "areas": len(planned.areas),
        "households": int(planned.households["zone_id"].notna().sum()),
        "staff_assigned": assigned,
        "staff_rejected": len(planned.station.staff) - assigned,
        "distance_method": planned.distance_method,
        "in_bounds_pct": zoning["in_bounds_pct"],
        "contiguous_pct": zoning["contiguous_pct"],
        "compliance_percentage": moss.percentage,
        "compliance_rating": moss.rating,
        **agency_figures(run.compliance),
        "minutes_to_reach_everyone": (
            None if math.isnan(run.cascade.station_minutes) else run.cascade.station_minutes
        ),
        "target_minutes": run.cascade.rules.target_minutes,
        "last_drill": last_drill_text(planned),
        "most_urgent": most_urgent(planned, moss),
        "notes": list(planned.notes),
    }


def agency_figures(compliance: StationCompliance) -> dict[str, Any]:
    """Return the worst agency and the share of staff without training (`planner.compliance`).

    Parameters
    ----------
    compliance
        Every agency's compliance (`planner.build.PlanRun.compliance`).

    Returns
    -------
    dict
        ``worst_agency`` (lowest overall compliance, ties by name; None when no agency is
        rated), ``worst_agency_percentage`` and ``staff_without_training_pct``.
    """
    worst = compliance.worst()
    return {
        "worst_agency": None if worst is None else worst.agency,
        "worst_agency_percentage": None if worst is None else worst.percentage,
        "staff_without_training_pct": compliance.untrained_percentage,
    }


def last_drill_text(planned: PlannedStation) -> str:
    """Return when the call cascade was last drilled, from the station's ``[files] drills``.

    Returns
    -------
    str
        ``2026-11-10 (5 days before the plan date)``, or ``none logged``.
    """
    from stations.drill_logs import last_drill

    station = planned.station
    relative = station.config.files.drills
    latest = None if relative is None else last_drill(station.folder / relative, relative)[0]
    if latest is None:
        return "none logged"
    return f"{latest:%Y-%m-%d} ({(station.as_of - latest.date()).days} days before the plan date)"


def most_urgent(
    planned: PlannedStation, moss: MossReport, *, count: int = MOST_URGENT
) -> list[str]:
    """Return the most urgent gaps: the plan's flags and the failing MOSS rules, as lines.

    Gaps are ranked by severity (critical, major, minor), then by how many people they
    affect, most first: a flag touches its zone's people, its area's, or (neither given)
    everyone's; a rule touches the people of its failing staff, households, zones or
    offices (an office: its staff), or everyone for a station rule.

    Parameters
    ----------
    planned
        The planned station (its flags hold the cascade's).
    moss
        The MOSS report.
    count
        How many gaps to return.

    Returns
    -------
    list of str
        ``"<where>: <what>"``, most urgent first.
    """
    people = _People(planned)
    gaps = [
        (SEVERITY_RANK.get(str(severity), 3), -people.of_flag(zone, area), where, message)
        for severity, zone, area, message in zip(
            planned.flags["severity"],
            planned.flags["zone_id"],
            planned.flags["area_id"],
            planned.flags["message"],
            strict=True,
        )
        for where in [text_of(zone) or text_of(area) or "station"]
    ]
    gaps += [
        (
            SEVERITY_RANK.get(r.rule.severity, 3),
            -people.of_rule(r.rule.applies_to, [entity for entity, _ in r.failures], r.failed),
            r.rule.id,
            f"{r.rule.title}: {r.failed} failing",
        )
        for r in moss.failing()
    ]
    return [f"{where}: {message}" for *_, where, message in sorted(gaps)[:count]]


class _People:
    """How many people a gap touches, from the plan's headcounts."""

    def __init__(self, planned: PlannedStation) -> None:
        zones = planned.zones
        self.zone = dict(zip(zones["zone_id"], zones["headcount"].astype(int), strict=True))
        self.area = zones.groupby("area_id")["headcount"].sum().astype(int).to_dict()
        households = planned.households
        self.household = dict(
            zip(households["household_id"], households["headcount"].astype(int), strict=True)
        )
        self.everyone = int(households["headcount"].sum()) + len(planned.visitors)
        staff = planned.station.staff
        self.office = (
            staff.groupby("office_id").size().to_dict() if "office_id" in staff.columns else {}
        )

    def of_flag(self, zone_id: object, area_id: object) -> int:
        if isinstance(zone_id, str) and zone_id:
            return self.zone.get(zone_id, 0)
        if isinstance(area_id, str) and area_id:
            return self.area.get(area_id, 0)
        return self.everyone

    def of_rule(self, applies_to: str, entities: list[str], failed: int) -> int:
        lookup = {"household": self.household, "zone": self.zone, "office": self.office}
        if applies_to == "station":
            return self.everyone
        if applies_to in lookup:
            return sum(int(lookup[applies_to].get(e, 1)) for e in entities)
        return failed


def plan_text(summary: dict[str, Any], *, seconds: float, index: Path) -> str:
    """Return what ``planner plan`` prints: the figures, the urgent gaps, the entry page.

    Parameters
    ----------
    summary
        From `plan_summary`.
    seconds
        How long the plan took.
    index
        The entry page written.

    Returns
    -------
    str
        Lines of text (user strings in it: print them through ``terminal_text``).
    """
    lines = [
        (
            f"{summary['station']} (security level {summary['security_level']}): "
            f"{summary['zones']} warden zones in {summary['areas']} area(s)"
        ),
        (
            f"  households covered: {summary['households']}; staff assigned "
            f"{summary['staff_assigned']}, rejected {summary['staff_rejected']}"
        ),
        *_visitors_line(summary),
        f"  MOSS: {summary['compliance_rating']} ({summary['compliance_percentage']} %)"
        + _agency_text(summary),
        (
            f"  time to reach everyone: {_minutes(summary['minutes_to_reach_everyone'])} "
            f"(target {summary['target_minutes']:g} min)"
        ),
        f"  last cascade drill: {summary.get('last_drill', 'none logged')}",
        "  most urgent gaps:",
        *[f"    - {item}" for item in summary["most_urgent"] or ["none"]],
        f"  planned in {seconds:.0f} s; open {index}",
    ]
    return "\n".join(lines)


def _agency_text(summary: dict[str, Any]) -> str:
    """Return the worst agency and the staff without training, after the MOSS rating."""
    worst = summary.get("worst_agency")
    untrained = summary.get("staff_without_training_pct")
    parts = (
        [] if worst is None else [f"worst agency {worst} ({summary['worst_agency_percentage']} %)"]
    )
    if untrained is not None:
        parts.append(f"staff without training {untrained} %")
    return "".join(f"; {part}" for part in parts)


def _visitors_line(summary: dict[str, Any]) -> list[str]:
    """Return the line of visitors present on the plan date (none without visitors)."""
    count = summary.get("visitors_present", 0)
    return [f"  visitors present on {summary['as_of']}: {count}"] if count else []


def _minutes(value: float | None) -> str:
    return "nobody to call" if value is None else f"{value:g} min"


def moss_text(report: MossReport) -> str:
    """Return what ``planner moss`` prints: the rating, then one line per applicable rule."""
    level = report.security_level
    lines = [f"{report.station}: {report.rating} ({report.percentage} %), level {level}"]
    lines += [
        f"  {'ok  ' if not result.failed else 'FAIL'} {result.rule.id:7} "
        f"{result.rule.severity:8} {result.percentage:5.1f}% {result.rule.title}"
        for result in report.results
        if result.applicable
    ]
    return "\n".join(lines)


def zones_text(name: str, summary: dict[str, Any], out: Path) -> str:
    """Return what ``planner zones`` prints: sizes, shape, reach, churn and notes."""
    s = summary
    sizes = f"{s['size_min']}-{s['size_max']} (median {s['size_median']:g})"
    bounds = f"{s['in_bounds_pct']:g}% in bounds, {s['contiguous_pct']:g}% contiguous"
    reach = f"median {s['max_distance_m_p50']} m, worst {s['max_distance_m_max']} m"
    lines = [
        f"{name}: {s['zones']} warden zones ({s['source']}) for {s['households']} households",
        f"  sizes {sizes}; {bounds}",
        f"  compactness (Polsby-Popper) {s['polsby_popper_mean']:.2f}",
        (
            f"  farthest home from the centre household, measured {s['max_distance_m_measured']}: "
            f"{reach}"
        ),
        f"  {s['zones_beyond_reach']} zone(s) beyond reach",
    ]
    if "churn" in summary:
        churn = summary["churn"]
        lines.append("  churn: " + ", ".join(f"{count} {cause}" for cause, count in churn.items()))
    lines += [f"  note: {note}" for note in summary["notes"]]
    lines.append(f"  written to {out}")
    return "\n".join(lines)
