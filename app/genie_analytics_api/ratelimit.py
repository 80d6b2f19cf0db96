"""Per-principal rate limiting with the ``limits`` library (moving window, in memory).

In memory is per process: the service runs one uvicorn worker per app instance (Databricks Apps
default); several instances each enforce the limit on their own.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class RateLimiter:
    def __init__(self, limit: str) -> None:
        self._item = parse(limit)  # ValueError with the library's message on a bad string
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, key: str) -> int | None:
        """None when the request may go on, else the seconds to wait (Retry-After, >= 1)."""
        if self._limiter.hit(self._item, key):
            return None
        reset_at = self._limiter.get_window_stats(self._item, key).reset_time
        return max(1, math.ceil(reset_at - time.time()))
