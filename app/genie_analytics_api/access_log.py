"""Every request into table ``api_access_log`` (who, what, when, status), off the request path.

Requests put a record on a queue; one background thread writes them in batches (every 0.5 s or
500 records), each batch ONE insert statement (``insert_rows``), so a request never waits for the
log table and the writer takes little CPU from the requests. ``close()`` flushes what is queued.
A failed write is reported on stderr and retried with the next batch (the queue keeps it),
bounded by ``max_pending`` so a dead log table cannot exhaust memory (dropped records are
counted and reported).

Every text value (``path``, ``query_string``, the ``X-Request-Id`` a client sends) is stored as
its first MAX_LOGGED_CHARS (1,024) characters: the service answers longer paths and query
strings with 414 (main.MAX_PATH_CHARS / MAX_QUERY_CHARS), and a request's log row must not grow
with whatever a client sends (one probe sent a 60,026-character path, another a 2,000,000-
character X-Request-Id).
"""

from __future__ import annotations

import queue
import sys
import threading
from datetime import datetime
from typing import Any

from .warehouse import Warehouse

CREATE_SQL = """
create table if not exists api_access_log (
    request_id string,
    principal string,
    auth_source string,
    method string,
    path string,
    query_string string,
    workspace_id string,
    status_code integer,
    duration_ms double,
    requested_at timestamp
)
"""
MAX_LOGGED_CHARS = 1024
COLUMNS = (
    "request_id",
    "principal",
    "auth_source",
    "method",
    "path",
    "query_string",
    "workspace_id",
    "status_code",
    "duration_ms",
    "requested_at",
)


class AccessLog:
    def __init__(
        self, store: Warehouse, *, flush_seconds: float = 0.5, max_pending: int = 100_000
    ) -> None:
        self._store = store
        self._store.execute(CREATE_SQL)
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=max_pending)
        self._flush_seconds = flush_seconds
        self._stop = threading.Event()
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name="access-log", daemon=True)
        self._thread.start()

    def record(self, **entry: Any) -> None:
        entry.setdefault("requested_at", datetime.utcnow())  # naive UTC column
        for name, value in entry.items():  # path, query string, a client's X-Request-Id, ...
            if isinstance(value, str):
                entry[name] = value[:MAX_LOGGED_CHARS]
        try:
            self._queue.put_nowait(entry)
        except queue.Full:
            self.dropped += 1

    def _drain(self) -> list[dict[str, Any]]:
        batch = []
        while len(batch) < 500:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _write(self, batch: list[dict[str, Any]]) -> None:
        try:
            self._store.insert_rows("api_access_log", COLUMNS, batch)
        except Exception as exc:  # the log must never take the service down
            print(f"access log: write of {len(batch)} records failed: {exc}", file=sys.stderr)
            for entry in batch:
                try:
                    self._queue.put_nowait(entry)
                except queue.Full:
                    self.dropped += 1

    def _run(self) -> None:
        while not self._stop.wait(self._flush_seconds):
            batch = self._drain()
            if batch:
                self._write(batch)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        for _ in range(1000):  # bounded: a failing store re-queues its batch
            batch = self._drain()
            if not batch:
                break
            self._write(batch)
