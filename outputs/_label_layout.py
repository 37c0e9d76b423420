"""Where the numbered labels of a map go so that none covers another.

Labels are placed one by one, in order. A label sits on its point when that spot is
clear of the labels already placed; otherwise it takes the nearest clear spot on rings
around its point (one gap out, then two...), inside the map, clear of the marks given as
taken (other symbols and their labels). A label that ends away
from its point gets a leader line to it. The same inputs always give the same layout,
and no two labels end closer than the gap.
"""

from __future__ import annotations

import numpy as np

DIRECTIONS = 16  # candidate spots per ring
MAX_RINGS = 40
LEADER_SHARE = 0.4  # a label moved less than this share of the gap needs no leader line


def spread_labels(
    spots: np.ndarray,
    gap: float,
    *,
    bounds: tuple[float, float, float, float] | None = None,
    taken: np.ndarray | None = None,
) -> np.ndarray:
    """Return label positions at least ``gap`` apart, each as near its spot as it can be.

    Parameters
    ----------
    spots
        The points labelled, an (n, 2) array (page points), in the order labels are placed.
    gap
        The smallest distance between two labels' centres (a label's diameter).
    bounds
        ``x0, y0, x1, y1``: labels that move are kept inside, half a gap from the edge.
    taken
        Spots other marks hold, an (m, 2) array: labels keep a gap from them too.

    Returns
    -------
    numpy.ndarray
        The (n, 2) label positions, in the order of ``spots``.
    """
    spots = np.asarray(spots, dtype=float).reshape(-1, 2)
    angles = np.pi / 2 - np.arange(DIRECTIONS) * 2 * np.pi / DIRECTIONS  # from the top, clockwise
    ring = np.column_stack([np.cos(angles), np.sin(angles)])
    offsets = np.vstack([np.zeros((1, 2)), *(ring * gap * (1 + k / 2) for k in range(MAX_RINGS))])
    fixed = np.empty((0, 2)) if taken is None else np.asarray(taken, dtype=float).reshape(-1, 2)
    placed = np.vstack([fixed, np.empty_like(spots)])
    count = len(fixed)
    for spot in spots:
        options = spot + offsets
        if bounds is not None:
            x0, y0, x1, y1 = bounds
            half = gap / 2
            inside = (
                (options[:, 0] >= x0 + half)
                & (options[:, 0] <= x1 - half)
                & (options[:, 1] >= y0 + half)
                & (options[:, 1] <= y1 - half)
            )
            inside[0] = True  # a label may always sit on its own point
            options = options[inside]
        placed[count] = _first_clear(options, placed[:count], gap)
        count += 1
    return placed[len(fixed) :]


def _first_clear(options: np.ndarray, placed: np.ndarray, gap: float) -> np.ndarray:
    """Return the first option at least ``gap`` from every placed label, else the last.

    The options are measured in order, a ring's worth at a time: a crowded label mostly
    finds room on the first rings, and the options beyond are then never measured.
    """
    if not len(placed) or np.hypot(*(placed - options[0]).T).min() >= gap:
        return options[0]  # most labels sit on their point: test it alone first
    for start in range(1, len(options), DIRECTIONS):
        ring = options[start : start + DIRECTIONS]
        nearest = np.hypot(
            placed[None, :, 0] - ring[:, None, 0], placed[None, :, 1] - ring[:, None, 1]
        ).min(axis=1)
        clear = np.flatnonzero(nearest >= gap)
        if len(clear):
            return ring[clear[0]]
    return options[-1]


def needs_leader(spot: np.ndarray, label: np.ndarray, gap: float) -> bool:
    """Return whether a label sits far enough from its spot to need a line to it.

    Parameters
    ----------
    spot, label
        The point and its label's position.
    gap
        The gap given to :func:`spread_labels`.

    Returns
    -------
    bool
        True when the label moved more than a fraction of the gap.
    """
    return bool(np.hypot(*(np.asarray(label) - np.asarray(spot))) > gap * LEADER_SHARE)
