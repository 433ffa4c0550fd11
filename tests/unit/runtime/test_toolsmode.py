"""Search mode's three tools over a ToolCaller: what is listed, and what each tool answers."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from converter.runtime.call import CallOptions, ToolCaller
from converter.runtime.toolsmode import (
    SEARCH_TOOLS,
    OperationTools,
    open_tools_mode,
    pinned_names,
    with_search_tools,
)

pytestmark = pytest.mark.anyio

SCHEMA = {
    "type": "object",
    "properties": {"id": {"type": "integer"}},
    "required": ["id"],
    "additionalProperties": False,
}


def tool(name: str, method: str, path: str, title: str, operation_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    binding = {
        "method": method,
        "path": path,
        "servers": [{"url": "https://api.example.com"}],
        "args": [{"arg": "id", "in": "path", "name": "id", "required": True}],
    }
    entry = {"name": name, "title": title, "description": f"{title}.", "inputSchema": SCHEMA}
    return entry, {"inputSchema": SCHEMA, "outputSchema": None, "binding": binding, "operationId": operation_id}


TOOLS = [
    tool("get_pet", "GET", "/pets/{id}", "Get a pet", "getPet"),
    tool("delete_pet", "DELETE", "/pets/{id}", "Delete a pet", "deletePet"),
    tool("get_owner", "GET", "/owners/{id}", "Get an owner", "getOwner"),
]
LISTING = [entry for entry, _ in TOOLS]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def make_caller(received: list[httpx.Request]) -> ToolCaller:
    def answer(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200, json={"id": 7})

    return ToolCaller(
        {entry["name"]: row for entry, row in TOOLS},
        security_schemes={},
        credentials={},
        options=CallOptions(),
        transport=httpx.MockTransport(answer),
    )


def text(result: Any) -> str:
    return "\n".join(item.text for item in result.content)


def test_search_mode_lists_the_same_three_small_tools_for_any_api() -> None:
    caller = make_caller([])
    huge = [{**LISTING[0], "name": f"op_{i}", "description": "x" * 1000} for i in range(5000)]
    for listing in (LISTING, huge):
        shown, operations = open_tools_mode("search", listing=listing, caller=caller)
        assert [entry["name"] for entry in shown] == ["search_operations", "describe_operation", "call_operation"]
        assert operations is not None
    assert len(json.dumps(list(SEARCH_TOOLS), separators=(",", ":"))) < 2000


def test_tools_mode_lists_every_tool_and_has_no_search_tools() -> None:
    assert open_tools_mode("tools", listing=LISTING, caller=make_caller([])) == (LISTING, None)


def test_hybrid_lists_the_pinned_tools_then_the_three() -> None:
    shown, _ = open_tools_mode("hybrid", listing=LISTING, caller=make_caller([]), pinned=["get_owner"])
    assert [entry["name"] for entry in shown] == [
        "get_owner",
        "search_operations",
        "describe_operation",
        "call_operation",
    ]


@pytest.mark.parametrize(
    ("mode", "pinned", "message"),
    [
        ("hybrid", [], "--tools hybrid lists the operations that have an entry under the config's `tools:`"),
        ("searc", [], "--tools: expected one of tools, search, hybrid, got 'searc'"),
    ],
)
def test_a_mode_that_cannot_work_is_refused(mode: str, pinned: list[str], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace("[", r"\[")):
        open_tools_mode(mode, listing=LISTING, caller=make_caller([]), pinned=pinned)


def test_a_pinned_tool_named_like_a_search_tool_is_refused() -> None:
    listing = [{**LISTING[0], "name": "call_operation"}]
    caller = make_caller([])
    caller.tools = {"call_operation": caller.tools["get_pet"]}
    with pytest.raises(ValueError, match="tool name 'call_operation' is taken by search mode"):
        open_tools_mode("hybrid", listing=listing, caller=caller, pinned=["call_operation"])


def test_pinned_names_match_operation_ids_and_method_paths() -> None:
    table = {entry["name"]: row for entry, row in TOOLS}
    assert pinned_names(table, {"deletePet", "GET /owners/{id}", "nothing"}) == ["delete_pet", "get_owner"]


async def test_search_describe_and_call() -> None:
    received: list[httpx.Request] = []
    operations = OperationTools(make_caller(received), LISTING)
    found = json.loads(text(await operations.call("search_operations", {"query": "remove a pet", "limit": 1})))
    assert found == {
        "matches": [
            {
                "name": "delete_pet",
                "method": "DELETE",
                "path": "/pets/{id}",
                "summary": "Delete a pet",
                "required": ["id"],
            }
        ]
    }
    described = json.loads(text(await operations.call("describe_operation", {"name": "get_owner"})))
    assert described == LISTING[2]
    result = await operations.call("call_operation", {"name": "get_pet", "arguments": {"id": 7}})
    assert result.is_error is False and result.structured_content is None
    assert [(r.method, r.url.path) for r in received] == [("GET", "/pets/7")]


async def test_describe_adds_the_operations_documentation_when_there_is_some() -> None:
    docs = {"get_owner": "get_owner: GET /owners/{id}\n\nGet an owner, at length."}
    operations = OperationTools(make_caller([]), LISTING, docs)
    described = json.loads(text(await operations.call("describe_operation", {"name": "get_owner"})))
    assert described == {**LISTING[2], "documentation": docs["get_owner"]}
    described = json.loads(text(await operations.call("describe_operation", {"name": "get_pet"})))
    assert "documentation" not in described


async def test_call_operation_answers_as_the_tool_itself() -> None:
    received: list[httpx.Request] = []
    caller = make_caller(received)
    operations = OperationTools(caller, LISTING)
    for arguments in ({"id": "seven"}, {}, {"id": 1, "extra": True}):
        via_search = await operations.call("call_operation", {"name": "get_pet", "arguments": arguments})
        direct = await caller.call("get_pet", arguments)
        assert via_search.is_error is direct.is_error is True
        assert text(via_search) == text(direct) and text(direct).startswith("Invalid arguments")
    assert received == []


async def test_unknown_names_and_tags_and_bad_arguments_are_tool_errors() -> None:
    operations = OperationTools(make_caller([]), LISTING)
    for tool_name in ("describe_operation", "call_operation"):
        result = await operations.call(tool_name, {"name": "get_pett"})
        assert result.is_error is True
        assert text(result) == (
            "Unknown operation 'get_pett' (did you mean 'get_pet'?). search_operations finds operations by task."
        )
    result = await operations.call("search_operations", {"query": "pet", "tag": "pet"})
    assert result.is_error is True and text(result) == "Unknown tag 'pet'. Tags: none: no operation here has a tag"
    result = await operations.call("search_operations", {"limit": 0})
    assert result.is_error is True
    assert text(result).splitlines() == [
        "Invalid arguments:",
        "- (arguments): 'query' is a required property",
        "- limit: 0 is less than the minimum of 1",
    ]
    nothing = json.loads(text(await operations.call("search_operations", {"query": "xyzzy"})))
    assert nothing["matches"] == [] and "No operation matches" in nothing["note"]


async def test_only_the_callers_tools_are_found_and_callable() -> None:
    caller = make_caller([])
    caller.tools = {name: row for name, row in caller.tools.items() if name != "delete_pet"}  # as a config excludes
    operations = OperationTools(caller, LISTING)
    found = json.loads(text(await operations.call("search_operations", {"query": "delete a pet", "limit": 25})))
    assert "delete_pet" not in [match["name"] for match in found["matches"]]
    result = await operations.call("call_operation", {"name": "delete_pet", "arguments": {"id": 1}})
    assert result.is_error is True and text(result).startswith("Unknown operation 'delete_pet'")


async def test_a_caller_limited_to_some_tools_finds_and_calls_only_those() -> None:
    received: list[httpx.Request] = []
    operations = OperationTools(make_caller(received), LISTING)
    allowed = {"get_owner", "search_operations"}
    found = json.loads(text(await operations.call("search_operations", {"query": "get a pet"}, allowed=allowed)))
    assert [match["name"] for match in found["matches"]] == ["get_owner"]
    for tool_name, arguments in (
        ("describe_operation", {"name": "get_pet"}),
        ("call_operation", {"name": "get_pet", "arguments": {"id": 1}}),
        ("call_operation", {"name": "get_pett", "arguments": {"id": 1}}),  # no suggestion of a hidden name
    ):
        result = await operations.call(tool_name, arguments, allowed=allowed)
        assert result.is_error is True and text(result).startswith(f"Unknown operation '{arguments['name']}'")
        assert "'get_pet'?" not in text(result)
    result = await operations.call(
        "call_operation", {"name": "get_owner", "arguments": {"id": 3}}, allowed=allowed, headers={"X-User": "u1"}
    )
    assert result.is_error is False
    assert [(r.url.path, r.headers.get("x-user")) for r in received] == [("/owners/3", "u1")]


def test_clients_limited_to_some_tools_may_also_use_the_search_tools() -> None:
    access = {"clients": [{"name": "a", "tools": ["get_pet"]}, {"name": "b"}], "forward_headers": ["X-User"]}
    assert with_search_tools(access) == {
        "clients": [
            {"name": "a", "tools": ["get_pet", "search_operations", "describe_operation", "call_operation"]},
            {"name": "b"},
        ],
        "forward_headers": ["X-User"],
    }
