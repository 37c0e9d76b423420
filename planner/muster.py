"""``planner muster``: read the wardens' reports against a plan and write the roll call.

The plan folder keeps the person register (``roll_call/register.csv``); the reports are
files or folders of files (CSV, XLSX, JSON lines). Each run reads them all again, so
re-running with more reports updates the picture; :func:`watch_muster` does it in a loop
while reports arrive. A file that cannot be read is named and left out; the others
still make the roll call.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from outputs.muster_page import write_muster
from planner.output_folder import MUSTER, atomic_folder
from stations.errors import InputError, Issue, StationError
from stations.reports import REPORT_FIELDS, REPORT_SUFFIXES, read_register, read_reports
from stations.schema import SOURCE_FILE, SOURCE_ROW
from zones.roll_call import RollCall, roll_call

logger = logging.getLogger(__name__)

REGISTER_PATH = Path("roll_call") / "register.csv"
EXIT_ACCOUNTED, EXIT_UNREADABLE, EXIT_NOT_ACCOUNTED = 0, 1, 3


@dataclass(frozen=True)
class Muster:
    """One roll call: its result, what was named, and the files read.

    Attributes
    ----------
    result
        Every person's status.
    issues
        The issues of the reports, then those of matching them to the register.
    unreadable
        One error per report file that could not be read.
    files
        The report files read (or tried).
    """

    result: RollCall
    issues: tuple[Issue, ...]
    unreadable: tuple[Issue, ...]
    files: tuple[Path, ...]

    @property
    def exit_code(self) -> int:
        """Return 1 when a file could not be read, else 0 when all are accounted for, else 3."""
        if self.unreadable:
            return EXIT_UNREADABLE
        return EXIT_ACCOUNTED if self.result.all_accounted else EXIT_NOT_ACCOUNTED


def report_files(sources: Sequence[Path]) -> list[Path]:
    """Return the report files: each file given, and the report files of each folder given.

    Parameters
    ----------
    sources
        Files and folders; a folder's files with a report suffix are taken, sorted by
        name (its subfolders and other files are not).

    Returns
    -------
    list of pathlib.Path
        The files, without repeats, in the order given.
    """
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            found = sorted(
                p
                for p in source.iterdir()
                if p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith(".")
            )
            files.extend(p for p in found if p.is_file())
        else:
            files.append(source)
    return list(dict.fromkeys(files))


def run_muster(
    plan_dir: Path,
    sources: Sequence[Path],
    out: Path,
    *,
    at: dt.datetime,
    force: bool = False,
) -> Muster:
    """Read the register and the reports, and write muster.html and muster.csv into ``out``.

    Parameters
    ----------
    plan_dir
        The plan's folder (written by ``planner plan``, not redacted).
    sources
        Report files and folders of report files.
    out
        The output folder (replaced whole; only planner's own earlier output).
    at
        The time of the roll call (naive local time): later reports are errors.
    force
        Replace ``out`` even when it holds files planner did not write.

    Returns
    -------
    Muster
        The roll call and what was named.

    Raises
    ------
    StationError
        If the plan folder has no readable register.
    """
    register = _register(plan_dir)
    files = report_files(sources)
    frames, issues, unreadable = [], [], []
    for path in files:
        try:
            frame, found = read_reports(path, _label(path), at=at)
        except InputError as error:
            unreadable.append(error.issue)
            continue
        frames.append(frame)
        issues.extend(found)
    reports = pd.concat(frames, ignore_index=True) if frames else _no_reports()
    reports = reports.sort_values("reported_at", kind="stable")
    result = roll_call(register, reports)
    named = (*unreadable, *issues, *result.issues)
    with atomic_folder(out, kind=MUSTER, keep=[plan_dir, *sources], force=force) as folder:
        write_muster(result, folder, station=station_name(plan_dir), at=at, issues=named,
                     files=len(files))  # fmt: skip
    return Muster(result, tuple(issues) + result.issues, tuple(unreadable), tuple(files))


def watch_muster(
    plan_dir: Path,
    sources: Sequence[Path],
    out: Path,
    *,
    at: dt.datetime | None,
    interval_s: float,
    rounds: int | None,
    force: bool = False,
    report: Callable[[Muster], None] = lambda _muster: None,
) -> Muster | None:
    """Run the roll call again whenever the report files change, until stopped.

    Parameters
    ----------
    plan_dir, sources, out, force
        As for :func:`run_muster`.
    at
        The time of the roll call; ``None`` for the time of each round.
    interval_s
        Seconds between two looks at the files.
    rounds
        Stop after this many looks (``None``: until interrupted, Ctrl-C).
    report
        Called with each new roll call.

    Returns
    -------
    Muster or None
        The last roll call (None if interrupted before the first).
    """
    last: Muster | None = None
    seen: tuple[tuple[str, int, int], ...] | None = None
    look = 0
    try:
        while rounds is None or look < rounds:
            if look:
                time.sleep(interval_s)
            look += 1
            state = _state(report_files(sources))
            if state == seen:
                continue
            seen = state
            now = at or dt.datetime.now().replace(microsecond=0)  # noqa: DTZ005 (local wall time)
            last = run_muster(plan_dir, sources, out, at=now, force=force or last is not None)
            report(last)
    except KeyboardInterrupt:
        logger.info("muster: watch stopped")
    return last


def _state(files: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Return what identifies the files' contents: name, size and modification time."""
    state = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            state.append((str(path), -1, -1))
        else:
            state.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(state)


def _register(plan_dir: Path) -> pd.DataFrame:
    path = plan_dir / REGISTER_PATH
    if not path.is_file():
        msg = (
            f"{plan_dir} has no {REGISTER_PATH.as_posix()}: give the folder of a plan written "
            "by planner plan (not redacted; plans written before the roll call: plan again)"
        )
        raise StationError(msg)
    return read_register(path, _label(path))


def station_name(plan_dir: Path) -> str:
    """Return the station's name from the plan's summary.json, or the folder's name.

    Returns
    -------
    str
        The name.
    """
    try:
        summary = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))
        return str(summary["station"])
    except (OSError, ValueError, KeyError, TypeError):
        return plan_dir.name


def _label(path: Path) -> str:
    return str(path)


def _no_reports() -> pd.DataFrame:
    frame = pd.DataFrame(columns=[*REPORT_FIELDS, SOURCE_FILE, SOURCE_ROW])
    frame["reported_at"] = pd.to_datetime(frame["reported_at"])
    return frame
