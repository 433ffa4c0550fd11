"""Lean inputSchemas: noise left out, every fact that constrains a call kept."""

from __future__ import annotations

from typing import Any

import jsonschema

from converter.lean import Leaner, lean_schema

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "draft": {"type": "boolean", "description": "Indicates whether the pull request is a draft."},
        "title": {"type": "string", "description": "The title. Required unless issue is specified."},
        "address": {
            "type": "object",
            "title": "optional_fields_address",
            "description": "Where to ship.",
            "properties": {
                "city": {"type": "string", "title": "City", "description": "The city name, as the post writes it."},
                "line1": {"type": "string", "description": "Line 1."},
            },
            "required": ["line1"],
            "additionalProperties": True,
        },
        "labels": {
            "type": "array",
            "description": "Labels to add.",
            "items": {"type": "string", "description": "Labels to add.", "enum": ["bug", "ui"]},
        },
        "when": {"type": "string", "format": "date-time", "examples": ["2024-01-01T00:00:00Z", "2025-01-01"]},
        "blob": {"type": "string", "examples": ["x" * 200], "deprecated": False, "default": "a", "maxLength": 9},
    },
    "required": ["title"],
    "additionalProperties": False,
}


def test_noise_is_left_out() -> None:
    lean = lean_schema(SCHEMA, summary="Create a pull request")
    props = lean["properties"]
    assert "description" not in props["draft"]  # only the name and the summary's words
    assert "title" not in props["address"]  # a type name
    assert "title" not in props["address"]["properties"]["city"]  # already in its description
    assert "additionalProperties" not in props["address"]  # says the default
    assert "description" not in props["labels"]["items"]  # repeats the array's
    assert props["when"]["examples"] == ["2024-01-01T00:00:00Z"]  # one example is enough
    assert "examples" not in props["blob"] and "deprecated" not in props["blob"]
    assert "additionalProperties" not in lean  # the runtime refuses unknown arguments itself


def test_what_constrains_a_call_is_kept() -> None:
    lean = lean_schema(SCHEMA, summary="Create a pull request")
    props = lean["properties"]
    assert props["title"]["description"] == "The title. Required unless issue is specified."
    assert props["address"]["description"] == "Where to ship."
    assert props["address"]["required"] == ["line1"]
    assert props["labels"]["items"]["enum"] == ["bug", "ui"]
    assert props["when"]["format"] == "date-time"
    assert props["blob"] == {"type": "string", "default": "a", "maxLength": 9}
    assert lean["required"] == ["title"]


def test_lean_schemas_accept_and_refuse_the_same_calls_once_the_root_is_closed() -> None:
    lean = {**lean_schema(SCHEMA), "additionalProperties": False}
    calls = [
        {"title": "t"},
        {"title": "t", "labels": ["bug"]},
        {"title": "t", "labels": ["nope"]},
        {"title": 1},
        {"title": "t", "address": {"line1": "x", "zip": "1"}},
        {"title": "t", "address": {}},
        {"title": "t", "blob": "0123456789"},
        {"title": "t", "other": 1},
    ]
    for call in calls:
        assert jsonschema.Draft202012Validator(SCHEMA).is_valid(call) == jsonschema.Draft202012Validator(lean).is_valid(
            call
        ), call


def test_a_deeper_property_is_judged_by_its_name_only_and_shared_subschemas_are_done_once() -> None:
    shared = {"type": "object", "properties": {"pull_request": {"type": "string", "description": "A pull request."}}}
    schema = {"type": "object", "properties": {"a": shared, "b": shared}}
    leaner = Leaner()
    first = leaner.lean(schema, summary="Merge a pull request")
    second = leaner.lean({"type": "object", "properties": {"c": shared}}, summary="Other")
    # "A pull request." restates the property's name `pull_request`.
    assert first["properties"]["a"]["properties"]["pull_request"] == {"type": "string"}
    assert second["properties"]["c"] == first["properties"]["a"]


def test_an_argument_with_words_of_its_own_keeps_its_description() -> None:
    schema = {"type": "object", "properties": {"page": {"type": "integer", "description": "The page number to fetch."}}}
    assert lean_schema(schema, summary="List pets")["properties"]["page"]["description"] == "The page number to fetch."
