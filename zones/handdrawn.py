"""Existing zones (hand-drawn or from a previous plan): check them, and repair only what fails.

The check reports gaps (station area in no zone), overlaps, households outside
every zone and zones outside the bounds. The repair changes only failing zones,
in this order, and leaves every other zone exactly as drawn:

1. overlaps go to the zone first in id order (the later zone loses the overlap);
2. a gap with enough households becomes new zones; a smaller gap joins the
   neighbouring zone it shares the longest border with;
3. a zone above the maximum is split (the first part keeps its id);
4. a zone below the minimum joins the neighbour it shares the longest border
   with, when that neighbour stays within the maximum.

New zones get the next free ids (``Z13``, ``Z14``...).

Before the check and the repair, `snap_zones` closes the slivers that drawing by hand leaves between
neighbours (Google Earth rounds coordinates, and two zones traced along one street
never share their vertices): a gap or overlap no wider than ``2 * SNAP_TOLERANCE_M``,
or under ``MIN_REPORTED_AREA_M2`` without a home in it. Overlaps go to the zone first in
id order; a gap joins the zone it shares the longest border with.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from stations.zones_file import zone_label
from zones.partition import ZonePlan, ZoningOptions, partition_zones

logger = logging.getLogger(__name__)

MIN_GAP_M2 = 1.0
SNAP_TOLERANCE_M = 2.0  # slivers no wider than twice this (4 m) are drawing artefacts
MIN_REPORTED_AREA_M2 = 100.0  # smaller gaps and overlaps without homes are closed silently
_TOUCH_M = 0.01  # how near a gap's edge must run along a zone to count as a shared border


@dataclass(frozen=True)
class Snapping:
    """Hand-drawn zones with their hairline gaps and overlaps closed."""

    zones: gpd.GeoDataFrame  # the input's rows and order, snapped polygons
    gaps: int  # gap pieces closed
    overlaps: int  # overlap pieces closed

    def notes(self) -> list[str]:
        """Return one line summarising what was snapped, or none."""
        if not (self.gaps or self.overlaps):
            return []
        note = (
            f"{self.gaps} hairline gap(s) and {self.overlaps} overlap(s) between zones snapped "
            f"(each narrower than {2 * SNAP_TOLERANCE_M:g} m, or under "
            f"{MIN_REPORTED_AREA_M2:g} m2 without homes)"
        )
        return [note]


def snap_zones(
    zones: gpd.GeoDataFrame, households: gpd.GeoDataFrame, area: shapely.Geometry
) -> Snapping:
    """Close the hairline gaps and overlaps between hand-drawn zones.

    A gap (station area in no zone) or an overlap piece is closed when it is no
    wider than ``2 * SNAP_TOLERANCE_M``, or smaller than ``MIN_REPORTED_AREA_M2``
    with no home in it. An overlap piece stays with the zone first in id order; a
    gap piece joins the zone it shares the longest border with (the nearest when it
    touches none). Every other gap and overlap is left for `check_zones` to report.

    Parameters
    ----------
    zones
        ``zone_id`` and polygons, projected CRS in metres.
    households
        ``household_id`` and points, same CRS.
    area
        The station area, same CRS.

    Returns
    -------
    Snapping
        The snapped zones (same rows and order) and how many pieces were closed.
    """
    work = _Zones(zones.sort_values("zone_id", kind="stable"), zones.crs)
    overlaps = _snap_overlaps(work, households)
    gaps = _snap_gaps(work, households, area)
    snapped = zones.set_geometry(
        gpd.GeoSeries([work.polygons[z] for z in zones["zone_id"]], index=zones.index),
        crs=zones.crs,
    )
    logger.info("snapped zones: %d gap(s), %d overlap(s) closed", gaps, overlaps)
    return Snapping(snapped, gaps, overlaps)


def _closable(pieces: list[shapely.Geometry], households: gpd.GeoDataFrame) -> np.ndarray:
    """Return, for each piece, whether it is a sliver to close rather than report."""
    if not pieces:
        return np.zeros(0, dtype=bool)
    shapes = np.asarray(pieces, dtype=object)
    thin = shapely.is_empty(shapely.buffer(shapes, -SNAP_TOLERANCE_M))
    piece_of_home = households.sindex.query(shapes, predicate="contains")[0]
    homes = np.bincount(piece_of_home, minlength=len(shapes))
    return thin | ((shapely.area(shapes) < MIN_REPORTED_AREA_M2) & (homes == 0))


def _snap_overlaps(work: _Zones, households: gpd.GeoDataFrame) -> int:
    shapes = np.asarray([work.polygons[z] for z in work.ids], dtype=object)
    first, second = shapely.STRtree(shapes).query(shapes, predicate="intersects")
    closed = 0
    for later, earlier in sorted((b, a) for a, b in zip(first, second, strict=True) if a < b):
        later_id = work.ids[later]
        polygon = work.polygons[later_id]
        overlap = shapely.intersection(polygon, work.polygons[work.ids[earlier]])
        pieces = _polygons(overlap)  # pieces under MIN_GAP_M2 too: `check_zones` sums them
        sliver = [g for g, c in zip(pieces, _closable(pieces, households), strict=True) if c]
        # a zone lying wholly within an earlier one is a real overlap, not a sliver
        sliver = [g for g in sliver if g.area < polygon.area / 2]
        if sliver:
            work.replace(later_id, _polygonal(polygon.difference(shapely.union_all(sliver))))
            closed += sum(g.area > MIN_GAP_M2 for g in sliver)
    return closed


def _snap_gaps(work: _Zones, households: gpd.GeoDataFrame, area: shapely.Geometry) -> int:
    pieces = _polygons(shapely.difference(area, work.union()))
    slivers = [g for g, c in zip(pieces, _closable(pieces, households), strict=True) if c]
    near = shapely.buffer(np.asarray([work.polygons[z] for z in work.ids], dtype=object), _TOUCH_M)
    tree = shapely.STRtree(near)
    taken: dict[str, list[shapely.Geometry]] = {}
    for piece in slivers:
        candidates = np.sort(tree.query(piece, predicate="intersects"))
        west, south, east, north = shapely.bounds(piece)
        local = shapely.clip_by_rect(near[candidates], west - 1, south - 1, east + 1, north + 1)
        border = shapely.length(shapely.intersection(piece.boundary, local))
        if len(candidates) and border.max() > 0:
            target = work.ids[candidates[int(np.argmax(border))]]  # first in id order on a tie
        else:
            target = min(work.ids, key=lambda z: work.polygons[z].distance(piece))
        taken.setdefault(target, []).append(piece)
    for zone_id, extra in taken.items():
        work.replace(zone_id, _polygonal(shapely.union_all([work.polygons[zone_id], *extra])))
    return sum(g.area > MIN_GAP_M2 for g in slivers)  # as `check_zones` would count them


def _polygons(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    return [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"]


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.union_all(_polygons(shapely.make_valid(geometry)))


@dataclass(frozen=True)
class ZoneCheck:
    """What is wrong with a set of zones."""

    gaps: gpd.GeoDataFrame  # geometry, area_m2, households
    overlaps: pd.DataFrame  # zone_a, zone_b, area_m2
    outside: tuple[str, ...]  # household ids in no zone
    sizes: pd.DataFrame  # zone_id, households, bounds ("ok", "under", "over")

    @property
    def ok(self) -> bool:
        """Return whether the zones pass every check."""
        return (
            self.gaps.empty
            and self.overlaps.empty
            and not self.outside
            and (self.sizes["bounds"] == "ok").all()
        )

    def problems(self) -> list[str]:
        """Return one plain sentence per problem."""
        lines = [
            f"gap of {_area_text(row.area_m2)} with {row.households} household(s) in no zone"
            for row in self.gaps.itertuples()
        ]
        lines += [
            f"{_zones_label(row.zone_a, row.zone_b)} overlap over {_area_text(row.area_m2)}"
            for row in self.overlaps.itertuples()
        ]
        if self.outside:
            lines.append(
                f"{len(self.outside)} household(s) in no zone: {', '.join(self.outside[:20])}"
            )
        lines += [
            f"{zone_label(row.zone_id)} has {row.households}: "
            + ("too few" if row.bounds == "under" else "too many")
            for row in self.sizes.itertuples()
            if row.bounds != "ok"
        ]
        return lines


def _area_text(area_m2: float) -> str:
    """Return "250 m2" below a hectare, "0.012 km2" from there on."""
    return f"{area_m2:,.0f} m2" if area_m2 < 10_000 else f"{area_m2 / 1e6:.3f} km2"  # noqa: PLR2004


def _zones_label(first: str, second: str) -> str:
    """Return "zones Z01 and Z02", or "Zone 1 and Zone 2" when the ids say zone."""
    if zone_label(first) == first or zone_label(second) == second:
        return f"{zone_label(first)} and {zone_label(second)}"
    return f"zones {first} and {second}"


def assign_households(zones: gpd.GeoDataFrame, households: gpd.GeoDataFrame) -> pd.Series:
    """Return the zone of each household (by ``household_id``); None when in no zone.

    A household in two overlapping zones belongs to the first in id order.
    """
    ordered = zones.sort_values("zone_id", kind="stable")
    joined = gpd.sjoin(
        households[["household_id", "geometry"]],
        ordered[["zone_id", "geometry"]],
        how="left",
        predicate="within",
    )
    first = (
        joined.sort_values(["household_id", "zone_id"]).groupby("household_id")["zone_id"].first()
    )
    return first.reindex(households["household_id"]).astype(object).where(lambda s: s.notna(), None)


def check_zones(
    zones: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame,
    area: shapely.Geometry,
    options: ZoningOptions,
) -> ZoneCheck:
    """Check zones against the station area, its households and the bounds.

    Parameters
    ----------
    zones
        ``zone_id`` and polygons, projected CRS.
    households
        ``household_id``, ``headcount`` and points, same CRS.
    area
        The station area, same CRS.
    options
        The bounds.

    Returns
    -------
    ZoneCheck
        Gaps, overlaps, households outside every zone and sizes.
    """
    crs = zones.crs
    union = shapely.union_all(zones.geometry.to_numpy())
    gap_parts = [
        g for g in shapely.get_parts(shapely.difference(area, union)) if g.area > MIN_GAP_M2
    ]
    gaps = gpd.GeoDataFrame(
        {
            "area_m2": [g.area for g in gap_parts],
            "households": [int(households.within(g).sum()) for g in gap_parts],
        },
        geometry=gap_parts,
        crs=crs,
    )
    tree = shapely.STRtree(zones.geometry.to_numpy())
    left, right = tree.query(zones.geometry.to_numpy(), predicate="intersects")
    rows = []
    for a, b in zip(left, right, strict=True):
        if a < b:
            overlap = shapely.intersection(zones.geometry.iloc[a], zones.geometry.iloc[b]).area
            if overlap > MIN_GAP_M2:
                rows.append(
                    {
                        "zone_a": zones["zone_id"].iloc[a],
                        "zone_b": zones["zone_id"].iloc[b],
                        "area_m2": overlap,
                    }
                )
    overlaps = pd.DataFrame(rows, columns=["zone_a", "zone_b", "area_m2"])
    zone_of = assign_households(zones, households)
    outside = tuple(sorted(zone_of.index[zone_of.isna()]))
    sizes = _sizes(zones, households, zone_of, options)
    return ZoneCheck(gaps, overlaps, outside, sizes)


def _sizes(
    zones: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame,
    zone_of: pd.Series,
    options: ZoningOptions,
) -> pd.DataFrame:
    weight = (
        households.set_index("household_id")["headcount"]
        if options.count == "headcount"
        else pd.Series(1, index=households["household_id"])
    )
    counts = weight.groupby(zone_of.reindex(weight.index).to_numpy()).sum()
    size = zones["zone_id"].map(counts).fillna(0).astype(int)
    bounds = np.where(
        size < options.min_households,
        "under",
        np.where(size > options.max_households, "over", "ok"),
    )
    return pd.DataFrame(
        {"zone_id": zones["zone_id"].to_numpy(), "households": size.to_numpy(), "bounds": bounds}
    )


def repair_zones(
    zones: gpd.GeoDataFrame,
    households: gpd.GeoDataFrame,
    area: shapely.Geometry,
    options: ZoningOptions,
    *,
    barriers: gpd.GeoDataFrame | None = None,
    places: gpd.GeoDataFrame | None = None,
) -> ZonePlan:
    """Repair only the failing zones; every other zone keeps its id and exact polygon.

    Parameters
    ----------
    zones
        ``zone_id``, optional ``zone_name``, polygons; projected CRS.
    households
        ``household_id``, ``headcount`` and points, same CRS.
    area
        The station area, same CRS.
    options
        Bounds and seed.
    barriers, places
        Passed to the partitioner when a zone or gap must be split.

    Returns
    -------
    ZonePlan
        The repaired zones, the assignment and one note per change.
    """
    crs = zones.crs
    work = _Zones(zones.sort_values("zone_id", kind="stable"), crs)
    notes: list[str] = []
    work.resolve_overlaps(notes)
    for gap in [
        g for g in shapely.get_parts(shapely.difference(area, work.union())) if g.area > MIN_GAP_M2
    ]:
        inside = households[households.within(gap.buffer(0.01))]
        if len(inside) >= options.min_households:
            plan = partition_zones(
                inside,
                gpd.GeoDataFrame(geometry=[gap], crs=crs),
                options,
                barriers=barriers,
                places=places,
            )
            for polygon, name in zip(plan.zones.geometry, plan.zones["zone_name"], strict=True):
                new_id = work.add(polygon, name)
                notes.append(f"new zone {new_id} drawn in a gap with households")
        else:
            target = work.longest_border(gap)
            assert target is not None  # without sizes, the nearest zone is the fallback
            work.grow(target, gap)
            notes.append(f"{zone_label(target)} takes in a gap of {_area_text(gap.area)}")
    _fix_sizes(work, households, options, notes, barriers, places)
    frame = work.frame()
    zone_of = assign_households(frame, households)
    assignment = pd.DataFrame(
        {"household_id": households["household_id"].to_numpy(), "zone_id": zone_of.to_numpy()}
    )
    counts = assignment["zone_id"].value_counts()
    frame["households"] = frame["zone_id"].map(counts).fillna(0).astype(int)
    headcount = households.set_index("household_id")["headcount"]
    frame["headcount"] = (
        frame["zone_id"].map(headcount.groupby(zone_of.to_numpy()).sum()).fillna(0).astype(int)
    )
    frame["piece_id"] = 0
    logger.info("repaired zones: %d change(s)", len(notes))
    return ZonePlan(
        frame.sort_values("zone_id", kind="stable").reset_index(drop=True), assignment, tuple(notes)
    )


def _fix_sizes(
    work: _Zones,
    households: gpd.GeoDataFrame,
    options: ZoningOptions,
    notes: list[str],
    barriers: gpd.GeoDataFrame | None,
    places: gpd.GeoDataFrame | None,
) -> None:
    for _ in range(len(work.ids) * 2 + 2):
        sizes = _sizes(
            work.frame(), households, assign_households(work.frame(), households), options
        )
        over = sizes[sizes["bounds"] == "over"]
        if len(over):
            zone_id = over["zone_id"].iloc[0]
            polygon = work.geometry(zone_id)
            inside = households[households.within(polygon.buffer(0.01))]
            plan = partition_zones(
                inside,
                gpd.GeoDataFrame(geometry=[polygon], crs=work.crs),
                options,
                barriers=barriers,
                places=places,
            )
            parts = list(plan.zones.geometry)
            if len(parts) < 2:  # noqa: PLR2004 - homes at one address: cannot split
                notes.append(f"{zone_label(zone_id)} is above the maximum and cannot be split")
                return
            work.replace(zone_id, parts[0])
            new_ids = [work.add(p, work.name(zone_id)) for p in parts[1:]]
            parts_text = ", ".join([zone_id, *new_ids])
            notes.append(
                f"{zone_label(zone_id)} had {over['households'].iloc[0]}: split into {parts_text}"
            )
            continue
        under = sizes[sizes["bounds"] == "under"].sort_values("households")
        merged = False
        for row in under.itertuples():
            target = work.longest_border(
                work.geometry(row.zone_id),
                exclude=row.zone_id,
                sizes=sizes,
                room=options.max_households - row.households,
            )
            if target is None:
                continue
            work.grow(target, work.geometry(row.zone_id))
            work.remove(row.zone_id)
            notes.append(f"{zone_label(row.zone_id)} had {row.households}: merged into {target}")
            merged = True
            break
        if not merged:
            notes.extend(
                f"{zone_label(row.zone_id)} has {row.households}, below the minimum; "
                "no neighbour has room"
                for row in under.itertuples()
            )
            return


class _Zones:
    """A mutable, ordered set of zone polygons with stable ids."""

    def __init__(self, zones: gpd.GeoDataFrame, crs: object) -> None:
        self.crs = crs
        self.ids: list[str] = list(zones["zone_id"])
        self.polygons: dict[str, shapely.Geometry] = dict(
            zip(self.ids, zones.geometry, strict=True)
        )
        names = zones["zone_name"] if "zone_name" in zones else [""] * len(zones)
        self.names: dict[str, str] = dict(zip(self.ids, names, strict=True))

    def union(self) -> shapely.Geometry:
        return shapely.union_all(list(self.polygons.values()))

    def geometry(self, zone_id: str) -> shapely.Geometry:
        return self.polygons[zone_id]

    def name(self, zone_id: str) -> str:
        return self.names.get(zone_id, "")

    def resolve_overlaps(self, notes: list[str]) -> None:
        taken = shapely.Polygon()
        for zone_id in self.ids:
            polygon = self.polygons[zone_id]
            if polygon.intersection(taken).area > MIN_GAP_M2:
                self.polygons[zone_id] = shapely.make_valid(polygon.difference(taken))
                notes.append(
                    f"{zone_label(zone_id)} gives up the part it overlapped with earlier zones"
                )
            taken = shapely.union_all([taken, polygon])

    def add(self, polygon: shapely.Geometry, name: str) -> str:
        numbers = [int(m.group(1)) for i in self.ids if (m := re.fullmatch(r"Z(\d+)", i))]
        width = max([len(i) - 1 for i in self.ids if re.fullmatch(r"Z\d+", i)] or [2])
        new_id = f"Z{max(numbers, default=0) + 1:0{width}d}"
        self.ids.append(new_id)
        self.polygons[new_id] = polygon
        self.names[new_id] = name
        return new_id

    def replace(self, zone_id: str, polygon: shapely.Geometry) -> None:
        self.polygons[zone_id] = polygon

    def grow(self, zone_id: str, extra: shapely.Geometry) -> None:
        self.polygons[zone_id] = shapely.union_all([self.polygons[zone_id], extra])

    def remove(self, zone_id: str) -> None:
        self.ids.remove(zone_id)
        del self.polygons[zone_id]

    def longest_border(
        self,
        shape: shapely.Geometry,
        *,
        exclude: str | None = None,
        sizes: pd.DataFrame | None = None,
        room: int | None = None,
    ) -> str | None:
        best, best_length = None, 0.0
        for zone_id in self.ids:
            if zone_id == exclude:
                continue
            if sizes is not None and room is not None:
                size = int(sizes.set_index("zone_id").loc[zone_id, "households"])
                if size > room:
                    continue
            length = shapely.length(
                shapely.intersection(shape.boundary, self.polygons[zone_id].boundary)
            )
            if length > best_length:
                best, best_length = zone_id, length
        if best is None and sizes is None:
            best = min(self.ids, key=lambda z: self.polygons[z].distance(shape))
        return best

    def frame(self) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame(
            {"zone_id": self.ids, "zone_name": [self.names.get(i, "") for i in self.ids]},
            geometry=[self.polygons[i] for i in self.ids],
            crs=self.crs,
        )
