"""`oa2mcp serve --transport http` as an OAuth 2.1 resource server, end to end: JWTs signed with a key pair made
here, the JWKS served by a local Starlette app (`--jwks-url`) or read from a file (`--jwks-file`); config clients
picked by claims; the SDK's 401 + WWW-Authenticate and protected-resource metadata; real MCP clients."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.conftest import FIXTURES, ROOT
from tests.e2e.inbound import client_with, post, tool_names, write_config
from tests.e2e.servers import http_mcp_server
from tests.e2e.test_serve import ENV, text_of
from tests.e2e.upstream import Upstream, run_app

pytestmark = pytest.mark.anyio

ISSUER = "https://issuer.example.test"
CLIENTS = """\
  alice-reader:
    jwt: {sub: alice}
    tools: [list_pets]
  ops:
    jwt: {client_id: ops-console, groups: [admins, sre]}
"""


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def key_pair() -> tuple[Any, dict[str, Any]]:
    """An RSA private key and its public JWK (kid k1)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**RSAAlgorithm.to_jwk(private.public_key(), as_dict=True), "kid": "k1", "alg": "RS256", "use": "sig"}
    return private, jwk


@pytest.fixture(scope="module")
def jwks_url(key_pair: tuple[Any, dict[str, Any]]) -> Iterator[str]:
    async def jwks(request: Any) -> JSONResponse:
        return JSONResponse({"keys": [key_pair[1]]})

    with run_app(Starlette(routes=[Route("/jwks.json", jwks)])) as base:
        yield f"{base}/jwks.json"


def token(private: Any, *, audience: str, kid: str = "k1", alg: str = "RS256", **claims: Any) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": audience, "iat": now, "exp": now + 600, **claims}
    return jwt.encode(payload, private, algorithm=alg, headers={"kid": kid})


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def serve_cmd(upstream: Upstream, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "converter", "serve", "--no-cache", "--base-url", f"{upstream.url}/v1",
        "--timeout", "5", "--transport", "http", "--port", "0", "--jwt-issuer", ISSUER, *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def stderr_lines() -> list[str]:
    return []


@pytest.fixture(scope="module")
async def by_url(
    upstream: Upstream, jwks_url: str, stderr_lines: list[str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A server with config clients picked by claims, keys from --jwks-url, the audience defaulting to its URL."""
    config = write_config(tmp_path_factory.mktemp("jwt") / "oa2mcp.yaml", CLIENTS)
    cmd = serve_cmd(upstream, "--config", str(config), "--jwks-url", jwks_url)
    env = {**os.environ, **ENV, "OA2MCP_LOG_LEVEL": "DEBUG"}
    async with http_mcp_server(cmd, env=env, cwd=ROOT, stderr_lines=stderr_lines) as url:
        yield url


@pytest.fixture(scope="module")
async def by_file(
    upstream: Upstream, key_pair: tuple[Any, dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A server without config clients, keys from --jwks-file, an explicit audience."""
    path = tmp_path_factory.mktemp("jwks") / "jwks.json"
    path.write_text(json.dumps({"keys": [key_pair[1]]}), encoding="utf-8")
    cmd = serve_cmd(
        upstream, str(FIXTURES / "petstore-3.0.yaml"), "--jwks-file", str(path), "--jwt-audience", "api://pets"
    )
    async with http_mcp_server(cmd, env={**os.environ, **ENV}, cwd=ROOT) as url:
        yield url


def hs256_with_the_public_key(key_pair: tuple[Any, dict[str, Any]], audience: str) -> str:
    """The classic algorithm-confusion forgery: HS256 with the public key's PEM as the shared secret."""
    pem = (
        key_pair[0]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    now = int(time.time())
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    body = b64(json.dumps({"iss": ISSUER, "aud": audience, "sub": "alice", "exp": now + 600}).encode())
    signature = hmac.new(pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(signature)}"


async def test_bad_tokens_get_401_pointing_at_the_resource_metadata(
    by_url: str, key_pair: tuple[Any, dict[str, Any]]
) -> None:
    private = key_pair[0]
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    unsigned = jwt.encode({"iss": ISSUER, "aud": by_url, "sub": "alice", "exp": now + 600}, None, algorithm="none")
    bad = {
        "expired": token(private, audience=by_url, sub="alice", exp=now - 3600),
        "not yet valid": token(private, audience=by_url, sub="alice", nbf=now + 3600),
        "another audience": token(private, audience="https://other.example/mcp", sub="alice"),
        "another issuer": token(private, audience=by_url, sub="alice", iss="https://evil.example"),
        "another key": token(other, audience=by_url, sub="alice"),
        "unknown kid": token(other, audience=by_url, sub="alice", kid="k2"),
        "alg none": unsigned,
        "HS256 with the public key": hs256_with_the_public_key(key_pair, by_url),
        "no client matches": token(private, audience=by_url, sub="mallory"),
        "no exp": jwt.encode({"iss": ISSUER, "aud": by_url, "sub": "alice"}, private, "RS256", {"kid": "k1"}),
    }
    metadata_url = by_url.removesuffix("/mcp") + "/.well-known/oauth-protected-resource/mcp"
    for reason, value in [("none", ""), *bad.items()]:
        response = await post(by_url, headers=bearer(value) if value else {})
        assert response.status_code == 401, reason
        assert f'resource_metadata="{metadata_url}"' in response.headers["www-authenticate"], reason
    async with httpx.AsyncClient() as http:
        metadata = (await http.get(metadata_url)).json()
    assert metadata["resource"] == by_url
    assert metadata["authorization_servers"] == [ISSUER]


async def test_a_valid_token_works_and_its_claims_pick_the_client(
    by_url: str, key_pair: tuple[Any, dict[str, Any]], upstream: Upstream
) -> None:
    alice = token(key_pair[0], audience=by_url, sub="alice")
    async with client_with(by_url, bearer(alice)) as client:
        assert tool_names(await client.list_tools()) == {"list_pets"}
        result = await client.call_tool("list_pets", {"limit": 1})
        assert result.is_error is False, text_of(result)
        assert upstream.last().path == "/v1/pets"
    ops = token(key_pair[0], audience=by_url, sub="bob", client_id="ops-console", groups=["dev", "sre"])
    async with client_with(by_url, bearer(ops)) as client:
        assert len(tool_names(await client.list_tools())) == 17


async def test_jwks_from_a_file_with_an_explicit_audience(by_file: str, key_pair: tuple[Any, dict[str, Any]]) -> None:
    good = token(key_pair[0], audience="api://pets", sub="anyone")
    async with client_with(by_file, bearer(good)) as client:
        assert len(tool_names(await client.list_tools())) == 17  # no config clients: any valid token, every tool
        result = await client.call_tool("pets_get_by_id", {"id": 7})
        assert result.is_error is False, text_of(result)
    expired = token(key_pair[0], audience="api://pets", sub="anyone", exp=int(time.time()) - 3600)
    assert (await post(by_file, headers=bearer(expired))).status_code == 401
    wrong_audience = token(key_pair[0], audience=by_file, sub="anyone")
    assert (await post(by_file, headers=bearer(wrong_audience))).status_code == 401


async def test_no_token_appears_in_the_debug_logs(
    by_url: str, key_pair: tuple[Any, dict[str, Any]], stderr_lines: list[str]
) -> None:
    good = token(key_pair[0], audience=by_url, sub="alice")
    expired = token(key_pair[0], audience=by_url, sub="alice", exp=int(time.time()) - 3600)
    async with client_with(by_url, bearer(good)) as client:
        await client.call_tool("list_pets", {})
    await post(by_url, headers=bearer(expired))
    logs = "".join(stderr_lines)
    assert "DEBUG" in logs
    for value in (good, expired):
        assert value.rsplit(".", 1)[1] not in logs  # not even the signature part
        assert value.split(".")[1] not in logs
