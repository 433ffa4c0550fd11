"""Unit tests for converter.tooldiff: every change kind (breaking or not), tool and argument renames, ordering,
the text and JSON renderings, and the fixture pair fixtures/diff/petstore-v1.yaml → petstore-v2.yaml."""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

from converter.config import parse_config
from converter.errors import Location
from converter.loader import LoadedDocument
from converter.parser import parse_api
from converter.pipeline import build_toolset
from converter.selector import select_tools
from converter.tooldiff import Change, ChangeKind, diff_toolsets, render_json, render_text
from converter.tools import ToolSet
from tests.conftest import FIXTURES

K = ChangeKind
OK = {"200": {"description": "OK"}}
BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "summary": "List pets",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/Status"}},
                    {
                        "name": "species",
                        "in": "query",
                        "description": "Only pets of these species.",
                        "schema": {"type": "array", "items": {"type": "string", "enum": ["dog", "cat"]}},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "A page.",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}},
                    }
                },
            },
            "post": {
                "operationId": "createPet",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewPet"}}},
                },
                "responses": OK,
            },
        },
        "/pets/{petId}": {
            "parameters": [{"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "get": {"operationId": "getPet", "responses": OK},
            "delete": {"operationId": "deletePet", "responses": OK},
        },
        "/owners": {"get": {"summary": "List owners", "responses": OK}},
    },
    "components": {
        "schemas": {
            "Status": {"type": "string", "enum": ["available", "pending", "adopted"]},
            "NewPet": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "maxLength": 64},
                    "tag": {"type": "string"},
                    "owner": {
                        "type": "object",
                        "properties": {"email": {"type": "string"}, "phone": {"type": "string"}},
                    },
                    "category": {"$ref": "#/components/schemas/Category"},
                },
            },
            "Category": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Category"}},
                },
            },
            "Page": {
                "type": "object",
                "required": ["items", "total"],
                "properties": {
                    "items": {"type": "array", "items": {"type": "string"}},
                    "total": {"type": "integer"},
                    "order": {"type": "string", "enum": ["asc", "desc"]},
                },
            },
        }
    },
}


def spec() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def build(doc: dict[str, Any], config: Any = None) -> ToolSet:
    api = parse_api(LoadedDocument(doc, "/n/api.json", "api.json"))
    return select_tools(api, config=parse_config(config, location=Location("c.yaml")) if config is not None else None)


def diff(
    new: dict[str, Any], *, config: Any = None, old: dict[str, Any] | None = None, old_config: Any = None
) -> list[Change]:
    return diff_toolsets(build(old if old is not None else spec(), old_config), build(new, config))


def summary(changes: list[Change]) -> list[tuple[str, str | None, ChangeKind, bool, str]]:
    """(tool, subject, kind, breaking, detail) of each change."""
    return [(c.tool, c.subject, c.kind, c.breaking, c.detail) for c in changes]


def param(doc: dict[str, Any], name: str, path: str = "/pets", method: str = "get") -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in doc["paths"][path][method]["parameters"] if p.get("name") == name)
    return found


# --- tools ------------------------------------------------------------------------------------------------------


def test_identical_toolsets_have_no_changes() -> None:
    assert diff(spec()) == []
    assert render_text([]) == "0 changes, 0 breaking"
    assert render_json([]) == {"summary": {"changes": 0, "breaking": 0}, "changes": []}


def test_a_removed_tool_is_breaking_and_an_added_tool_is_not() -> None:
    doc = spec()
    del doc["paths"]["/pets/{petId}"]["delete"]
    doc["paths"]["/pets/{petId}"]["put"] = {"operationId": "replacePet", "responses": OK}
    assert summary(diff(doc)) == [
        ("delete_pet", None, K.TOOL_REMOVED, True, "tool removed (DELETE /pets/{petId})"),
        ("replace_pet", None, K.TOOL_ADDED, False, "tool added (PUT /pets/{petId})"),
    ]


def test_a_new_operation_id_on_the_same_method_and_path_is_a_rename() -> None:
    doc = spec()
    doc["paths"]["/pets"]["get"]["operationId"] = "searchPets"
    changes = diff(doc)
    assert summary(changes) == [
        ("search_pets", None, K.TOOL_RENAMED, True, "tool renamed from list_pets (same operation: GET /pets)")
    ]
    assert changes[0].previous == "list_pets"


def test_a_tool_renamed_by_the_config_is_matched_by_operation_id() -> None:
    changes = diff(spec(), config={"tools": {"getPet": {"name": "fetch_pet"}}})
    assert summary(changes) == [
        ("fetch_pet", None, K.TOOL_RENAMED, True, "tool renamed from get_pet (same operation: operationId getPet)")
    ]


def test_a_path_parameter_renamed_in_the_template_is_the_same_endpoint() -> None:
    doc = spec()
    doc["paths"]["/owners/{ownerId}"] = {
        "get": {
            "parameters": [{"name": "ownerId", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": OK,
        }
    }
    new = copy.deepcopy(doc)
    new["paths"]["/owners/{id}"] = new["paths"].pop("/owners/{ownerId}")
    new["paths"]["/owners/{id}"]["get"]["parameters"][0]["name"] = "id"
    assert summary(diff(new, old=doc)) == [
        (
            "get_owners_by_id",
            None,
            K.TOOL_RENAMED,
            True,
            "tool renamed from get_owners_by_owner_id (same operation: GET /owners/{id})",
        ),
        ("get_owners_by_id", "id", K.ARGUMENT_ADDED, True, "added (required)"),
        ("get_owners_by_id", "ownerId", K.ARGUMENT_REMOVED, True, "removed"),
    ]


def test_a_title_and_description_change_is_reported_and_not_breaking() -> None:
    doc = spec()
    doc["paths"]["/pets"]["get"]["summary"] = "Search pets"
    doc["paths"]["/pets"]["get"]["description"] = "Newest first."
    assert summary(diff(doc)) == [
        ("list_pets", None, K.DESCRIPTION_CHANGED, False, 'title: "List pets" → "Search pets"'),
        ("list_pets", None, K.DESCRIPTION_CHANGED, False, "description changed"),
    ]


def test_withdrawing_an_annotation_guarantee_is_breaking_and_giving_one_is_not() -> None:
    doc = spec()
    # GET → POST: no longer read-only (nor, therefore, idempotent).
    doc["paths"]["/pets/{petId}"]["post"] = doc["paths"]["/pets/{petId}"].pop("get")
    assert summary(diff(doc)) == [
        ("get_pet", None, K.ANNOTATION_CHANGED, True, "readOnlyHint: true → false"),
        ("get_pet", None, K.ANNOTATION_CHANGED, True, "idempotentHint: true → false"),
    ]
    closed = {"tools": {"deletePet": {"annotations": {"openWorldHint": False, "destructiveHint": False}}}}
    assert summary(diff(spec(), config=closed)) == [
        ("delete_pet", None, K.ANNOTATION_CHANGED, False, "destructiveHint: true → false"),
        ("delete_pet", None, K.ANNOTATION_CHANGED, False, "openWorldHint: true → false"),
    ]
    # The other way round: the guarantees the config gave are withdrawn.
    assert summary(diff(spec(), old_config=closed)) == [
        ("delete_pet", None, K.ANNOTATION_CHANGED, True, "destructiveHint: false → true"),
        ("delete_pet", None, K.ANNOTATION_CHANGED, True, "openWorldHint: false → true"),
    ]


# --- arguments --------------------------------------------------------------------------------------------------


def test_a_new_required_argument_is_breaking_and_a_new_optional_one_is_not() -> None:
    doc = spec()
    params = doc["paths"]["/pets"]["get"]["parameters"]
    params.append({"name": "q", "in": "query", "required": True, "schema": {"type": "string"}})
    params.append({"name": "page", "in": "query", "schema": {"type": "integer"}})
    assert summary(diff(doc)) == [
        ("list_pets", "page", K.ARGUMENT_ADDED, False, "added (optional)"),
        ("list_pets", "q", K.ARGUMENT_ADDED, True, "added (required)"),
    ]


def test_a_removed_or_hidden_argument_is_breaking() -> None:
    doc = spec()
    doc["paths"]["/pets"]["get"]["parameters"].pop(0)  # limit
    assert summary(diff(doc)) == [("list_pets", "limit", K.ARGUMENT_REMOVED, True, "removed")]
    hidden = {"tools": {"listPets": {"args": {"species": {"hidden": True}}}}}
    assert summary(diff(spec(), config=hidden)) == [("list_pets", "species", K.ARGUMENT_REMOVED, True, "removed")]


def test_an_argument_renamed_by_the_config_is_a_rename_of_the_same_wire_parameter() -> None:
    changes = diff(spec(), config={"tools": {"listPets": {"args": {"species": {"name": "kind"}}}}})
    assert summary(changes) == [("list_pets", "kind", K.ARGUMENT_RENAMED, True, "renamed from species")]
    assert changes[0].previous == "species"


def test_an_argument_name_taken_by_another_parameter_is_not_the_same_argument() -> None:
    # A path parameter now named `id`: the query `id` becomes `query_id`, and `id` means something else.
    doc = spec()
    doc["paths"]["/pets/{petId}"]["get"]["parameters"] = [{"name": "id", "in": "query", "schema": {"type": "string"}}]
    new = copy.deepcopy(doc)
    item = new["paths"].pop("/pets/{petId}")
    item["parameters"][0]["name"] = "id"
    new["paths"]["/pets/{id}"] = item
    assert summary([c for c in diff(new, old=doc) if c.tool == "get_pet"]) == [
        ("get_pet", "id", K.ARGUMENT_ADDED, True, "added (required)"),
        ("get_pet", "petId", K.ARGUMENT_REMOVED, True, "removed"),
        ("get_pet", "query_id", K.ARGUMENT_RENAMED, True, "renamed from id"),
    ]


def test_an_argument_made_required_is_breaking_and_made_optional_is_not() -> None:
    doc = spec()
    param(doc, "limit")["required"] = True
    doc["components"]["schemas"]["NewPet"]["required"] = []
    assert summary(diff(doc)) == [
        ("create_pet", "name", K.ARGUMENT_NO_LONGER_REQUIRED, False, "no longer required"),
        ("list_pets", "limit", K.ARGUMENT_NOW_REQUIRED, True, "now required"),
    ]


def test_a_type_change_is_breaking_unless_it_widens() -> None:
    doc = spec()
    param(doc, "limit")["schema"]["type"] = "number"  # every integer is a number
    doc["paths"]["/pets/{petId}"]["parameters"][0]["schema"]["type"] = "string"
    doc["components"]["schemas"]["NewPet"]["properties"]["tag"]["type"] = ["string", "null"]
    assert summary(diff(doc)) == [
        ("create_pet", "tag", K.ARGUMENT_TYPE_CHANGED, False, "type string → string | null"),
        ("delete_pet", "petId", K.ARGUMENT_TYPE_CHANGED, True, "type integer → string"),
        ("get_pet", "petId", K.ARGUMENT_TYPE_CHANGED, True, "type integer → string"),
        ("list_pets", "limit", K.ARGUMENT_TYPE_CHANGED, False, "type integer → number"),
    ]
    # ...and the reverse of a widening narrows.
    assert summary(diff(spec(), old=doc))[0] == (
        "create_pet",
        "tag",
        K.ARGUMENT_TYPE_CHANGED,
        True,
        "type string | null → string",
    )


def test_openapi_30_nullable_is_a_widening_type_change() -> None:
    old = spec()
    old["openapi"] = "3.0.3"
    new = copy.deepcopy(old)
    param(new, "limit")["schema"]["nullable"] = True
    assert summary(diff(new, old=old)) == [
        ("list_pets", "limit", K.ARGUMENT_TYPE_CHANGED, False, "type integer → integer | null")
    ]


def test_enum_values_removed_are_breaking_and_added_are_not_through_refs_and_array_items() -> None:
    doc = spec()
    doc["components"]["schemas"]["Status"]["enum"] = ["available", "pending", "archived"]
    param(doc, "species")["schema"]["items"]["enum"] = ["dog", "cat", "bird"]
    assert summary(diff(doc)) == [
        ("list_pets", "species[]", K.ARGUMENT_ENUM_WIDENED, False, 'enum values added: "bird"'),
        ("list_pets", "status", K.ARGUMENT_ENUM_NARROWED, True, 'enum values removed: "adopted"'),
        ("list_pets", "status", K.ARGUMENT_ENUM_WIDENED, False, 'enum values added: "archived"'),
    ]


def test_an_enum_imposed_is_breaking_and_lifted_is_not() -> None:
    doc = spec()
    doc["components"]["schemas"]["NewPet"]["properties"]["tag"]["enum"] = ["a", "b"]
    del doc["components"]["schemas"]["Status"]["enum"]
    assert summary(diff(doc)) == [
        ("create_pet", "tag", K.ARGUMENT_ENUM_NARROWED, True, 'now restricted to: "a", "b"'),
        ("list_pets", "status", K.ARGUMENT_ENUM_WIDENED, False, "no longer restricted to fixed values"),
    ]


def test_a_tighter_bound_is_breaking_and_a_looser_one_is_not() -> None:
    doc = spec()
    doc["components"]["schemas"]["NewPet"]["properties"]["name"]["maxLength"] = 32
    doc["components"]["schemas"]["NewPet"]["properties"]["tag"]["pattern"] = "^[a-z]+$"
    param(doc, "limit")["schema"]["maximum"] = 500
    del param(doc, "limit")["schema"]["minimum"]
    assert summary(diff(doc)) == [
        ("create_pet", "name", K.ARGUMENT_CONSTRAINT_CHANGED, True, "maxLength: 64 → 32"),
        ("create_pet", "tag", K.ARGUMENT_CONSTRAINT_CHANGED, True, 'pattern: (none) → "^[a-z]+$"'),
        ("list_pets", "limit", K.ARGUMENT_CONSTRAINT_CHANGED, False, "minimum: 1 → (none)"),
        ("list_pets", "limit", K.ARGUMENT_CONSTRAINT_CHANGED, False, "maximum: 100 → 500"),
    ]


def test_other_schema_changes_are_reported_but_not_breaking() -> None:
    doc = spec()
    param(doc, "limit")["schema"]["default"] = 20
    doc["components"]["schemas"]["NewPet"]["properties"]["tag"]["format"] = "slug"
    doc["components"]["schemas"]["NewPet"]["properties"]["tag"]["pattern"] = "^x"
    old = spec()
    old["components"]["schemas"]["NewPet"]["properties"]["tag"]["pattern"] = "^y"
    assert summary(diff(doc, old=old)) == [
        ("create_pet", "tag", K.ARGUMENT_CONSTRAINT_CHANGED, False, 'pattern: "^y" → "^x"'),
        ("create_pet", "tag", K.ARGUMENT_SCHEMA_CHANGED, False, 'format: (none) → "slug"'),
        ("list_pets", "limit", K.ARGUMENT_SCHEMA_CHANGED, False, "default: (none) → 20"),
    ]


def test_an_argument_description_change_is_reported_and_not_breaking() -> None:
    doc = spec()
    param(doc, "species")["description"] = "Species to include."
    assert summary(diff(doc)) == [("list_pets", "species", K.DESCRIPTION_CHANGED, False, "description changed")]


def test_nested_properties_are_compared_with_a_path() -> None:
    doc = spec()
    owner = doc["components"]["schemas"]["NewPet"]["properties"]["owner"]
    owner["required"] = ["email"]
    del owner["properties"]["phone"]
    owner["properties"]["name"] = {"type": "string"}
    changes = diff(doc)
    assert summary(changes) == [
        ("create_pet", "owner.email", K.ARGUMENT_NOW_REQUIRED, True, "now required"),
        ("create_pet", "owner.name", K.ARGUMENT_ADDED, False, "added (optional)"),
        # The nested object allows other properties: a call that still sends `phone` stays valid.
        (
            "create_pet",
            "owner.phone",
            K.ARGUMENT_REMOVED,
            False,
            "removed (still accepted: the object allows other properties)",
        ),
    ]
    assert (changes[0].argument, changes[0].path) == ("owner", ("email",))


def test_a_change_inside_a_recursive_schema_is_reported_once_and_terminates() -> None:
    doc = spec()
    doc["components"]["schemas"]["Category"]["properties"]["name"]["type"] = "integer"
    assert summary(diff(doc)) == [
        ("create_pet", "category.name", K.ARGUMENT_TYPE_CHANGED, True, "type string → integer")
    ]


def test_a_schema_moved_into_or_out_of_a_ref_is_no_change() -> None:
    doc = spec()
    param(doc, "status")["schema"] = {"type": "string", "enum": ["available", "pending", "adopted"]}
    assert diff(doc) == []


# --- output -----------------------------------------------------------------------------------------------------


def test_output_changes_break_when_the_tool_may_return_what_the_old_schema_did_not_allow() -> None:
    doc = spec()
    page = doc["components"]["schemas"]["Page"]
    page["required"] = ["items"]  # `total` may now be missing
    page["properties"]["order"]["enum"] = ["asc", "desc", "random"]
    page["properties"]["cursor"] = {"type": "string"}
    del page["properties"]["items"]
    assert summary(diff(doc)) == [
        ("list_pets", "output.cursor", K.OUTPUT_CHANGED, False, "added (optional)"),
        ("list_pets", "output.items", K.OUTPUT_CHANGED, True, "removed"),
        ("list_pets", "output.order", K.OUTPUT_CHANGED, True, 'enum values added: "random"'),
        ("list_pets", "output.total", K.OUTPUT_CHANGED, True, "no longer required"),
    ]
    narrower = spec()
    narrower["components"]["schemas"]["Page"]["properties"]["order"]["enum"] = ["asc"]
    assert [c.breaking for c in diff(narrower)] == [False]


def test_an_output_schema_removed_is_breaking_and_added_is_not() -> None:
    doc = spec()
    # An array result: MCP outputSchemas are objects, so the tool has none.
    content = doc["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]
    content["schema"] = {"type": "array", "items": {"type": "string"}}
    assert summary(diff(doc)) == [("list_pets", "output", K.OUTPUT_CHANGED, True, "schema removed")]
    assert summary(diff(spec(), old=doc)) == [("list_pets", "output", K.OUTPUT_CHANGED, False, "schema added")]


# --- order and rendering ----------------------------------------------------------------------------------------


def test_changes_are_sorted_by_tool_then_tool_level_first_then_argument() -> None:
    doc = spec()
    doc["paths"]["/pets"]["get"]["summary"] = "Search pets"
    param(doc, "limit")["required"] = True
    param(doc, "species")["description"] = "Which species to show."
    doc["paths"]["/pets"]["get"]["parameters"].reverse()
    doc["paths"] = dict(reversed(doc["paths"].items()))
    changes = diff(doc)
    assert [(c.tool, c.subject, c.kind) for c in changes] == [
        ("list_pets", None, K.DESCRIPTION_CHANGED),
        ("list_pets", None, K.DESCRIPTION_CHANGED),
        ("list_pets", "limit", K.ARGUMENT_NOW_REQUIRED),
        ("list_pets", "species", K.DESCRIPTION_CHANGED),
    ]
    new = build(doc)
    shuffled = dataclasses.replace(new, tools=tuple(reversed(new.tools)))
    assert diff_toolsets(build(spec()), shuffled) == changes


def test_render_text_groups_per_tool_and_marks_breaking_changes() -> None:
    doc = spec()
    del doc["paths"]["/pets/{petId}"]["delete"]
    param(doc, "limit")["required"] = True
    param(doc, "species")["description"] = "Which species to show."
    assert render_text(diff(doc)) == (
        "delete_pet\n"
        "  BREAKING  tool removed (DELETE /pets/{petId})\n"
        "list_pets\n"
        "  BREAKING  limit: now required\n"
        "            species: description changed\n"
        "\n"
        "3 changes, 2 breaking"
    )
    assert render_text(diff(doc)[:1]).endswith("\n\n1 change, 1 breaking")


def test_render_json_has_a_stable_shape() -> None:
    changes = diff(spec(), config={"tools": {"listPets": {"args": {"species": {"name": "kind"}}}}})
    data = render_json(changes)
    assert data == {
        "summary": {"changes": 1, "breaking": 1},
        "changes": [
            {
                "kind": "argument_renamed",
                "tool": "list_pets",
                "argument": "kind",
                "path": [],
                "breaking": True,
                "detail": "renamed from species",
                "previous": "species",
            }
        ],
    }
    assert json.loads(json.dumps(data)) == data


# --- fixtures ---------------------------------------------------------------------------------------------------

PETSTORE_V1_TO_V2 = """\
delete_pet
  BREAKING  tool removed (DELETE /pets/{id})
get_adoption
            tool added (GET /adoptions/{adoptionId})
get_pet_photo
            description changed
get_shelters_by_shelter_id_staff
  BREAKING  role: enum values removed: "volunteer"
search_pets
  BREAKING  tool renamed from list_pets (same operation: GET /pets)
            page: added (optional)
            sort: enum values added: "species", "-species"
  BREAKING  status: removed
shelters_search
  BREAKING  region: added (required)
update_owner
  BREAKING  ownerId: type integer → string

10 changes, 6 breaking"""


def test_the_petstore_fixture_pair_renders_exactly() -> None:
    old = build_toolset(str(FIXTURES / "diff" / "petstore-v1.yaml"))
    new = build_toolset(str(FIXTURES / "diff" / "petstore-v2.yaml"))
    changes = diff_toolsets(old, new)
    assert render_text(changes) == PETSTORE_V1_TO_V2
    assert render_json(changes)["summary"] == {"changes": 10, "breaking": 6}
    assert diff_toolsets(new, new) == []


def test_the_v1_fixture_is_a_copy_of_the_petstore_fixture() -> None:
    copied = (FIXTURES / "diff" / "petstore-v1.yaml").read_text(encoding="utf-8")
    assert copied == (FIXTURES / "petstore-3.0.yaml").read_text(encoding="utf-8")
