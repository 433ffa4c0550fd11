"""Unit tests for converter.runtime.catalog: filling prompts, and which handlers a catalog gives the server."""

from __future__ import annotations

from typing import Any

import pytest

from converter.runtime.call import CallOptions, ToolCaller
from converter.runtime.catalog import PromptError, catalog_handlers, render_prompt
from converter.runtime.server import build_server

PROMPT: dict[str, Any] = {
    "name": "adopt",
    "description": "Find a pet.",
    "arguments": [
        {"name": "species", "description": "e.g. dog", "required": True},
        {"name": "city", "description": "", "required": True},
        {"name": "notes", "description": "", "required": False},
    ],
    "template": ["A ", "species", " in ", "city", ". ", "notes", ""],
}


def test_arguments_are_filled_in_and_an_optional_one_left_out_is_empty() -> None:
    assert render_prompt(PROMPT, {"species": "dog", "city": "Oslo"}) == "A dog in Oslo. "


def test_a_value_is_inserted_as_text_never_read_as_a_template() -> None:
    values = {"species": "{{city}}", "city": "{0.__class__}", "notes": "{{notes}}"}
    assert render_prompt(PROMPT, values) == "A {{city}} in {0.__class__}. {{notes}}"


def test_a_missing_required_argument_is_named_with_its_description() -> None:
    with pytest.raises(PromptError) as info:
        render_prompt(PROMPT, {"notes": "quiet"})
    assert str(info.value) == "prompt 'adopt' needs the argument 'species' (e.g. dog); also missing: city"


def test_an_empty_required_argument_counts_as_missing() -> None:
    with pytest.raises(PromptError, match="needs the argument 'city'"):
        render_prompt(PROMPT, {"species": "dog", "city": ""})


def test_an_undeclared_argument_is_refused() -> None:
    with pytest.raises(PromptError) as info:
        render_prompt(PROMPT, {"species": "dog", "city": "Oslo", "colour": "red"})
    assert str(info.value) == "prompt 'adopt' has no argument 'colour' (its arguments: species, city, notes)"


def test_an_empty_catalog_gives_no_handlers_so_no_capability() -> None:
    assert catalog_handlers({"prompts": [], "operations": [], "schemas": {}}) == {}


def test_handlers_are_given_only_for_what_the_catalog_holds() -> None:
    assert set(catalog_handlers({"prompts": [PROMPT], "operations": [], "schemas": {}})) == {
        "on_list_prompts",
        "on_get_prompt",
    }
    assert set(catalog_handlers({"prompts": [], "operations": ["a: GET /a"], "schemas": {}})) == {
        "on_list_resources",
        "on_list_resource_templates",
        "on_read_resource",
    }


def capabilities(catalog: dict[str, Any] | None) -> Any:
    caller = ToolCaller({}, security_schemes={}, credentials={}, options=CallOptions(mock=True))
    server = build_server(name="t", version="1", instructions="", listing=[], caller=caller, catalog=catalog)
    return server.get_capabilities()


def test_the_server_advertises_prompts_and_resources_only_when_it_has_some() -> None:
    empty = capabilities({"prompts": [], "operations": [], "schemas": {}})
    assert (empty.prompts, empty.resources) == (None, None)
    assert (capabilities(None).prompts, capabilities(None).resources) == (None, None)
    full = capabilities({"prompts": [PROMPT], "operations": ["a: GET /a"], "schemas": {}})
    assert full.prompts is not None and full.resources is not None


def test_a_tools_documentation_is_read_by_name_and_only_by_a_caller_given_that_tool() -> None:
    from converter.runtime.catalog import _read

    catalog = {"prompts": [], "operations": ["a: GET /a", "b: GET /b"], "schemas": {}, "docs": {"a": "a: GET /a"}}
    assert _read(catalog, "openapi://operations/a") == ("text/plain", "a: GET /a\n")
    assert _read(catalog, "openapi://operations/a", frozenset({"a"})) == ("text/plain", "a: GET /a\n")
    assert _read(catalog, "openapi://operations/a", frozenset({"b"})) is None
    assert _read(catalog, "openapi://operations/b") is None  # no documentation: no resource
    assert _read({**catalog, "docs": {}}, "openapi://operations/a") is None
    older = {"prompts": [], "operations": ["a: GET /a"], "schemas": {}}  # a catalog made before there were docs
    assert _read(older, "openapi://operations/a") is None
