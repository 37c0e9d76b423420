"""MOSS checks on crafted stations: each check kind, levels, rating, rule files, reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from outputs.moss_report import write_moss_html, write_moss_json
from planner.moss import check_moss
from planner.moss_rules import load_rules
from stations import StationError

sys.path.insert(0, str(Path(__file__).parents[1]))
from factories import tiny_plan

AS_OF = dt.date(2026, 11, 15)


def result(report, rule_id):
    (found,) = [r for r in report.results if r.rule.id == rule_id]
    return found


def with_station(plan, **changes):
    """Return the plan with station-level config changes (security_level, zones limits)."""
    config = plan.station.config
    if "security_level" in changes:
        info = dataclasses.replace(config.station, security_level=changes["security_level"])
        config = dataclasses.replace(config, station=info)
    if "max_warden_distance_m" in changes:
        zones = dataclasses.replace(
            config.zones, max_warden_distance_m=changes["max_warden_distance_m"]
        )
        config = dataclasses.replace(config, zones=zones)
    station = dataclasses.replace(plan.station, config=config, **changes.get("frames", {}))
    return dataclasses.replace(plan, station=station)


@pytest.fixture
def plan(tiny_station):
    return tiny_plan(tiny_station)


def test_default_rules_on_the_tiny_plan(plan) -> None:
    report = check_moss(plan, load_rules(), as_of=AS_OF)
    assert result(report, "WRD-01").passed == 2
    assert result(report, "WRD-02").failures == (("Z02", "no deputy"),)
    assert result(report, "COM-01").failures == (("S003", "has_radio not true"),)
    assert not result(report, "COM-02").applicable  # level 5 rule at level 3
    assert result(report, "COM-05").failures == (("O2", "missing: satphone"),)
    assert result(report, "ROS-02").passed == 1
    assert report.distance_method == "straight-line"
    assert 0 < report.percentage < 100


def test_field_check_recent_and_households(plan) -> None:
    staff = plan.staff.copy()
    staff["has_radio"] = True
    staff["bsafe_date"] = dt.date(2020, 1, 1)  # older than 3 years
    report = check_moss(dataclasses.replace(plan, staff=staff), load_rules(), as_of=AS_OF)
    assert result(report, "COM-01").failed == 0
    assert result(report, "TRN-01").passed == 0
    assert "older than 1095 days" in result(report, "TRN-01").failures[0][1]
    assert result(report, "COM-07").failed == 0  # every household now has a radio


def test_coverage_uses_repeater_range(plan) -> None:
    points = plan.station.points.copy()
    points.loc[points["kind"] == "repeater", "range_m"] = 100.0
    report = check_moss(with_station(plan, frames={"points": points}), load_rules(), as_of=AS_OF)
    covered = result(report, "COM-03")
    assert covered.passed == 0
    assert "outside every repeater's range" in covered.failures[0][1]


def test_capacity_against_zone_headcount(plan) -> None:
    points = plan.station.points.copy()
    points.loc[points["kind"] == "assembly", "capacity"] = 5
    report = check_moss(with_station(plan, frames={"points": points}), load_rules(), as_of=AS_OF)
    capacity = result(report, "ASM-02")
    # Z01 has 9 people, Z02 has 3: both go to the only assembly point, 12 for 5 places.
    over = (
        "assembly point P1 (Esplanadi park) takes 12 people, capacity 5: 7 over; add an "
        "assembly site near its zones (see the suggested sites) or raise its capacity"
    )
    assert capacity.failures == (("Z01", over), ("Z02", over))


def test_warden_reach_limit(plan) -> None:
    report = check_moss(with_station(plan, max_warden_distance_m=100.0), load_rules(), as_of=AS_OF)
    reach = result(report, "WRD-04")
    assert reach.failed >= 1
    assert "from the warden (limit 100 m)" in reach.failures[0][1]


def test_evacuation_needs_a_reachable_concentration_point(plan) -> None:
    class Islands:
        method = "network"

        def distance_matrix(self, origins, destinations, *, mode="walking"):
            del mode
            return np.full((len(origins), len(destinations)), np.inf)

    report = check_moss(plan, load_rules(), as_of=AS_OF, travel=Islands())
    evacuation = result(report, "ASM-03")
    assert evacuation.passed == 0
    assert evacuation.failures[0][1] == "no route to any concentration point"
    assert report.distance_method == "network"
    points = plan.station.points
    no_point = with_station(plan, frames={"points": points[points["kind"] != "concentration"]})
    report = check_moss(no_point, load_rules(), as_of=AS_OF)
    assert result(report, "ASM-04").failures[0][1].startswith("0 concentration point(s)")


def test_levels_gate_rules(plan) -> None:
    low = check_moss(with_station(plan, security_level=1), load_rules(), as_of=AS_OF)
    high = check_moss(with_station(plan, security_level=6), load_rules(), as_of=AS_OF)
    assert not result(low, "COM-01").applicable
    assert result(high, "PRM-03").applicable
    assert result(high, "COM-02").failed == 2  # S003 and S006 have no radio
    assert sum(r.applicable for r in high.results) > sum(r.applicable for r in low.results)


def test_rating_bands_and_critical_cap(plan) -> None:
    staff = plan.staff.copy()
    report = check_moss(plan, load_rules(), as_of=AS_OF)
    assert report.rating in {"Largely compliant", "Partially compliant", "Non-compliant"}
    only_passing = [r for r in load_rules() if r.id in {"WRD-01", "ASM-04", "ROS-02"}]
    perfect = check_moss(dataclasses.replace(plan, staff=staff), only_passing, as_of=AS_OF)
    assert (perfect.percentage, perfect.rating) == (100.0, "Compliant")


def test_station_rules_override_and_errors(tmp_path: Path) -> None:
    custom = tmp_path / "moss.toml"
    custom.write_text(
        '[[rule]]\nid = "TRN-02"\nenabled = false\n\n'
        '[[rule]]\nid = "LOC-01"\ntitle = "Offices have a safe room"\n'
        'description = "Country MOSS 2026 item 14"\ncomponent = "premises"\n'
        'applies_to = "office"\nmin_level = 1\nseverity = "major"\n'
        'check = { kind = "equipment", items = ["safe_room"] }\n'
    )
    ids = [r.id for r in load_rules(custom)]
    assert "TRN-02" not in ids
    assert ids[-1] == "LOC-01"
    assert len(ids) == len(load_rules())
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[rule]]\nid = "X"\ntitle = "t"\ndescription = "d"\ncomponent = "c"\n'
        'applies_to = "zone"\nmin_level = 9\nseverity = "urgent"\ncheck = { kind = "magic" }\n'
    )
    with pytest.raises(StationError) as caught:
        load_rules(broken)
    columns = {i.column for i in caught.value.issues}
    assert columns == {"rule[1].min_level", "rule[1].severity", "rule[1].check.kind"}
    assert all(i.file == "broken.toml" for i in caught.value.issues)


def test_reports_escape_and_serialise(plan, tmp_path: Path) -> None:
    offices = plan.station.offices.copy()
    offices.loc[offices["office_id"] == "O2", "office_id"] = "<img src=x onerror=alert(1)>"
    hostile = with_station(plan, frames={"offices": offices})
    report = check_moss(hostile, load_rules(), as_of=AS_OF).to_dict()
    html = write_moss_html(report, tmp_path / "moss.html", map_href="map.html").read_text()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "href='map.html#zone=Z01'" in html
    assert "http://" not in html
    assert "https://" not in html
    data = json.loads(write_moss_json(report, tmp_path / "moss.json").read_text())
    assert {r["id"] for r in data["rules"]} == {r.id for r in load_rules()}
    rule = next(r for r in data["rules"] if r["id"] == "COM-01")
    assert rule | {"failures": None, "description": None} == rule | {
        "failures": None,
        "description": None,
        "applicable": True,
        "checked": 4,
        "passed": 3,
        "failed": 1,
        "percentage": 75.0,
    }


def test_report_says_how_distances_were_measured_in_words(plan, tmp_path: Path) -> None:
    class Streets:
        method = "network"

        def distance_matrix(self, origins, destinations, *, mode="walking"):
            del mode
            return np.zeros((len(origins), len(destinations)))

    report = check_moss(plan, load_rules(), as_of=AS_OF, travel=Streets()).to_dict()
    html = write_moss_html(report, tmp_path / "moss.html").read_text()
    assert "distances measured on the street network." in html
    assert "measured network" not in html
