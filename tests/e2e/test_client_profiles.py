"""Client profiles and schema budgets end to end: the model is shown a rewritten schema, the upstream still gets
exactly what the API's schema describes (`oa2mcp serve` over stdio, a real client, the real upstream)."""

from __future__ import annotations

import json

import pytest

from tests.e2e.test_serve import stdio_client, text_of
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio


async def test_openai_strict_schemas_take_nulls_for_left_out_arguments_and_json_text(upstream: Upstream) -> None:
    async with stdio_client(upstream, "--client-profile", "openai") as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        shown = tools["create_pet"].input_schema
        assert shown["additionalProperties"] is False and shown["required"] == list(shown["properties"])
        arguments = dict.fromkeys(shown["properties"])
        category = {"name": "cats", "subcategories": ['{"name": "kittens"}']}
        arguments.update({"name": "Rex", "species": "cat", "category": category})
        result = await client.call_tool("create_pet", arguments)
        assert result.is_error is False, text_of(result)
        body = json.loads(upstream.last().body)
        assert body == {
            "name": "Rex",
            "species": "cat",
            "category": {"name": "cats", "subcategories": [{"name": "kittens"}]},
        }

        sent = len(upstream.received)
        result = await client.call_tool("create_pet", {**arguments, "name": None})
        assert result.is_error is True and "'name' is a required property" in text_of(result)
        assert len(upstream.received) == sent


async def test_gemini_argument_names_are_renamed_for_the_model_and_sent_under_the_wire_name(
    upstream: Upstream,
) -> None:
    async with stdio_client(upstream, "--client-profile", "gemini") as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert "X_Request_ID" in tools["list_pets"].input_schema["properties"]
        result = await client.call_tool("list_pets", {"limit": 2, "X_Request_ID": "9a1b"})
        assert result.is_error is False, text_of(result)
        request = upstream.last()
        assert request.query == "limit=2" and request.headers["x-request-id"] == "9a1b"


async def test_an_object_collapsed_to_fit_the_budget_is_still_checked_and_sent_whole(upstream: Upstream) -> None:
    async with stdio_client(upstream, "--schema-budget", "500") as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        metadata = tools["register_volunteer"].input_schema["properties"]["metadata"]
        assert metadata == {
            "type": "object",
            "description": "Where the volunteer heard about us. (properties not shown: referrer, campaign)",
        }
        arguments = {
            "shelterId": "0b7c1c1e-6c1f-4f55-9a50-5f2d4f5e6a7b",
            "fullName": "Ann Lee",
            "email": "ann@example.com",
        }
        result = await client.call_tool("register_volunteer", {**arguments, "metadata": {"referrer": "web"}})
        assert result.is_error is False, text_of(result)
        assert "metadata%5Breferrer%5D=web" in upstream.last().body.decode()

        result = await client.call_tool("register_volunteer", {**arguments, "metadata": {"referrer": 5}})
        assert result.is_error is True and "metadata.referrer: 5 is not of type 'string'" in text_of(result)
