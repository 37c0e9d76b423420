"""Property: whatever valid roster is written, loading returns every record unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stations import load_station

TINY = Path(__file__).parents[1] / "data" / "tiny"
AS_OF = dt.date(2026, 11, 15)

names = (
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "M", "Zs", "Pd", "Po"), exclude_characters="\x85\xa0"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
staff_row = st.fixed_dictionaries(
    {
        "name": names,
        "agency": st.sampled_from(["UNDP", "UNICEF", "WFP", "UNHCR", "WHO", "OCHA"]),
        "lat": st.floats(60.151, 60.199),
        "lon": st.floats(24.901, 24.979),
        "dependants": st.integers(0, 9),
        "has_radio": st.sampled_from(["true", "false", "yes", "no", ""]),
        "bsafe_date": st.one_of(st.just(""), st.dates(dt.date(2015, 1, 1), AS_OF).map(str)),
        "household": st.integers(0, 5),
    }
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(staff_row, min_size=1, max_size=25),
    delimiter=st.sampled_from([",", ";", "\t"]),
    bom=st.booleans(),
)
def test_every_record_comes_back(tmp_path_factory, rows, delimiter: str, bom: bool) -> None:
    folder = tmp_path_factory.mktemp("station")
    shutil.copytree(TINY, folder, dirs_exist_ok=True)
    records = [
        {
            "staff_id": f"S{i:04d}",
            "name": r["name"],
            "agency": r["agency"],
            "lat": repr(r["lat"]),
            "lon": repr(r["lon"]),
            "dependants": str(r["dependants"]),
            "has_radio": r["has_radio"],
            "bsafe_date": r["bsafe_date"],
            "household_id": f"H{r['household']}",
        }
        for i, r in enumerate(rows)
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(records)
    (folder / "staff.csv").write_bytes(
        (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode()
    )

    station = load_station(folder, as_of=AS_OF)

    assert station.errors == []
    loaded = station.staff.set_index("staff_id")
    assert sorted(loaded.index) == [r["staff_id"] for r in records]
    assert set(loaded["status"]) == {"accepted"}
    for record in records:
        row = loaded.loc[record["staff_id"]]
        assert row["name"] == record["name"]
        assert row["lat"] == float(record["lat"])
        assert row["lon"] == float(record["lon"])
        assert row["dependants"] == int(record["dependants"])
        assert row["household_id"] == record["household_id"]
        expected_date = (
            dt.date.fromisoformat(record["bsafe_date"]) if record["bsafe_date"] else None
        )
        assert row["bsafe_date"] == expected_date
    # Households conserve staff and dependants.
    assert station.households["staff_count"].sum() == len(records)
    assert station.households["dependants"].sum() == sum(int(r["dependants"]) for r in records)
    assert pd.Series([r["household_id"] for r in records]).nunique() == len(station.households)
