"""A progress display for the long steps of a plan, on stderr, quiet when asked."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import click

logger = logging.getLogger(__name__)


class Steps:
    """Named steps advanced one by one: a progress bar on a terminal, lines in a log.

    Parameters
    ----------
    names
        The steps, in order; :meth:`start` takes them one after the other.
    bar
        The click progress bar, or None to stay silent.
    """

    def __init__(self, names: Sequence[str], bar: Any | None) -> None:
        self.names = list(names)
        self.bar = bar
        self.done = 0
        self.started = time.perf_counter()
        self.durations: dict[str, float] = {}
        self._current: tuple[str, float] | None = None

    def _close_step(self) -> None:
        if self._current is not None:
            name, since = self._current
            self.durations[name] = time.perf_counter() - since
            logger.info("%s: %.1f s", name, self.durations[name])

    def start(self, name: str) -> None:
        """Mark the previous step done and show ``name`` as the current one."""
        self._close_step()
        self._current = (name, time.perf_counter())
        if self.bar is None:
            return
        if self.done:
            self.bar.update(1, current_item=name)
        else:
            self.bar.current_item = name
            self.bar.render_progress()
        self.done += 1

    def finish(self) -> float:
        """Complete the bar; return the seconds since the start."""
        self._close_step()
        self._current = None
        if self.bar is not None and self.done:
            self.bar.update(1, current_item="done")
        return time.perf_counter() - self.started


@contextmanager
def progress(names: Sequence[str], *, enabled: bool) -> Iterator[Steps]:
    """Yield :class:`Steps` drawing a progress bar on stderr when ``enabled``.

    Parameters
    ----------
    names
        The steps, in order.
    enabled
        Draw the bar; it is drawn only when stderr is a terminal (in a log or a pipe the
        steps go to the log alone, with no stray label line).
    """
    if not enabled or not sys.stderr.isatty():
        yield Steps(names, None)
        return
    with click.progressbar(
        length=len(names),
        label="planning",
        file=sys.stderr,
        show_eta=False,
        item_show_func=lambda item: item or "",
    ) as bar:
        yield Steps(names, bar)
