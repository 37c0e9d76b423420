"""Legs of the journey: on the streets, with alternates, not surveyed beyond the extract."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS

from stations import Station, load_station
from zones.legs import (
    DEPARTURE_COLUMNS,
    NO_DISTINCT_SHARE,
    NOT_ROUTED,
    ZONE_PAIR_COLUMNS,
    JourneyPairs,
    journey_legs,
)
from zones.network import DETOUR_FACTOR, NetworkTravel, build_travel
from zones.plan import ROUTE_COLUMNS

UTM35 = CRS.from_epsg(32635)
HELSINKI = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"


def _pairs(
    zones: list[tuple[str, str | None, str | None, str | None]],
    departures: list[tuple[str, str, str, str]] = (),  # type: ignore[assignment]
    hibernation: list[tuple[str, str]] = (),  # type: ignore[assignment]
    destination: str = "",
) -> JourneyPairs:
    return JourneyPairs(
        zones=pd.DataFrame(zones, columns=list(ZONE_PAIR_COLUMNS)),
        departures=pd.DataFrame(departures, columns=list(DEPARTURE_COLUMNS)),
        hibernation=pd.DataFrame(hibernation, columns=["zone_id", "hibernation_id"]),
        destination=destination,
    )


def _points(rows: list[tuple[str, str, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"point_id": [r[0] for r in rows], "kind": [r[1] for r in rows]},
        geometry=[shapely.Point(r[2], r[3]) for r in rows],
        crs=UTM35,
    )


def _centres(rows: list[tuple[str, float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"zone_id": [r[0] for r in rows]},
        geometry=[shapely.Point(r[1], r[2]) for r in rows],
        crs=UTM35,
    )


def _on_streets(line: shapely.LineString, travel: NetworkTravel, mode: str) -> float:
    """Return the largest gap (m) between a line, sampled every 5 m, and the mode's streets."""
    streets = shapely.STRtree(travel.graph(mode).lines)
    samples = shapely.line_interpolate_point(line, np.arange(0.0, line.length, 5.0))
    _, gaps = streets.query_nearest(samples, return_distance=True, all_matches=False)
    return float(gaps.max())


# --- the Helsinki sample and its OSM extract -------------------------------------------------


@pytest.fixture(scope="module")
def helsinki() -> tuple[Station, NetworkTravel]:
    station = load_station(HELSINKI)
    travel = build_travel(station.osm, station.crs, boundary=station.boundary)
    assert isinstance(travel, NetworkTravel)
    return station, travel


@pytest.fixture(scope="module")
def helsinki_legs(helsinki) -> gpd.GeoDataFrame:
    station, travel = helsinki
    homes = station.accepted_staff.drop_duplicates("household_id").iloc[[0, 7, 19, 33]]
    centres = gpd.GeoDataFrame(
        {"zone_id": ["Z1", "Z2", "Z3", "Z4"]}, geometry=homes.geometry.to_numpy(), crs=station.crs
    )
    pairs = _pairs(
        [
            ("Z1", "AP01", "AP03", "CP01"),
            ("Z2", "AP04", "AP01", "CP01"),
            ("Z3", "AP05", "AP02", "CP01"),
            ("Z4", "AP03", "AP04", "CP01"),
        ],
        [("CP01", "evacuate", "AIR", "airport")],
        destination="Stockholm",
    )
    return journey_legs(travel, centres, station.accepted_points, pairs, station.crs)


def test_helsinki_legs_follow_the_streets(helsinki, helsinki_legs) -> None:
    _, travel = helsinki
    legs = helsinki_legs
    assert list(legs.columns) == [*ROUTE_COLUMNS, "geometry"]
    on_streets = legs[legs["surveyed"]]
    assert len(on_streets) >= 16  # 8 walks and the drives onward, each with its alternate
    assert set(on_streets["method"]) == {"network"}
    for row in on_streets.itertuples():
        line = row.geometry
        start, end = shapely.Point(line.coords[0]), shapely.Point(line.coords[-1])
        assert row.length_m >= start.distance(end) - 0.1, row
        assert _on_streets(line, travel, row.mode) < 0.5, row
    walks = legs[legs["kind"].str.startswith("zone_to_")]
    assert set(walks["mode"]) == {"walking"}
    assert sorted(set(walks["origin_id"])) == ["Z1", "Z2", "Z3", "Z4"]


def test_helsinki_airport_leg_is_surveyed_only_to_the_edge_of_the_extract(
    helsinki, helsinki_legs
) -> None:
    station, travel = helsinki
    airport = station.accepted_points.set_index("point_id").loc["AIR", "geometry"]
    concentration = station.accepted_points.set_index("point_id").loc["CP01", "geometry"]
    leg = helsinki_legs[helsinki_legs["destination_id"] == "AIR"]
    first = leg[leg["surveyed"] & ~leg["alternate"]].iloc[0]
    beyond = leg[~leg["surveyed"]].iloc[0]
    # On the streets as far as they go towards the airport, then a straight line.
    assert _on_streets(first["geometry"], travel, first["mode"]) < 0.5
    exit_point = shapely.Point(first["geometry"].coords[-1])
    assert exit_point.distance(airport) < concentration.distance(airport) - 250
    nodes = travel.graph(first["mode"]).nodes
    nearest_m = np.hypot(*(nodes - [airport.x, airport.y]).T).min()
    assert exit_point.distance(airport) == pytest.approx(nearest_m, abs=1.0)  # the extract's edge
    assert beyond["method"] == "straight-line"
    assert shapely.Point(beyond["geometry"].coords[0]).distance(exit_point) < 0.01
    assert shapely.Point(beyond["geometry"].coords[-1]).distance(airport) < 0.01
    assert beyond["length_m"] == pytest.approx(exit_point.distance(airport) * DETOUR_FACTOR, 0.01)
    assert beyond["mode"] == "driving"  # the road beyond is not surveyed, but driven
    assert exit_point.y > np.percentile(nodes[:, 1], 95)  # the airport is north
    last = helsinki_legs[helsinki_legs["kind"] == "departure_to_destination"].iloc[0]
    assert (last["origin_id"], last["destination_id"]) == ("AIR", "Stockholm")
    assert last["method"] == NOT_ROUTED
    assert not last["surveyed"]
    assert last["geometry"] is None
    assert last["mode"] == "flight"


def test_helsinki_alternates_share_less_than_the_first_route(helsinki_legs) -> None:
    legs = helsinki_legs[helsinki_legs["surveyed"]]
    pairs = legs.groupby("leg")
    distinct = 0
    for leg_id, rows in pairs:
        first = rows[~rows["alternate"]].iloc[0]
        second = rows[rows["alternate"]].iloc[0]
        assert second["length_m"] >= first["length_m"] - 0.1, leg_id
        assert second["time_s"] >= first["time_s"] - 0.1, leg_id
        # The shared length measured on the lines themselves.
        shared = second["geometry"].intersection(first["geometry"].buffer(1.0)).length
        assert second["shared_m"] == pytest.approx(shared, abs=0.2), leg_id
        if second["distinct"]:
            distinct += 1
            assert second["shared_m"] <= NO_DISTINCT_SHARE * first["length_m"], leg_id
            assert second["shared_m"] < first["length_m"], leg_id
    assert distinct >= len(pairs) * 0.75  # the centre of Helsinki has other ways nearly always


# --- a synthetic grid: streets every 100 m on 0..1000 m -----------------------------------


def _grid(*, single_street: bool = False) -> NetworkTravel:
    if single_street:
        lines = [shapely.LineString([(x, 0), (x + 100, 0)]) for x in range(0, 1000, 100)]
    else:
        lines = [
            shapely.LineString([(x, y), (x + 100, y)])
            for y in range(0, 1001, 100)
            for x in range(0, 1000, 100)
        ]
        lines += [
            shapely.LineString([(x, y), (x, y + 100)])
            for x in range(0, 1001, 100)
            for y in range(0, 1000, 100)
        ]
        lines += [  # an island 2 km away: no way there
            shapely.LineString([(3000 + 100 * k, 3000), (3100 + 100 * k, 3000)]) for k in range(12)
        ]
    frame = gpd.GeoDataFrame({"highway": ["residential"] * len(lines)}, geometry=lines, crs=UTM35)
    return NetworkTravel.from_edges(frame, UTM35)


def test_grid_alternate_avoids_the_first_routes_streets() -> None:
    travel = _grid()
    legs = journey_legs(
        travel,
        _centres([("Z1", 100, 500)]),
        _points([("AP1", "assembly", 900, 500)]),
        _pairs([("Z1", "AP1", None, None)]),
        UTM35,
    )
    first, second = legs.iloc[0], legs.iloc[1]
    assert (first["alternate"], second["alternate"]) == (False, True)
    assert first["length_m"] == pytest.approx(800, abs=0.1)
    # One block up, across, one block down: 200 m longer, sharing no street.
    assert second["length_m"] == pytest.approx(1000, abs=0.1)
    assert second["shared_m"] <= 2.0  # a metre where it turns off the first route at each end
    assert second["distinct"]
    assert first["leg"] == second["leg"]


def test_single_street_has_no_distinct_alternate() -> None:
    travel = _grid(single_street=True)
    legs = journey_legs(
        travel,
        _centres([("Z1", 50, 0)]),
        _points([("AP1", "assembly", 950, 0)]),
        _pairs([("Z1", "AP1", None, None)]),
        UTM35,
    )
    first, second = legs.iloc[0], legs.iloc[1]
    assert second["alternate"]
    assert second["shared_m"] == pytest.approx(first["length_m"], abs=1.0)
    assert not second["distinct"]
    assert not first["distinct"]


def test_leg_beyond_the_grid_is_surveyed_to_its_edge_then_not() -> None:
    travel = _grid()
    legs = journey_legs(
        travel,
        _centres([("Z1", 150, 500)]),
        _points(
            [
                ("AP1", "assembly", 200, 500),
                ("CP1", "concentration", 500, 500),
                ("BX1", "border_crossing", 6000, 500),
            ]
        ),
        _pairs(
            [("Z1", "AP1", None, "CP1")],
            [("CP1", "evacuate", "BX1", "border_crossing")],
            destination="Tallinn",
        ),
        UTM35,
    )
    border = legs[legs["destination_id"] == "BX1"]
    assert list(border["surveyed"]) == [True, True, False]
    assert list(border["alternate"]) == [False, True, False]
    first, rest = border.iloc[0], border.iloc[2]
    assert first["geometry"].coords[-1] == pytest.approx((1000, 500))  # the grid's east edge
    assert first["length_m"] == pytest.approx(500, abs=0.1)
    assert rest["geometry"].coords[0] == pytest.approx((1000, 500))
    assert rest["length_m"] == pytest.approx(5000 * DETOUR_FACTOR, abs=0.1)
    assert rest["kind"] == "concentration_to_departure"
    assert rest["destination_kind"] == "border_crossing"
    last = legs.iloc[-1]
    assert (last["kind"], last["origin_id"], last["destination_id"]) == (
        "departure_to_destination",
        "BX1",
        "Tallinn",
    )
    assert last["mode"] == "driving"


def test_relocation_hibernation_and_the_island() -> None:
    travel = _grid()
    legs = journey_legs(
        travel,
        _centres([("Z1", 150, 150), ("Z2", 3550, 3000)]),
        _points(
            [
                ("AP1", "assembly", 200, 200),
                ("AP2", "assembly", 700, 700),
                ("CP1", "concentration", 900, 100),
                ("RS1", "relocation_site", 100, 900),
                ("HB1", "hibernation", 800, 800),
            ]
        ),
        _pairs(
            [("Z1", "AP1", "AP2", "CP1"), ("Z2", "AP2", None, "CP1")],
            [("CP1", "relocate", "RS1", "relocation_site")],
            [("Z1", "HB1")],
        ),
        UTM35,
    )
    kinds = legs.drop_duplicates("leg").set_index(["kind", "origin_id"])["destination_id"]
    assert kinds[("zone_to_alternate_assembly", "Z1")] == "AP2"
    assert kinds[("concentration_to_relocation", "CP1")] == "RS1"
    assert kinds[("zone_to_hibernation", "Z1")] == "HB1"
    # Relocation stays in the country: no leg on to a destination abroad.
    assert "departure_to_destination" not in set(legs["kind"])
    # Both assembly points in use drive on to the concentration point.
    onward = legs[legs["kind"] == "assembly_to_concentration"]
    assert set(onward["origin_id"]) == {"AP1", "AP2"}
    # The island has no way off: no line, no number, and not surveyed.
    island = legs[legs["origin_id"] == "Z2"].iloc[0]
    assert not island["reachable"]
    assert not island["surveyed"]
    assert island["geometry"] is None
    assert np.isnan(island["length_m"])


def test_without_extract_every_leg_is_an_unsurveyed_straight_line() -> None:
    legs = journey_legs(
        build_travel(None, UTM35),
        _centres([("Z1", 0, 0)]),
        _points([("AP1", "assembly", 300, 400), ("CP1", "concentration", 300, 1400)]),
        _pairs([("Z1", "AP1", None, "CP1")]),
        UTM35,
    )
    assert list(legs["kind"]) == ["zone_to_assembly", "assembly_to_concentration"]
    assert list(legs["method"]) == ["straight-line", "straight-line"]
    assert not legs["surveyed"].any()
    assert not legs["alternate"].any()
    assert list(legs["length_m"]) == pytest.approx([500 * 1.3, 1000 * 1.3])


def test_no_pairs_means_no_legs() -> None:
    legs = journey_legs(
        _grid(),
        _centres([("Z1", 0, 0)]),
        _points([("CP1", "concentration", 1, 1)]),
        _pairs([]),
        UTM35,
    )
    assert legs.empty
    assert list(legs.columns) == [*ROUTE_COLUMNS, "geometry"]
    assert legs.crs.equals(UTM35)


def test_matrix_entries_know_their_street_segment(helsinki) -> None:
    _, travel = helsinki
    for mode in ("walking", "driving"):
        graph = travel.graph(mode)
        for weight in ("metres", "seconds"):
            matrix = graph.matrix[weight]
            rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
            expected = [
                graph.edge_of[weight][(r, c)] for r, c in zip(rows, matrix.indices, strict=True)
            ]
            assert list(graph.entry_edges[weight]) == expected


def test_helsinki_legs_read_from_shared_searches_match_one_search_per_leg(
    helsinki, helsinki_legs
) -> None:
    """Legs sharing a start read one search; each first route is the single-pair route."""
    station, travel = helsinki
    points = station.accepted_points
    where = dict(zip(points["point_id"], points.geometry, strict=True))
    homes = station.accepted_staff.drop_duplicates("household_id").iloc[[0, 7, 19, 33]]
    where |= dict(zip(["Z1", "Z2", "Z3", "Z4"], homes.geometry, strict=True))
    walks = helsinki_legs[
        helsinki_legs["kind"].isin(["zone_to_assembly", "zone_to_alternate_assembly"])
        & ~helsinki_legs["alternate"]
    ]
    assert len(walks) == 8
    for leg in walks.itertuples():
        a, b = where[leg.origin_id], where[leg.destination_id]
        single = travel.path(np.array([a.x, a.y]), np.array([b.x, b.y]), mode="walking")
        assert leg.length_m == pytest.approx(single.length_m, abs=0.1)
        assert leg.geometry.equals_exact(single.line, 1e-6)


def test_starts_on_one_street_segment_get_their_own_routes(helsinki) -> None:
    """Two zone centres snapped to one segment: a search kept for one serves not the other."""
    station, travel = helsinki
    graph = travel.graph("walking")
    edge = int(np.argmax(graph.length))
    line = graph.lines[edge]
    near, far = (shapely.line_interpolate_point(line, f * line.length) for f in (0.1, 0.9))
    centres = gpd.GeoDataFrame({"zone_id": ["Z1", "Z2"]}, geometry=[near, far], crs=station.crs)
    pairs = _pairs([("Z1", "AP01", None, None), ("Z2", "AP01", None, None)])
    legs = journey_legs(travel, centres, station.accepted_points, pairs, station.crs)
    first = legs[~legs["alternate"]].set_index("origin_id")
    for zone_id, spot in (("Z1", near), ("Z2", far)):
        target = station.accepted_points.set_index("point_id").geometry["AP01"]
        single = travel.path(np.array([spot.x, spot.y]), np.array([target.x, target.y]))
        assert first.loc[zone_id, "length_m"] == pytest.approx(single.length_m, abs=0.1)
    assert first.loc["Z1", "length_m"] != pytest.approx(first.loc["Z2", "length_m"], abs=1.0)
