"""Parse and check all of ``station.toml`` in one place, before any planning.

Unknown keys are refused with the closest known key, so a typo never silently
falls back to a default; tables that nothing reads are refused; a value of the
wrong type or out of range is refused naming its key. The tables that later stages
turn into rules (``[areas]``, ``[appointments]``, ``[cascade]``, ``[radio]``,
``[evacuation]``, ``[medical]``) are checked here with the same rules and passed on in
``StationConfig.extra``.
"""

from __future__ import annotations

import difflib
import re
import string
import tomllib
from collections.abc import Callable
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

import phonenumbers

from stations.dates import DATE_ORDERS
from stations.errors import Issue, StationError
from stations.vocabulary import builtin, check_overrides

STATION_FILE = "station.toml"
CONTACT_KEYS = ("security_operations_centre", "police", "ambulance", "fire")


@dataclass(frozen=True)
class Contact:
    """A named emergency contact with a phone number."""

    name: str
    phone: str


@dataclass(frozen=True)
class StationInfo:
    """The ``[station]`` table."""

    name: str
    country: str
    security_level: int
    crs: str | None = None
    contacts: dict[str, Contact] = field(default_factory=dict)


@dataclass(frozen=True)
class FilesConfig:
    """The ``[files]`` table: paths relative to the station folder."""

    staff: str
    offices: str
    points: str
    staff_sheet: str | None = None
    boundary: str | None = None
    osm: str | None = None
    zones: str | None = None
    threats: str | None = None
    dependants: str | None = None
    visitors: str | None = None
    drills: str | None = None  # a folder of call-cascade drill logs (planner drill)


@dataclass(frozen=True)
class ZonesConfig:
    """The ``[zones]`` table: bounds of a warden zone."""

    min_households: int = 15
    max_households: int = 40
    max_warden_distance_m: float = 2000.0
    count: str = "households"  # or "headcount"


@dataclass(frozen=True)
class RosterConfig:
    """The ``[roster]`` table: how old a confirmed record may be."""

    max_age_days: int = 90
    outside_boundary_error_share: float = 0.5
    date_order: str | None = None  # "DMY" or "MDY" when a date column does not settle it


@dataclass(frozen=True)
class BoundaryConfig:
    """The ``[boundary]`` table: the buffer used when no boundary file is given."""

    buffer_m: float = 2000.0


@dataclass(frozen=True)
class MossConfig:
    """The ``[moss]`` table."""

    rules: str | None = None


@dataclass(frozen=True)
class StationConfig:
    """A whole ``station.toml``."""

    station: StationInfo
    files: FilesConfig
    zones: ZonesConfig = field(default_factory=ZonesConfig)
    roster: RosterConfig = field(default_factory=RosterConfig)
    boundary: BoundaryConfig = field(default_factory=BoundaryConfig)
    moss: MossConfig = field(default_factory=MossConfig)
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)


Check = Callable[[Any], str | None]


def _number_above(minimum: float) -> Check:
    def check(value: Any) -> str | None:
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return None if number and value > minimum else f"must be a number > {minimum:g}"

    return check


def _whole(minimum: int) -> Check:
    def check(value: Any) -> str | None:
        whole = isinstance(value, int) and not isinstance(value, bool)
        return None if whole and value >= minimum else f"must be a whole number >= {minimum}"

    return check


def _one_of(*allowed: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in allowed else f"must be one of {', '.join(allowed)}"

    return check


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _names(value: Any) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    return None if ok else 'must be a list of area names, e.g. ["North"]'


def _area_offices(value: Any) -> str | None:
    ok = isinstance(value, dict) and all(
        isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in value.values()
    )
    return None if ok else 'must be a table of area name = ["office_id", ...]'


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty text"


def _per_person_amounts(value: Any) -> str | None:
    ok = isinstance(value, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in value.values()
    )
    return None if ok else "must be a table of item = amount per person per day, e.g. water_l = 4"


def _roles(value: Any) -> str | None:
    roles = builtin()["role"].values
    ok = isinstance(value, list) and all(isinstance(v, str) and v in roles for v in value)
    return None if ok else f"must be a list of roles ({', '.join(roles)})"


CALLSIGN_FIELDS = ("agency", "area", "zone", "role", "n")
CHANNEL_KEYS = ("name", "channel", "frequency", "use")
WEEKDAYS = ("daily", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _format_fields(value: Any, allowed: tuple[str, ...], required: str | None) -> str | None:
    """Return what is wrong with a ``{field}`` format string, or None."""
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty text"
    try:
        used = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
    except ValueError as exc:
        return f"is not a valid format ({exc}); write fields as {{name}}"
    unknown = sorted({f for f in used if f not in allowed})
    if unknown:
        return f"has unknown field(s) {', '.join(unknown)}; use {', '.join(allowed)}"
    if required is not None and required not in used:
        return f"must contain {{{required}}}"
    return None


def _callsign_scheme(value: Any) -> str | None:
    problem = _format_fields(value, CALLSIGN_FIELDS, "n")
    return None if problem is None else problem + ' (e.g. "{zone}{role}{n}")'


def _net_name(value: Any) -> str | None:
    return _format_fields(value, ("area",), None)


def _channels(value: Any) -> str | None:
    if not isinstance(value, list):
        return 'must be a list of tables, e.g. [{ name = "Security", channel = 1, use = "..." }]'
    for number, channel in enumerate(value, start=1):
        where = f"entry {number}"
        if not isinstance(channel, dict):
            return f"{where} must be a table {{ name = ..., channel = ..., use = ... }}"
        unknown = sorted(set(channel) - set(CHANNEL_KEYS))
        if unknown:
            known = ", ".join(CHANNEL_KEYS)
            return f"{where} has unknown key(s) {', '.join(unknown)} (known: {known})"
        name = channel.get("name")
        if not isinstance(name, str) or not name.strip():
            return f"{where} needs a name"
        for key in ("channel", "frequency", "use"):
            item = channel.get(key)
            if item is not None and (
                isinstance(item, bool) or not isinstance(item, str | int | float)
            ):
                return f"{where} {key} must be text or a number"
    return None


def _weekday(value: Any) -> str | None:
    ok = isinstance(value, str) and value.strip().lower() in WEEKDAYS
    return None if ok else f"must be one of {', '.join(WEEKDAYS)}"


def _clock_time(value: Any) -> str | None:
    found = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value) if isinstance(value, str) else None
    return None if found else 'must be a time "HH:MM" (24 h), e.g. "09:30"'


# Tables that later stages turn into rules: key -> check (defaults live with the rules).
RULE_TABLES: dict[str, dict[str, Check]] = {
    "areas": {
        "distance_km": _number_above(0),
        "travel_time_min": _number_above(0),
        "cluster_km": _number_above(0),
        "separated": _names,
        "offices": _area_offices,
        "mode": _one_of("walking", "driving"),
    },
    "appointments": {
        "alternates": _whole(0),
        "exclude_roles": _roles,
        "require_phone": _boolean,
        "prefer_radio": _boolean,
        "prefer_training": _boolean,
        "training_max_age_days": _whole(0),
        "visit_max_age_days": _whole(1),
        "prefer_category": _one_of("any", "international", "national"),
        "keep_existing": _boolean,
    },
    "cascade": {
        "minutes_per_call": _number_above(0),
        "max_calls_per_person": _whole(1),
        "target_minutes": _number_above(0),
    },
    "evacuation": {
        "destination": _text,
        "international": _one_of("evacuate", "relocate", "hibernate"),
        "national": _one_of("evacuate", "relocate", "hibernate"),
        "hibernation_days": _whole(1),
        "staff_vehicle_seats": _whole(1),
        "supplies": _per_person_amounts,
    },
    "radio": {
        "channels": _channels,
        "security_net": _net_name,
        "warden_net": _net_name,
        "callsign_scheme": _callsign_scheme,
        "callsigns_for": _one_of("radio", "all"),
        "check_day": _weekday,
        "check_time": _clock_time,
        "check_gap_min": _whole(0),
    },
    "medical": {
        "nearest_hospitals": _whole(1),
        "trauma_within_min": _number_above(0),
    },
}
# Tables nothing reads, with where their settings belong.
UNREAD_TABLES = {
    "network": "the street network is read from [files] osm and needs no settings",
    "risk": "the risk register reads [files] threats; the matrix needs no settings",
}
TABLES = (
    "station",
    "files",
    "zones",
    "roster",
    "boundary",
    "moss",
    *RULE_TABLES,
    "vocabulary",
)


def load_config(folder: Path) -> StationConfig:
    """Read and validate ``station.toml`` in a station folder.

    Parameters
    ----------
    folder
        The station folder.

    Returns
    -------
    StationConfig
        The parsed configuration with defaults filled in.

    Raises
    ------
    StationError
        If the file is missing, not TOML, or has unknown or invalid keys; the
        error carries one issue per problem.
    """
    path = folder / STATION_FILE
    if not path.is_file():
        msg = f"{path}: no {STATION_FILE} in the station folder; create one (see README)"
        raise StationError(msg, [Issue("error", STATION_FILE, "file not found", code="missing")])
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        issue = Issue("error", STATION_FILE, f"not valid TOML: {exc}", code="format")
        raise StationError.from_issue(issue) from exc
    issues: list[Issue] = []
    config = _parse(raw, issues)
    errors = [i for i in issues if i.severity == "error"]
    if errors or config is None:
        raise StationError(f"{STATION_FILE} has {len(errors)} error(s)", issues)
    return config


def documented_keys() -> dict[str, tuple[str, ...]]:
    """Return every table of ``station.toml`` with its keys (for docs and tests)."""
    keys = {
        "station": ("name", "country", "security_level", "crs"),
        "station.contacts": CONTACT_KEYS,
        "files": tuple(f.name for f in fields(FilesConfig)),
        "zones": tuple(f.name for f in fields(ZonesConfig)),
        "roster": tuple(f.name for f in fields(RosterConfig)),
        "boundary": tuple(f.name for f in fields(BoundaryConfig)),
        "moss": tuple(f.name for f in fields(MossConfig)),
        "vocabulary": tuple(builtin()),
    }
    return keys | {name: tuple(spec) for name, spec in RULE_TABLES.items()}


def _parse(raw: dict[str, Any], issues: list[Issue]) -> StationConfig | None:
    for name in sorted(set(raw) & set(UNREAD_TABLES)):
        _error(
            issues, name, f"[{name}] is not read by the planner ({UNREAD_TABLES[name]}); remove it"
        )
    _reject_unknown(
        {k: v for k, v in raw.items() if k not in UNREAD_TABLES}, set(TABLES), "", issues
    )
    station = _parse_station(raw.get("station"), issues)
    files = _parse_table(FilesConfig, raw.get("files"), "files", issues, required=True)
    zones = _parse_table(ZonesConfig, raw.get("zones", {}), "zones", issues)
    roster = _parse_table(RosterConfig, raw.get("roster", {}), "roster", issues)
    boundary = _parse_table(BoundaryConfig, raw.get("boundary", {}), "boundary", issues)
    moss = _parse_table(MossConfig, raw.get("moss", {}), "moss", issues)
    if zones is not None:
        _check_zones(zones, issues)
    if roster is not None and roster.date_order not in (None, *DATE_ORDERS):
        _error(
            issues,
            "roster.date_order",
            f"roster.date_order must be one of {', '.join(DATE_ORDERS)}, "
            f"found {roster.date_order!r}",
        )
    extra = {name: _check_rules(name, raw.get(name, {}), issues) for name in RULE_TABLES}
    vocabulary, problems = check_overrides(raw.get("vocabulary", {}))
    for key, message in problems:
        _error(issues, key, message)
    if None in (station, files, zones, roster, boundary, moss):
        return None
    return StationConfig(station, files, zones, roster, boundary, moss, extra, vocabulary)  # type: ignore[arg-type]


def check_rule_table(name: str, raw: Any) -> tuple[dict[str, Any], list[Issue]]:
    """Check one of the tables later stages turn into rules.

    Parameters
    ----------
    name
        ``"areas"``, ``"appointments"``, ``"cascade"`` or ``"radio"``.
    raw
        The parsed table.

    Returns
    -------
    tuple
        The valid keys with their values, and one error issue per unknown key (with the
        closest known key) or bad value, naming ``<name>.<key>``.
    """
    issues: list[Issue] = []
    good = _check_rules(name, raw, issues)
    return good, issues


def _check_rules(name: str, raw: Any, issues: list[Issue]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        _error(issues, name, f"[{name}] must be a table")
        return {}
    spec = RULE_TABLES[name]
    _reject_unknown(raw, set(spec), f"{name}.", issues)
    good = {}
    for key in sorted(set(raw) & set(spec)):
        problem = spec[key](raw[key])
        if problem:
            _error(issues, f"{name}.{key}", f"{name}.{key} {problem}, found {raw[key]!r}")
            continue
        good[key] = raw[key]
    return good


def _error(issues: list[Issue], key: str, message: str, code: str = "config") -> None:
    issues.append(Issue("error", STATION_FILE, message, column=key, code=code))


def _reject_unknown(
    table: dict[str, Any], known: set[str], prefix: str, issues: list[Issue]
) -> None:
    for key in sorted(set(table) - known):
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = f"; did you mean {prefix}{close[0]}?" if close else ""
        known_list = ", ".join(sorted(known))
        _error(issues, prefix + key, f"unknown key {prefix}{key}{hint} (known: {known_list})")


def _parse_table(
    cls: type, raw: Any, name: str, issues: list[Issue], *, required: bool = False
) -> Any:
    if raw is None:
        if required:
            _error(issues, name, f"missing table [{name}]", code="missing")
        return None
    if not isinstance(raw, dict):
        _error(issues, name, f"[{name}] must be a table")
        return None
    spec = {f.name: f for f in fields(cls)}
    _reject_unknown(raw, set(spec), f"{name}.", issues)
    values: dict[str, Any] = {}
    ok = True
    for key, fld in spec.items():
        if key not in raw:
            if fld.default is MISSING and fld.default_factory is MISSING:
                _error(issues, f"{name}.{key}", f"missing key {name}.{key}", code="missing")
                ok = False
            continue
        value = raw[key]
        expected = _expected_type(fld.type)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            _error(
                issues,
                f"{name}.{key}",
                f"{name}.{key} must be {expected.__name__}, found {value!r}",
            )
            ok = False
            continue
        values[key] = value
    return cls(**values) if ok else None


def _expected_type(annotation: object) -> type:
    text = str(annotation)
    for name, typ in (("int", int), ("float", float), ("bool", bool)):
        if text.startswith(name):
            return typ
    return str


def _parse_station(raw: Any, issues: list[Issue]) -> StationInfo | None:
    if not isinstance(raw, dict):
        _error(issues, "station", "missing table [station] (name, country, security_level)")
        return None
    known = {"name", "country", "security_level", "crs", "contacts"}
    _reject_unknown(raw, known, "station.", issues)
    ok = True
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        _error(issues, "station.name", "station.name must be a non-empty string")
        ok = False
    country = raw.get("country")
    if not isinstance(country, str) or country.upper() not in phonenumbers.SUPPORTED_REGIONS:
        _error(
            issues,
            "station.country",
            f"station.country must be an ISO 3166 alpha-2 code such as 'FI', found {country!r}",
        )
        ok = False
    level = raw.get("security_level")
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 6:  # noqa: PLR2004
        _error(
            issues,
            "station.security_level",
            f"station.security_level must be an integer 1-6 (Security Level System), "
            f"found {level!r}",
        )
        ok = False
    crs = raw.get("crs")
    if crs is not None and not _valid_projected_crs(crs):
        _error(
            issues,
            "station.crs",
            f"station.crs must be a projected CRS such as 'EPSG:32635', found {crs!r}",
        )
        ok = False
    contacts = _parse_contacts(raw.get("contacts", {}), issues)
    if not ok or contacts is None:
        return None
    # Checked above (ok is False otherwise); the asserts narrow the types for mypy.
    assert isinstance(name, str)
    assert isinstance(country, str)
    assert isinstance(level, int)
    return StationInfo(name.strip(), country.upper(), level, crs, contacts)


def _valid_projected_crs(value: object) -> bool:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if not isinstance(value, str):
        return False
    try:
        return CRS.from_user_input(value).is_projected
    except CRSError:
        return False


def _parse_contacts(raw: Any, issues: list[Issue]) -> dict[str, Contact] | None:
    if not isinstance(raw, dict):
        _error(issues, "station.contacts", "[station.contacts] must be a table")
        return None
    _reject_unknown(raw, set(CONTACT_KEYS), "station.contacts.", issues)
    contacts: dict[str, Contact] = {}
    for key in CONTACT_KEYS:
        entry = raw.get(key)
        where = f"station.contacts.{key}"
        if entry is None:
            issues.append(
                Issue(
                    "warning",
                    STATION_FILE,
                    f"no {where}: the warden lists will have no number to call",
                    column=where,
                    code="missing",
                )
            )
            continue
        if (
            not isinstance(entry, dict)
            or set(entry) != {"name", "phone"}
            or not isinstance(entry.get("name"), str)
            or not isinstance(entry.get("phone"), str)
        ):
            _error(issues, where, f'{where} must be {{ name = "...", phone = "..." }}')
            continue
        contacts[key] = Contact(entry["name"], entry["phone"])
    return contacts


def _check_zones(zones: ZonesConfig, issues: list[Issue]) -> None:
    if zones.min_households < 1:
        _error(issues, "zones.min_households", "zones.min_households must be at least 1")
    if zones.max_households < zones.min_households:
        _error(
            issues,
            "zones.max_households",
            f"zones.max_households ({zones.max_households}) must be at least "
            f"zones.min_households ({zones.min_households})",
        )
    if zones.max_warden_distance_m <= 0:
        _error(issues, "zones.max_warden_distance_m", "zones.max_warden_distance_m must be > 0")
    if zones.count not in ("households", "headcount"):
        _error(
            issues,
            "zones.count",
            f"zones.count must be 'households' or 'headcount', found {zones.count!r}",
        )
