"""An MCP server listening on streamable HTTP in a subprocess, for the end-to-end tests."""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio

_LISTENING = re.compile(r"at (http://\S+/mcp)")


@asynccontextmanager
async def http_mcp_server(
    cmd: list[str], *, env: dict[str, str], cwd: Path, stderr_lines: list[str] | None = None
) -> AsyncIterator[str]:
    """Run `cmd` (a server started with `--transport http --port 0`) and yield the MCP URL it announces on
    stderr (lines before it, such as warnings, are skipped); the server is stopped on exit.

    Every stderr line (before the URL and after) is appended to `stderr_lines` when given; stderr is read to its
    end either way, so a chatty server (DEBUG logs) never blocks on a full pipe.
    """
    lines = stderr_lines if stderr_lines is not None else []
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    stream = proc.stderr
    drain = None
    try:
        url = None
        with anyio.fail_after(60):
            while url is None:
                line = await anyio.to_thread.run_sync(stream.readline)
                assert line, "the server exited before listening:\n" + "".join(lines)
                lines.append(line)
                match = _LISTENING.search(line)
                url = match.group(1) if match else None
        drain = threading.Thread(target=lambda: lines.extend(iter(stream.readline, "")), daemon=True)
        drain.start()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if drain is not None:
            drain.join(timeout=10)
        stream.close()
