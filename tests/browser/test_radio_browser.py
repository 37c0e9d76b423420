"""The radio net page in headless Chromium at phone width, every network request blocked."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from outputs.radio_net import write_radio_net
from planner.build import with_radio
from tests.factories import HOSTILE_NAME, tiny_plan

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def test_radio_page_on_a_phone_shows_hostile_names_as_text(
    open_page: Any, tiny_station: Path, tmp_path: Path
):
    plan = tiny_plan(tiny_station)
    staff = plan.staff.copy()
    staff.loc[staff["staff_id"] == "S001", "name"] = HOSTILE_NAME
    planned, radio = with_radio(dataclasses.replace(plan, staff=staff))
    write_radio_net(planned, radio, tmp_path, issued=dt.date(2026, 11, 15))
    seen = open_page(tmp_path / "radio" / "radio_net.html", **PHONE)
    page = seen.page
    body = page.locator("body").inner_text()
    assert HOSTILE_NAME.split("\n")[0] in body
    assert "Z01D1" in body
    assert "Call signs: Security net" in body
    # Readable on a phone: the page itself never scrolls sideways (tables scroll inside).
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "radio-phone.png"), full_page=True)
    assert (seen.errors, seen.blocked, seen.dialogs) == ([], [], [])
    assert page.evaluate("() => document.querySelectorAll('script, [onerror]').length") == 0
