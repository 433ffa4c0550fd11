"""`--tools search|hybrid` end to end: the SDK client (stdio subprocess and streamable HTTP) lists three tools,
finds an operation by task, and calls it on the real upstream; a config's exclusions hold; errors are the same
as the direct tool's; `oa2mcp call` runs the search tools too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from converter.codegen.project import ProjectOptions, generate_project
from converter.pipeline import build_toolset
from tests.conftest import FIXTURES, ROOT
from tests.e2e.inbound import ADMIN_KEY, READER_KEY, USER_TOKEN, client_with, write_config
from tests.e2e.servers import http_mcp_server
from tests.e2e.test_serve import ENV, SPEC, text_of
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio

SEARCH_TOOLS = ["search_operations", "describe_operation", "call_operation"]
GITHUB = str(FIXTURES / "github" / "api.github.com.json.gz")


def serve_args(upstream: Upstream, *extra: str, spec: str = SPEC) -> list[str]:
    return ["-m", "converter", "serve", spec, "--base-url", f"{upstream.url}/v1", "--timeout", "2", *extra]


@asynccontextmanager
async def stdio_client(upstream: Upstream, *extra: str, spec: str = SPEC) -> AsyncIterator[Client]:
    params = StdioServerParameters(
        command=sys.executable, args=serve_args(upstream, *extra, spec=spec), env={**os.environ, **ENV}, cwd=str(ROOT)
    )
    async with Client(params) as client:
        yield client


@asynccontextmanager
async def http_client(upstream: Upstream, *extra: str, spec: str = SPEC) -> AsyncIterator[Client]:
    cmd = [sys.executable, *serve_args(upstream, "--transport", "http", "--port", "0", *extra, spec=spec)]
    async with http_mcp_server(cmd, env={**os.environ, **ENV}, cwd=ROOT) as url, Client(url) as client:
        yield client


async def search(client: Client, query: str, **options: Any) -> list[dict[str, Any]]:
    result = await client.call_tool("search_operations", {"query": query, **options})
    assert result.is_error is False, text_of(result)
    matches: list[dict[str, Any]] = json.loads(text_of(result))["matches"]
    return matches


def listing_chars(tools: list[Any]) -> int:
    entries = [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools]
    return len(json.dumps({"tools": entries}, separators=(",", ":")))


@pytest.mark.parametrize("connect", [stdio_client, http_client], ids=["stdio", "http"])
async def test_search_finds_an_operation_and_calls_it_on_the_upstream(connect: Any, upstream: Upstream) -> None:
    async with connect(upstream, "--tools", "search") as client:
        tools = (await client.list_tools()).tools
        assert [tool.name for tool in tools] == SEARCH_TOOLS
        matches = await search(client, "get a pet by its id", limit=3)
        assert matches[0] == {
            "name": "pets_get_by_id",
            "method": "GET",
            "path": "/pets/{id}",
            "summary": "Get a pet",
            "required": ["id"],
        }
        described = await client.call_tool("describe_operation", {"name": "pets_get_by_id"})
        definition = json.loads(text_of(described))
        assert definition["inputSchema"]["required"] == ["id"] and "outputSchema" in definition
        before = len(upstream.received)
        result = await client.call_tool("call_operation", {"name": "pets_get_by_id", "arguments": {"id": 7}})
    assert result.is_error is False, text_of(result)
    assert result.structured_content == {"id": 7, "name": "Rex", "species": "dog", "status": "available"}
    assert len(upstream.received) == before + 1
    request = upstream.last()
    assert (request.method, request.path) == ("GET", "/v1/pets/7")
    assert request.headers["api_key"] == "key-123"  # the same credentials as the direct tool


async def test_call_operation_errors_are_the_direct_tools_errors(upstream: Upstream) -> None:
    async with stdio_client(upstream) as direct_client:
        direct = [
            await direct_client.call_tool("pets_get_by_id", {"id": "seven"}),
            await direct_client.call_tool("pets_get_by_id", {"id": 404}),
        ]
    async with stdio_client(upstream, "--tools", "search") as client:
        via_search = [
            await client.call_tool("call_operation", {"name": "pets_get_by_id", "arguments": {"id": "seven"}}),
            await client.call_tool("call_operation", {"name": "pets_get_by_id", "arguments": {"id": 404}}),
        ]
        unknown = await client.call_tool("call_operation", {"name": "pets_get_by_idd", "arguments": {}})
    for one, other in zip(direct, via_search, strict=True):
        assert one.is_error is other.is_error is True
        assert text_of(one) == text_of(other)
    assert text_of(direct[0]).startswith("Invalid arguments") and "404" in text_of(direct[1])
    assert unknown.is_error is True
    assert "Unknown operation 'pets_get_by_idd' (did you mean 'pets_get_by_id'?)" in text_of(unknown)


async def test_operations_a_config_excludes_are_neither_found_nor_callable(upstream: Upstream) -> None:
    config = str(FIXTURES / "configs" / "pets.yaml")  # excludes deletePet and checkPetExists
    args = ["-m", "converter", "serve", "--config", config, "--tools", "search", "--base-url", f"{upstream.url}/v1"]
    params = StdioServerParameters(command=sys.executable, args=args, env={**os.environ, **ENV}, cwd=str(ROOT))
    async with Client(params) as client:
        names = [match["name"] for match in await search(client, "delete a pet", limit=25)]
        assert names and "delete_pet" not in names and "find_pets" in names  # the config's own names
        before = len(upstream.received)
        result = await client.call_tool("call_operation", {"name": "delete_pet", "arguments": {"id": 7}})
        assert result.is_error is True and "Unknown operation 'delete_pet'" in text_of(result)
        described = await client.call_tool("describe_operation", {"name": "check_pet_exists"})
        assert described.is_error is True
    assert len(upstream.received) == before


async def test_hybrid_lists_the_configured_tools_and_the_three(upstream: Upstream, tmp_path: Path) -> None:
    config = tmp_path / "oa2mcp.yaml"
    config.write_text(
        f"spec: {SPEC}\ntools_mode: hybrid\ntools:\n  - listPets\n  - DELETE /pets/{{id}}\n", encoding="utf-8"
    )
    args = ["-m", "converter", "serve", "--config", str(config), "--base-url", f"{upstream.url}/v1"]
    params = StdioServerParameters(command=sys.executable, args=args, env={**os.environ, **ENV}, cwd=str(ROOT))
    async with Client(params) as client:
        assert [tool.name for tool in (await client.list_tools()).tools] == ["list_pets", "delete_pet", *SEARCH_TOOLS]
        listed = await client.call_tool("list_pets", {})
        hidden = await search(client, "register a volunteer at a shelter", limit=1)
        assert hidden[0]["name"] == "register_volunteer"
    assert listed.is_error is False, text_of(listed)
    assert (upstream.last().method, upstream.last().path) == ("GET", "/v1/pets")


async def test_github_search_mode_lists_under_2000_characters_and_ranks_by_task(upstream: Upstream) -> None:
    async with stdio_client(upstream, "--tools", "search", spec=GITHUB) as client:
        tools = (await client.list_tools()).tools
        assert [tool.name for tool in tools] == SEARCH_TOOLS
        assert listing_chars(tools) < 2000
        close = await search(client, "close an issue", limit=3)
        assert close[0]["name"] == "issues_update" and close[0]["method"] == "PATCH"
        assert close[0]["required"] == ["owner", "repo", "issue_number"]
        labels = await search(client, "add labels to an issue", tag="issues", limit=1)
        assert labels[0]["path"] == "/repos/{owner}/{repo}/issues/{issue_number}/labels"
        result = await client.call_tool(
            "call_operation",
            {"name": "issues_update", "arguments": {"owner": "o", "repo": "r", "issue_number": 5, "state": "closed"}},
        )
    assert result.is_error is False, text_of(result)
    request = upstream.last()
    assert (request.method, request.path, json.loads(request.body)) == (
        "PATCH",
        "/v1/repos/o/r/issues/5",
        {"state": "closed"},
    )


def test_oa2mcp_call_runs_the_search_tools() -> None:
    def call(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "converter", "call", SPEC, *args, "--tools", "search", "--mock"]
        return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=60)

    found = call("search_operations", "--args", '{"query": "upload a photo of a pet", "limit": 1}')
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["matches"][0]["name"] == "upload_pet_photo"
    unknown = call("call_operation", "--args", '{"name": "uplod_pet_photo"}')
    assert unknown.returncode == 1
    assert "Unknown operation 'uplod_pet_photo' (did you mean 'upload_pet_photo'?)" in unknown.stdout
    wrong_tool = call("search_operation")
    assert wrong_tool.returncode == 2 and "did you mean 'search_operations'" in wrong_tool.stderr


def test_hybrid_without_configured_tools_is_a_one_line_error() -> None:
    command = [sys.executable, "-m", "converter", "serve", SPEC, "--tools", "hybrid"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "--tools hybrid lists the operations that have an entry under the config's `tools:`" in result.stderr


async def test_a_generated_server_defaults_to_the_configs_tools_mode(upstream: Upstream, tmp_path: Path) -> None:
    options = ProjectOptions(spec_name="petstore.yaml", tools_mode="hybrid", pinned=("list_pets",))
    for path, text in generate_project(build_toolset(SPEC, with_mock=True), options).items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    env = {**os.environ, **ENV, "PYTHONPATH": str(tmp_path)}
    listed = []
    for extra in ([], ["--tools", "tools"]):
        args = ["-m", "pet_shelter_mcp", "--base-url", f"{upstream.url}/v1", *extra]
        async with Client(StdioServerParameters(command=sys.executable, args=args, env=env, cwd=str(ROOT))) as client:
            listed.append([tool.name for tool in (await client.list_tools()).tools])
    assert listed[0] == ["list_pets", *SEARCH_TOOLS]
    assert len(listed[1]) == 17


def test_generate_keeps_the_configs_tools_mode_and_tools(tmp_path: Path) -> None:
    config = tmp_path / "oa2mcp.yaml"
    config.write_text(f"spec: {SPEC}\ntools_mode: hybrid\ntools:\n  - shelters.search\n", encoding="utf-8")
    command = [sys.executable, "-m", "converter", "generate", "--config", str(config), "-o", str(tmp_path / "out")]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads((tmp_path / "out" / "pet_shelter_mcp" / "tools.json").read_text(encoding="utf-8"))
    assert (data["tools_mode"], data["pinned"]) == ("hybrid", ["shelters_search"])
    assert data["table"]["shelters_search"]["operationId"] == "shelters.search"


@pytest.mark.parametrize(("mode", "budget_warned"), [("tools", True), ("search", False)])
def test_serve_warns_of_the_tool_budget_only_when_it_lists_every_tool(mode: str, budget_warned: bool) -> None:
    command = [
        sys.executable,
        "-m",
        "converter",
        "serve",
        GITHUB,
        "--tools",
        mode,
        "--transport",
        "http",
        "--port",
        "0",
    ]
    proc = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        assert proc.stderr is not None
        while not lines or "serving" not in lines[-1]:
            line = proc.stderr.readline()
            assert line, "the server exited before listening: " + "".join(lines)
            lines.append(line)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr:
            proc.stderr.close()
    assert any("tokens in tools/list (budget:" in line for line in lines) is budget_warned
    assert f"serving {1223 if mode == 'tools' else 3} tools" in lines[-1]


async def test_a_config_client_finds_and_calls_only_its_tools(upstream: Upstream, tmp_path: Path) -> None:
    clients = "  reader:\n    key_env: TEST_READER_KEY\n    tools: [list_pets, pets_get_by_id]\n"
    config = write_config(tmp_path / "oa2mcp.yaml", clients, extra="forward_headers: [X-User-Token]\n")
    cmd = [sys.executable, "-m", "converter", "serve", "--config", str(config), "--tools", "search", "--no-cache"]
    cmd += ["--base-url", f"{upstream.url}/v1", "--transport", "http", "--port", "0"]
    env = {**os.environ, **ENV, "OA2MCP_API_KEYS": ADMIN_KEY, "TEST_READER_KEY": READER_KEY}
    async with http_mcp_server(cmd, env=env, cwd=ROOT) as url:
        async with client_with(url, {"X-API-Key": READER_KEY, "X-User-Token": USER_TOKEN}) as client:
            assert [tool.name for tool in (await client.list_tools()).tools] == SEARCH_TOOLS
            found = {match["name"] for match in await search(client, "delete or update a pet", limit=25)}
            assert found == {"list_pets", "pets_get_by_id"}
            before = len(upstream.received)
            refused = [
                await client.call_tool("call_operation", {"name": "delete_pet", "arguments": {"id": 7}}),
                await client.call_tool("describe_operation", {"name": "delete_pet"}),
            ]
            assert len(upstream.received) == before
            result = await client.call_tool("call_operation", {"name": "pets_get_by_id", "arguments": {"id": 7}})
        async with client_with(url, {"X-API-Key": ADMIN_KEY}) as admin:
            everything = {match["name"] for match in await search(admin, "delete or update a pet", limit=25)}
    for answer in refused:
        assert answer.is_error is True and text_of(answer).startswith("Unknown operation 'delete_pet'")
        assert "did you mean 'delete_pet'" not in text_of(answer)
    assert result.is_error is False, text_of(result)
    assert upstream.last().path == "/v1/pets/7" and upstream.last().headers["x-user-token"] == USER_TOKEN
    assert {"delete_pet", "pets_update", "list_pets"} <= everything
