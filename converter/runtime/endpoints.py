"""The HTTP server's operational endpoints next to `/mcp`: `GET /healthz` (the process answers), `GET /readyz`
(it can serve: the tools are loaded and, with `--ready-check`, the upstream answers) and the metrics.

They are plain routes, outside MCP's authentication: probes and scrapers carry no MCP token. Restrict them at
the network (or the proxy in front), move the metrics with `--metrics-path`, or turn them off with
`--no-metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import anyio
import httpx

from .auth import redact
from .call import ToolCaller
from .request import select_base_url

__all__ = ["READY_CACHE_SECONDS", "Readiness", "operational_routes"]

READY_CACHE_SECONDS = 5.0
"""How long an upstream check's answer is reused: a probe every second must not become a request every second."""

PROBE_TIMEOUT_SECONDS = 5.0
"""The longest an upstream check waits (less when `--timeout` is shorter): probes have their own deadline."""

MAX_PROBED_URLS = 5
"""Distinct upstream base URLs checked at most (a spec whose operations name many servers)."""


class Readiness:
    """Whether the server can serve now, with the upstream check's answer cached for a few seconds."""

    def __init__(
        self, caller: ToolCaller, *, check_upstream: bool, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Check the upstream (any HTTP answer from each base URL) only when `check_upstream`."""
        self._caller = caller
        self._check_upstream = check_upstream and not caller.options.mock
        self._clock = clock
        self._lock = anyio.Lock()
        self._answer: tuple[float, str | None] | None = None

    async def problem(self) -> str | None:
        """Why the server is not ready, or None when it is."""
        if not self._check_upstream:
            return None
        async with self._lock:  # concurrent probes share one check
            if self._answer is None or self._clock() >= self._answer[0]:
                self._answer = (self._clock() + READY_CACHE_SECONDS, await self._probe_all())
            return self._answer[1]

    def _base_urls(self) -> list[str]:
        options = self._caller.options
        urls: set[str] = set()
        for tool in self._caller.tools.values():
            try:
                urls.add(select_base_url(tool["binding"], override=options.base_url, server_vars=options.server_vars))
            except ValueError:
                continue  # a tool without a usable server URL fails on its own calls, with the reason
            if options.base_url:
                break
        return sorted(urls)[:MAX_PROBED_URLS]

    async def _probe_all(self) -> str | None:
        urls = self._base_urls()
        if not urls:
            return "no upstream base URL: pass --base-url"
        for url in urls:
            problem = await self._probe(url)
            if problem is not None:
                return problem
        return None

    async def _probe(self, url: str) -> str | None:
        client = self._caller.client_for(url)
        timeout = min(PROBE_TIMEOUT_SECONDS, self._caller.options.timeout)
        try:
            request = client.build_request("GET", url, timeout=timeout)
            response = await client.send(request, stream=True)
        except httpx.TimeoutException:
            return self._redact(f"the upstream {url} did not answer within {timeout:g} s")
        except httpx.HTTPError as err:
            return self._redact(f"the upstream {url} is unreachable: {type(err).__name__}: {err}")
        await response.aclose()
        return None

    def _redact(self, text: str) -> str:
        return redact(text, self._caller.auth.secrets)


def operational_routes(
    *, tool_count: int, readiness: Readiness, metrics: Any | None, metrics_path: str | None
) -> list[Any]:
    """Starlette routes for `/healthz`, `/readyz` and (when `metrics`) the metrics at `metrics_path`."""
    from starlette.requests import Request  # noqa: PLC0415
    from starlette.responses import JSONResponse, Response  # noqa: PLC0415
    from starlette.routing import Route  # noqa: PLC0415

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "tools": tool_count})

    async def readyz(request: Request) -> JSONResponse:
        problem = await readiness.problem()
        if problem is not None:
            return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
        return JSONResponse({"status": "ready", "tools": tool_count})

    routes = [Route("/healthz", healthz, methods=["GET"]), Route("/readyz", readyz, methods=["GET"])]
    if metrics is not None and metrics_path:

        async def exposition(request: Request) -> Response:
            body, content_type = metrics.exposition()
            return Response(body, media_type=content_type)

        routes.append(Route(metrics_path, exposition, methods=["GET"]))
    return routes
