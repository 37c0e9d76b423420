"""Lines a warden zone should not straddle: major roads, railways, rivers and water."""

from __future__ import annotations

import logging

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS

from stations.osm import OsmExtract

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
        return gpd.GeoDataFrame({"kind": [], "name": []}, geometry=[], crs=crs)
    roads = osm.roads
    roads = roads[roads["highway"].isin(MAJOR_ROADS) & ~_yes(roads["tunnel"])]
    rails = osm.railways
    rails = rails[rails["railway"].isin(BARRIER_RAILWAYS) & ~_yes(rails["tunnel"])]
    water = osm.water
    rivers = water[water["waterway"].isin(["river", "canal"])]
    shores = water[water["natural"].eq("water") | water["waterway"].eq("riverbank")]
    coast = water[water["natural"].eq("coastline")]
    parts = [
        _lines(roads, roads["highway"]),
        _lines(rails, "railway"),
        _lines(rivers, "river"),
        _lines(shores.assign(geometry=shores.geometry.boundary), "water"),
        _lines(coast, "coastline"),
    ]
    frames = [p for p in parts if not p.empty]
    if not frames:
        return gpd.GeoDataFrame({"kind": [], "name": []}, geometry=[], crs=crs)
    layer = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326").to_crs(crs)
    logger.info("barriers: %s", layer["kind"].value_counts().to_dict())
    return layer.reset_index(drop=True)


def _yes(values: pd.Series) -> pd.Series:
    return values.astype(str).str.lower().isin(["yes", "true", "1", "building_passage"])


def _lines(frame: gpd.GeoDataFrame, kind: object) -> gpd.GeoDataFrame:
    if frame.empty:
        return gpd.GeoDataFrame({"kind": [], "name": []}, geometry=[], crs="EPSG:4326")
    out = gpd.GeoDataFrame(
        {"kind": kind if not isinstance(kind, str) else [kind] * len(frame), "name": frame["name"]},
        geometry=frame.geometry.to_numpy(),
        crs="EPSG:4326",
    )
    out = out.explode(index_parts=False)
    out = out[out.geom_type == "LineString"]
    out["geometry"] = shapely.line_merge(out.geometry.to_numpy()) if len(out) else out.geometry
    return out[out.geom_type == "LineString"]
