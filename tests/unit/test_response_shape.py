"""Which tools are shaped and how: the `fields` argument, paging arguments, and the config's `response:`."""

from __future__ import annotations

import pytest

from converter.config import parse_config
from converter.errors import ConfigError, Location
from converter.loader import load_document
from converter.parser import parse_api
from converter.response_shape import with_fields_hint
from converter.selector import select_tools
from converter.tools import Tool
from tests.conftest import FIXTURES


def tools(config: dict[str, object] | None = None) -> dict[str, Tool]:
    api = parse_api(load_document(str(FIXTURES / "petstore-3.0.yaml")))
    parsed = parse_config(config, location=Location("c.yaml")) if config is not None else None
    return {tool.name: tool for tool in select_tools(api, config=parsed).tools}


def test_a_json_tool_gets_the_fields_argument_and_a_response_entry_others_do_not() -> None:
    shaped = tools()
    pets = shaped["list_pets"]
    assert pets.response == {"maxItems": 30, "dropLinks": True, "pageArgs": [], "fieldsArg": "fields"}
    assert pets.input_schema["properties"]["fields"]["type"] == "string"
    assert "fields" not in pets.input_schema.get("required", [])
    assert pets.description.endswith("\nReturns: a page of pets; `fields` (JMESPath) picks parts.")
    assert all("fields" not in arg.arg for arg in pets.binding.args)  # never sent upstream
    photo = shaped["get_pet_photo"]  # answers image/png only
    assert photo.response is None and "fields" not in photo.input_schema["properties"]


def test_config_response_settings_apply_globally_and_per_tool() -> None:
    shaped = tools(
        {"response": {"max_items": 5, "fields": False}, "tools": {"listPets": {"response": {"shape": False}}}}
    )
    assert shaped["list_pets"].response is None
    assert "fields" not in shaped["list_pets"].input_schema["properties"]
    assert shaped["pets_get_by_id"].response == {"maxItems": 5, "dropLinks": True, "pageArgs": []}
    assert "fields" not in shaped["pets_get_by_id"].input_schema["properties"]


def test_max_items_null_means_never_cut() -> None:
    assert "maxItems" not in (tools({"response": {"max_items": None}})["list_pets"].response or {})


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"response": {"max_item": 3}}, "c.yaml#/response/max_item: unknown key 'max_item'"),
        ({"response": {"max_items": 0}}, "c.yaml#/response/max_items:"),
        ({"response": {"shape": "yes"}}, "c.yaml#/response/shape:"),
        ({"tools": {"listPets": {"response": []}}}, "c.yaml#/tools/listPets/response:"),
    ],
)
def test_bad_response_settings_are_located(config: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(config, location=Location("c.yaml"))
    assert str(info.value).startswith(message)


def test_the_fields_hint_joins_the_returns_line_or_is_a_line_of_its_own() -> None:

    assert with_fields_hint("Get a pet.\n\nReturns: Pet.\nErrors: 404: gone.", "fields") == (
        "Get a pet.\n\nReturns: Pet; `fields` (JMESPath) picks parts.\nErrors: 404: gone."
    )
    assert (
        with_fields_hint("What the user wrote", "fields")
        == "What the user wrote\n`fields` (JMESPath) picks part of the result."
    )
    assert with_fields_hint("", "result_fields") == "`result_fields` (JMESPath) picks part of the result."
