"""An agency's compliance page on a phone: offline, the page as wide as the screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from outputs.compliance import write_compliance
from planner.compliance import agency_compliance, compliance_table
from planner.moss import check_moss
from planner.moss_rules import load_rules
from stations import load_station
from tests.plan_factory import plan_by_hand

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    station = load_station(SAMPLE)
    planned = plan_by_hand(station)
    compliance = agency_compliance(planned, check_moss(planned, load_rules(), as_of=station.as_of))
    out = tmp_path_factory.mktemp("plan")
    written = write_compliance(
        compliance.to_dict(), compliance_table(compliance), out, issued=station.as_of
    )
    return [p for p in written if p.suffix == ".html"]


def test_compliance_page_fits_a_phone_and_loads_nothing(
    open_page: Any, pages: list[Path], tmp_path: Path
) -> None:
    page_path = max(pages, key=lambda p: p.stat().st_size)  # the longest list of items
    seen = open_page(page_path, **PHONE)
    page = seen.page
    # The page never scrolls sideways; a wide table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('.table-wrap')].map(e => e.scrollWidth))"
    )
    assert widest > 0
    assert page.get_by_role("heading", name="Out of compliance").is_visible()
    page.screenshot(path=str(tmp_path / "phone.png"))
    assert (tmp_path / "phone.png").stat().st_size > 10_000
    assert (seen.errors, seen.blocked, seen.dialogs) == ([], [], [])
