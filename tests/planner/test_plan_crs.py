"""The station and its plan live in the station's projected CRS: one CRS, metres, everywhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import geopandas as gpd

from outputs.degrees import plan_in_degrees
from outputs.redaction import redact_planned
from planner.build import build_plan
from stations.load import load_station

AS_OF = dt.date(2026, 11, 15)
HELSINKI = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"
OSM_LAYERS = ("roads", "railways", "water", "buildings", "places", "pois")


def _frames(owner: object) -> dict[str, gpd.GeoDataFrame]:
    return {
        f.name: getattr(owner, f.name)
        for f in dataclasses.fields(owner)
        if isinstance(getattr(owner, f.name), gpd.GeoDataFrame)
    }


def test_every_frame_of_the_station_and_the_plan_is_in_the_station_crs() -> None:
    station = load_station(HELSINKI, as_of=AS_OF)
    crs = station.crs
    assert crs.is_projected
    station_frames = _frames(station)
    assert set(station_frames) == {
        "staff",
        "households",
        "offices",
        "points",
        "boundary",
        "visitors",
    }
    frames = {f"station.{name}": frame for name, frame in station_frames.items()}
    frames |= {f"osm.{layer}": getattr(station.osm, layer) for layer in OSM_LAYERS}
    run = build_plan(station, as_of=AS_OF)
    planned = run.planned
    plan_frames = _frames(planned)
    assert set(plan_frames) == {"zones", "households", "staff", "areas", "routes", "visitors"}
    frames |= {f"plan.{name}": frame for name, frame in plan_frames.items()}
    redacted = _frames(redact_planned(planned))
    frames |= {f"redacted.{name}": frame for name, frame in redacted.items()}
    assert run.sites
    for suggestions in run.sites:
        frames[f"sites.{suggestions.point_kind}"] = suggestions.sites
    wrong = {name: str(frame.crs) for name, frame in frames.items() if not frame.crs.equals(crs)}
    assert wrong == {}
    # The input's lat and lon stay as written; the geometry is their projection.
    staff = station.accepted_staff
    again = gpd.GeoSeries.from_xy(staff["lon"], staff["lat"], crs=4326).to_crs(crs)
    assert again.geom_equals_exact(staff.geometry.set_crs(crs), tolerance=1e-6).all()
    # The writers' copy in degrees holds every frame of the plan and of the station.
    degrees = plan_in_degrees(planned)
    everything = {**_frames(degrees), **_frames(degrees.station)}
    assert {str(f.crs) for f in everything.values()} == {"EPSG:4326"}
    assert degrees.station.osm is station.osm
