"""What the summary tells a DO first: the cascade against its target, the most urgent gaps."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from planner.build import build_plan
from planner.cli import main
from planner.moss import check_moss
from planner.moss_rules import load_rules
from planner.summary import most_urgent
from stations import load_station
from tests.conftest import TINY
from tests.factories import AS_OF

SEVERITY = {"critical": 0, "major": 1, "minor": 2}


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory):
    """The tiny station whose [cascade] target is 5 minutes, planned from the command line."""
    folder = tmp_path_factory.mktemp("station") / "tiny"
    shutil.copytree(TINY, folder)
    with (folder / "station.toml").open("a", encoding="utf-8") as toml:
        toml.write("\n[cascade]\ntarget_minutes = 5\n")
    out = folder.parent / "plan"
    result = CliRunner().invoke(main, ["plan", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return folder, out, result.output


def test_time_to_reach_everyone_is_shown_beside_its_target(planned) -> None:
    _, out, output = planned
    assert "time to reach everyone: 9 min (target 5 min)" in output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "9 min (target 5 min)" in index


def test_urgent_gaps_rank_by_severity_then_people_affected(planned) -> None:
    folder, _, output = planned
    run = build_plan(load_station(folder, as_of=AS_OF), as_of=AS_OF)
    moss = check_moss(run.planned, load_rules(), as_of=AS_OF)
    ranked = most_urgent(run.planned, moss, count=100)
    failing = {r.rule.id: r for r in moss.failing()}
    # Every household of international staff (4 of 5) lacks a residential survey (MORSS is
    # for their homes); one radio is missing.
    assert failing["RES-01"].failed == 4
    assert failing["COM-01"].failed == 1
    assert failing["RES-01"].rule.severity == failing["COM-01"].rule.severity == "major"
    where = [line.split(":")[0] for line in ranked]
    assert where.index("RES-01") < where.index("COM-01")
    # The station-wide cascade flag (over the 5 min target) touches everyone: it ranks with
    # the other major gaps that do (RES-01, the seats of ASM-05, the points without a
    # departure), above rules that touch a few people.
    station = next(i for i, line in enumerate(ranked) if "over the target of 5 min" in line)
    assert where[station] == "station"
    assert station < where.index("COM-01")
    severities = [SEVERITY[failing[w].rule.severity] if w in failing else None for w in where]
    known = [s for s in severities if s is not None]
    assert known == sorted(known)
    for line in ranked[:3]:
        assert f"    - {line}" in output


def test_summary_names_the_worst_agency_and_staff_without_training(planned) -> None:
    folder, out, output = planned
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    table = pd.read_csv(out / "compliance" / "compliance_by_agency.csv", encoding="utf-8-sig")
    agencies = table[table["agency"] != "STATION"].sort_values(["compliance_pct", "agency"])
    roster = pd.read_csv(folder / "staff.csv", dtype=str)
    assert sorted(agencies["agency"]) == sorted(roster["agency"].unique())
    assert summary["worst_agency"] == agencies["agency"].iloc[0]
    assert summary["worst_agency_percentage"] == agencies["compliance_pct"].iloc[0]
    # The tiny roster records no briefing: every staff member lacks a training.
    assert "briefed_date" not in roster.columns
    assert summary["staff_without_training_pct"] == 100.0
    line = next(line for line in output.splitlines() if line.startswith("  MOSS: "))
    assert line.endswith(
        f"; worst agency {summary['worst_agency']} ({summary['worst_agency_percentage']} %)"
        "; staff without training 100.0 %"
    )
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"worst agency {summary['worst_agency']}" in index
    assert f"href='compliance/{summary['worst_agency']}.html'" in index
