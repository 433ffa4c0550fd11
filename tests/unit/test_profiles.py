"""Client profiles through the selector: names within the client's limits, arguments renamed for clients that
need it (the wire keeps its names), the schema the API accepts kept for the runtime."""

from __future__ import annotations

from typing import Any

import pytest

from converter.config import parse_config
from converter.errors import ConfigError, Location
from converter.loader import LoadedDocument
from converter.parser import parse_api
from converter.selector import Budgets, select_tools
from converter.tools import ToolSet

LONG_ID = "listEveryPetThatTheShelterCaresForRightNowIncludingTheOnesOnHold"
PATHS: dict[str, Any] = {
    "/pets": {
        "get": {
            "operationId": LONG_ID,
            "parameters": [
                {"name": "filter.status", "in": "query", "schema": {"type": "string"}},
                {"name": "filter-status", "in": "query", "schema": {"type": "string"}},
                {"name": "1st", "in": "query", "required": True, "schema": {"type": "integer"}},
            ],
            "responses": {"200": {"description": "OK"}},
        }
    },
    "/pets/{id}": {"get": {"operationId": "3dsCheck", "responses": {"200": {"description": "OK"}}}},
}


def toolset(profile: str | None = None, config: Any = None, **budgets: Any) -> ToolSet:
    doc = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": PATHS}
    api = parse_api(LoadedDocument(doc, "/n/api.json", "api.json"))
    return select_tools(api, profile=profile, config=config, budgets=Budgets(**budgets))


@pytest.mark.parametrize(("profile", "limit"), [("portable", 64), ("anthropic", 41), ("cursor", 44), ("vscode", 43)])
def test_names_fit_the_profile_and_stay_deterministic(profile: str, limit: int) -> None:
    names = [tool.name for tool in toolset(profile).tools]
    assert all(len(name) <= limit for name in names)
    assert names == [tool.name for tool in toolset(profile).tools]
    assert names[0].startswith("list_every_pet") and len(set(names)) == 2


def test_gemini_names_start_with_a_letter_and_its_arguments_are_renamed_for_the_model_only() -> None:
    tool = toolset("gemini").tools[0]
    assert toolset("gemini").tools[1].name == "_3ds_check"
    assert list(tool.input_schema["properties"]) == ["filter_status", "filter_status_2", "_1st"]
    assert tool.input_schema["required"] == ["_1st"]
    wire = {binding.arg: binding.wire_name for binding in tool.binding.args}
    assert wire == {"filter_status": "filter.status", "filter_status_2": "filter-status", "_1st": "1st"}
    assert tool.argument_check is not None
    assert list(tool.argument_check.schema["properties"]) == ["filter_status", "filter_status_2", "_1st"]


def test_the_portable_profile_keeps_no_second_schema() -> None:
    assert all(tool.argument_check is None for tool in toolset().tools)


def test_the_config_chooses_the_profile_and_budget_and_the_call_wins() -> None:
    config = parse_config({"client_profile": "cursor", "schema_budget": 0}, location=Location("c.yaml"))
    assert config.client_profile == "cursor" and config.schema_budget == 0
    assert len(toolset(config=config).tools[0].name) <= 44
    assert len(toolset("portable", config=config).tools[0].name) > 44


def test_a_configured_name_the_profile_cannot_take_is_an_error() -> None:
    config = parse_config({"tools": {LONG_ID: {"name": "x" * 50}}}, location=Location("c.yaml"))
    with pytest.raises(ConfigError, match=r"c.yaml#/tools/.*/name: 'x{50}' does not fit the cursor client profile"):
        toolset("cursor", config=config)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"client_profile": "gemeni"},
            "c.yaml#/client_profile: unknown client profile 'gemeni' (did you mean 'gemini'?)",
        ),
        (
            {"client_profile": "x"},
            "c.yaml#/client_profile: unknown client profile 'x' (profiles: portable, openai, "
            "gemini, anthropic, cursor, vscode)",
        ),
        (
            {"schema_budget": -1},
            "c.yaml#/schema_budget: expected a number of characters (0: no limit), got -1 (a number)",
        ),
    ],
)
def test_bad_profile_and_budget_keys_are_located(data: Any, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(data, location=Location("c.yaml"))
    assert str(caught.value) == expected


def test_a_schema_budget_of_zero_means_no_limit_and_an_explicit_one_warns_when_it_cannot_be_met() -> None:
    assert not [d for d in toolset(schema_chars=0).diagnostics if "schema budget" in d.message]
    notes = [d for d in toolset(schema_chars=50).diagnostics if "schema budget" in d.message]
    assert notes and all(d.severity.value == "warning" for d in notes)
    assert "over the 50-character schema budget" in notes[0].message
