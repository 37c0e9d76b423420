"""`planner plan`, `planner demo` and `planner moss` end to end on real and synthetic stations."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from planner.cli import main
from stations.synth import synthesize_station
from zones.plan import polygons_to_crs

SAMPLE = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"
DETERMINISTIC = (
    "zones.geojson",
    "assignments.csv",
    "appointments.csv",
    "zone_metrics.csv",
    "zones.kml",
    "security_plan.html",
    "map.html",
)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def sample_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plans") / "helsinki"
    result = run("plan", str(SAMPLE), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"open {out.absolute() / 'index.html'}" in result.stdout
    return out


def test_plan_folder_contract(sample_plan: Path) -> None:
    names = {p.name for p in sample_plan.iterdir()}
    assert {
        "index.html",
        "zones.geojson",
        "assignments.csv",
        "appointments.csv",
        "flags.csv",
        "zone_metrics.csv",
        "plan.gpkg",
        "zones.kml",
        "moss.json",
        "moss.html",
        "summary.json",
        "security_plan.html",
        "security_plan.pdf",
        "risk.html",
        "risk.json",
        "risk.csv",
        "map.html",
        "maps",
        "sites.geojson",
        "sites.csv",
        "medical.csv",
    } <= names
    zones = gpd.read_file(sample_plan / "zones.geojson")
    assert zones.crs.to_epsg() == 4326
    assert zones.is_valid.all()
    assert (zones.geom_type == "Polygon").all()
    # Back in metres (warden-list maps, MOSS) they stay valid and keep their area.
    utm = gpd.read_file(SAMPLE / "boundary.geojson").estimate_utm_crs()
    metres = polygons_to_crs(zones, utm)
    assert metres.is_valid.all()
    assert abs(metres.area.sum() / zones.to_crs(utm).area.sum() - 1) < 1e-9
    index = (sample_plan / "index.html").read_text(encoding="utf-8")
    for link in ("security_plan.pdf", "moss.html", "risk.html", "contacts/tree.html", "map.html"):
        assert f"href='{link}'" in index
    for zone_id in zones["zone_id"]:
        assert f"href='contacts/{zone_id}.pdf'" in index
        assert f"href='contacts/{zone_id}-card.pdf'" in index
        assert (sample_plan / "contacts" / f"{zone_id}-card.pdf").is_file()
        assert f"href='maps/{zone_id}.html'" in index
        assert (sample_plan / "maps" / f"{zone_id}.html").is_file()
    contacts = {p.name for p in (sample_plan / "contacts").iterdir()}
    assert {"tree.json", "tree.html", "contacts.csv", "contacts.vcf", "cascade.csv"} <= contacts
    assert {f"{z}.pdf" for z in zones["zone_id"]} <= contacts
    letters = list((sample_plan / "letters").glob("*.pdf"))
    assert len(letters) == 2 * len(zones)  # a warden and a deputy in every zone
    assert list(zones.columns[:10]) == [
        "zone_id",
        "zone_name",
        "area_id",
        "households",
        "staff",
        "dependants",
        "visitors",
        "headcount",
        "warden_id",
        "deputy_id",
    ]
    assert zones["warden_id"].notna().all()
    assignments = pd.read_csv(sample_plan / "assignments.csv", encoding="utf-8-sig", dtype=str)
    staff = pd.read_csv(SAMPLE / "staff.csv", dtype=str)
    assert sorted(assignments["staff_id"]) == sorted(staff["staff_id"])
    assert set(assignments["status"]) == {"assigned"}
    by_zone = assignments.merge(
        zones[["zone_id", "warden_id"]], on="zone_id", suffixes=("", "_zone")
    )
    assert (by_zone["warden_id"] == by_zone["warden_id_zone"]).all()
    layers = {name for name, _ in __import__("pyogrio").list_layers(sample_plan / "plan.gpkg")}
    assert {"zones", "households", "offices", "points", "routes", "areas"} <= layers
    moss = json.loads((sample_plan / "moss.json").read_text())
    assert moss["rating"] in {
        "Compliant",
        "Largely compliant",
        "Partially compliant",
        "Non-compliant",
    }
    assert (sample_plan.stat().st_mode & 0o777) == 0o700


def test_plan_is_deterministic(sample_plan: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert run("plan", str(SAMPLE), "--out", str(again)).exit_code == 0
    for name in DETERMINISTIC:
        assert (sample_plan / name).read_bytes() == (again / name).read_bytes(), name


def test_redacted_plan_has_no_names_phones_or_homes(tmp_path: Path) -> None:
    out = tmp_path / "shared"
    assert run("plan", str(SAMPLE), "--out", str(out), "--redact").exit_code == 0
    staff = pd.read_csv(SAMPLE / "staff.csv", dtype=str, keep_default_na=False)
    secrets = (
        set(staff["name"]) | {p for p in staff["phone"] if p} | {p for p in staff["phone2"] if p}
    )
    assert not (out / "letters").exists()
    assert not (out / "contacts").exists()
    for path in sorted(out.rglob("*")):
        if path.is_dir():
            continue
        if path.suffix == ".pdf":
            text = " ".join(page.extract_text() for page in PdfReader(path).pages)
            leaked = [s for s in secrets if s in text]
            assert not leaked, (path.name, leaked[:3])
            continue
        if path.suffix == ".gpkg":
            layers = {name for name, _ in __import__("pyogrio").list_layers(path)}
            assert "households" not in layers
            routes = gpd.read_file(path, layer="routes").to_crs(32635)
            homes = gpd.GeoSeries(
                gpd.points_from_xy(staff["lon"].astype(float), staff["lat"].astype(float)),
                crs=4326,
            ).to_crs(32635)
            zone_routes = routes[(routes["kind"] == "zone_to_assembly") & routes.geometry.notna()]
            starts = zone_routes.geometry.map(
                lambda line: __import__("shapely").Point(line.coords[0])
            )
            assert all(homes.distance(start).min() > 5 for start in starts)  # no exact home
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (path.name, leaked[:3])


def test_fail_on_gives_exit_3(tmp_path: Path) -> None:
    result = run("plan", str(SAMPLE), "--out", str(tmp_path / "p"), "--fail-on", "any")
    assert result.exit_code == 3
    assert (tmp_path / "p" / "index.html").is_file()


def test_moss_command(tmp_path: Path) -> None:
    result = run("moss", str(SAMPLE), "--format", "json", "--fail-on", "critical")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {r["id"] for r in report["rules"]} >= {"WRD-01", "ASM-03", "COM-05"}
    assert run("moss", str(SAMPLE), "--fail-on", "any").exit_code == 3


def test_input_errors_write_nothing(tmp_path: Path, hostile_station) -> None:
    result = run(
        "plan", str(hostile_station("staff_swapped_coordinates.csv")), "--out", str(tmp_path / "x")
    )
    assert result.exit_code == 1
    assert "look swapped" in result.stderr
    assert not (tmp_path / "x").exists()


def test_multi_area_station_gets_ascs(tmp_path: Path) -> None:
    folder = synthesize_station(
        tmp_path / "bkk",
        households=900,
        seed=5,
        city="Bangkok",
        sub_offices=2,
        sub_office_distance_km=150,
    ).parent
    out = tmp_path / "plan"
    result = run("plan", str(folder), "--out", str(out))
    assert result.exit_code == 0, result.output
    zones = gpd.read_file(out / "zones.geojson")
    assert set(zones["area_id"]) == {"A0", "A1", "A2"}
    appointments = pd.read_csv(out / "appointments.csv", encoding="utf-8-sig", dtype=str)
    ascs = appointments[appointments["role"] == "ASC"]
    assert sorted(ascs["area_id"]) == ["A1", "A2"]
    wardens = set(appointments.loc[appointments["role"].isin(["warden", "deputy"]), "staff_id"])
    assert not wardens & set(ascs["staff_id"])


def test_demo_writes_the_sample_plan(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run("demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Helsinki (security level 2)" in result.stdout
    assert (out / "index.html").is_file()


def test_bad_threats_stop_the_plan(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "helsinki"
    shutil.copytree(SAMPLE, folder)
    bad = (folder / "threats.csv").read_text().replace(",3,2,2,2,", ",7,2,2,2,", 1)
    (folder / "threats.csv").write_text(bad)
    result = run("plan", str(folder), "--out", str(tmp_path / "again"))
    assert result.exit_code == 1
    assert "threats.csv, row 2, column 'likelihood'" in result.stderr
    assert not (tmp_path / "again").exists()


def test_bad_tiles_is_a_usage_error(tmp_path: Path) -> None:
    result = run("plan", str(SAMPLE), "--out", str(tmp_path / "p"), "--tiles", "google")
    assert result.exit_code == 2
    assert "--tiles" in result.output
    assert "https://tile.example.org/{z}/{x}/{y}.png" in result.output
    assert not (tmp_path / "p").exists()


def test_medical_csv_lists_every_zone_and_office_by_driving_time(sample_plan: Path) -> None:
    medical = pd.read_csv(sample_plan / "medical.csv", encoding="utf-8-sig", dtype=str)
    zones = gpd.read_file(sample_plan / "zones.geojson")
    offices = pd.read_csv(SAMPLE / "offices.csv", dtype=str)
    origins = set(zip(medical["origin_kind"], medical["origin_id"], strict=True))
    assert origins == {("zone", z) for z in zones["zone_id"]} | {
        ("office", o) for o in offices["office_id"]
    }
    assert set(medical["method"]) == {"network"}  # the sample has its OSM extract
    reached = medical[medical["hospital_id"].notna()]
    assert set(reached["hospital_id"]) == {"HOS01", "HOS02"}
    for _, rows in reached.groupby(["origin_kind", "origin_id"]):
        minutes = rows.sort_values("hospital_rank")["driving_min"].astype(float)
        assert minutes.is_monotonic_increasing
