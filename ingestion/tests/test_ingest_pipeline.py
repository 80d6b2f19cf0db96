"""The ingestion against the sandbox Genie API on loopback, with the real databricks-sdk client.

Retries never really sleep: the fetcher gets a FakeClock. Only the timeout test waits for a real
socket timeout (a fraction of a second).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from ingest_helpers import FakeClock, rows, test_settings, write_to_fetch

from genie_ingest import cli, pipeline
from genie_ingest.records import MessageKey
from genie_ingest.sinks import DuckDBSink, Filters
from genie_sandbox.pytest_fixtures import CLIENT_ID, CLIENT_SECRET, WS_A, WS_B

TERMINAL = ["completed_full", "completed_no_title", "text_only", "failed", "cancelled", "expired"]
# The still-executing message lands too, as PENDING with its current status (a message that
# never reaches a final state is still kept).
LANDABLE = [*TERMINAL, "other_workspace", "executing"]


@pytest.fixture
def analytics_db(tmp_path: Path, tiny_truth, sandbox_api) -> Path:
    return write_to_fetch(tmp_path / "warehouse.duckdb", tiny_truth, sandbox_api.urls)


def _run(
    db: Path,
    clock: FakeClock | None = None,
    command: str = "messages",
    before_commit: Any = None,
    **overrides: Any,
):
    settings = test_settings(db, CLIENT_ID, CLIENT_SECRET, **overrides)
    sink = DuckDBSink(db, settings.analytics_schema, settings.landing_schema, before_commit)
    sink.ensure_tables()
    try:
        fetcher = pipeline.build_fetcher(settings, clock or FakeClock())
        run = pipeline.run_messages if command == "messages" else pipeline.run_spaces
        return run(settings, sink, fetcher, Filters())
    finally:
        sink.close()


def _ids(truth, names: list[str]) -> set[str]:
    return {truth["by_name"][n]["message_id"] for n in names}


def _landed(db: Path) -> list[str]:
    return [r[0] for r in rows(db, "select message_id from genie_landing.message_details")]


def _errors(db: Path) -> dict[str, tuple]:
    return {
        r[0]: r[1:]
        for r in rows(
            db,
            "select message_id, error_type, http_status, retry_count, resolved, resolved_at "
            "from genie_landing.message_fetch_errors",
        )
    }


def test_first_run_lands_terminal_messages_and_records_errors(
    analytics_db, tiny_truth, sandbox_api
):
    summary = _run(analytics_db)
    assert summary.landed == 8 and summary.pending == 1
    assert dict(summary.failed) == {"NOT_FOUND": 1, "AUTH_ERROR": 1}
    assert set(_landed(analytics_db)) == _ids(tiny_truth, LANDABLE)
    errors = _errors(analytics_db)
    assert errors[tiny_truth["by_name"]["deleted"]["message_id"]][:3] == ("NOT_FOUND", 404, 0)
    assert errors[tiny_truth["by_name"]["forbidden"]["message_id"]][:3] == ("AUTH_ERROR", 403, 0)
    full = tiny_truth["by_name"]["completed_full"]
    (row,) = rows(
        analytics_db,
        "select status, statement_id, query_sql, feedback_rating, user_id, workspace_name, "
        "created_timestamp, api_fetch_status from genie_landing.message_details "
        "where message_id = ?",
        [full["message_id"]],
    )
    assert row == (
        "COMPLETED",
        full["statement_id"],
        full["query_sql"],
        "POSITIVE",
        full["user_id"],
        "sales-prod",
        full["created_timestamp"],
        "SUCCESS",
    )
    (failed_type,) = rows(
        analytics_db,
        "select error_type from genie_landing.message_details where message_id = ?",
        [tiny_truth["by_name"]["failed"]["message_id"]],
    )[0]
    assert failed_type == "SQL_EXECUTION_EXCEPTION"


def test_second_run_fetches_nothing_already_landed(analytics_db, tiny_truth, sandbox_api):
    _run(analytics_db)
    sandbox_api.reset_stats()
    summary = _run(analytics_db)
    # Only the still-executing message and the 403 (AUTH_ERROR: retried on a later run) again;
    # never a landed one, never the 404.
    fetched = {
        path.rsplit("/", 1)[-1]
        for path, by_status in sandbox_api.stats()["by_path"].items()
        if "/messages/" in path
    }
    assert fetched == _ids(tiny_truth, ["executing", "forbidden"])
    assert sandbox_api.count(route="get_message") == 2
    # The PENDING message is landed again (its row updated), never duplicated.
    assert summary.landed == 1 and summary.pending == 1 and summary.selected == 2
    forbidden = tiny_truth["by_name"]["forbidden"]["message_id"]
    assert _errors(analytics_db)[forbidden][2] == 1  # retry_count incremented, one row
    assert len(_landed(analytics_db)) == len(set(_landed(analytics_db))) == 8


def test_retry_count_limit_stops_retrying(analytics_db, tiny_truth, sandbox_api):
    for _ in range(4):
        _run(analytics_db, max_retry_count=2)
    forbidden = tiny_truth["by_name"]["forbidden"]["message_id"]
    assert _errors(analytics_db)[forbidden][2] == 2
    sandbox_api.reset_stats()
    summary = _run(analytics_db, max_retry_count=2)
    assert summary.selected == 1  # only the executing message is left
    assert sandbox_api.count(route="get_message") == 1


def test_429_storm_is_retried_with_retry_after_and_no_real_sleep(analytics_db, sandbox_api):
    clock = FakeClock()
    sandbox_api.set_faults(storm_429=4, retry_after_s=2)
    summary = _run(analytics_db, clock=clock, concurrency=1)
    assert summary.landed == 8 and "RATE_LIMITED" not in summary.failed
    assert sandbox_api.count(route="get_message", status=429) == 4
    waits = [s for s in clock.sleeps if s >= 2.0]
    assert len(waits) == 4 and all(w <= 2.2 for w in waits)  # Retry-After + <=10% jitter


def test_429_exhausted_is_rate_limited_then_heals_next_run(analytics_db, tiny_truth, sandbox_api):
    sandbox_api.set_faults(rate_429=1.0, retry_after_s=1)
    summary = _run(analytics_db, max_attempts=3)
    # The throttle answers before the 404/403 checks: every message is RATE_LIMITED.
    assert dict(summary.failed) == {"RATE_LIMITED": 10}
    assert sandbox_api.count(route="get_message") == 30
    sandbox_api.set_faults(rate_429=0.0)
    summary = _run(analytics_db)
    assert summary.landed == 8
    errors = _errors(analytics_db)
    healed = tiny_truth["by_name"]["completed_full"]["message_id"]
    assert errors[healed][0] == "RATE_LIMITED" and errors[healed][3] is True
    assert errors[healed][4] is not None  # resolved_at


def test_500_and_503_are_retried(analytics_db, sandbox_api):
    sandbox_api.set_faults(script=("500", "503", "500", "ok", "503"))
    summary = _run(analytics_db, concurrency=1)
    assert summary.landed == 8 and "FAILED" not in summary.failed
    assert summary.requests == 10 + 4


def test_malformed_json_is_failed_after_bounded_attempts(analytics_db, tiny_truth, sandbox_api):
    sandbox_api.set_faults(rate_malformed=1.0)
    summary = _run(analytics_db, max_attempts=2)
    # 404/403 answers are error bodies, not cut: only the 8 fetchable messages hit the fault.
    assert dict(summary.failed) == {"MALFORMED_RESPONSE": 8, "NOT_FOUND": 1, "AUTH_ERROR": 1}
    assert summary.requests == 8 * 2 + 2
    message = rows(
        analytics_db,
        "select error_message, raw_response from genie_landing.message_fetch_errors "
        "where error_type = 'MALFORMED_RESPONSE'",
    )
    assert len(message) == 8 and all("malformed JSON" in m for m, _ in message)
    assert all(raw and raw.startswith("{") for _, raw in message)  # the cut body, kept aside


def test_timeouts_are_recorded_as_timeout(analytics_db, tiny_truth, sandbox_api, tmp_path):
    db = write_to_fetch(
        tmp_path / "one.duckdb", tiny_truth, sandbox_api.urls, names=["completed_full"]
    )
    sandbox_api.set_faults(rate_slow=1.0, slow_ms=3000)
    summary = _run(db, request_timeout_seconds=0.3, max_attempts=2)
    assert dict(summary.failed) == {"TIMEOUT": 1} and summary.requests == 2


def test_expired_token_is_refreshed_once(analytics_db, sandbox_api):
    settings = test_settings(analytics_db, CLIENT_ID, CLIENT_SECRET, concurrency=1)
    sink = DuckDBSink(analytics_db, settings.analytics_schema, settings.landing_schema)
    sink.ensure_tables()
    fetcher = pipeline.build_fetcher(settings, FakeClock())
    first = pipeline.run_messages(settings, sink, fetcher, Filters(limit=2))
    tokens_before = sandbox_api.count(route="token")
    sandbox_api.revoke_tokens()  # the cached tokens now answer 401
    second = pipeline.run_messages(settings, sink, fetcher, Filters())
    sink.close()
    assert first.landed == 2 and second.landed == 6
    # Only the sandbox's real 404 and 403: the 401 healed by one token refresh.
    assert dict(second.failed) == {"NOT_FOUND": 1, "AUTH_ERROR": 1}
    assert sandbox_api.count(route="get_message", status=401) >= 1
    assert sandbox_api.count(route="token") > tokens_before


def test_wrong_secret_is_run_wide_and_never_leaks(analytics_db, sandbox_api, caplog, capsys):
    wrong = "dose-wrong-secret-0123456789"  # noqa: S105 - test value
    settings = test_settings(analytics_db, CLIENT_ID, wrong)
    sink = DuckDBSink(analytics_db, settings.analytics_schema, settings.landing_schema)
    sink.ensure_tables()
    summary = pipeline.run_messages(
        settings, sink, pipeline.build_fetcher(settings, FakeClock()), Filters()
    )
    sink.close()
    # A run-wide failure (the token refused) is not the messages' fault: nothing is counted against
    # them (no error rows, no retry spent), both workspaces are named as skipped.
    assert dict(summary.failed) == {} and summary.not_attempted == 10
    assert set(summary.unavailable) == {WS_A, WS_B}
    assert all("NO_TOKEN" in why for why in summary.unavailable.values())
    assert rows(analytics_db, "select count(*) from genie_landing.message_fetch_errors") == [(0,)]
    dumped = rows(analytics_db, "select * from genie_landing.message_fetch_errors") + rows(
        analytics_db, "select * from genie_landing.message_details"
    )
    everything = repr(dumped) + caplog.text + capsys.readouterr().out + summary.line()
    assert wrong not in everything and CLIENT_SECRET not in everything
    assert sandbox_api.count(route="get_message") == 0


def test_spaces_merge_with_serialized_space(analytics_db, tiny_truth, sandbox_api):
    first = _run(analytics_db, command="spaces")
    second = _run(analytics_db, command="spaces")
    assert first.landed == second.landed == 3 and dict(first.failed) == {"AUTH_ERROR": 1}
    got = {
        r[0]: r[1:]
        for r in rows(
            analytics_db,
            "select space_id, title, serialized_space, create_time, warehouse_id "
            "from genie_landing.genie_space_details",
        )
    }
    assert len(got) == 3
    orders = tiny_truth["by_name"]["space_orders"]
    assert got[orders["space_id"]] == (
        orders["title"],
        orders["serialized_space"],
        orders["create_time"],
        orders["warehouse_id"],
    )


def test_crash_inside_a_batch_loses_and_duplicates_nothing(analytics_db, tiny_truth, sandbox_api):
    calls = {"n": 0}

    def crash_on_second_batch() -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("injected crash inside land_batch")

    with pytest.raises(RuntimeError, match="injected"):
        _run(analytics_db, batch_size=4, before_commit=crash_on_second_batch)
    # Batch 1 (the first 4 completed fetches) committed, batch 2 rolled back whole: what is
    # there is at most those 4 results, messages and error rows, none of batch 2.
    before_landed = set(_landed(analytics_db))
    before_errors = _errors(analytics_db)
    assert 1 <= len(before_landed) + len(before_errors) <= 4
    summary = _run(analytics_db, batch_size=4)
    landed = _landed(analytics_db)
    assert sorted(landed) == sorted(set(landed)) and set(landed) == _ids(tiny_truth, LANDABLE)
    not_retried = {m for m, e in before_errors.items() if e[0] == "NOT_FOUND"}
    final_before = before_landed - _ids(tiny_truth, ["executing"])  # PENDING is fetched again
    assert summary.selected == len(tiny_truth["messages"]) - len(final_before) - len(not_retried)
    assert len(_errors(analytics_db)) == 2


def test_sigkill_after_first_batch_then_restart(analytics_db, tiny_truth, sandbox_api):
    """A real process killed with SIGKILL right after its first batch committed."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from genie_ingest import cli, sinks
        commits = {{"n": 0}}
        real_land = sinks.DuckDBSink.land_batch
        def land_then_die(self, messages, errors, attachments=()):
            real_land(self, messages, errors, attachments)
            commits["n"] += 1
            if commits["n"] == 1:
                os.kill(os.getpid(), signal.SIGKILL)
        sinks.DuckDBSink.land_batch = land_then_die
        raise SystemExit(cli.main(["messages", "--db", {str(analytics_db)!r},
                                   "--batch-size", "3", "--no-progress"]))
        """
    )
    env = {
        **os.environ,
        "DATABRICKS_SP_CLIENT_ID": CLIENT_ID,
        "DATABRICKS_SP_CLIENT_SECRET": CLIENT_SECRET,
        "DATABRICKS_CONFIG_FILE": str(analytics_db.parent / "no-databrickscfg"),
    }
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    # The first batch is the first 3 *completed* fetches (a sliding window, so which ones is
    # timing-dependent): landed messages and error rows; a still-pending message is not written.
    before_landed = set(_landed(analytics_db))
    before_errors = _errors(analytics_db)
    assert 1 <= len(before_landed) + len(before_errors) <= 3
    assert len(_landed(analytics_db)) == len(before_landed)  # no duplicate rows
    sandbox_api.reset_stats()
    summary = _run(analytics_db, batch_size=3)
    landed = _landed(analytics_db)
    assert sorted(landed) == sorted(set(landed)) and set(landed) == _ids(tiny_truth, LANDABLE)
    # The restart fetches exactly what the killed run had not settled (a 404 is never retried).
    not_retried = {m for m, e in before_errors.items() if e[0] == "NOT_FOUND"}
    final_before = before_landed - _ids(tiny_truth, ["executing"])  # PENDING is fetched again
    expected = len(tiny_truth["messages"]) - len(final_before) - len(not_retried)
    assert summary.selected == expected
    assert sandbox_api.count(route="get_message") == expected


def test_cli_exit_codes_and_summary(analytics_db, sandbox_api, monkeypatch, capsys, tmp_path):
    for key in list(os.environ):
        if key.startswith("DATABRICKS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("GENIE_ANALYTICS_DUCKDB", str(analytics_db))
    with pytest.raises(SystemExit) as exited:  # no credentials
        cli.main(["messages", "--no-progress"])
    assert exited.value.code == 2
    assert "DATABRICKS_SP_CLIENT_ID" in capsys.readouterr().err
    assert cli.main(["messages", "--dry-run", "--workspace-id", WS_A]) == 0
    assert "would fetch 9 messages from workspace" in capsys.readouterr().out
    monkeypatch.setenv("DATABRICKS_SP_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("DATABRICKS_SP_CLIENT_SECRET", CLIENT_SECRET)
    assert cli.main(["messages", "--no-progress", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "genie-ingest messages: selected=3 landed=3" in out and CLIENT_SECRET not in out
    monkeypatch.setenv("GENIE_ANALYTICS_DUCKDB", str(tmp_path / "missing.duckdb"))
    with pytest.raises(SystemExit) as exited:
        cli.main(["spaces", "--no-progress"])
    assert exited.value.code == 2


def test_more_fetch_threads_than_the_default_pool_reuse_their_connections(
    analytics_db, tiny_truth, sandbox_api, caplog
):
    # requests keeps 10 connections per host unless told otherwise; a fetcher with more threads
    # used to open and drop a TCP connection per request beyond that (urllib3 logs it).
    caplog.set_level("WARNING", logger="urllib3.connectionpool")
    settings = test_settings(analytics_db, CLIENT_ID, CLIENT_SECRET, concurrency=16)
    fetcher = pipeline.build_fetcher(settings, FakeClock())
    url = sandbox_api.urls[WS_A]
    keys = [
        MessageKey(WS_A, m["message_id"], m["space_id"], m["conversation_id"], None, url)
        for m in tiny_truth["messages"]
        if m["workspace_id"] == WS_A
    ] * 8
    results = list(pipeline.stream_messages(fetcher, keys, concurrency=16))
    assert len(results) == len(keys)
    assert not [r for r in caplog.records if "pool is full" in r.getMessage()]
