"""Upstream credentials: load them from flags and env vars, apply securitySchemes to requests, cache OAuth2 tokens."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

import anyio
import httpx

__all__ = ["AuthError", "Authenticator", "env_var_name", "load_credentials", "redact"]

ENV_PREFIX = "OA2MCP_AUTH_"
REFRESH_MARGIN_SECONDS = 60.0
"""A cached token is refreshed when less than this (or 10% of its lifetime, if less) remains."""

_MASK = "***"


class AuthError(Exception):
    """Credentials are missing, malformed or refused; the message is for the model/user and holds no secret."""


class MissingCredential(AuthError):
    """The server holds no credential that satisfies an operation's security requirement."""


def env_var_name(scheme_name: str) -> str:
    """The environment variable that holds a scheme's credential.

    Args:
        scheme_name: The name in `components/securitySchemes`, e.g. `api-key`.

    Returns:
        `OA2MCP_AUTH_` plus the name upper-cased, each character outside `A-Z0-9` replaced by `_`
        (`api-key` → `OA2MCP_AUTH_API_KEY`).
    """
    return ENV_PREFIX + re.sub(r"[^A-Za-z0-9]", "_", scheme_name).upper()


def load_credentials(
    schemes: Mapping[str, Mapping[str, Any]], *, flags: Mapping[str, str], environ: Mapping[str, str]
) -> dict[str, str]:
    """Collect one credential per security scheme: `--auth NAME=VALUE` first, then `OA2MCP_AUTH_<NAME>`.

    Args:
        schemes: Security schemes by name, as `converter.tools.security_scheme_to_json` writes them.
        flags: `--auth` values already split into name → value.
        environ: The environment to read (usually `os.environ`); empty values count as unset.

    Returns:
        Credential by scheme name, for the schemes that have one.

    Raises:
        AuthError: A flag names no declared scheme, or gives an empty value.
    """
    unknown = sorted(set(flags) - set(schemes))
    if unknown:
        valid = ", ".join(f"'{name}'" for name in schemes) or "none: this API declares no security schemes"
        names = ", ".join(f"'{name}'" for name in unknown)
        raise AuthError(f"unknown --auth name {names}; valid names: {valid}")
    credentials: dict[str, str] = {}
    for name in schemes:
        if name in flags:
            if not flags[name]:
                raise AuthError(f"--auth {name}= has an empty value")
            credentials[name] = flags[name]
        elif environ.get(env_var_name(name)):
            credentials[name] = environ[env_var_name(name)]
    return credentials


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret (of 4 characters or more) with `***`.

    Args:
        text: Text that may contain secrets (a log line, an error message).
        secrets: Secret values, e.g. `Authenticator.secrets`.
    """
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, _MASK)
    return text


@dataclass(frozen=True, slots=True)
class _Token:
    value: str
    refresh_at: float | None
    """Clock time after which the token is fetched again; None: until invalidated."""


def _split_pair(name: str, credential: str, expected: str) -> tuple[str, str]:
    first, sep, second = credential.partition(":")
    if not sep:
        raise AuthError(f"the credential for '{name}' must be {expected} (it has no ':')")
    return first, second


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class Authenticator:
    """Applies an operation's security requirement to outgoing requests, with cached OAuth2 tokens."""

    def __init__(
        self,
        schemes: Mapping[str, Mapping[str, Any]],
        credentials: Mapping[str, str],
        *,
        client: httpx.AsyncClient | Callable[[], httpx.AsyncClient],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Hold the schemes and credentials; nothing is fetched until a request needs it.

        Args:
            schemes: Security schemes by name, as `converter.tools.security_scheme_to_json` writes them.
            credentials: Credential by scheme name, as `load_credentials` returns them.
            client: The client used for OAuth2 token requests, or a function returning it (called at the first
                token request: making a client costs ~20 ms of TLS set-up, which a start need not pay).
            clock: Monotonic seconds, injectable for tests.
        """
        self._schemes = dict(schemes)
        self._credentials = dict(credentials)
        self._client = client
        self._clock = clock
        self._tokens: dict[tuple[str, tuple[str, ...]], _Token] = {}
        self._locks: dict[tuple[str, tuple[str, ...]], anyio.Lock] = {}

    async def apply(self, request: httpx.Request, security: Sequence[Mapping[str, Sequence[str]]] | None) -> None:
        """Add the credentials of the first security alternative whose schemes all have credentials.

        An empty alternative (`{}`) is anonymous access: it is always satisfied, but an alternative that
        sends credentials wins over it wherever it is in the list, since optional authentication
        (`[{}, {api_key: []}]`) usually unlocks more. None or `[]` means the operation needs no security.

        Args:
            request: The request to modify in place (headers, URL query).
            security: The binding's `security`: alternatives, each scheme name → scopes.

        Raises:
            AuthError: No alternative has all its credentials, a credential is malformed, or the token
                endpoint failed.
        """
        if not security:
            return
        for alternative in security:
            if alternative and all(self._satisfiable(name) for name in alternative):
                for name, scopes in alternative.items():
                    await self._apply_scheme(request, name, tuple(scopes))
                return
        if any(not alternative for alternative in security):
            return  # anonymous access is allowed and no credentialed alternative is available
        raise MissingCredential(self._missing_message(security))

    def invalidate(self, scheme_name: str) -> None:
        """Drop the cached tokens of a scheme (all scopes), e.g. after the upstream answered 401.

        Args:
            scheme_name: The scheme whose tokens to forget; unknown names are ignored.
        """
        for key in [key for key in self._tokens if key[0] == scheme_name]:
            del self._tokens[key]

    @property
    def secrets(self) -> list[str]:
        """Every secret value in play, in the forms it appears on the wire, for redaction.

        Credentials, their password/secret halves, encoded `Authorization` values, URL-encoded API keys,
        and the OAuth2 access tokens fetched so far.
        """
        found: list[str] = []
        for name, credential in self._credentials.items():
            found.append(credential)
            scheme = self._schemes.get(name, {})
            kind = scheme.get("type")
            first, sep, second = credential.partition(":")
            if kind == "http" and str(scheme.get("scheme", "")).lower() == "basic" and sep:
                found += [second, _basic(first, second).removeprefix("Basic ")]
            elif kind == "oauth2" and scheme.get("tokenUrl") and sep:
                found += [second, quote(second, safe="")]
                found.append(_basic(quote(first, safe=""), quote(second, safe="")).removeprefix("Basic "))
            elif kind == "apiKey":
                found += [quote_plus(credential), quote(credential, safe="")]
        found += [token.value for token in self._tokens.values()]
        return list(dict.fromkeys(s for s in found if s))

    def query_param_names(self) -> list[str]:
        """Names of the query parameters that apiKey schemes put secrets in, for URL redaction."""
        return [
            str(scheme.get("name", ""))
            for scheme in self._schemes.values()
            if scheme.get("type") == "apiKey" and scheme.get("in") == "query" and scheme.get("name")
        ]

    def _satisfiable(self, name: str) -> bool:
        scheme = self._schemes.get(name)
        return scheme is not None and name in self._credentials and scheme.get("type") != "mutualTLS"

    async def _apply_scheme(self, request: httpx.Request, name: str, scopes: tuple[str, ...]) -> None:
        scheme = self._schemes[name]
        credential = self._credentials[name]
        kind = scheme.get("type")
        if kind == "apiKey":
            param = str(scheme.get("name", ""))
            where = scheme.get("in", "header")
            # Set, not add: applying twice (a retry after 401) must not duplicate the key.
            if where == "query":
                request.url = request.url.copy_set_param(param, credential)
            elif where == "cookie":
                existing = request.headers.get("cookie", "")
                pairs = [p for p in existing.split("; ") if p and p.split("=", 1)[0] != param]
                request.headers["Cookie"] = "; ".join([*pairs, f"{param}={credential}"])
            else:
                request.headers[param] = credential
        elif kind == "http":
            http_scheme = str(scheme.get("scheme", "bearer"))
            if http_scheme.lower() == "bearer":
                request.headers["Authorization"] = f"Bearer {credential}"
            elif http_scheme.lower() == "basic":
                request.headers["Authorization"] = _basic(*_split_pair(name, credential, "USER:PASSWORD"))
            else:
                request.headers["Authorization"] = f"{http_scheme[:1].upper()}{http_scheme[1:]} {credential}"
        elif kind == "oauth2" and scheme.get("tokenUrl") and ":" in credential:
            token = await self._token(name, str(scheme["tokenUrl"]), credential, scopes)
            request.headers["Authorization"] = f"Bearer {token}"
        else:
            # oauth2 without a client-credentials flow, or given a ready token (no ':'), and openIdConnect.
            request.headers["Authorization"] = f"Bearer {credential}"

    async def _token(self, name: str, token_url: str, credential: str, scopes: tuple[str, ...]) -> str:
        key = (name, tuple(sorted(set(scopes))))
        token = self._tokens.get(key)
        if token is not None and self._fresh(token):
            return token.value
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = anyio.Lock()
        async with lock:
            # Whoever held the lock before us may have fetched the token we need.
            token = self._tokens.get(key)
            if token is None or not self._fresh(token):
                token = await self._fetch_token(name, token_url, credential, key[1])
                self._tokens[key] = token
        return token.value

    def _fresh(self, token: _Token) -> bool:
        return token.refresh_at is None or self._clock() < token.refresh_at

    async def _fetch_token(self, name: str, token_url: str, credential: str, scopes: tuple[str, ...]) -> _Token:
        client_id, client_secret = _split_pair(name, credential, "CLIENT_ID:CLIENT_SECRET")
        data = {"grant_type": "client_credentials"}
        if scopes:
            data["scope"] = " ".join(scopes)
        # RFC 6749 §2.3.1: the id and secret are form-urlencoded before HTTP Basic encoding.
        auth = httpx.BasicAuth(quote(client_id, safe=""), quote(client_secret, safe=""))
        started = self._clock()
        try:
            client = self._client if isinstance(self._client, httpx.AsyncClient) else self._client()
            response = await client.post(token_url, data=data, auth=auth, headers={"Accept": "application/json"})
        except httpx.HTTPError as err:
            message = f"could not reach the token endpoint for '{name}' ({token_url}): {type(err).__name__}: {err}"
            raise AuthError(redact(message, self.secrets)) from err
        if not response.is_success:
            message = f"the token endpoint for '{name}' answered {response.status_code} {response.reason_phrase}"
            raise AuthError(redact(message + _oauth_error(response), self.secrets))
        try:
            payload = response.json()
        except ValueError:
            payload = None
        access_token = payload.get("access_token") if isinstance(payload, dict) else None
        if not isinstance(access_token, str) or not access_token:
            raise AuthError(f"the token endpoint for '{name}' answered without an access_token")
        lifetime = _seconds(payload.get("expires_in") if isinstance(payload, dict) else None)
        if lifetime is None:
            return _Token(access_token, None)
        margin = min(REFRESH_MARGIN_SECONDS, lifetime / 10)
        return _Token(access_token, started + lifetime - margin)

    def _missing_message(self, security: Sequence[Mapping[str, Sequence[str]]]) -> str:
        alternatives = [list(alt) for alt in security if alt]
        needs = " or ".join(" and ".join(f"'{name}'" for name in alt) for alt in alternatives)
        message = f"this operation needs credentials for {needs}"
        usable = next((alt for alt in alternatives if all(self._supported(name) for name in alt)), None)
        if usable is not None:
            missing = [name for name in usable if name not in self._credentials]
            flags = " ".join(f"--auth {name}={self._placeholder(name)}" for name in missing)
            env = " and ".join(env_var_name(name) for name in missing)
            message += f"; pass {flags} or set {env}"
        for name in dict.fromkeys(name for alt in alternatives for name in alt):
            if name not in self._schemes:
                message += f"; '{name}' is not declared in components/securitySchemes"
            elif not self._supported(name):
                message += f"; '{name}' is a {self._schemes[name].get('type')} scheme, which cannot be applied here"
        return message

    def _supported(self, name: str) -> bool:
        scheme = self._schemes.get(name)
        return scheme is not None and scheme.get("type") != "mutualTLS"

    def _placeholder(self, name: str) -> str:
        scheme = self._schemes[name]
        kind = scheme.get("type")
        if kind == "http":
            http_scheme = str(scheme.get("scheme", "bearer")).lower()
            return {"basic": "USER:PASSWORD", "bearer": "TOKEN"}.get(http_scheme, "VALUE")
        if kind == "oauth2":
            return "CLIENT_ID:CLIENT_SECRET" if scheme.get("tokenUrl") else "TOKEN"
        if kind == "openIdConnect":
            return "TOKEN"
        return "VALUE"


def _oauth_error(response: httpx.Response) -> str:
    """`: invalid_client (description)` from an RFC 6749 error body, or "" if there is none."""
    try:
        payload = response.json()
    except ValueError:
        return ""
    if not isinstance(payload, dict) or not isinstance(payload.get("error"), str):
        return ""
    text = f": {payload['error']}"
    description = payload.get("error_description")
    if isinstance(description, str) and description:
        text += f" ({description[:200]})"
    return text


def _seconds(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and value > 0:
        return float(value)
    if isinstance(value, str):
        try:
            seconds = float(value)
        except ValueError:
            return None
        return seconds if seconds > 0 else None
    return None
