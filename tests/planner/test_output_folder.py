"""The output folder is replaced whole or not at all, and is private."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from planner.output_folder import atomic_folder


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
