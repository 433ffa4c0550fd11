"""The HTTP server's processes: how one ends on SIGTERM, and `--workers N` on one shared listening socket.

Ending: uvicorn stops accepting, lets the requests in flight finish for at most `--shutdown-timeout` seconds,
cancels the rest and runs the app's shutdown; `GracefulServer` then returns normally (exit status 0, upstream
pools closed) where uvicorn itself would raise the signal again and die by it.

Workers: uvicorn's own multiprocess supervisor spawns them (a fresh interpreter each), so they cannot inherit
the tools in memory. The first process writes the tool table to a JSON file only its user can read, and each
worker's app factory (`worker_app`, found by its module's name: in a generated server, that server's own copy
of this runtime) loads it, without parsing the spec again. The option values, `--auth` credentials and
`--header`s included, reach the workers in their environment (`OA2MCP_WORKER_OPTIONS`), never in a file or on
a command line.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import json
import logging
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess

from .call import ToolCaller
from .inbound import Inbound
from .logs import announce
from .server import announce_listening, build_http_app, listen_securely
from .table import relink_table

__all__ = ["OPTIONS_ENV", "GracefulServer", "ServedApp", "serve_workers", "worker_app"]

logger = logging.getLogger("oa2mcp.server")

OPTIONS_ENV = "OA2MCP_WORKER_OPTIONS"
"""The environment variable that carries the option values (JSON) from the first process to its workers."""

_SCHEMAS = frozenset({"inputSchema", "outputSchema"})


class GracefulServer(uvicorn.Server):
    """uvicorn's server, returning normally after the graceful shutdown a SIGTERM or SIGINT starts.

    uvicorn raises a caught signal again once it has shut down, so the process dies by it (status 143): the
    upstream connection pools would not be closed, and an orchestrator would count a clean stop as a failure.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """While serving, SIGTERM and SIGINT start the graceful shutdown (a second SIGINT forces it)."""
        if threading.current_thread() is not threading.main_thread():
            yield  # signal handlers can only be set from the main thread
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class _Supervisor(Multiprocess):
    """uvicorn's supervisor, closing its own copy of the listening socket as soon as it is told to stop.

    The workers close theirs when they begin shutting down; while the supervisor kept one open, the kernel
    would go on queueing new connections that no process will ever accept, instead of refusing them.
    """

    def _stop_listening(self) -> None:
        for sock in self.sockets:
            sock.close()

    def handle_term(self) -> None:
        self._stop_listening()
        super().handle_term()

    def handle_int(self) -> None:
        self._stop_listening()
        super().handle_int()

    @property
    def failed_to_start(self) -> bool:
        """A worker died before it served: the supervisor stopped rather than restart it for ever."""
        return any(process.exitcode == STARTUP_FAILURE for process in self.processes)


def _write_tools(tools: Mapping[str, Any], *, caller: ToolCaller, program: str) -> str:
    """The tools (with the runtime's table and security schemes) as one JSON file in the temporary directory,
    readable by this user only (mode 0600)."""
    # Each table entry's schemas are the listing's: written once, linked again by the reader.
    table = {tool: {k: v for k, v in entry.items() if k not in _SCHEMAS} for tool, entry in caller.tools.items()}
    data = {**tools, "table": table, "security": caller.security_schemes}
    fd, path = tempfile.mkstemp(prefix=f"{program}-tools-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return path


def serve_workers(
    tools: Mapping[str, Any],
    *,
    caller: ToolCaller,
    values: Mapping[str, Any],
    program: str,
    env_prefix: str | None,
    make_inbound: Callable[[int], Inbound],
) -> None:
    """Serve streamable HTTP from `values["workers"]` processes on one socket until SIGTERM or Ctrl-C, then stop
    each gracefully. `tools` holds the name, version, instructions, listing, access and catalog data as `serve`
    got them; `caller` (made to check the options and credentials) lends its tool table; `make_inbound` is
    called here once, to check it and show its warning, and each worker builds the same for itself.

    Raises:
        SystemExit: status 2, after one line on stderr: the address cannot be used, the inbound security cannot
            be built, the tool table cannot be written, or a worker could not start.
    """
    workers = values["workers"]
    sock, _ = listen_securely(values, program=program, make_inbound=make_inbound)
    port = sock.getsockname()[1]
    try:
        path = _write_tools(tools, caller=caller, program=program)
    except OSError as err:  # the temporary directory is not writable
        sock.close()
        announce(f"{program}: cannot write the tool table for the workers: {err.strerror or err}")
        raise SystemExit(2) from err
    try:
        os.environ[OPTIONS_ENV] = json.dumps(dict(values))
        config = uvicorn.Config(
            functools.partial(worker_app, path, program, env_prefix, port),
            factory=True,
            workers=workers,
            log_config=None,  # as in one process: uvicorn's lines go through the root handler each worker sets up
            lifespan="on",
            timeout_graceful_shutdown=values["shutdown_timeout"],
        )
        supervisor = _Supervisor(config, sockets=[sock])
        announce_listening(sock, tool_count=len(tools["listing"]), program=program, workers=workers)
        supervisor.run()
    finally:
        os.environ.pop(OPTIONS_ENV, None)
        Path(path).unlink(missing_ok=True)
        sock.close()
    if supervisor.failed_to_start:
        announce(f"{program}: a worker could not start (its error is above); stopped")
        raise SystemExit(2)


class ServedApp:
    """The ASGI app as a process serves it, aware of how it ends: the upstream connection pools are closed once
    the server has shut the app down (ASGI lifespan), and a request still running when `--shutdown-timeout`
    ran out, which uvicorn cancels, ends in one log line instead of the traceback of its cancellation."""

    def __init__(self, app: Any, caller: ToolCaller) -> None:
        self.app = app
        self.caller = caller

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":

            async def send_closing(message: Any) -> None:
                if message["type"] == "lifespan.shutdown.complete":
                    await self.caller.aclose()
                await send(message)

            await self.app(scope, receive, send_closing)
            return
        try:
            await self.app(scope, receive, send)
        except asyncio.CancelledError:  # uvicorn cancels a request task only at the end of a graceful shutdown
            logger.warning(
                "%s %s cancelled: still running at the end of the shutdown timeout", scope["method"], scope["path"]
            )


def worker_app(tools_path: str, program: str, env_prefix: str | None, port: int) -> Any:
    """The app one worker serves: the tools from `tools_path`, the options from `OA2MCP_WORKER_OPTIONS`, the
    inbound security for `port` (the one the first process bound).

    Exits with uvicorn's start-up failure status (the supervisor then stops instead of restarting it) after
    one line on stderr when the file, the options or the inbound security cannot be used.
    """
    from .app import StartError, build_access_server, make_caller, start_logging, tools_mode  # noqa: PLC0415
    from .inbound import build_inbound  # noqa: PLC0415

    try:
        values = json.loads(os.environ[OPTIONS_ENV])
        start_logging(values, os.environ)
        data = json.loads(Path(tools_path).read_text(encoding="utf-8"))
        listing = data["listing"]
        caller = make_caller(
            relink_table(listing, data["table"]), data["security"], values, environ=os.environ, env_prefix=env_prefix
        )
        listing, operations = tools_mode(
            values, listing=listing, caller=caller, pinned=data.get("pinned", ()), catalog=data.get("catalog")
        )
        server, policy, metrics = build_access_server(
            name=data["name"],
            version=data["version"],
            instructions=data["instructions"],
            listing=listing,
            caller=caller,
            values=values,
            access=data["access"],
            catalog=data["catalog"],
            environ=os.environ,
            operations=operations,
        )
        inbound = build_inbound(values, policy, environ=os.environ, host=values["host"], port=port)
    except (OSError, ValueError, KeyError, StartError) as err:
        announce(f"{program}: worker {os.getpid()} cannot start: {type(err).__name__}: {err}")
        sys.exit(STARTUP_FAILURE)
    app = build_http_app(server, caller, values, tool_count=len(listing), inbound=inbound, metrics=metrics)
    gc.freeze()  # the tool table lives as long as the worker: keep it out of every later collection
    return ServedApp(app, caller)
