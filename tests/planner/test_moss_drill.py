"""MOSS rule DRL-01: the call cascade was tested within 180 days ([files] drills)."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from planner.moss import check_moss
from planner.moss_rules import load_rules
from planner.summary import last_drill_text
from tests.factories import AS_OF, tiny_plan


def drill_rule_result(station: Path):
    rules = [r for r in load_rules() if r.id == "DRL-01"]
    report = check_moss(tiny_plan(station), rules, as_of=AS_OF)
    return report.results[0]


def with_drills(station: Path) -> Path:
    toml = station / "station.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("[files]\n", '[files]\ndrills = "drills"\n', 1),
        encoding="utf-8",
    )
    (station / "drills").mkdir()
    return station / "drills"


def test_a_station_without_drills_fails_the_rule(tiny_station):
    result = drill_rule_result(tiny_station)
    assert result.applicable
    assert result.failures == (("Tiny", "no [files] drills folder"),)


@pytest.mark.parametrize(("days", "passes"), [(10, True), (180, True), (181, False)])
def test_the_last_drill_logged_decides(tiny_station, days, passes):
    drills = with_drills(tiny_station)
    day = AS_OF - dt.timedelta(days=days)
    (drills / "2026").mkdir()
    (drills / "2026" / "old.csv").write_text(
        "household_id,reached_at,caller_id\nH1,2025-01-01 10:00,S001\n", encoding="utf-8"
    )
    (drills / "last.csv").write_text(
        f"household_id,reached_at,caller_id\nH1,{day} 10:00,S001\nH1,09:00,S001\n",
        encoding="utf-8",
    )
    stamp = time.mktime((day - dt.timedelta(days=1)).timetuple())
    os.utime(drills / "last.csv", (stamp, stamp))  # the bare 09:00 is on the day before
    result = drill_rule_result(tiny_station)
    reason = f"last drill {day}, {days} days before the plan date (limit 180)"
    assert result.failures == (() if passes else (("Tiny", reason),))
    assert result.passed == int(passes)


def test_an_empty_drills_folder_fails_and_says_so(tiny_station):
    with_drills(tiny_station)
    result = drill_rule_result(tiny_station)
    assert result.failures == (("Tiny", "no drill logged ([files] drills)"),)


def test_the_plan_summary_shows_the_last_drill(tiny_station):
    assert last_drill_text(tiny_plan(tiny_station)) == "none logged"
    drills = with_drills(tiny_station)
    (drills / "drill.csv").write_text(
        "staff_id,reached_at\nS001,2026-11-05T10:00\nS002,2026-11-05T10:04\n", encoding="utf-8"
    )
    text = last_drill_text(tiny_plan(tiny_station))
    assert text == "2026-11-05 (10 days before the plan date)"
