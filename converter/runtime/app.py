"""A generated server's command line: the runtime options of `oa2mcp serve`, then serve the tool table.

`oa2mcp serve` has its own (click) command line with the build options on top; these runtime options carry
the same names and meanings (a test in oa2mcp compares the two).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from .auth import AuthError, load_credentials
from .call import CallOptions, ToolCaller
from .response import DEFAULT_MAX_RESPONSE_BYTES
from .table import relink_table

__all__ = ["run", "runtime_parser", "split_pairs"]


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


def _port(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535; 0 picks a free one)")
    return port


def _positive(text: str) -> float:
    value = float(text)
    if not value >= 0.1:  # also refuses nan
        raise argparse.ArgumentTypeError(f"{text} is too small (at least 0.1)")
    return value


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small (at least 1)")
    return value


def runtime_parser(program: str, description: str) -> argparse.ArgumentParser:
    """The runtime options of `oa2mcp serve`, as an argparse parser."""
    parser = argparse.ArgumentParser(prog=program, description=description)
    parser.add_argument(
        "--transport", choices=["stdio", "http"], default="stdio", help="stdio (default) or streamable HTTP at /mcp"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (http; default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port to listen on (http; default 8000; 0: any)")
    parser.add_argument("--stateless", action="store_true", help="no MCP sessions (http), for load balancing")
    parser.add_argument("--base-url", help="upstream base URL; overrides the spec's servers")
    parser.add_argument(
        "--server-var", action="append", default=[], metavar="NAME=VALUE", help="value for a server URL {variable}"
    )
    parser.add_argument(
        "--auth",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="credential for the security scheme NAME (prefer the env var OA2MCP_AUTH_<NAME>)",
    )
    parser.add_argument(
        "--header", action="append", default=[], metavar="'NAME: VALUE'", help="a header sent with every request"
    )
    parser.add_argument("--timeout", type=_positive, default=30.0, help="seconds to connect and to answer (default 30)")
    parser.add_argument(
        "--max-response-bytes",
        type=_at_least_one,
        default=DEFAULT_MAX_RESPONSE_BYTES,
        help=f"longer responses are truncated, with a note (default {DEFAULT_MAX_RESPONSE_BYTES:,})",
    )
    parser.add_argument(
        "--mock", action="store_true", help="no upstream: answer from the spec's examples or response schemas"
    )
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


def run(
    data: Mapping[str, Any], *, argv: Sequence[str] | None = None, program: str, env_prefix: str | None = None
) -> int:
    """Parse the command line and serve `data` (a tool table as `oa2mcp generate` writes it) until the client
    leaves or the process is interrupted. Returns the exit status (2: bad options or credentials)."""
    import anyio  # noqa: PLC0415

    from .server import build_server, serve_http, serve_stdio  # noqa: PLC0415

    args = runtime_parser(program, f"MCP server for {data['name']}").parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=os.environ.get("OA2MCP_LOG_LEVEL", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        options = CallOptions(
            mock=args.mock,
            base_url=args.base_url,
            server_vars=split_pairs(args.server_var, option="--server-var"),
            headers=split_pairs(args.header, option="--header", sep=":"),
            timeout=args.timeout,
            max_response_bytes=args.max_response_bytes,
        )
        credentials = load_credentials(
            data["security"], flags=split_pairs(args.auth, option="--auth"), environ=_environ(os.environ, env_prefix)
        )
    except (ValueError, AuthError) as err:
        print(f"{program}: {err}", file=sys.stderr)
        return 2
    table = relink_table(data["listing"], data["table"])
    caller = ToolCaller(table, security_schemes=data["security"], credentials=credentials, options=options)
    server = build_server(
        name=data["name"],
        version=data["version"],
        instructions=data["instructions"],
        listing=data["listing"],
        caller=caller,
    )
    gc.freeze()  # the tool table lives as long as the process: keep it out of every collection
    if args.transport == "stdio":
        anyio.run(serve_stdio, server, caller)
    else:
        anyio.run(
            lambda: serve_http(
                server,
                caller,
                host=args.host,
                port=args.port,
                stateless=args.stateless,
                tool_count=len(data["listing"]),
                program=program,
            )
        )
    return 0
