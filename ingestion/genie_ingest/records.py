"""Rows of the landed tables (contract C): column lists and API-answer -> row functions.

Both sinks create their tables from the column lists here, so the DuckDB and the Databricks
tables cannot drift apart, and the pipeline builds rows without knowing where they go.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from databricks.sdk.service.dashboards import GenieMessage, GenieSpace

from genie_ingest.client import FetchError

# Genie's MessageStatus values after which a message never changes again. Anything else
# (SUBMITTED, EXECUTING_QUERY, ...) is fetched again on the next run instead of being landed.
TERMINAL_STATUSES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "QUERY_RESULT_EXPIRED"})

# (column, logical type); logical types: STRING BIGINT INT DATE TIMESTAMP BOOLEAN
MESSAGE_DETAILS: list[tuple[str, str]] = [
    ("workspace_id", "STRING"),
    ("message_id", "STRING"),
    ("space_id", "STRING"),
    ("conversation_id", "STRING"),
    ("workspace_name", "STRING"),
    ("user_id", "BIGINT"),
    ("content", "STRING"),
    ("status", "STRING"),
    ("created_timestamp", "BIGINT"),
    ("updated_timestamp", "BIGINT"),
    ("created_date", "DATE"),
    ("query_sql", "STRING"),
    ("query_description", "STRING"),
    ("statement_id", "STRING"),
    ("attachments_count", "INT"),
    ("attachments_json", "STRING"),
    ("feedback_rating", "STRING"),
    ("error_type", "STRING"),
    ("api_fetch_timestamp", "TIMESTAMP"),
    ("api_fetch_status", "STRING"),
    ("api_fetch_error", "STRING"),
    ("ingestion_timestamp", "TIMESTAMP"),
    ("ingestion_batch_id", "STRING"),
    ("_loaded_at", "TIMESTAMP"),
]
MESSAGE_FETCH_ERRORS: list[tuple[str, str]] = [
    ("workspace_id", "STRING"),
    ("message_id", "STRING"),
    ("space_id", "STRING"),
    ("conversation_id", "STRING"),
    ("error_type", "STRING"),
    ("http_status", "INT"),
    ("error_message", "STRING"),
    ("error_timestamp", "TIMESTAMP"),
    ("retry_count", "INT"),
    ("resolved", "BOOLEAN"),
    ("resolved_at", "TIMESTAMP"),
    ("ingestion_batch_id", "STRING"),
    ("_loaded_at", "TIMESTAMP"),
]
GENIE_SPACE_DETAILS: list[tuple[str, str]] = [
    ("workspace_id", "STRING"),
    ("space_id", "STRING"),
    ("title", "STRING"),
    ("description", "STRING"),
    ("warehouse_id", "STRING"),
    ("parent_path", "STRING"),
    ("etag", "STRING"),
    ("create_time", "TIMESTAMP"),
    ("update_time", "TIMESTAMP"),
    ("serialized_space", "STRING"),
    ("api_fetch_timestamp", "TIMESTAMP"),
    ("_loaded_at", "TIMESTAMP"),
]
TABLES: dict[str, tuple[list[tuple[str, str]], tuple[str, ...]]] = {
    "message_details": (MESSAGE_DETAILS, ("workspace_id", "message_id")),
    "message_fetch_errors": (MESSAGE_FETCH_ERRORS, ("workspace_id", "message_id")),
    "genie_space_details": (GENIE_SPACE_DETAILS, ("workspace_id", "space_id")),
}


@dataclass(frozen=True)
class MessageKey:
    """One row of genie_messages_to_fetch, plus the retry count of an earlier failed fetch."""

    workspace_id: str
    message_id: str
    space_id: str
    conversation_id: str
    workspace_name: str | None
    workspace_url: str | None
    retry_count: int | None = None


@dataclass(frozen=True)
class SpaceKey:
    workspace_id: str
    space_id: str
    workspace_url: str | None


def utcnow() -> datetime:
    """Naive UTC: the landed TIMESTAMP columns are UTC without a zone (DuckDB TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _ms_to_date(ms: int | None) -> date | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).date()


def _rfc3339(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def message_status(body: dict[str, Any]) -> str | None:
    status = body.get("status")
    return str(status) if status is not None else None


def is_terminal(body: dict[str, Any]) -> bool:
    return message_status(body) in TERMINAL_STATUSES


def message_row(
    key: MessageKey, body: dict[str, Any], fetched_at: datetime, batch_id: str
) -> dict[str, Any]:
    """A message_details row from a GET message answer (absent fields are normal: defaults)."""
    message = GenieMessage.from_dict(body)
    attachments = message.attachments or []
    query = next((a.query for a in attachments if a.query is not None), None)
    statement_id = query.statement_id if query else None
    if statement_id is None and message.query_result is not None:
        statement_id = message.query_result.statement_id
    raw_attachments = body.get("attachments") or []
    return {
        "workspace_id": key.workspace_id,
        "message_id": key.message_id,
        "space_id": message.space_id or key.space_id,
        "conversation_id": message.conversation_id or key.conversation_id,
        "workspace_name": key.workspace_name,
        "user_id": message.user_id,
        "content": message.content,
        "status": message.status.value if message.status else message_status(body),
        "created_timestamp": message.created_timestamp,
        "updated_timestamp": message.last_updated_timestamp,
        "created_date": _ms_to_date(message.created_timestamp),
        "query_sql": query.query if query else None,
        "query_description": query.description if query else None,
        "statement_id": statement_id,
        "attachments_count": len(raw_attachments),
        "attachments_json": json.dumps(raw_attachments, sort_keys=True)
        if raw_attachments
        else None,
        "feedback_rating": (
            message.feedback.rating.value
            if message.feedback is not None and message.feedback.rating is not None
            else None
        ),
        "error_type": (
            message.error.type.value
            if message.error is not None and message.error.type is not None
            else None
        ),
        "api_fetch_timestamp": fetched_at,
        "api_fetch_status": "SUCCESS",
        "api_fetch_error": None,
        "ingestion_timestamp": fetched_at,
        "ingestion_batch_id": batch_id,
        "_loaded_at": None,  # set by the sink inside the landing transaction
    }


def error_row(
    key: MessageKey, error: FetchError, failed_at: datetime, batch_id: str
) -> dict[str, Any]:
    """A message_fetch_errors row; the sink increments retry_count when one already exists."""
    return {
        "workspace_id": key.workspace_id,
        "message_id": key.message_id,
        "space_id": key.space_id,
        "conversation_id": key.conversation_id,
        "error_type": error.error_type,
        "http_status": error.http_status,
        "error_message": error.message,
        "error_timestamp": failed_at,
        "retry_count": 0,
        "resolved": False,
        "resolved_at": None,
        "ingestion_batch_id": batch_id,
        "_loaded_at": None,
    }


def space_row(key: SpaceKey, body: dict[str, Any], fetched_at: datetime) -> dict[str, Any]:
    """A genie_space_details row from GET space?include_serialized_space=true."""
    space = GenieSpace.from_dict(body)
    return {
        "workspace_id": key.workspace_id,
        "space_id": space.space_id or key.space_id,
        "title": space.title,
        "description": space.description,
        "warehouse_id": space.warehouse_id,
        "parent_path": space.parent_path,
        "etag": space.etag,
        # Not in SDK 0.117's GenieSpace: read from the raw answer.
        "create_time": _rfc3339(body.get("create_time")),
        "update_time": _rfc3339(body.get("update_time")),
        "serialized_space": space.serialized_space,
        "api_fetch_timestamp": fetched_at,
        "_loaded_at": None,
    }
