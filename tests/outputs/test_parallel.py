"""Tasks on every core: results in order, the same as one process, no fork where it cannot."""

from __future__ import annotations

import multiprocessing
import os
import time

from outputs._parallel import MIN_ITEMS, run_all


def test_results_keep_their_order_and_use_the_cores() -> None:
    offset = 1000  # a closure: forked workers inherit it

    def task(item: int) -> tuple[int, int]:
        time.sleep(0.05)  # long enough that every worker takes a share, even on a busy machine
        return item + offset, os.getpid()

    items = list(range(MIN_ITEMS * 4))
    results = run_all(task, items)
    assert [value for value, _ in results] == [i + offset for i in items]
    pids = {pid for _, pid in results}
    if len(os.sched_getaffinity(0)) > 1:
        assert os.getpid() not in pids
        assert len(pids) > 1
    else:
        assert pids == {os.getpid()}


def test_few_items_run_here() -> None:
    results = run_all(lambda _item: os.getpid(), list(range(MIN_ITEMS - 1)))
    assert set(results) == {os.getpid()}


def _in_daemon(queue: multiprocessing.Queue) -> None:
    queue.put(run_all(lambda _item: os.getpid(), list(range(MIN_ITEMS * 2))))


def test_a_daemonic_worker_runs_tasks_itself() -> None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_in_daemon, args=(queue,), daemon=True)
    worker.start()
    pids = queue.get(timeout=60)
    worker.join(timeout=60)
    assert set(pids) == {worker.pid}


def test_long_tasks_take_the_cores_from_fewer_items() -> None:
    results = run_all(lambda _item: os.getpid(), [0, 1], min_items=2)
    if len(os.sched_getaffinity(0)) > 1:
        assert os.getpid() not in results
    else:
        assert set(results) == {os.getpid()}
