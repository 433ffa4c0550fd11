"""Every client profile's output on GitHub's and Stripe's whole specs obeys that client's documented rules.

The rules are written out here from the clients' documentation (README, "Big APIs: lean definitions and client
profiles", cites each), not read from `converter.profiles`, so a profile that drifts from its client fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from converter.loader import load_document
from converter.model import ApiModel
from converter.parser import parse_api
from converter.selector import select_tools
from converter.tools import Tool

FIXTURES = Path(__file__).parent.parent / "fixtures"
SPECS = {"github": "github/api.github.com.json.gz", "stripe": "stripe/stripe.com.json.gz"}

ANY_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")  # OpenAI and Anthropic: function/tool names
OPENAI_KEYWORDS = {
    "type", "properties", "required", "additionalProperties", "items", "enum", "anyOf", "description", "pattern",
    "format", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "minItems", "maxItems",
}  # fmt: skip
OPENAI_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
GEMINI_KEYWORDS = {
    "type", "format", "title", "description", "nullable", "enum", "items", "minItems", "maxItems", "properties",
    "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "minimum", "maximum", "anyOf",
}  # fmt: skip
GEMINI_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,63}$")  # Vertex AI FunctionDeclaration.name
GEMINI_ARGUMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")  # Vertex AI FunctionDeclaration.parameters


@pytest.fixture(scope="module", params=list(SPECS))
def api(request: pytest.FixtureRequest) -> ApiModel:
    return parse_api(load_document(str(FIXTURES / SPECS[request.param])))


def nodes(schema: Any, depth: int = 0) -> Iterator[tuple[dict[str, Any], int]]:
    """Every subschema with its object nesting depth (the root object is 0)."""
    if not isinstance(schema, dict):
        return
    yield schema, depth
    for key in ("properties", "$defs", "patternProperties"):
        for sub in (schema.get(key) or {}).values():
            yield from nodes(sub, depth + (key == "properties"))
    for key in ("items", "additionalProperties", "not", "if", "then", "else", "contains"):
        if isinstance(schema.get(key), dict):
            yield from nodes(schema[key], depth + (key == "items"))
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for sub in schema.get(key) or ():
            yield from nodes(sub, depth)


def common_problems(tool: Tool) -> Iterator[str]:
    schema = tool.input_schema
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        yield "the root is not an object with properties"
    if any(key in schema for key in ("anyOf", "oneOf", "allOf")):
        yield "a combinator at the root"  # the Anthropic API refuses it
    for node, _ in nodes(schema):
        kind = node.get("type")
        if (kind == "array" or (isinstance(kind, list) and "array" in kind)) and "items" not in node:
            yield "an array without items"


def openai_problems(tool: Tool) -> Iterator[str]:
    if not ANY_NAME.match(tool.name):
        yield f"name {tool.name!r}"
    for node, depth in nodes(tool.input_schema):
        if extra := set(node) - OPENAI_KEYWORDS:
            yield f"keywords {sorted(extra)}"
        if "type" not in node and "anyOf" not in node:
            yield "a schema without type"
        if node.get("format") is not None and node["format"] not in OPENAI_FORMATS:
            yield f"format {node['format']}"
        if "properties" in node:
            if node.get("additionalProperties") is not False:
                yield "an object not closed"
            if node.get("required") != list(node["properties"]):
                yield "an object not requiring every property"
        if depth > 10:
            yield "nested deeper than 10"
        if len(node.get("enum") or ()) > 250:
            yield "an enum of more than 250 values"


def gemini_problems(tool: Tool) -> Iterator[str]:
    if not GEMINI_NAME.match(tool.name):
        yield f"name {tool.name!r}"
    for argument in tool.input_schema["properties"]:
        if not GEMINI_ARGUMENT.match(argument):
            yield f"argument {argument!r}"
    for node, depth in nodes(tool.input_schema):
        if extra := set(node) - GEMINI_KEYWORDS:
            yield f"keywords {sorted(extra)}"
        if isinstance(node.get("type"), list):
            yield "a list of types"
        if node.get("type") == "string" and node.get("format") not in (None, "date-time", "enum"):
            yield f"format {node['format']}"
        if any(not isinstance(value, str) for value in node.get("enum") or ()):
            yield "an enum value that is not a string"
        if depth and node.get("type") == "object" and not node.get("properties"):
            yield "an object without properties"


def anthropic_problems(tool: Tool) -> Iterator[str]:
    # Claude Code names a tool mcp__SERVER__NAME, at most 64 characters: 41 leave 16 for the server's name.
    if len(tool.name) > 41:
        yield f"name {tool.name!r} longer than 41"


CHECKS = {"portable": None, "openai": openai_problems, "gemini": gemini_problems, "anthropic": anthropic_problems}
SHAPED = {"openai", "gemini"}


@pytest.mark.parametrize("profile", list(CHECKS))
def test_each_profile_obeys_its_client_rules_on_a_whole_spec(api: ApiModel, profile: str) -> None:
    tools = select_tools(api, profile=profile).tools
    assert len(tools) == len(api.operations)
    assert len({tool.name for tool in tools}) == len(tools)
    check = CHECKS[profile]
    for tool in tools:
        problems = sorted({*common_problems(tool), *(check(tool) if check else ())})
        assert not problems, (tool.name, problems)
        assert len(tool.name) <= 64 and ANY_NAME.match(tool.name)
        if profile in SHAPED:
            # The shown schema is a rewording: the runtime keeps the API's own.
            assert tool.argument_check is not None, tool.name
            assert "$ref" not in str(tool.input_schema) and "$defs" not in tool.input_schema
