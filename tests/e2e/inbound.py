"""Helpers of the inbound-security end-to-end tests: an MCP client that sends chosen headers, raw MCP requests,
and the config file with named clients."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.conftest import FIXTURES

ADMIN_KEY = "admin-key-5b1f0c9e7d"
READER_KEY = "reader-key-a83d2c41e6"
SHELTERS_KEY = "shelters-key-77e0b9d5f2"
USER_TOKEN = "per-user-token-c3e81d"
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def write_config(path: Path, clients: str, *, extra: str = "") -> Path:
    """A config for the Pet Shelter spec with the `clients:` block `clients` (YAML text, indented 2)."""
    path.write_text(
        f"spec: {json.dumps(str(FIXTURES / 'petstore-3.0.yaml'))}\n{extra}clients:\n{clients}", encoding="utf-8"
    )
    return path


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@asynccontextmanager
async def client_with(url: str, headers: dict[str, str]) -> AsyncIterator[Client]:
    """An MCP client over streamable HTTP that sends `headers` with every request."""
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(url, http_client=http)) as client,
    ):
        yield client


async def post(url: str, *, headers: dict[str, str] | None = None, body: Any = None) -> httpx.Response:
    """One raw POST of an MCP message (initialize by default) with the MCP Accept/Content-Type headers."""
    content = json.dumps(INITIALIZE if body is None else body)
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(url, content=content, headers={**MCP_HEADERS, **(headers or {})})


def tool_names(listing: Any) -> set[str]:
    return {tool.name for tool in listing.tools}
