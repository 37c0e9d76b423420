"""Tasks on every core: results in order, the same as one process, no fork where it cannot.

A task beside the caller: runs while the caller works, returns or raises where it is waited for.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from outputs._parallel import MIN_ITEMS, beside, run_all


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


def test_a_task_beside_runs_while_the_caller_works(tmp_path: Path) -> None:
    started = tmp_path / "started"

    def task() -> tuple[int, str]:
        started.write_text("yes")
        return os.getpid(), "done"

    with beside(task) as result:
        if len(os.sched_getaffinity(0)) > 1:
            deadline = time.monotonic() + 60
            while not started.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert started.exists()  # before the caller asked for the result
        pid, value = result()
    assert value == "done"
    assert started.read_text() == "yes"  # the forked process's file is there for the caller
    assert (pid != os.getpid()) == (len(os.sched_getaffinity(0)) > 1)


def test_a_failing_task_beside_raises_where_it_is_waited_for() -> None:
    def task() -> None:
        raise OSError("disk full")

    with beside(task) as result, pytest.raises(OSError, match="disk full"):
        result()


def test_the_caller_failing_still_waits_for_the_task_beside(tmp_path: Path) -> None:
    written = tmp_path / "written"

    def task() -> None:
        time.sleep(0.2)
        written.write_text("finished")

    with pytest.raises(ValueError, match="caller"), beside(task):
        raise ValueError("caller")
    if len(os.sched_getaffinity(0)) > 1:
        assert written.read_text() == "finished"  # not left writing into a folder being removed


def test_a_daemonic_worker_runs_the_task_beside_itself() -> None:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()

    def target() -> None:
        with beside(os.getpid) as result:
            queue.put(result())

    worker = context.Process(target=target, daemon=True)
    worker.start()
    pid = queue.get(timeout=60)
    worker.join(timeout=60)
    assert pid == worker.pid
