"""The HTTP API (genie_analytics_api) and the alert sender against a real dbt build on DuckDB.

One module-scoped build: the test sandbox (seed 7, 2 workspaces, 14 days, 3,000 queries a day),
``dbt build`` of everything the API and the alerts read, then test principals added to the
built ``workspace_access`` seed table (the checked-in rows are for the demo's workspace ids).
The service runs under uvicorn on a free loopback port and is called over HTTP; the alerts go to
a webhook receiver on loopback. Covers 200, 401, 403, 404, 422, 429 and 503.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import httpx
import jwt
import pytest
from api_helpers import WebhookReceiver, serve

from genie_analytics_api.alerts import AlertSender
from genie_analytics_api.auth import issue_token
from genie_analytics_api.main import create_app
from genie_analytics_api.settings import Settings
from genie_analytics_api.warehouse import DuckDbWarehouse
from genie_sandbox.gen_common import DEFAULT_START_DATE

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[1]
FIRST_DAY = DEFAULT_START_DATE.isoformat()  # the sandbox calendar's first day
BIN = Path(sys.executable).parent
SECRET = "test-signing-key-of-at-least-32-bytes!"  # noqa: S105 - test-only key
ANALYST_A = "analyst.a@example.com"  # USER row for workspace A
TEAM_B_MEMBER = "someone@example.com"  # member of GROUP team-b (workspace B) via the JWT claim
ADMIN = "admin@acme-corp.com"  # admin row of the checked-in seed
STRANGER = "nobody@example.com"  # no row at all


def run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("api")
    system_db, target_db = work / "system_tables.duckdb", work / "warehouse.duckdb"
    env = {
        **os.environ,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_TARGET": "duckdb",
        "SYSTEM_TABLES_DUCKDB": str(system_db),
        "GENIE_ANALYTICS_DUCKDB": str(target_db),
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
        "GENIE_START_DATE": DEFAULT_START_DATE.isoformat(),
    }
    if not (REPO_ROOT / "profiles.yml").exists():
        (work / "profiles").mkdir()
        (work / "profiles" / "profiles.yml").write_text(
            (REPO_ROOT / "profiles.yml.example").read_text()
        )
        env["DBT_PROFILES_DIR"] = str(work / "profiles")
    run(
        [
            str(BIN / "genie-sandbox"),
            "generate",
            "--db",
            str(system_db),
            "--seed",
            "7",
            "--days",
            "14",
            "--workspaces",
            "2",
            "--queries-per-day",
            "3000",
            "--api-port",
            "18950",
            "--quiet",
        ],
        env,
    )
    run(
        [
            str(BIN / "dbt"),
            "build",
            "--select",
            "+genie_api_query_lookup",
            "+genie_api_opportunity_lookup",
            "+genie_daily_performance",
            "+genie_alerts",
            "workspace_access",
            "--exclude",
            "test_type:unit",
            "--indirect-selection",
            "cautious",
            "--quiet",
        ],
        env,
    )
    run([str(BIN / "dbt"), "compile", "--select", "dashboard_metrics", "--quiet"], env)
    con = duckdb.connect(str(target_db))
    try:
        ws_a, ws_b = [
            r[0]
            for r in con.execute(
                "select distinct workspace_id from genie_analytics.genie_daily_performance "
                "order by 1"
            ).fetchall()
        ]
        con.executemany(
            "insert into genie_analytics.workspace_access "
            "(principal, principal_type, workspace_id, is_admin, note) values (?, ?, ?, ?, ?)",
            [
                [ANALYST_A, "USER", ws_a, False, "test"],
                ["team-b", "GROUP", ws_b, False, "test"],
            ],
        )
    finally:
        con.close()
    compiled = next((work / "target").rglob("analyses/dashboard_metrics.sql"))
    return {
        "work": work,
        "target_db": target_db,
        "ws_a": ws_a,
        "ws_b": ws_b,
        "analysis_sql": compiled.read_text(),
    }


def marts(build: dict, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(build["target_db"]), read_only=True)
    try:
        con.execute("use warehouse.genie_analytics")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def settings_for(build: dict, **overrides) -> Settings:
    values = {
        "duckdb_path": build["target_db"],
        "jwt_secret": SECRET,
        "state_duckdb_path": build["work"] / "api_state.duckdb",
        "rate_limit": "1000/minute",
    }
    values.update(overrides)
    return Settings(**values)


def bearer(settings: Settings, subject: str, groups: list[str] | None = None, ttl: int = 600):
    return {
        "Authorization": f"Bearer {issue_token(settings, subject, groups=groups, ttl_seconds=ttl)}"
    }


@pytest.fixture(scope="module")
def api(build: dict):
    settings = settings_for(build)
    with serve(create_app(settings)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client, settings


def full_range(build: dict, ws: str) -> tuple[date, date]:
    return marts(
        build,
        "select min(query_date), max(query_date) from genie_daily_performance "
        "where workspace_id = ?",
        [ws],
    )[0]


# --- 200 ------------------------------------------------------------------------------------


def test_query_performance_returns_the_marts_row_and_its_opportunities(api, build) -> None:
    client, settings = api
    query_id, ws, fingerprint = marts(
        build,
        """select q.query_id, q.workspace_id, q.query_fingerprint
        from genie_query_performance as q
        join genie_optimization_opportunities as o
            on o.workspace_id = q.workspace_id and o.query_fingerprint = q.query_fingerprint
        where q.workspace_id = ? and q.compute_cost_dbu is not null
        order by q.query_id limit 1""",
        [build["ws_a"]],
    )[0]
    response = client.get(f"/api/v1/query-performance/{query_id}", headers=bearer(settings, ADMIN))
    assert response.status_code == 200, response.text
    body = response.json()
    expected = marts(
        build,
        "select user_id, duration_ms, bytes_read, compute_cost_dbu, estimated_cost_usd, "
        "cost_status from genie_query_performance where query_id = ? and workspace_id = ?",
        [query_id, ws],
    )[0]
    metrics = body["performance_metrics"]
    assert (body["query_id"], body["workspace_id"], body["user_id"]) == (query_id, ws, expected[0])
    assert metrics["duration_ms"] == expected[1]
    assert metrics["bytes_read"] == expected[2]
    assert metrics["compute_cost_dbu"] == pytest.approx(float(expected[3]))
    assert metrics["estimated_cost_usd"] == pytest.approx(float(expected[4]))
    assert metrics["cost_status"] == expected[5]
    opportunities = marts(
        build,
        "select optimization_type, priority, estimated_savings_usd "
        "from genie_optimization_opportunities where workspace_id = ? and query_fingerprint = ?",
        [ws, fingerprint],
    )
    got = {
        (o["type"], o["priority"], round(o["estimated_savings"], 6))
        for o in body["optimization_opportunities"]
    }
    assert got == {(t, p, round(float(s), 6)) for t, p, s in opportunities}
    assert all(o["description"] for o in body["optimization_opportunities"])


def test_dashboard_metrics_match_a_count_of_the_query_mart(api, build) -> None:
    client, settings = api
    ws = build["ws_a"]
    d0, d1 = full_range(build, ws)
    d1 = min(d1, d0 + timedelta(days=6))
    response = client.get(
        "/api/v1/dashboard/metrics",
        params={"workspace_id": ws, "start_date": d0, "end_date": d1},
        headers=bearer(settings, ANALYST_A),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    count, dbu, finished, failed = marts(
        build,
        "select count(*), sum(compute_cost_dbu), count(*) filter (execution_status = 'FINISHED'), "
        "count(*) filter (execution_status = 'FAILED') from genie_query_performance "
        "where workspace_id = ? and query_date between ? and ?",
        [ws, d0, d1],
    )[0]
    assert body["total_queries"] == count > 0
    assert body["total_cost_dbu"] == pytest.approx(float(dbu))
    assert body["success_rate"] == pytest.approx(finished / count)
    assert body["failed_queries"] == failed
    assert len(body["trends"]) == (d1 - d0).days + 1
    assert sum(t["query_count"] for t in body["trends"]) == count
    assert sum(t["total_cost"] for t in body["trends"]) == pytest.approx(float(dbu))

    user, user_count = marts(
        build,
        "select user_id, count(*) from genie_query_performance where workspace_id = ? "
        "and query_date between ? and ? group by 1 order by 2 desc, 1 limit 1",
        [ws, d0, d1],
    )[0]
    response = client.get(
        "/api/v1/dashboard/metrics",
        params={"workspace_id": ws, "start_date": d0, "end_date": d1, "user_id": user},
        headers=bearer(settings, ANALYST_A),
    )
    assert response.status_code == 200, response.text
    assert response.json()["total_queries"] == user_count
    # The same user in another case is the same identity (Databricks e-mails).
    response = client.get(
        "/api/v1/dashboard/metrics",
        params={"workspace_id": ws, "start_date": d0, "end_date": d1, "user_id": user.upper()},
        headers=bearer(settings, ANALYST_A),
    )
    assert response.json()["total_queries"] == user_count

    # Every day the marts hold is a trend row: a day without queries is zeros, not missing...
    response = client.get(
        "/api/v1/dashboard/metrics",
        params={"workspace_id": ws, "start_date": d0, "end_date": d1, "user_id": "no.one@x.io"},
        headers=bearer(settings, ANALYST_A),
    )
    trends = response.json()["trends"]
    assert [t["date"] for t in trends] == [
        (d0 + timedelta(days=i)).isoformat() for i in range((d1 - d0).days + 1)
    ]
    assert {t["query_count"] for t in trends} == {0}
    assert trends[0]["avg_duration_ms"] is None and trends[0]["total_cost_usd"] == 0.0
    # ... and days the marts do not hold (before the history) are absent, not zeros.
    first_held = marts(build, "select min(query_date) from genie_daily_performance")[0][0]
    response = client.get(
        "/api/v1/dashboard/metrics",
        params={
            "workspace_id": ws,
            "start_date": first_held - timedelta(days=3),
            "end_date": first_held,
        },
        headers=bearer(settings, ANALYST_A),
    )
    assert [t["date"] for t in response.json()["trends"]] == [first_held.isoformat()]


def test_databricks_rows_carry_dates_as_dates() -> None:
    """The Statement Execution API sends every value as a string (JSON_ARRAY); numbers, booleans
    and dates are converted by the column's type_name, so the endpoints compare real dates."""
    from types import SimpleNamespace as NS

    from genie_analytics_api.warehouse import DatabricksWarehouse

    def column(name: str, type_name: str):
        return NS(name=name, type_name=NS(value=type_name))

    response = NS(
        status=NS(state="SUCCEEDED"),
        manifest=NS(schema=NS(columns=[column("d", "DATE"), column("n", "LONG")])),
        result=NS(data_array=[["2024-02-29", "7"], [None, None]]),
    )
    warehouse = DatabricksWarehouse.__new__(DatabricksWarehouse)
    warehouse._run = lambda sql, params: response
    assert warehouse.query("select 1") == [{"d": date(2024, 2, 29), "n": 7}, {"d": None, "n": None}]


def test_databricks_errors_are_marts_unavailable() -> None:
    """An API error, the network or a statement still running after the wait is a 503 for the
    service and exit 3 for the alert sender (MartsUnavailable), never an unhandled error."""
    from types import SimpleNamespace as NS

    from databricks.sdk.errors import PermissionDenied
    from databricks.sdk.service.sql import StatementState

    from genie_analytics_api.warehouse import DatabricksWarehouse, MartsUnavailable

    def client(outcome):
        def execute_statement(**_):
            if isinstance(outcome, Exception):
                raise outcome
            return outcome

        return NS(statement_execution=NS(execute_statement=execute_statement))

    warehouse = DatabricksWarehouse.__new__(DatabricksWarehouse)
    warehouse._warehouse_id, warehouse._catalog, warehouse._schema = "w", "main", "s"
    for outcome, says in [
        (PermissionDenied("no SELECT on genie_alerts"), "no SELECT on genie_alerts"),
        (ConnectionError("connection refused"), "connection refused"),
        (NS(status=NS(state=StatementState.PENDING, error=None)), "within 30 s"),
    ]:
        warehouse._client = client(outcome)
        with pytest.raises(MartsUnavailable, match=says):
            warehouse.query("select 1")


def test_openapi_docs_are_served(api) -> None:
    client, _ = api
    assert client.get("/docs").status_code == 200
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    assert "Status codes" in document["info"]["description"]
    assert "create_app" not in document["info"]["description"]  # no notes for developers
    # /docs can send a token ("Authorize"): both endpoints declare the bearer scheme.
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path in ("/api/v1/query-performance/{query_id}", "/api/v1/dashboard/metrics"):
        assert paths[path]["get"]["security"] == [{"HTTPBearer": []}]
    assert {"/api/v1/query-performance/{query_id}", "/api/v1/dashboard/metrics"} <= set(paths)


# --- 401 ------------------------------------------------------------------------------------


def test_missing_bad_or_expired_tokens_are_401(api, build) -> None:
    client, settings = api
    url = "/api/v1/query-performance/any-id"
    other_key = Settings(jwt_secret="another-signing-key-of-32-bytes-or-more")
    none_alg = jwt.encode(
        {"sub": ADMIN, "aud": settings.jwt_audience, "exp": int(time.time()) + 60},
        key=None,
        algorithm="none",
    )
    for headers in [
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer not-a-jwt"},
        bearer(other_key, ADMIN),  # signed with another key
        bearer(settings, ADMIN, ttl=-10),  # expired
        {"Authorization": f"Bearer {none_alg}"},  # alg none must never be accepted
    ]:
        response = client.get(url, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.headers["www-authenticate"].startswith("Bearer")
    # A token without a required claim says which claim.
    no_exp = jwt.encode({"sub": ADMIN, "aud": settings.jwt_audience}, SECRET, algorithm="HS256")
    response = client.get(url, headers={"Authorization": f"Bearer {no_exp}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "invalid token: claim exp is required"


def test_databricks_apps_mode_uses_the_forwarded_identity(build) -> None:
    settings = settings_for(build, auth_mode="databricks_apps", jwt_secret="")
    ws = build["ws_a"]
    d0, _ = full_range(build, ws)
    params = {"workspace_id": ws, "start_date": d0, "end_date": d0}
    with serve(create_app(settings)) as url, httpx.Client(base_url=url) as client:
        assert client.get("/api/v1/dashboard/metrics", params=params).status_code == 401
        ok = client.get(
            "/api/v1/dashboard/metrics", params=params, headers={"X-Forwarded-Email": ANALYST_A}
        )
        assert ok.status_code == 200, ok.text
        other = client.get(
            "/api/v1/dashboard/metrics",
            params={**params, "workspace_id": build["ws_b"]},
            headers={"X-Forwarded-Email": ANALYST_A},
        )
        assert other.status_code == 403


# --- 403 / 404: authorisation by workspace ------------------------------------------------


def test_workspace_membership_decides_403(api, build) -> None:
    client, settings = api
    ws_a, ws_b = build["ws_a"], build["ws_b"]
    d0, _ = full_range(build, ws_a)

    def status(subject: str, ws: str, groups: list[str] | None = None) -> int:
        return client.get(
            "/api/v1/dashboard/metrics",
            params={"workspace_id": ws, "start_date": d0, "end_date": d0},
            headers=bearer(settings, subject, groups),
        ).status_code

    assert status(ANALYST_A, ws_a) == 200
    assert status(ANALYST_A, ws_b) == 403
    assert status(TEAM_B_MEMBER, ws_b, ["team-b"]) == 200  # a GROUP row
    assert status(TEAM_B_MEMBER, ws_a, ["team-b"]) == 403
    assert status(STRANGER, ws_a) == 403
    assert status(ADMIN, ws_a) == status(ADMIN, ws_b) == 200
    assert status(ADMIN.upper(), ws_b) == 200  # principals compare case-insensitively


def test_query_of_another_workspace_is_404_like_an_unknown_id(api, build) -> None:
    client, settings = api
    (query_b,) = marts(
        build,
        "select min(query_id) from genie_query_performance where workspace_id = ?",
        [build["ws_b"]],
    )[0]
    hidden = client.get(f"/api/v1/query-performance/{query_b}", headers=bearer(settings, ANALYST_A))
    unknown = client.get(
        "/api/v1/query-performance/00000000-0000-0000-0000-000000000000",
        headers=bearer(settings, ANALYST_A),
    )
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()
    assert (
        client.get(
            f"/api/v1/query-performance/{query_b}", headers=bearer(settings, ADMIN)
        ).status_code
        == 200
    )


# --- 422 ------------------------------------------------------------------------------------


def test_invalid_ids_dates_and_ranges_are_422_with_a_reason(api, build) -> None:
    client, settings = api
    headers = bearer(settings, ADMIN)
    ws = build["ws_a"]
    bad_id = client.get("/api/v1/query-performance/x' or '1'='1", headers=headers)
    assert bad_id.status_code == 422
    cases = [
        (
            {"workspace_id": "12ab", "start_date": FIRST_DAY, "end_date": "2026-10-02"},
            "workspace_id",
        ),
        ({"workspace_id": ws, "start_date": "2026-13-01", "end_date": "2026-10-02"}, "start_date"),
        ({"workspace_id": ws, "end_date": "2026-10-02"}, "start_date"),
        ({"workspace_id": ws, "start_date": "2026-10-05", "end_date": FIRST_DAY}, "before"),
        ({"workspace_id": ws, "start_date": "2025-01-01", "end_date": "2026-01-02"}, "366"),
        (
            {
                "workspace_id": ws,
                "start_date": FIRST_DAY,
                "end_date": "2026-10-02",
                "user_id": "a' or 'x'='x",
            },
            "user_id",
        ),
    ]
    for params, reason in cases:
        response = client.get("/api/v1/dashboard/metrics", params=params, headers=headers)
        assert response.status_code == 422, (params, response.text)
        assert reason in response.text, response.text
    # The longest allowed range (366 days inclusive) is accepted.
    ok = client.get(
        "/api/v1/dashboard/metrics",
        params={"workspace_id": ws, "start_date": "2026-01-01", "end_date": "2027-01-01"},
        headers=headers,
    )
    assert ok.status_code == 200, ok.text


# --- 429 ------------------------------------------------------------------------------------


def test_rate_limit_is_per_principal_with_retry_after(build) -> None:
    settings = settings_for(build, rate_limit="3/minute")
    url = "/api/v1/query-performance/00000000-0000-0000-0000-000000000000"
    with serve(create_app(settings)) as base, httpx.Client(base_url=base) as client:
        codes = [client.get(url, headers=bearer(settings, ADMIN)).status_code for _ in range(3)]
        assert codes == [404, 404, 404]
        limited = client.get(url, headers=bearer(settings, ADMIN))
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        # Another principal has its own budget.
        assert client.get(url, headers=bearer(settings, ANALYST_A)).status_code == 404


def test_requests_without_valid_credentials_are_rate_limited_per_client_address(build) -> None:
    """No token, a bad token or any path without credentials counts against the client
    address's budget (they were never limited: a probe could flood the service and its log)."""
    settings = settings_for(build, anonymous_rate_limit="3/minute")
    url = "/api/v1/query-performance/00000000-0000-0000-0000-000000000000"
    bad = {"Authorization": "Bearer not-a-token"}
    with serve(create_app(settings)) as base, httpx.Client(base_url=base) as client:
        codes = [
            client.get(url).status_code,
            client.get(url, headers=bad).status_code,
            client.get("/no/such/path").status_code,
        ]
        assert codes == [401, 401, 404]
        # An X-Forwarded-For of the client's choosing does not open a new budget: the service
        # trusts it only from GENIE_API_FORWARDED_ALLOW_IPS (none here; uvicorn's default
        # trusted 127.0.0.1, so every local client could name its own address).
        spoofed = {"X-Forwarded-For": "10.0.0.9"}
        for limited in (
            client.get(url),
            client.get(url, headers=bad),
            client.get("/x" * 400),
            client.get(url, headers=spoofed),
        ):
            assert limited.status_code == 429, limited.text
            assert "client address" in limited.json()["detail"]
            assert 1 <= int(limited.headers["retry-after"]) <= 60
        # A valid token is limited per principal only; platform probes are not limited.
        assert client.get(url, headers=bearer(settings, ANALYST_A)).status_code == 404
        assert client.get("/healthz").status_code == 200
        # Another address (127.0.0.2 is loopback too) has its own budget.
        other = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=base, transport=other) as elsewhere:
            assert elsewhere.get(url).status_code == 401
    # Behind a reverse proxy named in GENIE_API_FORWARDED_ALLOW_IPS, its X-Forwarded-For is the
    # client address: two clients behind the proxy have a budget each.
    proxied = settings_for(build, anonymous_rate_limit="1/minute")
    with (
        serve(create_app(proxied), forwarded_allow_ips="127.0.0.1") as base,
        httpx.Client(base_url=base) as proxy,
    ):
        first = {"X-Forwarded-For": "10.0.0.1"}
        assert proxy.get(url, headers=first).status_code == 401
        assert proxy.get(url, headers=first).status_code == 429
        assert proxy.get(url, headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 401


def test_long_request_targets_are_414_or_400_json_and_logged_bounded(build) -> None:
    state = build["work"] / "long_target_test.duckdb"
    settings = settings_for(build, state_duckdb_path=state)
    with serve(create_app(settings)) as base, httpx.Client(base_url=base, timeout=30) as client:
        long_path = client.get("/api/v1/query-performance/" + "a" * 60_000)
        long_query = client.get(
            "/api/v1/dashboard/metrics",
            params={"workspace_id": "1", "start_date": FIRST_DAY, "user_id": "u" * 5000},
            headers=bearer(settings, ADMIN),
        )
        for response in (long_path, long_query):
            assert response.status_code == 414, response.text[:200]
            assert response.headers["content-type"] == "application/json"
            assert "too long" in response.json()["detail"]
            assert len(response.content) < 300
        # 100,000 characters: a request head over 64 KiB, refused while it arrives, before the
        # app (not logged), answered as JSON too (http_server.py).
        # (http.client: httpx refuses URLs over 64 KiB itself.)
        host, port = base.removeprefix("http://").split(":")
        raw = http.client.HTTPConnection(host, int(port), timeout=30)
        raw.request("GET", "/" + "b" * 100_000)
        huge = raw.getresponse()
        assert huge.status == 431
        assert huge.getheader("content-type") == "application/json"
        assert "64 KiB" in json.loads(huge.read())["detail"]
        raw.close()
        # A client's X-Request-Id is logged, cut like the path.
        client.get("/healthz", headers={"X-Request-Id": "r" * 5000})
    con = duckdb.connect(str(state), read_only=True)
    try:
        lengths = con.execute(
            "select max(length(path)), max(length(query_string)), max(length(request_id)), "
            "count(*) from genie_analytics_api.api_access_log"
        ).fetchone()
    finally:
        con.close()
    assert lengths == (1024, 1024, 1024, 3)  # the refused request never reached the app


def test_request_heads_over_64_kib_are_431_before_they_are_read_whole(build) -> None:
    """httptools stores a request's headers without a limit: a 100 MB header was read whole while
    other requests waited. The head is cut off at 64 KiB (http_server.MAX_HEAD_BYTES)."""
    settings = settings_for(build, state_duckdb_path=build["work"] / "head_test.duckdb")
    with serve(create_app(settings)) as base, httpx.Client(base_url=base, timeout=30) as client:
        host, port = base.removeprefix("http://").split(":")
        # Just under the limit: the app answers (401: no token).
        near = {"X-Padding": "p" * 60_000}
        assert client.get("/api/v1/query-performance/abc", headers=near).status_code == 401
        # 16 MiB of one header, sent in pieces, over a raw socket: refused after at most a read
        # past 64 KiB; the server closes the connection and never reads the rest.
        with socket.create_connection((host, int(port)), timeout=30) as raw:
            raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
            sent, refused = 0, False
            try:
                while sent < 16 * 1024 * 1024:
                    raw.sendall(b"c" * 65536)
                    sent += 65536
            except OSError:  # the server closed the connection: the rest was refused
                refused = True
            answer = raw.recv(4096)
        assert refused or sent < 16 * 1024 * 1024
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]
        assert b"application/json" in answer and b"64 KiB" in answer
        # Many headers of 1 KiB each: the same bound.
        many = "".join(f"X-H{i}: {'h' * 1000}\r\n" for i in range(100))
        with socket.create_connection((host, int(port)), timeout=30) as raw:
            raw.sendall(f"GET /healthz HTTP/1.1\r\nHost: x\r\n{many}\r\n".encode())
            assert raw.recv(4096).startswith(b"HTTP/1.1 431 ")
        # Pipelined requests in one write are each read as usual.
        with socket.create_connection((host, int(port)), timeout=30) as raw:
            raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 3)
            time.sleep(0.5)
            assert raw.recv(65536).count(b"HTTP/1.1 200 ") == 3
        # A body, or a chunked body's trailer fields (httptools buffers them like headers),
        # past 64 KiB: 413 and the connection closed, never read whole (no endpoint takes a
        # body). The endpoint may already have answered from the headers: the 413 follows it.
        trailer = b"0\r\nX-T: " + b"t" * 16 * 1024 * 1024
        for head, body in [
            (b"Transfer-Encoding: chunked", trailer),
            (b"Content-Length: 16777216", b"b" * 16 * 1024 * 1024),
        ]:
            with socket.create_connection((host, int(port)), timeout=30) as raw:
                received = b""
                try:
                    raw.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n\r\n")
                    for start in range(0, len(body), 65536):
                        raw.sendall(body[start : start + 65536])
                    sent_all = True
                except OSError:  # closed while sending: the rest was refused
                    sent_all = False
                try:
                    while chunk := raw.recv(65536):
                        received += chunk
                except OSError:
                    pass
            assert not sent_all or b"HTTP/1.1 413 " in received, (head, received[:300])
            if b"HTTP/1.1 413 " not in received:  # reset before the answer could be read
                assert not sent_all
            else:
                assert b"no endpoint takes a body" in received
        assert client.get("/healthz").status_code == 200  # still serving


def test_422_names_the_field_and_rule_without_echoing_the_input(api, build) -> None:
    client, settings = api
    headers = bearer(settings, ADMIN)
    rejected = "9" * 10 + "x" * 1500
    response = client.get(
        "/api/v1/dashboard/metrics",
        params={"workspace_id": rejected, "start_date": FIRST_DAY, "end_date": "2026-13-40"},
        headers=headers,
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert "query parameter workspace_id: String should match pattern '^[0-9]{1,20}$'" in detail
    assert "query parameter end_date:" in detail
    assert "xxxxxxxxxx" not in response.text and "2026-13-40" not in response.text
    assert len(response.content) < 600
    bad_id = client.get("/api/v1/query-performance/" + "q" * 900, headers=headers)
    assert bad_id.status_code == 422
    assert bad_id.json()["detail"].startswith("path parameter query_id: String should match")
    assert "qqqqqqqqqq" not in bad_id.text


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GENIE_API_CACHE_ENTRIES", "many", "GENIE_API_CACHE_ENTRIES must be an integer"),
        ("GENIE_API_MAX_RANGE_DAYS", "1e3", "GENIE_API_MAX_RANGE_DAYS must be an integer"),
        ("GENIE_API_ACCESS_CACHE_SECONDS", "nan", "GENIE_API_ACCESS_CACHE_SECONDS .*finite"),
        ("GENIE_API_CACHE_CHECK_SECONDS", "inf", "GENIE_API_CACHE_CHECK_SECONDS .*finite"),
        ("GENIE_API_CACHE_CHECK_SECONDS", "soon", "GENIE_API_CACHE_CHECK_SECONDS must be a number"),
        ("GENIE_API_RATE_LIMIT", "lots", "GENIE_API_RATE_LIMIT"),
        ("GENIE_API_ANONYMOUS_RATE_LIMIT", "-1/minute", "GENIE_API_ANONYMOUS_RATE_LIMIT"),
    ],
)
def test_bad_numbers_in_settings_name_the_variable(monkeypatch, variable, value, message) -> None:
    monkeypatch.setenv("GENIE_API_JWT_SECRET", SECRET)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=message):
        Settings.from_env()


# --- access log -----------------------------------------------------------------------------


def test_every_request_is_in_the_access_log(build) -> None:
    state = build["work"] / "access_log_test.duckdb"
    settings = settings_for(build, state_duckdb_path=state, rate_limit="2/minute")
    url = "/api/v1/query-performance/00000000-0000-0000-0000-000000000000"
    with serve(create_app(settings)) as base, httpx.Client(base_url=base) as client:
        sent = [
            client.get(url).status_code,
            client.get(url, headers=bearer(settings, ANALYST_A)).status_code,
            client.get(url, headers=bearer(settings, ANALYST_A)).status_code,
            client.get(url, headers=bearer(settings, ANALYST_A)).status_code,
        ]
    assert sent == [401, 404, 404, 429]
    con = duckdb.connect(str(state), read_only=True)
    try:
        rows = con.execute(
            "select principal, method, path, status_code, requested_at is not null "
            "from genie_analytics_api.api_access_log order by requested_at"
        ).fetchall()
    finally:
        con.close()
    assert [r[3] for r in rows] == sent
    assert [r[0] for r in rows] == [None, ANALYST_A, ANALYST_A, ANALYST_A]
    assert all(
        r[1] == "GET" and r[2].startswith("/api/v1/query-performance/") and r[4] for r in rows
    )


def test_missing_marts_are_503_not_500(build, tmp_path: Path) -> None:
    empty = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(empty)).close()
    settings = settings_for(build, duckdb_path=empty, state_duckdb_path=tmp_path / "s.duckdb")
    with serve(create_app(settings)) as base, httpx.Client(base_url=base) as client:
        response = client.get("/api/v1/query-performance/abc", headers=bearer(settings, ADMIN))
    assert response.status_code == 503


def test_small_marts_are_read_from_their_in_memory_copy_with_the_same_rows(build) -> None:
    from genie_analytics_api import queries

    sql = "select * from genie_api_opportunity_lookup order by all"
    ws, fingerprint = marts(
        build,
        "select workspace_id, query_fingerprint from genie_api_opportunity_lookup "
        "where query_fingerprint is not null order by all limit 1",
    )[0]
    warehouse = DuckDbWarehouse(
        build["target_db"], "genie_analytics", memory_tables=queries.MEMORY_TABLES
    )
    try:
        plan = warehouse.query(
            "explain " + queries.OPPORTUNITIES_BY_FINGERPRINT,
            {"workspace_id": ws, "query_fingerprint": fingerprint},
        )
        assert "genie_api_memory" in str(plan)  # the copy answers, not the file
        copied = [tuple(r.values()) for r in warehouse.query(sql)]
    finally:
        warehouse.close()
    assert copied and copied == marts(build, sql)


def test_in_memory_copies_of_two_schemas_of_one_file_stay_apart(tmp_path: Path) -> None:
    """DuckDB shares a file's database between the connections of a process: each schema's copy
    has its own in-memory database, so one warehouse never answers with another's rows."""
    from genie_analytics_api import queries

    path = tmp_path / "two.duckdb"
    con = duckdb.connect(str(path))
    for schema, value in (("a", 1), ("b", 2)):
        con.execute(f"create schema {schema}")
        con.execute(f"create table {schema}.genie_api_opportunity_lookup as select {value} as v")
    con.close()
    a = DuckDbWarehouse(path, "a", memory_tables=queries.MEMORY_TABLES)
    b = DuckDbWarehouse(path, "b", memory_tables=queries.MEMORY_TABLES)
    try:
        assert a.query("select v from genie_api_opportunity_lookup") == [{"v": 1}]
        assert b.query("select v from genie_api_opportunity_lookup") == [{"v": 2}]
    finally:
        b.close()
        a.close()


# --- the cache of the marts' answers (answers fast on the 10M-query day; cache.py) -------------


class CountingWarehouse(DuckDbWarehouse):
    """The real DuckDB backend, recording the statements it runs, with a settable marts version
    (on DuckDB it is constant: nothing can rewrite the file while the service has it open)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, "genie_analytics")
        self.statements: list[str] = []
        self.version = 1

    def query(self, sql, params=None):
        self.statements.append(sql)
        return super().query(sql, params)

    def marts_version(self) -> object:
        return self.version


def test_cached_answers_are_still_authorised_and_dropped_when_the_marts_change(build) -> None:
    from genie_analytics_api import queries

    warehouse = CountingWarehouse(build["target_db"])
    settings = settings_for(build, cache_check_seconds=0.0)
    ws_b = build["ws_b"]
    d0, d1 = full_range(build, ws_b)
    metrics = {"workspace_id": ws_b, "start_date": d0, "end_date": d1}
    query_id = marts(
        build,
        "select query_id from genie_api_query_lookup where workspace_id = ? order by 1 limit 1",
        [ws_b],
    )[0][0]
    query_url = f"/api/v1/query-performance/{query_id}"
    try:
        app = create_app(settings, warehouse=warehouse)
        with serve(app) as base, httpx.Client(base_url=base) as client:
            admin, analyst = bearer(settings, ADMIN), bearer(settings, ANALYST_A)
            first = client.get("/api/v1/dashboard/metrics", params=metrics, headers=admin)
            again = client.get("/api/v1/dashboard/metrics", params=metrics, headers=admin)
            assert first.status_code == again.status_code == 200, first.text
            assert again.json() == first.json()
            assert warehouse.statements.count(queries.METRICS_DAILY) == 1  # the 2nd: cached
            # Cached for the admin, still 403 / 404 for a principal without workspace B.
            forbidden = client.get("/api/v1/dashboard/metrics", params=metrics, headers=analyst)
            assert forbidden.status_code == 403
            assert client.get(query_url, headers=admin).status_code == 200
            assert client.get(query_url, headers=analyst).status_code == 404
            assert warehouse.statements.count(queries.QUERY_BY_ID) == 1
            # A rebuild (new marts version) empties the cache: the next answer is read again.
            warehouse.version = 2
            again = client.get("/api/v1/dashboard/metrics", params=metrics, headers=admin)
            assert again.json() == first.json()
            assert warehouse.statements.count(queries.METRICS_DAILY) == 2
        assert app.state.cache.hits >= 2
    finally:
        warehouse.close()


def test_cache_can_be_switched_off(build) -> None:
    from genie_analytics_api import queries

    warehouse = CountingWarehouse(build["target_db"])
    settings = settings_for(build, cache_entries=0)
    ws_a = build["ws_a"]
    d0, d1 = full_range(build, ws_a)
    metrics = {"workspace_id": ws_a, "start_date": d0, "end_date": d1}
    try:
        with (
            serve(create_app(settings, warehouse=warehouse)) as base,
            httpx.Client(base_url=base) as client,
        ):
            for _ in range(2):
                response = client.get(
                    "/api/v1/dashboard/metrics", params=metrics, headers=bearer(settings, ADMIN)
                )
                assert response.status_code == 200, response.text
        assert warehouse.statements.count(queries.METRICS_DAILY) == 2
    finally:
        warehouse.close()


# --- the analysis binds its parameters ------------------------------------------------------


def test_dashboard_analysis_binds_parameters_instead_of_pasting_them(build) -> None:
    sql = build["analysis_sql"]
    assert "$workspace_id" in sql and "$start_date" in sql and "$user_id" in sql
    ws = build["ws_a"]
    d0, d1 = full_range(build, ws)
    params = {"workspace_id": ws, "start_date": d0, "end_date": d1, "user_id": None}
    con = duckdb.connect(str(build["target_db"]), read_only=True)
    try:
        total = con.execute(sql, params).fetchall()
        hostile = con.execute(sql, {**params, "workspace_id": f"{ws}' or '1'='1"}).fetchall()
    finally:
        con.close()
    (expected,) = marts(
        build, "select count(*) from genie_query_performance where workspace_id = ?", [ws]
    )[0:1]
    assert [r[2] for r in total if r[0] == "total"] == [expected[0]]
    assert [r[2] for r in hostile if r[0] == "total"] in ([None], [0])


# --- alerts ---------------------------------------------------------------------------------


def alert_keys(build: dict) -> list[str]:
    return [r[0] for r in marts(build, "select alert_key from genie_alerts order by 1")]


def sender(build: dict, receiver: WebhookReceiver, state: Path, fmt: str = "slack", **kw):
    sleeps: list[float] = []
    kw.setdefault("max_attempts", 4)
    return (
        AlertSender(
            DuckDbWarehouse(build["target_db"], "genie_analytics"),
            DuckDbWarehouse(state, "genie_analytics_api", read_only=False),
            receiver.url,
            fmt,
            sleep=sleeps.append,
            **kw,
        ),
        sleeps,
    )


def posted_keys(bodies: list, fmt: str = "slack") -> list[str]:
    keys = []
    for body in bodies:
        if fmt == "slack":
            text = body["blocks"][-1]["elements"][0]["text"]
            keys.append(text.split("`")[1])
        else:
            text = body["attachments"][0]["content"]["body"][-1]["text"]
            keys.append(text.split()[-1])
    return keys


def test_alerts_reach_the_receiver_once_each_with_retries(build, tmp_path: Path) -> None:
    keys = alert_keys(build)
    assert keys, "the test build should have alerts (at least the stale system tables)"
    state = tmp_path / "state.duckdb"
    with WebhookReceiver() as receiver:
        # First POST: 503 (backoff), second: 429 with Retry-After 7 (honoured), then 200s.
        receiver.script = [(503, {}), (429, {"Retry-After": "7"})]
        first, sleeps = sender(build, receiver, state)
        result = first.send_new(max_alerts=1000)
        assert result.exit_code == 0 and sorted(result.sent) == keys
        assert len(sleeps) == 2 and sleeps[1] == 7
        assert 0 < sleeps[0] <= 1.0  # first backoff: jittered within [base/2, base]
        # A second run (and a new sender process) sends nothing again.
        again, _ = sender(build, receiver, state)
        rerun = again.send_new(max_alerts=1000)
        assert rerun.sent == [] and rerun.already_sent == len(keys)
    assert sorted(posted_keys(receiver.delivered())) == keys
    body = receiver.delivered()[0]
    assert body["text"] and body["blocks"][0]["type"] == "header"


def test_alerts_teams_shape_rejection_and_unreachable(build, tmp_path: Path) -> None:
    keys = alert_keys(build)
    state = tmp_path / "state.duckdb"
    with WebhookReceiver() as receiver:
        receiver.reject_when = keys[0]  # the receiver refuses the first alert's payload
        first, _ = sender(build, receiver, state, "teams")
        result = first.send_new(max_alerts=1000)
        assert result.exit_code == 1
        assert [k for k, _ in result.rejected] == [keys[0]]
        assert sorted(result.sent) == keys[1:]
        card = receiver.delivered()[0]
        assert card["type"] == "message"
        content = card["attachments"][0]["content"]
        assert card["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert content["type"] == "AdaptiveCard" and content["body"][2]["type"] == "FactSet"
        # Accepted again: only the rejected one is sent on the next run.
        receiver.reject_when = None
        second, _ = sender(build, receiver, state, "teams")
        assert second.send_new(max_alerts=1000).sent == [keys[0]]
        assert sorted(posted_keys(receiver.delivered(), "teams")) == keys
        # A receiver that keeps failing: bounded attempts, the run stops with exit code 2.
        receiver.script = [(500, {})] * 10
        other_state = tmp_path / "other.duckdb"
        failing, sleeps = sender(build, receiver, other_state, "teams", max_attempts=3)
        result = failing.send_new(max_alerts=1000)
        assert result.exit_code == 2 and result.sent == [] and len(sleeps) == 2


def test_alerts_command_posts_once_and_exits_non_zero_when_unreachable(build, tmp_path) -> None:
    env = {
        **os.environ,
        "GENIE_ANALYTICS_DUCKDB": str(build["target_db"]),
        "GENIE_API_ALERTS_STATE_DUCKDB": str(tmp_path / "state.duckdb"),
    }
    env.pop("GENIE_API_JWT_SECRET", None)  # the sender needs no signing key
    command = [str(BIN / "genie-analytics-api"), "alerts", "--format", "teams", "--webhook"]
    n = len(alert_keys(build))
    half = n // 2
    assert half >= 1, "the test build should have at least two alerts"
    with WebhookReceiver() as receiver:
        cap = ["--max-alerts", str(half)]
        runs = [
            subprocess.run([*command, receiver.url, *cap], env=env, capture_output=True, text=True)
            for _ in range(3)
        ]
        url = receiver.url
    assert [r.returncode for r in runs] == [0, 0, 0], runs[0].stderr
    assert f"{half} sent, 0 sent before, 0 rejected, {n - half} left" in runs[0].stdout
    assert f"{min(half, n - half)} sent, {half} sent before" in runs[1].stdout
    assert len(receiver.delivered()) == len(alert_keys(build))
    # The receiver is gone now: connection refused, bounded retries, exit code 2.
    env["GENIE_API_ALERTS_STATE_DUCKDB"] = str(tmp_path / "other.duckdb")
    down = subprocess.run(
        [*command, url, "--max-attempts", "2", "--deadline", "5"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert down.returncode == 2 and "unreachable" in down.stderr


def alerts_env(build: dict, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "GENIE_ANALYTICS_DUCKDB": str(build["target_db"]),
        "GENIE_API_ACCESS_LOG_DUCKDB": str(tmp_path / "api_state.duckdb"),
        "GENIE_API_ALERTS_STATE_DUCKDB": str(tmp_path / "alerts_state.duckdb"),
        **extra,
    }
    env.pop("GENIE_API_JWT_SECRET", None)
    return env


def test_alerts_run_while_the_service_holds_its_state_file(build, tmp_path: Path) -> None:
    """DuckDB allows one writer process per file: the service (``make serve``) holds
    api_state.duckdb read-write, so the sender keeps alerts_sent in a file of its own."""
    env = alerts_env(build, tmp_path)
    service_state = duckdb.connect(env["GENIE_API_ACCESS_LOG_DUCKDB"])  # held as the service does
    try:
        with WebhookReceiver() as receiver:
            done = subprocess.run(
                [
                    *[str(BIN / "genie-analytics-api"), "alerts", "--webhook", receiver.url],
                    *["--max-alerts", "1000"],
                ],
                env=env,
                capture_output=True,
                text=True,
            )
    finally:
        service_state.close()
    assert done.returncode == 0, done.stderr[-2000:]
    assert sorted(posted_keys(receiver.delivered())) == alert_keys(build)
    assert (tmp_path / "alerts_state.duckdb").exists()


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--webhook", "hooks.slack.com/services/T0/B0/secret-token"),  # no scheme
        ("--webhook", "ftp://hooks.slack.com/services/T0/B0/secret-token"),
        ("--webhook", "https:///services/T0/B0/secret-token"),  # no host
        ("--max-alerts", "-440"),
        ("--max-alerts", "0"),
        ("--max-attempts", "0"),
        ("--deadline", "0"),
        ("--deadline", "nan"),
    ],
)
def test_alerts_bad_arguments_exit_2_at_parsing_without_echoing_the_url(
    build, tmp_path: Path, monkeypatch, capsys, option: str, value: str
) -> None:
    from genie_analytics_api import cli

    for name, path in alerts_env(build, tmp_path).items():
        monkeypatch.setenv(name, path)
    with WebhookReceiver() as receiver:
        args = {"--webhook": receiver.url, "--max-attempts": "1", option: value}
        with pytest.raises(SystemExit) as exited:
            cli.main(["alerts", *[x for pair in args.items() for x in pair]])
        assert exited.value.code == 2
        assert receiver.delivered() == []
    err = capsys.readouterr().err
    assert option in err and "Traceback" not in err
    assert "secret-token" not in err and receiver.url not in err
    assert not (tmp_path / "alerts_state.duckdb").exists()  # nothing was opened


def test_alerts_exit_3_with_one_line_when_the_marts_are_unavailable(
    build, tmp_path: Path, monkeypatch, capsys
) -> None:
    from genie_analytics_api import cli

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()  # a DuckDB file without the marts
    for marts_file in (tmp_path / "missing.duckdb", empty):
        env = alerts_env(build, tmp_path, GENIE_ANALYTICS_DUCKDB=str(marts_file))
        for name, path in env.items():
            monkeypatch.setenv(name, path)
        with WebhookReceiver() as receiver:
            code = cli.main(["alerts", "--webhook", receiver.url, "--max-attempts", "1"])
            assert receiver.delivered() == []
        err = capsys.readouterr().err
        assert code == 3, err
        assert err.count("\n") == 1 and "unavailable" in err and "Traceback" not in err


def test_alerts_most_severe_go_first_under_a_cap(build, tmp_path: Path) -> None:
    """HIGH before MEDIUM before LOW before any other value, oldest first within each; a HIGH
    alert dated after every other alert still goes out in the first capped run."""
    marts_file = tmp_path / "marts.duckdb"
    con = duckdb.connect(str(marts_file))
    try:
        con.execute(f"attach '{build['target_db']}' as built (read_only)")
        con.execute("create schema genie_analytics")
        con.execute(
            "create table genie_analytics.genie_alerts as "
            "select * from built.genie_analytics.genie_alerts"
        )
        con.execute("detach built")
        latest = con.execute("select max(alert_date) from genie_analytics.genie_alerts").fetchone()
        extra = [("late-high", "HIGH"), ("late-low", "LOW"), ("late-odd", "SEVERE?")]
        for key, severity in extra:
            con.execute(
                "insert into genie_analytics.genie_alerts by name "
                "select * replace ($key as alert_key, $severity as severity, "
                "$latest::date + 1 as alert_date) "
                "from genie_analytics.genie_alerts limit 1",
                {"key": key, "severity": severity, "latest": latest[0]},
            )
        rows = con.execute(
            "select alert_key, severity, alert_date from genie_analytics.genie_alerts"
        ).fetchall()
    finally:
        con.close()
    high = sorted(k for k, sev, _ in rows if sev == "HIGH")
    medium = [k for k, sev, _ in rows if sev == "MEDIUM"]
    assert "late-high" in high and medium, "the test needs HIGH and MEDIUM alerts"
    with WebhookReceiver() as receiver:
        capped = AlertSender(
            DuckDbWarehouse(marts_file, "genie_analytics"),
            DuckDbWarehouse(tmp_path / "state.duckdb", "genie_analytics_api", read_only=False),
            receiver.url,
            sleep=lambda _: None,
        )
        first = capped.send_new(max_alerts=len(high))
        assert sorted(first.sent) == high and first.deferred == len(rows) - len(high)
        rest = capped.send_new(max_alerts=len(rows))
    by_key = {k: (sev, d) for k, sev, d in rows}
    order = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
    sent = first.sent + rest.sent
    assert sent[-2:] == ["late-low", "late-odd"]
    ranks = [(order.get(by_key[k][0], 3), by_key[k][1]) for k in sent]
    assert ranks == sorted(ranks)  # by severity, then oldest first
