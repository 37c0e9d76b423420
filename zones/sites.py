"""Suggest assembly and concentration sites where MOSS coverage or capacity fails.

Demand is every household farther than the rule's distance from the nearest
accepted point of the kind (no route at all when the rule only asks for a route),
plus every household of a zone whose nearest point cannot hold the zone's headcount
(the zones the MOSS capacity check names). Each household weighs its headcount.

Candidates are open spaces and large buildings from the OSM extract (schools,
universities, colleges, parks, stadiums, sports centres, hotels) and the station's own
offices and compounds, inside the station boundary. Their capacity is a rough estimate:

- open spaces (parks, stadiums): the polygon's area at 1 m² per person standing;
- buildings (schools, hotels, offices...): the ground-floor footprint of the buildings
  on the site at 2 m² per person (one floor only, halls and corridors included).

A candidate without an area or a building to measure is left out. A candidate
covers a household when it is within the distance and can hold the headcount of the
household's zone (the rule the capacity check applies to existing points); the people
sent to a site never exceed its capacity.

The sites are chosen with the maximal covering location problem (Church and ReVelle,
1974), solved exactly as a mixed-integer programme by SciPy's HiGHS
(``scipy.optimize.milp``): at most ``max_sites`` sites that cover the largest uncovered
headcount within their capacities. Each household then goes to the nearest chosen site
with room (those with fewer choices first). Among equally good choices the sites
nearer to the demand they cover are preferred, then the first in a fixed candidate
order, so the same inputs always give the same sites.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from stations.schema import WGS84
from stations.station import Station
from zones.network import TravelModel
from zones.plan import PlannedStation

__all__ = [
    "CANDIDATE_COLUMNS",
    "SITE_COLUMNS",
    "SiteSuggestions",
    "candidate_sites",
    "suggest_sites",
]

logger = logging.getLogger(__name__)

OPEN_SPACE_KINDS = ("park", "stadium")
BUILDING_KINDS = ("school", "university", "college", "sports_centre", "hotel")
OPEN_M2_PER_PERSON = 1.0
INDOOR_M2_PER_PERSON = 2.0
DUPLICATE_WITHIN_M = 30.0
EXISTING_POINT_WITHIN_M = 50.0
CANDIDATE_COLUMNS = ("osm_kind", "name", "source", "capacity", "capacity_basis", "geometry")
SITE_COLUMNS = (
    "site_id",
    "kind",
    "osm_kind",
    "name",
    "source",
    "households",
    "headcount",
    "capacity",
    "capacity_basis",
    "zones",
    "distance_method",
    "geometry",
)


@dataclass(frozen=True, eq=False)
class SiteSuggestions:
    """Suggested sites for one point kind and the gap they leave.

    Attributes
    ----------
    point_kind
        The kind of point the sites would be, e.g. ``"assembly"``.
    max_distance_m
        The coverage distance in metres; ``None`` when a route of any length will do.
    distance_method
        ``"network"`` or ``"straight-line"``.
    sites
        One row per suggested site (columns :data:`SITE_COLUMNS`, station CRS), largest
        newly covered headcount first.
    demand_households, demand_headcount
        Households (and people) uncovered or in a zone short of capacity before.
    residual_households, residual_headcount
        Those still not covered by any suggested site.
    residual_zones
        The zones of those households, sorted.
    """

    point_kind: str
    max_distance_m: float | None
    distance_method: str
    sites: gpd.GeoDataFrame
    demand_households: int
    demand_headcount: int
    residual_households: int
    residual_headcount: int
    residual_zones: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the suggestions as a JSON-ready mapping (sites without geometry)."""
        sites = self.sites
        degrees = sites.geometry.to_crs(WGS84)
        rows = pd.DataFrame(sites.drop(columns="geometry")).assign(
            lon=degrees.x.round(6), lat=degrees.y.round(6)
        )
        return {
            "point_kind": self.point_kind,
            "max_distance_m": self.max_distance_m,
            "distance_method": self.distance_method,
            "demand_households": self.demand_households,
            "demand_headcount": self.demand_headcount,
            "residual_households": self.residual_households,
            "residual_headcount": self.residual_headcount,
            "residual_zones": list(self.residual_zones),
            "sites": rows.to_dict(orient="records"),
        }


def candidate_sites(station: Station) -> gpd.GeoDataFrame:
    """Return the places that could serve as assembly or concentration points.

    Parameters
    ----------
    station
        The loaded station: its OSM extract (when it has one), accepted offices and
        boundary are read.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`CANDIDATE_COLUMNS` in the station CRS: ``osm_kind`` (the OSM kind or
        the office kind), ``name``, ``source`` ({"osm", "offices"}), ``capacity``
        (people), ``capacity_basis`` (how it was estimated) and a point inside the site.
        Sites within 30 m of a larger one are dropped as duplicates; sorted by kind and
        name.
    """
    crs = station.crs
    buildings = (
        station.osm.buildings
        if station.osm is not None
        else gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=crs))
    )
    frames = [_office_sites(station, buildings)]
    if station.osm is not None:
        frames.append(_osm_sites(station.osm.pois, buildings))
    sites = pd.concat(frames, ignore_index=True)
    area = station.boundary.union_all()
    sites = sites[sites.geometry.within(area) & (sites["capacity"] > 0)]
    sites = _drop_duplicates(gpd.GeoDataFrame(sites, geometry="geometry", crs=crs))
    logger.info("sites: %d candidate sites inside the boundary", len(sites))
    return sites


def _osm_sites(pois: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return OSM open spaces and buildings with their capacity estimate."""
    pois = pois[pois["kind"].isin(OPEN_SPACE_KINDS + BUILDING_KINDS)].reset_index(drop=True)
    open_space = pois["kind"].isin(OPEN_SPACE_KINDS).to_numpy()
    polygon = pois.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    footprint = _footprints(pois.geometry, buildings)
    own_area = np.where(polygon, pois.geometry.area.to_numpy(), 0.0)
    floor = np.where(footprint > 0, footprint, own_area)
    capacity = np.where(
        open_space, own_area / OPEN_M2_PER_PERSON, floor / INDOOR_M2_PER_PERSON
    ).round()
    basis = [
        f"open area {a:,.0f} m2 at {OPEN_M2_PER_PERSON:g} m2 per person"
        if is_open
        else f"building footprint {f:,.0f} m2 at {INDOOR_M2_PER_PERSON:g} m2 per person"
        for is_open, a, f in zip(open_space, own_area, floor, strict=True)
    ]
    names = [
        n if isinstance(n, str) and n.strip() else f"unnamed {k}"
        for n, k in zip(pois["name"], pois["kind"], strict=True)
    ]
    return gpd.GeoDataFrame(
        {
            "osm_kind": pois["kind"].astype(str).to_numpy(),
            "name": names,
            "source": "osm",
            "capacity": capacity,
            "capacity_basis": basis,
        },
        geometry=pois.geometry.representative_point().to_numpy(),
        crs=pois.crs,
    )


def _office_sites(station: Station, buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the accepted offices and compounds, measured by the building they stand in."""
    offices = station.accepted_offices
    offices = offices[offices.geometry.notna()].reset_index(drop=True)
    footprint = _footprints(offices.geometry, buildings)
    kinds = (
        offices["kind"] if "kind" in offices.columns else pd.Series("office", index=offices.index)
    )
    return gpd.GeoDataFrame(
        {
            "osm_kind": [k if isinstance(k, str) and k.strip() else "office" for k in kinds],
            "name": offices["name"].astype(str).to_numpy(),
            "source": "offices",
            "capacity": (footprint / INDOOR_M2_PER_PERSON).round(),
            "capacity_basis": [
                f"building footprint {f:,.0f} m2 at {INDOOR_M2_PER_PERSON:g} m2 per person"
                for f in footprint
            ],
        },
        geometry=offices.geometry.to_numpy(),
        crs=station.crs,
    )


def _footprints(sites: gpd.GeoSeries, buildings: gpd.GeoDataFrame) -> np.ndarray:
    """Return the building footprint (m²) on each site: buildings it contains or stands in."""
    areas = np.zeros(len(sites))
    if buildings.empty or sites.empty:
        return areas
    buildings = buildings.reset_index(drop=True)
    inner = gpd.GeoDataFrame(
        {"area": buildings.geometry.area.to_numpy()},
        geometry=buildings.geometry.representative_point().to_numpy(),
        crs=buildings.crs,
    )
    site_frame = gpd.GeoDataFrame(geometry=sites.to_numpy(), crs=buildings.crs)
    polygons = sites.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    within = inner.sjoin(site_frame[polygons], predicate="within")
    np.add.at(areas, within["index_right"].to_numpy(), within["area"].to_numpy())
    points = site_frame[~polygons]
    standing = points.sjoin(buildings[["geometry"]], predicate="within")
    largest = (
        buildings.geometry.area.iloc[standing["index_right"].to_numpy()]
        .set_axis(standing.index)
        .groupby(level=0)
        .max()
    )
    areas[largest.index.to_numpy()] = largest.to_numpy()
    return areas


def _drop_duplicates(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep the larger of any sites within 30 m of each other; sort by kind and name."""
    order = sites.assign(_x=sites.geometry.x, _y=sites.geometry.y).sort_values(
        ["capacity", "source", "osm_kind", "name", "_x", "_y"],
        ascending=[False, True, True, True, True, True],
        kind="stable",
    )
    xy = np.column_stack([order["_x"], order["_y"]])
    keep: list[int] = []
    for index in range(len(order)):
        if not keep or np.hypot(*(xy[keep] - xy[index]).T).min() > DUPLICATE_WITHIN_M:
            keep.append(index)
    kept = order.iloc[keep].sort_values(["osm_kind", "name", "_x", "_y"], kind="stable")
    return gpd.GeoDataFrame(
        kept[list(CANDIDATE_COLUMNS)].reset_index(drop=True), geometry="geometry", crs=sites.crs
    )


def suggest_sites(
    planned: PlannedStation,
    candidates: gpd.GeoDataFrame,
    *,
    travel: TravelModel,
    point_kind: str = "assembly",
    max_distance_m: float | None = 2000.0,
    max_sites: int = 3,
    short_zones: tuple[str, ...] | list[str] = (),
) -> SiteSuggestions:
    """Choose at most ``max_sites`` candidates that cover the most uncovered people.

    Parameters
    ----------
    planned
        The planned station: households with zones, zones with headcounts and the
        station's accepted points.
    candidates
        Candidate sites from :func:`candidate_sites` (any CRS).
    travel
        The plan's travel model; walking distances in the station's projected CRS.
    point_kind
        The point kind to suggest, e.g. {"assembly", "concentration"}.
    max_distance_m
        Metres within which a point covers a home (what the MOSS coverage rules ask);
        ``None`` when any route will do.
    max_sites
        The most sites to suggest (at least 1).
    short_zones
        Zones whose nearest point cannot hold their headcount (what the MOSS capacity
        check names): all their households are demand.

    Returns
    -------
    SiteSuggestions
        The sites, the demand and the residual gap.

    Raises
    ------
    ValueError
        If ``max_sites`` is below 1, ``max_distance_m`` is not positive or the
        candidates have no CRS.
    """
    if max_sites < 1:
        raise ValueError(f"max_sites must be at least 1, not {max_sites}")
    if max_distance_m is not None and not max_distance_m > 0:
        raise ValueError(f"max_distance_m must be positive metres, not {max_distance_m}")
    if candidates.crs is None:
        raise ValueError("candidate sites without a CRS: set it, it is never guessed")
    crs = planned.station.crs
    demand = _demand(planned, travel, point_kind, max_distance_m, set(short_zones))
    sites = _open_candidates(planned, candidates.to_crs(crs), point_kind)
    covers, distance = _coverage(demand, sites, travel, max_distance_m)
    weight = demand["headcount"].to_numpy(float)
    capacity = sites["capacity"].to_numpy(float)
    chosen = _solve(weight, capacity, covers, distance, max_sites)
    serving = _serving(weight, capacity, covers, distance, chosen)
    result = _result(planned, demand, sites, chosen, serving)
    left = demand[serving < 0]
    suggestions = SiteSuggestions(
        point_kind=point_kind,
        max_distance_m=max_distance_m,
        distance_method=travel.method,
        sites=result.assign(kind=point_kind, distance_method=travel.method)[list(SITE_COLUMNS)],
        demand_households=len(demand),
        demand_headcount=int(demand["headcount"].sum()),
        residual_households=len(left),
        residual_headcount=int(left["headcount"].sum()),
        residual_zones=tuple(sorted({str(z) for z in left["zone_id"].dropna()})),
    )
    logger.info(
        "sites: %d %s site(s) suggested, %d of %d uncovered households covered (%s)",
        len(result),
        point_kind,
        int(result["households"].sum()),
        len(demand),
        travel.method,
    )
    return suggestions


def _xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    return np.column_stack([frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy()])


def _walking(travel: TravelModel, homes: np.ndarray, places: np.ndarray) -> np.ndarray:
    """Return walking metres from each home to each place (homes x places).

    Walking uses every street both ways, so the few places are the search origins:
    one search per place instead of one per home (25 times faster at 10,000 homes).
    """
    return travel.distance_matrix(places, homes, mode="walking").T


def _demand(
    planned: PlannedStation,
    travel: TravelModel,
    point_kind: str,
    max_distance_m: float | None,
    short_zones: set[str],
) -> gpd.GeoDataFrame:
    """Return the households uncovered or in a zone short of capacity, with zone headcount."""
    households = planned.households.sort_values("household_id", kind="stable")
    points = _points(planned, point_kind)
    if points.empty or households.empty:
        nearest = np.full(len(households), np.inf)
    else:
        nearest, _ = travel.nearest(_xy(households), _xy(points), mode="walking")
    covered = np.isfinite(nearest) & (nearest <= (max_distance_m or np.inf))
    short = households["zone_id"].isin(short_zones).to_numpy()
    demand = households[~covered | short].copy()
    zone_headcount = planned.zones.set_index("zone_id")["headcount"]
    demand["zone_headcount"] = (
        demand["zone_id"].map(zone_headcount).fillna(demand["headcount"]).to_numpy(float)
    )
    return demand.reset_index(drop=True)


def _points(planned: PlannedStation, point_kind: str) -> gpd.GeoDataFrame:
    points = planned.station.accepted_points
    wanted = points[points["kind"] == point_kind]
    return wanted[wanted.geometry.notna()]


def _open_candidates(
    planned: PlannedStation, candidates: gpd.GeoDataFrame, point_kind: str
) -> gpd.GeoDataFrame:
    """Return the candidates that are not already a point of the kind, in a fixed order."""
    sites = candidates[candidates.geometry.notna() & (candidates["capacity"] > 0)]
    points = _points(planned, point_kind)
    if not points.empty and not sites.empty:
        gap = np.hypot(*(_xy(sites)[:, None, :] - _xy(points)[None, :, :]).transpose(2, 0, 1))
        sites = sites[gap.min(axis=1) > EXISTING_POINT_WITHIN_M]
    order = sites.assign(_x=sites.geometry.x, _y=sites.geometry.y).sort_values(
        ["osm_kind", "name", "_x", "_y"], kind="stable"
    )
    return gpd.GeoDataFrame(
        order.drop(columns=["_x", "_y"]).reset_index(drop=True),
        geometry="geometry",
        crs=candidates.crs,
    )


def _coverage(
    demand: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    travel: TravelModel,
    max_distance_m: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return which site covers which household (distance and capacity) and the distances."""
    if demand.empty or sites.empty:
        shape = (len(demand), len(sites))
        return np.zeros(shape, dtype=bool), np.full(shape, np.inf)
    distance = _walking(travel, _xy(demand), _xy(sites))
    within = np.isfinite(distance) & (distance <= (max_distance_m or np.inf))
    holds = (
        sites["capacity"].to_numpy(float)[None, :]
        >= demand["zone_headcount"].to_numpy(float)[:, None]
    )
    return within & holds, distance


def _solve(
    weight: np.ndarray,
    capacity: np.ndarray,
    covers: np.ndarray,
    distance: np.ndarray,
    max_sites: int,
) -> np.ndarray:
    """Return the indices of the chosen sites: an exact capacitated maximal covering.

    Households with the same set of covering sites form one demand row ``g`` of
    weight ``W_g`` (people). With ``y_j`` (site chosen, binary) and ``x_gj`` (share of
    row ``g`` served by site ``j``, 0..1, only where ``j`` covers ``g``)::

        maximise   sum W_g x_gj - tie-break
        subject to sum_j y_j <= max_sites
                   sum_j x_gj <= 1                   for each row g
                   sum_g W_g x_gj <= capacity_j y_j  for each site j

    The tie-break costs each chosen site ``0.05 / max_sites`` times a score in [0, 1)
    that grows with its mean distance to the people it covers and its position in
    the candidate order: under 0.05 person in total.
    """
    useful = np.flatnonzero(covers.any(axis=0))
    rows = covers[:, useful].any(axis=1)
    if not rows.any():
        return np.array([], dtype=int)
    patterns, group = np.unique(covers[rows][:, useful], axis=0, return_inverse=True)
    group_weight = np.bincount(group.ravel(), weights=weight[rows], minlength=len(patterns))
    score = _tie_break(weight, covers[:, useful], distance[:, useful])
    n_sites, n_groups = len(useful), len(patterns)
    pair_group, pair_site = np.nonzero(patterns)
    n_pairs = len(pair_group)
    # A site never needs more room than the people it could cover (a tighter model).
    reachable = np.bincount(pair_site, weights=group_weight[pair_group], minlength=n_sites)
    room = np.minimum(capacity[useful], reachable)
    pairs = np.arange(n_pairs)
    # Variables: y (one per site, binary), then x (one per covering pair, 0..1).
    budget = sparse.csr_matrix(np.concatenate([np.ones(n_sites), np.zeros(n_pairs)])[None, :])
    once = sparse.hstack(
        [
            sparse.csr_matrix((n_groups, n_sites)),
            sparse.csr_matrix((np.ones(n_pairs), (pair_group, pairs)), shape=(n_groups, n_pairs)),
        ]
    )
    holds = sparse.hstack(
        [
            sparse.diags(-room),
            sparse.csr_matrix(
                (group_weight[pair_group], (pair_site, pairs)), shape=(n_sites, n_pairs)
            ),
        ]
    )
    solution = milp(
        np.concatenate([score * (0.05 / max_sites), -group_weight[pair_group]]),
        integrality=np.concatenate([np.ones(n_sites), np.zeros(n_pairs)]),
        bounds=Bounds(0.0, 1.0),
        constraints=[
            LinearConstraint(budget, -np.inf, max_sites),
            LinearConstraint(once, -np.inf, 1.0),
            LinearConstraint(holds, -np.inf, 0.0),
        ],
        options={"mip_rel_gap": 0.0},
    )
    if not solution.success:
        msg = f"the covering problem was not solved: {solution.message}"
        raise RuntimeError(msg)
    picked = solution.x[:n_sites] > 0.5  # noqa: PLR2004
    return useful[picked]


def _tie_break(weight: np.ndarray, covers: np.ndarray, distance: np.ndarray) -> np.ndarray:
    """Return each site's score in [0, 1): mean distance to its demand, then its order."""
    reach = np.where(covers, distance, 0.0)
    load = (covers * weight[:, None]).sum(axis=0)
    mean = (reach * weight[:, None]).sum(axis=0) / np.maximum(load, 1e-9)
    scale = float(mean.max()) + 1.0
    order = np.arange(len(mean)) / max(len(mean), 1)
    return 0.5 * (mean / scale) + 0.5 * order


def _serving(
    weight: np.ndarray,
    capacity: np.ndarray,
    covers: np.ndarray,
    distance: np.ndarray,
    chosen: np.ndarray,
) -> np.ndarray:
    """Return per household the position in ``chosen`` of the site it goes to, or -1.

    Households covered by fewer chosen sites go first, then the nearest pairs: each
    household goes to the nearest chosen site that covers it and still has room for
    its headcount.
    """
    serving = np.full(len(covers), -1)
    home, position = np.nonzero(covers[:, chosen])
    if not len(home):
        return serving
    metres = distance[:, chosen][home, position]
    choices = covers[:, chosen].sum(axis=1)[home]
    room = capacity[chosen].astype(float)
    for k in np.lexsort((position, home, metres, choices)):
        h, j = home[k], position[k]
        if serving[h] < 0 and room[j] >= weight[h]:
            serving[h] = j
            room[j] -= weight[h]
    return serving


def _result(
    planned: PlannedStation,
    demand: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    chosen: np.ndarray,
    serving: np.ndarray,
) -> gpd.GeoDataFrame:
    """Return one row per chosen site: the households nearest to it that it covers."""
    rows = []
    for position, index in enumerate(chosen):
        mine = demand[serving == position]
        rows.append(
            {
                **sites.iloc[index].drop("geometry").to_dict(),
                "households": len(mine),
                "headcount": int(mine["headcount"].sum()),
                "zones": ";".join(sorted({str(z) for z in mine["zone_id"].dropna()})),
                "geometry": sites.geometry.iloc[index],
            }
        )
    columns = [c for c in SITE_COLUMNS if c not in {"site_id", "kind", "distance_method"}]
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry="geometry", crs=planned.station.crs
    )
    frame = frame.sort_values(
        ["headcount", "households", "name"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    frame.insert(0, "site_id", [f"S{i + 1:02d}" for i in range(len(frame))])
    frame["capacity"] = frame["capacity"].astype(int)
    return frame
