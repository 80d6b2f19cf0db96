"""The on-run-start system-table shape check on hand-made system catalogs: a missing nested
field is named table.column.field; an optional schema not enabled warns once, the build goes on.

Each test writes the documented system-table shapes (``create_all_sql()``), changes one thing,
and runs dbt in a subprocess on private DuckDB files:
- a struct field the models read is missing (``query.history.compute`` without
  ``warehouse_id``): the build stops before any model with an error naming
  ``query.history.compute.warehouse_id``;
- the optional ``lakeflow`` schema is not enabled: ONE warning names the schema, its staging
  models build with zero rows, and the whole project builds (models and tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from genie_sandbox.gen_common import DEFAULT_START_DATE
from genie_sandbox.schema import create_all_sql

REPO_ROOT = Path(__file__).resolve().parents[1]
DBT = Path(sys.executable).parent / "dbt"


def write_system_db(path: Path, *changes: str) -> None:
    con = duckdb.connect(str(path))
    try:
        for stmt in create_all_sql():
            con.execute(stmt)
        for stmt in changes:
            con.execute(stmt)
    finally:
        con.close()


def run_dbt(work: Path, *args: str, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_TARGET": "duckdb",
        "SYSTEM_TABLES_DUCKDB": str(work / "system_tables.duckdb"),
        "GENIE_ANALYTICS_DUCKDB": str(work / "warehouse.duckdb"),
        "GENIE_LANDING_SCHEMA": "genie_landing",
        "GENIE_START_DATE": DEFAULT_START_DATE.isoformat(),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        **(env_extra or {}),
    }
    if not (REPO_ROOT / "profiles.yml").exists():
        profiles = work / "profiles"
        profiles.mkdir(exist_ok=True)
        (profiles / "profiles.yml").write_text((REPO_ROOT / "profiles.yml.example").read_text())
        env["DBT_PROFILES_DIR"] = str(profiles)
    return subprocess.run(
        [str(DBT), "--no-use-colors", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.slow
def test_missing_nested_field_is_named_table_column_field(tmp_path: Path) -> None:
    # query.history.compute as struct(type, cluster_id): warehouse_id is gone.
    write_system_db(
        tmp_path / "system_tables.duckdb",
        "alter table query.history drop column compute",
        "alter table query.history add column compute struct(type varchar, cluster_id varchar)",
    )
    result = run_dbt(tmp_path, "run", "--select", "stg_system__workspaces")
    assert result.returncode != 0
    assert "query.history.compute.warehouse_id" in result.stdout, result.stdout[-3000:]
    # Only the missing field is named; the fields that exist are not.
    assert "query.history.compute.cluster_id" not in result.stdout


@pytest.mark.slow
def test_absent_optional_lakeflow_schema_warns_once_and_builds_empty(tmp_path: Path) -> None:
    write_system_db(
        tmp_path / "system_tables.duckdb",
        "drop table lakeflow.jobs",
        "drop table lakeflow.job_run_timeline",
    )
    landing = run_dbt(tmp_path, "run-operation", "create_genie_landing_tables")
    assert landing.returncode == 0, landing.stdout[-3000:]
    # The whole project, models and tests: every model that reads lakeflow (the quarantine
    # view, genie_data_quality, the job cost marts) must build without it, not only the two
    # staging models.
    result = run_dbt(tmp_path, "build")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "ERROR=0" in result.stdout and "SKIP=0" in result.stdout, result.stdout[-3000:]
    warnings = [
        line for line in result.stdout.splitlines() if "Optional system schema `lakeflow`" in line
    ]
    assert len(warnings) == 1, result.stdout[-3000:]
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True)
    try:
        con.execute("use warehouse.genie_analytics")
        assert con.execute("select count(*) from stg_system__jobs").fetchone() == (0,)
        assert con.execute("select count(*) from stg_system__job_run_timeline").fetchone() == (0,)
        con.execute(f"attach '{tmp_path / 'system_tables.duckdb'}' as system_tables (read_only)")
        assert con.execute("select count(*) from stg_system__rows_quarantined").fetchone() == (0,)
        assert con.execute("select count(*) from genie_data_quality").fetchone() == (0,)
    finally:
        con.close()


@pytest.mark.slow
def test_absent_required_schema_still_stops_the_build(tmp_path: Path) -> None:
    write_system_db(tmp_path / "system_tables.duckdb", "drop table query.history")
    result = run_dbt(tmp_path, "run", "--select", "stg_system__workspaces")
    assert result.returncode != 0
    assert "query.history does not exist" in result.stdout, result.stdout[-3000:]
