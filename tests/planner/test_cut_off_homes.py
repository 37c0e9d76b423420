"""Homes on a piece of the street network their zone's centre cannot reach, through a plan.

A real extract (the Helsinki sample) with 1.2 km of footpath joined to no street, as on
extracts where footpaths meet the streets only through buildings; two homes sit on it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from planner.build import build_plan
from planner.publish import write_plan
from stations import load_station
from stations.osm import OsmExtract

SAMPLE = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"
AS_OF = dt.date(2026, 11, 15)
UTM = "EPSG:32635"
NOT_A_NUMBER = re.compile(r"(?i)(?<![\w.])-?(inf|infinity|nan)(?![\w])")


def _footpath() -> gpd.GeoDataFrame:
    """Return 1.2 km of footway running north through the centre, touching no street's end."""
    start = gpd.GeoSeries([shapely.Point(24.9447, 60.1662)], crs=4326).to_crs(UTM).iloc[0]
    ends = [(start.x + (7.0 if k % 2 else 0.0), start.y + 100.0 * k) for k in range(13)]
    lines = [shapely.LineString(pair) for pair in itertools.pairwise(ends)]
    return gpd.GeoDataFrame({"highway": ["footway"] * len(lines)}, geometry=lines, crs=UTM).to_crs(
        4326
    )


class _WithFootpath(OsmExtract):
    """The extract as read, plus the footpath in its walking network."""

    def network(self, mode: str) -> gpd.GeoDataFrame:
        streets = super().network(mode)
        if mode != "walking":
            return streets
        return pd.concat([streets, _footpath().to_crs(streets.crs)], ignore_index=True)


@pytest.fixture(scope="module")
def plan_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("cut_off") / "helsinki"
    shutil.copytree(SAMPLE, folder)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    on_path = gpd.GeoSeries(
        [shapely.Point(24.9447, 60.1662 + 0.0009 * k) for k in (3, 8)], crs=4326
    )  # on the footpath's straight stretches, 300 m and 800 m along it
    moved = ["H00148", "H00149"]
    for household_id, point in zip(moved, on_path, strict=True):
        rows = staff["household_id"] == household_id
        staff.loc[rows, ["lat", "lon"]] = [f"{point.y:.7f}", f"{point.x:.7f}"]
    staff.to_csv(folder / "staff.csv", index=False)
    station = load_station(folder, as_of=AS_OF)
    station.__dict__["osm"] = _WithFootpath(folder / "helsinki.osm.pbf", crs=station.crs)
    run = build_plan(station, as_of=AS_OF)
    out = folder.parent / "plan"
    out.mkdir()
    write_plan(run, out, issued=AS_OF)
    return out, moved


@pytest.mark.parametrize(
    "name", ["zone_metrics.csv", "flags.csv", "summary.json", "moss.json", "zones.geojson"]
)
def test_no_output_holds_inf_or_nan(plan_folder, name: str) -> None:
    out, _ = plan_folder
    text = (out / name).read_text(encoding="utf-8-sig")
    found = [text[max(0, m.start() - 60) : m.end() + 20] for m in NOT_A_NUMBER.finditer(text)]
    assert found == []


def test_cut_off_homes_are_measured_in_straight_lines_and_flagged(plan_folder) -> None:
    out, moved = plan_folder
    metrics = pd.read_csv(out / "zone_metrics.csv", encoding="utf-8-sig")
    assert metrics["max_distance_m"].notna().all()
    flags = pd.read_csv(out / "flags.csv", encoding="utf-8-sig", keep_default_na=False)
    cut_off = flags[flags["message"].str.contains("on a piece of the street network")]
    assert (cut_off["code"] == "far_from_street").all()
    assert len(cut_off) > 0
    assert cut_off["message"].str.contains("straight line").all()
    # A zone holding a home on the footpath says so (naming the homes, or the centre when it
    # is the one on the footpath). Not every moved home joins the footpath: one near a street
    # of the main network is snapped to that street and reached like any other.
    assignments = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig", dtype=str)
    zones = set(assignments.loc[assignments["household_id"].isin(moved), "zone_id"])
    assert zones & set(cut_off["zone_id"])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert not any("inf m" in note for note in summary["notes"])
