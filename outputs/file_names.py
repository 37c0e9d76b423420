"""File names from ids: an id is data, and only a safe form of it ever names a file.

An id that is already safe (letters, digits, ``-`` and ``_``, starting with a letter or a
digit, at most :data:`MAX_SAFE_LENGTH` characters, not a reserved Windows device name)
keeps its name and case: ``Z01`` gives ``Z01``, ``CP-JFK`` gives ``CP-JFK``. Any other id
is slugged: accents dropped, every run of other characters (``/``, ``..``, spaces,
control characters) replaced by ``_``. Names are unique without regard to case (for
the file systems of Windows and macOS): the second of two ids that would share a name,
in sorted order, gets ``-2`` (then ``-3``...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_SAFE_LENGTH = 64
SLUG_LENGTH = 48
FALLBACK = "id"
_SAFE = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{MAX_SAFE_LENGTH - 1}}}")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_-]+")
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9])", re.IGNORECASE)


def is_safe_name(value: str) -> bool:
    """Return whether an id can name a file as it is.

    Parameters
    ----------
    value
        The id.

    Returns
    -------
    bool
        True for letters, digits, ``-`` and ``_`` (starting with a letter or digit, at
        most ``MAX_SAFE_LENGTH`` characters) that are not a Windows device name.
    """
    return _SAFE.fullmatch(value) is not None and _RESERVED.fullmatch(value) is None


def safe_file_names(ids: Iterable[object]) -> dict[str, str]:
    """Return a file name stem for each id: safe, unique without regard to case.

    The same set of ids always gives the same names, whatever their order, so every
    writer (and every page that links to the files) computes the same names.

    Parameters
    ----------
    ids
        The ids (converted with ``str``); repeated ids get one name.

    Returns
    -------
    dict
        id -> file name stem, without extension.

    Examples
    --------
    >>> safe_file_names(["Z01", "../../tmp/x", "z01", "a/b"])
    {'Z01': 'Z01', 'z01': 'z01-2', '../../tmp/x': 'tmp_x', 'a/b': 'a_b'}
    """
    unique = sorted({str(i) for i in ids})
    safe = [i for i in unique if is_safe_name(i)]
    others = [i for i in unique if not is_safe_name(i)]
    taken: set[str] = set()
    names: dict[str, str] = {}
    for value in safe + others:
        names[value] = _unused(value if is_safe_name(value) else _slug(value), taken)
    return names


def _unused(wanted: str, taken: set[str]) -> str:
    """Return ``wanted``, or ``wanted-2``, ``-3``... the first not in ``taken`` (by case)."""
    name, number = wanted, 1
    while name.casefold() in taken:
        number += 1
        name = f"{wanted}-{number}"
    taken.add(name.casefold())
    return name


def _slug(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE_RUN.sub("_", ascii_text).strip("_-")[:SLUG_LENGTH].strip("_-")
    if not slug or _RESERVED.fullmatch(slug):
        return f"{FALLBACK}_{slug}" if slug else FALLBACK
    return slug


def card_file_names(file_names: dict[str, str]) -> dict[str, str]:
    """Return the file name of each zone's wallet card: ``<list name>-card``.

    A card never takes the name of a list (a zone may be called ``Z01-card``): the name
    is then numbered, ``Z01-card-2``.

    Parameters
    ----------
    file_names
        Zone id to the safe file name of its warden list (:func:`safe_file_names`).

    Returns
    -------
    dict
        Zone id to its card's file name (without ``.pdf``).
    """
    taken = {name.casefold() for name in file_names.values()}
    return {z: _unused(f"{file_names[z]}-card", taken) for z in sorted(file_names)}
