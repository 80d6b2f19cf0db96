"""Load ``sandbox_truth`` into memory and render it as the Genie REST API's JSON.

The server answers from memory so the DuckDB file is opened once, read-only, and closed again:
the generator, dbt and the ingestion can then use the file while the server runs. JSON shapes
follow the databricks-sdk dataclasses (``GenieMessage``, ``GenieAttachment``, ``GenieSpace``):
keys whose value is unknown are left out, as the real API omits default values.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import duckdb

DEFAULT_API_PORT = 8765


@dataclass(frozen=True)
class Workspace:
    workspace_id: str
    workspace_url: str | None
    account_id: str | None

    def port_from_url(self) -> int | None:
        """The loopback port in ``workspace_url`` (``http://127.0.0.1:8765``), if it has one."""
        if not self.workspace_url:
            return None
        parsed = urlparse(self.workspace_url)
        if parsed.hostname not in {"127.0.0.1", "localhost"}:
            return None
        return parsed.port


@dataclass
class SandboxData:
    """Everything the API serves, keyed the way requests address it."""

    workspaces: list[Workspace]
    spaces: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(workspace_id, message_id) -> truth row."""

    def spaces_of(self, workspace_id: str) -> list[dict[str, Any]]:
        rows = [row for (ws, _), row in self.spaces.items() if ws == workspace_id]
        return sorted(rows, key=lambda r: r["space_id"])


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(found and found[0])


def load_sandbox(db_path: str | Path) -> SandboxData:
    """Read workspaces, spaces and messages; the connection is closed before returning."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        spaces = _rows(con, "select * from sandbox_truth.genie_spaces")
        messages = _rows(con, "select * from sandbox_truth.genie_messages")
        if _table_exists(con, "access", "workspaces_latest"):
            ws_rows = _rows(
                con,
                "select workspace_id, workspace_url, account_id "
                "from access.workspaces_latest order by workspace_id",
            )
        else:
            ws_rows = []
    finally:
        con.close()
    known = {r["workspace_id"] for r in ws_rows}
    # A truth file written by hand may lack access.workspaces_latest; serve its workspaces anyway.
    extra = sorted({r["workspace_id"] for r in [*spaces, *messages]} - known)
    workspaces = [
        Workspace(r["workspace_id"], r["workspace_url"], r["account_id"]) for r in ws_rows
    ]
    workspaces += [Workspace(ws, None, None) for ws in extra]
    return SandboxData(
        workspaces=workspaces,
        spaces={(r["workspace_id"], r["space_id"]): r for r in spaces},
        messages={(r["workspace_id"], r["message_id"]): r for r in messages},
    )


def newest_event(data: SandboxData) -> datetime | None:
    """The newest message timestamp the data holds (naive UTC): the sandbox world's "now".

    The sandbox's calendar is fixed (it starts on the generator's start date), so a message
    still being answered at the end of that window would look weeks old against the wall clock;
    a workspace serving this data answers as if it were the end of its window (see
    :meth:`SandboxState.now`).
    """
    stamps = [
        int(value)
        for row in data.messages.values()
        for value in (row.get("created_timestamp"), row.get("last_updated_timestamp"))
        if value is not None
    ]
    if not stamps:
        return None
    return datetime.fromtimestamp(max(stamps) / 1000, UTC).replace(tzinfo=None)


def _stable_id(*parts: str) -> str:
    """A 32-hex id derived from its parts, so attachment ids are the same on every fetch."""
    return hashlib.blake2b(":".join(parts).encode(), digest_size=16).hexdigest()


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def rfc3339(value: datetime | None) -> str | None:
    """UTC RFC 3339 as Databricks renders protobuf timestamps (``2026-10-01T08:00:00Z``)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    spec = "milliseconds" if value.microsecond else "seconds"
    return value.isoformat(timespec=spec) + "Z"


def space_json(row: dict[str, Any], include_serialized_space: bool) -> dict[str, Any]:
    """``GenieSpace``; ``serialized_space`` only when asked for (never in list answers)."""
    body = {
        "space_id": row["space_id"],
        "title": row.get("title"),
        "description": row.get("description"),
        "warehouse_id": row.get("warehouse_id"),
        "parent_path": row.get("parent_path"),
        "etag": row.get("etag"),
        "create_time": rfc3339(row.get("create_time")),
        "update_time": rfc3339(row.get("update_time")),
    }
    if include_serialized_space:
        body["serialized_space"] = row.get("serialized_space")
    return _drop_none(body)


def _query_attachment(row: dict[str, Any]) -> dict[str, Any]:
    message_id = row["message_id"]
    metadata = _drop_none({"row_count": row.get("row_count")})
    query = _drop_none(
        {
            "id": _stable_id(message_id, "query"),
            # Real answers sometimes carry no title: the truth row says when (NULL title).
            "title": row.get("query_title"),
            "description": row.get("query_description"),
            "query": row.get("query_sql"),
            "statement_id": row.get("statement_id"),
            "query_result_metadata": metadata or None,
            "last_updated_timestamp": row.get("last_updated_timestamp"),
        }
    )
    return {"attachment_id": _stable_id(message_id, "query-attachment"), "query": query}


def _text_attachment(row: dict[str, Any]) -> dict[str, Any]:
    message_id = row["message_id"]
    text = {"id": _stable_id(message_id, "text"), "content": row["text_answer"]}
    # A real sample had a text attachment without attachment_id; do the same for about half,
    # chosen by the message id so every fetch of one message looks alike.
    if int(_stable_id(message_id, "text-has-id")[:2], 16) % 2 == 0:
        return {"attachment_id": _stable_id(message_id, "text-attachment"), "text": text}
    return {"text": text}


def _suggested_attachment(row: dict[str, Any]) -> dict[str, Any] | None:
    raw = row.get("suggested_questions")
    if not raw:
        return None
    questions = json.loads(raw) if isinstance(raw, str) else list(raw)
    if not questions:
        return None
    return {
        "attachment_id": _stable_id(row["message_id"], "suggested-attachment"),
        "suggested_questions": {"questions": [str(q) for q in questions]},
    }


def message_json(row: dict[str, Any]) -> dict[str, Any]:
    """``GenieMessage`` for one truth row (which must not be deleted)."""
    attachments: list[dict[str, Any]] = []
    if row.get("query_sql"):
        attachments.append(_query_attachment(row))
    if row.get("text_answer"):
        attachments.append(_text_attachment(row))
    suggested = _suggested_attachment(row)
    if suggested:
        attachments.append(suggested)

    error = None
    if row.get("status") == "FAILED" or row.get("error_type"):
        error = _drop_none({"error": row.get("error_message"), "type": row.get("error_type")})
    feedback = _drop_none({"rating": row.get("feedback_rating")}) or None
    # Deprecated top-level mirror of the query result that the API still returns.
    query_result = None
    if row.get("statement_id"):
        query_result = _drop_none(
            {"statement_id": row["statement_id"], "row_count": row.get("row_count")}
        )
    user_id = row.get("user_id")
    return _drop_none(
        {
            "id": row["message_id"],
            "message_id": row["message_id"],
            "space_id": row["space_id"],
            "conversation_id": row["conversation_id"],
            "user_id": int(user_id) if user_id is not None else None,
            "content": row.get("content"),
            "status": row.get("status"),
            "created_timestamp": row.get("created_timestamp"),
            "last_updated_timestamp": row.get("last_updated_timestamp"),
            "attachments": attachments or None,
            "query_result": query_result,
            "error": error or None,
            "feedback": feedback,
        }
    )
