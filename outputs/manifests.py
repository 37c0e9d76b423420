"""Manifests: who gathers at each concentration point, and who leaves by each departure point.

``manifests/<point>.csv`` and ``.pdf`` list the people of one concentration point, one row
per person grouped by household (`zones.manifests.manifest_people`);
``manifests/departures/<point>.csv`` and ``.pdf`` list the same people again by the
departure point they leave from, route by route (concentration point -> departure).
File names come from the point ids through `outputs.file_names`; CSV cells are
formula-safe; the PDFs are A4 sheets marked for the security adviser only. A redacted
plan writes none of them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from outputs._parallel import MIN_ITEMS, run_all
from outputs.csv_safe import write_csv_safely
from outputs.document import Block, Document, Section, Table, write_pdf
from outputs.file_names import safe_file_names
from zones.hibernation import hibernation_sites, supply_amounts
from zones.manifests import AWAY, manifest_people
from zones.plan import PlannedStation

__all__ = ["MARKING", "manifest_section", "write_manifests"]

MARKING = "CONFIDENTIAL - FOR THE SECURITY ADVISER ONLY"
NOTE = "Names and phones of staff and dependants: do not forward."
LONG_MANIFEST = 1_000  # people: from this many, even two manifests are written in parallel
MOVED = {"evacuate": "evacuated", "relocate": "relocated", "hibernate": "hibernates"}


def write_manifests(
    people: pd.DataFrame, folder: Path, *, station_name: str, issued: dt.date
) -> list[Path]:
    """Write the manifests of every concentration point and every departure point.

    Parameters
    ----------
    people
        The frame `zones.manifests.manifest_people` returns.
    folder
        The plan folder (``manifests/`` is created in it).
    station_name
        The station's name, on each sheet.
    issued
        The date of issue on each sheet.

    Returns
    -------
    list of pathlib.Path
        The CSV and PDF files written.
    """
    out = folder / "manifests"
    departures = out / "departures"
    departures.mkdir(parents=True, exist_ok=True)
    sheets: list[tuple[pd.DataFrame, Path, str]] = []  # people, file stem, title
    names = safe_file_names(people["concentration_id"])
    for point_id, group in people.groupby("concentration_id", sort=True):
        title = f"Manifest of concentration point {point_id}"
        sheets.append((group, out / names[str(point_id)], title))
    leaving = people[people["movement"].ne("hibernate") & people["destination_id"].notna()]
    names = safe_file_names(leaving["destination_id"])
    for point_id, group in leaving.groupby("destination_id", sort=True):
        title = f"Departure manifest of {point_id}"
        sheets.append((group, departures / names[str(point_id)], title))

    def write(index: int) -> list[Path]:
        group, stem, title = sheets[index]
        return _write(group, stem, title, station_name, issued)

    min_items = 2 if len(people) >= LONG_MANIFEST else MIN_ITEMS
    written = run_all(write, list(range(len(sheets))), min_items=min_items)
    return [path for pair in written for path in pair]


def _write(
    group: pd.DataFrame, stem: Path, title: str, station_name: str, issued: dt.date
) -> list[Path]:
    csv = write_csv_safely(group, stem.with_suffix(".csv"))
    return [csv, write_pdf(_document(group, title, station_name, issued), stem.with_suffix(".pdf"))]


def _document(group: pd.DataFrame, title: str, station_name: str, issued: dt.date) -> Document:
    travelling = int(((group["status"] != AWAY) & (group["movement"] != "hibernate")).sum())
    facts = (
        ("Station", station_name),
        ("People listed", f"{len(group):,}"),
        (
            "Seats needed",
            f"{travelling:,} (staff away on the plan date and people who hibernate need none)",
        ),
        ("Households", f"{group['household_id'].dropna().nunique():,}"),
    )
    sections = tuple(
        Section("", (f"From concentration point {concentration_id}:", _table(part)), numbered=False)
        for concentration_id, part in group.groupby("concentration_id", sort=True)
    )
    return Document(
        title=title,
        subtitle=f"Evacuation, relocation and hibernation, {station_name}",
        marking=MARKING,
        issued=issued,
        facts=facts,
        sections=sections,
        layout="sheet",
        note=NOTE,
    )


def _table(part: pd.DataFrame) -> Table:
    rows = [
        (
            str(row.household_id or "visitor"),
            f"{row.name or '(not named)'}\n{row.person_id}",
            str(row.person) if row.person == "visitor" else f"{row.person}, {row.category}",
            f"{MOVED.get(str(row.movement), row.movement)}\nto {row.destination_id or 'no point'}",
            str(row.status),
            "\n".join(filter(None, (str(row.special_needs or ""), str(row.vehicle or "")))),
        )
        for row in part.itertuples(index=False)
    ]
    return Table(
        ("Household", "Name / id", "Person", "Movement", "Status", "Needs / vehicle"),
        rows,
        (20, 44, 30, 30, 22, 34),
    )


def manifest_section(plan: PlannedStation, *, redact: bool) -> Section:
    """Return the security plan's section on who goes where and the hibernation supplies.

    Parameters
    ----------
    plan
        The planned station (redacted or not).
    redact
        A redacted plan counts people and names no manifest file (none is written).

    Returns
    -------
    Section
        Per concentration point its people, seats and manifest; per hibernation site its
        households, people and the supplies to stock; the amounts and their sources.
    """
    people = manifest_people(plan)
    names = safe_file_names(people["concentration_id"])
    listed = people.pivot_table(
        index="concentration_id", columns="person", values="person_id", aggfunc="count"
    ).fillna(0)
    rows = []
    for row in plan.transport.itertuples(index=False):
        point_id = str(row.concentration_id)
        if row.movement == "all":
            counts = listed.loc[point_id] if point_id in listed.index else {}
            point = point_id
            who = (
                f"{sum(int(counts.get(k, 0)) for k in ('staff', 'dependant', 'visitor')):,}\n"
                f"{int(counts.get('staff', 0))} staff, "
                f"{int(counts.get('dependant', 0))} dependants, "
                f"{int(counts.get('visitor', 0))} visitors"
            )
            manifest = (
                "not in a redacted plan"
                if redact
                else f"manifests/{names.get(point_id, point_id)}.csv\nand .pdf"
            )
        else:
            point = f"{point_id}: {MOVED.get(str(row.movement), row.movement)}"
            who = f"to {row.departure_id or 'no departure point'}"
            manifest = ""
        rows.append(
            (
                point,
                who,
                f"{int(row.seats_needed):,}\n{int(row.people):,} moving, {int(row.away)} away",
                (
                    f"{int(row.seats_available):,}\n{int(row.office_seats):,} office, "
                    f"{int(row.staff_vehicle_seats):,} staff"
                ),
                f"{int(row.shortfall):,}",
                manifest,
            )
        )
    blocks: list[Block] = [
        (
            "Each concentration point has a manifest: every staff member, dependant and visitor "
            "present, once, grouped by household, with their movement (international staff "
            "evacuated, national staff relocated or hibernating, as the station's [evacuation] "
            "table decides), their departure point or hibernation site, special needs and "
            "vehicle. Departure manifests list the same people by the departure point they "
            "leave from (manifests/departures/). The seats are those of transport.csv: "
            "everyone who moves needs one (visitors too); staff away on the plan date need "
            "none, their dependants do; people who hibernate need none to leave. Seats "
            "available count office vehicles and the vehicles of staff present. The "
            "manifests are for the security adviser only."
        ),
        Table(
            ("Point", "People listed", "Seats needed", "Seats available", "Short", "Manifest"),
            rows,
            (18, 48, 26, 22, 16, 40),
        ),
    ]
    blocks += _hibernation_blocks(plan)
    return Section("Who goes where: manifests and hibernation", tuple(blocks), level=2)


def _hibernation_blocks(plan: PlannedStation) -> list[Block]:
    sites = hibernation_sites(plan)
    amounts = supply_amounts(plan.station.config.extra.get("evacuation", {}))
    if sites.empty:
        return ["The station has no hibernation site (points of kind hibernation)."]
    days = int(sites["days"].iloc[0])
    rows = [
        (
            f"{site.point_id}\n{site.name}",
            f"{site.households:,}",
            f"{site.people:,}"
            + (f" of {site.capacity:,.0f}" if pd.notna(site.capacity) else " (no capacity)")
            + (f"\n{site.over:,.0f} over" if site.over else ""),
            "\n".join(
                f"{item.label}: {getattr(site, key):,.0f} {item.unit}"
                for key, item in amounts.items()
            ),
        )
        for site in sites.itertuples(index=False)
    ]
    sources = [
        (item.label, f"{item.amount:g} {item.unit}", item.source) for item in amounts.values()
    ]
    return [
        (
            f"Hibernation sites and the supplies to stock for {days} days "
            "(days x people x amount per person per day):"
        ),
        Table(("Site", "Households", "People", "Supplies to stock"), rows, (34, 20, 26, 90)),
        Table(("Item", "Per person per day", "Source"), sources, (50, 30, 90)),
    ]
