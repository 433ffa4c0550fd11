"""Inbound authentication and access, without a network: key sources, the verifier (static keys and JWTs), the
X-API-Key rewrite, the start-up checks and Host/Origin lists, and the per-request access checks."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm
from mcp.shared.exceptions import MCPError

from converter.runtime.access import AccessControl, AccessPolicy, CallerToken, key_digest
from converter.runtime.inbound import (
    ApiKeyHeader,
    CallerVerifier,
    JwtVerifier,
    build_inbound,
    is_loopback,
    load_api_keys,
)
from converter.runtime.limits import parse_rate

pytestmark = pytest.mark.anyio

ISSUER = "https://issuer.example"
AUDIENCE = "https://mcp.example/mcp"
LISTING = [{"name": name, "inputSchema": {"type": "object"}} for name in ("a", "b", "c")]
POLICY_DATA = {
    "clients": [
        {"name": "bot", "key_env": "BOT_KEY", "tools": ["a"], "rate_limit": "1/m"},
        {"name": "ops", "jwt": {"groups": ["sre"]}},
        {"name": "ci", "key_sha256": key_digest("ci-key").hex(), "tools": ["b", "c"]},
    ],
    "forward_headers": ["X-User-Token"],
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def signing_key() -> Any:
    return ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="module")
def jwks(signing_key: Any) -> dict[str, Any]:
    return {"keys": [{**ECAlgorithm.to_jwk(signing_key.public_key(), as_dict=True), "kid": "e1"}]}


def policy() -> AccessPolicy:
    return AccessPolicy.from_data(POLICY_DATA, environ={"BOT_KEY": " bot-key "})


class FakeRequest:
    """What the handlers read of a Starlette request: its scope (the verified user) and headers."""

    def __init__(self, token: CallerToken | None = None, headers: dict[str, str] | None = None) -> None:
        self.scope = {"user": type("User", (), {"access_token": token})()} if token else {}
        self.headers = headers or {}


def test_a_clients_key_variable_must_be_set() -> None:
    with pytest.raises(ValueError, match="client 'bot': the environment variable BOT_KEY is not set"):
        AccessPolicy.from_data(POLICY_DATA, environ={"BOT_KEY": "  "})


def test_api_keys_come_from_the_environment_and_a_file(tmp_path: Path) -> None:
    path = tmp_path / "keys"
    path.write_text("# ops keys\nfile-key-1\n\n  file-key-2  # rotated in May\n", encoding="utf-8")
    assert load_api_keys({"OA2MCP_API_KEYS": "env-1, ,env-2"}, str(path)) == [
        "env-1",
        "env-2",
        "file-key-1",
        "file-key-2",
    ]
    path.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no key in the file"):
        load_api_keys({}, str(path))


async def test_static_keys_identify_their_client_and_others_are_refused() -> None:
    keys = {key_digest("open-key"): ("api-key-1", None), key_digest("bot-key"): ("bot", "bot")}
    verifier = CallerVerifier(keys, None, policy())
    token = await verifier.verify_token("bot-key")
    assert token is not None and (token.client_id, token.client) == ("bot", "bot")
    token = await verifier.verify_token("open-key")
    assert token is not None and (token.client_id, token.client) == ("api-key-1", None)
    assert await verifier.verify_token("bot-ke") is None
    assert await verifier.verify_token("a.b.c") is None  # looks like a JWT, but no JWT verification is configured


async def test_jwts_are_checked_and_their_claims_pick_the_client(signing_key: Any, jwks: dict[str, Any]) -> None:
    verifier = CallerVerifier({}, JwtVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=jwks), policy())

    def make(**claims: Any) -> str:
        payload = {"iss": ISSUER, "aud": AUDIENCE, "exp": int(time.time()) + 60, "sub": "ann", **claims}
        return jwt.encode(payload, signing_key, algorithm="ES256", headers={"kid": "e1"})

    token = await verifier.verify_token(make(groups=["dev", "sre"], scope="read write"))
    assert token is not None
    assert (token.client_id, token.client, token.subject, token.scopes) == ("ops", "ops", "ann", ["read", "write"])
    assert token.resource == AUDIENCE
    assert await verifier.verify_token(make(groups=["dev"])) is None  # valid, but no client of the config
    assert await verifier.verify_token(make(aud="https://other.example")) is None
    assert await verifier.verify_token(make(exp=int(time.time()) - 120)) is None
    for odd in (5, True, "read write"):  # `scp` as the IdP wrote it: no crash, only string scopes kept
        token = await verifier.verify_token(make(groups=["sre"], scp=odd))
        assert token is not None and token.scopes == (["read", "write"] if odd == "read write" else [])
    without_clients = CallerVerifier({}, JwtVerifier(issuer=ISSUER, audience=AUDIENCE, jwks=jwks), AccessPolicy())
    token = await without_clients.verify_token(make(azp="portal"))
    assert token is not None and (token.client_id, token.client) == ("portal", None)


def test_a_jwks_with_only_shared_secrets_is_refused() -> None:
    with pytest.raises(ValueError, match="no public signing key"):
        JwtVerifier(issuer=ISSUER, audience=AUDIENCE, jwks={"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "h"}]})


async def test_x_api_key_becomes_a_bearer_token_unless_authorization_is_sent() -> None:
    seen: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append(dict(scope["headers"]))

    wrapped = ApiKeyHeader(app)
    await wrapped({"type": "http", "headers": [(b"x-api-key", b"k1")]}, None, None)
    await wrapped({"type": "http", "headers": [(b"x-api-key", b"k1"), (b"authorization", b"Basic x")]}, None, None)
    assert seen[0][b"authorization"] == b"Bearer k1"
    assert seen[1][b"authorization"] == b"Basic x"


@pytest.mark.parametrize(
    ("host", "expected"),
    [("127.0.0.1", True), ("::1", True), ("localhost", True), ("0.0.0.0", False), ("10.0.0.5", False)],
)
def test_loopback_addresses(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def values(**given: Any) -> dict[str, Any]:
    return {"allowed_hosts": (), "allowed_origins": (), "max_request_bytes": 1000, **given}


def test_host_and_origin_lists_always_check_and_take_extra_names() -> None:
    inbound = build_inbound(
        values(allowed_hosts=("mcp.example.com", "svc:8000"), allowed_origins=("https://app.example.com/",)),
        AccessPolicy(),
        environ={"OA2MCP_API_KEYS": "k"},
        host="0.0.0.0",
        port=8000,
    )
    assert "0.0.0.0" not in " ".join(inbound.allowed_hosts)  # a wildcard address is no Host a client sends
    assert {"127.0.0.1:*", "localhost:*", "[::1]:*", "mcp.example.com", "mcp.example.com:*", "svc:8000"} <= set(
        inbound.allowed_hosts
    )
    assert "svc:8000:*" not in inbound.allowed_hosts
    assert "https://app.example.com" in inbound.allowed_origins
    security = inbound.app_options()["transport_security"]
    assert security.enable_dns_rebinding_protection is True


def test_serving_off_loopback_needs_authentication_or_an_explicit_flag() -> None:
    with pytest.raises(ValueError, match=r"refusing to serve on 10\.0\.0\.5 without authentication"):
        build_inbound(values(), AccessPolicy(), environ={}, host="10.0.0.5", port=80)
    inbound = build_inbound(values(insecure_no_auth=True), AccessPolicy(), environ={}, host="10.0.0.5", port=80)
    assert inbound.verifier is None and inbound.warning is not None
    assert "10.0.0.5:*" in inbound.allowed_hosts
    assert build_inbound(values(), AccessPolicy(), environ={}, host="127.0.0.1", port=80).warning is None


def test_jwt_options_must_be_complete(tmp_path: Path, jwks: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="are identified by JWT claims"):
        build_inbound(values(), policy(), environ={}, host="127.0.0.1", port=80)
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(jwks), encoding="utf-8")
    with pytest.raises(ValueError, match=r"--resource-url is needed with JWTs on 0\.0\.0\.0"):
        build_inbound(
            values(jwt_issuer=ISSUER, jwks_file=str(path)), AccessPolicy(), environ={}, host="0.0.0.0", port=80
        )
    inbound = build_inbound(values(jwt_issuer=ISSUER, jwks_file=str(path)), policy(), environ={}, host="::1", port=81)
    assert inbound.resource_url == "http://[::1]:81/mcp"
    auth = inbound.app_options()["auth"]
    assert (str(auth.issuer_url), str(auth.resource_server_url)) == (ISSUER, "http://[::1]:81/mcp")


def test_each_client_lists_its_own_tools() -> None:
    control = AccessControl(policy(), LISTING, default_rate=None)
    bot = FakeRequest(CallerToken(token="t", client_id="bot", scopes=[], client="bot"))
    unrestricted = FakeRequest(CallerToken(token="t", client_id="api-key-1", scopes=[]))
    assert [tool.name for tool in control.list_tools(bot).tools] == ["a"]
    assert [tool.name for tool in control.list_tools(unrestricted).tools] == ["a", "b", "c"]
    assert [tool.name for tool in control.list_tools(None).tools] == ["a", "b", "c"]  # stdio: the local user
    with pytest.raises(MCPError, match="Unknown tool: b"):
        control.check_call(bot, "b")


def test_rate_limits_answer_with_an_error_result_and_the_default_applies_to_others() -> None:
    control = AccessControl(policy(), LISTING, default_rate=parse_rate("2/m"))
    bot = FakeRequest(CallerToken(token="t", client_id="bot", scopes=[], client="bot"))
    assert control.check_call(bot, "a") is None
    refused = control.check_call(bot, "a")  # its own 1/m
    assert refused is not None and refused.is_error and "1 calls per minute" in refused.content[0].text
    assert [control.check_call(None, "a") for _ in range(2)] == [None, None]
    assert control.check_call(None, "a") is not None  # anonymous callers share the default


def test_only_allowlisted_headers_are_forwarded() -> None:
    control = AccessControl(policy(), LISTING, default_rate=None)
    request = FakeRequest(headers={"x-user-token": "u", "authorization": "Bearer k", "x-other": "o"})
    assert control.forwarded_headers(request) == {"x-user-token": "u"}
    assert AccessControl.everyone(LISTING).forwarded_headers(request) == {}


async def test_an_authorization_made_from_x_api_key_is_never_forwarded_even_when_authorization_is() -> None:
    scopes: list[Any] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        scopes.append(scope)

    await ApiKeyHeader(app)({"type": "http", "headers": [(b"x-api-key", b"mcp-key")]}, None, None)
    control = AccessControl(
        AccessPolicy.from_data({"forward_headers": ["Authorization"]}, environ={}), LISTING, default_rate=None
    )
    made = FakeRequest(headers={"authorization": "Bearer mcp-key"})
    made.scope = scopes[0]
    assert control.forwarded_headers(made) == {}  # the caller's MCP key, turned into a bearer token: kept here
    own = FakeRequest(headers={"authorization": "Bearer user-token"})
    assert control.forwarded_headers(own) == {"authorization": "Bearer user-token"}
