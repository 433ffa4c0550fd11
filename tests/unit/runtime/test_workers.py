"""The scale-out pieces of the runtime on their own: which `--workers` settings are refused, how a worker
that cannot load its tools stops, and how the served app ends (pools closed, cancellation in one line)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from uvicorn.config import STARTUP_FAILURE

from converter.runtime.app import scale_problem
from converter.runtime.workers import OPTIONS_ENV, ServedApp, worker_app


def values(**changes: Any) -> dict[str, Any]:
    return {"transport": "http", "stateless": True, "workers": 2} | changes


def test_several_workers_need_stateless_http() -> None:
    assert scale_problem(values()) is None
    assert scale_problem(values(workers=1, stateless=False, transport="stdio")) is None
    assert scale_problem(values(stateless=False)) == (
        "--workers 2 needs --stateless: a session opened on one worker is unknown to the others"
    )
    assert (
        scale_problem(values(transport="stdio")) == "--workers 2 needs --transport http (a stdio server has one client)"
    )


def test_a_worker_without_its_tool_table_stops_with_the_start_up_failure_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(OPTIONS_ENV, json.dumps({"auth": ["api_key=secret-value-1"]}))
    with pytest.raises(SystemExit) as stopped:
        worker_app(str(tmp_path / "gone.json"), "prog", None, 8000)
    assert stopped.value.code == STARTUP_FAILURE
    err = capsys.readouterr().err
    assert err.startswith("prog: worker ") and "cannot start: FileNotFoundError" in err
    assert err.count("\n") == 1 and "secret-value-1" not in err


class FakeCaller:
    def __init__(self) -> None:
        self.closed = 0

    async def aclose(self) -> None:
        self.closed += 1


def test_the_served_app_closes_the_upstream_pools_when_the_server_shuts_it_down() -> None:
    sent: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})

    async def send(message: Any) -> None:
        sent.append(f"{message['type']} (closed {caller.closed})")

    caller = FakeCaller()
    asyncio.run(ServedApp(inner, caller)({"type": "lifespan"}, None, send))
    assert sent == ["lifespan.startup.complete (closed 0)", "lifespan.shutdown.complete (closed 1)"]


def test_a_request_cancelled_at_the_end_of_the_shutdown_timeout_is_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def stuck(scope: Any, receive: Any, send: Any) -> None:
        await asyncio.sleep(3600)

    async def main() -> None:
        app = ServedApp(stuck, FakeCaller())
        task = asyncio.ensure_future(app({"type": "http", "method": "POST", "path": "/mcp"}, None, None))
        await asyncio.sleep(0)
        task.cancel()
        await task  # ends quietly: the cancellation was logged, not raised as uvicorn's "Exception in ASGI app"

    with caplog.at_level(logging.WARNING, logger="oa2mcp.server"):
        asyncio.run(main())
    assert [record.getMessage() for record in caplog.records] == [
        "POST /mcp cancelled: still running at the end of the shutdown timeout"
    ]
