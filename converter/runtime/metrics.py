"""Prometheus metrics of the HTTP server: tool calls by outcome, latency, upstream statuses, calls in flight,
refused requests — and the `GET /metrics` endpoint that exposes them.

Imported only when serving HTTP with metrics on: `prometheus_client` costs a stdio start nothing. Every label
value comes from the tool table or a closed set (outcomes, HTTP status codes, rejection reasons), so the number
of series is bounded whatever clients send. The registry is the server's own, not the library's global one.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)

from .observe import REJECTION_REASONS, Outcome

__all__ = ["LATENCY_BUCKETS", "PrometheusMetrics"]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Seconds: from a cached local answer to the default 30 s timeout with retries."""


class PrometheusMetrics:
    """The server's metrics, in a registry of its own (`MetricsSink` for `observe.Observer`)."""

    def __init__(self) -> None:
        """Register the metrics, and the process's CPU, memory, file descriptors and GC."""
        # A `_created` twin of every counter series doubles their number for little use.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry()
        self._calls = Counter(
            "oa2mcp_tool_calls",
            "Tool calls, by tool and outcome (ok, upstream_error, tool_error, internal_error, cancelled).",
            ["tool", "outcome"],
            registry=self.registry,
        )
        self._duration = Histogram(
            "oa2mcp_tool_call_duration_seconds",
            "Time from a tool call's arrival to its result, upstream retries included.",
            ["tool"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self._upstream = Counter(
            "oa2mcp_upstream_responses",
            "The upstream's final HTTP status per tool call, by tool and status code.",
            ["tool", "status"],
            registry=self.registry,
        )
        self._in_flight = Gauge("oa2mcp_tool_calls_in_flight", "Tool calls being handled now.", registry=self.registry)
        self._rejected = Counter(
            "oa2mcp_requests_rejected",
            f"Requests refused before reaching a tool, by reason ({', '.join(REJECTION_REASONS)}).",
            ["reason"],
            registry=self.registry,
        )
        for reason in REJECTION_REASONS:
            self._rejected.labels(reason)  # zero from the start, so rate() sees the first one
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        # `labels()` checks and converts its arguments each time; a call only needs a dictionary lookup.
        self._children: dict[tuple[str, Outcome], Any] = {}
        self._histograms: dict[str, Any] = {}
        self._statuses: dict[tuple[str, int], Any] = {}

    def started(self) -> None:
        """A call began."""
        self._in_flight.inc()

    def finished(self, tool: str, outcome: Outcome, status: int | None, seconds: float) -> None:
        """A call of `tool` (a name from the tool table) ended."""
        self._in_flight.dec()
        counter = self._children.get((tool, outcome))
        if counter is None:
            counter = self._children[tool, outcome] = self._calls.labels(tool, outcome.value)
        counter.inc()
        histogram = self._histograms.get(tool)
        if histogram is None:
            histogram = self._histograms[tool] = self._duration.labels(tool)
        histogram.observe(seconds)
        if status is not None:
            upstream = self._statuses.get((tool, status))
            if upstream is None:
                code = str(status) if 100 <= status <= 599 else "other"
                upstream = self._statuses[tool, status] = self._upstream.labels(tool, code)
            upstream.inc()

    def rejected(self, reason: str) -> None:
        """A request was refused before any tool ran (`reason` from `REJECTION_REASONS`)."""
        self._rejected.labels(reason).inc()

    def count_refusals(self, app: Any) -> Any:
        """`app` (ASGI), with its 401 answers counted as `unauthenticated` refusals and 403 as `forbidden`."""

        async def counted(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return

            async def watch(message: Any) -> None:
                if message["type"] == "http.response.start" and message["status"] in (401, 403):
                    self.rejected("unauthenticated" if message["status"] == 401 else "forbidden")
                await send(message)

            await app(scope, receive, watch)

        return counted

    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus' text format, and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
