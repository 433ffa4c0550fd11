"""Who may connect to an HTTP server: static API keys and JWTs (an OAuth 2.1 resource server), verified through
the SDK's auth hooks so clients get its standard 401 + `WWW-Authenticate` and protected-resource metadata; and
the Host/Origin checks against DNS rebinding, on for every listening address.

Keys are never taken from the command line (other users can read it): they come from `OA2MCP_API_KEYS`,
`--api-keys-file`, or the config's clients (an environment variable or a SHA-256 digest). Only their digests
are kept, and a presented key is compared with each of them in constant time.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .access import KEY_AS_BEARER, AccessPolicy, CallerToken, key_digest

__all__ = [
    "API_KEYS_ENV",
    "ApiKeyHeader",
    "CallerVerifier",
    "Inbound",
    "JwtVerifier",
    "build_inbound",
    "is_loopback",
    "load_api_keys",
]

logger = logging.getLogger("oa2mcp.inbound")

API_KEYS_ENV = "OA2MCP_API_KEYS"
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES256K", "ES384", "ES512", "EdDSA", "Ed25519"}
)
"""Signature algorithms a JWK may name: never `none`, never HS* (a shared secret is not a public key)."""
CLOCK_SKEW_SECONDS = 30
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def is_loopback(host: str) -> bool:
    """Whether `host` (a listening address) is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def load_api_keys(environ: Mapping[str, str], path: str | None) -> list[str]:
    """The unrestricted API keys: `OA2MCP_API_KEYS` (comma-separated) and the lines of `path` (`#` starts a
    comment).

    Raises:
        ValueError: the file cannot be read, or it lists no key (the message never shows a key).
    """
    keys = [key.strip() for key in environ.get(API_KEYS_ENV, "").split(",") if key.strip()]
    if path is not None:
        try:
            with open(path, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise ValueError(f"--api-keys-file {path}: cannot read: {getattr(err, 'strerror', None) or err}") from err
        found = [line.split("#", 1)[0].strip() for line in lines]
        if not any(found):
            raise ValueError(f"--api-keys-file {path}: no key in the file (one a line; # starts a comment)")
        keys.extend(key for key in found if key)
    return keys


class JwtVerifier:
    """Checks a JWT's signature with a key of the JWKS (its algorithm fixed by the key), its expiry, not-before,
    issuer and audience."""

    def __init__(
        self, *, issuer: str, audience: str, jwks_url: str | None = None, jwks: Mapping[str, Any] | None = None
    ) -> None:
        """Verify tokens of `issuer` for `audience`, with keys from `jwks_url` (fetched at the first token, cached
        5 minutes, fetched again for an unknown key id) or the JWK Set `jwks`.

        Raises:
            ValueError: `jwks` has no usable public key.
        """
        import jwt  # noqa: PLC0415  (only servers that verify JWTs pay for importing cryptography)

        self.issuer = issuer
        self.audience = audience
        self._client = jwt.PyJWKClient(jwks_url, cache_keys=False, lifespan=300, timeout=10) if jwks_url else None
        self._keys: list[Any] = []
        if jwks is not None:
            try:
                keys = jwt.PyJWKSet.from_dict(dict(jwks)).keys
            except jwt.PyJWTError as err:
                raise ValueError(f"not a usable JWK Set: {err}") from err
            self._keys = [key for key in keys if key.algorithm_name in ASYMMETRIC_ALGORITHMS]
            if not self._keys:
                raise ValueError("the JWK Set has no public signing key (RSA, EC or OKP)")

    async def _key(self, kid: str | None) -> Any:
        """The JWK that should have signed a token with key id `kid`, or None."""
        import anyio  # noqa: PLC0415
        import jwt  # noqa: PLC0415

        keys = self._keys
        if self._client is not None:
            client = self._client
            try:
                if kid is not None:
                    # PyJWKClient fetches with urllib (blocking): keep it off the event loop.
                    return await anyio.to_thread.run_sync(client.get_signing_key, kid)
                keys = await anyio.to_thread.run_sync(client.get_signing_keys)
            except jwt.PyJWKClientConnectionError as err:
                logger.warning("cannot fetch the JWKS: %s", err)
                return None
            except jwt.PyJWKClientError:
                return None
        if kid is None:
            return keys[0] if len(keys) == 1 else None
        return next((key for key in keys if key.key_id == kid), None)

    async def verify(self, token: str) -> dict[str, Any] | None:
        """The token's claims when it is valid for this server, else None (the reason is logged at INFO)."""
        import jwt  # noqa: PLC0415

        try:
            header = jwt.get_unverified_header(token)
            key = await self._key(header.get("kid"))
            if key is None or key.algorithm_name not in ASYMMETRIC_ALGORITHMS:
                logger.info("JWT refused: no usable key for its kid")
                return None
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=[key.algorithm_name],
                audience=self.audience,
                issuer=self.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as err:
            logger.info("JWT refused: %s", type(err).__name__)
            return None
        return claims


class CallerVerifier:
    """The SDK's `TokenVerifier` for both kinds of credential: a static key (compared by digest) or a JWT (whose
    claims pick its config client)."""

    def __init__(self, keys: Mapping[bytes, tuple[str, str | None]], jwt: JwtVerifier | None, policy: AccessPolicy):
        """`keys`: digest → (client id, config client name or None for an unrestricted key)."""
        self._keys = list(keys.items())
        self._jwt = jwt
        self._policy = policy

    def _static(self, token: str) -> tuple[str, str | None] | None:
        digest = key_digest(token)
        found = None
        for known, identity in self._keys:  # no early exit: every presented key costs the same comparisons
            if hmac.compare_digest(digest, known):
                found = identity
        return found

    async def verify_token(self, token: str) -> CallerToken | None:
        """A token for the caller of `token`, or None (the SDK then answers 401)."""
        identity = self._static(token)
        if identity is not None:
            client_id, client = identity
            return CallerToken(token=token, client_id=client_id, scopes=[], client=client)
        if self._jwt is None or token.count(".") != 2:
            return None
        claims = await self._jwt.verify(token)
        if claims is None:
            return None
        client = None
        if self._policy.clients:
            client = next((c.name for c in self._policy.jwt_clients if c.matches_claims(claims)), None)
            if client is None:
                logger.info("JWT refused: its claims match no client of the config")
                return None
        scope = claims.get("scope")
        scp = claims.get("scp")
        listed = scp if isinstance(scp, list) else scp.split() if isinstance(scp, str) else []
        scopes = scope.split() if isinstance(scope, str) else [s for s in listed if isinstance(s, str)]
        exp = claims.get("exp")
        return CallerToken(
            token=token,
            client_id=client or str(claims.get("client_id") or claims.get("azp") or claims.get("sub") or "jwt"),
            scopes=scopes,
            expires_at=int(exp) if isinstance(exp, (int, float)) else None,
            resource=self._jwt.audience,
            subject=str(claims["sub"]) if "sub" in claims else None,
            claims=claims,
            client=client,
        )


class ApiKeyHeader:
    """ASGI middleware: `X-API-Key: KEY` is read as `Authorization: Bearer KEY` when no Authorization is sent, so
    both go through the same verifier."""

    def __init__(self, app: Any) -> None:
        """Wrap `app`."""
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Rewrite the headers of an HTTP request that carries X-API-Key only."""
        if scope["type"] == "http":
            headers = scope["headers"]
            key = next((value for name, value in headers if name == b"x-api-key"), None)
            if key is not None and not any(name == b"authorization" for name, _ in headers):
                headers = [*headers, (b"authorization", b"Bearer " + key)]
                # Marked, so that `forward_headers: [Authorization]` never sends the caller's MCP key upstream.
                scope = {**scope, "headers": headers, "state": {**scope.get("state", {}), KEY_AS_BEARER: True}}
        await self.app(scope, receive, send)


@dataclass(frozen=True, slots=True)
class Inbound:
    """How the HTTP app authenticates and checks requests: what `streamable_http_app` is given."""

    verifier: CallerVerifier | None
    """None: no authentication (loopback, or `--insecure-no-auth`)."""
    resource_url: str
    issuer: str | None
    allowed_hosts: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    max_request_bytes: int
    warning: str | None = None
    """A line for stderr at start (serving without authentication off loopback)."""

    def app_options(self) -> dict[str, Any]:
        """Keyword arguments for the SDK's `Server.streamable_http_app`."""
        from mcp.server.auth.settings import AuthSettings  # noqa: PLC0415
        from mcp.server.transport_security import TransportSecuritySettings  # noqa: PLC0415

        options: dict[str, Any] = {
            "max_request_body_size": self.max_request_bytes,
            "transport_security": TransportSecuritySettings(
                enable_dns_rebinding_protection=True,
                allowed_hosts=list(self.allowed_hosts),
                allowed_origins=list(self.allowed_origins),
            ),
        }
        if self.verifier is not None:
            # With static keys only there is no authorization server to advertise: no resource metadata, and the
            # settings' required issuer is never read (the SDK uses it only for metadata and its own OAuth routes).
            # Validated from strings, so a path-less issuer keeps its exact spelling (no added trailing slash).
            options["auth"] = AuthSettings.model_validate(
                {
                    "issuer_url": self.issuer or self.resource_url,
                    "resource_server_url": self.resource_url if self.issuer else None,
                    "validate_token_resource": False,  # the JWT verifier checks the audience itself
                }
            )
            options["token_verifier"] = self.verifier
        return options


def _hosts(names: Sequence[str]) -> list[str]:
    """Host header values for names given with or without a port: `name` alone also allows any port."""
    return [form for name in names for form in ((name,) if _has_port(name) else (name, f"{name}:*"))]


def _has_port(host: str) -> bool:
    tail = host.rsplit("]", 1)[-1] if host.startswith("[") else host
    return ":" in tail and tail.rsplit(":", 1)[1].isdigit()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def build_inbound(
    values: Mapping[str, Any], policy: AccessPolicy, *, environ: Mapping[str, str], host: str, port: int
) -> Inbound:
    """The inbound security of an HTTP server from its `server` option values and access policy, the keys and
    the JWKS file read now; `host`/`port` are where it listens (the port really bound).

    Raises:
        ValueError: a key source or JWKS cannot be read, JWT options are incomplete, or the server would listen
            off loopback without authentication and without `--insecure-no-auth`.
    """
    keys: dict[bytes, tuple[str, str | None]] = {}
    for index, key in enumerate(load_api_keys(environ, values.get("api_keys_file")), start=1):
        keys[key_digest(key)] = (f"api-key-{index}", None)
    for client in policy.clients:
        if client.key_digest is not None:
            keys[client.key_digest] = (client.name, client.name)
    resource_url = values.get("resource_url") or f"http://{_url_host(host)}:{port}/mcp"
    jwt = _jwt_verifier(values, resource_url=resource_url, host=host)
    if policy.jwt_clients and jwt is None:
        names = ", ".join(client.name for client in policy.jwt_clients)
        raise ValueError(f"clients {names} are identified by JWT claims: give --jwt-issuer and --jwks-url/--jwks-file")
    warning = None
    if not keys and jwt is None and not is_loopback(host):
        if not values.get("insecure_no_auth"):
            raise ValueError(
                f"refusing to serve on {host} without authentication: set {API_KEYS_ENV}, --api-keys-file, "
                "--jwks-url/--jwks-file or clients in the config (or pass --insecure-no-auth)"
            )
        warning = f"warning: serving on {host} without authentication (--insecure-no-auth): anyone who can reach it"
        warning += " can call every tool"
    hosts = [*LOOPBACK_HOSTS, *([] if is_loopback(host) or _wildcard(host) else [_url_host(host)])]
    hosts.extend(values.get("allowed_hosts") or ())
    origins = [f"http://{name}:*" for name in LOOPBACK_HOSTS] + [f"http://{name}" for name in LOOPBACK_HOSTS]
    origins.extend(origin.rstrip("/") for origin in values.get("allowed_origins") or ())
    return Inbound(
        verifier=CallerVerifier(keys, jwt, policy) if keys or jwt else None,
        resource_url=resource_url,
        issuer=jwt.issuer if jwt else None,
        allowed_hosts=tuple(_hosts(hosts)),
        allowed_origins=tuple(origins),
        max_request_bytes=values["max_request_bytes"],
        warning=warning,
    )


def _wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def _jwt_verifier(values: Mapping[str, Any], *, resource_url: str, host: str) -> JwtVerifier | None:
    issuer, url, path = values.get("jwt_issuer"), values.get("jwks_url"), values.get("jwks_file")
    if not (issuer or url or path):
        return None
    if not issuer or not (url or path) or (url and path):
        raise ValueError("JWT verification needs --jwt-issuer and one of --jwks-url or --jwks-file")
    if not values.get("resource_url") and _wildcard(host):
        raise ValueError(
            f"--resource-url is needed with JWTs on {host}: this server's public MCP URL, as clients see it"
        )
    jwks = None
    if path:
        try:
            with open(path, encoding="utf-8") as handle:
                jwks = json.load(handle)
        except (OSError, ValueError) as err:
            raise ValueError(
                f"--jwks-file {path}: cannot read a JWK Set: {getattr(err, 'strerror', None) or err}"
            ) from err
        if not isinstance(jwks, dict):
            raise ValueError(f'--jwks-file {path}: expected a JWK Set object ({{"keys": [...]}})')
    try:
        return JwtVerifier(issuer=issuer, audience=values.get("jwt_audience") or resource_url, jwks_url=url, jwks=jwks)
    except ValueError as err:
        raise ValueError(f"--jwks-file {path}: {err}") from err
