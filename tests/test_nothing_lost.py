"""Lean definitions lose nothing a call needs: every required argument and every enum value an operation's
parameters and request body declare in the raw spec is still in its tool — in the inputSchema a model is shown
(no schema budget), or, within the default budget, in what the runtime checks calls against.

Read from the raw document here, independently of the converter's own parsing: parameters (path-item and
operation level), the request body media type the tool sends, `$ref`s followed, `allOf`/`anyOf`/`oneOf`, items
and nested properties walked, `readOnly` properties skipped (they are not inputs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from converter.loader import load_document
from converter.model import HttpMethod
from converter.parser import parse_api
from converter.selector import Budgets, select_tools
from converter.tools import Tool

FIXTURES = Path(__file__).parent.parent / "fixtures"
SPECS = ["petstore-3.0.yaml", "petstore-3.1.yaml", "github/api.github.com.json.gz"]
# Header parameters the converter does not expose (the client library sets them).
_IGNORED_HEADERS = {"authorization", "accept", "content-type"}


class RawSpec:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc

    def deref(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            seen.add(node["$ref"])
            target: Any = self.doc
            for token in node["$ref"].lstrip("#/").split("/"):
                target = target[token.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def enums(self, schema: Any, found: set[str], refs: frozenset[str] = frozenset()) -> set[str]:
        """Every enum value inside `schema` (as sorted JSON), readOnly properties left out."""
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            if schema["$ref"] in refs:
                return found
            refs = refs | {schema["$ref"]}
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return found
        for value in schema.get("enum") or ():
            found.add(json.dumps(value, sort_keys=True))
        for sub in (schema.get("properties") or {}).values():
            if not (isinstance(self.deref(sub), dict) and self.deref(sub).get("readOnly") is True):
                self.enums(sub, found, refs)
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                self.enums(schema[key], found, refs)
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in schema.get(key) or ():
                self.enums(sub, found, refs)
        return found

    def required_members(self, schema: Any) -> set[str]:
        """The top-level properties a body object requires (allOf parts merged), readOnly ones left out."""
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return set()
        required = set(schema.get("required") or ())
        properties = {k: self.deref(v) for k, v in (schema.get("properties") or {}).items()}
        required -= {k for k, v in properties.items() if isinstance(v, dict) and v.get("readOnly") is True}
        for part in schema.get("allOf") or ():
            required |= self.required_members(part)
        return required

    def operation(self, method: str, path: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        item = self.deref(self.doc["paths"][path])
        operation = item[method.lower()]
        params = {}
        for listed in [*(item.get("parameters") or ()), *(operation.get("parameters") or ())]:
            param = self.deref(listed)
            params[(param["name"], param["in"])] = param
        return operation, list(params.values())


def expected(raw: RawSpec, tool: Tool) -> tuple[set[str], set[str]]:
    """The raw operation's enum values and required argument names (mapped through the tool's binding)."""
    operation, params = raw.operation(tool.binding.method, tool.binding.path)
    by_wire = {(a.location.value, a.wire_name): a.arg for a in tool.binding.args}
    enums: set[str] = set()
    required: set[str] = set()
    for param in params:
        if param["in"] == "header" and param["name"].lower() in _IGNORED_HEADERS:
            continue
        schema = param.get("schema") or next(iter((param.get("content") or {}).values()), {}).get("schema")
        raw.enums(schema, enums)
        if param.get("required") or param["in"] == "path":
            required.add(by_wire[(param["in"], param["name"])])
    body = tool.binding.body
    if body is not None:
        request = raw.deref(operation["requestBody"])
        media = request["content"][body.content_type]
        if not body.binary:
            raw.enums(media.get("schema"), enums)
        if body.whole and request.get("required"):
            required.add(by_wire[("body", "")])
        elif not body.whole:
            required |= {by_wire[("body", name)] for name in raw.required_members(media.get("schema"))}
    return enums, required


def shown_enums(schema: Any, found: set[str]) -> set[str]:
    if isinstance(schema, dict):
        for value in schema.get("enum") or ():
            found.add(json.dumps(value, sort_keys=True))
        for key, value in schema.items():
            if key not in ("enum", "default", "examples", "const"):
                shown_enums(value, found)
    elif isinstance(schema, list):
        for value in schema:
            shown_enums(value, found)
    return found


@pytest.fixture(scope="module", params=SPECS)
def spec(request: pytest.FixtureRequest) -> tuple[RawSpec, Any]:
    document = load_document(str(FIXTURES / request.param))
    return RawSpec(document.data), parse_api(document)


def test_every_required_argument_and_enum_value_is_shown_without_a_budget(spec: tuple[RawSpec, Any]) -> None:
    raw, api = spec
    tools = select_tools(api, budgets=Budgets(schema_chars=0)).tools
    assert len(tools) == len(api.operations) > 0
    for tool in tools:
        enums, required = expected(raw, tool)
        assert enums <= shown_enums(tool.input_schema, set()), tool.name
        assert required <= set(tool.input_schema.get("required") or ()), tool.name
        assert tool.argument_check is None, tool.name


def test_within_the_default_budget_the_runtime_still_checks_every_enum_and_required_argument(
    spec: tuple[RawSpec, Any],
) -> None:
    raw, api = spec
    for tool in select_tools(api).tools:
        assert HttpMethod[tool.binding.method]
        enums, required = expected(raw, tool)
        checked = tool.argument_check.schema if tool.argument_check is not None else tool.input_schema
        assert enums <= shown_enums(checked, set()), tool.name
        # Collapsing only ever takes optional objects: required arguments are still shown as required.
        assert required <= set(tool.input_schema.get("required") or ()), tool.name
