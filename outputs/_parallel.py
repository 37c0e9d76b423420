"""Run one task per item on the machine's cores, for outputs written file by file.

Each task writes its own file, so the files are the same whether they were written
in one process or several. Tasks are forked from the caller and inherit its data;
where forking is impossible (a daemonic worker, e.g. a Dask worker process, or a
platform without ``fork``) or not worth it, they run in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

MIN_ITEMS = 16  # below this, starting processes costs more than it saves

_task: Callable[[Any], Any] | None = None


def run_all(
    task: Callable[[Any], Any], items: Sequence[Any], *, min_items: int = MIN_ITEMS
) -> list[Any]:
    """Return ``[task(item) for item in items]``, computed on every available core.

    Parameters
    ----------
    task
        A function of one item (may be a closure: forked workers inherit it).
    items
        The items, in the order of the results. They are pickled to the workers: pass
        keys (ids) rather than data the task can read from its closure.
    min_items
        Fewer items than this run in this process; lower it for tasks that take seconds
        each (two long manifests gain from two cores).
    """
    workers = min(len(os.sched_getaffinity(0)), len(items))
    parallel = (
        workers > 1
        and len(items) >= min_items
        and "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )
    if not parallel:
        return [task(item) for item in items]
    global _task  # noqa: PLW0603 - the forked workers read the task from here
    _task = task
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run, items, chunksize=max(1, len(items) // (workers * 8))))
    finally:
        _task = None


def _run(item: Any) -> Any:
    assert _task is not None
    return _task(item)
