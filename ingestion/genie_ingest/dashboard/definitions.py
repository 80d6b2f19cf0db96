"""The dashboard's one definition: dashboards/genie_analytics.yml plus dashboards/datasets/*.sql.

Shapes:
- `Definition.parameters`: name -> `Parameter` (the YAML `parameters:` block).
- `Definition.datasets`: name -> `Dataset` (one per SQL file, named for the file; `parameters`
  are the `:markers` its SQL uses, in first-use order).
- `Definition.pages`: list of `Page`, each with `widgets` (dicts from the YAML: `type` counter |
  bar | line | table, `dataset`, `title`, and per type `field`, `x`/`y`/`color` as
  `column:T|Q|N`, `columns`, `sort`, `limit`).

The SQL is written once, in the dialect both Databricks SQL and DuckDB accept, with unqualified
mart names: on Databricks the bundle's `dataset_catalog`/`dataset_schema` name the schema
(docs: bundle dashboards resource), locally the DuckDB connection's default schema does. The
only rendering is of parameter markers (`:p`, `:p.min`, `:p.max`, Databricks' named markers),
which DuckDB spells `$p`, `$p_min`, `$p_max`. Errors: `DefinitionError` for an unknown dataset,
column-less field, parameter not declared, widget type not supported, or a `limit` on a
chart (only a table's rows are limited; Lakeview tables page through the rest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

WIDGET_TYPES = {"counter", "bar", "line", "table"}
# Databricks named parameter markers: `:name` or, for a RANGE parameter, `:name.min` / `:name.max`.
# The lookbehind skips `::` casts (not used in our SQL, but never mistaken for a marker).
_MARKER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)(?:\.(min|max)\b)?")


class DefinitionError(ValueError):
    """The dashboard definition is inconsistent (the message names the page/widget/dataset)."""


@dataclass(frozen=True)
class Parameter:
    name: str
    display_name: str
    data_type: str  # STRING | DATE (Lakeview dataType)
    default: object  # str, or {"min": ..., "max": ...} for a RANGE
    complex_type: str | None = None  # None (single value) | RANGE


@dataclass(frozen=True)
class Dataset:
    name: str
    sql: str
    parameters: tuple[str, ...]

    @property
    def display_name(self) -> str:
        return self.name.replace("_", " ").capitalize()

    def duckdb_sql(self) -> str:
        """The same SQL with DuckDB's `$name` / `$name_min` / `$name_max` markers."""
        return _MARKER.sub(
            lambda m: "$" + m.group(1) + (f"_{m.group(2)}" if m.group(2) else ""), self.sql
        )


@dataclass(frozen=True)
class Page:
    name: str
    display_name: str
    widgets: list[dict]


@dataclass
class Definition:
    display_name: str
    parameters: dict[str, Parameter]
    datasets: dict[str, Dataset]
    pages: list[Page] = field(default_factory=list)


def duckdb_parameters(defn: Definition, dataset: str, values: dict) -> dict[str, object]:
    """DuckDB named parameters of one dataset from `values` (parameter name -> value; a RANGE
    parameter's value is a (min, max) pair, bound as `<name>_min` / `<name>_max`)."""
    out: dict[str, object] = {}
    for p in defn.datasets[dataset].parameters:
        if defn.parameters[p].complex_type == "RANGE":
            out[f"{p}_min"], out[f"{p}_max"] = values[p]
        else:
            out[p] = values[p]
    return out


def split_field(spec: str) -> tuple[str, str]:
    """`column:T` -> ("column", "T"); the type letter is T, Q or N."""
    name, _, kind = spec.partition(":")
    if kind not in {"T", "Q", "N"}:
        raise DefinitionError(f"field {spec!r}: expected column:T|Q|N")
    return name, kind


def load(path: Path) -> Definition:
    """Read the YAML at `path` and the SQL files in `<its folder>/datasets/`."""
    raw = yaml.safe_load(path.read_text())
    params = {
        name: Parameter(
            name=name,
            display_name=p["display_name"],
            data_type=p["data_type"],
            default=p["default"],
            complex_type=p.get("complex_type"),
        )
        for name, p in raw["parameters"].items()
    }
    datasets: dict[str, Dataset] = {}
    for sql_path in sorted((path.parent / "datasets").glob("*.sql")):
        sql = sql_path.read_text()
        used = list(dict.fromkeys(m.group(1) for m in _MARKER.finditer(sql)))
        unknown = [p for p in used if p not in params]
        if unknown:
            raise DefinitionError(f"dataset {sql_path.stem}: undeclared parameter(s) {unknown}")
        datasets[sql_path.stem] = Dataset(sql_path.stem, sql, tuple(used))
    pages = [Page(p["name"], p["display_name"], p["widgets"]) for p in raw["pages"]]
    for page in pages:
        for i, widget in enumerate(page.widgets):
            where = f"page {page.name} widget {i} ({widget.get('title')})"
            if widget.get("type") not in WIDGET_TYPES:
                raise DefinitionError(f"{where}: type must be one of {sorted(WIDGET_TYPES)}")
            if widget.get("dataset") not in datasets:
                raise DefinitionError(f"{where}: no dataset {widget.get('dataset')!r}")
            if "limit" in widget and widget["type"] != "table":
                # An AI/BI chart has no row limit: the .lvdash.json would plot every row while
                # the report plotted the first N. A chart's top N is the dataset's SQL.
                raise DefinitionError(f"{where}: a chart takes no limit; limit in the dataset")
    return Definition(raw["display_name"], params, datasets, pages)


def widget_columns(widget: dict) -> list[str]:
    """Every dataset column a widget reads."""
    if widget["type"] == "counter":
        return [widget["field"]]
    if widget["type"] == "table":
        return list(widget["columns"])
    cols = [split_field(widget[k])[0] for k in ("x", "y", "color") if k in widget]
    sort = widget.get("sort", "")
    if sort and sort.lstrip("-") not in {"x", "y"}:
        cols.append(sort.lstrip("-"))
    return cols
