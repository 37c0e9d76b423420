"""The orchestrator: one call builds a plan from a station folder, up to the stage asked."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.build import PLAN_STEPS, build_plan
from planner.moss import check_moss
from planner.publish import write_plan
from planner.site_rules import suggest_for_plan
from planner.summary import plan_summary
from stations import StationError, load_station

AS_OF = dt.date(2026, 11, 15)


def test_a_folder_is_built_whole_with_moss_and_sites(tiny_station):
    started: list[str] = []
    run = build_plan(tiny_station, as_of=AS_OF, step=started.append)
    assert started == list(PLAN_STEPS)
    assert run.planned.station.folder == tiny_station
    assert set(run.planned.households["zone_id"].dropna()) <= set(run.planned.zones["zone_id"])
    again = check_moss(run.planned, _rules(run), as_of=AS_OF, travel=run.zoning.travel)
    assert run.moss_report().to_dict() == again.to_dict()
    assert [s.point_kind for s in run.sites] == ["assembly", "concentration"]
    expected = suggest_for_plan(run.planned, again, travel=run.zoning.travel)
    assert [len(s.sites) for s in run.sites] == [len(s.sites) for s in expected]


def _rules(run):
    return [result.rule for result in run.moss_report().results]


def test_stages_stop_where_asked(tiny_station):
    station = load_station(tiny_station, as_of=AS_OF)
    planned_only = build_plan(station, as_of=AS_OF, until="plan")
    assert planned_only.moss is None
    assert planned_only.sites == ()
    with pytest.raises(ValueError, match="no MOSS report"):
        planned_only.moss_report()
    checked = build_plan(station, as_of=AS_OF, until="moss")
    assert checked.moss_report().percentage == pytest.approx(
        build_plan(station, as_of=AS_OF).moss_report().percentage
    )
    assert checked.sites == ()


def test_a_broken_rules_file_fails_before_planning(tiny_station):
    (tiny_station / "moss.toml").write_text("[[rule]]\nid = \n", encoding="utf-8")
    toml = tiny_station / "station.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text + '\n[moss]\nrules = "moss.toml"\n', encoding="utf-8")
    started: list[str] = []
    with pytest.raises(StationError, match=r"moss\.toml"):
        build_plan(tiny_station, as_of=AS_OF, step=started.append)
    assert started == [PLAN_STEPS[0]]


def test_agency_compliance_is_worked_out_once_for_the_pages_and_the_summary(
    tiny_station, tmp_path, monkeypatch
):
    import planner.build

    calls = []
    real = planner.build.agency_compliance

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(planner.build, "agency_compliance", counted)
    run = build_plan(tiny_station, as_of=AS_OF)
    folder = tmp_path / "plan"
    folder.mkdir()
    write_plan(run, folder, issued=AS_OF)
    summary = plan_summary(run)
    assert len(calls) == 1
    worst = run.compliance.worst()
    assert worst is not None
    assert summary["worst_agency"] == worst.agency
    table = (folder / "compliance" / "compliance_by_agency.csv").read_text(encoding="utf-8-sig")
    assert worst.agency in table
    with pytest.raises(ValueError, match="no MOSS report"):
        _ = build_plan(tiny_station, as_of=AS_OF, until="plan").compliance
