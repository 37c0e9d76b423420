"""muster.html lists the first people by zone; muster.csv is the roll call's table."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from outputs.muster_page import write_muster
from stations.reports import REGISTER_REQUIRED
from zones.roll_call import RollCall

AT = dt.datetime(2026, 11, 15, 12)  # noqa: DTZ001 (the roll call runs on local wall time)


def people(names: list[str]) -> pd.DataFrame:
    rows = [
        {column: f"{column[:2]}{number}" for column in REGISTER_REQUIRED}
        | {"person_id": f"S{number}", "name": name, "status": "safe", "presence": "present",
           "reported_at": "2026-11-15 10:00", "reporter": "", "location": "", "source": ""}
        for number, name in enumerate(names)
    ]  # fmt: skip
    return pd.DataFrame(rows, dtype=object)


def test_the_page_lists_the_first_people_by_zone_household_and_id(tmp_path, monkeypatch):
    monkeypatch.setattr("outputs.muster_page.LISTED", 5)
    frame = people([f"Person {n}" for n in range(12)])
    # Zones out of order, one zone of four around the cut, a person without zone first.
    frame["zone_id"] = ["Z3", "Z1", "Z2", "Z2", "", "Z2", "Z1", "Z3", "Z2", "Z4", "Z1", "Z2"]
    frame["household_id"] = ["H9", "H2", "H5", "H4", "H0", "H4", "H1", "H8", "H3", "H7", "H2", "H3"]
    frame["status"] = "unaccounted"
    write_muster(RollCall(frame, ()), tmp_path, station="S", at=AT, issues=(), files=0)
    page = (tmp_path / "muster.html").read_text(encoding="utf-8")
    listed = page.split("Not accounted for (12)")[1].split("By zone")[0]
    shown = [f"S{n} (ki{n})" for n in (4, 6, 1, 10, 11)]  # "", Z1 H1, Z1 H2 S1 and S10, Z2 H3
    positions = [listed.find(person) for person in shown]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert "S8 (ki8)" not in listed  # Z2 H3 too, but S11 < S8 as text: the sixth
    assert "7 more in muster.csv" in listed
