"""The live MCP server (the SDK's low-level `Server`) that forwards each tool call to the upstream API, and its
stdio and streamable HTTP runners — shared by `oa2mcp serve` and generated servers, from plain data."""

from __future__ import annotations

import logging
import socket
from collections.abc import Mapping
from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from .auth import redact
from .call import ToolCaller
from .logs import announce
from .observe import Observer, note_internal_error

logger = logging.getLogger("oa2mcp.server")

MAX_INSTRUCTIONS = 2000


def build_server(
    *,
    name: str,
    version: str,
    instructions: str,
    listing: list[dict[str, Any]],
    caller: ToolCaller,
    observer: Observer | None = None,
) -> Server[Any]:
    """An MCP server listing `listing` (tools/list entries), calling the upstream through `caller`; `observer`
    (if any) counts and audits each call of a known tool."""
    tools_result = types.ListToolsResult(tools=[types.Tool.model_validate(entry) for entry in listing])

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return tools_result

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        if params.name not in caller.tools:
            raise MCPError(types.INVALID_PARAMS, f"Unknown tool: {params.name}")
        if observer is None:
            return await forward(params)
        return await observer.observe(params.name, params.arguments, lambda: forward(params))

    async def forward(params: types.CallToolRequestParams) -> types.CallToolResult:
        try:
            return await caller.call(params.name, params.arguments)
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
        get_tool_input_schema=lambda name: caller.tools[name]["inputSchema"] if name in caller.tools else None,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve_stdio(server: Server[Any], caller: ToolCaller) -> None:
    """Serve one client over stdin/stdout until it disconnects (stdout carries protocol only)."""
    from mcp.server.stdio import stdio_server  # noqa: PLC0415

    try:
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())
    finally:
        await caller.aclose()


def http_app(server: Server[Any], *, host: str, stateless: bool, routes: list[Any]) -> Any:
    """The streamable HTTP app: MCP at `/mcp`, and `routes` (`endpoints.operational_routes`) beside it."""
    return server.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=stateless, host=host, custom_starlette_routes=routes
    )


async def serve_http(
    server: Server[Any],
    caller: ToolCaller,
    values: Mapping[str, Any],
    *,
    tool_count: int,
    program: str = "oa2mcp",
    metrics: Any | None = None,
) -> None:
    """Serve streamable HTTP as the `server` option values say (`host`, `port`, `stateless`, ...) until
    interrupted; `metrics` (`metrics.PrometheusMetrics`), if any, at `--metrics-path`."""
    import uvicorn  # noqa: PLC0415

    from .endpoints import Readiness, operational_routes  # noqa: PLC0415

    host, port, stateless = values["host"], values["port"], values["stateless"]
    routes = operational_routes(
        tool_count=tool_count,
        readiness=Readiness(caller, check_upstream=bool(values.get("ready_check"))),
        metrics=metrics,
        metrics_path=values.get("metrics_path"),
    )
    app = http_app(server, host=host, stateless=stateless, routes=routes)
    # log_config=None: uvicorn's loggers propagate to the root handler (`logs.configure_logging`), so its
    # lines come in the same format, secrets masked, at the same level.
    config = uvicorn.Config(app, log_config=None, lifespan="on")
    # Bind first, so that `--port 0` reports the port it really got.
    try:
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as err:  # port taken, address not local, no permission: one line, not a traceback
        announce(f"{program}: cannot listen on {host}:{port}: {err.strerror or err}")
        await caller.aclose()
        raise SystemExit(2) from err
    # asyncio sets TCP_NODELAY on accepted connections only when the listener says IPPROTO_TCP, which
    # create_server() leaves at 0; without it every response waits ~40 ms for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    announce(f"{program}: serving {tool_count} tools at http://{shown}:{bound_port}/mcp")
    try:
        await uvicorn.Server(config).serve(sockets=[sock])
    finally:
        await caller.aclose()
