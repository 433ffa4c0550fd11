"""Start a server from a tool table and option values: shared by `oa2mcp serve`/`call` and generated servers.

`oa2mcp` parses its command line with click, a generated server with argparse (`run`); both read the same
option table (`options.py`) into a mapping of values and hand it here, so what the options mean cannot
drift either.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .auth import AuthError, load_credentials
from .call import CallOptions, ToolCaller
from .logs import announce, configure_logging, log_level, set_secrets
from .observe import Observer, looks_secret
from .options import ENVIRONMENT_HELP, add_to_parser, options_for, split_pairs
from .table import relink_table
from .transport import INSECURE_WARNING, TransportError, check_proxies, tls_context

if TYPE_CHECKING:
    from .toolsmode import OperationTools

__all__ = [
    "StartError",
    "build_access_server",
    "make_caller",
    "run",
    "runtime_parser",
    "scale_problem",
    "serve",
    "split_pairs",
    "start_logging",
    "tools_mode",
]


class StartError(Exception):
    """Options or credentials that cannot work: one line for the user, exit status 2; never shows a secret."""


def runtime_parser(program: str, description: str) -> argparse.ArgumentParser:
    """The runtime options of `oa2mcp serve`, as an argparse parser."""
    parser = argparse.ArgumentParser(prog=program, description=description, epilog=ENVIRONMENT_HELP)
    add_to_parser(parser, options_for(("server", "upstream")))
    return parser


def _environ(environ: Mapping[str, str], prefix: str | None) -> dict[str, str]:
    """The environment, with `<PREFIX>_AUTH_<NAME>` read as `OA2MCP_AUTH_<NAME>` (where that is unset)."""
    merged = dict(environ)
    if prefix:
        head = f"{prefix}_AUTH_"
        for key, value in environ.items():
            if key.startswith(head) and not merged.get("OA2MCP_AUTH_" + key[len(head) :]):
                merged["OA2MCP_AUTH_" + key[len(head) :]] = value
    return merged


def scale_problem(values: Mapping[str, Any]) -> str | None:
    """What is wrong with the `--workers` asked for, if anything: workers serve HTTP, and each holds its own
    MCP sessions, so a client whose session was opened on one worker would be lost on the next."""
    if values["workers"] <= 1:
        return None
    if values["transport"] != "http":
        return f"--workers {values['workers']} needs --transport http (a stdio server has one client)"
    if not values["stateless"]:
        return (
            f"--workers {values['workers']} needs --stateless: a session opened on one worker is unknown to the others"
        )
    return None


def start_logging(values: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """Log to stderr as `--log-format`/`--log-level` say (`OA2MCP_LOG_LEVEL` when the level is not given).

    Raises:
        StartError: `OA2MCP_LOG_LEVEL` names no level.
    """
    try:
        level = log_level(values.get("log_level"), environ)
    except ValueError as err:
        raise StartError(str(err)) from err
    configure_logging(level=level, fmt=values.get("log_format") or "text")


def make_caller(
    table: Mapping[str, Mapping[str, Any]],
    security: Mapping[str, Mapping[str, Any]],
    values: Mapping[str, Any],
    *,
    environ: Mapping[str, str],
    env_prefix: str | None = None,
) -> ToolCaller:
    """The runtime that calls `table`'s tools, configured by the `upstream` option values; from now on the
    secrets it holds are masked in every log line.

    Raises:
        StartError: a malformed `--server-var`/`--header`/`--auth`, a credential for no declared scheme, a
            TLS file that cannot be used (`--ca-bundle`, `--client-cert`, `--client-key`) or an unusable proxy
            variable.
    """
    try:
        verify = tls_context(
            ca_bundle=values.get("ca_bundle"),
            client_cert=values.get("client_cert"),
            client_key=values.get("client_key"),
            insecure=bool(values.get("insecure_skip_verify")),
            environ=environ,
        )
        check_proxies(environ)
        headers = split_pairs(values["headers"], option="--header", sep=":")
        options = CallOptions(
            mock=values["mock"],
            base_url=values["base_url"],
            server_vars=split_pairs(values["server_vars"], option="--server-var"),
            headers=headers,
            timeout=values["timeout"],
            max_response_bytes=values["max_response_bytes"],
            verify=verify,
            client_cert=bool(values.get("client_cert")),
            max_response_chars=values["max_response_chars"],
            max_concurrency=values.get("max_upstream_concurrency"),
        )
        credentials = load_credentials(
            security, flags=split_pairs(values["auth"], option="--auth"), environ=_environ(environ, env_prefix)
        )
    except (ValueError, AuthError, TransportError) as err:
        raise StartError(str(err)) from err
    if values.get("insecure_skip_verify"):
        announce(f"WARNING: {INSECURE_WARNING}", level="WARNING")  # whatever --log-level says
    caller = ToolCaller(table, security_schemes=security, credentials=credentials, options=options)
    header_secrets = [value for name, value in headers.items() if looks_secret(name)]
    set_secrets(lambda: [*caller.auth.secrets, *header_secrets])
    return caller


RESERVED_PATHS = ("/mcp", "/healthz", "/readyz")


def _observer(values: Mapping[str, Any], caller: ToolCaller) -> tuple[Observer | None, Any]:
    """The observer of tool calls the options ask for, and the metrics it counts into (HTTP only).

    Raises:
        StartError: `--metrics-path` is not a path of its own.
    """
    metrics = None
    if values["transport"] == "http" and not values.get("no_metrics"):
        path = values.get("metrics_path") or ""
        if not path.startswith("/") or path.rstrip("/") in RESERVED_PATHS or any(c in path for c in "?#{} "):
            raise StartError(
                f"--metrics-path {path!r}: expected a path such as /metrics, other than /mcp, /healthz and /readyz"
            )
        from .metrics import PrometheusMetrics  # noqa: PLC0415  (prometheus_client: HTTP with metrics only)

        metrics = PrometheusMetrics()
    audit, audit_arguments = bool(values.get("audit")), bool(values.get("audit_arguments"))
    if metrics is None and not (audit or audit_arguments):
        return None, None
    observer = Observer(
        metrics=metrics, audit=audit, audit_arguments=audit_arguments, secrets=lambda: caller.auth.secrets
    )
    return observer, metrics


def tools_mode(
    values: Mapping[str, Any],
    *,
    listing: list[dict[str, Any]],
    caller: ToolCaller,
    pinned: Collection[str] = (),
    catalog: Mapping[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], OperationTools | None]:
    """The tools/list entries `--tools` (the `tools_mode` value; None: `tools`) shows, and the search tools
    (whose `describe_operation` also gives each operation's documentation from `catalog`).

    Raises:
        StartError: `hybrid` with nothing to keep listed, or a kept tool named like a search tool.
    """
    mode = values.get("tools_mode") or "tools"
    if mode == "tools":
        return listing, None  # without importing search mode's modules: a plain start pays nothing for them
    from .toolsmode import open_tools_mode  # noqa: PLC0415

    try:
        docs = (catalog or {}).get("docs") or {}
        return open_tools_mode(mode, listing=listing, caller=caller, pinned=pinned, docs=docs)
    except ValueError as err:
        raise StartError(str(err)) from err


def build_access_server(
    *,
    name: str,
    version: str,
    instructions: str,
    listing: list[dict[str, Any]],
    caller: ToolCaller,
    values: Mapping[str, Any],
    access: Mapping[str, Any] | None,
    catalog: Mapping[str, Any] | None,
    environ: Mapping[str, str],
    operations: OperationTools | None = None,
) -> tuple[Any, Any, Any]:
    """The MCP server with its access control (the config's clients, rate limits), its prompts and resources
    (`catalog`), its observer of calls and, in search mode, `operations`' tools (see `tools_mode`); the access
    policy the inbound security is built from; and the metrics to serve, if any — as `serve` makes them, and
    each `--workers` process.

    Raises:
        StartError: a client's key variable is unset, `--rate-limit` is not a rate, or another `server` option
            value cannot work (checked before anything is served).
    """
    from .access import AccessControl, AccessPolicy  # noqa: PLC0415
    from .limits import parse_rate  # noqa: PLC0415
    from .server import build_server  # noqa: PLC0415

    try:
        rate = parse_rate(values["rate_limit"]) if values.get("rate_limit") else None
    except ValueError as err:
        raise StartError(f"--rate-limit: {err}") from err
    if operations is not None and access:
        from .toolsmode import with_search_tools  # noqa: PLC0415

        access = with_search_tools(access)
    try:
        policy = AccessPolicy.from_data(access, environ=environ)
    except ValueError as err:
        raise StartError(str(err)) from err
    observer, metrics = _observer(values, caller)
    control = AccessControl(policy, listing, default_rate=rate)
    if operations is not None:
        operations.index()  # built now (GitHub: ~0.2 s), not during the first search
    server = build_server(
        name=name,
        version=version,
        instructions=instructions,
        listing=listing,
        caller=caller,
        access=control,
        catalog=catalog,
        observer=observer,
        operations=operations,
    )
    return server, policy, metrics


def serve(
    *,
    name: str,
    version: str,
    instructions: str,
    listing: list[dict[str, Any]],
    caller: ToolCaller,
    values: Mapping[str, Any],
    program: str,
    access: Mapping[str, Any] | None = None,
    catalog: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] = os.environ,
    env_prefix: str | None = None,
    operations: OperationTools | None = None,
) -> None:
    """Serve `listing` through `caller` (and the prompts and resources of `catalog`; in search mode,
    `operations`' tools) on the transport the
    `server` option values choose, until the client leaves (stdio) or the process is told to stop (http:
    SIGTERM or Ctrl-C, then a graceful shutdown). `access` is the config's clients and forwarded headers as
    plain data (HTTP only: on stdio the one local client sees every tool). With `--workers N`, N processes
    serve, each reading its own environment.

    Raises:
        StartError: a client's key variable is unset, `--rate-limit` is not a rate, `--workers` is asked for
            without stateless HTTP, or another `server` option value cannot work (checked before anything is
            served).
    """
    import anyio  # noqa: PLC0415

    from .inbound import build_inbound  # noqa: PLC0415
    from .server import serve_http, serve_stdio  # noqa: PLC0415

    problem = scale_problem(values)
    if problem:
        raise StartError(problem)
    http = values["transport"] == "http"
    server, policy, metrics = build_access_server(
        name=name,
        version=version,
        instructions=instructions,
        listing=listing,
        caller=caller,
        values=values,
        access=access if http else None,
        catalog=catalog,
        environ=environ,
        operations=operations,
    )

    def make_inbound(port: int) -> Any:
        return build_inbound(values, policy, environ=environ, host=values["host"], port=port)

    if http and values["workers"] > 1:
        from .workers import serve_workers  # noqa: PLC0415

        # Each worker makes the search tools again from every tool, and keeps listed what this listing keeps.
        full = operations.listing if operations is not None else listing
        pinned = [entry["name"] for entry in listing if operations is None or entry["name"] not in operations.tools]
        tools = {"name": name, "version": version, "instructions": instructions, "listing": full, "pinned": pinned}
        serve_workers(
            tools | {"access": access, "catalog": catalog},
            caller=caller,
            values=values,
            program=program,
            env_prefix=env_prefix,
            make_inbound=make_inbound,
        )
        return
    gc.enable()
    gc.freeze()  # the tool table lives as long as the process: keep it out of every later collection
    if not http:
        anyio.run(serve_stdio, server, caller)
        return
    anyio.run(
        lambda: serve_http(
            server, caller, values, tool_count=len(listing), program=program, make_inbound=make_inbound, metrics=metrics
        )
    )


def run(
    data: Mapping[str, Any], *, argv: Sequence[str] | None = None, program: str, env_prefix: str | None = None
) -> int:
    """Parse the command line and serve `data` (a tool table as `oa2mcp generate` writes it) until the client
    leaves or the process is interrupted. Returns the exit status (2: bad options or credentials)."""
    args = runtime_parser(program, f"MCP server for {data['name']}").parse_args(argv)
    values = vars(args)
    # The project's own default for `--tools` (the config's `tools_mode` when it was generated).
    values["tools_mode"] = values.get("tools_mode") or data.get("tools_mode")
    try:
        start_logging(values, os.environ)
        caller = make_caller(
            relink_table(data["listing"], data["table"]),
            data["security"],
            values,
            environ=os.environ,
            env_prefix=env_prefix,
        )
        listing, operations = tools_mode(
            values, listing=data["listing"], caller=caller, pinned=data.get("pinned", ()), catalog=data["catalog"]
        )
        serve(
            name=data["name"],
            version=data["version"],
            instructions=data["instructions"],
            listing=listing,
            caller=caller,
            values=values,
            program=program,
            access=data.get("access"),
            catalog=data["catalog"],
            operations=operations,
            env_prefix=env_prefix,
        )
    except StartError as err:
        print(f"{program}: {err}", file=sys.stderr)
        return 2
    return 0
