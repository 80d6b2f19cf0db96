"""The Databricks sink: the landed tables in a Unity Catalog schema, written by a SQL warehouse.

``MERGE INTO`` through the Statement Execution API with the batch passed as one JSON
*parameter* (``from_json(:payload, ...)``); SQL text never contains a data value. A SQL
warehouse has no multi-table transaction, so the statements are ordered to heal: errors are
upserted first and details last, and "to fetch" re-includes a message whose error row says
resolved but which has no details row.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from genie_ingest.records import (
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
from genie_ingest.sinks.base import (
    Filters,
    Sink,
    SinkError,
    final_errors,
    messages_to_fetch_from,
    spaces_to_fetch_query,
)

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
        from databricks.sdk.service.sql import (  # keep import cost off DuckDB path
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
                {messages_to_fetch_from(self._analytics, self._landing, where, ":max_retry_count")}
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
            final = final_errors(errors)
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
            spaces_to_fetch_query(self._analytics, where),
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
