"""Out of the box: serve every tool against the local upstream (conftest.py) and call each one."""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from pet_shelter_mcp import auth, models
from pet_shelter_mcp.main import load_tools
from pet_shelter_mcp.runtime.mock import example_value
from pet_shelter_mcp.runtime.validation import argument_problems, compile_validator, prepare_arguments

TOOLS = load_tools()
# Test credentials by scheme: basic takes user:password; an oauth2 value without ':' is a ready token (with
# client_id:secret the server would fetch a token from the spec's tokenUrl, on the network).
CREDENTIALS = {"basic": "tester:secret", "oauth2": "test-token"}
LISTING = {entry["name"]: entry for entry in TOOLS["listing"]}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def arguments_for(name: str) -> dict[str, Any]:
    value = example_value(LISTING[name]["inputSchema"])
    return value if isinstance(value, dict) else {}


def test_every_tool_has_its_table_entry_and_models() -> None:
    assert set(TOOLS["table"]) == set(LISTING) == set(models.ARGUMENTS)
    assert set(models.RESULTS) == {name for name, entry in LISTING.items() if "outputSchema" in entry}


@pytest.mark.anyio
async def test_every_tool_is_served_and_reaches_the_upstream(upstream: Any) -> None:
    credentials = {
        auth.CREDENTIAL_VARIABLES[name][0]: CREDENTIALS.get(scheme.get("scheme") or scheme["type"], "test-credential")
        for name, scheme in auth.SECURITY_SCHEMES.items()
    }
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "pet_shelter_mcp", "--base-url", upstream.url, "--timeout", "10", "--tools", "tools"],
        env={**os.environ, **credentials},
    )
    async with Client(params) as client:
        listing = await client.list_tools()
        assert {tool.name for tool in listing.tools} == set(LISTING)
        for name, entry in LISTING.items():
            arguments = arguments_for(name)
            upstream.answer_as = name
            before = len(upstream.received)
            result = await client.call_tool(name, arguments)
            text = "\n".join(getattr(item, "text", "") for item in result.content)
            # Checked as the server checks a call: against what the API accepts (argumentCheck, when the tools were
            # built for a client profile or a schema budget), else the inputSchema.
            check = TOOLS["table"][name].get("argumentCheck")
            validator = compile_validator((check or {}).get("schema") or entry["inputSchema"], arguments=True)
            if argument_problems(validator, prepare_arguments(arguments, check, validator)):
                # The generated example cannot satisfy this schema (e.g. a pattern): the server must say so.
                assert result.is_error and text.startswith("Invalid arguments"), (name, text)
                assert len(upstream.received) == before
                continue
            method = TOOLS["table"][name]["binding"]["method"]
            assert upstream.received[before:], f"{name}: nothing reached the upstream ({text})"
            assert upstream.received[-1][0] == method, name
            assert not text.startswith("Internal error"), (name, text)
