"""The plan folder's entry page, ``index.html``: the summary and every file, by reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from outputs.compliance import compliance_file_names
from outputs.escape import html_text
from outputs.file_names import card_file_names, safe_file_names

# Known files, grouped by who reads them; anything else written is listed under "Other files".
GROUPS = (
    (
        "For the Designated Official",
        (
            ("security_plan.pdf", "The security plan to sign (A4)"),
            ("security_plan.html", "The security plan as a web page"),
            ("map.html", "Evacuation map of the duty station"),
            ("moss.html", "MOSS compliance, rule by rule"),
            ("compliance/compliance_by_agency.csv", "MOSS compliance per agency (CSV)"),
            ("risk.html", "Risk register and heat maps"),
        ),
    ),
    (
        "For the security adviser",
        (
            ("contacts/tree.html", "Contact tree and call cascade"),
            ("flags.csv", "Gaps the plan found"),
            ("appointments.csv", "Wardens, deputies, ASCs and why each was chosen"),
            ("assignments.csv", "Every staff member: zone, warden, or why rejected"),
            ("contacts/contacts.csv", "One row per person with zone, warden, deputy and ASC"),
            ("contacts/contacts.vcf", "Contacts for phones (vCard)"),
            ("radio/radio_net.pdf", "Radio nets, call signs and the radio check schedule (A4)"),
            ("radio/radio_net.html", "The radio net page as a web page"),
            ("radio/callsigns.csv", "Every call sign: the roster's or generated, and its net"),
            ("letters/", "Letters of appointment"),
            ("zone_metrics.csv", "Zone sizes, compactness and reach"),
            ("sites.csv", "Suggested assembly and concentration sites (MOSS gaps)"),
            ("medical.csv", "Nearest hospitals by driving time, trauma care, per zone and office"),
        ),
    ),
    (
        "For GIS",
        (
            ("plan.gpkg", "GeoPackage: zones, households, offices, points, routes, areas"),
            ("evacuation.json", "Legs of the journey, surveyed or not, with alternates (JSON)"),
            ("zones.geojson", "Zones (EPSG:4326)"),
            ("zones.kml", "Zones for Google Earth"),
            ("sites.geojson", "Suggested assembly and concentration sites (EPSG:4326)"),
            ("moss.json", "MOSS report (JSON)"),
            ("risk.json", "Risk register (JSON)"),
            ("risk.csv", "Risk register (CSV)"),
            ("summary.json", "The figures of this page (JSON)"),
        ),
    ),
)


def write_index(
    folder: Path,
    summary: dict[str, Any],
    files: list[str],
    zones: list[tuple[str, str]],
    issued: dt.date,
    *,
    agencies: Sequence[str] = (),
) -> Path:
    """Write ``folder/index.html`` and return its path.

    Parameters
    ----------
    folder
        The plan folder.
    summary
        The plan's figures (station, security_level, zones, areas, households,
        staff_assigned, staff_rejected, minutes_to_reach_everyone, compliance_rating,
        compliance_percentage, most_urgent, target_minutes).
    files
        The files written, relative to ``folder`` with ``/`` separators.
    zones
        ``(zone_id, zone_name)`` of every zone, for the per-zone links.
    issued
        The date of issue.
    agencies
        The agencies with a compliance page (``compliance/<safe name>.html`` and ``.pdf``,
        `outputs.compliance.compliance_file_names`).

    Returns
    -------
    pathlib.Path
        The page.
    """
    present = set(files) | {name.split("/")[0] + "/" for name in files if "/" in name}
    listed: set[str] = set()
    groups = []
    for title, entries in GROUPS:
        rows = "".join(
            f"<li><a href='{html_text(name)}'>{html_text(name)}</a> - {html_text(what)}</li>"
            for name, what in entries
            if name in present
        )
        listed |= {name for name, _ in entries}
        if rows:
            groups.append(f"<h2>{html_text(title)}</h2><ul>{rows}</ul>")
    file_names = safe_file_names(zone_id for zone_id, _ in zones)
    cards = card_file_names(file_names)
    zone_rows = "".join(
        _zone_row(zone_id, name, (file_names[zone_id], cards[zone_id]), present)
        for zone_id, name in zones
    )
    wardens = (
        "<h2>For wardens (one zone each)</h2><table><thead><tr><th>Zone</th><th>Name</th>"
        "<th>Warden list</th><th>Wallet card</th><th>Zone map</th></tr></thead>"
        f"<tbody>{zone_rows}</tbody></table>"
    )
    heads, per_agency = _agency_pages(agencies, present)
    stems = file_names.values()
    per_zone = {f"contacts/{n}.pdf" for n in [*stems, *cards.values()]}
    per_zone |= {f"maps/{n}.html" for n in stems} | per_agency
    others = sorted(
        n for n in files if n not in listed and n not in per_zone and n.split("/")[0] + "/" not in
        listed and n != "index.html" and not n.startswith("maps/assets/")
    )  # fmt: skip
    other = "".join(f"<li><a href='{html_text(n)}'>{html_text(n)}</a></li>" for n in others)
    urgent = "".join(f"<li>{html_text(i)}</li>" for i in summary["most_urgent"]) or "<li>none</li>"
    minutes = summary["minutes_to_reach_everyone"]
    reach = "nobody to call" if minutes is None else f"{minutes:g} min"
    reach += f" (target {summary['target_minutes']:g} min)"
    html = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html_text(summary["station"])} security plan</title>
<style>body{{font-family:system-ui,"DejaVu Sans",sans-serif;margin:0 auto;max-width:56rem;
padding:1.5rem;color:#1f2328;line-height:1.45}}h1,h2{{color:#1a4d8f}}
dt{{font-weight:600}}dd{{margin:0 0 .6rem 0}}
table{{border-collapse:collapse;width:100%}}th,td{{border:1px solid #9aa5b1;padding:.2rem .5rem;
text-align:left}}thead th{{background:#e8eef6}}.marking{{color:#a00000;font-weight:700}}</style>
</head><body>
<p class="marking">CONFIDENTIAL - the files below hold staff personal data unless redacted</p>
<h1>{html_text(summary["station"])}: security plan</h1>
<p>Security level {summary["security_level"]}. Issued {issued.isoformat()}.</p>
<dl><dt>Warden zones</dt><dd>{summary["zones"]} zones in {summary["areas"]} area(s);
{summary["households"]} households; {summary["staff_assigned"]} staff assigned,
{summary["staff_rejected"]} rejected (see assignments.csv)</dd>
<dt>Time to reach everyone (call cascade)</dt><dd>{reach}</dd>
<dt>MOSS compliance</dt><dd>{html_text(str(summary["compliance_rating"]))}
({summary["compliance_percentage"]} %){_agency_figures(summary)}</dd>
<dt>Most urgent gaps</dt><dd><ul>{urgent}</ul></dd></dl>
{"".join(groups)}
{heads}
{wardens if zones else ""}
{f"<h2>Other files</h2><ul>{other}</ul>" if other else ""}
</body></html>
"""
    path = folder / "index.html"
    path.write_text(html, encoding="utf-8")
    return path


def _agency_pages(agencies: Sequence[str], present: set[str]) -> tuple[str, set[str]]:
    """Return the heads of agency's table (agency as text, links by safe name) and its files."""
    stems = compliance_file_names(list(agencies))
    files = {f"compliance/{stems[a]}.{ext}" for a in agencies for ext in ("html", "pdf")}
    rows = "".join(
        f"<tr><td>{html_text(agency)}</td>"
        + "".join(
            f"<td><a href='{html_text(path)}'>{kind}</a></td>" if path in present else "<td>-</td>"
            for kind, path in (
                ("page", f"compliance/{stems[agency]}.html"),
                ("PDF", f"compliance/{stems[agency]}.pdf"),
            )
        )
        + "</tr>"
        for agency in agencies
    )
    if not rows or not files & present:
        return "", files
    table = (
        "<h2>For heads of agency (MOSS compliance)</h2><table><thead><tr><th>Agency</th>"
        f"<th>Web page</th><th>A4 PDF</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    return table, files


def _agency_figures(summary: dict[str, Any]) -> str:
    """Return the worst agency and the share of staff without training, escaped."""
    worst, untrained = summary.get("worst_agency"), summary.get("staff_without_training_pct")
    text = (
        "" if worst is None else f"; worst agency {worst} ({summary['worst_agency_percentage']} %)"
    )
    text += "" if untrained is None else f"; staff without training {untrained} %"
    return html_text(text)


def _zone_row(zone_id: str, name: str, stems: tuple[str, str], present: set[str]) -> str:
    """Return a zone's row: its id and name as text, links to its files by their safe names."""

    def link(path: str, text: str) -> str:
        return f"<a href='{html_text(path)}'>{html_text(text)}</a>" if path in present else "-"

    return (
        f"<tr><td>{html_text(zone_id)}</td><td>{html_text(name)}</td>"
        f"<td>{link(f'contacts/{stems[0]}.pdf', 'PDF')}</td>"
        f"<td>{link(f'contacts/{stems[1]}.pdf', 'card')}</td>"
        f"<td>{link(f'maps/{stems[0]}.html', 'map')}</td></tr>"
    )
