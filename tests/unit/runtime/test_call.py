"""ToolCaller: validation before any request, retries for idempotent calls only, failures as tool errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from converter.runtime.call import CallOptions, ToolCaller

pytestmark = pytest.mark.anyio

BINDING = {
    "servers": [{"url": "https://api.example.com"}],
    "path": "/items/{id}",
    "args": [{"arg": "id", "in": "path", "name": "id", "required": True, "style": "simple", "explode": False}],
}
SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "integer"}},
    "required": ["id"],
    "additionalProperties": False,
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def caller_for(method: str, handler: Any, **options: Any) -> ToolCaller:
    tools = {"t": {"inputSchema": SCHEMA, "outputSchema": None, "binding": {**BINDING, "method": method}}}
    return ToolCaller(
        tools,
        security_schemes={},
        credentials={},
        options=CallOptions(retry_budget=5, **options),
        transport=httpx.MockTransport(handler),
    )


async def test_invalid_arguments_never_reach_the_upstream() -> None:
    seen: list[httpx.Request] = []
    caller = caller_for("GET", lambda r: seen.append(r) or httpx.Response(200))
    result = await caller.call("t", {"id": "x", "extra": 1})
    await caller.aclose()
    assert result.is_error and seen == []
    text = result.content[0].text
    assert "id: 'x' is not of type 'integer'" in text and "'extra' was unexpected" in text


async def test_idempotent_calls_retry_on_503_and_honour_retry_after() -> None:
    statuses = iter([503, 429, 200])
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(next(statuses), headers={"Retry-After": "0"}, json={"ok": True})

    caller = caller_for("GET", handler)
    result = await caller.call("t", {"id": 1})
    await caller.aclose()
    assert not result.is_error and len(seen) == 3


async def test_non_idempotent_calls_are_not_retried() -> None:
    seen: list[httpx.Request] = []
    caller = caller_for("POST", lambda r: seen.append(r) or httpx.Response(503, text="busy"))
    result = await caller.call("t", {"id": 1})
    await caller.aclose()
    assert result.is_error and len(seen) == 1
    assert "503" in result.content[0].text and "busy" in result.content[0].text


async def test_retries_stop_after_the_configured_count() -> None:
    seen: list[httpx.Request] = []
    caller = caller_for("GET", lambda r: seen.append(r) or httpx.Response(502, headers={"Retry-After": "0"}), retries=2)
    result = await caller.call("t", {"id": 1})
    await caller.aclose()
    assert result.is_error and len(seen) == 3


async def test_connection_errors_become_tool_errors_naming_the_host() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    caller = caller_for("POST", refuse)
    result = await caller.call("t", {"id": 1})
    await caller.aclose()
    assert result.is_error and "api.example.com" in result.content[0].text


async def test_forwarded_headers_win_and_stand_in_for_a_missing_server_credential() -> None:
    seen: list[httpx.Request] = []
    tools = {
        "t": {
            "inputSchema": SCHEMA,
            "outputSchema": None,
            "binding": {**BINDING, "method": "GET", "security": [{"user_key": []}]},
        }
    }
    caller = ToolCaller(
        tools,
        security_schemes={"user_key": {"type": "apiKey", "in": "header", "name": "X-User-Token"}},
        credentials={},
        options=CallOptions(headers={"X-Static": "s", "X-Both": "static"}),
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json={})),
    )
    refused = await caller.call("t", {"id": 1})
    assert refused.is_error and seen == []  # no credential at all: the server says so, nothing is sent
    result = await caller.call("t", {"id": 1}, headers={"x-user-token": "u-1", "x-both": "caller"})
    await caller.aclose()
    assert result.is_error is False
    assert (seen[0].headers["x-user-token"], seen[0].headers["x-both"], seen[0].headers["x-static"]) == (
        "u-1",
        "caller",
        "s",
    )
