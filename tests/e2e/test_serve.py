"""`oa2mcp serve` end to end: the SDK's Client drives the server (stdio subprocess and streamable HTTP), the
server calls a real upstream on 127.0.0.1, and what the upstream received is asserted."""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client, StdioServerParameters

from tests.conftest import FIXTURES, ROOT
from tests.e2e.servers import http_mcp_server
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio

SPEC = str(FIXTURES / "petstore-3.0.yaml")
ENV = {
    "OA2MCP_AUTH_API_KEY": "key-123",
    "OA2MCP_AUTH_BEARERAUTH": "tok-456",
    "OA2MCP_AUTH_BASICAUTH": "ann:secret-pw",
    "OA2MCP_AUTH_OAUTH2": "ready-token-789",  # no client_id:secret pair: used as a ready bearer token
}


def serve_args(upstream: Upstream, *extra: str) -> list[str]:
    return ["-m", "converter", "serve", SPEC, "--base-url", f"{upstream.url}/v1", "--timeout", "2", *extra]


@asynccontextmanager
async def stdio_client(upstream: Upstream, *extra: str) -> AsyncIterator[Client]:
    params = StdioServerParameters(
        command=sys.executable, args=serve_args(upstream, *extra), env={**os.environ, **ENV}, cwd=str(ROOT)
    )
    async with Client(params) as client:
        yield client


@asynccontextmanager
async def http_server(upstream: Upstream, *extra: str) -> AsyncIterator[str]:
    """`oa2mcp serve --transport http --port 0` in a subprocess; yields its MCP URL."""
    cmd = [sys.executable, *serve_args(upstream, "--transport", "http", "--port", "0", *extra)]
    async with http_mcp_server(cmd, env={**os.environ, **ENV}, cwd=ROOT) as url:
        yield url


@asynccontextmanager
async def http_client(upstream: Upstream, *extra: str) -> AsyncIterator[Client]:
    async with http_server(upstream, *extra) as url, Client(url) as client:
        yield client


def text_of(result: Any) -> str:
    return "\n".join(item.text for item in result.content if item.type == "text")


@pytest.mark.parametrize("connect", [stdio_client, http_client], ids=["stdio", "http"])
async def test_tools_are_listed_and_a_call_reaches_the_upstream(connect: Any, upstream: Upstream) -> None:
    async with connect(upstream) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert len(tools) == 17
        assert tools["list_pets"].annotations.read_only_hint is True
        result = await client.call_tool("pets_get_by_id", {"id": 7, "query_id": "ext-1"})
    assert result.is_error is False, text_of(result)
    assert result.structured_content == {"id": 7, "name": "Rex", "species": "dog", "status": "available"}
    request = upstream.last()
    assert (request.method, request.path, request.query) == ("GET", "/v1/pets/7", "id=ext-1")
    assert request.headers["api_key"] == "key-123"


async def test_every_argument_location_reaches_the_upstream(upstream: Upstream) -> None:
    async with stdio_client(upstream) as client:
        result = await client.call_tool(
            "list_pets",
            {"limit": 5, "species": ["dog", "cat"], "filter_status": "available", "X-Request-ID": "9a1b"},
        )
        assert result.is_error is False, text_of(result)
        request = upstream.last()
        assert request.path == "/v1/pets"
        assert request.query == "limit=5&species=dog,cat&filter%5Bstatus%5D=available"
        assert request.headers["x-request-id"] == "9a1b"

        result = await client.call_tool("create_pet", {"name": "Rex", "species": "dog", "tags": ["a"]})
        assert result.is_error is False, text_of(result)
        request = upstream.last()
        assert (request.method, request.path) == ("POST", "/v1/pets")
        assert request.headers["content-type"] == "application/json"
        assert json.loads(request.body) == {"name": "Rex", "species": "dog", "tags": ["a"]}
        assert request.headers["authorization"] == "Bearer ready-token-789"


async def test_form_multipart_and_binary_bodies_are_encoded_as_the_spec_says(upstream: Upstream) -> None:
    async with stdio_client(upstream) as client:
        result = await client.call_tool(
            "register_volunteer",
            {
                "shelterId": "0b7c1c1e-6c1f-4f55-9a50-5f2d4f5e6a7b",
                "fullName": "Ann Lee",
                "email": "ann@example.com",
                "metadata": {"referrer": "web"},
            },
        )
        assert result.is_error is False, text_of(result)
        body = upstream.last().body.decode()
        assert "fullName=Ann+Lee" in body or "fullName=Ann%20Lee" in body
        assert "metadata%5Breferrer%5D=web" in body

        png = base64.b64encode(b"\x89PNG fake").decode()
        result = await client.call_tool("upload_pet_photo", {"petId": 7, "file": png, "caption": "hi"})
        assert result.is_error is False, text_of(result)
        request = upstream.last()
        assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
        assert b"\x89PNG fake" in request.body and b'name="caption"' in request.body

        result = await client.call_tool("replace_pet_photo", {"petId": 7, "body": png})
        assert result.is_error is False, text_of(result)
        assert upstream.last().body == b"\x89PNG fake"
        assert upstream.last().headers["content-type"] == "application/octet-stream"


async def test_responses_become_text_images_and_success_notes(upstream: Upstream) -> None:
    async with stdio_client(upstream) as client:
        image = await client.call_tool("get_pet_photo", {"petId": 7})
        assert [item.type for item in image.content] == ["image"]
        deleted = await client.call_tool("delete_pet", {"id": 7})
        assert deleted.is_error is False and "204" in text_of(deleted)


async def test_failures_are_tool_errors_and_the_server_keeps_serving(upstream: Upstream) -> None:
    async with stdio_client(upstream) as client:
        bad = await client.call_tool("pets_get_by_id", {"id": "seven"})
        assert bad.is_error is True and "id" in text_of(bad)
        missing = await client.call_tool("pets_get_by_id", {"id": 404})
        assert missing.is_error is True
        assert "404" in text_of(missing) and "no such pet" in text_of(missing)
        broken = await client.call_tool("pets_get_by_id", {"id": 500})
        assert broken.is_error is True and "500" in text_of(broken)
        assert "<html>" not in text_of(broken)
        slow = await client.call_tool("pets_get_by_id", {"id": 999})
        assert slow.is_error is True and "did not answer" in text_of(slow)
        # A body that does not match the outputSchema: the SDK's client rejects a success without conforming
        # structuredContent, so it comes as an error result that says the request itself succeeded.
        odd = await client.call_tool("pets_get_by_id", {"id": 777})
        assert odd.structured_content is None and "succeeded" in text_of(odd)
        huge = await client.call_tool("pets_get_by_id", {"id": 888})
        assert "truncated" in text_of(huge)
        fine = await client.call_tool("pets_get_by_id", {"id": 7})
        assert fine.is_error is False


async def test_unreachable_upstream_is_a_tool_error_naming_the_host() -> None:
    dead = Upstream(url="http://127.0.0.1:9")
    async with stdio_client(dead) as client:
        result = await client.call_tool("pets_get_by_id", {"id": 7})
    assert result.is_error is True and "127.0.0.1" in text_of(result)
    assert "key-123" not in text_of(result)


async def test_healthz_reports_the_tool_count(upstream: Upstream) -> None:
    async with http_server(upstream) as url, httpx.AsyncClient() as http:
        response = await http.get(url.removesuffix("/mcp") + "/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "tools": 17}


async def test_stateless_http_serves_calls(upstream: Upstream) -> None:
    async with http_client(upstream, "--stateless") as client:
        result = await client.call_tool("check_pet_exists", {"id": 7})
    assert result.is_error is False, text_of(result)
    assert upstream.last().method == "HEAD"


async def test_mock_mode_answers_every_tool_without_an_upstream() -> None:
    from tests.e2e.test_every_tool import CALLS

    nowhere = Upstream(url="http://127.0.0.1:9")  # nothing listens: any real call would fail
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "converter", "serve", SPEC, "--mock"], env=dict(os.environ), cwd=str(ROOT)
    )
    async with Client(params) as client:
        for name, arguments in CALLS.items():
            result = await client.call_tool(name, arguments)
            assert result.is_error is False, (name, text_of(result))
            request = (result.meta or {})["oa2mcp/request"]
            assert request["url"].startswith("https://us.api.petshelter.example.com/v1/")
        invalid = await client.call_tool("pets_get_by_id", {"id": "x"})
        assert invalid.is_error is True
    assert nowhere.received == []


@pytest.mark.parametrize("connect", [stdio_client, http_client], ids=["stdio", "http"])
async def test_cancelling_a_call_cancels_the_upstream_request(connect: Any, upstream: Upstream) -> None:
    # --timeout 30 (the last one wins): only the cancellation, not a timeout, can end the upstream call early.
    async with connect(upstream, "--timeout", "30") as client:
        with anyio.move_on_after(1.5):
            await client.call_tool("pets_get_by_id", {"id": 998})
            pytest.fail("the slow call should not have finished")
        with anyio.fail_after(8):
            while "/v1/pets/998" not in upstream.disconnects:
                await anyio.sleep(0.05)
        result = await client.call_tool("pets_get_by_id", {"id": 7})  # and the server keeps serving
        assert result.is_error is False
    upstream.disconnects.clear()


async def test_an_unknown_tool_is_a_protocol_error_not_a_tool_result(upstream: Upstream) -> None:
    from mcp.shared.exceptions import MCPError

    async with stdio_client(upstream) as client:
        with pytest.raises(MCPError, match="Unknown tool: no_such_tool"):
            await client.call_tool("no_such_tool", {})
        assert (await client.call_tool("check_pet_exists", {"id": 7})).is_error is False
