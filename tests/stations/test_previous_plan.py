"""Reading an earlier plan's folder: what it decided, or an error naming file and column."""

from __future__ import annotations

import json

import pytest

from stations.errors import StationError
from stations.previous_plan import read_previous_plan

SQUARE = [[[24.90, 60.15], [24.91, 60.15], [24.91, 60.16], [24.90, 60.16], [24.90, 60.15]]]


@pytest.fixture
def plan_folder(tmp_path):
    """A plan folder as ``planner plan`` writes it: one zone, two households, a warden."""
    feature = {
        "type": "Feature",
        "properties": {"zone_id": "Z01", "zone_name": "Kallio"},
        "geometry": {"type": "Polygon", "coordinates": SQUARE},
    }
    zones = {"type": "FeatureCollection", "features": [feature]}
    (tmp_path / "zones.geojson").write_text(json.dumps(zones), encoding="utf-8")
    (tmp_path / "assignments.csv").write_text(
        "staff_id,household_id,zone_id,status\n"
        "S1,H1,Z01,assigned\nS2,H1,Z01,assigned\nS3,H2,,rejected\n",
        encoding="utf-8",
    )
    (tmp_path / "appointments.csv").write_text(
        "zone_id,area_id,role,staff_id,reason\nZ01,A0,warden,S1,\n,A0,asc,S2,\n",
        encoding="utf-8",
    )
    return tmp_path


def test_reads_zones_households_and_zone_appointments(plan_folder):
    previous = read_previous_plan(plan_folder)
    assert list(previous.zones["zone_id"]) == ["Z01"]
    assert previous.assignment.to_dict("records") == [{"household_id": "H1", "zone_id": "Z01"}]
    assert previous.appointments.to_dict("records") == [
        {"zone_id": "Z01", "role": "warden", "staff_id": "S1"}
    ]


def test_a_zones_folder_has_no_appointments(plan_folder):
    (plan_folder / "appointments.csv").unlink()
    assert read_previous_plan(plan_folder).appointments is None


@pytest.mark.parametrize(
    ("name", "header", "column"),
    [
        ("appointments.csv", "zone_id,area_id,role,reason\nZ01,A0,warden,\n", "staff_id"),
        ("assignments.csv", "staff_id,household_id,status\nS1,H1,assigned\n", "zone_id"),
    ],
)
def test_a_table_without_a_column_names_file_and_column(plan_folder, name, header, column):
    (plan_folder / name).write_text(header, encoding="utf-8")
    with pytest.raises(StationError, match=f"no column {column}") as caught:
        read_previous_plan(plan_folder)
    (issue,) = caught.value.issues
    assert issue.file == str(plan_folder / name)
    assert issue.column == column
    assert issue.severity == "error"


def test_a_folder_that_is_no_plan_says_which_files_are_missing(tmp_path):
    with pytest.raises(StationError, match="is not a plan folder written by planner") as caught:
        read_previous_plan(tmp_path)
    assert sorted(i.file for i in caught.value.issues) == [
        str(tmp_path / "assignments.csv"),
        str(tmp_path / "zones.geojson"),
    ]
