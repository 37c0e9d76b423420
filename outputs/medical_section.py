"""The security plan's medical evacuation (MEDEVAC/CASEVAC) section.

It lays out what the plan measured (`zones.medical`): the hospitals and whether they take
trauma, each zone's and office's nearest hospital and nearest trauma care by driving time,
the zones and offices the plan flagged as too far, and the steps of a casualty evacuation
with the station's emergency numbers. It decides nothing.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from outputs.document import Section, Steps, Table
from outputs.phone_text import format_phone
from stations.text import text_of
from zones.medical import FAR_FROM_TRAUMA, NO_HOSPITAL, NO_TRAUMA_DATA, MedicalRules
from zones.network import describe_method
from zones.plan import PlannedStation

TITLE = "Medical evacuation (MEDEVAC/CASEVAC)"
MEDICAL_FLAGS = (NO_HOSPITAL, FAR_FROM_TRAUMA, NO_TRAUMA_DATA)
TRAUMA_WORDS: dict[bool, str] = {True: "yes", False: "no"}


def medical_section(plan: PlannedStation) -> Section:
    """Return the MEDEVAC/CASEVAC section of the security plan.

    Parameters
    ----------
    plan
        The planned station, with its ``medical`` frame.

    Returns
    -------
    outputs.document.Section
        Hospitals, nearest care per zone and office, the flagged ones, the CASEVAC steps.
    """
    rules = MedicalRules.from_table(plan.station.config.extra.get("medical", {}))
    limit = f"{rules.trauma_within_min:g}"
    flagged = plan.flags[plan.flags["code"].isin(MEDICAL_FLAGS)]
    flag_rows = tuple((text_of(f.severity), text_of(f.message)) for f in flagged.itertuples())
    return Section(
        TITLE,
        (
            (
                "Hospitals come from the station's points file (kind hospital); whether they "
                "take trauma cases from its trauma column. Each zone is measured from its centre "
                "household, each office from where it stands, by driving time on the fastest "
                f"way, {describe_method(plan.distance_method)}; a row measured as a straight line "
                "is an estimate, not a route. A hospital that cannot be reached by road is never "
                "the nearest. Every zone's and office's nearest hospitals are in medical.csv; "
                "each warden's list carries its zone's."
            ),
            Table(
                ("Hospital", "Name", "Phone", "Trauma", "Address"),
                _hospital_rows(plan),
                (0.8, 2.4, 1.3, 0.7, 1.8),
                empty="no hospital in the points file",
            ),
            "Nearest hospital and nearest trauma care by car (minutes, rounded up):",
            Table(
                ("Zone / office", "Nearest hospital", "Min", "Nearest trauma care", "Min", "How"),
                _origin_rows(plan.medical),
                (1.6, 1.9, 0.5, 1.9, 0.5, 0.8),
                empty="not measured",
            ),
            (
                f"Zones and offices more than {limit} minutes by car from trauma care, or that "
                "reach no hospital by road (the limit follows the common 'golden hour' practice "
                "of trauma care; the UN sources of this plan set no figure: confirm it with the "
                "medical adviser, and set [medical] trauma_within_min in station.toml):"
            ),
            Table(("Severity", "Gap"), flag_rows, (0.8, 5.6), empty="none"),
            (
                "Casualty evacuation (CASEVAC), common practice to confirm locally with the "
                "medical adviser:"
            ),
            Steps(_casevac_steps(plan)),
        ),
    )


def _hospital_rows(plan: PlannedStation) -> tuple[tuple[str, ...], ...]:
    points = plan.station.accepted_points
    hospitals = points[points["kind"] == "hospital"].sort_values("point_id", kind="stable")
    country = plan.station.config.station.country
    return tuple(
        (
            text_of(h.point_id),
            text_of(h.name),
            format_phone(text_of(getattr(h, "phone", None)), country),
            _trauma(getattr(h, "trauma", None)),
            text_of(getattr(h, "address", None)),
        )
        for h in hospitals.itertuples()
    )


def _trauma(value: object) -> str:
    if value is True or value is False:
        return TRAUMA_WORDS[value]
    return "not known"


def _origin_rows(medical: pd.DataFrame) -> tuple[tuple[str, ...], ...]:
    """Return one row per zone and office: nearest hospital and nearest trauma care."""
    columns = ["origin_kind", "origin_id", "origin_name", "rank", "nearest_trauma", "method"]
    origins: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    records = pd.DataFrame(medical[[*columns, "time_s", "hospital_name", "hospital_id"]])
    for row in records.to_dict("records"):  # grouped in order of first appearance
        if not (pd.isna(row["origin_kind"]) or pd.isna(row["origin_id"])):
            origins.setdefault((row["origin_kind"], row["origin_id"]), []).append(row)
    rows = []
    for (kind, origin_id), rows_of in origins.items():
        name = text_of(rows_of[0]["origin_name"])
        where = f"{'Zone' if kind == 'zone' else 'Office'} {origin_id}"
        where += f"\n{name}" if name and name != origin_id else ""
        first = [r for r in rows_of if not pd.isna(r["rank"]) and r["rank"] == 1]
        trauma = [r for r in rows_of if bool(r["nearest_trauma"])]
        nearest, minutes = _hospital(first, "none by road")
        care, care_minutes = _hospital(trauma, "none known")
        methods = {r["method"] for r in rows_of if not pd.isna(r["method"])}
        how = "straight line x 1.3" if "straight-line" in methods else "street network"
        rows.append((where, nearest, minutes, care, care_minutes, how))
    return tuple(rows)


def _hospital(rows: list[dict[str, Any]], none: str) -> tuple[str, str]:
    if not rows:
        return none, ""
    row = rows[0]
    seconds = float(row["time_s"])
    minutes = "" if math.isnan(seconds) else f"{max(1, math.ceil(seconds / 60))}"
    return f"{text_of(row['hospital_name'])} ({text_of(row['hospital_id'])})", minutes


def _casevac_steps(plan: PlannedStation) -> tuple[str, ...]:
    ambulance = _contact(plan, "ambulance", "the ambulance")
    centre = _contact(plan, "security_operations_centre", "the security operations centre")
    return (
        (
            "Whoever is with the casualty gives first aid at once (the office's first-aid and "
            "trauma kits) and keeps the casualty where it is safe."
        ),
        f"Call {ambulance}: where, how many casualties, what injuries, a call-back number.",
        (
            f"Report to {centre} and to the zone's warden; the warden informs the security "
            "adviser, who informs the Designated Official and the casualty's agency."
        ),
        (
            "If no ambulance can come in time, take the casualty by car to the nearest hospital "
            "that takes trauma (table above), with a second person and a phone or radio; tell "
            "the hospital you are coming."
        ),
        (
            "The security adviser, with the medical adviser and the agency, decides on a "
            "MEDEVAC (out of the area or country) when local care is not enough, and records "
            "who was moved, where and when."
        ),
    )


def _contact(plan: PlannedStation, key: str, label: str) -> str:
    info = plan.station.config.station
    contact = info.contacts.get(key)
    if contact is None:
        return f"{label} (no number in station.toml [station.contacts] {key})"
    return f"{contact.name}, {format_phone(contact.phone, info.country)}"
