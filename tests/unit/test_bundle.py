"""Unit tests for converter.bundle: one tool's schema made self-contained, with `$defs` only where needed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from converter.bundle import SchemaBundle, bundle_schema
from converter.errors import Location, RefError
from converter.loader import LoadedDocument
from converter.refs import Resolver
from converter.schemas import Dialect, Mode, SchemaStore

WHERE = Location("api.json", ("paths", "/pets", "get", "responses", "200", "content", "application/json", "schema"))

TAG = {"type": "object", "description": "A label.", "properties": {"label": {"type": "string"}}}
NAME = {"type": "string", "minLength": 1}
NODE = {
    "type": "object",
    "required": ["value"],
    "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}},
}
SCHEMAS: dict[str, Any] = {
    "Tag": TAG,
    "Name": NAME,
    "Wrap": {"type": "object", "properties": {"tag": {"$ref": "#/components/schemas/Tag"}}},
    "Node": {
        "type": "object",
        "required": ["value"],
        "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
        },
    },
    "Pet": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "owner": {"$ref": "#/components/schemas/Owner"}},
    },
    "Owner": {
        "type": "object",
        "properties": {"pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}},
    },
    "Parent": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "parent": {"readOnly": True, "allOf": [{"$ref": "#/components/schemas/Parent"}]},
        },
    },
    "Unused": {"type": "object", "properties": {"tag": {"$ref": "#/components/schemas/Tag"}}},
    "Broken": {"$ref": "#/components/schemas/Nowhere"},
}


def make_store(tmp_path: Path, *, dialect: Dialect = Dialect.OAS31) -> SchemaStore:
    document = LoadedDocument(
        data={"components": {"schemas": copy.deepcopy(SCHEMAS)}},
        uri=str(tmp_path.resolve() / "api.json"),
        display="api.json",
    )
    return SchemaStore(Resolver(document), dialect=dialect)


def ref(name: str, **siblings: Any) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}", **siblings}


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def converted(store: SchemaStore, schema: Any, mode: Mode) -> dict[str, Any]:
    return store.convert(schema, base=store.resolver.root_uri, where=WHERE, mode=mode)


def bundle(tmp_path: Path, schema: Any, *, mode: Mode = Mode.INPUT, dialect: Dialect = Dialect.OAS31) -> dict[str, Any]:
    store = make_store(tmp_path, dialect=dialect)
    built = bundle_schema(converted(store, schema, mode), store=store, mode=mode)
    jsonschema.Draft202012Validator.check_schema(built)
    return built


def bundle_root(tmp_path: Path, schema: Any, *, mode: Mode = Mode.OUTPUT) -> SchemaBundle:
    store = make_store(tmp_path)
    return SchemaBundle(converted(store, schema, mode), store=store, mode=mode, inline_root_ref=True)


def compact_length(schema: Any) -> int:
    return len(json.dumps(schema, separators=(",", ":")))


# --- inline or share ----------------------------------------------------------------------------------------


def test_bundle_without_references_is_unchanged(tmp_path: Path) -> None:
    assert bundle(tmp_path, obj(a={"type": "string"})) == obj(a={"type": "string"})


def test_bundle_schema_used_once_is_inlined(tmp_path: Path) -> None:
    assert bundle(tmp_path, obj(tag=ref("Tag"))) == obj(tag=TAG)


def test_bundle_schema_used_once_is_inlined_transitively(tmp_path: Path) -> None:
    assert bundle(tmp_path, obj(wrap=ref("Wrap"))) == obj(wrap={"type": "object", "properties": {"tag": TAG}})


def test_bundle_root_reference_used_once_is_inlined(tmp_path: Path) -> None:
    assert bundle(tmp_path, ref("Tag")) == TAG


def test_bundle_schema_used_twice_is_shared_under_defs(tmp_path: Path) -> None:
    assert bundle(tmp_path, obj(a=ref("Tag"), b={"type": "array", "items": ref("Tag")})) == {
        **obj(a={"$ref": "#/$defs/Tag"}, b={"type": "array", "items": {"$ref": "#/$defs/Tag"}}),
        "$defs": {"Tag": TAG},
    }


def test_bundle_schema_used_twice_through_an_inlined_schema_is_shared(tmp_path: Path) -> None:
    assert bundle(tmp_path, obj(wrap=ref("Wrap"), tag=ref("Tag"))) == {
        **obj(wrap={"type": "object", "properties": {"tag": {"$ref": "#/$defs/Tag"}}}, tag={"$ref": "#/$defs/Tag"}),
        "$defs": {"Tag": TAG},
    }


def test_bundle_recursive_schema_stays_a_reference(tmp_path: Path) -> None:
    assert bundle(tmp_path, obj(tree=ref("Node"))) == {**obj(tree={"$ref": "#/$defs/Node"}), "$defs": {"Node": NODE}}


def test_bundle_recursive_root_reference_stays_a_reference_by_default(tmp_path: Path) -> None:
    assert bundle(tmp_path, ref("Node")) == {"$ref": "#/$defs/Node", "$defs": {"Node": NODE}}


def test_bundle_mutual_recursion_keeps_both_under_defs(tmp_path: Path) -> None:
    assert bundle(tmp_path, obj(pet=ref("Pet"))) == {
        **obj(pet={"$ref": "#/$defs/Pet"}),
        "$defs": {
            "Owner": obj(pets={"type": "array", "items": {"$ref": "#/$defs/Pet"}}),
            "Pet": obj(name={"type": "string"}, owner={"$ref": "#/$defs/Owner"}),
        },
    }


def test_bundle_recursion_through_a_dropped_member_depends_on_mode(tmp_path: Path) -> None:
    assert bundle(tmp_path, obj(p=ref("Parent")), mode=Mode.INPUT) == obj(p=obj(id={"type": "integer"}))
    assert bundle(tmp_path, obj(p=ref("Parent")), mode=Mode.OUTPUT) == {
        **obj(p={"$ref": "#/$defs/Parent"}),
        "$defs": {
            "Parent": obj(id={"type": "integer"}, parent={"readOnly": True, "allOf": [{"$ref": "#/$defs/Parent"}]})
        },
    }


def test_bundle_copies_only_reachable_definitions(tmp_path: Path) -> None:
    # `Unused` and the dangling `Broken` are never read: no error, and nothing of them in the result.
    built = bundle(tmp_path, obj(a=ref("Name"), b=ref("Name")))
    assert built == {**obj(a={"$ref": "#/$defs/Name"}, b={"$ref": "#/$defs/Name"}), "$defs": {"Name": NAME}}


def test_bundle_reachable_dangling_reference_is_a_ref_error(tmp_path: Path) -> None:
    with pytest.raises(RefError) as info:
        bundle(tmp_path, obj(b=ref("Broken")))
    assert info.value.location == Location("api.json", ("components", "schemas", "Broken", "$ref"))


def test_bundle_does_not_change_the_stores_definitions(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    root = converted(store, obj(wrap=ref("Wrap"), pet=ref("Pet")), Mode.INPUT)
    before = {name: copy.deepcopy(store.definition(name, Mode.INPUT)) for name in ("Wrap", "Tag", "Pet", "Owner")}
    first = bundle_schema(root, store=store, mode=Mode.INPUT)
    assert bundle_schema(root, store=store, mode=Mode.INPUT) == first
    assert {name: store.definition(name, Mode.INPUT) for name in before} == before
    assert root == obj(wrap={"$ref": "#/$defs/Wrap"}, pet={"$ref": "#/$defs/Pet"})


# --- siblings of an inlined reference -----------------------------------------------------------------------


def test_bundle_annotation_siblings_are_laid_over_the_target(tmp_path: Path) -> None:
    schema = obj(tag=ref("Tag", description="The pet's tag.", title="Tag", deprecated=True))
    assert bundle(tmp_path, schema) == obj(
        tag={**TAG, "description": "The pet's tag.", "title": "Tag", "deprecated": True}
    )


def test_bundle_other_siblings_keep_the_target_in_all_of(tmp_path: Path) -> None:
    schema = obj(name=ref("Name", maxLength=5, description="Short."))
    assert bundle(tmp_path, schema) == obj(name={"allOf": [NAME], "maxLength": 5, "description": "Short."})


def test_bundle_siblings_of_a_shared_reference_stay_beside_it(tmp_path: Path) -> None:
    schema = obj(a=ref("Name", maxLength=5), b=ref("Name", description="B."))
    assert bundle(tmp_path, schema) == {
        **obj(a={"$ref": "#/$defs/Name", "maxLength": 5}, b={"$ref": "#/$defs/Name", "description": "B."}),
        "$defs": {"Name": NAME},
    }


def test_bundle_nullable_reference_is_inlined_inside_any_of(tmp_path: Path) -> None:
    schema = obj(tag=ref("Tag", nullable=True, description="Optional tag."))
    assert bundle(tmp_path, schema, dialect=Dialect.OAS30) == obj(
        tag={"description": "Optional tag.", "anyOf": [TAG, {"type": "null"}]}
    )


@pytest.mark.parametrize("keyword", ["anyOf", "oneOf", "allOf", "prefixItems"])
def test_bundle_references_in_lists_are_inlined(tmp_path: Path, keyword: str) -> None:
    assert bundle(tmp_path, {keyword: [ref("Tag"), ref("Name")]}) == {keyword: [TAG, NAME]}


@pytest.mark.parametrize("keyword", ["properties", "patternProperties", "dependentSchemas"])
def test_bundle_references_in_maps_are_inlined(tmp_path: Path, keyword: str) -> None:
    assert bundle(tmp_path, {keyword: {"a": ref("Tag")}}) == {keyword: {"a": TAG}}


@pytest.mark.parametrize("keyword", ["items", "additionalProperties", "not", "contains", "if", "then", "else"])
def test_bundle_references_in_single_subschemas_are_inlined(tmp_path: Path, keyword: str) -> None:
    assert bundle(tmp_path, {keyword: ref("Name")}) == {keyword: NAME}


# --- inline_root_ref ----------------------------------------------------------------------------------------


def test_inline_root_ref_non_recursive_root_is_its_target(tmp_path: Path) -> None:
    assert bundle_root(tmp_path, ref("Wrap")).build() == {"type": "object", "properties": {"tag": TAG}}


def test_inline_root_ref_recursive_root_refers_to_itself_as_hash(tmp_path: Path) -> None:
    built = bundle_root(tmp_path, ref("Node")).build()
    assert built == {
        "type": "object",
        "required": ["value"],
        "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#"}}},
    }
    jsonschema.Draft202012Validator.check_schema(built)


def test_inline_root_ref_mutual_recursion_refers_back_to_the_root(tmp_path: Path) -> None:
    built = bundle_root(tmp_path, ref("Pet")).build()
    assert built == {
        **obj(name={"type": "string"}, owner={"$ref": "#/$defs/Owner"}),
        "$defs": {"Owner": obj(pets={"type": "array", "items": {"$ref": "#"}})},
    }
    validator = jsonschema.Draft202012Validator(built)
    assert validator.is_valid({"name": "Rex", "owner": {"pets": [{"name": "Max", "owner": {"pets": []}}]}})
    assert not validator.is_valid({"name": "Rex", "owner": {"pets": [{"name": 1}]}})


def test_inline_root_ref_annotation_siblings_are_kept(tmp_path: Path) -> None:
    built = bundle_root(tmp_path, ref("Node", description="A tree.")).build()
    assert built["description"] == "A tree."
    assert built["properties"]["children"]["items"] == {"$ref": "#"}
    assert "$ref" not in built


def test_inline_root_ref_other_siblings_keep_the_root_a_reference(tmp_path: Path) -> None:
    built = bundle_root(tmp_path, ref("Node", minProperties=1)).build()
    assert built == {"$ref": "#/$defs/Node", "minProperties": 1, "$defs": {"Node": NODE}}


def test_inline_root_ref_root_without_reference_is_unchanged(tmp_path: Path) -> None:
    assert bundle_root(tmp_path, obj(tag=ref("Tag"))).build() == obj(tag=TAG)


# --- validity -----------------------------------------------------------------------------------------------


def test_bundle_recursive_schema_validates_nested_instances(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(bundle(tmp_path, obj(tree=ref("Node"))))
    tree: dict[str, Any] = {
        "value": 1,
        "children": [{"value": 2, "children": [{"value": 3, "children": []}]}, {"value": 4}],
    }
    assert validator.is_valid({"tree": tree})
    broken = copy.deepcopy(tree)
    broken["children"][0]["children"][0]["value"] = "three"
    errors = list(validator.iter_errors({"tree": broken}))
    assert [list(e.absolute_path) for e in errors] == [["tree", "children", 0, "children", 0, "value"]]


def test_bundle_shared_schema_validates_each_place(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(bundle(tmp_path, obj(a=ref("Name"), b=ref("Name"))))
    assert validator.is_valid({"a": "x", "b": "y"})
    assert [list(e.absolute_path) for e in validator.iter_errors({"a": "x", "b": ""})] == [["b"]]


# --- estimated size -----------------------------------------------------------------------------------------

LONG = "Words that describe the schema at a length an actual API description tends to have, or longer. " * 2


def described(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "description": LONG}


@pytest.mark.parametrize(
    ("schemas", "root", "inline_root_ref"),
    [
        ({"Item": described({"type": "string"})}, obj(item=ref("Item")), False),
        ({"Item": described({"type": "string"})}, obj(a=ref("Item"), b=ref("Item"), c=ref("Item")), False),
        (
            {"Tree": described(obj(kids={"type": "array", "items": ref("Tree")}, label=described({})))},
            ref("Tree"),
            True,
        ),
        (
            {
                "A": described(obj(b=ref("B"), x=described({"type": "integer"}))),
                "B": described(obj(a=ref("A"), c=ref("C"))),
                "C": described({"enum": ["x", "y"]}),
            },
            obj(a=ref("A"), c=ref("C")),
            False,
        ),
    ],
)
def test_estimated_chars_is_close_to_the_built_size(
    tmp_path: Path, schemas: dict[str, Any], root: dict[str, Any], inline_root_ref: bool
) -> None:
    document = LoadedDocument(
        data={"components": {"schemas": schemas}}, uri=str(tmp_path.resolve() / "api.json"), display="api.json"
    )
    store = SchemaStore(Resolver(document), dialect=Dialect.OAS31)
    schema_bundle = SchemaBundle(
        converted(store, root, Mode.OUTPUT), store=store, mode=Mode.OUTPUT, inline_root_ref=inline_root_ref
    )
    actual = compact_length(schema_bundle.build())
    assert abs(schema_bundle.estimated_chars - actual) <= actual * 0.1


def test_bundle_inlined_ref_with_an_allof_sibling_keeps_both(tmp_path: Path) -> None:
    built = bundle(tmp_path, obj(x=ref("Name", allOf=[ref("Tag")])))
    assert built["properties"]["x"] == {"allOf": [NAME, TAG]}


# --- left out to fit a budget ------------------------------------------------------------------------------


def test_stub_leaves_out_the_farthest_shared_objects_first_then_the_biggest(tmp_path: Path) -> None:
    schema = obj(pet=ref("Pet"), tag=ref("Tag"), more={"type": "array", "items": ref("Tag")})
    whole = bundle_root(tmp_path, schema)
    fitted = bundle_root(tmp_path, schema)
    assert fitted.stub(max_chars=whole.estimated_chars - 1) == ["Owner"]  # behind Pet: one reference further
    assert fitted.estimated_chars < whole.estimated_chars
    built = fitted.build()
    owner = built["$defs"]["Pet"]["properties"]["owner"]  # Pet is recursive (through Owner): kept under $defs
    assert owner == {"type": "object", "description": "A Owner object (its properties are not shown)"}
    assert set(built["$defs"]) == {"Pet", "Tag"}
    result = {"pet": {"owner": {"anything": 1}}, "tag": {"label": "x"}, "more": [{"label": "y"}]}
    jsonschema.Draft202012Validator(built).validate(result)
    nearest = bundle_root(tmp_path, schema)
    assert nearest.stub(max_chars=10) == ["Owner", "Pet", "Tag"]  # even the nearest do not fit: all go
    assert nearest.build()["properties"]["tag"]["description"] == "A Tag object (its properties are not shown)"


def test_stub_leaves_the_bundle_alone_when_it_fits(tmp_path: Path) -> None:
    fitted = bundle_root(tmp_path, obj(tag=ref("Tag")))
    assert fitted.stub(max_chars=10_000) == []
    assert fitted.build() == obj(tag=TAG)
