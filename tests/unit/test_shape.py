"""Schemas rewritten to one client's subset: each rule on a small schema (whole specs: tests/test_profiles.py)."""

from __future__ import annotations

from typing import Any

import jsonschema

from converter.profiles import PROFILES, SchemaRules
from converter.shape import COLLAPSED, shape_schema

OPENAI = PROFILES["openai"].rules
GEMINI = PROFILES["gemini"].rules

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "maxLength": 20, "format": "uri", "default": "x"},
        "kind": {"const": "dog"},
        "size": {"type": ["integer", "null"], "enum": [1, 2, None]},
        "tags": {"type": "array"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
        "anything": {"description": "Free."},
        "owner": {"$ref": "#/$defs/Owner"},
        "both": {"allOf": [{"$ref": "#/$defs/Owner"}, {"properties": {"extra": {"type": "boolean"}}}]},
        "choice": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
    },
    "required": ["name"],
    "$defs": {
        "Owner": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "boss": {"$ref": "#/$defs/Owner"}},
            "required": ["id"],
        }
    },
}


def test_the_default_rules_only_show_collapsed_objects_and_give_arrays_items() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "array"},
            "b": {"type": ["object", "null"], "description": "B.", COLLAPSED: "properties not shown: x"},
        },
    }
    shaped = shape_schema(schema, SchemaRules())
    assert shaped.schema["properties"] == {
        "a": {"type": "array", "items": {}},
        "b": {"type": ["object", "null"], "description": "B. (properties not shown: x)"},
    }
    assert shaped.lossy and shaped.json_text == ()


def test_openai_strict_closes_objects_requires_everything_and_makes_optional_nullable() -> None:
    shaped = shape_schema(SCHEMA, OPENAI)
    schema = shaped.schema
    props = schema["properties"]
    assert schema["required"] == list(SCHEMA["properties"]) and schema["additionalProperties"] is False
    assert props["name"] == {"type": "string", "description": "maxLength: 20; format: uri; default: x."}
    assert props["kind"] == {"type": ["string", "null"], "enum": ["dog", None]}
    assert props["size"] == {"type": ["integer", "null"], "enum": [1, 2, None]}
    assert props["owner"]["properties"]["boss"]["type"] == ["string", "null"]  # recursion cut, as JSON text
    assert props["owner"]["required"] == ["id", "boss"] and props["owner"]["additionalProperties"] is False
    assert set(props["both"]["properties"]) == {"id", "boss", "extra"}  # allOf merged
    assert props["choice"]["anyOf"][:2] == [{"type": "string"}, {"type": "integer"}]  # oneOf read as anyOf
    assert props["metadata"]["type"] == ["string", "null"] and "JSON text" in props["metadata"]["description"]
    assert "$defs" not in schema and "$ref" not in str(schema)
    assert set(shaped.json_text) == {("metadata",), ("anything",), ("tags", "*"), ("owner", "boss"), ("both", "boss")}


def test_gemini_uses_one_type_nullable_string_enums_and_only_its_keywords() -> None:
    shaped = shape_schema(SCHEMA, GEMINI)
    props = shaped.schema["properties"]
    assert shaped.schema["required"] == ["name"]  # not strict: optional stays optional
    assert props["name"] == {"type": "string", "description": "format: uri; default: x.", "maxLength": 20}
    assert props["kind"] == {"type": "string", "enum": ["dog"]}
    assert props["size"] == {"type": "integer", "nullable": True, "description": "one of: 1, 2."}
    assert props["tags"] == {
        "type": "array",
        "items": {"type": "string", "description": "a string, or any other JSON value, written as JSON text."},
    }
    assert "additionalProperties" not in str(shaped.schema)


def test_the_shown_schema_accepts_what_the_runtime_turns_into_valid_arguments() -> None:
    shown = shape_schema(SCHEMA, OPENAI).schema
    call = dict.fromkeys(shown["properties"])
    call.update({"name": "a", "metadata": '{"k": "v"}', "owner": {"id": 1, "boss": '{"id": 2}'}})
    jsonschema.Draft202012Validator(shown).validate(call)


def test_objects_nested_deeper_than_allowed_become_json_text() -> None:
    deep: dict[str, Any] = {"type": "object", "properties": {"leaf": {"type": "string"}}}
    for level in range(12):
        deep = {"type": "object", "properties": {f"l{level}": deep}}
    shaped = shape_schema(deep, OPENAI)
    path = next(iter(shaped.json_text))
    assert len(path) == 10  # the root is level 0: objects at level 10 and below are text
