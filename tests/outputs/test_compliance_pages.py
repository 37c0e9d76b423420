"""The ``compliance/`` folder: hostile agency names stay text and never paths; redaction holds."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from outputs.compliance import write_compliance
from planner.compliance import agency_compliance, compliance_table
from planner.moss import check_moss
from planner.moss_rules import load_rules
from tests.factories import AS_OF, WARDENS, tiny_plan
from zones.plan import PlannedStation

ISSUED = dt.date(2026, 12, 1)
SAFE_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\.(html|pdf|csv)")
HOSTILE_AGENCIES = {
    "S001": "<script>alert(1)</script>",
    "S002": '=HYPERLINK("http://evil.example")',
    "S003": "../../etc/passwd",
    "S004": "a/b\\c",
    "S005": "..",
}
HOSTILE_OFFICES = {"O1": "<script>alert(1)</script>", "O2": "../../etc/passwd"}


class Tags(HTMLParser):
    """The tags of a page and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, _attrs: list) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def hostile_plan(folder: Path) -> PlannedStation:
    """Return the tiny station planned, its agencies named with markup, formulas and paths."""
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    staff["agency"] = staff["staff_id"].map(HOSTILE_AGENCIES).fillna(staff["agency"])
    staff.to_csv(folder / "staff.csv", index=False)
    offices = pd.read_csv(folder / "offices.csv", dtype=str, keep_default_na=False)
    offices["agency"] = offices["office_id"].map(HOSTILE_OFFICES)
    offices.to_csv(folder / "offices.csv", index=False)
    return tiny_plan(folder)


def write(planned: PlannedStation, out: Path, *, redact: bool) -> list[Path]:
    compliance = agency_compliance(planned, check_moss(planned, load_rules(), as_of=AS_OF))
    return write_compliance(
        compliance.to_dict(), compliance_table(compliance), out, issued=ISSUED, redact=redact
    )


def texts(path: Path) -> str:
    if path.suffix == ".pdf":
        return " ".join(page.extract_text() for page in PdfReader(path).pages)
    return path.read_text(encoding="utf-8-sig")


@pytest.fixture
def hostile(tiny_station: Path) -> PlannedStation:
    return hostile_plan(tiny_station)


def test_hostile_agency_names_are_text_and_safe_file_names(
    hostile: PlannedStation, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    paths = write(hostile, out, redact=False)
    agencies = set(hostile.station.accepted_staff["agency"]) | set(HOSTILE_OFFICES.values())
    assert all(p.parent == out / "compliance" for p in paths)
    assert all(SAFE_FILE.fullmatch(p.name) for p in paths), [p.name for p in paths]
    station = hostile.station.folder
    written = [p for p in tmp_path.rglob("*") if p.is_file() and station not in p.parents]
    assert sorted(written) == sorted(paths)  # nothing written outside the folder
    pages = [p for p in paths if p.suffix == ".html"]
    assert len(pages) == len({p.name for p in pages}) == len(agencies)
    shown = set()
    for page in pages:
        html = page.read_text(encoding="utf-8")
        parsed = Tags()
        parsed.feed(html)
        assert "script" not in parsed.tags, page.name
        title = next(t for t in parsed.text if t.startswith("MOSS compliance: "))
        shown.add(title.removeprefix("MOSS compliance: "))
    assert shown == agencies
    pdf_text = " ".join(texts(p) for p in paths if p.suffix == ".pdf")
    assert "<script>alert(1)</script>" in pdf_text
    with (out / "compliance" / "compliance_by_agency.csv").open(encoding="utf-8-sig") as f:
        cells = [row["agency"] for row in csv.DictReader(f)]
    assert "'" + HOSTILE_AGENCIES["S002"] in cells  # a formula is text in a spreadsheet
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert cells[-1] == "STATION"


def test_redacted_pages_keep_the_figures_and_drop_names_ids_and_phones(
    tiny_station: Path, tmp_path: Path
) -> None:
    planned = tiny_plan(tiny_station)
    staff = planned.station.accepted_staff
    personal = {
        *staff["name"],
        *staff["staff_id"],
        *planned.households["household_id"],
        *staff["phone"].dropna(),
    }
    full = write(planned, tmp_path / "full", redact=False)
    redacted = write(planned, tmp_path / "shared", redact=True)
    assert [p.name for p in full] == [p.name for p in redacted]
    named = " ".join(texts(p) for p in full)
    assert {*staff["name"], *staff["staff_id"]} <= {n for n in personal if n in named}
    for path in redacted:
        text = texts(path)
        leaked = sorted(n for n in personal if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text))
        assert not leaked, (path.name, leaked)
    shared_csv = (tmp_path / "shared" / "compliance" / "compliance_by_agency.csv").read_bytes()
    full_csv = (tmp_path / "full" / "compliance" / "compliance_by_agency.csv").read_bytes()
    assert shared_csv == full_csv  # the figures stay
    page = next(p for p in redacted if p.name == "UNDP.html").read_text(encoding="utf-8")
    assert "Out of compliance" in page
    assert "RESTRICTED" in page


def test_wardens_of_the_agency_are_listed_with_the_flags_naming_them(
    tiny_station: Path, tmp_path: Path
) -> None:
    planned = tiny_plan(tiny_station)
    readiness = "warden S003 has no security briefing recorded"
    flags = pd.concat(
        [planned.flags, pd.DataFrame([{"zone_id": "Z02", "area_id": "A0", "code":
            "warden_unbriefed", "severity": "minor", "message": readiness}])],
        ignore_index=True,
    )  # fmt: skip
    planned = dataclasses.replace(planned, flags=flags)
    compliance = agency_compliance(planned, check_moss(planned, load_rules(), as_of=AS_OF))
    staff = pd.read_csv(tiny_station / "staff.csv", dtype=str).set_index("staff_id")
    appointed = {s for pair in WARDENS.values() for s in pair if s}
    for agency in compliance.agencies:
        listed = {a.staff_id: a for a in agency.appointees}
        assert set(listed) == {s for s in appointed if staff.loc[s, "agency"] == agency.agency}
        for staff_id, appointee in listed.items():
            assert appointee.flags == ((readiness,) if staff_id == "S003" else ())
    agency = staff.loc["S003", "agency"]
    full = write(planned, tmp_path / "full", redact=False)
    shared = write(planned, tmp_path / "shared", redact=True)
    page = next(p for p in full if p.name == f"{agency}.html").read_text(encoding="utf-8")
    assert readiness in page
    assert "warden of Z02" in page
    page = next(p for p in shared if p.name == f"{agency}.html").read_text(encoding="utf-8")
    assert readiness not in page
    assert "the plan flags 1 of them" in page
