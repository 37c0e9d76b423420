"""The maps in headless Chromium, from file:// with every network request blocked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from outputs.maps import write_maps
from planner.moss import check_moss
from planner.moss_rules import load_rules
from planner.pipeline import build_plan
from planner.publish import map_status
from stations import load_station
from tests.factories import AS_OF, HOSTILE_NAME, hostile_helsinki
from zones.plan import PlannedStation

pytestmark = pytest.mark.browser


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
    pixels = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3)
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
