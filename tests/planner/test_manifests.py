"""Manifests and hibernation supplies: who goes where, on a synthesized station with people."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from planner.build import PlanRun, build_plan
from stations import load_station
from stations.synth import synthesize_station


def busiest_day(folder: Path) -> dt.date:
    """Return the earliest date with the most visitors present."""
    visitors = pd.read_csv(folder / "visitors.csv", dtype=str)
    stays = [
        (dt.date.fromisoformat(a), dt.date.fromisoformat(d))
        for a, d in zip(visitors["arrival"], visitors["departure"], strict=True)
    ]
    days = {a + dt.timedelta(days=n) for a, d in stays for n in range((d - a).days + 1)}
    return min(days, key=lambda day: (-sum(a <= day <= d for a, d in stays), day))


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> PlanRun:
    folder = tmp_path_factory.mktemp("manifests") / "station"
    synthesize_station(folder, households=120, seed=3, city="Wien", people=True)
    as_of = busiest_day(folder)
    return build_plan(load_station(folder, as_of=as_of), as_of=as_of, until="plan")


def test_assembly_loads_count_the_visitors_of_their_zones(synthesized: PlanRun) -> None:
    planned = synthesized.planned
    zones = planned.zones
    assert len(planned.visitors) >= 2
    assert int(zones["visitors"].sum()) == len(planned.visitors)
    loads = planned.point_loads.set_index("point_id")
    hotel_zones = zones[zones["visitors"] > 0]
    assert len(hotel_zones)
    for zone in hotel_zones.itertuples():
        served = zones[zones["assembly_id"] == zone.assembly_id]
        assert loads.loc[zone.assembly_id, "load"] == served["headcount"].sum()
        people = served["staff"] + served["dependants"] + served["visitors"]
        assert loads.loc[zone.assembly_id, "load"] == people.sum()
