"""Argument checks: unknown arguments refused whatever the schema says, and calls made against a rewritten schema
(a client profile, a schema budget) read back the way the API's schema wants them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from converter.runtime.call import CallOptions, ToolCaller
from converter.runtime.validation import argument_problems, compile_validator, prepare_arguments

API_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "note": {"type": ["string", "null"]},
        "limit": {"type": "integer"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "lines": {"type": "array", "items": {"type": "object", "properties": {"data": {"type": "object"}}}},
    },
    "required": ["name"],
}


def test_arguments_the_schema_does_not_list_are_refused_even_when_it_does_not_say_so() -> None:
    validator = compile_validator(API_SCHEMA, arguments=True)
    problems = argument_problems(validator, {"name": "a", "nmae": "b"})
    assert problems == [
        "(arguments): Additional properties are not allowed ('nmae' was unexpected); known arguments: "
        "limit, lines, metadata, name, note"
    ]


def test_an_open_schema_stays_open_and_output_validators_are_not_closed() -> None:
    open_schema = {**API_SCHEMA, "additionalProperties": True}
    assert argument_problems(compile_validator(open_schema, arguments=True), {"name": "a", "x": 1}) == []
    assert not list(compile_validator(API_SCHEMA).iter_errors({"name": "a", "extra": 1}))


def test_json_text_is_decoded_only_where_the_tool_asked_for_it() -> None:
    check = {"schema": API_SCHEMA, "jsonText": [["metadata"], ["lines", "*", "data"]]}
    validator = compile_validator(API_SCHEMA, arguments=True)
    arguments = {
        "name": '{"not": "decoded"}',
        "metadata": '{"team": "a"}',
        "lines": [{"data": '{"x": 1}'}, {"data": "not json"}, {"data": "[1]"}],
    }
    prepared = prepare_arguments(arguments, check, validator)
    assert prepared == {
        "name": '{"not": "decoded"}',
        "metadata": {"team": "a"},
        "lines": [{"data": {"x": 1}}, {"data": "not json"}, {"data": [1]}],
    }
    assert arguments["metadata"] == '{"team": "a"}'  # the caller's arguments are left alone
    assert argument_problems(validator, prepared) == [
        "lines[1].data: 'not json' is not of type 'object'",
        "lines[2].data: [1] is not of type 'object'",  # decoded, then judged by the API's schema
    ]


def test_nulls_for_left_out_arguments_are_dropped_but_a_null_the_api_takes_is_kept() -> None:
    check = {"schema": API_SCHEMA, "nullAsAbsent": True}
    validator = compile_validator(API_SCHEMA, arguments=True)
    prepared = prepare_arguments(
        {"name": "a", "note": None, "limit": None, "metadata": None, "lines": [{"data": None}]}, check, validator
    )
    assert prepared == {"name": "a", "note": None, "lines": [{}]}
    assert argument_problems(validator, prepared) == []


def test_a_null_for_a_required_argument_is_still_an_error() -> None:
    check = {"schema": API_SCHEMA, "nullAsAbsent": True}
    validator = compile_validator(API_SCHEMA, arguments=True)
    prepared = prepare_arguments({"name": None}, check, validator)
    assert argument_problems(validator, prepared) == ["(arguments): 'name' is a required property"]


def test_without_a_check_the_arguments_are_taken_as_they_are() -> None:
    validator = compile_validator(API_SCHEMA, arguments=True)
    arguments = {"name": "a", "limit": None}
    assert prepare_arguments(arguments, None, validator) is arguments
    assert argument_problems(validator, arguments) == ["limit: None is not of type 'integer'"]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_the_caller_checks_a_rewritten_tool_against_the_api_schema_and_sends_what_it_reads() -> None:
    seen: list[httpx.Request] = []
    shown = {"type": "object", "properties": {"name": {"type": "string"}, "metadata": {"type": ["string", "null"]}}}
    binding = {
        "method": "POST",
        "servers": [{"url": "https://api.example.com"}],
        "path": "/items",
        "args": [
            {"arg": "name", "in": "body", "name": "name", "required": True},
            {"arg": "metadata", "in": "body", "name": "metadata", "required": False},
            {"arg": "limit", "in": "query", "name": "limit", "required": False},
        ],
        "body": {"contentType": "application/json", "whole": False, "required": True},
    }
    check = {"schema": API_SCHEMA, "jsonText": [["metadata"]], "nullAsAbsent": True}
    tools = {"t": {"inputSchema": shown, "outputSchema": None, "binding": binding, "argumentCheck": check}}
    caller = ToolCaller(
        tools,
        security_schemes={},
        credentials={},
        options=CallOptions(),
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200, json={})),
    )
    result = await caller.call("t", {"name": "a", "metadata": '{"team": "b"}', "limit": None})
    bad = await caller.call("t", {"name": "a", "metadata": "[1, 2]"})
    await caller.aclose()
    assert not result.is_error
    assert seen[0].url.query == b"" and seen[0].content == b'{"name":"a","metadata":{"team":"b"}}'
    assert bad.is_error and "metadata: [1, 2] is not of type 'object'" in bad.content[0].text
    assert len(seen) == 1
