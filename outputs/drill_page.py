"""A drill's files: drill.html (one offline page) and drill.csv (one row per zone, then STATION).

The page is a document of the shared stack (`outputs.document`): every string escaped,
no script, nothing fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from outputs.csv_safe import write_csv_safely
from outputs.document import Document, Section, Table, render_html
from outputs.muster_page import CONFIDENTIAL, PHONE_CSS
from stations.errors import Issue
from zones.drill import Drill

logger = logging.getLogger(__name__)


def write_drill(
    drill: Drill, folder: Path, *, station: str, issues: Sequence[Issue], files: int
) -> list[Path]:
    """Write ``drill.html`` and ``drill.csv`` into ``folder``.

    Parameters
    ----------
    drill
        The measured drill (`zones.drill.measure_drill`).
    folder
        The output folder (exists).
    station
        The station's name.
    issues
        The log rows named while reading, shown on the page.
    files
        How many log files were read.

    Returns
    -------
    list of pathlib.Path
        The page and the table.
    """
    page = folder / "drill.html"
    html = render_html(_document(drill, station=station, issues=issues, files=files))
    page.write_text(html.replace("</style>", PHONE_CSS + "</style>", 1), encoding="utf-8")
    table = write_csv_safely(drill.table, folder / "drill.csv")
    logger.info("drill written to %s", folder)
    return [page, table]


def _minutes(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):g}"  # type: ignore[arg-type]


def _document(drill: Drill, *, station: str, issues: Sequence[Issue], files: int) -> Document:
    table = drill.table
    total = table.iloc[-1]
    rows = [
        (
            str(r["zone_id"]),
            f"{int(r['reached'])} of {int(r['households'])} ({float(r['share_reached']):.0%})",
            *(_minutes(r[c]) for c in ("minutes_to_50", "minutes_to_90", "minutes_to_100")),
            _minutes(r["estimate_minutes"]),
        )
        for _, r in table.iterrows()
    ]
    never = [(str(h), str(z)) for h, z in drill.never_reached.itertuples(index=False)]
    silent = [(str(c), str(n)) for c, n in drill.silent_callers.itertuples(index=False)]
    problems = [(i.severity, i.location(), i.message) for i in issues]
    return Document(
        title=f"Cascade drill: {station}",
        subtitle=(
            f"{int(total['reached'])} of {int(total['households'])} households reached; "
            f"everyone in {_minutes(total['minutes_to_100']) or 'never'} min, "
            f"planned {_minutes(total['estimate_minutes']) or 'unknown'} min"
        ),
        marking=CONFIDENTIAL,
        issued=drill.start.date(),
        facts=(
            ("Started", f"{drill.start:%Y-%m-%d %H:%M}"),
            ("Log files read:", str(files)),
            ("Callers who did not report back:", str(len(silent))),
        ),
        sections=(
            Section(
                "Reach per zone (minutes from the start)",
                (
                    Table(
                        ("Zone", "Reached", "50 %", "90 %", "100 %", "Planned"),
                        rows,
                        (1.4, 2.2, 1, 1, 1, 1.2),
                    ),
                ),
                numbered=False,
            ),
            Section(
                f"Households never reached ({len(never)})",
                (Table(("Household", "Zone"), never, (1, 1), empty="none"),),
                numbered=False,
            ),
            Section(
                f"Callers who did not report back ({len(silent)})",
                (Table(("Caller", "Calls logged"), silent, (1, 1), empty="none"),),
                numbered=False,
            ),
            Section(
                f"Log rows named ({len(problems)})",
                (Table(("Severity", "Where", "What"), problems, (1, 2.5, 5), empty="none"),),
                numbered=False,
            ),
        ),
        layout="sheet",
        header=f"{station} · cascade drill",
        author=f"{station} security management",
    )
