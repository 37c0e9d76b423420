"""The Leaflet scripts and styles the maps load, shipped with the package (no CDN)."""

from __future__ import annotations

import shutil
from pathlib import Path

ASSET_DIR = Path(__file__).with_name("map_assets")
# (name, path under map_assets/), in load order. Licences sit beside each library.
SCRIPTS = (
    ("leaflet", "leaflet/leaflet.js"),
    ("markercluster", "markercluster/leaflet.markercluster.js"),
    ("fullscreen", "fullscreen/Control.FullScreen.js"),
    ("measure", "measure/leaflet-measure.min.js"),
    ("search", "search/leaflet-search.min.js"),
    ("planner", "planner/planner.js"),
)
STYLES = (
    ("leaflet_css", "leaflet/leaflet.css"),
    ("markercluster_css", "markercluster/MarkerCluster.css"),
    ("markercluster_default_css", "markercluster/MarkerCluster.Default.css"),
    ("fullscreen_css", "fullscreen/Control.FullScreen.css"),
    ("measure_css", "measure/leaflet-measure.css"),
    ("search_css", "search/leaflet-search.min.css"),
    ("planner_css", "planner/planner.css"),
)


def copy_assets(target: Path) -> list[Path]:
    """Copy the map libraries (with their licences) into ``target``; return the files.

    Parameters
    ----------
    target
        The folder the pages' relative links point to (created if missing).

    Returns
    -------
    list of pathlib.Path
        The files copied, sorted.
    """
    shutil.copytree(ASSET_DIR, target, dirs_exist_ok=True)
    return sorted(p for p in target.rglob("*") if p.is_file())


def asset_links(prefix: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the (name, relative URL) lists of scripts and styles for a page.

    Parameters
    ----------
    prefix
        The relative path from the page to the asset folder, ending with ``/``.
    """
    return (
        [(name, prefix + path) for name, path in SCRIPTS],
        [(name, prefix + path) for name, path in STYLES],
    )
