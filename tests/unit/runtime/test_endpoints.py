"""Readiness: the upstream check counts any HTTP answer, reports a reason otherwise, and is cached."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from converter.runtime.call import CallOptions, ToolCaller
from converter.runtime.endpoints import READY_CACHE_SECONDS, Readiness

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def caller_with(handler: Any, **options: Any) -> ToolCaller:
    binding = {"method": "GET", "path": "/x", "args": [], "servers": [{"url": "https://api.example.com/v2"}]}
    tools = {"t": {"inputSchema": {"type": "object"}, "binding": binding}}
    return ToolCaller(
        tools,
        security_schemes={},
        credentials={},
        options=CallOptions(**options),
        transport=httpx.MockTransport(handler),
    )


async def test_any_http_answer_is_ready_and_the_answer_is_reused_for_a_while() -> None:
    seen: list[str] = []
    now = [100.0]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(404)

    readiness = Readiness(caller_with(handler), check_upstream=True, clock=lambda: now[0])
    assert await readiness.problem() is None
    assert await readiness.problem() is None
    assert seen == ["https://api.example.com/v2"]
    now[0] += READY_CACHE_SECONDS
    assert await readiness.problem() is None
    assert len(seen) == 2


async def test_an_unreachable_upstream_is_not_ready_with_the_reason() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused")

    problem = await Readiness(caller_with(handler), check_upstream=True).problem()
    assert problem == (
        "the upstream https://api.example.com/v2 is unreachable: ConnectError: [Errno 111] Connection refused"
    )


async def test_a_timeout_is_not_ready() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow")

    problem = await Readiness(caller_with(handler, timeout=2.0), check_upstream=True).problem()
    assert problem == "the upstream https://api.example.com/v2 did not answer within 2 s"


async def test_without_the_check_or_in_mock_mode_nothing_is_probed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("probed")

    assert await Readiness(caller_with(handler), check_upstream=False).problem() is None
    assert await Readiness(caller_with(handler, mock=True), check_upstream=True).problem() is None


async def test_base_url_override_is_what_is_probed() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200)

    caller = caller_with(handler, base_url="http://127.0.0.1:8080/api/")
    assert await Readiness(caller, check_upstream=True).problem() is None
    assert seen == ["http://127.0.0.1:8080/api"]
