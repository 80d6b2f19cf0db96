"""The sandbox Genie REST API + OAuth M2M server (``genie-sandbox serve``).

It serves ``sandbox_truth.genie_spaces`` / ``genie_messages`` of a sandbox DuckDB file the way a
Databricks workspace does, so the ingestion and its tests run the real ``databricks-sdk`` client
end to end, including OAuth discovery, token minting and refresh, the SDK's own retries, and the
failures we inject (see :mod:`genie_sandbox.api_faults`).

One loopback listener per workspace: a request's workspace is the port it arrived on, as a
workspace is its host in production. Python callers use :class:`SandboxApi`; the CLI wraps it.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import json
import os
import re
import signal
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from genie_sandbox.api_auth import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    TokenStore,
    parse_token_request,
)
from genie_sandbox.api_data import (
    DEFAULT_API_PORT,
    SandboxData,
    Workspace,
    load_sandbox,
    message_json,
    newest_event,
    space_json,
)
from genie_sandbox.api_faults import FaultConfig, FaultInjector

LOOPBACK = "127.0.0.1"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

_GENIE = "/api/2.0/genie/spaces"
_ROUTES: list[tuple[str, str, re.Pattern[str]]] = [
    ("GET", "host_metadata", re.compile(r"^/\.well-known/databricks-config$")),
    ("GET", "oidc_discovery", re.compile(r"^/oidc/\.well-known/oauth-authorization-server$")),
    ("POST", "token", re.compile(r"^/oidc/v1/token$")),
    ("GET", "list_spaces", re.compile(rf"^{_GENIE}/?$")),
    ("GET", "get_space", re.compile(rf"^{_GENIE}/(?P<space_id>[^/]+)$")),
    (
        "GET",
        "get_message",
        re.compile(
            rf"^{_GENIE}/(?P<space_id>[^/]+)/conversations/(?P<conversation_id>[^/]+)"
            r"/messages/(?P<message_id>[^/]+)$"
        ),
    ),
]
_ERROR_CODES = {
    400: "INVALID_PARAMETER_VALUE",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "RESOURCE_DOES_NOT_EXIST",
    429: "REQUEST_LIMIT_EXCEEDED",
    500: "INTERNAL_ERROR",
    503: "TEMPORARILY_UNAVAILABLE",
}


def error_body(status: int, message: str, error_code: str | None = None) -> dict[str, str]:
    """Databricks' REST error shape, which the SDK maps to ``databricks.sdk.errors`` classes."""
    return {"error_code": error_code or _ERROR_CODES.get(status, "UNKNOWN"), "message": message}


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] | None = None


class RequestStats:
    """Request counts by route, status, path, workspace and injected fault. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.total = 0
            self.by_route: dict[str, Counter[int]] = defaultdict(Counter)
            self.by_path: dict[str, Counter[int]] = defaultdict(Counter)
            self.by_workspace: dict[str, Counter[str]] = defaultdict(Counter)
            self.faults: Counter[str] = Counter()

    def record(
        self, workspace_id: str, route: str, path: str, status: int, fault: str | None
    ) -> None:
        with self._lock:
            self.total += 1
            self.by_route[route][status] += 1
            self.by_path[path][status] += 1
            self.by_workspace[workspace_id][route] += 1
            if fault:
                self.faults[fault] += 1

    def snapshot(self, tokens_issued: dict[str, int]) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self.total,
                "by_route": {
                    r: {str(s): n for s, n in c.items()} for r, c in self.by_route.items()
                },
                "by_path": {p: {str(s): n for s, n in c.items()} for p, c in self.by_path.items()},
                "by_workspace": {w: dict(c) for w, c in self.by_workspace.items()},
                "faults": dict(self.faults),
                "tokens_issued": dict(tokens_issued),
            }

    def count(
        self, route: str | None = None, status: int | None = None, path: str | None = None
    ) -> int:
        """Requests matching a route name and/or exact path, optionally with one status."""
        with self._lock:
            if path is not None:
                counter = self.by_path.get(path, Counter())
                if route is not None and not _route_matches(route, path):
                    return 0
            elif route is not None:
                counter = self.by_route.get(route, Counter())
            else:
                counter = Counter()
                for c in self.by_route.values():
                    counter.update(c)
            return counter[status] if status is not None else sum(counter.values())


def _route_matches(route: str, path: str) -> bool:
    return any(name == route and rx.match(path) for _, name, rx in _ROUTES)


class SandboxState:
    """What all workspace listeners share: the data, faults, tokens and statistics."""

    def __init__(
        self,
        data: SandboxData,
        faults: FaultConfig | None,
        client_id: str,
        client_secret: str,
    ) -> None:
        self.data = data
        self.faults = FaultInjector(faults)
        self.tokens = TokenStore(client_id, client_secret)
        self.stats = RequestStats()
        self.stopping = threading.Event()
        self.verbose = False
        # The world's time when the server started (naive UTC), or None for the wall clock.
        self.world_start: datetime | None = None
        self._started = time.monotonic()

    def now(self) -> datetime:
        """The time this sandbox workspace says it is (its HTTP ``Date`` header): the wall
        clock, or ``world_start`` plus the time since the server started."""
        if self.world_start is None:
            return datetime.now(UTC).replace(tzinfo=None)
        return self.world_start + timedelta(seconds=time.monotonic() - self._started)

    # --- endpoint logic (pure: request in, Reply out) -----------------------------------------

    def is_forbidden(self, workspace_id: str, space_id: str) -> bool:
        if space_id in self.faults.config.forbidden_spaces:
            return True
        row = self.data.spaces.get((workspace_id, space_id))
        return bool(row and row.get("is_forbidden"))

    def host_metadata(self, ws: Workspace, base_url: str) -> Reply:
        body = {
            "oidc_endpoint": f"{base_url}/oidc",
            "workspace_id": ws.workspace_id,
            "cloud": "AWS",
        }
        if ws.account_id:
            body["account_id"] = ws.account_id
        return Reply(200, body)

    def oidc_discovery(self, base_url: str) -> Reply:
        return Reply(
            200,
            {
                "issuer": f"{base_url}/oidc",
                "authorization_endpoint": f"{base_url}/oidc/v1/authorize",
                "token_endpoint": f"{base_url}/oidc/v1/token",
                "jwks_uri": f"{base_url}/oidc/jwks.json",
                "grant_types_supported": ["client_credentials", "authorization_code"],
                "scopes_supported": ["all-apis", "offline_access"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                ],
            },
        )

    def token(
        self,
        ws: Workspace,
        body: bytes,
        authorization: str | None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        req = parse_token_request(body, authorization)
        if req.grant_type != "client_credentials":
            return Reply(
                400,
                {
                    "error": "unsupported_grant_type",
                    "error_description": "only client_credentials is supported",
                },
            )
        if not self.tokens.client_is_valid(req.client_id, req.client_secret):
            description = "Client authentication failed"
            if self.faults.config.echo_token_headers:
                description += f"; request headers: {headers or {}}"
            return Reply(401, {"error": "invalid_client", "error_description": description})
        ttl = self.faults.config.token_ttl_s
        return Reply(
            200,
            {
                "access_token": self.tokens.issue(ws.workspace_id, ttl),
                "token_type": "Bearer",
                "expires_in": ttl,
                "scope": req.scope or "all-apis",
            },
        )

    def list_spaces(self, ws: Workspace, query: dict[str, str]) -> Reply:
        try:
            page_size = int(query.get("page_size") or DEFAULT_PAGE_SIZE)
            offset = _decode_page_token(query.get("page_token"))
        except ValueError as exc:
            return Reply(400, error_body(400, str(exc)))
        page_size = max(1, min(page_size, MAX_PAGE_SIZE))
        # The principal only sees spaces it may read, so forbidden spaces are not listed.
        visible = [
            row
            for row in self.data.spaces_of(ws.workspace_id)
            if not self.is_forbidden(ws.workspace_id, row["space_id"])
        ]
        page = visible[offset : offset + page_size]
        body: dict[str, Any] = {"spaces": [space_json(r, False) for r in page]}
        if offset + page_size < len(visible):
            body["next_page_token"] = _encode_page_token(offset + page_size)
        return Reply(200, body)

    def get_space(self, ws: Workspace, space_id: str, query: dict[str, str]) -> Reply:
        row = self.data.spaces.get((ws.workspace_id, space_id))
        if self.is_forbidden(ws.workspace_id, space_id):
            return Reply(
                403,
                error_body(403, f"User does not have permission to access space {space_id}"),
            )
        if row is None:
            return Reply(404, error_body(404, f"Space {space_id} does not exist."))
        include = query.get("include_serialized_space", "").lower() == "true"
        return Reply(200, space_json(row, include))

    def get_message(
        self, ws: Workspace, space_id: str, conversation_id: str, message_id: str
    ) -> Reply:
        if self.is_forbidden(ws.workspace_id, space_id):
            return Reply(
                403,
                error_body(403, f"User does not have permission to access space {space_id}"),
            )
        override = self.faults.config.message_bodies
        if message_id in override:
            return Reply(200, override[message_id])
        row = self.data.messages.get((ws.workspace_id, message_id))
        if (
            row is None
            or row.get("is_deleted")
            or row["space_id"] != space_id
            or row["conversation_id"] != conversation_id
        ):
            return Reply(404, error_body(404, f"Message {message_id} does not exist."))
        return Reply(200, message_json(row))


def _encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _decode_page_token(token: str | None) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"Invalid page_token: {token}") from exc
    prefix, _, number = raw.partition(":")
    if prefix != "offset" or not number.isdigit():
        raise ValueError(f"Invalid page_token: {token}")
    return int(number)


class _WorkspaceServer(ThreadingHTTPServer):
    """One listener: knows its workspace and the shared state."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, port: int, workspace: Workspace, state: SandboxState) -> None:
        self.workspace = workspace
        self.state = state
        super().__init__((LOOPBACK, port), _Handler)

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the SDK's requests session reuses connections
    # Headers and body go out in two writes; with Nagle on, the client's delayed ACK adds ~40 ms
    # to every answer, which would swamp the benchmark's latency_ms.
    disable_nagle_algorithm = True
    server: _WorkspaceServer

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header (RFC 9110 §6.6.1): the sandbox world's clock, not the host's."""
        if timestamp is not None:
            return super().date_time_string(timestamp)
        return format_datetime(self.server.state.now().replace(tzinfo=UTC), usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:  # stdlib signature
        if self.server.state.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:  # stdlib naming
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # --- plumbing --------------------------------------------------------------------------------

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _write(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. its timeout fired during a slow answer): nothing to send to.
            self.close_connection = True

    def _dispatch(self, method: str) -> None:
        state, ws = self.server.state, self.server.workspace
        split = urlsplit(self.path)
        path = split.path
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        body = self._read_body()

        if path.startswith("/_sandbox/"):
            reply = self._control(method, path, body)
            self._write(reply.status, json.dumps(reply.body).encode(), reply.headers)
            return

        cfg = state.faults.config
        if cfg.latency_ms:
            state.stopping.wait(cfg.latency_ms / 1000)

        route, params = "unknown", {}
        for route_method, name, rx in _ROUTES:
            match = rx.match(path)
            if match and route_method == method:
                # Path segments are percent-decoded, as a real server does.
                route, params = name, {k: unquote(v) for k, v in match.groupdict().items()}
                break

        fault = None
        reply = self._authenticate(route, ws)
        if reply is None and state.faults.applies_to(path):
            fault = state.faults.decide()
            reply = _fault_reply(fault, cfg)
        if reply is None:
            reply = self._route(route, params, query, body)
        if fault == "slow":
            state.stopping.wait(cfg.slow_ms / 1000)

        payload = json.dumps(reply.body).encode()
        if fault == "malformed" and reply.status == 200:
            payload = payload[: max(1, len(payload) // 2)]
        state.stats.record(ws.workspace_id, route, path, reply.status, fault)
        self._write(reply.status, payload, reply.headers)

    def _authenticate(self, route: str, ws: Workspace) -> Reply | None:
        """401 for API calls without a valid token for this workspace; OAuth routes are open."""
        if route in {"host_metadata", "oidc_discovery", "token"}:
            return None
        problem = self.server.state.tokens.check(self.headers.get("Authorization"), ws.workspace_id)
        if problem:
            return Reply(401, error_body(401, problem))
        claimed = self.headers.get("X-Databricks-Workspace-Id")
        if claimed and claimed != ws.workspace_id:
            return Reply(
                400,
                error_body(400, f"X-Databricks-Workspace-Id {claimed} does not match this host"),
            )
        return None

    def _route(self, route: str, params: dict[str, str], query: dict[str, str], body: bytes):
        state, ws, base = self.server.state, self.server.workspace, self.server.base_url
        if route == "host_metadata":
            return state.host_metadata(ws, base)
        if route == "oidc_discovery":
            return state.oidc_discovery(base)
        if route == "token":
            return state.token(
                ws, body, self.headers.get("Authorization"), dict(self.headers.items())
            )
        if route == "list_spaces":
            return state.list_spaces(ws, query)
        if route == "get_space":
            return state.get_space(ws, params["space_id"], query)
        if route == "get_message":
            return state.get_message(
                ws, params["space_id"], params["conversation_id"], params["message_id"]
            )
        return Reply(
            404,
            error_body(404, f"No API found for '{self.command} {self.path}'", "ENDPOINT_NOT_FOUND"),
        )

    def _control(self, method: str, path: str, body: bytes) -> Reply:
        """Test hooks: read/set faults, read/reset stats, revoke tokens. Loopback only."""
        state = self.server.state
        try:
            if path == "/_sandbox/faults" and method == "GET":
                return Reply(200, state.faults.config.to_json())
            if path == "/_sandbox/faults" and method == "POST":
                changes = json.loads(body or b"{}")
                return Reply(200, state.faults.update(**changes).to_json())
            if path == "/_sandbox/stats" and method == "GET":
                return Reply(200, state.stats.snapshot(state.tokens.issued()))
            if path == "/_sandbox/stats/reset" and method == "POST":
                state.stats.reset()
                return Reply(200, {"reset": True})
            if path == "/_sandbox/tokens/revoke" and method == "POST":
                return Reply(200, {"revoked": state.tokens.revoke_all()})
        except (ValueError, TypeError) as exc:
            return Reply(400, error_body(400, str(exc)))
        return Reply(404, error_body(404, f"No control endpoint {method} {path}"))


def _fault_reply(fault: str | None, cfg: FaultConfig) -> Reply | None:
    retry_after = {"Retry-After": str(cfg.retry_after_s)}
    if fault == "429":
        return Reply(
            429, error_body(429, "Too many requests (sandbox fault injection)"), retry_after
        )
    if fault == "503":
        return Reply(503, error_body(503, "Service temporarily unavailable (sandbox)"), retry_after)
    if fault == "500":
        return Reply(500, error_body(500, "Internal server error (sandbox fault injection)"))
    return None


class SandboxApi:
    """The sandbox API for Python callers; a context manager that runs one thread per workspace.

    ``base_port``: ``0`` picks free ports (tests; read :attr:`urls`), ``N`` listens on ``N + i``
    for workspace ``i`` (ordered by workspace_id), ``None`` uses the port in each workspace's
    ``workspace_url`` (what the generator wrote), falling back to ``8765 + i``.
    """

    def __init__(
        self,
        db_path: str | Path,
        faults: FaultConfig | None = None,
        base_port: int | None = 0,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        verbose: bool = False,
        world_start: datetime | None = None,
    ) -> None:
        self.state = SandboxState(load_sandbox(db_path), faults, client_id, client_secret)
        self.state.verbose = verbose
        self.state.world_start = world_start
        self.client_id = client_id
        self.client_secret = client_secret
        self._base_port = base_port
        self._servers: list[_WorkspaceServer] = []
        self._threads: list[threading.Thread] = []

    # --- lifecycle -------------------------------------------------------------------------------

    def _port_for(self, index: int, ws: Workspace) -> int:
        if self._base_port == 0:
            return 0
        if self._base_port is not None:
            return self._base_port + index
        return ws.port_from_url() or DEFAULT_API_PORT + index

    def start(self) -> SandboxApi:
        if self._servers:
            return self
        try:
            for index, ws in enumerate(self.state.data.workspaces):
                server = _WorkspaceServer(self._port_for(index, ws), ws, self.state)
                self._servers.append(server)
                thread = threading.Thread(
                    target=server.serve_forever,
                    kwargs={"poll_interval": 0.05},
                    name=f"sandbox-api-{ws.workspace_id}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)
        except OSError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self.state.stopping.set()  # wakes handlers sleeping on latency or slow faults
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        self.state.stopping.clear()

    def __enter__(self) -> SandboxApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what tests need -----------------------------------------------------------------------

    @property
    def urls(self) -> dict[str, str]:
        """workspace_id -> base URL of its listener (use it as the SDK ``host``)."""
        return {s.workspace.workspace_id: s.base_url for s in self._servers}

    def set_faults(self, config: FaultConfig | None = None, **changes: Any) -> FaultConfig:
        """Replace the fault config, or change some switches (``set_faults(rate_429=0.2)``)."""
        if config is not None:
            self.state.faults.configure(config)
            return config
        return self.state.faults.update(**changes)

    @contextmanager
    def faults(self, **changes: Any) -> Iterator[FaultConfig]:
        """Apply some fault switches for the duration of a ``with`` block."""
        before = self.state.faults.config
        try:
            yield self.set_faults(**changes)
        finally:
            self.state.faults.configure(before)

    def stats(self) -> dict[str, Any]:
        return self.state.stats.snapshot(self.state.tokens.issued())

    def count(
        self, route: str | None = None, status: int | None = None, path: str | None = None
    ) -> int:
        """Number of requests for a route (``get_message``, ``get_space``, ``list_spaces``,
        ``token``, ...) and/or an exact path, optionally with one HTTP status."""
        return self.state.stats.count(route, status, path)

    def reset_stats(self) -> None:
        self.state.stats.reset()

    def revoke_tokens(self) -> int:
        return self.state.tokens.revoke_all()


# --- CLI --------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="genie-sandbox serve",
        description="Serve the sandbox's Genie REST API and OAuth M2M endpoints on loopback, "
        "one port per workspace.",
    )
    p.add_argument("--db", required=True, help="sandbox DuckDB file (with sandbox_truth; required)")
    p.add_argument(
        "--api-port",
        type=int,
        default=None,
        help="first port (workspace i listens on port+i); default: the port in each "
        "workspace_url of access.workspaces_latest, else 8765+i",
    )
    p.add_argument(
        "--client-id",
        default=os.environ.get("DATABRICKS_SP_CLIENT_ID", DEFAULT_CLIENT_ID),
        help="the OAuth client id the token endpoint accepts "
        f"(default: env DATABRICKS_SP_CLIENT_ID, else {DEFAULT_CLIENT_ID!r})",
    )
    p.add_argument(
        "--client-secret",
        default=os.environ.get("DATABRICKS_SP_CLIENT_SECRET", DEFAULT_CLIENT_SECRET),
        help="the OAuth client secret the token endpoint accepts (default: env "
        "DATABRICKS_SP_CLIENT_SECRET, else the sandbox's public default; never printed)",
    )
    p.add_argument(
        "--urls-file",
        help="write {workspace_id: url} JSON here once listening (default: not written)",
    )
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    p.add_argument(
        "--clock",
        choices=["data", "wall"],
        default="data",
        help="what the HTTP Date header says: 'data' starts at the newest message "
        "of the data and runs on, as a workspace at the end of the sandbox's fixed calendar "
        "would; 'wall' is this machine's clock (default: %(default)s)",
    )
    f = p.add_argument_group("fault injection (deterministic from --seed)")
    f.add_argument(
        "--seed", type=int, default=0, help="seed of the fault draws (default: %(default)s)"
    )
    f.add_argument(
        "--rate-429",
        type=float,
        default=0.0,
        help="fraction of API requests answered 429 (default: %(default)s)",
    )
    f.add_argument(
        "--storm-429",
        type=int,
        default=0,
        help="the first N API requests get 429 (default: %(default)s)",
    )
    f.add_argument(
        "--retry-after",
        type=int,
        default=1,
        help="Retry-After seconds on 429/503 (default: %(default)s)",
    )
    f.add_argument(
        "--rate-500",
        type=float,
        default=0.0,
        help="fraction of API requests answered 500 (default: %(default)s)",
    )
    f.add_argument(
        "--rate-503",
        type=float,
        default=0.0,
        help="fraction of API requests answered 503 (default: %(default)s)",
    )
    f.add_argument(
        "--rate-malformed",
        type=float,
        default=0.0,
        help="fraction of API requests answered 200 with a truncated body (default: %(default)s)",
    )
    f.add_argument(
        "--rate-slow",
        type=float,
        default=0.0,
        help="fraction of API requests answered after --slow-ms (default: %(default)s)",
    )
    f.add_argument(
        "--slow-ms",
        type=int,
        default=5000,
        help="delay of a slow answer, milliseconds (default: %(default)s)",
    )
    f.add_argument(
        "--latency-ms",
        type=int,
        default=0,
        help="milliseconds added to every answer (default: %(default)s)",
    )
    f.add_argument(
        "--forbidden-space",
        action="append",
        default=[],
        metavar="SPACE_ID",
        help="answer 403 for this Genie space; repeatable (default: none)",
    )
    f.add_argument(
        "--token-ttl",
        type=int,
        default=3600,
        help="access token lifetime, seconds (default: %(default)s)",
    )
    f.add_argument(
        "--fault-path-prefix",
        default="/api/",
        help="only requests whose path starts with this get faults (default: %(default)s)",
    )
    return p


def faults_from_args(args: argparse.Namespace) -> FaultConfig:
    return FaultConfig(
        seed=args.seed,
        rate_429=args.rate_429,
        storm_429=args.storm_429,
        retry_after_s=args.retry_after,
        rate_500=args.rate_500,
        rate_503=args.rate_503,
        rate_malformed=args.rate_malformed,
        rate_slow=args.rate_slow,
        slow_ms=args.slow_ms,
        latency_ms=args.latency_ms,
        forbidden_spaces=frozenset(args.forbidden_space),
        token_ttl_s=args.token_ttl,
        path_prefix=args.fault_path_prefix,
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        faults = faults_from_args(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not Path(args.db).exists():
        print(f"error: no such sandbox file: {args.db}", file=sys.stderr)
        return 2
    api = SandboxApi(
        args.db,
        faults=faults,
        base_port=args.api_port,
        client_id=args.client_id,
        client_secret=args.client_secret,
        verbose=args.verbose,
    )
    if args.clock == "data":
        api.state.world_start = newest_event(api.state.data)
    try:
        api.start()
    except OSError as exc:
        print(f"error: cannot listen: {exc}", file=sys.stderr)
        return 1
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    try:
        if args.urls_file:
            # Write-then-rename, so a script polling for the file never reads half of it.
            target = Path(args.urls_file)
            partial = target.with_name(target.name + ".partial")
            partial.write_text(json.dumps(api.urls, indent=2) + "\n")
            partial.replace(target)
        for workspace_id, url in api.urls.items():
            print(f"workspace {workspace_id}: {url}", flush=True)
        data = api.state.data
        print(
            f"serving {len(data.spaces)} spaces and {len(data.messages)} messages; Ctrl-C to stop",
            flush=True,
        )
        while not done.wait(0.5):
            pass
    finally:
        api.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
