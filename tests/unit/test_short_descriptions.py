"""Short tool definitions for big servers: the text past a tool's summary and each argument's description cut
short when the whole tools/list would pass `budget.max_tokens`, the whole text in the tool's documentation
(`openapi://operations/{name}`), and the instructions saying where it is."""

from __future__ import annotations

from typing import Any

from converter.config import parse_config
from converter.errors import Location
from converter.loader import LoadedDocument
from converter.parser import parse_api
from converter.resources import DOCUMENTATION_PAGE_CHARS, documented
from converter.selector import DOCUMENTATION_NOTE, SHORT_CHARS, Budgets, select_tools
from converter.tools import ToolSet, estimate_tokens


def long(index: int) -> str:
    """A description no other operation shares a sentence of (shared ones are left out as boilerplate)."""
    return f"Sorts the things {index} first. " + " ".join(
        f"Then it says more about things {index}, part {n}." for n in range(6)
    )


ARGUMENT = "How many things to return. " + "More words about the limit follow here. " * 5


def toolset(count: int, config: dict[str, Any] | None = None, budgets: Budgets | None = None) -> ToolSet:
    paths = {
        f"/things{index}": {
            "get": {
                "operationId": f"listThings{index}",
                "summary": f"List things {index}",
                "description": long(index),
                "parameters": [
                    {"name": f"limit{index}", "in": "query", "schema": {"type": "integer"}, "description": ARGUMENT}
                ],
                "responses": {"200": {"description": "OK"}},
            }
        }
        for index in range(count)
    }
    doc = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths}
    api = parse_api(LoadedDocument(doc, "/n/api.json", "api.json"))
    parsed = parse_config(config, location=Location("c.yaml")) if config is not None else None
    return select_tools(api, config=parsed, budgets=budgets)


def argument(tools: ToolSet, index: int = 0) -> str:
    description: str = tools.tools[index].input_schema["properties"][f"limit{index}"]["description"]
    return description


def whole_tokens(count: int) -> int:
    """The estimated tokens of the tools/list of `toolset(count)` with whole descriptions."""
    return sum(estimate_tokens(tool) for tool in toolset(count, {"budget": {"max_tokens": 10**9}}).tools)


def test_a_tools_list_within_max_tokens_shows_whole_descriptions() -> None:
    tools = toolset(5, {"budget": {"max_tokens": whole_tokens(5)}})
    assert tools.tools[0].description == f"List things 0.\n\n{long(0)}"
    assert argument(tools) == ARGUMENT.strip()
    assert DOCUMENTATION_NOTE not in tools.instructions
    assert toolset(5).tools[0].description == f"List things 0.\n\n{long(0)}"  # 20,000 tokens by default


def test_past_max_tokens_descriptions_are_cut_and_the_instructions_say_where_the_rest_is() -> None:
    tools = toolset(5, {"budget": {"max_tokens": whole_tokens(5) - 1}})
    description = tools.tools[0].description
    assert description.startswith("List things 0.\n\nSorts the things 0 first.") and description.endswith("…")
    assert len(description) <= len("List things 0.\n\n") + SHORT_CHARS
    assert argument(tools).startswith("How many things to return.") and len(argument(tools)) <= SHORT_CHARS
    assert tools.instructions.endswith(DOCUMENTATION_NOTE)
    page = tools.tools[0].documentation
    assert page.startswith("list_things0: GET /things0\n\nList things 0.\n\n" + long(0))
    assert f"\nArguments:\n- limit0: {ARGUMENT.strip()}" in page


def test_a_big_api_is_short_by_default() -> None:
    assert whole_tokens(150) > 20_000
    tools = toolset(150)
    assert tools.tools[0].description.endswith("…") and tools.instructions.endswith(DOCUMENTATION_NOTE)


def test_the_config_says_otherwise_both_ways() -> None:
    whole = toolset(5, {"budget": {"max_tokens": 1}, "descriptions": {"body_chars": 0, "argument_chars": 0}})
    assert whole.tools[0].description == f"List things 0.\n\n{long(0)}" and argument(whole) == ARGUMENT.strip()
    assert DOCUMENTATION_NOTE not in whole.instructions
    short = toolset(2, {"descriptions": {"argument_chars": 40}})
    assert argument(short) == "How many things to return. …"
    assert short.tools[0].description == f"List things 0.\n\n{long(0)}"  # body_chars left to the size rule
    configured = toolset(5, {"budget": {"max_tokens": 1}, "tools": {"listThings0": {"description": "Mine, whole."}}})
    assert configured.tools[0].description == "Mine, whole."  # the user's own words are never cut
    assert configured.tools[1].description.endswith("…")


def test_explicit_budgets_win_over_the_size_rule() -> None:
    tools = toolset(2, budgets=Budgets(body_chars=50))
    assert tools.tools[0].description == "List things 0.\n\nSorts the things 0 first. …"


def test_the_documentation_lists_nested_properties_through_defs_and_one_of_branches() -> None:
    body = {
        "type": "object",
        "required": ["config"],
        "properties": {
            "config": {"$ref": "#/components/schemas/Config"},
            "mode": {"oneOf": [{"type": "string", "description": "As a word."}, {"type": "number"}]},
        },
    }
    schemas = {
        "Config": {
            "type": "object",
            "description": "Settings.",
            "properties": {
                "url": {"type": "string", "description": "Where to."},
                "deep": {"$ref": "#/components/schemas/Deep"},
            },
        },
        "Deep": {"type": "object", "properties": {"hidden": {"type": "string", "description": "Three down."}}},
    }
    operation = {
        "operationId": "makeHook",
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {"201": {"description": "Made."}},
    }
    doc = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {"/hooks": {"post": operation}}}
    doc["components"] = {"schemas": schemas}
    (tool,) = select_tools(parse_api(LoadedDocument(doc, "/n/api.json", "api.json"))).tools
    lines = tool.documentation.split("\nArguments:\n", 1)[1].splitlines()
    assert lines[:3] == ["- config (required): Settings.", "  - url: Where to.", "  - deep"]
    assert "- mode: As a word." in lines
    assert "Three down." not in tool.documentation  # two levels: the schema resource has the rest


def test_a_documentation_page_is_bounded() -> None:
    (tool,) = toolset(1).tools
    huge = tool.__class__(**{**{f: getattr(tool, f) for f in tool.__slots__}, "documentation": "x\n" * 40_000})
    page = documented(huge).documentation
    assert len(page) <= DOCUMENTATION_PAGE_CHARS + 60 and page.endswith("(… cut: the inputSchema has the rest)")
