"""Scale-out end to end: `serve --workers N` (processes on one socket, the tools loaded from the first process's
table, credentials through the environment) and the graceful end of a server on SIGTERM."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client

from converter.pipeline import build_served
from tests.conftest import ROOT
from tests.e2e.test_serve import ENV, SPEC
from tests.e2e.upstream import PET, Upstream

pytestmark = pytest.mark.anyio

WORKERS = ("--workers", "2", "--stateless")
SECRET = "flag-secret-4711"


def serve_cmd(upstream: Upstream, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "converter",
        "serve",
        SPEC,
        "--base-url",
        f"{upstream.url}/v1",
        "--transport",
        "http",
        "--port",
        "0",
        *extra,
    ]


@asynccontextmanager
async def server_process(cmd: list[str], env: dict[str, str]) -> AsyncIterator[tuple[str, subprocess.Popen[str]]]:
    """Run `cmd`, yield its MCP URL (from the line it announces) and the process; stopped on exit if still up."""
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    try:
        url = None
        with anyio.fail_after(60):
            while url is None:
                line = await anyio.to_thread.run_sync(proc.stderr.readline)
                assert line, "the server exited before listening"
                if " at http://" in line:
                    url = line.split(" at ", 1)[1].split()[0]
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
        proc.stderr.close()


def rest_of_stderr(proc: subprocess.Popen[str]) -> str:
    assert proc.stderr is not None
    return proc.stderr.read()


def workers_of(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor spawned under `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except (OSError, NotADirectoryError):
            continue
        if f"\nPPid:\t{pid}\n" in status and b"--multiprocessing-fork" in cmdline:
            found.append(int(entry.name))
    return found


async def wait_until_refused(url: str) -> None:
    """Poll until a new connection to the server is refused (a connection that was still accepted gets an
    answer, and the poll goes on)."""
    with anyio.fail_after(20):
        while True:
            try:
                async with httpx.AsyncClient(timeout=5) as client:
                    await client.get(url.replace("/mcp", "/healthz"))
            except httpx.ConnectError:
                return
            except httpx.TransportError:
                pass  # queued, then dropped while the listener closed: not yet the refusal we wait for
            await anyio.sleep(0.05)


async def wait_for_upstream(upstream: Upstream, path: str, *, seen: int) -> None:
    """Wait until the upstream receives `path` (after the first `seen` requests it had received)."""
    with anyio.fail_after(20):
        while not any(received.path == path for received in upstream.received[seen:]):
            await anyio.sleep(0.01)


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (["--transport", "http", "--workers", "2"], "--workers 2 needs --stateless"),
        (["--workers", "3", "--stateless"], "--workers 3 needs --transport http"),
    ],
)
def test_workers_without_stateless_http_is_one_line_and_exit_2(extra: list[str], problem: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "converter", "serve", SPEC, *extra],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"oa2mcp: {problem}")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


async def sigterm_during_a_call(upstream: Upstream, url: str, proc: subprocess.Popen[str]) -> None:
    """Hold a call in flight at the upstream, SIGTERM the server, and check that new connections are refused
    while the call still ends with the upstream's answer, and that the server then exits with status 0."""
    upstream.gate.clear()
    try:
        async with Client(url) as client:
            await client.list_tools()  # the client checks results against the output schema it lists
            outcome: list[Any] = []

            async def slow_call() -> None:
                outcome.append(await client.call_tool("pets_get_by_id", {"id": 995}))

            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:
                    seen = len(upstream.received)
                    group.start_soon(slow_call)
                    await wait_for_upstream(upstream, "/v1/pets/995", seen=seen)
                    proc.send_signal(signal.SIGTERM)
                    await wait_until_refused(url)
                    # A window longer than sse-starlette's 0.5 s shutdown poll, which ends SSE streams on SIGTERM:
                    # the response of a call in flight must not be one of them.
                    await anyio.sleep(1)
                    assert not outcome, "the call ended before the upstream answered"
                    upstream.gate.set()
            (result,) = outcome
            assert not result.is_error
            assert result.structured_content == PET
    finally:
        upstream.gate.set()
    assert await anyio.to_thread.run_sync(lambda: proc.wait(timeout=40)) == 0
    assert "Traceback" not in rest_of_stderr(proc)


async def test_sigterm_lets_the_call_in_flight_finish_refuses_new_ones_and_exits_0(upstream: Upstream) -> None:
    cmd = serve_cmd(upstream, "--timeout", "30", "--shutdown-timeout", "20")
    async with server_process(cmd, {**os.environ, **ENV}) as (url, proc):
        await sigterm_during_a_call(upstream, url, proc)


async def test_two_workers_serve_the_same_tools_keep_credentials_out_of_files_and_end_gracefully(
    upstream: Upstream, tmp_path: Path
) -> None:
    env = {**os.environ, **ENV, "TMPDIR": str(tmp_path)}
    cmd = serve_cmd(
        upstream, *WORKERS, "--timeout", "30", "--auth", f"api_key={SECRET}", "--header", f"X-Trace: {SECRET}-h"
    )
    async with server_process(cmd, env) as (url, proc):
        with anyio.fail_after(30):
            while len(workers_of(proc.pid)) < 2:
                await anyio.sleep(0.05)
        for pid in workers_of(proc.pid):
            assert SECRET.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()
        (table,) = tmp_path.glob("oa2mcp-tools-*.json")
        assert stat.S_IMODE(table.stat().st_mode) == 0o600
        assert SECRET not in table.read_text(encoding="utf-8")

        async def one_client(results: list[Any]) -> None:
            async with Client(url) as client:
                listed = await client.list_tools()
                called = await client.call_tool("pets_get_by_id", {"id": 7})
                results.append(([tool.name for tool in listed.tools], called))

        results: list[Any] = []
        with anyio.fail_after(60):
            async with anyio.create_task_group() as group:
                for _ in range(6):
                    group.start_soon(one_client, results)
        served, _ = build_served(SPEC)
        expected = [entry["name"] for entry in served.listing]
        assert len(results) == 6
        for names, called in results:
            assert names == expected
            assert not called.is_error
            assert called.structured_content == PET
        request = upstream.last()
        assert request.path == "/v1/pets/7"
        assert request.headers["api_key"] == SECRET
        assert request.headers["x-trace"] == f"{SECRET}-h"

        await sigterm_during_a_call(upstream, url, proc)
    assert not list(tmp_path.glob("oa2mcp-tools-*.json")), "the tool table outlived the server"


async def test_the_shutdown_timeout_bounds_a_call_that_does_not_finish(upstream: Upstream) -> None:
    upstream.gate.clear()
    try:
        cmd = serve_cmd(upstream, "--stateless", "--timeout", "60", "--shutdown-timeout", "1")
        async with server_process(cmd, {**os.environ, **ENV}) as (url, proc):
            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:

                    async def stuck_call() -> None:
                        with pytest.raises(Exception):  # noqa: B017  (the server cuts the stream: any error)
                            async with Client(url) as client:
                                await client.call_tool("pets_get_by_id", {"id": 995})

                    seen = len(upstream.received)
                    group.start_soon(stuck_call)
                    await wait_for_upstream(upstream, "/v1/pets/995", seen=seen)
                    proc.send_signal(signal.SIGTERM)
                    # The upstream still holds the call (for 30 s): the server gives up on it after 1 s.
                    assert await anyio.to_thread.run_sync(lambda: proc.wait(timeout=20)) == 0
            assert "Traceback" not in rest_of_stderr(proc)
    finally:
        upstream.gate.set()


async def test_workers_in_search_mode_find_and_call_every_operation(upstream: Upstream) -> None:
    cmd = serve_cmd(upstream, *WORKERS, "--tools", "search")
    async with server_process(cmd, {**os.environ, **ENV}) as (url, _):
        for _ in range(3):  # the calls land on either worker
            async with Client(url) as client:
                listed = await client.list_tools()
                found = await client.call_tool("search_operations", {"query": "get a pet by its id"})
                called = await client.call_tool(
                    "call_operation", {"name": "pets_get_by_id", "arguments": {"id": 7, "fields": "name"}}
                )
            assert [tool.name for tool in listed.tools] == ["search_operations", "describe_operation", "call_operation"]
            assert "pets_get_by_id" in found.content[0].text  # type: ignore[union-attr]
            assert not called.is_error
            assert called.content[0].text == '"Rex"'  # type: ignore[union-attr]
    assert upstream.last().path == "/v1/pets/7"
