"""A cache of the marts' answers, dropped whenever the marts change (the API answers fast on
the 10M-query day).

What is cached: the rows a constant statement of queries.py returned for one set of parameters
(a query's lookup row, the opportunities of a (workspace, fingerprint), the daily metrics of a
(workspace, range, user)), in an LRU of GENIE_API_CACHE_ENTRIES entries (cachetools). Rows are
shared between requests and must not be modified.

Why this is correct for every principal: the cached rows never depend on the caller. Every
authorisation decision is taken per request, before (403: the workspace is checked before the
metrics are read) or after (404: a query's rows are filtered by the caller's workspaces) the
cache is consulted, exactly as without a cache; the key is the statement and all its parameters.

Invalidation (the marts' version, ``Warehouse.marts_version()``):
- DuckDB: the service holds the dbt build open read-only, and DuckDB then refuses any writer
  (dbt fails with a lock error), so the marts cannot change while the service runs; a rebuild
  needs a restart, which starts with an empty cache. The version is constant.
- Databricks: the job rebuilds the marts while the app runs. The version is the latest
  ``last_altered`` of the marts the service reads (Unity Catalog information_schema.tables),
  read at most every GENIE_API_CACHE_CHECK_SECONDS (default 60); a new version empties the
  cache. An answer can therefore be at most that many seconds older than a rebuild.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from cachetools import LRUCache

from .warehouse import Row, Warehouse


class MartsCache:
    def __init__(
        self,
        warehouse: Warehouse,
        *,
        max_entries: int = 2048,
        check_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._warehouse = warehouse
        self._enabled = max_entries > 0
        self._entries: LRUCache = LRUCache(maxsize=max(1, max_entries))
        self._check_seconds = check_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._version: Any = None
        self._checked_at = float("-inf")
        self.hits = 0
        self.misses = 0

    def _check_version(self) -> None:
        now = self._clock()
        with self._lock:
            if now - self._checked_at < self._check_seconds:
                return
            self._checked_at = now
        version = self._warehouse.marts_version()  # outside the lock: may be a remote call
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version

    def cached(self, sql: str, params: Mapping[str, Any]) -> list[Row] | None:
        """The cached rows, or None when they are not cached or the marts' version is due to be
        read: no I/O, so the async endpoints call it on the event loop and go to a worker
        thread (``query``) only when the warehouse must be read."""
        if not self._enabled:
            return None
        key = (sql, tuple(sorted(params.items())))
        with self._lock:
            if self._clock() - self._checked_at >= self._check_seconds:
                return None
            rows = self._entries.get(key)
            if rows is not None:
                self.hits += 1
            return rows

    def query(self, sql: str, params: Mapping[str, Any]) -> list[Row]:
        """The rows of ``sql`` with ``params``, from the cache when the marts are unchanged."""
        if not self._enabled:
            return self._warehouse.query(sql, params)
        self._check_version()
        key = (sql, tuple(sorted(params.items())))
        with self._lock:
            rows = self._entries.get(key)
            if rows is not None:
                self.hits += 1
                return rows
            self.misses += 1
            version = self._version
        rows = self._warehouse.query(sql, params)
        with self._lock:
            if self._version == version:  # not read before a version change: may be stale
                self._entries[key] = rows
        return rows
