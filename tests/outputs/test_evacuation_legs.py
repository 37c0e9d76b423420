"""The legs in the files: evacuation.json, the GeoPackage, and never on a warden's zone map."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely

from outputs._zone_drawing import prepare_zone_maps
from outputs.evacuation import write_evacuation_json
from outputs.gis import write_geopackage
from planner.build import build_plan
from stations import load_station
from tests.conftest import TINY
from tests.factories import AS_OF
from zones.plan import PlannedStation

HELSINKI = Path(__file__).parents[2] / "stations" / "sample" / "helsinki"


@pytest.fixture(scope="module")
def helsinki() -> PlannedStation:
    return build_plan(load_station(HELSINKI, as_of=AS_OF), as_of=AS_OF, until="plan").planned


@pytest.fixture(scope="module")
def evacuation(helsinki: PlannedStation, tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = write_evacuation_json(helsinki, tmp_path_factory.mktemp("plan") / "evacuation.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_evacuation_json_lists_every_leg_surveyed_or_not(helsinki, evacuation) -> None:
    legs = evacuation["legs"]
    assert len(legs) == len(helsinki.routes)
    for leg in legs:
        assert all(leg[key] for key in ("from", "to", "from_kind", "to_kind")), leg
        assert leg["kind"] == ("alternate" if leg["alternate"] else "primary")
        assert leg["mode"] in {"walking", "driving", "flight"}
        assert leg["label"] == ("surveyed" if leg["surveyed"] else "not surveyed")
        if leg["length_m"] is not None:
            # Minutes are rounded to a tenth: off by half a tenth at most (and a float's ulp).
            assert leg["minutes"] == pytest.approx(leg["time_s"] / 60, abs=0.05 + 1e-9)
        for lon, lat in leg["coordinates"] or []:  # degrees, not the station's metres
            assert 24.0 < lon < 25.5, leg["route_id"]
            assert 60.0 < lat < 61.1, leg["route_id"]  # the relocation site: Hämeenlinna
    relocation = [leg for leg in legs if leg["to"] == "REL01"]
    assert relocation
    assert not any(leg["surveyed"] for leg in relocation)  # inland, beyond the extract
    airport = [leg for leg in legs if leg["to"] == "AIR"]
    beyond = [leg for leg in airport if not leg["surveyed"]]
    assert len(beyond) == 1
    assert beyond[0]["method"] == "straight-line"
    assert beyond[0]["coordinates"][-1] == pytest.approx([24.9633, 60.3172], abs=1e-5)
    assert any(leg["surveyed"] for leg in airport)
    alternates = [leg for leg in legs if leg["alternate"]]
    assert alternates
    assert all(leg["shared_m"] is not None for leg in alternates)
    last = [leg for leg in legs if leg["leg_kind"] == "departure_to_destination"]
    assert [(leg["from"], leg["surveyed"], leg["coordinates"]) for leg in last] == [
        ("AIR", False, None)
    ]


def test_evacuation_json_gives_each_zone_two_assembly_points(helsinki, evacuation) -> None:
    zones = {zone["zone_id"]: zone for zone in evacuation["zones"]}
    assert set(zones) == set(helsinki.zones["zone_id"])
    for zone in zones.values():
        assert zone["alternate"] not in (None, zone["assembly"]), zone
        assert zone["concentration"] == "CP01"
        assert zone["departure"]["international"] == "AIR"  # evacuated: out by the airport


def test_geopackage_routes_say_which_legs_are_not_surveyed(helsinki, tmp_path: Path) -> None:
    path = write_geopackage({"routes": helsinki.routes}, tmp_path / "plan.gpkg")
    routes = pyogrio.read_dataframe(path, layer="routes")
    assert len(routes) == len(helsinki.routes)
    assert routes["surveyed"].dtype == bool
    assert routes["alternate"].dtype == bool
    beyond = routes[(routes["destination_id"] == "AIR") & ~routes["surveyed"]]
    assert list(beyond["method"]) == ["straight-line"]
    assert routes.loc[routes["surveyed"], "method"].eq("network").all()


def test_warden_zone_maps_draw_no_unsurveyed_leg(helsinki) -> None:
    layers = prepare_zone_maps(helsinki)
    routes = helsinki.routes
    surveyed = routes[routes["surveyed"] & routes.geometry.notna()].geometry
    unsurveyed = routes[~routes["surveyed"] & routes.geometry.notna()].geometry
    assert len(unsurveyed)
    drawn = [line for lines in layers.routes.values() for line, _ in lines]
    assert drawn
    for line in drawn:
        assert any(line.equals(s) for s in surveyed)
        assert not any(line.equals(u) for u in unsurveyed)
    # Nothing drawn runs off towards the airport, 15 km north of the extract.
    extract_north = max(shapely.get_coordinates(s)[:, 1].max() for s in surveyed)
    assert max(shapely.get_coordinates(line)[:, 1].max() for line in drawn) <= extract_north


def test_station_without_extract_plans_unsurveyed_legs(tmp_path: Path) -> None:
    planned = build_plan(load_station(TINY, as_of=AS_OF), as_of=AS_OF, until="plan").planned
    routes = planned.routes
    assert len(routes)
    assert not routes["surveyed"].any()
    assert set(routes["method"]) <= {"straight-line", "not routed"}
    assert not routes["alternate"].any()
    assert prepare_zone_maps(planned).routes == {}
    legs = json.loads(write_evacuation_json(planned, tmp_path / "e.json").read_text())["legs"]
    assert legs
    assert {leg["label"] for leg in legs} == {"not surveyed"}
    assert np.isfinite([leg["length_m"] for leg in legs if leg["length_m"] is not None]).all()


def test_security_plan_tells_evacuation_from_relocation(tmp_path: Path) -> None:
    from tests.outputs.test_security_plan import body_text, write

    html, pdf = write(TINY, tmp_path, redact=False, threats=False)
    for text in (" ".join(html.read_text(encoding="utf-8").split()), body_text(pdf)):
        assert "when relocation is ordered, on to the airport" not in text
        assert "national staff are relocated, not evacuated" in text
        assert "When evacuation is ordered they go on to the airport or border crossing" in text
        assert "not surveyed" in text  # the tiny station's legs are straight lines
