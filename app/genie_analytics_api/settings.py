"""Settings from the environment (secrets are never printed). Variable, default, meaning:

- GENIE_API_BACKEND (duckdb): ``duckdb`` (local demo build) or ``databricks`` (SQL warehouse).
- GENIE_ANALYTICS_DUCKDB (data/warehouse.duckdb): DuckDB backend, the dbt build (read-only).
- GENIE_ANALYTICS_SCHEMA (genie_analytics): schema of the marts (both backends).
- GENIE_ANALYTICS_CATALOG (main): Databricks backend, catalog of the marts.
- DATABRICKS_WAREHOUSE_ID: Databricks backend, the SQL warehouse (Apps: ``valueFrom``).
- GENIE_API_AUTH_MODE (jwt): ``jwt`` (bearer HS256) or ``databricks_apps`` (proxy headers).
- GENIE_API_JWT_SECRET: jwt mode, the HS256 signing key (required, at least 32 bytes).
- GENIE_API_JWT_AUDIENCE (genie-analytics-api): jwt mode, the required ``aud`` claim.
- GENIE_API_RATE_LIMIT (120/minute): per principal, ``limits`` notation (``10/second``).
- GENIE_API_ANONYMOUS_RATE_LIMIT (60/minute): per client address, requests without valid
  credentials (no token, a bad or expired token, no forwarded identity), ``limits`` notation.
- GENIE_API_MAX_RANGE_DAYS (366): dashboard/metrics, longest start..end range (days, inclusive).
- GENIE_API_ACCESS_LOG_DUCKDB (data/api_state.duckdb): duckdb backend, file of api_access_log.
- GENIE_API_ALERTS_STATE_DUCKDB (data/alerts_state.duckdb): duckdb backend, file of alerts_sent
  (its own file: DuckDB allows one writer process, and the running service holds the other).
- GENIE_API_STATE_SCHEMA (genie_analytics_api): schema of api_access_log and alerts_sent.
- GENIE_API_ACCESS_CACHE_SECONDS (60): how long the workspace_access mapping is cached.
- GENIE_API_CACHE_ENTRIES (2048): answers of the marts kept in memory (LRU; 0 = no cache).
- GENIE_API_CACHE_CHECK_SECONDS (60): how often the marts' version is read (Databricks; a new
  version empties the cache; cache.py).
- GENIE_API_FORWARDED_ALLOW_IPS (none): comma-separated addresses of reverse proxies whose
  X-Forwarded-For/-Proto headers are applied (uvicorn's ``forwarded_allow_ips``); with none, the
  connection's peer is the client address (http_server.py).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from limits import parse


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip() or default


def _number(name: str, default: str, kind: type[int] | type[float]) -> int | float:
    """The variable as a finite ``kind``, or ValueError naming the variable (nan and inf parse
    as floats and pass comparisons such as ``< 0``, so they are refused here)."""
    raw = _env(name, default)
    try:
        value = kind(raw)
    except ValueError:
        what = "an integer" if kind is int else "a number"
        raise ValueError(f"{name} must be {what}, not {raw[:40]!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, not {raw[:40]!r}")
    return value


@dataclass(frozen=True)
class Settings:
    backend: str = "duckdb"
    duckdb_path: Path = Path("data/warehouse.duckdb")
    schema: str = "genie_analytics"
    catalog: str = "main"
    warehouse_id: str = ""
    auth_mode: str = "jwt"
    jwt_secret: str = field(default="", repr=False)
    jwt_audience: str = "genie-analytics-api"
    rate_limit: str = "120/minute"
    anonymous_rate_limit: str = "60/minute"
    max_range_days: int = 366
    state_duckdb_path: Path = Path("data/api_state.duckdb")
    alerts_state_duckdb_path: Path = Path("data/alerts_state.duckdb")
    state_schema: str = "genie_analytics_api"
    access_cache_seconds: float = 60.0
    cache_entries: int = 2048
    cache_check_seconds: float = 60.0
    forwarded_allow_ips: str = ""

    @classmethod
    def from_env(cls, *, serving: bool = True) -> Settings:
        """Read the environment; ``serving=False`` (the alert sender) needs no auth settings."""
        settings = cls(
            backend=_env("GENIE_API_BACKEND", "duckdb"),
            duckdb_path=Path(_env("GENIE_ANALYTICS_DUCKDB", "data/warehouse.duckdb")),
            schema=_env("GENIE_ANALYTICS_SCHEMA", "genie_analytics"),
            catalog=_env("GENIE_ANALYTICS_CATALOG", "main"),
            warehouse_id=_env("DATABRICKS_WAREHOUSE_ID"),
            auth_mode=_env("GENIE_API_AUTH_MODE", "jwt"),
            jwt_secret=os.environ.get("GENIE_API_JWT_SECRET", ""),
            jwt_audience=_env("GENIE_API_JWT_AUDIENCE", "genie-analytics-api"),
            rate_limit=_env("GENIE_API_RATE_LIMIT", "120/minute"),
            anonymous_rate_limit=_env("GENIE_API_ANONYMOUS_RATE_LIMIT", "60/minute"),
            max_range_days=int(_number("GENIE_API_MAX_RANGE_DAYS", "366", int)),
            state_duckdb_path=Path(_env("GENIE_API_ACCESS_LOG_DUCKDB", "data/api_state.duckdb")),
            alerts_state_duckdb_path=Path(
                _env("GENIE_API_ALERTS_STATE_DUCKDB", "data/alerts_state.duckdb")
            ),
            state_schema=_env("GENIE_API_STATE_SCHEMA", "genie_analytics_api"),
            access_cache_seconds=_number("GENIE_API_ACCESS_CACHE_SECONDS", "60", float),
            cache_entries=int(_number("GENIE_API_CACHE_ENTRIES", "2048", int)),
            cache_check_seconds=_number("GENIE_API_CACHE_CHECK_SECONDS", "60", float),
            forwarded_allow_ips=_env("GENIE_API_FORWARDED_ALLOW_IPS", ""),
        )
        settings.validate(serving=serving)
        return settings

    def validate(self, *, serving: bool = True) -> None:
        """Raise ValueError with one clear message for a configuration that cannot work."""
        if self.backend not in ("duckdb", "databricks"):
            raise ValueError(
                f"GENIE_API_BACKEND must be duckdb or databricks, not {self.backend!r}"
            )
        if self.auth_mode not in ("jwt", "databricks_apps"):
            raise ValueError(
                f"GENIE_API_AUTH_MODE must be jwt or databricks_apps, not {self.auth_mode!r}"
            )
        if serving and self.auth_mode == "jwt" and len(self.jwt_secret.encode()) < 32:
            raise ValueError("GENIE_API_JWT_SECRET must be set to a key of at least 32 bytes")
        if self.backend == "databricks" and not self.warehouse_id:
            raise ValueError("GENIE_API_BACKEND=databricks needs DATABRICKS_WAREHOUSE_ID")
        if self.cache_entries < 0:
            raise ValueError("GENIE_API_CACHE_ENTRIES must be 0 (no cache) or more")
        if self.max_range_days < 1:
            raise ValueError("GENIE_API_MAX_RANGE_DAYS must be at least 1")
        for name, value in (
            ("GENIE_API_ACCESS_CACHE_SECONDS", self.access_cache_seconds),
            ("GENIE_API_CACHE_CHECK_SECONDS", self.cache_check_seconds),
        ):
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number of seconds >= 0, not {value}")
        for name, limit in (
            ("GENIE_API_RATE_LIMIT", self.rate_limit),
            ("GENIE_API_ANONYMOUS_RATE_LIMIT", self.anonymous_rate_limit),
        ):
            try:
                parse(limit)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
