"""Duplicates, null keys and bad values in the system tables neither stop the DAG nor move money.

Duplicates and null keys, bad values, a warehouse billed in another region. The whole project is
built once over the hand-written tiny catalog (fixtures/tiny_system_tables.sql) plus the
adversarial rows of fixtures/bad_system_rows.sql; each test then checks one class of fault on
the built tables. The build itself runs every data test, including the reconciliation tests
against the raw billing.usage totals (tests/singular/cost/assert_*), so "the build goes on" is
also "the money still adds up".
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import duckdb
import pytest
from test_dbt_staging import build_tiny_system_db, query, run_dbt

Built = subprocess.CompletedProcess[str]
BAD_ROWS = Path(__file__).parent / "fixtures" / "bad_system_rows.sql"
W1 = "1111111111111111"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Built]:
    tmp_path = tmp_path_factory.mktemp("dbt_bad_rows")
    system_db = tmp_path / "system_tables.duckdb"
    build_tiny_system_db(system_db)
    con = duckdb.connect(str(system_db))
    try:
        for stmt in re.split(r";\s*\n", BAD_ROWS.read_text()):
            body = "\n".join(
                line for line in stmt.splitlines() if not line.lstrip().startswith("--")
            ).strip()
            if body:
                con.execute(body)
    finally:
        con.close()
    landing = run_dbt(tmp_path, system_db, "run-operation", "create_genie_landing_tables")
    assert landing.returncode == 0, landing.stdout[-4000:]
    return tmp_path, run_dbt(tmp_path, system_db, "build")


def rows(built: tuple[Path, Built], sql: str) -> list[tuple]:
    return query(built[0], sql.replace("{s}", "warehouse.genie_analytics"))


def test_build_goes_on(built) -> None:
    """no bad row errors or skips a node (before: 97-117 nodes skipped)."""
    result = built[1]
    assert result.returncode == 0, result.stdout[-6000:]
    assert "ERROR=0" in result.stdout and "SKIP=0" in result.stdout


def test_quarantine_counts(built) -> None:
    """Each bad row, and each held billing class, is quarantined once, with its reason."""
    counts = {
        (r[0], r[1]): (r[2], r[3])
        for r in rows(
            built,
            """select source_table, quarantine_reason, count(*), sum(cast(held_dbu as double))
               from {s}.stg_system__rows_quarantined group by all""",
        )
    }
    assert counts == {
        ("billing.usage", "conflicting_content"): (2, 11.0),
        ("billing.usage", "null_key"): (2, 5.0),
        ("billing.usage", "null_usage_quantity"): (1, None),
        ("billing.usage", "restatement_without_retraction"): (2, 16.5),
        ("access.audit", "conflicting_content"): (2, None),
        ("access.audit", "null_key"): (1, None),
        ("access.audit", "null_event_time"): (1, None),
        ("access.workspaces_latest", "conflicting_content"): (2, None),
        ("compute.warehouses", "conflicting_content"): (2, None),
        ("query.history", "null_key"): (1, None),
        ("query.history", "null_start_time"): (1, None),
    }


def test_same_row_deliveries_collapse_in_every_staging_model(built) -> None:
    """a second delivery of the same row is neither kept twice nor quarantined."""
    for model, where, expected in [
        ("stg_system__billing_usage", "record_id = 'r-1'", 1),
        ("stg_system__list_prices", "price_end_at is not null", 1),
        ("stg_system__query_history", "statement_id = 'stmt-fail'", 1),
        ("stg_system__audit", "event_id = 'ev-1'", 1),
        ("stg_system__workspaces", f"workspace_id = '{W1}'", 1),
        ("stg_system__warehouses", "warehouse_id = 'wh-a'", 2),
        ("stg_system__warehouse_events", "event_at = timestamp '2026-10-01 18:00:00'", 1),
        ("stg_system__clusters", "worker_count = 2", 1),
        ("stg_system__jobs", "job_name = 'nightly'", 1),
        ("stg_system__job_run_timeline", "not is_last_slice", 1),
    ]:
        found = rows(built, f"select count(*) from {{s}}.{model} where {where}")
        assert found == [(expected,)], model


def test_data_quality_mart_counts_every_class(built) -> None:
    """The mart the demo summary shows: one row per (table, issue), with the DBU involved."""
    mart = {
        (r[0], r[1]): (r[2], r[3], round(r[4], 6))
        for r in rows(built, "select * from {s}.genie_data_quality")
    }
    assert mart == {
        ("billing.usage", "conflicting_content"): ("quarantined", 2, 11.0),
        ("billing.usage", "null_key"): ("quarantined", 2, 5.0),
        ("billing.usage", "null_usage_quantity"): ("quarantined", 1, 0.0),
        ("billing.usage", "restatement_without_retraction"): ("quarantined", 2, 16.5),
        ("billing.usage", "no_warehouse_id"): ("own_reconciliation_line", 1, 1000.0),
        ("billing.usage", "warehouse_not_in_region"): ("own_reconciliation_line", 1, 50.0),
        # r-unpriced (7) and the tiny fixture's jobs record r-5 (4): no USD list price.
        ("billing.usage", "no_list_price"): ("unpriced", 2, 11.0),
        ("access.audit", "conflicting_content"): ("quarantined", 2, 0.0),
        ("access.audit", "null_key"): ("quarantined", 1, 0.0),
        ("access.audit", "null_event_time"): ("quarantined", 1, 0.0),
        ("access.workspaces_latest", "conflicting_content"): ("quarantined", 2, 0.0),
        ("compute.warehouses", "conflicting_content"): ("quarantined", 2, 0.0),
        ("query.history", "null_key"): ("quarantined", 1, 0.0),
        ("query.history", "null_start_time"): ("quarantined", 1, 0.0),
        ("query.history", "exceeds_statement_timeout"): ("no_cost_weight", 1, 0.0),
        ("query.history", "negative_duration"): ("no_cost_weight", 1, 0.0),
        ("query.history", "weight_exceeds_parallelism_bound"): ("no_cost_weight", 1, 0.0),
    }


def test_bad_task_times_do_not_take_the_window(built) -> None:
    """9e18 ms, negative and 9999-12-31 statements get no share; stmt-1 keeps its window."""
    shares = {
        r[0]: (r[1], r[2])
        for r in rows(
            built,
            """select statement_id, attributed_dbu, weight_exclusion_reason
               from {s}.int_queries_allocated_to_billing_windows
               where warehouse_id = 'wh-a' and window_start_at = timestamp '2026-10-01 08:00:00'""",
        )
    }
    assert shares == {
        "stmt-1": (12.5, None),
        "stmt-huge-task": (0.0, "weight_exceeds_parallelism_bound"),
        "stmt-negative-task": (0.0, "negative_duration"),
        "stmt-far-future": (0.0, "exceeds_statement_timeout"),
    }
    assert rows(
        built,
        """select min(attributed_dbu), min(attributed_usd)
           from {s}.int_queries_allocated_to_billing_windows""",
    ) == [(0.0, 0.0)]  # never negative


def test_far_future_end_is_bounded_by_the_statement_timeout(built) -> None:
    """an end_time of 9999-12-31 (beyond the 2-day timeout) is no real end: the span is
    zero-length, so it reaches only the window of its start."""
    windows = rows(
        built,
        """select window_start_at, ended_at from {s}.int_queries_allocated_to_billing_windows
           where statement_id = 'stmt-far-future' order by 1""",
    )
    assert [(str(w[0]), str(w[1])) for w in windows] == [
        ("2026-10-01 08:00:00", "2026-10-01 08:50:00")
    ]


def test_sql_billing_without_warehouse_id_stays_in_reconciliation(built) -> None:
    """1000 DBU without usage_metadata.warehouse_id are a line, and both marts agree."""
    assert rows(
        built,
        """select warehouse_id, billed_dbu, unobservable_dbu, idle_dbu, attributed_dbu
           from {s}.genie_cost_reconciliation where reconciliation_line = 'no_warehouse_id'""",
    ) == [("(missing)", 1000.0, 1000.0, 0.0, 0.0)]
    reconciled = rows(built, "select sum(billed_dbu) from {s}.genie_cost_reconciliation")[0][0]
    chargeback = rows(
        built,
        """select sum(total_dbu) from (
               select distinct workspace_id, usage_date, billing_origin_product, sku_name, total_dbu
               from {s}.genie_workspace_daily_costs where billing_origin_product = 'SQL')""",
    )[0][0]
    assert reconciled == pytest.approx(chargeback, rel=1e-12)


def test_unpriced_sku_is_an_explicit_line_not_null(built) -> None:
    """no list price -> USD 0 and the DBUs in amount_unpriced_dbu, never a NULL USD."""
    assert rows(
        built,
        """select amount_dbu, amount_usd, amount_unpriced_dbu, total_usd
           from {s}.genie_workspace_daily_costs where sku_name = 'PREMIUM_UNLISTED_SKU'""",
    ) == [(7.0, 0.0, 7.0, 0.0)]
    assert rows(
        built,
        """select count(*) from {s}.genie_workspace_daily_costs
           where amount_usd is null or total_usd is null or amount_list_usd is null""",
    ) == [(0,)]


def test_restatement_without_retraction_is_not_added_on_top(built) -> None:
    """r-1 (12.5) + a RESTATEMENT of 12.5 with no RETRACTION bills 12.5, not 25."""
    assert rows(
        built,
        """select billed_dbu from {s}.genie_cost_reconciliation
           where warehouse_id = 'wh-a' and window_start_at = timestamp '2026-10-01 08:00:00'""",
    ) == [(12.5,)]


def test_null_quantity_is_quarantined_not_zero(built) -> None:
    """a NULL usage_quantity is not in staging (so no 0-DBU window appears)."""
    assert rows(
        built, "select count(*) from {s}.stg_system__billing_usage where usage_quantity is null"
    ) == [(0,)]
    assert rows(
        built,
        """select count(*) from {s}.genie_cost_reconciliation
           where window_start_at = timestamp '2026-10-01 16:00:00'""",
    ) == [(0,)]


def test_other_region_warehouse_is_its_own_line_never_idle_nor_a_finding(built) -> None:
    """wh-zz is billed (another region) but unknown to compute.warehouses."""
    assert rows(
        built,
        """select reconciliation_line, billed_dbu, idle_dbu, unobservable_dbu
           from {s}.genie_cost_reconciliation where warehouse_id = 'wh-zz'""",
    ) == [("warehouse_not_in_region", 50.0, 0.0, 50.0)]
    for model in ("genie_warehouse_utilization", "genie_optimization_opportunities"):
        assert rows(built, f"select count(*) from {{s}}.{model} where warehouse_id = 'wh-zz'") == [
            (0,)
        ], model


def test_far_future_end_does_not_blow_up_daily_models(built) -> None:
    """9999-12-31 once produced a utilization row per day until 9999 (2.9M rows)."""
    ((count, last_day),) = rows(
        built,
        """select count(*), cast(max(usage_date) as varchar)
           from {s}.genie_warehouse_utilization""",
    )
    assert count < 10 and last_day <= "2026-10-03"  # the fixture's data ends on 2026-10-03


def test_redelivery_on_another_ingestion_date_is_one_record_not_a_conflict(built) -> None:
    """r-1 again with ingestion_date 2026-10-09 is the same record: kept once,
    not quarantined (quarantining both copies took its 12.5 DBU out of every cost mart)."""
    assert rows(
        built, "select count(*) from {s}.stg_system__billing_usage where record_id = 'r-1'"
    ) == [(1,)]
    assert rows(
        built,
        "select count(*) from {s}.stg_system__rows_quarantined where key_value like 'r-1%'",
    ) == [(0,)]
    assert rows(
        built,
        """select sum(billed_dbu) from {s}.genie_cost_reconciliation
           where warehouse_id = 'wh-a' and window_start_at = timestamp '2026-10-01 08:00:00'""",
    ) == [(12.5,)]


def test_same_change_delivered_before_and_after_deletion_keeps_the_deleting_row(built) -> None:
    """(wh-d, T, delete_time null) and (wh-d, T, delete_time T) are one change
    (the SCD rule: same change_time, keep the deleting row), not a conflict."""
    assert rows(
        built,
        """select count(*), bool_and(is_deleted) from {s}.stg_system__warehouses
           where warehouse_id = 'wh-d'""",
    ) == [(1, True)]
    assert rows(
        built,
        """select count(*) from {s}.stg_system__rows_quarantined
           where source_table = 'compute.warehouses' and key_value like '%wh-d%'""",
    ) == [(0,)]


def test_restatement_that_changes_fields_rides_on_its_retraction(built) -> None:
    """r-pol (10) + RETRACTION (-10) + a RESTATEMENT (10) that changes
    usage_metadata.budget_policy_id bills 10 (before: the RESTATEMENT was held forever and the
    window billed 0); a second RESTATEMENT (4) of the same window has no RETRACTION left."""
    assert rows(
        built,
        """select billed_dbu from {s}.genie_cost_reconciliation
           where warehouse_id = 'wh-a' and window_start_at = timestamp '2026-10-01 18:00:00'""",
    ) == [(10.0,)]
    assert rows(
        built,
        """select key_value from {s}.stg_system__rows_quarantined
           where quarantine_reason = 'restatement_without_retraction' order by 1""",
    ) == [("r-pol-s2",), ("r-restatement",)]


def test_warehouse_known_to_any_regional_table_is_observable(built) -> None:
    """wh-e has events and queries but no compute.warehouses row, wh-c only
    quarantined compute.warehouses rows: both are this region's warehouses (their queries get
    their DBU), not 'warehouse_not_in_region'; wh-zz (known to no regional table) still is."""
    assert rows(
        built,
        """select warehouse_id, reconciliation_line from {s}.genie_cost_reconciliation
           where warehouse_id in ('wh-c', 'wh-e', 'wh-zz') order by 1""",
    ) == [
        ("wh-c", "warehouse_window"),
        ("wh-e", "warehouse_window"),
        ("wh-zz", "warehouse_not_in_region"),
    ]
    ((attributed,),) = rows(
        built,
        """select sum(attributed_dbu) from {s}.int_queries_allocated_to_billing_windows
           where statement_id = 'stmt-e'""",
    )
    assert attributed > 0  # before: 0 DBU (the window was another region's)


def test_far_future_end_does_not_stretch_open_warehouses(built) -> None:
    """wh-b's last event is RUNNING; stmt-far-future's end_time 9999-12-31 must
    not become the data horizon (before: wh-b was on every day until 9999, 2.9M rows)."""
    assert rows(
        built,
        "select cast(max(usage_date) as varchar) from {s}.int_warehouse_on_intervals",
    ) == [("2026-10-03",)]  # the fixture's data ends on 2026-10-03
