"""The report / dashboard datasets give a workspace's viewer none of another workspace's rows
(issue 16, "the same policy locally": DuckDB has no Unity Catalog row filter, so the report is
written one file per workspace and each dataset must keep to its `:workspace`).

On the DuckDB build ($GENIE_ANALYTICS_DUCKDB, default data/warehouse.duckdb), for each workspace A:
- every dataset that filters on :workspace and returns a workspace_id returns only A's;
- the Query deep dive datasets, asked for a statement of another workspace B with workspace A,
  return nothing (a statement id never opens another workspace's query).
Account-wide datasets are named in ACCOUNT_WIDE, with why.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from genie_ingest.dashboard.definitions import load
from genie_ingest.dashboard.report import run_dataset

pytestmark = pytest.mark.dashboard

ROOT = Path(__file__).resolve().parents[2]
DB = Path(os.environ.get("GENIE_ANALYTICS_DUCKDB", ROOT / "data" / "warehouse.duckdb"))
# Datasets without a workspace filter, on purpose: the filter's own list of values, and the
# ingestion run's error counts by type (genie_pipeline_validation is one row per run, no rows
# of any workspace).
ACCOUNT_WIDE = {"workspaces", "genie_fetch_errors"}


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
