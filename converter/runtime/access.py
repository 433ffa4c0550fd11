"""Who may do what on an HTTP server: the named clients of the config (their credential reference, tools and rate
limit), the headers forwarded to the upstream, and the checks the tool handlers make on each request.

The policy arrives as plain data (`oa2mcp serve` builds it from the config's `clients:`; a generated server reads
it from tools.json), so it never holds a secret: a client's key is named by an environment variable (read here,
at start) or by its SHA-256 digest; a JWT client by the claims its tokens must carry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import mcp_types as types
from mcp.server.auth.provider import AccessToken
from mcp.shared.exceptions import MCPError

from .limits import Rate, RateLimiter, parse_rate

__all__ = ["AccessControl", "AccessPolicy", "CallerToken", "Client", "key_digest"]

ANONYMOUS = "anonymous"
"""The rate-limit bucket of callers without credentials (stdio, or HTTP on loopback without authentication)."""

KEY_AS_BEARER = "oa2mcp.api_key_as_bearer"
"""Request state set by `inbound.ApiKeyHeader`: the Authorization header was made from X-API-Key (the caller's
MCP key), so it is never forwarded upstream."""


def key_digest(key: str) -> bytes:
    """SHA-256 of a static key: what is kept in memory and compared, never the key itself."""
    return hashlib.sha256(key.encode("utf-8")).digest()


class CallerToken(AccessToken):
    """An access token as the verifier accepted it, with the config client it belongs to (None: a caller with
    access to every tool — a key from `OA2MCP_API_KEYS`, or any valid JWT when the config names no clients)."""

    client: str | None = None


@dataclass(frozen=True, slots=True)
class Client:
    """One named client: how it authenticates, what it may call, how often."""

    name: str
    key_digest: bytes | None = None
    jwt: Mapping[str, tuple[str, ...]] | None = None
    """Claim → accepted values; a token matches when each claim has one of them (or contains one, for a list)."""
    tools: frozenset[str] | None = None
    """None: every tool."""
    rate: Rate | None = None

    def matches_claims(self, claims: Mapping[str, Any]) -> bool:
        """Whether a verified token's claims are this client's."""
        if self.jwt is None:
            return False
        for claim, accepted in self.jwt.items():
            value = claims.get(claim)
            values = value if isinstance(value, list) else [value]
            if not any(isinstance(item, str) and item in accepted for item in values):
                return False
        return True


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    """The clients and forwarded headers of a server, ready for the checks."""

    clients: tuple[Client, ...] = ()
    forward_headers: tuple[str, ...] = ()
    by_name: Mapping[str, Client] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None, *, environ: Mapping[str, str]) -> AccessPolicy:
        """The policy from its plain-data form, each `key_env` read from `environ` now.

        Raises:
            ValueError: a client's key variable is unset or empty (the message names the variable, never a value).
        """
        if not data:
            return cls()
        clients = []
        for entry in data.get("clients", ()):
            digest = None
            if entry.get("key_env"):
                value = environ.get(entry["key_env"], "")
                if not value.strip():
                    raise ValueError(
                        f"client '{entry['name']}': the environment variable {entry['key_env']} is not set"
                    )
                digest = key_digest(value.strip())
            elif entry.get("key_sha256"):
                digest = bytes.fromhex(entry["key_sha256"])
            jwt = entry.get("jwt")
            clients.append(
                Client(
                    name=entry["name"],
                    key_digest=digest,
                    jwt={claim: tuple(values) for claim, values in jwt.items()} if jwt is not None else None,
                    tools=frozenset(entry["tools"]) if entry.get("tools") is not None else None,
                    rate=parse_rate(entry["rate_limit"]) if entry.get("rate_limit") else None,
                )
            )
        return cls(
            clients=tuple(clients),
            forward_headers=tuple(data.get("forward_headers", ())),
            by_name={client.name: client for client in clients},
        )

    @property
    def jwt_clients(self) -> tuple[Client, ...]:
        """The clients identified by JWT claims, in config order (the first match wins)."""
        return tuple(client for client in self.clients if client.jwt is not None)


def _caller(request: Any) -> CallerToken | None:
    """The verified token of the HTTP request a handler serves (None on stdio or without authentication)."""
    scope = getattr(request, "scope", None)
    user = scope.get("user") if isinstance(scope, Mapping) else None
    token = getattr(user, "access_token", None)
    return token if isinstance(token, CallerToken) else None


class AccessControl:
    """The per-request checks of the tool handlers: which tools a caller sees and may call, its rate limit, and
    the headers of its request that go on to the upstream."""

    def __init__(self, policy: AccessPolicy, listing: Sequence[Mapping[str, Any]], *, default_rate: Rate | None):
        """Hold the policy; tools/list answers are made once per client, at its first listing."""
        self.policy = policy
        self.default_rate = default_rate
        self._listing = listing
        self._limiter = RateLimiter()
        self._lists: dict[str | None, types.ListToolsResult] = {}
        self._forward = tuple(name.lower() for name in policy.forward_headers)

    @classmethod
    def everyone(cls, listing: Sequence[Mapping[str, Any]]) -> AccessControl:
        """Every caller sees and may call every tool, without limits or forwarded headers."""
        return cls(AccessPolicy(), listing, default_rate=None)

    def _client(self, request: Any) -> tuple[str, Client | None]:
        token = _caller(request)
        if token is None:
            return ANONYMOUS, None
        client = self.policy.by_name.get(token.client) if token.client is not None else None
        return token.client_id, client

    def list_tools(self, request: Any) -> types.ListToolsResult:
        """tools/list as the caller of `request` may see it."""
        _, client = self._client(request)
        allowed = client.tools if client is not None else None
        key = client.name if allowed is not None and client is not None else None
        result = self._lists.get(key)
        if result is None:
            tools = [types.Tool.model_validate(e) for e in self._listing if allowed is None or e["name"] in allowed]
            result = self._lists[key] = types.ListToolsResult(tools=tools)
        return result

    def allowed_tools(self, request: Any) -> frozenset[str] | None:
        """The tools the caller of `request` may list and call (None: every tool); search mode's tools find and
        call only these."""
        _, client = self._client(request)
        return client.tools if client is not None else None

    def check_call(self, request: Any, tool: str) -> types.CallToolResult | None:
        """None when the caller may call `tool` now; an `isError` result when over its rate limit.

        Raises:
            MCPError: the tool is not the caller's — the same error as for a tool that does not exist, so a
                client cannot learn the names of tools it was not given.
        """
        caller_id, client = self._client(request)
        if client is not None and client.tools is not None and tool not in client.tools:
            raise MCPError(types.INVALID_PARAMS, f"Unknown tool: {tool}")
        rate = (client.rate if client is not None else None) or self.default_rate
        if rate is None:
            return None
        wait = self._limiter.acquire(caller_id, rate)
        if not wait:
            return None
        text = f"Rate limit reached ({rate} for this client): retry in {max(wait, 0.01):.2f} s."
        result = types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=True)
        return result.model_copy(update={"meta": {"oa2mcp/retryAfterSeconds": round(wait, 3)}})

    def forwarded_headers(self, request: Any) -> dict[str, str]:
        """The allowlisted (`forward_headers`) headers of the caller's HTTP request, for the upstream."""
        headers = getattr(request, "headers", None)
        if not self._forward or headers is None:
            return {}
        made = getattr(request, "scope", {}).get("state", {}).get(KEY_AS_BEARER, False)
        return {
            name: headers[name]
            for name in self._forward
            if name in headers and not (made and name.lower() == "authorization")
        }
