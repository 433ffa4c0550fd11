"""`oa2mcp serve --transport http` with API keys and named clients, end to end: one server (DEBUG logs on) with
an unrestricted key, two config clients, forwarded headers, a rate limit, an upstream concurrency cap, a body
size cap and an extra allowed Host/Origin; real MCP clients and raw HTTP requests; the real upstream."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from tests.conftest import ROOT
from tests.e2e.inbound import (
    ADMIN_KEY,
    READER_KEY,
    SHELTERS_KEY,
    USER_TOKEN,
    client_with,
    post,
    sha256,
    tool_names,
    write_config,
)
from tests.e2e.servers import http_mcp_server
from tests.e2e.test_serve import ENV, text_of
from tests.e2e.upstream import Upstream, run_upstream

pytestmark = pytest.mark.anyio

CLIENTS = f"""\
  reader:
    key_env: TEST_READER_KEY
    tools: [list_pets, pets_get_by_id]
  shelter-bot:
    key_sha256: {sha256(SHELTERS_KEY)}
    tags: [shelters]
    rate_limit: 2/m
"""


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:  # this module's own: the concurrency count must not mix with others
    with run_upstream() as running:
        yield running


@pytest.fixture(scope="module")
def stderr_lines() -> list[str]:
    return []


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def server(
    upstream: Upstream, stderr_lines: list[str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    config = write_config(
        tmp_path_factory.mktemp("inbound") / "oa2mcp.yaml", CLIENTS, extra="forward_headers: [X-User-Token]\n"
    )
    cmd = [
        sys.executable, "-m", "converter", "serve", "--config", str(config), "--no-cache",
        "--base-url", f"{upstream.url}/v1", "--timeout", "5", "--transport", "http", "--port", "0",
        "--rate-limit", "1000/s", "--max-upstream-concurrency", "2", "--max-request-bytes", "20000",
        "--allowed-host", "mcp.example.com", "--allowed-origin", "https://app.example.com",
    ]  # fmt: skip
    env = {
        **os.environ,
        **ENV,
        "OA2MCP_API_KEYS": f"unused-key-0000,{ADMIN_KEY}",
        "TEST_READER_KEY": READER_KEY,
        "OA2MCP_LOG_LEVEL": "DEBUG",
    }
    async with http_mcp_server(cmd, env=env, cwd=ROOT, stderr_lines=stderr_lines) as url:
        yield url


async def test_requests_without_a_valid_key_get_401_with_www_authenticate(server: str) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong-key"}, {"X-API-Key": "wrong-key"}, {"X-API-Key": ""}):
        response = await post(server, headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    # Static keys have no authorization server to advertise: no protected-resource metadata.
    response = await post(server.removesuffix("/mcp") + "/.well-known/oauth-protected-resource/mcp")
    assert response.status_code == 404


async def test_a_key_in_either_header_reaches_the_upstream(server: str, upstream: Upstream) -> None:
    for headers in ({"X-API-Key": ADMIN_KEY}, {"Authorization": f"Bearer {ADMIN_KEY}"}):
        async with client_with(server, headers) as client:
            assert len(tool_names(await client.list_tools())) == 17
            result = await client.call_tool("delete_pet", {"id": 7})
        assert result.is_error is False, text_of(result)
        assert (upstream.last().method, upstream.last().path) == ("DELETE", "/v1/pets/7")


async def test_a_client_sees_and_calls_only_its_tools(server: str, upstream: Upstream) -> None:
    async with client_with(server, {"X-API-Key": READER_KEY}) as client:
        assert tool_names(await client.list_tools()) == {"list_pets", "pets_get_by_id"}
        result = await client.call_tool("pets_get_by_id", {"id": 7})
        assert result.is_error is False, text_of(result)
        seen = len(upstream.received)
        with pytest.raises(MCPError, match="Unknown tool: delete_pet"):
            await client.call_tool("delete_pet", {"id": 7})
    assert len(upstream.received) == seen  # refused before any upstream request
    async with client_with(server, {"Authorization": f"Bearer {SHELTERS_KEY}"}) as client:
        assert tool_names(await client.list_tools()) == {
            "shelters_search",
            "get_shelters_by_shelter_id_staff",
            "set_intake_schema",
            "register_volunteer",
        }


async def test_a_client_over_its_rate_limit_gets_an_error_saying_when_to_retry(server: str) -> None:
    async with client_with(server, {"X-API-Key": SHELTERS_KEY}) as client:
        results = [await client.call_tool("shelters_search", {}) for _ in range(3)]
    assert [result.is_error for result in results] == [False, False, True]
    assert "Rate limit reached (2 calls per minute for this client): retry in" in text_of(results[2])
    assert 0 < results[2].meta["oa2mcp/retryAfterSeconds"] <= 30
    # Another client has its own bucket.
    async with client_with(server, {"X-API-Key": ADMIN_KEY}) as client:
        assert (await client.call_tool("list_pets", {})).is_error is False


async def test_upstream_concurrency_is_capped(server: str, upstream: Upstream) -> None:
    results = []
    async with client_with(server, {"X-API-Key": ADMIN_KEY}) as client:

        async def one() -> None:
            results.append(await client.call_tool("pets_get_by_id", {"id": 996}))

        async with anyio.create_task_group() as group:
            for _ in range(6):
                group.start_soon(one)
    assert [result.is_error for result in results] == [False] * 6
    assert upstream.max_in_flight == 2


async def test_an_oversized_body_gets_413(server: str) -> None:
    call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "list_pets", "arguments": {}}}
    call["params"]["arguments"]["species"] = ["x" * 30_000]  # type: ignore[index]
    response = await post(server, headers={"X-API-Key": ADMIN_KEY}, body=call)
    assert response.status_code == 413


async def test_a_foreign_origin_or_host_is_refused_and_allowed_ones_pass(server: str) -> None:
    auth = {"X-API-Key": ADMIN_KEY}
    assert (await post(server, headers={**auth, "Origin": "https://evil.example"})).status_code == 403
    assert (await post(server, headers={**auth, "Host": "evil.example:8000"})).status_code == 421
    assert (await post(server, headers={**auth, "Host": "mcp.example.com"})).status_code == 200
    assert (await post(server, headers={**auth, "Origin": "https://app.example.com"})).status_code == 200
    assert (await post(server, headers={**auth, "Origin": "http://localhost:3000"})).status_code == 200


async def test_only_allowlisted_headers_reach_the_upstream(server: str, upstream: Upstream) -> None:
    headers = {"X-API-Key": READER_KEY, "X-User-Token": USER_TOKEN, "X-Other": "not-forwarded"}
    async with client_with(server, headers) as client:
        result = await client.call_tool("pets_get_by_id", {"id": 7})
    assert result.is_error is False, text_of(result)
    received = upstream.last().headers
    assert received["x-user-token"] == USER_TOKEN
    assert "x-other" not in received
    assert "x-api-key" not in received
    assert not any(READER_KEY in value for value in received.values())
    async with client_with(server, {"Authorization": f"Bearer {ADMIN_KEY}"}) as client:
        await client.call_tool("pets_get_by_id", {"id": 7})
    assert not any(ADMIN_KEY in value for value in upstream.last().headers.values())


async def test_no_key_or_token_appears_in_the_debug_logs(
    server: str, stderr_lines: list[str], upstream: Upstream
) -> None:
    async with client_with(server, {"X-API-Key": READER_KEY, "X-User-Token": USER_TOKEN}) as client:
        await client.call_tool("pets_get_by_id", {"id": 7})
    await post(server, headers={"Authorization": f"Bearer {ADMIN_KEY}x"})  # a refused key is not logged either
    logs = "".join(stderr_lines)
    assert "DEBUG" in logs  # the server did log at DEBUG level
    for secret in (ADMIN_KEY, READER_KEY, SHELTERS_KEY, USER_TOKEN):
        assert secret not in logs


async def test_a_limited_client_reads_only_its_own_operations_and_no_guide_to_the_rest(server: str) -> None:
    async with client_with(server, {"X-API-Key": READER_KEY}) as client:
        read = await client.read_resource("openapi://operations")
        lines = read.contents[0].text.splitlines()  # type: ignore[union-attr]
        assert [line.split(":", 1)[0] for line in lines] == ["list_pets", "pets_get_by_id"]
        read = await client.read_resource("openapi://operations/list_pets")  # its tools' documentation …
        assert read.contents[0].text.startswith("list_pets: GET /pets")  # type: ignore[union-attr]
        with pytest.raises(MCPError, match="Unknown resource: openapi://operations/create_pet"):
            await client.read_resource("openapi://operations/create_pet")  # … and no other tool's
        assert "use_api" not in {prompt.name for prompt in (await client.list_prompts()).prompts}
        with pytest.raises(MCPError, match="Unknown prompt: use_api"):
            await client.get_prompt("use_api")
    async with client_with(server, {"X-API-Key": ADMIN_KEY}) as client:  # an unrestricted key reads it all
        read = await client.read_resource("openapi://operations")
        assert len(read.contents[0].text.splitlines()) == 17  # type: ignore[union-attr]
        read = await client.read_resource("openapi://operations/create_pet")
        assert read.contents[0].text.startswith("create_pet: POST /pets")  # type: ignore[union-attr]
        assert "use_api" in {prompt.name for prompt in (await client.list_prompts()).prompts}
