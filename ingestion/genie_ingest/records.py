"""Rows of the landed tables: column lists and API-answer -> row functions.

Both sinks create and migrate their tables from the column lists here, so the DuckDB and the
Databricks tables cannot drift apart, and the pipeline builds rows without knowing where they go.
dbt declares the same tables as sources (models/staging/genie_api/_genie_api__sources.yml, turned
into DDL by the macro create_genie_landing_tables); the wheel cannot read the dbt project, so
both lists exist, and ingestion/tests/test_landing_shape.py makes them agree column by column
(name, order, type, key).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from genie_ingest.client import NOT_FOUND, FetchError
from genie_ingest.redaction import MAX_RAW_RESPONSE_CHARS

# Genie's MessageStatus values after which a message never changes again (the Genie API's
# documented MessageStatus; SDK 0.117 ``MessageStatus``). Any other status, including one this
# code does not know or one sent in another case, is landed as PENDING and fetched again until
# it is terminal or stale.
TERMINAL_STATUSES = frozenset({"COMPLETED", "FAILED", "CANCELLED", "QUERY_RESULT_EXPIRED"})

# message_details.fetch_state: TERMINAL (final), PENDING (fetched again by later runs), STALE
# (still not terminal after ``stale_after_hours``: no longer fetched).
TERMINAL = "TERMINAL"
PENDING = "PENDING"
STALE = "STALE"

# Fetch errors after which no run fetches the message again (a 404 never heals). A message
# landed PENDING that later fails with one of these is final: its details row becomes TERMINAL
# with the error in api_fetch_status / api_fetch_error, instead of staying PENDING for ever.
FINAL_ERROR_TYPES = (NOT_FOUND,)

# Epoch milliseconds a DATE can hold on every engine: 0001-01-01 .. 9999-12-31 (UTC).
_MIN_EPOCH_MS = -62_135_596_800_000
_MAX_EPOCH_MS = 253_402_300_799_999
_INT64 = (-(2**63), 2**63 - 1)

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
    # Columns added after the first release (existing tables get them through ensure_tables()):
    ("error_message", "STRING"),
    ("fetch_state", "STRING"),
    ("message_json", "STRING"),
]
MESSAGE_ATTACHMENTS: list[tuple[str, str]] = [
    ("workspace_id", "STRING"),
    ("message_id", "STRING"),
    ("attachment_index", "INT"),
    ("space_id", "STRING"),
    ("conversation_id", "STRING"),
    ("attachment_id", "STRING"),
    ("attachment_kind", "STRING"),
    ("statement_id", "STRING"),
    ("query_sql", "STRING"),
    ("query_title", "STRING"),
    ("query_description", "STRING"),
    ("text_content", "STRING"),
    ("attachment_json", "STRING"),
    ("api_fetch_timestamp", "TIMESTAMP"),
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
    # The body that could not become a row (MALFORMED_RESPONSE), bounded; added after the first
    # release (ensure_tables() adds it to existing tables).
    ("raw_response", "STRING"),
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
    "message_attachments": (
        MESSAGE_ATTACHMENTS,
        ("workspace_id", "message_id", "attachment_index"),
    ),
    "genie_space_details": (GENIE_SPACE_DETAILS, ("workspace_id", "space_id")),
}


@dataclass(frozen=True)
class MessageKey:
    """One row of genie_messages_to_fetch, plus the retry count of an earlier failed fetch.

    ``first_event_at`` (naive UTC) is the first audit event of the message: the age of a
    message whose body has no ``created_timestamp`` is counted from it.
    """

    workspace_id: str
    message_id: str
    space_id: str
    conversation_id: str
    workspace_name: str | None
    workspace_url: str | None
    retry_count: int | None = None
    first_event_at: datetime | None = None


@dataclass(frozen=True)
class SpaceKey:
    workspace_id: str
    space_id: str
    workspace_url: str | None


class MalformedResponse(ValueError):
    """A 200 answer whose body cannot become a message_details row; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def utcnow() -> datetime:
    """Naive UTC: the landed TIMESTAMP columns are UTC without a zone (DuckDB TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _ms_to_date(ms: int | None) -> date | None:
    if ms is None:
        return None
    return (datetime(1970, 1, 1) + timedelta(milliseconds=ms)).date()


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


# --- reading the raw JSON -----------------------------------------------------------------------
# Hand-written on purpose: the SDK 0.117 dataclasses (GenieMessage.from_dict) turn an enum value
# they do not know into None and drop unknown keys, so error_type, status or rating sent by a
# newer API would land NULL without a warning. Every value is read from the
# body as sent; the whole body is kept in message_json.


def _text(value: Any) -> str | None:
    """A string column: strings as sent, other JSON values as their JSON text (nothing lost)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def _int64(value: Any, name: str) -> int | None:
    """An int64 field. Protobuf's JSON mapping may send int64 as a decimal string; both are
    accepted. Anything else (a fraction, a non-numeric string, a value beyond int64) is
    malformed."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise MalformedResponse(f"{name} is a boolean, expected an int64")
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped.lstrip("-").isdigit():
            raise MalformedResponse(f"{name} is not numeric: {value[:40]!r}")
        number = int(stripped)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        raise MalformedResponse(f"{name} is not an integer: {str(value)[:40]}")
    if not _INT64[0] <= number <= _INT64[1]:
        raise MalformedResponse(f"{name} is out of the int64 range: {str(value)[:40]}")
    return number


def _epoch_ms(value: Any, name: str) -> int | None:
    number = _int64(value, name)
    if number is not None and not _MIN_EPOCH_MS <= number <= _MAX_EPOCH_MS:
        raise MalformedResponse(f"{name} is out of the timestamp range: {number}")
    return number


def _object(value: Any, name: str) -> dict[str, Any]:
    """A nested object (absent -> empty); any other JSON type is malformed."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedResponse(f"{name} is a {type(value).__name__}, expected an object")
    return value


def _attachments(body: dict[str, Any]) -> list[dict[str, Any]]:
    value = body.get("attachments")
    if value is None:
        return []
    if not isinstance(value, list):
        raise MalformedResponse(f"attachments is a {type(value).__name__}, expected a list")
    for i, attachment in enumerate(value):
        if not isinstance(attachment, dict):
            raise MalformedResponse(
                f"attachments[{i}] is {'null' if attachment is None else type(attachment).__name__}"
                ", expected an object"
            )
    return value


# Attachment kinds of the Genie API's GenieAttachment; an attachment with none of them is
# landed with the first key it has, so a kind added by a newer API is still visible.
ATTACHMENT_KINDS = ("query", "text", "suggested_questions", "viz")


def _attachment_kind(attachment: dict[str, Any]) -> str:
    for kind in ATTACHMENT_KINDS:
        if attachment.get(kind) is not None:
            return kind
    others = sorted(k for k in attachment if k not in {"attachment_id", "id"})
    return others[0] if others else "unknown"


def message_status(body: dict[str, Any]) -> str | None:
    return _text(body.get("status"))


def is_terminal_status(status: str | None) -> bool:
    """Terminal whatever the case the API sent it in (``completed`` is COMPLETED)."""
    return status is not None and status.strip().upper() in TERMINAL_STATUSES


@dataclass(frozen=True)
class ParsedMessage:
    """A message_details row and its message_attachments rows (one per attachment)."""

    row: dict[str, Any]
    attachments: list[dict[str, Any]]

    @property
    def fetch_state(self) -> str:
        return self.row["fetch_state"]


def parse_message(
    key: MessageKey,
    body: Any,
    fetched_at: datetime,
    batch_id: str,
    stale_after: timedelta = timedelta(hours=24),
    source_time: datetime | None = None,
) -> ParsedMessage:
    """Rows from a GET message answer, read from the raw JSON (absent fields are normal).

    Raises :class:`MalformedResponse` when the body cannot become a row: not an object,
    ``attachments`` not a list of objects, a nested status/error/feedback/query that is not an
    object, an int64 that is not an integer or out of range (``user_id``, timestamps), a
    timestamp outside year 1..9999. ``fetch_state`` is TERMINAL for a terminal status, else
    PENDING, or STALE once the message (its ``created_timestamp``, else its first audit event)
    is older than ``stale_after``. The age is counted at ``source_time`` (the answer's HTTP
    ``Date``: the clock of the workspace that holds the message, so neither our clock's skew nor
    a simulated workspace's fixed calendar makes a message stale), else at ``fetched_at``.
    """
    if not isinstance(body, dict):
        raise MalformedResponse(f"the answer is a {type(body).__name__}, expected an object")
    attachments = _attachments(body)
    error = _object(body.get("error"), "error")
    feedback = _object(body.get("feedback"), "feedback")
    query_result = _object(body.get("query_result"), "query_result")
    created = _epoch_ms(body.get("created_timestamp"), "created_timestamp")
    updated = _epoch_ms(body.get("last_updated_timestamp"), "last_updated_timestamp")
    user_id = _int64(body.get("user_id"), "user_id")
    status = message_status(body)
    space_id = _text(body.get("space_id")) or key.space_id
    conversation_id = _text(body.get("conversation_id")) or key.conversation_id

    attachment_rows = []
    answer: dict[str, Any] | None = None
    for index, attachment in enumerate(attachments):
        kind = _attachment_kind(attachment)
        query = _object(attachment.get("query"), f"attachments[{index}].query")
        text = _object(attachment.get("text"), f"attachments[{index}].text")
        if kind == "query":
            answer = query  # the LAST query attachment is the answer (earlier ones were retried)
        attachment_rows.append(
            {
                "workspace_id": key.workspace_id,
                "message_id": key.message_id,
                "attachment_index": index,
                "space_id": space_id,
                "conversation_id": conversation_id,
                "attachment_id": _text(attachment.get("attachment_id") or attachment.get("id")),
                "attachment_kind": kind,
                "statement_id": _text(query.get("statement_id")),
                "query_sql": _text(query.get("query")),
                "query_title": _text(query.get("title")),
                "query_description": _text(query.get("description")),
                "text_content": _text(text.get("content")),
                "attachment_json": json.dumps(attachment, sort_keys=True),
                "api_fetch_timestamp": fetched_at,
                "ingestion_batch_id": batch_id,
                "_loaded_at": None,
            }
        )
    statement_id = _text((answer or {}).get("statement_id")) or _text(
        query_result.get("statement_id")
    )

    if is_terminal_status(status):
        fetch_state = TERMINAL
    else:
        born = (
            datetime(1970, 1, 1) + timedelta(milliseconds=created)
            if created is not None
            else key.first_event_at
        )
        now = source_time or fetched_at
        fetch_state = STALE if born is not None and now - born >= stale_after else PENDING

    row = {
        "workspace_id": key.workspace_id,
        "message_id": key.message_id,
        "space_id": space_id,
        "conversation_id": conversation_id,
        "workspace_name": key.workspace_name,
        "user_id": user_id,
        "content": _text(body.get("content")),
        "status": status,
        "created_timestamp": created,
        "updated_timestamp": updated,
        "created_date": _ms_to_date(created),
        "query_sql": _text((answer or {}).get("query")),
        "query_description": _text((answer or {}).get("description")),
        "statement_id": statement_id,
        "attachments_count": len(attachments),
        "attachments_json": json.dumps(attachments, sort_keys=True) if attachments else None,
        "feedback_rating": _text(feedback.get("rating")),
        "error_type": _text(error.get("type")),
        "api_fetch_timestamp": fetched_at,
        "api_fetch_status": "SUCCESS",
        "api_fetch_error": None,
        "ingestion_timestamp": fetched_at,
        "ingestion_batch_id": batch_id,
        "_loaded_at": None,  # set by the sink inside the landing transaction
        "error_message": _text(error.get("error") or error.get("message")),
        "fetch_state": fetch_state,
        "message_json": json.dumps(body, sort_keys=True),
    }
    return ParsedMessage(row, attachment_rows)


def raw_response_excerpt(body: Any) -> str:
    """The body as JSON text, cut at MAX_RAW_RESPONSE_CHARS (kept aside with its error row)."""
    try:
        text = body if isinstance(body, str) else json.dumps(body, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(body)
    return text[:MAX_RAW_RESPONSE_CHARS]


def error_row(
    key: MessageKey,
    error: FetchError,
    failed_at: datetime,
    batch_id: str,
    raw_response: str | None = None,
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
        "raw_response": raw_response,
    }


def space_row(key: SpaceKey, body: dict[str, Any], fetched_at: datetime) -> dict[str, Any]:
    """A genie_space_details row from GET space?include_serialized_space=true (raw JSON values:
    SDK 0.117's GenieSpace has no create_time/update_time and drops keys it does not know)."""
    if not isinstance(body, dict):
        raise MalformedResponse(f"the answer is a {type(body).__name__}, expected an object")
    return {
        "workspace_id": key.workspace_id,
        "space_id": _text(body.get("space_id")) or key.space_id,
        "title": _text(body.get("title")),
        "description": _text(body.get("description")),
        "warehouse_id": _text(body.get("warehouse_id")),
        "parent_path": _text(body.get("parent_path")),
        "etag": _text(body.get("etag")),
        "create_time": _rfc3339(body.get("create_time")),
        "update_time": _rfc3339(body.get("update_time")),
        "serialized_space": _text(body.get("serialized_space")),
        "api_fetch_timestamp": fetched_at,
        "_loaded_at": None,
    }
