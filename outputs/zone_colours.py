"""One colouring of the warden zones for every map: the station map, zone pages, the plan, lists.

Touching zones never share a colour; the same zones always get the same colours.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

# Distinct hues, strongest first (greedy colouring rarely needs more than six); no two
# are light and dark shades of one hue, so neighbours never look alike.
ZONE_COLOURS = (
    "#1f78b4",  # blue
    "#33a02c",  # green
    "#e31a1c",  # red
    "#ff7f00",  # orange
    "#6a3d9a",  # purple
    "#b15928",  # brown
    "#0f9ea8",  # teal
    "#d0399b",  # magenta
    "#808000",  # olive
    "#5c6b7a",  # slate
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
