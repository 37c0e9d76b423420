"""Write the risk register: ``risk.html`` (heat maps and table), ``risk.json`` and ``risk.csv``.

The outputs render what they are given: the register and the matrix's labels, levels,
strategies, colours and cell notes come as plain values, so this module decides nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from outputs.csv_safe import write_csv_safely
from outputs.escape import html_text

COLUMNS = (
    "rank", "threat", "category", "likelihood", "impact", "score", "level", "strategy",
    "measures", "residual_likelihood", "residual_impact", "residual_score", "residual_level",
    "low_likelihood_critical_impact",
)  # fmt: skip
WATCH = "low_likelihood_critical_impact"
GUIDE_QUOTE = "Low risks that nonetheless have critical impacts must not, however, be forgotten."
HEADINGS = {WATCH: "low likelihood, critical impact"}


def write_risk_files(
    register: pd.DataFrame,
    matrix: dict[str, Any],
    folder: Path,
    *,
    station: str,
) -> list[Path]:
    """Write ``risk.html``, ``risk.json`` and ``risk.csv`` into ``folder``.

    Parameters
    ----------
    register
        The assessed threats (:func:`planner.risk.assess`), with ``measures`` and the
        residual values when the threat list has them.
    matrix
        ``name``, ``likelihood`` and ``impact`` labels, ``cells`` (25 dicts with
        likelihood, impact, score, level, strategy), ``colours`` (level to colour) and
        optional ``cell_notes`` (likelihood, impact, note).
    folder
        The folder to write into (exists).
    station
        The station's name, for the page title.

    Returns
    -------
    list of pathlib.Path
        The three files.
    """
    table = register[[c for c in COLUMNS if c in register.columns]]
    records = json.loads(table.to_json(orient="records"))
    payload = {
        "station": station,
        "matrix": matrix["name"],
        "cell_notes": matrix.get("cell_notes", []),
        "register": records,
    }
    json_path = folder / "risk.json"
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    csv_path = write_csv_safely(table, folder / "risk.csv")
    html_path = folder / "risk.html"
    html_path.write_text(_html(table, matrix, station), encoding="utf-8")
    return [html_path, json_path, csv_path]


def _html(table: pd.DataFrame, matrix: dict[str, Any], station: str) -> str:
    watch = table[table[WATCH]] if WATCH in table else table.iloc[0:0]
    watched = set(watch["rank"].astype(int))
    maps = [_heat_map(table, matrix, ("likelihood", "impact"), "Before measures", watched)]
    if "residual_likelihood" in table and "residual_impact" in table:
        maps.append(
            _heat_map(
                table,
                matrix,
                ("residual_likelihood", "residual_impact"),
                "After measures (residual)",
                watched,
            )
        )
    notes = "".join(
        f"<p class='note'>* Likelihood {n['likelihood']}, impact {n['impact']}: "
        f"{html_text(n['note'])}</p>"
        for n in matrix.get("cell_notes", [])
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Risk register - {html_text(station)}</title>
<style>{_STYLE}</style></head><body>
<h1>Risk register - {html_text(station)}</h1>
<p>Risk = likelihood x impact, each on a 1-5 scale. Levels and suggested strategies from the
risk matrix of {html_text(matrix["name"])}. Numbers on the heat maps are the threats' ranks in the
register below.</p>
{_watch_box(watch)}
<h2>Heat maps</h2>
<div class="maps">{"".join(maps)}</div>
<p class="legend"><span class="dot">#</span> a threat, by rank
<span class="dot watch">#</span> low likelihood, critical impact: not to be forgotten</p>
{notes}
<h2>Register</h2>
{_register(table, watched)}
</body></html>
"""


def _watch_box(watch: pd.DataFrame) -> str:
    if watch.empty:
        return ""
    items = "".join(
        f"<li><b>{int(row['rank'])}. {html_text(_text(row['threat']))}</b>: likelihood "
        f"{int(row['likelihood'])}, impact {int(row['impact'])}, {html_text(_text(row['level']))}"
        + (f"; measures: {html_text(_text(row['measures']))}" if _text(row.get("measures")) else "")
        + "</li>"
        for _, row in watch.iterrows()
    )
    return (
        "<section class='watch-box'><h2>Low likelihood, critical impact</h2>"
        f"<p>The guide: &ldquo;{html_text(GUIDE_QUOTE)}&rdquo;</p><ul>{items}</ul></section>"
    )


def _heat_map(
    table: pd.DataFrame,
    matrix: dict[str, Any],
    columns: tuple[str, str],
    title: str,
    watched: set[int],
) -> str:
    """Return one heat map: the matrix's cells with the ranks of the threats placed in them."""
    colours = matrix["colours"]
    noted = {(n["likelihood"], n["impact"]) for n in matrix.get("cell_notes", [])}
    by_cell: dict[tuple[int, int], list[int]] = {}
    unplaced = []
    for rank, likelihood, impact in zip(
        table["rank"], table[columns[0]], table[columns[1]], strict=True
    ):
        if pd.isna(likelihood) or pd.isna(impact):
            unplaced.append(int(rank))
            continue
        by_cell.setdefault((int(likelihood), int(impact)), []).append(int(rank))
    cells = {(c["likelihood"], c["impact"]): c for c in matrix["cells"]}
    head = "".join(
        f"<th>{i}<br><small>{html_text(name)}</small></th>"
        for i, name in enumerate(matrix["impact"], start=1)
    )
    rows = []
    for likelihood in range(5, 0, -1):
        name = matrix["likelihood"][likelihood - 1]
        tds = []
        for impact in range(1, 6):
            cell = cells[(likelihood, impact)]
            placed = " ".join(
                f"<span class='dot{' watch' if n in watched else ''}'>{n}</span>"
                for n in by_cell.get((likelihood, impact), [])
            )
            colour = html_text(colours.get(cell["level"], "#eee"))
            level, strategy = html_text(cell["level"]), html_text(cell["strategy"])
            mark = "*" if (likelihood, impact) in noted else ""
            tds.append(
                f"<td style='background:{colour}' title='{strategy}'><b>{level} "
                f"({cell['score']}){mark}</b><br><small class='strategy'>{strategy}</small><br>"
                f"{placed}</td>"
            )
        rows.append(
            f"<tr><th>{likelihood}<br><small>{html_text(name)}</small></th>{''.join(tds)}</tr>"
        )
    missing = (
        f"<p class='note'>Not placed, no residual values: "
        f"{', '.join(str(n) for n in unplaced)}.</p>"
        if unplaced
        else ""
    )
    return (
        f"<figure><figcaption>{html_text(title)}</figcaption><div class='scroll'>"
        f"<table class='matrix'><tr><th>Likelihood \\ Impact</th>{head}</tr>{''.join(rows)}"
        f"</table></div>{missing}</figure>"
    )


def _register(table: pd.DataFrame, watched: set[int]) -> str:
    head = "".join(
        f"<th>{html_text(HEADINGS.get(c, c.replace('_', ' ')))}</th>" for c in table.columns
    )
    rows = "".join(
        ("<tr class='watch'>" if int(row["rank"]) in watched else "<tr>")
        + "".join(f"<td>{html_text(_cell(c, row[c]))}</td>" for c in table.columns)
        + "</tr>"
        for _, row in table.iterrows()
    )
    return f"<div class='scroll'><table class='register'><tr>{head}</tr>{rows}</table></div>"


def _cell(column: str, value: object) -> str:
    if column == WATCH:
        return "yes: not to be forgotten" if bool(value) else ""
    return _text(value)


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


_STYLE = """body{font-family:system-ui,"DejaVu Sans",sans-serif;margin:1.5rem;color:#1f2328;
max-width:90rem}table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #8c959f;
padding:.3rem .4rem;vertical-align:top;font-size:.85rem}.matrix td{width:5.4rem;height:3.8rem}
.matrix th{font-size:.8rem;max-width:7rem}.scroll{overflow-x:auto;max-width:100%}
.maps{display:flex;flex-wrap:wrap;gap:1.5rem}figure{margin:0;min-width:0;max-width:100%}
figcaption{font-weight:bold;margin-bottom:.2rem}
.dot{display:inline-block;min-width:1.3rem;padding:0 .2rem;border-radius:.7rem;background:#1f2328;
color:#fff;text-align:center;margin:.1rem;border:2px solid #1f2328}
.dot.watch{background:#fff;color:#a40e26;border-color:#a40e26;font-weight:bold}
.watch-box{border-left:.35rem solid #a40e26;background:#fff5f5;padding:.3rem 1rem;margin:1rem 0}
.watch-box h2{font-size:1.1rem;margin:.4rem 0}tr.watch td{background:#fff5f5}
tr.watch td:first-child{box-shadow:inset .3rem 0 0 #a40e26}.note,.legend{font-size:.85rem}
@media (max-width:40rem){body{margin:.75rem}.matrix td,.matrix th{font-size:.7rem;padding:.2rem;
width:auto;height:2.6rem}.matrix th{max-width:4.6rem}
.matrix .strategy{display:none}.dot{min-width:1rem;margin:.05rem}}
@media print{body{margin:0}.scroll{overflow:visible}}"""
