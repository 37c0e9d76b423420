"""`planner validate` refuses every station.toml that `planner plan` would: key by key."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from planner.cli import main
from stations.config import documented_keys

# A value of the wrong type (or out of range) for every documented key.
WRONG: dict[str, dict[str, Any]] = {
    "station": {"name": 5, "country": 5, "security_level": "3", "crs": 5},
    "station.contacts": {
        "security_operations_centre": "+358 9 310 1234",
        "police": "112",
        "ambulance": {"name": "Ambulance"},
        "fire": {"name": "Fire", "phone": "112", "fax": "113"},
    },
    "files": {
        "staff": 5,
        "offices": 5,
        "points": ["points.csv"],
        "staff_sheet": 1,
        "boundary": 5,
        "osm": True,
        "zones": 5,
        "threats": 5,
        "dependants": 5,
        "visitors": ["visitors.csv"],
        "drills": 5,
    },
    "zones": {
        "min_households": "2",
        "max_households": 4.5,
        "max_warden_distance_m": "far",
        "count": 5,
    },
    "roster": {"max_age_days": "90", "outside_boundary_error_share": "half", "date_order": "DM"},
    "boundary": {"buffer_m": "2 km"},
    "moss": {"rules": 5},
    "areas": {
        "distance_km": "50",
        "travel_time_min": -1,
        "cluster_km": True,
        "separated": "North",
        "offices": ["SO3"],
        "mode": "flying",
    },
    "appointments": {
        "alternates": "2",
        "exclude_roles": "DO",
        "require_phone": "yes",
        "prefer_radio": 1,
        "prefer_training": "no",
        "training_max_age_days": 1.5,
        "visit_max_age_days": 0,
        "prefer_category": "expat",
        "keep_existing": "y",
    },
    "cascade": {"minutes_per_call": "3", "max_calls_per_person": 2.5, "target_minutes": 0},
    "evacuation": {
        "destination": " ",
        "international": "evacuated",
        "national": "stay",
        "hibernation_days": 0,
        "staff_vehicle_seats": "4",
        "supplies": {"water_l": -1},
    },
    "radio": {
        "channels": [{"name": "Security", "colour": "red"}],
        "security_net": "",
        "warden_net": "Net {zone}",
        "callsign_scheme": "{zone}{role}",
        "callsigns_for": "some",
        "check_day": "someday",
        "check_time": "25:00",
        "check_gap_min": -5,
    },
    "medical": {"nearest_hospitals": 0, "trauma_within_min": "1 h"},
    "vocabulary": {
        "role": "staff",
        "category": {"Intl": "expat"},
        "grade": {"Senior": "P-9"},
        "office_kind": 1,
        "point_kind": {"Rally point": "rally"},
        "boolean": {"Maybe": "perhaps"},
        "presence": {"TDY": "gone"},
        "relation": {"Cousin": "cousin"},
        "age_band": {"Toddler": 2},
    },
}
CASES = [(table, key) for table, keys in WRONG.items() for key in keys]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    return repr(value)


def _write(folder: Path, config: dict[str, Any]) -> None:
    lines = []
    for table, body in config.items():
        lines.append(f"[{table}]")
        lines += [f"{json.dumps(k)} = {_toml(v)}" for k, v in body.items()]
    (folder / "station.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _config(tiny_station: Path) -> dict[str, Any]:
    return tomllib.loads((tiny_station / "station.toml").read_text(encoding="utf-8"))


def _table(config: dict[str, Any], table: str) -> dict[str, Any]:
    if table == "station.contacts":
        return config["station"].setdefault("contacts", {})
    return config.setdefault(table, {})


def _validate(folder: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", str(folder)])
    return result.exit_code, result.stdout + result.stderr


def test_every_documented_key_is_tested() -> None:
    assert {t: set(keys) for t, keys in documented_keys().items()} == {
        t: set(keys) for t, keys in WRONG.items()
    }


def test_tiny_station_toml_round_trips(tiny_station: Path) -> None:
    _write(tiny_station, _config(tiny_station))
    assert _validate(tiny_station)[0] == 0


@pytest.mark.parametrize(("table", "key"), CASES)
def test_a_typo_in_any_key_exits_1_naming_it(tiny_station: Path, table: str, key: str) -> None:
    config = _config(tiny_station)
    body = _table(config, table)
    good = json.loads(json.dumps(body.pop(key, None))) or _a_good_value(table, key)
    body[key[:-1] + "x" + key[-1]] = good
    _write(tiny_station, config)
    code, output = _validate(tiny_station)
    assert code == 1, output
    assert f"did you mean {table}.{key}?" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(("table", "key"), CASES)
def test_a_wrong_value_of_any_key_exits_1_naming_it(
    tiny_station: Path, table: str, key: str
) -> None:
    config = _config(tiny_station)
    _table(config, table)[key] = WRONG[table][key]
    _write(tiny_station, config)
    code, output = _validate(tiny_station)
    assert code == 1, output
    assert f"column '{table}.{key}" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("table", ["network", "risk", "netwrok"])
def test_tables_nothing_reads_are_refused(tiny_station: Path, table: str) -> None:
    config = _config(tiny_station) | {table: {"anything": 1}}
    _write(tiny_station, config)
    code, output = _validate(tiny_station)
    assert code == 1
    assert f"column '{table}'" in output


def _a_good_value(table: str, key: str) -> Any:
    if table == "station.contacts":
        return {"name": "Police", "phone": "112"}
    if table == "vocabulary":
        return {}
    return 1
