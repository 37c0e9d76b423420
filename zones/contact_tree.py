"""The contact tree: who passes messages to whom, down to every household.

The security chain runs from the Designated Official to the Chief Security Adviser
(or the Country Security Focal Point), to the Area Security Coordinators, to the
wardens; each warden's branch holds the deputy, the alternates and every household of
the zone with its staff. Each zone also lists its hotels and the person who keeps in
touch with UN visitors staying there (the deputy, or the warden when there is no
deputy). A second view, the agency channel, runs from each head of agency to the
agency's staff.

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
    # "household", "staff", "hotel", "visitors_contact", "agency", "agency_head"
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
        return cls(alternates, households, members, list(hotels.itertuples()), tree)


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
                ),
                children=[
                    _person(records[sid], "staff") for sid in in_household if sid not in shown
                ],
            )
        )
    contact = deputy_id if deputy_id in records else warden_id
    node["children"] = [warden, *_hotels(groups, records, zone, contact)]
    return node


def _hotels(
    groups: _Groups, records: dict[str, dict[str, Any]], zone: Any, contact_id: str
) -> list[dict[str, Any]]:
    inside = np.sort(groups.hotel_tree.query(zone.geometry, predicate="contains"))
    nodes = []
    for hotel in (groups.hotels[i] for i in inside):
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
        nodes.append(node)
    return nodes


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
