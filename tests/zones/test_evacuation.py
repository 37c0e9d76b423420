"""Points that add up: capacitated assembly, concentration, hibernation, alternates, departures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from planner.build import build_plan
from stations import load_station
from stations.synth import synthesize_station
from zones._assign import assign_capacitated
from zones.evacuation import _nearest_first, evacuate_planned, movement_for
from zones.network import StraightLineTravel

sys.path.insert(0, str(Path(__file__).parents[1]))
from factories import tiny_plan

AS_OF = dt.date(2026, 11, 15)
SAMPLE = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"


@pytest.fixture(scope="module")
def helsinki():
    return build_plan(SAMPLE, as_of=AS_OF, until="moss")


@pytest.fixture(scope="module")
def crowded(tmp_path_factory):
    """A synthesized station whose assembly points hold far fewer people than it has."""
    folder = synthesize_station(
        tmp_path_factory.mktemp("crowded"), households=160, seed=11, city="Wien"
    ).parent
    points = pd.read_csv(folder / "points.csv")
    points.loc[points["kind"] == "assembly", "capacity"] = 40
    points.to_csv(folder / "points.csv", index=False)
    return build_plan(folder, as_of=AS_OF, until="moss")


def _capacity_failures(run) -> list[tuple[str, str]]:
    (rule,) = [
        r for r in run.moss_report().results if r.rule.id == "ASM-02" and r.rule.kind == "capacity"
    ]
    return list(rule.failures)


def _check_points_add_up(run) -> None:
    planned = run.planned
    zones, loads = planned.zones, planned.point_loads
    headcount = zones.set_index("zone_id")["headcount"]
    for column, kind in (("assembly_id", "assembly"), ("concentration_id", "concentration")):
        summed = zones.groupby(column)["headcount"].sum()
        of_kind = loads[loads["kind"] == kind].set_index("point_id")
        assert of_kind["load"].to_dict() == {p: int(summed.get(p, 0)) for p in of_kind.index}
        for point_id, row in of_kind.iterrows():
            assert set(filter(None, row["zones"].split(";"))) == set(
                zones.loc[zones[column] == point_id, "zone_id"]
            )
    assert zones["assembly_id"].notna().all()
    assert int(loads.loc[loads["kind"] == "assembly", "load"].sum()) == int(headcount.sum())
    failures = _capacity_failures(run)
    for row in loads[loads["over"]].itertuples():
        named = [
            (zone, reason)
            for zone, reason in failures
            if f"point {row.point_id} (" in reason
            and f"takes {row.load:,} people, capacity {row.capacity:,.0f}" in reason
        ]
        assert named, f"{row.point_id} is over capacity without a failing finding naming it"
    assembly = set(loads.loc[loads["kind"] == "assembly", "point_id"])
    if len(assembly) > 1:
        assert zones["assembly_alt_id"].isin(assembly).all()
        assert (zones["assembly_alt_id"] != zones["assembly_id"]).all()


def test_helsinki_points_add_up(helsinki) -> None:
    _check_points_add_up(helsinki)
    loads = helsinki.planned.point_loads.set_index("point_id")
    # Nearest-only, six zones sent 237 people to AP04, which holds 200.
    assert loads.loc["AP04", "load"] <= loads.loc["AP04", "capacity"]
    assert not loads["over"].any()
    assert _capacity_failures(helsinki) == []


def test_helsinki_departures(helsinki) -> None:
    departures = helsinki.planned.departures
    evacuate = departures[departures["movement"] == "evacuate"]
    columns = ["concentration_id", "departure_id", "departure_kind"]
    assert evacuate[columns].to_numpy().tolist() == [["CP01", "AIR", "airport"]]
    # National staff are relocated to Helsinki's relocation site, inland at Hämeenlinna.
    relocate = departures[departures["movement"] == "relocate"]
    assert relocate[columns].to_numpy().tolist() == [["CP01", "REL01", "relocation_site"]]
    flags = helsinki.planned.flags
    assert not (flags["code"] == "no_departure_point").any()


def test_too_little_assembly_capacity_fails_moss_naming_points(crowded) -> None:
    loads = crowded.planned.point_loads
    assembly = loads[loads["kind"] == "assembly"]
    assert assembly["load"].sum() > assembly["capacity"].sum()  # the station is short
    assert assembly["over"].any()
    _check_points_add_up(crowded)
    flagged = crowded.planned.flags[crowded.planned.flags["code"] == "over_capacity"]
    assert len(flagged) == int(loads["over"].sum())


def test_the_assignment_is_deterministic(tiny_station) -> None:
    plan = tiny_plan(tiny_station)
    first = evacuate_planned(plan, StraightLineTravel())
    second = evacuate_planned(plan, StraightLineTravel())
    pd.testing.assert_frame_equal(first.point_loads, second.point_loads)
    pd.testing.assert_frame_equal(first.departures, second.departures)
    pd.testing.assert_frame_equal(
        pd.DataFrame(first.zones.drop(columns="geometry")),
        pd.DataFrame(second.zones.drop(columns="geometry")),
    )


def _with_points(plan, extra: list[dict], evacuation: dict | None = None):
    station = plan.station
    points = station.points
    template = points.iloc[[0]]
    rows = [
        template.assign(
            point_id=p["point_id"],
            kind=p["kind"],
            name=p["name"],
            capacity=p.get("capacity", np.nan),
            geometry=[shapely.Point(p["xy"])],
        )
        for p in extra
    ]
    frame = pd.concat([points, *rows], ignore_index=True)
    config = station.config
    if evacuation is not None:
        config = dataclasses.replace(config, extra={**config.extra, "evacuation": evacuation})
    station = dataclasses.replace(station, points=frame, config=config)
    return dataclasses.replace(plan, station=station)


def test_alternate_is_distinct_and_capacity_aware(tiny_station) -> None:
    plan = tiny_plan(tiny_station)
    p1 = plan.station.points.set_index("point_id").geometry.loc["P1"]
    plan = _with_points(
        plan,
        [
            {"point_id": "P8", "kind": "assembly", "name": "Tiny", "capacity": 1,
             "xy": (p1.x + 50, p1.y)},
            {"point_id": "P9", "kind": "assembly", "name": "Roomy", "capacity": 500,
             "xy": (p1.x + 900, p1.y + 900)},
        ],
    )  # fmt: skip
    zones = evacuate_planned(plan, StraightLineTravel()).zones.set_index("zone_id")
    # P8 is next to P1 but holds one person: no zone has it as the alternate.
    assert (zones["assembly_alt_id"] != zones["assembly_id"]).all()
    assert set(zones["assembly_alt_id"]) <= {"P1", "P9"}


def test_hibernation_sites_take_the_hibernating_households(tiny_station) -> None:
    plan = tiny_plan(tiny_station)
    p2 = plan.station.points.set_index("point_id").geometry.loc["P2"]
    plan = _with_points(
        plan,
        [
            {"point_id": "H1", "kind": "hibernation", "name": "Shelter", "capacity": 3,
             "xy": (p2.x, p2.y)},
            {"point_id": "H2", "kind": "hibernation", "name": "Bunker", "capacity": 50,
             "xy": (p2.x + 3000, p2.y)},
            {"point_id": "R1", "kind": "relocation_site", "name": "Lahti",
             "xy": (p2.x + 90000, p2.y + 50000)},
        ],
        evacuation={"national": "hibernate"},
    )  # fmt: skip
    evacuated = evacuate_planned(plan, StraightLineTravel())
    households = evacuated.households.set_index("household_id")
    staff = plan.staff
    national = set(staff.loc[staff["category"] == "national", "household_id"])
    assert set(households.index[households["hibernation_id"].notna()]) == national
    loads = evacuated.point_loads.set_index("point_id")
    placed = households.dropna(subset=["hibernation_id"])
    assert loads.loc[["H1", "H2"], "load"].sum() == placed["headcount"].sum()
    assert (loads.loc[["H1", "H2"], "load"] <= loads.loc[["H1", "H2"], "capacity"]).all()
    # National staff hibernate, international staff are evacuated: no relocation departure.
    assert set(evacuated.departures["movement"]) == {"evacuate"}


def test_relocation_leaves_from_a_relocation_site(tiny_station) -> None:
    plan = tiny_plan(tiny_station)
    p2 = plan.station.points.set_index("point_id").geometry.loc["P2"]
    plan = _with_points(
        plan,
        [
            {"point_id": "R1", "kind": "relocation_site", "name": "Lahti",
             "xy": (p2.x + 90000, p2.y + 50000)},
            {"point_id": "S1", "kind": "safe_haven", "name": "Haven", "xy": (p2.x + 10, p2.y)},
            {"point_id": "B1", "kind": "border_crossing", "name": "Vaalimaa",
             "xy": (p2.x + 150000, p2.y)},
        ],
    )  # fmt: skip
    departures = evacuate_planned(plan, StraightLineTravel()).departures
    rows = departures.set_index("movement")
    assert rows.loc["relocate", "departure_id"] == "R1"
    assert rows.loc["relocate", "departure_kind"] == "relocation_site"
    assert rows.loc["evacuate", "departure_id"] == "B1"
    assert rows.loc["evacuate", "departure_kind"] == "border_crossing"


@pytest.mark.parametrize(
    ("category", "table", "expected"),
    [
        ("international", {}, "evacuate"),
        ("national", {}, "relocate"),
        ("national", {"national": "hibernate"}, "hibernate"),
        ("international", {"international": "relocate"}, "relocate"),
        (None, {}, "evacuate"),
    ],
)
def test_movement_for(category, table, expected) -> None:
    assert movement_for(category, table) == expected


@pytest.mark.parametrize("max_solver_pairs", [10**6, 0], ids=["milp", "greedy"])
def test_solver_loads_equal_summed_demand(max_solver_pairs) -> None:
    rng = np.random.default_rng(3)
    cost = rng.uniform(60, 1800, (40, 5))
    cost[0] = np.inf  # no route at all
    cost[1, :4] = np.inf
    demand = rng.integers(1, 12, 40).astype(float)
    capacity = np.array([60, 60, 60, 60, np.inf])
    result = assign_capacitated(cost, demand, capacity, max_solver_pairs=max_solver_pairs)
    assert result.target[0] == -1
    assert result.target[1] == 4
    placed = result.target >= 0
    assert np.allclose(
        result.load, np.bincount(result.target[placed], weights=demand[placed], minlength=5)
    )
    assert not result.over(capacity).any()


def test_solver_overflow_is_smallest() -> None:
    cost = np.array([[1.0, 5.0], [1.0, 5.0], [1.0, 5.0]])
    demand = np.array([3.0, 3.0, 3.0])
    capacity = np.array([4.0, 4.0])
    result = assign_capacitated(cost, demand, capacity)
    # 9 people, 8 places: one point takes two households (6, 2 over), the other one.
    assert sorted(result.load.tolist()) == [3.0, 6.0]
    assert result.over(capacity).sum() == 1


def test_unknown_capacity_is_noted(tiny_station) -> None:
    station = load_station(tiny_station, as_of=AS_OF)
    points = station.points.copy()
    points.loc[points["point_id"] == "P1", "capacity"] = np.nan
    plan = dataclasses.replace(
        tiny_plan(tiny_station), station=dataclasses.replace(station, points=points)
    )
    evacuated = evacuate_planned(plan, StraightLineTravel())
    assert any("count as unlimited" in note and "P1" in note for note in evacuated.notes)


@given(
    arrays(
        float,
        st.tuples(st.integers(1, 20), st.integers(1, 15)),
        elements=st.sampled_from([0.0, 1.0, 2.0, 3.5, np.inf, np.nan]),
    ),
    st.integers(1, 8),
)
def test_nearest_first_is_what_a_stable_sort_starts_with(cost, count) -> None:
    """The alternates' candidates: ties, unreachable (inf) and unknown (NaN) costs included."""
    expected = np.argsort(cost, axis=1, kind="stable")[:, :count]
    assert np.array_equal(_nearest_first(cost, count), expected)
