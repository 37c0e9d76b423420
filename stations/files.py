"""Check that an input path names a regular, non-empty file before anything opens it."""

from __future__ import annotations

import stat
from pathlib import Path

from stations.errors import InputError


def check_input_file(path: Path, label: str, *, what: str = "file") -> int:
    """Raise unless ``path`` is a regular, non-empty file; return its size in bytes.

    Only ``stat`` is used: a named pipe (FIFO) or a device is refused without being
    opened, so reading can never block on it.

    Parameters
    ----------
    path
        The path to check.
    label
        The name used in messages.
    what
        What the file is, for messages ("OSM extract", "boundary"...).

    Returns
    -------
    int
        The size of the file in bytes.

    Raises
    ------
    InputError
        If the path does not exist, is a folder, is not a regular file or is empty.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError(label, f"{what} not found: {path}", code="missing") from None
    except OSError as exc:
        raise InputError(label, f"cannot open the {what}: {exc.strerror}", code="missing") from None
    if stat.S_ISDIR(mode):
        msg = f"{path} is a folder, not a file; name the {what} inside it"
        raise InputError(label, msg, code="not_a_file")
    if not stat.S_ISREG(mode):
        msg = f"{path} is not a regular file (a pipe, socket or device); give a saved file"
        raise InputError(label, msg, code="not_a_file")
    size = path.stat().st_size
    if size == 0:
        raise InputError(label, f"the {what} is empty", code="empty")
    return size
