"""A small local upstream for the tests: a Starlette app on 127.0.0.1 (port 0) that records each request and
answers as the API's spec documents (its examples, else a value made from the response schema)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pet_shelter_mcp.main import load_tools
from pet_shelter_mcp.runtime.mock import mock_response


@dataclass
class Upstream:
    """The running upstream: where it listens, the tool it plays next, and what it received."""

    url: str
    answer_as: str = ""
    received: list[tuple[str, str]] = field(default_factory=list)


def _app(upstream: Upstream, tools: dict[str, Any]) -> Starlette:
    async def handle(request: Request) -> Response:
        body = await request.body()
        upstream.received.append((request.method, request.url.path))
        mock = tools["table"].get(upstream.answer_as, {}).get("mock") or {}
        reply = mock_response(mock, httpx.Request(request.method, str(request.url), content=body))
        return Response(reply.content, status_code=reply.status_code, headers=dict(reply.headers))

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return Starlette(routes=[Route("/{path:path}", handle, methods=methods)])


@pytest.fixture(scope="session")
def upstream() -> Iterator[Upstream]:
    sock = socket.create_server(("127.0.0.1", 0))
    upstream = Upstream(url=f"http://127.0.0.1:{sock.getsockname()[1]}")
    server = uvicorn.Server(uvicorn.Config(_app(upstream, load_tools()), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield upstream
    server.should_exit = True
    thread.join(timeout=5)
