"""Zone polygons stay valid when they are written in degrees or read back in metres."""

from __future__ import annotations

import geopandas as gpd
import shapely

from zones.plan import polygons_to_crs


def test_reprojection_repairs_self_intersections() -> None:
    # A bow tie: what a hair-thin spike becomes when rounding crosses two edges.
    bowtie = shapely.Polygon([(24.90, 60.15), (24.92, 60.17), (24.92, 60.15), (24.90, 60.17)])
    square = shapely.box(24.93, 60.15, 24.95, 60.17)
    frame = gpd.GeoDataFrame({"zone_id": ["Z1", "Z2"]}, geometry=[bowtie, square], crs=4326)
    assert not frame.is_valid.all()
    metres = polygons_to_crs(frame, 32635)
    assert metres.crs.to_epsg() == 32635
    assert metres.is_valid.all()
    assert metres["zone_id"].tolist() == ["Z1", "Z2"]
    # Both lobes of the bow tie are kept; the valid square is untouched.
    assert metres.geometry.iloc[0].geom_type == "MultiPolygon"
    assert metres.geometry.iloc[1].equals(frame.to_crs(32635).geometry.iloc[1])
    back = polygons_to_crs(metres, 4326)
    assert back.crs.to_epsg() == 4326
    assert back.is_valid.all()
