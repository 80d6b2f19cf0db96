"""Helpers for the ingestion tests: a fake clock and a hand-written genie_messages_to_fetch.

The to-fetch table is written directly (genie_messages_to_fetch's columns) so these tests need
no dbt build.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from genie_ingest.settings import Secret, Settings

TO_FETCH_DDL = """
create table "{catalog}".genie_analytics.genie_messages_to_fetch (
    workspace_id varchar,
    message_id varchar,
    space_id varchar,
    conversation_id varchar,
    first_event_at timestamp,
    last_event_at timestamp,
    event_count bigint,
    workspace_name varchar,
    workspace_url varchar
)
"""


class FakeClock:
    """A clock whose ``sleep`` only moves time forward and records the wait: tests never sleep."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += max(seconds, 0.0)


def write_to_fetch(
    path: Path, truth: dict[str, Any], urls: dict[str, str], names: list[str] | None = None
) -> Path:
    """Write genie_analytics.genie_messages_to_fetch: the tiny sandbox messages (or ``names``)."""
    workspace_names = {w["workspace_id"]: w["workspace_name"] for w in truth["workspaces"]}
    messages = truth["messages"]
    if names is not None:
        messages = [truth["by_name"][n] for n in names]
    con = duckdb.connect(str(path))
    try:
        catalog = con.execute("select current_database()").fetchone()[0]
        # The file stem is the catalog; qualify so `genie_analytics` is never ambiguous.
        con.execute(f'create schema if not exists "{catalog}".genie_analytics')
        con.execute(TO_FETCH_DDL.format(catalog=catalog))
        for i, m in enumerate(messages):
            at = datetime(2026, 10, 1, 12, i)
            con.execute(
                f'insert into "{catalog}".genie_analytics.genie_messages_to_fetch '
                "values (?,?,?,?,?,?,?,?,?)",
                [
                    m["workspace_id"],
                    m["message_id"],
                    m["space_id"],
                    m["conversation_id"],
                    at,
                    at,
                    1,
                    workspace_names[m["workspace_id"]],
                    urls.get(m["workspace_id"]),
                ],
            )
    finally:
        con.close()
    return path


def test_settings(db: Path, client_id: str, client_secret: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "duckdb_path": db,
        "client_id": Secret(client_id),
        "client_secret": Secret(client_secret),
        "rate_limit_per_second": 1000.0,
        "request_timeout_seconds": 5.0,
        "concurrency": 4,
        # The tiny sandbox's messages are dated 2026-09: without this the still-executing one
        # would be STALE at once (tests of staleness set their own value).
        "stale_after_hours": 24.0 * 365 * 100,
    }
    values.update(overrides)
    return Settings(**values)


test_settings.__test__ = False  # a helper, not a test


def rows(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
