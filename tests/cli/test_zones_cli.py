"""`planner zones` end to end: fresh partition, hand-drawn zones, repair, re-planning."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner

from planner.cli import main

SAMPLE = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"


@pytest.fixture
def helsinki(tmp_path: Path) -> Path:
    folder = tmp_path / "helsinki"
    shutil.copytree(SAMPLE, folder)
    return folder


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_fresh_zones_on_the_sample(helsinki: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    result = run("zones", str(helsinki), "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["source"] == "partition"
    assert summary["in_bounds_pct"] == 100.0
    assert summary["contiguous_pct"] == 100.0
    assert summary["distance_method"] == "network"
    assert sorted(p.name for p in out.iterdir()) == [
        ".warden-planner",
        "assignments.csv",
        "zone_metrics.csv",
        "zones.geojson",
        "zones.kml",
    ]
    assignments = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig", dtype=str)
    staff = pd.read_csv(helsinki / "staff.csv", dtype=str)
    assert sorted(assignments["staff_id"]) == sorted(staff["staff_id"])
    assert (assignments["status"] == "assigned").all()
    zones = gpd.read_file(out / "zones.geojson")
    assert zones.crs.to_epsg() == 4326
    assert set(assignments["zone_id"]) == set(zones["zone_id"])
    assert (out.stat().st_mode & 0o777) == 0o700
    again = tmp_path / "again"
    assert run("zones", str(helsinki), "--out", str(again)).exit_code == 0
    for name in ("zones.geojson", "assignments.csv", "zone_metrics.csv", "zones.kml"):
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_rejected_staff_are_listed(helsinki: Path, tmp_path: Path) -> None:
    staff = pd.read_csv(helsinki / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[0, "lat"] = "60.40"  # 25 km north, outside the boundary
    staff.to_csv(helsinki / "staff.csv", index=False)
    out = tmp_path / "plan"
    assert run("zones", str(helsinki), "--out", str(out)).exit_code == 0
    assignments = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig", dtype=str)
    rejected = assignments[assignments["status"] == "rejected"]
    assert list(rejected["staff_id"]) == [staff.loc[0, "staff_id"]]
    assert "outside the station boundary" in rejected["reason"].iloc[0]
    assert len(assignments) == len(staff)


def test_hand_drawn_zones_are_checked_then_repaired(helsinki: Path, tmp_path: Path) -> None:
    area = gpd.read_file(helsinki / "boundary.geojson").to_crs(32635).geometry.iloc[0]
    west, south, east, north = area.bounds
    middle = (west + east) / 2
    drawn = gpd.GeoDataFrame(
        {"zone_id": ["West", "East"]},
        geometry=[
            shapely.box(west, south, middle, north),
            shapely.box(middle, south, east, north - 300),
        ],
        crs=32635,
    ).to_crs(4326)
    drawn.to_file(helsinki / "zones.geojson")
    toml = helsinki / "station.toml"
    toml.write_text(
        toml.read_text().replace(
            'osm = "helsinki.osm.pbf"', 'osm = "helsinki.osm.pbf"\nzones = "zones.geojson"'
        )
    )
    out = tmp_path / "drawn"
    result = run("zones", str(helsinki), "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["source"] == "hand-drawn"
    assert any(note.startswith("gap of") for note in summary["notes"])
    assert any("too many" in note for note in summary["notes"])
    repaired = tmp_path / "repaired"
    result = run("zones", str(helsinki), "--out", str(repaired), "--repair", "--format", "json")
    summary = json.loads(result.stdout)
    assert summary["source"] == "hand-drawn, repaired"
    assert summary["in_bounds_pct"] == 100.0
    zones = gpd.read_file(repaired / "zones.geojson")
    assert {"West", "East"} <= set(zones["zone_id"])


def test_previous_plan_keeps_zones(helsinki: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert run("zones", str(helsinki), "--out", str(first)).exit_code == 0
    second = tmp_path / "second"
    result = run(
        "zones", str(helsinki), "--out", str(second), "--previous", str(first), "--format", "json"
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["source"] == "previous plan"
    assert summary["churn"]["unchanged"] == 150
    before = gpd.read_file(first / "zones.geojson").to_crs(32635).set_index("zone_id")
    after = gpd.read_file(second / "zones.geojson").to_crs(32635).set_index("zone_id")
    assert list(before.index) == list(after.index)
    # Same zones, up to the 6-decimal rounding of coordinates in files (about 0.1 m).
    drift = before.geometry.symmetric_difference(after.geometry, align=True).area
    assert (drift < 0.001 * before.area).all()
    assert (first / "assignments.csv").read_bytes() == (second / "assignments.csv").read_bytes()
    assert (second / "churn.csv").is_file()


def test_station_with_errors_is_refused(tmp_path: Path, hostile_station) -> None:
    folder = hostile_station("staff_duplicate_id.csv")
    result = run("zones", str(folder), "--out", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "staff.csv, row 4, column 'staff_id'" in result.stderr
    assert not (tmp_path / "x").exists()


def test_previous_folder_that_is_not_a_plan(helsinki: Path, tmp_path: Path) -> None:
    result = run("zones", str(helsinki), "--out", str(tmp_path / "x"), "--previous", str(tmp_path))
    assert result.exit_code == 1
    assert "is not a plan folder written by planner" in result.stderr
    assert "Traceback" not in result.output


def test_one_farthest_home_figure_in_notes_summary_and_metrics(
    tiny_station: Path, tmp_path: Path
) -> None:
    toml = tiny_station / "station.toml"
    toml.write_text(
        toml.read_text().replace("max_warden_distance_m = 1500", "max_warden_distance_m = 100")
    )
    out = tmp_path / "zones"
    result = run("zones", str(tiny_station), "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    metrics = pd.read_csv(out / "zone_metrics.csv", encoding="utf-8-sig")
    assert summary["max_distance_m_measured"] == "in straight lines x 1.3"
    assert summary["max_distance_m_max"] == round(metrics["max_distance_m"].max())
    reach = [n for n in summary["notes"] if "farthest home" in n]
    beyond = metrics[~metrics["within_reach"]]
    assert len(reach) == len(beyond) > 0
    for note, zone_id, farthest in zip(
        reach, beyond["zone_id"], beyond["max_distance_m"], strict=True
    ):
        assert note == (
            f"zone {zone_id}: farthest home {farthest:,.0f} m from the centre household, "
            "measured in straight lines x 1.3; beyond the reach of 100 m"
        )
    text = run("zones", str(tiny_station), "--out", str(tmp_path / "again")).stdout
    assert "farthest home from the centre household, measured in straight lines x 1.3: " in text
