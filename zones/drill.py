"""A call-cascade drill measured against the plan: how many were reached, how fast.

Each household counts once, at the first time it was reached. Minutes count from the
drill's start. Per zone and for the station: the share of households reached and the
minutes until 50, 90 and 100 % of them were reached (none when never), beside the plan's
estimate of the minutes to reach them all (`zones.cascade`). A caller who did not report
back is one whose calls were logged but who has no ``reported_at`` on any of them.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

STATION_ROW = "STATION"
DRILL_COLUMNS = (
    "zone_id", "households", "reached", "share_reached",
    "minutes_to_50", "minutes_to_90", "minutes_to_100", "estimate_minutes",
)  # fmt: skip
SHARES = (0.5, 0.9, 1.0)


@dataclass(frozen=True)
class Drill:
    """A drill's result.

    Attributes
    ----------
    start
        When the drill started (minute 0).
    table
        One row per zone and a last ``STATION`` row (``DRILL_COLUMNS``).
    never_reached
        The households never reached: ``household_id``, ``zone_id``.
    silent_callers
        The callers who did not report back: ``caller_id``, ``calls``.
    """

    start: dt.datetime
    table: pd.DataFrame
    never_reached: pd.DataFrame
    silent_callers: pd.DataFrame


def measure_drill(
    households: pd.DataFrame,
    calls: pd.DataFrame,
    *,
    estimates: dict[str, float],
    start: dt.datetime | None = None,
) -> Drill:
    """Return the drill's reach per zone and for the station.

    Parameters
    ----------
    households
        Every household of the plan: ``household_id``, ``zone_id``.
    calls
        The logged calls (`stations.drill_logs.read_drill_log`), every file together.
    estimates
        The plan's minutes to reach every household, per zone and for ``STATION``.
    start
        Minute 0; the earliest ``reached_at`` when None.

    Returns
    -------
    Drill
        The table, the households never reached and the callers who did not report back.
    """
    if start is None:
        start = calls["reached_at"].min().to_pydatetime() if len(calls) else dt.datetime.now()  # noqa: DTZ005
    first = calls.groupby("household_id")["reached_at"].min()
    minutes = (first - pd.Timestamp(start)).dt.total_seconds() / 60.0
    homes = households.assign(minute=households["household_id"].map(minutes))
    rows = [
        _row(str(zone_id), group["minute"], estimates.get(str(zone_id)))
        for zone_id, group in homes.groupby("zone_id", sort=True)
    ]
    rows.append(_row(STATION_ROW, homes["minute"], estimates.get(STATION_ROW)))
    table = pd.DataFrame(rows, columns=list(DRILL_COLUMNS))
    never = homes.loc[homes["minute"].isna(), ["household_id", "zone_id"]].reset_index(drop=True)
    drill = Drill(start, table, never, _silent_callers(calls))
    logger.info(
        "drill: %d of %d households reached, %d callers did not report back",
        len(homes) - len(never),
        len(homes),
        len(drill.silent_callers),
    )
    return drill


def _row(zone_id: str, minutes: pd.Series, estimate: float | None) -> dict[str, object]:
    reached = np.sort(minutes.dropna().to_numpy(dtype=float))
    total = len(minutes)
    row: dict[str, object] = {
        "zone_id": zone_id,
        "households": total,
        "reached": len(reached),
        "share_reached": round(len(reached) / total, 4) if total else 0.0,
        "estimate_minutes": estimate,
    }
    for share, column in zip(SHARES, DRILL_COLUMNS[4:7], strict=True):
        needed = max(1, math.ceil(share * total - 1e-9))
        row[column] = round(max(0.0, reached[needed - 1]), 1) if len(reached) >= needed else None
    return row


def _silent_callers(calls: pd.DataFrame) -> pd.DataFrame:
    logged = calls[calls["caller_id"] != ""]
    by_caller = logged.groupby("caller_id").agg(
        calls=("target", "size"), reported=("reported_at", "count")
    )
    silent = by_caller[by_caller["reported"] == 0]
    return silent[["calls"]].reset_index()
