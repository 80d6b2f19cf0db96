"""Every incremental run reads only what changed, checked on the SQL dbt runs.

The project is built twice on DuckDB over a small sandbox (a first build, then an incremental
run), and the SQL the second run executed (dbt's target/run/) is read: each step that once read
the whole history must now compare its date column with a LITERAL date (what lets
Databricks and Spark prune partitions / clustered files), never through a cross join with a
subquery. The data tests compiled for an incremental run look at the re-read window
(var data_tests_lookback_days), and at everything with the var null.

The partition counts themselves (Spark's executed plans) are measured by the partition-count
test and `make bench`; this test pins the SQL shape that makes them small, per model.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from genie_sandbox.gen_common import DEFAULT_START_DATE

REPO_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LITERAL_DATE = r"cast\('\d{4}-\d{2}-\d{2}' as date\)"
LITERAL_DAY_START = r"cast\('\d{4}-\d{2}-\d{2} 00:00:00' as timestamp\)"


def _env(work: Path, system_db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": str(work),
        "SYSTEM_TABLES_DUCKDB": str(system_db),
        "GENIE_ANALYTICS_DUCKDB": str(work / "warehouse.duckdb"),
        "GENIE_START_DATE": DEFAULT_START_DATE.isoformat(),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }


def _dbt(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [str(BIN / "dbt"), "--no-use-colors", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


@pytest.fixture(scope="module")
def incremental_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("incremental_window")
    (work / "profiles.yml").write_text((REPO_ROOT / "profiles.yml.example").read_text())
    system_db = work / "system_tables.duckdb"
    generated = subprocess.run(
        [
            str(BIN / "genie-sandbox"),
            "generate",
            "--db",
            str(system_db),
            "--seed",
            "5",
            "--days",
            "6",
            "--workspaces",
            "1",
            "--queries-per-day",
            "200",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert generated.returncode == 0, generated.stdout[-3000:] + generated.stderr[-3000:]
    env = _env(work, system_db)
    _dbt(["seed", "--quiet"], env)
    _dbt(["run", "--quiet", "--threads", "1"], env)  # first build
    log_file = work / "logs" / "dbt.log"
    first_log_size = log_file.stat().st_size if log_file.exists() else 0
    _dbt(["run", "--quiet", "--threads", "1"], env)  # incremental run: target/run is its SQL
    # every statement the incremental run sent (compile-time queries and hooks included)
    incremental_log = log_file.read_text()[first_log_size:]
    # the model bodies the incremental run compiled, and the statements it ran to write them
    compiled = {
        path.stem: path.read_text()
        for path in (work / "target" / "compiled" / "genie_analytics" / "models").rglob("*.sql")
    }
    run_sql = {
        path.stem: path.read_text()
        for path in (work / "target" / "run" / "genie_analytics" / "models").rglob("*.sql")
    }
    return {
        "work": work,
        "env": env,
        "compiled": compiled,
        "run_sql": run_sql,
        "log": incremental_log,
    }


def _sql(run: dict[str, object], name: str) -> str:
    compiled = run["compiled"]
    assert name in compiled, f"{name} did not run"
    return compiled[name]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("model", "predicate"),
    [
        ("stg_system__query_history", r"start_time >= " + LITERAL_DAY_START),
        ("genie_query_performance", r"query_date >= " + LITERAL_DATE),
        ("genie_cost_attribution", r"query_date >= " + LITERAL_DATE),
        # the allocation is laid out by window_date: its days prune only on that column
        ("genie_cost_attribution", r"and window_date >= " + LITERAL_DATE),
        ("genie_cost_reconciliation", r"window_date >= " + LITERAL_DATE),
        ("int_queries_allocated_to_billing_windows", r"window_date >= " + LITERAL_DATE),
        ("genie_daily_performance", r"query_date >= " + LITERAL_DATE),
        ("genie_daily_query_latency", r"query_date >= " + LITERAL_DATE),
        ("genie_hourly_trends", r"query_date >= " + LITERAL_DATE),
        ("genie_warehouse_utilization", r"query_date >= " + LITERAL_DATE),
        ("genie_audit_message_events", r"event_date >= " + LITERAL_DATE),
        # the validation's daily count of audit rows
        ("int_genie_audit_events_counted_daily", r"event_date >= " + LITERAL_DATE),
        # the anomaly models' small daily table (per entity, day and fingerprint)
        ("int_query_costs_summed_daily", r"query_date >= " + LITERAL_DATE),
    ],
)
def test_incremental_models_read_from_a_literal_day(
    incremental_run: dict[str, object], model: str, predicate: str
) -> None:
    sql = _sql(incremental_run, model)
    assert re.search(predicate, sql), f"{model}: no literal window bound in\n{sql[:3000]}"
    # the write replaced whole days from a literal day, never a MERGE scanning the whole target
    written = incremental_run["run_sql"][model]
    assert "merge into" not in written.lower(), model
    assert re.search(r"where \(?\w+ >= " + LITERAL_DATE, written), written[:2000]


@pytest.mark.slow
def test_upstream_rewrites_and_open_costs_come_from_the_run_log(
    incremental_run: dict[str, object],
) -> None:
    """No incremental model scans a large upstream table (or itself) on a non-date column to
    find the days to re-read: `_refreshed_at > <marker>` over genie_query_performance, the
    allocation or genie_cost_attribution read every partition; the incremental run log
    (genie_incremental_runs) answers instead."""
    log = incremental_run["log"]
    assert "genie_incremental_runs" in log  # the log was asked
    scans = re.findall(r"select min\(\w+\) as changed_from from [^\n]*_refreshed_at > cast", log)
    assert not scans, scans
    assert not re.search(r"genie_cost_attribution\W* where not is_cost_final", log)


@pytest.mark.slow
def test_message_performance_reads_statements_not_query_performance(
    incremental_run: dict[str, object],
) -> None:
    sql = _sql(incremental_run, "genie_message_performance")
    assert "int_genie_message_statements" in sql
    assert "genie_query_performance" not in sql


@pytest.mark.slow
def test_anomaly_models_read_the_daily_table_not_query_performance(
    incremental_run: dict[str, object],
) -> None:
    """The anomaly series and drivers sum int_query_costs_summed_daily (per entity, day and
    fingerprint) instead of reading 58 days of genie_query_performance on every run, and the
    drivers read only the scored days and their baselines, from a literal day."""
    for name in ("int_cost_anomaly_daily_series", "genie_cost_anomalies"):
        sql = _sql(incremental_run, name)
        assert "int_query_costs_summed_daily" in sql, name
        assert "genie_query_performance" not in sql, name
    series = _sql(incremental_run, "int_cost_anomaly_daily_series")
    assert re.search(r"usage_date <= " + LITERAL_DATE, series), series[:3000]
    drivers = _sql(incremental_run, "genie_cost_anomalies")
    assert re.search(r"daily\.usage_date >= " + LITERAL_DATE, drivers), drivers[:3000]


@pytest.mark.slow
def test_utilization_computes_busy_intervals_over_its_window_only(
    incremental_run: dict[str, object],
) -> None:
    sql = _sql(incremental_run, "genie_warehouse_utilization")
    assert "int_warehouse_busy_intervals" not in sql  # the view reads every query ever run
    assert re.search(r"end_time >= " + LITERAL_DAY_START, sql)


@pytest.mark.slow
def test_rule_findings_join_fingerprints_on_the_day(incremental_run: dict[str, object]) -> None:
    sql = _sql(incremental_run, "int_query_rule_findings")
    assert re.search(r"queries\.query_date = fingerprints\.query_date", sql)
    # the as-of day is a literal on both sides of the join, not a scalar subquery
    assert re.search(r"where\s+query_date <= " + LITERAL_DATE, sql), sql[:3000]
    assert "(select max(" not in sql


@pytest.mark.slow
def test_pipeline_validation_sums_daily_counts_and_reads_only_the_latest_audit_days(
    incremental_run: dict[str, object],
) -> None:
    """audit_rows_in_scope sums int_genie_audit_events_counted_daily from the first loaded day;
    the audit log itself is read only for the days not wholly loaded, from a literal day no
    earlier than the latest loaded event's (here none: `1 = 0`), never from the first day."""
    sql = _sql(incremental_run, "genie_pipeline_validation")
    assert "validated.event_date >= scope." not in sql
    assert re.search(r"from daily_counts\s+where event_date >= " + LITERAL_DATE, sql), sql[:3000]
    audit_reads = re.findall(r"from validated\s+where ([^\n]*)", sql)
    assert audit_reads, sql[:3000]
    con = duckdb.connect(str(incremental_run["work"] / "warehouse.duckdb"), read_only=True)
    try:
        (latest_loaded,) = con.execute(
            "select cast(max_event_at as date) from genie_analytics.genie_pipeline_validation"
        ).fetchone()
    finally:
        con.close()
    for predicate in audit_reads:
        days = re.findall(r"event_date >= cast\('(\d{4}-\d{2}-\d{2})' as date\)", predicate)
        assert predicate.strip() == "1 = 0" or (days and min(days) >= latest_loaded.isoformat()), (
            predicate
        )


@pytest.mark.slow
def test_data_tests_read_the_window_unless_asked_for_everything(
    incremental_run: dict[str, object],
) -> None:
    work = incremental_run["work"]
    env = incremental_run["env"]
    compiled = work / "target" / "compiled" / "genie_analytics"

    def compiled_tests() -> dict[str, str]:
        return {p.stem: p.read_text() for p in (compiled / "tests").rglob("*.sql")} | {
            p.stem: p.read_text() for p in (compiled / "models").rglob("*.yml/*.sql")
        }

    select = [
        "--select",
        "stg_system__query_history,test_type:data",
        "assert_stg_query_history_drops_no_statement",
        "assert_genie_audit_rows_all_accounted_for",
        "assert_attributed_plus_idle_equals_billed",
    ]
    _dbt(["compile", "--quiet", *select], env)
    windowed = compiled_tests()
    generic = [sql for name, sql in windowed.items() if "stg_system__query_history" in name]
    assert generic, sorted(windowed)
    for sql in generic:
        assert re.search(r"where query_date >= " + LITERAL_DATE + r"\) dbt_subquery", sql), sql
    drops_test = windowed["assert_stg_query_history_drops_no_statement"]
    assert re.search(r"start_time >= " + LITERAL_DAY_START, drops_test)
    assert re.search(
        r"event_date >= " + LITERAL_DATE, windowed["assert_genie_audit_rows_all_accounted_for"]
    )
    assert "cross join scope" not in windowed["assert_genie_audit_rows_all_accounted_for"]
    assert re.search(
        r"window_date >= " + LITERAL_DATE, windowed["assert_attributed_plus_idle_equals_billed"]
    )

    _dbt(["compile", "--quiet", *select, "--vars", "{data_tests_lookback_days: null}"], env)
    everything = compiled_tests()
    for name, sql in everything.items():
        if "stg_system__query_history" in name:
            assert "dbt_subquery" not in sql, name
    assert not re.search(
        r"start_time >= " + LITERAL_DAY_START,
        everything["assert_stg_query_history_drops_no_statement"],
    )
