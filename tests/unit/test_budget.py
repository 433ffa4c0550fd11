"""Unit tests for converter.budget: the warning past the tool or token budget, and what it names."""

from __future__ import annotations

import dataclasses
from typing import Any

from converter.budget import budget_warning
from converter.config import Config, parse_config
from converter.errors import Location, Severity
from converter.loader import LoadedDocument
from converter.parser import parse_api
from converter.selector import select_tools
from converter.tools import ToolSet, estimate_tokens

WHERE = Location("c.yaml")


def toolset(count: int, *, tags: tuple[str, ...] = ("a", "b")) -> ToolSet:
    paths: dict[str, Any] = {
        f"/r{index}": {"get": {"operationId": f"op{index}", "tags": [tags[index % len(tags)]]}}
        for index in range(count)
    }
    doc = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": paths}
    return select_tools(parse_api(LoadedDocument(doc, "/n/api.json", "api.json")))


def test_no_warning_within_the_budget_or_without_tools() -> None:
    assert budget_warning(toolset(3), Config(max_tools=3), where=WHERE) is None
    assert budget_warning(toolset(0), Config(max_tools=1, max_tokens=1), where=WHERE) is None


def test_more_tools_than_the_budget_is_a_warning_naming_the_biggest_tools_and_tags() -> None:
    tools = toolset(4)
    warning = budget_warning(tools, Config(max_tools=3), where=WHERE)
    assert warning is not None
    assert (warning.severity, warning.location) == (Severity.WARNING, WHERE)
    total = sum(estimate_tokens(tool) for tool in tools.tools)
    assert warning.message.startswith(f"4 tools, ~{total:,} tokens in tools/list (budget: 3 tools, 20,000 tokens)")
    assert "Biggest tools: op0 (~" in warning.message
    assert "Biggest tags: a (2 tools, ~" in warning.message and "b (2 tools, ~" in warning.message


def test_more_tokens_than_the_budget_is_a_warning_even_with_few_tools() -> None:
    tools = toolset(1)
    size = estimate_tokens(tools.tools[0])
    assert budget_warning(tools, Config(max_tokens=size), where=WHERE) is None
    warning = budget_warning(tools, Config(max_tokens=size - 1), where=WHERE)
    assert warning is not None and warning.message.startswith(
        f"1 tool, ~{size:,} tokens in tools/list (budget: 40 tools"
    )
    assert "a (1 tool, ~" in warning.message


def test_untagged_tools_are_grouped_and_at_most_five_are_named() -> None:
    tools = toolset(8)
    untagged = dataclasses.replace(tools, tools=tuple(dataclasses.replace(t, tags=()) for t in tools.tools))
    warning = budget_warning(untagged, Config(max_tools=1), where=WHERE)
    assert warning is not None
    assert "(untagged) (8 tools, ~" in warning.message
    named = warning.message.split("Biggest tools: ")[1].split(". Biggest tags")[0]
    assert named.count("(~") == 5


def test_select_tools_adds_the_warning_located_in_the_config() -> None:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {f"/r{i}": {"get": {"operationId": f"op{i}"}} for i in range(3)},
    }
    api = parse_api(LoadedDocument(doc, "/n/api.json", "api.json"))
    config = parse_config({"budget": {"max_tools": 2}}, location=WHERE)
    (warning,) = [d for d in select_tools(api, config=config).diagnostics if d.severity is Severity.WARNING]
    assert warning.location == WHERE and "budget: 2 tools" in warning.message
    config = parse_config({"budget": {"max_tools": 1}}, location=WHERE)
    assert "(budget: 1 tool, 20,000 tokens)" in select_tools(api, config=config).diagnostics[0].message
    assert not select_tools(api, config=parse_config({"budget": {"max_tools": 3}}, location=WHERE)).diagnostics
    without_config = select_tools(api)
    assert not without_config.diagnostics  # 3 tools: far within the default budget
