"""Unit tests for converter.overrides (and the naming of configured tools in converter.selector): renames,
defaults, fixed and hidden arguments, annotations, collisions — each reaching the schema AND the binding."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from converter.config import ToolOverride, parse_config
from converter.errors import ConfigError, Location
from converter.loader import LoadedDocument
from converter.overrides import apply_override, check_tool_name
from converter.parser import parse_api
from converter.selector import select_tools
from converter.tools import Tool, ToolSet

REQUEST_ID = {"name": "X-Request-ID", "in": "header", "schema": {"type": "string"}}
PATHS: dict[str, Any] = {
    "/pets": {
        "get": {
            "operationId": "listPets",
            "summary": "List pets",
            "parameters": [
                REQUEST_ID,
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                {"name": "species", "in": "query", "description": "Species.", "schema": {"type": "string"}},
                {"name": "filter[status]", "in": "query", "schema": {"type": "string", "enum": ["a", "b"]}},
                {"name": "status", "in": "query", "deprecated": True, "schema": {"type": "string"}},
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "region", "in": "query", "schema": {"type": "string", "pattern": "^\\p{L}+$"}},
            ],
        },
        "post": {
            "operationId": "createPet",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["name", "category"],
                            "properties": {
                                "name": {"type": "string"},
                                "category": {"$ref": "#/components/schemas/Node"},
                                "tag": {"type": "string"},
                            },
                        }
                    }
                },
            },
        },
    },
    "/pets/{petId}": {
        "get": {
            "operationId": "getPet",
            "parameters": [
                {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}},
                {"name": "session", "in": "cookie", "schema": {"type": "string"}},
            ],
        }
    },
    "/owners": {"get": {"summary": "List owners"}},
}
COMPONENTS = {
    "schemas": {
        "Node": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            },
        }
    }
}


def build(config: Any, paths: dict[str, Any] | None = None) -> ToolSet:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": paths if paths is not None else PATHS,
        "components": COMPONENTS,
    }
    api = parse_api(LoadedDocument(doc, "/n/api.json", "api.json"))
    return select_tools(api, config=parse_config(config, location=Location("c.yaml")) if config is not None else None)


def tool(config: Any, name: str, paths: dict[str, Any] | None = None) -> Tool:
    tools = {t.name: t for t in build(config, paths).tools}
    return tools[name]


def args_of(config: dict[str, Any], op: str = "listPets") -> dict[str, Any]:
    return {"tools": {op: {"args": config}}}


def error(config: Any, paths: dict[str, Any] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        build(config, paths)
    return str(info.value)


def wire(t: Tool) -> dict[str, str]:
    """arg → wire name, from the binding."""
    return {a.arg: a.wire_name for a in t.binding.args}


# --- the tool itself --------------------------------------------------------------------------------------------


def test_without_overrides_the_tool_is_unchanged() -> None:
    plain = tool(None, "list_pets")
    assert tool({"tools": {"listPets": {}}}, "list_pets") == plain
    assert plain.binding.fixed == {} and plain.binding.defaults == {}


def test_tool_name_title_and_description_are_replaced() -> None:
    config = {"tools": {"listPets": {"name": "find_pets", "title": "Find pets", "description": "Use <this> *as is*."}}}
    toolset = build(config)
    assert "list_pets" not in {t.name for t in toolset.tools}
    found = tool(config, "find_pets")
    assert (found.title, found.description) == ("Find pets", "Use <this> *as is*.")  # the user's own text, verbatim
    assert found.operation_id == "listPets"


def test_descriptions_max_chars_cuts_generated_descriptions_but_not_the_users_own() -> None:
    paths = copy.deepcopy(PATHS)
    paths["/pets"]["get"]["description"] = "Shows animals. " + "More words here. " * 20
    own = "A description the user wrote, longer than the limit on purpose."
    toolset = build({"descriptions": {"max_chars": 60}, "tools": {"getPet": {"description": own}}}, paths)
    tools = {t.name: t for t in toolset.tools}
    assert tools["list_pets"].description == "List pets.\n\nShows animals. More words here. …"
    assert tools["get_pet"].description == own
    assert len(tool(None, "list_pets", paths).description) > 300
    short = tool({"descriptions": {"body_chars": 100}}, "list_pets", paths)  # the text past the summary cut …
    assert short.description.startswith("List pets.\n\nShows animals. More words here.")
    assert short.description.endswith("…") and len(short.description) < 120
    assert ("More words here. " * 20).strip() in short.documentation  # … all of it in the documentation resource


def test_a_tool_without_operation_id_is_configured_by_method_and_path() -> None:
    found = tool({"tools": {"GET /owners": {"name": "owners"}}}, "owners")
    assert found.binding.path == "/owners"


def test_annotations_are_changed_and_the_others_kept() -> None:
    plain = tool(None, "get_pet").annotations
    changed = tool({"tools": {"getPet": {"annotations": {"openWorldHint": False, "idempotentHint": False}}}}, "get_pet")
    assert (plain.open_world, plain.idempotent) == (True, True)
    assert (changed.annotations.open_world, changed.annotations.idempotent) == (False, False)
    assert (changed.annotations.read_only, changed.annotations.destructive) == (plain.read_only, plain.destructive)


# --- argument renames -------------------------------------------------------------------------------------------


def test_an_argument_rename_keeps_the_wire_name_and_the_position() -> None:
    plain = tool(None, "list_pets")
    renamed = tool(args_of({"species": {"name": "kind"}, "filter_status": {"name": "state"}}), "list_pets")
    assert list(renamed.input_schema["properties"]) == [
        {"species": "kind", "filter_status": "state"}.get(name, name) for name in plain.input_schema["properties"]
    ]
    assert renamed.input_schema["properties"]["kind"] == plain.input_schema["properties"]["species"]
    assert wire(renamed)["kind"] == "species"
    assert wire(renamed)["state"] == "filter[status]"
    assert "species" not in wire(renamed) and "filter_status" not in wire(renamed)
    assert [a.arg for a in renamed.binding.args] == list(renamed.input_schema["properties"])


def test_renaming_a_required_argument_renames_it_in_the_required_list() -> None:
    renamed = tool(args_of({"q": {"name": "query"}}), "list_pets")
    assert renamed.input_schema["required"] == ["query"]
    assert wire(renamed)["query"] == "q"
    binding = next(a for a in renamed.binding.args if a.arg == "query")
    assert binding.required is True


def test_renaming_body_path_and_cookie_arguments_keeps_their_wire_names() -> None:
    body = tool(args_of({"name": {"name": "pet_name"}}, "createPet"), "create_pet")
    assert wire(body)["pet_name"] == "name"
    assert body.input_schema["required"] == ["pet_name", "category"]
    path = tool(args_of({"petId": {"name": "id"}, "session": {"name": "sid"}}, "getPet"), "get_pet")
    assert wire(path) == {"id": "petId", "sid": "session"}
    assert path.binding.path == "/pets/{petId}"


def test_an_argument_description_is_replaced_or_removed() -> None:
    described = tool(args_of({"species": {"description": "One species, e.g. dog."}}), "list_pets")
    assert described.input_schema["properties"]["species"]["description"] == "One species, e.g. dog."
    removed = tool(args_of({"species": {"description": ""}}), "list_pets")
    assert "description" not in removed.input_schema["properties"]["species"]
    assert removed.input_schema["properties"]["species"]["type"] == "string"


def test_the_original_schema_is_not_changed_by_an_override() -> None:
    plain = tool(None, "list_pets")
    before = copy.deepcopy(plain.input_schema)
    override = parse_config(
        args_of({"species": {"name": "kind", "description": ""}, "limit": {"default": 5}, "q": {"value": "x"}}),
        location=Location("c.yaml"),
    ).tools["listPets"]
    changed = apply_override(plain, override)
    assert plain.input_schema == before
    assert changed.input_schema != before


# --- defaults ---------------------------------------------------------------------------------------------------


def test_a_default_is_shown_in_the_schema_and_recorded_in_the_binding() -> None:
    found = tool(args_of({"limit": {"default": 10}}), "list_pets")
    assert found.input_schema["properties"]["limit"]["default"] == 10
    assert found.binding.defaults == {"limit": 10}
    assert found.binding.fixed == {}
    assert "limit" in wire(found)


def test_a_default_makes_a_required_argument_optional() -> None:
    found = tool(args_of({"q": {"default": "*"}}), "list_pets")
    assert "required" not in found.input_schema  # q was the only required argument
    assert found.binding.defaults == {"q": "*"}


def test_a_default_on_a_renamed_argument_is_keyed_by_the_new_name() -> None:
    found = tool(args_of({"q": {"default": "*", "name": "query"}}), "list_pets")
    assert found.binding.defaults == {"query": "*"}
    assert found.input_schema["properties"]["query"]["default"] == "*"


@pytest.mark.parametrize(
    ("arg", "default", "message"),
    [
        ("limit", 0, "default 0 is not valid for this argument: 0 is less than the minimum of 1"),
        ("limit", "ten", "default 'ten' is not valid for this argument: 'ten' is not of type 'integer'"),
        ("filter_status", "c", "default 'c' is not valid for this argument: 'c' is not one of ['a', 'b']"),
    ],
)
def test_a_default_the_schema_rejects_is_an_error(arg: str, default: Any, message: str) -> None:
    assert error(args_of({arg: {"default": default}})) == f"c.yaml#/tools/listPets/args/{arg}/default: {message}"


# --- fixed values -----------------------------------------------------------------------------------------------


def test_a_fixed_value_is_hidden_from_the_schema_but_kept_in_the_binding() -> None:
    found = tool(args_of({"X-Request-ID": {"value": "desk"}}), "list_pets")
    assert "X-Request-ID" not in found.input_schema["properties"]
    assert found.binding.fixed == {"X-Request-ID": "desk"}
    assert wire(found)["X-Request-ID"] == "X-Request-ID"  # still bound, so the runtime can send it


def test_fixing_a_required_argument_removes_it_from_required() -> None:
    found = tool(args_of({"q": {"value": "all"}}), "list_pets")
    assert "q" not in found.input_schema["properties"]
    assert "required" not in found.input_schema
    assert found.binding.fixed == {"q": "all"}


def test_a_fixed_value_is_validated_against_the_argument_schema() -> None:
    assert error(args_of({"limit": {"value": 1000}})) == (
        "c.yaml#/tools/listPets/args/limit/value: value 1000 is not valid for this argument: "
        "1000 is greater than the maximum of 100"
    )


def test_a_fixed_value_is_validated_through_a_ref_into_defs() -> None:
    create = tool(None, "create_pet")
    assert create.input_schema["properties"]["category"] == {"$ref": "#/$defs/Node"}
    assert "Node" in create.input_schema["$defs"]
    ok = tool(args_of({"category": {"value": {"name": "a", "children": [{"name": "b"}]}}}, "createPet"), "create_pet")
    assert ok.binding.fixed == {"category": {"name": "a", "children": [{"name": "b"}]}}
    assert "category" not in ok.input_schema["properties"]
    assert ok.input_schema["required"] == ["name"]
    message = error(args_of({"category": {"value": {"name": "a", "children": [{"nom": "b"}]}}}, "createPet"))
    assert message == (
        "c.yaml#/tools/createPet/args/category/value: value {'name': 'a', 'children': [{'nom': 'b'}]} is not valid "
        "for this argument: 'name' is a required property"
    )


def test_a_pattern_python_cannot_compile_is_checked_as_the_runtime_checks_it() -> None:
    # `\p{L}` is ECMA-262 only; the runtime's validator rewrites it, and so must the config check (no crash).
    assert tool(args_of({"region": {"default": "Europe"}}), "list_pets").binding.defaults == {"region": "Europe"}
    assert error(args_of({"region": {"default": "eu-1"}})) == (
        "c.yaml#/tools/listPets/args/region/default: default 'eu-1' is not valid for this argument: "
        "'eu-1' does not match '^\\\\p{L}+$'"
    )


@pytest.mark.parametrize(
    "schema",
    [{"type": "strng"}, {"$ref": "#/$defs/Missing"}, {"minimum": "x"}],
    ids=["unknown-type", "dangling-ref", "bad-keyword"],
)
def test_a_value_for_a_schema_that_cannot_check_it_is_accepted(schema: dict[str, Any]) -> None:
    plain = tool(None, "list_pets")
    properties = {**plain.input_schema["properties"], "limit": schema}
    broken = dataclasses.replace(plain, input_schema={**plain.input_schema, "properties": properties})
    override = parse_config(args_of({"limit": {"value": 3}}), location=Location("c.yaml")).tools["listPets"]
    assert apply_override(broken, override).binding.fixed == {"limit": 3}


# --- hidden arguments -------------------------------------------------------------------------------------------


def test_a_hidden_optional_argument_leaves_the_schema_and_the_binding() -> None:
    found = tool(args_of({"species": {"hidden": True}, "X-Request-ID": {"hidden": True}}), "list_pets")
    assert "species" not in found.input_schema["properties"]
    assert "X-Request-ID" not in found.input_schema["properties"]
    assert "species" not in wire(found) and "X-Request-ID" not in wire(found)
    assert found.binding.fixed == {}
    assert [a.arg for a in found.binding.args] == list(found.input_schema["properties"])


def test_hiding_a_required_argument_without_a_value_is_an_error() -> None:
    assert error(args_of({"q": {"hidden": True}})) == (
        "c.yaml#/tools/listPets/args/q: 'q' is required: give it a 'value' to send when it is hidden"
    )


def test_x_mcp_hidden_args_reach_the_schema_and_binding() -> None:
    paths = copy.deepcopy(PATHS)
    paths["/pets"]["get"]["x-mcp"] = {"hidden_args": {"q": "all"}}
    paths["/pets/{petId}"]["get"]["x-mcp"] = {"hidden_args": ["session"], "name": "fetch_pet"}
    listed = tool(None, "list_pets", paths)
    assert listed.binding.fixed == {"q": "all"} and "q" not in listed.input_schema["properties"]
    fetched = tool(None, "fetch_pet", paths)
    assert "session" not in fetched.input_schema["properties"] and "session" not in wire(fetched)


def test_an_x_mcp_hidden_required_argument_without_a_value_is_located_in_the_spec() -> None:
    paths = copy.deepcopy(PATHS)
    paths["/pets"]["get"]["x-mcp"] = {"hidden_args": ["q"]}
    assert error(None, paths) == (
        "api.json#/paths/~1pets/get/x-mcp/hidden_args/0: 'q' is required: give it a 'value' to send when it is hidden"
    )


# --- unknown arguments, invalid names, collisions -------------------------------------------------------------


def test_an_unknown_argument_is_an_error_with_did_you_mean() -> None:
    assert error(args_of({"specie": {"name": "kind"}})) == (
        "c.yaml#/tools/listPets/args/specie: the tool has no argument 'specie' (did you mean 'species'?)"
    )


def test_an_unknown_argument_nothing_resembles_lists_the_arguments() -> None:
    assert error(args_of({"zzz": {"default": 1}}, "getPet")) == (
        "c.yaml#/tools/getPet/args/zzz: the tool has no argument 'zzz' (arguments: petId, session)"
    )


def test_renaming_onto_an_existing_argument_is_an_error() -> None:
    assert error(args_of({"species": {"name": "limit"}})) == (
        "c.yaml#/tools/listPets/args/species/name: the tool already has an argument 'limit'"
    )


def test_two_arguments_renamed_to_one_name_is_an_error() -> None:
    assert error(args_of({"species": {"name": "kind"}, "q": {"name": "kind"}})) == (
        "c.yaml#/tools/listPets/args/q/name: the tool already has an argument 'kind'"
    )


@pytest.mark.parametrize("order", ["fixed-first", "rename-first"])
def test_renaming_onto_a_fixed_argument_is_an_error_in_either_order(order: str) -> None:
    # Otherwise two binding entries share the name and the fixed value silently replaces the model's.
    entries = [("X-Request-ID", {"value": "desk"}), ("species", {"name": "X-Request-ID"})]
    args = dict(entries if order == "fixed-first" else entries[::-1])
    assert (
        error(args_of(args))
        == "c.yaml#/tools/listPets/args/species/name: the tool already has an argument 'X-Request-ID'"
    )


@pytest.mark.parametrize("order", ["hidden-first", "rename-first"])
def test_an_argument_can_take_the_name_of_a_hidden_one_in_either_order(order: str) -> None:
    # e.g. hide a deprecated `status` and show `filter_status` under that name: the hidden one is gone entirely.
    entries = [("status", {"hidden": True}), ("filter_status", {"name": "status"})]
    found = tool(args_of(dict(entries if order == "hidden-first" else entries[::-1])), "list_pets")
    assert wire(found)["status"] == "filter[status]"
    assert [a.arg for a in found.binding.args].count("status") == 1
    assert found.input_schema["properties"]["status"]["enum"] == ["a", "b"]
    assert "filter_status" not in found.input_schema["properties"]


def test_swapping_two_argument_names_is_refused() -> None:
    assert "already has an argument" in error(args_of({"species": {"name": "q"}, "q": {"name": "species"}}))


def test_renaming_an_argument_to_its_own_name_is_allowed() -> None:
    assert tool(args_of({"species": {"name": "species"}}), "list_pets") == tool(None, "list_pets")


@pytest.mark.parametrize("name", ["has space", "a/b", "x" * 65, "ünï"])
def test_an_invalid_argument_name_is_an_error(name: str) -> None:
    assert error(args_of({"species": {"name": name}})) == (
        f"c.yaml#/tools/listPets/args/species/name: '{name}' is not a valid argument name"
        " (1-64 characters: letters, digits, '_', '.' and '-')"
    )


@pytest.mark.parametrize("name", ["find pets", "find.pets", "x" * 65, "ünï"])
def test_an_invalid_tool_name_is_an_error(name: str) -> None:
    assert error({"tools": {"listPets": {"name": name}}}) == (
        f"c.yaml#/tools/listPets/name: '{name}' is not a valid tool name"
        " (1-64 characters: letters, digits, '_' and '-')"
    )


def test_an_invalid_x_mcp_tool_name_is_located_in_the_spec() -> None:
    paths = copy.deepcopy(PATHS)
    paths["/pets"]["get"]["x-mcp"] = {"name": "list pets"}
    assert error(None, paths).startswith("api.json#/paths/~1pets/get/x-mcp/name: 'list pets' is not a valid tool name")


def test_an_x_mcp_tool_name_is_located_in_the_spec_even_when_the_config_configures_that_tool() -> None:
    paths = copy.deepcopy(PATHS)
    paths["/pets"]["get"]["x-mcp"] = {"name": "list pets"}
    paths["/pets/{petId}"]["get"]["x-mcp"] = {"name": "pets"}
    config = {"tools": {"listPets": {"title": "Pets"}, "getPet": {"title": "Pet"}}}
    assert error(config, paths).startswith("api.json#/paths/~1pets/get/x-mcp/name: 'list pets' is not a valid")
    paths["/pets"]["get"]["x-mcp"] = {"name": "pets"}
    assert error(config, paths) == (
        "api.json#/paths/~1pets~1{petId}/get/x-mcp/name: 'pets' is already the name of the tool for 'listPets'"
    )
    assert tool({"tools": {"listPets": {"name": "all_pets"}, "getPet": {"title": "Pet"}}}, "all_pets", paths)


def test_check_tool_name_accepts_64_characters() -> None:
    check_tool_name("a" * 64, ToolOverride(key="k"))
    check_tool_name("A-b_9", ToolOverride(key="k"))


def test_two_configured_tool_names_that_are_equal_are_an_error() -> None:
    config = {"tools": {"listPets": {"name": "pets"}, "getPet": {"name": "pets"}}}
    assert error(config) == "c.yaml#/tools/getPet/name: 'pets' is already the name of the tool for 'listPets'"


def test_a_configured_name_equal_to_an_x_mcp_name_is_an_error() -> None:
    paths = copy.deepcopy(PATHS)
    paths["/pets"]["get"]["x-mcp"] = {"name": "pets"}
    assert "'pets' is already the name of the tool for" in error({"tools": {"getPet": {"name": "pets"}}}, paths)


@pytest.mark.parametrize("op", ["createPet", "GET /owners"])
def test_a_configured_name_equal_to_a_generated_one_keeps_it_and_the_generated_one_is_suffixed(op: str) -> None:
    # getPet would be named get_pet; the configured tool takes that name wherever it sits in the spec.
    names = {t.name: t.operation_id or t.binding.path for t in build({"tools": {op: {"name": "get_pet"}}}).tools}
    assert names["get_pet"] == (op if op != "GET /owners" else "/owners")
    (suffixed,) = [name for name, source in names.items() if source == "getPet"]
    assert suffixed.startswith("get_pet_") and len(suffixed) == len("get_pet_") + 6


def test_a_configured_name_equal_to_its_own_generated_name_changes_nothing() -> None:
    assert [t.name for t in build({"tools": {"listPets": {"name": "list_pets"}}}).tools] == [
        t.name for t in build(None).tools
    ]


def test_an_argument_may_be_named_by_its_wire_name() -> None:
    # As a spec author writes it in x-mcp: `filter[status]`, not the generated `filter_status`.
    t = tool(args_of({"filter[status]": {"value": "a"}, "species": {"name": "kind"}}), "list_pets")
    assert "filter_status" not in t.input_schema["properties"]
    assert t.binding.fixed == {"filter_status": "a"}
    assert wire(t)["filter_status"] == "filter[status]"
    assert wire(t)["kind"] == "species"  # an argument's own name still wins over a wire name
    message = error(args_of({"filter[stat]": {"value": "a"}}))
    assert "c.yaml#/tools/listPets/args/filter[stat]: the tool has no argument 'filter[stat]'" in message
