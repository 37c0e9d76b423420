"""Warden zones: invariants on generated stations, the real Helsinki extract, degenerate cases."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import CRS

from stations import load_station
from zones.barriers import barrier_lines
from zones.metrics import reach_notes, summarise_metrics, zone_metrics
from zones.network import StraightLineTravel
from zones.partition import ZoningOptions, _bounded_moves, _Refiner, partition_zones
from zones.tessellation import Tessellation, tessellate

UTM = CRS.from_epsg(32635)
SAMPLE = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"


def households_at(xy: np.ndarray) -> gpd.GeoDataFrame:
    n = len(xy)
    return gpd.GeoDataFrame(
        {
            "household_id": [f"H{i:05d}" for i in range(n)],
            "staff_count": np.ones(n, dtype=int),
            "dependants": np.zeros(n, dtype=int),
            "headcount": np.ones(n, dtype=int),
        },
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs=UTM,
    )


def area_of(geometry: shapely.Geometry) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[geometry], crs=UTM)


def check_invariants(plan, households, area: shapely.Geometry, options: ZoningOptions) -> None:
    """Exactly one zone each, bounds, contiguity, no overlap, full coverage."""
    assignment = plan.assignment
    assert sorted(assignment["household_id"]) == sorted(households["household_id"])
    assert assignment["zone_id"].notna().all()
    assert set(assignment["zone_id"]) <= set(plan.zones["zone_id"])
    zones = plan.zones
    union = zones.union_all()
    assert area.symmetric_difference(union).area < 1e-6 * area.area + 1.0
    assert zones.area.sum() - union.area < 1e-6 * area.area + 1.0
    homes = households.set_index("household_id").loc[assignment["household_id"]].geometry
    inside = [
        zones.set_index("zone_id").loc[z].geometry.buffer(0.5).contains(p)
        for z, p in zip(assignment["zone_id"], homes, strict=True)
    ]
    assert all(inside)
    sizes = assignment["zone_id"].value_counts().reindex(zones["zone_id"], fill_value=0)
    check_bounds(plan, sizes, options)
    joined = any("joins the nearest zone" in note for note in plan.notes)
    assert joined or (zones.geom_type == "Polygon").all()


def check_bounds(plan, sizes: pd.Series, options: ZoningOptions) -> None:
    """Every zone is within the bounds, or the plan has the note that says why, zone by zone."""
    assert sorted(sizes.index) == sorted(plan.zones["zone_id"])
    for zone_id, size in sizes.items():
        if options.min_households <= size <= options.max_households:
            continue
        side = "below the minimum" if size < options.min_households else "above the maximum"
        explained = f"zone {zone_id} has {size:g} {options.count}, {side}"
        whole_station = len(sizes) == 1 and any(
            "one zone covers everything" in note for note in plan.notes
        )
        assert whole_station or any(note.startswith(explained) for note in plan.notes), (
            zone_id,
            size,
            plan.notes,
        )


def clustered(rng: np.random.Generator, n: int, size: float) -> np.ndarray:
    centres = rng.uniform(0.2 * size, 0.8 * size, (4, 2))
    which = rng.integers(0, 4, n)
    return np.clip(centres[which] + rng.normal(0, size / 10, (n, 2)), 1, size - 1)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(30, 260),
    seed=st.integers(0, 10_000),
    with_hole=st.booleans(),
    with_island=st.booleans(),
)
def test_partition_invariants(n: int, seed: int, with_hole: bool, with_island: bool) -> None:
    rng = np.random.default_rng(seed)
    size = 5_000.0
    area = shapely.box(0, 0, size, size)
    if with_hole:
        area = area.difference(shapely.Point(size / 2, size / 2).buffer(600))
    xy = clustered(rng, n, size)
    xy = xy[shapely.contains_xy(area, xy[:, 0], xy[:, 1])]
    if with_island:
        island = shapely.Point(size + 3_000, size / 2).buffer(800)
        area = shapely.union_all([area, island])
        on_island = rng.normal((size + 3_000, size / 2), 200, (rng.integers(1, 30), 2))
        # Homes are in the station area: a normal draw can land off the island's shore.
        on_island = on_island[shapely.contains_xy(island, on_island[:, 0], on_island[:, 1])]
        xy = np.vstack([xy, on_island])
    households = households_at(xy)
    options = ZoningOptions(min_households=10, max_households=25, max_warden_distance_m=2000)
    plan = partition_zones(households, area_of(area), options)
    check_invariants(plan, households, area, options)
    again = partition_zones(households, area_of(area), options)
    pd.testing.assert_frame_equal(plan.assignment, again.assignment)
    assert plan.zones.geometry.equals(again.zones.geometry)


def test_generated_station_is_in_bounds_contiguous_and_compact() -> None:
    rng = np.random.default_rng(7)
    area = shapely.box(0, 0, 8_000, 8_000)
    households = households_at(clustered(rng, 1_500, 8_000))
    options = ZoningOptions(min_households=15, max_households=40, max_warden_distance_m=2000)
    plan = partition_zones(households, area_of(area), options)
    assert plan.notes == ()
    check_invariants(plan, households, area, options)
    metrics = zone_metrics(
        plan.zones,
        households.merge(plan.assignment, on="household_id"),
        min_households=15,
        max_households=40,
        max_warden_distance_m=2000,
    )
    summary = summarise_metrics(metrics)
    assert summary["in_bounds_pct"] == 100.0
    assert summary["contiguous_pct"] == 100.0
    assert summary["polsby_popper_mean"] > 0.5
    assert summary["max_distance_m_p95"] < 2000


def test_zone_ids_follow_the_map() -> None:
    rng = np.random.default_rng(3)
    households = households_at(rng.uniform(0, 6_000, (600, 2)))
    options = ZoningOptions(min_households=20, max_households=40, max_warden_distance_m=2000)
    plan = partition_zones(households, area_of(shapely.box(0, 0, 6_000, 6_000)), options)
    zones = plan.zones.set_index("zone_id")
    ids = list(zones.index)
    assert ids == [f"Z{i:02d}" for i in range(1, len(ids) + 1)]
    # Consecutive ids are neighbours on the map far more often than chance.
    touching = [
        zones.geometry[a].buffer(1).intersects(zones.geometry[b])
        for a, b in itertools.pairwise(ids)
    ]
    assert np.mean(touching) > 0.7


def test_helsinki_sample_zones_with_barriers_and_names() -> None:
    station = load_station(SAMPLE, as_of=dt.date(2026, 11, 15))
    households = station.households.to_crs(station.crs)
    zones_config = station.config.zones
    options = ZoningOptions(
        zones_config.min_households, zones_config.max_households, zones_config.max_warden_distance_m
    )
    barriers = barrier_lines(station.osm, station.crs)
    plan = partition_zones(
        households, station.boundary, options, barriers=barriers, places=station.osm.places
    )
    area = station.boundary.to_crs(station.crs).geometry.iloc[0]
    check_invariants(plan, households, area, options)
    assert plan.notes == ()
    names = set(plan.zones["zone_name"])
    assert "" not in names
    assert names & {"Kaartinkaupunki", "Kluuvi", "Kamppi", "Kruununhaka", "Siltasaari", "Keskusta"}
    # Cutting along barriers: fewer homes lie across a railway or main road from their zone's
    # centre than when the partition ignores barriers.
    blind = partition_zones(households, station.boundary, options)

    def crossings(p):
        return zone_metrics(
            p.zones,
            households.merge(p.assignment, on="household_id"),
            min_households=8,
            max_households=20,
            max_warden_distance_m=1500,
            barriers=barriers,
        )["barrier_crossings"].sum()

    assert crossings(plan) <= crossings(blind)


def test_all_households_at_one_point() -> None:
    households = households_at(np.full((50, 2), 1000.0))
    options = ZoningOptions(min_households=15, max_households=40, max_warden_distance_m=2000)
    plan = partition_zones(households, area_of(shapely.box(0, 0, 2000, 2000)), options)
    assert len(plan.zones) == 1
    assert plan.assignment["zone_id"].eq("Z01").all()
    assert any("above the maximum" in note for note in plan.notes)
    assert plan.zones.geometry.iloc[0].equals(shapely.box(0, 0, 2000, 2000))


def test_two_clusters_50_km_apart_stay_apart() -> None:
    rng = np.random.default_rng(11)
    west = rng.normal((0, 0), 300, (60, 2))
    east = rng.normal((50_000, 0), 300, (60, 2))
    households = households_at(np.vstack([west, east]))
    area = shapely.union_all(
        [shapely.Point(0, 0).buffer(3_000), shapely.Point(50_000, 0).buffer(3_000)]
    )
    options = ZoningOptions(min_households=15, max_households=40, max_warden_distance_m=2000)
    plan = partition_zones(households, area_of(area), options)
    check_invariants(plan, households, area, options)
    zone_of = plan.assignment.set_index("household_id")["zone_id"]
    west_zones = set(zone_of.iloc[:60])
    east_zones = set(zone_of.iloc[60:])
    assert not west_zones & east_zones
    assert plan.zones["piece_id"].nunique() == 2


def test_fewer_households_than_the_minimum() -> None:
    households = households_at(np.array([[100.0, 100.0], [400.0, 300.0], [900.0, 800.0]]))
    options = ZoningOptions(min_households=15, max_households=40, max_warden_distance_m=2000)
    plan = partition_zones(households, area_of(shapely.box(0, 0, 1000, 1000)), options)
    assert len(plan.zones) == 1
    assert plan.notes == (
        (
            "only 3 households in the station, fewer than the minimum of 15: "
            "one zone covers everything"
        ),
    )


def test_small_island_joins_the_nearest_zone_and_says_so() -> None:
    rng = np.random.default_rng(5)
    mainland = shapely.box(0, 0, 4_000, 4_000)
    island = shapely.Point(6_000, 2_000).buffer(500)
    xy = np.vstack([rng.uniform(100, 3_900, (120, 2)), rng.normal((6_000, 2_000), 100, (4, 2))])
    households = households_at(xy)
    options = ZoningOptions(min_households=15, max_households=40, max_warden_distance_m=2000)
    plan = partition_zones(households, area_of(shapely.union_all([mainland, island])), options)
    assert any("joins the nearest zone, 1,500 m across" in note for note in plan.notes)
    island_zone = plan.assignment["zone_id"].iloc[-1]
    geometry = plan.zones.set_index("zone_id").loc[island_zone].geometry
    assert geometry.geom_type == "MultiPolygon"
    assert geometry.contains(island.buffer(-1))


def test_headcount_bounds() -> None:
    rng = np.random.default_rng(9)
    households = households_at(rng.uniform(0, 3_000, (200, 2)))
    households["headcount"] = rng.integers(1, 6, len(households))
    options = ZoningOptions(40, 90, 2000, count="headcount")
    plan = partition_zones(households, area_of(shapely.box(0, 0, 3_000, 3_000)), options)
    people = households.merge(plan.assignment).groupby("zone_id")["headcount"].sum()
    check_bounds(plan, people, options)
    assert plan.zones.set_index("zone_id")["headcount"].to_dict() == people.to_dict()


@pytest.mark.parametrize("offset", [0, 300, 600])
def test_zones_are_cut_along_a_river(offset: int) -> None:
    rng = np.random.default_rng(offset)
    households = households_at(rng.uniform(0, 4_000, (500, 2)))
    river = gpd.GeoDataFrame(
        {"kind": ["river"]},
        geometry=[shapely.LineString([(0, 1_300 + offset), (4_000, 2_100 + offset)])],
        crs=UTM,
    )
    area = area_of(shapely.box(0, 0, 4_000, 4_000))
    options = ZoningOptions(min_households=15, max_households=40, max_warden_distance_m=1500)

    def homes_across(plan) -> int:
        metrics = zone_metrics(
            plan.zones,
            households.merge(plan.assignment),
            min_households=15,
            max_households=40,
            max_warden_distance_m=1500,
            barriers=river,
        )
        assert (metrics["bounds"] == "ok").all()
        return int(metrics["barrier_crossings"].sum())

    aware = partition_zones(households, area, options, barriers=river)
    blind = partition_zones(households, area, options)
    assert homes_across(aware) == 0
    assert homes_across(blind) >= 10


def test_reach_is_measured_once_by_the_metrics() -> None:
    rng = np.random.default_rng(12)
    households = households_at(rng.uniform(0, 4_000, (300, 2)))
    area = area_of(shapely.box(0, 0, 4_000, 4_000))
    options = ZoningOptions(min_households=15, max_households=40, max_warden_distance_m=900)
    plan = partition_zones(households, area, options)
    assert not any("centre household" in note for note in plan.notes)
    metrics = zone_metrics(
        plan.zones,
        households.merge(plan.assignment),
        min_households=15,
        max_households=40,
        max_warden_distance_m=900,
        travel=StraightLineTravel(),
    )
    beyond = metrics.loc[~metrics["within_reach"]].sort_values("zone_id")
    notes = reach_notes(metrics, 900)
    assert len(notes) == len(beyond) > 0
    for note, zone_id, farthest in zip(
        notes, beyond["zone_id"], beyond["max_distance_m"], strict=True
    ):
        assert note == (
            f"zone {zone_id}: farthest home {farthest:,.0f} m from the centre household, "
            "measured in straight lines x 1.3; beyond the reach of 900 m"
        )


def zone_reach(xy: np.ndarray, labels: np.ndarray) -> dict[int, float]:
    """Return each zone's reach: its farthest home from its 1-median home."""
    reach = {}
    for zone in np.unique(labels):
        members = xy[labels == zone]
        distance = np.hypot(*(members[:, None, :] - members[None, :, :]).transpose(2, 0, 1))
        reach[int(zone)] = float(distance[distance.sum(axis=1).argmin()].max())
    return reach


def test_reach_pass_sheds_the_side_away_from_a_lonely_home() -> None:
    # Two rows of homes 100 m apart; zone 0 holds columns 0-11 and one home 2 km further
    # west that borders no other zone; zone 1 holds columns 12-25. Zone 0 can only shorten
    # its reach by giving its eastern homes to zone 1, so that its median moves west.
    columns = np.arange(26) * 100.0
    grid = np.array([(x, y) for x in columns for y in (0.0, 100.0)])
    xy = np.vstack([[(-2000.0, 50.0)], grid])
    labels = np.concatenate([[0], np.where(grid[:, 0] < 1200, 0, 1)])
    area = shapely.box(-2300, -300, 2800, 400)
    cells = tessellate(xy, area)
    weight = np.bincount(cells.cell_of, minlength=len(cells.points))
    cell_labels = np.zeros(len(cells.points), dtype=int)
    cell_labels[cells.cell_of] = labels
    refiner = _Refiner(cells, weight, cell_labels, 15, 40)
    before = zone_reach(xy, refiner.labels[cells.cell_of])

    refiner._shorten_reach()

    after_labels = refiner.labels[cells.cell_of]
    after = zone_reach(xy, after_labels)
    assert max(after.values()) < max(before.values()) - 150
    sizes = np.bincount(after_labels)
    assert sizes.min() >= 15
    assert sizes.max() <= 40
    for zone in np.unique(refiner.labels):
        dissolved = shapely.union_all(cells.polygons[refiner.labels == zone])
        assert dissolved.geom_type == "Polygon"
    again = _Refiner(cells, weight, cell_labels, 15, 40)
    again._shorten_reach()
    assert np.array_equal(again.labels, refiner.labels)


def strip_refiner(columns_per_zone: list[int], lo: int, hi: int) -> tuple[_Refiner, np.ndarray]:
    """Return a refiner over two rows of homes 100 m apart, zones taking columns in turn."""
    zone_of_column = np.repeat(np.arange(len(columns_per_zone)), columns_per_zone)
    xy = np.array([(x * 100.0, y) for x in range(len(zone_of_column)) for y in (0.0, 100.0)])
    labels = np.repeat(zone_of_column, 2)
    cells = tessellate(xy, shapely.box(-100, -100, len(zone_of_column) * 100.0, 200))
    weight = np.bincount(cells.cell_of, minlength=len(cells.points))
    cell_labels = np.zeros(len(cells.points), dtype=int)
    cell_labels[cells.cell_of] = labels
    return _Refiner(cells, weight, cell_labels, lo, hi), cells.cell_of


def test_repair_passes_homes_along_a_chain_of_zones() -> None:
    # Zones of 4, 8 and 20 homes in a row, bounds 8-20: the zone of 4 borders only the
    # zone at the minimum, which can give nothing unless the zone of 20 gives it a home.
    refiner, cell_of = strip_refiner([2, 4, 10], 8, 20)
    while refiner._repair_round():
        pass
    sizes = np.bincount(refiner.labels[cell_of])
    assert sizes.min() >= 8
    assert sizes.max() <= 20
    assert all(len(refiner._components(members)) == 1 for members in refiner.members)


def test_bounded_moves_find_a_chain_through_a_full_zone() -> None:
    # Cell 0 gains much by moving from zone 0 to zone 1, which is full; cell 1 loses a
    # little by moving on from zone 1 to zone 2, which has room: both move.
    cell, source, to = np.array([0, 1]), np.array([0, 1]), np.array([1, 2])
    weight, size = np.ones(2, dtype=int), np.array([20.0, 20.0, 10.0])
    moves = _bounded_moves(cell, source, to, np.array([-10.0, 1.0]), weight, size, 8, 20)
    assert moves.tolist() == [0, 1]
    # When passing on costs more than the first move gains, nothing moves.
    assert _bounded_moves(cell, source, to, np.array([-10.0, 11.0]), weight, size, 8, 20) is None


def helsinki_partition(shift_m: float = 0.0):
    """Partition the Helsinki sample, every home moved by ``shift_m`` (an ulp or so)."""
    station = load_station(SAMPLE, as_of=dt.date(2026, 11, 15))
    households = station.households.to_crs(station.crs)
    households.geometry = households.geometry.translate(shift_m, -shift_m)
    zones_config = station.config.zones
    options = ZoningOptions(
        zones_config.min_households, zones_config.max_households, zones_config.max_warden_distance_m
    )
    plan = partition_zones(
        households,
        station.boundary,
        options,
        barriers=barrier_lines(station.osm, station.crs),
        places=station.osm.places,
    )
    return plan, households, station.boundary.to_crs(station.crs).geometry.iloc[0], options


def slanted_station(seed: int, shift_m: float = 0.0):
    """A generated station at UTM-sized coordinates: slanted edges, a hole, a road, a railway."""
    rng = np.random.default_rng(seed)
    origin = (385_000.0, 6_671_000.0)
    outline = shapely.Polygon(
        [(0, 300), (2_600, 0), (3_000, 2_700), (1_400, 3_200), (200, 2_500)]
    ).difference(shapely.Point(1_500, 1_500).buffer(250))
    xy = rng.uniform(0, 3_200, (900, 2))
    xy = xy[shapely.contains_xy(outline, xy[:, 0], xy[:, 1])]
    lines = [
        shapely.LineString([(-100, 1_100), (3_100, 1_900)]),
        shapely.LineString([(900, -100), (1_700, 3_300)]),
    ]
    barriers = gpd.GeoDataFrame(
        {"kind": ["primary", "railway"]},
        geometry=[shapely.affinity.translate(line, *origin) for line in lines],
        crs=UTM,
    )
    area = shapely.affinity.translate(outline, *origin)
    households = households_at(xy + origin + shift_m)
    options = ZoningOptions(min_households=10, max_households=25, max_warden_distance_m=2000)
    plan = partition_zones(households, area_of(area), options, barriers=barriers)
    return plan, households, area, options


def slanted_station_2(shift_m: float = 0.0):
    return slanted_station(2, shift_m)


def slit_length(polygon: shapely.Geometry) -> float:
    """Return the outline a 1 cm closing or opening removes: zero-width slits and spikes."""
    closed = polygon.buffer(0.01).buffer(-0.01)
    opened = polygon.buffer(-0.01).buffer(0.01)
    return polygon.length - min(closed.length, opened.length)


@pytest.mark.parametrize("station", [helsinki_partition, slanted_station_2])
def test_zone_outlines_have_no_zero_width_slit_or_spike(station) -> None:
    plan, households, area, options = station()
    check_invariants(plan, households, area, options)
    slits = {
        zone_id: round(slit_length(polygon), 3)
        for zone_id, polygon in zip(plan.zones["zone_id"], plan.zones.geometry, strict=True)
        if slit_length(polygon) > 0.001 * polygon.length
    }
    assert slits == {}


@pytest.mark.parametrize("station", [helsinki_partition, slanted_station_2])
def test_homes_moved_by_an_ulp_give_the_same_zones(station) -> None:
    plan = station()[0]
    moved = station(1e-9)[0]
    pd.testing.assert_frame_equal(plan.assignment, moved.assignment)
    assert list(plan.zones["zone_id"]) == list(moved.zones["zone_id"])
    same = shapely.equals_exact(plan.zones.geometry.array, moved.zones.geometry.array, 0.01)
    assert same.all(), list(plan.zones["zone_id"][~same])


def snaking_refiner() -> tuple[_Refiner, Tessellation]:
    """Return a refiner over a 9 x 6 grid of homes 100 m apart, bounds 15-21.

    Zone 0 (16 homes) snakes along the west and south edges and up the east edge; zones
    1 (20) and 2 (18) fill the inside, west and east of a barrier that cuts the northern
    half of the grid between its fifth and sixth columns.
    """
    grid = np.array([(x, y) for x in range(9) for y in range(6)], dtype=float)
    x, y = grid.T
    labels = np.where((x == 0) | (y == 0) | ((x == 8) & (y <= 2)), 0, np.where(x <= 4, 1, 2))
    barrier = shapely.LineString([(450, 250), (450, 700)])
    cells = tessellate(grid * 100.0, shapely.box(-50, -50, 850, 550), np.array([barrier]))
    weight = np.bincount(cells.cell_of, minlength=len(cells.points))
    cell_labels = np.zeros(len(cells.points), dtype=int)
    cell_labels[cells.cell_of] = labels
    return _Refiner(cells, weight, cell_labels, 15, 21), cells


def test_resolve_shares_a_snaking_zone_and_its_neighbours_anew() -> None:
    refiner, cells = snaking_refiner()
    reach = np.array([refiner._reach(z)[0] for z in range(3)])
    assert reach.max() > 580  # the snake: from its corner to either end
    shortened, _ = snaking_refiner()
    shortened._shorten_reach()
    by_reach_pass = max(shortened._reach(z)[0] for z in range(3))

    assert refiner._resolve(0, reach)

    assert reach.max() < min(by_reach_pass, 320)
    assert np.allclose(reach, [refiner._reach(z)[0] for z in range(3)])
    sizes = np.bincount(refiner.labels)
    assert sizes.min() >= 15
    assert sizes.max() <= 21
    for members in refiner.members:
        # One piece, joined by borders that do not cross the barrier.
        assert len(refiner._components(members, open_only=True)) == 1
    across = cells.edges[cells.crosses_barrier]
    assert len(across) == 3
    assert (refiner.labels[across[:, 0]] != refiner.labels[across[:, 1]]).all()
    again, _ = snaking_refiner()
    again._resolve(0, np.array([again._reach(z)[0] for z in range(3)]))
    assert np.array_equal(again.labels, refiner.labels)
    # Nothing shorter is found the second time: the layout stays as it is.
    labels = refiner.labels.copy()
    assert not any(refiner._resolve(z, reach) for z in range(3))
    assert np.array_equal(refiner.labels, labels)
