"""`planner batch` on a local Dask cluster: plans complete, a broken station is isolated."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.batch import FAILED, PLANNED, plan_folders
from planner.cli import main
from stations.synth import synthesize_station


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("stations")
    wien, genf = root / "wien", root / "genf"
    synthesize_station(wien, households=90, seed=1, city="Wien")
    synthesize_station(genf, households=70, seed=2, city="Genf")
    broken = root / "broken"
    broken.mkdir()
    toml = (genf / "station.toml").read_text(encoding="utf-8")
    (broken / "station.toml").write_text(
        toml.replace('staff = "staff.csv"', 'staff = "nobody.csv"')
    )
    for name in ("offices.csv", "points.csv", "boundary.geojson"):
        (broken / name).write_bytes((genf / name).read_bytes())
    out = root / "batch"
    result = CliRunner().invoke(
        main, ["batch", str(wien), str(broken), str(genf), "--out", str(out), "--workers", "2"]
    )
    return out, result


def test_two_plans_complete_and_the_broken_one_is_reported(batch) -> None:
    out, result = batch
    assert result.exit_code == 4, result.output
    assert (out / "wien" / "index.html").is_file()
    assert (out / "genf" / "index.html").is_file()
    assert (out / "wien" / "map.html").is_file()
    assert not (out / "broken").exists()
    assert "2 of 3 stations planned" in result.output
    assert re.search(r"broken: FAILED - .*nobody\.csv", result.output)
    assert "Traceback" not in result.output
    assert "planning stations" not in result.output  # no bar off a terminal


def test_summary_lists_every_station_in_order(batch) -> None:
    out, _ = batch
    with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["folder"] for r in rows] == ["wien", "broken", "genf"]
    assert [r["status"] for r in rows] == [PLANNED, FAILED, PLANNED]
    assert "nobody.csv" in rows[1]["error"]
    wien = rows[0]
    assert wien["station"] == "Vienna"
    assert wien["country"] == "AT"
    assert int(wien["households"]) == 90
    assert int(wien["zones"]) >= 1
    assert float(wien["coverage_pct"]) == 100.0
    assert wien["compliance_rating"]
    assert 47 < float(wien["lat"]) < 49
    assert 15 < float(wien["lon"]) < 18
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "<svg" in html
    assert html.count("<circle") == 2  # the broken station has no place on the map
    assert "href='wien/index.html'" in html
    assert "nobody.csv" in html


def test_plan_folders_are_distinct_and_safe() -> None:
    names = plan_folders([Path("a/Kabul"), Path("b/Kabul"), Path("c/../x y<z>"), Path("/")])
    assert names == ["Kabul", "Kabul-2", "x_y_z", "station"]


def test_an_existing_scheduler_runs_the_batch(batch, tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    out, _ = batch
    station = out.parent / "wien"
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0",
        scheduler_kwargs={"dashboard": False},
    ) as cluster:  # fmt: skip
        result = CliRunner().invoke(
            main,
            ["batch", str(station), "--out", str(tmp_path / "b"), "--scheduler",
             cluster.scheduler_address],
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b" / "wien" / "index.html").is_file()
    assert "1 of 1 stations planned" in result.output
