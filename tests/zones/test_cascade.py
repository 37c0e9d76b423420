"""Call cascade: hand-checked times, call limits, relays, backups, rules and the tiny plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from stations.errors import StationError
from tests.factories import tiny_plan
from zones.cascade import CascadeRules, cascade_zone, plan_cascade


def households(n: int) -> list[tuple[str, str]]:
    return [(f"H{i:02d}", f"S{i:02d}") for i in range(1, n + 1)]


def run(n: int, limit: int = 10, deputies: tuple[str, ...] = ("D",)):
    rules = CascadeRules(minutes_per_call=3, max_calls_per_person=limit)
    return cascade_zone("Z", "W", households(n), rules, helpers=deputies, backup_id="D")


def calls_of(result) -> dict[str, int]:
    return {c["staff_id"]: c["calls"] for c in result.callers}


@pytest.mark.parametrize(
    ("n", "limit", "minutes", "reported"),
    [
        # W calls D (ends 3). One household: D (free 3, no call yet) calls it, ends 6.
        # Reports: D at 6 + 3 = 9; W waits for D: 9 + 3 = 12.
        (1, 10, 6, 12),
        # D calls H01 (3-6), W calls H02 (3-6): everyone at 6; reports as above.
        (2, 10, 6, 12),
        # W: D at 3 then 4 households at 6, 9, 12, 15; D: 5 households at 6..18 -> 18.
        # Reports: D 18 + 3 = 21, W max(15, 21) + 3 = 24.
        (9, 10, 18, 24),
        # No limit in the way: W 1 + 10, D 10 -> 3 + 10 * 3 = 33.
        (20, 100, 33, 39),
        # Limit 10: W and D reach at most 9 + 10 = 19 < 20 -> 1 relay (H01), called by D
        # at 6. Slots then: W 6, 9, ...; D 9, 12, ...; relay 9, 12, ...: the 19 others fill
        # 6 (W) and 3 per slot from 9 to 24 (18) -> 24 min.
        (20, 10, 24, 33),
        # Limit 3, 9 households: ceil((1 + 9) / 3) - 1 - 1 = 2 relays, called at 6 by D
        # and W. The 7 others: four at 9 (relays, D, W), three at 12 -> 12 min.
        (9, 3, 12, 21),
    ],
)
def test_zone_times_worked_out_by_hand(n, limit, minutes, reported):
    result = run(n, limit)
    assert result.minutes == minutes
    assert result.reported_minutes == reported
    assert all(c["calls"] <= limit for c in result.callers)
    reached = [c["household_id"] for c in result.calls if c["household_id"]]
    assert sorted(reached) == [h for h, _ in households(n)]


def test_warden_and_deputy_split_the_list_evenly():
    # 9 households: the deputy takes 5, the warden 4 plus the call to the deputy.
    assert calls_of(run(9)) == {"W": 5, "D": 5}
    first = run(9).calls[0]
    assert (first["caller_id"], first["callee_id"], first["minute"]) == ("W", "D", 3)


def test_warden_alone_calls_everyone_in_turn():
    # No deputy: 9 households one after another: 9 * 3 = 27; report at 30.
    result = run(9, deputies=())
    assert result.minutes == 27
    assert result.reported_minutes == 30
    assert calls_of(result) == {"W": 9}


def test_relays_report_to_their_caller_and_have_a_backup():
    result = run(20, 10)
    relay = next(c for c in result.callers if c["role"] == "relay")
    assert relay["staff_id"] == "S01"
    assert relay["reports_to"] == "D"
    assert relay["backup_id"] == "D"
    deputy = next(c for c in result.callers if c["role"] == "deputy")
    assert deputy["backup_id"] == "W"  # the root's backup is the deputy itself
    assert result.relays == 1


def test_a_limit_of_one_makes_a_chain():
    # Everyone calls one person: W -> D -> H01 -> ... -> H05: 6 calls of 3 min = 18.
    result = run(5, 1)
    assert result.minutes == 18
    assert set(calls_of(result).values()) == {1}


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"minutes_per_cal": 3}, "cascade.minutes_per_cal"),
        ({"minutes_per_call": 0}, "cascade.minutes_per_call"),
        ({"max_calls_per_person": 2.5}, "cascade.max_calls_per_person"),
        ({"target_minutes": "30"}, "cascade.target_minutes"),
        ({"max_calls_per_person": True}, "cascade.max_calls_per_person"),
    ],
    ids=["typo", "zero", "fraction", "text", "bool"],
)
def test_rules_refuse_bad_keys(table, key):
    with pytest.raises(StationError) as caught:
        CascadeRules.from_table(table)
    assert [i.column for i in caught.value.issues] == [key]


def test_rules_suggest_the_closest_key_and_keep_defaults():
    with pytest.raises(StationError) as caught:
        CascadeRules.from_table({"minutes_per_cal": 3})
    assert "did you mean cascade.minutes_per_call" in caught.value.issues[0].message
    rules = CascadeRules.from_table({"minutes_per_call": 2})
    assert rules == CascadeRules(minutes_per_call=2.0, max_calls_per_person=10, target_minutes=30)


def test_tiny_plan_cascade(tiny_station: Path):
    plan = tiny_plan(tiny_station)
    cascade = plan_cascade(plan, CascadeRules())
    # The CSA (S005) starts. Zone times: Z01 W->D 3, D->H-S004 6; Z02 W->H-S005 3.
    # Longest zone first: Z01's warden at 3, Z02's at 6 -> both done at 9.
    zones = cascade.zones.set_index("zone_id")
    assert zones.loc["Z01", "zone_minutes"] == 6
    assert zones.loc["Z02", "zone_minutes"] == 3
    assert zones.loc["Z01", "reached_minute"] == 3
    assert zones.loc["Z02", "reached_minute"] == 6
    assert cascade.station_minutes == 9
    top = cascade.callers[cascade.callers["role"] == "adviser"].iloc[0]
    assert (top["staff_id"], top["backup_id"]) == ("S005", "S004")
    # Z02 has no deputy and no alternate: its warden has no backup.
    assert "cascade_no_backup" in set(cascade.flags.loc[cascade.flags["zone_id"] == "Z02", "code"])
    # Every household outside the callers' own is called exactly once.
    called = cascade.calls["household_id"].dropna()
    assert sorted(called) == ["H-S004", "H-S005"]


def test_zone_over_target_is_flagged_with_the_fix(tiny_station: Path):
    plan = tiny_plan(tiny_station)
    # 1 min target: Z01 (6 min) is over; fix: a second deputy or a split.
    cascade = plan_cascade(plan, CascadeRules(target_minutes=1))
    z01 = cascade.zones.set_index("zone_id").loc["Z01"]
    assert bool(z01["over_target"])
    assert "second deputy" in z01["fix"]
    assert "split the zone" in z01["fix"]
    codes = set(cascade.flags["code"])
    assert {"cascade_over_target", "station_cascade_over_target"} <= codes


def test_adviser_over_the_limit_is_flagged(tiny_station: Path):
    plan = tiny_plan(tiny_station)
    cascade = plan_cascade(plan, CascadeRules(max_calls_per_person=1))
    assert "cascade_caller_over_limit" in set(cascade.flags["code"])
