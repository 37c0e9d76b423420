"""Plan many duty stations in parallel on dask.distributed, one station a task.

Each task loads, plans and writes one station's folder inside its worker and returns
only a small summary row, so a station's frames never travel to the client. A station
that fails (bad input, or any error) is reported with its message; the others complete.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

# The columns of summary.csv, in order.
SUMMARY_COLUMNS = (
    "station", "folder", "country", "security_level", "households", "zones",
    "coverage_pct", "compliance_rating", "compliance_pct", "minutes_to_reach_everyone",
    "status", "error", "seconds", "index", "lon", "lat",
)  # fmt: skip
PLANNED, FAILED = "planned", "failed"
SUMMARY_FILES = ("summary.csv", "summary.html")


def plan_station(
    station_dir: str,
    out_dir: str,
    *,
    redact: bool = False,
    tiles: str = "none",
    seed: int = 0,
    as_of: dt.date | None = None,
    debug: bool = False,
    force: bool = False,
) -> dict[str, Any]:
    """Plan one station into ``out_dir`` and return its summary row (never raises).

    Parameters
    ----------
    station_dir
        The station folder.
    out_dir
        Its plan folder (replaced when the plan is complete).
    redact, tiles, seed
        As for ``planner plan``.
    as_of
        The plan date (today by default).
    debug
        Put the traceback of an unexpected error in the row's ``error``.
    force
        Replace ``out_dir`` even when it holds files planner did not write.

    Returns
    -------
    dict
        One row of ``SUMMARY_COLUMNS``.
    """
    from planner.build import build_plan
    from planner.output_folder import PLAN, atomic_folder
    from planner.publish import plan_summary, write_plan
    from stations import load_station
    from stations.errors import StationError

    started = time.perf_counter()
    row: dict[str, Any] = dict.fromkeys(SUMMARY_COLUMNS)
    row |= {"station": Path(station_dir).name, "folder": Path(out_dir).name, "error": ""}
    try:
        as_of = as_of or dt.datetime.now(tz=dt.UTC).date()
        station = load_station(Path(station_dir), as_of=as_of)
        row |= {
            "station": station.name,
            "country": station.config.station.country,
            "security_level": station.config.station.security_level,
        }
        run = build_plan(station, as_of=as_of, seed=seed)
        keep = [Path(station_dir)]
        with atomic_folder(Path(out_dir), kind=PLAN, keep=keep, force=force) as folder:
            write_plan(run, folder, issued=as_of, redact=redact, tiles=tiles)
        summary = plan_summary(run)
        households = run.planned.households
        centre = station.boundary.union_all().centroid
        lon, lat = _wgs84(centre, station.crs)
        row |= {
            "households": len(households),
            "zones": summary["zones"],
            "coverage_pct": round(100.0 * summary["households"] / len(households), 1)
            if len(households)
            else None,
            "compliance_rating": summary["compliance_rating"],
            "compliance_pct": summary["compliance_percentage"],
            "minutes_to_reach_everyone": summary["minutes_to_reach_everyone"],
            "status": PLANNED,
            "index": f"{Path(out_dir).name}/index.html",
            "lon": round(lon, 5),
            "lat": round(lat, 5),
        }
    except StationError as error:
        issues = [str(i) for i in getattr(error, "issues", [])[:5] if i.describe() != str(error)]
        row |= {"status": FAILED, "error": "; ".join([str(error), *issues])}
    except Exception as error:  # noqa: BLE001 - one station's failure must not stop the batch
        message = f"{type(error).__name__}: {error}"
        row |= {"status": FAILED, "error": traceback.format_exc() if debug else message}
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


def run_batch(
    stations: Sequence[Path],
    out: Path,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    redact: bool = False,
    tiles: str = "none",
    seed: int = 0,
    as_of: dt.date | None = None,
    debug: bool = False,
    force: bool = False,
    on_done: Callable[[dict[str, Any]], None] = lambda _row: None,
) -> list[dict[str, Any]]:
    """Plan every station on a Dask cluster; return their summary rows in input order.

    Parameters
    ----------
    stations
        Station folders.
    out
        The batch folder: each station's plan goes into ``out/<folder name>/``.
    workers
        Worker processes of the local cluster (one thread each).
    scheduler
        The address of an existing Dask scheduler (``tcp://host:8786``) instead of a
        local cluster; its workers must see ``out`` and the station folders.
    redact, tiles, seed, debug, force
        As for ``planner plan``.
    as_of
        The plan date of every station (today by default).
    on_done
        Called with each row as its station completes (for a progress display).
    """
    from dask.distributed import Client, LocalCluster, as_completed

    from planner.output_folder import BATCH, open_output_folder

    folders = plan_folders(stations)
    open_output_folder(out, kind=BATCH, entries=[*folders, *SUMMARY_FILES])
    options = {
        "redact": redact,
        "tiles": tiles,
        "seed": seed,
        "as_of": as_of,
        "debug": debug,
        "force": force,
    }
    cluster = None
    logging.getLogger("distributed").setLevel(logging.WARNING)
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        )
    client = Client(cluster if cluster is not None else scheduler)
    try:
        futures = [
            client.submit(
                plan_station,
                str(station.absolute()),
                str((out / folder).absolute()),
                key=f"plan-{number:04d}-{folder}",
                pure=False,
                **options,
            )
            for number, (station, folder) in enumerate(zip(stations, folders, strict=True))
        ]
        rows: dict[object, dict[str, Any]] = {}  # by the futures' keys
        for future in as_completed(futures):
            if future.status == "error":  # the worker itself died (memory, signal)
                row = dict.fromkeys(SUMMARY_COLUMNS) | {
                    "station": future.key.split("-", 2)[2],
                    "folder": future.key.split("-", 2)[2],
                    "status": FAILED,
                    "error": f"worker lost: {future.exception()}",
                }
            else:
                row = future.result()
            rows[future.key] = row
            on_done(row)
        return [rows[f.key] for f in futures]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def check_batch_folders(stations: Sequence[Path], out: Path, *, force: bool = False) -> None:
    """Check that a batch may write ``out`` and each station's plan folder in it.

    Parameters
    ----------
    stations
        Station folders (never replaced, nor any folder holding one).
    out
        The batch folder.
    force
        Write even where a folder holds files planner did not write.

    Raises
    ------
    planner.output_folder.OutputFolderError
        For the first folder refused, with the reason.
    """
    from planner.output_folder import BATCH, PLAN, check_output_folder

    check_output_folder(out, kind=BATCH, keep=stations, force=force)
    for folder in plan_folders(stations):
        check_output_folder(out / folder, kind=PLAN, keep=stations, force=force)


def plan_folders(stations: Sequence[Path]) -> list[str]:
    """Return a distinct, file-safe plan folder name for each station, from its folder name."""
    names: list[str] = []
    for station in stations:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(station).name).strip("._") or "station"
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.append(name)
    return names


def _wgs84(point: Any, crs: Any) -> tuple[float, float]:
    import geopandas as gpd

    moved = gpd.GeoSeries([point], crs=crs).to_crs(4326).iloc[0]
    return float(moved.x), float(moved.y)
