"""Rate limiting with the ``limits`` library (sliding window counter, in memory), on the event
loop.

``limits.aio``, not the threaded ``limits.storage.MemoryStorage``: the threaded storage expires
its entries from a ``threading.Timer`` that it starts again (a new thread) on a hit whenever the
last one has ended, at most every 10 ms, and ``Thread.start`` waits for the new thread to run:
under 50 concurrent clients on 2 busy cores that stalled the event loop every few requests
(py-spy: Thread.start and its Event.wait were the main thread's largest item after the
endpoints). The asyncio storage expires entries in an asyncio task instead. The strategy is the
sliding window counter (two counters per key, the previous window weighted by its overlap; the
library's documented approximation of a moving window): the moving window keeps one entry per
request of the last window and the asyncio storage bisects that list in a worker thread after
every hit (asyncio.to_thread), another hop per request under load.

In memory is per process: the service runs one uvicorn worker per app instance (Databricks Apps
default); several instances each enforce the limit on their own.
"""

from __future__ import annotations

import math
import time

from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import SlidingWindowCounterRateLimiter


class RateLimiter:
    def __init__(self, limit: str) -> None:
        self._item = parse(limit)  # ValueError with the library's message on a bad string
        self._limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    async def check(self, key: str) -> int | None:
        """None when the request may go on, else the seconds to wait (Retry-After, >= 1)."""
        if await self._limiter.hit(self._item, key):
            return None
        stats = await self._limiter.get_window_stats(self._item, key)
        return max(1, math.ceil(stats.reset_time - time.time()))
