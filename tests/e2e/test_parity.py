"""Served and generated servers cannot drift: one scenario table runs against `oa2mcp serve` and against the
server `oa2mcp generate` wrote (each as a stdio subprocess, over streamable HTTP, and from two worker
processes: the generated one imports the worker app factory from its own copy of the runtime), on the same upstream;
the tools/list, the results and every request the upstream received must be identical."""

from __future__ import annotations

import base64
import os
import re
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from converter.codegen.project import ProjectOptions, generate_project
from converter.pipeline import build_toolset
from tests.conftest import FIXTURES, ROOT
from tests.e2e.servers import http_mcp_server
from tests.e2e.test_serve import ENV
from tests.e2e.upstream import Received, Upstream

pytestmark = pytest.mark.anyio

SPEC = FIXTURES / "petstore-3.0.yaml"
PNG = base64.b64encode(b"\x89PNG fake").decode()
SCENARIOS: list[tuple[str, dict[str, Any]]] = [
    ("list_pets", {"limit": 5, "species": ["dog", "cat"], "filter_status": "available", "X-Request-ID": "9a1b"}),
    ("create_pet", {"name": "Rex", "species": "dog", "tags": ["a"], "weightKg": 12.5}),
    ("pets_get_by_id", {"id": 7, "query_id": "ext-1"}),
    ("pets_get_by_id", {"id": 404}),  # upstream 404
    ("pets_get_by_id", {"id": 777}),  # a body that does not match the outputSchema
    ("pets_get_by_id", {"id": "seven"}),  # invalid argument: never sent
    ("delete_pet", {"id": 7}),
    ("check_pet_exists", {"id": 7}),
    ("get_pet_photo", {"petId": 7}),
    ("upload_pet_photo", {"petId": 7, "file": PNG, "caption": "hi"}),
    ("replace_pet_photo", {"petId": 7, "body": PNG}),
    ("shelters_search", {"near": {"lat": 52.5, "lon": 13.4}, "services": ["veterinary", "grooming"]}),
    (
        "register_volunteer",
        {"shelterId": "0b7c1c1e-6c1f-4f55-9a50-5f2d4f5e6a7b", "fullName": "Ann Lee", "email": "ann@example.com"},
    ),
    ("update_owner", {"ownerId": 3, "name": "Ann", "email": "ann@example.com"}),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The Pet Shelter server as `oa2mcp generate` writes it (importable via PYTHONPATH, not installed)."""
    root = tmp_path_factory.mktemp("generated")
    toolset = build_toolset(str(SPEC), with_mock=True)
    for path, text in generate_project(toolset, ProjectOptions(spec_name=SPEC.name)).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    yield root


def command(kind: str, upstream: Upstream, generated: Path, *extra: str) -> tuple[list[str], dict[str, str]]:
    runtime = ["--base-url", f"{upstream.url}/v1", "--timeout", "2", *extra]
    env = {**os.environ, **ENV}
    if kind == "serve":
        return [sys.executable, "-m", "converter", "serve", str(SPEC), *runtime], env
    env["PYTHONPATH"] = str(generated)
    return [sys.executable, "-m", "pet_shelter_mcp", *runtime], env


@asynccontextmanager
async def connect(kind: str, transport: str, upstream: Upstream, generated: Path) -> AsyncIterator[Client]:
    if transport == "stdio":
        cmd, env = command(kind, upstream, generated)
        async with Client(StdioServerParameters(command=cmd[0], args=cmd[1:], env=env, cwd=str(ROOT))) as client:
            yield client
        return
    workers = ("--workers", "2", "--stateless") if transport == "http-workers" else ()
    cmd, env = command(kind, upstream, generated, "--transport", "http", "--port", "0", *workers)
    async with http_mcp_server(cmd, env=env, cwd=ROOT) as url, Client(url) as client:
        yield client


def comparable(request: Received) -> tuple[Any, ...]:
    """A received request with multipart's random boundary replaced by a fixed one."""
    body = request.body
    headers = dict(request.headers)
    match = re.search(r"boundary=([^;\s]+)", headers.get("content-type", ""))
    if match:
        body = body.replace(match.group(1).encode(), b"BOUNDARY")
        headers["content-type"] = headers["content-type"].replace(match.group(1), "BOUNDARY")
    return request.method, request.path, request.query, sorted(headers.items()), body


async def run_scenarios(client: Client, upstream: Upstream) -> tuple[Any, list[Any], list[tuple[Any, ...]]]:
    listing = [tool.model_dump(mode="json") for tool in (await client.list_tools()).tools]
    results = []
    start = len(upstream.received)
    for name, arguments in SCENARIOS:
        result = await client.call_tool(name, arguments)
        results.append(result.model_dump(mode="json", exclude={"meta"}))
    return listing, results, [comparable(r) for r in upstream.received[start:]]


@pytest.mark.parametrize("transport", ["stdio", "http", "http-workers"])
async def test_serve_and_the_generated_server_behave_identically(
    transport: str, upstream: Upstream, generated: Path
) -> None:
    async with connect("serve", transport, upstream, generated) as client:
        served = await run_scenarios(client, upstream)
    async with connect("generated", transport, upstream, generated) as client:
        made = await run_scenarios(client, upstream)
    listing, results, requests = served
    assert len(listing) == 17 and len(requests) == len(SCENARIOS) - 1  # the invalid call sent nothing
    errors = [name for (name, _), result in zip(SCENARIOS, results, strict=True) if result["is_error"]]
    # 404, a non-conforming body, an invalid argument; the test upstream answers a pet to update_owner
    assert errors == ["pets_get_by_id"] * 3 + ["update_owner"], errors
    assert made[0] == listing, "tools/list differs"
    assert made[1] == results, "results differ"
    assert made[2] == requests, "upstream requests differ"


async def test_search_mode_is_the_same_in_serve_and_the_generated_server(upstream: Upstream, generated: Path) -> None:
    calls: list[tuple[str, dict[str, Any]]] = [
        ("search_operations", {"query": "upload a photo of a pet", "limit": 3}),
        ("search_operations", {"query": "pets", "tag": "shelters"}),
        ("describe_operation", {"name": "register_volunteer"}),
        ("call_operation", {"name": "pets_get_by_id", "arguments": {"id": 7}}),
        ("call_operation", {"name": "pets_get_by_id", "arguments": {"id": "seven"}}),
    ]
    outcomes = []
    for kind in ("serve", "generated"):
        cmd, env = command(kind, upstream, generated, "--tools", "search")
        async with Client(StdioServerParameters(command=cmd[0], args=cmd[1:], env=env, cwd=str(ROOT))) as client:
            listing = [tool.name for tool in (await client.list_tools()).tools]
            results = [(await client.call_tool(name, args)).model_dump(mode="json") for name, args in calls]
        outcomes.append((listing, results))
    assert outcomes[0][0] == ["search_operations", "describe_operation", "call_operation"]
    assert [result["is_error"] for result in outcomes[0][1]] == [False, False, False, False, True]
    assert "upload_pet_photo" in outcomes[0][1][0]["content"][0]["text"]
    assert outcomes[1] == outcomes[0]
