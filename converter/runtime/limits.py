"""Per-client rate limits for an HTTP server: `N/s`, `N/m`, `N/h` rates and a token bucket per client.

An over-limit tool call is answered with an `isError` result that says when to retry, not with HTTP 429:
the agent's model reads the result and can wait, whereas a 429 on the MCP endpoint surfaces in most clients
as a transport failure that ends the turn (or the session).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Rate", "RateLimiter", "parse_rate"]

_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
_RATE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*/\s*([smh])\s*")


@dataclass(frozen=True, slots=True)
class Rate:
    """`count` calls per `seconds`; also the burst a client may spend at once."""

    count: float
    seconds: float

    def __str__(self) -> str:
        unit = {1.0: "second", 60.0: "minute", 3600.0: "hour"}[self.seconds]
        return f"{self.count:g} calls per {unit}"


def parse_rate(text: str) -> Rate:
    """`10/s`, `100/m`, `0.5/s`, `1000/h` as a `Rate`.

    Raises:
        ValueError: not of that form, or a count of zero.
    """
    match = _RATE.fullmatch(text)
    if match is None or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a rate: expected COUNT/UNIT with a positive COUNT and UNIT s, m or h")
    return Rate(float(match.group(1)), _UNITS[match.group(2)])


MAX_IDLE_BUCKETS = 10_000
"""Past this many buckets, those that are full again are dropped."""


class RateLimiter:
    """A token bucket per client: each holds up to `rate.count` calls (at least one) and refills at
    `rate.count / rate.seconds` per second. One event loop runs the server, so no lock is needed."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        """Start with no buckets: a client's is made full at its first call."""
        self._clock = clock
        self._buckets: dict[str, tuple[float, float, float]] = {}
        """client → (tokens left, clock time they were counted, clock time the bucket is full again)."""

    def acquire(self, client: str, rate: Rate) -> float:
        """Take one call from `client`'s bucket.

        Returns:
            0 when the call may go ahead, else the seconds until the bucket holds a call again.
        """
        now = self._clock()
        per_second = rate.count / rate.seconds
        burst = max(rate.count, 1.0)  # `0.5/s` still allows one call, then one every two seconds
        tokens, then, _ = self._buckets.get(client, (burst, now, now))
        tokens = min(burst, tokens + (now - then) * per_second)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / per_second
        self._buckets[client] = (tokens, now, now + (burst - tokens) / per_second)
        if len(self._buckets) > MAX_IDLE_BUCKETS:
            self._prune(now)
        return wait

    def _prune(self, now: float) -> None:
        """Forget the buckets that are full again: one made afresh at the next call is the same. With JWT
        callers not named in a config, every distinct subject has a bucket; this keeps their number bounded by
        the callers of the last refill period."""
        for client in [c for c, (_, _, full_at) in self._buckets.items() if full_at <= now]:
            del self._buckets[client]
