"""A 1,700-row roster in HR wording validates, summarised; unknown wordings get a fix file."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from planner.cli import main
from stations import load_station
from stations.synth import synthesize_station

TRUE_WORDS = itertools.cycle(["Yes", "Y", "TRUE", "1", "yes", "x"])
FALSE_WORDS = itertools.cycle(["No", "N", "FALSE", "0", "no"])
HEADS = itertools.cycle(["Head of Agency", "Representative", "Country Director"])
DATES = ("bsafe_date", "ssafe_date", "briefed_date", "confirmed_date")
BOOLS = ("has_radio", "has_satphone", "willing_warden", "morss_surveyed")
UNKNOWN_ROLE = "Programme Clerk"
NEAR_ROLE = "Deputy Wardn"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _word(value: object) -> object:
    if value == "true":
        return next(TRUE_WORDS)
    if value == "false":
        return next(FALSE_WORDS)
    return value


def _hr_roles(staff: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    ordinary = rng.choice(["Staff member", "Staff", "", "staff member"], size=len(staff))
    roles = pd.Series(ordinary, index=staff.index, dtype=object)
    roles[staff["role"] == "DO"] = "Designated Official"
    roles[staff["role"] == "CSA"] = "Chief Security Adviser"
    heads = staff["role"] == "agency_head"
    roles[heads] = [next(HEADS) for _ in range(int(heads.sum()))]
    plain = staff.index[staff["role"].isna()]
    roles[plain[:300]] = UNKNOWN_ROLE
    roles[plain[300:340]] = NEAR_ROLE
    return roles


@pytest.fixture(scope="module")
def hr_station(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """A synthesized station whose roster and offices read as an HR export would."""
    folder = synthesize_station(
        tmp_path_factory.mktemp("hr") / "genf", households=1550, seed=11, city="Genf"
    ).parent
    rng = np.random.default_rng(11)
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False).replace("", None)
    staff["role"] = _hr_roles(staff, rng)
    staff["category"] = staff["category"].map(
        {"international": "Internationally recruited", "national": "National staff"}
    )
    staff["grade"] = staff["grade"].str.replace("-", rng.choice(["", " "]), regex=False)
    for column in BOOLS:
        staff[column] = staff[column].map(_word)
    for column in DATES:
        staff[column] = pd.to_datetime(staff[column]).dt.strftime("%d/%m/%Y").replace("NaT", None)
    staff.columns = [c.replace("_", " ").title() for c in staff.columns]
    # As HR systems export it: a title line and a blank row above the header.
    table = staff.to_csv(index=False)
    title = "Staff list as of 30 Nov 2026" + "," * (len(staff.columns) - 1)
    (folder / "staff.csv").write_text(f"{title}\n\n{table}", encoding="utf-8")
    offices = pd.read_csv(folder / "offices.csv", dtype=str, keep_default_na=False)
    offices["kind"] = offices["kind"].map(
        {"main office": "UN House", "compound": "Country Office", "sub-office": "Field Office"}
    )
    for column in offices.columns[6:]:
        offices[column] = offices[column].map(_word)
    offices.to_csv(folder / "offices.csv", index=False)
    return folder, staff


def test_hr_roster_validates_in_a_few_lines(hr_station) -> None:
    folder, staff = hr_station
    assert len(staff) >= 1700
    code, out, err = run("validate", str(folder))
    assert code == 0, err
    lines = (out + err).splitlines()
    assert len(lines) < 60, "\n".join(lines)
    assert f"{len(staff)} staff accepted, 0 staff rejected" in out
    clerks = [line for line in lines if repr(UNKNOWN_ROLE) in line]
    assert len(clerks) == 1
    assert clerks[0].startswith("warning: staff.csv, column 'role': 300 rows: unknown role")
    assert "read as ordinary staff" in clerks[0]
    assert "(rows " in clerks[0]
    assert any("day/month order DMY, decided by the values" in line for line in lines)
    assert any("the header is on row 3" in line for line in lines)


def test_hr_roster_json_keeps_every_row(hr_station) -> None:
    folder, staff = hr_station
    code, out, _ = run("validate", str(folder), "--format", "json")
    assert code == 0
    payload = json.loads(out)
    clerk_rows = {i["row"] for i in payload["issues"] if i.get("value") == UNKNOWN_ROLE}
    expected = {int(i) + 4 for i in staff.index[staff["Role"] == UNKNOWN_ROLE]}
    assert clerk_rows == expected
    assert payload["counts"]["staff accepted"] == len(staff)


def test_hr_roster_as_xlsx_with_date_cells(hr_station, tmp_path: Path) -> None:
    folder, staff = hr_station
    xlsx = tmp_path / "genf"
    xlsx.mkdir()
    for name in ("station.toml", "offices.csv", "points.csv", "boundary.geojson"):
        (xlsx / name).write_bytes((folder / name).read_bytes())
    cells = staff.copy()
    for column in ("Bsafe Date", "Confirmed Date"):
        cells[column] = pd.to_datetime(cells[column], format="%d/%m/%Y")
    cells.to_excel(xlsx / "staff.xlsx", index=False)
    toml = xlsx / "station.toml"
    toml.write_text(toml.read_text().replace('"staff.csv"', '"staff.xlsx"'))
    code, out, err = run("validate", str(xlsx), "--format", "json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["counts"]["staff accepted"] == len(staff)
    assert not [i for i in payload["issues"] if i["code"] == "date"]


def test_suggested_vocabulary_is_toml_that_places_the_values(hr_station, tmp_path) -> None:
    folder, _ = hr_station
    code, out, _ = run("validate", str(folder), "--suggest-vocabulary")
    assert code == 0
    table = tomllib.loads(out)["vocabulary"]
    assert table["role"] == {NEAR_ROLE: "deputy"}  # the clerk has no close value
    assert f'# "{UNKNOWN_ROLE}" = ""' in out
    station = folder.parent / "with-vocabulary"
    station.mkdir()
    for path in folder.iterdir():
        (station / path.name).write_bytes(path.read_bytes())
    fixed = out.replace(f'# "{UNKNOWN_ROLE}" = ""', f'"{UNKNOWN_ROLE}" = "staff"')
    with (station / "station.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n" + fixed)
    code, out, _ = run("validate", str(station), "--format", "json")
    assert code == 0
    assert not [i for i in json.loads(out)["issues"] if i["code"] == "unknown_role"]
    fix_file = tmp_path / "fix.toml"
    assert run("validate", str(station), "--suggest-vocabulary", str(fix_file))[0] == 0
    assert "Every value was placed" in fix_file.read_text()
    assert run("validate", str(station), "--suggest-vocabulary", str(fix_file))[0] == 2


def test_plan_summarises_the_errors_that_stop_it(hr_station, tmp_path: Path) -> None:
    folder, staff = hr_station
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in folder.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    staff = staff.copy()
    staff.loc[staff.index[:1000], "Lat"] = "1_0"
    staff.to_csv(broken / "staff.csv", index=False)
    result = CliRunner().invoke(main, ["-q", "plan", str(broken), "--out", str(tmp_path / "p")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) < 10, result.output
    assert "staff.csv, column 'lat': 1,000 rows: expected a number, found '1_0'" in result.output
    assert not (tmp_path / "p").exists()


def test_hr_wording_reaches_the_contact_tree(tiny_station: Path, tmp_path: Path) -> None:
    staff = (tiny_station / "staff.csv").read_text(encoding="utf-8")
    staff = staff.replace(",DO,", ",Designated Official,").replace(
        ",CSA,", ",Chief Security Advisor,"
    )
    staff = staff.replace(",2025-01-10,", ",10/01/2025,").replace(",2025-09-01,", ",13/09/2025,")
    (tiny_station / "staff.csv").write_text(staff.replace(",true,", ",Yes,"), encoding="utf-8")
    offices = (tiny_station / "offices.csv").read_text(encoding="utf-8")
    offices = offices.replace(",main office,", ",UN House,").replace(",compound,", ",Guesthouse,")
    (tiny_station / "offices.csv").write_text(offices, encoding="utf-8")
    out = tmp_path / "plan"
    result = CliRunner().invoke(main, ["-q", "plan", str(tiny_station), "--out", str(out)])
    assert result.exit_code == 0, result.output
    chain = json.loads((out / "contacts" / "tree.json").read_text(encoding="utf-8"))["chain"]
    assert (chain["role"], chain["staff_id"]) == ("DO", "S004")
    adviser = chain["children"][0]
    assert (adviser["role"], adviser["staff_id"]) == ("CSA", "S005")
    dates = load_station(tiny_station).staff.set_index("staff_id")["bsafe_date"]
    assert (dates["S001"], dates["S004"]) == (dt.date(2025, 1, 10), dt.date(2025, 9, 13))
