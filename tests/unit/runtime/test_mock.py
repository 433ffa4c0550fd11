"""`--mock` values: deterministic, valid against the schema they come from."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator

from converter.pipeline import build_toolset
from converter.runtime.mock import example_value, mock_response
from tests.conftest import FIXTURES

SCHEMAS: list[dict[str, Any]] = [
    {"type": "string", "format": "uuid"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "pattern": "^[A-Z]{2}[0-9]{6}$"},
    {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,2})?$"},
    {"type": "string", "minLength": 12},
    {"type": "integer", "minimum": 5, "maximum": 9},
    {"type": "number", "exclusiveMinimum": 0},
    {"type": ["string", "null"], "enum": ["b", "a", None]},
    {"type": "array", "items": {"type": "boolean"}, "minItems": 2},
    {
        "allOf": [
            {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer"}}},
            {"properties": {"b": {"const": "x"}}},
        ]
    },
    {"anyOf": [{"type": "null"}, {"type": "object", "required": ["n"], "properties": {"n": {"type": "string"}}}]},
    {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#"}}},
    },
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_example_value_is_valid_and_deterministic(schema: dict[str, Any]) -> None:
    value = example_value(schema)
    Draft202012Validator(schema).validate(value)
    assert example_value(schema) == value


def test_example_value_prefers_examples_then_enum_then_default() -> None:
    assert example_value({"type": "integer", "examples": [3], "enum": [1, 3], "default": 1}) == 3
    assert example_value({"type": "integer", "enum": [1, 3], "default": 3}) == 1
    assert example_value({"type": "integer", "default": 3}) == 3


@pytest.mark.parametrize(
    "spec", ["petstore-3.0.yaml", "petstore-3.1.yaml", "petstore-2.0.json", "multi-file/openapi.yaml"]
)
def test_every_fixture_response_schema_gets_a_valid_mock_value(spec: str) -> None:
    toolset = build_toolset(str(FIXTURES / spec), with_mock=True)
    checked = 0
    for tool in toolset.tools:
        assert tool.mock is not None
        if tool.mock.schema is not None:
            Draft202012Validator(tool.mock.schema).validate(example_value(tool.mock.schema))
            checked += 1
    assert checked >= 3


def test_mock_response_uses_the_documented_example_and_status() -> None:
    request = httpx.Request("POST", "https://api.example.invalid/pets")
    response = mock_response({"status": 201, "contentType": "application/json", "example": {"id": 1}}, request)
    assert (response.status_code, response.headers["content-type"], response.json()) == (
        201,
        "application/json",
        {"id": 1},
    )
    empty = mock_response({"status": 204, "contentType": None, "example": None, "schema": None}, request)
    assert (empty.status_code, empty.content) == (204, b"")
