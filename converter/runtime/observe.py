"""What each tool call did, for the audit log and the metrics: who called which tool, how it ended, how long
it took.

The runtime notes the upstream's status on the call in progress (`note_status`, through a context variable,
so nothing is threaded through the call path); `Observer.observe` wraps the handler, classifies the outcome
and hands it to the audit logger and to the metrics (`metrics.py`, loaded only when served over HTTP). Labels
are bounded: tool names come from the tool table, outcomes and rejection reasons from closed sets, never from
arguments or other client-supplied text.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import mcp_types as types

__all__ = [
    "REJECTION_REASONS",
    "CallRecord",
    "MetricsSink",
    "Observer",
    "Outcome",
    "count_rejection",
    "looks_secret",
    "note_internal_error",
    "note_status",
    "redact_arguments",
]

audit_logger = logging.getLogger("oa2mcp.audit")

REJECTION_REASONS = ("unauthenticated", "forbidden", "rate_limited")
"""Why a request was turned away before reaching a tool: HTTP 401 and 403 answers (`metrics.count_refusals`),
a call of a tool that is not the client's, a call over its rate limit (`Observer.refused`)."""

AUDIT_ARGUMENTS_LIMIT = 2_000
"""Characters of a call's arguments kept in its audit line."""

_MASK = "***"
_SECRET_KEY = re.compile(r"pass(word|wd|phrase)?|secret|token|key|auth|credential|cookie|session|signature", re.I)


def looks_secret(name: str) -> bool:
    """Whether a key or header name suggests its value is a secret (password, token, key, authorization...)."""
    return _SECRET_KEY.search(name) is not None


class Outcome(StrEnum):
    """How a tool call ended."""

    OK = "ok"
    UPSTREAM_ERROR = "upstream_error"
    """The upstream answered, and the result is an error (4xx/5xx, or a body that breaks the output schema)."""
    TOOL_ERROR = "tool_error"
    """No usable answer: invalid arguments, missing credentials, timeout, connection or TLS failure."""
    INTERNAL_ERROR = "internal_error"
    CANCELLED = "cancelled"


@dataclass(slots=True)
class CallRecord:
    """What the runtime noted about the call in progress."""

    status: int | None = None
    """The status of the upstream's last answer (after retries), if it answered."""
    internal_error: bool = False


_current: ContextVar[CallRecord | None] = ContextVar("oa2mcp_call", default=None)


def note_status(status: int) -> None:
    """Record the upstream's answer on the call in progress (a no-op when nothing observes it)."""
    record = _current.get()
    if record is not None:
        record.status = status


def note_internal_error() -> None:
    """Record that the call in progress failed inside the server (an exception, turned into an error result)."""
    record = _current.get()
    if record is not None:
        record.internal_error = True


class MetricsSink(Protocol):
    """Where call outcomes are counted (`metrics.PrometheusMetrics`)."""

    def started(self) -> None:
        """A call began."""

    def finished(self, tool: str, outcome: Outcome, status: int | None, seconds: float) -> None:
        """A call ended."""

    def rejected(self, reason: str) -> None:
        """A request was refused before any tool ran."""


_sink: MetricsSink | None = None


def count_rejection(reason: str) -> None:
    """Count a request refused before it reached a tool, in the metrics when they are served.

    For the inbound checks (authentication, per-client access, rate limits); a no-op without metrics.

    Args:
        reason: One of `REJECTION_REASONS` (a closed set, so the metric's labels stay bounded).

    Raises:
        ValueError: `reason` is not in the set.
    """
    if reason not in REJECTION_REASONS:
        raise ValueError(f"unknown rejection reason {reason!r}; expected one of {', '.join(REJECTION_REASONS)}")
    if _sink is not None:
        _sink.rejected(reason)


def _client_id_reader() -> Callable[[], str]:
    """A function returning the authenticated MCP client's id (from the SDK's bearer-auth context), else
    `anonymous`; imported once, when auditing starts."""
    from mcp.server.auth.middleware.auth_context import get_access_token  # noqa: PLC0415

    def client_id() -> str:
        token = get_access_token()
        return token.client_id if token is not None and token.client_id else "anonymous"

    return client_id


def redact_arguments(value: Any, secrets: Iterable[str]) -> Any:
    """`value` with secret-looking keys' values masked (password, token, secret, key, authorization, ...)
    and every known secret masked inside strings."""
    ordered = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)  # as `auth.redact` does

    def walk(item: Any) -> Any:
        if isinstance(item, Mapping):
            return {str(key): _MASK if looks_secret(str(key)) else walk(inner) for key, inner in item.items()}
        if isinstance(item, list | tuple):
            return [walk(inner) for inner in item]
        if isinstance(item, str):
            for secret in ordered:
                item = item.replace(secret, _MASK)
        return item

    return walk(value)


class Observer:
    """Wraps each tool call: counts it in the metrics and writes its audit line, as configured."""

    def __init__(
        self,
        *,
        metrics: MetricsSink | None,
        audit: bool,
        audit_arguments: bool,
        secrets: Callable[[], Iterable[str]],
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        """Observe calls into `metrics` (None: no metrics) and the audit log (when `audit`).

        Args:
            metrics: Where outcomes are counted; it also receives `count_rejection`'s counts.
            audit: Write one `oa2mcp.audit` line per call, at info level.
            audit_arguments: Add the (redacted) arguments to each audit line.
            secrets: The secrets in play, masked in audited arguments (`Authenticator.secrets`).
            clock: Seconds, for durations.
        """
        global _sink  # noqa: PLW0603  one server per process: the inbound checks count into its metrics
        _sink = metrics
        self._metrics = metrics
        self._audit = audit or audit_arguments
        self._audit_arguments = audit_arguments
        self._secrets = secrets
        self._clock = clock
        self._client_id = _client_id_reader() if self._audit else lambda: "anonymous"
        if self._audit and audit_logger.getEffectiveLevel() > logging.INFO:
            audit_logger.setLevel(logging.INFO)

    async def observe(
        self,
        tool: str,
        arguments: Mapping[str, Any] | None,
        call: Callable[[], Awaitable[types.CallToolResult]],
    ) -> types.CallToolResult:
        """Run `call` (the call of `tool`, a name from the tool table) and record how it went."""
        record = CallRecord()
        token = _current.set(record)
        if self._metrics is not None:
            self._metrics.started()
        started = self._clock()
        result: types.CallToolResult | None = None
        try:
            result = await call()
            return result
        finally:
            seconds = self._clock() - started
            _current.reset(token)
            outcome = _outcome(result, record)
            if self._metrics is not None:
                self._metrics.finished(tool, outcome, record.status, seconds)
            if self._audit:
                self._write_audit(tool, arguments, outcome.value, record.status, seconds)

    def refused(self, tool: str, arguments: Mapping[str, Any] | None, reason: str) -> None:
        """Record a call of `tool` refused before it ran (`forbidden`, `rate_limited`): counted with the
        other refusals, and audited with the reason as its outcome."""
        if self._metrics is not None:
            self._metrics.rejected(reason)
        if self._audit:
            self._write_audit(tool, arguments, reason, None, 0.0)

    def _write_audit(
        self, tool: str, arguments: Mapping[str, Any] | None, outcome: str, status: int | None, seconds: float
    ) -> None:
        fields: dict[str, Any] = {"client": self._client_id(), "tool": tool, "outcome": outcome}
        if status is not None:
            fields["status"] = status
        fields["duration_ms"] = round(seconds * 1000, 1)
        if self._audit_arguments:
            shown = redact_arguments(arguments or {}, self._secrets())
            text = json.dumps(shown, ensure_ascii=False, default=str)
            fields["arguments"] = shown if len(text) <= AUDIT_ARGUMENTS_LIMIT else text[:AUDIT_ARGUMENTS_LIMIT] + "…"
        audit_logger.info("tool call", extra={"fields": fields})


def _outcome(result: types.CallToolResult | None, record: CallRecord) -> Outcome:
    if result is None:
        return Outcome.CANCELLED
    if record.internal_error:
        return Outcome.INTERNAL_ERROR
    if not result.is_error:
        return Outcome.OK
    return Outcome.UPSTREAM_ERROR if record.status is not None else Outcome.TOOL_ERROR
