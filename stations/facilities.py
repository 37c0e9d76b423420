"""Check the offices and points tables row by row."""

from __future__ import annotations

import dataclasses

from stations._values import parse_count, parse_float
from stations.records import RecordCheck
from stations.schema import (
    NAME,
    OFFICE_EQUIPMENT,
    OFFICE_ID,
    OFFICE_KIND,
    OFFICE_VEHICLES,
    POINT_ID,
    POINT_KIND,
    POINT_TRAUMA,
)
from stations.vocabulary import Vocabulary


def check_offices(check: RecordCheck, vocabularies: dict[str, Vocabulary]) -> None:
    """Check every office row: ids, names, kinds, coordinates, equipment flags and vehicles.

    An office kind nobody recognises is a warning and reads as ``office`` (not the
    main office); equipment flags read through the boolean vocabulary.
    """
    check.require_values((OFFICE_ID, NAME, OFFICE_KIND))
    check.unique_ids(OFFICE_ID)
    check.coordinates()
    check.vocabulary_column(OFFICE_KIND, vocabularies["office_kind"])
    check.parse_bools(OFFICE_EQUIPMENT, vocabularies["boolean"])
    check.parse_counts(OFFICE_VEHICLES, default=None)
    accepted = check.frame.index[check.kept()]
    if len(accepted) and not (check.frame.loc[accepted, OFFICE_KIND] == "main office").any():
        first = int(accepted[0])
        check.report(
            first,
            OFFICE_KIND,
            "no office has kind 'main office'; areas are measured from the main office, "
            "so mark one",
            severity="warning",
            code="no_main_office",
        )


def check_points(check: RecordCheck, vocabularies: dict[str, Vocabulary]) -> None:
    """Check every point row: ids, kinds, coordinates, capacity, range and trauma care.

    A point kind nobody recognises rejects the row: the point might be where people
    are sent (an assembly or concentration point). The optional ``trauma`` column (does
    a hospital take trauma cases) reads through the boolean vocabulary, like the offices'
    equipment; a value nobody recognises is a warning and reads as unknown.
    """
    check.require_values((POINT_ID, POINT_KIND, NAME))
    check.unique_ids(POINT_ID)
    check.coordinates()
    check.vocabulary_column(POINT_KIND, vocabularies["point_kind"])
    if "capacity" in check.frame.columns:
        check.frame["capacity"] = check.parse_column("capacity", parse_count)
    if "range_m" in check.frame.columns:
        check.frame["range_m"] = check.parse_column("range_m", _positive)
    trauma = dataclasses.replace(vocabularies["boolean"], unknown_means="unknown")
    check.parse_bools((POINT_TRAUMA,), trauma)
    for index, row in check.frame.iterrows():
        if row[POINT_KIND] == "repeater" and row.get("range_m") is None:
            check.report(
                int(index),
                "range_m",
                "a repeater needs its range in metres (range_m); coverage cannot be checked",
                severity="warning",
                code="missing",
            )


def _positive(text: str) -> float:
    value = parse_float(text)
    if value <= 0:
        raise ValueError(f"expected a distance in metres > 0, found {text!r}")
    return value
