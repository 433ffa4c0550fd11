"""Unit tests for converter.schemas: OpenAPI schema objects → JSON Schema 2020-12, and the shared-schema store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from converter.errors import Location, RefError
from converter.loader import LoadedDocument
from converter.refs import Resolver, Target
from converter.schemas import (
    MAX_DEPTH,
    Dialect,
    Mode,
    SchemaStore,
    collect_refs,
    is_object_schema,
    ref_name,
    ref_to,
)

WHERE = Location("api.json", ("paths", "/pets", "post", "requestBody", "content", "application/json", "schema"))
BOTH_DIALECTS = pytest.mark.parametrize("dialect", list(Dialect))
BOTH_MODES = pytest.mark.parametrize("mode", list(Mode))


def make_store(
    tmp_path: Path, schemas: dict[str, Any] | None = None, *, dialect: Dialect = Dialect.OAS30
) -> SchemaStore:
    document = LoadedDocument(
        data={"components": {"schemas": schemas or {}}}, uri=str(tmp_path.resolve() / "api.json"), display="api.json"
    )
    return SchemaStore(Resolver(document), dialect=dialect)


def convert(store: SchemaStore, node: Any, *, mode: Mode = Mode.INPUT, where: Location = WHERE) -> dict[str, Any]:
    return store.convert(node, base=store.resolver.root_uri, where=where, mode=mode)


def convert_one(
    tmp_path: Path, node: Any, *, dialect: Dialect = Dialect.OAS30, mode: Mode = Mode.INPUT
) -> dict[str, Any]:
    return convert(make_store(tmp_path, dialect=dialect), node, mode=mode)


def schema_ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# --- nullable (OpenAPI 3.0) ---------------------------------------------------------------------------------


@BOTH_MODES
@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "nullable": True}, {"type": ["string", "null"]}),
        ({"type": "integer", "x-nullable": True}, {"type": ["integer", "null"]}),
        ({"type": ["string", "integer"], "nullable": True}, {"type": ["string", "integer", "null"]}),
        ({"type": ["string", "null"], "nullable": True}, {"type": ["string", "null"]}),
        ({"type": "null", "nullable": True}, {"type": "null"}),
        ({"type": "string", "nullable": False}, {"type": "string"}),
        ({"type": "string", "nullable": "yes"}, {"type": "string"}),
    ],
)
def test_convert_nullable_with_type_adds_null(
    tmp_path: Path, mode: Mode, schema: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert convert_one(tmp_path, schema, mode=mode) == expected


@pytest.mark.parametrize(
    ("enum", "expected"),
    [(["a", "b"], ["a", "b", None]), (["a", None], ["a", None])],
)
def test_convert_nullable_enum_allows_none_once(tmp_path: Path, enum: list[Any], expected: list[Any]) -> None:
    schema = {"type": "string", "enum": enum, "nullable": True}
    assert convert_one(tmp_path, schema) == {"type": ["string", "null"], "enum": expected}


def test_convert_nullable_enum_does_not_change_the_source(tmp_path: Path) -> None:
    schema = {"type": "string", "enum": ["a"], "nullable": True}
    convert_one(tmp_path, schema)
    assert schema["enum"] == ["a"]


def test_convert_nullable_ref_is_wrapped_keeping_annotations_outside(tmp_path: Path) -> None:
    schema = {"$ref": "#/components/schemas/Pet", "nullable": True, "description": "The pet.", "title": "Pet"}
    assert convert_one(tmp_path, schema) == {
        "description": "The pet.",
        "title": "Pet",
        "anyOf": [{"$ref": "#/$defs/Pet"}, {"type": "null"}],
    }


@pytest.mark.parametrize("keyword", ["allOf", "anyOf", "oneOf"])
def test_convert_nullable_composition_is_wrapped(tmp_path: Path, keyword: str) -> None:
    schema = {keyword: [schema_ref("Pet")], "nullable": True, "description": "d", "minProperties": 1}
    assert convert_one(tmp_path, schema) == {
        "description": "d",
        "anyOf": [{keyword: [{"$ref": "#/$defs/Pet"}], "minProperties": 1}, {"type": "null"}],
    }


@pytest.mark.parametrize(
    "schema", [{"description": "anything", "nullable": True}, {"format": "uuid", "x-nullable": True}]
)
def test_convert_nullable_without_type_is_unchanged(tmp_path: Path, schema: dict[str, Any]) -> None:
    expected = {k: v for k, v in schema.items() if k not in ("nullable", "x-nullable")}
    assert convert_one(tmp_path, schema) == expected


# --- 3.0 keywords that changed in 2020-12 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        (
            {"type": "number", "minimum": 1, "exclusiveMinimum": True, "maximum": 5, "exclusiveMaximum": True},
            {"type": "number", "exclusiveMinimum": 1, "exclusiveMaximum": 5},
        ),
        (
            {"type": "number", "minimum": 1, "exclusiveMinimum": False, "maximum": 5, "exclusiveMaximum": False},
            {"type": "number", "minimum": 1, "maximum": 5},
        ),
        ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, {"type": "number", "exclusiveMinimum": 0}),
        ({"type": "number", "maximum": 9, "exclusiveMinimum": True}, {"type": "number", "maximum": 9}),
        ({"type": "number", "exclusiveMaximum": True}, {"type": "number"}),
        (
            {"type": "number", "exclusiveMinimum": 3, "minimum": 1},
            {"type": "number", "exclusiveMinimum": 3, "minimum": 1},
        ),
    ],
)
def test_convert_exclusive_bounds_become_numeric(
    tmp_path: Path, schema: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert convert_one(tmp_path, schema) == expected


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string", "example": "Rex"}, {"type": "string", "examples": ["Rex"]}),
        ({"type": "object", "example": {"$ref": "#/x"}}, {"type": "object", "examples": [{"$ref": "#/x"}]}),
        ({"type": "string", "example": "Rex", "examples": ["Max"]}, {"type": "string", "examples": ["Max"]}),
    ],
)
def test_convert_example_becomes_examples(tmp_path: Path, schema: dict[str, Any], expected: dict[str, Any]) -> None:
    assert convert_one(tmp_path, schema) == expected


# --- readOnly / writeOnly -----------------------------------------------------------------------------------

ACCOUNT = {
    "type": "object",
    "required": ["id", "password", "name"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "password": {"type": "string", "writeOnly": True},
        "name": {"type": "string"},
    },
}


@BOTH_DIALECTS
def test_convert_input_drops_read_only_properties(tmp_path: Path, dialect: Dialect) -> None:
    assert convert_one(tmp_path, ACCOUNT, dialect=dialect, mode=Mode.INPUT) == {
        "type": "object",
        "required": ["password", "name"],
        "properties": {"password": {"type": "string", "writeOnly": True}, "name": {"type": "string"}},
    }


@BOTH_DIALECTS
def test_convert_output_drops_write_only_properties(tmp_path: Path, dialect: Dialect) -> None:
    assert convert_one(tmp_path, ACCOUNT, dialect=dialect, mode=Mode.OUTPUT) == {
        "type": "object",
        "required": ["id", "name"],
        "properties": {"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}},
    }


def test_convert_read_only_nested_property_is_dropped_at_its_level(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"owner": {"type": "object", "required": ["id"], "properties": {"id": {"readOnly": True}}}},
    }
    assert convert_one(tmp_path, schema) == {
        "type": "object",
        "properties": {"owner": {"type": "object", "required": [], "properties": {}}},
    }


# --- files and binary ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schema", "mode", "expected"),
    [
        ({"type": "file"}, Mode.OUTPUT, {"type": "string", "format": "binary"}),
        ({"type": "file"}, Mode.INPUT, {"type": "string", "contentEncoding": "base64"}),
        ({"type": "string", "format": "binary"}, Mode.OUTPUT, {"type": "string", "format": "binary"}),
        ({"type": "string", "format": "binary"}, Mode.INPUT, {"type": "string", "contentEncoding": "base64"}),
        ({"type": "string", "format": "byte"}, Mode.INPUT, {"type": "string", "format": "byte"}),
        ({"format": "binary"}, Mode.INPUT, {"format": "binary"}),
    ],
)
def test_convert_file_and_binary(tmp_path: Path, schema: dict[str, Any], mode: Mode, expected: dict[str, Any]) -> None:
    assert convert_one(tmp_path, schema, mode=mode) == expected


# --- references and data that looks like one ----------------------------------------------------------------


@BOTH_DIALECTS
def test_convert_ref_becomes_a_defs_reference(tmp_path: Path, dialect: Dialect) -> None:
    assert convert_one(tmp_path, schema_ref("Pet"), dialect=dialect) == {"$ref": "#/$defs/Pet"}


@BOTH_DIALECTS
def test_convert_ref_with_sibling_description_keeps_both(tmp_path: Path, dialect: Dialect) -> None:
    schema = {"$ref": "#/components/schemas/Pet", "description": "The owner's pet."}
    assert convert_one(tmp_path, schema, dialect=dialect) == {"$ref": "#/$defs/Pet", "description": "The owner's pet."}


@BOTH_DIALECTS
def test_convert_property_named_ref_is_a_property(tmp_path: Path, dialect: Dialect) -> None:
    schema = {
        "type": "object",
        "required": ["$ref"],
        "properties": {"$ref": {"type": "string", "format": "uri-reference"}, "pet": schema_ref("Pet")},
    }
    out = convert_one(tmp_path, schema, dialect=dialect)
    assert out == {
        "type": "object",
        "required": ["$ref"],
        "properties": {"$ref": {"type": "string", "format": "uri-reference"}, "pet": {"$ref": "#/$defs/Pet"}},
    }
    found: list[str] = []
    collect_refs(out, found)
    assert found == ["Pet"]


@BOTH_DIALECTS
def test_convert_ref_shaped_values_are_copied_as_data(tmp_path: Path, dialect: Dialect) -> None:
    data = {"$ref": "#/components/schemas/Missing"}
    schema = {"type": "object", "enum": [data], "default": data, "examples": [data], "const": data}
    store = make_store(tmp_path, dialect=dialect)
    out = convert(store, schema)
    assert out == {"type": "object", "enum": [data], "default": data, "examples": [data], "const": data}
    found: list[str] = []
    collect_refs(out, found)
    assert found == []


def test_convert_malformed_ref_is_a_ref_error_at_the_ref(tmp_path: Path) -> None:
    with pytest.raises(RefError) as info:
        convert_one(tmp_path, {"type": "object", "properties": {"p": {"$ref": "#Pet"}}})
    assert info.value.location == WHERE.child("properties", "p", "$ref")


def test_convert_does_not_read_the_target(tmp_path: Path) -> None:
    # Neither the file nor the component exists; only converting the definition reads it.
    schema = {"anyOf": [schema_ref("Missing"), {"$ref": "missing.yaml#/Pet"}]}
    assert convert_one(tmp_path, schema) == {"anyOf": [{"$ref": "#/$defs/Missing"}, {"$ref": "#/$defs/Pet"}]}


def test_convert_non_string_ref_is_ignored(tmp_path: Path) -> None:
    assert convert_one(tmp_path, {"$ref": 5, "type": "string"}) == {"type": "string"}


# --- keyword filtering --------------------------------------------------------------------------------------


@BOTH_DIALECTS
@BOTH_MODES
@pytest.mark.parametrize(
    "schema",
    [
        {"minLength": "5"},
        {"maxLength": -1},
        {"minItems": 1.5},
        {"required": True},
        {"type": "file "},
        {"type": "bogus"},
        {"type": 7},
        {"multipleOf": 0},
        {"multipleOf": -2},
        {"minimum": "1"},
        {"maximum": True},
        {"uniqueItems": "yes"},
        {"pattern": 3},
        {"enum": "a"},
        {"examples": "a"},
        {"description": None},
        {"x-internal": True},
        {"xml": {"name": "pet"}},
        {"discriminator": {"propertyName": "kind"}},
        {"externalDocs": {"url": "https://example.com"}},
        {"$schema": "http://json-schema.org/draft-07/schema#"},
        {"properties": ["a"]},
        {"allOf": []},
        {"allOf": {"type": "string"}},
        {"items": "string"},
    ],
)
def test_convert_invalid_or_foreign_keywords_are_dropped(
    tmp_path: Path, dialect: Dialect, mode: Mode, schema: dict[str, Any]
) -> None:
    assert convert_one(tmp_path, schema, dialect=dialect, mode=mode) == {}


@BOTH_DIALECTS
def test_convert_valid_keywords_are_kept(tmp_path: Path, dialect: Dialect) -> None:
    schema = {
        "title": "Pet",
        "description": "A pet.",
        "type": "object",
        "format": "custom",
        "minProperties": 1,
        "maxProperties": 9,
        "dependentRequired": {"a": ["b"]},
        "deprecated": True,
        "default": {},
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 20, "pattern": "^[a-z]+$"},
            "age": {"type": "integer", "minimum": 0, "maximum": 30, "multipleOf": 1},
            "weight": {"type": "number", "multipleOf": 0.5, "exclusiveMaximum": 100.5},
            "tags": {"type": "array", "minItems": 0, "maxItems": 3, "uniqueItems": True, "items": {"type": "string"}},
            "kind": {"const": "dog"},
            "photo": {"type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"},
        },
        "patternProperties": {"^x-": {}},
        "additionalProperties": False,
        "propertyNames": {"maxLength": 10},
    }
    assert convert_one(tmp_path, schema, dialect=dialect) == schema


def test_convert_type_list_keeps_known_types_once(tmp_path: Path) -> None:
    assert convert_one(tmp_path, {"type": ["string", "null", "bogus", "string", 1]}) == {"type": ["string", "null"]}


def test_convert_required_keeps_unique_strings(tmp_path: Path) -> None:
    assert convert_one(tmp_path, {"required": ["a", "b", "a", 1, None]}) == {"required": ["a", "b"]}


def test_convert_items_list_becomes_prefix_items(tmp_path: Path) -> None:
    schema = {"type": "array", "items": [{"type": "string"}, {"type": "integer", "nullable": True}]}
    assert convert_one(tmp_path, schema) == {
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": ["integer", "null"]}],
    }


@pytest.mark.parametrize(("schema", "expected"), [(True, {}), (False, {"not": {}}), (None, {}), ("string", {})])
def test_convert_non_object_schemas(tmp_path: Path, schema: Any, expected: dict[str, Any]) -> None:
    assert convert_one(tmp_path, schema) == expected


def test_convert_boolean_subschemas(tmp_path: Path) -> None:
    schema = {
        "type": "object",
        "properties": {"any": True, "never": False},
        "additionalProperties": False,
        "unevaluatedProperties": True,
        "items": False,
        "not": True,
        "prefixItems": [True, False],
    }
    assert convert_one(tmp_path, schema, dialect=Dialect.OAS31) == {
        "type": "object",
        "properties": {"any": {}, "never": {"not": {}}},
        "additionalProperties": False,
        "unevaluatedProperties": True,
        "items": {"not": {}},
        "not": {},
        "prefixItems": [{}, {"not": {}}],
    }


SINGLE = (
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "items",
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
)
LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
MAPS = ("properties", "patternProperties", "dependentSchemas")


def place(keyword: str, schema: Any) -> Any:
    """`schema` in the shape `keyword` holds: alone, in a list, or in a map."""
    return [schema] if keyword in LISTS else {"x": schema} if keyword in MAPS else schema


@pytest.mark.parametrize("keyword", SINGLE + LISTS + MAPS)
def test_convert_subschemas_are_converted(tmp_path: Path, keyword: str) -> None:
    schema = {keyword: place(keyword, {"type": "string", "nullable": True, "xml": {}})}
    assert convert_one(tmp_path, schema) == {keyword: place(keyword, {"type": ["string", "null"]})}


def test_convert_subschema_refs_are_located_below_their_keyword(tmp_path: Path) -> None:
    with pytest.raises(RefError) as info:
        convert_one(tmp_path, {"allOf": [{}, {"properties": {"a/b": {"items": {"$ref": "#bad"}}}}]})
    assert str(info.value.location) == f"{WHERE}/allOf/1/properties/a~1b/items/$ref"


def depth_of(schema: dict[str, Any]) -> int:
    depth = 0
    while "properties" in schema:
        schema = schema["properties"]["a"]
        depth += 1
    return depth


def test_convert_deep_nesting_is_cut_off(tmp_path: Path) -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(1_000):
        schema = {"type": "object", "properties": {"a": schema}}
    assert depth_of(convert_one(tmp_path, schema)) == MAX_DEPTH + 1


def test_convert_deep_nesting_through_every_kind_of_subschema_terminates(tmp_path: Path) -> None:
    schema: dict[str, Any] = {}
    for level in range(3_000):
        wrappers: list[dict[str, Any]] = [{"items": schema}, {"allOf": [schema]}, {"properties": {"p": schema}}]
        schema = wrappers[level % 3]
    out = convert_one(tmp_path, schema)
    assert len(json.dumps(out)) < 3_000


# --- names ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pointer", "name"),
    [
        (("components", "schemas", "Pet"), "Pet"),
        (("definitions", "Pet"), "Pet"),
        (("components", "schemas", "My Pet<T>"), "My_Pet_T"),
        (("components", "schemas", "Pet.v1"), "Pet.v1"),
        (("components", "schemas", "a/b"), "a_b"),
        (("components", "schemas", "日本"), "schema"),
        (
            ("paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"),
            "200_application_json",
        ),
        (("components", "schemas", "Pet", "properties", "owner"), "owner"),
        (("components", "schemas", "Pet", "properties", "owner", "items", "properties", "id"), "owner_id"),
    ],
)
def test_name_of_uses_the_last_meaningful_tokens(tmp_path: Path, pointer: tuple[str, ...], name: str) -> None:
    store = make_store(tmp_path)
    assert store.name_of(Target(store.resolver.root_uri, pointer), referrer=WHERE) == name


def test_name_of_whole_file_uses_the_file_name(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    assert store.name_of(Target(str(tmp_path / "common" / "pet.v2.yaml"), ()), referrer=WHERE) == "pet.v2"


def test_name_of_same_target_keeps_its_name(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    out = convert(
        store, {"anyOf": [schema_ref("Pet"), schema_ref("Pet"), {"$ref": "api.json#/components/schemas/Pet"}]}
    )
    assert out == {"anyOf": [{"$ref": "#/$defs/Pet"}] * 3}


def test_name_of_clashing_names_get_numbered(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    schema = {
        "anyOf": [
            schema_ref("Pet"),
            {"$ref": "other.yaml#/components/schemas/Pet"},
            {"$ref": "#/components/responses/Pet"},
            schema_ref("Pet_2"),
            schema_ref("My Pet"),
            schema_ref("My_Pet"),
        ]
    }
    assert [ref_name(s) for s in convert(store, schema)["anyOf"]] == [
        "Pet",
        "Pet_2",
        "Pet_3",
        "Pet_2_2",
        "My_Pet",
        "My_Pet_2",
    ]
    assert store.location_of("Pet_2_2") == Location("api.json", ("components", "schemas", "Pet_2"))
    assert store.location_of("Pet_3") == Location("api.json", ("components", "responses", "Pet"))


# --- definitions --------------------------------------------------------------------------------------------


def test_definition_converts_the_target(tmp_path: Path) -> None:
    store = make_store(
        tmp_path, {"Pet": {"type": "object", "nullable": True, "properties": {"o": schema_ref("Owner")}}}
    )
    convert(store, schema_ref("Pet"))
    assert store.definition("Pet", Mode.INPUT) == {
        "type": ["object", "null"],
        "properties": {"o": {"$ref": "#/$defs/Owner"}},
    }


def test_definition_is_converted_once_per_mode(tmp_path: Path) -> None:
    store = make_store(tmp_path, {"Pet": {"type": "object", "properties": {"id": {"readOnly": True}}}})
    convert(store, schema_ref("Pet"))
    first = store.definition("Pet", Mode.INPUT)
    assert store.definition("Pet", Mode.INPUT) is first
    assert first == {"type": "object", "properties": {}}
    assert store.definition("Pet", Mode.OUTPUT) == {"type": "object", "properties": {"id": {"readOnly": True}}}


def test_definition_from_another_file_resolves_refs_relative_to_it(tmp_path: Path) -> None:
    common = tmp_path.resolve() / "common"
    common.mkdir()
    (common / "pets.yaml").write_text("Pet:\n  properties:\n    tag: {$ref: 'tags.yaml#/Tag'}\n", encoding="utf-8")
    (common / "tags.yaml").write_text("Tag: {type: string, example: 2024-01-01}\n", encoding="utf-8")
    store = make_store(tmp_path)
    convert(store, {"$ref": "common/pets.yaml#/Pet"})
    assert store.definition("Pet", Mode.INPUT) == {"properties": {"tag": {"$ref": "#/$defs/Tag"}}}
    assert store.definition("Tag", Mode.INPUT) == {"type": "string", "examples": ["2024-01-01"]}
    assert str(store.location_of("Tag")) == "common/tags.yaml#/Tag"


def test_definition_is_lazy_dangling_components_never_referenced_do_not_raise(tmp_path: Path) -> None:
    store = make_store(tmp_path, {"Pet": {"type": "object"}, "Broken": schema_ref("Nope")})
    convert(store, schema_ref("Pet"))
    assert store.definition("Pet", Mode.INPUT) == {"type": "object"}
    assert store.references("Pet", Mode.INPUT) == ()


def test_definition_dangling_target_is_reported_at_the_referrer(tmp_path: Path) -> None:
    store = make_store(tmp_path, {"Broken": schema_ref("Nope")})
    convert(store, schema_ref("Broken"))
    assert store.definition("Broken", Mode.INPUT) == {"$ref": "#/$defs/Nope"}
    with pytest.raises(RefError) as info:
        store.definition("Nope", Mode.INPUT)
    assert info.value.location == Location("api.json", ("components", "schemas", "Broken", "$ref"))
    assert info.value.message == "unresolvable $ref: nothing at api.json#/components/schemas/Nope"


def test_definition_first_referrer_is_the_one_reported(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    convert(store, {"properties": {"a": schema_ref("Nope")}})
    convert(store, {"properties": {"b": schema_ref("Nope")}})
    with pytest.raises(RefError) as info:
        store.definition("Nope", Mode.OUTPUT)
    assert info.value.location == WHERE.child("properties", "a", "$ref")


def test_definition_missing_file_is_reported_at_the_referrer(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    convert(store, {"items": {"$ref": "missing.yaml#/Pet"}})
    with pytest.raises(RefError) as info:
        store.definition("Pet", Mode.INPUT)
    assert info.value.location == WHERE.child("items", "$ref")
    assert info.value.message == "cannot load $ref target: missing.yaml: no such file"


# --- references, size, is_recursive -------------------------------------------------------------------------

GRAPH = {
    "Self": {"type": "object", "properties": {"next": schema_ref("Self")}},
    "A": {"type": "object", "properties": {"b": schema_ref("B")}},
    "B": {"type": "array", "items": schema_ref("A")},
    "Top": {"allOf": [schema_ref("Middle"), schema_ref("Middle")]},
    "Middle": {"properties": {"leaf": schema_ref("Leaf")}},
    "Leaf": {"type": "string"},
    "IntoCycle": {"properties": {"a": schema_ref("A")}},
    "ReadOnlyLoop": {"properties": {"parent": {"readOnly": True, "allOf": [schema_ref("ReadOnlyLoop")]}}},
}


def graph_store(tmp_path: Path) -> SchemaStore:
    store = make_store(tmp_path, GRAPH)
    convert(store, {"anyOf": [schema_ref(name) for name in GRAPH]})
    return store


@pytest.mark.parametrize(
    ("name", "references"),
    [
        ("Self", ("Self",)),
        ("A", ("B",)),
        ("B", ("A",)),
        ("Top", ("Middle", "Middle")),
        ("Middle", ("Leaf",)),
        ("Leaf", ()),
        ("IntoCycle", ("A",)),
    ],
)
def test_references_lists_each_place(tmp_path: Path, name: str, references: tuple[str, ...]) -> None:
    assert graph_store(tmp_path).references(name, Mode.INPUT) == references


@pytest.mark.parametrize(
    ("name", "recursive"),
    [
        ("Self", True),
        ("A", True),
        ("B", True),
        ("Top", False),
        ("Middle", False),
        ("Leaf", False),
        ("IntoCycle", False),
    ],
)
def test_is_recursive(tmp_path: Path, name: str, recursive: bool) -> None:
    assert graph_store(tmp_path).is_recursive(name, Mode.INPUT) is recursive


def test_is_recursive_does_not_depend_on_the_order_of_questions(tmp_path: Path) -> None:
    names = list(GRAPH)
    expected = {name: graph_store(tmp_path).is_recursive(name, Mode.OUTPUT) for name in names}
    store = graph_store(tmp_path)
    assert {name: store.is_recursive(name, Mode.OUTPUT) for name in reversed(names)} == expected


def test_is_recursive_depends_on_mode(tmp_path: Path) -> None:
    store = graph_store(tmp_path)
    assert store.is_recursive("ReadOnlyLoop", Mode.INPUT) is False
    assert store.is_recursive("ReadOnlyLoop", Mode.OUTPUT) is True


def test_size_is_the_compact_json_length(tmp_path: Path) -> None:
    store = graph_store(tmp_path)
    for name in GRAPH:
        assert store.size(name, Mode.OUTPUT) == len(
            json.dumps(store.definition(name, Mode.OUTPUT), separators=(",", ":"))
        )


# --- helpers --------------------------------------------------------------------------------------------------


def test_ref_to_and_ref_name_round_trip() -> None:
    assert ref_to("Pet") == {"$ref": "#/$defs/Pet"}
    assert ref_name(ref_to("Pet")) == "Pet"
    assert ref_name({"$ref": "#/components/schemas/Pet"}) is None
    assert ref_name("#/$defs/Pet") is None


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "object"}, True),
        ({"properties": {}}, True),
        ({"additionalProperties": False}, True),
        ({"type": "string"}, False),
        ({"type": ["object", "null"], "properties": {}}, False),
        ({}, False),
    ],
)
def test_is_object_schema(schema: dict[str, Any], expected: bool) -> None:
    assert is_object_schema(schema) is expected


def test_output_schemas_drop_patterns_python_cannot_compile_and_inputs_keep_them(tmp_path: Path) -> None:
    # The Python SDK client checks results with `re`: an ECMA-only pattern would fail every successful call.
    node = {"type": "string", "pattern": r"^\p{L}+$"}
    assert convert_one(tmp_path, node, mode=Mode.OUTPUT) == {"type": "string"}
    assert convert_one(tmp_path, node, mode=Mode.INPUT) == node
    plain = {"type": "string", "pattern": "^[A-Z]+$"}
    assert convert_one(tmp_path, plain, mode=Mode.OUTPUT) == plain
