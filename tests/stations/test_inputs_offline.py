"""Geodata is read offline and only from local formats; a VRT or a linked CRS fetches nothing."""

from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from stations import load_station
from stations.boundary import read_boundary
from stations.errors import InputError, StationError
from stations.zones_file import read_zones_file

WKT_4326 = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
    'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]'
)
SQUARE = [[[24.90, 60.15], [24.98, 60.15], [24.98, 60.20], [24.90, 60.20], [24.90, 60.15]]]


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(f"GET {self.path}")
        body = json.dumps(_square("served")).encode() if "json" in self.path else WKT_4326.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.requests.append(f"HEAD {self.path}")
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        """Keep the test output quiet."""


def _square(name: str) -> dict[str, object]:
    feature = {
        "type": "Feature",
        "properties": {"zone_id": name},
        "geometry": {"type": "Polygon", "coordinates": SQUARE},
    }
    return {"type": "FeatureCollection", "features": [feature]}


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """Serve on 127.0.0.1 and record every request; yield (base URL, requests)."""
    requests: list[str] = []
    handler = type("Handler", (_Recorder,), {"requests": requests})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


def _vrt(url: str) -> str:
    return (
        '<OGRVRTDataSource><OGRVRTLayer name="area">'
        f"<SrcDataSource>/vsicurl/{url}/area.geojson</SrcDataSource>"
        "</OGRVRTLayer></OGRVRTDataSource>"
    )


def _use_boundary(station: Path, name: str) -> None:
    toml = station / "station.toml"
    toml.write_text(toml.read_text().replace('"boundary.geojson"', f'"{name}"'))


def test_vrt_boundary_is_refused_without_a_request(
    tiny_station: Path, server: tuple[str, list[str]], tmp_path: Path
) -> None:
    url, requests = server
    (tiny_station / "area.vrt").write_text(_vrt(url))
    _use_boundary(tiny_station, "area.vrt")
    runner = CliRunner()
    validate = runner.invoke(main, ["validate", str(tiny_station)])
    plan = runner.invoke(main, ["plan", str(tiny_station), "--out", str(tmp_path / "plan")])
    assert validate.exit_code == 1
    assert plan.exit_code == 1
    for result in (validate, plan):
        assert "area.vrt" in result.stderr
        assert "virtual dataset (VRT)" in result.stderr
    assert requests == []
    assert not (tmp_path / "plan").exists()


def test_vrt_named_geojson_is_refused_by_content(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, requests = server
    (tmp_path / "zones.geojson").write_text(_vrt(url))
    with pytest.raises(InputError, match="virtual dataset") as caught:
        read_zones_file(tmp_path / "zones.geojson", "zones.geojson")
    assert caught.value.issue.file == "zones.geojson"
    assert requests == []


def test_external_references_in_geojson_and_kml_fetch_nothing(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, requests = server
    data = _square("A") | {
        "crs": {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "ogcwkt"}}
    }
    (tmp_path / "area.geojson").write_text(json.dumps(data))
    area = read_boundary(tmp_path / "area.geojson", "area.geojson")
    assert area.bounds == pytest.approx((24.90, 60.15, 24.98, 60.20))
    ring = " ".join(f"{x},{y}" for x, y in SQUARE[0])
    (tmp_path / "zones.kml").write_text(
        '<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<NetworkLink><name>more</name><Link><href>{url}/more.kml</href></Link></NetworkLink>"
        f"<Placemark><name>Z1</name><Style><IconStyle><Icon><href>{url}/i.png</href></Icon>"
        "</IconStyle></Style><Polygon><outerBoundaryIs><LinearRing><coordinates>"
        f"{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>"
        "</Document></kml>"
    )
    zones = read_zones_file(tmp_path / "zones.kml", "zones.kml")
    assert list(zones["zone_id"]) == ["Z1"]
    assert requests == []


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"SQLite format 3\x00" + b"\x00" * 200, "SQLite database that is not a GeoPackage"),
        (b"<gml:FeatureCollection xmlns:gml='x'/>", "XML that is not KML"),
        (b"PK\x03\x04 zipped", "ZIP archive"),
        (b"name,lat,lon\nA,1,2\n", "unknown format"),
    ],
)
def test_other_formats_are_refused_naming_the_file(
    tmp_path: Path, content: bytes, found: str
) -> None:
    (tmp_path / "area.geojson").write_bytes(content)
    with pytest.raises(InputError, match=found) as caught:
        read_boundary(tmp_path / "area.geojson", "area.geojson")
    assert caught.value.issue.file == "area.geojson"
    assert "GeoJSON, GeoPackage, KML, Shapefile, FlatGeobuf" in caught.value.issue.message


def test_a_folder_or_a_fifo_is_named_for_what_it_is(tiny_station: Path) -> None:
    (tiny_station / "area").mkdir()
    _use_boundary(tiny_station, "area")
    with pytest.raises(StationError) as caught:
        load_station(tiny_station)
    assert any("is a folder, not a file" in i.message for i in caught.value.issues)
    (tiny_station / "area").rmdir()
    os.mkfifo(tiny_station / "area")
    with pytest.raises(StationError) as caught:
        load_station(tiny_station)
    (issue,) = [i for i in caught.value.issues if i.file == "area"]
    assert "is not a regular file" in issue.message
