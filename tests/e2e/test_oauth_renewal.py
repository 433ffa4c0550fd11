"""OAuth2 client credentials end to end: `oa2mcp serve --transport http` fetches a token from a real token
endpoint on 127.0.0.1, and when the upstream answers 401 (the token was revoked early) fetches a new one once
and retries the call."""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from mcp import Client
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.conftest import ROOT
from tests.e2e.servers import http_mcp_server
from tests.e2e.upstream import run_app

pytestmark = pytest.mark.anyio

CLIENT = "vault-client"
SECRET = "s3cret-Client-pass"

SPEC = """
openapi: 3.0.3
info: {title: Vault, version: "1.0"}
components:
  securitySchemes:
    vault:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: TOKEN_URL
          scopes: {items:read: Read items}
paths:
  /items/{id}:
    get:
      operationId: getItem
      security: [{vault: [items:read]}]
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: The item
          content: {application/json: {schema: {type: object}}}
"""


@dataclass
class Vault:
    """A token endpoint and an API that accepts only the token issued last (or none, once `deny_all`)."""

    issued: int = 0
    valid: str | None = None
    deny_all: bool = False
    token_requests: list[str] = field(default_factory=list)
    """The `scope` of each token request."""
    seen: list[str] = field(default_factory=list)
    """The Authorization header of each API request."""

    def app(self) -> Starlette:
        async def token(request: Request) -> JSONResponse:
            form = await request.form()
            expected = "Basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()
            if request.headers.get("authorization") != expected or form.get("grant_type") != "client_credentials":
                return JSONResponse({"error": "invalid_client"}, status_code=401)
            self.token_requests.append(str(form.get("scope")))
            self.issued += 1
            self.valid = f"tok-{self.issued}"
            return JSONResponse({"access_token": self.valid, "token_type": "Bearer", "expires_in": 3600})

        async def item(request: Request) -> JSONResponse:
            authorization = request.headers.get("authorization", "")
            self.seen.append(authorization)
            if self.deny_all or authorization != f"Bearer {self.valid}":
                return JSONResponse({"error": "invalid_token"}, status_code=401)
            return JSONResponse({"id": int(request.path_params["id"]), "token": self.valid})

        return Starlette(
            routes=[Route("/token", token, methods=["POST"]), Route("/api/items/{id}", item, methods=["GET"])]
        )


@pytest.fixture
def vault() -> Iterator[tuple[Vault, str]]:
    state = Vault()
    with run_app(state.app()) as url:
        yield state, url


async def test_a_revoked_token_is_fetched_again_once_and_the_call_retried(
    vault: tuple[Vault, str], tmp_path: Path
) -> None:
    state, url = vault
    spec = tmp_path / "vault.yaml"
    spec.write_text(SPEC.replace("TOKEN_URL", f"{url}/token"), encoding="utf-8")
    cmd = [sys.executable, "-m", "converter", "serve", str(spec), "--base-url", f"{url}/api"]
    cmd += ["--transport", "http", "--port", "0", "--log-level", "debug"]
    env = {**os.environ, "OA2MCP_AUTH_VAULT": f"{CLIENT}:{SECRET}", "OA2MCP_CACHE_DIR": ""}
    stderr: list[str] = []
    async with http_mcp_server(cmd, env=env, cwd=ROOT, stderr_lines=stderr) as mcp_url, Client(mcp_url) as client:
        (tool,) = (await client.list_tools()).tools
        first = await client.call_tool(tool.name, {"id": 1})
        assert first.is_error is False
        assert first.structured_content == {"id": 1, "token": "tok-1"}

        state.valid = None  # revoked before it expired
        second = await client.call_tool(tool.name, {"id": 2})
        assert second.is_error is False
        assert second.structured_content == {"id": 2, "token": "tok-2"}
        assert state.token_requests == ["items:read", "items:read"]
        assert state.seen == ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]

        state.deny_all = True  # a new token does not help: one renewal, then the 401 is the answer
        third = await client.call_tool(tool.name, {"id": 3})
        assert third.is_error is True
        assert "401" in third.content[0].text
        assert len(state.token_requests) == 3
        assert state.seen[3:] == ["Bearer tok-2", "Bearer tok-3"]
    log = "".join(stderr)
    assert SECRET not in log
    assert not any(f"tok-{n}" in log for n in (1, 2, 3)), "a fetched token was logged"
