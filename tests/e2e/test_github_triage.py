"""A config turns GitHub's 1,223 operations into a 13-tool "issue triage" server for one repository: `serve`
lists exactly those tools under their configured names, and the hidden owner/repo reach the upstream."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs

import pytest
from mcp import Client, StdioServerParameters

from tests.conftest import FIXTURES, ROOT
from tests.e2e.servers import http_mcp_server
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio

CONFIG = str(FIXTURES / "configs" / "github-issue-triage.yaml")
TOOLS = {
    "search_issues",
    "list_issues",
    "get_issue",
    "create_issue",
    "update_issue",
    "list_comments",
    "add_comment",
    "list_issue_events",
    "list_labels",
    "add_labels",
    "remove_label",
    "assign_issue",
    "list_milestones",
}


def serve_args(upstream: Upstream, *extra: str) -> list[str]:
    return ["-m", "converter", "serve", "--config", CONFIG, "--base-url", upstream.url, "--timeout", "5", *extra]


@asynccontextmanager
async def stdio_client(upstream: Upstream) -> AsyncIterator[Client]:
    params = StdioServerParameters(command=sys.executable, args=serve_args(upstream), env=dict(os.environ), cwd="/")
    async with Client(params) as client:
        yield client


@asynccontextmanager
async def http_client(upstream: Upstream) -> AsyncIterator[Client]:
    cmd = [sys.executable, *serve_args(upstream, "--transport", "http", "--port", "0")]
    async with http_mcp_server(cmd, env=dict(os.environ), cwd=ROOT) as url, Client(url) as client:
        yield client


async def test_serve_lists_exactly_the_configured_tools_and_sends_hidden_arguments(upstream: Upstream) -> None:
    # Started from another directory: the config's relative `spec:` is found next to the config.
    async with stdio_client(upstream) as client:
        listing = await client.list_tools()
        assert {tool.name for tool in listing.tools} == TOOLS
        by_name = {tool.name: tool for tool in listing.tools}
        get_issue = by_name["get_issue"].input_schema
        # owner and repo are fixed, not shown; `fields` is the projection every JSON-returning tool takes
        assert list(get_issue["properties"]) == ["issue_number", "fields"]
        assert get_issue["required"] == ["issue_number"]
        search = by_name["search_issues"].input_schema["properties"]
        assert "query" in search and "q" not in search
        assert search["per_page"]["default"] == 20
        assert by_name["update_issue"].description.startswith("Change an issue's title, body, state")

        await client.call_tool("get_issue", {"issue_number": 1347})
        received = upstream.last()
        assert (received.method, received.path) == ("GET", "/repos/octo-org/octo-repo/issues/1347")

        await client.call_tool("search_issues", {"query": "is:issue is:open label:bug"})
        received = upstream.last()
        assert received.path == "/search/issues"
        assert parse_qs(received.query) == {"q": ["is:issue is:open label:bug"], "per_page": ["20"]}

        # A model cannot override a fixed argument: it is not in the schema, so it is refused.
        refused = await client.call_tool("get_issue", {"issue_number": 1, "owner": "someone-else"})
        assert refused.is_error
        assert upstream.last().path == "/search/issues"  # nothing was sent


async def test_over_http_a_write_tool_sends_its_body_to_the_fixed_repository(upstream: Upstream) -> None:
    async with http_client(upstream) as client:
        # GitHub's body here is a oneOf, so it is one `body` argument.
        await client.call_tool("add_labels", {"issue_number": 7, "body": {"labels": ["bug", "triage"]}})
        received = upstream.last()
        assert (received.method, received.path) == ("POST", "/repos/octo-org/octo-repo/issues/7/labels")
        assert json.loads(received.body) == {"labels": ["bug", "triage"]}
