"""Configuration that reaches SQL cannot inject it (issue 11, item 7).

- dbt: a landing schema (env GENIE_LANDING_SCHEMA) containing `"` and a statement is refused by
  the one identifier check (macros/checks/validated_identifier.sql) before any DDL runs, both
  from the on-run-start hooks and from `run-operation create_genie_landing_tables`; no table
  or schema gets created.
- `genie-sandbox report --system-tables PATH`: a quote in the path is data, not SQL.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from test_system_tables_shape import run_dbt, write_system_db

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
