"""Instructions, prompts and resources end to end: the SDK client reads them from `oa2mcp serve --config` (stdio
and streamable HTTP) and from the server `oa2mcp generate` wrote for the same config, which must answer alike."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError

from converter.codegen.project import ProjectOptions, generate_project
from converter.config import load_config
from converter.pipeline import build_toolset
from tests.conftest import FIXTURES, ROOT
from tests.e2e.servers import http_mcp_server
from tests.e2e.test_serve import ENV
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio

CONFIG = "fixtures/configs/pets.yaml"
SELECTED = ["find_pets", "create_pet", "import_pets", "get_pet", "pets_update", "find_shelters"]
PACKAGE = "pets_catalog_mcp"


def _runtime(upstream: Upstream) -> list[str]:
    return ["--base-url", f"{upstream.url}/v1", "--timeout", "2"]


@asynccontextmanager
async def served(transport: str, upstream: Upstream, command: list[str], env: dict[str, str]) -> AsyncIterator[Client]:
    cmd = [*command, *_runtime(upstream)]
    if transport == "stdio":
        params = StdioServerParameters(command=cmd[0], args=cmd[1:], env=env, cwd=str(ROOT))
        async with Client(params) as client:
            yield client
        return
    async with (
        http_mcp_server([*cmd, "--transport", "http", "--port", "0"], env=env, cwd=ROOT) as url,
        Client(url) as client,
    ):
        yield client


SERVE = [sys.executable, "-m", "converter", "serve", "--config", CONFIG]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The configured server as `oa2mcp generate` writes it (importable via PYTHONPATH, not installed)."""
    root = tmp_path_factory.mktemp("generated-catalog")
    toolset = build_toolset(str(FIXTURES / "petstore-3.0.yaml"), with_mock=True, config=load_config(CONFIG))
    for path, text in generate_project(toolset, ProjectOptions(package=PACKAGE)).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    yield root


async def catalog(client: Client) -> dict[str, Any]:
    """Everything the client can read besides tools, as plain data."""
    resources = (await client.list_resources()).resources
    return {
        "instructions": client.instructions,
        "prompts": [p.model_dump(mode="json") for p in (await client.list_prompts()).prompts],
        "guide": (await client.get_prompt("use_api")).model_dump(mode="json"),
        "find_a_pet": (await client.get_prompt("find_a_pet", {"species": "cat"})).model_dump(mode="json"),
        "resources": [r.model_dump(mode="json") for r in resources],
        "templates": [t.model_dump(mode="json") for t in (await client.list_resource_templates()).resource_templates],
        "read": {r.uri: (await client.read_resource(r.uri)).model_dump(mode="json") for r in resources},
        "docs": {
            tool.name: (await client.read_resource(f"openapi://operations/{tool.name}")).model_dump(mode="json")
            for tool in (await client.list_tools()).tools
        },
    }


def text(result: Any) -> str:
    (content,) = result.contents
    return str(content.text)


@pytest.mark.parametrize("transport", ["stdio", "http"])
async def test_instructions_prompts_and_resources_are_served(transport: str, upstream: Upstream) -> None:
    async with served(transport, upstream, SERVE, {**os.environ, **ENV}) as client:
        capabilities = client.server_capabilities
        assert capabilities.prompts is not None and capabilities.resources is not None
        assert client.instructions is not None
        assert client.instructions.startswith("The Pet Shelter API lets animal shelters")
        # The spec's words, then the config's, then the argument descriptions many tools share (said once).
        words, _, shared = client.instructions.partition("Never delete a pet; ask a member of staff instead.")
        assert words and shared.startswith("\n\n")
        assert "- X-Request-ID: Correlation id echoed back in the response." in shared

        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert list(prompts) == ["use_api", "find_a_pet"]
        assert [(a.name, a.required) for a in prompts["find_a_pet"].arguments or []] == [
            ("species", True),
            ("notes", False),
        ]
        got = await client.get_prompt("find_a_pet", {"species": "rabbit", "notes": "has a garden"})
        (message,) = got.messages
        assert message.role == "user" and message.content.type == "text"
        assert message.content.text == (
            "A visitor is looking for a rabbit. Find available pets of that species with find_pets and\n"
            "suggest up to three, with one line each on why they fit. The visitor also said: has a garden\n"
        )
        with pytest.raises(MCPError, match="prompt 'find_a_pet' needs the argument 'species'"):
            await client.get_prompt("find_a_pet", {"notes": "quiet"})
        with pytest.raises(MCPError, match="Unknown prompt: adopt"):
            await client.get_prompt("adopt")
        guide = (await client.get_prompt("use_api")).messages[0].content.text
        assert "- pets: find_pets, create_pet, import_pets, get_pet, pets_update\n- shelters: find_shelters\n" in guide

        listed = [r.uri for r in (await client.list_resources()).resources]
        assert listed[0] == "openapi://operations"
        schemas = sorted(uri.removeprefix("openapi://schemas/") for uri in listed[1:])
        assert schemas == ["Category", "NewPet", "Owner", "Pet", "PetBase", "Shelter", "Species"]
        templates = (await client.list_resource_templates()).resource_templates
        assert [t.uri_template for t in templates] == ["openapi://operations/{name}", "openapi://schemas/{name}"]

        lines = text(await client.read_resource("openapi://operations")).splitlines()
        assert [line.split(":", 1)[0] for line in lines] == SELECTED
        assert lines[0] == "find_pets: GET /pets — Find pets"
        assert not any("/photo" in line for line in lines)  # excluded by the config

        # A tool's whole documentation: its description uncut (tools/list shows 100 characters of the text past
        # the summary), every error, and each argument's description, its properties' below it.
        docs = text(await client.read_resource("openapi://operations/find_shelters"))
        (listed,) = [t for t in (await client.list_tools()).tools if t.name == "find_shelters"]
        assert docs.startswith("find_shelters: GET /shelters\n\nSearch the shelter directory.\n\nSearches the")
        assert listed.description is not None and "…" in listed.description
        assert "rather than retry the same request." in docs and "retry" not in listed.description
        assert "\nArguments:\n" in docs and "\n- near: " in docs
        with pytest.raises(MCPError, match="Unknown resource: openapi://operations/upload_pet_photo"):
            await client.read_resource("openapi://operations/upload_pet_photo")  # excluded by the config

        pet = json.loads(text(await client.read_resource("openapi://schemas/Pet")))
        assert pet["description"] == "A pet in the shelter's care."
        assert pet["properties"]["species"] == {"$ref": "openapi://schemas/Species"}
        assert pet["properties"]["createdAt"]["readOnly"] is True
        with pytest.raises(MCPError, match="Unknown resource: openapi://schemas/PhotoInfo"):
            await client.read_resource("openapi://schemas/PhotoInfo")  # only the excluded photo upload uses it


async def test_the_generated_server_serves_the_same_catalog(upstream: Upstream, generated: Path) -> None:
    async with served("stdio", upstream, SERVE, {**os.environ, **ENV}) as client:
        expected = await catalog(client)
    env = {**os.environ, **ENV, "PYTHONPATH": str(generated)}
    async with served("stdio", upstream, [sys.executable, "-m", PACKAGE], env) as client:
        made = await catalog(client)
    assert made == expected
    assert expected["find_a_pet"]["messages"][0]["content"]["text"].startswith("A visitor is looking for a cat.")
    assert len(expected["read"]) == 8
    assert list(expected["docs"]) == SELECTED
