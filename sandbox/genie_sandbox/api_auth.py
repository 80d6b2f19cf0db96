"""OAuth M2M (client credentials) for the sandbox: client check, token minting and validation.

Databricks workspace tokens are minted per workspace host and are not valid on another workspace;
the sandbox keeps that rule so a client that shares one token across workspaces fails here as it
would in production.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote_plus

DEFAULT_CLIENT_ID = "sandbox-sp"
DEFAULT_CLIENT_SECRET = "sandbox-secret"  # noqa: S105 - a public, sandbox-only default


@dataclass(frozen=True)
class TokenRequest:
    """The parts of a ``POST /oidc/v1/token`` request the server looks at."""

    grant_type: str | None
    scope: str | None
    client_id: str | None
    client_secret: str | None


def parse_token_request(body: bytes, authorization: str | None) -> TokenRequest:
    """Read client credentials from HTTP Basic auth, falling back to form fields (both allowed)."""
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    client_id, client_secret = form.get("client_id"), form.get("client_secret")
    if authorization and authorization.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            decoded = ""
        if ":" in decoded:
            user, _, password = decoded.partition(":")
            # RFC 6749 2.3.1: Basic credentials are form-urlencoded before base64.
            client_id, client_secret = unquote_plus(user), unquote_plus(password)
    return TokenRequest(form.get("grant_type"), form.get("scope"), client_id, client_secret)


class TokenStore:
    """Issued bearer tokens with their workspace and expiry. Thread-safe; clock injectable."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, float]] = {}
        self._issued: dict[str, int] = {}

    def client_is_valid(self, client_id: str | None, client_secret: str | None) -> bool:
        if client_id is None or client_secret is None:
            return False
        id_ok = hmac.compare_digest(client_id.encode(), self._client_id.encode())
        secret_ok = hmac.compare_digest(client_secret.encode(), self._client_secret.encode())
        return id_ok and secret_ok

    def issue(self, workspace_id: str, ttl_s: int) -> str:
        token = "dsbx" + secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = (workspace_id, self._clock() + ttl_s)
            self._issued[workspace_id] = self._issued.get(workspace_id, 0) + 1
        return token

    def check(self, authorization: str | None, workspace_id: str) -> str | None:
        """``None`` when the bearer token is valid for this workspace, else why it is not."""
        if not authorization or not authorization.lower().startswith("bearer "):
            return "Missing bearer token: authenticate with OAuth M2M first"
        token = authorization[7:].strip()
        with self._lock:
            entry = self._tokens.get(token)
        if entry is None:
            return "Invalid access token"
        token_workspace, expires_at = entry
        if token_workspace != workspace_id:
            return "Invalid access token: issued for another workspace"
        if self._clock() >= expires_at:
            return "Access token expired"
        return None

    def issued(self) -> dict[str, int]:
        """Tokens minted so far, per workspace (a client that caches tokens mints few)."""
        with self._lock:
            return dict(self._issued)

    def revoke_all(self) -> int:
        """Forget every token (as after a secret rotation); returns how many were revoked."""
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
        return count
