"""dbt builds the staging layer against a tiny hand-written system catalog.

The fixture (fixtures/tiny_system_tables.sql) is written by hand from the documented schemas, not
by the sandbox generator, so a generator bug cannot hide a staging bug. Tables come from
``create_all_sql()`` (the schema contract); dbt runs in a subprocess with private target/log
dirs and DuckDB files in a temp dir, so tests never touch the developer's data.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from genie_sandbox.schema import create_all_sql

REPO_ROOT = Path(__file__).resolve().parents[1]
# dbt's own env var; lets a developer point the tests at another checkout of the project.
PROJECT_DIR = Path(os.environ.get("DBT_PROJECT_DIR", REPO_ROOT))
FIXTURE = Path(__file__).parent / "fixtures" / "tiny_system_tables.sql"
DBT = Path(sys.executable).parent / "dbt"


def build_tiny_system_db(path: Path, drop_columns: tuple[tuple[str, str, str], ...] = ()) -> None:
    """Create the ten system tables and load the hand-written rows into a DuckDB file.

    ``drop_columns`` = ((schema, table, column), ...) are removed afterwards, to simulate
    Databricks changing a system table under us.
    """
    con = duckdb.connect(str(path))
    try:
        for stmt in create_all_sql():
            con.execute(stmt)
        for stmt in re.split(r";\s*\n", FIXTURE.read_text()):
            body = "\n".join(
                line for line in stmt.splitlines() if not line.lstrip().startswith("--")
            ).strip()
            if body:
                con.execute(body)
        for schema, table, column in drop_columns:
            con.execute(f'alter table {schema}.{table} drop column "{column}"')
    finally:
        con.close()


def run_dbt(tmp_path: Path, system_db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run dbt in a subprocess against private DuckDB files and target/log dirs."""
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_TARGET": "duckdb",
        "SYSTEM_TABLES_DUCKDB": str(system_db),
        "GENIE_ANALYTICS_DUCKDB": str(tmp_path / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    if not (REPO_ROOT / "profiles.yml").exists():
        env["DBT_PROFILES_DIR"] = str(_example_profiles_dir(tmp_path))
    return subprocess.run(
        [str(DBT), "--no-use-colors", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _example_profiles_dir(tmp_path: Path) -> Path:
    """profiles.yml is git-ignored; a fresh clone only has the example."""
    profiles_dir = tmp_path / "profiles"
    profiles_dir.mkdir(exist_ok=True)
    (profiles_dir / "profiles.yml").write_text((REPO_ROOT / "profiles.yml.example").read_text())
    return profiles_dir


def query(tmp_path: Path, sql: str) -> list[tuple]:
    """Read the dbt-built DuckDB file (read-only, after dbt has exited).

    The staging views read the system catalog, so it is attached as in profiles.yml. The file's
    catalog is its stem (`warehouse`), the schema `genie_analytics`.
    """
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        con.execute(f"attach '{tmp_path / 'system_tables.duckdb'}' as system_tables (read_only)")
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def built_staging(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build (models + data tests + unit tests) the staging layer once for the module."""
    tmp_path = tmp_path_factory.mktemp("dbt_staging")
    system_db = tmp_path / "system_tables.duckdb"
    build_tiny_system_db(system_db)
    result = run_dbt(
        tmp_path,
        system_db,
        "build",
        "--select",
        "staging.system",
        "--indirect-selection",
        "cautious",
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    return tmp_path


def test_staging_builds_with_tests_and_unit_tests(built_staging: Path) -> None:
    """Every staging model exists and the fixture's rows come through."""
    counts = dict(
        query(
            built_staging,
            """
            select table_name, estimated_size from duckdb_tables()
            where schema_name = 'genie_analytics' and table_name like 'stg_system__%'
            """,
        )
    )
    # The two incremental-by-day tables (query history: 4 statements after deduplication; billing
    # usage: the fixture's 5 records, its retraction included); the rest are views.
    assert counts == {"stg_system__query_history": 4, "stg_system__billing_usage": 5}
    views = {
        row[0]
        for row in query(
            built_staging,
            "select view_name from duckdb_views() where schema_name = 'genie_analytics'",
        )
    }
    assert {
        "stg_system__list_prices",
        "stg_system__warehouses",
        "stg_system__clusters",
        "stg_system__jobs",
        "stg_system__warehouse_events",
        "stg_system__job_run_timeline",
        "stg_system__workspaces",
        "stg_system__audit",
    } <= views


def test_query_history_keeps_latest_version(built_staging: Path) -> None:
    rows = query(
        built_staging,
        """
        select workspace_id, statement_id, execution_status, total_duration_ms,
               query_source_genie_space_id, warehouse_id, query_date
        from warehouse.genie_analytics.stg_system__query_history
        order by workspace_id, statement_id
        """,
    )
    by_key = {(r[0], r[1]): r[2:] for r in rows}
    assert len(rows) == 4  # 5 source rows, stmt-dup delivered twice
    status, duration_ms, space_id, warehouse_id, _ = by_key[("1111111111111111", "stmt-dup")]
    assert (status, duration_ms) == ("FINISHED", 4000)
    assert space_id == "01ef0000000000000000000000000001"
    assert warehouse_id == "wh-a"
    assert ("2222222222222222", "stmt-1") in by_key  # same statement_id, other workspace


def test_audit_keeps_genie_rows_and_survives_bad_json(built_staging: Path) -> None:
    rows = query(
        built_staging,
        """
        select event_id, request_message_id, result_message_id, is_result_json_valid,
               request_feedback_rating, response_status_code
        from warehouse.genie_analytics.stg_system__audit order by event_id
        """,
    )
    by_id = {r[0]: r[1:] for r in rows}
    assert set(by_id) == {"ev-1", "ev-2", "ev-3", "ev-4", "ev-5"}  # ev-6 is not aibiGenie
    assert by_id["ev-1"][:3] == (None, "m0000000000000000000000000000001", True)
    assert by_id["ev-2"][:3] == ("m0000000000000000000000000000001", None, False)  # null result
    assert by_id["ev-3"][3] == "POSITIVE" and by_id["ev-3"][2] is False  # empty result
    assert by_id["ev-4"][1:3] == (None, False)  # truncated JSON must not fail the model
    assert by_id["ev-5"][4] == 429


def test_incremental_rerun_merges_lookback_window_only(tmp_path: Path) -> None:
    """A second run re-reads whole days from max(query_date) - lookback and replaces them.

    With lookback 0 only the latest day (2026-10-03) is re-read: a new version of a statement
    on that day replaces the old row, a new statement is added, and a late change to a statement
    from 2026-10-01 (outside the window) is not picked up.
    """
    system_db = tmp_path / "system_tables.duckdb"
    build_tiny_system_db(system_db)
    first = run_dbt(tmp_path, system_db, "run", "--select", "stg_system__query_history")
    assert first.returncode == 0, first.stdout[-4000:]

    con = duckdb.connect(str(system_db))
    try:
        con.execute(
            """
            insert into query.history (workspace_id, statement_id, execution_status, start_time,
                                       update_time, total_duration_ms)
            values
                ('1111111111111111', 'stmt-fail', 'FAILED', timestamp '2026-10-03 10:00:00',
                 timestamp '2026-10-03 10:05:00', 999),
                ('1111111111111111', 'stmt-new', 'FINISHED', timestamp '2026-10-03 11:00:00',
                 timestamp '2026-10-03 11:00:01', 10),
                ('1111111111111111', 'stmt-1', 'FINISHED', timestamp '2026-10-01 08:10:00',
                 timestamp '2026-10-04 00:00:00', 777)
            """
        )
    finally:
        con.close()

    second = run_dbt(
        tmp_path,
        system_db,
        "run",
        "--select",
        "stg_system__query_history",
        "--vars",
        "{query_history_lookback_days: 0}",
    )
    assert second.returncode == 0, second.stdout[-4000:]
    rows = dict(
        query(
            tmp_path,
            """
            select statement_id, total_duration_ms
            from warehouse.genie_analytics.stg_system__query_history
            where workspace_id = '1111111111111111'
            """,
        )
    )
    assert rows == {"stmt-1": 1200, "stmt-dup": 4000, "stmt-fail": 999, "stmt-new": 10}


def test_missing_columns_fail_fast_with_one_clear_error(tmp_path: Path) -> None:
    """All shape problems are reported together, before any model runs."""
    system_db = tmp_path / "system_tables.duckdb"
    build_tiny_system_db(
        system_db,
        drop_columns=(("query", "history", "read_rows"), ("access", "audit", "event_id")),
    )
    result = run_dbt(
        tmp_path,
        system_db,
        "build",
        "--select",
        "staging.system",
        "--indirect-selection",
        "cautious",
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "system table system_tables.query.history is missing column(s): read_rows" in output
    assert "system table system_tables.access.audit is missing column(s): event_id" in output
    assert "OK created" not in output


@pytest.mark.slow
def test_whole_project_builds_on_tiny_fixture(tmp_path: Path) -> None:
    """Every model, seed, snapshot, data test and unit test passes on the hand-written catalog.

    The Genie landing tables are normally created by the ingestion (or the Genie on-run-start
    DDL); the macro that creates them empty is called first so a fresh file also builds.
    """
    system_db = tmp_path / "system_tables.duckdb"
    build_tiny_system_db(system_db)
    landing = run_dbt(tmp_path, system_db, "run-operation", "create_genie_landing_tables")
    assert landing.returncode == 0, landing.stdout[-4000:]
    result = run_dbt(tmp_path, system_db, "build")
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "ERROR=0" in result.stdout and "SKIP=0" in result.stdout
