"""Who is calling: a bearer JWT locally, the Databricks Apps proxy's identity headers on Databricks.

Errors are 401 with ``WWW-Authenticate: Bearer`` (RFC 6750) and a reason; the token itself is never
logged or echoed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jwt
from fastapi import HTTPException, Request, status

from .settings import Settings

ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    """The caller: ``name`` (user e-mail or service principal application id, lower-cased) and
    the groups it claims (JWT ``groups`` claim; empty on Databricks Apps, see README)."""

    name: str
    groups: tuple[str, ...] = ()
    source: str = "jwt"


def _unauthorized(reason: str) -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail=reason,
        headers={"WWW-Authenticate": 'Bearer realm="genie-analytics-api"'},
    )


def issue_token(
    settings: Settings, subject: str, *, groups: list[str] | None = None, ttl_seconds: int = 3600
) -> str:
    """An HS256 token for ``subject`` that expires after ``ttl_seconds`` (local use and tests)."""
    now = int(time.time())
    claims = {
        "sub": subject,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl_seconds,
        "groups": list(groups or []),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def principal_from_jwt(settings: Settings, authorization: str | None) -> Principal:
    if not authorization:
        raise _unauthorized("missing Authorization: Bearer <token>")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Authorization must be 'Bearer <token>'")
    try:
        claims = jwt.decode(
            token.strip(),
            settings.jwt_secret,
            algorithms=[ALGORITHM],  # never trust the token's own alg header
            audience=settings.jwt_audience,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise _unauthorized("token expired") from exc
    except jwt.MissingRequiredClaimError as exc:
        raise _unauthorized(f"invalid token: claim {exc.claim} is required") from exc
    except jwt.InvalidTokenError as exc:
        raise _unauthorized(f"invalid token: {exc.__class__.__name__}") from exc
    subject = str(claims["sub"]).strip().lower()
    if not subject:
        raise _unauthorized("token has an empty sub")
    groups = claims.get("groups") or []
    if not isinstance(groups, list):
        raise _unauthorized("token claim groups must be a list")
    return Principal(subject, tuple(str(g).strip().lower() for g in groups), "jwt")


def principal_from_apps_headers(request: Request) -> Principal:
    """Databricks Apps: the platform's proxy authenticates the user and forwards
    X-Forwarded-Email / X-Forwarded-Preferred-Username / X-Forwarded-User (docs: Databricks Apps
    "HTTP headers"). They are trusted only in this mode, where the proxy is the only way in."""
    for header in ("x-forwarded-email", "x-forwarded-preferred-username", "x-forwarded-user"):
        value = request.headers.get(header, "").strip().lower()
        if value:
            return Principal(value, (), "databricks_apps")
    raise _unauthorized("no forwarded identity (X-Forwarded-Email) from the Databricks Apps proxy")


def authenticate(settings: Settings, request: Request) -> Principal:
    if settings.auth_mode == "databricks_apps":
        return principal_from_apps_headers(request)
    return principal_from_jwt(settings, request.headers.get("authorization"))
