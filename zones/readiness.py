"""Warden readiness: flag wardens and deputies untrained, unbriefed or with visits overdue.

The definitions are :mod:`zones.training`'s, so a warden flagged here is one the MOSS
training rules fail too. Warden training (``warden_training_date``) and household visits
(``last_visit_date``) are checked only when the roster has those columns: a roster that
does not record them says nothing either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from zones.appoint import AppointmentRules
from zones.training import is_briefed, is_trained, recent

READY_ROLES = ("warden", "deputy")
FLAG_COLUMNS = ("zone_id", "staff_id", "role", "code", "severity", "message")
# How a warden list marks each gap beside the warden's or deputy's name.
MARKS = {
    "warden_untrained": "untrained",
    "warden_unbriefed": "not briefed",
    "warden_visits_overdue": "visits overdue",
}


def readiness_flags(
    appointments: pd.DataFrame, staff: pd.DataFrame, rules: AppointmentRules, *, as_of: dt.date
) -> pd.DataFrame:
    """Return one flag per warden or deputy and readiness gap.

    Codes: ``warden_untrained`` (no current security training, or, where the roster records
    it, no warden training within ``training_max_age_days``), ``warden_unbriefed`` (no
    ``briefed_date``) and ``warden_visits_overdue`` (where the roster records it, no
    household visit within ``visit_max_age_days``).

    Parameters
    ----------
    appointments
        ``zone_id, role, staff_id`` of the plan.
    staff
        The accepted staff with their roster fields.
    rules
        ``[appointments]``: ``training_max_age_days`` and ``visit_max_age_days``.
    as_of
        The plan date.

    Returns
    -------
    pandas.DataFrame
        ``zone_id, staff_id, role, code, severity, message``, in appointment order.
    """
    people = staff.set_index("staff_id", drop=False)
    chosen = appointments[appointments["role"].isin(READY_ROLES)]
    flags = []
    for zone_id, role, staff_id in zip(
        chosen["zone_id"], chosen["role"], chosen["staff_id"], strict=True
    ):
        person = people.loc[staff_id].to_dict()
        for code, severity, gap in _gaps(person, staff.columns, rules, as_of):
            flags.append(
                {
                    "zone_id": zone_id,
                    "staff_id": staff_id,
                    "role": role,
                    "code": code,
                    "severity": severity,
                    "message": f"{role} {staff_id} {gap}",
                }
            )
    return pd.DataFrame(flags, columns=list(FLAG_COLUMNS))


def _gaps(
    person: Mapping[str, Any], columns: pd.Index, rules: AppointmentRules, as_of: dt.date
) -> list[tuple[str, str, str]]:
    """Return ``(code, severity, what is missing)`` for one warden or deputy."""
    limit = rules.training_max_age_days
    missing = []
    if not is_trained(person, as_of, limit):
        missing.append(f"no basic security training (BSAFE) within {limit} days")
    warden_training = person.get("warden_training_date")
    if "warden_training_date" in columns and not recent(warden_training, as_of, limit):
        missing.append(f"no warden training within {limit} days")
    gaps = []
    if missing:
        gaps.append(("warden_untrained", "major", "has " + " and ".join(missing)))
    if not is_briefed(person):
        gaps.append(("warden_unbriefed", "minor", "has no security briefing recorded"))
    visit, days = person.get("last_visit_date"), rules.visit_max_age_days
    if "last_visit_date" in columns and not recent(visit, as_of, days):
        when = f"last on {visit.isoformat()}" if isinstance(visit, dt.date) else "none recorded"
        gaps.append(
            ("warden_visits_overdue", "minor", f"has visited no household in {days} days ({when})")
        )
    return gaps


def readiness_marks(flags: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """Return the readiness gaps of each zone's warden and deputy, as words for a list.

    Parameters
    ----------
    flags
        The plan's flags (``zone_id, code, message``); readiness messages start with the
        role, as :func:`readiness_flags` writes them.

    Returns
    -------
    dict
        ``(zone_id, role) -> ["untrained", "visits overdue"]``, in flag order.
    """
    marks: dict[tuple[str, str], list[str]] = {}
    ready = flags[flags["code"].isin(list(MARKS))]
    for zone_id, code, message in zip(
        ready["zone_id"], ready["code"], ready["message"], strict=True
    ):
        role = str(message).split(" ", 1)[0]
        marks.setdefault((str(zone_id), role), []).append(MARKS[code])
    return marks
