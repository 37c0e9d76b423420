"""Map labels spread apart: close households get labels that do not overlap."""

from __future__ import annotations

import numpy as np

from outputs._label_layout import needs_leader, spread_labels

GAP = 8.6  # two household circles of 4 pt and a hair between


def pairwise_min(xy: np.ndarray) -> float:
    distance = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(distance, np.inf)
    return float(distance.min())


def test_close_and_coincident_points_get_labels_apart():
    # Two homes 2 pt apart (households 6 and 10 near D), three on one spot, one far away.
    spots = np.array([[100, 100], [102, 101], [150, 150], [150, 150], [150, 150], [400, 300]])
    assert pairwise_min(spots) < GAP  # they overlap as drawn today
    labels = spread_labels(spots, GAP, bounds=(0, 0, 500, 400))
    assert pairwise_min(labels) >= GAP
    assert np.allclose(labels[5], spots[5])  # a lone label stays on its home
    assert not needs_leader(spots[5], labels[5], GAP)
    assert np.hypot(*(labels - spots).T).max() < 2 * GAP  # moved only as far as needed


def test_a_crowd_at_the_edge_stays_inside_and_apart():
    rng = np.random.default_rng(7)
    spots = rng.uniform(0, 12, size=(12, 2))
    labels = spread_labels(spots, GAP, bounds=(0, 0, 300, 200))
    assert pairwise_min(labels) >= GAP
    moved = np.hypot(*(labels - spots).T) > 0
    assert (labels[moved] >= GAP / 2 - 1e-9).all()
    assert any(needs_leader(s, lab, GAP) for s, lab in zip(spots, labels, strict=True))


def test_same_spots_same_layout():
    spots = np.array([[10, 10], [11, 10], [10, 11]], dtype=float)
    assert np.array_equal(spread_labels(spots, GAP), spread_labels(spots, GAP))


def test_labels_keep_clear_of_other_marks():
    spots = np.array([[100.0, 100.0], [104.0, 100.0]])
    taken = np.array([[100.0, 100.0], [300.0, 300.0]])  # a star on the first home
    labels = spread_labels(spots, GAP, taken=taken)
    assert len(labels) == 2
    assert pairwise_min(np.vstack([labels, taken])) >= GAP


def one_by_one(spots: np.ndarray, gap: float, bounds: tuple[float, ...], taken: np.ndarray):
    """The layout as specified: each label tries its spot, then the rings, option by option."""
    angles = np.pi / 2 - np.arange(16) * 2 * np.pi / 16
    ring = np.column_stack([np.cos(angles), np.sin(angles)])
    placed = taken
    for spot in spots:
        options = np.vstack([spot[None, :], *(spot + ring * gap * (1 + k / 2) for k in range(40))])
        x0, y0, x1, y1 = bounds
        inside = (
            (options[:, 0] >= x0 + gap / 2)
            & (options[:, 0] <= x1 - gap / 2)
            & (options[:, 1] >= y0 + gap / 2)
            & (options[:, 1] <= y1 - gap / 2)
        )
        inside[0] = True
        options = options[inside]
        chosen = options[-1]
        for option in options:
            if not len(placed) or np.hypot(*(placed - option).T).min() >= gap:
                chosen = option
                break
        placed = np.vstack([placed, chosen])
    return placed[len(taken) :]


def test_crowds_get_the_layout_of_the_one_by_one_search():
    rng = np.random.default_rng(3)
    for size in (1, 5, 40, 120):
        spots = rng.normal(150, 12, size=(size, 2))
        taken = rng.uniform(100, 200, size=(6, 2))
        bounds = (0.0, 0.0, 300.0, 200.0)
        expected = one_by_one(spots, GAP, bounds, taken)
        labels = spread_labels(spots, GAP, bounds=bounds, taken=taken)
        assert np.array_equal(labels, expected)
        assert (np.hypot(*(labels - spots).T) > 0).any() or size == 1  # crowds do move


def test_a_dense_crowd_in_a_narrow_frame_gets_the_layout_of_the_one_by_one_search():
    # Labels pushed many rings out, with rings cut by the frame's edges, and some finding no
    # clear spot at all (they take the last option).
    rng = np.random.default_rng(5)
    spots = rng.normal([60.0, 20.0], 3.0, size=(260, 2))
    bounds = (0.0, 0.0, 400.0, 40.0)
    expected = one_by_one(spots, GAP, bounds, np.empty((0, 2)))
    assert np.array_equal(spread_labels(spots, GAP, bounds=bounds), expected)
