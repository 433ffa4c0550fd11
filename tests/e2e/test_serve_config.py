"""`oa2mcp serve --config` end to end: the SDK client over stdio sees exactly the configured tools and
arguments, and the real upstream receives the wire names, the fixed values and the defaults."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qsl

import pytest
from mcp import Client, StdioServerParameters

from tests.conftest import ROOT
from tests.e2e.test_serve import ENV, text_of
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio

CONFIG = "fixtures/configs/pets.yaml"
TOOLS = {
    "find_pets": ["limit", "sort", "kind", "filter_status"],
    "create_pet": [
        "name",
        "species",
        "birthDate",
        "tags",
        "shelterId",
        "microchipId",
        "weightKg",
        "category",
        "X-Request-ID",
    ],
    "import_pets": ["body"],
    "get_pet": ["id", "X-Request-ID"],
    "pets_update": [
        "id",
        "name",
        "species",
        "nickname",
        "status",
        "weightKg",
        "microchipId",
        "birthDate",
        "shelterId",
        "category",
        "tags",
        "parent",
        "owner",
    ],
    "find_shelters": ["near", "services", "criteria", "X-Request-ID", "shelter_session"],
}


@asynccontextmanager
async def configured_client(upstream: Upstream) -> AsyncIterator[Client]:
    args = ["-m", "converter", "serve", "--config", CONFIG, "--base-url", f"{upstream.url}/v1", "--timeout", "2"]
    params = StdioServerParameters(command=sys.executable, args=args, env={**os.environ, **ENV}, cwd=str(ROOT))
    async with Client(params) as client:
        yield client


async def test_configured_tools_and_arguments_are_listed_and_reach_the_upstream(upstream: Upstream) -> None:
    async with configured_client(upstream) as client:
        listed = {tool.name: tool for tool in (await client.list_tools()).tools}
        # Every tool answers JSON, so each also takes the `fields` projection (not sent upstream).
        assert {name: list(tool.input_schema["properties"]) for name, tool in listed.items()} == {
            name: [*args, "fields"] for name, args in TOOLS.items()
        }
        find_pets = listed["find_pets"]
        assert (find_pets.title, find_pets.description) == (
            "Find pets",
            "Search the shelter's pets by species and adoption status, newest first.\n"
            "`fields` (JMESPath) picks part of the result.",
        )
        assert find_pets.input_schema["properties"]["limit"]["default"] == 10
        assert find_pets.input_schema["properties"]["kind"]["description"] == 'Species to include, e.g. ["dog"].'
        assert listed["find_shelters"].annotations is not None
        assert listed["find_shelters"].annotations.open_world_hint is False
        assert all(len(tool.description or "") <= 400 for tool in listed.values())

        before = len(upstream.received)
        result = await client.call_tool("find_pets", {"kind": ["dog"]})
        assert result.is_error is False, text_of(result)
        assert len(upstream.received) == before + 1
        request = upstream.last()
        assert (request.method, request.path) == ("GET", "/v1/pets")
        assert parse_qsl(request.query) == [("limit", "10"), ("species", "dog")]
        assert request.headers["x-request-id"] == "adoption-desk"

        result = await client.call_tool("find_pets", {"kind": ["dog", "cat"], "limit": 3, "filter_status": "pending"})
        assert result.is_error is False, text_of(result)
        assert parse_qsl(upstream.last().query) == [
            ("limit", "3"),
            ("species", "dog,cat"),
            ("filter[status]", "pending"),
        ]
        assert upstream.last().headers["x-request-id"] == "adoption-desk"


async def test_hidden_and_fixed_arguments_cannot_be_sent_by_the_model(upstream: Upstream) -> None:
    async with configured_client(upstream) as client:
        before = len(upstream.received)
        for arguments in ({"X-Request-ID": "mine"}, {"status": "gone"}, {"species": ["dog"]}):
            result = await client.call_tool("find_pets", arguments)
            assert result.is_error is True
            assert "Invalid arguments" in text_of(result) and next(iter(arguments)) in text_of(result)
        hidden = await client.call_tool("get_pet", {"id": 7, "query_id": "ext-1"})
        assert hidden.is_error is True
        assert len(upstream.received) == before  # nothing reached the upstream

        result = await client.call_tool("get_pet", {"id": 7})
        assert result.is_error is False, text_of(result)
        assert (upstream.last().path, upstream.last().query) == ("/v1/pets/7", "")
