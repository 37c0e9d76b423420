"""The ``compliance/`` folder: one page per agency for its head, and the DO's table.

Each agency gets ``compliance/<agency>.html`` and ``.pdf`` (A4, the shared document stack
:mod:`outputs.document`): its staff by category, the coverage of every staff, household
and office rule of MOSS, its offices' status and the items out of compliance with their
action owner and due date. ``compliance/compliance_by_agency.csv`` holds one row per
agency and a ``STATION`` total row. Agency names are data: they name files only through
:func:`outputs.file_names.safe_file_names`. A redacted page keeps the figures and replaces
the named items by counts per rule, without names, ids or phones. Nothing is decided here
(the figures and items come from ``planner.compliance``, as a JSON-ready mapping).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from outputs import document, fonts
from outputs.csv_safe import write_csv_safely
from outputs.file_names import safe_file_names
from outputs.page import long_date

FOLDER = "compliance"
TABLE = "compliance_by_agency.csv"
CONFIDENTIAL = "CONFIDENTIAL - STAFF PERSONAL DATA"
REDACTED = "RESTRICTED - REDACTED FOR DISTRIBUTION"
APPLIES_TO = {"staff": "staff", "household": "households", "office": "offices"}
OWNER_ROLE = {
    "staff": "each staff member named",
    "household": "the staff of each household",
    "office": "the head of agency",
}


def compliance_file_names(agencies: list[str]) -> dict[str, str]:
    """Return each agency's page name (without extension) inside ``compliance/``.

    Parameters
    ----------
    agencies
        The agency names.

    Returns
    -------
    dict
        Agency -> a safe, unique file name stem (`outputs.file_names.safe_file_names`).
    """
    return safe_file_names(agencies)


def write_compliance(
    compliance: Mapping[str, Any],
    table: pd.DataFrame,
    folder: Path,
    *,
    issued: dt.date,
    redact: bool = False,
) -> list[Path]:
    """Write ``compliance/``: a page (HTML and A4 PDF) per agency and the CSV for the DO.

    Parameters
    ----------
    compliance
        The station's compliance per agency, JSON-ready (``StationCompliance.to_dict`` of
        ``planner.compliance``): ``station``, ``as_of``, ``security_level``, ``due_days``,
        ``rules`` and ``agencies`` with their figures, coverage, offices and items.
    table
        One row per agency and a total row (``planner.compliance.compliance_table``),
        written formula-safe as ``compliance_by_agency.csv``.
    folder
        The plan folder; ``compliance/`` is created in it.
    issued
        The date of issue printed on the pages.
    redact
        Keep the figures, leave out every name, staff or household id and phone.

    Returns
    -------
    list of pathlib.Path
        The files written: the CSV, then HTML and PDF per agency, by agency name.
    """
    out = folder / FOLDER
    out.mkdir(parents=True, exist_ok=True)
    fonts.register_fonts()
    paths = [write_csv_safely(table, out / TABLE)]
    agencies = compliance["agencies"]
    stems = compliance_file_names([a["agency"] for a in agencies])
    for agency in agencies:
        page = agency_document(agency, compliance, issued=issued, redact=redact)
        stem = stems[agency["agency"]]  # an agency's name is data: its safe form names the file
        html = out / f"{stem}.html"
        html.write_text(document.render_html(page), encoding="utf-8")
        paths += [html, document.write_pdf(page, out / f"{stem}.pdf")]
    return paths


def agency_document(
    agency: Mapping[str, Any],
    compliance: Mapping[str, Any],
    *,
    issued: dt.date,
    redact: bool,
) -> document.Document:
    """Return one agency's page as a sheet of the shared document stack.

    Parameters
    ----------
    agency
        The agency's figures and items (one of ``compliance["agencies"]``).
    compliance
        The whole station's (station, plan date, security level, rules, due days).
    issued
        The date of issue.
    redact
        Replace the named items by counts per rule; leave out the head's name.

    Returns
    -------
    outputs.document.Document
        The page.
    """
    station = compliance["station"]
    head = "" if redact else agency["head"] or "not named in the roster"
    untrained = f"{agency['untrained']} ({_percent(agency['untrained_pct'])})"
    facts = (
        ("Plan date:", long_date(dt.date.fromisoformat(compliance["as_of"]))),
        ("Security level:", str(compliance["security_level"])),
        *((("Head of agency:", head),) if head else ()),
        ("Staff:", f"{agency['staff']}, of whom {agency['away']} away on the plan date"),
        ("Overall compliance:", _percent(agency["compliance_pct"])),
        ("Staff without training:", untrained),
    )
    rules = {r["id"]: r for r in compliance["rules"]}
    sections = (
        _section("", INTRODUCTION),
        _section("Staff by category", _categories(agency)),
        _section("Coverage by rule", *_coverage(agency, compliance["rules"])),
        _section("Offices", _offices(agency)),
        _section(
            "Wardens, deputies and ASCs",
            _appointee_counts(agency) if redact else _appointees(agency["appointees"]),
        ),
        _section(
            "Out of compliance",
            _due_note(compliance["due_days"]),
            _counts(agency, rules) if redact else _items(agency["items"]),
        ),
    )
    return document.Document(
        title=f"MOSS compliance: {agency['agency']}",
        subtitle=f"{station} duty station, for the head of agency",
        marking=REDACTED if redact else CONFIDENTIAL,
        issued=issued,
        facts=facts,
        sections=sections,
        layout="sheet",
        header=f"{agency['agency']} · {station}",
        author=f"Security adviser, {station}",
    )


INTRODUCTION = (
    "The figures come from the plan's MOSS report (moss.html): every staff, household and "
    "office rule of the station's rule set, counted for this agency's staff, their households "
    "and its offices. Staff away on the plan date are counted: they remain responsible for "
    "their compliance. Zone and station rules are the whole station's (see the MOSS report)."
)


def _section(title: str, *blocks: document.Block) -> document.Section:
    return document.Section(title, blocks, numbered=False)


def _percent(value: float | None) -> str:
    return "not assessed" if value is None else f"{value:g} %"


def _categories(agency: Mapping[str, Any]) -> document.Table:
    rows = [[category, str(count)] for category, count in agency["categories"].items()]
    return document.Table(("Category", "Staff"), rows, (3, 1), empty="no staff in the roster")


def _coverage(agency: Mapping[str, Any], rules: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Return the table of applicable rules and a line naming the rules that do not apply."""
    mine = {c["rule_id"]: c for c in agency["coverage"]}
    rows = [
        [
            f"{r['id']}\n{r['title']}",
            r["severity"],
            APPLIES_TO[r["applies_to"]],
            _figure(mine[r["id"]])
            if r["id"] in mine
            else f"no {APPLIES_TO[r['applies_to']]} of the agency checked",
        ]
        for r in rules
        if r["applicable"]
    ]
    blocks: list[Any] = [
        document.Table(
            ("Rule", "Severity", "Checks", "Passing"), rows, (8, 2, 2, 5), empty="no rule applies"
        )
    ]
    idle = [
        f"{r['id']} {r['title']} ({r['note'] or 'not applicable'})"
        for r in rules
        if not r["applicable"]
    ]
    if idle:
        blocks.append("Not applicable: " + "; ".join(idle) + ".")
    return blocks


def _figure(coverage: Mapping[str, Any]) -> str:
    return f"{coverage['passed']} of {coverage['checked']} ({_percent(coverage['percentage'])})"


def _offices(agency: Mapping[str, Any]) -> document.Table:
    rows = [
        [
            f"{o['name']} ({o['office_id']})" if o["name"] else o["office_id"],
            o["status"],
            f"fails {o['failed']} of {o['checked']} office rules" if o["checked"] else "",
        ]
        for o in agency["offices"]
    ]
    return document.Table(
        ("Office", "MOSS status", "Rules"), rows, (4, 2, 3), empty="no office in the offices file"
    )


def _appointees(appointees: Sequence[Mapping[str, Any]]) -> document.Table:
    rows = [
        [
            f"{a['name']}\n{a['staff_id']}",
            a["duty"] if a["presence"] == "present" else f"{a['duty']}\n({a['presence']})",
            "\n".join(a["flags"]) or "no gap flagged",
        ]
        for a in appointees
    ]
    return document.Table(
        ("Staff", "Appointment", "Flagged in the plan"),
        rows,
        (4, 3, 7),
        empty="none of the agency's staff is appointed",
    )


def _appointee_counts(agency: Mapping[str, Any]) -> str:
    appointees = agency["appointees"]
    flagged = sum(bool(a["flags"]) for a in appointees)
    return (
        f"{len(appointees)} of the agency's staff are appointed warden, deputy, alternate or "
        f"ASC; the plan flags {flagged} of them."
    )


def _items(items: Sequence[Mapping[str, Any]]) -> document.Table:
    rows = [
        [i["rule_id"], i["severity"], _subject(i), i["reason"], i["owner"], i["due"]] for i in items
    ]
    return document.Table(
        ("Rule", "Severity", "Staff, household or office", "Finding", "Action owner", "Due"),
        rows,
        (3, 3, 6, 6, 5, 4),
        empty="none: every check passes",
    )


def _subject(item: Mapping[str, Any]) -> str:
    if item["applies_to"] != "staff":
        return str(item["subject"])
    lines = [item["subject"], item["entity"]]  # a right-to-left name on a line of its own
    if item["duty"]:
        lines.append(item["duty"])
    if item["presence"] and item["presence"] != "present":
        lines.append(
            item["presence"] if item["presence"] == "visiting" else f"away: {item['presence']}"
        )
    return "\n".join(lines)


def _counts(agency: Mapping[str, Any], rules: Mapping[str, Mapping[str, Any]]) -> document.Table:
    """Return the items as counts per rule: no name, no id."""
    counts: dict[str, int] = {}
    due: dict[str, str] = {}
    for item in agency["items"]:
        counts[item["rule_id"]] = counts.get(item["rule_id"], 0) + 1
        due[item["rule_id"]] = item["due"]
    rows = [
        [
            f"{rule_id}\n{rules[rule_id]['title']}",
            rules[rule_id]["severity"],
            f"{count} {APPLIES_TO[rules[rule_id]['applies_to']]}",
            OWNER_ROLE[rules[rule_id]["applies_to"]],
            due[rule_id],
        ]
        for rule_id, count in counts.items()
    ]
    return document.Table(
        ("Rule", "Severity", "Failing", "Action owner", "Due"),
        rows,
        (6, 2, 3, 4, 3),
        empty="none: every check passes",
    )


def _due_note(due_days: Mapping[str, int]) -> str:
    days = ", ".join(f"{severity} {d} days" for severity, d in due_days.items())
    return (
        f"Due dates: the plan date plus {days}. Personal items are the staff member's to put "
        "right (a household's, its members'); office items are the head of agency's."
    )
