"""`planner validate` reads every file `planner plan` reads, and bounds its messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main

HELSINKI_OSM = Path(__file__).parents[2] / "stations" / "sample" / "helsinki" / "helsinki.osm.pbf"


def _add(station: Path, table: str, key: str, name: str) -> None:
    toml = station / "station.toml"
    text = toml.read_text()
    if f"[{table}]" in text:
        text = text.replace(f"[{table}]\n", f'[{table}]\n{key} = "{name}"\n')
    else:
        text += f'\n[{table}]\n{key} = "{name}"\n'
    toml.write_text(text)


def _bad_threats(station: Path) -> str:
    (station / "threats.csv").write_text(
        "threat,category,likelihood,impact\nRobbery,crime,7,3\n", encoding="utf-8"
    )
    _add(station, "files", "threats", "threats.csv")
    return "threats.csv"


def _bad_zones(station: Path) -> str:
    (station / "zones.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"zone_id": "Z1"},
                        "geometry": {"type": "Point", "coordinates": [24.94, 60.17]},
                    }
                ],
            }
        )
    )
    _add(station, "files", "zones", "zones.geojson")
    return "zones.geojson"


def _bad_rules(station: Path) -> str:
    (station / "moss.toml").write_text('[[rule]]\nid = "X"\ntitel = "typo"\n', encoding="utf-8")
    _add(station, "moss", "rules", "moss.toml")
    return "moss.toml"


@pytest.mark.parametrize("breaks", [_bad_threats, _bad_zones, _bad_rules])
def test_validate_rejects_what_plan_rejects(tiny_station: Path, tmp_path: Path, breaks) -> None:
    name = breaks(tiny_station)
    runner = CliRunner()
    validate = runner.invoke(main, ["validate", str(tiny_station)])
    assert validate.exit_code == 1, validate.stderr
    assert f"error: {name}" in validate.stderr
    plan = runner.invoke(main, ["plan", str(tiny_station), "--out", str(tmp_path / "plan")])
    assert plan.exit_code == 1
    assert name in plan.stderr


def test_a_complete_osm_extract_passes_and_the_same_cut_short_fails(tiny_station: Path) -> None:
    shutil.copyfile(HELSINKI_OSM, tiny_station / "area.osm.pbf")
    _add(tiny_station, "files", "osm", "area.osm.pbf")
    complete = CliRunner().invoke(main, ["validate", str(tiny_station)])
    assert complete.exit_code == 0, complete.stderr
    data = HELSINKI_OSM.read_bytes()
    (tiny_station / "area.osm.pbf").write_bytes(data[: len(data) - 1000])
    cut = CliRunner().invoke(main, ["validate", str(tiny_station)])
    assert cut.exit_code == 1
    assert "error: area.osm.pbf: the OSM extract is cut short" in cut.stderr


def test_messages_about_junk_rows_are_bounded(
    tiny_station: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real limit (10,000 per kind) keeps every row of ordinary rosters; a small one here
    # keeps the test quick.
    limit = 300
    monkeypatch.setattr("stations.errors.MAX_ISSUES_PER_COLUMN", limit)
    rows = 3 * limit
    lines = ["staff_id,name,agency,lat,lon,dependants"]
    lines += [f"J{i},Junk {i},UNDP,junk,junk,junk" for i in range(rows)]
    (tiny_station / "staff.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tiny_station), "--format", "json"])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    by_kind: dict[tuple[str, str], int] = {}
    for issue in payload["issues"]:
        kind = (issue["column"], issue["code"])
        by_kind[kind] = by_kind.get(kind, 0) + 1
    assert max(by_kind.values()) == limit + 1
    closing = [i for i in payload["issues"] if "more row(s)" in i["message"]]
    assert closing
    assert f"{rows - limit:,} more row(s)" in closing[0]["message"]
