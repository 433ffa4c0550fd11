"""--schema-budget: descriptions trimmed first, then optional nested objects collapsed with a note; outputSchemas
collapsed to fit rather than dropped."""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from converter.fit import collapse_schema, fit_definition, shown_size
from converter.profiles import PROFILES, SchemaRules

LONG = "This sentence says something about the field. " * 6


def address() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "Where it goes.",
        "properties": {f"line{i}": {"type": "string", "description": LONG} for i in range(6)},
        "required": ["line0"],
    }


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "The name. Required unless id is given."},
        "shipping": address(),
        "billing": {"type": "object", "properties": {"address": address(), "tax": {"type": "string"}}},
        "payer": address(),
    },
    "required": ["name", "payer"],
}
DESCRIPTION = (
    "Create an order.\n\nA body paragraph. "
    + LONG
    + "\n\nAnother paragraph.\n\nReturns: order.\nErrors: 404; 422: bad."
)


def fit(budget: int | None, rules: SchemaRules | None = None) -> Any:
    return fit_definition(
        name="create_order", description=DESCRIPTION, schema=SCHEMA, rules=rules or SchemaRules(), budget=budget
    )


def test_a_definition_within_the_budget_is_left_alone() -> None:
    fitted = fit(None)
    assert fitted.shaped.schema is SCHEMA and fitted.description == DESCRIPTION and not fitted.changes
    assert fitted.size == shown_size("create_order", DESCRIPTION, SCHEMA)


def test_descriptions_are_trimmed_before_anything_is_collapsed() -> None:
    whole = fit(None).size
    fitted = fit(whole - 200)
    assert fitted.size <= whole - 200
    assert fitted.changes == ["descriptions shortened"]
    assert "x-oa2mcp-collapsed" not in json.dumps(fitted.shaped.schema) and not fitted.shaped.lossy
    assert fitted.shaped.schema["properties"]["name"]["description"] == "The name. Required unless id is given."


def test_optional_objects_are_collapsed_largest_first_with_a_note_naming_what_is_left_out() -> None:
    fitted = fit(1200)
    assert fitted.size <= 1200
    assert fitted.changes[-1] == "collapsed: billing, shipping"
    props = fitted.shaped.schema["properties"]
    assert props["billing"] == {
        "type": "object",
        "description": "properties not shown: address, tax.",
    }
    assert props["payer"]["properties"]["line0"] == {"type": "string"}  # required: kept, description cut
    # The tool description keeps its summary, its first paragraph cut short and its Returns/Errors lines.
    assert fitted.description.startswith("Create an order.\n\nA body paragraph.")
    assert "Another paragraph" not in fitted.description
    assert fitted.description.endswith("\n\nReturns: order.\nErrors: 404; 422: bad.")
    assert fitted.shaped.lossy  # the runtime keeps checking against the whole schema


def test_a_budget_nothing_can_meet_leaves_the_definition_over_it() -> None:
    fitted = fit(100)
    assert fitted.size > 100
    assert any(change.startswith("collapsed: ") for change in fitted.changes)
    assert fitted.description == "Create an order.\n\nReturns: order.\nErrors: 404, 422."  # the last resort
    assert fitted.shaped.schema["required"] == ["name", "payer"]


def test_strict_clients_get_collapsed_objects_as_json_text() -> None:
    fitted = fit(1400, PROFILES["openai"].rules)
    billing = fitted.shaped.schema["properties"]["billing"]
    assert billing["type"] == ["string", "null"] and "JSON text" in billing["description"]
    assert ("billing",) in fitted.shaped.json_text


def test_an_output_schema_over_its_budget_is_collapsed_and_still_accepts_every_result() -> None:
    output = {"type": "object", "properties": {"order": SCHEMA, "id": {"type": "integer"}}, "required": ["order"]}
    collapsed = collapse_schema(output, budget=600)
    assert collapsed is not None and len(json.dumps(collapsed, separators=(",", ":"))) <= 600
    result = {"id": 1, "order": {"name": "n", "payer": {"line0": "a"}, "billing": {"tax": "x"}}}
    jsonschema.Draft202012Validator(output).validate(result)
    jsonschema.Draft202012Validator(collapsed).validate(result)
    assert collapse_schema(output, budget=10) is None
    assert collapse_schema(output, budget=100_000) is output
