"""records() gives the rows pandas' to_dict("records") gives, geometry left out."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from outputs.records import records


def test_rows_are_those_of_to_dict_whatever_the_column_types() -> None:
    frame = gpd.GeoDataFrame(
        {
            "staff_id": ["S1", "S2", None],
            "count": [1, 2, 3],
            "share": [0.5, np.nan, 1.25],
            "when": pd.to_datetime(["2026-11-15", None, "2026-12-01"]),
            "flag": [True, False, True],
            "name": pd.array(["Aino", None, "Ben"], dtype="string"),
            "code": pd.Series(["A", None, "C"], dtype="str"),
        },
        geometry=[shapely.Point(0, 0)] * 3,
        crs=3067,
    )
    expected = pd.DataFrame(frame.drop(columns="geometry")).to_dict("records")
    got = records(frame)
    assert len(got) == len(expected) == 3
    for row, want in zip(got, expected, strict=True):
        assert list(row) == list(want)  # same columns, same order, no geometry
        for column, value in want.items():
            assert type(row[column]) is type(value), column
            assert row[column] == value or (pd.isna(row[column]) and pd.isna(value))


def test_columns_keep_the_frame_order_and_an_empty_choice_keeps_the_rows() -> None:
    frame = pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": [0.1, 0.2]})
    assert records(frame, ("c", "a")) == [{"a": 1, "c": 0.1}, {"a": 2, "c": 0.2}]
    assert records(frame, ()) == [{}, {}]
