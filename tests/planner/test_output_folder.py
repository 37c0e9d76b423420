"""The output folder: replaced whole or not at all, private, and only over planner's own work.

`--out` never replaces what planner did not write: every refusal leaves each byte in place.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from planner.cli import main
from planner.output_folder import MARKER, atomic_folder, write_marker


def test_complete_write_replaces_the_old_plan(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    with atomic_folder(target) as folder:
        (folder / "index.html").write_text("first")
    with atomic_folder(target) as folder:
        (folder / "index.html").write_text("second")
        (folder / "maps").mkdir()
    assert (target / "index.html").read_text() == "second"
    assert (target.stat().st_mode & 0o777) == 0o700
    assert ((target / "index.html").stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_failure_keeps_the_previous_plan(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    with atomic_folder(target) as folder:
        (folder / "index.html").write_text("good")

    def interrupted_run() -> None:
        with atomic_folder(target) as folder:
            (folder / "index.html").write_text("half")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        interrupted_run()
    assert (target / "index.html").read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_killed_process_keeps_the_previous_plan(tmp_path: Path) -> None:
    target = tmp_path / "plan"
    with atomic_folder(target) as folder:
        (folder / "index.html").write_text("good")
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from planner.output_folder import atomic_folder
        with atomic_folder(Path({str(target)!r})) as folder:
            (folder / "index.html").write_text("half")
            print("writing", flush=True)
            time.sleep(60)
        """
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as run:
        assert run.stdout.readline().strip() == "writing"
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    assert (target / "index.html").read_text() == "good"


ROOT = Path(__file__).parents[2]


def run(*args: str):
    return CliRunner().invoke(main, ["-q", *args])


def snapshot(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry under ``root`` with its mode and, for files, its bytes."""
    entries = {".": (root.stat().st_mode, None)}
    for path in sorted(root.rglob("*")):
        content = path.read_bytes() if path.is_file() else None
        entries[str(path.relative_to(root))] = (path.lstat().st_mode, content)
    return entries


def assert_refused(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture(scope="module")
def earlier_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan folder written by `planner plan` on the tiny station."""
    root = tmp_path_factory.mktemp("earlier")
    station = shutil.copytree(ROOT / "tests" / "data" / "tiny", root / "tiny")
    result = run("plan", str(station), "--out", str(root / "plan"))
    assert result.exit_code == 0, result.output
    return root / "plan"


def test_the_station_folder_is_refused_untouched(tiny_station: Path) -> None:
    before = snapshot(tiny_station)
    result = run("plan", str(tiny_station), "--out", str(tiny_station))
    assert_refused(result, str(tiny_station), "it is the station folder")
    assert snapshot(tiny_station) == before


def test_a_folder_holding_a_thesis_is_refused_untouched(tiny_station: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "chapters").mkdir(parents=True)
    (work / "thesis.tex").write_text("\\chapter{Four years}\n")
    (work / "chapters" / "one.tex").write_text("one\n")
    before = snapshot(work)
    result = run("plan", str(tiny_station), "--out", str(work))
    assert_refused(result, str(work), "chapters, thesis.tex", "--force")
    assert snapshot(work) == before


def test_the_current_folder_is_refused_untouched(
    tiny_station: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.txt").write_text("beside the station\n")
    before = snapshot(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("plan", "tiny", "--out", ".")
    assert_refused(result, f". ({tmp_path})", "it is the current folder")
    assert snapshot(tmp_path) == before


def test_a_folder_holding_the_station_is_refused_untouched(
    tiny_station: Path, tmp_path: Path
) -> None:
    before = snapshot(tmp_path)
    result = run("plan", str(tiny_station), "--out", str(tmp_path), "--force")
    assert_refused(result, f"it contains the station folder {tiny_station}")
    assert snapshot(tmp_path) == before


def test_the_home_folder_is_refused_untouched(
    tiny_station: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".profile").write_text("export LANG=C\n")
    monkeypatch.setenv("HOME", str(home))
    before = snapshot(home)
    result = run("plan", str(tiny_station), "--out", str(home), "--force")
    assert_refused(result, str(home), "it is your home folder")
    assert snapshot(home) == before


def test_the_root_folder_is_refused_without_touching_it(tiny_station: Path) -> None:
    root = Path("/")
    before = (sorted(root.iterdir()), root.stat().st_mtime_ns)
    result = run("plan", str(tiny_station), "--out", "/", "--force")
    assert_refused(result, "refusing to replace /: it is the root folder")
    assert (sorted(root.iterdir()), root.stat().st_mtime_ns) == before


def test_a_file_in_the_path_is_refused_up_front(tiny_station: Path, tmp_path: Path) -> None:
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4\n")
    result = run("plan", str(tiny_station), "--out", str(tmp_path / "report.pdf" / "plan"))
    assert_refused(result, f"{tmp_path / 'report.pdf'} is a file, not a folder")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "nothing written"


def test_force_replaces_a_foreign_folder_but_never_the_station(
    tiny_station: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old"
    old.mkdir()
    (old / "draft.txt").write_text("replace me\n")
    result = run("plan", str(tiny_station), "--out", str(old), "--force")
    assert result.exit_code == 0, result.output
    assert not (old / "draft.txt").exists()
    assert (old / "index.html").is_file()
    before = snapshot(tiny_station)
    result = run("plan", str(tiny_station), "--out", str(tiny_station), "--force")
    assert_refused(result, "it is the station folder")
    assert snapshot(tiny_station) == before


def test_a_plan_folder_is_marked_and_replaced_by_the_next_run(
    earlier_plan: Path, tmp_path: Path
) -> None:
    marker = json.loads((earlier_plan / MARKER).read_text(encoding="utf-8"))
    assert marker["kind"] == "plan"
    assert set(marker["entries"]) == {p.name for p in earlier_plan.iterdir()} - {MARKER}
    assert (earlier_plan / MARKER).stat().st_mode & 0o777 == 0o600
    station = earlier_plan.parent / "tiny"
    out = shutil.copytree(earlier_plan, tmp_path / "plan")
    (out / "summary.json").write_text("{}")
    result = run("plan", str(station), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text())["station"] == "Tiny"


def test_a_plan_folder_from_before_the_marker_is_replaced(
    earlier_plan: Path, tmp_path: Path
) -> None:
    out = shutil.copytree(earlier_plan, tmp_path / "plan")
    (out / MARKER).unlink()
    (out / "summary.json").write_text("{}")
    result = run("plan", str(earlier_plan.parent / "tiny"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text())["station"] == "Tiny"
    assert (out / MARKER).is_file()


@pytest.mark.parametrize("marked", [True, False], ids=["marked", "before-the-marker"])
def test_a_plan_folder_with_a_file_added_is_refused_untouched(
    earlier_plan: Path, tmp_path: Path, *, marked: bool
) -> None:
    out = shutil.copytree(earlier_plan, tmp_path / "plan")
    if not marked:
        (out / MARKER).unlink()
    (out / "my notes.docx").write_bytes(b"notes")
    before = snapshot(out)
    result = run("plan", str(earlier_plan.parent / "tiny"), "--out", str(out))
    assert_refused(result, "my notes.docx")
    assert snapshot(out) == before


def test_zones_replaces_its_earlier_folder_and_refuses_the_station(tiny_station: Path) -> None:
    out = tiny_station.parent / "zones"
    out.mkdir()
    for name in ("zones.geojson", "zones.kml", "assignments.csv", "zone_metrics.csv"):
        (out / name).write_text("before the marker\n")
    result = run("zones", str(tiny_station), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads((out / MARKER).read_text())["kind"] == "zones"
    assert (out / "zones.geojson").read_text().startswith("{")
    before = snapshot(tiny_station)
    assert_refused(run("zones", str(tiny_station), "--out", str(tiny_station)), "station folder")
    assert snapshot(tiny_station) == before


def test_demo_refuses_a_foreign_folder_untouched(tmp_path: Path) -> None:
    (tmp_path / "budget.xlsx").write_bytes(b"PK\x03\x04")
    before = snapshot(tmp_path)
    assert_refused(run("demo", "--out", str(tmp_path)), "budget.xlsx")
    assert snapshot(tmp_path) == before


def test_a_killed_plan_leaves_no_partial_folder_after_the_next_run(
    tiny_station: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    (tmp_path / ".plan.partial-notmine").mkdir()  # not planner's naming: kept
    command = [sys.executable, "-c", "from planner.cli import main; main()", "-q", "plan"]
    environment = os.environ | {"PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [*command, str(tiny_station), "--out", str(out)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as planner:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and planner.poll() is None:
            partials = list(tmp_path.glob(".plan.partial-????????"))
            if partials and (partials[0] / "zones.geojson").exists():
                break
            time.sleep(0.02)
        os.kill(planner.pid, signal.SIGKILL)
        planner.wait()
    assert planner.returncode == -signal.SIGKILL, "killed while writing"
    assert list(tmp_path.glob(".plan.partial-????????")), "the killed run left one"
    result = run("plan", str(tiny_station), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [".plan.partial-notmine", "plan", "tiny"]


SYNTH = ["synth", "--households", "30", "--country", "FI", "--seed", "1"]


def test_synth_refuses_a_folder_with_station_files_untouched(
    tiny_station: Path, tmp_path: Path
) -> None:
    boundary = tmp_path / "boundary.geojson"
    shutil.copyfile(tiny_station / "boundary.geojson", boundary)
    before = snapshot(tiny_station)
    result = run(*SYNTH, "--boundary", str(boundary), "--out", str(tiny_station), "--force")
    assert_refused(result, "station.toml", "station folder")
    assert snapshot(tiny_station) == before
    roster = tmp_path / "roster"
    roster.mkdir()
    (roster / "staff.csv").write_text("staff_id,name\nS1,Real Person\n")
    before = snapshot(roster)
    assert_refused(run(*SYNTH, "--boundary", str(boundary), "--out", str(roster)), "staff.csv")
    assert snapshot(roster) == before


def test_synth_rewrites_its_own_station(tiny_station: Path, tmp_path: Path) -> None:
    out = tmp_path / "synthetic"
    boundary = str(tiny_station / "boundary.geojson")
    assert run(*SYNTH, "--boundary", boundary, "--out", str(out)).exit_code == 0
    assert json.loads((out / MARKER).read_text())["kind"] == "station"
    first = (out / "staff.csv").read_bytes()
    result = run(*SYNTH, "--boundary", boundary, "--out", str(out), "--seed", "2")
    assert result.exit_code == 0, result.output
    assert (out / "staff.csv").read_bytes() != first
    before = snapshot(out)
    assert_refused(run("plan", str(out), "--out", str(out), "--force"), "station folder")
    assert snapshot(out) == before


def test_batch_refuses_a_foreign_station_folder_up_front(
    tiny_station: Path, tmp_path: Path
) -> None:
    out = tmp_path / "batch"
    (out / "tiny").mkdir(parents=True)
    write_marker(out, kind="batch", entries=["tiny", "summary.csv", "summary.html"])
    (out / "tiny" / "minutes.odt").write_bytes(b"minutes")
    before = snapshot(out)
    assert_refused(run("batch", str(tiny_station), "--out", str(out)), "minutes.odt")
    assert snapshot(out) == before
    (out / MARKER).unlink()
    assert_refused(run("batch", str(tiny_station), "--out", str(out)), "holds tiny")
    holding = run("batch", str(tiny_station), "--out", str(tmp_path), "--force")
    assert_refused(holding, "contains the station folder")


def test_batch_summary_is_private(tiny_station: Path, tmp_path: Path) -> None:
    out = tmp_path / "batch"
    result = run("batch", str(tiny_station), "--out", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o700
    for name in ("summary.csv", "summary.html", MARKER):
        assert (out / name).stat().st_mode & 0o777 == 0o600, name
    assert (out / "tiny" / "index.html").stat().st_mode & 0o777 == 0o600
    result = run("batch", str(tiny_station), "--out", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
