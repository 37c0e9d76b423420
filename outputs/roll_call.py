"""The roll-call files of a plan: the person register and one roll-call sheet per zone.

``roll_call/register.csv`` lists every person of the plan (`zones.register`) with their
zone, presence on the plan date, and their warden's name and phone: what ``planner
muster`` reads back. ``roll_call/<zone>.csv`` is the zone's sheet in exactly the format
muster reads (the warden fills in ``status``, ``location``, ``reported_at`` and
``reporter``), and ``roll_call/<zone>.pdf`` the same sheet printed on A4 to fill in by
hand. File names come from :func:`outputs.file_names.safe_file_names`.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pandas as pd

from outputs._parallel import run_all
from outputs.csv_safe import write_csv_safely
from outputs.document import Document, Section, Table, write_pdf
from outputs.file_names import safe_file_names
from outputs.phone_text import format_phone
from stations.schema import PRESENT
from stations.zones_file import zone_title
from zones.register import SHEET_COLUMNS

logger = logging.getLogger(__name__)

FOLDER = "roll_call"
REGISTER_FILE = "register.csv"
CONFIDENTIAL = "CONFIDENTIAL - STAFF PERSONAL DATA"
HANDLING = "Keep it safe; destroy superseded copies; do not share beyond the zone."
INSTRUCTIONS = (
    "Write each person's status (safe, needs help, missing or unknown) and the time; one "
    "line for a household covers all its members. Send the sheet, or its CSV filled in, "
    "to the operations centre."
)


def write_roll_call(
    register: pd.DataFrame, out_dir: Path, *, station: str, issued: dt.date
) -> list[Path]:
    """Write the register and each zone's roll-call sheet (CSV and PDF) into ``roll_call/``.

    Parameters
    ----------
    register
        The person register (`zones.register.person_register`).
    out_dir
        The plan's output folder; ``roll_call/`` is created in it.
    station
        The station's name, printed on the sheets.
    issued
        The date of issue printed on every page.

    Returns
    -------
    list of pathlib.Path
        The register, then each zone's CSV and PDF.
    """
    folder = out_dir / FOLDER
    folder.mkdir(exist_ok=True)
    paths = [write_csv_safely(register, folder / REGISTER_FILE)]
    zoned = register[register["zone_id"] != ""]
    names = safe_file_names(zoned["zone_id"])
    zones = [
        (names[str(zone_id)], people) for zone_id, people in zoned.groupby("zone_id", sort=True)
    ]

    def write(index: int) -> list[Path]:
        stem, people = zones[index]
        return [
            write_csv_safely(_sheet(people), folder / f"{stem}.csv"),
            _write_pdf(people, folder / f"{stem}.pdf", station=station, issued=issued),
        ]

    paths += [path for pair in run_all(write, list(range(len(zones)))) for path in pair]
    logger.info("roll call: %d people, %d zone sheets", len(register), len(names))
    return paths


def _sheet(people: pd.DataFrame) -> pd.DataFrame:
    """Return a zone's sheet: the people, their presence, and empty columns to fill in."""
    columns = [*SHEET_COLUMNS[:5], "presence", *SHEET_COLUMNS[5:]]
    return people.reindex(columns=columns, fill_value="")


def _write_pdf(people: pd.DataFrame, path: Path, *, station: str, issued: dt.date) -> Path:
    first = people.iloc[0]
    label = zone_title(str(first["zone_id"]))
    warden = " ".join(
        part for part in (first["warden_name"], format_phone(first["warden_phone"])) if part
    )
    rows = [
        (
            str(number),
            person.person_id,
            person.name + ("" if person.presence == PRESENT else f"\n({person.presence})"),
            person.kind,
            person.household_id,
            "",
            "",
        )
        for number, person in enumerate(
            people[["person_id", "name", "presence", "kind", "household_id"]].itertuples(),
            start=1,
        )
    ]
    document = Document(
        title=f"Roll call: {label}",
        subtitle=f"{station}: {len(people)} people to account for",
        marking=CONFIDENTIAL,
        issued=issued,
        facts=(("Warden:", warden or "none appointed"),),
        sections=(
            Section(
                "People",
                (
                    INSTRUCTIONS,
                    Table(
                        ("#", "person_id", "name", "kind", "household", "status", "time"),
                        rows,
                        (0.5, 1.6, 3.2, 1.2, 1.4, 1.8, 1.0),
                    ),
                ),
                numbered=False,
            ),
        ),
        layout="sheet",
        header=f"{station} · {label} · roll call",
        note=HANDLING,
        author=f"{station} security management",
    )
    return write_pdf(document, path)
