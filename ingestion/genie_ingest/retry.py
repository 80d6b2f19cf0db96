"""Bounded retries and rate limits, and the one clock they read (tests inject a fake clock).

Exponential backoff with jitter, ``Retry-After`` honoured, a maximum number of attempts and a
per-request deadline (databricks-sdk-py ``retries.py`` is the model; a retry loop without a limit
is the counter-example); a token bucket per workspace. Nothing here sleeps except through a
:class:`Clock`, so tests never wait.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from typing import Protocol


class Clock(Protocol):
    """Time source for retries and rate limits; tests pass a fake that never really sleeps."""

    def time(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class RealClock:
    def time(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded, jittered exponential backoff with Retry-After and a per-request deadline."""

    max_attempts: int = 5
    base_delay_seconds: float = 0.5
    max_delay_seconds: float = 30.0
    deadline_seconds: float = 120.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        if retry_after is not None:
            # The server said when; add up to 10% so a storm's clients do not return in lockstep.
            return float(retry_after) * (1.0 + 0.1 * rng.random())
        ceiling = min(self.max_delay_seconds, self.base_delay_seconds * 2 ** (attempt - 1))
        return ceiling * (0.5 + 0.5 * rng.random())


class TokenBucket:
    """Thread-safe token bucket: at most ``rate`` requests per second, bursts up to ``capacity``."""

    def __init__(self, rate: float, clock: Clock, capacity: float | None = None) -> None:
        self._rate = rate
        self._capacity = capacity if capacity is not None else max(1.0, rate)
        self._tokens = self._capacity
        self._clock = clock
        self._updated = clock.time()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._clock.time()
                self._tokens = min(
                    self._capacity, self._tokens + (now - self._updated) * self._rate
                )
                self._updated = now
                # Tolerance: float rounding of (now - updated) * rate can leave 0.9999999999 after
                # exactly the right wait, and a wait below the clock's resolution never ends.
                if self._tokens >= 1.0 - 1e-9:
                    self._tokens = max(self._tokens - 1.0, 0.0)
                    return
                wait = max((1.0 - self._tokens) / self._rate, 1e-6)
            self._clock.sleep(wait)
