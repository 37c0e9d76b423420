"""GeoJSON layers of a planned station for the Leaflet maps, with their tooltips and popups.

Properties carry plain text only (``tip`` and ``popup`` cards of ``[label, value]`` rows);
the page writes them with ``textContent``, so no station string is ever parsed as HTML.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd
import shapely
import shapely.geometry

from outputs.zone_colours import ZONE_COLOURS
from stations.text import text_of
from zones.plan import PlannedStation

DIGITS = 5
OFFICE_COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "n/a": "#757575"}
ROUTE_STYLES = {
    "zone_to_assembly": {"color": "#1b8a3a", "weight": 3, "opacity": 0.9},
    "zone_to_alternate_assembly": {"color": "#7cb342", "weight": 3, "opacity": 0.9},
    "zone_to_hibernation": {"color": "#8e24aa", "weight": 3, "opacity": 0.9},
    "assembly_to_concentration": {"color": "#d9822b", "weight": 4, "opacity": 0.9},
    "concentration_to_departure": {"color": "#37474f", "weight": 4, "opacity": 0.9},
    "concentration_to_relocation": {"color": "#00838f", "weight": 4, "opacity": 0.9},
}
# The legend's words for each leg kind drawn (every kind drawn has its entry).
ROUTE_LABELS = {
    "zone_to_assembly": "Route from a zone to its assembly point",
    "zone_to_alternate_assembly": "Route from a zone to its alternate assembly point",
    "zone_to_hibernation": "Route from a zone to its hibernation site",
    "assembly_to_concentration": "Route to the concentration point",
    "concentration_to_departure": "Evacuation: to the airport or border crossing",
    "concentration_to_relocation": "Relocation: to a relocation site or safe haven",
}
# A leg's alternate route (avoiding the first route's streets): thinner, finely dashed.
ALTERNATE_STYLE = {"weight": 2, "opacity": 0.8, "dashArray": "2 5"}
# A leg or part of one beyond the street extract (or without one) is not surveyed: a
# straight line, drawn faint and dashed whatever its kind, and never on a warden's map.
STRAIGHT_LINE_STYLE = {"color": "#546e7a", "weight": 2, "opacity": 0.55, "dashArray": "6 8"}
NOT_SURVEYED = "Not surveyed: straight line beyond the street extract"
POINT_LAYERS = {
    "assembly": ("assembly", "concentration", "safe_haven", "relocation_site", "hibernation"),
    "hospitals": ("hospital",),
    "hotels": ("hotel",),
    "other": ("airport", "border_crossing", "police"),
}


@dataclass(frozen=True)
class MapStatus:
    """MOSS results shown on the maps (built by the planner; the maps decide nothing).

    Attributes
    ----------
    zones
        Zone id -> compliance text, e.g. ``"4 of 5 checks pass"``.
    offices
        Office id -> ``"pass"``, ``"fail"`` or ``"n/a"``.
    failing_offices
        Office id -> the failed checks, in words.
    """

    zones: dict[str, str] = field(default_factory=dict)
    offices: dict[str, str] = field(default_factory=dict)
    failing_offices: dict[str, list[str]] = field(default_factory=dict)


def collection(features: Iterable[dict]) -> dict:
    """Return a GeoJSON FeatureCollection of ``features``."""
    return {"type": "FeatureCollection", "features": list(features)}


def feature(geometry: shapely.Geometry, **properties: object) -> dict:
    """Return a GeoJSON feature with coordinates rounded to about a metre."""
    return {"type": "Feature", "properties": properties, "geometry": _rounded(geometry)}


class Roster:
    """Names, agencies and phones of staff, looked up by id (empty text when unknown)."""

    COLUMNS = ("name", "agency", "phone", "phone2", "radio_callsign", "address")

    def __init__(self, planned: PlannedStation) -> None:
        staff = planned.station.staff.drop_duplicates("staff_id")
        columns = [c for c in self.COLUMNS if c in staff.columns]
        values = [_texts(staff[c]) for c in columns]  # column by column: no row objects
        self._staff = {
            staff_id: dict(zip(columns, row, strict=True))
            for staff_id, *row in zip(_texts(staff["staff_id"]), *values, strict=True)
        }

    def field(self, staff_id: object, column: str) -> str:
        """Return one field of a staff member as text."""
        return self._staff.get(text_of(staff_id), {}).get(column, "")

    def person(self, staff_id: str) -> dict[str, str]:
        """Return a staff member's fields by column (empty when unknown)."""
        return self._staff.get(staff_id.strip(), {})

    def contact(self, staff_id: object) -> str:
        """Return "name (agency), phone, radio call sign" of a staff member."""
        name = self.field(staff_id, "name")
        if not name:
            return "not appointed"
        agency = self.field(staff_id, "agency")
        parts = [f"{name} ({agency})" if agency else name]
        parts += [self.field(staff_id, c) for c in ("phone", "radio_callsign")]
        return ", ".join(p for p in parts if p)


def zone_layer(
    planned: PlannedStation,
    roster: Roster,
    status: MapStatus,
    colours: dict[str, str],
    *,
    redact: bool,
) -> dict:
    """Return the zones: polygons with tooltip, popup, search text and label."""
    features = []
    for zone in planned.zones.itertuples():
        zone_id, name = str(zone.zone_id), text_of(zone.zone_name)
        compliance = status.zones.get(zone_id, "not checked")
        title = f"{zone_id} {name}".strip()
        rows = [["Area", text_of(zone.area_id)]]
        if not redact:
            rows += [
                ["Warden", roster.field(zone.warden_id, "name") or "not appointed"],
                ["Deputy", roster.field(zone.deputy_id, "name") or "not appointed"],
            ]
        rows += [
            ["Households", str(int(zone.households))],
            [
                "People",
                (
                    f"{int(zone.headcount)} ({int(zone.staff)} staff, {int(zone.dependants)} "
                    f"dependant{'' if int(zone.dependants) == 1 else 's'}"
                    + _visitors_text(int(getattr(zone, "visitors", 0)))
                    + ")"
                ),
            ],
            ["MOSS", compliance],
        ]
        popup_rows = list(rows)
        if not redact:
            popup_rows[1:3] = [
                ["Warden", roster.contact(zone.warden_id)],
                ["Deputy", roster.contact(zone.deputy_id)],
            ]
        colour = colours.get(zone_id, ZONE_COLOURS[0])
        style = {"color": colour, "weight": 2.5, "fillColor": colour, "fillOpacity": 0.18}
        searchable = [zone_id, name]
        if not redact:
            searchable.append(roster.field(zone.warden_id, "name"))
        label = zone_id if not redact else f"{zone_id} · {int(zone.households)} households"
        spot = zone.geometry.representative_point()
        features.append(
            feature(
                zone.geometry,
                zone_id=zone_id,
                search=" · ".join(s for s in searchable if s),
                tip={"title": title, "rows": rows},
                popup={"title": f"Warden zone {title}", "rows": popup_rows},
                style=style,
                label=label,
                label_at=[round(spot.x, DIGITS), round(spot.y, DIGITS)],
            )
        )
    return collection(features)


def as_neighbour(zone: dict) -> dict:
    """Return a zone feature as a faint outline naming only its id (on another zone's map)."""
    props = zone["properties"]
    title = props["tip"]["title"]
    return {
        **zone,
        "properties": {
            **props,
            "search": title,
            "tip": {"title": title, "rows": []},
            "popup": None,
            "style": {
                "color": "#546e7a",
                "weight": 1.5,
                "fillOpacity": 0.04,
                "fillColor": "#546e7a",
            },
        },
    }


def household_layer(planned: PlannedStation, roster: Roster) -> dict:
    """Return households as points, each with a popup of its staff and their contacts."""
    homes = planned.households
    features = []
    for household_id, zone_id, staff_ids, dependants, geometry in zip(
        homes["household_id"],
        homes["zone_id"],
        _texts(homes["staff_ids"]),
        homes["dependants"],
        _geometries(homes.geometry),
        strict=True,
    ):
        rows = []
        members = staff_ids.split(";")
        for staff_id in members:
            if not staff_id:
                continue
            person = roster.person(staff_id)
            rows.append([person.get("name") or staff_id, _person_line(person)])
        rows.append(["Dependants", str(int(dependants))])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "zone_id": text_of(zone_id),
                    "popup": {
                        "title": f"Household {household_id} · zone {zone_id}",
                        "rows": rows,
                        "note": roster.person(members[0]).get("address", ""),
                    },
                },
                "geometry": geometry,
            }
        )
    return collection(features)


def appointee_layer(planned: PlannedStation, roster: Roster) -> dict:
    """Return wardens, deputies and alternates at their homes, with a distinct symbol each."""
    staff = planned.station.staff.drop_duplicates("staff_id").set_index("staff_id")
    appointments = planned.appointments[planned.appointments["zone_id"].notna()]
    features = []
    for item in appointments.sort_values(["zone_id", "role"]).itertuples():
        if item.staff_id not in staff.index:
            continue
        symbol = {"warden": "warden", "deputy": "deputy"}.get(item.role, "deputy")
        role = str(item.role).replace("_", " ")
        features.append(
            feature(
                staff.at[item.staff_id, "geometry"],
                zone_id=text_of(item.zone_id),
                symbol=symbol,
                big=item.role == "warden",
                tip={
                    "title": f"{role.capitalize()} of {item.zone_id}",
                    "rows": [["Name", roster.field(item.staff_id, "name")]],
                },
                popup={
                    "title": f"{role.capitalize()} of zone {item.zone_id}",
                    "rows": [
                        ["Name", roster.field(item.staff_id, "name")],
                        ["Agency", roster.field(item.staff_id, "agency")],
                        ["Phone", roster.field(item.staff_id, "phone")],
                        ["Second phone", roster.field(item.staff_id, "phone2")],
                        ["Radio", roster.field(item.staff_id, "radio_callsign")],
                    ],
                },
            )
        )
    return collection(features)


def office_layer(planned: PlannedStation, status: MapStatus) -> dict:
    """Return offices as symbols coloured by their MOSS status, failures in the popup."""
    offices = planned.station.offices
    offices = offices[offices["status"] == "accepted"]
    features = []
    for office in offices.itertuples():
        office_id = str(office.office_id)
        verdict = status.offices.get(office_id, "n/a")
        failing = status.failing_offices.get(office_id, [])
        features.append(
            feature(
                office.geometry,
                symbol="office",
                big=True,
                style={"fillColor": OFFICE_COLOURS.get(verdict, OFFICE_COLOURS["n/a"])},
                moss=verdict,
                tip={"title": text_of(office.name), "rows": [["MOSS", verdict]]},
                popup={
                    "title": text_of(office.name),
                    "rows": [
                        ["Agency", text_of(office.agency)],
                        ["Kind", text_of(office.kind)],
                        ["MOSS", verdict],
                        *(["Gap", reason] for reason in failing),
                    ],
                },
            )
        )
    return collection(features)


def point_layer(planned: PlannedStation, kinds: tuple[str, ...]) -> dict:
    """Return the station's points of the given kinds (assembly, hospital, hotel...)."""
    points = planned.station.points
    points = points[(points["status"] == "accepted") & points["kind"].isin(kinds)]
    features = []
    for point in points.sort_values("point_id").itertuples():
        rows = [["Kind", str(point.kind).replace("_", " ")]]
        capacity = getattr(point, "capacity", None)
        if capacity is not None and not pd.isna(capacity):
            rows.append(["Capacity", f"{int(capacity)} people"])
        for column in ("address", "phone"):
            value = text_of(getattr(point, column, None))
            if value:
                rows.append([column.capitalize(), value])
        features.append(
            feature(
                point.geometry,
                symbol=str(point.kind),
                big=point.kind in {"assembly", "concentration"},
                tip={"title": text_of(point.name), "rows": rows[:2]},
                popup={"title": f"{point.point_id} · {text_of(point.name)}", "rows": rows},
            )
        )
    return collection(features)


def repeater_layer(planned: PlannedStation) -> tuple[dict, dict]:
    """Return radio repeaters (symbols) and their coverage circles (``range_m``)."""
    points = planned.station.points
    repeaters = points[(points["status"] == "accepted") & (points["kind"] == "repeater")]
    symbols, circles = [], []
    for item in repeaters.sort_values("point_id").itertuples():
        reach = getattr(item, "range_m", math.nan)
        has_range = reach is not None and not pd.isna(reach) and float(reach) > 0
        rows = [["Coverage", f"{float(reach) / 1000:.1f} km radius" if has_range else "unknown"]]
        card = {"title": f"Repeater {item.point_id} · {text_of(item.name)}", "rows": rows}
        symbols.append(feature(item.geometry, symbol="repeater", tip=card, popup=card))
        if has_range:
            circles.append(
                feature(
                    item.geometry,
                    radius=float(reach),
                    style={
                        "color": "#7b1fa2",
                        "weight": 1,
                        "fillColor": "#7b1fa2",
                        "fillOpacity": 0.03,
                        "dashArray": "4 4",
                    },
                    tip=card,
                )
            )
    return collection(symbols), collection(circles)


def site_layer(sites: gpd.GeoDataFrame | None) -> dict:
    """Return suggested assembly and concentration sites with what they would cover."""
    if sites is None or sites.empty:
        return collection([])
    features = []
    for site in sites.to_crs(4326).itertuples():
        kind = str(site.kind)
        card = {
            "title": f"Suggested {kind} site {site.site_id}: {text_of(site.name)}",
            "rows": [
                ["OSM feature", text_of(site.osm_kind)],
                ["Would cover", f"{int(site.households)} households, {int(site.headcount)} people"],
                ["Capacity", f"about {int(site.capacity)} people ({text_of(site.capacity_basis)})"],
                ["Zones", text_of(site.zones)],
            ],
            "note": "An estimate from OpenStreetMap: check the site on the ground.",
        }
        features.append(feature(site.geometry, symbol="suggested", tip=card, popup=card))
    return collection(features)


def area_layer(planned: PlannedStation, roster: Roster, *, redact: bool) -> dict:
    """Return areas as dashed outlines with their coordinator (ASC, CSA or CSFP)."""
    features = []
    for area in planned.areas.itertuples():
        role = text_of(area.coordinator_role) or "coordinator"
        who = "appointed" if redact else roster.contact(area.coordinator_id)
        if not text_of(area.coordinator_id):
            who = "not appointed"
        card = {
            "title": f"Area {area.area_id} · {text_of(area.area_name)}",
            "rows": [[role, who]],
        }
        if area.geometry is None or area.geometry.is_empty:
            continue
        features.append(feature(area.geometry, tip=card, popup=card))
    return collection(features)


def route_layer(planned: PlannedStation) -> dict:
    """Return the legs of the journey with length, time, and whether they were surveyed.

    Each leg's first route, its alternate where it is a distinct other way, and the part
    of a leg beyond the street extract (not surveyed, faint and dashed). A leg to a
    departure point names the destination beyond it. A redacted plan
    (`outputs.redaction.redact_planned`) has routes from zones cut short and without
    length or time: they show as "not shown".
    """
    routes = planned.routes
    onward = {
        str(r.origin_id): str(r.destination_id)
        for r in routes[routes["kind"] == "departure_to_destination"].itertuples()
    }
    routes = routes[routes.geometry.notna() & ~routes.geometry.is_empty]
    routes = routes[~routes["alternate"].astype(bool) | routes["distinct"].astype(bool)]
    unknown = "not shown" if planned.redacted else "unknown"
    features = []
    for route in routes.itertuples():
        surveyed = bool(route.surveyed)
        rows = [
            ["From", str(route.origin_id)],
            ["To", str(route.destination_id)],
            *_measures(route, unknown),
            ["Surveyed", "yes, on the street network" if surveyed else NOT_SURVEYED],
            *_alternate_rows(route),
        ]
        if str(route.destination_id) in onward:
            rows.append(["Onward to", onward[str(route.destination_id)] + " (not surveyed)"])
        style = dict(ROUTE_STYLES.get(route.kind, ROUTE_STYLES["zone_to_assembly"]))
        if bool(route.alternate):
            style |= ALTERNATE_STYLE
        if not surveyed:
            style |= STRAIGHT_LINE_STYLE
        title = ROUTE_LABELS.get(str(route.kind), str(route.kind).replace("_", " "))
        if bool(route.alternate):
            title = f"Alternate: {title[0].lower()}{title[1:]}"
        features.append(
            feature(
                route.geometry,
                kind=str(route.kind),
                leg=str(route.leg),
                alternate=bool(route.alternate),
                surveyed=surveyed,
                origin=str(route.origin_id),
                destination=str(route.destination_id),
                method=str(route.method),
                style=style,
                tip={"title": title, "rows": rows},
            )
        )
    return collection(features)


def _measures(route: object, unknown: str) -> list[list[str]]:
    minutes = _finite(getattr(route, "time_s", None))
    length = _finite(getattr(route, "length_m", None))
    return [
        ["Length", f"{length / 1000:.1f} km" if length is not None else unknown],
        ["Time", f"{minutes / 60:.0f} min" if minutes is not None else unknown],
        ["Travel", str(getattr(route, "mode", ""))],
    ]


def _alternate_rows(route: object) -> list[list[str]]:
    """Return how much of the first route the alternate shares, or that there is none."""
    shared = _finite(getattr(route, "shared_m", None))
    if shared is None:
        return []
    if not bool(getattr(route, "distinct", False)):
        return [["Alternate", "no distinct alternate (it shares most of these streets)"]]
    label = (
        "Shares with the first route"
        if bool(getattr(route, "alternate", False))
        else ("Alternate route shares")
    )
    return [[label, f"{shared / 1000:.1f} km"]]


def _finite(value: object) -> float | None:
    """Return a finite number, or None for a missing or infinite one."""
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def _person_line(person: dict[str, str]) -> str:
    parts = [person.get(c, "") for c in ("agency", "phone", "radio_callsign")]
    return ", ".join(p for p in parts if p)


def _texts(column: pd.Series) -> list[str]:
    """Return a column's cells as text (`stations.text.text_of`)."""
    return [text_of(v) for v in column.to_numpy(dtype=object)]


def _geometries(geometry: gpd.GeoSeries) -> list[dict]:
    """Return each geometry as rounded GeoJSON, points read in one call (as `feature` does)."""
    geoms = geometry.to_numpy()
    if len(geoms) and bool((shapely.get_type_id(geoms) == 0).all()):
        xy = shapely.get_coordinates(geoms).tolist()
        return [
            {"type": "Point", "coordinates": [round(x, DIGITS), round(y, DIGITS)]} for x, y in xy
        ]
    return [_rounded(g) for g in geoms]


def _rounded(geometry: shapely.Geometry) -> dict:
    if geometry.geom_type == "Point":
        return {
            "type": "Point",
            "coordinates": [round(geometry.x, DIGITS), round(geometry.y, DIGITS)],
        }
    mapping = shapely.geometry.mapping(geometry)
    return {"type": mapping["type"], "coordinates": _round(mapping["coordinates"])}


def _round(value: object) -> object:
    if isinstance(value, (tuple, list)):
        if value and isinstance(value[0], float | int):
            return [round(float(v), DIGITS) for v in value[:2]]
        return [_round(v) for v in value]
    return value


def _visitors_text(visitors: int) -> str:
    """Return ``, 2 visitors`` (nothing without visitors), for a zone's headcount."""
    return f", {visitors} visitor{'' if visitors == 1 else 's'}" if visitors else ""
