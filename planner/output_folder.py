"""Write a plan's output folder atomically and privately.

The plan is written into a temporary sibling folder and renamed into place only
when complete: an interrupted run never leaves half a plan where a complete one
was. The folder is private to the user (mode 0700) because it holds personal data.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PRIVATE_MODE = 0o700


@contextlib.contextmanager
def atomic_folder(target: Path, *, private: bool = True) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``target`` when the block succeeds.

    Parameters
    ----------
    target
        The final output folder; its parent is created if needed.
    private
        Make the folder readable by its owner only (0700).

    Yields
    ------
    pathlib.Path
        The temporary folder to write into, on the same file system as ``target``.
    """
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        yield temporary
        if private:
            _make_private(temporary)
        else:
            temporary.chmod(0o755)
        _swap_into_place(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _swap_into_place(temporary: Path, target: Path) -> None:
    if not target.exists():
        temporary.rename(target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    retired.rmdir()
    target.rename(retired)
    try:
        temporary.rename(target)
    except OSError:
        retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _make_private(folder: Path) -> None:
    folder.chmod(PRIVATE_MODE)
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            (Path(root) / name).chmod(PRIVATE_MODE)
        for name in files:
            (Path(root) / name).chmod(0o600)
