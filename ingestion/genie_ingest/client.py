"""The Genie client: REST calls with one databricks-sdk ``WorkspaceClient`` per workspace.

Retry decision (deliberate): the SDK retries 429/503 and network errors by itself, but only
against a wall-clock budget (``retry_timeout_seconds``, 5 minutes by default) with no cap on
attempts, no retry of plain 500s, and no way to say "this message already used its budget". We
want bounded attempts, exponential backoff with jitter, ``Retry-After`` honoured, a per-request
deadline, no retry on 403/404, one token refresh on 401, and a clock that tests inject so they
never sleep (genie_ingest.retry). So the SDK is given a :class:`_HandBackClock`: the moment the
SDK would sleep before its own retry, the clock raises :class:`_SdkRetryHandBack` (carrying the
original error as ``__context__``) and our :class:`~genie_ingest.retry.RetryPolicy` decides.
Every SDK call is therefore exactly one HTTP attempt, and all waiting happens in one place.

Responses are read as raw JSON through ``w.api_client.do`` (the same authenticated, pooled
client ``w.genie.get_message`` / ``get_space`` use), never through the SDK dataclasses: the
pinned SDK (0.117) turns enum values it does not know into None and drops unknown keys
(genie_ingest.records reads every value from the body). Every error text is scrubbed of the
credentials (genie_ingest.redaction) before it is returned.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import requests
from databricks.sdk import WorkspaceClient, oauth
from databricks.sdk.clock import Clock as SdkClock
from databricks.sdk.core import Config
from databricks.sdk.credentials_provider import OAuthCredentialsProvider, oauth_credentials_strategy
from databricks.sdk.errors import (
    DatabricksError,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
)
from databricks.sdk.errors.platform import STATUS_CODE_MAPPING

from genie_ingest.redaction import scrub, scrub_raw
from genie_ingest.retry import Clock, RealClock, RetryPolicy, TokenBucket
from genie_ingest.settings import Secret

# error_type values of message_fetch_errors
NOT_FOUND = "NOT_FOUND"
AUTH_ERROR = "AUTH_ERROR"
RATE_LIMITED = "RATE_LIMITED"
TIMEOUT = "TIMEOUT"
NO_TOKEN = "NO_TOKEN"  # noqa: S105 - an error type, not a password
FAILED = "FAILED"
# A 200 answer that cannot become a row (records.MalformedResponse); the body is kept aside.
MALFORMED_RESPONSE = "MALFORMED_RESPONSE"
# Not a message's fault: the workspace is skipped for the rest of the run (never landed as a row).
WORKSPACE_UNAVAILABLE = "WORKSPACE_UNAVAILABLE"


class _SdkRetryHandBack(Exception):  # a control-flow signal, not an error
    """Raised where the SDK would sleep before retrying; the SDK's error is ``__context__``."""


class _HandBackClock(SdkClock):
    def time(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        raise _SdkRetryHandBack(seconds)


# --- outcomes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchError:
    """Why a fetch failed. ``run_wide`` errors (no token, the workspace unreachable, a storm of
    5xx/timeouts) say nothing about the message: they are never recorded against it."""

    error_type: str
    http_status: int | None
    message: str
    run_wide: bool = False
    raw_response: str | None = None  # the body of a MALFORMED_RESPONSE, bounded


@dataclass(frozen=True)
class FetchResult:
    """Either ``body`` (the parsed JSON answer) or ``error``; ``attempts`` HTTP calls were made.

    ``server_time`` is the answer's HTTP ``Date`` header (naive UTC; None when absent or
    unreadable): the time at the workspace that holds the message, which a message's age is
    measured against."""

    body: Any
    error: FetchError | None
    attempts: int
    server_time: datetime | None = None


@dataclass(frozen=True)
class _Failure:
    error_type: str
    http_status: int | None
    retryable: bool
    retry_after: float | None
    refresh_token: bool
    message: str
    # The workspace, not the message: counts towards skipping the workspace for the run.
    # "always": never about one message (no token, no connection); "streak": only once
    # ``workspace_failure_threshold`` of them come in a row (5xx, timeouts).
    workspace_fault: str | None = None


def _http_status(exc: BaseException) -> int | None:
    """The HTTP status an SDK error stands for (the SDK maps status -> class, not the reverse)."""
    if not isinstance(exc, DatabricksError):
        return None
    for code, cls in STATUS_CODE_MAPPING.items():
        if isinstance(exc, cls):
            return code
    return None


def _classify(exc: BaseException) -> _Failure:
    """Map one failed attempt to (error_type, can it heal within this run?)."""
    if isinstance(exc, _SdkRetryHandBack) and exc.__context__ is not None:
        exc = exc.__context__
    status = _http_status(exc)
    # The SDK appends its config dump to 401/403 messages; the first sentence is the error.
    text = f"{type(exc).__name__}: {str(exc).split(' Config: ')[0]}"
    retry_after = getattr(exc, "retry_after_secs", None)
    if isinstance(exc, TokenEndpointUnavailable):
        # The token endpoint, not the message: the workspace is skipped for the run.
        return _Failure(NO_TOKEN, None, False, None, False, text, "always")
    if isinstance(exc, NotFound):
        return _Failure(NOT_FOUND, status or 404, False, None, False, text)
    if isinstance(exc, Unauthenticated):
        # Reached only after one token refresh: the workspace refuses our credentials.
        return _Failure(AUTH_ERROR, status or 401, False, None, True, text, "always")
    if isinstance(exc, PermissionDenied):
        return _Failure(AUTH_ERROR, status or 403, False, None, False, text)
    if isinstance(exc, TooManyRequests):
        return _Failure(RATE_LIMITED, status or 429, True, retry_after, False, text)
    if isinstance(exc, DatabricksError):
        server_side = status is None or status >= 500
        return _Failure(
            FAILED,
            status,
            server_side,
            retry_after,
            False,
            text,
            "streak" if server_side else None,
        )
    if isinstance(exc, requests.ConnectTimeout):
        return _Failure(TIMEOUT, None, True, None, False, text, "always")
    if isinstance(exc, requests.Timeout):
        return _Failure(TIMEOUT, None, True, None, False, text, "streak")
    if isinstance(exc, requests.ConnectionError):
        # Refused, reset, DNS: nothing to do with the message asked for.
        return _Failure(FAILED, None, True, None, False, text, "always")
    if isinstance(exc, (json.JSONDecodeError, requests.exceptions.JSONDecodeError)):
        # Retried in the run (a proxy may have cut it); recorded with the text it had.
        return _Failure(MALFORMED_RESPONSE, 200, True, None, False, f"malformed JSON body: {exc}")
    if isinstance(exc, (ValueError, NotImplementedError)):
        # The SDK raises ValueError when it cannot mint a token (invalid_client, no endpoint).
        return _Failure(NO_TOKEN, None, False, None, False, text, "always")
    return _Failure(FAILED, None, False, None, False, text)


# --- clients -----------------------------------------------------------------------------------

ClientFactory = Callable[[str], WorkspaceClient]


def sdk_client_factory(
    client_id: Secret, client_secret: Secret, request_timeout_seconds: float, pool_size: int
) -> ClientFactory:
    """A factory of OAuth M2M ``WorkspaceClient`` objects (one token cache per workspace)."""

    def build(url: str) -> WorkspaceClient:
        probe_host(url, request_timeout_seconds)
        size = max(pool_size, 1)
        config = Config(
            host=url,
            client_id=client_id.reveal(),
            client_secret=client_secret.reveal(),
            auth_type="oauth-m2m",
            http_timeout_seconds=request_timeout_seconds,
            # The SDK (0.117, _base_client.py) passes max_connection_pools as requests'
            # pool_maxsize (connections kept per host) and max_connections_per_pool as
            # pool_connections (hosts cached), the reverse of their names; both are set so
            # every fetch thread keeps its own keep-alive connection.
            max_connection_pools=size,
            max_connections_per_pool=size,
            clock=_HandBackClock(),
            credentials_strategy=bounded_oauth_m2m(request_timeout_seconds),
            product="genie-ingest",
            product_version="0.1.0",
        )
        client = WorkspaceClient(config=config)
        _size_plain_http_pool(client, size)
        return client

    return build


class TokenEndpointUnavailable(OSError):
    """The workspace's OAuth token endpoint did not answer (timeout, refused, reset)."""


class BoundedClientCredentials(oauth.ClientCredentials):
    """The SDK's OAuth M2M client-credentials token source with a bounded token POST.

    Why hand-written (databricks-sdk 0.117 source): ``oauth.retrieve_token`` calls
    ``requests.post(token_url, ...)`` with no ``timeout``, and neither ``Config`` nor
    ``ClientCredentials`` lets a caller set one, so a token endpoint that accepts the connection
    and never answers held the fetch threads for as long as it hung. This POST is the
    same request (form body, HTTP Basic ``client_id:client_secret``, RFC 6749 §4.4) with
    ``(connect, read)`` timeouts; its answer is read as the SDK reads it (a refused grant is a
    ``ValueError``, as in the SDK, so it stays a NO_TOKEN failure). A timeout or a connection
    error raises :class:`TokenEndpointUnavailable`, which the SDK does not retry.
    """

    def __init__(self, *args: Any, timeout_seconds: float = 30.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_seconds = timeout_seconds

    def refresh(self) -> oauth.Token:
        params = {"grant_type": "client_credentials"}
        if self.scopes:
            params["scope"] = self.scopes
        if self.authorization_details:
            params["authorization_details"] = self.authorization_details
        params.update(self.endpoint_params or {})
        timeout = (min(PROBE_CONNECT_TIMEOUT_SECONDS, self.timeout_seconds), self.timeout_seconds)
        try:
            resp = requests.post(
                self.token_url,
                params,
                auth=requests.auth.HTTPBasicAuth(self.client_id, self.client_secret),
                timeout=timeout,
            )
        except requests.RequestException as exc:
            raise TokenEndpointUnavailable(
                f"the OAuth token endpoint {self.token_url} did not answer within "
                f"{timeout[0]:g}s/{timeout[1]:g}s: {type(exc).__name__}"
            ) from None
        if not resp.ok:
            if resp.headers.get("Content-Type", "").startswith("application/json"):
                err = resp.json()
                code = err.get("errorCode", err.get("error", "unknown"))
                summary = str(err.get("errorSummary", err.get("error_description", "unknown")))
                raise ValueError(f"{code}: {summary.replace(chr(13) + chr(10), ' ')}")
            raise ValueError(resp.content)
        try:
            body = resp.json()
            return oauth.Token(
                access_token=body["access_token"],
                token_type=body["token_type"],
                refresh_token=body.get("refresh_token"),
                expiry=datetime.now() + timedelta(seconds=int(body["expires_in"])),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"the token endpoint's answer is not a token: {exc}") from None


def bounded_oauth_m2m(timeout_seconds: float):
    """An ``oauth-m2m`` credentials strategy (the SDK's ``oauth_service_principal``, same OIDC
    discovery and headers) whose token POST is bounded by ``timeout_seconds``."""

    @oauth_credentials_strategy("oauth-m2m", ["host", "client_id", "client_secret"])
    def strategy(cfg: Config) -> OAuthCredentialsProvider | None:
        oidc = cfg.databricks_oidc_endpoints
        if oidc is None:
            return None
        source = BoundedClientCredentials(
            client_id=cfg.client_id,
            client_secret=cfg.client_secret,
            token_url=oidc.token_endpoint,
            scopes=cfg.get_scopes_as_string(),
            use_header=True,
            disable_async=cfg.disable_async_token_refresh,
            authorization_details=cfg.authorization_details,
            timeout_seconds=timeout_seconds,
        )

        def headers() -> dict[str, str]:
            token = source.token()
            return {"Authorization": f"{token.token_type} {token.access_token}"}

        return OAuthCredentialsProvider(headers, source.token)

    return strategy


class WorkspaceUnreachable(OSError):
    """The workspace did not answer its discovery endpoint within our timeouts."""


PROBE_CONNECT_TIMEOUT_SECONDS = 5.0
PROBE_READ_TIMEOUT_SECONDS = 10.0


def probe_host(url: str, request_timeout_seconds: float) -> None:
    """One bounded GET of ``{url}/.well-known/databricks-config`` before the SDK sees the host.

    Why (databricks-sdk 0.117 source): ``Config.__init__`` calls ``_resolve_host_metadata()``,
    which calls ``oauth.get_host_metadata(host)`` with its default argument
    ``client=_BaseClient()``, one module-level client built at import time with
    ``retry_timeout_seconds=300``, a 60 s HTTP timeout and the real clock: none of the
    ``Config``'s own timeouts or clock reach it, so an unreachable host is retried for five
    minutes before the SDK logs a warning and carries on (the OIDC discovery functions share
    that client). The SDK offers no setting for it, so we ask the same endpoint once ourselves,
    with at most 5 s to connect and 10 s to answer, and never build a client for a host that
    does not answer. Any HTTP answer (even 404: some hosts have no such endpoint) passes.
    """
    timeout = (
        min(PROBE_CONNECT_TIMEOUT_SECONDS, request_timeout_seconds),
        min(PROBE_READ_TIMEOUT_SECONDS, request_timeout_seconds),
    )
    try:
        requests.get(
            url.rstrip("/") + "/.well-known/databricks-config",
            timeout=timeout,
            allow_redirects=False,
        ).close()
    except requests.RequestException as exc:
        raise WorkspaceUnreachable(
            f"{url} did not answer within {timeout[0]:g}s/{timeout[1]:g}s: {type(exc).__name__}"
        ) from exc


def _size_plain_http_pool(client: WorkspaceClient, size: int) -> None:
    """Give ``http://`` hosts the same connection pool the SDK mounts for ``https://`` only.

    Workspaces are always https; the local sandbox API is plain http on loopback, where the
    session's default adapter keeps 10 connections: with more fetch threads than that, every
    request beyond the tenth opened and dropped a TCP connection (urllib3 "Connection pool is
    full, discarding connection"), and that, not the fetching, used the CPU. The SDK exposes no
    setting for it, so this reaches the session it builds; if a future SDK moves it, the
    default adapter stays (slower, still correct).
    """
    if not client.config.host.startswith("http://"):
        return
    session = getattr(getattr(client.api_client, "_api_client", None), "_session", None)
    if isinstance(session, requests.Session):
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=size, pool_maxsize=size, pool_block=True
        )
        session.mount("http://", adapter)


class WorkspaceClients:
    """One cached client per workspace URL; ``invalidate`` forces a fresh token next time.

    A workspace whose client cannot be built (bad credentials, no OIDC endpoint, the host does
    not answer) is remembered as failed for the rest of the run: building it again for each of
    its messages would repeat the failure for nothing. Each URL has its own lock, so building
    one workspace's client never holds up the threads of another.
    """

    def __init__(self, factory: ClientFactory) -> None:
        self._factory = factory
        self._clients: dict[str, WorkspaceClient] = {}
        self._failed: dict[str, Exception] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def _url_lock(self, url: str) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(url, threading.Lock())

    def get(self, url: str) -> WorkspaceClient:
        with self._url_lock(url):
            if url in self._failed:
                raise self._failed[url]
            client = self._clients.get(url)
            if client is None:
                try:
                    client = self._factory(url)
                except (ValueError, OSError, requests.RequestException) as exc:
                    self._failed[url] = exc
                    raise
                self._clients[url] = client
            return client

    def invalidate(self, url: str, stale: WorkspaceClient) -> None:
        with self._url_lock(url):
            if self._clients.get(url) is stale:
                del self._clients[url]


def _segment(value: str) -> str:
    """One URL path segment, percent-encoded so no id can add a segment, a query or a fragment
    (``/``, ``?``, ``#``, ``..`` stay inside the segment; RFC 3986 §3.3)."""
    text = quote(str(value), safe="")
    # "." and ".." are not encoded by quote() but are dot-segments that clients and servers
    # remove (RFC 3986 §5.2.4): encode their dots so they name nothing.
    return text.replace(".", "%2E") if text in {".", ".."} else text


class GenieFetcher:
    """Fetches Genie messages and spaces with bounded retries and a per-workspace rate limit."""

    def __init__(
        self,
        clients: WorkspaceClients,
        policy: RetryPolicy,
        rate_limit_per_second: float,
        clock: Clock | None = None,
        secrets: Iterable[Secret | None] = (),
        rng: random.Random | None = None,
        workspace_failure_threshold: int = 5,
    ) -> None:
        self._threshold = workspace_failure_threshold
        self._streaks: dict[str, int] = {}
        self._down: dict[str, str] = {}
        self._clients = clients
        self._policy = policy
        self._rate = rate_limit_per_second
        self._clock = clock or RealClock()
        self._secrets = tuple(secrets)
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def unavailable(self) -> dict[str, str]:
        """Workspace URL -> why it was skipped for the rest of this run."""
        with self._lock:
            return dict(self._down)

    def _workspace_outcome(self, url: str, failure: _Failure | None) -> str | None:
        """Record one attempt's outcome; the reason the workspace is down, if it now is.

        A success or an answer about the message (4xx) resets the streak; ``always`` faults
        take the workspace down at once, ``streak`` faults after ``threshold`` in a row.
        """
        with self._lock:
            if url in self._down:
                return self._down[url]
            if failure is None or failure.workspace_fault is None:
                self._streaks[url] = 0
                return None
            self._streaks[url] = self._streaks.get(url, 0) + 1
            if failure.workspace_fault == "always" or self._streaks[url] >= self._threshold:
                self._down[url] = scrub(
                    f"{failure.error_type} after {self._streaks[url]} failed request(s) in a "
                    f"row: {failure.message}",
                    self._secrets,
                )
                return self._down[url]
            return None

    def _bucket(self, url: str) -> TokenBucket:
        with self._lock:
            if url not in self._buckets:
                self._buckets[url] = TokenBucket(self._rate, self._clock)
            return self._buckets[url]

    def get_message(
        self, url: str, space_id: str, conversation_id: str, message_id: str
    ) -> FetchResult:
        path = (
            f"/api/2.0/genie/spaces/{_segment(space_id)}"
            f"/conversations/{_segment(conversation_id)}/messages/{_segment(message_id)}"
        )
        return self._call(url, path, None)

    def get_space(self, url: str, space_id: str) -> FetchResult:
        path = f"/api/2.0/genie/spaces/{_segment(space_id)}"
        return self._call(url, path, {"include_serialized_space": True})

    def _call(self, url: str, path: str, query: dict[str, Any] | None) -> FetchResult:
        start = self._clock.time()
        attempts = 0
        refreshed = False
        while True:
            down = self.unavailable().get(url)
            if down is not None:
                return self._error(WORKSPACE_UNAVAILABLE, None, down, attempts, run_wide=True)
            attempts += 1
            self._bucket(url).acquire()
            try:
                client = self._clients.get(url)
            except (ValueError, OSError, requests.RequestException) as exc:
                # The SDK raises ValueError when it cannot set up OAuth for the host; the probe
                # raises WorkspaceUnreachable when the host does not answer.
                kind = NO_TOKEN if isinstance(exc, ValueError) else WORKSPACE_UNAVAILABLE
                text = f"{type(exc).__name__}: {str(exc).split(' Config: ')[0]}"
                failure = _Failure(kind, None, False, None, False, text, "always")
                reason = self._workspace_outcome(url, failure) or text
                return self._error(kind, None, reason, attempts, run_wide=True)
            try:
                # raw: the SDK hands back the body unparsed with the Date header beside it
                # (parsed, a JSON object's keys would be merged with the headers asked for).
                answer = client.api_client.do(
                    "GET",
                    path,
                    query=query,
                    headers={"Accept": "application/json"},
                    raw=True,
                    response_headers=["Date"],
                )
                body = _json_body(answer["contents"].read())
            except Exception as exc:  # classified below, never swallowed silently
                last_exc: BaseException = exc
                failure = _classify(exc)
            else:
                self._workspace_outcome(url, None)
                # Any JSON value is handed on: a body that cannot become a row is the
                # caller's MALFORMED_RESPONSE, with the body kept.
                return FetchResult(
                    body=body,
                    error=None,
                    attempts=attempts,
                    server_time=http_date(answer.get("Date")),
                )
            if failure.refresh_token and not refreshed:
                # A 401 usually means our cached token expired early: mint a new one, once.
                refreshed = True
                self._clients.invalidate(url, client)
                continue
            down = self._workspace_outcome(url, failure)
            if down is not None:
                return self._error(
                    failure.error_type, failure.http_status, down, attempts, run_wide=True
                )
            if not failure.retryable or attempts >= self._policy.max_attempts:
                return self._error(
                    failure.error_type,
                    failure.http_status,
                    failure.message,
                    attempts,
                    raw_response=(
                        _raw_text(last_exc) if failure.error_type == MALFORMED_RESPONSE else None
                    ),
                )
            wait = self._policy.delay(attempts, failure.retry_after, self._rng)
            elapsed = self._clock.time() - start
            if elapsed + wait > self._policy.deadline_seconds:
                return self._error(
                    failure.error_type,
                    failure.http_status,
                    f"deadline of {self._policy.deadline_seconds:g}s reached: {failure.message}",
                    attempts,
                )
            self._clock.sleep(wait)

    def _error(
        self,
        error_type: str,
        status: int | None,
        message: str,
        attempts: int,
        *,
        run_wide: bool = False,
        raw_response: str | None = None,
    ) -> FetchResult:
        raw = None if raw_response is None else scrub_raw(raw_response, self._secrets)
        return FetchResult(
            body=None,
            error=FetchError(error_type, status, scrub(message, self._secrets), run_wide, raw),
            attempts=attempts,
        )


def _json_body(content: bytes) -> Any:
    """The JSON value of a 200 answer, as the SDK reads one: an empty body or ``null`` is an
    empty object. Invalid JSON raises ``json.JSONDecodeError`` (a MALFORMED_RESPONSE, text kept).
    """
    if not content:
        return {}
    body = json.loads(content.decode("utf-8", errors="replace"))
    return {} if body is None else body


def http_date(value: str | None) -> datetime | None:
    """An HTTP ``Date`` header (RFC 9110 §5.6.7, e.g. ``Mon, 30 Nov 2026 06:00:00 GMT``) as
    naive UTC, or None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _raw_text(exc: BaseException) -> str | None:
    """The text a JSON decoder refused (``JSONDecodeError.doc``), if it kept it."""
    while exc is not None:
        doc = getattr(exc, "doc", None)
        if isinstance(doc, str):
            return doc
        exc = exc.__context__ or exc.__cause__  # type: ignore[assignment]
    return None
