"""Capacitated assignment: each item goes whole to one target, loads within capacities.

The generalized assignment problem (items of a given demand, targets of a given
capacity, a cost per pair) solved as a mixed-integer programme with HiGHS
(:func:`scipy.optimize.milp`). When total capacity is short, a target may take more than
its capacity at a penalty far above any travel cost, so the overflow is the smallest
possible and lands where it costs least; the caller reports it. The solver weighs each
item's ``CANDIDATES`` cheapest targets. A problem too large for the solver, or one whose
optimum it does not prove in time (a solution cut off by the clock could differ from run
to run), falls back to a deterministic regret-greedy heuristic.
Pairs of infinite cost (no route) are never chosen; an item with no finite pair gets -1.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

__all__ = ["CapacitatedAssignment", "assign_capacitated"]

logger = logging.getLogger(__name__)

# The solver weighs each item's this many cheapest targets (an item is not sent past them).
CANDIDATES = 12
# Above this many item-target pairs weighed the solver is not tried (the greedy is used).
MAX_SOLVER_PAIRS = 50_000
SOLVER_TIME_LIMIT_S = 120.0  # a safety net only: the node limit decides, the same on any machine
SOLVER_NODE_LIMIT = 20_000
# Overflow costs this many times the dearest finite pair cost per person.
OVERFLOW_PENALTY_FACTOR = 100.0


@dataclass(frozen=True)
class CapacitatedAssignment:
    """The result of :func:`assign_capacitated`.

    Attributes
    ----------
    target
        The target index of each item (-1: no target reachable).
    load
        The summed demand of each target.
    method
        ``"milp"`` (HiGHS, optimal or the best found in time) or ``"greedy"``.
    """

    target: np.ndarray
    load: np.ndarray
    method: str

    def over(self, capacity: np.ndarray) -> np.ndarray:
        """Return, per target, whether its load exceeds its (finite) capacity."""
        return np.isfinite(capacity) & (self.load > capacity)


def assign_capacitated(
    cost: np.ndarray,
    demand: np.ndarray,
    capacity: np.ndarray,
    *,
    max_solver_pairs: int = MAX_SOLVER_PAIRS,
    time_limit_s: float = SOLVER_TIME_LIMIT_S,
) -> CapacitatedAssignment:
    """Assign every item whole to one target, minimising demand-weighted cost.

    Parameters
    ----------
    cost
        (n, m) cost of sending one unit of item ``i`` to target ``j`` (seconds); ``inf``
        where there is no route.
    demand
        (n,) non-negative demand of each item (people).
    capacity
        (m,) capacity of each target; ``inf`` for a target without a known capacity.
    max_solver_pairs
        Above this many finite pairs the greedy heuristic is used instead of the solver.
    time_limit_s
        The solver's time limit; without a proven optimum by then the greedy is used.

    Returns
    -------
    CapacitatedAssignment
        Each item's target and each target's load.

    Raises
    ------
    ValueError
        If the shapes disagree or a demand is negative.
    """
    cost = np.asarray(cost, dtype=float)
    demand = np.asarray(demand, dtype=float)
    capacity = np.asarray(capacity, dtype=float)
    n, m = cost.shape if cost.ndim == 2 else (-1, -1)  # noqa: PLR2004
    if n != len(demand) or m != len(capacity):
        msg = f"cost {cost.shape} does not match {len(demand)} items and {len(capacity)} targets"
        raise ValueError(msg)
    if (demand < 0).any():
        raise ValueError("demand must not be negative")
    target = None
    method = "greedy"
    if 0 < _nearest_pairs(cost).sum() <= max_solver_pairs:
        target = _solve(cost, demand, capacity, time_limit_s)
        method = "milp"
    if target is None:
        target = _greedy(cost, demand, capacity)
        method = "greedy"
    load = np.bincount(target[target >= 0], weights=demand[target >= 0], minlength=m)
    logger.debug("capacitated assignment of %d items to %d targets (%s)", n, m, method)
    return CapacitatedAssignment(target, load, method)


def _solve(
    cost: np.ndarray, demand: np.ndarray, capacity: np.ndarray, time_limit_s: float
) -> np.ndarray | None:
    """Solve the assignment as a MILP; None when HiGHS finds no solution in time."""
    n, m = cost.shape
    rows, cols = np.nonzero(_nearest_pairs(cost))  # row-major: deterministic order
    pairs = len(rows)
    weighted = cost[rows, cols] * np.maximum(demand[rows], 1e-6)
    limited = np.flatnonzero(np.isfinite(capacity))
    scale = float(cost[rows, cols].max()) + 1.0
    penalty = OVERFLOW_PENALTY_FACTOR * scale
    # Variables: one binary per finite pair, then one overflow (people) per limited target.
    objective = np.concatenate([weighted, np.full(len(limited), penalty)])
    one_each = csr_array(
        (np.ones(pairs), (rows, np.arange(pairs))), shape=(n, pairs + len(limited))
    )
    reachable = np.bincount(rows, minlength=n) > 0
    constraints = [LinearConstraint(one_each[reachable], 1.0, 1.0)]
    if len(limited):
        slot = np.full(m, -1)
        slot[limited] = np.arange(len(limited))
        keep = slot[cols] >= 0
        load_rows = np.concatenate([slot[cols][keep], np.arange(len(limited))])
        load_cols = np.concatenate([np.arange(pairs)[keep], pairs + np.arange(len(limited))])
        load_vals = np.concatenate([demand[rows][keep], -np.ones(len(limited))])
        loads = csr_array(
            (load_vals, (load_rows, load_cols)), shape=(len(limited), pairs + len(limited))
        )
        constraints.append(LinearConstraint(loads, -np.inf, capacity[limited]))
    integrality = np.concatenate([np.ones(pairs), np.zeros(len(limited))])
    upper = np.concatenate([np.ones(pairs), np.full(len(limited), np.inf)])
    result = milp(
        objective,
        constraints=constraints,
        integrality=integrality,
        bounds=Bounds(np.zeros(pairs + len(limited)), upper),
        options={"time_limit": time_limit_s, "node_limit": SOLVER_NODE_LIMIT, "presolve": True},
    )
    if result.status != 0 or result.x is None:  # only a proven optimum: the same every run
        logger.info("assignment solver: %s; using the greedy heuristic", result.message)
        return None
    chosen = result.x[:pairs] > 0.5  # noqa: PLR2004
    target = np.full(n, -1)
    target[rows[chosen]] = cols[chosen]
    return target


def _nearest_pairs(cost: np.ndarray) -> np.ndarray:
    """Return which pairs the solver weighs: each item's ``CANDIDATES`` cheapest finite ones."""
    keep = np.isfinite(cost)
    if cost.shape[1] <= CANDIDATES:
        return keep
    order = np.argsort(cost, axis=1, kind="stable")[:, :CANDIDATES]
    nearest = np.zeros_like(keep)
    np.put_along_axis(nearest, order, values=True, axis=1)
    return keep & nearest


def _greedy(cost: np.ndarray, demand: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Assign by regret: the item that loses most by missing its best target goes first.

    An item goes to its cheapest target with room left; when none has room, to the
    target whose overflow would be smallest (then the cheapest).
    """
    n, m = cost.shape
    target = np.full(n, -1)
    if m == 0:
        return target
    ordered = np.sort(cost, axis=1)
    best = ordered[:, 0]
    second = ordered[:, 1] if m > 1 else np.full(n, np.inf)
    with np.errstate(invalid="ignore"):
        regret = np.where(np.isfinite(second), second - best, np.inf)
    # Largest regret first, then largest demand, then item order: deterministic.
    order = np.lexsort((np.arange(n), -demand, -np.nan_to_num(regret, posinf=np.finfo(float).max)))
    left = capacity.astype(float).copy()
    for item in order:
        row = cost[item]
        reachable = np.isfinite(row)
        if not reachable.any():
            continue
        fits = reachable & (left >= demand[item])
        if fits.any():
            choice = int(np.flatnonzero(fits)[np.argmin(row[fits])])
        else:
            short = np.where(reachable, demand[item] - left, np.inf)
            choice = int(np.lexsort((row, short))[0])
        target[item] = choice
        left[choice] -= demand[item]
    return target
