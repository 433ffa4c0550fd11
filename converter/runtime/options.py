"""The runtime's command-line options, declared once: `oa2mcp serve`/`call` (click) and every generated
server (argparse) build their options from this table, so the two cannot drift.

Each option has a scope: `upstream` options (where the API is, credentials, limits of one call) belong to
`serve`, `call` and generated servers; `server` options (transport, listening, inbound security, limits,
observability) to `serve` and generated servers only.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from .shaping import DEFAULT_MAX_RESPONSE_CHARS

DEFAULT_MAX_RESPONSE_BYTES = 1_000_000
"""How much of an upstream body a caller should read before it stops and passes `truncated=True`."""

__all__ = ["ENVIRONMENT_HELP", "LOG_LEVELS", "OPTIONS", "Option", "add_to_parser", "split_pairs"]

Kind = Literal["str", "int", "float", "flag", "choice", "path"]
Scope = Literal["upstream", "server"]
LOG_LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True, slots=True)
class Option:
    """One command-line option: its flag, the name its value goes by, and how it is read."""

    flag: str
    dest: str
    help: str
    kind: Kind = "str"
    scope: Scope = "server"
    default: Any = None
    multiple: bool = False
    metavar: str | None = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


OPTIONS: tuple[Option, ...] = (
    # -- where the server listens
    Option(
        "--transport",
        "transport",
        "stdio for a local client; http serves streamable HTTP at /mcp.",
        kind="choice",
        choices=("stdio", "http"),
        default="stdio",
    ),
    Option("--host", "host", "Address to listen on (http).", default="127.0.0.1"),
    Option(
        "--port",
        "port",
        "Port to listen on (http); 0 picks a free one.",
        kind="int",
        default=8000,
        minimum=0,
        maximum=65535,
    ),
    Option(
        "--stateless", "stateless", "No MCP sessions (http): for load-balanced or multi-worker setups.", kind="flag"
    ),
    # -- the upstream API
    Option(
        "--base-url",
        "base_url",
        "Upstream base URL; overrides the config's base_url and the spec's servers.",
        scope="upstream",
    ),
    Option(
        "--server-var",
        "server_vars",
        "Value for a {variable} of the spec's server URL (default: the spec's default).",
        scope="upstream",
        multiple=True,
        metavar="NAME=VALUE",
    ),
    Option(
        "--auth",
        "auth",
        "Credential for the security scheme NAME (basic: user:password; oauth2: client_id:client_secret). "
        "Prefer the env var OA2MCP_AUTH_<NAME>: a command line is visible to other users.",
        scope="upstream",
        multiple=True,
        metavar="NAME=VALUE",
    ),
    Option(
        "--header",
        "headers",
        "A header sent with every request.",
        scope="upstream",
        multiple=True,
        metavar="'NAME: VALUE'",
    ),
    Option(
        "--timeout",
        "timeout",
        "Seconds to wait for the upstream to connect and to answer.",
        kind="float",
        scope="upstream",
        default=30.0,
        minimum=0.1,
    ),
    Option(
        "--max-response-bytes",
        "max_response_bytes",
        "Longer upstream responses are truncated, with a note.",
        kind="int",
        scope="upstream",
        default=DEFAULT_MAX_RESPONSE_BYTES,
        minimum=1,
    ),
    Option(
        "--mock",
        "mock",
        "No upstream: validate and build each request, then answer from the spec's examples or a value made "
        "from the response schema (the request is shown in the result's _meta).",
        kind="flag",
        scope="upstream",
    ),
    # -- upstream transport: TLS, client certificates, proxies
    Option(
        "--ca-bundle",
        "ca_bundle",
        "PEM file of the CA certificates to trust for the upstream (a private CA), instead of the default "
        "bundle (certifi's, or $SSL_CERT_FILE).",
        kind="path",
        scope="upstream",
        metavar="FILE",
    ),
    Option(
        "--client-cert",
        "client_cert",
        "PEM client certificate for upstreams that require mutual TLS (it may hold the key too).",
        kind="path",
        scope="upstream",
        metavar="FILE",
    ),
    Option(
        "--client-key",
        "client_key",
        "PEM private key of --client-cert (unencrypted; keep the file readable by this server only).",
        kind="path",
        scope="upstream",
        metavar="FILE",
    ),
    Option(
        "--insecure-skip-verify",
        "insecure_skip_verify",
        "Do not verify the upstream's TLS certificate (testing only: anyone on the path can read and change the "
        "traffic, credentials included); a warning says so at every start.",
        kind="flag",
        scope="upstream",
    ),
    # -- inbound security: authentication, clients, limits, Origin/Host
    Option(
        "--api-keys-file",
        "api_keys_file",
        "API keys that may call every tool (http), one a line, # comments; also the env var OA2MCP_API_KEYS "
        "(comma-separated). Callers send Authorization: Bearer KEY or X-API-Key: KEY. Keys are never options.",
        kind="path",
        metavar="FILE",
    ),
    Option(
        "--jwt-issuer",
        "jwt_issuer",
        "Accept JWTs issued by this authorization server (its issuer URL, as in the tokens' iss), signed with a "
        "key of --jwks-url or --jwks-file (http).",
        metavar="URL",
    ),
    Option(
        "--jwt-audience",
        "jwt_audience",
        "The aud a JWT must carry (default: --resource-url).",
    ),
    Option("--jwks-url", "jwks_url", "The issuer's JWK Set URL (fetched at the first token, cached).", metavar="URL"),
    Option("--jwks-file", "jwks_file", "The issuer's JWK Set, from a file.", kind="path", metavar="FILE"),
    Option(
        "--resource-url",
        "resource_url",
        "This server's public MCP URL, advertised in /.well-known/oauth-protected-resource (default: "
        "http://HOST:PORT/mcp).",
        metavar="URL",
    ),
    Option(
        "--insecure-no-auth",
        "insecure_no_auth",
        "Serve on a non-loopback --host without authentication (refused otherwise).",
        kind="flag",
    ),
    Option(
        "--rate-limit",
        "rate_limit",
        "Tool calls each client may make, as COUNT/s, /m or /h (a config client's rate_limit wins); an "
        "over-limit call gets an error result saying when to retry.",
        metavar="RATE",
    ),
    Option(
        "--max-upstream-concurrency",
        "max_upstream_concurrency",
        "Upstream requests in flight at once, over all clients; more wait their turn.",
        kind="int",
        minimum=1,
        metavar="N",
    ),
    Option(
        "--max-request-bytes",
        "max_request_bytes",
        "Larger HTTP request bodies are refused with 413 (http).",
        kind="int",
        default=4 * 1024 * 1024,
        minimum=1,
    ),
    Option(
        "--allowed-host",
        "allowed_hosts",
        "A Host header to accept besides loopback ones (http; repeatable): the public name behind a proxy, a "
        "Kubernetes Service name. Without a port, any port.",
        multiple=True,
        metavar="HOST[:PORT]",
    ),
    Option(
        "--allowed-origin",
        "allowed_origins",
        "A browser Origin to accept besides loopback ones (http; repeatable); requests without Origin pass.",
        multiple=True,
        metavar="ORIGIN",
    ),
    # -- observability: metrics, logs, audit, readiness
    Option(
        "--log-format",
        "log_format",
        "Log lines on stderr as text or as one JSON object each; secrets are masked either way.",
        kind="choice",
        choices=("text", "json"),
        default="text",
    ),
    Option(
        "--log-level",
        "log_level",
        "Least severe level logged (default: $OA2MCP_LOG_LEVEL, else warning).",
        kind="choice",
        choices=LOG_LEVELS,
    ),
    Option(
        "--audit",
        "audit",
        "One log line per tool call (logger oa2mcp.audit, level info whatever --log-level says): client, tool, "
        "outcome, upstream status, duration.",
        kind="flag",
    ),
    Option(
        "--audit-arguments",
        "audit_arguments",
        "Add each call's arguments to its audit line, secrets masked (implies --audit).",
        kind="flag",
    ),
    Option(
        "--metrics-path",
        "metrics_path",
        "Where Prometheus metrics are served (http); unauthenticated, like /healthz and /readyz.",
        default="/metrics",
        metavar="PATH",
    ),
    Option("--no-metrics", "no_metrics", "Serve no metrics (http).", kind="flag"),
    Option(
        "--ready-check",
        "ready_check",
        "GET /readyz also checks that the upstream answers (any HTTP status counts; the result is kept a few seconds).",
        kind="flag",
    ),
    # -- scale-out: workers, shutdown
    Option(
        "--workers",
        "workers",
        "Worker processes sharing the listening socket (http; more than 1 needs --stateless, since a session "
        "lives in one worker). Each loads the tools the first process built, without parsing the spec again.",
        kind="int",
        default=1,
        minimum=1,
        maximum=64,
        metavar="N",
    ),
    Option(
        "--shutdown-timeout",
        "shutdown_timeout",
        "On SIGTERM or Ctrl-C (http): stop accepting connections, let calls in flight finish for at most this "
        "many seconds, then cancel the rest, close the upstream connections and exit 0.",
        kind="int",
        default=30,
        minimum=0,
        metavar="SECONDS",
    ),
    # -- tools mode and response shaping
    Option(
        "--max-response-chars",
        "max_response_chars",
        "Characters of a JSON result's text a model is shown at most (shaped tools); longer text is cut, with a note.",
        kind="int",
        scope="upstream",
        default=DEFAULT_MAX_RESPONSE_CHARS,
        minimum=100,
    ),
    Option(
        "--tools",
        "tools_mode",
        "tools: one MCP tool per operation. search: three tools instead (search_operations, describe_operation, "
        "call_operation), for APIs too big to list. hybrid: the operations with an entry under the config's "
        "`tools:` as tools, plus the three for the rest. Default: the config's tools_mode, else tools.",
        kind="choice",
        scope="upstream",  # `oa2mcp call` takes it too: `call SPEC search_operations --tools search`
        choices=("tools", "search", "hybrid"),
    ),
)


ENVIRONMENT_HELP = (
    "Environment: OA2MCP_AUTH_<NAME> (a credential), OA2MCP_API_KEYS, OA2MCP_LOG_LEVEL; HTTPS_PROXY, HTTP_PROXY, "
    "ALL_PROXY and NO_PROXY (the upstream is reached through that proxy), SSL_CERT_FILE / SSL_CERT_DIR (CAs to "
    "trust)."
)
"""The environment variables the runtime reads, for `--help`."""


def options_for(scopes: Sequence[Scope]) -> list[Option]:
    """The options of the given scopes, in table order."""
    return [option for option in OPTIONS if option.scope in scopes]


def split_pairs(values: Sequence[str], *, option: str, sep: str = "=") -> dict[str, str]:
    """`NAME=VALUE` (or `Name: value`) options as a mapping.

    Raises:
        ValueError: one has no separator or no name; the message never shows the value (it may be a secret,
            as in `--auth` or an `Authorization` header).
    """
    result = {}
    for index, value in enumerate(values, start=1):
        name, found, rest = value.partition(sep)
        if not found or not name.strip():
            raise ValueError(f"{option} (occurrence {index}): expected NAME{sep}VALUE (the value is not shown)")
        result[name.strip()] = rest.strip() if sep == ":" else rest
    return result


def _ranged(option: Option) -> Any:
    """An argparse `type` that converts and range-checks, with the message click would give."""
    convert = int if option.kind == "int" else float

    def check(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a valid {convert.__name__}") from None
        if option.minimum is not None and not value >= option.minimum:  # `not >=` also refuses nan
            raise argparse.ArgumentTypeError(f"{text} is too small (at least {option.minimum:g})")
        if option.maximum is not None and not value <= option.maximum:
            raise argparse.ArgumentTypeError(f"{text} is too large (at most {option.maximum:g})")
        return value

    return check


def add_to_parser(parser: argparse.ArgumentParser, options: Sequence[Option]) -> None:
    """Add `options` to an argparse parser (a generated server's command line)."""
    for option in options:
        help_text = option.help
        if option.default not in (None, False, ()) and option.kind != "flag":
            help_text += f" (default: {option.default})"
        kwargs: dict[str, Any] = {"dest": option.dest, "help": help_text}
        if option.kind == "flag":
            parser.add_argument(option.flag, action="store_true", **kwargs)
            continue
        if option.metavar:
            kwargs["metavar"] = option.metavar
        if option.kind == "choice":
            kwargs["choices"] = list(option.choices)
        elif option.kind in ("int", "float"):
            kwargs["type"] = _ranged(option)
        if option.multiple:
            parser.add_argument(option.flag, action="append", default=[], **kwargs)
        else:
            parser.add_argument(option.flag, default=option.default, **kwargs)
