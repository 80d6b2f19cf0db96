"""Build the AI/BI (Lakeview) dashboard file (`.lvdash.json`) from the definition.

Databricks publishes no schema for this file; the shape follows real exports and the
databrickslabs/lsql model (reference: databricks_dashboards_apps.md section 1):
- `datasets[]`: `name`, `displayName`, `queryLines` (concatenated verbatim, so every element
  ends with a newline), `parameters[]` (`keyword`, `displayName`, `dataType`, `complexType`
  RANGE, `defaultSelection`). No `catalog`/`schema`: the bundle's dataset_catalog /
  dataset_schema apply to the unqualified mart names.
- `pages[]`: one PAGE_TYPE_GLOBAL_FILTERS page (workspace and date range, bound to every dataset
  using those parameters) and one PAGE_TYPE_CANVAS page per definition page, GRID_V1 (12 columns).
- widget spec versions: counter 2, table 2, bar/line 3, filters 2.
"""

from __future__ import annotations

import json
from pathlib import Path

from .definitions import Definition, Parameter, split_field, widget_columns

SCALE = {"T": "temporal", "Q": "quantitative", "N": "categorical"}
GRID_COLUMNS = 12
# (width, height) on the 12-column grid
SIZE = {"counter": (3, 3), "bar": (6, 6), "line": (6, 6), "table": (12, 8)}


def _query_lines(sql: str) -> list[str]:
    lines = sql.strip("\n").split("\n")
    return [line + "\n" for line in lines]


def _default_selection(param: Parameter) -> dict:
    if param.complex_type == "RANGE":
        return {
            "range": {
                "dataType": param.data_type,
                "min": {"value": param.default["min"]},
                "max": {"value": param.default["max"]},
            }
        }
    return {"values": {"dataType": param.data_type, "values": [{"value": param.default}]}}


def _dataset(defn: Definition, name: str) -> dict:
    ds = defn.datasets[name]
    out: dict = {"name": name, "displayName": ds.display_name, "queryLines": _query_lines(ds.sql)}
    if ds.parameters:
        params = []
        for p in ds.parameters:
            param = defn.parameters[p]
            entry = {"displayName": param.display_name, "keyword": p, "dataType": param.data_type}
            if param.complex_type:
                entry["complexType"] = param.complex_type
            entry["defaultSelection"] = _default_selection(param)
            params.append(entry)
        out["parameters"] = params
    return out


def _field_expr(column: str, aggregate: bool) -> tuple[str, str]:
    """(field name, expression) as the UI writes them: `sum(c)` / SUM(`c`), or `c` / `c`."""
    if aggregate:
        return f"sum({column})", f"SUM(`{column}`)"
    return column, f"`{column}`"


def _widget(name: str, widget: dict) -> dict:
    kind = widget["type"]
    frame = {"title": widget["title"], "showTitle": True}
    query: dict = {"datasetName": widget["dataset"]}
    if kind == "counter":
        fname, expr = _field_expr(widget["field"], aggregate=True)
        query |= {"fields": [{"name": fname, "expression": expr}], "disaggregated": False}
        value: dict = {"fieldName": fname, "displayName": widget["title"]}
        if widget["field"].endswith("_usd"):
            value["format"] = {"type": "number-currency", "currencyCode": "USD"}
        spec = {
            "version": 2,
            "widgetType": "counter",
            "encodings": {"value": value},
            "frame": frame,
        }
    elif kind == "table":
        query |= {
            "fields": [{"name": c, "expression": f"`{c}`"} for c in widget["columns"]],
            "disaggregated": True,
        }
        if widget.get("sort"):
            col = widget["sort"].lstrip("-")
            direction = "DESC" if widget["sort"].startswith("-") else "ASC"
            query["orders"] = [{"direction": direction, "expression": f"`{col}`"}]
        spec = {
            "version": 2,
            "widgetType": "table",
            "encodings": {
                "columns": [{"fieldName": c, "displayName": c} for c in widget["columns"]]
            },
            "frame": frame,
        }
    else:  # bar, line: x and color as they are, y summed
        fields, encodings = [], {}
        for channel in ("x", "y", "color"):
            if channel not in widget:
                continue
            col, letter = split_field(widget[channel])
            fname, expr = _field_expr(col, aggregate=channel == "y")
            fields.append({"name": fname, "expression": expr})
            enc: dict = {"fieldName": fname, "scale": {"type": SCALE[letter]}, "displayName": col}
            encodings[channel] = enc
        sort = widget.get("sort")
        if sort == "-y":
            encodings["x"]["scale"]["sort"] = {"by": "y-reversed"}
        elif sort and sort.lstrip("-") not in {"x", "y"}:
            fname, expr = _field_expr(sort.lstrip("-"), aggregate=False)
            fields.append({"name": fname, "expression": expr})
        query |= {"fields": fields, "disaggregated": False}
        spec = {"version": 3, "widgetType": kind, "encodings": encodings, "frame": frame}
    return {"name": name, "queries": [{"name": "main_query", "query": query}], "spec": spec}


def _layout(widgets: list[tuple[dict, str]]) -> list[dict]:
    """Place widgets left to right in rows on the 12-column grid."""
    layout, x, y, row_height = [], 0, 0, 0
    for widget, kind in widgets:
        width, height = SIZE[kind]
        if x + width > GRID_COLUMNS:
            x, y, row_height = 0, y + row_height, 0
        layout.append(
            {"widget": widget, "position": {"x": x, "y": y, "width": width, "height": height}}
        )
        x, row_height = x + width, max(row_height, height)
    return layout


def _filter_widget(
    defn: Definition, name: str, param: str, widget_type: str, values_dataset: str | None
) -> dict:
    """A parameter-bound filter: one query per dataset that uses `param` (+ one for the values)."""
    queries, fields = [], []
    if values_dataset:
        col = "workspace_id"
        qname = f"{name}_values"
        queries.append(
            {
                "name": qname,
                "query": {
                    "datasetName": values_dataset,
                    "fields": [{"name": col, "expression": f"`{col}`"}],
                    "disaggregated": False,
                },
            }
        )
        fields.append({"fieldName": col, "displayName": col, "queryName": qname})
    for ds in defn.datasets.values():
        if param in ds.parameters:
            qname = f"{name}_{ds.name}"
            queries.append(
                {
                    "name": qname,
                    "query": {
                        "datasetName": ds.name,
                        "parameters": [{"name": param, "keyword": param}],
                        "disaggregated": False,
                    },
                }
            )
            fields.append({"parameterName": param, "queryName": qname})
    title = defn.parameters[param].display_name
    spec = {
        "version": 2,
        "widgetType": widget_type,
        "encodings": {"fields": fields},
        "frame": {"title": title, "showTitle": True},
    }
    if widget_type == "filter-single-select":
        spec["disallowAll"] = True
    return {"name": name, "queries": queries, "spec": spec}


def build(defn: Definition) -> dict:
    """The serialized dashboard as a dict (write it with `dumps`)."""
    used = [w["dataset"] for page in defn.pages for w in page.widgets]
    names = list(dict.fromkeys(["workspaces", *used]))
    datasets = [_dataset(defn, n) for n in names]
    pages = []
    for page in defn.pages:
        widgets = [
            (_widget(f"{page.name}_{i:02d}_{w['dataset']}", w), w["type"])
            for i, w in enumerate(page.widgets)
        ]
        if any("statement_id" in defn.datasets[w["dataset"]].parameters for w in page.widgets):
            flt = _filter_widget(
                defn, f"{page.name}_statement_id", "statement_id", "filter-text-entry", None
            )
            widgets.insert(0, (flt, "counter"))
        pages.append(
            {
                "name": page.name,
                "displayName": page.display_name,
                "pageType": "PAGE_TYPE_CANVAS",
                "layoutVersion": "GRID_V1",
                "layout": _layout(widgets),
            }
        )
    global_filters = [
        (
            _filter_widget(
                defn, "filter_workspace", "workspace", "filter-single-select", "workspaces"
            ),
            "counter",
        ),
        (
            _filter_widget(
                defn, "filter_date_range", "date_range", "filter-date-range-picker", None
            ),
            "counter",
        ),
    ]
    pages.append(
        {
            "name": "global_filters",
            "displayName": "Filters",
            "pageType": "PAGE_TYPE_GLOBAL_FILTERS",
            "layoutVersion": "GRID_V1",
            "layout": _layout(global_filters),
        }
    )
    return {
        "datasets": datasets,
        "pages": pages,
        "uiSettings": {"theme": {"widgetHeaderAlignment": "LEFT"}},
    }


def dumps(dashboard: dict) -> str:
    """Stable text for the committed file (sorted keys would reorder pages' JSON; keep order)."""
    return json.dumps(dashboard, indent=2, ensure_ascii=False) + "\n"


def write(defn: Definition, path: Path) -> None:
    path.write_text(dumps(build(defn)))


def check_bindings(
    dashboard: dict, dataset_columns: dict[str, list[str]] | None = None
) -> list[str]:
    """Structural problems of a serialized dashboard (empty list = valid). With
    `dataset_columns` (dataset -> its result's columns), also every field's column must exist."""
    problems: list[str] = []
    datasets = {d["name"]: d for d in dashboard.get("datasets", [])}
    if not datasets or not dashboard.get("pages"):
        return ["datasets and pages must be non-empty lists"]
    for d in datasets.values():
        text = "".join(d.get("queryLines", []))
        if not text.strip() or any(not line.endswith("\n") for line in d["queryLines"]):
            problems.append(f"dataset {d['name']}: queryLines empty or an element without newline")
        keywords = {p["keyword"] for p in d.get("parameters", [])}
        for kw in keywords:
            if f":{kw}" not in text:
                problems.append(f"dataset {d['name']}: parameter {kw} not used in its SQL")
    versions = {"counter": 2, "table": 2, "bar": 3, "line": 3}
    for page in dashboard["pages"]:
        if page.get("pageType") not in {"PAGE_TYPE_CANVAS", "PAGE_TYPE_GLOBAL_FILTERS"}:
            problems.append(f"page {page.get('name')}: bad pageType")
        for item in page.get("layout", []):
            pos, w = item["position"], item["widget"]
            if pos["x"] + pos["width"] > GRID_COLUMNS:
                problems.append(f"widget {w['name']}: outside the 12-column grid")
            qnames = {}
            for q in w.get("queries", []):
                ds = datasets.get(q["query"]["datasetName"])
                if ds is None:
                    problems.append(
                        f"widget {w['name']}: unknown dataset {q['query']['datasetName']}"
                    )
                    continue
                qnames[q["name"]] = q["query"]
                keywords = {p["keyword"] for p in ds.get("parameters", [])}
                for p in q["query"].get("parameters", []):
                    if p["keyword"] not in keywords:
                        problems.append(
                            f"widget {w['name']}: {ds['name']} has no parameter {p['keyword']}"
                        )
                if dataset_columns is not None:
                    cols = set(dataset_columns.get(ds["name"], []))
                    for f in q["query"].get("fields", []):
                        for col in _backticked(f["expression"]):
                            if col not in cols:
                                problems.append(
                                    f"widget {w['name']}: {ds['name']} has no column {col}"
                                )
            spec = w["spec"]
            kind = spec["widgetType"]
            if kind in versions and spec["version"] != versions[kind]:
                problems.append(f"widget {w['name']}: {kind} must be version {versions[kind]}")
            field_names = {f["name"] for q in qnames.values() for f in q.get("fields", [])}
            encs = spec.get("encodings", {})
            bound = [encs["value"]] if "value" in encs else []
            bound += encs.get("columns", []) + encs.get("fields", [])
            bound += [encs[c] for c in ("x", "y", "color") if c in encs]
            for enc in bound:
                if "queryName" in enc and enc["queryName"] not in qnames:
                    problems.append(
                        f"widget {w['name']}: encoding names unknown query {enc['queryName']}"
                    )
                if "fieldName" in enc and enc["fieldName"] not in field_names:
                    problems.append(
                        f"widget {w['name']}: encoding field {enc['fieldName']} not in its query"
                    )
    return problems


def _backticked(expression: str) -> list[str]:
    parts = expression.split("`")
    return parts[1::2]


__all__ = ["build", "dumps", "write", "check_bindings", "widget_columns"]
