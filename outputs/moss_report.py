"""Write a MOSS report as ``moss.json`` and a readable, sortable, offline ``moss.html``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from outputs.escape import html_text
from zones.network import describe_method

RATING_COLOURS = {
    "Compliant": "#1a7f37",
    "Largely compliant": "#7a9a01",
    "Partially compliant": "#bf8700",
    "Non-compliant": "#cf222e",
    "Not assessed": "#57606a",
}
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2}

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:1.5rem;color:#1f2328;max-width:72rem}h1{font-size:1.5rem;margin:0 0 .3rem}
h2{font-size:1.15rem;margin-top:2rem}
.rating{display:inline-block;padding:.35rem .8rem;border-radius:1rem;color:#fff;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;cursor:pointer;user-select:none;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
.critical{color:#cf222e;font-weight:600}.major{color:#bf8700;font-weight:600}.minor{color:#57606a}
.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:600}.na{color:#8c959f}
details{margin:.2rem 0}summary{cursor:pointer}.muted{color:#57606a;font-size:.85rem}
@media print{th{position:static}details{display:block}details>*{display:block}}
"""

_SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function(table){
  table.querySelectorAll("th").forEach(function(th, column){
    th.addEventListener("click", function(){
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function(h){ h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function(a, b){
        var x = a.cells[column].dataset.sort || a.cells[column].textContent;
        var y = b.cells[column].dataset.sort || b.cells[column].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var result = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return ascending ? result : -result;
      });
      rows.forEach(function(row){ body.appendChild(row); });
    });
  });
});
"""


def write_moss_json(report: dict[str, Any], path: Path) -> Path:
    """Write the MOSS report mapping as indented, UTF-8 JSON.

    Parameters
    ----------
    report
        ``MossReport.to_dict()``.
    path
        The file to write.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_moss_html(report: dict[str, Any], path: Path, *, map_href: str | None = None) -> Path:
    """Write the MOSS report as a self-contained HTML page.

    Parameters
    ----------
    report
        ``MossReport.to_dict()``.
    path
        The file to write.
    map_href
        A relative link to the station map; zone ids link to ``map_href#zone=<id>``.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    rating = report["rating"]
    colour = RATING_COLOURS.get(rating, "#57606a")
    percentage = report["compliance_percentage"]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>MOSS compliance - {html_text(report['station'])}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>MOSS compliance - {html_text(report['station'])}</h1>",
        (
            f"<p><span class='rating' style='background:{colour}'>{html_text(rating)}"
            f"{'' if percentage is None else f' - {percentage:.1f} %'}</span></p>"
        ),
        (
            f"<p class='muted'>Security level {report['security_level']}; assessed as of "
            f"{html_text(report['as_of'])}; distances measured "
            f"{html_text(describe_method(report['distance_method']))}. "
            "Rating: weighted share of passing entities (critical 3, major 2, minor 1); 90 % and "
            "above Compliant, 75-90 % Largely compliant, 50-75 % Partially compliant, below 50 % "
            "Non-compliant; a failing critical rule caps the rating at Largely compliant.</p>"
        ),
        _baseline(report),
        _rules_table(report["rules"]),
        _tally_table("Per zone", "Zone", report["by_zone"], map_href),
        _tally_table("Per office", "Office", report["by_office"], None),
        *(_sites_section(s) for s in report.get("site_suggestions", [])),
        f"<script>{_SORT_SCRIPT}</script></body></html>",
    ]
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def _sites_section(suggestion: dict[str, Any]) -> str:
    """Return the suggested sites for one point kind, or what is left uncovered."""
    kind = html_text(str(suggestion["point_kind"]))
    if not suggestion["demand_households"]:
        return f"<h2>Suggested {kind} sites</h2><p class='muted'>No gap to close.</p>"
    limit = suggestion["max_distance_m"]
    reach = f"within {limit:,.0f} m" if limit is not None else "with a route"
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{html_text(str(site[c]))}</td>"
            for c in (
                "site_id",
                "name",
                "osm_kind",
                "households",
                "headcount",
                "capacity",
                "capacity_basis",
                "zones",
            )
        )
        + "</tr>"
        for site in suggestion["sites"]
    )
    table = (
        "<table><thead><tr><th>Site</th><th>Name</th><th>OSM kind</th><th>Households</th>"
        "<th>People</th><th>Capacity (estimate)</th><th>Capacity basis</th><th>Zones</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        if suggestion["sites"]
        else "<p>No candidate site closes the gap.</p>"
    )
    return (
        f"<h2>Suggested {kind} sites</h2><p>{suggestion['demand_households']} households "
        f"({suggestion['demand_headcount']} people) have no {kind} point {reach} that can "
        f"hold their zone; distances measured "
        f"{html_text(describe_method(str(suggestion['distance_method'])))}. "
        f"After the sites below, {suggestion['residual_households']} households "
        f"({suggestion['residual_headcount']} people) remain uncovered. Capacities are "
        "estimates from OSM areas and footprints: check each site on the ground.</p>" + table
    )


def _baseline(report: dict[str, Any]) -> str:
    """Return the statement that the default rules are a generic baseline ("" without any)."""
    note = report.get("baseline_note", "")
    return f"<p class='baseline'><strong>{html_text(note)}</strong></p>" if note else ""


def _rules_table(rules: list[dict[str, Any]]) -> str:
    ordered = sorted(
        rules,
        key=lambda r: (not r["applicable"], SEVERITY_ORDER[r["severity"]], -r["failed"], r["id"]),
    )
    rows = []
    for rule in ordered:
        if not rule["applicable"]:
            status = f"<td class='na' data-sort='999'>n/a ({html_text(rule['note'])})</td>"
        else:
            css = "pass" if rule["failed"] == 0 else "fail"
            status = (
                f"<td class='{css}' data-sort='{rule['percentage']}'>{rule['percentage']:.1f} % "
                f"({rule['passed']}/{rule['checked']})</td>"
            )
        failures = "".join(
            f"<li>{html_text(f['entity'])}: {html_text(f['reason'])}</li>" for f in rule["failures"]
        )
        more = rule["failures_not_listed"]
        if more:
            failures += f"<li>... and {more} more</li>"
        detail = (
            f"<details><summary>{rule['failed']} failing</summary><ul>{failures}</ul></details>"
            if failures
            else ""
        )
        severity = rule["severity"]
        rows.append(
            "<tr>"
            f"<td>{html_text(rule['id'])}</td>"
            f"<td><strong>{html_text(rule['title'])}</strong><div class='muted'>"
            f"{html_text(rule['description'])}</div><div class='muted'>Source: "
            f"{html_text(rule.get('provenance', ''))}</div>{detail}</td>"
            f"<td>{html_text(rule['component'])}</td><td>{html_text(rule['applies_to'])}</td>"
            f"<td class='{html_text(severity)}' data-sort='{SEVERITY_ORDER[severity]}'>"
            f"{html_text(severity)}</td>"
            f"<td data-sort='{rule['min_level']}'>{rule['min_level']}</td>{status}</tr>"
        )
    head = (
        "<tr><th>Rule</th><th>Requirement</th><th>Component</th><th>Applies to</th>"
        "<th>Severity</th><th>From level</th><th>Passing</th></tr>"
    )
    return (
        "<h2>Rules</h2><table class='sortable' id='rules'><thead>"
        f"{head}</thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _tally_table(
    title: str, label: str, tally: dict[str, dict[str, int]], map_href: str | None
) -> str:
    if not tally:
        return ""
    rows = []
    for entity, counts in sorted(tally.items()):
        name = html_text(entity)
        if map_href:
            fragment = quote(str(entity), safe="", errors="replace")
            name = f"<a href='{html_text(map_href)}#zone={html_text(fragment)}'>{name}</a>"
        css = "pass" if counts["failed"] == 0 else "fail"
        rows.append(
            f"<tr><td>{name}</td><td>{counts['checked']}</td>"
            f"<td class='{css}'>{counts['failed']}</td></tr>"
        )
    return (
        f"<h2>{html_text(title)}</h2><table class='sortable'><thead><tr><th>{html_text(label)}</th>"
        "<th>Rules checked</th><th>Rules failing</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
