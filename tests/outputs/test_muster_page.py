"""muster.csv holds what write_csv_safely writes, byte for byte, whatever the cells hold."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from outputs.csv_safe import write_csv_safely
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


@pytest.mark.parametrize(
    "odd",
    [
        "Aino Virtanen",  # nothing to change or quote: the cells are joined at once
        "=HYPERLINK(1)",
        "-1",
        "@me",
        "\tTab",
        "Núñez, José",
        'Say "hi"',
        "two\nlines",
        "carriage\rreturn",
        "bell\x07",
        "\u202eevil",
        "no\u00a0break",
        "",
    ],
)
def test_muster_csv_is_what_write_csv_safely_writes(tmp_path, odd):
    result = RollCall(people(["Aino Virtanen", odd, "Ben Roy"]), ())
    write_muster(result, tmp_path, station="S", at=AT, issues=(), files=1)
    expected = write_csv_safely(result.table(), tmp_path / "expected.csv")
    assert (tmp_path / "muster.csv").read_bytes() == expected.read_bytes()
    assert (tmp_path / "muster.csv").read_bytes().startswith(b"\xef\xbb\xbfperson_id,kind,")


def test_an_empty_roll_call_writes_the_header_alone(tmp_path):
    result = RollCall(people([]).reindex(columns=people(["x"]).columns), ())
    write_muster(result, tmp_path, station="S", at=AT, issues=(), files=0)
    expected = write_csv_safely(result.table(), tmp_path / "expected.csv")
    assert (tmp_path / "muster.csv").read_bytes() == expected.read_bytes()
