"""`planner plan --redact` withstands inference: no ids, no home-shaped edges, no home distances."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from pypdf import PdfReader

from planner.cli import main
from stations import Station
from stations._synth_people import draw_dependants, draw_visitors
from stations.load import load_station
from tests.conftest import TINY

SAMPLE = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"
FINEST_GRID_M = 62.5  # every cell side of zones.coarse is a multiple of it
TOLERANCE_M = 1.0  # map.html keeps 5 decimals of a degree (about 1 m)


AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the sample with named dependants and visitors at its hotels."""
    folder = tmp_path_factory.mktemp("sample") / "helsinki"
    shutil.copytree(SAMPLE, folder)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    points = pd.read_csv(folder / "points.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(20)
    dependants = draw_dependants(rng, staff, "FI", AS_OF)
    dependants.to_csv(folder / "dependants.csv", index=False)
    hotels = sorted(points.loc[points["kind"] == "hotel", "point_id"])
    visitors = draw_visitors(rng, staff, hotels, AS_OF)
    visitors["arrival"] = AS_OF.isoformat()  # every one present on the plan date
    visitors["departure"] = (AS_OF + dt.timedelta(days=3)).isoformat()
    visitors.to_csv(folder / "visitors.csv", index=False)
    toml = folder / "station.toml"
    text = toml.read_text(encoding="utf-8").replace(
        'threats = "threats.csv"\n',
        'threats = "threats.csv"\ndependants = "dependants.csv"\nvisitors = "visitors.csv"\n',
    )
    toml.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def station(sample: Path) -> Station:
    return load_station(sample, as_of=AS_OF)


@pytest.fixture(scope="module")
def redacted(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shared") / "helsinki"
    result = CliRunner().invoke(
        main, ["plan", str(sample), "--out", str(out), "--redact", "--as-of", AS_OF.isoformat()]
    )
    assert result.exit_code == 0, result.output
    return out


def page_data(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    start = html.index("var wzData = ") + len("var wzData = ")
    data, _ = json.JSONDecoder().raw_decode(html[start:])
    return data


def file_texts(path: Path) -> list[str]:
    """Return what a file says: PDF text, every GeoPackage layer and its bytes, or its bytes."""
    if path.suffix == ".pdf":
        return [" ".join(page.extract_text() for page in PdfReader(path).pages)]
    texts = [path.read_bytes().decode("latin-1")]
    if path.suffix == ".gpkg":
        for layer, _ in pyogrio.list_layers(path):
            frame = pyogrio.read_dataframe(path, layer=layer)
            texts.append(frame.drop(columns="geometry").to_csv())
    return texts


def test_no_output_holds_an_id_or_name_of_staff_dependants_or_visitors(
    redacted: Path, station: Station
):
    ids = {*station.staff["staff_id"], *station.staff["household_id"].dropna()}
    ids |= set(station.households["household_id"])
    assert any(i.startswith("H-") for i in ids)  # households named by proximity are in too
    dependants, visitors = station.accepted_dependants, station.visitors_on()
    assert (~dependants["numbered"]).sum() > 100  # named ones, and a few numbered
    assert dependants["numbered"].any()
    assert len(visitors) >= 3
    ids |= {*dependants["person_id"], *visitors["visitor_id"]}
    pattern = re.compile(
        r"(?<![A-Za-z0-9_-])(" + "|".join(map(re.escape, sorted(ids))) + r")(?![A-Za-z0-9_-])"
    )
    names = {*station.staff["name"], *dependants["name"].dropna(), *visitors["name"]}
    phones = {*dependants["phone"].dropna(), *visitors["phone"].dropna()}
    assert len(phones) > 50
    zones = gpd.read_file(redacted / "zones.geojson")
    assert zones["visitors"].sum() == len(visitors)  # the counts stay
    files = sorted(p for p in redacted.rglob("*") if p.is_file())
    assert {"assignments.csv", "moss.json", "plan.gpkg", "security_plan.pdf"} <= {
        p.name for p in files
    }
    for path in files:
        for text in file_texts(path):
            found = pattern.search(text)
            assert found is None, (path.name, found.group(0) if found else None)
            leaked = [n for n in names | phones if n in text]
            assert not leaked, (path.name, leaked[:3])


def zone_polygons(redacted: Path) -> dict[str, gpd.GeoSeries]:
    """Return every set of zone and area polygons a redacted plan draws."""
    kml = ET.parse(redacted / "zones.kml")  # noqa: S314 (our own output)
    rings = [
        shapely.Polygon([tuple(map(float, c.split(",")[:2])) for c in e.text.split()])
        for e in kml.iter("{http://www.opengis.net/kml/2.2}coordinates")
    ]
    data = page_data(redacted / "map.html")
    drawn = {
        "zones.geojson": gpd.read_file(redacted / "zones.geojson").geometry,
        "plan.gpkg zones": gpd.read_file(redacted / "plan.gpkg", layer="zones").geometry,
        "plan.gpkg areas": gpd.read_file(redacted / "plan.gpkg", layer="areas").geometry,
        "zones.kml": gpd.GeoSeries(rings, crs=4326),
    }
    for layer in ("zones", "areas"):
        shapes = [shapely.geometry.shape(f["geometry"]) for f in data[layer]["features"]]
        drawn[f"map.html {layer}"] = gpd.GeoSeries(shapes, crs=4326)
    return drawn


def test_zone_edges_follow_the_grid_not_the_homes(redacted: Path, station: Station):
    boundary = station.boundary.to_crs(station.crs).union_all().boundary
    for where, polygons in zone_polygons(redacted).items():
        xy = shapely.get_coordinates(polygons.to_crs(station.crs).to_numpy())
        assert len(xy) > 20, where
        off_x = np.abs((xy[:, 0] + FINEST_GRID_M / 2) % FINEST_GRID_M - FINEST_GRID_M / 2)
        off_y = np.abs((xy[:, 1] + FINEST_GRID_M / 2) % FINEST_GRID_M - FINEST_GRID_M / 2)
        on_grid = (off_x < TOLERANCE_M) | (off_y < TOLERANCE_M)
        on_boundary = shapely.distance(shapely.points(xy), boundary) < TOLERANCE_M
        assert (on_grid | on_boundary).all(), (where, xy[~(on_grid | on_boundary)][:3])
        if "areas" not in where:  # one area in the sample: its edge is the boundary
            assert on_grid[~on_boundary].sum() > 10, where  # the grid draws the inner edges


def test_redacted_zones_tile_and_keep_their_households(redacted: Path, station: Station):
    zones = gpd.read_file(redacted / "zones.geojson").to_crs(station.crs)
    assert zones.geometry.notna().all()
    assert zones.is_valid.all()
    assert {"warden_id", "deputy_id"}.isdisjoint(zones.columns)
    assert set(zones["warden"]) <= {"appointed", "none"}
    overlap = sum(
        a.intersection(b).area
        for i, a in enumerate(zones.geometry)
        for b in zones.geometry[i + 1 :]
    )
    assert overlap < 1.0
    area = station.boundary.to_crs(station.crs).area.sum()
    assert abs(zones.area.sum() / area - 1) < 0.02
    homes = station.households.to_crs(station.crs)
    inside = gpd.sjoin(homes, zones[["zone_id", "geometry"]], predicate="within")
    assert len(inside) >= 0.6 * len(homes)  # approximate: a zone's cells, not its homes


def test_no_distance_measured_from_a_home(redacted: Path):
    routes = gpd.read_file(redacted / "plan.gpkg", layer="routes")
    from_zones = routes[routes["kind"] == "zone_to_assembly"]
    assert len(from_zones)
    for column in ("length_m", "time_s", "access_m"):
        assert from_zones[column].isna().all(), column
        assert routes.loc[routes["kind"] != "zone_to_assembly", column].notna().any(), column
    shown = [
        dict(f["properties"]["tip"]["rows"])
        for f in page_data(redacted / "map.html")["routes"]["features"]
        if f["properties"]["kind"] == "zone_to_assembly"
    ]
    assert shown
    assert all(r["Length"] == "not shown" and r["Time"] == "not shown" for r in shown)
    metrics = pd.read_csv(redacted / "zone_metrics.csv", encoding="utf-8-sig")
    assert "centre_household_id" not in metrics.columns
    flags = pd.read_csv(redacted / "flags.csv", encoding="utf-8-sig")
    far = flags[flags["code"] == "far_from_street"]
    assert not far["message"].str.contains(r"\d m ", regex=True).any()
    plan = (redacted / "security_plan.html").read_text(encoding="utf-8")
    assert "zone to assembly" in plan
    assert not re.search(r"zone to assembly</td><td>[^<]*</td><td>[^<]*</td><td>\d", plan)


def test_findings_about_persons_are_counts_only(redacted: Path):
    report = json.loads((redacted / "moss.json").read_text(encoding="utf-8"))
    personal = [r for r in report["rules"] if r["applies_to"] in ("staff", "household")]
    assert any(r["failed"] for r in personal)  # TRN-01 fails for dozens in the sample
    for rule in personal:
        assert rule["failures"] == [], rule["id"]
        assert rule["failures_not_listed"] == rule["failed"], rule["id"]
    assignments = pd.read_csv(redacted / "assignments.csv", encoding="utf-8-sig")
    assert list(assignments.columns) == ["zone_id", "area_id", "status", "staff"]
    assert assignments["staff"].sum() == 162
    appointments = pd.read_csv(redacted / "appointments.csv", encoding="utf-8-sig")
    assert list(appointments.columns) == ["zone_id", "area_id", "role"]


def test_a_redacted_plan_is_refused_as_previous(redacted: Path, tmp_path: Path):
    result = CliRunner().invoke(
        main, ["plan", str(SAMPLE), "--out", str(tmp_path / "p"), "--previous", str(redacted)]
    )
    assert result.exit_code == 1, result.output
    assert "names no households" in result.stderr
    assert "Traceback" not in result.output


def test_without_a_boundary_file_the_outline_is_grid_cells_too(tmp_path: Path):
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    toml = folder / "station.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('boundary = "boundary.geojson"\n', ""),
        encoding="utf-8",
    )
    out = tmp_path / "shared"
    result = CliRunner().invoke(main, ["plan", str(folder), "--out", str(out), "--redact"])
    assert result.exit_code == 0, result.output
    station = load_station(folder)
    assert set(station.boundary["source"]) == {"buffer"}
    for where, polygons in zone_polygons(out).items():
        xy = shapely.get_coordinates(polygons.to_crs(station.crs).to_numpy())
        off = np.abs((xy + FINEST_GRID_M / 2) % FINEST_GRID_M - FINEST_GRID_M / 2)
        assert (off < TOLERANCE_M).all(), where  # cell corners: the discs around homes are gone
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert any("no boundary file" in note for note in summary["notes"])
