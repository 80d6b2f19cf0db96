"""Fault injection for the sandbox Genie API: what goes wrong, and on which request.

The ingestion must survive rate limits, server errors, slow answers, broken bodies and expiring
tokens. Tests need those failures on demand and the benchmark needs them at a steady rate, so every
decision is a pure function of ``(seed, request number)`` (or an explicit script): the same run
against the same server configuration fails on the same requests.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

# What a fault decision can be. ``None`` (no fault) is the common case.
FAULT_KINDS = ("429", "500", "503", "slow", "malformed")
SCRIPT_STEPS = (*FAULT_KINDS, "ok")


@dataclass(frozen=True)
class FaultConfig:
    """Switches for injected failures. All default to "off": a plain, healthy API.

    Fractions (``rate_*``) are probabilities per API request, drawn deterministically from
    ``seed`` and the request number; they are mutually exclusive bands of one draw, so their sum
    must not exceed 1.
    """

    seed: int = 0
    rate_429: float = 0.0
    storm_429: int = 0
    """The next N API requests answer 429 (applied when the config is set, then counts down)."""
    retry_after_s: int = 1
    """Value of the ``Retry-After`` header on 429 and 503 answers."""
    rate_500: float = 0.0
    rate_503: float = 0.0
    rate_malformed: float = 0.0
    """Answer 200 with the JSON body cut in half (a proxy dropping the connection mid-body)."""
    rate_slow: float = 0.0
    slow_ms: int = 5000
    """How long a "slow" answer takes: set it above the client's timeout."""
    latency_ms: int = 0
    """Added to every answer (OAuth included): a realistic round trip for the benchmark."""
    forbidden_spaces: frozenset[str] = field(default_factory=frozenset)
    """Space ids answered with 403, in addition to ``is_forbidden`` spaces of the sandbox truth."""
    token_ttl_s: int = 3600
    """Lifetime of minted access tokens, both advertised (``expires_in``) and enforced."""
    path_prefix: str = "/api/"
    """Only requests whose path starts with this get status/slow/malformed faults."""
    script: tuple[str, ...] = ()
    """Explicit sequence, one step per API request, consumed before any other rule: e.g.
    ``("429", "429", "ok", "500")``."""
    message_bodies: dict[str, Any] = field(default_factory=dict)
    """message_id -> the JSON value GET message answers (200) instead of the sandbox truth: shape
    drifts, unknown enum values and keys, poison bodies, as a real API may send them."""
    echo_token_headers: bool = False
    """A refused token request answers with the request headers echoed in its error (as some
    proxies and identity providers do), Authorization included."""

    def __post_init__(self) -> None:
        for name in ("rate_429", "rate_500", "rate_503", "rate_malformed", "rate_slow"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {value}")
        if self.total_rate() > 1.0 + 1e-9:
            raise ValueError(f"fault rates add up to {self.total_rate():.3f} > 1")
        bad = [s for s in self.script if s not in SCRIPT_STEPS]
        if bad:
            raise ValueError(f"unknown script steps {bad}; use {SCRIPT_STEPS}")
        if self.token_ttl_s < 1:
            raise ValueError("token_ttl_s must be at least 1 second")
        if min(self.storm_429, self.retry_after_s, self.slow_ms, self.latency_ms) < 0:
            raise ValueError("counts and durations must not be negative")

    def total_rate(self) -> float:
        return self.rate_429 + self.rate_500 + self.rate_503 + self.rate_malformed + self.rate_slow

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["forbidden_spaces"] = sorted(self.forbidden_spaces)
        data["script"] = list(self.script)
        data["message_bodies"] = dict(self.message_bodies)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any], base: FaultConfig | None = None) -> FaultConfig:
        """Build a config from a (partial) JSON object; keys not given keep ``base``'s value."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown fault switches {unknown}")
        values = dict(data)
        if "forbidden_spaces" in values:
            values["forbidden_spaces"] = frozenset(values["forbidden_spaces"] or ())
        if "script" in values:
            values["script"] = tuple(str(s) for s in values["script"] or ())
        if "message_bodies" in values:
            values["message_bodies"] = dict(values["message_bodies"] or {})
        return replace(base or cls(), **values)


def unit_draw(seed: int, counter: int, salt: str = "fault") -> float:
    """A uniform number in [0, 1) that depends only on its arguments (no shared RNG state)."""
    digest = hashlib.blake2b(f"{seed}:{salt}:{counter}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


class FaultInjector:
    """Thread-safe holder of the current :class:`FaultConfig` and its consumable state.

    ``storm_429`` and ``script`` are consumed one step per faultable request; the request counter
    that feeds the random draws only counts faultable requests, so OAuth traffic does not shift
    which API requests fail.
    """

    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self._config = FaultConfig()
        self._counter = 0
        self._storm_left = 0
        self._script: list[str] = []
        self.configure(config or FaultConfig())

    @property
    def config(self) -> FaultConfig:
        with self._lock:
            return self._config

    def configure(self, config: FaultConfig) -> None:
        """Replace the configuration; restarts the storm, the script and the request counter."""
        with self._lock:
            self._config = config
            self._counter = 0
            self._storm_left = config.storm_429
            self._script = list(config.script)

    def update(self, **changes: Any) -> FaultConfig:
        """Change some switches, keeping the others (same reset semantics as ``configure``)."""
        new = FaultConfig.from_json(changes, base=self.config)
        self.configure(new)
        return new

    def applies_to(self, path: str) -> bool:
        return path.startswith(self.config.path_prefix)

    def decide(self) -> str | None:
        """The fault for the next faultable request: one of ``FAULT_KINDS`` or ``None``."""
        with self._lock:
            cfg = self._config
            self._counter += 1
            if self._script:
                step = self._script.pop(0)
                return None if step == "ok" else step
            if self._storm_left > 0:
                self._storm_left -= 1
                return "429"
            if cfg.total_rate() == 0.0:
                return None
            draw = unit_draw(cfg.seed, self._counter)
        edge = 0.0
        for kind, rate in (
            ("429", cfg.rate_429),
            ("500", cfg.rate_500),
            ("503", cfg.rate_503),
            ("malformed", cfg.rate_malformed),
            ("slow", cfg.rate_slow),
        ):
            edge += rate
            if draw < edge:
                return kind
        return None
