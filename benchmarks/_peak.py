"""Run a command and measure the peak resident set of its process tree, per run.

``getrusage(RUSAGE_CHILDREN)`` in the benchmark itself only ever grows, so a second run
would report the first run's peak if that was larger. Each command therefore runs under
a fresh wrapper process whose own children are exactly that command's process tree.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_WRAPPER = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:]).returncode
with open(sys.argv[1], "w") as handle:
    handle.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def run_measured(
    command: list[str], *, check: bool = False, **kwargs: Any
) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``command`` like `subprocess.run` and return it with its peak RSS in MiB.

    The peak is the largest resident set of any one process of the tree (the command,
    its forked or spawned workers), as Linux reports it for waited-for descendants.
    """
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "maxrss"
        wrapped = [sys.executable, "-c", _WRAPPER, str(report), *command]
        done = subprocess.run(wrapped, check=False, **kwargs)
        peak_kib = int(report.read_text()) if report.exists() else 0
    if check:
        done.check_returncode()
    return done, peak_kib / 1024
