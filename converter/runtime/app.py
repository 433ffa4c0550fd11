"""Start a server from a tool table and option values: shared by `oa2mcp serve`/`call` and generated servers.

`oa2mcp` parses its command line with click, a generated server with argparse (`run`); both read the same
option table (`options.py`) into a mapping of values and hand it here, so what the options mean cannot
drift either.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .auth import AuthError, load_credentials
from .call import CallOptions, ToolCaller
from .options import add_to_parser, options_for, split_pairs
from .table import relink_table

if TYPE_CHECKING:
    from .toolsmode import OperationTools

__all__ = ["StartError", "make_caller", "run", "runtime_parser", "serve", "split_pairs", "tools_mode"]


class StartError(Exception):
    """Options or credentials that cannot work: one line for the user, exit status 2; never shows a secret."""


def runtime_parser(program: str, description: str) -> argparse.ArgumentParser:
    """The runtime options of `oa2mcp serve`, as an argparse parser."""
    parser = argparse.ArgumentParser(prog=program, description=description)
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


def make_caller(
    table: Mapping[str, Mapping[str, Any]],
    security: Mapping[str, Mapping[str, Any]],
    values: Mapping[str, Any],
    *,
    environ: Mapping[str, str],
    env_prefix: str | None = None,
) -> ToolCaller:
    """The runtime that calls `table`'s tools, configured by the `upstream` option values.

    Raises:
        StartError: a malformed `--server-var`/`--header`/`--auth`, or a credential for no declared scheme.
    """
    try:
        options = CallOptions(
            mock=values["mock"],
            base_url=values["base_url"],
            server_vars=split_pairs(values["server_vars"], option="--server-var"),
            headers=split_pairs(values["headers"], option="--header", sep=":"),
            timeout=values["timeout"],
            max_response_bytes=values["max_response_bytes"],
            max_response_chars=values["max_response_chars"],
            max_concurrency=values.get("max_upstream_concurrency"),
        )
        credentials = load_credentials(
            security, flags=split_pairs(values["auth"], option="--auth"), environ=_environ(environ, env_prefix)
        )
    except (ValueError, AuthError) as err:
        raise StartError(str(err)) from err
    return ToolCaller(table, security_schemes=security, credentials=credentials, options=options)


def tools_mode(
    values: Mapping[str, Any], *, listing: list[dict[str, Any]], caller: ToolCaller, pinned: Collection[str] = ()
) -> tuple[list[dict[str, Any]], OperationTools | None]:
    """The tools/list entries `--tools` (the `tools_mode` value; None: `tools`) shows, and the search tools.

    Raises:
        StartError: `hybrid` with nothing to keep listed, or a kept tool named like a search tool.
    """
    mode = values.get("tools_mode") or "tools"
    if mode == "tools":
        return listing, None  # without importing search mode's modules: a plain start pays nothing for them
    from .toolsmode import open_tools_mode  # noqa: PLC0415

    try:
        return open_tools_mode(mode, listing=listing, caller=caller, pinned=pinned)
    except ValueError as err:
        raise StartError(str(err)) from err


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
    operations: OperationTools | None = None,
) -> None:
    """Serve `listing` through `caller` (and the prompts and resources of `catalog`; in search mode,
    `operations`' tools: see `tools_mode`) on the transport the `server` option values choose, until the client
    leaves (stdio) or the process is interrupted (http).
    `access` is the config's clients and forwarded headers as plain data (HTTP only: on stdio the one local
    client sees every tool).

    Raises:
        StartError: a client's key variable is unset, or `--rate-limit` is not a rate.
    """
    import anyio  # noqa: PLC0415

    from .access import AccessControl, AccessPolicy  # noqa: PLC0415
    from .inbound import build_inbound  # noqa: PLC0415
    from .limits import parse_rate  # noqa: PLC0415
    from .server import build_server, serve_http, serve_stdio  # noqa: PLC0415

    http = values["transport"] == "http"
    try:
        rate = parse_rate(values["rate_limit"]) if values.get("rate_limit") else None
    except ValueError as err:
        raise StartError(f"--rate-limit: {err}") from err
    if operations is not None and access:
        from .toolsmode import with_search_tools  # noqa: PLC0415

        access = with_search_tools(access)
    try:
        policy = AccessPolicy.from_data(access if http else None, environ=environ)
    except ValueError as err:
        raise StartError(str(err)) from err
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
        operations=operations,
    )
    gc.enable()
    gc.freeze()  # the tool table lives as long as the process: keep it out of every later collection
    if not http:
        anyio.run(serve_stdio, server, caller)
        return

    def make_inbound(port: int) -> Any:
        return build_inbound(values, policy, environ=environ, host=values["host"], port=port)

    anyio.run(
        lambda: serve_http(server, caller, values, tool_count=len(listing), program=program, make_inbound=make_inbound)
    )


def run(
    data: Mapping[str, Any], *, argv: Sequence[str] | None = None, program: str, env_prefix: str | None = None
) -> int:
    """Parse the command line and serve `data` (a tool table as `oa2mcp generate` writes it) until the client
    leaves or the process is interrupted. Returns the exit status (2: bad options or credentials)."""
    args = runtime_parser(program, f"MCP server for {data['name']}").parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=os.environ.get("OA2MCP_LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    values = vars(args)
    # The project's own default for `--tools` (the config's `tools_mode` when it was generated).
    values["tools_mode"] = values.get("tools_mode") or data.get("tools_mode")
    try:
        caller = make_caller(
            relink_table(data["listing"], data["table"]),
            data["security"],
            values,
            environ=os.environ,
            env_prefix=env_prefix,
        )
        listing, operations = tools_mode(values, listing=data["listing"], caller=caller, pinned=data.get("pinned", ()))
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
        )
    except StartError as err:
        print(f"{program}: {err}", file=sys.stderr)
        return 2
    return 0
