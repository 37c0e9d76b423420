"""The roll call: who is accounted for, from the wardens' reports and the person register.

Reports are merged in time order and the latest report per person wins. A report on a
household (``household_id`` alone) covers every member (staff and dependants) unless a
member has a report of their own at the same minute or later. Two reports on the same
person (or household) at the same minute that disagree are named, and the more urgent
status is kept (needs help over missing over unknown over safe): a call for help is
never hidden. A person nobody reported on is ``unaccounted``, or ``away`` when on leave
or on mission on the plan date. Safe and needs help are accounted for; missing, unknown
and unaccounted are not.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from stations.errors import Issue
from stations.records import did_you_mean
from stations.reports import ACCOUNTED, STATUSES
from stations.schema import AWAY, SOURCE_FILE, SOURCE_ROW

logger = logging.getLogger(__name__)

UNACCOUNTED, AWAY_STATUS = "unaccounted", "away"
ALL_STATUSES = (*STATUSES, UNACCOUNTED, AWAY_STATUS)
MUSTER_COLUMNS = ("person_id", "kind", "name", "zone_id", "status", "reported_at", "reporter")
HINTED_IDS = 20  # unknown ids get a "did you mean" (each costs a search of the register)
_OWN, _HOUSEHOLD = 1, 0  # a person's own report wins over their household's at the same time


@dataclass(frozen=True)
class RollCall:
    """The roll call's result.

    Attributes
    ----------
    people
        The register with ``status``, ``reported_at`` (text, ``""`` without a report),
        ``reporter``, ``location`` and ``source`` (file and row of the report kept).
    issues
        The reports named: unknown ids, contradictions, another zone's warden.
    """

    people: pd.DataFrame
    issues: tuple[Issue, ...]

    @property
    def present(self) -> pd.DataFrame:
        """Return the people who must be accounted for (all but those away)."""
        return self.people[self.people["status"] != AWAY_STATUS]

    @property
    def all_accounted(self) -> bool:
        """Return whether everyone present is safe or needs help (and so accounted for)."""
        return bool(self.present["status"].isin(ACCOUNTED).all())

    def counts(self, by: str) -> pd.DataFrame:
        """Return the people per status for each value of ``by`` (zone_id, area_id, agency).

        Returns
        -------
        pandas.DataFrame
            ``by``, ``people`` (present), ``accounted``, one column per status
            (``ALL_STATUSES``), ordered by ``by``; and a last row ``all``.
        """
        table = pd.crosstab(self.people[by], self.people["status"])
        table = table.reindex(columns=list(ALL_STATUSES), fill_value=0)
        table.loc["all"] = table.sum()
        table.insert(0, "accounted", table[list(ACCOUNTED)].sum(axis=1))
        table.insert(0, "people", table.drop(columns=["accounted", AWAY_STATUS]).sum(axis=1))
        return table.rename_axis(by).reset_index()

    def table(self) -> pd.DataFrame:
        """Return ``muster.csv``: one row per person (``MUSTER_COLUMNS``)."""
        return self.people.loc[:, list(MUSTER_COLUMNS)]


def roll_call(register: pd.DataFrame, reports: pd.DataFrame) -> RollCall:
    """Return each person's status from the reports.

    Parameters
    ----------
    register
        The plan's person register (`stations.reports.read_register`).
    reports
        The reports of every file (`stations.reports.read_reports`), concatenated.

    Returns
    -------
    RollCall
        Every person of the register with a status, and the reports' issues.
    """
    issues: list[Issue] = []
    reports = _known(reports, register, issues)
    issues += _contradictions(reports)
    issues += _other_zone(reports, register)
    per_person = _per_person(reports, register)
    latest = _latest(per_person)
    people = register.merge(latest, on="person_id", how="left")
    away = people["presence"].isin(AWAY).to_numpy()
    reported = people["status"].notna().to_numpy()
    people["status"] = np.where(
        reported, people["status"], np.where(away, AWAY_STATUS, UNACCOUNTED)
    )
    people = people.astype(object).fillna("")
    result = RollCall(people, tuple(issues))
    present = result.present
    logger.info(
        "roll call: %d of %d present accounted for, %d need help",
        present["status"].isin(ACCOUNTED).sum(),
        len(present),
        (present["status"] == "needs help").sum(),
    )
    return result


def _known(reports: pd.DataFrame, register: pd.DataFrame, issues: list[Issue]) -> pd.DataFrame:
    """Return the reports about known people or households; name the others."""
    people = set(register["person_id"])
    households = set(register.loc[register["household_id"] != "", "household_id"])
    is_household = (reports["target_kind"] == "household").to_numpy()
    known = np.where(
        is_household,
        reports["target"].isin(households).to_numpy(),
        reports["target"].isin(people).to_numpy(),
    )
    for number, row in enumerate(reports[~known].itertuples(index=False)):
        ids = households if row.target_kind == "household" else people
        what = "household" if row.target_kind == "household" else "person"
        hint = did_you_mean(str(row.target), ids) if number < HINTED_IDS else ""
        message = f"unknown {what} {row.target!r}: not in the plan's register{hint}; skipped"
        issues.append(
            Issue(
                "error",
                str(getattr(row, SOURCE_FILE)),
                message,
                row=int(getattr(row, SOURCE_ROW)),
                column=str(row.id_column),
                code="unknown_id",
                value=str(row.target),
            )
        )
    return reports[known]


def _contradictions(reports: pd.DataFrame) -> list[Issue]:
    """Name reports on the same person or household at the same minute that disagree."""
    frame = reports.assign(minute=reports["reported_at"].dt.floor("min"))
    keys = ["target_kind", "target", "minute"]
    statuses = frame.groupby(keys, sort=False)["status"].transform("nunique")
    issues = []
    for _key, group in frame[statuses > 1].groupby(keys, sort=True):
        kept = max(group["status"], key=STATUSES.index)
        said = "; ".join(
            f"{s!r} ({f}, row {r})"
            for s, f, r in zip(group["status"], group[SOURCE_FILE], group[SOURCE_ROW], strict=True)
        )
        last = group.iloc[-1]
        issues.append(
            Issue(
                "warning",
                str(last[SOURCE_FILE]),
                f"{last['target_kind']} {last['target']!r} has contradictory statuses at "
                f"{last['minute']:%Y-%m-%d %H:%M}: {said}; the most urgent, {kept!r}, is kept",
                row=int(last[SOURCE_ROW]),
                column="status",
                code="contradiction",
            )
        )
    return issues


def _other_zone(reports: pd.DataFrame, register: pd.DataFrame) -> list[Issue]:
    """Name reports by a zone's warden or deputy on a person of another zone."""
    zones = register.drop_duplicates("zone_id")
    keepers: dict[str, set[str]] = {}
    for zone_id, warden, deputy in zip(
        zones["zone_id"], zones["warden_id"], zones["deputy_id"], strict=True
    ):
        for staff_id in (warden, deputy):
            if staff_id:
                keepers.setdefault(staff_id, set()).add(zone_id)
    person_zone = pd.Series(register["zone_id"].to_numpy(), index=register["person_id"])
    households = register.drop_duplicates("household_id", keep="last")
    household_zone = households.set_index("household_id")["zone_id"]
    suspect = reports[reports["reporter"].isin(keepers)]
    if suspect.empty:
        return []
    is_household = (suspect["target_kind"] == "household").to_numpy()
    zone_of = np.where(
        is_household,
        suspect["target"].map(household_zone).to_numpy(dtype=object),
        suspect["target"].map(person_zone).to_numpy(dtype=object),
    )
    zone_of = np.where(pd.isna(zone_of), "", zone_of)
    kept = pd.MultiIndex.from_tuples(
        [(staff_id, zone) for staff_id, zones_kept in keepers.items() for zone in zones_kept]
    )
    pairs = pd.MultiIndex.from_arrays([suspect["reporter"].to_numpy(), zone_of])
    strays = np.flatnonzero(~pairs.isin(kept))
    issues = []
    for i in strays:
        row = suspect.iloc[i]
        own = ", ".join(sorted(keepers[row["reporter"]]))
        issues.append(
            Issue(
                "warning",
                str(row[SOURCE_FILE]),
                f"reporter {row['reporter']!r} keeps zone {own} but {row['target']!r} is in "
                f"zone {zone_of[i] or 'none'}: check the id; the report counts",
                row=int(row[SOURCE_ROW]),
                column="reporter",
                code="other_zone",
            )
        )
    return issues


def _per_person(reports: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Return one row per person and report: a household's report for each member."""
    own = reports[reports["target_kind"] == "person"].assign(person_id=lambda f: f["target"])
    household = reports[reports["target_kind"] == "household"]
    members = register.loc[register["household_id"] != "", ["household_id", "person_id"]]
    covered = household.merge(members, left_on="target", right_on="household_id")
    return pd.concat(
        [
            own.assign(priority=_OWN),
            covered.drop(columns="household_id").assign(priority=_HOUSEHOLD),
        ],
        ignore_index=True,
    )


def _latest(per_person: pd.DataFrame) -> pd.DataFrame:
    """Return each person's report that wins: the latest minute, own, most urgent."""
    frame = per_person.assign(
        minute=per_person["reported_at"].dt.floor("min"),
        urgency=per_person["status"].map({status: STATUSES.index(status) for status in STATUSES}),
    )
    frame = frame.sort_values(["person_id", "minute", "priority", "urgency", "reported_at"])
    latest = frame.drop_duplicates("person_id", keep="last")
    return pd.DataFrame(
        {
            "person_id": latest["person_id"].to_numpy(),
            "status": latest["status"].to_numpy(),
            "reported_at": _minutes_text(latest["reported_at"]),
            "reporter": latest["reporter"].to_numpy(),
            "location": latest["location"].to_numpy(),
            "source": (
                latest[SOURCE_FILE].astype(str) + ", row " + latest[SOURCE_ROW].astype(str)
            ).to_numpy(),
        }
    )


def _minutes_text(times: pd.Series) -> np.ndarray:
    """Return each time as ``YYYY-MM-DD HH:MM``, formatted once per distinct time."""
    distinct = times.drop_duplicates()
    text = dict(zip(distinct, distinct.dt.strftime("%Y-%m-%d %H:%M"), strict=True))
    return times.map(text).to_numpy(dtype=object)
