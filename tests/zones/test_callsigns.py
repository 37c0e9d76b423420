"""Call signs and radio nets: the roster's kept, the generated ones unique and to the scheme."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from planner.build import assignments_table, build_plan, plan_station, with_radio
from stations import StationError, load_station
from stations.synth import synthesize_station
from stations.text import text_of
from tests.factories import AS_OF, tiny_plan
from tests.plan_factory import plan_by_hand
from zones.callsigns import RadioRules, callsign_key, plan_radio, repeater_reach

HELSINKI = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"
DEFAULT_SCHEME = re.compile(r"^(Z\d+)?(DO|SA|FP|AC|H|W|D|A|S)\d+$")


@pytest.fixture(scope="module")
def helsinki():
    return plan_by_hand(load_station(HELSINKI, as_of=AS_OF), zone_count=6)


def _by_id(radio) -> pd.DataFrame:
    return radio.callsigns.set_index("staff_id")


def _radio_table(folder: Path, body: str) -> None:
    toml = folder / "station.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[radio]\n" + body, encoding="utf-8")


def test_roster_callsigns_are_kept_and_the_others_generated(tiny_station: Path):
    planned, radio = with_radio(tiny_plan(tiny_station))
    table = _by_id(radio)
    # S002, S004 (DO) and S005 (CSA) have call signs in the roster: kept as written.
    assert table.loc[["S002", "S004", "S005"], "radio_callsign"].tolist() == [
        "UN-12",
        "UN-1",
        "UN-2",
    ]
    assert set(table.loc[["S002", "S004", "S005"], "callsign_source"]) == {"roster"}
    # Wardens S006 (Z01), S003 (Z02) and the Z01 deputy S001 had none: by zone and role.
    assert table.loc["S006", "radio_callsign"] == "Z01W1"
    assert table.loc["S003", "radio_callsign"] == "Z02W1"
    assert table.loc["S001", "radio_callsign"] == "Z01D1"
    assert set(table.loc[["S001", "S003", "S006"], "callsign_source"]) == {"generated"}
    staff = planned.staff.set_index("staff_id")
    assert staff.loc["S006", "radio_callsign"] == "Z01W1"
    assert staff.loc["S006", "callsign_source"] == "generated"
    assert planned.station.staff.set_index("staff_id").loc["S006", "radio_callsign"] in ("", None)


def test_nets_by_role_and_the_check_schedule(tiny_station: Path):
    _radio_table(
        tiny_station,
        'security_net = "Bravo"\nwarden_net = "Wardens {area}"\n'
        'check_day = "Friday"\ncheck_time = "09:30"\ncheck_gap_min = 20\n',
    )
    _, radio = with_radio(tiny_plan(tiny_station))
    nets = _by_id(radio)["radio_net"]
    assert set(nets[nets == "Bravo"].index) == {"S001", "S003", "S004", "S005", "S006"}
    assert set(nets[nets != "Bravo"]) == {"Wardens Tiny"}
    assert radio.schedule[["net", "day", "time", "control_id"]].to_numpy().tolist() == [
        ["Bravo", "friday", "09:30", "S005"],
        ["Wardens Tiny", "friday", "09:50", "S005"],
    ]


def test_generated_callsigns_are_unique_and_follow_the_scheme(helsinki):
    _, radio = with_radio(helsinki)
    table = radio.callsigns
    generated = table[table["callsign_source"] == "generated"]
    assert len(generated) >= 10
    assert all(DEFAULT_SCHEME.match(c) for c in generated["radio_callsign"])
    roster = helsinki.station.staff["radio_callsign"].dropna().astype(str)
    keys = [callsign_key(c) for c in table["radio_callsign"] if c]
    assert len(keys) == len(set(keys))
    assert not {callsign_key(c) for c in roster} & {
        callsign_key(c) for c in generated["radio_callsign"]
    }
    kept = table[table["callsign_source"] == "roster"].set_index("staff_id")["radio_callsign"]
    by_roster = helsinki.station.staff.set_index("staff_id")["radio_callsign"]
    assert (kept == by_roster.loc[kept.index]).all()
    # Everyone on the security net has a call sign; nobody else without a radio gets one.
    security = table[table["radio_net"] == "Security net"]
    assert (security["radio_callsign"] != "").all()


def test_a_custom_scheme_and_callsigns_for_everyone(helsinki):
    rules = RadioRules.from_table(
        {"callsign_scheme": "UN {agency}-{zone}{role}{n:02d}", "callsigns_for": "all"}
    )
    table = plan_radio(helsinki.staff, helsinki.appointments, helsinki.areas, rules).callsigns
    assert (table["radio_callsign"] != "").all()
    generated = table[table["callsign_source"] == "generated"]["radio_callsign"]
    assert all(re.fullmatch(r"UN [A-Z]+-(Z\d+)?[A-Z]{1,2}\d{2,}", c) for c in generated)
    assert generated.map(callsign_key).is_unique


def test_generated_never_takes_a_callsign_held_in_other_case_or_spacing(tiny_station: Path):
    plan = tiny_plan(tiny_station)
    staff = plan.staff.copy()
    staff.loc[staff["staff_id"] == "S002", "radio_callsign"] = "z01 w1"
    rules = RadioRules()
    table = plan_radio(staff, plan.appointments, plan.areas, rules, taken=["Z01D1"]).callsigns
    by_id = table.set_index("staff_id")["radio_callsign"]
    assert by_id["S002"] == "z01 w1"  # kept as written
    assert by_id["S006"] == "Z01W2"
    assert by_id["S001"] == "Z01D2"


def test_same_inputs_give_the_same_callsigns_in_any_row_order(helsinki):
    rules = RadioRules()
    first = plan_radio(helsinki.staff, helsinki.appointments, helsinki.areas, rules).callsigns
    shuffled = helsinki.staff.sample(frac=1.0, random_state=7)
    second = plan_radio(shuffled, helsinki.appointments, helsinki.areas, rules).callsigns
    pd.testing.assert_frame_equal(first, second)


def test_roster_duplicates_are_reported(tiny_station: Path):
    plan = tiny_plan(tiny_station)
    staff = plan.staff.copy()
    staff.loc[staff["staff_id"] == "S001", "radio_callsign"] = "un -12"
    radio = plan_radio(staff, plan.appointments, plan.areas, RadioRules())
    assert radio.duplicates == (("un -12", ("S001", "S002")),)


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('callsign_scheme = "{zone}{role}"', "radio.callsign_scheme must contain {n}"),
        ('callsign_scheme = "{zone}{rank}{n}"', "radio.callsign_scheme has unknown field(s) rank"),
        ('warden_net = "Net {zone}"', "radio.warden_net has unknown field(s) zone"),
        ('channels = [{ name = "A", colour = "red" }]', "radio.channels entry 1 has unknown key"),
        ('check_time = "25:00"', "radio.check_time must be a time"),
        ("callsign_shceme = 1", "did you mean radio.callsign_scheme?"),
    ],
)
def test_bad_radio_keys_are_named(tiny_station: Path, body: str, named: str):
    _radio_table(tiny_station, body + "\n")
    with pytest.raises(StationError) as caught:
        load_station(tiny_station, as_of=AS_OF)
    assert named in "\n".join(i.describe() for i in caught.value.issues)


def test_repeater_reach_counts_homes_in_range_and_zones_beyond(tiny_station: Path):
    plan = tiny_plan(tiny_station)
    points = plan.station.accepted_points
    repeater = points[points["kind"] == "repeater"]  # P3, 8 km: every home of the tiny station
    table, beyond = repeater_reach(repeater, plan.households)
    assert table[["point_id", "households"]].to_numpy().tolist() == [["P3", 5]]
    assert beyond.empty
    near = repeater.assign(range_m=1000.0)  # the nearest home is 933 m away, the next 1.3 km
    table, beyond = repeater_reach(near, plan.households)
    assert table["households"].tolist() == [1]
    assert int(beyond["households"].sum()) == 4
    counts = plan.households.groupby("zone_id").size()
    distance = plan.households.distance(repeater.geometry.iloc[0])
    nearest_zone = plan.households.loc[distance.idxmin(), "zone_id"]
    expected = counts - (counts.index == nearest_zone)
    assert dict(beyond.to_numpy()) == {z: n for z, n in expected.items() if n}
    unknown = repeater.assign(range_m=None)
    table, beyond = repeater_reach(unknown, plan.households)
    assert table["households"].tolist() == [0]
    assert int(beyond["households"].sum()) == 5


@pytest.fixture(scope="module")
def two_areas(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("synth") / "wien"
    toml = synthesize_station(folder, households=120, seed=3, city="Wien", sub_offices=1)
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[radio]\ncallsigns_for = "all"\n', encoding="utf-8"
    )
    return plan_station(load_station(folder, as_of=AS_OF), as_of=AS_OF)


def test_synthesized_station_has_a_warden_net_per_area_and_a_callsign_for_all(two_areas):
    radio, planned = two_areas.radio, two_areas.planned
    areas = planned.areas.set_index("area_id")
    assert len(areas) == 2
    assert radio.nets["net"].tolist() == [
        "Security net",
        *(f"Warden net {areas.loc[a, 'area_name']}" for a in sorted(areas.index)),
    ]
    table = radio.callsigns.set_index("staff_id")
    staff = planned.staff.set_index("staff_id")
    for area_id, area in areas.iterrows():
        net = f"Warden net {area['area_name']}"
        row = radio.nets.set_index("net").loc[net]
        assert row["control_id"] == area["coordinator_id"]
        members = table[table["radio_net"] == net].index
        assert (staff.loc[members, "area_id"] == area_id).all()
        assert row["members"] == len(members)
    asc = areas.loc["A1", "coordinator_id"]
    assert table.loc[asc, "radio_role"] == "ASC"
    assert table.loc[asc, "radio_net"] == "Security net"
    assert (table["radio_callsign"] != "").all()
    assert table["radio_callsign"].map(callsign_key).is_unique
    roster = planned.station.staff.set_index("staff_id")["radio_callsign"].map(text_of)
    roster = roster.loc[table.index]  # the planned (accepted) staff
    own = table[table["callsign_source"] == "roster"]
    assert (own["radio_callsign"] == roster.loc[own.index]).all()
    assert (table.loc[roster[roster == ""].index, "callsign_source"] == "generated").all()
    assert radio.schedule["time"].tolist() == ["10:00", "10:15", "10:30"]


def test_assignments_show_the_callsign_the_plan_uses(tiny_station: Path):
    run = build_plan(load_station(tiny_station, as_of=AS_OF), as_of=AS_OF)
    table = assignments_table(run).set_index("staff_id")
    planned = run.planned.staff.set_index("staff_id")
    # The roster's call signs are kept; the wardens and deputies without one get theirs.
    assert table.loc[["S002", "S004", "S005"], "radio_callsign"].tolist() == [
        "UN-12",
        "UN-1",
        "UN-2",
    ]
    generated = planned.index[planned["callsign_source"] == "generated"]
    assert len(generated) >= 2
    for staff_id in planned.index:
        assert table.loc[staff_id, "radio_callsign"] == text_of(
            planned.loc[staff_id, "radio_callsign"]
        )
    assert all(DEFAULT_SCHEME.match(table.loc[s, "radio_callsign"]) for s in generated)
