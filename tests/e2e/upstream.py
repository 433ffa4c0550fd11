"""A real upstream for end-to-end tests: a small Starlette app on uvicorn (127.0.0.1, port 0) that plays the
fixtures' Pet Shelter API and records every request it receives."""

from __future__ import annotations

import asyncio
import base64
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PET = {"id": 7, "name": "Rex", "species": "dog", "status": "available"}


@dataclass
class Received:
    """One request as the upstream saw it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Upstream:
    """The running upstream: its base URL and what it received."""

    url: str
    received: list[Received] = field(default_factory=list)
    disconnects: list[str] = field(default_factory=list)
    """Paths of slow requests whose caller went away before the answer."""
    gate: threading.Event = field(default_factory=threading.Event)
    """`/pets/995` answers only once this is set (or after 30 s): a call held in flight for as long as a test needs."""
    in_flight: int = 0
    max_in_flight: int = 0
    """The most `/pets/996` requests (each held 0.3 s) the upstream was serving at once."""

    def last(self) -> Received:
        assert self.received, "the upstream received nothing"
        return self.received[-1]


def noisy_pets(base: str) -> list[dict[str, Any]]:
    """40 pets the way hypermedia APIs answer: nulls, empty lists, URL templates, links into the API itself,
    HAL `_links`, and one link a person would follow (another host)."""
    return [
        {
            "id": number,
            "name": f"Pet {number}",
            "species": "dog",
            "nickname": None,
            "tags": [],
            "owner": {},
            "photo_url": f"{base}/v1/pets/{number}/photo",
            "events_url": f"{base}/v1/pets/{number}/events{{/kind}}",
            "adopt_url": f"https://shelter.example.org/adopt/{number}",
            "_links": {"self": {"href": f"{base}/v1/pets/{number}"}},
        }
        for number in range(1, 41)
    ]


def _app(upstream: Upstream) -> Starlette:
    async def handle(request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        upstream.received.append(
            Received(request.method, path, request.url.query, {k.lower(): v for k, v in request.headers.items()}, body)
        )
        tail = path.removeprefix("/v1")
        if tail.startswith("/pets/404"):
            return JSONResponse({"code": 404, "message": "no such pet"}, status_code=404)
        if tail.startswith("/pets/500"):
            return Response("<html><body><h1>Internal Server Error</h1></body></html>", 500, media_type="text/html")
        if tail.startswith("/pets/996"):
            upstream.in_flight += 1
            upstream.max_in_flight = max(upstream.max_in_flight, upstream.in_flight)
            await asyncio.sleep(0.3)
            upstream.in_flight -= 1
        if tail.startswith("/pets/999"):
            await asyncio.sleep(30)
        if tail.startswith("/pets/998"):  # slow, and notes when the caller goes away
            for _ in range(600):
                if await request.is_disconnected():
                    upstream.disconnects.append(path)
                    return Response(status_code=499)
                await asyncio.sleep(0.05)
        if tail.startswith("/pets/995"):
            for _ in range(3000):
                if upstream.gate.is_set():
                    break
                await asyncio.sleep(0.01)
        if tail.startswith("/pets/888"):
            chunk = b"x" * 1_048_576

            async def stream() -> Any:
                for _ in range(50):
                    yield chunk

            return StreamingResponse(stream(), media_type="application/octet-stream")
        if tail.startswith("/pets/777"):
            return JSONResponse({"id": "not-a-number", "name": 5})
        if tail.endswith("/photo") and request.method == "GET":
            return Response(PNG, media_type="image/png")
        if tail.endswith("/photo"):
            return JSONResponse(
                {"url": "https://cdn.example.com/7.png", "sizeBytes": len(body), "contentType": "image/png"}
            )
        if tail.endswith("/volunteers"):
            return JSONResponse({"id": "0b7c1c1e-6c1f-4f55-9a50-5f2d4f5e6a7b", "fullName": "Ann Lee"}, status_code=201)
        if request.method == "DELETE":
            return Response(status_code=204)
        if request.method == "HEAD":
            return Response(status_code=200)
        if tail == "/pets" and request.method == "GET" and request.query_params.get("limit") == "40":
            return JSONResponse(noisy_pets(str(request.base_url).rstrip("/")))
        if tail == "/pets" and request.method == "GET":
            return JSONResponse([PET])
        if request.method == "POST":
            return JSONResponse(PET, status_code=201)
        return JSONResponse(PET)

    return Starlette(routes=[Route("/{path:path}", handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"])])


@contextmanager
def run_upstream(**tls: Any) -> Iterator[Upstream]:
    """Start the upstream in a thread; stop it on exit. `tls`: uvicorn's `ssl_*` settings, to serve https."""
    upstream = Upstream(url="")
    with run_app(_app(upstream), **tls) as url:
        upstream.url = url
        yield upstream


@contextmanager
def run_app(app: Any, **tls: Any) -> Iterator[str]:
    """Serve an ASGI app on 127.0.0.1 (a free port) in a thread, over https when given uvicorn's `ssl_*`
    settings; yields its base URL; stops it on exit."""
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    scheme = "https" if tls else "http"
    server = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off", **tls))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("upstream failed to start")
        threading.Event().wait(0.01)
    try:
        yield f"{scheme}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
