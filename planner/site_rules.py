"""What a plan's MOSS rules ask of site suggestions: the distance, the zones short of room.

The location model itself (candidates, the covering problem) is `zones.sites`; this
module only reads the rules and the MOSS report into its inputs.
"""

from __future__ import annotations

from planner.moss import MossReport
from planner.moss_rules import Rule
from zones.network import TravelModel
from zones.plan import PlannedStation
from zones.sites import SiteSuggestions, candidate_sites, suggest_sites


def site_distance(rules: list[Rule], point_kind: str) -> float | None:
    """Return the coverage distance the MOSS rules set for a point kind.

    Parameters
    ----------
    rules
        The station's rule set.
    point_kind
        The point kind, e.g. {"assembly", "concentration"}.

    Returns
    -------
    float or None
        The smallest ``max_distance_m`` of the coverage rules for the kind, or ``None``
        when the rules only ask for a route (the evacuation check) or say nothing.
    """
    limits = [
        float(rule.check["max_distance_m"])
        for rule in rules
        if rule.kind == "coverage"
        and rule.check.get("point_kind") == point_kind
        and "max_distance_m" in rule.check
    ]
    return min(limits) if limits else None


def capacity_shortfalls(
    report: MossReport, point_kind: str, planned: PlannedStation | None = None
) -> list[str]:
    """Return the zones whose point of the kind cannot take its load.

    Parameters
    ----------
    report
        A MOSS report of the plan.
    point_kind
        The point kind, e.g. ``"assembly"``.
    planned
        The planned station: when given, only zones using a point of this kind that is
        over capacity (or has no capacity) count, not those failing for another kind.

    Returns
    -------
    list of str
        Sorted zone ids failing an applicable capacity rule for the kind.
    """
    failing = {
        entity
        for result in report.results
        if result.applicable
        and result.rule.kind == "capacity"
        and point_kind in _kinds(result.rule.check.get("point_kind"))
        for entity, _ in result.failures
    }
    if planned is None or planned.point_loads.empty:
        return sorted(failing)
    loads = planned.point_loads
    short = loads[(loads["kind"] == point_kind) & (loads["over"] | loads["capacity"].isna())]
    zones = {z for joined in short["zones"] for z in str(joined).split(";") if z}
    return sorted(failing & zones)


def _kinds(point_kind: object) -> list[str]:
    if isinstance(point_kind, str):
        return [point_kind]
    return [str(kind) for kind in point_kind] if isinstance(point_kind, list) else []


def suggest_for_plan(
    planned: PlannedStation, report: MossReport, *, travel: TravelModel, max_sites: int = 3
) -> list[SiteSuggestions]:
    """Suggest assembly and concentration sites for a plan, as its MOSS rules ask.

    Parameters
    ----------
    planned
        The planned station.
    report
        Its MOSS report (the rules' distances and the zones short of capacity).
    travel
        The travel model the plan used.
    max_sites
        The most sites suggested per point kind.

    Returns
    -------
    list of SiteSuggestions
        One per point kind ({"assembly", "concentration"}), empty sites when nothing fails.
    """
    rules = [result.rule for result in report.results]
    candidates = candidate_sites(planned.station)
    return [
        suggest_sites(
            planned,
            candidates,
            travel=travel,
            point_kind=kind,
            max_distance_m=site_distance(rules, kind),
            max_sites=max_sites,
            short_zones=capacity_shortfalls(report, kind, planned),
        )
        for kind in ("assembly", "concentration")
    ]
