"""The summary of a batch of duty stations: summary.csv and summary.html with a world map.

The world map is an inline SVG drawn from Natural Earth's 1:110m countries (public
domain, shipped in ``outputs/data``), with a dot per duty station coloured by its MOSS
rating; the page needs no internet.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any, TypeGuard

import geopandas as gpd
import pandas as pd
import shapely

from outputs.csv_safe import write_csv_safely
from outputs.escape import html_text

COUNTRIES = Path(__file__).with_name("data") / "countries_110m.geojson"
WIDTH, HEIGHT = 960, 480  # equirectangular: 2.667 px per degree
RATING_COLOURS = {
    "Compliant": "#1a7f37",
    "Largely compliant": "#7cb342",
    "Partially compliant": "#f9a825",
    "Non-compliant": "#c62828",
}
FAILED_COLOUR = "#424242"
_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 1.5em; color: #1f2328; }
h1 { color: #0b2d5c; margin-bottom: 0.2em; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin-top: 1em; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; }
td.num { text-align: right; }
tr.failed td { background: #fdecea; }
.muted { color: #57606a; }
svg { width: 100%; height: auto; background: #eaf2fb; border: 1px solid #d0d7de; }
.legend span { display: inline-block; margin-right: 1em; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
            margin-right: 4px; vertical-align: middle; }
"""


def write_batch_summary(rows: list[dict[str, Any]], folder: Path, *, issued: dt.date) -> list[Path]:
    """Write ``summary.csv`` and ``summary.html`` for a batch of stations.

    Parameters
    ----------
    rows
        One summary row per station (``planner.batch.SUMMARY_COLUMNS``), in input order.
    folder
        The batch folder, holding each station's plan folder.
    issued
        The date printed on the page.

    Returns
    -------
    list of pathlib.Path
        The two files.
    """
    frame = pd.DataFrame(rows)
    for column in ("security_level", "households", "zones"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    csv = write_csv_safely(frame, folder / "summary.csv")
    planned = frame[frame["status"] == "planned"]
    households = int(pd.to_numeric(planned["households"], errors="coerce").fillna(0).sum())
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Duty stations: security plans ({len(rows)})</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Duty stations: security plans</h1>",
        (
            f"<p class='muted'>{len(planned)} of {len(rows)} stations planned, "
            f"{households:,} households; issued {issued.isoformat()}.</p>"
        ),
        _world_map(rows),
        _legend(),
        _table(rows),
        "</body></html>",
    ]
    html = folder / "summary.html"
    html.write_text("\n".join(parts), encoding="utf-8")
    return [csv, html]


def _xy(lon: float, lat: float) -> tuple[float, float]:
    return (lon + 180.0) * WIDTH / 360.0, (90.0 - lat) * HEIGHT / 180.0


def _world_map(rows: list[dict[str, Any]]) -> str:
    countries = gpd.read_file(COUNTRIES)
    paths = []
    for geometry in countries.geometry:
        rings = [
            ring
            for polygon in shapely.get_parts(geometry)
            for ring in (polygon.exterior, *polygon.interiors)
        ]
        d = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (_xy(*c) for c in ring.coords)) + "Z"
            for ring in rings
        )
        paths.append(f"<path d='{d}'/>")
    dots = []
    for row in rows:
        lon, lat = row.get("lon"), row.get("lat")
        if not _number(lon) or not _number(lat):
            continue
        x, y = _xy(float(lon), float(lat))
        colour = (
            RATING_COLOURS.get(str(row.get("compliance_rating")), FAILED_COLOUR)
            if row.get("status") == "planned"
            else FAILED_COLOUR
        )
        title = f"{row.get('station')}: {row.get('compliance_rating') or row.get('status')}"
        dots.append(
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='5' fill='{colour}' stroke='#fff' "
            f"stroke-width='1.2'><title>{html_text(title)}</title></circle>"
        )
    return (
        f"<svg viewBox='0 0 {WIDTH} {HEIGHT}' role='img' aria-label='Duty stations by MOSS "
        "rating'><g fill='#f5f3ef' stroke='#b8b2a7' stroke-width='0.4'>"
        + "".join(paths)
        + "</g>"
        + "".join(dots)
        + "</svg>"
    )


def _legend() -> str:
    items = [*RATING_COLOURS.items(), ("failed or not rated", FAILED_COLOUR)]
    return (
        "<p class='legend'>"
        + "".join(
            f"<span><i style='background:{c}'></i>{html_text(label)}</span>" for label, c in items
        )
        + "</p>"
    )


def _table(rows: list[dict[str, Any]]) -> str:
    head = (
        "<tr><th>Station</th><th>Country</th><th>Security level</th><th>Households</th>"
        "<th>Zones</th><th>Coverage</th><th>MOSS</th><th>Time to reach everyone</th>"
        "<th>Status</th><th>Seconds</th></tr>"
    )
    body = []
    for row in rows:
        name = html_text(str(row.get("station") or row.get("folder") or ""))
        if row.get("status") == "planned" and row.get("index"):
            name = f"<a href='{html_text(str(row['index']))}'>{name}</a>"
        moss = (
            f"{html_text(str(row['compliance_rating']))} ({row['compliance_pct']} %)"
            if row.get("compliance_rating")
            else ""
        )
        minutes = row.get("minutes_to_reach_everyone")
        status = html_text(str(row.get("status") or ""))
        if row.get("error"):
            status += f": {html_text(str(row['error']))}"
        cells = [
            name,
            html_text(str(row.get("country") or "")),
            html_text(str(row.get("security_level") or "")),
            _count(row.get("households")),
            _count(row.get("zones")),
            f"{row['coverage_pct']} %" if _number(row.get("coverage_pct")) else "",
            moss,
            f"{minutes:g} min" if _number(minutes) else "",
            status,
            html_text(str(row.get("seconds") or "")),
        ]
        css = " class='failed'" if row.get("status") != "planned" else ""
        body.append(f"<tr{css}>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return f"<table><thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"


def _number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not (isinstance(value, float) and math.isnan(value))


def _count(value: object) -> str:
    return f"{int(value):,}" if _number(value) else ""
