"""Lines a warden zone should not straddle: major roads, railways, rivers and water."""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS

from stations.osm import OsmExtract

__all__ = ["BARRIER_KINDS", "barrier_lines", "barriers_from_layers"]

logger = logging.getLogger(__name__)

MAJOR_ROADS = ("motorway", "trunk", "primary")
BARRIER_RAILWAYS = ("rail", "light_rail", "narrow_gauge", "monorail")
BARRIER_KINDS = ("motorway", "trunk", "primary", "railway", "river", "water", "coastline")


def barrier_lines(osm: OsmExtract | None, crs: CRS) -> gpd.GeoDataFrame:
    """Return the barrier layer in ``crs``: one LineString per row with its ``kind``.

    Major roads (motorway, trunk, primary), railways at ground level (tunnels do not
    divide a neighbourhood; trams run in the street and are left out), rivers and
    canals, the shores of water bodies and the coastline. Empty without an extract.

    Parameters
    ----------
    osm
        The station's extract, or ``None``.
    crs
        The projected CRS of the result.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``kind``, ``name``, ``geometry`` (LineString).
    """
    if osm is None:
        return _empty(crs)
    return barriers_from_layers(osm.roads, osm.railways, osm.water, crs)


def barriers_from_layers(
    roads: gpd.GeoDataFrame,
    railways: gpd.GeoDataFrame,
    water: gpd.GeoDataFrame,
    crs: CRS,
) -> gpd.GeoDataFrame:
    """Return the barrier layer from the extract's road, railway and water layers.

    Parameters
    ----------
    roads
        ``highway, name, tunnel`` lines (as :attr:`stations.osm.OsmExtract.roads`).
    railways
        ``railway, name, tunnel`` lines.
    water
        ``waterway, natural, name`` lines and polygons.
    crs
        The projected CRS of the result.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``kind`` (one of :data:`BARRIER_KINDS`), ``name``, ``geometry``.
    """
    roads = roads[roads["highway"].isin(MAJOR_ROADS) & ~_yes(roads["tunnel"])]
    rails = railways[railways["railway"].isin(BARRIER_RAILWAYS) & ~_yes(railways["tunnel"])]
    rivers = water[water["waterway"].isin(["river", "canal"])]
    shores = water[
        (water["natural"].eq("water") | water["waterway"].eq("riverbank"))
        & water.geom_type.isin(["Polygon", "MultiPolygon"])
    ]
    coast = water[water["natural"].eq("coastline")]
    parts = [
        _lines(roads, roads["highway"]),
        _lines(rails, "railway"),
        _lines(rivers, "river"),
        _lines(shores.assign(geometry=shores.geometry.boundary), "water"),
        _lines(coast, "coastline"),
    ]
    frames = [p.to_crs(crs) for p in parts if not p.empty]
    if not frames:
        return _empty(crs)
    layer = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=crs)
    logger.info("barriers: %s", layer["kind"].value_counts().sort_index().to_dict())
    return layer.reset_index(drop=True)


def _empty(crs: CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"kind": [], "name": []}, geometry=[], crs=crs)


def _yes(values: pd.Series) -> pd.Series:
    return values.astype(str).str.lower().isin(["yes", "true", "1", "building_passage"])


def _lines(frame: gpd.GeoDataFrame, kind: object) -> gpd.GeoDataFrame:
    if frame.empty:
        return _empty(frame.crs)
    out = gpd.GeoDataFrame(
        {"kind": kind if not isinstance(kind, str) else [kind] * len(frame), "name": frame["name"]},
        geometry=frame.geometry.to_numpy(),
        crs=frame.crs,
    )
    # Join the parts of a multi-line end to end first, then one row per remaining part.
    lines = out.geom_type.isin(["LineString", "MultiLineString"]).to_numpy()
    out = out[lines].assign(geometry=shapely.line_merge(out.geometry.to_numpy()[lines]))
    out = out.explode(index_parts=False)
    return out[out.geom_type == "LineString"]
