"""What "trained", "briefed" and "visits current" mean: one definition for every caller.

Appointment (``zones.appoint``: ``prefer_training``), the MOSS training rules
(``planner.moss``: check kind ``training``, ``require = ["training"]``) and the warden
readiness flags (``zones.readiness``) all call these functions, so a warden the plan calls
untrained is the one the MOSS report flags.

- **Trained**: a basic security training (BSAFE, recorded in ``bsafe_date``) completed within
  ``max_age_days`` of the plan date (``[appointments] training_max_age_days``, default
  1095: the three years a BSAFE certificate is valid). Every personnel member must complete
  the basic security awareness training (A/57/365, paragraph 32; UNSMS framework, annex
  P.9-10). Field training (SSAFE) is a separate MOSS rule (TRN-03), not part of this.
- **Briefed**: a security briefing recorded (``briefed_date``), as personnel sign that they
  have been briefed (UNSMS framework, annex P.3; A/57/365, paragraph 33).
- **Warden-trained**: a warden training (``warden_training_date``) within the same age limit
  (A/57/365, paragraph 31: wardens are trained in how to carry out their functions).
- **Visits current**: the last household visit (``last_visit_date``) within
  ``visit_max_age_days`` (wardens visit every family of their zone: UNSMS framework, annex
  O.5; the interval is the station's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

TRAINING_MAX_AGE_DAYS = 1095
VISIT_MAX_AGE_DAYS = 180


def recent(value: object, as_of: dt.date, max_age_days: int) -> bool:
    """Return whether ``value`` is a date no older than ``max_age_days`` on ``as_of``.

    Parameters
    ----------
    value
        A cell of a date column (a ``datetime.date``, or anything else for "missing").
    as_of
        The plan date.
    max_age_days
        The age limit in days.

    Returns
    -------
    bool
        True for a date from ``as_of - max_age_days`` onwards.
    """
    return isinstance(value, dt.date) and (as_of - value).days <= max_age_days


def is_trained(person: Mapping[str, Any], as_of: dt.date, max_age_days: int) -> bool:
    """Return whether a person holds current basic security training (BSAFE).

    Parameters
    ----------
    person
        The roster fields of one staff member (``bsafe_date``).
    as_of
        The plan date.
    max_age_days
        ``[appointments] training_max_age_days``.

    Returns
    -------
    bool
        True when ``bsafe_date`` is no older than ``max_age_days``.
    """
    return recent(person.get("bsafe_date"), as_of, max_age_days)


def is_briefed(person: Mapping[str, Any]) -> bool:
    """Return whether a person's security briefing is recorded (``briefed_date``).

    Parameters
    ----------
    person
        The roster fields of one staff member.

    Returns
    -------
    bool
        True when ``briefed_date`` holds a date.
    """
    return isinstance(person.get("briefed_date"), dt.date)


def trained_column(frame: pd.DataFrame, as_of: dt.date, max_age_days: int) -> list[bool]:
    """Return :func:`is_trained` for every row of a staff table.

    Parameters
    ----------
    frame
        Staff rows (``bsafe_date`` may be absent: nobody is trained).
    as_of
        The plan date.
    max_age_days
        ``[appointments] training_max_age_days``.

    Returns
    -------
    list of bool
        One value per row, in order.
    """
    dates = frame["bsafe_date"] if "bsafe_date" in frame.columns else [None] * len(frame)
    return [is_trained({"bsafe_date": d}, as_of, max_age_days) for d in dates]
