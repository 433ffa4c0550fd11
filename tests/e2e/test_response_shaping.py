"""Response shaping end to end: what the model is shown of the real upstream's JSON, through the SDK client
and `oa2mcp serve` — noise left out, long lists cut with a note, `fields` projections, and raw when configured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_serve import stdio_client, text_of
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio


def _body_and_notes(text: str) -> tuple[object, list[str]]:
    first, *notes = text.split("\n")
    return json.loads(first), notes


async def test_nulls_empties_and_api_links_are_left_out_and_long_lists_cut_with_a_note(upstream: Upstream) -> None:
    async with stdio_client(upstream) as client:
        listing = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert "fields" in listing["list_pets"].input_schema["properties"]
        assert "`fields` (JMESPath)" in (listing["list_pets"].description or "")
        result = await client.call_tool("list_pets", {"limit": 40})
    assert upstream.last().query == "limit=40"  # the upstream sent all 40
    assert not result.is_error
    text = text_of(result)
    pets, notes = _body_and_notes(text)
    assert isinstance(pets, list) and len(pets) == 30
    assert pets[0] == {"id": 1, "name": "Pet 1", "species": "dog", "adopt_url": "https://shelter.example.org/adopt/1"}
    assert " " not in text.split("\n")[0].replace("Pet ", "")  # compact: no indentation, no spaces
    assert notes == ["[the result: 30 of 40 items shown; the rest: fields=`[30:]`]"]


async def test_fields_projects_the_result_and_a_bad_expression_is_refused_before_any_request(
    upstream: Upstream,
) -> None:
    async with stdio_client(upstream) as client:
        projected = await client.call_tool("list_pets", {"limit": 40, "fields": "[?id > `38`].{id: id, name: name}"})
        rest = await client.call_tool("list_pets", {"limit": 40, "fields": "[30:].id"})
        sent = len(upstream.received)
        bad = await client.call_tool("list_pets", {"limit": 40, "fields": "[?id >"})
    assert _body_and_notes(text_of(projected)) == ([{"id": 39, "name": "Pet 39"}, {"id": 40, "name": "Pet 40"}], [])
    assert _body_and_notes(text_of(rest))[0] == list(range(31, 41))
    assert bad.is_error
    assert text_of(bad).startswith("Invalid arguments:\n- fields: not a JMESPath expression")
    assert len(upstream.received) == sent  # refused before anything was sent


async def test_structured_content_stays_the_whole_value_that_matches_the_output_schema(upstream: Upstream) -> None:
    async with stdio_client(upstream) as client:
        result = await client.call_tool("pets_get_by_id", {"id": 7, "fields": "name"})
    assert text_of(result) == '"Rex"'
    assert result.structured_content == {"id": 7, "name": "Rex", "species": "dog", "status": "available"}


async def test_a_config_can_keep_a_tool_raw(upstream: Upstream, tmp_path: Path) -> None:
    config = tmp_path / "raw.yaml"
    config.write_text("response:\n  max_items: 5\ntools:\n  listPets:\n    response: {shape: false}\n")
    async with stdio_client(upstream, "--config", str(config)) as client:
        listing = {tool.name: tool for tool in (await client.list_tools()).tools}
        raw = await client.call_tool("list_pets", {"limit": 40})
        shaped = await client.call_tool("pets_get_by_id", {"id": 7})
    assert "fields" not in listing["list_pets"].input_schema["properties"]
    assert "fields" in listing["pets_get_by_id"].input_schema["properties"]
    pets = json.loads(text_of(raw))
    assert len(pets) == 40 and pets[0]["nickname"] is None and "_links" in pets[0]
    assert text_of(shaped) == '{"id":7,"name":"Rex","species":"dog","status":"available"}'
