"""MOSS rule sets: the default shipped with the package and a station's own, validated.

Every default rule names its ``source`` (one of :data:`SOURCE_DOCUMENTS` and the section) or
is marked ``confirm_locally = true``: common practice that the Security Management Team must
confirm or replace. The defaults are a generic baseline, to be replaced by the station's
approved MOSS; a station's own rules may name their source or leave both out (they are the
station's approved MOSS).
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from stations.errors import Issue, StationError
from stations.files import check_input_file

APPLIES_TO = ("staff", "household", "zone", "office", "station")
SEVERITIES = ("critical", "major", "minor")
CHECK_KEYS: dict[str, set[str]] = {
    "field": {"fields", "test", "combine", "max_age_days"},
    "equipment": {"items"},
    "coverage": {"point_kind", "max_distance_m", "use_point_range"},
    "zone_staffing": {"roles", "require"},
    "capacity": {"point_kind"},
    "warden_reach": set(),
    "evacuation": {"point_kind"},
    "count": {"point_kind", "roles", "minimum"},
    "training": set(),
    "drill": {"max_age_days"},
    "transport": set(),
}
FIELD_TESTS = ("present", "true", "recent", "present_or_true")
STAFFING_REQUIRES = ("phone", "radio", "satphone", "training")
RULE_KEYS = {
    "id", "title", "description", "component", "applies_to", "min_level", "severity", "check",
    "where", "enabled", "source", "confirm_locally",
}  # fmt: skip
DEFAULT_RULES = "moss_rules.toml"
# The public documents default rules cite (the project's seed documents), by the name a
# rule's ``source`` starts with: name -> (seed number, title).
SOURCE_DOCUMENTS = {
    "WIPO framework": ("000", "WIPO accountability framework for its security management system"),
    "UNSMS framework": ("001", "UN Security Management System Framework of Accountability"),
    "IASMN 2008": ("002", "IASMN report to the HLCM, CEB/2008/HLCM/5 (2008)"),
    "A/61/531": ("003", "Secretary-General's report A/61/531 (2006)"),
    "A/57/365": ("004", "Secretary-General's report A/57/365 (2002)"),
}
CONFIRM_LOCALLY = "common practice: confirm locally"
BASELINE_NOTE = (
    "The default rules are a generic baseline, not a country's MOSS: replace them with the "
    "station's approved MOSS ([moss] rules in station.toml). Each default rule names its "
    "source document and section, or is marked common practice for the Security Management "
    "Team to confirm locally."
)


@dataclass(frozen=True)
class Rule:
    """One MOSS requirement and how to check it."""

    id: str
    title: str
    description: str
    component: str
    applies_to: str
    min_level: int
    severity: str
    check: dict[str, Any]
    where: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    confirm_locally: bool = False
    station_rule: bool = False  # read from the station's own file, not the default set

    @property
    def kind(self) -> str:
        """Return the kind of check."""
        return str(self.check["kind"])

    @property
    def provenance(self) -> str:
        """Return where the rule comes from, as reports show it.

        The source (``"A/57/365, paragraph 32"``), ``"common practice: confirm locally"``,
        or ``"station MOSS"`` for a station's own rule that names neither.
        """
        if self.source:
            return self.source + (f"; {CONFIRM_LOCALLY}" if self.confirm_locally else "")
        if self.confirm_locally or not self.station_rule:
            return CONFIRM_LOCALLY
        return "station MOSS"


def source_document(source: str) -> str | None:
    """Return the name of the :data:`SOURCE_DOCUMENTS` entry a source cites, or None.

    Parameters
    ----------
    source
        A rule's ``source`` (``"UNSMS framework, annex P.3"``).

    Returns
    -------
    str or None
        ``"UNSMS framework"``, or None when the source starts with no known document.
    """
    return next(
        (name for name in SOURCE_DOCUMENTS if source.startswith(f"{name}, ")),
        None,
    )


def load_rules(path: Path | None = None, *, label: str | None = None) -> list[Rule]:
    """Return the default rule set, or a station's rule set merged over it.

    A station's file holds ``[[rule]]`` tables like the default one. Rules with an id
    of the default set replace it (``enabled = false`` removes it); new ids are added.
    With ``replace_default = true`` at the top of the file, only the station's rules apply.

    Parameters
    ----------
    path
        The station's rules file, or ``None`` for the default set.
    label
        The name used in messages (the file name by default).

    Returns
    -------
    list of Rule
        The rules in file order.

    Raises
    ------
    StationError
        If a file is not TOML or a rule is invalid; each issue names the rule.
    """
    default_text = resources.files("planner").joinpath(DEFAULT_RULES).read_text("utf-8")
    rules = _parse(tomllib.loads(default_text), DEFAULT_RULES, default=True)
    if path is None:
        return [r for r, enabled in rules if enabled]
    label = label or path.name
    check_input_file(path, label, what="MOSS rules file")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        issue = Issue("error", label, f"cannot read the MOSS rules: {exc}", code="format")
        raise StationError.from_issue(issue) from exc
    own = _parse(raw, label)
    merged = {} if raw.get("replace_default") is True else {r.id: (r, e) for r, e in rules}
    for rule, enabled in own:
        merged[rule.id] = (rule, enabled)
    return [r for r, enabled in merged.values() if enabled]


def _parse(raw: dict[str, Any], label: str, *, default: bool = False) -> list[tuple[Rule, bool]]:
    issues: list[Issue] = []
    unknown = set(raw) - {"rule", "replace_default"}
    issues.extend(
        Issue("error", label, f"unknown top-level key {key!r}", column=key) for key in unknown
    )
    rules = []
    seen: set[str] = set()
    for number, entry in enumerate(raw.get("rule", []), start=1):
        where = f"rule[{number}]"
        rule = _parse_rule(entry, where, label, issues, default=default)
        if rule is None:
            continue
        if rule[0].id in seen:
            issues.append(Issue("error", label, f"duplicate rule id {rule[0].id!r}", column=where))
        seen.add(rule[0].id)
        rules.append(rule)
    if issues:
        raise StationError(f"{label}: {len(issues)} invalid MOSS rule(s)", issues)
    return rules


def _parse_rule(
    entry: dict[str, Any], where: str, label: str, issues: list[Issue], *, default: bool
) -> tuple[Rule, bool] | None:
    before = len(issues)

    def bad(key: str, message: str) -> None:
        issues.append(Issue("error", label, message, column=f"{where}.{key}", code="moss_rule"))

    _check_keys(entry, bad)
    if entry.get("enabled") is False and "id" in entry and set(entry) <= {"id", "enabled"}:
        placeholder = Rule(str(entry["id"]), "", "", "", "station", 1, "minor", {"kind": "count"})
        return placeholder, False
    _check_fields(entry, bad)
    _check_source(entry, bad, default=default)
    _check_check(entry.get("check"), bad)
    if not isinstance(entry.get("where", {}), dict):
        bad("where", "where must be a table of column = value")
    if len(issues) > before:
        return None
    rule = Rule(
        id=entry["id"],
        title=entry["title"],
        description=entry["description"],
        component=entry["component"],
        applies_to=entry["applies_to"],
        min_level=entry["min_level"],
        severity=entry["severity"],
        check=dict(entry["check"]),
        where=dict(entry.get("where", {})),
        source=entry.get("source", "").strip(),
        confirm_locally=entry.get("confirm_locally", False),
        station_rule=not default,
    )
    return rule, entry.get("enabled", True) is not False


def _check_keys(entry: dict[str, Any], bad: Callable[[str, str], None]) -> None:
    """Name every unknown key of a rule, with the closest known key."""
    for key in sorted(set(entry) - RULE_KEYS):
        close = difflib.get_close_matches(key, sorted(RULE_KEYS), n=1)
        bad(key, f"unknown key {key!r}" + (f"; did you mean {close[0]!r}?" if close else ""))


def _check_fields(entry: dict[str, Any], bad: Callable[[str, str], None]) -> None:
    """Check the texts, the scope, the security level and the severity of a rule."""
    for key in ("id", "title", "description", "component"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            bad(key, f"{key} must be a non-empty string")
    if entry.get("applies_to") not in APPLIES_TO:
        bad("applies_to", f"applies_to must be one of {', '.join(APPLIES_TO)}")
    level = entry.get("min_level")
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 6:  # noqa: PLR2004
        bad("min_level", "min_level must be an integer 1-6 (Security Level System)")
    if entry.get("severity") not in SEVERITIES:
        bad("severity", f"severity must be one of {', '.join(SEVERITIES)}")


def _check_source(entry: dict[str, Any], bad: Callable[[str, str], None], *, default: bool) -> None:
    """Check ``source`` and ``confirm_locally``; a default rule must have one or the other."""
    source = entry.get("source", "")
    if not isinstance(source, str):
        bad("source", 'source must be a string, e.g. "A/57/365, paragraph 32"')
        return
    if not isinstance(entry.get("confirm_locally", False), bool):
        bad("confirm_locally", "confirm_locally must be true or false")
        return
    if not default:
        return
    if source and source_document(source) is None:
        names = ", ".join(SOURCE_DOCUMENTS)
        bad("source", f"source must start with a known document ({names}) and a comma")
    if not source.strip() and entry.get("confirm_locally") is not True:
        bad("source", "a default rule names its source or says confirm_locally = true")


def _check_check(check: object, bad: Callable[[str, str], None]) -> None:
    """Check the ``check`` table of a rule: a known kind and only the keys of that kind."""
    if not isinstance(check, dict) or check.get("kind") not in CHECK_KEYS:
        bad("check.kind", f"check.kind must be one of {', '.join(CHECK_KEYS)}")
        return
    for key in sorted(set(check) - CHECK_KEYS[check["kind"]] - {"kind"}):
        bad(f"check.{key}", f"check kind {check['kind']!r} takes no key {key!r}")
    if check["kind"] == "field" and check.get("test") not in FIELD_TESTS:
        bad("check.test", f"check.test must be one of {', '.join(FIELD_TESTS)}")
    if check["kind"] in ("coverage", "capacity", "evacuation") and not check.get("point_kind"):
        bad("check.point_kind", "check.point_kind is required")
    if check["kind"] == "zone_staffing":
        unknown = set(check.get("require", [])) - set(STAFFING_REQUIRES)
        if unknown:
            bad("check.require", f"check.require takes {', '.join(STAFFING_REQUIRES)}")
    if check["kind"] == "count" and not all(
        isinstance(r, str) or (isinstance(r, list) and all(isinstance(a, str) for a in r))
        for r in check.get("roles", [])
    ):
        bad(
            "check.roles",
            'check.roles lists roles, or lists of alternatives: ["DO", ["CSA", "CSFP"]]',
        )
