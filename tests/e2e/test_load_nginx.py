"""Load behind a reverse proxy: two `oa2mcp serve --stateless` processes behind nginx (round robin, keep-alive
connections to the backends, SSE passed through unbuffered), driven by the harness's own load generator
(`../shared/harness/mcp_load.py`, plain httpx): no call may fail, and both backends must have served.

nginx and the harness are not on every machine: the test then skips and says why — unless
`OA2MCP_REQUIRE_LOAD_TEST=1` turns the skip into a failure (`.ci/run` installs nginx and sets it whenever the
harness is beside the clone, so CI runs it there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

import anyio
import pytest

from tests.conftest import ROOT
from tests.e2e.nginx import find_nginx, prepare_nginx
from tests.e2e.test_scale import serve_cmd, server_process
from tests.e2e.test_serve import ENV
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio

HARNESS_LOAD = Path(os.environ.get("OA2MCP_HARNESS_DIR") or ROOT.parent / "shared" / "harness") / "mcp_load.py"
"""`../shared/harness` beside the repository (as CI lays it out), or `OA2MCP_HARNESS_DIR` (a git worktree)."""
REQUIRED = os.environ.get("OA2MCP_REQUIRE_LOAD_TEST") == "1"
CALLS = 240
CONCURRENCY = 16


def require(what: str, present: bool) -> None:
    """Skip (visibly) when `what` is missing; fail instead under OA2MCP_REQUIRE_LOAD_TEST=1."""
    if present:
        return
    if REQUIRED:
        pytest.fail(f"{what} is missing, and OA2MCP_REQUIRE_LOAD_TEST=1 says this test must run")
    pytest.skip(f"{what} is missing: the load test behind nginx did not run")


@asynccontextmanager
async def nginx(binary: str, backends: list[str], root: Path) -> AsyncIterator[str]:
    """nginx in front of `backends` (host:port), with its config, pid, logs and temp files under `root`;
    yields the MCP URL it serves."""
    port, command = prepare_nginx(binary, backends, root)
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        await wait_listening(port, proc)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        _, err = await anyio.to_thread.run_sync(lambda: proc.communicate(timeout=20))
        log = (root / "error.log").read_text(encoding="utf-8") if (root / "error.log").exists() else ""
        assert "[emerg]" not in err + log, err + log


async def wait_listening(port: int, proc: subprocess.Popen[str]) -> None:
    with anyio.fail_after(20):
        while True:
            assert proc.poll() is None, "nginx exited at start"
            try:
                stream = await anyio.connect_tcp("127.0.0.1", port)
            except OSError:
                await anyio.sleep(0.05)
                continue
            await stream.aclose()
            return


async def test_two_stateless_servers_behind_nginx_answer_every_call_of_a_load_run(
    upstream: Upstream, tmp_path: Path
) -> None:
    binary = find_nginx()
    require("nginx", binary is not None)
    require(f"the harness's load generator ({HARNESS_LOAD})", HARNESS_LOAD.is_file())
    assert binary is not None
    env = {**os.environ, **ENV}
    async with AsyncExitStack() as stack:
        backends = []
        for name in ("a", "b"):
            cmd = serve_cmd(upstream, "--stateless", "--timeout", "30", "--header", f"X-Backend: {name}")
            url, _ = await stack.enter_async_context(server_process(cmd, env))
            backends.append(urlsplit(url).netloc)
        proxy_url = await stack.enter_async_context(nginx(binary, backends, tmp_path / "nginx"))
        seen = len(upstream.received)
        load = [
            sys.executable,
            str(HARNESS_LOAD),
            proxy_url,
            "pets_get_by_id",
            '{"id": 7}',
            "--concurrency",
            str(CONCURRENCY),
            "--requests",
            str(CALLS),
            "--session",
            "none",
            "--fail-on-tool-error",
            "--max-seconds",
            "240",
            "--json",
        ]
        result = await anyio.run_process(load, check=False)
        report = json.loads(result.stdout)
        failures = {key: report[key] for key in ("tool_errors", "rpc_errors", "http_errors", "exceptions")}
        assert result.returncode == 0, result.stderr.decode()
        assert report["ok"] == CALLS, report
        assert failures == dict.fromkeys(failures, 0), report
    served_by = Counter(received.headers.get("x-backend") for received in upstream.received[seen:])
    assert set(served_by) == {"a", "b"}, served_by
    assert sum(served_by.values()) >= CALLS
