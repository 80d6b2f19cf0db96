"""Building the cost models day after day incrementally gives the rows of one full refresh.

The sandbox generator writes a few days of system tables; the test then adds what makes
incremental cost models hard (late ``query.history`` versions, billing RETRACTION/RESTATEMENT rows
that land days later, a list-price change, long queries across windows and midnight), and makes
one "as visible at time T" copy of the system tables per day: query.history rows with
``update_time <= T``, billing.usage rows with ``usage_end_time <= T`` and ``ingestion_date`` before
T's date. dbt runs against each copy in turn (incremental), then once with ``--full-refresh``
against everything; every incremental cost model must hold the same rows (floats to 1e-9
relative), ignoring only the ``_refreshed_at`` bookkeeping column.

dbt runs in a subprocess with private target/log dirs and DuckDB files in a temp dir, so the test
never touches a developer's data.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from genie_sandbox.gen_common import DEFAULT_START_DATE
from genie_sandbox.schema import SYSTEM_TABLES

REPO_ROOT = Path(__file__).resolve().parents[1]
PROJECT_DIR = Path(os.environ.get("DBT_PROJECT_DIR", REPO_ROOT))
BIN = Path(sys.executable).parent
START = dt.datetime.combine(DEFAULT_START_DATE, dt.time())  # the sandbox's first day
DAYS = 4
# Corrections land 2-4 days after the usage (generator and injected rows), some of them later
# than cost_lookback_days: those windows are re-read because their billing changed,
# not because the lookback covers them.
# hourly_trends_days 2 < DAYS: genie_hourly_trends must drop the days that leave its window.
DBT_VARS = "{cost_lookback_days: 2, query_history_lookback_days: 5, hourly_trends_days: 2}"
# Models and the discount seed, no tests (they run once at the end).
BUILD = [
    "build",
    "--select",
    "+models/marts/cost",
    "+models/intermediate/cost",
    # read by the reconciliation tests (rows held out of the cost totals)
    "stg_system__rows_quarantined",
    # the anomaly models' daily table (incremental by day)
    "int_query_costs_summed_daily",
    "--resource-type",
    "model",
    "--resource-type",
    "seed",
]

# model -> grain key; every column but _refreshed_at is compared.
COMPARED = {
    "int_queries_allocated_to_billing_windows": [
        "workspace_id",
        "warehouse_id",
        "sku_name",
        "window_start_at",
        "window_end_at",
        "statement_id",
    ],
    "genie_cost_reconciliation": [
        "workspace_id",
        "warehouse_id",
        "sku_name",
        "window_start_at",
        "window_end_at",
    ],
    "genie_cost_attribution": ["workspace_id", "query_id"],
    "genie_query_performance": ["workspace_id", "query_id"],
    # carries the query fingerprints (normalized_statement_text, query_fingerprint)
    "stg_system__query_history": ["workspace_id", "statement_id"],
    # incremental by usage_date: corrections found within the horizon
    "stg_system__billing_usage": ["record_id"],
    "int_billing_usage_priced": ["record_id"],
    "genie_daily_performance": ["workspace_id", "user_id", "query_date"],
    # incremental by day (hourly trends also drops days older than its window)
    "genie_daily_query_latency": ["workspace_scope", "query_date"],
    "genie_hourly_trends": ["workspace_id", "query_date", "query_hour"],
    "int_query_costs_summed_daily": [
        "dimension_type",
        "dimension_id",
        "workspace_id",
        "usage_date",
        "query_fingerprint",
    ],
}
IGNORED_COLUMNS = {"_refreshed_at"}


def generate_sandbox(path: Path) -> None:
    """Run the sandbox generator (system tables of a small account)."""
    result = subprocess.run(
        [
            str(BIN / "genie-sandbox"),
            "generate",
            "--db",
            str(path),
            "--seed",
            "11",
            "--days",
            str(DAYS),
            "--start-date",
            START.date().isoformat(),
            "--workspaces",
            "2",
            "--warehouses-per-workspace",
            "4",
            "--queries-per-day",
            "300",
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def inject_hard_cases(path: Path) -> dict[str, int]:
    """Add late versions, corrections, a price change and long queries; return their counts."""
    con = duckdb.connect(str(path))
    try:
        # Long queries: every 37th warehouse query runs 3 h (across windows, some across midnight).
        con.execute(
            """
            update query.history
            set end_time = start_time + interval 3 hour,
                update_time = start_time + interval 3 hour + interval 1 second,
                total_task_duration_ms = total_task_duration_ms * 7
            where compute.warehouse_id is not null and hash(statement_id) % 37 = 0
            """
        )
        # Late rows: every 10th query is first seen RUNNING (no end), its final version lands
        # 20 hours after it ended.
        late = con.execute(
            """
            select count(*) from query.history
            where compute.warehouse_id is not null and hash(statement_id) % 10 = 3
            """
        ).fetchone()[0]
        con.execute(
            """
            insert into query.history
            select * replace (
                'RUNNING' as execution_status,
                cast(null as timestamp) as end_time,
                start_time + interval 1 second as update_time,
                total_task_duration_ms // 3 as total_task_duration_ms
            )
            from query.history
            where compute.warehouse_id is not null and hash(statement_id) % 10 = 3
            """
        )
        con.execute(
            """
            update query.history
            set update_time = end_time + interval 20 hour
            where end_time is not null and compute.warehouse_id is not null
              and hash(statement_id) % 10 = 3
            """
        )
        # Billing corrections two days later: every 7th warehouse window is retracted and
        # restated at 80 %.
        corrected = con.execute(
            """
            select count(*) from billing.usage
            where usage_metadata.warehouse_id is not null and record_type = 'ORIGINAL'
              and hash(record_id) % 7 = 0
            """
        ).fetchone()[0]
        # Later than the lookback (cost_lookback_days 2): every 11th is corrected 3 days later.
        corrections = (
            ("-r", "RETRACTION", -1, 7, 0, 2),
            ("-s", "RESTATEMENT", 0.8, 7, 0, 2),
            ("-lr", "RETRACTION", -1, 11, 5, 3),
            ("-ls", "RESTATEMENT", 0.5, 11, 5, 3),
        )
        for suffix, record_type, factor, modulus, remainder, delay_days in corrections:
            con.execute(
                f"""
                insert into billing.usage
                select * replace (
                    record_id || '{suffix}' as record_id,
                    '{record_type}' as record_type,
                    cast(usage_quantity * {factor} as decimal(38, 18)) as usage_quantity,
                    cast(usage_date + {delay_days} as date) as ingestion_date
                )
                from billing.usage
                where usage_metadata.warehouse_id is not null and record_type = 'ORIGINAL'
                  and hash(record_id) % {modulus} = {remainder}
                """
            )
        # Price change at noon of day 2 for every SKU with a current price: +10 %.
        change_at = START + dt.timedelta(days=1, hours=12)
        con.execute(
            "create temp table changed as select * from billing.list_prices "
            "where price_end_time is null and price_start_time < ?",
            [change_at],
        )
        con.execute(
            "update billing.list_prices set price_end_time = ? "
            "where price_end_time is null and price_start_time < ?",
            [change_at, change_at],
        )
        con.execute(
            """
            insert into billing.list_prices
            select * replace (
                ?::timestamp as price_start_time,
                cast(null as timestamp) as price_end_time,
                struct_pack(
                    "default" := cast(pricing."default" * 1.1 as decimal(38, 18)),
                    promotional := struct_pack(
                        "default" := cast(pricing.promotional."default" * 1.1 as decimal(38, 18))
                    ),
                    effective_list := struct_pack(
                        "default" := cast(pricing.effective_list."default" * 1.1 as decimal(38, 18))
                    )
                ) as pricing
            )
            from changed
            """,
            [change_at],
        )
        long_queries = con.execute(
            "select count(*) from query.history where end_time - start_time >= interval 3 hour"
        ).fetchone()[0]
    finally:
        con.close()
    return {"late": late, "corrected": corrected, "long": long_queries}


def visible_copy(full: Path, copy: Path, as_of: dt.datetime | None) -> None:
    """The system tables as a scheduled run at ``as_of`` would see them (None = everything)."""
    copy.unlink(missing_ok=True)
    con = duckdb.connect(str(copy))
    try:
        con.execute(f"attach '{full}' as src (read_only)")
        for schema in sorted({s for s, _ in SYSTEM_TABLES}):
            con.execute(f"create schema if not exists {schema}")
        for schema, table in SYSTEM_TABLES:
            where = "true"
            if as_of is not None and (schema, table) == ("query", "history"):
                where = f"update_time <= timestamp '{as_of}'"
            elif as_of is not None and (schema, table) == ("billing", "usage"):
                where = (
                    f"usage_end_time <= timestamp '{as_of}' "
                    f"and ingestion_date < date '{as_of.date()}'"
                )
            con.execute(
                f"create table {schema}.{table} as select * from src.{schema}.{table} where {where}"
            )
    finally:
        con.close()


def dbt(args: list[str], system_db: Path, target_db: Path, work: Path) -> None:
    """Run dbt in a subprocess against the given system-table copy and target file."""
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "SYSTEM_TABLES_DUCKDB": str(system_db),
        "GENIE_ANALYTICS_DUCKDB": str(target_db),
        "DBT_TARGET_PATH": str(work / f"target_{target_db.stem}"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    result = subprocess.run(
        [str(BIN / "dbt"), *args, "--vars", DBT_VARS, "--project-dir", str(PROJECT_DIR)],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def read_model(db: Path, model: str, key: list[str]) -> tuple[list[str], list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        relation = f'"{db.stem}".genie_analytics.{model}'
        columns = [
            row[0]
            for row in con.execute(f"describe {relation}").fetchall()
            if row[0] not in IGNORED_COLUMNS
        ]
        select = ", ".join(f'"{c}"' for c in columns)
        order = ", ".join(f'"{c}"' for c in key)
        return columns, con.execute(f"select {select} from {relation} order by {order}").fetchall()
    finally:
        con.close()


def same_value(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-9)
    return a == b


def assert_same_rows(model: str, key: list[str], incremental: Path, full: Path) -> int:
    columns, inc_rows = read_model(incremental, model, key)
    full_columns, full_rows = read_model(full, model, key)
    assert columns == full_columns, f"{model}: columns differ"
    assert len(inc_rows) == len(full_rows), (
        f"{model}: {len(inc_rows)} rows incremental vs {len(full_rows)} full refresh"
    )
    for inc_row, full_row in zip(inc_rows, full_rows, strict=True):
        for column, a, b in zip(columns, inc_row, full_row, strict=True):
            assert same_value(a, b), f"{model} {column}: {a!r} (incremental) != {b!r} (full)"
    return len(full_rows)


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("cost_incremental")
    sandbox = work / "sandbox.duckdb"
    generate_sandbox(sandbox)
    injected = inject_hard_cases(sandbox)

    system_copy = work / "visible.duckdb"
    incremental = work / "incremental.duckdb"
    pending_seen = 0
    # One scheduled run after each day, then one after every late row has landed.
    run_times = [START + dt.timedelta(days=d) for d in range(1, DAYS + 1)] + [None]
    for as_of in run_times:
        visible_copy(sandbox, system_copy, as_of)
        dbt(BUILD, system_copy, incremental, work)
        con = duckdb.connect(str(incremental), read_only=True)
        pending_seen += con.execute(
            "select count(*) from incremental.genie_analytics.genie_cost_attribution "
            "where not is_cost_final"
        ).fetchone()[0]
        con.close()

    full = work / "full.duckdb"
    dbt([*BUILD, "--full-refresh"], system_copy, full, work)
    return {
        "work": work,
        "system": system_copy,
        "incremental": incremental,
        "full": full,
        "injected": injected,
        "pending_seen": pending_seen,
    }


def test_hard_cases_are_present(builds: dict[str, object]) -> None:
    """The comparison is only meaningful if late rows, corrections and pending costs occurred."""
    injected = builds["injected"]
    assert injected["late"] > 0 and injected["corrected"] > 0 and injected["long"] > 0
    assert builds["pending_seen"] > 0, "no run ever saw a query whose cost was not final"


@pytest.mark.parametrize("model", sorted(COMPARED))
def test_incremental_equals_full_refresh(builds: dict[str, object], model: str) -> None:
    rows = assert_same_rows(model, COMPARED[model], builds["incremental"], builds["full"])
    assert rows > 0, f"{model} is empty"


def test_reconciliation_holds_after_incremental_runs(builds: dict[str, object]) -> None:
    """The cost models' data tests (attributed + idle = billed, nothing dropped) pass on the
    incrementally built target too."""
    dbt(
        [
            "test",
            "--select",
            "models/marts/cost",
            "models/intermediate/cost",
            "tests/singular/cost",
        ],
        builds["system"],
        builds["incremental"],
        builds["work"],
    )
