"""Unit tests for converter.schemadiff: what narrows, what widens, references, recursion and spellings."""

from __future__ import annotations

from typing import Any

import pytest

from converter.schemadiff import Delta, SchemaChange, diff_schemas


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def found(old: dict[str, Any], new: dict[str, Any], **options: Any) -> list[tuple[Delta, str, str, bool, bool]]:
    """(delta, dotted path, detail, narrows, widens) of each change."""
    return [(c.delta, ".".join(c.path), c.detail, c.narrows, c.widens) for c in diff_schemas(old, new, **options)]


def test_identical_schemas_have_no_changes() -> None:
    schema = obj(a={"type": "string"})
    assert diff_schemas(schema, schema) == []


@pytest.mark.parametrize(
    ("old", "new", "narrows", "widens"),
    [
        ("integer", "number", False, True),
        ("number", "integer", True, False),
        ("string", "integer", True, True),
        (["string", "null"], "string", True, False),
        (None, "string", True, False),
        ("string", None, False, True),
    ],
)
def test_type_changes_narrow_or_widen(old: Any, new: Any, narrows: bool, widens: bool) -> None:
    before = obj(a={} if old is None else {"type": old})
    after = obj(a={} if new is None else {"type": new})
    [change] = diff_schemas(before, after)
    assert (change.delta, change.path, change.narrows, change.widens) == (Delta.TYPE, ("a",), narrows, widens)


def test_a_type_change_to_an_unrelated_type_stops_there() -> None:
    before = obj(a={"type": "integer", "minimum": 1, "enum": [1, 2]})
    after = obj(a={"type": "string", "minLength": 1})
    assert found(before, after) == [(Delta.TYPE, "a", "type integer → string", True, True)]


@pytest.mark.parametrize(
    ("old", "new", "detail", "narrows", "widens"),
    [
        ({"multipleOf": 1}, {"multipleOf": 5}, "multipleOf: 1 → 5", True, False),
        ({"multipleOf": 5}, {"multipleOf": 1}, "multipleOf: 5 → 1", False, True),
        ({}, {"uniqueItems": True}, "uniqueItems: false → true", True, False),
        ({"minItems": 1}, {"minItems": 2}, "minItems: 1 → 2", True, False),
        ({"exclusiveMaximum": 10}, {}, "exclusiveMaximum: 10 → (none)", False, True),
        ({"pattern": "^a"}, {}, 'pattern: "^a" → (none)', False, True),
    ],
)
def test_constraints_narrow_or_widen(
    old: dict[str, Any], new: dict[str, Any], detail: str, narrows: bool, widens: bool
) -> None:
    assert found(obj(a=old), obj(a=new)) == [(Delta.CONSTRAINT, "a", detail, narrows, widens)]


def test_closing_an_object_narrows_and_makes_removals_narrow() -> None:
    before = obj(a={"type": "string"}, b={"type": "string"})
    after = {**obj(a={"type": "string"}), "additionalProperties": False}
    assert found(before, after) == [
        (Delta.REMOVED, "b", "removed", True, False),
        (Delta.CONSTRAINT, "", "no longer accepts other properties", True, False),
    ]


def test_removing_a_required_property_widens() -> None:
    before = {**obj(a={"type": "string"}), "required": ["a"]}
    assert found(before, obj()) == [(Delta.REMOVED, "a", "removed", False, True)]


def test_references_are_followed_whatever_the_defs_are_called() -> None:
    before = {**obj(a={"$ref": "#/$defs/Pet"}), "$defs": {"Pet": obj(name={"type": "string"})}}
    after = {**obj(a={"$ref": "#/$defs/Pet_2"}), "$defs": {"Pet_2": obj(name={"type": "integer"})}}
    assert found(before, after) == [(Delta.TYPE, "a.name", "type string → integer", True, True)]
    inline = obj(a=obj(name={"type": "string"}))
    assert diff_schemas(before, inline) == []


def test_mutually_recursive_schemas_terminate() -> None:
    defs = {"A": obj(b={"$ref": "#/$defs/B"}, x={"type": "string"}), "B": obj(a={"$ref": "#/$defs/A"})}
    before = {**obj(root={"$ref": "#/$defs/A"}), "$defs": defs}
    after_defs = {**defs, "A": obj(b={"$ref": "#/$defs/B"}, x={"type": "integer"})}
    after = {**obj(root={"$ref": "#/$defs/A"}), "$defs": after_defs}
    assert found(before, after) == [(Delta.TYPE, "root.x", "type string → integer", True, True)]


def test_spellings_of_the_same_schema_are_no_change() -> None:
    # OpenAPI 3.0 → 3.1 conversions: `const` for a one-value enum, an `allOf` wrapper around a lone $ref.
    defs = {"Pet": obj(name={"type": "string"})}
    before = {**obj(a={"oneOf": [{"enum": ["x"]}, {"allOf": [{"$ref": "#/$defs/Pet"}]}]}), "$defs": defs}
    after = {**obj(a={"oneOf": [{"const": "x"}, {"$ref": "#/$defs/Pet", "description": "A pet."}]}), "$defs": defs}
    assert diff_schemas(before, after) == []


def test_a_change_inside_a_composition_is_reported_but_neither_narrows_nor_widens() -> None:
    before = obj(a={"oneOf": [{"type": "string"}, obj(x={"type": "string"})]})
    after = obj(a={"oneOf": [{"type": "string"}, obj(x={"type": "integer"})]})
    assert found(before, after) == [(Delta.OTHER, "a", "oneOf changed", False, False)]


def test_renames_pair_root_properties() -> None:
    before = {**obj(old={"type": "string"}), "additionalProperties": False}
    after = {**obj(new={"type": "integer"}), "additionalProperties": False}
    changes = diff_schemas(before, after, renames={"new": "old"})
    assert changes == [
        SchemaChange(Delta.RENAMED, ("new",), "renamed from old", True, True, previous="old"),
        SchemaChange(Delta.TYPE, ("new",), "type string → integer", True, True),
    ]


def test_descriptions_can_be_left_out() -> None:
    before = obj(a={"type": "string", "description": "One."})
    after = obj(a={"type": "string", "description": "Two."})
    assert found(before, after) == [(Delta.DESCRIPTION, "a", "description changed", False, False)]
    assert diff_schemas(before, after, descriptions=False) == []


def test_long_enum_lists_are_shortened() -> None:
    before = obj(a={"enum": list(range(20))})
    after = obj(a={"enum": [0]})
    [change] = diff_schemas(before, after)
    assert change.detail == "enum values removed: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, … (+9 more)"
