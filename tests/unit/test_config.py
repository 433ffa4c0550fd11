"""Unit tests for converter.config: the config file's shape, every problem located as `file#/pointer: message`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from converter.config import (
    DEFAULT_MAX_TOKENS,
    DEFAULT_MAX_TOOLS,
    MISSING,
    Config,
    DeprecatedPolicy,
    did_you_mean,
    load_config,
    parse_config,
    spec_source,
)
from converter.errors import ConfigError, Location

WHERE = Location("c.yaml")


def parse(data: Any) -> Config:
    return parse_config(data, location=WHERE)


def error(data: Any) -> str:
    with pytest.raises(ConfigError) as info:
        parse(data)
    return str(info.value)


# --- defaults -----------------------------------------------------------------------------------------------


def test_empty_document_gives_the_defaults() -> None:
    config = parse(None)
    assert config == Config(location=WHERE)
    assert (config.include, config.exclude, config.read_only) == (None, None, False)
    assert config.deprecated is DeprecatedPolicy.INCLUDE
    assert (config.max_tools, config.max_tokens, config.description_max_chars) == (
        DEFAULT_MAX_TOOLS,
        DEFAULT_MAX_TOKENS,
        None,
    )
    assert dict(config.tools) == {}


def test_empty_file_loads_as_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "oa2mcp.yaml"
    path.write_text("# nothing configured yet\n", encoding="utf-8")
    config = load_config(str(path))
    assert config.tools == {} and config.include is None and config.spec is None
    assert config.location.file.endswith("oa2mcp.yaml")


def test_a_json_config_file_is_read_like_a_yaml_one(tmp_path: Path) -> None:
    path = tmp_path / "oa2mcp.json"
    path.write_text('{"read_only": true, "tools": {"listPets": {"name": "find"}}}', encoding="utf-8")
    config = load_config(str(path))
    assert config.read_only is True and config.tools["listPets"].name == "find"
    path.write_text('{"read_only": "true"}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"oa2mcp\.json#/read_only: expected true or false, got 'true' \(a string\)"):
        load_config(str(path))


def test_a_full_config_is_parsed_into_its_fields() -> None:
    config = parse(
        {
            "spec": "api.yaml",
            "base_url": "https://h/v1",
            "include": {"tags": ["pets"], "paths": ["/pets/**"], "methods": ["get", " Post "], "operations": ["x"]},
            "exclude": {"operations": ["GET /a"]},
            "read_only": True,
            "deprecated": "exclude",
            "tools": {
                "listPets": {
                    "name": "find",
                    "title": "Find",
                    "description": "Finds.",
                    "args": {"limit": {"default": 10}, "k": {"value": None}, "s": {"name": "kind", "description": ""}},
                    "annotations": {"readOnlyHint": False, "openWorldHint": False},
                }
            },
            "descriptions": {"max_chars": 300},
            "budget": {"max_tools": 5, "max_tokens": 900},
        }
    )
    assert (config.spec, config.base_url, config.read_only) == ("api.yaml", "https://h/v1", True)
    assert config.include is not None and config.exclude is not None
    assert config.include.methods == ("GET", "POST")
    assert config.include.paths == ("/pets/**",)
    assert config.include.location == WHERE.child("include")
    assert config.exclude.operations == ("GET /a",)
    assert config.deprecated is DeprecatedPolicy.EXCLUDE
    tool = config.tools["listPets"]
    assert (tool.key, tool.name, tool.title, tool.description) == ("listPets", "find", "Find", "Finds.")
    assert tool.annotations == {"read_only": False, "open_world": False}
    assert tool.location == WHERE.child("tools", "listPets")
    limit, fixed, renamed = tool.args["limit"], tool.args["k"], tool.args["s"]
    assert (limit.default, limit.value, limit.hidden) == (10, MISSING, False)
    assert (fixed.value, fixed.hidden) == (None, True)  # null is a value; a fixed value implies hidden
    assert (renamed.name, renamed.description, renamed.default) == ("kind", "", MISSING)
    assert (config.description_max_chars, config.max_tools, config.max_tokens) == (300, 5, 900)


@pytest.mark.parametrize("block", ["include", "exclude"])
def test_a_single_string_is_accepted_where_a_list_is_expected(block: str) -> None:
    rules = getattr(parse({block: {"tags": "pets", "methods": "get", "paths": "/a", "operations": "x"}}), block)
    assert (rules.tags, rules.methods, rules.paths, rules.operations) == (("pets",), ("GET",), ("/a",), ("x",))


# --- unknown keys, at every level -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"includes": {}}, "c.yaml#/includes: unknown key 'includes' (did you mean 'include'?)"),
        ({"include": {"tag": ["a"]}}, "c.yaml#/include/tag: unknown key 'tag' (did you mean 'tags'?)"),
        ({"exclude": {"path": ["/a"]}}, "c.yaml#/exclude/path: unknown key 'path' (did you mean 'paths'?)"),
        ({"tools": {"op": {"nmae": "x"}}}, "c.yaml#/tools/op/nmae: unknown key 'nmae' (did you mean 'name'?)"),
        (
            {"tools": {"op": {"args": {"a": {"defualt": 1}}}}},
            "c.yaml#/tools/op/args/a/defualt: unknown key 'defualt' (did you mean 'default'?)",
        ),
        (
            {"tools": {"op": {"annotations": {"readOnly": True}}}},
            "c.yaml#/tools/op/annotations/readOnly: unknown annotation 'readOnly' (did you mean 'readOnlyHint'?)",
        ),
        (
            {"descriptions": {"max_char": 3}},
            "c.yaml#/descriptions/max_char: unknown key 'max_char' (did you mean 'max_chars'?)",
        ),
        (
            {"budget": {"max_tool": 3}},
            "c.yaml#/budget/max_tool: unknown key 'max_tool' (did you mean 'max_tools'?)",
        ),
    ],
)
def test_unknown_keys_are_located_with_did_you_mean(data: Any, expected: str) -> None:
    assert error(data) == expected


def test_an_unknown_key_nothing_resembles_lists_the_allowed_keys() -> None:
    assert error({"tools": {"op": {"zzz": 1}}}) == (
        "c.yaml#/tools/op/zzz: unknown key 'zzz' (allowed: name, title, description, args, annotations, response)"
    )


def test_a_key_with_a_slash_is_escaped_in_the_location() -> None:
    message = error({"tools": {"GET /pets/{id}": {"args": {"id": {"hidden": "yes"}}}}})
    assert message.startswith("c.yaml#/tools/GET ~1pets~1{id}/args/id/hidden: ")


# --- wrong types ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([1, 2], "c.yaml: expected a mapping of settings (spec, include, exclude, tools, …), got a list"),
        (
            "spec.yaml",
            "c.yaml: expected a mapping of settings (spec, include, exclude, tools, …), got 'spec.yaml' (a string)",
        ),
        ({"spec": 3}, "c.yaml#/spec: expected a string, got 3 (a number)"),
        ({"spec": "  "}, "c.yaml#/spec: must not be empty"),
        ({"base_url": None}, "c.yaml#/base_url: expected a string, got null"),
        ({"read_only": "yes"}, "c.yaml#/read_only: expected true or false, got 'yes' (a string)"),
        ({"include": ["pets"]}, "c.yaml#/include: expected a mapping, got a list"),
        ({"include": {"tags": {"a": 1}}}, "c.yaml#/include/tags: expected a list of strings, got a mapping"),
        ({"include": {"tags": ["a", 2]}}, "c.yaml#/include/tags/1: expected a string, got 2 (a number)"),
        ({"tools": ["listPets"]}, "c.yaml#/tools: expected a mapping, got a list"),
        ({"tools": {"op": None}}, "c.yaml#/tools/op: expected a mapping, got null"),
        (
            {"tools": {"op": {"args": {"limit": 10}}}},
            "c.yaml#/tools/op/args/limit: expected a mapping, got 10 (a number)",
        ),
        ({"tools": {"op": {"name": ""}}}, "c.yaml#/tools/op/name: must not be empty"),
        ({"tools": {"op": {"title": False}}}, "c.yaml#/tools/op/title: expected a string, got false (a boolean)"),
        (
            {"tools": {"op": {"annotations": {"readOnlyHint": "no"}}}},
            "c.yaml#/tools/op/annotations/readOnlyHint: expected true or false, got 'no' (a string)",
        ),
        (
            {"tools": {"op": {"args": {"a": {"hidden": 1}}}}},
            "c.yaml#/tools/op/args/a/hidden: expected true or false, got 1 (a number)",
        ),
    ],
)
def test_wrong_types_are_located(data: Any, expected: str) -> None:
    assert error(data) == expected


def test_a_long_string_value_is_shortened_in_the_message() -> None:
    message = error({"read_only": "x" * 100})
    assert message == f"c.yaml#/read_only: expected true or false, got '{'x' * 39}…' (a string)"


# --- contradictions ---------------------------------------------------------------------------------------------


def test_value_and_default_together_is_an_error() -> None:
    assert error({"tools": {"op": {"args": {"a": {"value": 1, "default": 2}}}}}) == (
        "c.yaml#/tools/op/args/a: give 'value' (fixed) or 'default' (changeable), not both"
    )


def test_value_with_hidden_false_is_an_error() -> None:
    assert error({"tools": {"op": {"args": {"a": {"value": 1, "hidden": False}}}}}) == (
        "c.yaml#/tools/op/args/a/hidden: an argument with a fixed 'value' is always hidden"
    )


@pytest.mark.parametrize("field", ["name", "description"])
def test_a_hidden_argument_cannot_be_renamed_or_described(field: str) -> None:
    assert error({"tools": {"op": {"args": {"a": {"hidden": True, field: "x"}}}}}) == (
        "c.yaml#/tools/op/args/a: a hidden argument is not shown: 'name' and 'description' do not apply"
    )


def test_a_fixed_value_cannot_be_renamed() -> None:
    message = error({"tools": {"op": {"args": {"a": {"value": 1, "name": "b"}}}}})
    assert message == "c.yaml#/tools/op/args/a: a hidden argument is not shown: 'name' and 'description' do not apply"


def test_a_hidden_argument_with_a_default_is_an_error_not_a_silent_no_op() -> None:
    # The model never sends a hidden argument, so a default would never be shown; only `value` is ever sent.
    assert error({"tools": {"op": {"args": {"a": {"hidden": True, "default": 5}}}}}) == (
        "c.yaml#/tools/op/args/a: a hidden argument is never sent by the model: "
        "give it a 'value' (always sent) instead of a 'default'"
    )


# --- values -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("BREW", "c.yaml#/include/methods/0: 'BREW' is not an HTTP method"),
        ("gte", "c.yaml#/include/methods/0: 'gte' is not an HTTP method (did you mean 'GET'?)"),
        ("PUTT", "c.yaml#/include/methods/0: 'PUTT' is not an HTTP method (did you mean 'PUT'?)"),
    ],
)
def test_a_bad_method_is_an_error(method: str, expected: str) -> None:
    assert error({"include": {"methods": [method]}}) == expected


@pytest.mark.parametrize("method", ["get", "HEAD", " patch ", "Trace", "options"])
def test_methods_are_upper_cased(method: str) -> None:
    rules = parse({"exclude": {"methods": [method]}}).exclude
    assert rules is not None and rules.methods == (method.strip().upper(),)


def test_a_path_glob_must_start_with_a_slash() -> None:
    assert error({"exclude": {"paths": ["/ok", "pets/*"]}}) == (
        "c.yaml#/exclude/paths/1: a path glob starts with '/', got 'pets/*'"
    )


@pytest.mark.parametrize("block", ["include", "exclude"])
@pytest.mark.parametrize(
    "body", [{}, {"tags": []}, {"tags": None}, {"tags": [], "paths": [], "methods": [], "operations": None}]
)
def test_an_empty_rule_block_is_an_error(block: str, body: dict[str, Any]) -> None:
    assert error({block: body}) == (
        f"c.yaml#/{block}: lists nothing: give (or uncomment) tags, paths, methods or operations, or leave it out"
    )


def test_a_rule_key_whose_items_are_all_commented_out_is_empty() -> None:
    rules = parse({"include": {"tags": None, "operations": ["listPets"]}}).include
    assert rules is not None and (rules.tags, rules.operations) == ((), ("listPets",))


@pytest.mark.parametrize(
    ("value", "shown"),
    [("remove", "'remove' (a string)"), (True, "true (a boolean)"), (None, "null"), (["exclude"], "a list")],
)
def test_deprecated_must_be_include_or_exclude(value: Any, shown: str) -> None:
    assert error({"deprecated": value}) == f"c.yaml#/deprecated: expected include or exclude, got {shown}"


@pytest.mark.parametrize("value", ["include", "exclude"])
def test_deprecated_policy_is_parsed(value: str) -> None:
    assert parse({"deprecated": value}).deprecated is DeprecatedPolicy(value)


@pytest.mark.parametrize(
    ("data", "where", "shown"),
    [
        ({"budget": {"max_tools": 0}}, "budget/max_tools", "0 (a number)"),
        ({"budget": {"max_tools": -3}}, "budget/max_tools", "-3 (a number)"),
        ({"budget": {"max_tokens": 1.5}}, "budget/max_tokens", "1.5 (a number)"),
        ({"budget": {"max_tokens": True}}, "budget/max_tokens", "true (a boolean)"),
        ({"budget": {"max_tokens": "100"}}, "budget/max_tokens", "'100' (a string)"),
        ({"descriptions": {"max_chars": 0}}, "descriptions/max_chars", "0 (a number)"),
        ({"descriptions": {"max_chars": None}}, "descriptions/max_chars", "null"),
    ],
)
def test_budget_and_max_chars_must_be_positive_integers(data: Any, where: str, shown: str) -> None:
    assert error(data) == f"c.yaml#/{where}: expected a positive integer, got {shown}"


def test_blocks_that_are_not_mappings_are_errors() -> None:
    assert error({"budget": 40}) == "c.yaml#/budget: expected a mapping, got 40 (a number)"
    assert error({"descriptions": "short"}) == "c.yaml#/descriptions: expected a mapping, got 'short' (a string)"
    assert error({"tools": {"op": {"annotations": ["readOnlyHint"]}}}) == (
        "c.yaml#/tools/op/annotations: expected a mapping, got a list"
    )


# --- helpers ----------------------------------------------------------------------------------------------------


def test_did_you_mean_finds_close_names_case_insensitively_or_nothing() -> None:
    assert did_you_mean("listpet", {"listPets", "createPet"}) == " (did you mean 'listPets'?)"
    assert did_you_mean("LISTPETS", ["listPets"]) == " (did you mean 'listPets'?)"
    assert did_you_mean("zzz", ("listPets",)) == ""
    assert did_you_mean("x", set()) == ""


def test_spec_source_is_relative_to_the_config_file() -> None:
    def source(spec: str | None) -> str | None:
        return spec_source(Config(spec=spec), "conf/dir/oa2mcp.yaml")

    assert source("../api.yaml") == "conf/dir/../api.yaml"
    assert source("/abs/api.yaml") == "/abs/api.yaml"
    assert source("https://example.com/api.yaml") == "https://example.com/api.yaml"
    assert source(None) is None


def test_the_example_config_parses() -> None:
    from tests.conftest import FIXTURES

    config = load_config(str(FIXTURES / "configs" / "pets.yaml"))
    assert config.include is not None and config.include.tags == ("pets",)
    assert set(config.tools) == {"listPets", "pets/get-by-id", "shelters.search"}
    assert config.tools["listPets"].args["X-Request-ID"].value == "adoption-desk"
    assert config.description_max_chars == 400
