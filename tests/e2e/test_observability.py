"""Running `oa2mcp serve --transport http` in production: Prometheus metrics, JSON logs with secrets masked,
audit lines, readiness — a real server process, a real MCP client, real upstreams on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import Client
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT
from tests.e2e.inbound import client_with, post
from tests.e2e.servers import http_mcp_server
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio

SECRET = "Qk9-query-key-that-must-not-leak"

# An API key in the query string: httpx logs each request's URL (level info), so the key reaches a log call
# and only the masking keeps it out of the output.
SPEC = """
openapi: 3.0.3
info: {title: Shelter, version: "1.0"}
components:
  securitySchemes:
    shelter_key: {type: apiKey, in: query, name: key}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      security: [{shelter_key: []}]
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: session_token, in: query, schema: {type: string}}
      responses:
        "200":
          description: The pet
          content: {application/json: {schema: {type: object}}}
"""


@asynccontextmanager
async def serving(tmp_path: Path, base_url: str, *options: str, stderr: list[str] | None = None) -> AsyncIterator[str]:
    """`oa2mcp serve` of SPEC on HTTP with `options`; yields the server's root URL."""
    spec = tmp_path / "shelter.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    cmd = [sys.executable, "-m", "converter", "serve", str(spec), "--base-url", base_url, "--timeout", "2"]
    cmd += ["--transport", "http", "--port", "0", *options]
    env = {**os.environ, "OA2MCP_AUTH_SHELTER_KEY": SECRET, "OA2MCP_CACHE_DIR": ""}
    env.pop("OA2MCP_LOG_LEVEL", None)
    async with http_mcp_server(cmd, env=env, cwd=ROOT, stderr_lines=stderr) as url:
        yield url.removesuffix("/mcp")


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Prometheus text → {(sample name, labels): value}."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def key_of(name: str, **labels: str) -> tuple[str, frozenset[tuple[str, str]]]:
    return name, frozenset(labels.items())


async def test_metrics_json_logs_and_audit_lines_record_each_call_without_secrets(
    tmp_path: Path, upstream: Upstream
) -> None:
    stderr: list[str] = []
    options = ("--log-format", "json", "--log-level", "debug", "--audit-arguments")
    async with serving(tmp_path, f"{upstream.url}/v1", *options, stderr=stderr) as root:
        async with Client(f"{root}/mcp") as client:
            ok = await client.call_tool("get_pet", {"id": 7, "session_token": "client-session-abc"})
            missing = await client.call_tool("get_pet", {"id": 404})
            invalid = await client.call_tool("get_pet", {"id": "seven"})
        assert (ok.is_error, missing.is_error, invalid.is_error) == (False, True, True)
        assert upstream.last().query == "key=" + SECRET  # the key really went out
        async with httpx.AsyncClient(base_url=root) as http:
            metrics = await http.get("/metrics")
            health = await http.get("/healthz")
            ready = await http.get("/readyz")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain; version=")
    found = samples(metrics.text)
    assert found[key_of("oa2mcp_tool_calls_total", tool="get_pet", outcome="ok")] == 1
    assert found[key_of("oa2mcp_tool_calls_total", tool="get_pet", outcome="upstream_error")] == 1
    assert found[key_of("oa2mcp_tool_calls_total", tool="get_pet", outcome="tool_error")] == 1
    assert found[key_of("oa2mcp_upstream_responses_total", tool="get_pet", status="200")] == 1
    assert found[key_of("oa2mcp_upstream_responses_total", tool="get_pet", status="404")] == 1
    assert found[key_of("oa2mcp_tool_call_duration_seconds_count", tool="get_pet")] == 3
    assert found[key_of("oa2mcp_tool_call_duration_seconds_bucket", tool="get_pet", le="+Inf")] == 3
    assert found[key_of("oa2mcp_tool_call_duration_seconds_bucket", tool="get_pet", le="60.0")] == 3
    assert found[key_of("oa2mcp_tool_calls_in_flight")] == 0
    assert found[key_of("oa2mcp_requests_rejected_total", reason="rate_limited")] == 0
    assert found[key_of("process_resident_memory_bytes")] > 0
    assert "seven" not in metrics.text and "client-session-abc" not in metrics.text  # never a label
    assert (health.status_code, health.json()) == (200, {"status": "ok", "tools": 1})
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "tools": 1})

    entries = [json.loads(line) for line in stderr]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    log = "".join(stderr)
    assert SECRET not in log
    assert any(e["logger"] == "httpx" and "key=***" in e["message"] for e in entries), "no masked request URL"
    assert any(e["logger"].startswith("uvicorn") for e in entries)
    audit = [e for e in entries if e["logger"] == "oa2mcp.audit"]
    assert [(e["client"], e["tool"], e["outcome"], e.get("status")) for e in audit] == [
        ("anonymous", "get_pet", "ok", 200),
        ("anonymous", "get_pet", "upstream_error", 404),
        ("anonymous", "get_pet", "tool_error", None),
    ]
    assert all(e["level"] == "INFO" and e["duration_ms"] >= 0 for e in audit)
    assert [e["arguments"] for e in audit] == [{"id": 7, "session_token": "***"}, {"id": 404}, {"id": "seven"}]


async def test_readyz_checks_the_upstream_and_text_audit_lines_omit_arguments(
    tmp_path: Path, upstream: Upstream
) -> None:
    stderr: list[str] = []
    options = ("--ready-check", "--audit", "--no-metrics")
    async with serving(tmp_path, f"{upstream.url}/v1", *options, stderr=stderr) as root:
        async with Client(f"{root}/mcp") as client:
            result = await client.call_tool("get_pet", {"id": 7, "session_token": "client-session-abc"})
        assert result.is_error is False
        async with httpx.AsyncClient(base_url=root) as http:
            ready = await http.get("/readyz")
            metrics = await http.get("/metrics")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "tools": 1})
    assert upstream.last().path == "/v1"  # the check itself: a plain GET of the base URL, no credentials
    assert upstream.last().query == ""
    assert metrics.status_code == 404
    (line,) = [line for line in stderr if " oa2mcp.audit: " in line]
    assert " INFO oa2mcp.audit: tool call client=anonymous tool=get_pet outcome=ok status=200 duration_ms=" in line
    assert "arguments" not in line
    assert not any("INFO httpx" in line for line in stderr)  # --audit does not lower the other loggers' level


async def test_readyz_is_503_with_a_reason_when_the_upstream_is_down(tmp_path: Path) -> None:
    options = ("--ready-check", "--metrics-path", "/internal/metrics")
    async with serving(tmp_path, "http://127.0.0.1:9/v1", *options) as root, httpx.AsyncClient(base_url=root) as http:
        ready = await http.get("/readyz")
        again = await http.get("/readyz")
        moved = await http.get("/internal/metrics")
        old = await http.get("/metrics")
        health = await http.get("/healthz")
    assert ready.status_code == 503
    body: dict[str, Any] = ready.json()
    assert body["status"] == "unavailable"
    assert body["reason"].startswith("the upstream http://127.0.0.1:9/v1 is unreachable: ConnectError")
    assert again.status_code == 503
    assert (moved.status_code, old.status_code) == (200, 404)
    assert health.status_code == 200  # alive, just not ready


def test_a_stdio_server_never_imports_the_metrics_library(tmp_path: Path) -> None:
    spec = tmp_path / "shelter.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    # stdin at end of file: the server starts, finds its client gone, and exits.
    cmd = [sys.executable, "-X", "importtime", "-m", "converter", "serve", str(spec), "--audit", "--base-url", "x:"]
    done = subprocess.run(
        cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60, check=False
    )
    assert "converter.runtime.server" in done.stderr  # it got as far as serving
    assert "prometheus_client" not in done.stderr


async def test_refusals_are_counted_and_audited_with_the_authenticated_client(
    tmp_path: Path, upstream: Upstream
) -> None:
    key = "observed-key-4f1a9c"
    stderr: list[str] = []
    spec = tmp_path / "shelter.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    cmd = [sys.executable, "-m", "converter", "serve", str(spec), "--base-url", f"{upstream.url}/v1"]
    cmd += ["--transport", "http", "--port", "0", "--rate-limit", "1/h", "--audit", "--log-format", "json"]
    env = {**os.environ, "OA2MCP_AUTH_SHELTER_KEY": SECRET, "OA2MCP_CACHE_DIR": "", "OA2MCP_API_KEYS": key}
    async with http_mcp_server(cmd, env=env, cwd=ROOT, stderr_lines=stderr) as url:
        anonymous = await post(url)
        async with client_with(url, {"Authorization": f"Bearer {key}"}) as client:
            first = await client.call_tool("get_pet", {"id": 7})
            second = await client.call_tool("get_pet", {"id": 7})
        async with httpx.AsyncClient() as http:
            metrics = await http.get(url.removesuffix("/mcp") + "/metrics")
    assert anonymous.status_code == 401
    assert (first.is_error, second.is_error) == (False, True)
    found = samples(metrics.text)
    assert found[key_of("oa2mcp_requests_rejected_total", reason="unauthenticated")] >= 1
    assert found[key_of("oa2mcp_requests_rejected_total", reason="rate_limited")] == 1
    assert found[key_of("oa2mcp_tool_calls_total", tool="get_pet", outcome="ok")] == 1
    audit = [e for e in map(json.loads, stderr) if e["logger"] == "oa2mcp.audit"]
    assert [(e["client"], e["tool"], e["outcome"]) for e in audit] == [
        ("api-key-1", "get_pet", "ok"),
        ("api-key-1", "get_pet", "rate_limited"),
    ]
    assert key not in "".join(stderr)
