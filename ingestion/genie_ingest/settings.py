"""Typed settings for the Genie ingestion: environment -> optional TOML file -> defaults.

Why one module: every knob (paths, schemas, concurrency, retry budget) is read in exactly one
place, validated once, and passed around as an immutable object, so the pipeline, the client and
the sinks never look at ``os.environ`` themselves and tests can build settings from a plain dict.

Secrets (the service principal's client id and secret) are wrapped in :class:`Secret`, whose
``repr``/``str`` are masked, so printing a settings object, logging it or putting it in an
exception message never leaks them. They come from the environment or, on Databricks, from the
secret scope ``genie-obs`` (keys ``sp_client_id`` / ``sp_client_secret``).
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

SECRET_SCOPE = "genie-obs"  # noqa: S105 - the default scope name, not a secret
SECRET_KEYS = {"client_id": "sp_client_id", "client_secret": "sp_client_secret"}

# A SQL identifier or dotted path of identifiers (catalog.schema). Schema names are interpolated
# into SQL text (identifiers cannot be bound as parameters), so they are validated here, once.
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


class ConfigError(ValueError):
    """A setting is missing or invalid: the run cannot start (the CLI exits non-zero)."""


class Secret:
    """A string that never shows itself in repr/str/f-strings; read it with ``.reveal()``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True)
class Settings:
    """Everything the ingestion needs. Field metadata ``env`` names the environment variable."""

    duckdb_path: Path = field(
        default=Path("data/warehouse.duckdb"),
        metadata={
            "env": "GENIE_ANALYTICS_DUCKDB",
            "help": "DuckDB sink: the file dbt builds into (holds genie_messages_to_fetch)",
        },
    )
    analytics_schema: str = field(
        default="genie_analytics",
        metadata={
            "env": "GENIE_ANALYTICS_SCHEMA",
            "help": "schema (or catalog.schema) of genie_messages_to_fetch",
        },
    )
    landing_schema: str = field(
        default="genie_landing",
        metadata={
            "env": "GENIE_LANDING_SCHEMA",
            "help": "schema (or catalog.schema) of the landed tables",
        },
    )
    sink: str = field(
        default="duckdb",
        metadata={"env": "GENIE_INGEST_SINK", "help": "where to land: duckdb or databricks"},
    )
    # Databricks sink only: the SQL warehouse that runs the MERGE statements, and the host of the
    # workspace that owns the landed tables (the SP's credentials are reused for it).
    warehouse_id: str | None = field(
        default=None,
        metadata={
            "env": "GENIE_INGEST_WAREHOUSE_ID",
            "help": "databricks sink: SQL warehouse that runs the landing statements",
        },
    )
    sink_host: str | None = field(
        default=None,
        metadata={
            "env": "DATABRICKS_HOST",
            "help": "databricks sink: workspace URL owning the landed tables "
            "(unset on Databricks: the job's own identity)",
        },
    )
    concurrency: int = field(
        default=8,
        metadata={"env": "GENIE_INGEST_CONCURRENCY", "help": "fetch threads (requests in flight)"},
    )
    # GET traffic is not bound by Genie's 5 questions/minute POST limit, but one job should not
    # hammer one workspace.
    rate_limit_per_second: float = field(
        default=20.0,
        metadata={
            "env": "GENIE_INGEST_RATE_LIMIT",
            "help": "requests per second per workspace (token bucket)",
        },
    )
    batch_size: int = field(
        default=100,
        metadata={
            "env": "GENIE_INGEST_BATCH_SIZE",
            "help": "messages landed per atomic sink call",
        },
    )
    max_retry_count: int = field(
        default=5,
        metadata={
            "env": "GENIE_INGEST_MAX_RETRY_COUNT",
            "help": "later runs that may retry a message whose fetch failed (never a 404)",
        },
    )
    max_attempts: int = field(
        default=5,
        metadata={
            "env": "GENIE_INGEST_MAX_ATTEMPTS",
            "help": "HTTP attempts per request in one run, the first included",
        },
    )
    request_timeout_seconds: float = field(
        default=30.0,
        metadata={
            "env": "GENIE_INGEST_REQUEST_TIMEOUT",
            "help": "seconds one HTTP request (OAuth token included) may take",
        },
    )
    request_deadline_seconds: float = field(
        default=120.0,
        metadata={
            "env": "GENIE_INGEST_REQUEST_DEADLINE",
            "help": "seconds for one message, all attempts and backoff waits included",
        },
    )
    run_deadline_seconds: float = field(
        default=3600.0,
        metadata={
            "env": "GENIE_INGEST_RUN_DEADLINE",
            "help": "seconds for the whole run; messages not started by then wait for the next",
        },
    )
    stale_after_hours: float = field(
        default=24.0,
        metadata={
            "env": "GENIE_INGEST_STALE_AFTER_HOURS",
            "help": "age (at the workspace's clock) after which a message still not terminal "
            "lands as STALE and is no longer fetched",
        },
    )
    workspace_failure_threshold: int = field(
        default=5,
        metadata={
            "env": "GENIE_INGEST_WORKSPACE_FAILURE_THRESHOLD",
            "help": "5xx/timeout answers in a row after which a workspace is skipped for the "
            "run (no token or no connection: at once); its messages wait for the next run",
        },
    )
    secret_scope: str = field(
        default=SECRET_SCOPE,
        metadata={
            "env": "GENIE_INGEST_SECRET_SCOPE",
            "help": "on Databricks: secret scope holding sp_client_id / sp_client_secret",
        },
    )
    client_id: Secret | None = field(
        default=None,
        repr=False,
        metadata={
            "env": "DATABRICKS_SP_CLIENT_ID",
            "secret": True,
            "help": "the service principal's OAuth client id (else the secret scope)",
        },
    )
    client_secret: Secret | None = field(
        default=None,
        repr=False,
        metadata={
            "env": "DATABRICKS_SP_CLIENT_SECRET",
            "secret": True,
            "help": "the service principal's OAuth secret (else the secret scope; never a file)",
        },
    )

    def __post_init__(self) -> None:
        for name in ("analytics_schema", "landing_schema"):
            if not _IDENTIFIER.match(getattr(self, name)):
                raise ConfigError(f"{name} must be an identifier or catalog.schema")
        if self.sink not in {"duckdb", "databricks"}:
            raise ConfigError("GENIE_INGEST_SINK must be 'duckdb' or 'databricks'")
        positive = (
            "concurrency",
            "batch_size",
            "max_attempts",
            "request_timeout_seconds",
            "request_deadline_seconds",
            "run_deadline_seconds",
            "rate_limit_per_second",
            "stale_after_hours",
            "workspace_failure_threshold",
        )
        env = {f.name: f.metadata["env"] for f in fields(self)}
        for f in fields(self):
            value = getattr(self, f.name)
            # float('nan') and float('inf') parse, and nan passes every comparison below (nan <= 0
            # is False): a nan rate turned the token bucket off. No setting means anything
            # infinite, so every non-finite number is refused.
            if isinstance(value, float) and not math.isfinite(value):
                raise ConfigError(f"{env[f.name]} ({f.name}) must be a finite number, not {value}")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ConfigError(f"{env[name]} ({name}) must be > 0")
        if self.max_retry_count < 0:
            raise ConfigError(f"{env['max_retry_count']} (max_retry_count) must be >= 0")

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        masked = ", ".join(
            f"{f.name}={'<set>' if getattr(self, f.name) else '<unset>'}"
            for f in fields(self)
            if not f.repr
        )
        return f"Settings({shown}, {masked})"

    def require_credentials(self) -> tuple[Secret, Secret]:
        """The SP credentials, or a ConfigError naming what is missing (never the values)."""
        missing = [
            f.metadata["env"]
            for f in fields(self)
            if f.metadata.get("secret") and not getattr(self, f.name)
        ]
        if missing:
            raise ConfigError(
                f"missing credentials: set {' and '.join(missing)} or, on Databricks, "
                f"keys {sorted(SECRET_KEYS.values())} in secret scope '{self.secret_scope}'"
            )
        assert self.client_id is not None and self.client_secret is not None
        return self.client_id, self.client_secret


def setting_field(name: str):
    """The declaration (dataclasses.Field) of setting `name`: its default and, in metadata["env"],
    its environment variable. Raises KeyError for a name Settings does not declare."""
    return {f.name: f for f in fields(Settings)}[name]


def settings_help() -> str:
    """Every setting, rendered from the one :class:`Settings` declaration: its environment
    variable, TOML key, default and meaning (the ``--help`` epilog of each command)."""
    lines = [
        "settings (flag > environment > --config TOML file > default; secrets never from the file):"
    ]
    for f in fields(Settings):
        default = "-" if f.default is None else str(f.default)
        key = "secret, env only" if f.metadata.get("secret") else f"toml key {f.name}"
        lines.append(f"  {f.metadata['env']} ({key}; default {default})")
        lines.append(f"      {f.metadata['help']}")
    return "\n".join(lines)


def _convert(raw: Any, annotation: str, name: str) -> Any:
    """Turn an env/file value into the field's type (annotations are strings: PEP 563)."""
    if raw is None:
        return None
    try:
        if "Secret" in annotation:
            return Secret(str(raw))
        if "Path" in annotation:
            return Path(str(raw))
        if annotation.startswith("int"):
            return int(raw)
        if annotation.startswith("float"):
            return float(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name}: cannot read {annotation} value") from exc
    return str(raw)


def _secret_from_scope(key: str, scope: str = SECRET_SCOPE) -> str | None:
    """Read one key of secret scope ``scope`` when running on Databricks, else None.

    ``dbutils.secrets.get`` is the documented way inside a job; it is only importable on the
    Databricks runtime (``DATABRICKS_RUNTIME_VERSION`` is set there), so elsewhere we do not even
    try: off-platform the credentials must come from the environment.
    """
    if not os.environ.get("DATABRICKS_RUNTIME_VERSION"):
        return None
    try:
        from databricks.sdk.runtime import dbutils

        return dbutils.secrets.get(scope=scope, key=key)
    except Exception:  # a missing scope/key just means "not configured here"
        return None


def load_settings(
    env: Mapping[str, str] | None = None,
    config_file: str | Path | None = None,
    secret_reader: Callable[[str], str | None] | None = None,
    **overrides: Any,
) -> Settings:
    """Build :class:`Settings`: explicit overrides > environment > TOML file > defaults.

    ``config_file`` (or env ``GENIE_INGEST_CONFIG``) is a TOML file whose keys are the field
    names (``concurrency = 16``). Secrets never come from that file: it could be committed.
    ``secret_reader`` defaults to reading the keys of the ``secret_scope`` setting on Databricks.
    """
    env = os.environ if env is None else env
    path = config_file or env.get("GENIE_INGEST_CONFIG")
    file_values: dict[str, Any] = {}
    if path:
        try:
            file_values = tomllib.loads(Path(path).read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
    values: dict[str, Any] = {}
    for f in fields(Settings):
        is_secret = f.metadata.get("secret", False)
        if f.name in overrides and overrides[f.name] is not None:
            raw = overrides[f.name]
        elif env.get(f.metadata["env"]):
            raw = env[f.metadata["env"]]
        elif not is_secret and f.name in file_values:
            raw = file_values[f.name]
        elif is_secret and secret_reader is not None:
            raw = secret_reader(SECRET_KEYS[f.name])
        elif is_secret:
            # secret_scope is a field declared before the secrets, so it is known by now.
            raw = _secret_from_scope(SECRET_KEYS[f.name], values.get("secret_scope", SECRET_SCOPE))
        else:
            continue
        label = f"{f.metadata['env']} ({f.name})"
        values[f.name] = raw if isinstance(raw, Secret) else _convert(raw, str(f.type), label)
    unknown = set(file_values) - {f.name for f in fields(Settings) if not f.metadata.get("secret")}
    if unknown:
        raise ConfigError(f"unknown settings in {path}: {sorted(unknown)}")
    return Settings(**values)
