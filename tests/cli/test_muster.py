"""`planner plan` writes the roll-call sheets; `planner muster` reads wardens' reports back."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import Workbook
from pypdf import PdfReader

from planner.cli import main

AT = "2026-11-15T12:00"
SHEET_HEADER = [
    "person_id", "kind", "name", "household_id", "zone_id", "presence",
    "status", "location", "reported_at", "reporter",
]  # fmt: skip


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def write_reports(path: Path, rows: list[dict[str, str]]) -> Path:
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def own_reports(ids, status="safe", time="2026-11-15 10:00", reporter="") -> list[dict]:
    return [
        {"person_id": i, "status": status, "reported_at": time, "reporter": reporter} for i in ids
    ]


def muster_table(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "muster.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")


def present(register: pd.DataFrame) -> pd.DataFrame:
    return register[~register["presence"].isin(["on leave", "on mission"])]


# --- the plan's roll-call files -------------------------------------------------------------


def test_the_register_holds_every_staff_member_and_dependant_with_the_zones_warden(plan, register):
    staff = pd.read_csv(plan.parent / "station" / "staff.csv", dtype=str)
    zones = json.loads((plan / "zones.geojson").read_text(encoding="utf-8"))["features"]
    wardens = {z["properties"]["zone_id"]: z["properties"]["warden_id"] for z in zones}
    assert set(register.loc[register["kind"] == "staff", "person_id"]) == set(staff["staff_id"])
    dependants = register[register["kind"] == "dependant"]
    summary = json.loads((plan / "summary.json").read_text(encoding="utf-8"))
    assert register["person_id"].is_unique
    assert len(dependants) > 0
    assert (register["zone_id"] != "").all()
    assert register.set_index("person_id")["warden_id"].equals(
        register.set_index("person_id")["zone_id"].map(wardens)
    )
    assert register["warden_phone"].str.startswith("'+").all()  # formula-safe CSV
    assert (register["presence"] != "present").sum() == summary["staff_away"]


def test_each_zone_has_a_sheet_in_the_report_format_and_a_printable_pdf(plan, register):
    for zone_id, people in register.groupby("zone_id"):
        sheet = pd.read_csv(
            plan / "roll_call" / f"{zone_id}.csv", dtype=str, keep_default_na=False,
            encoding="utf-8-sig",
        )  # fmt: skip
        assert list(sheet.columns) == SHEET_HEADER
        assert list(sheet["person_id"]) == list(people["person_id"])
        assert (sheet["status"] == "").all()
        pdf = PdfReader(plan / "roll_call" / f"{zone_id}.pdf")
        text = "".join(page.extract_text() for page in pdf.pages)
        assert f"Roll call: Zone {zone_id}" in text
        assert all(person_id in text for person_id in people["person_id"])


# --- muster: counts, unaccounted, exit codes -------------------------------------------------


def test_filled_in_sheets_read_back_the_chosen_subset_is_unaccounted(plan, register, tmp_path):
    left_out = ["S00002", "D00010", "S00050"]
    for zone_id in register["zone_id"].unique():
        sheet = pd.read_csv(
            plan / "roll_call" / f"{zone_id}.csv", dtype=str, keep_default_na=False,
            encoding="utf-8-sig",
        )  # fmt: skip
        chosen = ~sheet["person_id"].isin(left_out) & (sheet["presence"] == "present")
        sheet.loc[chosen, "status"] = "safe"
        sheet.loc[chosen, "reported_at"] = "10:30"
        sheet.to_csv(tmp_path / f"{zone_id}.csv", index=False)
    result = run("muster", plan, tmp_path, "--out", tmp_path / "out", "--at", AT)
    assert result.exit_code == 3, result.output
    table = muster_table(tmp_path / "out")
    assert list(table.columns) == [
        "person_id", "kind", "name", "zone_id", "status", "reported_at", "reporter",
    ]  # fmt: skip
    assert sorted(table.loc[table["status"] == "unaccounted", "person_id"]) == sorted(left_out)
    away = register.loc[register["presence"] != "present", "person_id"]
    assert sorted(table.loc[table["status"] == "away", "person_id"]) == sorted(away)
    assert (table.loc[table["status"] == "safe", "reported_at"] == "2026-11-15 10:30").all()
    accounted = len(present(register)) - 3
    assert f"{accounted} of {len(present(register))} present accounted for" in result.output


def test_more_reports_complete_the_roll_call_and_exit_zero(plan, register, tmp_path):
    everyone = list(present(register)["person_id"])
    first = write_reports(tmp_path / "a.csv", own_reports(everyone[:-2]))
    result = run("muster", plan, first, "--out", tmp_path / "out", "--at", AT)
    assert result.exit_code == 3, result.output
    assert set(muster_table(tmp_path / "out").query("status == 'unaccounted'")["person_id"]) == set(
        everyone[-2:]
    )
    second = write_reports(tmp_path / "b.csv", own_reports(everyone[-2:], "needs help"))
    result = run("muster", plan, first, second, "--out", tmp_path / "out", "--at", AT)
    assert result.exit_code == 0, result.output
    table = muster_table(tmp_path / "out")
    assert set(table.query("status == 'needs help'")["person_id"]) == set(everyone[-2:])
    page = (tmp_path / "out" / "muster.html").read_text(encoding="utf-8")
    assert page.index("Need help (2)") < page.index("Not accounted for (0)")


def test_missing_and_unknown_are_not_accounted_for(plan, register, tmp_path):
    everyone = list(present(register)["person_id"])
    reports = own_reports(everyone[2:]) + own_reports(everyone[:1], "missing")
    reports += own_reports(everyone[1:2], "Unknown")
    result = run("muster", plan, write_reports(tmp_path / "r.csv", reports), "--out",
                 tmp_path / "out", "--at", AT)  # fmt: skip
    assert result.exit_code == 3, result.output
    status = muster_table(tmp_path / "out").set_index("person_id")["status"]
    assert status[everyone[0]] == "missing"
    assert status[everyone[1]] == "unknown"


def test_a_household_report_covers_its_members_unless_one_has_a_later_own(plan, register, tmp_path):
    household = register[register["kind"] == "dependant"]["household_id"].iloc[0]
    members = register[register["household_id"] == household]
    own = members["person_id"].iloc[-1]
    earlier = members["person_id"].iloc[0]
    rows = [
        {"household_id": household, "status": "safe", "reported_at": "2026-11-15 10:00"},
        {"person_id": own, "status": "needs help", "reported_at": "2026-11-15 10:20"},
        {"person_id": earlier, "status": "missing", "reported_at": "2026-11-15 09:00"},
    ]
    result = run("muster", plan, write_reports(tmp_path / "r.csv", rows), "--out",
                 tmp_path / "out", "--at", AT)  # fmt: skip
    status = muster_table(tmp_path / "out").set_index("person_id")["status"]
    assert status[own] == "needs help"
    assert status[earlier] == "safe"  # the household's later report wins
    assert (status[members["person_id"].iloc[1:-1]] == "safe").all()
    assert len(members) >= 3
    assert result.exit_code == 3


@pytest.mark.parametrize("suffix", ["xlsx", "jsonl"])
def test_xlsx_and_json_lines_reports_are_read(plan, register, tmp_path, suffix):
    everyone = list(present(register)["person_id"])
    rows = own_reports(everyone)
    path = tmp_path / f"reports.{suffix}"
    if suffix == "jsonl":
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    else:
        book = Workbook()
        sheet = book.active
        sheet.append(["Roll call of the day"])  # a title above the header
        sheet.append(list(rows[0]))
        for row in rows:
            sheet.append(list(row.values()))
        book.save(path)
    result = run("muster", plan, path, "--out", tmp_path / "out", "--at", AT)
    assert result.exit_code == 0, result.output
    assert (muster_table(tmp_path / "out").query("status != 'away'")["status"] == "safe").all()


# --- hostile reports -----------------------------------------------------------------------


def test_hostile_reports_are_named_with_file_row_and_column(plan, register, tmp_path):
    staff = register[(register["kind"] == "staff") & (register["presence"] == "present")]
    a, b, c = staff["person_id"].iloc[:3]
    z01 = register[(register["zone_id"] == "Z01") & (register["kind"] == "dependant")].iloc[0]
    z02_warden = register.loc[register["zone_id"] == "Z02", "warden_id"].iloc[0]
    rows = [
        {"person_id": a, "status": "fine", "reported_at": "2026-11-15 10:00"},
        {"person_id": "S99999", "status": "safe", "reported_at": "2026-11-15 10:00"},
        {"person_id": b, "status": "safe", "reported_at": "2026-11-16 10:00"},
        {"person_id": c, "status": "safe", "reported_at": "2026-11-15 10:05"},
        {"person_id": c, "status": "needs help", "reported_at": "2026-11-15 10:05"},
        {"person_id": z01["person_id"], "status": "safe", "reported_at": "2026-11-15 10:06",
         "reporter": z02_warden},
        {"person_id": a, "status": "safe", "reported_at": "yesterday"},
    ]  # fmt: skip
    path = write_reports(tmp_path / "hostile.csv", rows)
    result = run("muster", plan, path, "--out", tmp_path / "out", "--at", AT)
    assert result.exit_code == 3, result.output
    where = f"{path}, row"
    assert f"{where} 2, column 'status': status 'fine' is not one of" in result.output
    assert f"{where} 3, column 'person_id': unknown person 'S99999'" in result.output
    assert f"{where} 4, column 'reported_at': time 2026-11-16 10:00 is in the future" in (
        result.output
    )
    assert f"{where} 6, column 'status': person '{c}' has contradictory statuses" in result.output
    assert f"{where} 7, column 'reporter': reporter '{z02_warden}' keeps zone Z02" in result.output
    assert f"{where} 8, column 'reported_at': time 'yesterday' is not a time" in result.output
    assert "Traceback" not in result.output
    status = muster_table(tmp_path / "out").set_index("person_id")["status"]
    assert status[a] == "unaccounted"
    assert status[b] == "unaccounted"
    assert status[c] == "needs help"  # the most urgent of a contradiction is kept
    assert status[z01["person_id"]] == "safe"  # another zone's warden: named, counted


def test_a_binary_file_exits_1_named_and_the_other_reports_still_count(plan, register, tmp_path):
    good = write_reports(tmp_path / "good.csv", own_reports(present(register)["person_id"]))
    junk = tmp_path / "junk.csv"
    junk.write_bytes(bytes(range(256)) * 40)
    pdf = tmp_path / "scan.csv"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)))
    result = run("muster", plan, good, junk, pdf, "--out", tmp_path / "out", "--at", AT)
    assert result.exit_code == 1, result.output
    assert f"error: {junk}, row 1: the header has a single column" in result.output
    assert f"error: {pdf}: the file is named .csv but contains a PDF document" in result.output
    assert "Traceback" not in result.output
    assert (muster_table(tmp_path / "out").query("status != 'away'")["status"] == "safe").all()


def test_formula_and_html_in_reports_stay_text(plan, register, tmp_path):
    person = present(register)["person_id"].iloc[0]
    rows = [
        {
            "person_id": person,
            "status": "safe",
            "reported_at": "2026-11-15 10:00",
            "reporter": '=HYPERLINK("http://x")',
            "location": "<script>alert(1)</script>",
        }
    ]
    result = run("muster", plan, write_reports(tmp_path / "r.csv", rows), "--out",
                 tmp_path / "out", "--at", AT)  # fmt: skip
    assert result.exit_code == 3
    raw = (tmp_path / "out" / "muster.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in raw
    page = (tmp_path / "out" / "muster.html").read_text(encoding="utf-8")
    assert "<script" not in page
    assert "http://" not in page.replace("=HYPERLINK(&quot;http://x&quot;)", "")


def test_a_folder_that_is_not_a_plan_is_refused(tmp_path):
    report = write_reports(tmp_path / "r.csv", own_reports(["S00001"]))
    (tmp_path / "plan").mkdir()
    result = run("muster", tmp_path / "plan", report, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "has no roll_call/register.csv" in result.output


def test_muster_never_replaces_a_folder_it_did_not_write(plan, tmp_path):
    report = write_reports(tmp_path / "r.csv", own_reports(["S00001"]))
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("muster", plan, report, "--out", tmp_path / "out", "--at", AT)
    assert result.exit_code == 2
    assert "notes.txt" in result.output
    assert (tmp_path / "out" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_watch_reads_a_folder_until_its_rounds_are_done(plan, register, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(
        write_reports(tmp_path / "all.csv", own_reports(present(register)["person_id"])),
        inbox / "all.csv",
    )
    result = run("muster", plan, inbox, "--out", tmp_path / "out", "--at", AT, "--watch",
                 "--rounds", "2", "--interval", "0.1")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.count("present accounted for") == 1  # the second look saw no change


def test_a_redacted_plan_has_no_roll_call_and_muster_says_so(tmp_path):
    station = tmp_path / "tiny"
    shutil.copytree(Path(__file__).parents[1] / "data" / "tiny", station)
    result = run(
        "-q", "plan", station, "--out", tmp_path / "plan", "--redact", "--as-of", "2026-11-15"
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "plan" / "roll_call").exists()
    report = write_reports(tmp_path / "r.csv", own_reports(["S001"]))
    result = run("muster", tmp_path / "plan", report, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "has no roll_call/register.csv" in result.output
    assert "not redacted" in result.output


def test_watch_reruns_when_a_report_arrives(plan, register, tmp_path):
    from planner.muster import watch_muster

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    everyone = list(present(register)["person_id"])
    write_reports(inbox / "first.csv", own_reports(everyone[:-1]))
    seen = []

    def arrived(muster) -> None:
        seen.append(muster.exit_code)
        if len(seen) == 1:  # the last report comes in while the roll call runs
            write_reports(inbox / "late.csv", own_reports(everyone[-1:]))

    last = watch_muster(plan, [inbox], tmp_path / "out", at=pd.Timestamp(AT).to_pydatetime(),
                        interval_s=0.05, rounds=4, report=arrived)  # fmt: skip
    assert seen == [3, 0]
    assert last is not None
    assert [p.name for p in last.files] == ["first.csv", "late.csv"]
    assert (muster_table(tmp_path / "out").query("status != 'away'")["status"] == "safe").all()


def test_a_long_unaccounted_list_is_cut_on_the_page_and_whole_in_the_csv(plan, register, tmp_path):
    from outputs.muster_page import LISTED

    people = present(register)
    copies = LISTED // len(people) + 1  # the station's present people, copied past the cut
    big = pd.concat(
        [people.assign(person_id=people["person_id"] + f"-{n}") for n in range(copies)],
        ignore_index=True,
    )
    big_plan = tmp_path / "big"
    (big_plan / "roll_call").mkdir(parents=True)
    big.to_csv(big_plan / "roll_call" / "register.csv", index=False)
    report = write_reports(tmp_path / "r.csv", own_reports([big["person_id"].iloc[0]]))
    result = run("-q", "muster", big_plan, report, "--out", tmp_path / "out", "--at", AT)
    assert result.exit_code == 3, result.output
    assert len(muster_table(tmp_path / "out")) == len(big)
    page = (tmp_path / "out" / "muster.html").read_text(encoding="utf-8")
    more = len(big) - 1 - LISTED
    assert f"Not accounted for ({len(big) - 1})" in page
    assert f"{more:,} more in muster.csv" in page
    shown = page.split(f"Not accounted for ({len(big) - 1})<")[1].split("By zone")[0]
    assert shown.count("<tr>") == LISTED + 1  # the header and the first LISTED people


def test_muster_does_not_import_the_geodata_stack_or_openpyxl() -> None:
    code = (
        "import sys, planner.cli, planner.muster; "
        "print(sorted({'geopandas', 'shapely', 'pyproj', 'openpyxl'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
