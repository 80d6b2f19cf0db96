"""The sink interface: what the pipeline needs from storage, and the helpers both sinks share.

Both implementations are idempotent on the tables' keys, so a re-run, an overlapping run or a
crash-restart never duplicates a row.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from genie_ingest.records import FINAL_ERROR_TYPES, PENDING, MessageKey, SpaceKey

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


def last_per_key(
    rows: Sequence[dict[str, Any]], key: tuple[str, ...] = ("workspace_id", "message_id")
) -> list[dict[str, Any]]:
    """The last row of each key: one statement may not write the same key twice (DuckDB's
    ``ON CONFLICT`` refuses it), while per-row statements let the last one win."""
    return list({tuple(r[k] for k in key): r for r in rows}.values())


def final_errors(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The errors of ``errors`` after which the message is never fetched again, one per key."""
    return last_per_key([e for e in errors if e["error_type"] in FINAL_ERROR_TYPES])


def messages_to_fetch_from(analytics: str, landing: str, where: str, max_retry_count: str) -> str:
    """``from ... where ...`` of the messages to fetch, the rule :meth:`Sink.messages_to_fetch`
    states, written once for both sinks: rows of ``<analytics>.genie_messages_to_fetch`` (alias
    ``f``) not landed in a final state (``d``), whose error (``e``) is absent, resolved, or
    retryable (not NOT_FOUND, ``retry_count`` below the limit).

    ``where`` is the sink's own filter on ``f`` (``true`` for none); ``max_retry_count`` the
    sink's parameter marker for the limit (``?`` in DuckDB, ``:max_retry_count`` on Databricks).
    In DuckDB's positional parameters, ``where``'s come first, then the limit's.
    """
    return f"""
        from {analytics}.{TO_FETCH_TABLE} as f
        left join {landing}.message_details as d
            on f.workspace_id = d.workspace_id and f.message_id = d.message_id
        left join {landing}.message_fetch_errors as e
            on f.workspace_id = e.workspace_id and f.message_id = e.message_id
        where {where}
            and (d.message_id is null or d.fetch_state = '{PENDING}')
            and (
                e.message_id is null
                or e.resolved
                or (e.error_type <> 'NOT_FOUND' and e.retry_count < {max_retry_count})
            )"""


def spaces_to_fetch_query(analytics: str, where: str) -> str:
    """The distinct (workspace_id, space_id, workspace_url) of genie_messages_to_fetch (alias
    ``f``) that ``where`` keeps, ordered; each sink adds its own row limit."""
    return f"""
        select f.workspace_id, f.space_id, max(f.workspace_url) as workspace_url
        from {analytics}.{TO_FETCH_TABLE} as f
        where {where}
        group by f.workspace_id, f.space_id
        order by f.workspace_id, f.space_id"""
