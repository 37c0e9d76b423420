"""Benchmark the interactive maps at scale: write time, page sizes, load time in Chromium.

Usage: python benchmarks/maps.py [--households 10000] [--chromium /usr/bin/chromium]

Synthesizes a station inside the Helsinki sample's extract (homes in its buildings, so
the offline basemap is drawn) and one in a larger city without an extract, plans
them, writes the maps and opens map.html from file:// in headless Chromium with every
network request blocked, timing until every zone is drawn.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# benchmarks/zones.py is named like the `zones` package: keep this folder off the import path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from outputs.maps import write_maps
from planner.build import build_plan
from planner.moss import check_moss
from planner.moss_rules import load_rules
from planner.publish import map_status
from stations import load_station

SAMPLE = Path(__file__).parents[1] / "stations" / "sample" / "helsinki"
AS_OF = dt.date(2026, 11, 23)


def synthesize(folder: Path, households: int, *, city: str | None) -> Path:
    where = (
        ["--city", city]
        if city
        else [
            "--boundary",
            str(SAMPLE / "boundary.geojson"),
            "--osm",
            str(SAMPLE / "helsinki.osm.pbf"),
        ]
    )
    planner = str(Path(sys.executable).with_name("planner"))
    subprocess.run(
        [planner, "synth", *where, "--households", str(households), "--out", str(folder)],
        check=True,
        capture_output=True,
    )
    return folder


def load_time(page_path: Path, zones: int, chromium: str) -> float:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless=new", "--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        start = time.perf_counter()
        page.goto(page_path.as_uri())
        page.wait_for_function(
            f"document.querySelectorAll('path.wz-zone').length === {zones}", timeout=120_000
        )
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=10_000)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    print(
        "| station | households | zones | write s | map.html MB | zone page KB (median) "
        "| maps/ MB | load in Chromium s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for label, city in (("Helsinki extract", None), ("Bangkok, no extract", "Bangkok")):
            station_dir = synthesize(Path(tmp) / label.split()[0], args.households, city=city)
            station = load_station(station_dir, as_of=AS_OF)
            run = build_plan(station, as_of=AS_OF)
            status = map_status(
                check_moss(run.planned, load_rules(), as_of=AS_OF, travel=run.zoning.travel)
            )
            out = Path(tmp) / f"out-{label.split()[0]}"
            out.mkdir()
            start = time.perf_counter()
            write_maps(run.planned, out, osm=station.osm, status=status)
            seconds = time.perf_counter() - start
            zone_pages = sorted(p.stat().st_size for p in (out / "maps").glob("*.html"))
            total = sum(p.stat().st_size for p in (out / "maps").rglob("*") if p.is_file())
            zones = len(run.planned.zones)
            loaded = load_time(out / "map.html", zones, args.chromium)
            print(
                f"| {label} | {len(run.planned.households):,} | {zones} | {seconds:.1f} | "
                f"{(out / 'map.html').stat().st_size / 1e6:.1f} | "
                f"{zone_pages[len(zone_pages) // 2] / 1e3:.0f} | {total / 1e6:.1f} | "
                f"{loaded:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
