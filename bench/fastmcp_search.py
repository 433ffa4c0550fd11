"""FastMCP's BM25 search transform over an OpenAPI spec, for bench/search_bench.py to compare with.

Runs in a separate environment that has fastmcp (never one of oa2mcp's dependencies):

    /path/to/fastmcp-venv/bin/python bench/fastmcp_search.py SPEC.json < queries.json > results.json

stdin: `["close an issue", ...]`. stdout: `{"listing_chars", "tools", "from_openapi_s", "build_s", "results":
[["METHOD /path", ...], ...]}` — each query's top 3 as FastMCP's `search_tools` answers it through its own client
(in memory), mapped back to the operations its tools were made from. No request reaches any API.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import httpx2
from fastmcp import Client, FastMCP
from fastmcp.server.transforms.search import BM25SearchTransform


def listing_chars(tools: list[Any]) -> int:
    """Characters of a tools/list result's JSON, compact, as the other side measures it."""
    entries = [tool.model_dump(mode="json", by_alias=True, exclude_none=True) for tool in tools]
    return len(json.dumps({"tools": entries}, separators=(",", ":")))


def names_of(result: Any) -> list[str]:
    """Tool names in a search_tools result (a list of tool definitions)."""
    data = result.structured_content
    if isinstance(data, dict) and "result" in data:
        data = data["result"]
    if data is None:
        data = json.loads(result.content[0].text)
    return [entry["name"] for entry in data]


async def main(spec_path: str, queries: list[str]) -> dict[str, Any]:
    with open(spec_path, encoding="utf-8") as handle:
        spec = json.load(handle)
    start = time.perf_counter()
    server = FastMCP.from_openapi(spec, client=httpx2.AsyncClient(base_url="http://127.0.0.1:9"))
    from_openapi_s = time.perf_counter() - start
    routes = {tool.name: f"{tool._route.method.upper()} {tool._route.path}" for tool in await server.list_tools()}
    server.add_transform(BM25SearchTransform(max_results=3))
    results = []
    async with Client(server) as client:
        listed = await client.list_tools()
        start = time.perf_counter()
        await client.call_tool("search_tools", {"query": "warm up"})  # the index is built at the first search
        build_s = time.perf_counter() - start
        for query in queries:
            found = await client.call_tool("search_tools", {"query": query})
            results.append([routes.get(name, name) for name in names_of(found)])
    return {
        "listing_chars": listing_chars(listed),
        "tools": len(routes),
        "from_openapi_s": from_openapi_s,
        "build_s": build_s,
        "results": results,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], json.load(sys.stdin)))))
