"""``planner drill``: measure a call-cascade drill's logs against the plan.

The plan folder gives the households and their zones (``roll_call/register.csv``) and
the cascade's estimate per zone (``contacts/cascade.csv``). A log file that cannot be read
is named and left out; the others still make the drill.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from outputs.drill_page import write_drill
from planner.muster import REGISTER_PATH, station_name
from planner.output_folder import DRILL, atomic_folder
from stations.drill_logs import LOG_FIELDS, LOG_SUFFIXES, read_drill_log
from stations.errors import InputError, Issue, StationError
from stations.reports import read_register
from stations.schema import SOURCE_FILE, SOURCE_ROW
from zones.drill import STATION_ROW, Drill, measure_drill

logger = logging.getLogger(__name__)

CASCADE_PATH = Path("contacts") / "cascade.csv"


@dataclass(frozen=True)
class DrillRun:
    """A drill measured: its result, the rows named and the files that could not be read."""

    drill: Drill
    issues: tuple[Issue, ...]
    unreadable: tuple[Issue, ...]
    out: Path


def default_out(plan_dir: Path, start: dt.date) -> Path:
    """Return ``drills/<date>-<n>`` beside the plan folder, the first ``n`` not yet taken.

    Returns
    -------
    pathlib.Path
        The folder (not created).
    """
    drills = plan_dir.absolute().parent / "drills"
    number = 1
    while (drills / f"{start.isoformat()}-{number}").exists():
        number += 1
    return drills / f"{start.isoformat()}-{number}"


def run_drill(
    plan_dir: Path,
    logs: Sequence[Path],
    out: Path | None,
    *,
    start: dt.datetime | None,
    force: bool = False,
) -> DrillRun:
    """Read the drill logs, measure the drill and write drill.html and drill.csv.

    Parameters
    ----------
    plan_dir
        The plan's folder (written by ``planner plan``, not redacted).
    logs
        Drill log files (CSV, XLSX) and folders of them.
    out
        The output folder; ``drills/<date>-<n>`` beside the plan folder when None.
    start
        Minute 0 of the drill; the earliest time in the logs when None.
    force
        Replace ``out`` even when it holds files planner did not write.

    Returns
    -------
    DrillRun
        The drill, what was named, and where it was written.

    Raises
    ------
    StationError
        If the plan folder has no readable register.
    """
    path = plan_dir / REGISTER_PATH
    if not path.is_file():
        msg = f"{plan_dir} has no {REGISTER_PATH.as_posix()}: give the folder of a plan"
        raise StationError(msg)
    register = read_register(path, str(path))
    homes = register.loc[register["household_id"] != "", ["household_id", "zone_id"]]
    homes = homes.drop_duplicates("household_id")
    staff = register[register["kind"] == "staff"]
    households_of = dict(zip(staff["person_id"], staff["household_id"], strict=True))
    day = start.date() if start is not None else _plan_date(plan_dir)
    frames, issues, unreadable = [], [], []
    files = _log_files(logs)
    for log in files:
        try:
            frame, found = read_drill_log(log, str(log), day=day, households_of=households_of)
        except InputError as error:
            unreadable.append(error.issue)
            continue
        frames.append(frame)
        issues.extend(found)
    calls = pd.concat(frames, ignore_index=True) if frames else _no_calls()
    calls = calls.sort_values("reached_at", kind="stable")
    drill = measure_drill(homes, calls, estimates=_estimates(plan_dir), start=start)
    target = out or default_out(plan_dir, drill.start.date())
    named = (*unreadable, *issues)
    with atomic_folder(target, kind=DRILL, keep=[plan_dir, *logs], force=force) as folder:
        write_drill(drill, folder, station=station_name(plan_dir), issues=named, files=len(files))
    return DrillRun(drill, tuple(issues), tuple(unreadable), target)


def _log_files(sources: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files += sorted(
                p for p in source.iterdir() if p.suffix.lower() in LOG_SUFFIXES and p.is_file()
            )
        else:
            files.append(source)
    return list(dict.fromkeys(files))


def _estimates(plan_dir: Path) -> dict[str, float]:
    """Return the plan's minutes to reach each zone and the whole station (STATION)."""
    path = plan_dir / CASCADE_PATH
    if not path.is_file():
        return {}
    cascade = pd.read_csv(path, encoding="utf-8-sig", dtype={"zone_id": str})
    minutes = dict(zip(cascade["zone_id"], cascade["station_minutes"].astype(float), strict=True))
    return minutes | ({STATION_ROW: max(minutes.values())} if minutes else {})


def _plan_date(plan_dir: Path) -> dt.date:
    try:
        summary = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))
        return dt.date.fromisoformat(str(summary["as_of"]))
    except (OSError, ValueError, KeyError, TypeError):
        return dt.datetime.now().date()  # noqa: DTZ005 (local wall time)


def _no_calls() -> pd.DataFrame:
    frame = pd.DataFrame(columns=[*LOG_FIELDS, SOURCE_FILE, SOURCE_ROW])
    frame["reached_at"] = pd.to_datetime(frame["reached_at"])
    frame["reported_at"] = pd.to_datetime(frame["reported_at"])
    return frame
