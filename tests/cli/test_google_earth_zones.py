"""Zones drawn in Google Earth: pinned places beside the polygons, hairline slivers, names.

The KML is made as Google Earth saves it (Document, Folder, Placemarks, 3D coordinates)
from the zones `planner zones` draws for the tiny station, each zone traced on its own:
vertices every 20 m, each off by up to 0.8 m, coordinates rounded to 6 decimals. Two
pinned places (the office, a landmark) sit beside the polygons.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from click.testing import CliRunner, Result

from planner.build import zone_station
from planner.cli import main
from stations import load_station
from stations.zones_file import read_zones_file
from zones.handdrawn import check_zones
from zones.partition import ZoningOptions

HAIRLINE_NOTE = re.compile(
    r"^(\d+) hairline gap\(s\) and (\d+) overlap\(s\) between zones snapped "
    r"\(each narrower than 4 m, or under 100 m2 without homes\)$"
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def set_bounds(station: Path, minimum: int, maximum: int) -> None:
    toml = station / "station.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r"min_households = \d+", f"min_households = {minimum}", text)
    text = re.sub(r"max_households = \d+", f"max_households = {maximum}", text)
    toml.write_text(text, encoding="utf-8")


def use_zones_file(station: Path, name: str) -> None:
    toml = station / "station.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace("[files]\n", f'[files]\nzones = "{name}"\n')
    toml.write_text(text, encoding="utf-8")


def placemark(name: str, geometry: str) -> str:
    return f"<Placemark><name>{escape(name)}</name><styleUrl>#z</styleUrl>{geometry}</Placemark>"


def traced_by_hand(zones: gpd.GeoDataFrame, seed: int) -> list[str]:
    """Return each zone's ring as KML coordinates, traced on its own and rounded."""
    rng = np.random.default_rng(seed)
    utm = zones.estimate_utm_crs()
    rings = []
    for polygon in zones.to_crs(utm).geometry:
        ring = np.asarray(shapely.segmentize(polygon, 20).exterior.coords)
        ring += rng.uniform(-0.8, 0.8, ring.shape)
        ring[-1] = ring[0]
        back = gpd.GeoSeries([shapely.Polygon(ring)], crs=utm).to_crs(4326).iloc[0]
        rings.append(" ".join(f"{x:.6f},{y:.6f},0" for x, y in back.exterior.coords))
    return rings


def google_earth_kml(zones: gpd.GeoDataFrame, path: Path, *, names: list[str]) -> None:
    office = "<Point><coordinates>24.938400,60.169900,0</coordinates></Point>"
    landmark = "<Point><coordinates>24.936700,60.171900,0</coordinates></Point>"
    polygons = [
        placemark(
            name,
            "<Polygon><tessellate>1</tessellate><outerBoundaryIs><LinearRing><coordinates>"
            f"{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon>",
        )
        for name, ring in zip(names, traced_by_hand(zones, seed=7), strict=True)
    ]
    body = [placemark("UN office", office), *polygons, placemark("Kiasma", landmark)]
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2" '
        'xmlns:gx="http://www.google.com/kml/ext/2.2">\n'
        "<Document><name>Warden zones.kml</name>"
        '<Style id="z"><PolyStyle><color>7f00ff00</color></PolyStyle></Style>\n'
        "<Folder><name>Warden zones</name>\n" + "\n".join(body) + "\n</Folder></Document></kml>\n",
        encoding="utf-8",
    )


@pytest.fixture
def drawn_in_google_earth(tiny_station: Path, tmp_path: Path) -> Path:
    """Return the tiny station with its planned zones redrawn in a Google Earth KML."""
    set_bounds(tiny_station, 1, 2)
    planned = tmp_path / "planned"
    result = run("zones", str(tiny_station), "--out", str(planned))
    assert result.exit_code == 0, result.output
    zones = gpd.read_file(planned / "zones.geojson")
    assert len(zones) == 3
    google_earth_kml(zones, tiny_station / "zones.kml", names=list(zones["zone_id"]))
    use_zones_file(tiny_station, "zones.kml")
    return tiny_station


def test_the_kml_has_hairline_slivers_as_drawn(drawn_in_google_earth: Path) -> None:
    station = load_station(drawn_in_google_earth)
    zones = read_zones_file(drawn_in_google_earth / "zones.kml", "zones.kml").to_crs(station.crs)
    area = station.boundary.to_crs(station.crs).geometry.iloc[0]
    households = station.households.to_crs(station.crs)
    check = check_zones(zones, households, area, ZoningOptions(1, 2, 1500))
    assert len(check.gaps) > 20
    assert len(check.overlaps) == 3
    # Hairlines: each gap's mean width (area over half its perimeter) is under 2 m.
    widths = check.gaps["area_m2"] / (check.gaps.geometry.length / 2)
    assert (widths < 2).all()


def test_google_earth_zones_are_read_snapped_and_summarised(
    drawn_in_google_earth: Path, tmp_path: Path
) -> None:
    out = tmp_path / "drawn"
    result = run("zones", str(drawn_in_google_earth), "--out", str(out), "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    notes = summary["notes"]
    assert summary["source"] == "hand-drawn"
    assert notes[0] == (
        "zones.kml, column 'geometry': 2 feature(s) that are not polygons skipped: "
        "feature 1 'UN office' (Point), feature 5 'Kiasma' (Point); only polygons are warden "
        "zones"
    )
    hairlines = [m for note in notes if (m := HAIRLINE_NOTE.match(note))]
    assert len(hairlines) == 1, notes
    assert int(hairlines[0].group(1)) > 20
    assert int(hairlines[0].group(2)) > 0
    assert len(notes) == 2, notes  # nothing else: no "gap of", no "overlap over"
    assignments = pd.read_csv(out / "assignments.csv", encoding="utf-8-sig", dtype=str)
    assert (assignments["status"] == "assigned").all(), assignments
    assert set(assignments["zone_id"]) == {"Z01", "Z02", "Z03"}
    station = load_station(drawn_in_google_earth)
    snapped = zone_station(station).plan.zones  # the files round coordinates again: in memory
    area = station.boundary.to_crs(station.crs).geometry.iloc[0]
    assert area.difference(snapped.union_all()).area < 1
    pairs = [(a, b) for a in range(3) for b in range(a + 1, 3)]
    assert all(snapped.geometry[a].intersection(snapped.geometry[b]).area < 1 for a, b in pairs)

    validate = run("validate", str(drawn_in_google_earth))
    assert validate.exit_code == 0, validate.output
    assert validate.stderr.count("not polygons skipped") == 1
    assert "0 error(s), 1 warning(s)" in validate.output


def test_zone_names_that_say_zone_are_not_prefixed(
    drawn_in_google_earth: Path, tmp_path: Path
) -> None:
    planned = gpd.read_file(tmp_path / "planned" / "zones.geojson")  # by the fixture
    ids = [f"Zone {zone_id}" for zone_id in planned["zone_id"]]
    google_earth_kml(planned, drawn_in_google_earth / "zones.kml", names=ids)
    set_bounds(drawn_in_google_earth, 1, 1)
    result = run("zones", str(drawn_in_google_earth), "--out", str(tmp_path / "named"))
    assert result.exit_code == 0, result.output
    assert "zone Zone" not in result.output
    assert re.search(r"note: Zone Z0\d has 2: too many", result.output), result.output


def test_a_kml_of_only_pins_is_refused_with_the_prefix_once(
    tiny_station: Path, tmp_path: Path
) -> None:
    pins = placemark("UN office", "<Point><coordinates>24.9384,60.1699,0</coordinates></Point>")
    (tiny_station / "zones.kml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document><Folder>{pins}</Folder></Document></kml>\n",
        encoding="utf-8",
    )
    use_zones_file(tiny_station, "zones.kml")
    result = run("zones", str(tiny_station), "--out", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert "zones.kml, row 1, column 'geometry': the file has no polygon" in result.stderr
    assert "error: error" not in result.stderr
    assert "Traceback" not in result.output


def test_a_broken_previous_plan_is_reported_with_the_prefix_once(
    tiny_station: Path, tmp_path: Path
) -> None:
    previous = tmp_path / "previous"
    assert run("zones", str(tiny_station), "--out", str(previous)).exit_code == 0
    pinned = gpd.GeoDataFrame(
        {"zone_id": ["Z01"]}, geometry=[shapely.Point(24.94, 60.17)], crs=4326
    )
    (previous / "zones.geojson").unlink()
    pinned.to_file(previous / "zones.geojson")
    out = tmp_path / "again"
    result = run("zones", str(tiny_station), "--out", str(out), "--previous", str(previous))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"error: {previous / 'zones.geojson'}, row 1, column 'geometry'")
    assert "error: error" not in result.stderr


def test_a_broken_station_toml_is_reported_with_the_prefix_once(
    tiny_station: Path, tmp_path: Path
) -> None:
    toml = tiny_station / "station.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "x = [\n", encoding="utf-8")
    result = run("zones", str(tiny_station), "--out", str(tmp_path / "x"))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: station.toml: not valid TOML")
    assert "error: error" not in result.stderr
    assert result.stderr.count("not valid TOML") == 1
