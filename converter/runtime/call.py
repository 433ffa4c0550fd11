"""One tool call end to end: validate, build the request, authenticate, send with retries, shape the result."""

from __future__ import annotations

import email.utils
import logging
import random
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx
import mcp_types as types

from .auth import Authenticator, AuthError, MissingCredential, redact
from .mock import describe_request, mock_response
from .observe import note_status
from .request import ArgumentError, build_request, select_base_url
from .response import DEFAULT_MAX_RESPONSE_BYTES, error_result, response_to_result
from .shaping import DEFAULT_MAX_RESPONSE_CHARS, FieldsError, Shaping, compile_fields
from .transport import describe_failure
from .validation import argument_problems, compile_validator, prepare_arguments

logger = logging.getLogger("oa2mcp.runtime")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})
MOCK_BASE_URL = "https://api.example.invalid"


@dataclass(frozen=True, slots=True)
class CallOptions:
    """How calls reach the upstream: base URL, static headers, timeouts, limits, retries."""

    base_url: str | None = None
    server_vars: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float = 30.0
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_response_chars: int = DEFAULT_MAX_RESPONSE_CHARS
    """Characters of a shaped JSON result's text a model is shown at most."""
    retries: int = 2
    """Extra attempts for idempotent calls on 429/502/503/504 and connection errors."""
    retry_budget: float = 30.0
    """Seconds all retries of one call may take together, waits included."""
    mock: bool = False
    """Answer from the operation's examples/schema instead of calling the upstream (no credentials needed)."""
    verify: ssl.SSLContext | bool = True
    """TLS towards the upstream (`transport.tls_context`): True is httpx's default, made at first use."""
    client_cert: bool = False
    """Whether `verify` carries a client certificate (for the hint in a TLS error)."""
    max_concurrency: int | None = None
    """Upstream requests in flight at once over all calls (None: no cap); the others wait their turn."""


class ToolCaller:
    """Calls the tools of one server: shared HTTP clients (one pool per base URL), auth and validators."""

    def __init__(
        self,
        tools: Mapping[str, Mapping[str, Any]],
        *,
        security_schemes: Mapping[str, Mapping[str, Any]],
        credentials: Mapping[str, str],
        options: CallOptions,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """Prepare to call `tools` (name → `{"inputSchema", "outputSchema"?, "binding"}`)."""
        self.tools = tools
        self.security_schemes = security_schemes
        self.options = options
        self._transport = transport
        self._clients: dict[str, httpx.AsyncClient] = {}
        # Validators made once, at start (~10 ms for GitHub's 1,223 tools): the SDK's low-level server
        # does not validate arguments, and a bad schema should show up now rather than on a call.
        # A tool shown to the model with a rewritten schema (a client profile, a schema budget) is checked against
        # what the API accepts: its `argumentCheck`.
        self._validators = {
            name: compile_validator(
                (tool.get("argumentCheck") or {}).get("schema") or tool["inputSchema"], arguments=True
            )
            for name, tool in tools.items()
        }
        self._output_validators = {
            name: compile_validator(tool["outputSchema"]) for name, tool in tools.items() if tool.get("outputSchema")
        }
        # Made at first use: each costs ~20 ms of TLS set-up (the CA bundle), which a start need not pay.
        self.auth = Authenticator(security_schemes, credentials, client=lambda: self.client_for(""))
        self._slots = anyio.Semaphore(options.max_concurrency) if options.max_concurrency else None

    def _new_client(self) -> httpx.AsyncClient:
        # trust_env (httpx's default): HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY route the upstream calls.
        return httpx.AsyncClient(
            transport=self._transport,
            verify=self.options.verify,
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    def client_for(self, base_url: str) -> httpx.AsyncClient:
        """The pooled client for `base_url` ("" for OAuth2 token requests), made at first use."""
        client = self._clients.get(base_url)
        if client is None:
            client = self._clients[base_url] = self._new_client()
        return client

    async def aclose(self) -> None:
        """Close every connection pool."""
        for client in self._clients.values():
            await client.aclose()

    def _output_ok(self, name: str) -> Any:
        validator = self._output_validators.get(name)
        if validator is None:
            return None
        return lambda value: not any(True for _ in validator.iter_errors(value))

    async def call(
        self, name: str, arguments: Mapping[str, Any] | None, *, headers: Mapping[str, str] | None = None
    ) -> types.CallToolResult:
        """Call tool `name`; every failure becomes an `is_error` result the model can read.

        `headers` are the caller's own (`forward_headers`): sent last, so they win over `--header` values and the
        server's credentials; when they are given, an operation whose security the server holds no credential
        for is sent with them alone (they are taken to be the caller's credential).

        Raises:
            KeyError: there is no tool `name` (a protocol error, not a tool error).
        """
        tool = self.tools[name]
        validator = self._validators[name]
        arguments = prepare_arguments(dict(arguments or {}), tool.get("argumentCheck"), validator)
        problems = argument_problems(validator, arguments)
        if problems:
            return error_result("Invalid arguments:\n" + "\n".join(f"- {p}" for p in problems))
        binding = tool["binding"]
        shaping = tool.get("response")
        fields, projection = None, None
        if shaping is not None and shaping.get("fieldsArg") in arguments:
            # Not an upstream parameter: the model's projection of the result, checked before anything is sent.
            fields = arguments.pop(shaping["fieldsArg"])
            try:
                projection = compile_fields(fields)
            except FieldsError as err:
                return error_result(f"Invalid arguments:\n- {err}")
        shape = (fields, projection)
        if self.options.mock:
            return self._mock(name, tool, arguments, shape)
        try:
            base_url = select_base_url(binding, override=self.options.base_url, server_vars=self.options.server_vars)
            request = build_request(binding, arguments, base_url=base_url, headers=self.options.headers)
            try:
                await self.auth.apply(request, binding.get("security"))
            except MissingCredential:
                if not headers:  # the caller's forwarded headers are taken to be its credential
                    raise
            request.headers.update(headers or {})
        except (ArgumentError, AuthError, ValueError) as err:
            return error_result(self._redact(str(err)))
        if self._slots is None:
            return await self._send(name, tool, request, base_url, shape)
        async with self._slots:
            return await self._send(name, tool, request, base_url, shape)

    def _shaping(self, tool: Mapping[str, Any], request: httpx.Request) -> Shaping | None:
        entry = tool.get("response")
        if entry is None:
            return None
        return Shaping.from_table(entry, max_chars=self.options.max_response_chars, api_host=request.url.host)

    def _mock(
        self, name: str, tool: Mapping[str, Any], arguments: Mapping[str, Any], shape: tuple[Any, Any]
    ) -> types.CallToolResult:
        """The request is still validated and built, then answered without an upstream (and without auth)."""
        binding = tool["binding"]
        try:
            try:
                base_url = select_base_url(
                    binding, override=self.options.base_url, server_vars=self.options.server_vars
                )
            except ValueError:
                base_url = MOCK_BASE_URL  # a relative or missing server URL does not matter without an upstream
            request = build_request(binding, arguments, base_url=base_url, headers=self.options.headers)
        except (ArgumentError, ValueError) as err:
            return error_result(self._redact(str(err)))
        response = mock_response(tool.get("mock") or {}, request)
        result = response_to_result(
            response,
            body=response.content,
            truncated=False,
            output_schema_ok=self._output_ok(name),
            shaping=self._shaping(tool, request),
            fields=shape[0],
            projection=shape[1],
        )
        meta = {**(result.meta or {}), "oa2mcp/request": describe_request(request, secrets=self.auth.secrets)}
        return result.model_copy(update={"meta": meta})

    def _token_schemes(self, security: Any) -> list[str]:
        """The OAuth2 client-credentials schemes an operation's security names (their tokens can be renewed)."""
        names = {name for alternative in security or () for name in alternative}
        return sorted(n for n in names if "tokenUrl" in self.security_schemes.get(n, {}))

    def _redact(self, text: str) -> str:
        return redact(text, self.auth.secrets)

    async def _send(
        self, name: str, tool: Mapping[str, Any], request: httpx.Request, base_url: str, shape: tuple[Any, Any]
    ) -> types.CallToolResult:
        binding = tool["binding"]
        client = self.client_for(base_url)
        retryable = request.method in IDEMPOTENT_METHODS
        deadline = time.monotonic() + self.options.retry_budget
        attempt = 0
        host = request.url.host
        while True:
            attempt += 1
            try:
                response = await client.send(request, stream=True)
            except httpx.TimeoutException:
                return error_result(f"The upstream {host} did not answer within {self.options.timeout:g} s.")
            except httpx.HTTPError as err:
                tls_problem = describe_failure(err, url=request.url, client_cert=self.options.client_cert)
                if tls_problem is not None:  # retrying cannot fix a certificate
                    return error_result(self._redact(tls_problem))
                if isinstance(err, httpx.ConnectError):
                    if retryable and await self._backoff(attempt, deadline, None):
                        continue
                    return error_result(
                        f"Cannot connect to the upstream {host}: {self._redact(str(err)) or 'refused'}."
                    )
                return error_result(f"Request to the upstream {host} failed: {self._redact(str(err))}")
            note_status(response.status_code)
            try:
                renewable = self._token_schemes(binding.get("security")) if response.status_code == 401 else []
                if renewable and attempt == 1:
                    # A cached OAuth2 token may have been revoked early: fetch a new one, try once more.
                    await response.aclose()
                    for scheme in renewable:
                        self.auth.invalidate(scheme)
                    await self.auth.apply(request, binding.get("security"))
                    continue
                if retryable and response.status_code in RETRY_STATUSES:
                    retry_after = response.headers.get("Retry-After")
                    if await self._backoff(attempt, deadline, retry_after):
                        await response.aclose()
                        continue
                body, truncated = await self._read(response)
            except httpx.TimeoutException:
                return error_result(f"The upstream {host} stopped sending within {self.options.timeout:g} s.")
            except httpx.HTTPError as err:
                return error_result(f"Reading the response of {host} failed: {self._redact(str(err))}")
            except AuthError as err:
                return error_result(self._redact(str(err)))
            finally:
                await response.aclose()
            return response_to_result(
                response,
                body=body,
                truncated=truncated,
                output_schema_ok=self._output_ok(name),
                redact=self.auth.query_param_names(),
                secrets=self.auth.secrets,
                shaping=self._shaping(tool, request),
                fields=shape[0],
                projection=shape[1],
            )

    async def _read(self, response: httpx.Response) -> tuple[bytes, bool]:
        limit = self.options.max_response_bytes
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                return b"".join(chunks)[:limit], True
        return b"".join(chunks), False

    async def _backoff(self, attempt: int, deadline: float, retry_after: str | None) -> bool:
        """Wait before the next attempt; False when the retry budget says stop."""
        if attempt > self.options.retries:
            return False
        delay = _retry_after_seconds(retry_after)
        if delay is None:
            delay = random.uniform(0, min(8.0, 0.25 * 2**attempt))  # full jitter
        if time.monotonic() + delay > deadline:
            return False
        await anyio.sleep(delay)
        return True


def _retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
