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
    cmd: list[str], *, env: dict[str, str], cwd: Path, stderr: list[str] | None = None
) -> AsyncIterator[str]:
    """Run `cmd` (a server started with `--transport http --port 0`) and yield the MCP URL it announces on
    stderr (lines before it, such as warnings, are skipped); the server is stopped on exit.

    Its stderr is read to the end meanwhile (a full pipe would block the server); every line, the
    announcement included, goes to `stderr` when given — complete once the context has exited.
    """
    lines = stderr if stderr is not None else []
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stderr=subprocess.PIPE, text=True)
    reader: threading.Thread | None = None
    try:
        assert proc.stderr is not None
        url = None
        with anyio.fail_after(60):
            while url is None:
                line = await anyio.to_thread.run_sync(proc.stderr.readline)
                assert line, "the server exited before listening"
                lines.append(line)
                match = _LISTENING.search(line)
                url = match.group(1) if match else None
        reader = threading.Thread(target=lambda: lines.extend(proc.stderr or ()), daemon=True)
        reader.start()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if reader is not None:
            reader.join(timeout=10)
        if proc.stderr:
            proc.stderr.close()
