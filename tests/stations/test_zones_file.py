"""Reading hand-drawn zones: Google Earth KML, GeoJSON, GeoPackage, and bad files."""

from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from stations import InputError
from stations.errors import Issue
from stations.zones_file import read_zones_file

# As Google Earth Pro saves "My Places" folders: a Document, a Folder per group,
# Placemarks with a name, a description, 3D coordinates and one MultiGeometry.
KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>Warden zones.kml</name>
<Style id="z"><PolyStyle><color>7f00ff00</color></PolyStyle></Style>
<Folder><name>North</name>
<Placemark><name>Z01</name><description>Kallio side</description><styleUrl>#z</styleUrl>
<Polygon><tessellate>1</tessellate><outerBoundaryIs><LinearRing><coordinates>
24.90,60.175,0 24.98,60.175,0 24.98,60.20,0 24.90,60.20,0 24.90,60.175,0
</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Folder>
<Folder><name>South</name>
<Placemark><name>Z02</name><MultiGeometry>
<Polygon><outerBoundaryIs><LinearRing><coordinates>
24.90,60.15,0 24.98,60.15,0 24.98,60.175,0 24.90,60.175,0 24.90,60.15,0
</coordinates></LinearRing></outerBoundaryIs></Polygon>
<Polygon><outerBoundaryIs><LinearRing><coordinates>
25.00,60.15,0 25.01,60.15,0 25.01,60.16,0 25.00,60.16,0 25.00,60.15,0
</coordinates></LinearRing></outerBoundaryIs></Polygon>
</MultiGeometry></Placemark>
</Folder></Document></kml>
"""


def boxes(ids: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"zone_id": ids, "zone_name": [f"zone {i}" for i in ids]},
        geometry=[
            shapely.box(24.9 + i * 0.01, 60.1, 24.91 + i * 0.01, 60.11) for i in range(len(ids))
        ],
        crs="EPSG:4326",
    )


def test_google_earth_kml_with_folders_and_multigeometry(tmp_path: Path) -> None:
    path = tmp_path / "zones.kml"
    path.write_text(KML, encoding="utf-8")
    zones = read_zones_file(path, "zones.kml")
    assert list(zones["zone_id"]) == ["Z01", "Z02"]
    assert list(zones["zone_name"]) == ["Kallio side", ""]
    assert zones.crs.to_epsg() == 4326
    assert list(zones.geom_type) == ["Polygon", "MultiPolygon"]
    assert not any(shapely.has_z(zones.geometry))
    assert zones.geometry.iloc[0].equals(shapely.box(24.90, 60.175, 24.98, 60.20))


@pytest.mark.parametrize(
    ("suffix", "driver"),
    [(".geojson", "GeoJSON"), (".gpkg", "GPKG"), (".kml", "KML")],
    ids=["geojson", "gpkg", "kml"],
)
def test_round_trip(tmp_path: Path, suffix: str, driver: str) -> None:
    written = boxes(["Z01", "Z02", "Z03"])
    path = tmp_path / f"zones{suffix}"
    written.to_file(path, driver=driver)
    back = read_zones_file(path, path.name)
    assert list(back["zone_id"]) == ["Z01", "Z02", "Z03"]
    assert all(
        a.equals_exact(b, 1e-9) for a, b in zip(back.geometry, written.geometry, strict=True)
    )


def test_zones_without_ids_are_numbered_in_file_order(tmp_path: Path) -> None:
    frame = boxes(["a", "b"]).drop(columns=["zone_id", "zone_name"])
    frame.to_file(tmp_path / "plain.geojson")
    back = read_zones_file(tmp_path / "plain.geojson", "plain.geojson")
    assert list(back["zone_id"]) == ["Z01", "Z02"]
    assert list(back["zone_name"]) == ["", ""]


def test_points_and_lines_are_skipped_with_one_warning(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"Name": ["UN office", "North", "Ring road", None, "South"]},
        geometry=[
            shapely.Point(0.5, 0.5),
            shapely.box(0, 0, 1, 1),
            shapely.LineString([(0, 0), (1, 1)]),
            shapely.Point(2, 2),
            shapely.box(1, 0, 2, 1),
        ],
        crs="EPSG:4326",
    )
    frame.to_file(tmp_path / "mixed.geojson")
    issues: list[Issue] = []
    zones = read_zones_file(tmp_path / "mixed.geojson", "mixed.geojson", issues=issues)
    assert list(zones["zone_id"]) == ["North", "South"]
    assert [(i.severity, i.file, i.column) for i in issues] == [
        ("warning", "mixed.geojson", "geometry")
    ]
    assert issues[0].message == (
        "3 feature(s) that are not polygons skipped: feature 1 'UN office' (Point), "
        "feature 3 'Ring road' (LineString), feature 4 (Point); only polygons are warden zones"
    )


def test_many_skipped_features_are_summarised(tmp_path: Path) -> None:
    points = [shapely.Point(i, 5) for i in range(8)]
    frame = gpd.GeoDataFrame(
        {"Name": [f"P{i}" for i in range(8)] + ["Z01"]},
        geometry=[*points, shapely.box(0, 0, 1, 1)],
        crs="EPSG:4326",
    )
    frame.to_file(tmp_path / "pins.geojson")
    issues: list[Issue] = []
    read_zones_file(tmp_path / "pins.geojson", "pins.geojson", issues=issues)
    assert len(issues) == 1
    assert "8 feature(s)" in issues[0].message
    assert "feature 5 'P4' (Point) and 3 more;" in issues[0].message


def test_a_file_without_polygons_is_refused(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"zone_id": ["A", "B"]},
        geometry=[shapely.Point(0, 0), shapely.LineString([(0, 0), (1, 1)])],
        crs="EPSG:4326",
    )
    frame.to_file(tmp_path / "lines.geojson")
    with pytest.raises(InputError, match=r"no polygon.*1 Point, 1 LineString") as caught:
        read_zones_file(tmp_path / "lines.geojson", "lines.geojson")
    issue = caught.value.issue
    assert (issue.file, issue.row, issue.column) == ("lines.geojson", 1, "geometry")
    assert not str(caught.value).startswith("error")


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    boxes(["A", "B", "A"]).to_file(tmp_path / "twice.geojson")
    with pytest.raises(InputError, match="zone id 'A' is used twice") as caught:
        read_zones_file(tmp_path / "twice.geojson", "twice.geojson")
    assert (caught.value.issue.row, caught.value.issue.column) == (3, "zone_id")


def test_missing_empty_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_zones_file(tmp_path / "nothing.kml", "nothing.kml")
    (tmp_path / "empty.kml").write_bytes(b"")
    with pytest.raises(InputError, match="the file is empty"):
        read_zones_file(tmp_path / "empty.kml", "empty.kml")
    (tmp_path / "broken.geojson").write_text("{ not json", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read the zones"):
        read_zones_file(tmp_path / "broken.geojson", "broken.geojson")


def test_zones_without_a_crs_are_refused(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        boxes(["A"]).set_crs(None, allow_override=True).to_file(tmp_path / "nocrs.gpkg")
    with pytest.raises(InputError, match="no CRS"):
        read_zones_file(tmp_path / "nocrs.gpkg", "nocrs.gpkg")


@pytest.mark.parametrize(
    ("ids", "row", "message"),
    [
        (["Z01", "", "Z03"], 2, "feature 2: the zone id is empty"),
        (["Z01", "Z\x1b[2J"], 2, "holds the control character U+001B"),
        (["Z\u202e10"], 1, "holds the control character U+202E"),
        (["Z01", "Z" * 65], 2, "the zone id has 65 characters (at most 64)"),
        (["Z01", "Z02", "z01"], 3, "zone id 'z01' is 'Z01' but for case (feature 1)"),
    ],
    ids=["empty", "escape", "bidi-override", "too-long", "case"],
)
def test_bad_zone_ids_are_refused_with_feature_and_column(
    tmp_path: Path, ids: list[str], row: int, message: str
) -> None:
    boxes(ids).to_file(tmp_path / "bad.geojson")
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        read_zones_file(tmp_path / "bad.geojson", "bad.geojson")
    issue = caught.value.issue
    assert (issue.file, issue.row, issue.column) == ("bad.geojson", row, "zone_id")


def test_path_separators_in_ids_are_kept_as_data(tmp_path: Path) -> None:
    boxes(["../../../../tmp/x", "a/b", " C\\D "]).to_file(tmp_path / "paths.geojson")
    back = read_zones_file(tmp_path / "paths.geojson", "paths.geojson")
    assert list(back["zone_id"]) == ["../../../../tmp/x", "a/b", "C\\D"]
