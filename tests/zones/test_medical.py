"""Nearest hospitals by driving time, trauma care and their flags (zones.medical)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.build import PlanRun, build_plan
from stations import StationError, load_station
from tests.conftest import TINY
from tests.factories import SAMPLE
from zones.medical import (
    FAR_FROM_TRAUMA,
    NO_HOSPITAL,
    NO_TRAUMA_DATA,
    medical_origins,
    nearest_hospitals,
)
from zones.network import NetworkTravel, StraightLineTravel

AS_OF = dt.date(2026, 11, 15)
# The sample's hospitals: HOS01 in the north, HOS02 in the south; only HOS01 takes trauma.
TRAUMA = {"HOS01": "Ja", "HOS02": "no"}


def helsinki(folder: Path, medical: str = "") -> Path:
    """Copy the Helsinki sample with a trauma column (and a ``[medical]`` table)."""
    shutil.copytree(SAMPLE, folder)
    points = pd.read_csv(folder / "points.csv", dtype=str, keep_default_na=False)
    points["trauma"] = points["point_id"].map(TRAUMA).fillna("")
    points.to_csv(folder / "points.csv", index=False)
    if medical:
        with (folder / "station.toml").open("a", encoding="utf-8") as toml:
            toml.write(f"\n[medical]\n{medical}\n")
    return folder


@pytest.fixture(scope="module")
def one_nearest(tmp_path_factory: pytest.TempPathFactory) -> PlanRun:
    """The sample planned with one nearest hospital listed and a 3-minute trauma limit."""
    folder = helsinki(
        tmp_path_factory.mktemp("medical") / "hel",
        "nearest_hospitals = 1\ntrauma_within_min = 3",
    )
    return build_plan(folder, as_of=AS_OF, until="plan")


def test_ranking_is_the_driving_time_of_the_street_network(one_nearest: PlanRun):
    planned, travel = one_nearest.planned, one_nearest.zoning.travel
    assert isinstance(travel, NetworkTravel)
    medical = planned.medical
    hospitals = planned.station.accepted_points
    hospitals = hospitals[hospitals["kind"] == "hospital"].sort_values("point_id")
    offices = planned.station.accepted_offices
    office_xy = np.column_stack([offices.geometry.x, offices.geometry.y])
    hospital_xy = np.column_stack([hospitals.geometry.x, hospitals.geometry.y])
    seconds = travel.time_matrix(office_xy, hospital_xy, mode="driving")
    for office_id, times in zip(offices["office_id"], seconds, strict=True):
        rows = medical[(medical["origin_kind"] == "office") & (medical["origin_id"] == office_id)]
        if not np.isfinite(times).any():  # unreachable hospitals are never "nearest"
            assert rows["hospital_id"].isna().all()
            assert len(rows) == 1
            continue
        first = rows[rows["rank"] == 1].iloc[0]
        best = int(np.nanargmin(np.where(np.isfinite(times), times, np.nan)))
        assert first["hospital_id"] == hospitals["point_id"].iloc[best]
        assert first["time_s"] == pytest.approx(times[best], abs=0.1)
        assert first["method"] == "network"
    # Every zone and every office is listed, zones by their centre household.
    origins = set(zip(medical["origin_kind"], medical["origin_id"], strict=True))
    assert origins == {("zone", z) for z in planned.zones["zone_id"]} | {
        ("office", o) for o in offices["office_id"]
    }


def test_the_nearest_trauma_care_is_kept_beyond_the_nearest(one_nearest: PlanRun):
    medical = one_nearest.planned.medical
    reached = medical[medical["hospital_id"].notna()]
    # One hospital listed per origin; HOS02 (no trauma) nearest adds HOS01 with rank 2.
    for _, rows in reached.groupby(["origin_kind", "origin_id"]):
        trauma = rows[rows["nearest_trauma"]]
        assert list(trauma["hospital_id"]) == ["HOS01"]
        if rows["rank"].min() == 1 and rows.iloc[0]["hospital_id"] == "HOS02":
            assert list(rows["rank"]) == [1, 2]
            assert rows.iloc[1]["time_s"] >= rows.iloc[0]["time_s"]
        else:
            assert list(rows["rank"]) == [1]
    assert (reached["hospital_id"] == "HOS02").any()  # the case above happens
    assert set(medical.loc[medical["hospital_id"] == "HOS01", "trauma"]) == {True}
    assert set(medical.loc[medical["hospital_id"] == "HOS02", "trauma"]) == {False}


def test_zones_and_offices_beyond_the_limit_are_flagged(one_nearest: PlanRun):
    planned = one_nearest.planned
    flags = planned.flags[planned.flags["code"] == FAR_FROM_TRAUMA]
    medical = planned.medical
    trauma = medical[medical["nearest_trauma"]]
    beyond = trauma[trauma["time_s"] > 3 * 60]
    flagged_zones = set(flags["zone_id"].dropna())
    assert flagged_zones == set(beyond.loc[beyond["origin_kind"] == "zone", "origin_id"])
    assert flagged_zones  # the 3-minute limit catches some zones
    for office_id in beyond.loc[beyond["origin_kind"] == "office", "origin_id"]:
        assert flags["message"].str.contains(f"Office {office_id} ", regex=False).any()
    # The UNICEF compound is on a piece of the driving network no hospital is on.
    cut_off = planned.flags[planned.flags["code"] == NO_HOSPITAL]
    assert cut_off["message"].str.startswith("Office O003 (UNICEF compound)").all()
    assert len(cut_off) == 1


def test_without_a_street_network_the_method_says_straight_line():
    station = load_station(TINY, as_of=AS_OF)
    zones = station.boundary.to_crs(station.crs).assign(zone_id="Z01", zone_name="")
    homes = station.households
    centres = homes.iloc[:1].assign(zone_id="Z01")[["zone_id", "geometry"]]
    origins = medical_origins(zones, centres, station.accepted_offices)
    medical = nearest_hospitals(StraightLineTravel(), origins, station.accepted_points)
    assert set(medical["method"]) == {"straight-line"}
    assert list(medical["hospital_id"]) == ["P4"] * len(origins)  # the tiny station's one
    centre = centres.geometry.iloc[0]
    hospital = station.accepted_points.set_index("point_id").geometry["P4"]
    metres = centre.distance(hospital) * 1.3
    assert medical["length_m"].iloc[0] == pytest.approx(metres, abs=0.1)
    assert medical["time_s"].iloc[0] == pytest.approx(
        metres / StraightLineTravel().speed_ms("driving"), abs=0.1
    )


def test_trauma_column_reads_synonyms_and_warns_on_a_bad_value(tmp_path: Path):
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    points = pd.read_csv(folder / "points.csv", dtype=str, keep_default_na=False)
    points["trauma"] = ["", "", "", "maybe"]
    extra = points.iloc[[3, 3, 3]].assign(
        point_id=["P5", "P6", "P7"], trauma=["Ja", "✓", "nein"], name=["A", "B", "C"]
    )
    pd.concat([points, extra]).to_csv(folder / "points.csv", index=False)
    station = load_station(folder, as_of=AS_OF)
    trauma = station.accepted_points.set_index("point_id")["trauma"]
    assert trauma.to_dict() == {
        "P1": None, "P2": None, "P3": None, "P4": None, "P5": True, "P6": True, "P7": False,
    }  # fmt: skip
    warnings = [i for i in station.issues if i.column == "trauma"]
    assert len(warnings) == 1
    warning = warnings[0]
    assert (warning.severity, warning.file, warning.row, warning.value) == (
        "warning",
        "points.csv",
        5,
        "maybe",
    )
    assert "read as unknown" in warning.message
    assert station.errors == []


def test_no_trauma_data_is_one_station_flag(tmp_path: Path):
    folder = tmp_path / "hel"
    shutil.copytree(SAMPLE, folder)
    points = pd.read_csv(folder / "points.csv", dtype=str, keep_default_na=False)
    points.drop(columns="trauma").to_csv(folder / "points.csv", index=False)  # none known
    planned = build_plan(folder, as_of=AS_OF, until="plan").planned
    codes = planned.flags["code"]
    assert (codes == NO_TRAUMA_DATA).sum() == 1
    assert not (codes == FAR_FROM_TRAUMA).any()
    assert planned.medical["trauma"].isna().all()


def test_a_bad_medical_table_is_refused(tmp_path: Path):
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    with (folder / "station.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[medical]\ntrauma_within = 30\nnearest_hospitals = 0\n")
    with pytest.raises(StationError) as caught:
        load_station(folder, as_of=AS_OF)
    issues = {i.column: i.message for i in caught.value.issues}
    assert "did you mean medical.trauma_within_min?" in issues["medical.trauma_within"]
    assert "must be a whole number >= 1, found 0" in issues["medical.nearest_hospitals"]
