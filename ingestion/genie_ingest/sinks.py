"""Where landed rows go: one :class:`Sink` interface, a DuckDB and a Databricks implementation.

The pipeline only talks to :class:`Sink`. Both implementations are idempotent on the tables'
keys (contract C), so a re-run, an overlapping run or a crash-restart never duplicates a row:

* DuckDB: primary keys, ``INSERT OR REPLACE`` / ``ON CONFLICT DO UPDATE``, one transaction per
  batch (details, errors and the "resolved" marks commit together or not at all).
* Databricks: ``MERGE INTO`` through the Statement Execution API with the batch passed as one
  JSON *parameter* (``from_json(:payload, ...)``); SQL text never contains a data value. A SQL
  warehouse has no multi-table transaction, so the statements are ordered to heal: errors are
  upserted first and details last, and "to fetch" re-includes a message whose error row says
  resolved but which has no details row.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from genie_ingest.records import (
    FINAL_ERROR_TYPES,
    GENIE_SPACE_DETAILS,
    MESSAGE_ATTACHMENTS,
    MESSAGE_DETAILS,
    MESSAGE_FETCH_ERRORS,
    PENDING,
    TABLES,
    TERMINAL,
    MessageKey,
    SpaceKey,
    utcnow,
)
from genie_ingest.settings import ConfigError

TO_FETCH_TABLE = "genie_messages_to_fetch"


class SinkError(RuntimeError):
    """A statement against the landing tables failed."""


@dataclass(frozen=True)
class Filters:
    workspace_ids: tuple[str, ...] = ()
    space_ids: tuple[str, ...] = ()
    limit: int | None = None


class Sink(ABC):
    """What the pipeline needs from storage. Implementations must be idempotent per key."""

    @abstractmethod
    def ensure_tables(self) -> None:
        """Create the landing schema and the landed tables if they do not exist, and add the
        columns a newer version added to tables an older version created."""

    @abstractmethod
    def messages_to_fetch(self, filters: Filters, max_retry_count: int) -> list[MessageKey]:
        """Rows of genie_messages_to_fetch not yet landed in a final state, plus retryable
        earlier failures.

        Excluded: messages in message_details unless their fetch_state is PENDING; unresolved
        errors of type NOT_FOUND; unresolved errors whose retry_count reached
        ``max_retry_count``.
        """

    @abstractmethod
    def already_landed(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        """The (workspace_id, message_id) pairs among ``keys`` that message_details holds in a
        final state (fetch_state TERMINAL or STALE; rows of older versions count as final)."""

    @abstractmethod
    def land_batch(
        self,
        messages: Sequence[dict[str, Any]],
        errors: Sequence[dict[str, Any]],
        attachments: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Atomically upsert details, replace the attachments of those messages, upsert errors
        (retry_count + 1 when present), and mark the errors of the landed messages resolved."""

    @abstractmethod
    def spaces_to_fetch(self, filters: Filters) -> list[SpaceKey]:
        """Distinct (workspace_id, space_id) of genie_messages_to_fetch."""

    @abstractmethod
    def merge_spaces(self, rows: Sequence[dict[str, Any]]) -> None:
        """Upsert genie_space_details rows on (workspace_id, space_id)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


# --- DuckDB ------------------------------------------------------------------------------------

_DUCKDB_TYPES = {
    "STRING": "VARCHAR",
    "BIGINT": "BIGINT",
    "INT": "INTEGER",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "BOOLEAN": "BOOLEAN",
}


def _in_list(column: str, values: Sequence[str], params: list[Any]) -> str:
    params.extend(values)
    return f"{column} in ({', '.join('?' for _ in values)})"


class DuckDBSink(Sink):
    """Landing tables in schema ``landing_schema`` of the dbt DuckDB file."""

    def __init__(self, path: Path | str, analytics_schema: str, landing_schema: str) -> None:
        self._path = Path(path)
        if not self._path.exists():
            raise ConfigError(f"{self._path} does not exist: run dbt first")
        try:
            self._con = duckdb.connect(str(self._path))
        except duckdb.IOException as exc:
            # DuckDB allows one writing process per file; its message names the holder's PID.
            if "lock" in str(exc).lower():
                raise SinkError(
                    f"another run holds {self._path} (a second `genie-ingest` or a `dbt` run "
                    f"writing it): wait for it to finish. DuckDB said: {exc}"
                ) from None
            raise SinkError(f"cannot open {self._path}: {exc}") from None
        except duckdb.Error as exc:
            raise SinkError(f"{self._path} is not a usable DuckDB file: {exc}") from None
        # Qualify with the catalog (the file stem): dbt's file is genie_analytics.duckdb, so a
        # bare `genie_analytics.x` would be ambiguous between catalog and schema.
        row = self._con.execute("select current_database()").fetchone()
        self._catalog = str(row[0]) if row else ""
        quoted = '"' + self._catalog.replace('"', '""') + '"'
        self._analytics_schema = analytics_schema
        self._analytics = f"{quoted}.{analytics_schema}"
        self._landing = f"{quoted}.{landing_schema}"

    def close(self) -> None:
        self._con.close()

    def ensure_tables(self) -> None:
        self._con.execute(f"create schema if not exists {self._landing}")
        for table, (columns, key) in TABLES.items():
            cols = ",\n    ".join(f"{c} {_DUCKDB_TYPES[t]}" for c, t in columns)
            self._con.execute(
                f"create table if not exists {self._landing}.{table} (\n    {cols},\n"
                f"    primary key ({', '.join(key)})\n)"
            )
            for column, logical in columns:
                self._con.execute(
                    f"alter table {self._landing}.{table} "
                    f"add column if not exists {column} {_DUCKDB_TYPES[logical]}"
                )

    def _require_to_fetch(self) -> None:
        found = self._con.execute(
            "select count(*) from information_schema.tables "
            "where table_catalog = ? and table_schema = ? and table_name = ?",
            [self._catalog, self._analytics_schema, TO_FETCH_TABLE],
        ).fetchone()
        if not found or not found[0]:
            raise ConfigError(
                f"{self._analytics_schema}.{TO_FETCH_TABLE} not found in {self._path.name}: "
                "run dbt first"
            )

    def _filters(self, filters: Filters, params: list[Any], alias: str = "f") -> str:
        clauses = ["true"]
        if filters.workspace_ids:
            clauses.append(_in_list(f"{alias}.workspace_id", filters.workspace_ids, params))
        if filters.space_ids:
            clauses.append(_in_list(f"{alias}.space_id", filters.space_ids, params))
        return " and ".join(clauses)

    def messages_to_fetch(self, filters: Filters, max_retry_count: int) -> list[MessageKey]:
        self._require_to_fetch()
        params: list[Any] = []
        where = self._filters(filters, params)
        params.append(max_retry_count)
        limit = ""
        if filters.limit is not None:
            limit = "limit ?"
            params.append(int(filters.limit))
        rows = self._con.execute(
            f"""
            select
                f.workspace_id, f.message_id, f.space_id, f.conversation_id,
                f.workspace_name, f.workspace_url, e.retry_count, f.first_event_at
            from {self._analytics}.{TO_FETCH_TABLE} as f
            left join {self._landing}.message_details as d
                on f.workspace_id = d.workspace_id and f.message_id = d.message_id
            left join {self._landing}.message_fetch_errors as e
                on f.workspace_id = e.workspace_id and f.message_id = e.message_id
            where {where}
                and (d.message_id is null or d.fetch_state = '{PENDING}')
                and (
                    e.message_id is null
                    or e.resolved
                    or (e.error_type <> 'NOT_FOUND' and e.retry_count < ?)
                )
            order by f.workspace_id, f.first_event_at, f.message_id
            {limit}
            """,
            params,
        ).fetchall()
        return [MessageKey(*row) for row in rows]

    def already_landed(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        keys = list(keys)
        if not keys:
            return set()
        rows = self._con.execute(
            f"""
            select d.workspace_id, d.message_id
            from {self._landing}.message_details as d
            semi join (select unnest(?) as k) as q
                on d.workspace_id = q.k.workspace_id and d.message_id = q.k.message_id
            where d.fetch_state is distinct from '{PENDING}'
            """,
            [[{"workspace_id": w, "message_id": m} for w, m in keys]],
        ).fetchall()
        return {(w, m) for w, m in rows}

    def land_batch(
        self,
        messages: Sequence[dict[str, Any]],
        errors: Sequence[dict[str, Any]],
        attachments: Sequence[dict[str, Any]] = (),
    ) -> None:
        """One transaction, a few set-based statements (not one statement per row: DuckDB runs
        ``executemany`` row by row, which made landing cost more CPU than fetching)."""
        now = utcnow()
        con = self._con
        con.begin()
        try:
            if messages:
                # A message landed again (PENDING -> its next status) replaces all its
                # attachments: delete those of the batch's messages, insert the new ones.
                values, params = _values(
                    ["workspace_id", "message_id"], _last_per_key(list(messages))
                )
                con.execute(
                    f"""
                    delete from {self._landing}.message_attachments as a
                    using ({values}) as landed (workspace_id, message_id)
                    where a.workspace_id = landed.workspace_id
                        and a.message_id = landed.message_id
                    """,
                    params,
                )
                if attachments:
                    names = [c for c, _ in MESSAGE_ATTACHMENTS]
                    rows = _last_per_key(
                        [{**a, "_loaded_at": now} for a in attachments],
                        ("workspace_id", "message_id", "attachment_index"),
                    )
                    values, params = _values(names, rows)
                    con.execute(
                        f"insert into {self._landing}.message_attachments "
                        f"({', '.join(names)}) {values}",
                        params,
                    )
                names = [c for c, _ in MESSAGE_DETAILS]
                rows = _last_per_key([{**m, "_loaded_at": now} for m in messages])
                values, params = _values(names, rows)
                con.execute(
                    f"insert or replace into {self._landing}.message_details "
                    f"({', '.join(names)}) {values}",
                    params,
                )
                # `now` travels as a VALUES column, not a SET parameter: parsers differ in
                # the order they number the `?` of an UPDATE's SET and FROM clauses.
                values, params = _values(
                    ["workspace_id", "message_id", "resolved_at"],
                    [{**r, "resolved_at": now} for r in rows],
                )
                con.execute(
                    f"""
                    update {self._landing}.message_fetch_errors as e
                    set resolved = true, resolved_at = landed.resolved_at
                    from ({values}) as landed (workspace_id, message_id, resolved_at)
                    where e.workspace_id = landed.workspace_id
                        and e.message_id = landed.message_id
                        and not e.resolved
                    """,
                    params,
                )
            if errors:
                names = [c for c, _ in MESSAGE_FETCH_ERRORS]
                updates = [
                    c for c in names if c not in {"workspace_id", "message_id", "retry_count"}
                ]
                set_clause = ", ".join(f"{c} = excluded.{c}" for c in updates)
                values, params = _values(
                    names, _last_per_key([{**e, "_loaded_at": now} for e in errors])
                )
                con.execute(
                    f"insert into {self._landing}.message_fetch_errors "
                    f"({', '.join(names)}) {values} "
                    "on conflict (workspace_id, message_id) do update set "
                    f"retry_count = message_fetch_errors.retry_count + 1, {set_clause}",
                    params,
                )
                final = _final_errors(errors)
                if final:
                    # A PENDING message that now fails for good is final (FINAL_ERROR_TYPES).
                    values, params = _values(
                        ["workspace_id", "message_id", "error_type", "error_message", "failed_at"],
                        [{**e, "failed_at": now} for e in final],
                    )
                    con.execute(
                        f"""
                        update {self._landing}.message_details as d
                        set fetch_state = '{TERMINAL}', api_fetch_status = gone.error_type,
                            api_fetch_error = gone.error_message, _loaded_at = gone.failed_at
                        from ({values}) as gone (workspace_id, message_id, error_type,
                            error_message, failed_at)
                        where d.workspace_id = gone.workspace_id
                            and d.message_id = gone.message_id
                            and d.fetch_state = '{PENDING}'
                        """,
                        params,
                    )
            _fault_hook("after_writes")
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def spaces_to_fetch(self, filters: Filters) -> list[SpaceKey]:
        self._require_to_fetch()
        params: list[Any] = []
        where = self._filters(filters, params)
        limit = ""
        if filters.limit is not None:
            limit = "limit ?"
            params.append(int(filters.limit))
        rows = self._con.execute(
            f"""
            select f.workspace_id, f.space_id, max(f.workspace_url) as workspace_url
            from {self._analytics}.{TO_FETCH_TABLE} as f
            where {where}
            group by f.workspace_id, f.space_id
            order by f.workspace_id, f.space_id
            {limit}
            """,
            params,
        ).fetchall()
        return [SpaceKey(*row) for row in rows]

    def merge_spaces(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        now = utcnow()
        names = [c for c, _ in GENIE_SPACE_DETAILS]
        values, params = _values(
            names,
            _last_per_key([{**r, "_loaded_at": now} for r in rows], ("workspace_id", "space_id")),
        )
        self._con.begin()
        try:
            self._con.execute(
                f"insert or replace into {self._landing}.genie_space_details "
                f"({', '.join(names)}) {values}",
                params,
            )
            self._con.commit()
        except BaseException:
            self._con.rollback()
            raise


def _final_errors(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The errors of ``errors`` after which the message is never fetched again, one per key."""
    return _last_per_key([e for e in errors if e["error_type"] in FINAL_ERROR_TYPES])


def _values(names: Sequence[str], rows: Sequence[dict[str, Any]]) -> tuple[str, list[Any]]:
    """``VALUES (?, ...), (?, ...)`` for ``rows`` (dicts keyed by ``names``) and its parameters.

    Every value is a bound parameter, never SQL text; a batch (``batch_size`` rows) stays far
    below any parameter limit.
    """
    one = "(" + ", ".join("?" for _ in names) + ")"
    params = [row[c] for row in rows for c in names]
    return "values " + ", ".join(one for _ in rows), params


def _last_per_key(
    rows: Sequence[dict[str, Any]], key: tuple[str, ...] = ("workspace_id", "message_id")
) -> list[dict[str, Any]]:
    """The last row of each key: one statement may not write the same key twice (DuckDB's
    ``ON CONFLICT`` refuses it), while per-row statements let the last one win."""
    return list({tuple(r[k] for k in key): r for r in rows}.values())


# Tests set this to inject a crash inside the landing transaction (after the writes, before the
# commit): the property under test is that nothing of that batch survives and nothing doubles.
FAULT_HOOK: Callable[[str], None] | None = None


def _fault_hook(point: str) -> None:
    if FAULT_HOOK is not None:
        FAULT_HOOK(point)


# --- Databricks --------------------------------------------------------------------------------

_SPARK_TYPES = {
    "STRING": "string",
    "BIGINT": "bigint",
    "INT": "int",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "BOOLEAN": "boolean",
}


def _struct_schema(columns: Sequence[tuple[str, str]]) -> str:
    """The ``from_json`` schema of a payload: TIMESTAMP columns travel as epoch microseconds
    (BIGINT) and become timestamps through ``timestamp_micros``, which does not depend on the
    session time zone (a timestamp *string* would be read in it)."""
    return (
        "array<struct<"
        + ",".join(f"{c}:{'bigint' if t == 'TIMESTAMP' else _SPARK_TYPES[t]}" for c, t in columns)
        + ">>"
    )


def _payload_select(columns: Sequence[tuple[str, str]], parameter: str = "payload") -> str:
    """``select <columns> from explode(from_json(:payload))``, timestamps rebuilt in UTC."""
    exprs = ", ".join(
        f"timestamp_micros(r.{c}) as {c}" if t == "TIMESTAMP" else f"r.{c}" for c, t in columns
    )
    return (
        f"select {exprs} from (select explode(from_json(:{parameter}, "
        f"'{_struct_schema(columns)}')) as r)"
    )


_EPOCH = datetime(1970, 1, 1)


def epoch_micros(value: datetime) -> int:
    """Microseconds since 1970-01-01 of a naive-UTC (or aware) datetime."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return (value - _EPOCH) // timedelta(microseconds=1)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return epoch_micros(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _payload(
    rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]], now: datetime
) -> str:
    names = [c for c, _ in columns]
    return json.dumps(
        [{c: {**r, "_loaded_at": now}.get(c) for c in names} for r in rows],
        default=_json_default,
    )


# Rows per page of messages_to_fetch: a page stays far below the Statement Execution API's
# 25 MiB INLINE result limit (about 200 bytes a row: 10,000 rows ~ 2 MB).
TO_FETCH_PAGE_ROWS = 10_000

_KEYS_SCHEMA = "array<struct<workspace_id:string,message_id:string>>"


class DatabricksSink(Sink):
    """Landing tables in a Unity Catalog schema, written by a SQL warehouse.

    ``statement_execution`` is ``WorkspaceClient.statement_execution`` (tests pass a fake that
    records calls). Every statement binds data through named parameters only.
    """

    def __init__(
        self,
        statement_execution: Any,
        warehouse_id: str,
        analytics_schema: str,
        landing_schema: str,
        poll_seconds: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not warehouse_id:
            raise ConfigError(
                "GENIE_INGEST_SINK=databricks needs a SQL warehouse: set "
                "GENIE_INGEST_WAREHOUSE_ID (setting warehouse_id)"
            )
        self._se = statement_execution
        self._warehouse_id = warehouse_id
        self._analytics = analytics_schema
        self._landing = landing_schema
        self._poll_seconds = poll_seconds
        self._sleep = sleep

    # Statement plumbing ---------------------------------------------------------------------
    def _execute(
        self, statement: str, params: dict[str, tuple[Any, str]] | None = None, row_limit=None
    ) -> list[list[Any]]:
        from databricks.sdk.service.sql import (  # noqa: PLC0415 - keep import cost off DuckDB path
            ExecuteStatementRequestOnWaitTimeout,
            StatementParameterListItem,
            StatementState,
        )

        parameters = [
            StatementParameterListItem(
                name=name, value=None if value is None else str(value), type=sql_type
            )
            for name, (value, sql_type) in (params or {}).items()
        ]
        response = self._se.execute_statement(
            statement=statement,
            warehouse_id=self._warehouse_id,
            parameters=parameters,
            wait_timeout="50s",
            on_wait_timeout=ExecuteStatementRequestOnWaitTimeout.CONTINUE,
            row_limit=row_limit,
        )
        while response.status and response.status.state in (
            StatementState.PENDING,
            StatementState.RUNNING,
        ):
            self._sleep(self._poll_seconds)
            response = self._se.get_statement(response.statement_id)
        state = response.status.state if response.status else None
        if state != StatementState.SUCCEEDED:
            error = response.status.error if response.status else None
            message = error.message if error is not None else "no error detail"
            raise SinkError(f"statement {response.statement_id} ended {state}: {message}")
        rows: list[list[Any]] = []
        result = response.result
        while result is not None:
            rows.extend(result.data_array or [])
            if result.next_chunk_index is None:
                break
            result = self._se.get_statement_result_chunk_n(
                response.statement_id, result.next_chunk_index
            )
        return rows

    def _filters(self, filters: Filters, params: dict[str, tuple[Any, str]]) -> str:
        clauses = ["true"]
        for column, values in (
            ("workspace_id", filters.workspace_ids),
            ("space_id", filters.space_ids),
        ):
            if values:
                names = []
                for i, value in enumerate(values):
                    params[f"{column}_{i}"] = (value, "STRING")
                    names.append(f":{column}_{i}")
                clauses.append(f"f.{column} in ({', '.join(names)})")
        return " and ".join(clauses)

    # Sink -----------------------------------------------------------------------------------
    def ensure_tables(self) -> None:
        self._execute(f"create schema if not exists {self._landing}")
        for table, (columns, key) in TABLES.items():
            cols = ", ".join(f"{c} {_SPARK_TYPES[t]}" for c, t in columns)
            cluster = ", ".join(key)
            self._execute(
                f"create table if not exists {self._landing}.{table} ({cols}) "
                f"cluster by ({cluster})"
            )
            # Columns a newer version added to a table an older version created.
            existing = {
                str(r[0]).lower() for r in self._execute(f"show columns in {self._landing}.{table}")
            }
            missing = [(c, t) for c, t in columns if c.lower() not in existing]
            if existing and missing:
                added = ", ".join(f"{c} {_SPARK_TYPES[t]}" for c, t in missing)
                self._execute(f"alter table {self._landing}.{table} add columns ({added})")

    def messages_to_fetch(self, filters: Filters, max_retry_count: int) -> list[MessageKey]:
        """Read in keyset pages on (workspace_id, message_id) of TO_FETCH_PAGE_ROWS rows: one
        INLINE result is limited to 25 MiB, which a first backlog of a busy account exceeds."""
        keys: list[MessageKey] = []
        after: tuple[str, str] | None = None
        while True:
            params: dict[str, tuple[Any, str]] = {"max_retry_count": (max_retry_count, "INT")}
            where = self._filters(filters, params)
            if after is not None:
                params["after_workspace_id"] = (after[0], "STRING")
                params["after_message_id"] = (after[1], "STRING")
                where += (
                    " and (f.workspace_id > :after_workspace_id or (f.workspace_id = "
                    ":after_workspace_id and f.message_id > :after_message_id))"
                )
            rows = self._execute(
                f"""
                select
                    f.workspace_id, f.message_id, f.space_id, f.conversation_id,
                    f.workspace_name, f.workspace_url, e.retry_count,
                    unix_micros(f.first_event_at) as first_event_us
                from {self._analytics}.{TO_FETCH_TABLE} as f
                left join {self._landing}.message_details as d
                    on f.workspace_id = d.workspace_id and f.message_id = d.message_id
                left join {self._landing}.message_fetch_errors as e
                    on f.workspace_id = e.workspace_id and f.message_id = e.message_id
                where {where}
                    and (d.message_id is null or d.fetch_state = '{PENDING}')
                    and (
                        e.message_id is null
                        or e.resolved
                        or (e.error_type <> 'NOT_FOUND' and e.retry_count < :max_retry_count)
                    )
                order by f.workspace_id, f.message_id
                limit {TO_FETCH_PAGE_ROWS}
                """,
                params,
            )
            keys += [
                MessageKey(
                    workspace_id=r[0],
                    message_id=r[1],
                    space_id=r[2],
                    conversation_id=r[3],
                    workspace_name=r[4],
                    workspace_url=r[5],
                    retry_count=None if r[6] is None else int(r[6]),
                    first_event_at=None
                    if r[7] is None
                    else _EPOCH + timedelta(microseconds=int(r[7])),
                )
                for r in rows
            ]
            if len(rows) < TO_FETCH_PAGE_ROWS:
                break
            after = (rows[-1][0], rows[-1][1])
        # Oldest first within each workspace, as the DuckDB sink orders them.
        keys.sort(key=lambda k: (k.workspace_id, k.first_event_at or _EPOCH, k.message_id))
        return keys if filters.limit is None else keys[: filters.limit]

    def already_landed(self, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        keys = list(keys)
        if not keys:
            return set()
        payload = json.dumps([{"workspace_id": w, "message_id": m} for w, m in keys])
        rows = self._execute(
            f"""
            select d.workspace_id, d.message_id
            from {self._landing}.message_details as d
            left semi join (
                select k.* from (
                    select explode(from_json(:keys, '{_KEYS_SCHEMA}')) as k
                )
            ) as q
                on d.workspace_id = q.workspace_id and d.message_id = q.message_id
            where d.fetch_state is null or d.fetch_state <> '{PENDING}'
            """,
            {"keys": (payload, "STRING")},
        )
        return {(r[0], r[1]) for r in rows}

    def _merge(
        self,
        table: str,
        columns: Sequence[tuple[str, str]],
        key: Sequence[str],
        rows: Sequence[dict[str, Any]],
        now: datetime,
        update_overrides: dict[str, str] | None = None,
    ) -> None:
        names = [c for c, _ in columns]
        overrides = update_overrides or {}
        on = " and ".join(f"t.{k} = s.{k}" for k in key)
        updates = ", ".join(f"t.{c} = {overrides.get(c, f's.{c}')}" for c in names if c not in key)
        self._execute(
            f"""
            merge into {self._landing}.{table} as t
            using ({_payload_select(columns)}) as s
            on {on}
            when matched then update set {updates}
            when not matched then insert ({", ".join(names)})
                values ({", ".join(f"s.{c}" for c in names)})
            """,
            {"payload": (_payload(rows, columns, now), "STRING")},
        )

    def land_batch(
        self,
        messages: Sequence[dict[str, Any]],
        errors: Sequence[dict[str, Any]],
        attachments: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Statements ordered to heal (a warehouse has no multi-table transaction): errors,
        resolved marks, the messages' attachments (delete, insert), details last: a crash
        before the details leaves the message to be fetched again."""
        now = utcnow()
        key = TABLES["message_fetch_errors"][1]
        if errors:
            self._merge(
                "message_fetch_errors",
                MESSAGE_FETCH_ERRORS,
                key,
                errors,
                now,
                {"retry_count": "t.retry_count + 1"},
            )
            final = _final_errors(errors)
            if final:
                # A PENDING message that now fails for good is final (FINAL_ERROR_TYPES).
                gone_columns = [
                    ("workspace_id", "STRING"),
                    ("message_id", "STRING"),
                    ("error_type", "STRING"),
                    ("error_message", "STRING"),
                    ("_loaded_at", "TIMESTAMP"),
                ]
                self._execute(
                    f"""
                    merge into {self._landing}.message_details as t
                    using ({_payload_select(gone_columns)}) as s
                    on t.workspace_id = s.workspace_id and t.message_id = s.message_id
                        and t.fetch_state = '{PENDING}'
                    when matched then update set t.fetch_state = '{TERMINAL}',
                        t.api_fetch_status = s.error_type, t.api_fetch_error = s.error_message,
                        t._loaded_at = s._loaded_at
                    """,
                    {"payload": (_payload(final, gone_columns, now), "STRING")},
                )
        if messages:
            keys = json.dumps(
                [
                    {"workspace_id": m["workspace_id"], "message_id": m["message_id"]}
                    for m in messages
                ]
            )
            # The tuple form `(a, b) in (select x, y ...)`: `struct(a, b) in (select
            # struct(...))` fails analysis on Spark and Databricks SQL
            # (DATATYPE_MISMATCH.IN_SUBQUERY_LENGTH_MISMATCH).
            in_batch = (
                "(workspace_id, message_id) in (select k.workspace_id, k.message_id from "
                f"(select explode(from_json(:keys, '{_KEYS_SCHEMA}')) as k))"
            )
            self._execute(
                f"""
                update {self._landing}.message_fetch_errors
                set resolved = true, resolved_at = timestamp_micros(:resolved_at_us)
                where not resolved and {in_batch}
                """,
                {"resolved_at_us": (epoch_micros(now), "BIGINT"), "keys": (keys, "STRING")},
            )
            self._execute(
                f"delete from {self._landing}.message_attachments where {in_batch}",
                {"keys": (keys, "STRING")},
            )
            if attachments:
                names = ", ".join(c for c, _ in MESSAGE_ATTACHMENTS)
                self._execute(
                    f"insert into {self._landing}.message_attachments ({names}) "
                    f"{_payload_select(MESSAGE_ATTACHMENTS)}",
                    {"payload": (_payload(attachments, MESSAGE_ATTACHMENTS, now), "STRING")},
                )
            self._merge(
                "message_details", MESSAGE_DETAILS, TABLES["message_details"][1], messages, now
            )

    def spaces_to_fetch(self, filters: Filters) -> list[SpaceKey]:
        params: dict[str, tuple[Any, str]] = {}
        where = self._filters(filters, params)
        rows = self._execute(
            f"""
            select f.workspace_id, f.space_id, max(f.workspace_url) as workspace_url
            from {self._analytics}.{TO_FETCH_TABLE} as f
            where {where}
            group by f.workspace_id, f.space_id
            order by f.workspace_id, f.space_id
            """,
            params,
            row_limit=filters.limit,
        )
        return [SpaceKey(r[0], r[1], r[2]) for r in rows]

    def merge_spaces(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._merge(
                "genie_space_details",
                GENIE_SPACE_DETAILS,
                TABLES["genie_space_details"][1],
                rows,
                utcnow(),
            )
