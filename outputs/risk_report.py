"""Write the risk register: ``risk.html`` (matrix and table), ``risk.json`` and ``risk.csv``.

The outputs render what they are given: the register and the matrix's labels, levels,
strategies and colours come as plain values, so this module decides nothing.
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
    "residual_likelihood", "residual_impact", "residual_score", "residual_level",
)  # fmt: skip


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
        The assessed threats (:func:`planner.risk.assess`).
    matrix
        ``name``, ``likelihood`` and ``impact`` labels, ``cells`` (25 dicts with
        likelihood, impact, score, level, strategy) and ``colours`` (level to colour).
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
    payload = {"station": station, "matrix": matrix["name"], "register": records}
    json_path = folder / "risk.json"
    json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    csv_path = write_csv_safely(table, folder / "risk.csv")
    html_path = folder / "risk.html"
    html_path.write_text(_html(table, matrix, station), encoding="utf-8")
    return [html_path, json_path, csv_path]


def _html(table: pd.DataFrame, matrix: dict[str, Any], station: str) -> str:
    colours = matrix["colours"]
    by_cell: dict[tuple[int, int], list[int]] = {}
    for row in table.itertuples():
        by_cell.setdefault((int(row.likelihood), int(row.impact)), []).append(int(row.rank))
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
                f"<span class='dot'>{n}</span>" for n in by_cell.get((likelihood, impact), [])
            )
            colour = html_text(colours.get(cell["level"], "#eee"))
            level, strategy = html_text(cell["level"]), html_text(cell["strategy"])
            tds.append(
                f"<td style='background:{colour}' title='{strategy}'><b>{level} "
                f"({cell['score']})</b><br><small>{strategy}</small><br>{placed}</td>"
            )
        rows.append(
            f"<tr><th>{likelihood}<br><small>{html_text(name)}</small></th>{''.join(tds)}</tr>"
        )
    register_rows = "".join(
        "<tr>" + "".join(f"<td>{html_text(_text(row[c]))}</td>" for c in table.columns) + "</tr>"
        for _, row in table.iterrows()
    )
    register_head = "".join(f"<th>{html_text(c.replace('_', ' '))}</th>" for c in table.columns)
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Risk register - {html_text(station)}</title>
<style>body{{font-family:system-ui,"DejaVu Sans",sans-serif;margin:1.5rem;color:#1f2328}}
table{{border-collapse:collapse;margin:.5rem 0 1.5rem}}td,th{{border:1px solid #8c959f;
padding:.35rem .5rem;vertical-align:top;font-size:.9rem}}.matrix td{{width:8.5rem;height:4.5rem}}
.dot{{display:inline-block;min-width:1.3rem;padding:0 .2rem;border-radius:.7rem;background:#1f2328;
color:#fff;text-align:center;margin:.1rem}}@media print{{body{{margin:0}}}}</style></head><body>
<h1>Risk register - {html_text(station)}</h1>
<p>Risk = likelihood x impact, each on a 1-5 scale; levels and suggested strategies from
{html_text(matrix["name"])}. Numbers in the matrix are the threats' ranks in the register below.</p>
<table class="matrix"><tr><th>Likelihood \\ Impact</th>{head}</tr>{"".join(rows)}</table>
<h2>Register</h2><table><tr>{register_head}</tr>{register_rows}</table></body></html>
"""


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)
