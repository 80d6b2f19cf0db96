"""Pure parts of the ingestion: settings, scrubbing, backoff, rate limit, rows, Databricks SQL."""

from __future__ import annotations

import json
import random
from pathlib import Path
from types import SimpleNamespace

import pytest
from databricks.sdk.service.sql import StatementState
from ingest_helpers import FakeClock

from genie_ingest.records import MessageKey, parse_message, space_row
from genie_ingest.redaction import scrub
from genie_ingest.retry import RetryPolicy, TokenBucket
from genie_ingest.settings import ConfigError, Secret, Settings, load_settings
from genie_ingest.sinks import DatabricksSink, Filters, SinkError

SECRET = "dose-super-secret-value-42"  # noqa: S105 - test value


# --- settings ----------------------------------------------------------------------------------


def test_settings_env_beats_file_beats_defaults(tmp_path: Path) -> None:
    config = tmp_path / "ingest.toml"
    config.write_text('concurrency = 3\nbatch_size = 7\nlanding_schema = "from_file"\n')
    env = {"GENIE_INGEST_CONCURRENCY": "11", "DATABRICKS_SP_CLIENT_SECRET": SECRET}
    settings = load_settings(env=env, config_file=config, secret_reader=lambda key: None)
    assert settings.concurrency == 11  # env wins
    assert settings.batch_size == 7  # file
    assert settings.landing_schema == "from_file"
    assert settings.max_retry_count == 5  # default
    assert settings.client_secret == Secret(SECRET)
    assert settings.client_id is None


def test_settings_never_print_secrets() -> None:
    settings = Settings(client_id=Secret("sp-id-123"), client_secret=Secret(SECRET))
    for text in (repr(settings), str(settings), f"{settings}", f"{settings.client_secret}"):
        assert SECRET not in text
        assert "sp-id-123" not in text
    assert "client_secret=<set>" in repr(settings)


def test_secrets_come_from_the_scope_when_env_is_empty() -> None:
    scope = {"sp_client_id": "id-from-scope", "sp_client_secret": SECRET}
    settings = load_settings(env={}, secret_reader=scope.get)
    client_id, client_secret = settings.require_credentials()
    assert (client_id.reveal(), client_secret.reveal()) == ("id-from-scope", SECRET)


def test_missing_credentials_name_the_variables_not_values() -> None:
    settings = load_settings(env={}, secret_reader=lambda key: None)
    with pytest.raises(ConfigError, match="DATABRICKS_SP_CLIENT_ID"):
        settings.require_credentials()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GENIE_LANDING_SCHEMA": "x; drop table y"}, "identifier"),
        ({"GENIE_INGEST_SINK": "postgres"}, "GENIE_INGEST_SINK"),
        ({"GENIE_INGEST_CONCURRENCY": "0"}, "concurrency"),
        ({"GENIE_INGEST_BATCH_SIZE": "many"}, "GENIE_INGEST_BATCH_SIZE"),
        ({"GENIE_INGEST_CONCURRENCY": "0"}, "GENIE_INGEST_CONCURRENCY"),
        # nan passed `<= 0` and turned the token bucket off; inf is no bound either.
        ({"GENIE_INGEST_RATE_LIMIT": "nan"}, "GENIE_INGEST_RATE_LIMIT .* finite"),
        ({"GENIE_INGEST_RATE_LIMIT": "inf"}, "GENIE_INGEST_RATE_LIMIT .* finite"),
        ({"GENIE_INGEST_REQUEST_TIMEOUT": "NaN"}, "GENIE_INGEST_REQUEST_TIMEOUT .* finite"),
        ({"GENIE_INGEST_RUN_DEADLINE": "-inf"}, "GENIE_INGEST_RUN_DEADLINE .* finite"),
        ({"GENIE_INGEST_STALE_AFTER_HOURS": "infinity"}, "GENIE_INGEST_STALE_AFTER_HOURS"),
        ({"GENIE_INGEST_REQUEST_DEADLINE": "nan"}, "GENIE_INGEST_REQUEST_DEADLINE"),
    ],
)
def test_invalid_settings_are_config_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env=env, secret_reader=lambda key: None)


def test_secrets_are_refused_in_the_settings_file(tmp_path: Path) -> None:
    config = tmp_path / "ingest.toml"
    config.write_text(f'client_secret = "{SECRET}"\n')
    with pytest.raises(ConfigError, match="unknown settings"):
        load_settings(env={}, config_file=config, secret_reader=lambda key: None)


# --- scrubbing, backoff, rate limit -------------------------------------------------------------


def test_scrub_removes_secrets_tokens_and_oauth_fields() -> None:
    text = (
        f"failed with {SECRET}; Authorization: Bearer eyJabc.def-ghi "
        '{"access_token": "tok123", "client_secret": "zzz"} dosea1b2c3d4e5f6'
    )
    cleaned = scrub(text, [Secret(SECRET)])
    for leaked in (SECRET, "eyJabc", "tok123", "zzz", "dosea1b2c3d4e5f6"):
        assert leaked not in cleaned
    assert len(scrub("x" * 10_000)) == 2000


def test_backoff_is_exponential_bounded_and_honours_retry_after() -> None:
    policy = RetryPolicy(base_delay_seconds=1.0, max_delay_seconds=8.0)
    rng = random.Random(1)
    delays = [policy.delay(attempt, None, rng) for attempt in range(1, 8)]
    ceilings = [1, 2, 4, 8, 8, 8, 8]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert 30 <= policy.delay(1, 30, rng) <= 33  # Retry-After wins over backoff, small jitter


def test_token_bucket_spaces_requests_with_the_injected_clock() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=5.0, clock=clock, capacity=5.0)
    start = clock.time()
    for _ in range(15):
        bucket.acquire()
    # 5 burst, then 10 more at 5/s: two seconds of (fake) waiting, never a real sleep.
    assert clock.time() - start == pytest.approx(2.0, abs=1e-6)


# --- rows --------------------------------------------------------------------------------------

KEY = MessageKey("1234567890123456", "m" * 32, "s" * 32, "c" * 32, "sales-prod", "http://x")


def test_message_row_reads_the_query_attachment_and_tolerates_missing_fields() -> None:
    body = {
        "message_id": "m" * 32,
        "space_id": "s" * 32,
        "conversation_id": "c" * 32,
        "content": "Revenue?",
        "status": "COMPLETED",
        "user_id": 4242,
        "created_timestamp": 1_790_000_000_000,
        "last_updated_timestamp": 1_790_000_009_000,
        "attachments": [
            {"text": {"content": "EMEA leads."}},  # no attachment_id: real answers do that
            {
                "attachment_id": "a1",
                "query": {"query": "select 1", "statement_id": "st1", "future_field": [1]},
            },
        ],
        "feedback": {"rating": "POSITIVE"},
    }
    fetched = parse_message(
        KEY, body, fetched_at=__import__("datetime").datetime(2026, 10, 2), batch_id="b"
    ).row
    assert fetched["statement_id"] == "st1"
    assert fetched["query_sql"] == "select 1"
    assert fetched["query_description"] is None
    assert fetched["attachments_count"] == 2
    assert json.loads(fetched["attachments_json"])[1]["query"]["future_field"] == [1]  # lossless
    assert fetched["feedback_rating"] == "POSITIVE"
    assert str(fetched["created_date"]) == "2026-09-21"
    assert fetched["workspace_name"] == "sales-prod"


def test_space_row_parses_rfc3339_times() -> None:
    body = {"space_id": "s" * 32, "title": "T", "create_time": "2026-09-01T08:00:00Z"}
    row = space_row(SimpleNamespace(workspace_id="1", space_id="s" * 32), body, None)  # type: ignore[arg-type]
    assert row["create_time"].isoformat() == "2026-09-01T08:00:00"
    assert row["update_time"] is None


# --- Databricks sink: parameterised statements only ---------------------------------------------

EVIL = "x'); drop table main.genie.message_details; --"


class FakeStatementExecution:
    """Records execute_statement calls; answers SUCCEEDED (or FAILED) with canned rows."""

    def __init__(self, rows: list[list[str]] | None = None, state=StatementState.SUCCEEDED):
        self.calls: list[dict] = []
        self._rows = rows or []
        self._state = state

    def execute_statement(self, **kwargs):
        self.calls.append(kwargs)
        error = SimpleNamespace(message="boom") if self._state == StatementState.FAILED else None
        return SimpleNamespace(
            statement_id=f"st-{len(self.calls)}",
            status=SimpleNamespace(state=self._state, error=error),
            result=SimpleNamespace(data_array=self._rows, next_chunk_index=None),
        )


def _message(message_id: str) -> dict:
    row = parse_message(
        MessageKey("ws1", message_id, EVIL, EVIL, EVIL, None),
        {"message_id": message_id, "space_id": EVIL, "conversation_id": EVIL, "content": EVIL},
        fetched_at=__import__("datetime").datetime(2026, 10, 2),
        batch_id=EVIL,
    ).row
    return row


def test_databricks_sink_binds_every_data_value_as_a_parameter() -> None:
    se = FakeStatementExecution()
    sink = DatabricksSink(se, "wh1", "main.genie_analytics", "main.genie_landing")
    error = {**_message("m2"), "error_type": "FAILED", "error_message": EVIL}
    sink.ensure_tables()
    sink.land_batch([_message("m1")], [error])
    sink.messages_to_fetch(Filters(workspace_ids=(EVIL,), space_ids=("s1",), limit=5), 5)
    sink.already_landed([("ws1", EVIL)])
    sink.merge_spaces([{"workspace_id": "ws1", "space_id": EVIL, "title": EVIL}])
    for call in se.calls:
        assert EVIL not in call["statement"]
        assert "drop table" not in call["statement"]
        assert call["warehouse_id"] == "wh1"
    bound = json.dumps([[p.value for p in call["parameters"] or []] for call in se.calls])
    assert EVIL.replace("'", "") in bound.replace("'", "")  # the data did travel, as parameters
    merges = [c for c in se.calls if c["statement"].lstrip().startswith("merge into")]
    assert {m["statement"].split()[2] for m in merges} == {
        "main.genie_landing.message_fetch_errors",
        "main.genie_landing.message_details",
        "main.genie_landing.genie_space_details",
    }
    to_fetch = next(c for c in se.calls if "genie_messages_to_fetch" in c["statement"])
    assert "limit 10000" in to_fetch["statement"]  # a keyset page; --limit is applied after
    assert {p.name for p in to_fetch["parameters"]} >= {"workspace_id_0", "space_id_0"}


def test_databricks_sink_lands_errors_before_details_so_a_crash_heals() -> None:
    se = FakeStatementExecution()
    sink = DatabricksSink(se, "wh1", "a", "l")
    sink.land_batch([_message("m1")], [{**_message("m2"), "error_type": "FAILED"}])
    kinds = [c["statement"].split()[0:3] for c in se.calls]
    assert kinds[0][:2] == ["merge", "into"] and kinds[0][2] == "l.message_fetch_errors"
    assert kinds[1][0] == "update"
    assert kinds[2][:3] == ["delete", "from", "l.message_attachments"]
    assert kinds[-1][2] == "l.message_details"
    assert "t.retry_count + 1" in se.calls[0]["statement"]


def test_databricks_sink_checks_the_statement_state() -> None:
    sink = DatabricksSink(FakeStatementExecution(state=StatementState.FAILED), "wh1", "a", "l")
    with pytest.raises(SinkError, match="boom"):
        sink.ensure_tables()


def test_databricks_sink_parses_rows() -> None:
    row = ["ws1", "m1", "s1", "c1", "prod", "http://h", "2", "1790000000000000"]
    se = FakeStatementExecution(rows=[row])
    keys = DatabricksSink(se, "wh1", "a", "l").messages_to_fetch(Filters(), 5)
    first = __import__("datetime").datetime(2026, 9, 21, 14, 13, 20)
    assert keys == [MessageKey("ws1", "m1", "s1", "c1", "prod", "http://h", 2, first)]


def test_interleave_workspaces_round_robins_and_keeps_each_order() -> None:
    from genie_ingest.pipeline import interleave_workspaces
    from genie_ingest.records import MessageKey

    def key(ws: str, n: int) -> MessageKey:
        return MessageKey(ws, f"{ws}{n}", "s", "c", None, None)

    keys = [key("a", 1), key("a", 2), key("a", 3), key("b", 1), key("c", 1), key("c", 2)]
    order = [k.message_id for k in interleave_workspaces(keys)]
    assert order == ["a1", "b1", "c1", "a2", "c2", "a3"]
    assert interleave_workspaces([]) == []
