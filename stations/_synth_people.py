# ruff: noqa: PLR2004 (synthetic data is made of realistic shares and ages)
"""Named dependants, visitors and staff away for a synthetic station (``planner synth --people``).

Everything is drawn from its own generator, so that a station written without these files
is byte for byte what it was before they existed. Dates are relative to the synthetic
reference date; the wordings vary as real files do (``Wife``, ``son``, ``Annual leave``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from stations._people import AGENCIES, NAME_POOLS, draw_names, draw_phones

# On a given day about one staff member in ten is away, and a few visit from elsewhere.
PRESENCE_SHARES = {"on leave": 0.08, "on mission": 0.05, "visiting": 0.015}
# Days a stay away lasts (low, high): leave, missions, visits from elsewhere.
PRESENCE_DAYS = {"on leave": (5, 60), "on mission": (3, 30), "visiting": (7, 90)}
PRESENCE_WORDINGS = {
    "on leave": ("on leave", "Annual leave", "Home leave", "R&R", "Sick leave"),
    "on mission": ("on mission", "Mission", "Official travel", "TDY"),
    "visiting": ("visiting", "Surge", "TDY in"),
}
SPOUSE_WORDINGS = ("Spouse", "spouse", "Wife", "Husband", "Partner")
CHILD_WORDINGS = ("Child", "child", "Son", "Daughter", "son", "daughter")
PARENT_WORDINGS = ("Parent", "Mother", "Father")
SPECIAL_NEEDS = ("wheelchair user", "insulin-dependent diabetes", "hearing impaired", "asthma")
NATIONALITIES = ("FR", "KE", "IN", "BR", "DE", "US", "GH", "PH", "JO", "CA", "SE", "NG", "PE")
VISITOR_COUNTRIES = ("CH", "US", "KE", "FR", "IT", "DK", "TH")
# Visitors over the six weeks around the reference date: one per this many staff.
STAFF_PER_VISITOR = 15
# Households whose file names one dependant fewer than the roster counts (a file lags).
LAGGING_SHARE = 0.02


def draw_presence(rng: np.random.Generator, n: int, reference: dt.date) -> pd.DataFrame:
    """Return ``status``, ``status_from`` and ``status_until`` cells for ``n`` staff rows.

    About 8 % are on leave, 5 % on mission and 1.5 % visiting (lengths in
    ``PRESENCE_DAYS``); seven stays in ten cover ``reference``, the others start within a
    month after it; one in ten leaves the end open.
    """
    states = np.full(n, "", dtype=object)
    lengths = np.zeros(n, dtype=int)
    draw = rng.random(n)
    low = 0.0
    for state, share in PRESENCE_SHARES.items():
        chosen = (draw >= low) & (draw < low + share)
        wordings = PRESENCE_WORDINGS[state]
        states[chosen] = [wordings[i] for i in rng.integers(0, len(wordings), chosen.sum())]
        shortest, longest = PRESENCE_DAYS[state]
        lengths[chosen] = rng.integers(shortest, longest + 1, chosen.sum())
        low += share
    # Seven stays in ten cover the reference date; the others start within a month after it.
    covering = rng.random(n) < 0.7
    starts = np.where(covering, -(rng.random(n) * lengths).astype(int), rng.integers(1, 31, n))
    open_end = rng.random(n) < 0.1
    away = states != ""
    status_from = [
        (reference + dt.timedelta(days=int(s))).isoformat() if a else ""
        for s, a in zip(starts, away, strict=True)
    ]
    status_until = [
        (reference + dt.timedelta(days=int(s + length))).isoformat() if a and not o else ""
        for s, length, a, o in zip(starts, lengths, away, open_end, strict=True)
    ]
    return pd.DataFrame(
        {"status": states, "status_from": status_from, "status_until": status_until}
    )


def draw_dependants(
    rng: np.random.Generator, staff: pd.DataFrame, country: str, reference: dt.date
) -> pd.DataFrame:
    """Return a dependants file naming the dependants the roster counts.

    The first dependant of a staff member is a spouse or partner three times in four, the
    others children (a parent now and then). A few households name one fewer than the
    roster counts, as a file that lags behind does; one row in ten names the household
    instead of the staff member, one in five gives an age band instead of a birth date.
    """
    counts = staff["dependants"].to_numpy(int)
    owners = np.repeat(np.arange(len(staff)), counts)
    order = np.concatenate([np.arange(c) for c in counts]) if len(counts) else np.zeros(0, int)
    lagging = rng.random(len(staff)) < LAGGING_SHARE
    keep = ~(lagging[owners] & (order == counts[owners] - 1))
    owners, order = owners[keep], order[keep]
    n = len(owners)
    picks = rng.random(n)
    spouse = (order == 0) & (rng.random(n) < 0.75)
    parent = ~spouse & (rng.random(n) < 0.05)
    relation = np.where(
        spouse,
        rng.choice(SPOUSE_WORDINGS, n),
        np.where(parent, rng.choice(PARENT_WORDINGS, n), rng.choice(CHILD_WORDINGS, n)),
    )
    ages = np.where(spouse, rng.integers(25, 62, n), rng.integers(0, 23, n))
    ages = np.where(parent, rng.integers(60, 92, n), ages)
    born = [
        reference - dt.timedelta(days=int(a * 365.25 + d))
        for a, d in zip(ages, rng.integers(0, 365, n), strict=True)
    ]
    by_band = rng.random(n) < 0.2
    staff_names = staff["name"].to_numpy()
    names = [_relative(staff_names[o], p) for o, p in zip(owners, picks, strict=True)]
    international = (staff["category"].to_numpy() == "international")[owners]
    nationality = np.where(international, rng.choice(NATIONALITIES, n), country)
    phones = draw_phones(rng, n, country)
    adult = ages >= 18
    by_household = rng.random(n) < 0.1
    return pd.DataFrame(
        {
            "dependant_id": [f"D{i + 1:05d}" for i in range(n)],
            "staff_id": np.where(by_household, "", staff["staff_id"].to_numpy()[owners]),
            "household_id": np.where(by_household, staff["household_id"].to_numpy()[owners], ""),
            "name": names,
            "relation": relation,
            "birth_date": ["" if b else d.isoformat() for b, d in zip(by_band, born, strict=True)],
            "age_band": [_band(int(a)) if b else "" for a, b in zip(ages, by_band, strict=True)],
            "nationality": nationality,
            "phone": np.where(adult & (rng.random(n) < 0.7), phones, ""),
            "special_needs": np.where(rng.random(n) < 0.03, rng.choice(SPECIAL_NEEDS, n), ""),
        }
    )


def draw_visitors(
    rng: np.random.Generator, staff: pd.DataFrame, hotels: list[str], reference: dt.date
) -> pd.DataFrame:
    """Return a visitors file: one visitor per ``STAFF_PER_VISITOR`` staff, at the hotels.

    Stays start up to three weeks either side of ``reference`` and last 2 to 21 days, so
    that on a day about one visitor per 55 staff is at the station (two or three at a
    station of 150 staff: missions, consultants, visitors from headquarters); the sponsor
    is a staff member of the visitor's agency.
    """
    n = max(1, len(staff) // STAFF_PER_VISITOR) if hotels else 0
    agency = rng.choice(AGENCIES, n)
    arrival = rng.integers(-21, 22, n)
    stay = rng.integers(2, 22, n)
    sponsors = []
    for name in agency:
        pool = staff.loc[staff["agency"] == name, "staff_id"].to_numpy()
        pool = pool if len(pool) else staff["staff_id"].to_numpy()
        sponsors.append(pool[rng.integers(0, len(pool))])
    phones = [draw_phones(rng, 1, c)[0] for c in rng.choice(VISITOR_COUNTRIES, n)]
    return pd.DataFrame(
        {
            "visitor_id": [f"V{i + 1:04d}" for i in range(n)],
            "name": draw_names(rng, n),
            "agency": agency,
            "point_id": rng.choice(hotels, n) if n else [],
            "arrival": [(reference + dt.timedelta(days=int(a))).isoformat() for a in arrival],
            "departure": [
                (reference + dt.timedelta(days=int(a + s))).isoformat()
                for a, s in zip(arrival, stay, strict=True)
            ],
            "phone": phones,
            "sponsor_staff_id": sponsors,
        }
    )


def _relative(staff_name: str, pick: float) -> str:
    """Return a given name of the staff member's own naming pool with their family name."""
    for _, family_first, firsts, lasts in NAME_POOLS:
        for last in lasts:
            if family_first and staff_name.startswith(last):
                return f"{last}{firsts[int(pick * len(firsts))]}"
            if not family_first and staff_name.endswith(f" {last}"):
                return f"{firsts[int(pick * len(firsts))]} {last}"
    return staff_name


def _band(age: int) -> str:
    return "under 5" if age < 5 else "5-17" if age < 18 else "18-64" if age < 65 else "65+"
