"""The FastAPI application: GET /api/v1/query-performance/{query_id} and
GET /api/v1/dashboard/metrics over the marts.

``genie-analytics-api serve`` runs it (cli.py) with the server configuration of
http_server.py (the 431/413 bounds, the trusted proxies); ``uvicorn genie_analytics_api.main:app``
builds it from the environment too, but without that configuration. Tests and the CLI call
``create_app(settings)``. OpenAPI docs at ``/docs`` (API_DESCRIPTION).

Status codes: 200; 401 no/bad/expired token or no forwarded identity; 403 a workspace the caller
is not granted; 404 unknown query id, or a query of a workspace the caller is not granted (so
ids do not leak); 414 a path longer than MAX_PATH_CHARS or a query string longer than
MAX_QUERY_CHARS; 422 invalid id, date or range (the field and the rule, never the rejected value);
429 over the per-principal limit, or, for requests without valid credentials, over the
per-client-address limit (Retry-After); 503 the marts cannot be read. Before the app (the
server, http_server.py): 400 not valid HTTP, 413 a body over 64 KiB, 431 a request line and
headers over 64 KiB. Every error body is JSON
``{"detail": ...}``.
"""

from __future__ import annotations

import time
import uuid
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import queries
from .access import WorkspaceAccess
from .access_log import AccessLog
from .auth import Principal, authenticate
from .cache import MartsCache
from .http_server import MAX_BODY_BYTES, MAX_HEAD_BYTES
from .ratelimit import RateLimiter
from .settings import Settings
from .warehouse import DatabricksWarehouse, DuckDbWarehouse, MartsUnavailable, Warehouse

# Databricks statement ids are UUIDs; the pattern also admits other id shapes of letters, digits,
# '-' and '_' (at most 64), and nothing that could be more than an id.
QUERY_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"
WORKSPACE_ID_PATTERN = r"^[0-9]{1,20}$"  # Databricks workspace ids are numeric
# user_id of the cost marts and of this API's responses (their published name) is query.history's
# executed_by: the executing user's e-mail or a service principal's application id.
USER_ID_PATTERN = r"^[A-Za-z0-9._%+@-]{1,254}$"
# Longest request target answered (characters): the API's paths are under 100 characters and its
# query strings under 400 (user_id at most 254), so longer ones are refused with 414 before any
# work, and the access log never holds more (access_log.MAX_LOGGED_CHARS).
MAX_PATH_CHARS = 1024
MAX_QUERY_CHARS = 2048
# Paths answered without authentication and without the per-address limit (platform probes).
UNLIMITED_PATHS = frozenset({"/healthz"})
# What /docs shows (the status codes of the module docstring, in a user's terms).
API_DESCRIPTION = f"""Query performance, cost and optimisation opportunities, and dashboard
metrics, read from the genie_analytics marts. Authenticate with a bearer token ("Authorize";
`make token SUB=<principal>` locally); on Databricks Apps the platform's login.

Status codes: 200; 401 no, bad or expired token; 403 a workspace you are not granted; 404 an
unknown query id, or a query of a workspace you are not granted; 413 a request body over
{MAX_BODY_BYTES // 1024} KiB (no endpoint takes one); 414 a path over {MAX_PATH_CHARS:,} or a
query string over {MAX_QUERY_CHARS:,} characters; 422 an invalid id, date or range (the field and
the rule); 429 over the rate limit (see Retry-After); 431 request headers over
{MAX_HEAD_BYTES // 1024} KiB; 503 the marts cannot be read. Every error body is JSON
`{{"detail": ...}}`."""


class PerformanceMetrics(BaseModel):
    duration_ms: int | None = Field(description="total_duration of the statement (ms)")
    bytes_read: int | None = Field(description="bytes read (read_bytes)")
    rows_read: int | None = Field(description="rows read")
    compute_cost_dbu: float | None = Field(description="DBUs attributed to the query")
    estimated_cost_usd: float | None = Field(description="attributed DBUs priced at list (USD)")
    cost_status: str | None = Field(description="see genie_query_performance.cost_status")
    is_cost_final: bool | None = Field(description="false while the billing window is pending")


class Opportunity(BaseModel):
    type: str = Field(description="optimization_type (rule), e.g. SELECT_STAR")
    description: str | None = Field(description="what the rule found, and its threshold")
    priority: str | None = Field(description="High / Medium / Low by estimated saving")
    estimated_savings: float | None = Field(description="estimated saving (USD), as the document")
    estimated_savings_usd: float | None = Field(description="estimated saving (USD, list price)")
    estimated_savings_dbu: float | None = Field(description="estimated saving (DBUs)")
    recommended_fix: str | None = Field(description="what to change")
    status: str | None = Field(description="OPEN or RESOLVED")


class QueryPerformance(BaseModel):
    query_id: str
    workspace_id: str
    user_id: str | None
    warehouse_id: str | None
    query_date: date | None
    execution_status: str | None
    query_fingerprint: str | None
    performance_metrics: PerformanceMetrics
    optimization_opportunities: list[Opportunity]


class Trend(BaseModel):
    date: date
    query_count: int
    avg_duration: float | None = Field(description="mean duration (ms), as the document")
    avg_duration_ms: float | None = Field(description="mean duration (ms); null: no queries")
    total_cost: float | None = Field(description="DBUs, as the document's total_cost")
    total_cost_dbu: float | None = Field(description="DBUs attributed to the day's queries")
    total_cost_usd: float | None = Field(description="those DBUs priced at list (USD)")
    success_rate: float | None = Field(description="FINISHED / all queries, 0..1; null: none")


def _trend(day: date, row: dict[str, Any] | None) -> Trend:
    """One day of the metrics' trend from its METRICS_DAILY row; no row = no queries that day."""
    if row is None:
        return Trend(
            date=day,
            query_count=0,
            avg_duration=None,
            avg_duration_ms=None,
            total_cost=0.0,
            total_cost_dbu=0.0,
            total_cost_usd=0.0,
            success_rate=None,
        )
    count = int(row["query_count"])
    avg = _ratio(float(row["duration_ms_sum"]), count)
    return Trend(
        date=day,
        query_count=count,
        avg_duration=avg,
        avg_duration_ms=avg,
        total_cost=_float(row["total_cost_dbu"]),
        total_cost_dbu=_float(row["total_cost_dbu"]),
        total_cost_usd=_float(row["total_cost_usd"]),
        success_rate=_ratio(float(row["finished_queries"]), count),
    )


def _ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator; None when there is nothing to divide by (no queries)."""
    return numerator / denominator if denominator else None


class DashboardMetrics(BaseModel):
    workspace_id: str
    start_date: date
    end_date: date
    user_id: str | None
    total_queries: int
    avg_duration_ms: float | None = Field(description="mean duration (ms), weighted by query")
    total_cost_dbu: float = Field(description="DBUs attributed to the queries")
    total_cost_usd: float = Field(description="those DBUs priced at list (USD)")
    success_rate: float | None = Field(description="FINISHED / all queries, 0..1")
    failed_queries: int
    cost_pending_queries: int = Field(description="queries whose cost is not final yet")
    trends: list[Trend]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _warehouse(
    settings: Settings, memory_tables: tuple[str, ...] = queries.MEMORY_TABLES
) -> Warehouse:
    """The marts' warehouse; ``memory_tables`` (DuckDB): the marts copied into memory (the
    service's; the alert sender passes none)."""
    if settings.backend == "databricks":
        return DatabricksWarehouse(settings.warehouse_id, settings.catalog, settings.schema)
    return DuckDbWarehouse(
        settings.duckdb_path, settings.schema, read_only=True, memory_tables=memory_tables
    )


def _state_store(settings: Settings) -> Warehouse:
    if settings.backend == "databricks":
        return DatabricksWarehouse(settings.warehouse_id, settings.catalog, settings.state_schema)
    return DuckDbWarehouse(settings.state_duckdb_path, settings.state_schema, read_only=False)


# For the OpenAPI document only (an "Authorize" button in /docs); the token is checked by
# AccessLogMiddleware (auth.authenticate), before any endpoint runs.
BEARER_SCHEME = HTTPBearer(
    auto_error=False,
    bearerFormat="JWT",
    description="`make token SUB=<principal>` locally; on Databricks Apps the platform's login.",
)


async def caller(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER_SCHEME)] = None,
) -> Principal:
    """The principal AccessLogMiddleware authenticated (else its 401), rate-limited per
    principal (429 with Retry-After). ``async``: it does no I/O, and a plain ``def`` dependency
    costs a hop to a worker thread per request."""
    settings: Settings = request.app.state.settings
    principal = request.state.authenticated
    if principal is None:
        raise request.state.auth_error
    request.state.principal = principal
    wait = await request.app.state.limiter.check(principal.name)
    if wait is not None:
        raise HTTPException(
            status_code=429,
            detail=f"rate limit {settings.rate_limit} per principal exceeded",
            headers={"Retry-After": str(wait)},
        )
    return principal


Caller = Annotated[Principal, Depends(caller)]


# The endpoints are ``async``: an answer in the cache (most requests) is served on the event
# loop without a thread hop; FastAPI would run a plain ``def`` endpoint, its ``def`` dependencies
# and its response validation in worker threads (anyio's pool of 40), where 50 concurrent
# clients queue for a thread and every hop costs a context switch. Only reads of the warehouse
# (DuckDB releases the GIL while it runs; Databricks is a network call) go to a worker thread.
async def read_marts(request: Request, sql: str, params: dict[str, Any]) -> list[Any]:
    cache: MartsCache = request.app.state.cache
    rows = cache.cached(sql, params)
    if rows is None:
        rows = await run_in_threadpool(cache.query, sql, params)
    return rows


async def grants_of(request: Request, principal: Principal):
    access: WorkspaceAccess = request.app.state.access
    grants = access.fresh_grants(principal)
    if grants is None:
        grants = await run_in_threadpool(access.grants, principal)
    return grants


def _json_response(status_code: int, detail: str, headers: dict[str, str] | None = None):
    return JSONResponse(status_code=status_code, content={"detail": detail}, headers=headers)


def validation_message(exc: RequestValidationError) -> str:
    """'<where> <field>: <rule>' for each rejected input, without the input itself.

    FastAPI's default 422 body repeats every rejected value (``input``), whatever its size; here
    only the parameter's location and name (from the route's declaration) and pydantic's rule
    (``msg``, e.g. "String should match pattern '^[0-9]{1,20}$'", cut at 200 characters).
    """
    parts = []
    for error in exc.errors():
        where = [str(part) for part in error.get("loc", ())]
        place = f"{where[0]} parameter " if where and where[0] in ("path", "query") else ""
        name = ".".join(where[1:] if place else where) or "request"
        parts.append(f"{place}{name}: {str(error.get('msg', 'invalid'))[:200]}")
    return "; ".join(parts) or "invalid request"


class AccessLogMiddleware:
    """Bounds, authenticates and logs every HTTP request, as plain ASGI.

    In order: a path over MAX_PATH_CHARS or a query string over MAX_QUERY_CHARS is 414; the
    credentials are checked once (the endpoints' ``caller`` answers 401 with the reason); a
    request without valid credentials counts against its client address's budget
    (GENIE_API_ANONYMOUS_RATE_LIMIT, 429 with Retry-After over it), whatever its path, so
    unauthenticated traffic cannot flood the service or the access log. The client address is
    the connection's peer (uvicorn applies X-Forwarded-For only from its trusted proxies). Then
    every request goes into the access log (who, what, when, status, duration).

    Not ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware runs each request through an
    extra task group and memory streams, measurable per request under 50 concurrent clients.
    The endpoints put the principal and the workspace into ``request.state`` (the scope's
    ``state`` dict), read here once the response has been sent; an exception that escapes the
    app is logged as 500.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = scope.setdefault("state", {})
        state["principal"] = None
        state["workspace_id"] = None
        state["authenticated"] = None
        state["auth_error"] = None
        status_code = 500

        async def send_status(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
            await send(message)

        try:
            rejection = await self._reject(scope, state)
            if rejection is not None:
                await rejection(scope, receive, send_status)
            else:
                await self.app(scope, receive, send_status)
        finally:
            principal: Principal | None = state.get("principal")
            request_id = Headers(scope=scope).get("x-request-id") or uuid.uuid4().hex
            scope["app"].state.access_log.record(
                request_id=request_id,
                principal=principal.name if principal else None,
                auth_source=principal.source if principal else None,
                method=scope["method"],
                path=scope["path"],
                query_string=scope.get("query_string", b"").decode("latin-1"),
                workspace_id=state.get("workspace_id"),
                status_code=status_code,
                duration_ms=(time.perf_counter() - started) * 1000,
            )

    @staticmethod
    async def _reject(scope: Scope, state: dict[str, Any]) -> JSONResponse | None:
        """The 414 or 429 answer to send instead of running the app, else None."""
        raw_path = scope.get("raw_path") or scope["path"].encode()
        query_string = scope.get("query_string", b"")
        if len(raw_path) > MAX_PATH_CHARS or len(query_string) > MAX_QUERY_CHARS:
            return _json_response(
                414,
                f"request target too long: at most {MAX_PATH_CHARS} characters of path and "
                f"{MAX_QUERY_CHARS} of query string",
            )
        state["workspace_id"] = QueryParams(query_string).get("workspace_id")
        if scope["path"] in UNLIMITED_PATHS:
            return None
        app_state = scope["app"].state
        try:
            state["authenticated"] = authenticate(app_state.settings, Request(scope))
            return None
        except HTTPException as exc:
            state["auth_error"] = exc
        client = scope.get("client")
        address = client[0] if client else "unknown"
        wait = await app_state.anonymous_limiter.check(address)
        if wait is None:
            return None
        return _json_response(
            429,
            f"rate limit {app_state.settings.anonymous_rate_limit} per client address exceeded "
            "by requests without valid credentials",
            {"Retry-After": str(wait)},
        )


def create_app(
    settings: Settings | None = None,
    *,
    warehouse: Warehouse | None = None,
    state_store: Warehouse | None = None,
) -> FastAPI:
    settings = settings or Settings.from_env()
    settings.validate()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.warehouse = warehouse or _warehouse(settings)
        app.state.access = WorkspaceAccess(app.state.warehouse, settings.access_cache_seconds)
        app.state.cache = MartsCache(
            app.state.warehouse,
            max_entries=settings.cache_entries,
            check_seconds=settings.cache_check_seconds,
        )
        state = state_store or _state_store(settings)
        app.state.access_log = AccessLog(state)
        yield
        app.state.access_log.close()  # flushes the queued records
        # Close only the connections this app opened (DuckDB files can then be reopened).
        for store, given in ((state, state_store), (app.state.warehouse, warehouse)):
            if given is None and hasattr(store, "close"):
                store.close()

    app = FastAPI(
        title="genie_analytics API",
        version="1.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.limiter = RateLimiter(settings.rate_limit)
    app.state.anonymous_limiter = RateLimiter(settings.anonymous_rate_limit)

    app.add_middleware(AccessLogMiddleware)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return _json_response(422, validation_message(exc))

    @app.exception_handler(MartsUnavailable)
    async def marts_unavailable(request: Request, exc: MartsUnavailable):
        return JSONResponse(status_code=503, content={"detail": f"marts unavailable: {exc}"})

    @app.get(
        "/api/v1/query-performance/{query_id}",
        response_model=QueryPerformance,
        responses={401: {}, 404: {}, 414: {}, 422: {}, 429: {}, 503: {}},
    )
    async def query_performance(
        request: Request,
        principal: Caller,
        query_id: Annotated[str, Path(pattern=QUERY_ID_PATTERN, description="statement id")],
    ) -> QueryPerformance:
        """One query's performance, cost and the optimisation opportunities of its fingerprint.

        404 both for an unknown id and for a query of a workspace the caller is not granted.
        """
        grants = await grants_of(request, principal)
        rows = await read_marts(request, queries.QUERY_BY_ID, {"query_id": query_id})
        # Ordered here, not in SQL (queries.py): the first visible workspace's row answers.
        visible = sorted(
            (r for r in rows if grants.allows(str(r["workspace_id"]))),
            key=lambda r: str(r["workspace_id"]),
        )
        if not visible:
            raise HTTPException(status_code=404, detail="query not found")
        row = visible[0]
        workspace_id = str(row["workspace_id"])
        request.state.workspace_id = workspace_id
        opportunities = []
        if row["query_fingerprint"] is not None:
            found = await read_marts(
                request,
                queries.OPPORTUNITIES_BY_FINGERPRINT,
                {"workspace_id": workspace_id, "query_fingerprint": row["query_fingerprint"]},
            )
            # Largest saving first (unknown savings last), then by rule.
            opportunities = sorted(
                found,
                key=lambda o: (
                    o["estimated_savings_usd"] is None,
                    -(o["estimated_savings_usd"] or 0.0),
                    o["optimization_type"],
                ),
            )
        return QueryPerformance(
            query_id=row["query_id"],
            workspace_id=workspace_id,
            user_id=row["executed_by"],
            warehouse_id=row["warehouse_id"],
            query_date=row["query_date"],
            execution_status=row["execution_status"],
            query_fingerprint=row["query_fingerprint"],
            performance_metrics=PerformanceMetrics(
                duration_ms=_int(row["duration_ms"]),
                bytes_read=_int(row["bytes_read"]),
                rows_read=_int(row["rows_read"]),
                compute_cost_dbu=_float(row["compute_cost_dbu"]),
                estimated_cost_usd=_float(row["estimated_cost_usd"]),
                cost_status=row["cost_status"],
                is_cost_final=row["is_cost_final"],
            ),
            optimization_opportunities=[
                Opportunity(
                    type=o["optimization_type"],
                    description=o["description"],
                    priority=o["priority"],
                    estimated_savings=_float(o["estimated_savings_usd"]),
                    estimated_savings_usd=_float(o["estimated_savings_usd"]),
                    estimated_savings_dbu=_float(o["estimated_savings_dbu"]),
                    recommended_fix=o["recommended_fix"],
                    status=o["status"],
                )
                for o in opportunities
            ],
        )

    @app.get(
        "/api/v1/dashboard/metrics",
        response_model=DashboardMetrics,
        responses={401: {}, 403: {}, 414: {}, 422: {}, 429: {}, 503: {}},
    )
    async def dashboard_metrics(
        request: Request,
        principal: Caller,
        workspace_id: Annotated[str, Query(pattern=WORKSPACE_ID_PATTERN)],
        start_date: Annotated[date, Query(description="first day (YYYY-MM-DD), inclusive")],
        end_date: Annotated[date, Query(description="last day (YYYY-MM-DD), inclusive")],
        user_id: Annotated[str | None, Query(pattern=USER_ID_PATTERN)] = None,
    ) -> DashboardMetrics:
        """Totals and the daily trend of one workspace over [start_date, end_date].

        From genie_daily_performance; averages and success rate are weighted by query count.
        """
        if end_date < start_date:
            raise HTTPException(status_code=422, detail="end_date is before start_date")
        range_days = (end_date - start_date).days + 1
        if range_days > settings.max_range_days:
            raise HTTPException(
                status_code=422,
                detail=(
                    f"range of {range_days} days exceeds the maximum of {settings.max_range_days}"
                ),
            )
        if not (await grants_of(request, principal)).allows(workspace_id):
            raise HTTPException(status_code=403, detail="workspace not granted to this principal")
        params = {
            "workspace_id": workspace_id,
            "start_date": start_date,
            "end_date": end_date,
            "user_id": user_id,
        }
        days = await read_marts(request, queries.METRICS_DAILY, params)
        total_queries = sum(int(d["query_count"]) for d in days)
        by_date = {d["query_date"]: d for d in days}
        # The days the marts hold (any workspace): inside them a day without rows had no
        # queries; outside them (before the history, after the last load) nothing is known.
        held = (await read_marts(request, queries.DAYS_HELD, {}))[0]
        first = max(start_date, held["first_day"] or end_date + timedelta(days=1))
        last = min(end_date, held["last_day"] or start_date - timedelta(days=1))

        return DashboardMetrics(
            workspace_id=workspace_id,
            start_date=start_date,
            end_date=end_date,
            user_id=user_id,
            total_queries=total_queries,
            avg_duration_ms=_ratio(sum(float(d["duration_ms_sum"]) for d in days), total_queries),
            total_cost_dbu=sum(float(d["total_cost_dbu"] or 0) for d in days),
            total_cost_usd=sum(float(d["total_cost_usd"] or 0) for d in days),
            success_rate=_ratio(sum(float(d["finished_queries"]) for d in days), total_queries),
            failed_queries=sum(int(d["failed_queries"]) for d in days),
            cost_pending_queries=sum(int(d["cost_pending_queries"]) for d in days),
            # Every day of the range the marts hold, in order: a day without queries is a row of
            # zeros with null averages (a gap in a chart would hide it); days the marts do not
            # hold yet (or no longer) are absent, not zero.
            trends=[
                _trend(day, by_date.get(day))
                for day in (first + timedelta(days=i) for i in range((last - first).days + 1))
            ],
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


_APP: FastAPI | None = None


def __getattr__(name: str):
    # `uvicorn genie_analytics_api.main:app` builds the app from the environment on first access
    # (not at import, so tests and the CLI can import this module without settings).
    global _APP
    if name == "app":
        if _APP is None:
            _APP = create_app()
        return _APP
    raise AttributeError(name)
