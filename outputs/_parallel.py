"""Run outputs on the machine's cores: one task per item, or a whole task beside the caller.

Each task writes its own files, so the files are the same whether they were written
in one process or several. Tasks are forked from the caller and inherit its data;
where forking is impossible (a daemonic worker, e.g. a Dask worker process, or a
platform without ``fork``) or not worth it, they run in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

MIN_ITEMS = 16  # below this, starting processes costs more than it saves
PARENT_POLL_S = 0.1  # how often a worker checks that the process that forked it is alive

_task: Callable[[Any], Any] | None = None


def _can_fork() -> bool:
    """Return whether tasks can be forked into worker processes from here."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


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
    parallel = workers > 1 and len(items) >= min_items and _can_fork()
    if not parallel:
        return [task(item) for item in items]
    global _task  # noqa: PLW0603 - the forked workers read the task from here
    _task = task
    try:
        with _pool(workers) as pool:
            return list(pool.map(_run, items, chunksize=max(1, len(items) // (workers * 8))))
    finally:
        _task = None


def _run(item: Any) -> Any:
    assert _task is not None
    return _task(item)


@contextmanager
def beside(task: Callable[[], Any]) -> Iterator[Callable[[], Any]]:
    """Run ``task`` in a forked process while the caller goes on; yield a way to wait for it.

    The caller's own work and the task then share the cores: a step that runs in one
    process (one long document) no longer waits for the steps before it. Leaving the
    block waits for the task, also when the caller's work failed.

    Parameters
    ----------
    task
        A function of no argument (may be a closure: the forked process inherits it).
        Its result is pickled back; an exception it raises is raised by the waiting call.

    Yields
    ------
    callable
        Returns the task's result, waiting for it. On one core or without ``fork``, the
        task runs in this process when its result is first asked for.
    """
    if len(os.sched_getaffinity(0)) < 2 or not _can_fork():  # noqa: PLR2004 - two cores
        yield _once(task)
        return
    global _task  # noqa: PLW0603 - the forked process reads the task from here
    _task = lambda _item: task()  # noqa: E731 - run as run_all's tasks are
    try:
        with _pool(1) as pool:
            future = pool.submit(_run, None)  # forks the process now
            _task = None
            yield future.result
    finally:
        _task = None


def _once(task: Callable[[], Any]) -> Callable[[], Any]:
    """Return a function that runs ``task`` on its first call and returns its result after."""
    results: list[Any] = []

    def result() -> Any:
        if not results:
            results.append(task())
        return results[0]

    return result


def _pool(workers: int) -> ProcessPoolExecutor:
    """Return a pool of forked workers that exit when this process dies."""
    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=_exit_with_parent
    )


def _exit_with_parent() -> None:
    """Make this forked worker exit as soon as the process that forked it is gone.

    A worker holds what its parent held, the lock on the plan's temporary folder among
    them: an orphan left writing after the planner was killed would keep the next run
    from removing that folder.
    """
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
