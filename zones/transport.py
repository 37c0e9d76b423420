"""Transport: the seats the move needs from each concentration point, and the seats there are.

The people are those of the manifests (``zones.manifests.manifest_people``): staff,
dependants and the visitors present on the plan date. People who move (evacuated or
relocated, ``zones.evacuation.movement_for``; visitors as international staff) need a seat
from their concentration point to its departure point; people who hibernate do not. A staff
member away on the plan date (on leave, on mission) needs no seat, their dependants do.
This is the one computation of seats: the plan's flags, MOSS and the security plan use it.
Seats come from office vehicles (the offices' optional ``seats``, the total seats of their
vehicles; an office's seats count at the concentration point most of its staff use) and
from staff vehicles (a staff member with a ``vehicle``: its ``vehicle_seats``, or the
station's ``[evacuation] staff_vehicle_seats``, 4 by default; an away staff member's
vehicle has no driver and does not count). No file I/O.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from zones.manifests import AWAY, manifest_people
from zones.plan import PlannedStation

__all__ = [
    "DEFAULT_STAFF_VEHICLE_SEATS",
    "TRANSPORT_COLUMNS",
    "apply_transport",
    "plan_transport",
    "seat_flags",
]

logger = logging.getLogger(__name__)

DEFAULT_STAFF_VEHICLE_SEATS = 4
ALL_MOVEMENTS = "all"
TRANSPORT_COLUMNS = (
    "concentration_id",
    "movement",  # "all" for the concentration point's row, else "evacuate" or "relocate"
    "departure_id",  # None on the concentration point's row, or without a departure point
    "people",  # staff, dependants and visitors moving
    "away",  # staff away on the plan date (no seat needed)
    "seats_needed",
    "office_seats",
    "staff_vehicle_seats",
    "seats_available",
    "shortfall",  # seats_needed - seats_available, 0 when enough
)
MOVING = ("evacuate", "relocate")


def plan_transport(planned: PlannedStation) -> pd.DataFrame:
    """Return the seats needed and available per concentration point and per departure.

    Parameters
    ----------
    planned
        A planned station with its evacuation (zones with ``concentration_id``, the
        departures).

    Returns
    -------
    pandas.DataFrame
        ``TRANSPORT_COLUMNS``: per concentration point in use a row with movement
        ``"all"``, then one row per departure; office seats go first to the departure
        short of most seats after its own staff vehicles.
    """
    station = planned.station
    table = station.config.extra.get("evacuation", {})
    people = _people(planned, table)
    offices = _office_seats(planned, people)
    rows: list[dict[str, object]] = []
    departures = planned.departures.set_index(["concentration_id", "movement"])
    for concentration_id, group in people.groupby("concentration_id", sort=True):
        moving = group[group["movement"].isin(MOVING)]
        office = int(offices.get(concentration_id, 0))
        rows.append(_row(concentration_id, ALL_MOVEMENTS, None, moving, office))
        per_movement = [
            (movement, moving[moving["movement"] == movement])
            for movement in MOVING
            if (moving["movement"] == movement).any()
        ]
        short = {m: _need(g) - int(g["vehicle_seats"].sum()) for m, g in per_movement}
        left = office
        for movement, _ in sorted(per_movement, key=lambda p: (-short[p[0]], p[0])):
            share = min(left, max(short[movement], 0))
            left -= share
            departure = departures["departure_id"].get((concentration_id, movement))
            rows.append(
                _row(concentration_id, movement, departure, dict(per_movement)[movement], share)
            )
    frame = pd.DataFrame(rows, columns=list(TRANSPORT_COLUMNS))
    order = {ALL_MOVEMENTS: 0, "evacuate": 1, "relocate": 2}
    frame = frame.sort_values(
        ["concentration_id", "movement"], key=lambda s: s.map(order) if s.name == "movement" else s
    ).reset_index(drop=True)
    logger.info(
        "transport: %d concentration point(s), %d seat(s) short",
        int((frame["movement"] == ALL_MOVEMENTS).sum()),
        int(frame.loc[frame["movement"] == ALL_MOVEMENTS, "shortfall"].sum()),
    )
    return frame.astype(object).where(frame.notna(), None)


def _need(group: pd.DataFrame) -> int:
    return int(group["people"].sum() - group["away"].sum())


def _row(
    concentration_id: object,
    movement: str,
    departure_id: object,
    group: pd.DataFrame,
    office_seats: int,
) -> dict[str, object]:
    people, away = int(group["people"].sum()), int(group["away"].sum())
    vehicles = int(group["vehicle_seats"].sum())
    available = office_seats + vehicles
    return {
        "concentration_id": str(concentration_id),
        "movement": movement,
        "departure_id": None if departure_id is None or pd.isna(departure_id) else departure_id,
        "people": people,
        "away": away,
        "seats_needed": people - away,
        "office_seats": office_seats,
        "staff_vehicle_seats": vehicles,
        "seats_available": available,
        "shortfall": max(people - away - available, 0),
    }


def _people(planned: PlannedStation, table: Mapping[str, object]) -> pd.DataFrame:
    """Return one row per person of the manifests: point, movement, away, vehicle seats."""
    people = manifest_people(planned)
    staff = planned.staff.assign(staff_id=planned.staff["staff_id"].astype(str)).set_index(
        "staff_id"
    )
    default_seats = int(str(table.get("staff_vehicle_seats", DEFAULT_STAFF_VEHICLE_SEATS)))
    staff_ids = people["staff_id"]
    is_away = people["status"].eq(AWAY).to_numpy()
    drives = (people["vehicle"].fillna("").astype(str).str.strip() != "").to_numpy() & ~is_away
    seats = (
        pd.to_numeric(staff_ids.map(staff["vehicle_seats"]), errors="coerce")
        if "vehicle_seats" in staff.columns
        else pd.Series(np.nan, index=people.index)
    )
    office = staff_ids.map(staff["office_id"]) if "office_id" in staff.columns else None
    return pd.DataFrame(
        {
            "person_id": people["person_id"].to_numpy(),
            "office_id": office.to_numpy() if office is not None else None,
            "concentration_id": people["concentration_id"].to_numpy(),
            "movement": people["movement"].to_numpy(),
            "people": 1,
            "away": is_away.astype(int),
            "vehicle_seats": np.where(drives, seats.fillna(default_seats).to_numpy(), 0).astype(
                int
            ),
        }
    )


def _office_seats(planned: PlannedStation, people: pd.DataFrame) -> pd.Series:
    """Return office seats per concentration point: each office's where most of its staff go."""
    offices = planned.station.accepted_offices
    if "seats" not in offices.columns or people.empty:
        return pd.Series(dtype=int)
    seats = pd.to_numeric(offices["seats"], errors="coerce").fillna(0).astype(int)
    counts = (
        people.dropna(subset=["office_id"])
        .groupby(["office_id", "concentration_id"])
        .size()
        .reset_index(name="n")
        .sort_values(["office_id", "n", "concentration_id"], ascending=[True, False, True])
        .drop_duplicates("office_id")
        .set_index("office_id")["concentration_id"]
    )
    where = offices["office_id"].map(counts)
    frame = pd.DataFrame({"concentration_id": where.to_numpy(), "seats": seats.to_numpy()})
    return frame.dropna().groupby("concentration_id")["seats"].sum()


def _leg(movement: str, departure_id: object) -> str:
    if movement == ALL_MOVEMENTS:
        return ""
    return f", {movement} to {departure_id or 'no departure point'}"


def seat_flags(transport: pd.DataFrame) -> pd.DataFrame:
    """Return a plan flag for every concentration point short of seats.

    ``transport.csv`` has the shortfall of each departure as well.

    Parameters
    ----------
    transport
        The frame :func:`plan_transport` returns.

    Returns
    -------
    pandas.DataFrame
        ``zone_id, area_id, code, severity, message`` (code ``seat_shortfall``).
    """
    short = transport[
        (pd.to_numeric(transport["shortfall"]) > 0) & (transport["movement"] == ALL_MOVEMENTS)
    ]
    messages = [
        (
            f"concentration point {row.concentration_id}"
            + _leg(str(row.movement), row.departure_id)
            + f": {row.seats_needed:,} seat(s) needed, {row.seats_available:,} available "
            f"({row.office_seats:,} in office vehicles, {row.staff_vehicle_seats:,} in staff "
            f"vehicles): {row.shortfall:,} short"
        )
        for row in short.itertuples(index=False)
    ]
    return pd.DataFrame(
        {
            "zone_id": [None] * len(messages),
            "area_id": [None] * len(messages),
            "code": "seat_shortfall",
            "severity": "major",
            "message": messages,
        },
        columns=["zone_id", "area_id", "code", "severity", "message"],
    )


def apply_transport(planned: PlannedStation) -> PlannedStation:
    """Return the planned station with its transport table and seat shortfall flags.

    Parameters
    ----------
    planned
        A planned station with its evacuation decided (``zones.evacuation``).

    Returns
    -------
    PlannedStation
        The same plan with ``transport`` (``TRANSPORT_COLUMNS``) and a ``seat_shortfall``
        flag per concentration point short of seats.
    """
    transport = plan_transport(planned)
    flags = seat_flags(transport).reindex(columns=planned.flags.columns)
    merged = pd.concat([planned.flags, flags], ignore_index=True) if len(flags) else planned.flags
    return dataclasses.replace(planned, transport=transport, flags=merged)
