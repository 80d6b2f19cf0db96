"""Read the marts (and write the service's own small tables) with bound parameters only.

Every statement is a constant string of this package; request values travel only as named
parameters. SQL is written with DuckDB's ``$name`` markers; the Databricks backend rewrites the
markers of that constant text to ``:name`` (the Statement Execution API's syntax) once, which never
touches a value. Table names are unqualified: DuckDB runs ``USE <catalog>.<schema>`` per
connection (and searches the in-memory copies of ``memory_tables`` first), Databricks passes
``catalog``/``schema`` with each statement.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import duckdb

Row = dict[str, Any]
MEMORY_CATALOG = "genie_api_memory"
_MARKER = re.compile(r"\$([a-z_][a-z0-9_]*)")


class MartsUnavailable(RuntimeError):
    """The warehouse cannot be reached or a mart is missing (a 503, never a per-request 500)."""


class Warehouse(Protocol):
    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]: ...

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None: ...

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> None: ...

    def marts_version(self) -> object:
        """Changes whenever the marts may have changed (cache.py)."""
        ...


class DuckDbWarehouse:
    """A DuckDB file; one cursor per thread (DuckDB connections are not shared across threads).

    ``read_only=True`` for the dbt build (the service must never write into it); the state file
    (access log, alerts sent) is opened read-write. ``memory_tables``: marts of the file served
    from in-memory copies made when the file is opened (``_copy_to_memory``).
    """

    def __init__(
        self,
        path: Path,
        schema: str,
        *,
        read_only: bool = True,
        memory_tables: Sequence[str] = (),
    ) -> None:
        if read_only and not Path(path).exists():
            raise MartsUnavailable(f"DuckDB file {path} does not exist: run `make demo` first")
        if not read_only:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            raise MartsUnavailable(f"cannot open {path}: {exc}") from exc
        # One thread a statement: each request's statement runs on its own worker thread, and
        # DuckDB's parallel tasks only add scheduling to these point reads (measured in
        # bench/NOTES.md) while concurrent requests already use every core. A SET, not
        # connect(config=...): DuckDB refuses a second in-process connection to the file with
        # another configuration (the tests, ``genie-ingest`` commands in the same process).
        # The setting is the database's: every connection of this process to the file gets it.
        self._con.execute("set threads = 1")
        self._catalog = Path(path).stem
        self._schema = schema
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._search_path: str | None = None
        # One in-memory database per (file, schema): DuckDB shares a file's database between the
        # connections of a process, so a copy named without the schema would be another schema's.
        self._memory_catalog = f"{MEMORY_CATALOG}__{schema}"
        if not read_only:
            self._con.execute(f'create schema if not exists "{schema}"')
        copied = [t for t in memory_tables if self._copy_to_memory(t)]
        if copied:
            # Unqualified names resolve in the in-memory copies first, then the marts' schema.
            self._search_path = f'"{self._memory_catalog}".main,"{self._catalog}"."{schema}"'

    def _copy_to_memory(self, table: str) -> bool:
        """Copy a small mart into an in-memory database that is searched before the file.

        Why: a table in the file is stored compressed in 122,880-row groups, so a filter on a
        column that is not indexed decodes and compares every row of its group; the in-memory
        copy is not compressed, and is read several times faster (bench/NOTES.md, the 10M-query
        day). Memory: the table's size uncompressed. The copy cannot go stale: the service holds
        the file read-only, and DuckDB then refuses every writer (cache.py). A mart that does not
        exist is not copied; its reads then go to the file and answer 503 as before.
        ``table`` is a constant of this package, never a request value.
        """
        exists = self._con.execute(
            "select count(*) from duckdb_tables() "
            "where database_name = $catalog and schema_name = $schema and table_name = $table",
            {"catalog": self._catalog, "schema": self._schema, "table": table},
        ).fetchone()
        if not exists or not exists[0]:
            return False
        # A read-only file's attachments inherit read-only unless told otherwise.
        self._con.execute(
            f"attach if not exists ':memory:' as \"{self._memory_catalog}\" (read_write)"
        )
        self._con.execute(
            f'create or replace table "{self._memory_catalog}".main."{table}" as '
            f'select * from "{self._catalog}"."{self._schema}"."{table}"'
        )
        return True

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            cur = self._con.cursor()
            # Identifiers come from settings, never from a request; quoted.
            cur.execute(f'use "{self._catalog}"."{self._schema}"')
            if self._search_path:
                cur.execute(f"set search_path = '{self._search_path}'")
            self._local.cursor = cur
        return cur

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        try:
            cur = self._cursor().execute(sql, dict(params or {}))
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        except duckdb.CatalogException as exc:
            raise MartsUnavailable(str(exc)) from exc

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        with self._write_lock:
            self._cursor().execute(sql, dict(params or {}))

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """Insert ``rows`` (dicts keyed by ``columns``) in ONE statement: each column travels as
        one list parameter and ``unnest`` zips them back into rows. ``table`` and ``columns`` are
        constants of this package, never request values. One statement per batch, not one INSERT
        per row, whose CPU the service's requests would compete with (bench/NOTES.md)."""
        if not rows:
            return
        names = [f"c{i}" for i in range(len(columns))]
        sql = f"insert into {table} ({', '.join(columns)}) select " + ", ".join(
            f"unnest(${n})" for n in names
        )
        params = {n: [row[c] for row in rows] for n, c in zip(names, columns, strict=True)}
        with self._write_lock:
            self._cursor().execute(sql, params).fetchall()

    def marts_version(self) -> object:
        """Constant: a read-only DuckDB connection locks out every writer of the file, so the
        marts cannot change while it is open (cache.py)."""
        return self._catalog

    def close(self) -> None:
        self._con.close()


def _parameter(name: str, value: Any):
    from databricks.sdk.service.sql import StatementParameterListItem

    if value is None:
        return StatementParameterListItem(name=name, value=None, type="STRING")
    if isinstance(value, bool):
        return StatementParameterListItem(name=name, value=str(value).lower(), type="BOOLEAN")
    if isinstance(value, int):
        return StatementParameterListItem(name=name, value=str(value), type="BIGINT")
    if isinstance(value, float | Decimal):
        return StatementParameterListItem(name=name, value=str(value), type="DOUBLE")
    if isinstance(value, datetime):
        return StatementParameterListItem(name=name, value=value.isoformat(), type="TIMESTAMP")
    if isinstance(value, date):
        return StatementParameterListItem(name=name, value=value.isoformat(), type="DATE")
    return StatementParameterListItem(name=name, value=str(value), type="STRING")


_CONVERT = {
    "BYTE": int,
    "SHORT": int,
    "INT": int,
    "LONG": int,
    "FLOAT": float,
    "DOUBLE": float,
    "DECIMAL": float,
    "BOOLEAN": lambda v: v.lower() == "true",
    "DATE": date.fromisoformat,  # JSON_ARRAY sends 'YYYY-MM-DD'; the endpoints compare dates
}


# The marts the service reads (queries.py, access.py); their latest change is the cache's version.
MARTS_VERSION_SQL = """
select max(last_altered) as version
from information_schema.tables
where table_schema = $schema
    and table_name in (
        'genie_api_query_lookup', 'genie_api_opportunity_lookup',
        'genie_daily_performance', 'workspace_access'
    )
"""


class DatabricksWarehouse:
    """A Databricks SQL warehouse through the Statement Execution API (databricks-sdk).

    Credentials: the SDK's default chain (on Databricks Apps the app's service principal from
    DATABRICKS_CLIENT_ID/SECRET), or ``token`` for on-behalf-of-user calls (auth_type pat, since
    the Apps environment also holds the service principal's credentials).
    """

    def __init__(
        self, warehouse_id: str, catalog: str, schema: str, *, token: str | None = None
    ) -> None:
        from databricks.sdk import WorkspaceClient
        from databricks.sdk.core import Config

        if token:
            host = Config().host
            self._client = WorkspaceClient(host=host, token=token, auth_type="pat")
        else:
            self._client = WorkspaceClient()
        self._warehouse_id = warehouse_id
        self._catalog = catalog
        self._schema = schema

    def _run(self, sql: str, params: Mapping[str, Any] | None):
        """The statement's response, or MartsUnavailable: an API error (permission, a missing
        table, credentials), the network, or a statement not finished within 30 s."""
        from databricks.sdk.errors import DatabricksError
        from databricks.sdk.service.sql import Disposition, Format, StatementState

        try:
            response = self._client.statement_execution.execute_statement(
                statement=_MARKER.sub(r":\1", sql),
                warehouse_id=self._warehouse_id,
                catalog=self._catalog,
                schema=self._schema,
                parameters=[_parameter(k, v) for k, v in (params or {}).items()],
                wait_timeout="30s",
                disposition=Disposition.INLINE,
                format=Format.JSON_ARRAY,
            )
        except (DatabricksError, OSError) as exc:  # requests' ConnectionError is an OSError
            raise MartsUnavailable(f"statement failed: {exc}") from exc
        state = response.status.state if response.status else None
        if state in (StatementState.PENDING, StatementState.RUNNING):
            raise MartsUnavailable(
                f"the warehouse did not finish the statement within 30 s ({state.value}; a "
                "stopped warehouse may still be starting)"
            )
        if state != StatementState.SUCCEEDED:
            error = response.status.error if response.status else None
            raise MartsUnavailable(f"statement {state}: {error.message if error else ''}")
        return response

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        response = self._run(sql, params)
        columns = response.manifest.schema.columns if response.manifest else []
        data = (response.result.data_array if response.result else None) or []
        out = []
        for raw in data:
            row = {}
            for col, value in zip(columns, raw, strict=True):
                convert = _CONVERT.get(col.type_name.value if col.type_name else "")
                row[col.name] = convert(value) if (convert and value is not None) else value
            out.append(row)
        return out

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self._run(sql, params)

    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]
    ) -> None:
        """Multi-row ``INSERT ... VALUES`` with one named parameter per value (``:r<i>_<col>``),
        at most 100 rows a statement (one REST call each, not one per row)."""
        for start in range(0, len(rows), 100):
            chunk = rows[start : start + 100]
            values, params = [], {}
            for i, row in enumerate(chunk):
                values.append("(" + ", ".join(f"$r{i}_{c}" for c in columns) + ")")
                params.update({f"r{i}_{c}": row[c] for c in columns})
            self._run(
                f"insert into {table} ({', '.join(columns)}) values {', '.join(values)}", params
            )

    def marts_version(self) -> object:
        """The latest ``last_altered`` of the marts the service reads (Unity Catalog
        information_schema.tables of the marts' catalog): a rebuild changes it (cache.py)."""
        rows = self.query(MARTS_VERSION_SQL, {"schema": self._schema})
        return rows[0]["version"] if rows else None

    def close(self) -> None:
        """Nothing to release: each statement is one REST call."""
