"""The closed vocabularies of the station tables: values, wordings and safe readings.

The built-in wordings live in ``stations/data/vocabulary.toml``; a station's own
``[vocabulary]`` table in ``station.toml`` wins over them. Matching ignores case,
spacing and punctuation.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# Grades of the UN common system, with or without a hyphen or space: P5, NO-A, GS 6.
_GRADE = re.compile(
    r"^(?:(?P<senior>usg|asg)|(?P<d>d)(?P<dn>[12])|(?P<p>p|g|gs|fs|l)(?P<pn>[1-7])"
    r"|(?P<no>no)(?P<non>[a-e])|(?P<sb>sb)(?P<sbn>[1-5])|(?P<sc>sc)(?P<scn>[1-9]|1[01]))$"
)
_PUNCTUATION = re.compile("[\\s\\-_./\\\\,:;()\\[\\]'\"`\u00b4\u2019]+")  # also acute, right quote
_BRACKETS = re.compile(r"\(([^)]*)\)")
KEEP_AS_WRITTEN = "as written"


def normalise(text: str) -> str:
    """Return ``text`` folded for matching: case, spacing and punctuation ignored.

    Parameters
    ----------
    text
        A cell or a wording.

    Returns
    -------
    str
        Lower-case words separated by single spaces (``"Sub-Office"`` -> ``"sub office"``).
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _PUNCTUATION.sub(" ", folded).strip()


def _compact(text: str) -> str:
    return normalise(text).replace(" ", "")


def read_grade(text: str) -> str | None:
    """Return a common-system grade in its canonical form (``P-5``, ``NO-A``, ``G-6``).

    Returns
    -------
    str or None
        ``None`` when the text is not a grade.
    """
    match = _GRADE.match(_compact(text))
    if match is None:
        return None
    if match["senior"]:
        return match["senior"].upper()
    prefix, number = next(
        (match[name], match[f"{name}n"]) for name in ("d", "p", "no", "sb", "sc") if match[name]
    )
    return f"{'G' if prefix == 'gs' else prefix.upper()}-{number.upper()}"


@dataclass(frozen=True)
class Vocabulary:
    """One closed vocabulary and the wordings that read as its values.

    Attributes
    ----------
    name
        ``role``, ``category``, ``grade``, ``office_kind``, ``point_kind`` or ``boolean``.
    values
        The values the planner works with.
    wordings
        Compact wording (no case, spacing or punctuation) -> value.
    unknown
        The safe reading of an unrecognised value (``""`` blank, ``"as written"``), or
        ``None`` when an unrecognised value refuses the row.
    unknown_means
        How the safe reading is described in messages.
    """

    name: str
    values: tuple[str, ...]
    wordings: Mapping[str, str]
    unknown: str | None
    unknown_means: str = ""

    def read(self, text: str) -> str | None:
        """Return the value ``text`` stands for, or ``None`` when nobody recognises it."""
        for candidate in _candidates(text):
            found = self.wordings.get(_compact(candidate))
            if found is not None:
                return found
        if self.name == "grade":
            return read_grade(text)
        return None

    def closest(self, text: str) -> str | None:
        """Return the value whose wording is closest to ``text``, if any is close."""
        match = difflib.get_close_matches(_compact(text), list(self.wordings), n=1, cutoff=0.6)
        return self.wordings[match[0]] if match else None

    def canonical(self, target: object) -> str | None:
        """Return the value a ``[vocabulary]`` target names (case-insensitive), if any."""
        if isinstance(target, bool) and self.name == "boolean":
            return "true" if target else "false"
        if not isinstance(target, str):
            return None
        if self.name == "grade":
            return read_grade(target)
        lookup = {_compact(v): v for v in self.values}
        return lookup.get(_compact(target))

    def with_wordings(self, extra: Mapping[str, str]) -> Vocabulary:
        """Return the vocabulary with ``extra`` wordings (wording -> value) winning."""
        wordings = dict(self.wordings)
        wordings.update({_compact(k): v for k, v in extra.items()})
        return Vocabulary(self.name, self.values, wordings, self.unknown, self.unknown_means)


def closed(name: str, values: tuple[str, ...]) -> Vocabulary:
    """Return a vocabulary of ``values`` alone, refusing anything else (no safe reading)."""
    return Vocabulary(name, values, {_compact(v): v for v in values}, None)


def _candidates(text: str) -> list[str]:
    """Return ``text``, then without its bracketed part, then the bracketed part alone."""
    inside = _BRACKETS.findall(text)
    outside = _BRACKETS.sub(" ", text)
    return [text, outside, *inside] if inside else [text]


@cache
def builtin() -> dict[str, Vocabulary]:
    """Return the built-in vocabularies of ``stations/data/vocabulary.toml`` by name."""
    source = resources.files("stations").joinpath("data", "vocabulary.toml")
    raw = tomllib.loads(source.read_text(encoding="utf-8"))
    return {name: _from_table(name, table) for name, table in raw.items()}


def _from_table(name: str, table: dict[str, Any]) -> Vocabulary:
    wordings = {_compact(value): value for value in table["values"]}
    for value, words in table.get("synonyms", {}).items():
        wordings.update({_compact(word): value for word in words})
    return Vocabulary(
        name, tuple(table["values"]), wordings, table.get("unknown"), table.get("unknown_means", "")
    )


def vocabularies(overrides: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, Vocabulary]:
    """Return every vocabulary, with a station's ``[vocabulary]`` wordings winning.

    Parameters
    ----------
    overrides
        Vocabulary name -> {wording: value}, already checked by
        :func:`check_overrides`.
    """
    found = builtin()
    if not overrides:
        return dict(found)
    return {name: vocab.with_wordings(overrides.get(name, {})) for name, vocab in found.items()}


def check_overrides(table: object) -> tuple[dict[str, dict[str, str]], list[tuple[str, str]]]:
    """Check a ``[vocabulary]`` table.

    Parameters
    ----------
    table
        The parsed ``[vocabulary]`` table of ``station.toml``.

    Returns
    -------
    tuple
        The usable mapping (name -> {wording: canonical value}) and the problems as
        ``(key, message)`` pairs naming ``vocabulary.<name>`` or ``vocabulary.<name>."<wording>"``.
    """
    known = builtin()
    if not isinstance(table, dict):
        return {}, [("vocabulary", "[vocabulary] must be a table")]
    usable: dict[str, dict[str, str]] = {}
    problems: list[tuple[str, str]] = []
    for name, mapping in sorted(table.items()):
        where = f"vocabulary.{name}"
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f"; did you mean vocabulary.{close[0]}?" if close else ""
            problems.append((where, f"unknown key {where}{hint} (known: {', '.join(known)})"))
            continue
        if not isinstance(mapping, dict):
            message = f'{where} must be a table of "wording" = "value", found {mapping!r}'
            problems.append((where, message))
            continue
        vocab = known[name]
        usable[name] = {}
        for wording, target in mapping.items():
            value = vocab.canonical(target)
            if value is None:
                allowed = ", ".join(vocab.values)
                message = (
                    f'{where}."{wording}" must name a {name} value ({allowed}), found {target!r}'
                )
                problems.append((f'{where}."{wording}"', message))
                continue
            usable[name][wording] = value
    return usable, problems


def suggest_table(unplaced: Mapping[str, Mapping[str, int]]) -> str:
    """Return a ``[vocabulary]`` table mapping every unplaced wording, as TOML text.

    Parameters
    ----------
    unplaced
        Vocabulary name -> {wording as written: number of rows}.

    Returns
    -------
    str
        ``[vocabulary.<name>]`` tables: each wording mapped to its closest known value,
        or, when none is close, a commented line listing the allowed values. Meant to be
        reviewed by the CSA and pasted into ``station.toml``.
    """
    known = builtin()
    lines = [
        "# Wordings planner could not place, each mapped to the closest known value.",
        "# Review every line, correct it where needed, then paste these tables into",
        "# station.toml (merge them with any [vocabulary] table already there).",
    ]
    if not any(unplaced.values()):
        lines.append("# Every value was placed: nothing to add.")
    for name in sorted(unplaced):
        if not unplaced[name] or name not in known:
            continue
        vocab = known[name]
        lines += ["", f"[vocabulary.{name}]", f"# allowed: {', '.join(vocab.values)}"]
        for wording, rows in sorted(unplaced[name].items()):
            key = json.dumps(wording, ensure_ascii=False)
            close = vocab.closest(wording)
            if close is None:
                lines.append(f'# {key} = ""  # {rows} row(s); no close value: choose one above')
            else:
                lines.append(f'{key} = "{close}"  # {rows} row(s); closest known value')
    return "\n".join(lines) + "\n"
