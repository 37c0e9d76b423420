"""Where the numbered labels of a map go so that none covers another: a small repulsion.

Labels start on their points. Each round, every pair of labels closer than the gap is
pushed apart along the line between them (a pair on one spot splits along a fixed
direction by their order), and each label is pulled back a little towards its point, so
that labels move only as far as they must. A label that ends away from its point gets a
leader line to it. The same inputs always give the same layout.
"""

from __future__ import annotations

import numpy as np

ROUNDS = 200
PULL = 0.02  # share of the way back to its point a label moves each round
LEADER_SHARE = 0.4  # a label moved less than this share of the gap needs no leader line


def spread_labels(
    spots: np.ndarray,
    gap: float,
    *,
    bounds: tuple[float, float, float, float] | None = None,
) -> np.ndarray:
    """Return label positions at least about ``gap`` apart, each as near its spot as it can be.

    Parameters
    ----------
    spots
        The points labelled, an (n, 2) array (page points).
    gap
        The smallest distance between two labels' centres (a label's diameter).
    bounds
        ``x0, y0, x1, y1``: labels are kept inside, half a gap from the edge.

    Returns
    -------
    numpy.ndarray
        The (n, 2) label positions, in the order of ``spots``.
    """
    spots = np.asarray(spots, dtype=float).reshape(-1, 2)
    labels = spots.copy()
    count = len(spots)
    if count < 2:  # noqa: PLR2004 - one label has nothing to avoid
        return labels
    # Where two spots coincide, a fixed direction per label splits them.
    angles = np.arange(count) * 2.399963  # the golden angle: no two directions repeat
    nudge = np.column_stack([np.cos(angles), np.sin(angles)]) * gap * 1e-3
    labels += nudge
    upper = np.triu(np.ones((count, count), dtype=bool), k=1)
    for _ in range(ROUNDS):
        delta = labels[:, None, :] - labels[None, :, :]
        distance = np.hypot(delta[..., 0], delta[..., 1])
        close = (distance < gap * 1.02) & upper
        if not close.any():
            break
        push = np.zeros_like(labels)
        for i, j in zip(*np.nonzero(close), strict=True):
            direction = delta[i, j] / max(distance[i, j], 1e-9)
            step = (gap * 1.05 - distance[i, j]) / 2
            push[i] += direction * step
            push[j] -= direction * step
        labels += push + (spots - labels) * PULL
        if bounds is not None:
            x0, y0, x1, y1 = bounds
            labels[:, 0] = np.clip(labels[:, 0], x0 + gap / 2, x1 - gap / 2)
            labels[:, 1] = np.clip(labels[:, 1], y0 + gap / 2, y1 - gap / 2)
    return labels


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
