"""Tests for converter.runtime.auth: credential loading, every scheme type, alternatives, OAuth2 token caching."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

import anyio
import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from converter.runtime.auth import Authenticator, AuthError, env_var_name, load_credentials, redact

pytestmark = pytest.mark.anyio

URL = "https://api.example.com/v1/pets"
CLIENT_ID = "my client"
CLIENT_SECRET = "s3cr3t/value+x"

SCHEMES: dict[str, dict[str, Any]] = {
    "api_key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "query_key": {"type": "apiKey", "in": "query", "name": "api_key"},
    "cookie_key": {"type": "apiKey", "in": "cookie", "name": "session"},
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "basic"},
    "negotiate": {"type": "http", "scheme": "negotiate"},
    "implicit": {"type": "oauth2"},
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://id.example.com/.well-known/openid-configuration"},
    "mtls": {"type": "mutualTLS"},
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _request(url: str = URL, **kwargs: Any) -> httpx.Request:
    return httpx.Request("GET", url, **kwargs)


async def _apply(
    credentials: dict[str, str],
    security: list[dict[str, list[str]]] | None,
    request: httpx.Request | None = None,
    schemes: dict[str, dict[str, Any]] | None = None,
) -> httpx.Request:
    request = request or _request()
    async with httpx.AsyncClient() as client:
        authenticator = Authenticator(schemes or SCHEMES, credentials, client=client)
        await authenticator.apply(request, security)
    return request


# --- env vars and flags -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "variable"),
    [
        ("api_key", "OA2MCP_AUTH_API_KEY"),
        ("petstore-auth.v2", "OA2MCP_AUTH_PETSTORE_AUTH_V2"),
        ("BearerAuth", "OA2MCP_AUTH_BEARERAUTH"),
        ("clé", "OA2MCP_AUTH_CL_"),
    ],
)
def test_env_var_name_is_prefixed_upper_snake(scheme: str, variable: str) -> None:
    assert env_var_name(scheme) == variable


def test_load_credentials_flags_win_over_env() -> None:
    environ = {"OA2MCP_AUTH_API_KEY": "from-env", "OA2MCP_AUTH_BEARER": "env-token", "OA2MCP_AUTH_BASIC": ""}
    credentials = load_credentials(SCHEMES, flags={"api_key": "from-flag"}, environ=environ)
    assert credentials == {"api_key": "from-flag", "bearer": "env-token"}


def test_load_credentials_unknown_flag_lists_valid_names() -> None:
    with pytest.raises(AuthError) as info:
        load_credentials(
            {"api_key": SCHEMES["api_key"], "oauth2": {"type": "oauth2"}}, flags={"apikey": "x"}, environ={}
        )
    assert str(info.value) == "unknown --auth name 'apikey'; valid names: 'api_key', 'oauth2'"


def test_load_credentials_without_schemes_says_so() -> None:
    with pytest.raises(AuthError, match="declares no security schemes"):
        load_credentials({}, flags={"token": "abc"}, environ={})


def test_load_credentials_rejects_empty_flag() -> None:
    with pytest.raises(AuthError, match="empty value"):
        load_credentials(SCHEMES, flags={"bearer": ""}, environ={})


# --- each scheme type ---------------------------------------------------------------------------------------------


async def test_api_key_in_header() -> None:
    request = await _apply({"api_key": "k-123"}, [{"api_key": []}])
    assert request.headers["X-API-Key"] == "k-123"
    assert "authorization" not in request.headers


async def test_api_key_in_query_is_added_to_url() -> None:
    request = await _apply({"query_key": "a b&c"}, [{"query_key": []}], _request(f"{URL}?limit=5"))
    assert str(request.url) == f"{URL}?limit=5&api_key=a+b%26c"
    assert request.url.params["api_key"] == "a b&c"


async def test_api_key_in_cookie_is_appended() -> None:
    request = await _apply({"cookie_key": "c00kie"}, [{"cookie_key": []}], _request(headers={"Cookie": "theme=dark"}))
    assert request.headers["cookie"] == "theme=dark; session=c00kie"
    alone = await _apply({"cookie_key": "c00kie"}, [{"cookie_key": []}])
    assert alone.headers["cookie"] == "session=c00kie"


async def test_http_bearer() -> None:
    request = await _apply({"bearer": "tok-abc"}, [{"bearer": []}])
    assert request.headers["authorization"] == "Bearer tok-abc"


async def test_http_basic() -> None:
    request = await _apply({"basic": "alice:pa:ss"}, [{"basic": []}])
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"alice:pa:ss").decode()


async def test_http_basic_without_colon_is_an_error_without_the_secret() -> None:
    with pytest.raises(AuthError) as info:
        await _apply({"basic": "alicepassword"}, [{"basic": []}])
    assert "USER:PASSWORD" in str(info.value)
    assert "alicepassword" not in str(info.value)


async def test_other_http_scheme_uses_its_name() -> None:
    request = await _apply({"negotiate": "YIIG"}, [{"negotiate": []}])
    assert request.headers["authorization"] == "Negotiate YIIG"


@pytest.mark.parametrize("scheme", ["implicit", "oidc"])
async def test_oauth2_without_token_url_and_openid_connect_send_a_ready_token(scheme: str) -> None:
    request = await _apply({scheme: "ready-token"}, [{scheme: ["read"]}])
    assert request.headers["authorization"] == "Bearer ready-token"


async def test_client_credentials_scheme_given_a_ready_token_sends_it() -> None:
    schemes = {"oauth": {"type": "oauth2", "tokenUrl": "http://127.0.0.1:9/token", "scopes": []}}
    request = await _apply({"oauth": "eyJhbGciOi.token"}, [{"oauth": []}], schemes=schemes)
    assert request.headers["authorization"] == "Bearer eyJhbGciOi.token"


async def test_applying_twice_does_not_duplicate_query_or_cookie() -> None:
    security: list[dict[str, list[str]]] = [{"query_key": [], "cookie_key": [], "api_key": []}]
    request = _request(f"{URL}?limit=5", headers={"Cookie": "theme=dark"})
    async with httpx.AsyncClient() as client:
        authenticator = Authenticator(
            SCHEMES, {"query_key": "q-1", "cookie_key": "c-1", "api_key": "k-1"}, client=client
        )
        await authenticator.apply(request, security)
        await authenticator.apply(request, security)
    assert str(request.url) == f"{URL}?limit=5&api_key=q-1"
    assert request.headers["cookie"] == "theme=dark; session=c-1"
    assert request.headers.get_list("x-api-key") == ["k-1"]


# --- alternatives -------------------------------------------------------------------------------------------------


async def test_no_security_applies_nothing() -> None:
    empty: list[dict[str, list[str]]] = []
    for security in (None, empty):
        request = await _apply({"api_key": "k-123"}, security)
        assert "x-api-key" not in request.headers


async def test_first_satisfied_alternative_is_used() -> None:
    request = await _apply({"bearer": "tok-abc", "api_key": "k-123"}, [{"basic": []}, {"bearer": []}, {"api_key": []}])
    assert request.headers["authorization"] == "Bearer tok-abc"
    assert "x-api-key" not in request.headers


async def test_alternative_needs_all_its_schemes() -> None:
    security: list[dict[str, list[str]]] = [{"api_key": [], "query_key": []}, {"cookie_key": []}]
    partial = await _apply({"api_key": "k-123", "cookie_key": "c00kie"}, security)
    assert "x-api-key" not in partial.headers
    assert partial.headers["cookie"] == "session=c00kie"
    both = await _apply({"api_key": "k-123", "query_key": "q-456"}, security)
    assert both.headers["x-api-key"] == "k-123"
    assert both.url.params["api_key"] == "q-456"


async def test_anonymous_alternative_is_satisfied_without_credentials() -> None:
    request = await _apply({}, [{"api_key": []}, {}])
    assert "x-api-key" not in request.headers


async def test_credentials_win_over_an_earlier_anonymous_alternative() -> None:
    request = await _apply({"api_key": "k-123"}, [{}, {"api_key": []}])
    assert request.headers["x-api-key"] == "k-123"


async def test_missing_credentials_message_names_schemes_and_how_to_pass_them() -> None:
    schemes = {"api_key": SCHEMES["api_key"], "oauth2": {"type": "oauth2"}, "bearer": SCHEMES["bearer"]}
    with pytest.raises(AuthError) as info:
        await _apply({"bearer": "secret-bearer-token"}, [{"api_key": []}, {"oauth2": ["read"]}], schemes=schemes)
    message = str(info.value)
    assert message == (
        "this operation needs credentials for 'api_key' or 'oauth2'; "
        "pass --auth api_key=VALUE or set OA2MCP_AUTH_API_KEY"
    )
    assert "secret-bearer-token" not in message


async def test_missing_credentials_message_for_a_combined_alternative() -> None:
    with pytest.raises(AuthError) as info:
        await _apply({"api_key": "k-123"}, [{"api_key": [], "basic": []}])
    assert str(info.value) == (
        "this operation needs credentials for 'api_key' and 'basic'; "
        "pass --auth basic=USER:PASSWORD or set OA2MCP_AUTH_BASIC"
    )


async def test_unusable_schemes_are_explained() -> None:
    with pytest.raises(AuthError) as info:
        await _apply({"mtls": "cert"}, [{"mtls": []}, {"ghost": []}])
    message = str(info.value)
    assert "'mtls' is a mutualTLS scheme, which cannot be applied here" in message
    assert "'ghost' is not declared in components/securitySchemes" in message
    assert "pass --auth" not in message


# --- secrets ------------------------------------------------------------------------------------------------------


async def test_secrets_and_query_param_names() -> None:
    async with httpx.AsyncClient() as client:
        authenticator = Authenticator(
            SCHEMES, {"query_key": "a b&c", "basic": "alice:pw-1234", "bearer": "tok-abc"}, client=client
        )
        secrets = authenticator.secrets
        assert authenticator.query_param_names() == ["api_key"]
    assert {"a b&c", "a+b%26c", "alice:pw-1234", "pw-1234", "tok-abc"} <= set(secrets)
    assert base64.b64encode(b"alice:pw-1234").decode() in secrets


def test_redact_masks_secrets_of_four_characters_or_more() -> None:
    text = "key=abcdef token=abcdefgh pin=123"
    assert redact(text, ["abcdef", "abcdefgh", "123", ""]) == "key=*** token=*** pin=123"


# --- OAuth2 client credentials against a real token endpoint ----------------------------------------------------


@dataclass
class TokenEndpoint:
    """A local OAuth2 token endpoint that records what it was sent."""

    url: str = ""
    status: int = 200
    expires_in: int | None = 3600
    calls: list[dict[str, str]] = field(default_factory=list)

    def reset(self) -> None:
        self.status = 200
        self.expires_in = 3600
        self.calls.clear()

    async def token(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        user, _, password = base64.b64decode(encoded).decode().partition(":") if scheme == "Basic" else ("", "", "")
        form["client_id"], form["client_secret"] = unquote(user), unquote(password)
        self.calls.append(form)
        if form["client_secret"] != CLIENT_SECRET:
            return JSONResponse({"error": "invalid_client", "error_description": "bad secret"}, status_code=401)
        if self.status != 200:
            return JSONResponse({"error": "server_error"}, status_code=self.status)
        payload: dict[str, Any] = {"access_token": f"access-{len(self.calls)}", "token_type": "Bearer"}
        if self.expires_in is not None:
            payload["expires_in"] = self.expires_in
        return JSONResponse(payload)


@pytest.fixture(scope="module")
def token_server() -> Iterator[TokenEndpoint]:
    endpoint = TokenEndpoint()
    app = Starlette(routes=[Route("/token", endpoint.token, methods=["POST"])])
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", access_log=False, lifespan="off", ws="none"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive(), "token server failed to start"
        assert time.monotonic() < deadline, "token server did not start within 10 s"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    endpoint.url = f"http://127.0.0.1:{port}/token"
    try:
        yield endpoint
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def token_endpoint(token_server: TokenEndpoint) -> TokenEndpoint:
    token_server.reset()
    return token_server


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _oauth_schemes(url: str) -> dict[str, dict[str, Any]]:
    return {"oauth": {"type": "oauth2", "tokenUrl": url, "scopes": ["read", "write"]}}


async def _bearer(authenticator: Authenticator, scopes: list[str] | None = None) -> str:
    request = _request()
    await authenticator.apply(request, [{"oauth": scopes or []}])
    return request.headers["authorization"]


async def test_client_credentials_token_is_fetched_once_and_cached(token_endpoint: TokenEndpoint) -> None:
    with anyio.fail_after(10):
        async with httpx.AsyncClient() as client:
            authenticator = Authenticator(
                _oauth_schemes(token_endpoint.url), {"oauth": f"{CLIENT_ID}:{CLIENT_SECRET}"}, client=client
            )
            assert await _bearer(authenticator, ["write", "read"]) == "Bearer access-1"
            assert await _bearer(authenticator, ["read", "write"]) == "Bearer access-1"
            assert "access-1" in authenticator.secrets
    assert token_endpoint.calls == [
        {
            "grant_type": "client_credentials",
            "scope": "read write",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]


async def test_token_without_scopes_omits_scope(token_endpoint: TokenEndpoint) -> None:
    with anyio.fail_after(10):
        async with httpx.AsyncClient() as client:
            authenticator = Authenticator(
                _oauth_schemes(token_endpoint.url), {"oauth": f"{CLIENT_ID}:{CLIENT_SECRET}"}, client=client
            )
            await _bearer(authenticator)
            await _bearer(authenticator, ["read"])
    assert [call.get("scope") for call in token_endpoint.calls] == [None, "read"]


async def test_token_is_refreshed_when_clock_nears_expiry(token_endpoint: TokenEndpoint) -> None:
    clock = FakeClock()
    with anyio.fail_after(10):
        async with httpx.AsyncClient() as client:
            authenticator = Authenticator(
                _oauth_schemes(token_endpoint.url),
                {"oauth": f"{CLIENT_ID}:{CLIENT_SECRET}"},
                client=client,
                clock=clock,
            )
            assert await _bearer(authenticator) == "Bearer access-1"
            clock.now += 3600 - 61  # more than 60 s left: still cached
            assert await _bearer(authenticator) == "Bearer access-1"
            clock.now += 2  # 59 s left: refreshed
            assert await _bearer(authenticator) == "Bearer access-2"
    assert len(token_endpoint.calls) == 2


async def test_short_lived_token_is_refreshed_at_ten_percent_left(token_endpoint: TokenEndpoint) -> None:
    token_endpoint.expires_in = 100
    clock = FakeClock()
    with anyio.fail_after(10):
        async with httpx.AsyncClient() as client:
            authenticator = Authenticator(
                _oauth_schemes(token_endpoint.url),
                {"oauth": f"{CLIENT_ID}:{CLIENT_SECRET}"},
                client=client,
                clock=clock,
            )
            assert await _bearer(authenticator) == "Bearer access-1"
            clock.now += 89
            assert await _bearer(authenticator) == "Bearer access-1"
            clock.now += 2
            assert await _bearer(authenticator) == "Bearer access-2"


async def test_token_without_expiry_is_kept_until_invalidated(token_endpoint: TokenEndpoint) -> None:
    token_endpoint.expires_in = None
    clock = FakeClock()
    with anyio.fail_after(10):
        async with httpx.AsyncClient() as client:
            authenticator = Authenticator(
                _oauth_schemes(token_endpoint.url),
                {"oauth": f"{CLIENT_ID}:{CLIENT_SECRET}"},
                client=client,
                clock=clock,
            )
            assert await _bearer(authenticator) == "Bearer access-1"
            clock.now += 10**6
            assert await _bearer(authenticator) == "Bearer access-1"


async def test_concurrent_applies_share_one_token_fetch(token_endpoint: TokenEndpoint) -> None:
    headers: list[str] = []
    with anyio.fail_after(10):
        async with httpx.AsyncClient() as client:
            authenticator = Authenticator(
                _oauth_schemes(token_endpoint.url), {"oauth": f"{CLIENT_ID}:{CLIENT_SECRET}"}, client=client
            )

            async def call() -> None:
                headers.append(await _bearer(authenticator, ["read"]))

            async with anyio.create_task_group() as group:
                for _ in range(10):
                    group.start_soon(call)
    assert headers == ["Bearer access-1"] * 10
    assert len(token_endpoint.calls) == 1


async def test_invalidate_forces_a_refetch(token_endpoint: TokenEndpoint) -> None:
    with anyio.fail_after(10):
        async with httpx.AsyncClient() as client:
            authenticator = Authenticator(
                _oauth_schemes(token_endpoint.url), {"oauth": f"{CLIENT_ID}:{CLIENT_SECRET}"}, client=client
            )
            assert await _bearer(authenticator) == "Bearer access-1"
            authenticator.invalidate("oauth")
            authenticator.invalidate("unknown")
            assert await _bearer(authenticator) == "Bearer access-2"


async def test_token_endpoint_rejection_is_an_auth_error_without_the_secret(token_endpoint: TokenEndpoint) -> None:
    wrong = "wrong-secret-value"
    with anyio.fail_after(10):
        async with httpx.AsyncClient() as client:
            authenticator = Authenticator(
                _oauth_schemes(token_endpoint.url), {"oauth": f"{CLIENT_ID}:{wrong}"}, client=client
            )
            with pytest.raises(AuthError) as info:
                await _bearer(authenticator)
    message = str(info.value)
    assert message == "the token endpoint for 'oauth' answered 401 Unauthorized: invalid_client (bad secret)"
    assert wrong not in message
    assert CLIENT_SECRET not in message


async def test_token_endpoint_server_error_is_an_auth_error(token_endpoint: TokenEndpoint) -> None:
    token_endpoint.status = 503
    with anyio.fail_after(10):
        async with httpx.AsyncClient() as client:
            authenticator = Authenticator(
                _oauth_schemes(token_endpoint.url), {"oauth": f"{CLIENT_ID}:{CLIENT_SECRET}"}, client=client
            )
            with pytest.raises(AuthError, match="answered 503 Service Unavailable: server_error"):
                await _bearer(authenticator)


# --- OAuth2 edge cases with a mock transport ----------------------------------------------------------------------


async def _mock_fetch(handler: Any) -> str:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        authenticator = Authenticator(
            _oauth_schemes("https://id.example.com/token"), {"oauth": f"{CLIENT_ID}:{CLIENT_SECRET}"}, client=client
        )
        return await _bearer(authenticator)


async def test_unreachable_token_endpoint_is_an_auth_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(
        AuthError, match=r"could not reach the token endpoint for 'oauth' \(https://id.example.com/token\)"
    ):
        await _mock_fetch(refuse)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="<html>login</html>"),
        httpx.Response(200, json={"token_type": "Bearer"}),
        httpx.Response(200, json=["access_token"]),
    ],
)
async def test_token_response_without_access_token_is_an_auth_error(response: httpx.Response) -> None:
    with pytest.raises(AuthError, match="without an access_token"):
        await _mock_fetch(lambda _: response)


async def test_expires_in_as_string_is_accepted() -> None:
    header = await _mock_fetch(lambda _: httpx.Response(200, json={"access_token": "at-1", "expires_in": "3600"}))
    assert header == "Bearer at-1"
