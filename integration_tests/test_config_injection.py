"""Configuration that reaches SQL cannot inject it.

- dbt: a landing schema (env GENIE_LANDING_SCHEMA) containing `"` and a statement is refused by
  the one identifier check (macros/checks/validated_identifier.sql) before any DDL runs, both
  from the on-run-start hooks and from `run-operation create_genie_landing_tables`; no table
  or schema gets created.
- `genie-sandbox report --system-tables PATH`: a quote in the path is data, not SQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_system_tables_shape import REPO_ROOT, run_dbt, write_system_db

from genie_sandbox.gen_common import DEFAULT_START_DATE
from genie_sandbox.report import attach_system_tables

INJECTING_SCHEMA = 'genie_landing"; create table main.pwned as select 42 as x; --'


def _tables_and_schemas(db: Path) -> tuple[set[str], set[str]]:
    if not db.exists():
        return set(), set()
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_schemas()").fetchall()}
        return tables, schemas
    finally:
        con.close()


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ("run-operation", "create_genie_landing_tables"),
        ("run", "--select", "stg_system__workspaces"),
    ],
    ids=["run-operation", "run"],
)
def test_landing_schema_with_a_quote_is_refused_before_any_sql(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    write_system_db(tmp_path / "system_tables.duckdb")
    result = run_dbt(tmp_path, *args, env_extra={"GENIE_LANDING_SCHEMA": INJECTING_SCHEMA})
    assert result.returncode != 0
    assert "not a plain SQL identifier" in result.stdout, result.stdout[-3000:]
    assert "source genie_api." in result.stdout
    tables, schemas = _tables_and_schemas(tmp_path / "warehouse.duckdb")
    assert "pwned" not in tables
    assert not any(s.startswith("genie_landing") for s in schemas)


def test_report_attaches_a_path_with_quotes_as_data(tmp_path: Path) -> None:
    # A file name that, pasted into `attach '...'`, would end the literal and create a table.
    folder = tmp_path / "a"
    folder.mkdir()
    first = "x.duckdb' as system_tables (read_only); create table memory.main.pwned as select 1; --"
    path = folder / first
    duckdb.connect(str(path)).close()
    con = duckdb.connect()
    try:
        attach_system_tables(con, path)
        attached = con.execute(
            "select path from duckdb_databases() where database_name = 'system_tables'"
        ).fetchall()
        assert attached == [(str(path),)]
        pwned = con.execute("select count(*) from duckdb_tables() where table_name = 'pwned'")
        assert pwned.fetchone() == (0,)
    finally:
        con.close()


def test_report_reads_the_environment_when_it_runs_not_when_imported(tmp_path, monkeypatch, capsys):
    """The marts' schema is read by main() (env GENIE_ANALYTICS_SCHEMA or --schema), so a
    caller that imports the module first and sets the environment later is obeyed."""
    from genie_sandbox import report

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    monkeypatch.setenv("GENIE_ANALYTICS_SCHEMA", "set_after_import")
    with pytest.raises(SystemExit):
        report.main(["--db", str(empty), "--system-tables", str(tmp_path / "none")])
    assert "no schema set_after_import" in capsys.readouterr().err


# Runs dbt on the Databricks target with the connector stubbed: every statement dbt would send
# to the warehouse is written to a file instead (one per line), and none is answered with rows.
_RECORDING_DBT = """
import json, sys
from unittest import mock
log = open(sys.argv[1], "w")
class Cursor:
    description = None
    query_id = "x"
    def __init__(self, connection): self.connection = connection
    def execute(self, operation, parameters=None, **kw):
        log.write(json.dumps(operation) + "\\n"); log.flush(); return self
    def fetchall(self): return []
    def fetchone(self): return None
    def fetchmany(self, size): return []
    def close(self): pass
    def cancel(self): pass
class Connection:
    def cursor(self, *a, **kw): return Cursor(self)
    def close(self): pass
    def get_session_id_hex(self): return "0"
def connect(**kwargs):
    log.write(json.dumps({"connect": sorted(kwargs)}) + "\\n"); log.flush(); return Connection()
with mock.patch("databricks.sql.connect", connect):
    from dbt.cli.main import dbtRunner
    result = dbtRunner().invoke(sys.argv[2:])
print("DBT_EXCEPTION", result.exception)
sys.exit(0 if result.success else 1)
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("GENIE_ANALYTICS_SCHEMA", "genie_analytics`; drop table pwned; --"),
        ("GENIE_ANALYTICS_CATALOG", "main'; --"),
    ],
    ids=["schema", "catalog"],
)
def test_target_schema_with_a_quote_is_refused_at_parse_time(
    tmp_path: Path, variable: str, value: str
) -> None:
    """dbt 1.11 creates the target schemas BEFORE on-run-start, so the
    target's schema and catalog are validated while dbt parses (generate_schema_name /
    generate_database_name, macros/checks/generate_names.sql): dbt fails with the clear message
    and sends no statement at all (no CREATE SCHEMA) to the warehouse."""
    write_system_db(tmp_path / "system_tables.duckdb")
    statements = tmp_path / "statements.jsonl"
    script = tmp_path / "recording_dbt.py"
    script.write_text(_RECORDING_DBT)
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
        "DBT_TARGET": "databricks",
        "DATABRICKS_HOST": "check.invalid",
        "DATABRICKS_HTTP_PATH": "/sql/1.0/warehouses/0123456789abcdef",
        "GENIE_START_DATE": DEFAULT_START_DATE.isoformat(),
        variable: value,
    }
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text((REPO_ROOT / "profiles.yml.example").read_text())
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            str(statements),
            "build",
            "--select",
            "stg_system__workspaces",
            "--profiles-dir",
            str(profiles),
            "--target-path",
            str(tmp_path / "target"),
            "--log-path",
            str(tmp_path / "logs"),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    sent = statements.read_text().splitlines() if statements.exists() else []
    # Before the fix: `create schema if not exists `main'; --`.`genie_analytics`` was sent.
    assert not [s for s in sent if "create schema" in s.lower()], sent
    assert sent == [], sent
    assert done.returncode != 0, output[-3000:]
    assert "not a plain SQL identifier" in output, output[-3000:]
    assert variable in output, output[-3000:]
