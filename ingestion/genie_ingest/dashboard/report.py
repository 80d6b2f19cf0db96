"""The static HTML report: the dashboard's pages, computed on the local DuckDB build.

One self-contained file per workspace filter value (`index.html` = every workspace,
`workspace-<id>.html` = one workspace), each holding all five pages as sections, opened from
disk without a server. The date range is one period for the whole report (`--start`/`--end`,
default: the first to the last query_date in genie_query_performance). Every dataset's SQL is
run with those parameter values (the same SQL the Lakeview file carries), so the report filters
exactly like the dashboard. The query deep dive shows `--statement-id`, default the period's
costliest repeated query shape of the workspace
(`default_statement`).

Charts are Vega-Lite specs written by altair and drawn by vega-embed; the Vega, Vega-Lite and
vega-embed JavaScript comes from the vl-convert-python wheel (`javascript_bundle`) and is inlined,
so nothing is fetched from a CDN. Tables are plain HTML tables (not charts).
"""

from __future__ import annotations

import datetime as dt
import decimal
import html
import json
from collections.abc import Iterable
from pathlib import Path

import altair as alt
import duckdb
import vl_convert

from .definitions import Definition, duckdb_parameters, split_field

CHART_WIDTH, CHART_HEIGHT = 460, 220
# Hand-written: the page calls vega-embed for every spec and records the views and the outcome
# on the document (the browser test waits for data-rendered and reads the drawn marks).
EMBED_SNIPPET = """
const specs = JSON.parse(document.getElementById("vega-specs").textContent);
window.vegaViews = {};
Promise.all(Object.entries(specs).map(([id, spec]) =>
  vegaEmbed("#" + id, spec, {renderer: "svg", actions: false})
    .then((r) => { window.vegaViews[id] = r.view; })
)).then(
  () => { document.body.dataset.rendered = "true"; },
  (err) => { console.error("chart failed: " + err); document.body.dataset.rendered = "error"; }
);
"""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 1.5rem 2rem; color: #1b1f24; }
header { padding: .5rem 0; border-bottom: 1px solid #ddd; }
nav a { margin-right: 1rem; }
section { padding-top: 1rem; }
.widgets { display: flex; flex-wrap: wrap; gap: 1rem; }
.widget { border: 1px solid #e3e3e3; border-radius: 6px; padding: .5rem; }
.widget.table { flex-basis: 100%; overflow-x: auto; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border-bottom: 1px solid #eee; padding: 2px 6px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { color: #777; }
"""


def _jsonable(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def run_dataset(
    con: duckdb.DuckDBPyConnection, defn: Definition, name: str, values: dict
) -> list[dict]:
    """Rows of one dataset (dicts of JSON-ready values), its parameters bound from `values`
    (`workspace`, `date_range` as (min, max) dates, `statement_id`)."""
    cur = con.execute(defn.datasets[name].duckdb_sql(), duckdb_parameters(defn, name, values))
    cols = [d[0] for d in cur.description]
    return [{c: _jsonable(v) for c, v in zip(cols, row, strict=True)} for row in cur.fetchall()]


def chart_spec(widget: dict, rows: list[dict]) -> dict:
    """A Vega-Lite spec (dict) for a counter, bar or line widget over `rows`."""
    kind = widget["type"]
    if widget.get("limit") and kind != "counter":
        y = split_field(widget["y"])[0]
        rows = sorted(rows, key=lambda r: r[y] or 0, reverse=True)[: widget["limit"]]
    data = alt.Data(values=rows)
    if kind == "counter":
        field = widget["field"]
        chart = (
            alt.Chart(data, title=widget["title"], width=220, height=50)
            .mark_text(fontSize=28, fontWeight="bold")
            .encode(text=alt.Text(f"sum({field}):Q", format=",.2f"))
        )
        return chart.to_dict()
    x_col, x_type = split_field(widget["x"])
    sort = widget.get("sort")
    if sort == "-y":
        x = alt.X(f"{x_col}:{x_type}", sort="-y")
    elif sort and sort.lstrip("-") not in {"x", "y"}:
        order = "descending" if sort.startswith("-") else "ascending"
        x = alt.X(f"{x_col}:{x_type}", sort=alt.EncodingSortField(sort.lstrip("-"), order=order))
    elif kind == "bar" and x_type == "T":  # one band per day rather than hairlines on a time axis
        x = alt.X(f"{x_col}:O", timeUnit="yearmonthdate", title=x_col)
    else:
        x = alt.X(f"{x_col}:{x_type}")
    y_col, y_type = split_field(widget["y"])
    enc = {
        "x": x,
        "y": alt.Y(f"sum({y_col}):{y_type}", title=y_col),
        "tooltip": [f"{x_col}:{x_type}", f"sum({y_col}):{y_type}"],
    }
    if "color" in widget:
        enc["color"] = widget["color"]
    mark = alt.Chart(data, title=widget["title"], width=CHART_WIDTH, height=CHART_HEIGHT)
    chart = mark.mark_bar() if kind == "bar" else mark.mark_line(point=True)
    return chart.encode(**enc).to_dict()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f'<td class="num">{value:,.2f}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="num">{value:,}</td>'
    return f"<td>{html.escape('' if value is None else str(value))}</td>"


def table_html(widget: dict, rows: list[dict]) -> str:
    cols = widget["columns"]
    if widget.get("sort"):
        key = widget["sort"].lstrip("-")
        rows = sorted(
            rows,
            key=lambda r: (r[key] is None, r[key] or 0),
            reverse=widget["sort"].startswith("-"),
        )
        if widget["sort"].startswith("-"):  # keep nulls last after reversing
            rows = [r for r in rows if r[key] is not None] + [r for r in rows if r[key] is None]
    if widget.get("limit"):
        rows = rows[: widget["limit"]]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    if not rows:
        body = f'<tr><td class="empty" colspan="{len(cols)}">no rows for this filter</td></tr>'
    else:
        body = "".join("<tr>" + "".join(_cell(r[c]) for c in cols) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _default_period(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date]:
    lo, hi = con.execute(
        "select min(query_date), max(query_date) from genie_query_performance"
    ).fetchone()
    if lo is None:
        raise SystemExit("genie_query_performance is empty: build the marts first (make demo)")
    return lo, hi


def default_statement(con, workspace: str, period: tuple[dt.date, dt.date]) -> str | None:
    """The deep dive's default: the most expensive run of the costliest query shape (fingerprint)
    that ran on more than one day of the period, else the period's most expensive statement."""
    row = con.execute(
        """
        with q as (
            select * from genie_query_performance
            where ($workspace = 'all' or cast(workspace_id as string) = $workspace)
                and query_date between $lo and $hi and estimated_cost_usd is not null
        ),
        shape as (
            select workspace_id, query_fingerprint, sum(estimated_cost_usd) as cost_usd
            from q
            group by workspace_id, query_fingerprint
            having count(distinct query_date) > 1
        ),
        ranked as (
            select q.query_id, coalesce(s.cost_usd, 0) as shape_cost_usd, q.estimated_cost_usd
            from q
            left join shape as s
                on q.workspace_id = s.workspace_id and q.query_fingerprint = s.query_fingerprint
        )
        select query_id from ranked
        order by shape_cost_usd desc, estimated_cost_usd desc, query_id
        limit 1
        """,
        {"workspace": workspace, "lo": period[0], "hi": period[1]},
    ).fetchone()
    return row[0] if row else None


def _file_name(workspace: str) -> str:
    return "index.html" if workspace == "all" else f"workspace-{workspace}.html"


def render_page_file(
    con: duckdb.DuckDBPyConnection,
    defn: Definition,
    workspace: str,
    workspaces: Iterable[str],
    period: tuple[dt.date, dt.date],
    statement_id: str | None,
    script: str,
) -> str:
    """One workspace's report: every page as a <section id=page name>."""
    statement = statement_id or default_statement(con, workspace, period) or ""
    values = {"workspace": workspace, "date_range": period, "statement_id": statement}
    cache: dict[str, list[dict]] = {}
    specs: dict[str, dict] = {}
    sections = []
    for page in defn.pages:
        parts = []
        for i, widget in enumerate(page.widgets):
            ds = widget["dataset"]
            if ds not in cache:
                cache[ds] = run_dataset(con, defn, ds, values)
            rows = cache[ds]
            wid = f"{page.name}-{i:02d}"
            attrs = f'id="{wid}" data-dataset="{ds}" data-type="{widget["type"]}"'
            if widget["type"] == "table":
                title = html.escape(widget["title"])
                table = table_html(widget, rows)
                parts.append(f'<div class="widget table" {attrs}><h3>{title}</h3>{table}</div>')
            else:
                field = widget.get("field", "")
                parts.append(f'<div class="widget chart" {attrs} data-field="{field}"></div>')
                specs[wid] = chart_spec(widget, rows)
        sections.append(
            f'<section id="{page.name}"><h2>{html.escape(page.display_name)}</h2>'
            f'<div class="widgets">{"".join(parts)}</div></section>'
        )
    ws_links = " ".join(
        f'<a href="{_file_name(w)}">{"all workspaces" if w == "all" else html.escape(w)}</a>'
        for w in ["all", *workspaces]
    )
    page_links = " ".join(
        f'<a href="#{p.name}">{html.escape(p.display_name)}</a>' for p in defn.pages
    )
    label = "all workspaces" if workspace == "all" else f"workspace {html.escape(workspace)}"
    specs_json = json.dumps(specs).replace("</", "<\\/")
    title = html.escape(defn.display_name)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}: {label}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{title}: {label}, {period[0]} to {period[1]} (UTC)</h1>"
        f"<nav>Pages: {page_links}</nav><nav>Workspace: {ws_links}</nav>"
        f"<p>Query deep dive: statement "
        f'<code id="statement-id">{html.escape(statement)}</code></p></header>'
        f"{''.join(sections)}"
        f'<script type="application/json" id="vega-specs">{specs_json}</script>'
        f'<script type="module">{script}</script></body></html>\n'
    )


def write_report(
    db: Path,
    defn: Definition,
    out_dir: Path,
    period: tuple[dt.date, dt.date] | None = None,
    statement_id: str | None = None,
    schema: str = "genie_analytics",
) -> list[Path]:
    """Write index.html and one file per workspace under `out_dir`; returns the paths."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute(f"set schema = '{schema}'")
        period = period or _default_period(con)
        workspaces = [
            r["workspace_id"]
            for r in run_dataset(con, defn, "workspaces", {})
            if r["workspace_id"] != "all"
        ]
        script = vl_convert.javascript_bundle(EMBED_SNIPPET)
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for ws in ["all", *sorted(workspaces)]:
            path = out_dir / _file_name(ws)
            path.write_text(
                render_page_file(con, defn, ws, sorted(workspaces), period, statement_id, script)
            )
            paths.append(path)
        return paths
    finally:
        con.close()
