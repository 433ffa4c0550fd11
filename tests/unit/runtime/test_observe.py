"""Observer: each call's outcome, status and client, counted and audited; arguments masked; bounded labels."""

from __future__ import annotations

import logging
from typing import Any

import mcp_types as types
import pytest
from mcp.server.auth.middleware.auth_context import auth_context_var
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken

from converter.runtime import observe
from converter.runtime.metrics import PrometheusMetrics
from converter.runtime.observe import (
    Observer,
    Outcome,
    count_rejection,
    note_internal_error,
    note_status,
    redact_arguments,
)
from converter.runtime.response import error_result

pytestmark = pytest.mark.anyio

OK = types.CallToolResult(content=[types.TextContent(type="text", text="fine")])


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def no_stale_sink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each Observer registers its metrics for `count_rejection`: undo that after the test."""
    monkeypatch.setattr(observe, "_sink", None)


class Sink:
    """A MetricsSink that remembers what it was told."""

    def __init__(self) -> None:
        self.started_count = 0
        self.finished_calls: list[tuple[str, Outcome, int | None]] = []
        self.rejections: list[str] = []

    def started(self) -> None:
        self.started_count += 1

    def finished(self, tool: str, outcome: Outcome, status: int | None, seconds: float) -> None:
        assert seconds >= 0
        self.finished_calls.append((tool, outcome, status))

    def rejected(self, reason: str) -> None:
        self.rejections.append(reason)


def test_secret_looking_keys_and_known_secrets_are_masked_in_arguments() -> None:
    arguments = {
        "id": 7,
        "Password": "hunter2",
        "nested": {"api_key": "k", "refreshToken": "t", "note": "my key is sk-live-12345"},
        "items": [{"client_secret": "s"}, "sk-live-12345"],
        "Authorization": "Bearer x",
    }
    assert redact_arguments(arguments, ["sk-live-12345"]) == {
        "id": 7,
        "Password": "***",
        "nested": {"api_key": "***", "refreshToken": "***", "note": "my key is ***"},
        "items": [{"client_secret": "***"}, "***"],
        "Authorization": "***",
    }


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([200], (Outcome.OK, 200)),
        ([404], (Outcome.UPSTREAM_ERROR, 404)),
        ([], (Outcome.TOOL_ERROR, None)),
        (["internal"], (Outcome.INTERNAL_ERROR, None)),
    ],
    ids=["ok", "upstream-error", "tool-error", "internal"],
)
async def test_each_outcome_is_classified(steps: list[Any], expected: tuple[Outcome, int | None]) -> None:
    sink = Sink()
    observer = Observer(metrics=sink, audit=False, audit_arguments=False, secrets=list)

    async def call() -> types.CallToolResult:
        for step in steps:
            if step == "internal":
                note_internal_error()
            else:
                note_status(step)
        return OK if steps == [200] else error_result("no")

    await observer.observe("t", {}, call)
    assert sink.started_count == 1
    assert sink.finished_calls == [("t", *expected)]


async def test_a_cancelled_call_is_counted_as_cancelled() -> None:
    sink = Sink()
    observer = Observer(metrics=sink, audit=False, audit_arguments=False, secrets=list)

    async def call() -> types.CallToolResult:
        raise KeyboardInterrupt  # stands for any BaseException that ends a call without a result

    with pytest.raises(KeyboardInterrupt):
        await observer.observe("t", {}, call)
    assert sink.finished_calls == [("t", Outcome.CANCELLED, None)]


async def test_notes_outside_an_observed_call_are_ignored() -> None:
    note_status(500)  # no call in progress: nothing to record, nothing raised
    note_internal_error()


async def test_audit_line_names_the_authenticated_client_and_masks_arguments(
    caplog: pytest.LogCaptureFixture,
) -> None:
    observer = Observer(metrics=None, audit=False, audit_arguments=True, secrets=lambda: ["sk-live-12345"])

    async def call() -> types.CallToolResult:
        note_status(201)
        return OK

    token = AccessToken(token="opaque", client_id="agent-7", scopes=[])
    reset = auth_context_var.set(AuthenticatedUser(token))
    try:
        with caplog.at_level(logging.INFO, logger="oa2mcp.audit"):
            await observer.observe("create", {"name": "sk-live-12345", "token": "abc"}, call)
    finally:
        auth_context_var.reset(reset)
    (record,) = [r for r in caplog.records if r.name == "oa2mcp.audit"]
    fields = record.fields  # type: ignore[attr-defined]
    assert fields["client"] == "agent-7"
    assert (fields["tool"], fields["outcome"], fields["status"]) == ("create", "ok", 201)
    assert fields["arguments"] == {"name": "***", "token": "***"}
    assert record.levelno == logging.INFO


async def test_without_audit_no_line_is_written(caplog: pytest.LogCaptureFixture) -> None:
    observer = Observer(metrics=Sink(), audit=False, audit_arguments=False, secrets=list)

    async def call() -> types.CallToolResult:
        return OK

    with caplog.at_level(logging.DEBUG):
        await observer.observe("t", {}, call)
    assert not [r for r in caplog.records if r.name == "oa2mcp.audit"]


def test_rejections_take_reasons_from_a_closed_set() -> None:
    sink = Sink()
    count_rejection("rate_limited")  # no metrics: nothing to count into, no error
    Observer(metrics=sink, audit=False, audit_arguments=False, secrets=list)
    count_rejection("rate_limited")
    count_rejection("unauthenticated")
    assert sink.rejections == ["rate_limited", "unauthenticated"]
    with pytest.raises(ValueError, match="unknown rejection reason 'x-client-said-so'"):
        count_rejection("x-client-said-so")


def test_prometheus_metrics_count_calls_statuses_and_rejections() -> None:
    metrics = PrometheusMetrics()
    metrics.started()
    metrics.finished("t", Outcome.OK, 200, 0.02)
    metrics.started()
    metrics.finished("t", Outcome.UPSTREAM_ERROR, 999, 0.2)
    metrics.rejected("forbidden")
    body, content_type = metrics.exposition()
    text = body.decode()
    assert content_type.startswith("text/plain")
    assert 'oa2mcp_tool_calls_total{outcome="ok",tool="t"} 1.0' in text
    assert 'oa2mcp_upstream_responses_total{status="other",tool="t"} 1.0' in text  # not a label per odd code
    assert 'oa2mcp_tool_call_duration_seconds_bucket{le="0.025",tool="t"} 1.0' in text
    assert 'oa2mcp_tool_call_duration_seconds_bucket{le="0.25",tool="t"} 2.0' in text
    assert 'oa2mcp_requests_rejected_total{reason="forbidden"} 1.0' in text
    assert "oa2mcp_tool_calls_in_flight 0.0" in text
    assert "_created" not in text


def test_a_refused_call_is_counted_and_audited_with_its_reason(caplog: pytest.LogCaptureFixture) -> None:
    sink = Sink()
    observer = Observer(metrics=sink, audit=True, audit_arguments=False, secrets=list)
    with caplog.at_level(logging.INFO, logger="oa2mcp.audit"):
        observer.refused("admin_delete", {"id": 1}, "forbidden")
    assert sink.rejections == ["forbidden"]
    assert sink.finished_calls == []
    (record,) = [r for r in caplog.records if r.name == "oa2mcp.audit"]
    fields = record.fields  # type: ignore[attr-defined]
    assert (fields["client"], fields["tool"], fields["outcome"]) == ("anonymous", "admin_delete", "forbidden")
    assert "arguments" not in fields
