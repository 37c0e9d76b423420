"""muster.html in headless Chromium, from file:// with every network request blocked."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from planner.cli import main
from tests.factories import HOSTILE_ADDRESS, HOSTILE_NAME

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOT = os.environ.get("MUSTER_SCREENSHOT")  # a path, to look at the page by eye


def register_row(person_id: str, zone_id: str, name: str, **more: str) -> dict[str, str]:
    row = {
        "person_id": person_id, "kind": "staff", "name": name, "household_id": f"H{person_id}",
        "zone_id": zone_id, "area_id": "A0", "agency": "UNDP", "presence": "present",
        "warden_id": f"W{zone_id}", "warden_name": f"Warden of {zone_id}",
        "warden_phone": "'+358401234567", "deputy_id": "",
    }  # fmt: skip
    return row | more


@pytest.fixture(scope="module")
def muster_page(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("muster")
    (root / "plan" / "roll_call").mkdir(parents=True)
    people = [
        register_row("S1", "Z01", HOSTILE_NAME),
        register_row("S2", "Z01", "Aino Virtanen"),
        register_row("S3", "Z02", "أحمد الخطيب", agency=HOSTILE_ADDRESS),
        register_row("S4", "Z02", "李小龙"),
        register_row("S5", "Z02", "On Leave", presence="on leave"),
    ]
    pd.DataFrame(people).to_csv(root / "plan" / "roll_call" / "register.csv", index=False)
    reports = pd.DataFrame(
        [
            ("S1", "needs help", "<i>basement</i>", "2026-11-15 10:00", "WZ01"),
            ("S2", "safe", "home", "2026-11-15 10:01", "WZ01"),
            ("S3", "missing", "", "2026-11-15 10:02", "WZ02"),
            ("<script>alert(4)</script>", "safe", "", "2026-11-15 10:03", "WZ02"),
        ],
        columns=["person_id", "status", "location", "reported_at", "reporter"],
    )
    reports.to_csv(root / "reports.csv", index=False)
    result = CliRunner().invoke(
        main,
        ["muster", str(root / "plan"), str(root / "reports.csv"), "--out", str(root / "out"),
         "--at", "2026-11-15T12:00"],
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    return root / "out" / "muster.html"


def test_muster_page_opens_offline_and_shows_hostile_names_as_text(open_page, muster_page):
    seen = open_page(muster_page, **PHONE)
    page = seen.page
    assert (seen.errors, seen.blocked, seen.dialogs) == ([], [], [])
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    body = page.locator("body").inner_text()
    assert HOSTILE_NAME in body
    assert "<i>basement</i>" in body
    assert "<script>alert(4)</script>" in body  # the unknown id, named as text
    assert HOSTILE_ADDRESS in body  # an agency, counted
    headings = page.locator("h2").all_inner_texts()
    assert headings[:2] == ["Need help (1)", "Not accounted for (2)"]
    needs_help = page.locator("section").first.inner_text()
    assert HOSTILE_NAME in needs_help
    assert "+358 40 1234567" in page.locator("section").nth(1).inner_text()
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT, full_page=True)


def test_muster_page_is_readable_at_phone_width(open_page, muster_page):
    page = open_page(muster_page, **PHONE).page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]  # no sideways scrolling of the whole page
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('td')).fontSize)")
    assert size >= 12
    for table in page.locator("table").all():
        box = table.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"]


def test_drill_page_opens_offline_readable_with_hostile_ids_as_text(open_page, muster_page):
    root = muster_page.parents[1]
    log = root / "drill-log.csv"
    pd.DataFrame(
        [
            {"household_id": "HS1", "reached_at": "2026-11-15 10:00", "caller_id": HOSTILE_NAME},
            {"staff_id": "S3", "reached_at": "2026-11-15 10:07", "caller_id": "C2",
             "reported_at": "2026-11-15 10:30"},
        ]
    ).to_csv(log, index=False)  # fmt: skip
    result = CliRunner().invoke(main, ["drill", str(root / "plan"), str(log), "--out",
                                       str(root / "drill")])  # fmt: skip
    assert result.exit_code == 0, result.output
    seen = open_page(root / "drill" / "drill.html", **PHONE)
    page = seen.page
    assert (seen.errors, seen.blocked, seen.dialogs) == ([], [], [])
    assert page.locator("script").count() == 0
    callers = page.locator("section").nth(2).inner_text()
    assert HOSTILE_NAME in callers  # did not report back, shown as text
    assert "C2" not in callers
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for table in page.locator("table").all():
        box = table.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"]
