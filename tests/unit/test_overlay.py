"""Unit tests for converter.overlay: Overlay 1.0 validation, merge and remove semantics, copy-on-write."""

from __future__ import annotations

import copy
import subprocess
import sys
from typing import Any

import pytest

from converter.errors import Diagnostic, Location, OverlayError, Severity
from converter.loader import LoadedDocument, load_document
from converter.overlay import apply_overlay
from converter.parser import parse_api
from converter.selector import select_tools
from tests.conftest import FIXTURES, ROOT

URI = "shop.overlay.yaml"
INFO = {"title": "Test overlay", "version": "1.0.0"}


def overlay(*actions: Any, **fields: Any) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": INFO, "actions": list(actions), **fields}


def apply(document: dict[str, Any], *actions: Any) -> tuple[dict[str, Any], list[Diagnostic]]:
    return apply_overlay(document, overlay(*actions), overlay_uri=URI)


def applied(document: dict[str, Any], *actions: Any) -> dict[str, Any]:
    """The new document, asserting that no diagnostic was raised."""
    result, diagnostics = apply(document, *actions)
    assert diagnostics == []
    return result


def messages(diagnostics: list[Diagnostic]) -> list[str]:
    return [str(d) for d in diagnostics]


def spec() -> dict[str, Any]:
    """A small OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Shop", "version": "1", "contact": {"name": "Ops", "url": "https://ops.example"}},
        "servers": [{"url": "https://api.example"}],
        "tags": [{"name": "orders"}],
        "paths": {
            "/orders": {
                "get": {
                    "operationId": "listOrders",
                    "description": "Lists orders.",
                    "tags": ["orders"],
                    "parameters": [
                        {"name": "limit", "in": "query"},
                        {"name": "dummy", "in": "query"},
                        {"name": "filter", "in": "query"},
                        {"name": "dummy", "in": "header"},
                    ],
                    "responses": {"200": {"description": "OK"}},
                },
                "post": {"operationId": "createOrder", "responses": {"201": {"description": "Created"}}},
            },
            "/orders/{id}": {
                "get": {"operationId": "getOrder", "responses": {"200": {"description": "OK"}}},
                "delete": {"operationId": "deleteOrder", "responses": {"204": {"description": "Gone"}}},
            },
        },
        "components": {"schemas": {"Order": {"type": "object", "properties": {"id": {"type": "string"}}}}},
    }


# --- update ---------------------------------------------------------------------------------------------------


def test_update_merges_objects_recursively() -> None:
    result = applied(spec(), {"target": "$.info", "update": {"contact": {"name": "Sales", "email": "s@x"}, "x-a": 1}})
    assert result["info"] == {
        "title": "Shop",
        "version": "1",
        "contact": {"name": "Sales", "url": "https://ops.example", "email": "s@x"},
        "x-a": 1,
    }


def test_update_replaces_primitives_of_any_type() -> None:
    document = {"info": {"a": "text", "b": 1, "c": True, "d": None}}
    result = applied(document, {"target": "$.info", "update": {"a": 2, "b": None, "c": "yes", "d": False}})
    assert result["info"] == {"a": 2, "b": None, "c": "yes", "d": False}


def test_update_concatenates_a_nested_array() -> None:
    result = applied(spec(), {"target": "$.paths['/orders'].get", "update": {"tags": ["shop", "orders"]}})
    assert result["paths"]["/orders"]["get"]["tags"] == ["orders", "shop", "orders"]


def test_update_of_an_array_appends_one_entry() -> None:
    result = applied(spec(), {"target": "$.servers", "update": {"url": "http://localhost"}})
    assert result["servers"] == [{"url": "https://api.example"}, {"url": "http://localhost"}]


def test_update_of_an_array_with_an_array_concatenates() -> None:
    result = applied(spec(), {"target": "$.servers", "update": [{"url": "a"}, {"url": "b"}]})
    assert [s["url"] for s in result["servers"]] == ["https://api.example", "a", "b"]


def test_update_of_a_primitive_target_replaces_it() -> None:
    result = applied(spec(), {"target": "$.paths.*.*.description", "update": "Lists every order."})
    assert result["paths"]["/orders"]["get"]["description"] == "Lists every order."


def test_update_that_does_not_fit_leaves_the_node_unchanged() -> None:
    document = spec()
    update = {"description": "New.", "tags": {"name": "x"}}  # `tags` is an array in the document
    result, diagnostics = apply(document, {"target": "$.paths['/orders'].get", "update": update})
    assert result == document  # not even `description` was applied: a node is merged whole or not at all
    assert messages(diagnostics) == [
        f"error: {URI}#/actions/0: cannot merge an object into #/paths/~1orders/get/tags, which is an array; "
        "#/paths/~1orders/get left unchanged"
    ]


def test_update_that_does_not_fit_the_target_itself_is_reported_per_node() -> None:
    result, diagnostics = apply(spec(), {"target": "$.paths['/orders'].*.operationId", "update": {"x": 1}})
    assert result == spec()
    assert messages(diagnostics) == [
        f"error: {URI}#/actions/0: cannot merge an object into #/paths/~1orders/{method}/operationId, "
        "which is a string; left unchanged"
        for method in ("get", "post")
    ]


def test_update_inserts_its_own_copy_at_each_node() -> None:
    update = {"x-meta": {"owner": "ops"}}
    result = applied(spec(), {"target": "$.paths['/orders/{id}'].*", "update": update})
    first, second = (result["paths"]["/orders/{id}"][m]["x-meta"] for m in ("get", "delete"))
    assert first == second == {"owner": "ops"}
    assert first is not second
    assert first is not update["x-meta"]


def test_update_applies_once_to_a_node_selected_twice() -> None:
    result = applied(spec(), {"target": "$['tags','tags']", "update": {"name": "shop"}})
    assert result["tags"] == [{"name": "orders"}, {"name": "shop"}]


def test_update_of_the_root() -> None:
    update = {"info": {"x-overlaid": True}, "paths": {"/orders": {"get": {"summary": "List orders"}}}}
    result = applied(spec(), {"target": "$", "update": update})
    assert result["info"]["x-overlaid"] is True
    assert result["info"]["title"] == "Shop"
    assert result["paths"]["/orders"]["get"]["summary"] == "List orders"
    assert result["paths"]["/orders"]["get"]["operationId"] == "listOrders"


def test_update_ignored_when_remove_is_true() -> None:
    result = applied(spec(), {"target": "$.servers", "update": {"url": "x"}, "remove": True})
    assert "servers" not in result


def test_remove_false_with_an_update_updates() -> None:
    result = applied(spec(), {"target": "$.info", "update": {"x-a": 1}, "remove": False})
    assert result["info"]["x-a"] == 1


# --- remove ---------------------------------------------------------------------------------------------------


def test_remove_deletes_a_member() -> None:
    result = applied(spec(), {"target": "$.paths['/orders/{id}']", "remove": True})
    assert list(result["paths"]) == ["/orders"]


def test_remove_deletes_several_entries_of_one_array() -> None:
    target = "$.paths.*.get.parameters[?@.name == 'dummy' || @.name == 'limit']"
    result = applied(spec(), {"target": target, "remove": True})
    assert result["paths"]["/orders"]["get"]["parameters"] == [{"name": "filter", "in": "query"}]


def test_remove_of_a_node_and_its_descendant() -> None:
    document = {"a": [{"drop": 1, "b": [{"drop": 2}, {"keep": 3}]}, {"keep": 4}]}
    result = applied(document, {"target": "$..[?@.drop]", "remove": True})
    assert result == {"a": [{"keep": 4}]}


def test_remove_of_a_primitive() -> None:
    result = applied(spec(), {"target": "$.paths.*.*.description", "remove": True})
    assert "description" not in result["paths"]["/orders"]["get"]


def test_remove_of_the_root_is_an_error_diagnostic() -> None:
    result, diagnostics = apply(spec(), {"target": "$", "remove": True})
    assert result == spec()
    assert messages(diagnostics) == [f"error: {URI}#/actions/0: cannot remove the document root; skipped"]


# --- actions in order, filters --------------------------------------------------------------------------------


def test_actions_apply_in_order_to_the_previous_result() -> None:
    replace = {"target": "$", "update": {"servers": [{"url": "http://localhost"}]}}
    remove = {"target": "$.servers", "remove": True}
    assert applied(spec(), remove, replace)["servers"] == [{"url": "http://localhost"}]
    assert "servers" not in applied(spec(), replace, remove)


def test_a_later_action_selects_what_an_earlier_one_added() -> None:
    mark = {"target": "$.paths.*[?@.operationId == 'deleteOrder']", "update": {"x-internal": True}}
    hide = {"target": "$.paths.*[?@['x-internal'] == true]", "update": {"x-mcp": False}}
    result = applied(spec(), mark, hide)
    assert result["paths"]["/orders/{id}"]["delete"]["x-mcp"] is False
    assert "x-mcp" not in result["paths"]["/orders/{id}"]["get"]


def test_filter_selects_an_operation_by_operation_id() -> None:
    result = applied(spec(), {"target": "$.paths.*[?@.operationId=='getOrder']", "update": {"description": "One."}})
    assert result["paths"]["/orders/{id}"]["get"]["description"] == "One."
    assert "description" not in result["paths"]["/orders/{id}"]["delete"]


def test_filter_with_logical_operators_and_functions() -> None:
    target = "$.paths.*[?match(@.operationId, '(get|list)Orders?')].parameters[?@.name=='filter' && @.in=='query']"
    result = applied(spec(), {"target": target, "update": {"schema": {"type": "string"}}})
    assert result["paths"]["/orders"]["get"]["parameters"][2] == {
        "name": "filter",
        "in": "query",
        "schema": {"type": "string"},
    }


def test_descendant_segment_reaches_every_level() -> None:
    result = applied(spec(), {"target": "$..[?@.description == 'OK']", "update": {"description": "Success"}})
    assert result["paths"]["/orders"]["get"]["responses"]["200"]["description"] == "Success"
    assert result["paths"]["/orders/{id}"]["get"]["responses"]["200"]["description"] == "Success"


# --- diagnostics ----------------------------------------------------------------------------------------------


def test_target_that_selects_nothing_is_a_warning() -> None:
    result, diagnostics = apply(
        spec(),
        {"target": "$.info", "update": {"x-a": 1}},
        {"target": "$.paths['/nope'].get", "update": {"description": "x"}},
    )
    assert result["info"]["x-a"] == 1
    assert diagnostics == [
        Diagnostic(
            Severity.WARNING,
            Location(URI, ("actions", "1")),
            """target "$.paths['/nope'].get" selects nothing; no change""",
        )
    ]


def test_action_without_update_or_remove_is_a_warning() -> None:
    result, diagnostics = apply(spec(), {"target": "$.info"}, {"target": "$.info", "remove": False})
    assert result == spec()
    assert messages(diagnostics) == [
        f"warning: {URI}#/actions/{n}: has neither 'update' nor 'remove: true'; no change" for n in (0, 1)
    ]


# --- malformed overlays ---------------------------------------------------------------------------------------

ACTION = {"target": "$.info", "update": {"x-a": 1}}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([ACTION], ": must be an object, found an array"),
        (
            overlay(ACTION, action=[]),
            "#/action: unknown field; expected overlay, info, extends, actions or an x- extension",
        ),
        ({"info": INFO, "actions": [ACTION]}, ": missing required field 'overlay'"),
        (overlay(ACTION, overlay=1.0), "#/overlay: must be a version string such as '1.0.0', found a number"),
        (overlay(ACTION, overlay="1.1.0"), "#/overlay: unsupported Overlay version '1.1.0'; only 1.0.x is supported"),
        (overlay(ACTION, overlay="1.0"), "#/overlay: unsupported Overlay version '1.0'; only 1.0.x is supported"),
        ({"overlay": "1.0.0", "actions": [ACTION]}, ": missing required field 'info'"),
        (overlay(ACTION, info="Test"), "#/info: must be an object, found a string"),
        (overlay(ACTION, info={"version": "1"}), "#/info: missing required field 'title'"),
        (overlay(ACTION, info={"title": "T", "version": 1}), "#/info/version: must be a string, found a number"),
        (overlay(ACTION, extends=["a.yaml"]), "#/extends: must be a string, found an array"),
        ({"overlay": "1.0.0", "info": INFO}, ": missing required field 'actions'"),
        (overlay(actions={"0": ACTION}), "#/actions: must be an array, found an object"),
        (overlay(), "#/actions: must contain at least one action"),
        (overlay(ACTION, "$.info"), "#/actions/1: must be an object, found a string"),
        (
            overlay({"target": "$", "updates": {}}),
            "#/actions/0/updates: unknown field; expected target, description, update, remove or an x- extension",
        ),
        (overlay({"update": {}}), "#/actions/0: missing required field 'target'"),
        (overlay({"target": None, "remove": True}), "#/actions/0/target: must be a string, found null"),
        (overlay({"target": "$", "remove": "yes"}), "#/actions/0/remove: must be true or false, found a string"),
        (
            overlay({"target": "$", "description": 3, "remove": True}),
            "#/actions/0/description: must be a string, found a number",
        ),
        (
            overlay(ACTION, {"target": "$.tags", "remove": True}, ACTION),
            "#/actions/2: repeats actions/0; actions must be unique",
        ),
        (
            overlay(ACTION, ACTION | {"target": "$.paths["}),
            '#/actions/1/target: invalid JSONPath "$.paths[": unbalanced brackets at column 9',
        ),
        (
            overlay({"target": "info.title", "remove": True}),
            """#/actions/0/target: invalid JSONPath "info.title": expected '$', found 'i' at column 1""",
        ),
        (
            overlay({"target": "$[?count(@.*)]", "remove": True}),
            '#/actions/0/target: invalid JSONPath "$[?count(@.*)]": result of count() must be compared at column 3',
        ),
        (
            overlay({"target": "$[?nosuch(@)]", "remove": True}),
            "#/actions/0/target: invalid JSONPath \"$[?nosuch(@)]\": function 'nosuch' is not defined at column 4",
        ),
        (
            overlay({"target": "$.paths.*.get.x-mcp", "remove": True}),
            "#/actions/0/target: invalid JSONPath \"$.paths.*.get.x-mcp\": expected '.', '..' or a bracketed "
            "selection, found '-' at column 16; a name with '-' needs brackets: ['x-mcp']",
        ),
    ],
)
def test_malformed_overlay_is_an_error_with_its_location(document: Any, expected: str) -> None:
    with pytest.raises(OverlayError) as info:
        apply_overlay(spec(), document, overlay_uri=URI)
    assert str(info.value) == URI + expected


def test_malformed_overlay_is_rejected_before_any_action_applies() -> None:
    document = spec()
    with pytest.raises(OverlayError):
        apply_overlay(document, overlay({"target": "$", "remove": True}, {"target": "$["}), overlay_uri=URI)
    assert document == spec()


def test_extensions_and_extends_are_allowed() -> None:
    document = overlay(ACTION | {"x-note": "n"}, extends="./shop.yaml", **{"x-team": "docs"})
    document["info"] = INFO | {"description": "Info fields beyond title and version are tolerated."}
    result, diagnostics = apply_overlay(spec(), document, overlay_uri=URI)
    assert result["info"]["x-a"] == 1
    assert diagnostics == []


def test_patch_versions_of_1_0_are_accepted() -> None:
    result, _ = apply_overlay(spec(), overlay(ACTION, overlay="1.0.7"), overlay_uri=URI)
    assert result["info"]["x-a"] == 1


# --- copy-on-write --------------------------------------------------------------------------------------------


def test_input_document_and_overlay_are_not_mutated() -> None:
    document, before = spec(), spec()
    actions = (
        {"target": "$.paths.*.*", "update": {"x-seen": True, "tags": ["more"]}},
        {"target": "$.paths.*.get.parameters[?@.name == 'dummy']", "remove": True},
        {"target": "$.servers", "update": {"url": "http://localhost"}},
        {"target": "$", "update": {"info": {"contact": {"name": "Sales"}}}},
        {"target": "$.components", "remove": True},
    )
    document_overlay = overlay(*actions)
    overlay_before = copy.deepcopy(document_overlay)
    result, _ = apply_overlay(document, document_overlay, overlay_uri=URI)
    assert document == before
    assert document_overlay == overlay_before
    assert result != before


def test_untouched_subtrees_are_shared_and_touched_paths_are_copied() -> None:
    document = spec()
    result = applied(document, {"target": "$.paths['/orders'].get", "update": {"description": "New."}})
    assert result is not document
    assert result["paths"] is not document["paths"]
    assert result["paths"]["/orders"]["get"] is not document["paths"]["/orders"]["get"]
    assert result["paths"]["/orders"]["post"] is document["paths"]["/orders"]["post"]
    assert result["paths"]["/orders/{id}"] is document["paths"]["/orders/{id}"]
    assert result["components"] is document["components"]


def test_shared_yaml_nodes_are_edited_in_one_place_only() -> None:
    shared = {"description": "OK"}  # what a YAML anchor and its alias load as
    document = {"a": shared, "b": shared}
    result = applied(document, {"target": "$.a", "update": {"description": "Changed"}})
    assert result == {"a": {"description": "Changed"}, "b": {"description": "OK"}}
    assert shared == {"description": "OK"}


# --- files ----------------------------------------------------------------------------------------------------


def test_yaml_overlay_fixture_applies_to_the_pet_shelter() -> None:
    spec_file = load_document(str(FIXTURES / "petstore-3.0.yaml"))
    overlay_file = load_document(str(FIXTURES / "overlays" / "petstore-3.0.overlay.yaml"))
    result, diagnostics = apply_overlay(spec_file.data, overlay_file.data, overlay_uri=overlay_file.display)
    assert diagnostics == []
    paths = result["paths"]
    assert paths["/pets"]["get"]["description"].startswith("Lists the pets currently in the shelter's care")
    assert paths["/pets"]["post"]["description"].startswith("Registers a new pet with the shelter and assigns")
    assert paths["/pets/{id}"]["delete"]["x-mcp"] is False
    assert "/pets/findByTags" not in paths
    assert "/pets/findByTags" in spec_file.data["paths"]
    # Downstream, the overlaid document loses findPetsByTags (removed) and deletePet (`x-mcp: false`) as tools.
    tools = select_tools(parse_api(LoadedDocument(result, spec_file.uri, spec_file.display))).tools
    before = select_tools(parse_api(spec_file)).tools
    assert {t.operation_id for t in before} - {t.operation_id for t in tools} == {"findPetsByTags", "deletePet"}
    assert "Lists the pets currently" in next(t for t in tools if t.operation_id == "listPets").description


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("unsupported-version.yaml", "#/overlay: unsupported Overlay version '1.1.0'; only 1.0.x is supported"),
        (
            "dashed-name-target.yaml",
            '#/actions/1/target: invalid JSONPath "$.paths.*[?@.x-internal == true]": unexpected filter selector '
            "token '-' at column 15; a name with '-' needs brackets: ['x-internal']",
        ),
        (
            "misspelled-field.yaml",
            "#/actions/0/updates: unknown field; expected target, description, update, remove or an x- extension",
        ),
    ],
)
def test_invalid_overlay_fixtures(name: str, expected: str) -> None:
    loaded = load_document(str(FIXTURES / "overlays" / "invalid" / name))
    with pytest.raises(OverlayError) as info:
        apply_overlay(load_document(str(FIXTURES / "petstore-3.0.yaml")).data, loaded.data, overlay_uri=name)
    assert str(info.value) == name + expected


def test_importing_the_module_does_not_import_jsonpath() -> None:
    code = "import sys, converter.overlay; print('jsonpath_rfc9535' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
