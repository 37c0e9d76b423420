"""GIS exports read back by GDAL: GeoJSON, GeoPackage layers and KML placemarks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely

from outputs.gis import write_geojson, write_geopackage, write_kml
from stations import load_station


def _zones(station) -> gpd.GeoDataFrame:
    area = station.boundary.to_crs(station.crs).geometry.iloc[0]
    west, south, east, north = area.bounds
    middle = (west + east) / 2
    halves = [shapely.box(west, south, middle, north), shapely.box(middle, south, east, north)]
    return gpd.GeoDataFrame(
        {"zone_id": ["Z01", "Z02"], "name": ["West <b>&amp;</b>", "Itä"], "households": [3, 2]},
        geometry=halves,
        crs=station.crs,
    )


def test_geojson_is_wgs84_and_deterministic(tiny_station: Path, tmp_path: Path) -> None:
    station = load_station(tiny_station, as_of=dt.date(2026, 11, 15))
    zones = _zones(station)
    first = write_geojson(zones, tmp_path / "a.geojson").read_bytes()
    second = write_geojson(zones, tmp_path / "b.geojson").read_bytes()
    assert first == second
    payload = json.loads(first)
    assert [f["properties"]["zone_id"] for f in payload["features"]] == ["Z01", "Z02"]
    x, y = payload["features"][0]["geometry"]["coordinates"][0][0]
    assert 24.8 < x < 25.0
    assert 60.1 < y < 60.3
    back = gpd.read_file(tmp_path / "a.geojson")
    assert back.to_crs(station.crs).area.sum() == pytest.approx(zones.area.sum(), rel=1e-4)


def test_geopackage_layers(tiny_station: Path, tmp_path: Path) -> None:
    station = load_station(tiny_station, as_of=dt.date(2026, 11, 15))
    path = write_geopackage(
        {"zones": _zones(station), "households": station.households, "offices": station.offices},
        tmp_path / "plan.gpkg",
    )
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert layers == {"zones", "households", "offices"}
    households = gpd.read_file(path, layer="households")
    assert households.crs.to_epsg() == 4326
    assert sorted(households["household_id"]) == sorted(station.households["household_id"])


def test_kml_opens_with_escaped_descriptions(tiny_station: Path, tmp_path: Path) -> None:
    station = load_station(tiny_station, as_of=dt.date(2026, 11, 15))
    path = write_kml(
        _zones(station),
        tmp_path / "zones.kml",
        title="Tiny & co",
        name_column="zone_id",
        description_columns={"name": "Name", "households": "Households"},
    )
    text = path.read_text(encoding="utf-8")
    assert "West &lt;b&gt;&amp;amp;&lt;/b&gt;" in text
    back = gpd.read_file(path)
    assert list(back["Name"]) == ["Z01", "Z02"]
    assert back.geom_type.isin(["Polygon", "MultiPolygon"]).all()
