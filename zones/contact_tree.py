"""The contact tree: who passes messages to whom, down to every household.

The security chain runs from the Designated Official to the Chief Security Adviser
(or the Country Security Focal Point), to the Area Security Coordinators, to the
wardens; each warden's branch holds the deputy, the alternates and every household of
the zone with its staff. Each zone also lists its hotels and the person who keeps in
touch with UN visitors staying there (the deputy, or the warden when there is no
deputy), and the visitors present on the plan date under their hotel, each with the
staff member who sponsors them. Where the station's dependants file names dependants, they
are listed by name in their household (a household the file does not name says how many
it has, not named). A second view, the agency channel, runs from each head of agency to
the agency's staff.

Every node is a plain dict with the keys of ``NODE_KEYS``; missing values are
``None``. Every assigned staff member appears exactly once in the warden branch of
their zone: as the warden, the deputy, an alternate, or a member of a household.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from stations.text import roles_of, text_of
from zones.plan import PlannedStation

logger = logging.getLogger(__name__)

NODE_KEYS = (
    "role",  # "DO", "CSA", "CSFP", "ASC", "zone", "warden", "deputy", "alternate_N",
    # "household", "staff", "dependant", "hotel", "visitors_contact", "visitor", "sponsor",
    # "agency", "agency_head"
    "staff_id",
    "name",
    "agency",
    "phone",
    "phone2",
    "radio_callsign",
    "zone_id",
    "household_id",
    "dependants",
    "note",
    "person_id",  # a dependant's or a visitor's id (staff have staff_id)
    "children",
)
NOT_APPOINTED = "not appointed"
PERSON_COLUMNS = (
    "staff_id",
    "name",
    "agency",
    "roles",
    "phone",
    "phone2",
    "email",
    "radio_callsign",
    "address",
    "household_id",
    "dependants",
    "zone_id",
    "zone_name",
    "area_id",
    "warden_id",
    "warden",
    "warden_phone",
    "deputy_id",
    "deputy",
    "deputy_phone",
    "coordinator_role",
    "coordinator",
    "coordinator_phone",
)
_ADVISER_ROLES = ("CSA", "CSFP")


def build_contact_tree(plan: PlannedStation) -> dict[str, Any]:
    """Build the station's contact tree and its agency channel.

    Parameters
    ----------
    plan
        The planned station.

    Returns
    -------
    dict
        ``station`` (its name), ``chain`` (the DO's node, nested down to households),
        ``agencies`` (one node per agency, heads first) and ``unassigned`` (staff
        without a zone, normally empty). Nodes carry the keys of ``NODE_KEYS``.
    """
    staff = _staff(plan)
    holders = _holders(staff)
    zones = plan.zones.sort_values("zone_id", kind="stable")
    records = dict(zip(staff.index, staff.to_dict("records"), strict=True))
    groups = _Groups.of(plan, records)
    zone_nodes = {z.zone_id: _zone_node(groups, records, z) for z in zones.itertuples()}
    adviser = holders.get("CSA") or holders.get("CSFP")
    adviser_node = (
        _person(records[adviser[1]], adviser[0])
        if adviser
        else _placeholder("CSA", "no CSA or CSFP in the roster")
    )
    by_area: dict[str, list[dict[str, Any]]] = {}
    for zone in zones.itertuples():
        by_area.setdefault(text_of(zone.area_id), []).append(zone_nodes[zone.zone_id])
    for area in plan.areas.sort_values("area_id", kind="stable").itertuples():
        members = by_area.pop(text_of(area.area_id), [])
        if text_of(area.coordinator_role) != "ASC":
            adviser_node["children"] += members
            continue
        note = f"area {area.area_id} ({text_of(area.area_name)})"
        coordinator = text_of(area.coordinator_id)
        node = (
            _person(records[coordinator], "ASC", note=note)
            if coordinator in records
            else _placeholder("ASC", f"{note}: {NOT_APPOINTED}")
        )
        node["children"] = members
        adviser_node["children"].append(node)
    for members in by_area.values():  # zones of an area missing from plan.areas
        adviser_node["children"] += members
    do = holders.get("DO")
    chain = _person(records[do[1]], "DO") if do else _placeholder("DO", "no DO in the roster")
    chain["children"] = [adviser_node]
    unassigned = [
        _person(row, "staff") for row in records.values() if not text_of(row.get("zone_id"))
    ]
    if unassigned:
        logger.warning("contact tree: %d staff without a zone", len(unassigned))
    tree = {
        "station": plan.station.name,
        "chain": chain,
        "agencies": _agency_channel(records),
        "unassigned": unassigned,
    }
    logger.info(
        "contact tree: %d zones, %d staff, %d agencies",
        len(zone_nodes),
        len(staff),
        len(tree["agencies"]),
    )
    return tree


def iter_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a node and all its descendants, depth first, in order."""
    out = [node]
    for child in node["children"]:
        out += iter_nodes(child)
    return out


def person_contacts(plan: PlannedStation) -> pd.DataFrame:
    """Return one row per assigned staff member with their zone, warden, deputy and ASC.

    Parameters
    ----------
    plan
        The planned station.

    Returns
    -------
    pandas.DataFrame
        ``PERSON_COLUMNS``, ordered by zone then staff_id. ``coordinator`` is the
        area's ASC, or the CSA or CSFP for the area they coordinate themselves.
    """
    staff = _staff(plan)
    records = dict(zip(staff.index, staff.to_dict("records"), strict=True))
    zones = pd.DataFrame(plan.zones.drop(columns="geometry")).set_index("zone_id").to_dict("index")
    areas = pd.DataFrame(plan.areas.drop(columns="geometry")).set_index("area_id").to_dict("index")
    rows = []
    for staff_id, row in records.items():
        zone_id = text_of(row.get("zone_id"))
        zone = zones.get(zone_id)
        warden_id = text_of(zone["warden_id"]) if zone is not None else ""
        deputy_id = text_of(zone["deputy_id"]) if zone is not None else ""
        area_id = text_of(zone["area_id"]) if zone is not None else text_of(row.get("area_id"))
        area = areas.get(area_id)
        coordinator_id = text_of(area["coordinator_id"]) if area is not None else ""
        rows.append(
            {
                "staff_id": staff_id,
                "name": text_of(row.get("name")),
                "agency": text_of(row.get("agency")),
                "roles": ";".join(roles_of(row.get("role"))),
                **{k: text_of(row.get(k)) for k in _CONTACT_FIELDS},
                "dependants": _int(row.get("dependants")),
                "zone_id": zone_id,
                "zone_name": text_of(zone["zone_name"]) if zone is not None else "",
                "area_id": area_id,
                "warden_id": warden_id,
                "warden": _field(records, warden_id, "name"),
                "warden_phone": _field(records, warden_id, "phone"),
                "deputy_id": deputy_id,
                "deputy": _field(records, deputy_id, "name"),
                "deputy_phone": _field(records, deputy_id, "phone"),
                "coordinator_role": text_of(area["coordinator_role"]) if area is not None else "",
                "coordinator": _field(records, coordinator_id, "name"),
                "coordinator_phone": _field(records, coordinator_id, "phone"),
            }
        )
    frame = pd.DataFrame(rows, columns=list(PERSON_COLUMNS))
    return frame.sort_values(["zone_id", "staff_id"], kind="stable").reset_index(drop=True)


_CONTACT_FIELDS = ("phone", "phone2", "email", "radio_callsign", "address", "household_id")


def _staff(plan: PlannedStation) -> pd.DataFrame:
    staff = pd.DataFrame(plan.staff.drop(columns="geometry", errors="ignore"))
    return staff.sort_values("staff_id", kind="stable").set_index("staff_id", drop=False)


def _field(records: dict[str, dict[str, Any]], staff_id: str, column: str) -> str:
    row = records.get(staff_id) if staff_id else None
    return "" if row is None else text_of(row.get(column))


def _int(value: object) -> int | None:
    text = text_of(value)
    return int(float(text)) if text else None


def _node(role: str, **values: Any) -> dict[str, Any]:
    node: dict[str, Any] = dict.fromkeys(NODE_KEYS)
    node.update({"role": role, "children": [], **values})
    return node


def _person(row: pd.Series | dict[str, Any], role: str, *, note: str = "") -> dict[str, Any]:
    return _node(
        role,
        staff_id=text_of(row.get("staff_id")),
        name=text_of(row.get("name")),
        agency=text_of(row.get("agency")) or None,
        phone=text_of(row.get("phone")) or None,
        phone2=text_of(row.get("phone2")) or None,
        radio_callsign=text_of(row.get("radio_callsign")) or None,
        zone_id=text_of(row.get("zone_id")) or None,
        household_id=text_of(row.get("household_id")) or None,
        dependants=_int(row.get("dependants")),
        note="; ".join(n for n in (note, text_of(row.get("presence_note"))) if n) or None,
    )


def _placeholder(role: str, note: str) -> dict[str, Any]:
    return _node(role, name=NOT_APPOINTED, note=note)


def _holders(staff: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Return role -> (role, staff_id) for the first holder of DO, CSA and CSFP."""
    found: dict[str, tuple[str, str]] = {}
    for staff_id, value in zip(staff["staff_id"], staff.get("role", ()), strict=False):
        for role in roles_of(value):
            if role in ("DO", *_ADVISER_ROLES) and role not in found:
                found[role] = (role, staff_id)
    return found


@dataclass(frozen=True)
class _Groups:
    """The plan's rows grouped by zone once, so that each zone's node is a lookup."""

    alternates: dict[str, list[tuple[str, str]]]  # zone -> (role, staff_id), by role
    households: dict[str, list[Any]]  # zone -> households, by household_id
    members: dict[
        tuple[str | None, str | None], list[str]
    ]  # (zone, household) -> staff ids, by staff_id
    hotels: list[Any]  # accepted hotels, by point_id
    hotel_tree: shapely.STRtree  # of the hotels, in that order
    people: _People

    @classmethod
    def of(cls, plan: PlannedStation, records: dict[str, dict[str, Any]]) -> _Groups:
        appointments = plan.appointments
        chosen = appointments[appointments["role"].astype(str).str.startswith("alternate")]
        alternates: dict[str, list[tuple[str, str]]] = {}
        for row in chosen.sort_values("role", kind="stable").itertuples():
            alternates.setdefault(row.zone_id, []).append((row.role, row.staff_id))
        households: dict[str, list[Any]] = {}
        for household in plan.households.sort_values("household_id", kind="stable").itertuples():
            households.setdefault(household.zone_id, []).append(household)
        members: dict[tuple[str | None, str | None], list[str]] = {}
        for staff_id, row in records.items():  # records are in staff_id order
            members.setdefault((row.get("zone_id"), row.get("household_id")), []).append(staff_id)
        points = plan.station.accepted_points
        hotels = points[points["kind"] == "hotel"]
        hotels = hotels.sort_values("point_id", kind="stable")
        tree = shapely.STRtree(hotels.geometry.to_numpy())
        people = _People.of(plan)
        return cls(alternates, households, members, list(hotels.itertuples()), tree, people)


def _zone_node(groups: _Groups, records: dict[str, dict[str, Any]], zone: Any) -> dict[str, Any]:
    zone_id = zone.zone_id
    node = _node(
        "zone",
        name=text_of(zone.zone_name) or None,
        zone_id=zone_id,
        note=f"area {text_of(zone.area_id)}" if text_of(zone.area_id) else None,
    )
    warden_id, deputy_id = text_of(zone.warden_id), text_of(zone.deputy_id)
    warden = (
        _person(records[warden_id], "warden")
        if warden_id in records
        else _placeholder("warden", f"{zone_id}: {NOT_APPOINTED}")
    )
    shown = {warden_id}
    if deputy_id in records:
        warden["children"].append(_person(records[deputy_id], "deputy"))
        shown.add(deputy_id)
    else:
        warden["children"].append(_placeholder("deputy", f"{zone_id}: {NOT_APPOINTED}"))
    for role, staff_id in groups.alternates.get(zone_id, []):
        if staff_id in records:
            warden["children"].append(_person(records[staff_id], role))
            shown.add(staff_id)
    for household in groups.households.get(zone_id, []):
        in_household = groups.members.get((zone_id, household.household_id), [])
        names = ", ".join(text_of(records[sid].get("name")) for sid in in_household)
        warden["children"].append(
            _node(
                "household",
                name=names,
                zone_id=zone_id,
                household_id=household.household_id,
                dependants=int(household.dependants),
                note=(
                    f"{int(household.staff_count)} staff, {int(household.dependants)} "
                    f"dependant{'' if int(household.dependants) == 1 else 's'}"
                    + _unnamed_note(groups.people, household.household_id)
                ),
                children=[
                    _person(records[sid], "staff") for sid in in_household if sid not in shown
                ]
                + _dependant_nodes(groups.people, zone_id, household.household_id),
            )
        )
    contact = deputy_id if deputy_id in records else warden_id
    node["children"] = [warden, *_hotels(groups, records, zone, contact)]
    return node


def _hotels(
    groups: _Groups, records: dict[str, dict[str, Any]], zone: Any, contact_id: str
) -> list[dict[str, Any]]:
    """Return the zone's hotels (those inside it, and those of its visitors) with visitors."""
    inside = np.sort(groups.hotel_tree.query(zone.geometry, predicate="contains"))
    guests = groups.people.visitors.get(zone.zone_id, [])
    by_hotel: dict[str, list[dict[str, Any]]] = {}
    for guest in guests:
        by_hotel.setdefault(text_of(guest.get("point_id")), []).append(guest)
    hotels = {hotel.point_id: hotel for hotel in (groups.hotels[i] for i in inside)}
    hotels |= {p: groups.people.lodgings[p] for p in by_hotel if p in groups.people.lodgings}
    nodes = []
    for point_id in sorted(hotels):
        hotel = hotels[point_id]
        node = _node(
            "hotel",
            name=text_of(hotel.name),
            phone=text_of(getattr(hotel, "phone", None)) or None,
            zone_id=zone.zone_id,
            note=text_of(getattr(hotel, "address", None)) or None,
        )
        if contact_id in records:
            node["children"].append(
                _person(
                    records[contact_id],
                    "visitors_contact",
                    note="keeps in touch with UN visitors staying here",
                )
            )
        node["children"] += [_visitor_node(g, records) for g in by_hotel.pop(point_id, [])]
        nodes.append(node)
    elsewhere = [g for rest in by_hotel.values() for g in rest]  # no hotel point: lat/lon
    if elsewhere:
        node = _node("hotel", name="Other lodging", zone_id=zone.zone_id, note="given by lat/lon")
        node["children"] = [_visitor_node(g, records) for g in elsewhere]
        nodes.append(node)
    return nodes


@dataclass(frozen=True)
class _People:
    """Named dependants by household and visitors by zone, looked up once."""

    named: bool  # the dependants file names someone
    dependants: dict[str, list[dict[str, Any]]]  # household -> named dependants, file order
    unnamed: dict[str, int]  # household -> dependants counted but not named
    visitors: dict[str, list[dict[str, Any]]]  # zone -> visitors, by visitor_id
    lodgings: dict[str, Any]  # point_id -> the accepted point where visitors stay

    @classmethod
    def of(cls, plan: PlannedStation) -> _People:
        accepted = plan.station.accepted_dependants
        numbered = accepted["numbered"].astype(bool)
        named = pd.DataFrame(accepted[~numbered]).sort_values("source_row", kind="stable")
        dependants: dict[str, list[dict[str, Any]]] = {}
        for row in named.to_dict("records"):
            dependants.setdefault(str(row["household_id"]), []).append(row)
        unnamed = accepted[numbered].groupby("household_id").size()
        visitors: dict[str, list[dict[str, Any]]] = {}
        frame = pd.DataFrame(plan.visitors.drop(columns="geometry"))
        for row in frame.sort_values("visitor_id", kind="stable").to_dict("records"):
            visitors.setdefault(text_of(row["zone_id"]), []).append(row)
        points = plan.station.accepted_points
        points = points[points["point_id"].isin(frame["point_id"])]
        return cls(
            named=bool(len(named)),
            dependants=dependants,
            unnamed={str(k): int(v) for k, v in unnamed.items()},
            visitors=visitors,
            lodgings={str(p.point_id): p for p in points.itertuples()},
        )


def _unnamed_note(people: _People, household_id: str) -> str:
    unnamed = people.unnamed.get(household_id, 0) if people.named else 0
    return f" ({unnamed} not named)" if unnamed else ""


def _dependant_nodes(people: _People, zone_id: str, household_id: str) -> list[dict[str, Any]]:
    """Return a node per named dependant of the household: name, phone, relation, age band."""
    nodes = []
    for row in people.dependants.get(household_id, []):
        about = [text_of(row.get(c)) for c in ("relation", "age_band", "special_needs")]
        nodes.append(
            _node(
                "dependant",
                person_id=text_of(row.get("person_id")),
                name=text_of(row.get("name")),
                phone=text_of(row.get("phone")) or None,
                zone_id=zone_id,
                household_id=household_id,
                note=", ".join(a for a in about if a) or None,
            )
        )
    return nodes


def _visitor_node(row: dict[str, Any], records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Return a visitor's node, with the staff member who sponsors them under it."""
    node = _node(
        "visitor",
        person_id=text_of(row.get("visitor_id")),
        name=text_of(row.get("name")),
        agency=text_of(row.get("agency")) or None,
        phone=text_of(row.get("phone")) or None,
        zone_id=text_of(row.get("zone_id")) or None,
    )
    sponsor = text_of(row.get("sponsor_staff_id"))
    if sponsor in records:
        node["children"].append(_person(records[sponsor], "sponsor", note="keeps contact"))
    else:
        node["note"] = "no sponsor named"
    return node


def _agency_channel(records: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    by_agency: dict[str, list[dict[str, Any]]] = {}
    for row in records.values():
        by_agency.setdefault(text_of(row.get("agency")), []).append(row)
    nodes = []
    for agency in sorted(set(by_agency) - {""}, key=str.casefold):
        members = by_agency[agency]
        is_head = ["agency_head" in roles_of(row.get("role")) for row in members]
        heads = [
            _person(row, "agency_head") for row, head in zip(members, is_head, strict=True) if head
        ]
        others = [
            _person(row, "staff") for row, head in zip(members, is_head, strict=True) if not head
        ]
        node = _node("agency", name=agency, note=None if heads else "no head of agency named")
        if heads:
            heads[0]["children"] = others
            node["children"] = heads
        else:
            node["children"] = others
        nodes.append(node)
    return nodes
