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
from stations.synth import synthesize_station, write_helsinki_sample

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


def test_unknown_city_suggests_close_names(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="did you mean Genf"):
        synthesize_station(tmp_path / "x", households=10, seed=1, city="Genff")


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
    for name in ("staff.csv", "offices.csv", "points.csv", "boundary.geojson", "station.toml"):
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
    hotels = station.points[station.points["kind"] == "hotel"]
    assert "Hotel Kämp" in set(hotels["name"])
