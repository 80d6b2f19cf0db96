"""The DuckDB sink: the landed tables in a schema of the dbt DuckDB file, one transaction a batch.

Primary keys, ``INSERT OR REPLACE`` / ``ON CONFLICT DO UPDATE``: details, errors and the
"resolved" marks of a batch commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb

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
    TO_FETCH_TABLE,
    Filters,
    Sink,
    SinkError,
    final_errors,
    last_per_key,
    messages_to_fetch_from,
    spaces_to_fetch_query,
)

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
    """Landing tables in schema ``landing_schema`` of the dbt DuckDB file.

    ``before_commit`` is called inside each landing transaction, after its writes and before
    its commit (tests pass one that raises: nothing of that batch may survive, nothing doubles).
    """

    def __init__(
        self,
        path: Path | str,
        analytics_schema: str,
        landing_schema: str,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        self._before_commit = before_commit
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
            {messages_to_fetch_from(self._analytics, self._landing, where, "?")}
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
                    ["workspace_id", "message_id"], last_per_key(list(messages))
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
                    rows = last_per_key(
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
                rows = last_per_key([{**m, "_loaded_at": now} for m in messages])
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
                    names, last_per_key([{**e, "_loaded_at": now} for e in errors])
                )
                con.execute(
                    f"insert into {self._landing}.message_fetch_errors "
                    f"({', '.join(names)}) {values} "
                    "on conflict (workspace_id, message_id) do update set "
                    f"retry_count = message_fetch_errors.retry_count + 1, {set_clause}",
                    params,
                )
                final = final_errors(errors)
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
            if self._before_commit is not None:
                self._before_commit()
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
            f"{spaces_to_fetch_query(self._analytics, where)}\n{limit}",
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
            last_per_key([{**r, "_loaded_at": now} for r in rows], ("workspace_id", "space_id")),
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


def _values(names: Sequence[str], rows: Sequence[dict[str, Any]]) -> tuple[str, list[Any]]:
    """``VALUES (?, ...), (?, ...)`` for ``rows`` (dicts keyed by ``names``) and its parameters.

    Every value is a bound parameter, never SQL text; a batch (``batch_size`` rows) stays far
    below any parameter limit.
    """
    one = "(" + ", ".join("?" for _ in names) + ")"
    params = [row[c] for row in rows for c in names]
    return "values " + ", ".join(one for _ in rows), params
