"""Nearest named streets."""

from __future__ import annotations

from pathlib import Path

import pyrosm
import pytest
import shapely
from pyproj import CRS

from stations.osm import OsmExtract
from zones.nearby import nearest_street

UTM35 = CRS.from_epsg(32635)


@pytest.fixture(scope="module")
def roads():
    helsinki = OsmExtract(Path(pyrosm.get_data("helsinki_pbf")))
    return helsinki.roads.to_crs(UTM35)


def test_nearest_street_names_the_street_a_point_is_on(roads):
    named = roads[roads["name"].notna() & (roads["name"].astype(str).str.strip() != "")]
    streets, names = roads.geometry.to_numpy(), roads["name"].to_numpy()
    for line, name in list(zip(named.geometry, named["name"], strict=True))[::400][:5]:
        spot = shapely.line_interpolate_point(line, 0.5, normalized=True)
        found = nearest_street((spot.x, spot.y), streets, names)
        assert found is not None
        assert found[1] == pytest.approx(0.0, abs=1e-6)
        on_spot = named[named.distance(spot) < 1e-6]["name"].str.strip()
        assert found[0] == name.strip() or found[0] in set(on_spot)


def test_no_street_near_a_point_far_out_at_sea(roads):
    west, south, _east, _north = roads.total_bounds
    assert nearest_street((west - 5000, south - 5000), roads.geometry.to_numpy(),
                          roads["name"].to_numpy()) is None  # fmt: skip
