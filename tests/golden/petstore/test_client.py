"""Check a deployment by hand: connect, list the tools, call one.

    python test_client.py                                   spawn `python -m PACKAGE --mock` over stdio
    python test_client.py http://127.0.0.1:8000/mcp         a running server over streamable HTTP
    python test_client.py URL TOOL '{"arg": "value"}'       call TOOL with these arguments
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from mcp import Client, StdioServerParameters

PACKAGE = "pet_shelter_mcp"
"""The server's package (`python -m PACKAGE` runs it)."""


async def check(target: str | None, tool: str | None, arguments: dict[str, Any]) -> int:
    server: Any = target or StdioServerParameters(command=sys.executable, args=["-m", PACKAGE, "--mock"])
    async with Client(server) as client:
        listing = await client.list_tools()
        print(f"{len(listing.tools)} tools: {', '.join(t.name for t in listing.tools)}")
        if not listing.tools:
            return 1
        name = tool or listing.tools[0].name
        result = await client.call_tool(name, arguments)
        for item in result.content:
            print(getattr(item, "text", item))
        print(f"{name}: {'error' if result.is_error else 'ok'}")
        return 1 if result.is_error else 0


def main() -> int:
    target = sys.argv[1] if len(sys.argv) > 1 else None
    tool = sys.argv[2] if len(sys.argv) > 2 else None
    arguments = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    return asyncio.run(check(target, tool, arguments))


if __name__ == "__main__":
    sys.exit(main())
