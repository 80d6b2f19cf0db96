"""The dashboard against the DuckDB build, and the HTML report in headless Chromium.

Needs the marts built (`make dbt-build` / `make demo`) in $GENIE_ANALYTICS_DUCKDB (default
data/warehouse.duckdb); `make test` runs these after its dbt build (`make dashboard-test`, marker
`dashboard`). Chromium is Debian's package (/usr/bin/chromium), driven by playwright's Python
package (its wheel ships the driver; no `playwright install`).

- every dataset's SQL (the text in the .lvdash.json, markers rendered for DuckDB) runs on the
  build for every workspace, and returns every column its widgets read: a renamed mart column
  fails here, not on the dashboard;
- the report opens from disk with the network blocked, logs no console error, every chart draws
  marks, and the overview's billed / attributed / idle figures equal genie_cost_reconciliation;
- a workspace's view returns none of another workspace's rows, and another workspace's
  statement id opens nothing in the Query deep dive (DuckDB has no Unity Catalog row
  filter, so the report is one file per workspace and each dataset must keep to `:workspace`);
- screenshots of every page of every report file go to data/report/screenshots/, one PNG per
  page and file: `<file>-<page>.png`, e.g. index-overview.png (every workspace),
  workspace-<id>-cost.png; the previous run's are removed first.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from genie_ingest.dashboard import lakeview
from genie_ingest.dashboard.definitions import duckdb_parameters, load, widget_columns
from genie_ingest.dashboard.report import default_statement, run_dataset, write_report

pytestmark = pytest.mark.dashboard

ROOT = Path(__file__).resolve().parents[2]
DB = Path(os.environ.get("GENIE_ANALYTICS_DUCKDB", ROOT / "data" / "warehouse.duckdb"))
REPORT_DIR = ROOT / "data" / "report"
SCREENSHOTS = REPORT_DIR / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Datasets that may legitimately be empty on a small sandbox (rare events).
MAY_BE_EMPTY = {"cost_anomalies", "dive_findings"}


@pytest.fixture(scope="module")
def defn():
    return load(ROOT / "dashboards" / "genie_analytics.yml")


@pytest.fixture(scope="module")
def con():
    if not DB.exists():
        pytest.fail(f"{DB} does not exist: build the marts first (make dbt-build)")
    c = duckdb.connect(str(DB), read_only=True)
    c.execute("set schema = 'genie_analytics'")
    yield c
    c.close()


@pytest.fixture(scope="module")
def period(con) -> tuple[dt.date, dt.date]:
    return con.execute(
        "select min(query_date), max(query_date) from genie_query_performance"
    ).fetchone()


@pytest.fixture(scope="module")
def workspaces(con) -> list[str]:
    rows = con.execute(
        "select distinct cast(workspace_id as string) from genie_cost_reconciliation"
    )
    return sorted(r[0] for r in rows.fetchall())


def test_every_dataset_runs_on_duckdb_and_returns_its_widgets_columns(
    defn, con, period, workspaces
):
    dashboard = lakeview.build(defn)
    for workspace in ["all", *workspaces]:
        values = {
            "workspace": workspace,
            "date_range": period,
            "statement_id": default_statement(con, workspace, period),
        }
        columns: dict[str, list[str]] = {}
        for ds in dashboard["datasets"]:
            # the exact text the .lvdash.json carries, markers rendered for DuckDB
            assert "".join(ds["queryLines"]).strip() == defn.datasets[ds["name"]].sql.strip()
            cur = con.execute(
                defn.datasets[ds["name"]].duckdb_sql(), duckdb_parameters(defn, ds["name"], values)
            )
            columns[ds["name"]] = [d[0] for d in cur.description]
            rows = cur.fetchall()
            if ds["name"] not in MAY_BE_EMPTY:
                assert rows, f"{ds['name']} returned no rows for workspace {workspace}"
        assert lakeview.check_bindings(dashboard, columns) == []
        for page in defn.pages:
            for widget in page.widgets:
                missing = set(widget_columns(widget)) - set(columns[widget["dataset"]])
                assert not missing, (page.name, widget["title"], missing)


def test_overview_identity_holds_in_the_dataset(defn, con, period) -> None:
    (row,) = run_dataset(con, defn, "overview_totals", {"workspace": "all", "date_range": period})
    assert row["billed_usd"] > 0
    assert row["attributed_plus_idle_usd"] == pytest.approx(row["billed_usd"], rel=1e-9)


def test_a_chart_draws_one_mark_per_label(defn, con, period) -> None:
    """A bar or line chart adds up the rows that share its x and colour: when two entities share
    a label (the same warehouse name or space title in several workspaces), the chart shows their
    sum as one, e.g. a warehouse "busy share (0-1)" of 1.84. Each (x, colour) key of a chart's
    dataset is one row in the all-workspaces view."""
    from genie_ingest.dashboard.definitions import split_field

    problems = []
    for page in defn.pages:
        for widget in page.widgets:
            if widget["type"] not in {"bar", "line"}:
                continue
            keys = [split_field(widget[k])[0] for k in ("x", "color") if k in widget]
            values = {"workspace": "all", "date_range": period, "statement_id": ""}
            rows = run_dataset(con, defn, widget["dataset"], values)
            seen = [tuple(row[k] for k in keys) for row in rows]
            if len(seen) != len(set(seen)):
                problems.append(f"{widget['title']}: {len(seen) - len(set(seen))} repeated {keys}")
    assert not problems, "\n".join(problems)


def test_the_users_chart_adds_up_to_the_period(defn, con, period) -> None:
    """Top 20 users and '(other users)': the bars still sum to every user's USD."""
    values = {"workspace": "all", "date_range": period, "statement_id": ""}
    rows = run_dataset(con, defn, "cost_by_user", values)
    assert len(rows) <= 21
    (total,) = con.execute(
        "select sum(total_cost_usd) from genie_daily_performance "
        "where query_date between $a and $b",
        {"a": period[0], "b": period[1]},
    ).fetchone()
    assert sum(r["cost_usd"] or 0 for r in rows) == pytest.approx(total, rel=1e-9)


def test_an_empty_period_shows_zero_not_null(defn, con) -> None:
    """A period with no rows: the overview's counters and the pipeline's stages are 0, not NULL
    (the report printed NaN)."""
    empty = (dt.date(2001, 1, 1), dt.date(2001, 1, 31))
    values = {"workspace": "all", "date_range": empty, "statement_id": ""}
    (totals,) = run_dataset(con, defn, "overview_totals", values)
    assert all(v == 0 for v in totals.values()), totals
    stages = run_dataset(con, defn, "genie_pipeline", values)
    assert [r["message_count"] for r in stages] == [0, 0, 0]


@pytest.fixture(scope="module")
def report(defn, con) -> list[Path]:
    return write_report(DB, defn, REPORT_DIR)


def _mart_totals(workspace: str, period) -> dict[str, float]:
    with duckdb.connect(str(DB), read_only=True) as c:
        row = c.execute(
            "select sum(billed_usd), sum(attributed_usd), sum(idle_usd)"
            " from genie_analytics.genie_cost_reconciliation"
            " where ($w = 'all' or cast(workspace_id as string) = $w)"
            " and window_date between $lo and $hi",
            {"w": workspace, "lo": period[0], "hi": period[1]},
        ).fetchone()
    return dict(zip(["billed_usd", "attributed_usd", "idle_usd"], row, strict=True))


def test_report_renders_in_headless_chromium(defn, report, period) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "install Debian's chromium (make dashboard-test does)"
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            outside: list[str] = []

            def only_files(route):
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    outside.append(route.request.url)
                    route.abort()

            page.route("**/*", only_files)
            for path in report:
                workspace = (
                    "all" if path.name == "index.html" else path.stem.removeprefix("workspace-")
                )
                page.goto(path.as_uri())
                page.wait_for_selector("body[data-rendered]", timeout=60_000)
                assert page.get_attribute("body", "data-rendered") == "true", errors
                # drawn data marks only (role-mark); axes and titles are other roles
                charts = page.eval_on_selector_all(
                    "div.chart",
                    """els => els.map(e => [e.id, e.dataset.dataset, e.dataset.field,
                        e.querySelectorAll('g.role-mark path, g.role-mark text').length,
                        Array.from(e.querySelectorAll('g.mark-text.role-mark text'))
                          .map(t => t.textContent)])""",
                )
                assert len(charts) == sum(
                    w["type"] != "table" for p in defn.pages for w in p.widgets
                )
                for wid, dataset, _field, marks, _texts in charts:
                    assert marks > 0, f"{path.name}: chart {wid} ({dataset}) drew nothing"
                shown = {
                    field: float(texts[0].replace(",", ""))
                    for _wid, dataset, field, _m, texts in charts
                    if dataset == "overview_totals"
                }
                truth = _mart_totals(workspace, period)
                for key in ("billed_usd", "attributed_usd", "idle_usd"):
                    assert shown[key] == pytest.approx(round(truth[key], 2), abs=0.005), (
                        path.name,
                        key,
                    )
                assert shown["attributed_plus_idle_usd"] == pytest.approx(
                    shown["billed_usd"], abs=0.015
                )
                for section in defn.pages:
                    page.locator(f"section#{section.name}").screenshot(
                        path=str(SCREENSHOTS / f"{path.stem}-{section.name}.png")
                    )
            assert errors == [], errors
            assert outside == [], f"the report fetched from the network: {outside[:3]}"
            expected = {f"{p.stem}-{s.name}.png" for p in report for s in defn.pages}
            saved = {s.name for s in SCREENSHOTS.glob("*.png") if s.stat().st_size > 1_000}
            assert saved == expected, sorted(expected ^ saved)
        finally:
            browser.close()


# --- workspace isolation: a principal sees only its workspaces' rows ----------------------------

# Datasets without a workspace filter, on purpose: the filter's own list of values, and the
# ingestion run's error counts by type (genie_pipeline_validation is one row per run, no rows
# of any workspace).
ACCOUNT_WIDE = {"workspaces", "genie_fetch_errors"}


@pytest.fixture(scope="module")
def statements(con) -> dict[str, str]:
    """workspace_id -> its costliest statement (one per workspace)."""
    rows = con.execute(
        """
        select cast(workspace_id as string), arg_max(query_id, estimated_cost_usd)
        from genie_query_performance group by 1
        """
    ).fetchall()
    assert len(rows) >= 2, "the isolation check needs at least two workspaces"
    return dict(rows)


def test_every_dataset_but_the_account_wide_ones_filters_on_workspace(defn) -> None:
    unfiltered = {n for n, ds in defn.datasets.items() if "workspace" not in ds.parameters}
    assert unfiltered == ACCOUNT_WIDE


def test_a_workspace_sees_only_its_own_rows(defn, con, statements) -> None:
    period = con.execute(
        "select min(query_date), max(query_date) from genie_query_performance"
    ).fetchone()
    checked = 0
    for workspace, statement in statements.items():
        values = {"workspace": workspace, "date_range": period, "statement_id": statement}
        for name in defn.datasets:
            if name in ACCOUNT_WIDE:
                continue
            for row in run_dataset(con, defn, name, values):
                if "workspace_id" in row:
                    checked += 1
                    assert str(row["workspace_id"]) == workspace, (name, workspace, row)
    assert checked > 0, "no dataset returned a workspace_id: the check proved nothing"


def test_another_workspace_s_statement_opens_nothing(defn, con, statements) -> None:
    period = con.execute(
        "select min(query_date), max(query_date) from genie_query_performance"
    ).fetchone()
    dive = [n for n, ds in defn.datasets.items() if "statement_id" in ds.parameters]
    assert dive, "no dataset takes a statement_id"
    for workspace in statements:
        for other, statement in statements.items():
            if other == workspace:
                continue
            values = {"workspace": workspace, "date_range": period, "statement_id": statement}
            own = {"workspace": other, "date_range": period, "statement_id": statement}
            assert any(run_dataset(con, defn, name, own) for name in dive), (
                f"{statement}: empty even in its own workspace, the check proves nothing"
            )
            for name in dive:
                assert run_dataset(con, defn, name, values) == [], (name, workspace, statement)


# The marts with one row per query: what grows with the 10M-query day (every dataset must answer
# fast on it).
QUERY_GRAIN_MARTS = {"genie_query_performance", "genie_cost_attribution", "genie_api_query_lookup"}


def _table_scans(node: dict):
    if node.get("type") == "TABLE_SCAN":
        yield node
    for child in node.get("children", []):
        yield from _table_scans(child)


def test_deep_dive_reads_one_statement_not_the_query_marts(defn, con, period, workspaces) -> None:
    """A query-deep-dive view must not scan the marts with a row per query (169-319 ms
    at the small bench scale, seconds on the 10M-query day). From DuckDB's executed plan (EXPLAIN
    ANALYZE, JSON): every scan of such a mart reads at most the statement's own rows (an index
    lookup of genie_api_query_lookup), whatever the size of the build; the fingerprint history
    comes pre-aggregated per day (genie_daily_fingerprint_performance). Plans, not timings."""
    dive = [n for n, ds in defn.datasets.items() if "statement_id" in ds.parameters]
    assert dive, "no dataset takes a statement_id"
    total_queries = con.execute("select count(*) from genie_query_performance").fetchone()[0]
    assert total_queries > 1000, "too small a build to tell a lookup from a scan"
    checked = 0
    for workspace in ["all", *workspaces]:
        statement = default_statement(con, workspace, period)
        values = {"workspace": workspace, "date_range": period, "statement_id": statement}
        for name in dive:
            params = duckdb_parameters(defn, name, values)
            sql = "explain (analyze, format json) " + defn.datasets[name].duckdb_sql()
            plan = json.loads(con.execute(sql, params).fetchall()[0][1])
            for scan in (s for op in plan["operator"] for s in _table_scans(op)):
                table = scan["extra_info"]["Table"].rsplit(".", 1)[-1]
                # The findings come from the fingerprint-sorted lookup, not from a scan of the
                # whole opportunities mart per statement (130 ms p95 at a 1M-query day).
                assert table != "genie_optimization_opportunities", (name, "reads the mart")
                if table in QUERY_GRAIN_MARTS:
                    checked += 1
                    assert scan["rows_scanned"] <= 10, (
                        f"{name} scans {scan['rows_scanned']:,} rows of {table} "
                        f"({scan['extra_info']['Type']}) for one statement"
                    )
    assert checked, "no deep-dive dataset reads a query-grain mart: the check proved nothing"
