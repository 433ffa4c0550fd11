"""Every fixture spec → ToolSet JSON snapshot; every schema valid JSON Schema 2020-12 and self-contained."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from converter.errors import unescape_pointer_token
from converter.naming import TOOL_NAME_RE
from converter.pipeline import build_toolset
from converter.tools import ToolSet
from tests.conftest import FIXTURES, check_snapshot

SPECS = {
    "petstore-3.0": FIXTURES / "petstore-3.0.yaml",
    "petstore-3.1": FIXTURES / "petstore-3.1.yaml",
    "petstore-2.0": FIXTURES / "petstore-2.0.json",
    "multi-file": FIXTURES / "multi-file" / "openapi.yaml",
}


@pytest.fixture(scope="module", params=sorted(SPECS))
def toolset(request: pytest.FixtureRequest) -> tuple[str, ToolSet]:
    return request.param, build_toolset(str(SPECS[request.param].relative_to(FIXTURES.parent)))


def _refs(node: Any) -> list[str]:
    found: list[str] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            if isinstance(current.get("$ref"), str):
                found.append(current["$ref"])
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
    return found


def _resolves(schema: dict[str, Any], ref: str) -> bool:
    if not ref.startswith("#"):
        return False
    node: Any = schema
    for raw in filter(None, ref[1:].split("/")):
        token = unescape_pointer_token(raw)
        if not isinstance(node, dict) or token not in node:
            return False
        node = node[token]
    return isinstance(node, dict)


def test_toolset_matches_snapshot(toolset: tuple[str, ToolSet]) -> None:
    name, tools = toolset
    text = json.dumps(tools.to_json(), indent=2, ensure_ascii=False) + "\n"
    check_snapshot(f"{name}.json", text)


def test_schemas_are_valid_2020_12_with_object_roots(toolset: tuple[str, ToolSet]) -> None:
    _, tools = toolset
    assert tools.tools
    for tool in tools.tools:
        for schema in (tool.input_schema, tool.output_schema):
            if schema is None:
                continue
            Draft202012Validator.check_schema(schema)
            assert schema["type"] == "object", tool.name
            unresolved = [r for r in _refs(schema) if not _resolves(schema, r)]
            assert not unresolved, (tool.name, unresolved)


def test_tool_names_are_valid_and_unique(toolset: tuple[str, ToolSet]) -> None:
    _, tools = toolset
    names = [t.name for t in tools.tools]
    assert all(TOOL_NAME_RE.fullmatch(n) for n in names)
    assert len(names) == len(set(names))


def test_bindings_cover_exactly_the_arguments(toolset: tuple[str, ToolSet]) -> None:
    _, tools = toolset
    for tool in tools.tools:
        projection = [tool.response["fieldsArg"]] if tool.response and "fieldsArg" in tool.response else []
        assert [*(a.arg for a in tool.binding.args), *projection] == list(tool.input_schema["properties"]), tool.name
        assert tool.binding.path.startswith("/")


def test_versions_agree_on_the_shared_operations() -> None:
    # The same API written in 3.0, 3.1 and 2.0 must give the same tool names for what all three express.
    names = {key: {t.name for t in build_toolset(str(path)).tools} for key, path in SPECS.items() if "pet" in key}
    shared = names["petstore-3.0"] & names["petstore-3.1"] & names["petstore-2.0"]
    assert {"list_pets", "create_pet", "pets_get_by_id", "delete_pet", "upload_pet_photo"} <= shared
