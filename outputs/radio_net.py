"""The radio net page: ``radio/radio_net.html`` and ``.pdf``, and ``radio/callsigns.csv``.

The page lists the station's channels, its nets with their net control, the radio check
schedule, every call sign by net (name, agency, role, zone, whether the person holds a
radio, and whether the call sign is the roster's or generated), the people on the nets
without a radio, the repeaters and any call sign the roster gives twice. A redacted
plan's page keeps the channels, the nets with their counts, the schedule (net control
by role) and the repeaters: no name, phone, ``staff_id`` or call sign, so that nothing
links a call sign to a person; ``callsigns.csv`` is then not written.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from pathlib import Path
from typing import Any

import pandas as pd

from outputs.csv_safe import write_csv_safely
from outputs.document import Cell, Document, Section, Table, render_html, write_pdf
from outputs.page import long_date
from stations.text import text_of
from zones.callsigns import RadioPlan
from zones.plan import PlannedStation

logger = logging.getLogger(__name__)

CONFIDENTIAL = "CONFIDENTIAL - STAFF PERSONAL DATA"
REDACTED = "RESTRICTED - REDACTED FOR DISTRIBUTION"
ROLE_TITLES = {
    "DO": "Designated Official",
    "CSA": "Chief Security Adviser",
    "CSFP": "Country Security Focal Point",
    "ASC": "Area Security Coordinator",
    "agency_head": "Head of agency",
    "warden": "Warden",
    "deputy": "Deputy warden",
    "alternate": "Alternate warden",
    "staff": "Staff",
}
RADIO_RULES = (
    "Use call signs, not names. Never send addresses or phone numbers by radio; use the "
    "coded place names of the plan. Net control opens each check, calls every call sign "
    "of the net in the order of its list and follows up by phone any that does not answer."
)
CSV_COLUMNS = (
    "radio_net", "radio_callsign", "callsign_source", "staff_id", "name", "agency",
    "radio_role", "zone_id", "area_id", "has_radio",
)  # fmt: skip


def write_radio_net(
    plan: PlannedStation,
    radio: RadioPlan,
    out_dir: Path,
    *,
    issued: dt.date,
    redact: bool = False,
) -> list[Path]:
    """Write the radio net page (HTML and PDF) and, unless redacted, ``callsigns.csv``.

    Parameters
    ----------
    plan
        The planned station; its staff carry ``radio_callsign``, ``callsign_source`` and
        ``radio_net`` (`planner.build.with_radio`).
    radio
        The radio plan (`zones.callsigns.plan_radio`).
    out_dir
        The plan's output folder; ``radio/`` is created in it.
    issued
        The date of issue printed on every page.
    redact
        Leave out names, ``staff_id`` and call signs.

    Returns
    -------
    list of pathlib.Path
        The HTML page, the PDF and (not redacted) the CSV.

    Raises
    ------
    outputs.fonts.FontsMissingError
        If the fonts are not installed.
    """
    folder = out_dir / "radio"
    folder.mkdir(parents=True, exist_ok=True)
    people = _people(plan, radio)
    document = _document(plan, radio, people, issued=issued, redact=redact)
    html_path = folder / "radio_net.html"
    html_path.write_text(render_html(document), encoding="utf-8")
    paths = [html_path, write_pdf(document, folder / "radio_net.pdf")]
    if not redact:
        table = people[list(CSV_COLUMNS)]
        paths.append(write_csv_safely(table, folder / "callsigns.csv"))
    logger.info("radio net: %d nets, %d people in %s", len(radio.nets), len(people), folder)
    return paths


def _people(plan: PlannedStation, radio: RadioPlan) -> pd.DataFrame:
    """Return the call-sign table with each person's name, agency, zone, area and radio."""
    staff = pd.DataFrame(plan.staff.drop(columns="geometry", errors="ignore"))
    staff = staff.assign(staff_id=staff["staff_id"].astype(str)).set_index("staff_id")
    people = radio.callsigns.copy()
    for column in ("name", "agency", "zone_id", "area_id"):
        source = staff[column] if column in staff else pd.Series(dtype=object)
        people[column] = people["staff_id"].map(source).map(text_of)
    radios = staff["has_radio"] if "has_radio" in staff else pd.Series(dtype=object)
    people["has_radio"] = people["staff_id"].map(radios).map(lambda v: v is True)
    return people


def _document(
    plan: PlannedStation,
    radio: RadioPlan,
    people: pd.DataFrame,
    *,
    issued: dt.date,
    redact: bool,
) -> Document:
    station = plan.station.name
    rules = radio.rules
    generated = int((people["callsign_source"] == "generated").sum())
    facts = (
        ("Nets:", str(len(radio.nets))),
        ("Call signs:", f"{int((people['radio_callsign'] != '').sum())} ({generated} generated)"),
        ("Radios held:", f"{int(people['has_radio'].sum())} of {len(people)} staff"),
        ("Radio check:", f"{_day(rules.check_day)} from {rules.check_time}"),
    )
    sections = [
        _section("Radio rules", RADIO_RULES),
        _section("Channels", _channels(radio)),
        _section("Nets", _nets(radio, people, redact=redact)),
        _section("Radio check schedule", _schedule(radio, people, redact=redact)),
    ]
    if not redact:
        sections += _callsign_sections(radio, people)
        sections.append(_without_radio(radio, people))
    sections.append(_section("Repeaters", *_repeaters(radio)))
    if not redact and radio.duplicates:
        sections.append(_duplicates(radio))
    return Document(
        title=f"Radio net: {station}",
        subtitle=f"{station} duty station · radio nets, call signs and checks · issued "
        f"{long_date(issued)}",
        marking=REDACTED if redact else CONFIDENTIAL,
        issued=issued,
        facts=facts,
        sections=tuple(sections),
        layout="sheet",
        header=f"{station} · radio net",
        note="" if redact else "Keep it safe; destroy superseded copies.",
        author=f"{station} security management",
    )


def _section(title: str, *blocks: Any) -> Section:
    return Section(title, blocks, numbered=False)


def _day(day: str) -> str:
    return "Daily" if day == "daily" else f"Every {day.capitalize()}"


def _channels(radio: RadioPlan) -> Table:
    rows = [(c.name, c.channel, c.frequency, c.use) for c in radio.rules.channels]
    return Table(
        ("Channel", "Number", "Frequency", "Use"),
        rows,
        (40, 20, 30, 90),
        empty="no channels in station.toml ([radio] channels)",
    )


def _control(staff_id: object, people: pd.DataFrame, *, redact: bool) -> Cell:
    """Return net control: call sign, name (shaped apart) and a missing radio; redacted: role."""
    mine = people[people["staff_id"] == text_of(staff_id)]
    if mine.empty:
        return "none appointed"
    person = mine.iloc[0]
    title = ROLE_TITLES.get(person["radio_role"], person["radio_role"])
    if redact:
        return title
    callsign = person["radio_callsign"] or "no call sign"
    lacking = "" if person["has_radio"] else ", no radio"
    return [[f"{callsign} - ", person["name"], f" ({title}{lacking})"]]


def _nets(radio: RadioPlan, people: pd.DataFrame, *, redact: bool) -> Table:
    rows = [
        (
            text_of(net.net),
            _control(net.control_id, people, redact=redact),
            str(net.members),
            str(net.radios),
        )
        for net in radio.nets.itertuples()
    ]
    return Table(("Net", "Net control", "Members", "With a radio"), rows, (50, 80, 25, 25))


def _schedule(radio: RadioPlan, people: pd.DataFrame, *, redact: bool) -> Table:
    rows = [
        (
            _day(check.day),
            check.time,
            text_of(check.net),
            _control(check.control_id, people, redact=redact),
        )
        for check in radio.schedule.itertuples()
    ]
    return Table(("Day", "Time", "Net", "Net control"), rows, (35, 20, 50, 75))


def _callsign_sections(radio: RadioPlan, people: pd.DataFrame) -> list[Section]:
    sections = []
    for net in radio.nets["net"]:
        members = people[(people["radio_net"] == net) & (people["radio_callsign"] != "")]
        rows = [
            (
                p.radio_callsign,
                p.name,
                p.agency,
                ROLE_TITLES.get(p.radio_role, p.radio_role),
                p.zone_id,
                "yes" if p.has_radio else "no",
                p.callsign_source,
            )
            for p in members.itertuples()
        ]
        sections.append(
            _section(
                f"Call signs: {net}",
                Table(
                    ("Call sign", "Name", "Agency", "Role", "Zone", "Radio", "Source"),
                    rows,
                    (24, 50, 20, 32, 16, 14, 22),
                    bold_columns=(0,) if rows else (),
                ),
            )
        )
    return sections


def _without_radio(radio: RadioPlan, people: pd.DataFrame) -> Section:
    """Return who on the security net has no radio (named), and per zone the others (counted)."""
    security = people["radio_net"].isin(radio.nets.loc[radio.nets["kind"] == "security", "net"])
    lacking = ~people["has_radio"]
    named = [
        (p.name, ROLE_TITLES.get(p.radio_role, p.radio_role), p.zone_id, p.radio_callsign)
        for p in people[security & lacking].itertuples()
    ]
    others = people[~security]
    counts = others.groupby(["radio_net", "zone_id"], sort=True)["has_radio"].agg(["size", "sum"])
    counted = [
        (net, zone or "no zone", str(int(size - held)), str(int(size)))
        for (net, zone), (size, held) in counts.iterrows()
        if size > held
    ]
    return _section(
        "On the nets without a radio",
        "On the security net, each of these needs a radio; until then they are called by phone.",
        Table(
            ("Name", "Role", "Zone", "Call sign"),
            named,
            (60, 45, 20, 25),
            empty="everyone on the security net has a radio",
        ),
        "On the warden nets, staff without a radio are reached by phone through the call "
        "cascade; each zone's warden list and callsigns.csv name them.",
        Table(
            ("Net", "Zone", "Without a radio", "Staff"),
            counted,
            (60, 25, 30, 25),
            empty="everyone on the warden nets has a radio",
        ),
    )


def _repeaters(radio: RadioPlan) -> tuple[Any, ...]:
    """Return the repeaters with the homes each reaches, and the zones with homes beyond."""
    rows = [
        (text_of(r.point_id), text_of(r.name), _metres(r.range_m), str(r.households))
        for r in radio.repeaters.itertuples()
    ]
    table = Table(
        ("Repeater", "Name", "Range", "Homes in range"),
        rows,
        (25, 80, 25, 30),
        empty="no repeaters in the points file",
    )
    if not rows:
        return (table,)
    if radio.beyond.empty:
        return (table, "Every home is within range of a repeater (straight line).")
    zones = ", ".join(f"{text_of(z)} ({int(n)})" for z, n in radio.beyond.to_numpy())
    total = int(radio.beyond["households"].sum())
    gap = (
        f"{total} home(s) within range of no repeater (straight line; buildings and hills "
        f"shorten it): by zone {zones}. Test a radio there, or add a repeater."
    )
    return (table, gap)


def _metres(value: object) -> str:
    number = float(value) if isinstance(value, int | float) else math.nan
    return "unknown" if math.isnan(number) else f"{number / 1000:g} km"


def _duplicates(radio: RadioPlan) -> Section:
    rows = [(callsign, ", ".join(ids)) for callsign, ids in radio.duplicates]
    return _section(
        "Call signs held twice in the roster",
        "Give each of these people a call sign of their own in the roster.",
        Table(("Call sign", "Held by (staff_id)"), rows, (30, 100)),
    )
