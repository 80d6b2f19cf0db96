"""The sandbox Genie API, exercised through the real databricks-sdk client and raw HTTP.

What matters is that the SDK the ingestion uses parses our answers and reacts to our failures as
it would to Databricks: OAuth discovery + token, message/space shapes, error classes, the SDK's
own 429 retry and token refresh. Raw ``requests`` calls cover what the SDK hides (headers,
truncated bodies, timeouts, per-workspace tokens).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from databricks.sdk.errors import (
    BadRequest,
    InternalError,
    NotFound,
    PermissionDenied,
    ResourceDoesNotExist,
    Unauthenticated,
)
from databricks.sdk.service.dashboards import GenieFeedbackRating, MessageErrorType, MessageStatus

from genie_sandbox import server as server_module
from genie_sandbox.api_auth import TokenStore
from genie_sandbox.api_data import message_json
from genie_sandbox.api_faults import FaultConfig, FaultInjector
from genie_sandbox.pytest_fixtures import (
    CLIENT_ID,
    CLIENT_SECRET,
    WS_A,
    WS_B,
    build_tiny_truth,
    write_truth_db,
)
from genie_sandbox.server import SandboxApi


def _get_message(w, row):
    return w.genie.get_message(row["space_id"], row["conversation_id"], row["message_id"])


def _token(url: str, client_id: str = CLIENT_ID, secret: str = CLIENT_SECRET) -> requests.Response:
    return requests.post(
        f"{url}/oidc/v1/token",
        data={"grant_type": "client_credentials", "scope": "all-apis"},
        auth=(client_id, secret),
        timeout=5,
    )


def _bearer(url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(url).json()['access_token']}"}


# --- messages ---------------------------------------------------------------------------------


def test_completed_message_parses_with_all_attachments(workspace_client, tiny_truth):
    row = tiny_truth["by_name"]["completed_full"]
    msg = _get_message(workspace_client(), row)

    assert msg.message_id == msg.id == row["message_id"]
    assert (msg.space_id, msg.conversation_id) == (row["space_id"], row["conversation_id"])
    assert msg.status == MessageStatus.COMPLETED
    assert msg.user_id == row["user_id"] and isinstance(msg.user_id, int)
    assert msg.created_timestamp == row["created_timestamp"]  # epoch ms
    assert msg.last_updated_timestamp == row["last_updated_timestamp"]
    assert msg.feedback.rating == GenieFeedbackRating.POSITIVE
    assert msg.error is None

    query = next(a.query for a in msg.attachments if a.query)
    assert query.query == row["query_sql"]
    assert query.statement_id == row["statement_id"]
    assert query.query_result_metadata.row_count == row["row_count"]
    assert query.title == row["query_title"]
    assert query.description == row["query_description"]
    text = next(a.text for a in msg.attachments if a.text)
    assert text.content == row["text_answer"]
    suggested = next(a.suggested_questions for a in msg.attachments if a.suggested_questions)
    assert suggested.questions == json.loads(row["suggested_questions"])
    assert msg.query_result.statement_id == row["statement_id"]  # deprecated mirror


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("completed_no_title", MessageStatus.COMPLETED),
        ("text_only", MessageStatus.COMPLETED),
        ("failed", MessageStatus.FAILED),
        ("cancelled", MessageStatus.CANCELLED),
        ("expired", MessageStatus.QUERY_RESULT_EXPIRED),
        ("executing", MessageStatus.EXECUTING_QUERY),
    ],
)
def test_message_statuses(workspace_client, tiny_truth, name, status):
    row = tiny_truth["by_name"][name]
    msg = _get_message(workspace_client(), row)
    assert msg.status == status
    queries = [a.query for a in msg.attachments or [] if a.query]
    assert [q.statement_id for q in queries] == ([row["statement_id"]] if row["query_sql"] else [])
    if name == "completed_no_title":
        assert queries[0].title is None
        assert msg.feedback.rating == GenieFeedbackRating.NONE
    if name == "text_only":
        assert [a.text.content for a in msg.attachments] == [row["text_answer"]]
    if name == "failed":
        assert msg.error.type == MessageErrorType.SQL_EXECUTION_EXCEPTION
        assert msg.error.error == row["error_message"]
    if name == "executing":
        assert queries[0].query_result_metadata is None
    if name == "cancelled":
        assert msg.attachments is None or msg.attachments == []


def test_absent_fields_are_omitted_not_null(sandbox_api, tiny_truth):
    row = tiny_truth["by_name"]["cancelled"]
    url = sandbox_api.urls[WS_A]
    path = (
        f"/api/2.0/genie/spaces/{row['space_id']}/conversations/{row['conversation_id']}"
        f"/messages/{row['message_id']}"
    )
    body = requests.get(url + path, headers=_bearer(url), timeout=5).json()
    assert None not in body.values()
    assert "attachments" not in body and "error" not in body and "feedback" not in body


def test_text_attachment_id_sometimes_absent_but_stable():
    base = build_tiny_truth()["by_name"]["text_only"]
    rows = [dict(base, message_id=f"{i:032x}") for i in range(40)]
    has_id = [
        "attachment_id" in message_json(r)["attachments"][0] for r in rows
    ]  # pure function of the message id
    assert 0 < sum(has_id) < len(rows)
    assert has_id == ["attachment_id" in message_json(r)["attachments"][0] for r in rows]


def test_deleted_and_unknown_messages_are_not_found(workspace_client, tiny_truth):
    w = workspace_client()
    with pytest.raises(ResourceDoesNotExist):
        _get_message(w, tiny_truth["by_name"]["deleted"])
    row = dict(tiny_truth["by_name"]["completed_full"], message_id="0" * 32)
    with pytest.raises(NotFound):
        _get_message(w, row)
    # Right message id, wrong conversation: also unknown.
    row = dict(tiny_truth["by_name"]["completed_full"], conversation_id="f" * 32)
    with pytest.raises(NotFound):
        _get_message(w, row)
    # A message of workspace B does not exist on workspace A.
    with pytest.raises(NotFound):
        _get_message(w, tiny_truth["by_name"]["other_workspace"])
    assert _get_message(workspace_client(WS_B), tiny_truth["by_name"]["other_workspace"])


def test_forbidden_space_is_permission_denied(workspace_client, sandbox_api, tiny_truth):
    w = workspace_client()
    with pytest.raises(PermissionDenied):
        _get_message(w, tiny_truth["by_name"]["forbidden"])
    with pytest.raises(PermissionDenied):
        w.genie.get_space(tiny_truth["by_name"]["space_payroll"]["space_id"])
    # Extra forbidden spaces can be switched on at runtime.
    row = tiny_truth["by_name"]["completed_full"]
    with (
        sandbox_api.faults(forbidden_spaces=frozenset({row["space_id"]})),
        pytest.raises(PermissionDenied),
    ):
        _get_message(w, row)
    assert _get_message(w, row).status == MessageStatus.COMPLETED


# --- spaces -----------------------------------------------------------------------------------


def test_get_space_serialized_only_when_asked(workspace_client, sandbox_api, tiny_truth):
    row = tiny_truth["by_name"]["space_orders"]
    w = workspace_client()
    full = w.genie.get_space(row["space_id"], include_serialized_space=True)
    assert full.serialized_space == row["serialized_space"]
    assert (full.title, full.warehouse_id, full.etag) == (
        row["title"],
        row["warehouse_id"],
        row["etag"],
    )
    assert full.parent_path == row["parent_path"]
    assert w.genie.get_space(row["space_id"]).serialized_space is None
    with pytest.raises(NotFound):
        w.genie.get_space("e" * 32)

    url = sandbox_api.urls[WS_A]
    raw = requests.get(
        f"{url}/api/2.0/genie/spaces/{row['space_id']}", headers=_bearer(url), timeout=5
    ).json()
    assert raw["create_time"] == "2026-09-01T08:00:00Z"
    assert raw["update_time"] == "2026-09-20T17:30:15.250Z"


def test_list_spaces_pages_and_hides_forbidden(workspace_client, tiny_truth):
    w = workspace_client()
    seen, token, pages = [], None, 0
    while True:
        page = w.genie.list_spaces(page_size=1, page_token=token)
        pages += 1
        assert len(page.spaces) == 1
        assert page.spaces[0].serialized_space is None
        seen += [s.space_id for s in page.spaces]
        token = page.next_page_token
        if not token:
            break
    expected = sorted(
        s["space_id"]
        for s in tiny_truth["spaces"]
        if s["workspace_id"] == WS_A and not s["is_forbidden"]
    )
    assert seen == expected and pages == 2
    assert [s.space_id for s in w.genie.list_spaces().spaces] == expected
    with pytest.raises(BadRequest):
        w.genie.list_spaces(page_token="not-a-token")


# --- OAuth ------------------------------------------------------------------------------------


def test_oauth_discovery_and_token_endpoint(sandbox_api):
    url = sandbox_api.urls[WS_A]
    meta = requests.get(f"{url}/oidc/.well-known/oauth-authorization-server", timeout=5).json()
    assert meta["token_endpoint"] == f"{url}/oidc/v1/token"
    assert {"issuer", "authorization_endpoint"} <= set(meta)

    basic = _token(url)
    assert basic.status_code == 200
    assert basic.json()["token_type"] == "Bearer"
    assert basic.json()["expires_in"] == 3600 and basic.json()["scope"] == "all-apis"
    form = requests.post(
        f"{url}/oidc/v1/token",
        data={
            "grant_type": "client_credentials",
            "scope": "all-apis",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
        timeout=5,
    )
    assert form.status_code == 200 and form.json()["access_token"]

    wrong = _token(url, secret="nope")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    bad_grant = requests.post(
        f"{url}/oidc/v1/token", data={"grant_type": "password"}, auth=(CLIENT_ID, CLIENT_SECRET)
    )
    assert bad_grant.status_code == 400


def test_sdk_with_wrong_secret_fails(workspace_client, tiny_truth):
    with pytest.raises(Exception, match="invalid_client"):
        w = workspace_client(client_secret="wrong-secret")
        _get_message(w, tiny_truth["by_name"]["completed_full"])


def test_api_needs_a_token_of_this_workspace(sandbox_api):
    url_a, url_b = sandbox_api.urls[WS_A], sandbox_api.urls[WS_B]
    no_token = requests.get(f"{url_a}/api/2.0/genie/spaces", timeout=5)
    assert no_token.status_code == 401
    assert no_token.json()["error_code"] == "UNAUTHENTICATED"
    cross = requests.get(f"{url_b}/api/2.0/genie/spaces", headers=_bearer(url_a), timeout=5)
    assert cross.status_code == 401
    mismatch = requests.get(
        f"{url_a}/api/2.0/genie/spaces",
        headers={**_bearer(url_a), "X-Databricks-Workspace-Id": WS_B},
        timeout=5,
    )
    assert mismatch.status_code == 400


def test_short_lived_tokens_are_refreshed_by_the_sdk(workspace_client, sandbox_api, tiny_truth):
    sandbox_api.set_faults(token_ttl_s=1)
    w = workspace_client()
    row = tiny_truth["by_name"]["completed_full"]
    for _ in range(3):
        assert _get_message(w, row).status == MessageStatus.COMPLETED
        time.sleep(1.05)  # let the server-side lifetime pass: a stale token would now get 401
    assert sandbox_api.count("get_message", 401) == 0
    assert sandbox_api.count("get_message", 200) == 3
    assert sandbox_api.stats()["tokens_issued"][WS_A] >= 3


def test_tokens_are_cached_by_the_sdk(workspace_client, sandbox_api, tiny_truth):
    w = workspace_client()
    for _ in range(5):
        _get_message(w, tiny_truth["by_name"]["completed_full"])
    assert sandbox_api.count("token", 200) == 1


def test_revoked_token_is_unauthenticated(workspace_client, sandbox_api, tiny_truth):
    w = workspace_client()
    row = tiny_truth["by_name"]["completed_full"]
    _get_message(w, row)
    assert sandbox_api.revoke_tokens() == 1
    with pytest.raises(Unauthenticated):
        _get_message(w, row)


def test_token_store_enforces_expiry_with_injected_clock():
    now = [100.0]
    store = TokenStore("id", "secret", clock=lambda: now[0])
    token = store.issue("ws", ttl_s=60)
    assert store.check(f"Bearer {token}", "ws") is None
    now[0] += 59.9
    assert store.check(f"Bearer {token}", "ws") is None
    now[0] += 0.2
    assert store.check(f"Bearer {token}", "ws") == "Access token expired"
    assert store.check("Bearer nope", "ws") == "Invalid access token"
    assert not store.client_is_valid("id", "wrong") and store.client_is_valid("id", "secret")


# --- faults -----------------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_by_the_sdk(workspace_client, sandbox_api, tiny_truth):
    sandbox_api.set_faults(script=("429", "429"), retry_after_s=0)
    msg = _get_message(workspace_client(), tiny_truth["by_name"]["completed_full"])
    assert msg.status == MessageStatus.COMPLETED
    assert sandbox_api.count("get_message", 429) == 2
    assert sandbox_api.count("get_message", 200) == 1
    assert sandbox_api.stats()["faults"] == {"429": 2}


def test_429_carries_retry_after_header(sandbox_api):
    url = sandbox_api.urls[WS_A]
    headers = _bearer(url)
    sandbox_api.set_faults(storm_429=2, retry_after_s=7)
    answers = [
        requests.get(f"{url}/api/2.0/genie/spaces", headers=headers, timeout=5) for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].headers["Retry-After"] == "7"
    assert answers[0].json()["error_code"] == "REQUEST_LIMIT_EXCEEDED"


def test_500_is_not_retried_by_the_sdk(workspace_client, sandbox_api, tiny_truth):
    sandbox_api.set_faults(script=("500",))
    with pytest.raises(InternalError):
        _get_message(workspace_client(), tiny_truth["by_name"]["completed_full"])
    assert sandbox_api.count("get_message") == 1


def test_503_is_retried_by_the_sdk(workspace_client, sandbox_api, tiny_truth):
    sandbox_api.set_faults(script=("503",), retry_after_s=0)
    assert _get_message(workspace_client(), tiny_truth["by_name"]["text_only"])
    assert sandbox_api.count("get_message", 503) == 1
    assert sandbox_api.count("get_message", 200) == 1


def test_malformed_body_is_truncated_json(sandbox_api):
    url = sandbox_api.urls[WS_A]
    headers = _bearer(url)
    sandbox_api.set_faults(rate_malformed=1.0)
    answer = requests.get(f"{url}/api/2.0/genie/spaces", headers=headers, timeout=5)
    assert answer.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.content)
    assert answer.text.startswith('{"spaces": [')


def test_slow_answer_exceeds_client_timeout(sandbox_api):
    url = sandbox_api.urls[WS_A]
    headers = _bearer(url)
    sandbox_api.set_faults(script=("slow",), slow_ms=1500)
    start = time.monotonic()
    with pytest.raises(requests.Timeout):
        requests.get(f"{url}/api/2.0/genie/spaces", headers=headers, timeout=0.3)
    assert time.monotonic() - start < 1.0
    ok = requests.get(f"{url}/api/2.0/genie/spaces", headers=headers, timeout=5)
    assert ok.status_code == 200


def test_latency_is_added_to_every_answer(sandbox_api):
    url = sandbox_api.urls[WS_A]
    sandbox_api.set_faults(latency_ms=120)
    start = time.monotonic()
    _token(url)
    assert time.monotonic() - start >= 0.12


def test_fault_decisions_are_deterministic_and_match_rates():
    cfg = FaultConfig(seed=11, rate_429=0.2, rate_500=0.05, rate_malformed=0.05)
    first, second = FaultInjector(cfg), FaultInjector(cfg)
    a = [first.decide() for _ in range(4000)]
    assert a == [second.decide() for _ in range(4000)]
    assert 0.17 < a.count("429") / len(a) < 0.23
    assert 0.03 < a.count("500") / len(a) < 0.07
    assert a.count("503") == 0 and a.count("slow") == 0
    reseeded = FaultInjector(replace(cfg, seed=12))
    assert [reseeded.decide() for _ in range(200)] != a[:200]


def test_script_then_storm_then_rates():
    inj = FaultInjector(FaultConfig(script=("500", "ok"), storm_429=2))
    assert [inj.decide() for _ in range(5)] == ["500", None, "429", "429", None]


@pytest.mark.parametrize(
    "bad",
    [
        {"rate_429": 0.7, "rate_500": 0.5},
        {"rate_503": -0.1},
        {"script": ["429", "boom"]},
        {"token_ttl_s": 0},
        {"no_such_switch": 1},
    ],
)
def test_invalid_fault_configs_are_rejected(bad):
    with pytest.raises(ValueError):
        FaultConfig.from_json(bad)


def test_control_endpoints(sandbox_api):
    url = sandbox_api.urls[WS_B]  # control endpoints act on the whole server, from any port
    set_ = requests.post(f"{url}/_sandbox/faults", json={"rate_503": 0.5, "seed": 3}, timeout=5)
    assert set_.status_code == 200 and set_.json()["rate_503"] == 0.5
    assert sandbox_api.state.faults.config.seed == 3
    assert requests.post(f"{url}/_sandbox/faults", json={"oops": 1}, timeout=5).status_code == 400
    requests.get(f"{url}/api/2.0/genie/spaces", timeout=5)  # 401, counted
    stats = requests.get(f"{url}/_sandbox/stats", timeout=5).json()
    assert stats["requests"] == 1 and stats["by_route"]["list_spaces"] == {"401": 1}
    requests.post(f"{url}/_sandbox/stats/reset", timeout=5)
    assert sandbox_api.stats()["requests"] == 0
    # Authentication comes before routing, as on Databricks: no token, no 404 either.
    unknown = requests.get(f"{url}/api/2.0/genie/nothing/here/at/all", timeout=5)
    assert unknown.status_code == 401


def test_unknown_endpoint_is_endpoint_not_found(sandbox_api):
    url = sandbox_api.urls[WS_A]
    answer = requests.get(f"{url}/api/2.0/clusters/list", headers=_bearer(url), timeout=5)
    assert answer.status_code == 404
    assert answer.json()["error_code"] == "ENDPOINT_NOT_FOUND"


def test_counts_show_each_message_fetched_once(workspace_client, sandbox_api, tiny_truth):
    w = workspace_client()
    rows = [tiny_truth["by_name"][n] for n in ("completed_full", "failed", "expired")]
    for row in rows:
        _get_message(w, row)
    by_path = sandbox_api.stats()["by_path"]
    message_paths = [p for p in by_path if "/messages/" in p]
    assert len(message_paths) == 3 and all(by_path[p] == {"200": 1} for p in message_paths)


# --- ports and CLI ----------------------------------------------------------------------------


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def _db_with_ports(tmp_path: Path, ports: list[int]) -> Path:
    truth = build_tiny_truth()
    for ws, port in zip(truth["workspaces"], ports, strict=True):
        ws["workspace_url"] = f"http://127.0.0.1:{port}"
    return write_truth_db(tmp_path / "ports.duckdb", truth)


def test_ports_come_from_workspace_urls(tmp_path):
    ports = _free_ports(2)
    with SandboxApi(_db_with_ports(tmp_path, ports), base_port=None) as api:
        assert api.urls == {
            WS_A: f"http://127.0.0.1:{ports[0]}",
            WS_B: f"http://127.0.0.1:{ports[1]}",
        }
        meta = requests.get(f"{api.urls[WS_B]}/.well-known/databricks-config", timeout=5).json()
        assert meta["workspace_id"] == WS_B


def test_cli_serves_until_terminated(tmp_path):
    ports = _free_ports(2)
    db = _db_with_ports(tmp_path, ports)
    urls_file = tmp_path / "urls.json"
    env = {
        **os.environ,
        "DATABRICKS_SP_CLIENT_ID": "cli-sp",
        "DATABRICKS_SP_CLIENT_SECRET": "cli-secret",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "genie_sandbox",
            "serve",
            "--db",
            str(db),
            "--urls-file",
            str(urls_file),
            "--latency-ms",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while not urls_file.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        urls = json.loads(urls_file.read_text())
        assert urls[WS_A] == f"http://127.0.0.1:{ports[0]}"
        assert _token(urls[WS_A], "cli-sp", "cli-secret").status_code == 200
        assert _token(urls[WS_A]).status_code == 401  # the test fixture's secret is not valid here
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err.decode()
    assert f"workspace {WS_A}" in out.decode()


def test_answers_are_sent_without_nagle_delay(sandbox_api):
    """Headers and body go out in two writes; with Nagle's algorithm on, the client's delayed ACK
    holds every answer ~40 ms. The server's end of each connection has TCP_NODELAY set (checked
    on the socket itself, not by timing requests: speed is measured in `make bench`)."""
    seen = []
    original = server_module._Handler.setup

    def setup(handler):
        original(handler)
        seen.append(handler.connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    url = sandbox_api.urls[WS_A]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(server_module._Handler, "setup", setup)
        assert requests.get(f"{url}/api/2.0/genie/spaces", timeout=5).status_code in (200, 401)
    assert seen and all(flag != 0 for flag in seen)
