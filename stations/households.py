"""Group accepted staff into households.

Staff sharing a ``household_id`` form one household. Staff without one join
the household of anyone living within 5 m of them (the same building entrance);
staff without one and with nobody near form a household of their own. The
household's location is the mean of its members' homes; its headcount is its
staff plus their dependants.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from stations.errors import Issue
from stations.schema import (
    DEPENDANTS,
    HEADCOUNT,
    HOUSEHOLD_ID,
    HOUSEHOLD_RADIUS_M,
    SOURCE_FILE,
    SOURCE_ROW,
    STAFF_COUNT,
    STAFF_ID,
)

logger = logging.getLogger(__name__)

SPREAD_WARNING_M = 100.0


def group_households(
    staff: gpd.GeoDataFrame, crs: CRS
) -> tuple[pd.Series, gpd.GeoDataFrame, list[Issue]]:
    """Assign a household to every accepted staff member and summarise households.

    Parameters
    ----------
    staff
        Accepted staff in ``crs`` with ``staff_id``, ``dependants`` and an
        optional ``household_id``.
    crs
        The station's projected CRS, in which the 5 m rule is measured.

    Returns
    -------
    household_ids
        The household of each staff row (same index as ``staff``).
    households
        One row per household, in ``crs``: ``household_id``, ``staff_count``,
        ``dependants``, ``headcount``, ``staff_ids`` and a point geometry,
        sorted by ``household_id``.
    issues
        Warnings about households whose members live far apart.
    """
    if staff.empty:
        empty = gpd.GeoDataFrame(
            {HOUSEHOLD_ID: [], STAFF_COUNT: [], DEPENDANTS: [], HEADCOUNT: [], "staff_ids": []},
            geometry=gpd.GeoSeries([], crs=crs),
        )
        return pd.Series([], dtype=object), empty, []
    xy = np.column_stack([staff.geometry.x.to_numpy(), staff.geometry.y.to_numpy()])
    given = (
        staff[HOUSEHOLD_ID] if HOUSEHOLD_ID in staff.columns else pd.Series(None, index=staff.index)
    )
    labels = _components(xy, given.to_numpy(object))
    ids = _household_names(labels, given.to_numpy(object), staff[STAFF_ID].to_numpy(object))
    household_ids = pd.Series(ids, index=staff.index, name=HOUSEHOLD_ID)
    households, issues = _summarise(staff, household_ids, xy, crs)
    return household_ids, households, issues


def _components(xy: np.ndarray, given: np.ndarray) -> np.ndarray:
    """Label staff so that shared ids and unlabelled neighbours within 5 m connect."""
    n = len(xy)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    codes, _ = pd.factorize(pd.Series(given), use_na_sentinel=True)
    has_id = codes >= 0
    # Members of the same given household: chain them.
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    same = (sorted_codes[1:] == sorted_codes[:-1]) & (sorted_codes[1:] >= 0)
    rows.append(order[1:][same])
    cols.append(order[:-1][same])
    # Staff without an id join anyone within the radius.
    tree = cKDTree(xy)
    pairs = tree.query_pairs(HOUSEHOLD_RADIUS_M, output_type="ndarray")
    if len(pairs):
        free = ~has_id[pairs[:, 0]] | ~has_id[pairs[:, 1]]
        rows.append(pairs[free, 0])
        cols.append(pairs[free, 1])
    i = np.concatenate(rows) if rows else np.zeros(0, int)
    j = np.concatenate(cols) if cols else np.zeros(0, int)
    graph = coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _household_names(labels: np.ndarray, given: np.ndarray, staff_ids: np.ndarray) -> list[str]:
    """Name each component by its given id, or ``H-<first staff_id>`` when it has none."""
    given_text = [str(g) if pd.notna(g) else None for g in given]
    frame = pd.DataFrame({"label": labels, "given": given_text, "staff": staff_ids.astype(str)})
    # Several given ids joined by a neighbour without one: keep the first in order.
    names = dict(_first_by_label(frame.dropna(subset=["given"]), "given"))
    taken = set(names.values())
    for label, first_staff in _first_by_label(frame, "staff"):
        if label in names:
            continue
        name = f"H-{first_staff}"
        while name in taken:
            name += "'"
        taken.add(name)
        names[label] = name
    return [names[label] for label in labels]


def _first_by_label(frame: pd.DataFrame, column: str) -> list[tuple[int, str]]:
    """Return ``(label, smallest value of column)`` per label, by label (a sort, not a loop)."""
    ordered = frame.sort_values(["label", column], kind="stable")
    first = ordered.drop_duplicates("label")
    return list(zip(first["label"].tolist(), first[column].tolist(), strict=True))


def _summarise(
    staff: gpd.GeoDataFrame, household_ids: pd.Series, xy: np.ndarray, crs: CRS
) -> tuple[gpd.GeoDataFrame, list[Issue]]:
    frame = pd.DataFrame(
        {
            HOUSEHOLD_ID: household_ids.to_numpy(),
            STAFF_ID: staff[STAFF_ID].astype(str).to_numpy(),
            DEPENDANTS: pd.to_numeric(staff.get(DEPENDANTS, 0), errors="coerce")
            .fillna(0)
            .astype(int)
            .to_numpy(),
            "x": xy[:, 0],
            "y": xy[:, 1],
            SOURCE_FILE: staff[SOURCE_FILE].to_numpy(),
            SOURCE_ROW: staff[SOURCE_ROW].to_numpy(),
        }
    ).sort_values([HOUSEHOLD_ID, STAFF_ID])
    grouped = frame.groupby(HOUSEHOLD_ID, sort=True)
    summary = grouped.agg(
        staff_count=(STAFF_ID, "size"),
        dependants=(DEPENDANTS, "sum"),
        x=("x", "mean"),
        y=("y", "mean"),
    ).reset_index()
    # One pass over the sorted rows rather than a Python function per group.
    members: dict[str, list[str]] = {}
    for household, staff_id in zip(
        frame[HOUSEHOLD_ID].tolist(), frame[STAFF_ID].tolist(), strict=True
    ):
        members.setdefault(household, []).append(staff_id)
    summary.insert(
        summary.columns.get_loc(DEPENDANTS) + 1,
        "staff_ids",
        [";".join(members[household]) for household in summary[HOUSEHOLD_ID]],
    )
    summary[HEADCOUNT] = summary[STAFF_COUNT] + summary[DEPENDANTS]
    centre_x = grouped["x"].transform("mean")
    centre_y = grouped["y"].transform("mean")
    frame["spread"] = np.hypot(frame["x"] - centre_x, frame["y"] - centre_y)
    spread = frame.groupby(HOUSEHOLD_ID, sort=True)["spread"].max()
    issues = []
    for household, metres in spread[spread > SPREAD_WARNING_M].items():
        first = frame[frame[HOUSEHOLD_ID] == household].iloc[0]
        issues.append(
            Issue(
                "warning",
                str(first[SOURCE_FILE]),
                f"household {household!r} has members living up to {metres:,.0f} m from its "
                "centre; check household_id or the coordinates",
                row=int(first[SOURCE_ROW]),
                column=HOUSEHOLD_ID,
                code="household_spread",
            )
        )
    points = gpd.points_from_xy(summary["x"], summary["y"], crs=crs)
    households = gpd.GeoDataFrame(summary.drop(columns=["x", "y"]), geometry=points, crs=crs)
    return households, issues
