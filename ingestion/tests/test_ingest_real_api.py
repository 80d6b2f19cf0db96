"""How the real Genie API, network and credentials behave, one class of fault per test
group. Every group goes through the real databricks-sdk client against the sandbox HTTP server on
loopback, or calls the row functions directly where the class is about reading one body.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import pytest
from ingest_helpers import FakeClock, rows, test_settings, write_to_fetch

from genie_ingest import pipeline
from genie_ingest.records import (
    PENDING,
    STALE,
    TERMINAL,
    MalformedResponse,
    MessageKey,
    parse_message,
)
from genie_ingest.redaction import scrub
from genie_ingest.settings import ConfigError, Secret, Settings
from genie_ingest.sinks import DuckDBSink, Filters, SinkError
from genie_sandbox.pytest_fixtures import CLIENT_ID, CLIENT_SECRET, WS_A, WS_B

# A bound against a hang, not a speed check: a CLI start-up (imports of duckdb, databricks-sdk) is
# slow on a loaded shared machine, and a tighter bound failed spuriously (bench/NOTES.md).
SUBPROCESS_HANG_BOUND_S = 300

KEY = MessageKey("1", "m" * 32, "s" * 32, "c" * 32, "ws", None)
FETCHED = datetime(2026, 10, 2, 12, 0)


@pytest.fixture
def analytics_db(tmp_path: Path, tiny_truth, sandbox_api) -> Path:
    return write_to_fetch(tmp_path / "warehouse.duckdb", tiny_truth, sandbox_api.urls)


def _run(
    db: Path, clock: Any = None, secret: str = CLIENT_SECRET, **overrides: Any
) -> pipeline.RunSummary:
    settings = test_settings(db, CLIENT_ID, secret, **overrides)
    sink = DuckDBSink(db, settings.analytics_schema, settings.landing_schema)
    sink.ensure_tables()
    try:
        fetcher = pipeline.build_fetcher(settings, clock or FakeClock())
        return pipeline.run_messages(settings, sink, fetcher, Filters())
    finally:
        sink.close()


def _query(statement_id: str, sql: str) -> dict[str, Any]:
    return {
        "attachment_id": "att-" + statement_id,
        "query": {"statement_id": statement_id, "query": sql, "description": "d-" + sql},
    }


# --- every attachment lands; the last query attachment is the answer ------------------------------


def test_every_attachment_is_a_row_and_the_last_query_is_the_answer() -> None:
    body = {
        "status": "COMPLETED",
        "attachments": [
            _query("stmt-a", "SELECT a"),
            {"text": {"content": "That failed, retrying."}},
            _query("stmt-b", "SELECT b"),
            {"text": {"content": "Here it is."}},
        ],
    }
    parsed = parse_message(KEY, body, FETCHED, "b1")
    assert [(a["attachment_index"], a["attachment_kind"]) for a in parsed.attachments] == [
        (0, "query"),
        (1, "text"),
        (2, "query"),
        (3, "text"),
    ]
    assert [a["statement_id"] for a in parsed.attachments] == ["stmt-a", None, "stmt-b", None]
    assert parsed.attachments[1]["text_content"] == "That failed, retrying."
    assert parsed.row["statement_id"] == "stmt-b"
    assert parsed.row["query_sql"] == "SELECT b" and parsed.row["query_description"] == "d-SELECT b"
    assert parsed.row["attachments_count"] == 4


def test_attachments_land_and_are_replaced_when_the_message_lands_again(
    analytics_db, tiny_truth, sandbox_api
):
    full = tiny_truth["by_name"]["completed_full"]["message_id"]
    two_queries = {
        "message_id": full,
        "status": "EXECUTING_QUERY",
        "attachments": [_query("stmt-a", "SELECT a"), _query("stmt-b", "SELECT b")],
    }
    sandbox_api.set_faults(message_bodies={full: two_queries})
    _run(analytics_db)
    sql = (
        "select attachment_index, statement_id from genie_landing.message_attachments "
        "where message_id = ? order by 1"
    )
    assert rows(analytics_db, sql, [full]) == [(0, "stmt-a"), (1, "stmt-b")]
    sandbox_api.set_faults(message_bodies={})  # the sandbox truth: one query attachment
    _run(analytics_db)
    assert [r[1] for r in rows(analytics_db, sql, [full])] == [
        tiny_truth["by_name"]["completed_full"]["statement_id"],
        None,
        None,
    ]


# --- values the SDK's types would lose ------------------------------------------------------------


def test_unknown_enum_values_and_keys_are_kept_in_every_nested_object() -> None:
    body = {
        "status": "FAILED",
        "brand_new_top_level": {"x": 1},
        "error": {
            "type": "BUDGET_EXCEEDED_EXCEPTION",
            "error": "The space ran out of budget",
            "budget_id": "b-7",
        },
        "feedback": {"rating": "MIXED", "comment": "so-so", "reason_code": 4},
        "attachments": [
            {"attachment_id": "a0", "chart": {"spec": "bar"}},
            {"query": {"statement_id": "s1", "query": "SELECT 1", "cost_hint": "high"}},
            {"text": {"content": "hi", "purpose": "TEXT_ATTACHMENT_PURPOSE_NEW"}},
        ],
    }
    parsed = parse_message(KEY, body, FETCHED, "b1")
    row = parsed.row
    assert row["error_type"] == "BUDGET_EXCEEDED_EXCEPTION"
    assert row["error_message"] == "The space ran out of budget"
    assert row["feedback_rating"] == "MIXED"
    assert row["status"] == "FAILED" and row["fetch_state"] == TERMINAL
    kept = json.loads(row["message_json"])
    assert kept["brand_new_top_level"] == {"x": 1}
    assert kept["error"]["budget_id"] == "b-7" and kept["feedback"]["reason_code"] == 4
    assert parsed.attachments[0]["attachment_kind"] == "chart"
    assert json.loads(parsed.attachments[1]["attachment_json"])["query"]["cost_hint"] == "high"
    assert "TEXT_ATTACHMENT_PURPOSE_NEW" in parsed.attachments[2]["attachment_json"]
    unknown_status = parse_message(KEY, {**body, "status": "THINKING_HARDER"}, FETCHED, "b1")
    assert unknown_status.row["status"] == "THINKING_HARDER"


def test_unknown_enum_values_land_through_the_api(analytics_db, tiny_truth, sandbox_api):
    failed = tiny_truth["by_name"]["failed"]
    body = {
        "message_id": failed["message_id"],
        "status": "FAILED",
        "error": {"type": "BUDGET_EXCEEDED_EXCEPTION", "error": "over budget"},
        "feedback": {"rating": "MIXED"},
    }
    sandbox_api.set_faults(message_bodies={failed["message_id"]: body})
    _run(analytics_db)
    got = rows(
        analytics_db,
        "select error_type, error_message, feedback_rating from genie_landing.message_details "
        "where message_id = ?",
        [failed["message_id"]],
    )
    assert got == [("BUDGET_EXCEEDED_EXCEPTION", "over budget", "MIXED")]


# --- non-terminal messages land, are updated, and go stale ----------------------------------------


@pytest.mark.parametrize(
    ("status", "age", "state"),
    [
        ("EXECUTING_QUERY", timedelta(hours=1), PENDING),
        ("EXECUTING_QUERY", timedelta(hours=25), STALE),
        ("SOMETHING_NEW", timedelta(hours=1), PENDING),
        ("completed", timedelta(hours=1), TERMINAL),
        ("Cancelled", timedelta(days=9), TERMINAL),
    ],
)
def test_fetch_state_of_a_status(status: str, age: timedelta, state: str) -> None:
    created_ms = int((FETCHED - age - datetime(1970, 1, 1)) / timedelta(milliseconds=1))
    body = {"status": status, "created_timestamp": created_ms}
    parsed = parse_message(KEY, body, FETCHED, "b1", stale_after=timedelta(hours=24))
    assert parsed.row["status"] == status and parsed.fetch_state == state


def test_age_without_created_timestamp_counts_from_the_first_audit_event() -> None:
    key = MessageKey("1", "m", "s", "c", None, None, first_event_at=FETCHED - timedelta(days=2))
    assert parse_message(key, {"status": "SUBMITTED"}, FETCHED, "b").fetch_state == STALE


def test_pending_message_is_refetched_until_terminal_then_never_again(
    analytics_db, tiny_truth, sandbox_api
):
    full = tiny_truth["by_name"]["completed_full"]["message_id"]
    sandbox_api.set_faults(message_bodies={full: {"message_id": full, "status": "asking_ai"}})
    first = _run(analytics_db)
    state = "select status, fetch_state from genie_landing.message_details where message_id = ?"
    assert rows(analytics_db, state, [full]) == [("asking_ai", PENDING)]
    assert first.pending == 2  # with the sandbox's own EXECUTING_QUERY message
    sandbox_api.set_faults(message_bodies={})
    _run(analytics_db)
    assert rows(analytics_db, state, [full]) == [("COMPLETED", TERMINAL)]
    assert rows(
        analytics_db,
        "select count(*) from genie_landing.message_details where message_id = ?",
        [full],
    ) == [(1,)]
    sandbox_api.reset_stats()
    _run(analytics_db)
    fetched = {p.rsplit("/", 1)[-1] for p in sandbox_api.stats()["by_path"] if "/messages/" in p}
    assert full not in fetched


def test_stale_message_is_no_longer_fetched(analytics_db, tiny_truth, sandbox_api):
    executing = tiny_truth["by_name"]["executing"]["message_id"]
    summary = _run(analytics_db, stale_after_hours=24.0)  # the sandbox message is from 2026-09
    assert summary.stale == 1 and summary.pending == 0
    assert rows(
        analytics_db,
        "select fetch_state from genie_landing.message_details where message_id = ?",
        [executing],
    ) == [(STALE,)]
    sandbox_api.reset_stats()
    _run(analytics_db, stale_after_hours=24.0)
    assert not [p for p in sandbox_api.stats()["by_path"] if p.endswith(executing)]


# --- a body that cannot become a row is one error row; the rest lands -----------------------------

POISON = {
    "int64_as_string": {"status": "COMPLETED", "created_timestamp": "1730000000000"},
    "timestamp_out_of_range": {"status": "COMPLETED", "created_timestamp": 1e20},
    "attachments_object": {"status": "COMPLETED", "attachments": {"query": {"query": "x"}}},
    "attachment_null": {"status": "COMPLETED", "attachments": [None]},
    "attachment_string": {"status": "COMPLETED", "attachments": ["query"]},
    "user_id_email": {"status": "COMPLETED", "user_id": "alice@example.com"},
    "not_an_object": ["COMPLETED"],
    "error_is_string": {"status": "FAILED", "error": "boom"},
}


def test_each_poison_body_raises_malformed_except_a_numeric_string() -> None:
    for name, body in POISON.items():
        if name == "int64_as_string":
            # Protobuf's JSON mapping sends int64 as a string: a value, not a fault.
            row = parse_message(KEY, body, FETCHED, "b").row
            assert row["created_timestamp"] == 1_730_000_000_000
            assert str(row["created_date"]) == "2024-10-27"
            continue
        with pytest.raises(MalformedResponse):
            parse_message(KEY, body, FETCHED, "b")


def test_poison_bodies_become_error_rows_and_the_batch_lands(analytics_db, tiny_truth, sandbox_api):
    names = ["completed_no_title", "text_only", "failed", "cancelled", "expired"]
    kinds = ["timestamp_out_of_range", "attachments_object", "attachment_null", "user_id_email"]
    poisoned = {
        tiny_truth["by_name"][n]["message_id"]: POISON[k]
        for n, k in zip(names, kinds, strict=False)
    }
    poisoned[tiny_truth["by_name"]["expired"]["message_id"]] = POISON["attachment_string"]
    sandbox_api.set_faults(message_bodies=poisoned)
    summary = _run(analytics_db, batch_size=100)
    assert summary.failed["MALFORMED_RESPONSE"] == 5
    landed = {
        r[0] for r in rows(analytics_db, "select message_id from genie_landing.message_details")
    }
    assert landed.isdisjoint(poisoned)
    assert len(landed) == 3  # completed_full, executing (PENDING), other_workspace
    errors = rows(
        analytics_db,
        "select message_id, error_message, raw_response from genie_landing.message_fetch_errors "
        "where error_type = 'MALFORMED_RESPONSE'",
    )
    assert {e[0] for e in errors} == set(poisoned)
    assert all(json.loads(raw) == poisoned[m] for m, _, raw in errors)
    assert any("user_id is not numeric" in msg for _, msg, _ in errors)
    # The next run retries them (a fixed API heals) without blocking anything else.
    sandbox_api.set_faults(message_bodies={})
    _run(analytics_db)
    assert len(rows(analytics_db, "select message_id from genie_landing.message_details")) == 8


# --- run-wide failures ----------------------------------------------------------------------------


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


class _SilentServer:
    """Accepts connections and never answers (a hung load balancer)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.conns: list[socket.socket] = []
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self._stop = True
        self.sock.close()
        for c in self.conns:
            c.close()


def test_unreachable_workspace_is_skipped_quickly_and_the_other_lands(
    tmp_path, tiny_truth, sandbox_api
):
    urls = {**sandbox_api.urls, WS_B: _closed_port_url()}
    db = write_to_fetch(tmp_path / "w.duckdb", tiny_truth, urls)
    started = time.monotonic()
    summary = _run(db, clock=None)  # the real clock: the bound must hold in wall time
    elapsed = time.monotonic() - started
    assert elapsed < 30, elapsed
    assert set(summary.unavailable) == {WS_B}
    assert summary.landed == 7  # every fetchable message of WS_A, the PENDING one included
    assert rows(
        db, "select count(*) from genie_landing.message_fetch_errors where workspace_id = ?", [WS_B]
    ) == [(0,)]


def test_workspace_that_never_answers_is_skipped_in_bounded_time(tmp_path, tiny_truth, sandbox_api):
    silent = _SilentServer()
    try:
        urls = {**sandbox_api.urls, WS_B: silent.url}
        db = write_to_fetch(tmp_path / "w.duckdb", tiny_truth, urls)
        started = time.monotonic()
        summary = _run(db, clock=None, request_timeout_seconds=2.0)
        assert time.monotonic() - started < 30
    finally:
        silent.close()
    assert set(summary.unavailable) == {WS_B} and summary.landed == 7


def test_5xx_storm_counts_against_no_message(analytics_db, sandbox_api):
    sandbox_api.set_faults(rate_500=1.0)
    summary = _run(analytics_db, concurrency=1)
    assert set(summary.unavailable) == {WS_A, WS_B} and dict(summary.failed) == {}
    assert rows(analytics_db, "select count(*) from genie_landing.message_fetch_errors") == [(0,)]
    sandbox_api.set_faults(rate_500=0.0)
    assert _run(analytics_db).landed == 8  # nothing was abandoned


def test_wrong_secret_six_times_abandons_nothing(analytics_db, sandbox_api):
    for _ in range(6):
        summary = _run(analytics_db, secret="wrong", max_retry_count=5)
        assert summary.landed == 0 and summary.unavailable
    assert _run(analytics_db).landed == 8


def _cli_env(db: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABRICKS_", "GENIE_INGEST_", "GENIE_ANALYTICS_"))
    }
    env.update(
        {
            "DATABRICKS_SP_CLIENT_ID": CLIENT_ID,
            "DATABRICKS_SP_CLIENT_SECRET": CLIENT_SECRET,
            "DATABRICKS_CONFIG_FILE": str(db.parent / "no-databrickscfg"),
            "GENIE_ANALYTICS_DUCKDB": str(db),
            **extra,
        }
    )
    return env


def test_run_wide_failure_exits_non_zero_naming_the_workspace(tmp_path, tiny_truth, sandbox_api):
    urls = {**sandbox_api.urls, WS_B: _closed_port_url()}
    db = write_to_fetch(tmp_path / "w.duckdb", tiny_truth, urls)
    proc = subprocess.run(
        [sys.executable, "-m", "genie_ingest.cli", "messages", "--no-progress"],
        env=_cli_env(db),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3, proc.stderr
    assert f"workspace {WS_B} skipped" in proc.stderr
    assert f"workspace {WS_A} skipped" not in proc.stderr


# --- ids go into REST paths encoded ---------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix", ["?x=1", "#frag", "/../../../../../api/2.0/genie/spaces?page_size=1#"]
)
def test_every_path_segment_is_url_encoded(tiny_truth, sandbox_api, suffix) -> None:
    settings = test_settings(Path("unused"), CLIENT_ID, CLIENT_SECRET)
    fetcher = pipeline.build_fetcher(settings, FakeClock())
    m = tiny_truth["by_name"]["completed_full"]
    url = sandbox_api.urls[WS_A]
    message = fetcher.get_message(
        url, m["space_id"], m["conversation_id"], m["message_id"] + suffix
    )
    space = fetcher.get_space(url, "../../../../../api/2.0/genie/spaces?page_size=1#")
    # One request each, to the message / space route, and never a listing or another endpoint.
    assert message.error is not None and message.error.error_type == "NOT_FOUND"
    assert space.error is not None and space.error.error_type == "NOT_FOUND"
    assert sandbox_api.count(route="list_spaces") == 0 and sandbox_api.count(route="unknown") == 0
    paths = list(sandbox_api.stats()["by_path"])
    assert any(p.endswith(quote(m["message_id"] + suffix, safe="")) for p in paths), paths


# --- secrets in every form ------------------------------------------------------------------------


def test_scrub_removes_the_secret_in_every_form() -> None:
    cid, secret = "sp-client-id-1234", "dose+s3cr/et=value"
    forms = [
        secret,
        quote(secret, safe=""),
        base64.b64encode(f"{cid}:{secret}".encode()).decode(),
        base64.b64encode(f"{cid}:{quote(secret, safe='')}".encode()).decode(),
        base64.b64encode(f"{cid}:{secret}".encode()).decode().rstrip("="),
    ]
    text = " | ".join(forms) + " | {'Authorization': 'Basic Zm9vOmJhcg==', 'X': 'y'}"
    text += ' | "authorization": "Bearer abc.def"'
    clean = scrub(text, [Secret(cid), Secret(secret)])
    for form in [*forms, "Zm9vOmJhcg==", "abc.def"]:
        assert form not in clean, form
    assert "'X': 'y'" in clean


def test_echoed_basic_credentials_never_reach_stderr_or_tables(analytics_db, sandbox_api):
    sandbox_api.set_faults(echo_token_headers=True)
    wrong = "dose-wrong-secret-0123456789"  # noqa: S105 - test value
    proc = subprocess.run(
        [sys.executable, "-m", "genie_ingest.cli", "messages", "--no-progress", "-v"],
        env=_cli_env(analytics_db, DATABRICKS_SP_CLIENT_SECRET=wrong),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 3, proc.stderr
    basic = base64.b64encode(f"{CLIENT_ID}:{wrong}".encode()).decode()
    dumped = repr(rows(analytics_db, "select * from genie_landing.message_fetch_errors"))
    for leaked in (basic, basic.rstrip("="), wrong, quote(wrong, safe="")):
        assert leaked not in proc.stderr + proc.stdout + dumped


# --- clear errors ---------------------------------------------------------------------------------


def _hold_lock(db: Path) -> subprocess.Popen:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import duckdb, sys, time
                con = duckdb.connect({str(db)!r})
                print("locked", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def test_second_run_on_a_held_duckdb_file_says_so(analytics_db, capsys):
    holder = _hold_lock(analytics_db)
    try:
        with pytest.raises(SinkError, match="another run holds"):
            DuckDBSink(analytics_db, "genie_analytics", "genie_landing")
        proc = subprocess.run(
            [sys.executable, "-m", "genie_ingest.cli", "messages", "--no-progress"],
            env=_cli_env(analytics_db),
            capture_output=True,
            text=True,
            timeout=SUBPROCESS_HANG_BOUND_S,
        )
    finally:
        holder.kill()
        holder.wait()
    assert proc.returncode == 1 and "another run holds" in proc.stderr
    assert "Traceback" not in proc.stderr


def _report(db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "genie_sandbox.report", "--db", str(db), "--system-tables", "none"],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_HANG_BOUND_S,
    )


def test_report_says_what_is_missing(tmp_path):
    missing = _report(tmp_path / "missing.duckdb")
    assert missing.returncode == 2 and "no build found" in missing.stderr
    zero = tmp_path / "zero.duckdb"
    zero.write_bytes(b"")
    assert _report(zero).returncode == 2 and "0 bytes" in _report(zero).stderr
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    out = _report(empty)
    assert out.returncode == 2 and "no schema genie_analytics" in out.stderr
    half = tmp_path / "half.duckdb"
    con = duckdb.connect(str(half))
    con.execute("create schema genie_analytics")
    con.execute("create table genie_analytics.genie_query_performance (x int)")
    con.close()
    out = _report(half)
    assert out.returncode == 2 and "half-built" in out.stderr
    assert "genie_cost_reconciliation" in out.stderr
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database at all" * 100)
    assert _report(garbage).returncode == 2
    holder = _hold_lock(half)
    try:
        locked = _report(half)
    finally:
        holder.kill()
        holder.wait()
    assert locked.returncode == 2 and "another process holds" in locked.stderr
    for out in (missing, locked):
        assert "Traceback" not in out.stderr


def test_databricks_sink_without_warehouse_is_a_config_error_naming_it(clean_databricks_env):
    settings = Settings(
        sink="databricks", client_id=Secret("client-id-xyz"), client_secret=Secret("s")
    )
    with pytest.raises(ConfigError, match="GENIE_INGEST_WAREHOUSE_ID"):
        pipeline.make_sink(settings)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "GENIE_INGEST_"))
    }
    env.update(
        GENIE_INGEST_SINK="databricks",
        DATABRICKS_SP_CLIENT_ID="client-id-xyz",
        DATABRICKS_SP_CLIENT_SECRET="s",
        DATABRICKS_CONFIG_FILE=os.environ["DATABRICKS_CONFIG_FILE"],
    )
    proc = subprocess.run(
        [sys.executable, "-m", "genie_ingest.cli", "messages"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_HANG_BOUND_S,
    )
    assert proc.returncode == 2 and "GENIE_INGEST_WAREHOUSE_ID" in proc.stderr
    assert "client-id-xyz" not in proc.stderr and "Traceback" not in proc.stderr


# --- failures exit non-zero from the entry point itself ----------------------------------------


def test_wheel_task_style_call_fails_the_process(tmp_path):
    """A python_wheel_task loads the entry point and calls it, ignoring its return value."""
    script = textwrap.dedent(
        """
        import sys
        from importlib.metadata import entry_points
        (ep,) = [e for e in entry_points(group="console_scripts") if e.name == "genie-ingest"]
        sys.argv = ["genie-ingest", "messages", "--no-progress"]
        ep.load()()  # return value ignored, as the wheel task does
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABRICKS_")}
    env["GENIE_ANALYTICS_DUCKDB"] = str(tmp_path / "missing.duckdb")
    env["DATABRICKS_CONFIG_FILE"] = str(tmp_path / "none")
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_HANG_BOUND_S,
    )
    assert proc.returncode == 2, proc.stderr
    console = Path(sys.executable).parent / "genie-ingest"
    proc = subprocess.run(
        [str(console), "messages", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_HANG_BOUND_S,
    )
    assert proc.returncode == 2 and "configuration error" in proc.stderr
    unknown = subprocess.run(
        [str(console), "no-such-command"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_HANG_BOUND_S,
    )
    assert unknown.returncode == 2


def test_databricks_sink_host_unreachable_fails_fast(clean_databricks_env):
    settings = Settings(
        sink="databricks",
        warehouse_id="wh",
        sink_host=_closed_port_url(),
        client_id=Secret("client-id-xyz"),
        client_secret=Secret("s"),
    )
    started = time.monotonic()
    with pytest.raises(SinkError, match="unreachable"):
        pipeline.make_sink(settings)
    assert time.monotonic() - started < 30


# --- a token endpoint that hangs; PENDING messages that end in 404 or are still in flight -------


def test_token_endpoint_that_never_answers_is_bounded_and_exits_non_zero(
    tmp_path, tiny_truth, sandbox_api
):
    """The SDK 0.117 posts to the token endpoint with no timeout (oauth.retrieve_token): a token
    endpoint that accepts the connection and never answers held the run for as long as it hung.
    Now the POST is bounded by the request timeout, the workspace is skipped, the exit code is 3.
    """
    # Only the token route hangs (10 min, far above the 2 s timeout); discovery answers normally.
    # The bound is not timed here (shared machines are slow): an unbounded POST would hold the
    # run for the whole 10 minutes, so the subprocess timeout (5 min) fails the test then.
    sandbox_api.set_faults(path_prefix="/oidc/v1/token", rate_slow=1.0, slow_ms=600_000)
    db = write_to_fetch(tmp_path / "w.duckdb", tiny_truth, sandbox_api.urls)
    proc = subprocess.run(
        [sys.executable, "-m", "genie_ingest.cli", "messages", "--no-progress"],
        env=_cli_env(db, GENIE_INGEST_REQUEST_TIMEOUT="2"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 3, proc.stderr
    assert f"workspace {WS_A} skipped" in proc.stderr and "token" in proc.stderr.lower()
    assert "Traceback" not in proc.stderr
    assert rows(db, "select count(*) from genie_landing.message_fetch_errors") == [(0,)]


def test_pending_message_that_later_answers_not_found_leaves_pending(
    analytics_db, tiny_truth, sandbox_api
):
    """A message landed PENDING whose next fetch answers 404 is final: its details row must not
    stay PENDING for ever (it is never fetched again); it becomes TERMINAL with the 404 kept."""
    deleted = tiny_truth["by_name"]["deleted"]["message_id"]
    sandbox_api.set_faults(
        message_bodies={deleted: {"message_id": deleted, "status": "EXECUTING_QUERY"}}
    )
    _run(analytics_db)
    state = (
        "select fetch_state, api_fetch_status from genie_landing.message_details "
        "where message_id = ?"
    )
    assert rows(analytics_db, state, [deleted]) == [(PENDING, "SUCCESS")]
    sandbox_api.set_faults(message_bodies={})  # the sandbox truth: deleted, 404
    summary = _run(analytics_db)
    assert summary.failed["NOT_FOUND"] == 1
    assert rows(analytics_db, state, [deleted]) == [(TERMINAL, "NOT_FOUND")]
    sandbox_api.reset_stats()
    _run(analytics_db)
    assert not [p for p in sandbox_api.stats()["by_path"] if p.endswith(deleted)]


def test_demo_in_flight_messages_are_pending_not_stale(tmp_path):
    """The demo's first run landed the generator's in-flight messages (created in the last
    minutes of its fixed calendar, weeks before the wall clock) as STALE. A message's age is now
    counted at the answer's HTTP Date, and `sandbox serve` answers at the end of its calendar."""
    from genie_sandbox import generate as gen
    from genie_sandbox import server
    from genie_sandbox.api_data import load_sandbox, newest_event
    from genie_sandbox.gen_common import GenConfig

    path = tmp_path / "sandbox.duckdb"
    gen.generate(GenConfig(seed=5, days=2, workspaces=1, users=10, queries_per_day=300), path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        in_flight = con.execute(
            "select workspace_id, message_id, space_id, conversation_id "
            "from sandbox_truth.genie_messages "
            "where status not in ('COMPLETED', 'FAILED', 'CANCELLED', 'QUERY_RESULT_EXPIRED')"
        ).fetchall()
    finally:
        con.close()
    assert in_flight, "the generator always leaves the last minutes' messages in flight"
    assert server.build_parser().parse_args(["--db", str(path)]).clock == "data"
    truth = {
        "workspaces": [{"workspace_id": in_flight[0][0], "workspace_name": "ws"}],
        "messages": [
            dict(zip(("workspace_id", "message_id", "space_id", "conversation_id"), r, strict=True))
            for r in in_flight
        ],
    }
    world = newest_event(load_sandbox(path))
    with server.SandboxApi(
        path, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, world_start=world
    ) as api:
        db = write_to_fetch(tmp_path / "w.duckdb", truth, api.urls)
        summary = _run(db, stale_after_hours=24.0)  # the real rule, unchanged
    assert summary.landed == len(in_flight)
    assert (summary.pending, summary.stale) == (len(in_flight), 0)
