"""The live MCP server (the SDK's low-level `Server`) that forwards each tool call to the upstream API, and its
stdio and streamable HTTP runners — shared by `oa2mcp serve` and generated servers, from plain data."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from .access import AccessControl
from .auth import redact
from .call import ToolCaller
from .catalog import catalog_handlers
from .inbound import ApiKeyHeader, Inbound
from .logs import announce
from .observe import Observer, note_internal_error

if TYPE_CHECKING:
    from .toolsmode import OperationTools

logger = logging.getLogger("oa2mcp.server")

MAX_INSTRUCTIONS = 4500
"""The spec's and config's words (at most 2,000 characters), then the argument descriptions many tools share
(at most 2,000): the instructions a client gets at initialization."""


def build_server(
    *,
    name: str,
    version: str,
    instructions: str,
    listing: list[dict[str, Any]],
    caller: ToolCaller,
    access: AccessControl | None = None,
    catalog: Mapping[str, Any] | None = None,
    observer: Observer | None = None,
    operations: OperationTools | None = None,
) -> Server[Any]:
    """An MCP server listing `listing` (tools/list entries), calling the upstream through `caller`; `access`
    says which tools each caller sees and may call, how often, and which of its headers go upstream; `catalog`
    holds the prompts and resources (`catalog.py`); `observer` (if any) counts and audits each call of a known
    tool, refused ones included; in search mode, `operations` answers its three tools, over the operations each
    caller may use."""
    access = access or AccessControl.everyone(listing)

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return access.list_tools(ctx.request)

    tools: dict[str, Any] = {**caller.tools, **(operations.tools if operations is not None else {})}

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        if params.name not in tools:
            raise MCPError(types.INVALID_PARAMS, f"Unknown tool: {params.name}")
        try:
            refused = access.check_call(ctx.request, params.name)
        except MCPError:  # not this client's tool
            if observer is not None:
                observer.refused(params.name, params.arguments, "forbidden")
            raise
        if refused is not None:
            if observer is not None:
                observer.refused(params.name, params.arguments, "rate_limited")
            return refused
        headers = access.forwarded_headers(ctx.request)
        allowed = access.allowed_tools(ctx.request) if operations is not None else None
        if observer is None:
            return await forward(params, headers, allowed)
        return await observer.observe(params.name, params.arguments, lambda: forward(params, headers, allowed))

    async def forward(
        params: types.CallToolRequestParams, headers: Mapping[str, str], allowed: Any
    ) -> types.CallToolResult:
        try:
            if operations is not None and params.name in operations.tools:
                return await operations.call(params.name, params.arguments, allowed=allowed, headers=headers)
            return await caller.call(params.name, params.arguments, headers=headers)
        except Exception as err:  # the top of a request handler: one failing call never takes the server down
            # One redacted line, no traceback: an exception's text may carry a URL with a key in it.
            logger.error("tool %s failed: %s", params.name, redact(f"{type(err).__name__}: {err}", caller.auth.secrets))
            note_internal_error()
            return types.CallToolResult(
                content=[
                    types.TextContent(
                        type="text", text=f"Internal error while calling {params.name}: {type(err).__name__}"
                    )
                ],
                is_error=True,
            )

    return Server(
        name,
        version=version,
        instructions=instructions[:MAX_INSTRUCTIONS] or None,
        get_tool_input_schema=lambda name: tools[name]["inputSchema"] if name in tools else None,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        **(catalog_handlers(catalog, allowed=access.allowed_tools) if catalog else {}),
    )


async def serve_stdio(server: Server[Any], caller: ToolCaller) -> None:
    """Serve one client over stdin/stdout until it disconnects (stdout carries protocol only)."""
    from mcp.server.stdio import stdio_server  # noqa: PLC0415

    try:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())
    finally:
        await caller.aclose()


def http_app(server: Server[Any], *, stateless: bool, inbound: Inbound, routes: list[Any]) -> Any:
    """The streamable HTTP app: MCP at `/mcp` behind `inbound`'s checks, and `routes`
    (`endpoints.operational_routes`: health, readiness, metrics) beside it, open for probes and scrapers."""
    app = server.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=stateless, custom_starlette_routes=routes, **inbound.app_options()
    )
    return ApiKeyHeader(app)


def build_http_app(
    server: Server[Any],
    caller: ToolCaller,
    values: Mapping[str, Any],
    *,
    tool_count: int,
    inbound: Inbound,
    metrics: Any | None,
) -> Any:
    """The ASGI app one serving process runs, as the `server` option values say: `/mcp` and the operational
    routes, refusals counted when there are `metrics` — made alike by `serve_http` and each `--workers` process."""
    from .endpoints import Readiness, operational_routes  # noqa: PLC0415

    routes = operational_routes(
        tool_count=tool_count,
        readiness=Readiness(caller, check_upstream=bool(values.get("ready_check"))),
        metrics=metrics,
        metrics_path=values.get("metrics_path"),
    )
    app = http_app(server, stateless=values["stateless"], inbound=inbound, routes=routes)
    return metrics.count_refusals(app) if metrics is not None else app


def listen(host: str, port: int, *, program: str) -> socket.socket:
    """A TCP socket listening on `host`:`port` (0: a free port), bound before any worker starts, so `--port 0`
    reports the port it really got and every worker accepts on the same socket.

    Raises:
        SystemExit: status 2, after one line on stderr: the port is taken, the address is not local, ...
    """
    try:
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as err:
        announce(f"{program}: cannot listen on {host}:{port}: {err.strerror or err}")
        raise SystemExit(2) from err
    # asyncio sets TCP_NODELAY on accepted connections only when the listener says IPPROTO_TCP, which
    # create_server() leaves at 0; without it every response waits ~40 ms for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def listen_securely(
    values: Mapping[str, Any], *, program: str, make_inbound: Callable[[int], Inbound]
) -> tuple[socket.socket, Inbound]:
    """The listening socket, and the inbound security `make_inbound(port)` gives for the port really bound (its
    warning, if any, on stderr).

    Raises:
        SystemExit: status 2, after one line on stderr: the address cannot be used, or the inbound security
            cannot be built (a key file unreadable, no authentication off loopback, ...).
    """
    sock = listen(values["host"], values["port"], program=program)
    try:
        inbound = make_inbound(sock.getsockname()[1])
    except ValueError as err:
        announce(f"{program}: {err}")
        sock.close()
        raise SystemExit(2) from err
    if inbound.warning:
        announce(f"{program}: {inbound.warning}", level="WARNING")
    return sock, inbound


def announce_listening(sock: socket.socket, *, tool_count: int, program: str, workers: int = 1) -> None:
    """The line on stderr that tells the MCP URL (tests and scripts wait for it)."""
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    processes = f" ({workers} workers)" if workers > 1 else ""
    announce(f"{program}: serving {tool_count} tools at http://{shown}:{bound_port}/mcp{processes}")


async def serve_http(
    server: Server[Any],
    caller: ToolCaller,
    values: Mapping[str, Any],
    *,
    tool_count: int,
    program: str = "oa2mcp",
    make_inbound: Callable[[int], Inbound],
    metrics: Any | None = None,
) -> None:
    """Serve streamable HTTP as the `server` option values say (`host`, `port`, `stateless`, ...) in this
    process, until SIGTERM or Ctrl-C ends it gracefully (see `workers.GracefulServer`); `make_inbound(port)`
    gives the inbound security once the port is bound (ValueError: exit 2); `metrics`
    (`metrics.PrometheusMetrics`), if any, are served at `--metrics-path`."""
    import uvicorn  # noqa: PLC0415

    from .workers import GracefulServer, ServedApp  # noqa: PLC0415

    try:
        sock, inbound = listen_securely(values, program=program, make_inbound=make_inbound)
        app = build_http_app(server, caller, values, tool_count=tool_count, inbound=inbound, metrics=metrics)
        # log_config=None: uvicorn's loggers propagate to the root handler (`logs.configure_logging`), so its
        # lines come in the same format, secrets masked, at the same level.
        config = uvicorn.Config(
            ServedApp(app, caller), log_config=None, lifespan="on", timeout_graceful_shutdown=values["shutdown_timeout"]
        )
        announce_listening(sock, tool_count=tool_count, program=program)
        await GracefulServer(config).serve(sockets=[sock])
    finally:
        await caller.aclose()
