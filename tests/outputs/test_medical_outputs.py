"""The plan's nearest hospitals in its outputs: medical.csv, warden lists, the security plan."""

from __future__ import annotations

import csv
import datetime as dt
import math
import shutil
import unicodedata

import pandas as pd
import pytest
from pypdf import PdfReader

from outputs.document import Document, Section, Steps, Table, render_html
from outputs.medical_section import TITLE, medical_section
from outputs.phone_text import format_phone
from outputs.redaction import redact_planned
from outputs.warden_pdf import write_warden_pdfs
from planner.publish import write_medical_table
from tests.conftest import TINY
from tests.factories import tiny_plan
from zones.plan import PlannedStation

ISSUED = dt.date(2026, 11, 15)
HOSTILE_HOSPITAL = '=HYPERLINK("http://evil.example","<b>Meilahti</b>")'


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> PlannedStation:
    """The tiny station planned by hand; its hospital P4 takes trauma and has a hostile name."""
    folder = tmp_path_factory.mktemp("medical") / "tiny"
    shutil.copytree(TINY, folder)
    points = pd.read_csv(folder / "points.csv", dtype=str, keep_default_na=False)
    points["trauma"] = points["point_id"].map({"P4": "yes"}).fillna("")
    points["phone"] = points["point_id"].map({"P4": "+358 9 4711"}).fillna("")
    points.loc[points["point_id"] == "P4", "name"] = HOSTILE_HOSPITAL
    points.to_csv(folder / "points.csv", index=False)
    return tiny_plan(folder)


def test_medical_csv_lists_every_zone_and_office_formula_safe(plan: PlannedStation, tmp_path):
    path = write_medical_table(plan.medical, tmp_path / "medical.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    origins = [(r["origin_kind"], r["origin_id"]) for r in rows]
    offices = plan.station.accepted_offices["office_id"]
    assert sorted(origins) == sorted(
        [("zone", z) for z in plan.zones["zone_id"]] + [("office", o) for o in offices]
    )  # one hospital in the tiny station: one row per zone and per office
    for row in rows:
        assert row["hospital_name"].startswith("'=HYPERLINK(")  # text, never a formula
        assert (row["hospital_rank"], row["trauma"], row["nearest_trauma"]) == ("1", "true", "true")
        assert row["method"] == "straight-line"
        assert row["phone"] == "'+358 9 4711"  # as written, a leading + neutralised
    first = plan.medical.iloc[0]
    assert float(rows[0]["driving_min"]) == round(first["time_s"] / 60, 1)
    assert float(rows[0]["km"]) == round(first["length_m"] / 1000, 2)


def test_warden_list_shows_the_plans_hospital_trauma_and_minutes(plan: PlannedStation, tmp_path):
    paths = write_warden_pdfs(plan, tmp_path, issued=ISSUED)
    z02 = next(p for p in paths if p.name == "Z02.pdf")
    text = " ".join(
        unicodedata.normalize(
            "NFKC", "".join(p.extract_text() for p in PdfReader(z02).pages)
        ).split()
    )
    row = plan.medical.set_index("origin_id").loc["Z02"]
    minutes = max(1, math.ceil(row["time_s"] / 60))
    assert "Hospital, nearest trauma care" in text
    assert "HYPERLINK" in text  # the hostile name, printed as text
    assert (
        f"{row['length_m'] / 1000:.1f} km by car from the zone's centre, about {minutes} min"
        in (text)
    )
    assert "+358 9 4711" in text


def test_security_plan_section_lists_hospitals_care_and_the_casevac_steps(plan: PlannedStation):
    section = medical_section(plan)
    assert section.title == TITLE == "Medical evacuation (MEDEVAC/CASEVAC)"
    tables = [b for b in section.blocks if isinstance(b, Table)]
    hospitals, care, _gaps = tables
    assert [tuple(r[:4]) for r in hospitals.rows] == [
        ("P4", HOSTILE_HOSPITAL, "+358 9 4711", "yes")
    ]
    by_origin = {r[0].split("\n")[0]: r for r in care.rows}
    assert set(by_origin) == {"Zone Z01", "Zone Z02"} | {
        f"Office {o}" for o in plan.station.accepted_offices["office_id"]
    }
    z01 = plan.medical.set_index("origin_id").loc["Z01"]
    minutes = str(max(1, math.ceil(z01["time_s"] / 60)))
    assert by_origin["Zone Z01"][1:] == (
        f"{HOSTILE_HOSPITAL} (P4)",
        minutes,
        f"{HOSTILE_HOSPITAL} (P4)",
        minutes,
        "straight line x 1.3",
    )
    steps = next(b for b in section.blocks if isinstance(b, Steps)).items
    assert any("Call Ambulance, 112" in s for s in steps)  # from [station.contacts]
    soc = f"UNDSS SOC, {format_phone('+358 9 310 1234', 'FI')}"
    assert any(f"Report to {soc} and to the zone's warden" in s for s in steps)
    html = render_html(_document(section))
    assert "<b>Meilahti</b>" not in html
    assert "&lt;b&gt;Meilahti&lt;/b&gt;" in html


def test_far_zones_are_listed_from_the_plans_flags(plan: PlannedStation):
    flag = {
        "zone_id": "Z01",
        "area_id": "A0",
        "code": "far_from_trauma_care",
        "severity": "major",
        "message": "Zone Z01: more than 60 min from trauma care",
    }
    flagged = PlannedStation(
        **{
            **{f: getattr(plan, f) for f in plan.__dataclass_fields__},
            "flags": pd.concat([plan.flags, pd.DataFrame([flag])], ignore_index=True),
        }
    )
    gaps = [b for b in medical_section(flagged).blocks if isinstance(b, Table)][2]
    assert gaps.rows == (("major", "Zone Z01: more than 60 min from trauma care"),)
    assert [b for b in medical_section(plan).blocks if isinstance(b, Table)][2].rows == ()


def test_a_redacted_plan_keeps_zone_minutes_whole(plan: PlannedStation):
    redacted = redact_planned(plan).medical
    zones = redacted[redacted["origin_kind"] == "zone"]
    assert (zones["time_s"] % 60 == 0).all()
    assert (zones["length_m"] % 100 == 0).all()
    offices = redacted[redacted["origin_kind"] == "office"]
    original = plan.medical[plan.medical["origin_kind"] == "office"]
    assert offices["time_s"].tolist() == original["time_s"].tolist()


def _document(section: Section) -> Document:
    return Document(
        title="t", subtitle="s", marking="m", issued=ISSUED, facts=(), sections=(section,)
    )
