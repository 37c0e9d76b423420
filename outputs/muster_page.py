"""The roll call's files: muster.html (one offline page for a phone) and muster.csv.

The page puts first who needs help, then everyone not accounted for with their warden's
phone, then the counts per zone, area and agency, and last the reports that were named
(unknown ids, contradictions, times in the future...). It is a document of the shared
stack (`outputs.document`): every string escaped, no script, nothing fetched.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from outputs.csv_safe import write_csv_safely
from outputs.document import Document, Section, Table, render_html
from outputs.phone_text import format_phone
from stations.errors import Issue
from zones.roll_call import RollCall

logger = logging.getLogger(__name__)

CONFIDENTIAL = "CONFIDENTIAL - STAFF PERSONAL DATA"
NOT_ACCOUNTED = ("missing", "unknown", "unaccounted")
# On a phone a long name or path breaks anywhere rather than widen its table off the screen.
PHONE_CSS = (
    "td{overflow-wrap:anywhere}th{overflow-wrap:normal}\n"
    "@media (max-width:30rem){body{padding:.75rem}th,td{padding:.2rem .25rem}}\n"
)
COUNT_LABELS = {"zone_id": "Zone", "area_id": "Area", "agency": "Agency"}
# The rows a list of people shows on the page; muster.csv always has everyone.
LISTED = 1000


def write_muster(
    result: RollCall,
    folder: Path,
    *,
    station: str,
    at: dt.datetime,
    issues: Sequence[Issue],
    files: int,
) -> list[Path]:
    """Write ``muster.html`` and ``muster.csv`` into ``folder``.

    Parameters
    ----------
    result
        The roll call (`zones.roll_call.roll_call`).
    folder
        The output folder (exists).
    station
        The station's name.
    at
        The time of the roll call.
    issues
        Every issue of reading and matching the reports, shown on the page.
    files
        How many report files were read.

    Returns
    -------
    list of pathlib.Path
        The page and the table.
    """
    page = folder / "muster.html"
    html = render_html(_document(result, station=station, at=at, issues=issues, files=files))
    page.write_text(html.replace("</style>", PHONE_CSS + "</style>", 1), encoding="utf-8")
    table = write_csv_safely(result.table(), folder / "muster.csv")
    logger.info("muster written to %s", folder)
    return [page, table]


def _document(
    result: RollCall, *, station: str, at: dt.datetime, issues: Sequence[Issue], files: int
) -> Document:
    people = result.people
    status = people["status"]
    accounted = int(status.isin(("safe", "needs help")).sum())
    away = int((status == "away").sum())
    needs_help = people[status == "needs help"]
    missing = people[status.isin(NOT_ACCOUNTED)]
    return Document(
        title=f"Roll call: {station}",
        subtitle=f"{accounted} of {len(people) - away} people present accounted for at {at:%H:%M}",
        marking=CONFIDENTIAL,
        issued=at.date(),
        facts=(
            ("Roll call at", f"{at:%Y-%m-%d %H:%M}"),
            ("Need help:", str(len(needs_help))),
            ("Not accounted for:", str(len(missing))),
            ("Away on the plan date:", str(away)),
            ("Report files read:", str(files)),
        ),
        sections=(
            Section(
                f"Need help ({len(needs_help)})",
                _people_list(needs_help, location=True),
                numbered=False,
            ),
            Section(
                f"Not accounted for ({len(missing)})",
                _people_list(missing, location=False),
                numbered=False,
            ),
            *(
                Section(f"By {label.lower()}", (_counts_table(result, by, label),), numbered=False)
                for by, label in COUNT_LABELS.items()
            ),
            Section(f"Reports named ({len(issues)})", (_issues_table(issues),), numbered=False),
        ),
        layout="sheet",
        header=f"{station} · roll call",
        author=f"{station} security management",
    )


def _people_list(people: pd.DataFrame, *, location: bool) -> tuple[Table | str, ...]:
    """Return the table of the first ``LISTED`` people, by zone, and a line for the rest."""
    table = _people_table(_first_by_zone(people, LISTED), location=location)
    if len(people) <= LISTED:
        return (table,)
    rest = len(people) - LISTED
    return (table, f"{rest:,} more in muster.csv (the first {LISTED:,} by zone are shown).")


def _first_by_zone(people: pd.DataFrame, count: int) -> pd.DataFrame:
    """Return the first ``count`` people by zone, household and person; only their zones sorted."""
    if len(people) > count:
        sizes = people["zone_id"].value_counts().sort_index()
        last = sizes.index[np.searchsorted(sizes.cumsum().to_numpy(), count)]
        people = people[people["zone_id"] <= last]
    return people.sort_values(["zone_id", "household_id", "person_id"], kind="stable").iloc[:count]


def _people_table(ordered: pd.DataFrame, *, location: bool) -> Table:
    phones = {p: format_phone(p) for p in ordered["warden_phone"].unique()}
    rows = [
        (
            f"{p.name}\n{p.person_id} ({p.kind})",
            p.zone_id,
            "\n".join(
                part
                for part in (
                    p.status,
                    p.location if location else "",
                    p.reported_at + (f" by {p.reporter}" if p.reporter else ""),
                )
                if part
            ),
            "\n".join(part for part in (p.warden_name, phones[p.warden_phone]) if part),
        )
        for p in ordered.itertuples(index=False)
    ]
    return Table(("Person", "Zone", "Status", "Warden"), rows, (3, 1, 2.4, 2.6), empty="nobody")


def _counts_table(result: RollCall, by: str, label: str) -> Table:
    counts = result.counts(by)
    counts["not accounted"] = counts[list(NOT_ACCOUNTED)].sum(axis=1)
    shown = ("people", "accounted", "needs help", "not accounted")
    header = (label, "Present", "Accounted", "Need help", "Not accounted")
    numbers = counts.loc[:, list(shown)].astype(int).astype(str).to_numpy().tolist()
    names = [str(name) or "none" for name in counts[by]]
    rows = [(name, *cells) for name, cells in zip(names, numbers, strict=True)]
    return Table(header, rows, (2, 1, 1, 1, 1))


def _issues_table(issues: Sequence[Issue]) -> Table:
    rows = [
        (i.severity, i.location(), i.message)
        for i in sorted(issues, key=lambda i: (i.severity != "error", i.file, i.row or 0))
    ]
    return Table(("Severity", "Where", "What"), rows, (1, 2.5, 5), empty="none")
