"""Inbound security at start-up and in generated servers: what refuses to start (exit 2, one line), the
`--insecure-no-auth` warning, and a server `oa2mcp generate --config` wrote enforcing the config's clients."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp.shared.exceptions import MCPError

from converter.clients import access_policy
from converter.codegen.project import ProjectOptions, generate_project
from converter.config import load_config
from converter.pipeline import build_toolset
from tests.conftest import FIXTURES, ROOT
from tests.e2e.inbound import READER_KEY, USER_TOKEN, client_with, post, tool_names, write_config
from tests.e2e.servers import http_mcp_server
from tests.e2e.test_serve import ENV, text_of
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio

SPEC = str(FIXTURES / "petstore-3.0.yaml")
CLIENTS = """\
  reader:
    key_env: TEST_READER_KEY
    tools: [list_pets, pets_get_by_id]
"""


def serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "converter", "serve", *args, "--transport", "http", "--port", "0"]
    environ = {**os.environ, **(env or {})}
    return subprocess.run(cmd, check=False, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (
            [SPEC, "--host", "0.0.0.0"],
            {},
            "oa2mcp: refusing to serve on 0.0.0.0 without authentication: set OA2MCP_API_KEYS, --api-keys-file, "
            "--jwks-url/--jwks-file or clients in the config (or pass --insecure-no-auth)",
        ),
        ([SPEC, "--rate-limit", "ten"], {}, "oa2mcp: --rate-limit: 'ten' is not a rate"),
        ([SPEC, "--jwt-issuer", "https://issuer.example"], {}, "oa2mcp: JWT verification needs --jwt-issuer and one"),
        ([SPEC, "--api-keys-file", "/nonexistent/keys"], {}, "oa2mcp: --api-keys-file /nonexistent/keys: cannot read"),
        (["--config", "CONFIG"], {"TEST_READER_KEY": ""}, "oa2mcp: client 'reader': the environment variable"),
    ],
    ids=["no-auth-off-loopback", "bad-rate", "jwt-without-jwks", "missing-keys-file", "client-key-unset"],
)
def test_what_cannot_work_refuses_to_start_in_one_line(
    args: list[str], env: dict[str, str], message: str, tmp_path: Path
) -> None:
    if "CONFIG" in args:
        args[args.index("CONFIG")] = str(write_config(tmp_path / "c.yaml", CLIENTS))
    result = serve(*args, env=env)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr


async def test_insecure_no_auth_serves_off_loopback_with_a_warning(upstream: Upstream) -> None:
    cmd = [sys.executable, "-m", "converter", "serve", SPEC, "--base-url", f"{upstream.url}/v1"]
    cmd += ["--transport", "http", "--port", "0", "--host", "0.0.0.0", "--insecure-no-auth"]
    lines: list[str] = []
    async with http_mcp_server(cmd, env={**os.environ, **ENV}, cwd=ROOT, stderr_lines=lines) as url:
        local = url.replace("0.0.0.0", "127.0.0.1")
        assert (await post(local)).status_code == 200
    assert any("warning: serving on 0.0.0.0 without authentication (--insecure-no-auth)" in line for line in lines)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The Pet Shelter server `oa2mcp generate --config` writes for a config with a client and forwarded headers."""
    root = tmp_path_factory.mktemp("generated")
    config_path = write_config(root / "oa2mcp.yaml", CLIENTS, extra="forward_headers: [X-User-Token]\n")
    config = load_config(str(config_path))
    toolset = build_toolset(SPEC, config=config, with_mock=True)
    options = ProjectOptions(spec_name="petstore-3.0.yaml", access=access_policy(config, toolset))
    for path, text in generate_project(toolset, options).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    yield root


async def test_a_generated_server_enforces_the_configs_clients(generated: Path, upstream: Upstream) -> None:
    tools_json = (generated / "pet_shelter_mcp" / "tools.json").read_text(encoding="utf-8")
    assert '"key_env": "TEST_READER_KEY"' in tools_json and READER_KEY not in tools_json
    cmd = [sys.executable, "-m", "pet_shelter_mcp", "--base-url", f"{upstream.url}/v1", "--transport", "http"]
    cmd += ["--port", "0"]
    env = {**os.environ, **ENV, "PYTHONPATH": str(generated), "TEST_READER_KEY": READER_KEY}
    async with http_mcp_server(cmd, env=env, cwd=ROOT) as url:
        assert (await post(url)).status_code == 401
        async with client_with(url, {"X-API-Key": READER_KEY, "X-User-Token": USER_TOKEN}) as client:
            assert tool_names(await client.list_tools()) == {"list_pets", "pets_get_by_id"}
            result = await client.call_tool("pets_get_by_id", {"id": 7})
            assert result.is_error is False, text_of(result)
            assert upstream.last().headers["x-user-token"] == USER_TOKEN
            with pytest.raises(MCPError, match="Unknown tool: delete_pet"):
                await client.call_tool("delete_pet", {"id": 7})
