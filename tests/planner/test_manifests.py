"""Manifests and hibernation supplies: who goes where, on a synthesized station with people."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from outputs.document import Table
from outputs.manifests import manifest_section
from planner.build import PlanRun, build_plan
from planner.cli import main
from planner.publish import write_plan
from stations import load_station
from stations.synth import synthesize_station
from tests.conftest import TINY
from tests.factories import SAMPLE
from zones.hibernation import SUPPLIES
from zones.manifests import manifest_people

HOSTILE = '=HYPERLINK("http://x","y") <b>Bold</b>'
DAYS = 10
WATER = 20.0
EVACUATION = f"""
[evacuation]
national = "hibernate"
hibernation_days = {DAYS}
supplies = {{ water_l = {WATER} }}
"""


def busiest_day(folder: Path) -> dt.date:
    """Return the earliest date with the most visitors present."""
    visitors = pd.read_csv(folder / "visitors.csv", dtype=str)
    stays = [
        (dt.date.fromisoformat(a), dt.date.fromisoformat(d))
        for a, d in zip(visitors["arrival"], visitors["departure"], strict=True)
    ]
    days = {a + dt.timedelta(days=n) for a, d in stays for n in range((d - a).days + 1)}
    return min(days, key=lambda day: (-sum(a <= day <= d for a, d in stays), day))


def with_hibernation(folder: Path) -> None:
    """Give a station two hibernation sites (at two homes), national staff hibernating."""
    staff = pd.read_csv(folder / "staff.csv", dtype=str, keep_default_na=False)
    staff.loc[0, "name"] = HOSTILE
    staff.to_csv(folder / "staff.csv", index=False)
    homes = staff.drop_duplicates("household_id")
    sites = [homes.iloc[0], homes.iloc[len(homes) // 2]]
    with (folder / "points.csv").open("a", encoding="utf-8") as handle:
        for number, home in enumerate(sites, start=1):
            handle.write(f"HB{number},hibernation,Shelter {number},{home.lat},{home.lon},60,\n")
    with (folder / "station.toml").open("a", encoding="utf-8") as handle:
        handle.write(EVACUATION)


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> PlanRun:
    folder = tmp_path_factory.mktemp("manifests") / "station"
    synthesize_station(folder, households=120, seed=3, city="Wien", people=True)
    with_hibernation(folder)
    as_of = busiest_day(folder)
    return build_plan(load_station(folder, as_of=as_of), as_of=as_of)


@pytest.fixture(scope="module")
def written(synthesized: PlanRun, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("written") / "plan"
    folder.mkdir()
    write_plan(synthesized, folder, issued=dt.date(2026, 12, 1))
    return folder


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def manifests(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: read_csv(p) for p in sorted(folder.glob("*.csv"))}


def grouped_by_household(frame: pd.DataFrame) -> bool:
    """Return whether each household's rows are together, staff first."""
    households = frame.loc[frame["household_id"] != "", "household_id"].tolist()
    runs = [h for i, h in enumerate(households) if i == 0 or households[i - 1] != h]
    if len(runs) != len(set(runs)):
        return False
    for _, rows in frame[frame["household_id"] != ""].groupby("household_id"):
        kinds = rows["person"].tolist()
        if kinds != sorted(kinds, key=lambda k: k != "staff"):
            return False
    return True


def check_every_person_once(planned: object, folder: Path) -> pd.DataFrame:
    """Assert that the manifests of ``folder`` list every person of ``planned`` once."""
    station = planned.station  # type: ignore[attr-defined]
    listed = pd.concat(manifests(folder / "manifests").values(), ignore_index=True)
    assert not listed["person_id"].duplicated().any()
    staff = listed[listed["person"] == "staff"]
    assert (staff["staff_id"] == staff["person_id"]).all()
    assert (listed.loc[listed["person"] != "staff", "staff_id"] == "").all()
    assert sorted(staff["staff_id"]) == sorted(station.accepted_staff["staff_id"])
    dependants = listed.loc[listed["person"] == "dependant", "person_id"]
    assert sorted(dependants) == sorted(station.accepted_dependants["person_id"])
    visitors = listed.loc[listed["person"] == "visitor", "person_id"]
    assert sorted(visitors) == sorted(planned.visitors["visitor_id"])  # type: ignore[attr-defined]
    for name, frame in manifests(folder / "manifests").items():
        assert grouped_by_household(frame), name
        assert set(frame["concentration_id"]) == {name}
    return listed


def test_assembly_loads_count_the_visitors_of_their_zones(synthesized: PlanRun) -> None:
    planned = synthesized.planned
    zones = planned.zones
    assert len(planned.visitors) >= 2
    assert int(zones["visitors"].sum()) == len(planned.visitors)
    loads = planned.point_loads.set_index("point_id")
    hotel_zones = zones[zones["visitors"] > 0]
    assert len(hotel_zones)
    for zone in hotel_zones.itertuples():
        served = zones[zones["assembly_id"] == zone.assembly_id]
        assert loads.loc[zone.assembly_id, "load"] == served["headcount"].sum()
        people = served["staff"] + served["dependants"] + served["visitors"]
        assert loads.loc[zone.assembly_id, "load"] == people.sum()


def test_manifests_list_every_staff_member_dependant_and_visitor_once(
    synthesized: PlanRun, written: Path
) -> None:
    station = synthesized.planned.station
    listed = check_every_person_once(synthesized.planned, written)
    assert (listed["person"] == "dependant").sum() > 100
    away = set(station.away_on())
    assert away
    staff = listed[listed["person"] == "staff"].set_index("staff_id")
    assert set(staff.index[staff["status"] == "away (no seat)"]) == away
    dependants_of_away = station.accepted_dependants["staff_id"].isin(away)
    assert dependants_of_away.any()
    of_away = listed.set_index("person_id").loc[
        station.accepted_dependants.loc[dependants_of_away, "person_id"]
    ]
    assert (of_away["status"] == "travels").all()


def test_categories_move_as_the_evacuation_table_says(synthesized: PlanRun, written: Path) -> None:
    listed = pd.concat(manifests(written / "manifests").values(), ignore_index=True)
    staff = listed[listed["person"] == "staff"]
    national = staff["category"] == "national"
    assert (staff.loc[national, "movement"] == "hibernate").all()
    assert (staff.loc[~national, "movement"] == "evacuate").all()
    sites = synthesized.planned.households.set_index("household_id")["hibernation_id"]
    hibernating = listed[listed["movement"] == "hibernate"]
    assert (hibernating["destination_id"] == hibernating["household_id"].map(sites)).all()


def test_departure_manifests_list_the_same_people_by_route(written: Path) -> None:
    listed = pd.concat(manifests(written / "manifests").values(), ignore_index=True)
    leaving = listed[(listed["movement"] != "hibernate") & (listed["destination_id"] != "")]
    assert len(leaving)
    by_departure = manifests(written / "manifests" / "departures")
    assert by_departure
    again = pd.concat(by_departure.values(), ignore_index=True)
    assert sorted(again["person_id"]) == sorted(leaving["person_id"])
    for name, frame in by_departure.items():
        assert set(frame["destination_id"]) == {name}
        routes = frame["concentration_id"].tolist()
        assert routes == sorted(routes)
        pdf = PdfReader(written / "manifests" / "departures" / f"{name}.pdf")
        assert frame["person_id"].iloc[0] in pdf.pages[0].extract_text()  # the table starts


def test_manifests_are_formula_safe_and_escaped(written: Path, tmp_path: Path) -> None:
    files = sorted((written / "manifests").glob("*.csv"))
    text = "".join(p.read_text(encoding="utf-8-sig") for p in files)
    assert "'" + HOSTILE.replace('"', '""') in text
    frame = pd.concat([read_csv(p) for p in files])
    point = frame.loc[frame["name"] == "'" + HOSTILE, "concentration_id"].iloc[0]
    pdf = written / "manifests" / f"{point}.pdf"
    words = " ".join(
        unicodedata.normalize(
            "NFKC", "".join(p.extract_text() for p in PdfReader(pdf).pages)
        ).split()
    )
    assert "FOR THE SECURITY ADVISER ONLY" in words
    assert "<b>Bold</b>" in words
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "m")],  # noqa: S607
        check=True,
    )
    image = Image.open(next(tmp_path.glob("m*.png"))).convert("L")
    assert image.getextrema()[0] < 100


def test_supplies_are_days_times_people_times_amounts(synthesized: PlanRun, written: Path) -> None:
    sites = read_csv(written / "hibernation.csv").set_index("point_id")
    households = synthesized.planned.households
    assert set(sites.index) == {"HB1", "HB2"}
    assert int(sites["people"].astype(int).sum()) > 0
    for point_id, site in sites.iterrows():
        members = households[households["hibernation_id"] == point_id]
        people = int(members["headcount"].sum())
        assert int(site["people"]) == people
        assert sorted(filter(None, site["household_ids"].split(";"))) == sorted(
            members["household_id"]
        )
        assert float(site["water_l"]) == DAYS * people * WATER
        assert float(site["food_kcal"]) == DAYS * people * SUPPLIES["food_kcal"].amount
        assert float(site["soap_g"]) == DAYS * people * SUPPLIES["soap_g"].amount


def test_redacted_plan_writes_no_manifest(synthesized: PlanRun, tmp_path: Path) -> None:
    folder = tmp_path / "redacted"
    folder.mkdir()
    write_plan(synthesized, folder, issued=dt.date(2026, 12, 1), redact=True)
    assert not (folder / "manifests").exists()
    sites = read_csv(folder / "hibernation.csv")
    assert "household_ids" not in sites.columns
    assert sites["people"].astype(int).sum() > 0


def test_an_unknown_supply_item_is_a_named_error(tmp_path: Path) -> None:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    with (folder / "station.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n[evacuation]\nsupplies = { water_l = 5, candles = 2 }\n")
    result = CliRunner().invoke(main, ["plan", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "candles" in result.output
    assert "Traceback" not in result.output


def test_sample_manifests_list_everyone_once(tmp_path: Path) -> None:
    as_of = dt.date(2026, 12, 1)
    run = build_plan(load_station(SAMPLE, as_of=as_of), as_of=as_of)
    folder = tmp_path / "plan"
    folder.mkdir()
    write_plan(run, folder, issued=as_of)
    listed = check_every_person_once(run.planned, folder)
    assert len(listed) == int(run.planned.zones["headcount"].sum())


def test_security_plan_lists_points_seats_manifests_and_supplies(written: Path) -> None:
    text = " ".join(
        "".join(p.extract_text() for p in PdfReader(written / "security_plan.pdf").pages).split()
    )
    section = text.split("Who goes where: manifests and hibernation")[-1]
    listed = pd.concat(manifests(written / "manifests").values(), ignore_index=True)
    for point_id, group in listed.groupby("concentration_id"):
        assert f"{point_id} {len(group):,}" in section
        assert f"manifests/{point_id}.csv" in section
    sites = read_csv(written / "hibernation.csv")
    for site in sites.itertuples():
        assert f"{float(site.water_l):,.0f} l" in section
    assert "Sphere Handbook 2018" in section
    assert f"{WATER:g} l set by the station" in section


def test_security_plan_seats_are_those_of_transport_csv(
    synthesized: PlanRun, written: Path
) -> None:
    # The synthesized station has visitors and hibernating national staff: the section
    # renders transport.csv, which counts the visitors and not the people who hibernate.
    transport = read_csv(written / "transport.csv")
    listed = pd.concat(manifests(written / "manifests").values(), ignore_index=True)
    moving = listed[listed["movement"] != "hibernate"]
    everyone = transport[transport["movement"] == "all"].set_index("concentration_id")
    assert (listed["movement"] == "hibernate").any()
    assert (moving["person"] == "visitor").any()
    for point_id, group in moving.groupby("concentration_id"):
        away = int((group["status"] != "travels").sum())
        assert int(everyone.loc[point_id, "people"]) == len(group)
        assert int(everyone.loc[point_id, "seats_needed"]) == len(group) - away
    section = manifest_section(synthesized.planned, redact=False)
    table = next(b for b in section.blocks if isinstance(b, Table))
    rendered = [(row[2].split("\n")[0], row[3].split("\n")[0], row[4]) for row in table.rows]
    expected = [
        (f"{int(r.seats_needed):,}", f"{int(r.seats_available):,}", f"{int(r.shortfall):,}")
        for r in transport.itertuples()
    ]
    assert rendered == expected
    pdf = " ".join(
        "".join(p.extract_text() for p in PdfReader(written / "security_plan.pdf").pages).split()
    )
    for row in transport[transport["movement"] == "all"].itertuples():
        assert f"{int(row.people):,} moving, {int(row.away)} away" in pdf


def test_the_manifest_is_worked_out_once_per_plan_and_a_changed_copy_has_its_own(
    synthesized: PlanRun,
) -> None:
    planned = synthesized.planned
    first = manifest_people(planned)
    first["name"] = "changed by the caller"
    again = manifest_people(planned)
    assert "changed by the caller" not in set(again["name"])
    assert again.equals(manifest_people(planned))
    without_visitors = dataclasses.replace(planned, visitors=planned.visitors.iloc[:0])
    fewer = manifest_people(without_visitors)
    assert len(fewer) == len(again) - int((again["person"] == "visitor").sum()) > 0
    assert not (fewer["person"] == "visitor").any()


def test_a_dependant_follows_their_staff_member_else_the_household_else_nobody(
    synthesized: PlanRun,
) -> None:
    planned = synthesized.planned
    station = planned.station
    dependants = station.dependants.copy()
    accepted = dependants.index[dependants["status"] == "accepted"]
    credited, unknown = accepted[0], accepted[1]
    household = dependants.loc[credited, "household_id"]
    dependants.loc[credited, "staff_id"] = "NOT-ON-THE-ROSTER"
    dependants.loc[unknown, ["staff_id", "household_id"]] = ["NOT-ON-THE-ROSTER", "NO-SUCH-HOME"]
    changed = dataclasses.replace(
        planned, station=dataclasses.replace(station, dependants=dependants)
    )
    people = manifest_people(changed).set_index("person_id")
    staff = manifest_people(planned)
    roster = planned.staff
    first_id = roster.loc[roster["household_id"].astype(str) == str(household), "staff_id"].iloc[0]
    first = staff.set_index("person_id").loc[str(first_id)]
    follows = people.loc[dependants.loc[credited, "person_id"]]
    assert (follows["category"], follows["movement"], follows["zone_id"]) == (
        first["category"],
        first["movement"],
        first["zone_id"],
    )
    assert dependants.loc[unknown, "person_id"] not in people.index
    assert len(people) == len(staff) - 1
