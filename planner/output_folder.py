"""Write an output folder atomically, privately, and only over planner's own work.

A folder is written into a temporary sibling (``.<name>.partial-XXXXXXXX``) and renamed
into place only when complete: an interrupted run never leaves half a plan where a
complete one was. It is private to the user (mode 0700) because it holds personal data.

Every folder planner writes carries a marker file (``.warden-planner``) naming the kind of
output and the entries written. A later run replaces a folder only when it is empty,
carries the marker and holds nothing beyond the entries it lists, or is a plan or zones
folder written before the marker existed (recognised by its layout). Anything else is
refused before any computation unless ``force`` is given, and some folders are refused
even then: the root, the home folder, the current folder, a folder holding a station,
and any folder that is or contains an input of the run.

A running writer holds a lock (``flock``) on its temporary folder; the next run into the
same place removes temporaries whose writer died (killed, power lost).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

PRIVATE_MODE = 0o700
MARKER = ".warden-planner"
PLAN, ZONES, BATCH, RISK, STATION = "plan", "zones", "batch", "risk", "station"
STATION_FILE = "station.toml"
MUSTER, DRILL = "muster", "drill"
_OUTPUT_KINDS = frozenset({PLAN, ZONES, BATCH, RISK, MUSTER, DRILL})
# The folders written before the marker existed: (files that identify one, every entry).
_PLAN_NAMES = frozenset(
    {
        "index.html", "zones.geojson", "zones.kml", "assignments.csv", "appointments.csv",
        "flags.csv", "zone_metrics.csv", "churn.csv", "plan.gpkg", "map.html", "maps",
        "moss.json", "moss.html", "sites.geojson", "sites.csv", "letters", "contacts",
        "security_plan.html", "security_plan.pdf", "risk.html", "risk.json", "risk.csv",
        "summary.json", "compliance", "transport.csv", "manifests", "hibernation.csv",
        "evacuation.json", "medical.csv", "radio", "roll_call",
    }
)  # fmt: skip
_ZONES_NAMES = frozenset({"zones.geojson", "zones.kml", "assignments.csv", "zone_metrics.csv"})
_RISK_NAMES = frozenset({"risk.html", "risk.json", "risk.csv"})
_LAYOUTS = (
    (frozenset({"summary.json", "zones.geojson", "index.html"}), _PLAN_NAMES),
    (_ZONES_NAMES, _ZONES_NAMES | {"churn.csv"}),
    (_RISK_NAMES, _RISK_NAMES),
)
_BATCH_FILES = frozenset({"summary.csv", "summary.html"})
_EMPTY_PARTIAL_AGE_S = 60.0
_SHOWN_ENTRIES = 5


class OutputFolderError(OSError):
    """Planner refuses to write an output folder there; the message says why."""


def check_output_folder(
    out: Path, *, kind: str, keep: Iterable[Path] = (), force: bool = False
) -> Path:
    """Return the resolved folder ``out`` if planner may write ``kind`` output there.

    Parameters
    ----------
    out
        The folder asked for (``--out``); symlinks, ``.`` and ``..`` are resolved.
    kind
        {"plan", "zones", "batch", "risk", "station"}: what will be written.
    keep
        Inputs of the run (the station folder, an input file): never replaced, nor
        any folder holding them.
    force
        Replace a folder that holds files planner did not write.

    Returns
    -------
    pathlib.Path
        The resolved folder.

    Raises
    ------
    OutputFolderError
        The folder cannot be created, or must not be replaced; the message names it.
    """
    folder = Path(os.path.realpath(out))
    named = out if str(out) == str(folder) else f"{out} ({folder})"
    _check_protected(named, folder, [Path(os.path.realpath(k)) for k in keep])
    _check_creatable(named, folder)
    if folder.is_dir():
        _check_content(named, folder, kind=kind, force=force)
    return folder


@contextlib.contextmanager
def atomic_folder(
    target: Path,
    *,
    kind: str = PLAN,
    keep: Iterable[Path] = (),
    force: bool = False,
    private: bool = True,
) -> Iterator[Path]:
    """Yield a temporary folder that replaces ``target`` when the block succeeds.

    ``target`` is checked with :func:`check_output_folder` on entry and again just before
    the swap (the folder may have changed meanwhile). Stale temporaries of ``target``
    left by killed runs are removed first.

    Parameters
    ----------
    target
        The final output folder; its parent is created if needed.
    kind, keep, force
        As for :func:`check_output_folder`.
    private
        Make the folder readable by its owner only (0700, files 0600).

    Yields
    ------
    pathlib.Path
        The temporary folder to write into, on the same file system as ``target``.

    Raises
    ------
    OutputFolderError
        ``target`` must not be replaced (checked on entry and before the swap).
    """
    keep = list(keep)
    folder = check_output_folder(target, kind=kind, keep=keep, force=force)
    folder.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(folder)
    temporary = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
    with _locked(temporary):
        try:
            write_marker(temporary, kind=kind, entries=())
            yield temporary
            write_marker(temporary, kind=kind, entries=_names(temporary))
            if private:
                _make_private(temporary)
            else:
                temporary.chmod(0o755)
            check_output_folder(target, kind=kind, keep=keep, force=force)
            _swap_into_place(temporary, folder)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise


def open_output_folder(folder: Path, *, kind: str, entries: Iterable[str]) -> Path:
    """Create ``folder`` (mode 0700) to write into and add ``entries`` to its marker.

    For a folder written entry by entry (a batch folder), not replaced whole. Check it
    with :func:`check_output_folder` first.

    Parameters
    ----------
    folder
        The folder.
    kind
        As for :func:`check_output_folder`.
    entries
        The names about to be written into it.

    Returns
    -------
    pathlib.Path
        ``folder``.
    """
    folder.mkdir(mode=PRIVATE_MODE, parents=True, exist_ok=True)
    folder.chmod(PRIVATE_MODE)
    earlier = _read_marker(folder)
    listed = set(earlier[1]) if earlier is not None else set()
    write_marker(folder, kind=kind, entries=listed | set(entries))
    (folder / MARKER).chmod(0o600)
    return folder


def write_marker(folder: Path, *, kind: str, entries: Iterable[str]) -> Path:
    """Write the marker that lets a later run replace ``folder``; return its path.

    Parameters
    ----------
    folder
        The output folder.
    kind
        As for :func:`check_output_folder`.
    entries
        The names written into the folder (the marker itself is left out).

    Returns
    -------
    pathlib.Path
        The marker file.
    """
    payload = {
        "written_by": "warden-planner",
        "kind": kind,
        "entries": sorted(set(entries) - {MARKER}),
        "note": "A later planner run may replace this folder while it holds only these "
        "entries; anything else added here stops it.",
    }
    path = folder / MARKER
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return path


def remove_stale_partials(target: Path) -> list[Path]:
    """Remove the temporaries of ``target`` whose writer is gone; return them.

    Only sibling folders named as planner names them (``.<name>.partial-XXXXXXXX``,
    ``.<name>.old-XXXXXXXX``) whose lock no live writer holds; an empty one only once it
    is a minute old (its writer may have just created it).

    Parameters
    ----------
    target
        The output folder (resolved).

    Returns
    -------
    list of pathlib.Path
        The folders removed.
    """
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(?:partial|old)-[a-z0-9_]{{8}}")
    removed: list[Path] = []
    for entry in sorted(target.parent.iterdir()):
        if not pattern.fullmatch(entry.name) or entry.is_symlink() or not entry.is_dir():
            continue
        try:
            descriptor = os.open(entry, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if any(entry.iterdir()):
                shutil.rmtree(entry)
            elif time.time() - entry.stat().st_mtime > _EMPTY_PARTIAL_AGE_S:
                entry.rmdir()
            else:
                continue
            removed.append(entry)
        except OSError:  # a live writer holds the lock, or the folder just went
            continue
        finally:
            os.close(descriptor)
    return removed


def _check_creatable(out: str | Path, folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        message = f"cannot write the folder {out}: it is a file, not a folder"
        raise OutputFolderError(message)
    existing = next(p for p in folder.parents if p.exists())
    if not existing.is_dir():
        message = f"cannot write the folder {out}: {existing} is a file, not a folder"
        raise OutputFolderError(message)
    if not os.access(existing, os.W_OK | os.X_OK):
        message = f"cannot write the folder {out}: {existing} is not writable"
        raise OutputFolderError(message)


def _check_protected(out: str | Path, folder: Path, keep: list[Path]) -> None:
    home = Path(os.path.realpath(Path.home()))
    cwd = Path.cwd().resolve()
    refusals = [
        (folder == Path(folder.anchor), "it is the root folder"),
        (folder == home, "it is your home folder"),
        (folder in home.parents, f"it contains your home folder {home}"),
        (folder == cwd, "it is the current folder"),
        (folder in cwd.parents, f"it contains the current folder {cwd}"),
    ]
    for kept in keep:
        if folder == kept:
            what = "the station folder" if kept.is_dir() else "an input of this command"
            refusals.append((True, f"it is {what}"))
        elif folder in kept.parents:
            what = "the station folder" if kept.is_dir() else "an input of this command,"
            refusals.append((True, f"it contains {what} {kept}"))
    for refused, why in refusals:
        if refused:
            message = f"refusing to replace {out}: {why}; choose another folder"
            raise OutputFolderError(message)


def _check_content(out: str | Path, folder: Path, *, kind: str, force: bool) -> None:
    marker = _read_marker(folder)
    if (folder / STATION_FILE).exists() and (marker is None or marker[0] != STATION):
        message = (
            f"refusing to replace {out}: it holds {STATION_FILE}, so it is a station folder; "
            "planner never replaces one, even with --force"
        )
        raise OutputFolderError(message)
    foreign = _foreign_entries(folder, station=kind == STATION)
    if foreign and not force:
        shown = ", ".join(sorted(foreign)[:_SHOWN_ENTRIES])
        more = f" and {len(foreign) - _SHOWN_ENTRIES} more" if len(foreign) > _SHOWN_ENTRIES else ""
        message = (
            f"refusing to replace {out}: it holds {shown}{more}, which planner did not write "
            "there; choose a new or empty folder, or give --force to replace it"
        )
        raise OutputFolderError(message)


def _foreign_entries(folder: Path, *, station: bool) -> list[str]:
    """Return the entries of ``folder`` that planner did not write there."""
    names = [n for n in _names(folder) if n != MARKER]
    marker = _read_marker(folder)
    if marker is not None and (marker[0] == STATION) == station:
        return [n for n in names if n not in marker[1]]
    if marker is not None or station or not names:
        return names
    for required, allowed in _LAYOUTS:
        if required <= set(names):
            return [n for n in names if n not in allowed]
    if set(names) >= _BATCH_FILES:
        return [
            n
            for n in names
            if n not in _BATCH_FILES
            and ((folder / n).is_symlink() or not (folder / n).is_dir() or _not_a_plan(folder / n))
        ]
    return names


def _not_a_plan(folder: Path) -> bool:
    return bool(_foreign_entries(folder, station=False))


def _names(folder: Path) -> list[str]:
    return [entry.name for entry in folder.iterdir()]


def _read_marker(folder: Path) -> tuple[str, frozenset[str]] | None:
    path = folder / MARKER
    if path.is_symlink() or not path.is_file():
        return None
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("written_by") != "warden-planner":
        return None
    kind, entries = payload.get("kind"), payload.get("entries")
    if kind not in {*_OUTPUT_KINDS, STATION} or not isinstance(entries, list):
        return None
    return kind, frozenset(str(e) for e in entries)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (released when the process dies)."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _swap_into_place(temporary: Path, target: Path) -> None:
    if not target.exists():
        temporary.rename(target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
    retired.rmdir()
    with _locked(target):
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
