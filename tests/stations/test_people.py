"""Named dependants, where staff are on a date, and visitors: read from real files."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from stations import load_station
from stations.errors import StationError
from stations.presence import plan_date
from stations.schema import DEPENDANT_COLUMNS, VISITOR_COLUMNS

AS_OF = dt.date(2026, 12, 1)
DEPENDANT_HEADER = [
    "dependant_id", "staff_id", "household_id", "name", "relation", "birth_date", "age_band",
    "nationality", "phone", "special_needs",
]  # fmt: skip
VISITOR_HEADER = [
    "visitor_id", "name", "agency", "point_id", "lat", "lon", "arrival", "departure", "phone",
    "sponsor_staff_id",
]  # fmt: skip


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _add_file(folder: Path, key: str, name: str) -> None:
    toml = folder / "station.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace(
        'boundary = "boundary.geojson"\n', f'boundary = "boundary.geojson"\n{key} = "{name}"\n'
    )
    toml.write_text(text, encoding="utf-8")


def _with_dependants(folder: Path, rows: list[list[str]], name: str = "dependants.csv") -> Path:
    _write_csv(folder / name, DEPENDANT_HEADER, rows)
    _add_file(folder, "dependants", name)
    return folder


def _with_visitors(folder: Path, rows: list[list[str]]) -> Path:
    _write_csv(folder / "visitors.csv", VISITOR_HEADER, rows)
    _add_file(folder, "visitors", "visitors.csv")
    return folder


def _dependant(did: str, staff_id: str = "S001", **cells: str) -> list[str]:
    row = dict.fromkeys(DEPENDANT_HEADER, "") | {"dependant_id": did, "staff_id": staff_id}
    row |= {"name": f"Name {did}", "relation": "child"} | cells
    return [row[c] for c in DEPENDANT_HEADER]


def _visitor(vid: str, **cells: str) -> list[str]:
    row = dict.fromkeys(VISITOR_HEADER, "") | {"visitor_id": vid, "name": f"Guest {vid}"}
    row |= {"agency": "OCHA", "point_id": "P5", "sponsor_staff_id": "S004"}
    row |= {"arrival": "2026-11-28", "departure": "2026-12-03"} | cells
    return [row[c] for c in VISITOR_HEADER]


def _messages(station) -> list[str]:
    return [str(issue) for issue in station.issues]


@pytest.fixture
def with_hotel(tiny_station: Path) -> Path:
    """Return the tiny station with a hotel among its points."""
    with (tiny_station / "points.csv").open("a", encoding="utf-8") as handle:
        handle.write("P5,hotel,Hotel Torni,60.1680,24.9380,,\n")
    return tiny_station


# The plan date.


def test_plan_date_reads_iso_dates_and_defaults_to_today() -> None:
    assert plan_date("2026-12-01") == AS_OF
    assert plan_date(None) == dt.datetime.now(tz=dt.UTC).date()
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        plan_date("01/12/2026")


# Dependants without a file.


def test_without_a_file_every_dependant_has_a_numbered_id(tiny_station: Path) -> None:
    station = load_station(tiny_station, as_of=AS_OF)
    dependants = station.dependants
    assert list(dependants.columns) == list(DEPENDANT_COLUMNS)
    assert dependants[["person_id", "household_id", "staff_id"]].values.tolist() == [
        ["H1-D1", "H1", "S001"],
        ["H1-D2", "H1", "S001"],
        ["H-S003-D1", "H-S003", "S003"],
        ["H-S004-D1", "H-S004", "S004"],
        ["H-S004-D2", "H-S004", "S004"],
        ["H-S004-D3", "H-S004", "S004"],
    ]
    assert dependants["numbered"].all()
    assert dependants["source_row"].tolist() == [2, 2, 4, 5, 5, 5]
    assert len(dependants) == station.households["dependants"].sum()


def test_numbered_ids_are_stable_across_loads(tiny_station: Path) -> None:
    first = load_station(tiny_station, as_of=AS_OF).dependants["person_id"].tolist()
    assert load_station(tiny_station, as_of=AS_OF).dependants["person_id"].tolist() == first


# Dependants from a file.


def test_named_dependants_set_headcounts_and_disagreement_names_both(tiny_station: Path) -> None:
    rows = [
        _dependant("D1", "S001", relation="Wife", birth_date="1985-03-02"),
        _dependant("D2", "S001", relation="SON", birth_date="2023-05-01"),
        _dependant("D3", "S001", relation="Mother-in-law", age_band="65 and over"),
        _dependant("D4", "", household_id="H-S004", relation="daughter", age_band="Teenager"),
    ]
    station = load_station(_with_dependants(tiny_station, rows), as_of=AS_OF)
    named = station.dependants[~station.dependants["numbered"]]
    assert named["status"].tolist() == ["accepted"] * 4
    assert named["relation"].tolist() == ["spouse", "child", "other", "child"]
    assert named["age_band"].tolist() == ["18-64", "under 5", "65+", "5-17"]
    assert named["household_id"].tolist() == ["H1", "H1", "H1", "H-S004"]
    households = station.households.set_index("household_id")
    assert households.loc["H1", ["dependants", "headcount"]].tolist() == [3, 5]
    assert households.loc["H-S004", ["dependants", "headcount"]].tolist() == [1, 2]
    messages = _messages(station)
    assert (
        "warning: dependants.csv, row 2, column 'household_id': household 'H1': the roster "
        "counts 2 dependant(s) (staff.csv row(s) 2, 3, column 'dependants') but dependants.csv "
        "names 3 (row(s) 2, 3, 4); the plan counts the 3 named"
    ) in messages
    # H-S003 is not in the file: its roster count stays, numbered, and says so.
    numbered = station.dependants[station.dependants["numbered"]]
    assert numbered["person_id"].tolist() == ["H-S003-D1"]
    assert any(
        m.startswith("warning: staff.csv, row 4, column 'dependants': household 'H-S003': the "
                     "roster counts 1 dependant(s) but dependants.csv names none")
        for m in messages
    )  # fmt: skip


@pytest.mark.parametrize(
    ("row", "where", "says"),
    [
        (_dependant("D9", "S999"), "row 2, column 'staff_id'", "staff 'S999' is not in the roster"),
        (_dependant("D9", "s001"), "row 2, column 'staff_id'", "did you mean 'S001'?"),
        (
            _dependant("D9", "", household_id="H7"),
            "row 2, column 'household_id'",
            "household 'H7' is not a household of accepted staff",
        ),
        (
            _dependant("D9", "", household_id="h1"),
            "row 2, column 'household_id'",
            "household 'h1' is not a household of accepted staff; did you mean 'H1'?",
        ),
        (
            _dependant("D9", ""),
            "row 2, column 'staff_id'",
            "empty, and so is household_id",
        ),
        (
            _dependant("D9", "S001", household_id="H-S004"),
            "row 2, column 'household_id'",
            "staff 'S001' lives in household 'H1', not 'H-S004'",
        ),
        (_dependant("S002", "S001"), "row 2, column 'dependant_id'", "already a staff_id"),
        (_dependant("", "S001"), "row 2, column 'dependant_id'", "empty; a value is required"),
        (
            _dependant("D9", birth_date="31/02/2020"),
            "row 2, column 'birth_date'",
            "found '31/02/2020'",
        ),
        (
            _dependant("D9", birth_date="2027-01-01"),
            "row 2, column 'birth_date'",
            "after the plan date 2026-12-01",
        ),
        (
            _dependant("D9", birth_date="=TODAY()"),
            "row 2, column 'birth_date'",
            "found '=TODAY()'",
        ),
    ],
    ids=[
        "unknown-staff", "case-of-staff-id", "unknown-household", "case-of-household", "no-link",
        "two-households", "staff-id-reused", "no-id", "impossible-date", "born-later",
        "formula-date",
    ],
)  # fmt: skip
def test_hostile_dependant_rows_are_rejected_naming_file_row_column(
    tiny_station: Path, row: list[str], where: str, says: str
) -> None:
    station = load_station(_with_dependants(tiny_station, [row]), as_of=AS_OF)
    errors = [str(e) for e in station.errors]
    assert any(e.startswith(f"error: dependants.csv, {where}: ") and says in e for e in errors), (
        errors
    )
    rejected = station.dependants[station.dependants["status"] == "rejected"]
    assert len(rejected) == 1
    assert rejected["source_row"].tolist() == [2]
    assert rejected["reason"].iloc[0]


def test_duplicate_dependant_ids_reject_the_repeat_only(tiny_station: Path) -> None:
    rows = [_dependant("D1"), _dependant("D1", "S003"), _dependant("d1", "S004")]
    station = load_station(_with_dependants(tiny_station, rows), as_of=AS_OF)
    named = station.dependants[~station.dependants["numbered"]]
    assert named["status"].tolist() == ["accepted", "rejected", "accepted"]
    messages = _messages(station)
    assert (
        "error: dependants.csv, row 3, column 'dependant_id': duplicate dependant_id 'D1' "
        "(first used on row 2)"
    ) in messages
    assert any("row 4, column 'dependant_id': dependant_id 'd1' differs only in case" in m
               for m in messages)  # fmt: skip


def test_every_dependant_row_is_kept_with_its_status(tiny_station: Path) -> None:
    rows = [_dependant(f"D{i}", "S999" if i % 3 == 0 else "S001") for i in range(1, 10)]
    station = load_station(_with_dependants(tiny_station, rows), as_of=AS_OF)
    named = station.dependants[~station.dependants["numbered"]]
    assert named["source_row"].tolist() == list(range(2, 11))
    assert (named["status"] == "rejected").sum() == 3
    assert named.loc[named["status"] == "rejected", "reason"].notna().all()


def test_formula_text_and_synonyms_in_any_case_are_read_as_text(tiny_station: Path) -> None:
    rows = [
        _dependant("D1", name='=HYPERLINK("http://x","y")', relation="HUSBAND"),
        _dependant("D2", relation="Registered Partner", age_band="INFANT", phone="040 765 4321"),
        _dependant("D3", relation="cousin"),
    ]
    station = load_station(_with_dependants(tiny_station, rows), as_of=AS_OF)
    named = station.dependants[~station.dependants["numbered"]]
    assert named["name"].iloc[0] == '=HYPERLINK("http://x","y")'
    assert named["relation"].tolist() == ["spouse", "partner", "other"]
    assert named["age_band"].tolist() == [None, "under 5", None]
    assert named["phone"].tolist() == [None, "+358407654321", None]
    assert (
        "warning: dependants.csv, row 4, column 'relation': unknown relation 'cousin' read as "
        "other (add it to [vocabulary] in station.toml to map it)"
    ) in _messages(station)


def test_station_vocabulary_maps_a_relation(tiny_station: Path) -> None:
    with (tiny_station / "station.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[vocabulary.relation]\n"Cousin" = "other"\n"Fiancé" = "partner"\n')
    rows = [_dependant("D1", relation="cousin"), _dependant("D2", relation="FIANCÉ")]
    station = load_station(_with_dependants(tiny_station, rows), as_of=AS_OF)
    assert station.dependants["relation"].tolist()[:2] == ["other", "partner"]
    assert not [i for i in station.issues if i.column == "relation"]


def test_dependants_from_an_xlsx_workbook(tiny_station: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Dependants of the Tiny station"])
    sheet.append(DEPENDANT_HEADER)
    sheet.append(["D1", "S004", None, "Layla", "Daughter", dt.date(2015, 6, 1)])
    workbook.save(tiny_station / "dependants.xlsx")
    _add_file(tiny_station, "dependants", "dependants.xlsx")
    station = load_station(tiny_station, as_of=AS_OF)
    named = station.dependants[~station.dependants["numbered"]]
    columns = ["person_id", "household_id", "relation", "age_band", "source_row"]
    assert named[columns].values.tolist() == [["D1", "H-S004", "child", "5-17", 3]]


def test_a_dependants_file_over_the_row_limit_is_refused(
    tiny_station: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("stations.tables.MAX_ROWS", 100)
    rows = [_dependant(f"D{i}") for i in range(150)]
    with pytest.raises(StationError) as caught:
        load_station(_with_dependants(tiny_station, rows), as_of=AS_OF)
    assert [str(i) for i in caught.value.issues] == [
        "error: dependants.csv, row 101: the file has more than 100 rows; split it"
    ]


def test_a_dependants_file_without_its_columns_is_refused(tiny_station: Path) -> None:
    (tiny_station / "dependants.csv").write_text("id,staff,relation\nD1,S001,child\n")
    _add_file(tiny_station, "dependants", "dependants.csv")
    with pytest.raises(StationError) as caught:
        load_station(tiny_station, as_of=AS_OF)
    message = str(caught.value.issues[0])
    assert message.startswith("error: dependants.csv, row 1, column 'dependant_id': missing")


def test_many_disagreements_are_summarised(tiny_station: Path) -> None:
    lines = ["staff_id,name,agency,lat,lon,dependants"]
    lines += [f"T{i:02d},Person {i},UNDP,{60.160 + i * 0.001:.4f},24.9400,1" for i in range(15)]
    (tiny_station / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [_dependant(f"D{i}{k}", f"T{i:02d}") for i in range(15) for k in "ab"]
    station = load_station(_with_dependants(tiny_station, rows), as_of=AS_OF)
    counts = [i for i in station.issues if i.code == "dependants_count"]
    assert len(counts) == 11
    assert counts[-1].message.startswith(
        "5 more household(s) where the roster's dependants count and dependants.csv disagree"
    )
    assert station.households["dependants"].tolist() == [2] * 15


# Where staff are.


def _with_status(folder: Path, cells: dict[str, tuple[str, str, str]]) -> Path:
    path = folder / "staff.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",status,status_from,status_until"
    for number, line in enumerate(lines[1:], start=1):
        lines[number] = line + "," + ",".join(cells.get(line.split(",")[0], ("", "", "")))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_status_with_dates_says_who_is_away_on_a_date(tiny_station: Path) -> None:
    cells = {
        "S001": ("Annual Leave", "28/11/2026", "02/12/2026"),
        "S002": ("TDY", "", ""),
        "S003": ("VISITING", "01/12/2026", ""),
        "S005": ("on mission", "", "30/11/2026"),
    }
    station = load_station(_with_status(tiny_station, cells), as_of=AS_OF)
    assert station.staff["status"].tolist() == ["accepted"] * 6
    assert station.presence_on().tolist() == [
        "on leave", "on mission", "visiting", "present", "present", "present",
    ]  # fmt: skip
    assert station.away_on() == ["S001", "S002"]
    assert station.present_on() == ["S003", "S004", "S005", "S006"]
    # Both ends are inclusive.
    assert station.away_on(dt.date(2026, 12, 2)) == ["S001", "S002"]
    assert station.away_on(dt.date(2026, 12, 3)) == ["S002"]
    assert station.away_on(dt.date(2026, 11, 30)) == ["S001", "S002", "S005"]
    assert station.presence_on(dt.date(2026, 11, 30)).tolist()[2] == "present"


def test_status_from_after_until_is_an_error_naming_the_row(tiny_station: Path) -> None:
    cells = {"S004": ("on leave", "2026-12-10", "2026-12-01")}
    station = load_station(_with_status(tiny_station, cells), as_of=AS_OF)
    assert (
        "error: staff.csv, row 5, column 'status_until': status_until 2026-12-01 is before "
        "status_from 2026-12-10; both dates are inclusive: correct one of them"
    ) in _messages(station)


def test_unknown_status_and_dates_without_status_are_warnings(tiny_station: Path) -> None:
    cells = {"S001": ("gone fishing", "", ""), "S002": ("", "2026-11-01", "")}
    station = load_station(_with_status(tiny_station, cells), as_of=AS_OF)
    messages = _messages(station)
    assert any(
        m.startswith("warning: staff.csv, row 2, column 'presence': unknown presence "
                     "'gone fishing' read as present (planned as usual)")
        for m in messages
    )  # fmt: skip
    assert any(
        m.startswith("warning: staff.csv, row 3, column 'status_from': a date without a status")
        for m in messages
    )  # fmt: skip
    assert station.away_on() == []
    assert not station.errors


def test_a_bad_status_date_names_row_and_column(tiny_station: Path) -> None:
    station = load_station(
        _with_status(tiny_station, {"S006": ("on leave", "next week", "")}), as_of=AS_OF
    )
    assert any(
        m.startswith("error: staff.csv, row 7, column 'status_from': expected a date")
        for m in _messages(station)
    )


# Visitors.


def test_visitors_present_on_a_date_both_ends_inclusive(with_hotel: Path) -> None:
    rows = [
        _visitor("V1"),
        _visitor("V2", point_id="", lat="60.1700", lon="24.9410", arrival="02/12/2026",
                 departure="15/12/2026", phone="+41 79 123 45 67"),
    ]  # fmt: skip
    station = load_station(_with_visitors(with_hotel, rows), as_of=AS_OF)
    visitors = station.visitors
    assert list(visitors.columns) == list(VISITOR_COLUMNS)
    assert visitors["status"].tolist() == ["accepted", "accepted"]
    assert visitors.crs == station.crs
    degrees = visitors.geometry.to_crs(4326)
    assert [(round(g.x, 4), round(g.y, 4)) for g in degrees] == [
        (24.938, 60.168),
        (24.941, 60.17),
    ]
    assert station.visitors_on()["visitor_id"].tolist() == ["V1"]
    assert station.visitors_on(dt.date(2026, 12, 2))["visitor_id"].tolist() == ["V1", "V2"]
    assert station.visitors_on(dt.date(2026, 12, 4))["visitor_id"].tolist() == ["V2"]
    assert station.visitors_on(dt.date(2026, 12, 16)).empty
    assert visitors["phone"].tolist() == [None, "+41791234567"]


@pytest.mark.parametrize(
    ("cells", "where", "says"),
    [
        ({"point_id": "P9"}, "row 2, column 'point_id'", "point 'P9' is not an accepted point"),
        ({"sponsor_staff_id": "S404"}, "row 2, column 'sponsor_staff_id'", "staff 'S404' is not"),
        (
            {"arrival": "2026-12-05", "departure": "2026-12-04"},
            "row 2, column 'departure'",
            "departure 2026-12-04 is before arrival 2026-12-05",
        ),
        ({"point_id": ""}, "row 2, column 'point_id'", "no location"),
        ({"point_id": "", "lat": "95", "lon": "24.9"}, "row 2, column 'lat'", "outside -90..90"),
        ({"departure": ""}, "row 2, column 'departure'", "empty; a value is required"),
        ({"arrival": "soon"}, "row 2, column 'arrival'", "found 'soon'"),
        ({"visitor_id": "S001"}, "row 2, column 'visitor_id'", "already a staff_id"),
    ],
    ids=[
        "unknown-point", "unknown-sponsor", "departs-before-arriving", "no-location",
        "bad-lat", "no-departure", "bad-arrival", "staff-id",
    ],
)  # fmt: skip
def test_hostile_visitor_rows_are_rejected_naming_file_row_column(
    with_hotel: Path, cells: dict[str, str], where: str, says: str
) -> None:
    station = load_station(_with_visitors(with_hotel, [_visitor("V1", **cells)]), as_of=AS_OF)
    errors = [str(e) for e in station.errors]
    assert any(e.startswith(f"error: visitors.csv, {where}: ") and says in e for e in errors), (
        errors
    )
    assert station.visitors["status"].tolist() == ["rejected"]
    assert station.visitors.geometry.isna().all()
    assert station.visitors_on().empty


def test_a_visitor_at_a_point_that_is_no_hotel_is_a_warning(with_hotel: Path) -> None:
    station = load_station(_with_visitors(with_hotel, [_visitor("V1", point_id="P4")]), as_of=AS_OF)
    assert (
        "warning: visitors.csv, row 2, column 'point_id': point 'P4' is of kind 'hospital', not a "
        "hotel; is it where the visitor stays?"
    ) in _messages(station)
    assert station.visitors["status"].tolist() == ["accepted"]


def test_without_a_visitors_file_there_are_none(tiny_station: Path) -> None:
    station = load_station(tiny_station, as_of=AS_OF)
    assert list(station.visitors.columns) == list(VISITOR_COLUMNS)
    assert station.visitors.empty
    assert station.visitors_on().empty


def test_a_visitor_may_not_take_a_dependants_id(with_hotel: Path) -> None:
    station = load_station(_with_visitors(with_hotel, [_visitor("H1-D2")]), as_of=AS_OF)
    assert (
        "error: visitors.csv, row 2, column 'visitor_id': 'H1-D2' is already a dependant's id "
        "(numbered for household 'H1', staff.csv row 2, column 'dependants'); every person "
        "needs an id of their own"
    ) in _messages(station)


def test_a_visitor_taking_a_named_dependants_id_names_its_row(with_hotel: Path) -> None:
    _with_dependants(with_hotel, [_dependant("D1"), _dependant("D7", "S004")])
    station = load_station(_with_visitors(with_hotel, [_visitor("D7")]), as_of=AS_OF)
    assert (
        "error: visitors.csv, row 2, column 'visitor_id': 'D7' is already a dependant's id "
        "(dependants.csv row 3); every person needs an id of their own"
    ) in _messages(station)


def test_a_dependant_id_may_not_take_a_numbered_id_of_a_household_not_named(
    tiny_station: Path,
) -> None:
    # H-S003 is not in the file: its roster dependant keeps the id H-S003-D1.
    rows = [_dependant("D1"), _dependant("H-S003-D1", "S001")]
    station = load_station(_with_dependants(tiny_station, rows), as_of=AS_OF)
    assert (
        "error: dependants.csv, row 3, column 'dependant_id': 'H-S003-D1' is the id the plan "
        "gives a dependant the roster counts for household 'H-S003', which dependants.csv does "
        "not name; give this dependant another id, or name household 'H-S003''s dependants in "
        "dependants.csv"
    ) in [str(e) for e in station.errors]
    rejected = station.dependants[station.dependants["status"] == "rejected"]
    assert rejected["source_row"].tolist() == [3]
    assert rejected["reason"].iloc[0].startswith("dependant_id: 'H-S003-D1' is the id")


def test_a_visitor_outside_the_station_area_is_a_warning(with_hotel: Path) -> None:
    rows = [_visitor("V1", point_id="", lat="61.5", lon="23.8")]
    station = load_station(_with_visitors(with_hotel, rows), as_of=AS_OF)
    assert (
        "warning: visitors.csv, row 2, column 'lat': the visitor's hotel is outside the station "
        "area"
    ) in _messages(station)
    assert station.visitors["status"].tolist() == ["accepted"]


def test_both_status_and_presence_columns_read_presence_and_say_so(tiny_station: Path) -> None:
    path = tiny_station / "staff.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",status,presence"
    lines[1:] = [line + ",on leave,on mission" for line in lines[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    station = load_station(tiny_station, as_of=AS_OF)
    assert set(station.presence_on()) == {"on mission"}
    assert station.staff["status"].tolist() == ["accepted"] * 6
    assert (
        "warning: staff.csv, row 1, column 'status': both 'status' and 'presence' columns; "
        "'presence' is read and 'status' is not: remove one of them"
    ) in _messages(station)
