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
from stations.reports import ACCOUNTED, STATUSES
from stations.schema import AWAY, SOURCE_FILE, SOURCE_ROW

logger = logging.getLogger(__name__)

UNACCOUNTED, AWAY_STATUS = "unaccounted", "away"
ALL_STATUSES = (*STATUSES, UNACCOUNTED, AWAY_STATUS)
MUSTER_COLUMNS = ("person_id", "kind", "name", "zone_id", "status", "reported_at", "reporter")
HINTED_IDS = 20  # unknown ids get a "did you mean" (each costs a search of the register)
_URGENCY = {status: STATUSES.index(status) for status in STATUSES}


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
        status = self.people["status"]
        return bool((status.isin(ACCOUNTED) | (status == AWAY_STATUS)).all())

    def counts(self, by: str) -> pd.DataFrame:
        """Return the people per status for each value of ``by`` (zone_id, area_id, agency).

        Returns
        -------
        pandas.DataFrame
            ``by``, ``people`` (present), ``accounted``, one column per status
            (``ALL_STATUSES``), ordered by ``by``; and a last row ``all``.
        """
        groups, names = pd.factorize(self.people[by].to_numpy(dtype=object), sort=True)
        statuses = pd.Index(ALL_STATUSES, dtype=object).get_indexer(
            self.people["status"].to_numpy(dtype=object)
        )
        cells = np.bincount(
            groups * len(ALL_STATUSES) + statuses, minlength=len(names) * len(ALL_STATUSES)
        )
        table = pd.DataFrame(
            cells.reshape(len(names), len(ALL_STATUSES)),
            index=pd.Index(names, dtype=object, name=by),
            columns=pd.Index(ALL_STATUSES, name="status"),
        )
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
        The plan's person register (`stations.reports.read_register`): text, one row
        per ``person_id``.
    reports
        The reports of every file (`stations.reports.read_reports`), concatenated.

    Returns
    -------
    RollCall
        Every person of the register with a status, and the reports' issues.
    """
    issues: list[Issue] = []
    register = register.reset_index(drop=True)
    index = _RegisterIndex(register)
    reports, household, found = _known(reports, index, issues)
    issues += _contradictions(reports, household, found, index)
    issues += _other_zone(reports, household, found, index, register)
    person, row = _per_person(household, found, index)
    won = _latest(reports, ~household, person, row)
    people = register.astype(object)
    reported, kept = person[won], row[won]
    status = np.where(people["presence"].isin(AWAY), AWAY_STATUS, UNACCOUNTED).astype(object)
    status[reported] = reports["status"].to_numpy(dtype=object)[kept]
    people["status"] = pd.Series(status, index=people.index, dtype=object)
    texts = {
        "reported_at": _minutes_text(reports["reported_at"]),
        "reporter": reports["reporter"].to_numpy(dtype=object),
        "location": reports["location"].to_numpy(dtype=object),
        "source": _sources(reports),
    }
    for name, values in texts.items():
        column = np.full(len(people), "", dtype=object)
        column[reported] = values[kept]
        people[name] = pd.Series(column, index=people.index, dtype=object)
    status = people["status"]
    logger.info(
        "roll call: %d of %d present accounted for, %d need help",
        status.isin(ACCOUNTED).sum(),
        (status != AWAY_STATUS).sum(),
        (status == "needs help").sum(),
    )
    return RollCall(people, tuple(issues))


class _RegisterIndex:
    """Where each person and household of the register is, for look-ups of whole columns.

    Attributes
    ----------
    people
        The ``person_id`` of each register row (unique), to find a person's row.
    households
        Each ``household_id`` but ``""``, in order of appearance, to find its code.
    members
        The register rows of the household members, by household code and then row.
    bounds
        Household ``h``'s members are ``members[bounds[h]:bounds[h + 1]]``.
    """

    def __init__(self, register: pd.DataFrame) -> None:
        self.people = pd.Index(register["person_id"].to_numpy(dtype=object), dtype=object)
        households = register["household_id"].to_numpy(dtype=object)
        named = pd.unique(households)
        self.households = pd.Index(named[named != ""], dtype=object)
        codes = self.households.get_indexer(households)  # -1 for people without household
        self.members = np.argsort(codes, kind="stable")
        self.bounds = np.searchsorted(codes[self.members], np.arange(len(self.households) + 1))


def _known(
    reports: pd.DataFrame, index: _RegisterIndex, issues: list[Issue]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Return the reports about known people or households; name the others.

    Returns
    -------
    tuple
        The reports kept (index reset); whether each is on a household; and the register
        row of its person or the code of its household (`_RegisterIndex`).
    """
    targets = reports["target"].to_numpy(dtype=object)
    household = (reports["target_kind"] == "household").to_numpy()
    found = np.empty(len(reports), dtype=np.int64)
    found[household] = index.households.get_indexer(targets[household])
    found[~household] = index.people.get_indexer(targets[~household])
    known = found >= 0
    if not known.all():
        issues += _unknown(reports[~known], index)
    return reports[known].reset_index(drop=True), household[known], found[known]


def _unknown(reports: pd.DataFrame, index: _RegisterIndex) -> list[Issue]:
    """Name each report on a person or household the register does not have."""
    from stations.records import did_you_mean  # the station readers: long to import

    ids = {"household": set(index.households), "person": set(index.people)}
    issues = []
    for number, row in enumerate(reports.itertuples(index=False)):
        what = "household" if row.target_kind == "household" else "person"
        hint = did_you_mean(str(row.target), ids[what]) if number < HINTED_IDS else ""
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
    return issues


def _contradictions(
    reports: pd.DataFrame, household: np.ndarray, found: np.ndarray, index: _RegisterIndex
) -> list[Issue]:
    """Name reports on the same person or household at the same minute that disagree.

    Only the reports sharing their target and minute with another are compared.
    """
    targets = len(index.people) + len(index.households)
    minute = reports["reported_at"].to_numpy().astype("datetime64[m]").view(np.int64)
    key = minute * targets + np.where(household, len(index.people) + found, found)
    reports = reports[pd.Series(key).duplicated(keep=False).to_numpy()]
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


def _other_zone(
    reports: pd.DataFrame,
    household: np.ndarray,
    found: np.ndarray,
    index: _RegisterIndex,
    register: pd.DataFrame,
) -> list[Issue]:
    """Name reports by a zone's warden or deputy on a person of another zone.

    A household's zone is that of its last member in the register.
    """
    zones = register.drop_duplicates("zone_id")
    keepers: dict[str, set[str]] = {}
    for zone_id, warden, deputy in zip(
        zones["zone_id"], zones["warden_id"], zones["deputy_id"], strict=True
    ):
        for staff_id in (warden, deputy):
            if staff_id:
                keepers.setdefault(staff_id, set()).add(zone_id)
    rows = found.copy()
    rows[household] = index.members[index.bounds[found[household] + 1] - 1]
    zone_of = register["zone_id"].to_numpy(dtype=object)[rows]
    # Most keep one zone: only a report outside the first zone a reporter keeps is looked at.
    first = {staff_id: min(zones_kept) for staff_id, zones_kept in keepers.items()}
    reporters = reports["reporter"].to_numpy(dtype=object)
    elsewhere = pd.Series(reporters, dtype=object).map(first).to_numpy(dtype=object)
    maybe = np.flatnonzero(pd.notna(elsewhere) & (elsewhere != zone_of))
    strays = [i for i in maybe.tolist() if zone_of[i] not in keepers[reporters[i]]]
    issues = []
    for i in strays:
        row = reports.iloc[i]
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


def _per_person(
    household: np.ndarray, found: np.ndarray, index: _RegisterIndex
) -> tuple[np.ndarray, np.ndarray]:
    """Return one pair per person and report: a household's report for each member.

    Returns
    -------
    tuple of numpy.ndarray
        The register row of the person and the row of the report: first the people's
        own reports, then the households' reports member by member, in report order.
    """
    own, households = np.flatnonzero(~household), np.flatnonzero(household)
    first = index.bounds[found[households]]
    sizes = index.bounds[found[households] + 1] - first
    starts = np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
    members = index.members[starts + np.arange(sizes.sum())]
    return (
        np.concatenate([found[own], members]),
        np.concatenate([own, np.repeat(households, sizes)]),
    )


def _latest(
    reports: pd.DataFrame, own: np.ndarray, person: np.ndarray, row: np.ndarray
) -> np.ndarray:
    """Return which pair (`_per_person`) wins for each person reported on.

    The latest minute wins, then a person's own report over their household's, then
    the most urgent status, then the later time, then the later pair.
    """
    times = reports["reported_at"].to_numpy()[row]
    minute = times.astype("datetime64[m]").view(np.int64)
    exact = times.view(np.int64)
    urgency = reports["status"].map(_URGENCY).to_numpy(dtype=np.int64)[row]
    order = np.lexsort((np.arange(len(row)), exact, urgency, own[row], minute, person))
    ordered = person[order]
    last = np.ones(len(order), dtype=bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    return order[last]


def _sources(reports: pd.DataFrame) -> np.ndarray:
    """Return each report's file and row: ``FILE, row N``."""
    files = reports[SOURCE_FILE].astype(str).to_numpy(dtype=object)
    return files + ", row " + reports[SOURCE_ROW].astype(str).to_numpy(dtype=object)


def _minutes_text(times: pd.Series) -> np.ndarray:
    """Return each time as ``YYYY-MM-DD HH:MM``, formatted once per distinct time."""
    distinct = times.drop_duplicates()
    text = dict(zip(distinct, distinct.dt.strftime("%Y-%m-%d %H:%M"), strict=True))
    return times.map(text).to_numpy(dtype=object)
