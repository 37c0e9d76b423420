"""One colouring of the warden zones for every map: the station map, zone pages, the plan, lists.

Touching zones never share a colour; the same zones always get the same colours.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

ZONE_COLOURS = (
    "#1f78b4",
    "#33a02c",
    "#e31a1c",
    "#ff7f00",
    "#6a3d9a",
    "#b15928",
    "#a6cee3",
    "#b2df8a",
    "#fb9a99",
    "#fdbf6f",
    "#cab2d6",
    "#8dd3c7",
)


def zone_colours(zones: gpd.GeoDataFrame) -> dict[str, str]:
    """Colour zones so that no two touching zones share a colour (greedy, by zone id).

    Parameters
    ----------
    zones
        The zones with ``zone_id`` and polygons (any one CRS).

    Returns
    -------
    dict
        Zone id to a hex colour of ``ZONE_COLOURS``.
    """
    order = np.argsort(zones["zone_id"].astype(str).to_numpy(), kind="stable")
    geoms = zones.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    colours: dict[int, int] = {}
    for i in order:
        used = {colours[j] for j in tree.query(geoms[i], predicate="intersects") if j in colours}
        colours[i] = next(c for c in range(len(geoms) + 1) if c not in used)
    ids = zones["zone_id"].astype(str).to_numpy()
    return {ids[i]: ZONE_COLOURS[c % len(ZONE_COLOURS)] for i, c in colours.items()}
