"""Pytest fixtures the sandbox offers to the tests of the sandbox and of the ingestion.

A pytest plugin (registered through the ``pytest11`` entry point in sandbox/pyproject.toml, so
every test folder gets the same fixtures without a conftest.py of its own): a tiny hand-written
sandbox file and the sandbox Genie API server on free loopback ports.

The tiny sandbox is written here, row by row, rather than by the generator, so server and
ingestion tests know every expected value and do not depend on the generator's randomness.
``tiny_truth`` exposes those rows; ``sandbox_api`` serves them; ``workspace_client`` makes a
real databricks-sdk client against it. The module-level constants (``CLIENT_ID``, ``WS_A``, ...)
and ``build_tiny_truth`` / ``write_truth_db`` are for tests that need the values themselves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest

from genie_sandbox.schema import create_all_sql
from genie_sandbox.server import SandboxApi

CLIENT_ID = "test-sp"
CLIENT_SECRET = "test-secret"  # noqa: S105 - test-only credential

ACCOUNT_ID = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
WS_A = "1234567890123456"
WS_B = "6543210987654321"

# sandbox_truth DDL: the tables the sandbox generator writes beside the system tables (the
# generator's ground truth the recall tests score against).
TRUTH_DDL = [
    "create schema if not exists sandbox_truth",
    """create table sandbox_truth.genie_spaces (
        workspace_id varchar, space_id varchar, title varchar, description varchar,
        warehouse_id varchar, serialized_space varchar, parent_path varchar, etag varchar,
        create_time timestamp, update_time timestamp, is_forbidden boolean
    )""",
    """create table sandbox_truth.genie_messages (
        workspace_id varchar, space_id varchar, conversation_id varchar, message_id varchar,
        user_id bigint, user_email varchar, content varchar, status varchar,
        created_timestamp bigint, last_updated_timestamp bigint, error_type varchar,
        error_message varchar, query_sql varchar, query_description varchar, query_title varchar,
        statement_id varchar, row_count bigint, text_answer varchar, suggested_questions varchar,
        feedback_rating varchar, is_deleted boolean
    )""",
]


def hex_id(name: str) -> str:
    """A stable 32-hex id for a readable test name."""
    return hashlib.blake2b(name.encode(), digest_size=16).hexdigest()


def _space(ws: str, name: str, *, forbidden: bool = False, **extra: Any) -> dict[str, Any]:
    row = {
        "workspace_id": ws,
        "space_id": hex_id(f"space-{name}"),
        "title": f"Space {name}",
        "description": f"Questions about {name}",
        "warehouse_id": f"wh{name.lower()}0001",
        "serialized_space": json.dumps(
            {"version": 1, "data_sources": {"tables": [{"identifier": f"main.sales.{name}"}]}}
        ),
        "parent_path": "/Workspace/Users/analyst@example.com",
        "etag": hex_id(f"etag-{name}")[:12],
        "create_time": datetime(2026, 9, 1, 8, 0, 0),
        "update_time": datetime(2026, 9, 20, 17, 30, 15, 250000),
        "is_forbidden": forbidden,
    }
    row.update(extra)
    return row


def _message(ws: str, space: dict[str, Any], name: str, status: str, **extra: Any):
    created = 1_790_000_000_000 + len(name) * 60_000
    row = {
        "workspace_id": ws,
        "space_id": space["space_id"],
        "conversation_id": hex_id(f"conv-{space['space_id']}"),
        "message_id": hex_id(f"msg-{name}"),
        "user_id": 4_242_000_000_000_001,
        "user_email": "analyst@example.com",
        "content": f"Question {name}?",
        "status": status,
        "created_timestamp": created,
        "last_updated_timestamp": created + 9_000,
        "error_type": None,
        "error_message": None,
        "query_sql": None,
        "query_description": None,
        "query_title": None,
        "statement_id": None,
        "row_count": None,
        "text_answer": None,
        "suggested_questions": None,
        "feedback_rating": None,
        "is_deleted": False,
    }
    row.update(extra)
    return row


def _query(name: str, title: str | None = "Revenue by region", rows: int | None = 12):
    return {
        "query_sql": (
            f"SELECT region, sum(amount) AS revenue FROM main.sales.{name} GROUP BY region"
        ),
        "query_description": "Total revenue per region",
        "query_title": title,
        "statement_id": "01f0" + hex_id(f"stmt-{name}")[4:],
        "row_count": rows,
    }


def build_tiny_truth() -> dict[str, Any]:
    """Every row of the tiny sandbox, one per case the API and the ingestion must handle."""
    a1 = _space(WS_A, "orders")
    a2 = _space(WS_A, "payroll", forbidden=True)
    a3 = _space(WS_A, "returns", description=None)
    b1 = _space(WS_B, "inventory")
    messages = [
        _message(
            WS_A,
            a1,
            "completed_full",
            "COMPLETED",
            text_answer="Revenue is highest in EMEA.",
            suggested_questions=json.dumps(["And last year?", "By product?"]),
            feedback_rating="POSITIVE",
            **_query("completed_full"),
        ),
        _message(
            WS_A,
            a1,
            "completed_no_title",
            "COMPLETED",
            text_answer="Here are the numbers.",
            feedback_rating="NONE",
            **_query("completed_no_title", title=None),
        ),
        _message(WS_A, a1, "text_only", "COMPLETED", text_answer="Which region do you mean?"),
        _message(
            WS_A,
            a1,
            "failed",
            "FAILED",
            error_type="SQL_EXECUTION_EXCEPTION",
            error_message="[TABLE_OR_VIEW_NOT_FOUND] main.sales.ordrs",
            feedback_rating="NEGATIVE",
        ),
        _message(WS_A, a1, "cancelled", "CANCELLED"),
        _message(WS_A, a1, "expired", "QUERY_RESULT_EXPIRED", **_query("expired")),
        _message(WS_A, a3, "executing", "EXECUTING_QUERY", **_query("executing", rows=None)),
        _message(WS_A, a1, "deleted", "COMPLETED", is_deleted=True, text_answer="gone"),
        _message(WS_A, a2, "forbidden", "COMPLETED", text_answer="secret"),
        _message(WS_B, b1, "other_workspace", "COMPLETED", **_query("other_workspace")),
    ]
    workspaces = [
        {
            "account_id": ACCOUNT_ID,
            "workspace_id": ws,
            "workspace_name": name,
            # Ports in the file are what `sandbox serve` binds by default; tests use free ports.
            "workspace_url": f"http://127.0.0.1:{port}",
            "create_time": datetime(2025, 1, 1),
            "status": "RUNNING",
        }
        for ws, name, port in [(WS_A, "sales-prod", 18765), (WS_B, "ops-prod", 18766)]
    ]
    return {
        "workspaces": workspaces,
        "spaces": [a1, a2, a3, b1],
        "messages": messages,
        "by_name": {
            "space_orders": a1,
            "space_payroll": a2,
            "space_returns": a3,
            "space_inventory": b1,
            **{m["content"][len("Question ") : -1]: m for m in messages},
        },
    }


def write_truth_db(path: Path, truth: dict[str, Any]) -> Path:
    """Write the ten (empty) system tables, access.workspaces_latest rows and sandbox_truth."""
    con = duckdb.connect(str(path))
    try:
        for stmt in [*create_all_sql(), *TRUTH_DDL]:
            con.execute(stmt)
        for table, rows in [
            ("access.workspaces_latest", truth["workspaces"]),
            ("sandbox_truth.genie_spaces", truth["spaces"]),
            ("sandbox_truth.genie_messages", truth["messages"]),
        ]:
            cols = list(rows[0])
            placeholders = ", ".join("?" for _ in cols)
            con.executemany(
                f"insert into {table} ({', '.join(cols)}) values ({placeholders})",
                [[row[c] for c in cols] for row in rows],
            )
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def tiny_truth() -> dict[str, Any]:
    """The rows of the tiny sandbox (``by_name`` maps e.g. ``"failed"`` to its message row)."""
    return build_tiny_truth()


@pytest.fixture(scope="session")
def tiny_sandbox_db(tmp_path_factory: pytest.TempPathFactory, tiny_truth) -> Path:
    """A sandbox DuckDB file with two workspaces, four spaces and ten messages."""
    return write_truth_db(tmp_path_factory.mktemp("sandbox") / "tiny.duckdb", tiny_truth)


@pytest.fixture
def sandbox_api(tiny_sandbox_db: Path) -> Iterator[SandboxApi]:
    """A fresh server (no faults, empty stats) on free ports; ``sandbox_api.urls[workspace_id]``."""
    with SandboxApi(
        tiny_sandbox_db, base_port=0, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    ) as api:
        yield api


@pytest.fixture
def clean_databricks_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Hide the developer's Databricks env vars and ~/.databrickscfg from the SDK."""
    import os

    for key in list(os.environ):
        if key.startswith(("DATABRICKS_", "ARM_", "AZURE_", "GOOGLE_")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "no-databrickscfg"))


@pytest.fixture
def workspace_client(sandbox_api: SandboxApi, clean_databricks_env: None) -> Callable[..., Any]:
    """Factory: ``workspace_client(WS_A)`` -> a real databricks-sdk client against the sandbox.

    Keyword overrides go to ``databricks.sdk.core.Config`` (e.g. ``client_secret``,
    ``retry_timeout_seconds``); the client has short timeouts so a broken test fails fast.
    """
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.core import Config

    def make(workspace_id: str = WS_A, **overrides: Any) -> WorkspaceClient:
        kwargs: dict[str, Any] = {
            "host": sandbox_api.urls[workspace_id],
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "auth_type": "oauth-m2m",
            "retry_timeout_seconds": 30,
            "http_timeout_seconds": 10,
        }
        kwargs.update(overrides)
        return WorkspaceClient(config=Config(**kwargs))

    return make
