"""The live MCP server (the SDK's low-level `Server`) that forwards each tool call to the upstream API, and its
stdio and streamable HTTP runners — shared by `oa2mcp serve` and generated servers, from plain data."""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Mapping
from typing import Any

import mcp_types as types
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError

from .auth import redact
from .call import ToolCaller

logger = logging.getLogger("oa2mcp.server")

MAX_INSTRUCTIONS = 2000


def build_server(
    *, name: str, version: str, instructions: str, listing: list[dict[str, Any]], caller: ToolCaller
) -> Server[Any]:
    """An MCP server listing `listing` (tools/list entries), calling the upstream through `caller`."""
    tools_result = types.ListToolsResult(tools=[types.Tool.model_validate(entry) for entry in listing])

    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return tools_result

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        if params.name not in caller.tools:
            raise MCPError(types.INVALID_PARAMS, f"Unknown tool: {params.name}")
        try:
            return await caller.call(params.name, params.arguments)
        except Exception as err:  # the top of a request handler: one failing call never takes the server down
            # One redacted line, no traceback: an exception's text may carry a URL with a key in it.
            logger.error("tool %s failed: %s", params.name, redact(f"{type(err).__name__}: {err}", caller.auth.secrets))
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


def http_app(server: Server[Any], *, host: str, stateless: bool, tool_count: int) -> Any:
    """The streamable HTTP app: MCP at `/mcp`, and `GET /healthz`."""
    from starlette.requests import Request  # noqa: PLC0415
    from starlette.responses import JSONResponse  # noqa: PLC0415
    from starlette.routing import Route  # noqa: PLC0415

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "tools": tool_count})

    return server.streamable_http_app(
        streamable_http_path="/mcp",
        stateless_http=stateless,
        host=host,
        custom_starlette_routes=[Route("/healthz", healthz, methods=["GET"])],
    )


def build_http_app(server: Server[Any], values: Mapping[str, Any], *, tool_count: int) -> Any:
    """The ASGI app `serve_http` runs, as the `server` option values say: the one place both a single process
    and each worker (`workers.worker_app`) make it."""
    return http_app(server, host=values["host"], stateless=values["stateless"], tool_count=tool_count)


def listen(host: str, port: int, *, program: str) -> socket.socket:
    """A TCP socket listening on `host`:`port` (0: a free port), bound before any worker starts, so `--port 0`
    reports the port it really got and every worker accepts on the same socket.

    Raises:
        SystemExit: status 2, after one line on stderr: the port is taken, the address is not local, ...
    """
    try:
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as err:
        print(f"{program}: cannot listen on {host}:{port}: {err.strerror or err}", file=sys.stderr, flush=True)
        raise SystemExit(2) from err
    # asyncio sets TCP_NODELAY on accepted connections only when the listener says IPPROTO_TCP, which
    # create_server() leaves at 0; without it every response waits ~40 ms for the client's delayed ACK.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def announce(sock: socket.socket, *, tool_count: int, program: str, workers: int = 1) -> None:
    """The line on stderr that tells the MCP URL (tests and scripts wait for it)."""
    bound_host, bound_port = sock.getsockname()[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    processes = f" ({workers} workers)" if workers > 1 else ""
    print(
        f"{program}: serving {tool_count} tools at http://{shown}:{bound_port}/mcp{processes}",
        file=sys.stderr,
        flush=True,
    )


async def serve_http(
    server: Server[Any],
    caller: ToolCaller,
    values: Mapping[str, Any],
    *,
    tool_count: int,
    program: str = "oa2mcp",
) -> None:
    """Serve streamable HTTP as the `server` option values say (`host`, `port`, `stateless`, ...) in this
    process, until SIGTERM or Ctrl-C ends it gracefully (see `workers.GracefulServer`)."""
    import uvicorn  # noqa: PLC0415

    from .workers import GracefulServer, ServedApp  # noqa: PLC0415

    app = ServedApp(build_http_app(server, values, tool_count=tool_count), caller)
    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", timeout_graceful_shutdown=values["shutdown_timeout"]
    )
    try:
        sock = listen(values["host"], values["port"], program=program)
        announce(sock, tool_count=tool_count, program=program)
        await GracefulServer(config).serve(sockets=[sock])
    finally:
        await caller.aclose()
