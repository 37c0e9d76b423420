"""The maps in headless Chromium, from file:// with every network request blocked."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from outputs._map_layers import NOT_SURVEYED, ROUTE_LABELS
from outputs.maps import write_maps
from planner.build import build_plan
from planner.moss import check_moss
from planner.moss_rules import load_rules
from planner.publish import map_status
from stations import load_station
from stations.synth import synthesize_station
from tests.factories import AS_OF, HOSTILE_NAME, hostile_helsinki
from zones.plan import PlannedStation

pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(open_page):
    """Open a map page and wait until Leaflet has drawn it."""
    return functools.partial(open_page, wait_for=".leaflet-container")


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> PlannedStation:
    folder = hostile_helsinki(tmp_path_factory.mktemp("station") / "helsinki")
    return build_plan(load_station(folder, as_of=AS_OF), as_of=AS_OF).planned


@pytest.fixture(scope="module")
def plan_folder(planned: PlannedStation, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plan")
    status = map_status(check_moss(planned, load_rules(), as_of=AS_OF))
    write_maps(planned, folder, osm=planned.station.osm, status=status)
    return folder


def zone_paths(page) -> int:
    return page.locator("path.wz-zone").count()


def test_station_map_opens_offline_with_one_path_per_zone(open_page, plan_folder, planned):
    seen = open_page(plan_folder / "map.html")
    assert zone_paths(seen.page) == len(planned.zones)
    assert seen.page.locator(".leaflet-control-scale").count() == 1
    assert seen.page.locator(".leaflet-control-layers").count() == 1
    assert seen.page.locator(".wz-legend").count() == 1
    assert seen.errors == []
    assert seen.blocked == []
    assert seen.dialogs == []


def test_layers_toggle(open_page, plan_folder, planned):
    seen = open_page(plan_folder / "map.html")
    page = seen.page
    page.locator(".leaflet-control-layers").hover()  # collapsed: opens on hover or click
    toggle = page.locator(".leaflet-control-layers-overlays label", has_text="Warden zones")
    toggle.locator("input").uncheck()
    assert zone_paths(page) == 0
    toggle.locator("input").check()
    assert zone_paths(page) == len(planned.zones)
    households = page.locator(".leaflet-control-layers-overlays label", has_text="Households")
    assert page.locator(".marker-cluster").count() > 0
    households.locator("input").uncheck()
    assert page.locator(".marker-cluster").count() == 0
    assert seen.errors == []


def test_search_finds_a_zone_by_id(open_page, plan_folder, planned):
    zone = planned.zones.iloc[-1]
    seen = open_page(plan_folder / "map.html")
    page = seen.page
    box = page.locator(".leaflet-control-search input.search-input")
    box.press_sequentially(zone.zone_id, delay=30)
    tip = page.locator(".search-tip").first
    tip.wait_for()
    assert tip.inner_text().startswith(zone.zone_id)
    tip.click()
    popup = page.locator(".leaflet-popup-content .wz-card-title")
    popup.wait_for()
    assert popup.inner_text().startswith(f"Warden zone {zone.zone_id}")
    assert seen.errors == []


def test_screenshot_is_a_drawn_map(open_page, plan_folder, tmp_path):
    seen = open_page(plan_folder / "map.html")
    seen.page.wait_for_timeout(300)
    shot = tmp_path / "map.png"
    seen.page.screenshot(path=str(shot))
    station = seen.page.evaluate(LAYOUT)["bounds"]  # the view beyond the station is empty
    pixels = np.asarray(Image.open(shot).convert("RGB"))
    top, bottom = max(int(station["top"]), 0), int(station["bottom"])
    left, right = max(int(station["left"]), 0), int(station["right"])
    pixels = pixels[top:bottom, left:right].reshape(-1, 3)
    colours = np.unique(pixels, axis=0)
    assert len(colours) > 500
    dominant = np.unique(pixels, axis=0, return_counts=True)[1].max() / len(pixels)
    assert dominant < 0.6


def test_zone_map_on_a_phone(open_page, plan_folder, planned):
    zone_id = planned.zones["zone_id"].iloc[0]
    seen = open_page(plan_folder / "maps" / f"{zone_id}.html", width=390, height=844)
    page = seen.page
    assert page.locator("path.wz-zone").count() >= 1
    homes = planned.households["zone_id"].eq(zone_id).sum()
    assert page.locator("path.leaflet-interactive").count() + page.locator("canvas").count() >= 1
    assert page.locator(".wz-title-main").inner_text().startswith(f"Zone {zone_id}")
    assert homes > 0
    assert seen.errors == []
    assert seen.blocked == []


def test_hostile_names_show_as_text_and_run_nothing(open_page, plan_folder, planned):
    zone_id = planned.zones["zone_id"].iloc[0]
    seen = open_page(plan_folder / "maps" / f"{zone_id}.html")
    page = seen.page
    subtitle = page.locator(".wz-title-sub").inner_text()
    assert HOSTILE_NAME in subtitle
    # Click the first warden or deputy marker that no other marker covers.
    on_top = page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-marker-icon.wz-symbol-box')]
            .findIndex(icon => {
                if (!['W', 'D'].includes(icon.textContent.trim())) return false;
                const r = icon.getBoundingClientRect();
                return icon.contains(document.elementFromPoint(r.x + r.width / 2,
                                                               r.y + r.height / 2));
            })"""
    )
    assert on_top >= 0
    page.locator(".leaflet-marker-icon.wz-symbol-box").nth(on_top).click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE_NAME in popup.inner_text()
    page.wait_for_timeout(300)
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => document.querySelectorAll('[onerror]').length") == 0
    assert seen.dialogs == []
    assert seen.errors == []


def test_search_by_a_hostile_warden_name_lists_it_as_text(open_page, plan_folder):
    seen = open_page(plan_folder / "map.html")
    page = seen.page
    page.locator(".leaflet-control-search input.search-input").press_sequentially(
        "onerror", delay=30
    )
    tip = page.locator(".search-tip").first
    tip.wait_for()
    assert HOSTILE_NAME in tip.inner_text()
    assert page.locator("img[src='x']").count() == 0
    assert seen.dialogs == []
    assert seen.errors == []


DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
# The map's own view: the station's (or zone's) bounds, the controls and the office symbols,
# in pixels of the map's frame.
LAYOUT = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const frame = map.getContainer().getBoundingClientRect();
    const box = r => ({left: r.left - frame.left, top: r.top - frame.top,
                       right: r.right - frame.left, bottom: r.bottom - frame.top});
    const corners = wzData.bounds.map(c => map.latLngToContainerPoint(c));
    return {
        width: frame.width, height: frame.height,
        bounds: {left: Math.min(corners[0].x, corners[1].x),
                 right: Math.max(corners[0].x, corners[1].x),
                 top: Math.min(corners[0].y, corners[1].y),
                 bottom: Math.max(corners[0].y, corners[1].y)},
        controls: [...document.querySelectorAll('.leaflet-control')]
            .map(c => ({name: c.className, ...box(c.getBoundingClientRect())})),
        offices: [...document.querySelectorAll('.leaflet-marker-icon .wz-symbol')]
            .filter(s => s.textContent === 'O').map(s => box(s.getBoundingClientRect())),
    };
}"""
LEGS = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const legs = [];
    map.eachLayer(l => {
        const p = l.feature && l.feature.properties;
        if (p && p.kind && l.getLatLngs) {
            legs.push({kind: p.kind, method: p.method, origin: p.origin,
                       surveyed: p.surveyed, alternate: p.alternate,
                       dash: l.options.dashArray || null, weight: l.options.weight,
                       opacity: l.options.opacity});
        }
    });
    return legs;
}"""


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and b["left"] < a["right"]
        and (a["top"] < b["bottom"] and b["top"] < a["bottom"])
    )


@pytest.fixture(scope="module")
def sub_office_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return map.html of a station whose sub-office lies 60 km from the capital."""
    folder = tmp_path_factory.mktemp("sub-office")
    toml = synthesize_station(
        folder / "station", households=60, seed=3, city="Genf", sub_offices=1,
        sub_office_distance_km=60,
    )  # fmt: skip
    planned = build_plan(load_station(toml.parent, as_of=AS_OF), as_of=AS_OF).planned
    assert "sub-office" in set(planned.station.offices["kind"])
    write_maps(planned, folder / "plan", osm=planned.station.osm)
    return folder / "plan" / "map.html"


def test_controls_open_collapsed_at_desktop_size(open_page, plan_folder):
    seen = open_page(plan_folder / "map.html", **DESKTOP)
    page = seen.page
    layers = page.locator(".leaflet-control-layers")
    assert "leaflet-control-layers-expanded" not in layers.get_attribute("class")
    assert not page.locator(".leaflet-control-layers-list").is_visible()
    legend = page.locator("details.wz-legend")
    assert legend.evaluate("d => d.open") is False
    assert not page.locator(".wz-legend-row").first.is_visible()
    page.locator("details.wz-legend summary").click()  # one click opens the legend
    assert page.locator(".wz-legend-row").first.is_visible()
    layers.hover()
    assert page.locator(".leaflet-control-layers-list").is_visible()
    assert seen.errors == []


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_station_with_a_sub_office_fits_clear_of_the_controls(open_page, sub_office_map, size):
    seen = open_page(sub_office_map, **size)
    seen.page.wait_for_timeout(300)
    layout = seen.page.evaluate(LAYOUT)
    bounds = layout["bounds"]
    assert bounds["left"] >= 0, bounds
    assert bounds["top"] >= 0, bounds
    assert bounds["right"] <= layout["width"], bounds
    assert bounds["bottom"] <= layout["height"], bounds
    assert len(layout["offices"]) >= 2
    for control in layout["controls"]:
        assert not overlaps(control, bounds), (control, bounds)
    # Not zoomed out for nothing: the station spans most of the free width or height.
    assert (
        max(
            (bounds["right"] - bounds["left"]) / layout["width"],
            (bounds["bottom"] - bounds["top"]) / layout["height"],
        )
        > 0.4
    ), bounds
    assert seen.errors == []


def test_zone_page_title_clear_of_the_buttons_on_a_phone(open_page, plan_folder, planned):
    zone_id = planned.zones["zone_id"].iloc[0]
    seen = open_page(plan_folder / "maps" / f"{zone_id}.html", **PHONE)
    page = seen.page
    title = page.locator(".wz-title").bounding_box()
    buttons = [
        page.locator(selector).bounding_box()
        for selector in (".leaflet-control-zoom-fullscreen", ".leaflet-control-zoom-in",
                         ".leaflet-control-layers-toggle")
    ]  # fmt: skip

    def box(b: dict) -> dict:
        return {"left": b["x"], "top": b["y"], "right": b["x"] + b["width"],
                "bottom": b["y"] + b["height"]}  # fmt: skip

    for button in buttons:
        assert not overlaps(box(title), box(button)), (title, button)
    assert title["x"] + title["width"] <= PHONE["width"]
    assert seen.errors == []


def test_legend_lists_every_leg_kind_drawn_and_the_unsurveyed_legs(open_page, plan_folder):
    seen = open_page(plan_folder / "map.html", **DESKTOP)
    page = seen.page
    legs = page.evaluate(LEGS)
    page.locator("details.wz-legend summary").click()
    rows = page.locator(".wz-legend-row > span:last-child").all_inner_texts()
    for kind in {leg["kind"] for leg in legs}:
        assert ROUTE_LABELS[kind] in rows, (kind, rows)
    assert any(leg["alternate"] for leg in legs), legs
    for label in (NOT_SURVEYED, "Airport", "Police"):
        assert label in rows, rows
    assert any(row.startswith("Alternate route") for row in rows), rows
    assert seen.errors == []


def test_unsurveyed_legs_are_faint_and_dashed_and_off_zone_pages(open_page, plan_folder, planned):
    legs = open_page(plan_folder / "map.html", **DESKTOP).page.evaluate(LEGS)
    unsurveyed = [leg for leg in legs if not leg["surveyed"]]
    assert any(leg["kind"] == "concentration_to_departure" for leg in unsurveyed), legs
    for leg in unsurveyed:
        assert leg["dash"], leg
        assert leg["weight"] <= 2, leg
        assert leg["opacity"] < 0.7, leg
    for zone_id in planned.zones["zone_id"]:
        seen = open_page(plan_folder / "maps" / f"{zone_id}.html", **PHONE)
        legs = seen.page.evaluate(LEGS)
        assert legs, zone_id
        assert all(leg["surveyed"] for leg in legs), (zone_id, legs)
        seen.page.locator("details.wz-legend summary").click()
        rows = seen.page.locator(".wz-legend-row > span:last-child").all_inner_texts()
        assert NOT_SURVEYED not in rows, (zone_id, rows)
