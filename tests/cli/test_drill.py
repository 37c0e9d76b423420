"""`planner drill`: a generated drill log with late and missing calls, against the plan."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from planner.cli import main

START = "2026-11-15T10:00"
COLUMNS = [
    "zone_id", "households", "reached", "share_reached",
    "minutes_to_50", "minutes_to_90", "minutes_to_100", "estimate_minutes",
]  # fmt: skip


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def homes(register: pd.DataFrame) -> pd.DataFrame:
    return register[["household_id", "zone_id"]].drop_duplicates("household_id")


def generated_log(register: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[float]]]:
    """Reach household k of each zone at minute 2k (the fourth late, at 95), the last two never.

    Zone Z01 is reached in full; in the others the last two households are never called.
    Caller C1 reports back on every call, C2 never does.
    """
    rows, minutes = [], {}
    for zone_id, zone in homes(register).groupby("zone_id"):
        ids = list(zone["household_id"])
        called = ids if zone_id == "Z01" else ids[:-2]
        times = [95.0 if k == 3 else 2.0 * k for k in range(len(called))]
        minutes[zone_id] = times + [math.nan] * (len(ids) - len(called))
        for k, (household, minute) in enumerate(zip(called, times, strict=True)):
            caller = "C1" if k % 2 == 0 else "C2"
            rows.append(
                {
                    "household_id": household,
                    "reached_at": (pd.Timestamp(START) + pd.Timedelta(minutes=minute)).isoformat(),
                    "caller_id": caller,
                    "means": "phone",
                    "reported_at": "2026-11-15T12:00" if caller == "C1" else "",
                }
            )
    return pd.DataFrame(rows), minutes


def share_minute(minutes: list[float], share: float) -> float | None:
    reached = sorted(m for m in minutes if not math.isnan(m))
    needed = max(1, math.ceil(share * len(minutes)))
    return reached[needed - 1] if len(reached) >= needed else None


def test_a_drill_with_late_and_missing_calls_is_measured_per_zone(plan, register, tmp_path):
    log, minutes = generated_log(register)
    log.iloc[::2].to_csv(tmp_path / "log-a.csv", index=False)  # two wardens' files, merged
    log.iloc[1::2].to_csv(tmp_path / "log-b.csv", index=False)
    result = run("drill", plan, tmp_path / "log-a.csv", tmp_path / "log-b.csv",
                 "--out", tmp_path / "out", "--start", START)  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(
        tmp_path / "out" / "drill.csv", encoding="utf-8-sig", dtype={"zone_id": str}
    )
    assert list(table.columns) == COLUMNS
    cascade = pd.read_csv(plan / "contacts" / "cascade.csv", encoding="utf-8-sig")
    estimate = dict(zip(cascade["zone_id"], cascade["station_minutes"], strict=True))
    every = [m for zone in sorted(minutes) for m in minutes[zone]]
    expected = [(zone, minutes[zone], estimate[zone]) for zone in sorted(minutes)]
    expected.append(("STATION", every, max(estimate.values())))
    assert list(table["zone_id"]) == [e[0] for e in expected]
    for (zone, times, planned), (_, row) in zip(expected, table.iterrows(), strict=True):
        reached = sum(not math.isnan(m) for m in times)
        assert row["households"] == len(times), zone
        assert row["reached"] == reached, zone
        assert row["share_reached"] == round(reached / len(times), 4), zone
        for share, column in (
            (0.5, "minutes_to_50"),
            (0.9, "minutes_to_90"),
            (1.0, "minutes_to_100"),
        ):
            want = share_minute(times, share)
            assert math.isnan(row[column]) if want is None else row[column] == want, (zone, column)
        assert row["estimate_minutes"] == planned
    assert math.isnan(table.iloc[-1]["minutes_to_100"])  # two households of Z02 never reached
    page = (tmp_path / "out" / "drill.html").read_text(encoding="utf-8")
    never = homes(register).groupby("zone_id").tail(2).query("zone_id != 'Z01'")
    assert f"Households never reached ({len(never)})" in page
    assert all(household in page for household in never["household_id"])
    assert "Callers who did not report back (1)" in page
    assert "<td>C2</td>" in page
    assert "<td>C1</td>" not in page


def test_staff_ids_count_for_their_household_and_bad_rows_are_named(plan, register, tmp_path):
    staff = register[register["kind"] == "staff"].iloc[0]
    log = pd.DataFrame(
        [
            {"staff_id": staff["person_id"], "reached_at": "10:05", "caller_id": "<b>C9</b>"},
            {"staff_id": "S99999", "reached_at": "10:06", "caller_id": "C9"},
            {"household_id": staff["household_id"], "reached_at": "soon", "caller_id": "C9"},
        ]
    )
    log.to_csv(tmp_path / "log.csv", index=False)
    result = run("drill", plan, tmp_path / "log.csv", "--out", tmp_path / "out", "--start", START)
    assert result.exit_code == 0, result.output
    where = f"{tmp_path / 'log.csv'}, row"
    assert f"{where} 3, column 'staff_id': unknown staff member 'S99999'" in result.output
    assert f"{where} 4, column 'reached_at': time 'soon' is not a time" in result.output
    table = pd.read_csv(
        tmp_path / "out" / "drill.csv", encoding="utf-8-sig", dtype={"zone_id": str}
    )
    station = table.iloc[-1]
    assert station["reached"] == 1
    zone = table.set_index("zone_id").loc[staff["zone_id"]]
    assert zone["reached"] == 1
    assert math.isnan(station["minutes_to_100"])
    page = (tmp_path / "out" / "drill.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;C9&lt;/b&gt;" in page
    assert "<b>C9</b>" not in page


def test_the_default_folder_is_numbered_beside_the_plan_and_junk_exits_1(plan, register, tmp_path):
    household = register["household_id"].iloc[0]
    log = tmp_path / "log.csv"
    pd.DataFrame([{"household_id": household, "reached_at": "2026-11-20 09:00"}]).to_csv(
        log, index=False
    )
    first = run("drill", plan, log)
    second = run("drill", plan, log)
    assert first.exit_code == 0, first.output
    drills = plan.parent / "drills"
    assert (drills / "2026-11-20-1" / "drill.csv").is_file()
    assert (drills / "2026-11-20-2" / "drill.html").is_file()
    assert str(drills / "2026-11-20-2") in second.output
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook at all")
    result = run("drill", plan, log, junk, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert f"error: {junk}: the file is named .xlsx but is not an Excel workbook" in result.output
    assert "Traceback" not in result.output


def test_drill_never_replaces_a_folder_it_did_not_write(plan, register, tmp_path):
    log = tmp_path / "log.csv"
    pd.DataFrame(
        [{"household_id": register["household_id"].iloc[0], "reached_at": "09:00"}]
    ).to_csv(log, index=False)
    out = Path(tmp_path / "mine")
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("drill", plan, log, "--out", out)
    assert result.exit_code == 2
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
