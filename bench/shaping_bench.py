"""What response shaping saves: GitHub's documented responses, as the model would be shown them.

Usage:
    python bench/shaping_bench.py [--spec fixtures/github/api.github.com.json.gz] [--json OUT]

For a few everyday GitHub operations, the 200 response example the spec documents (real-looking bodies:
issues, pull requests, commits, a repository, workflow runs, search results) is answered by a local
`httpx.MockTransport` upstream and turned into a tool result by oa2mcp's own runtime — once with the tool's
shaping (the default) and once with the tool built `response: {shape: false}` (the JSON on one line, as
before). Reported per operation: characters of the result text, as the upstream's pretty JSON (indent 2,
what many proxies pass on), raw one-line JSON, and shaped; and the saving. Tokens are estimated as chars/4.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from converter.config import parse_config  # noqa: E402
from converter.errors import Location  # noqa: E402
from converter.pipeline import load_api  # noqa: E402
from converter.runtime.call import CallOptions, ToolCaller  # noqa: E402
from converter.selector import select_tools  # noqa: E402
from converter.served import tool_table  # noqa: E402

OPERATIONS = {
    "issues/list-for-repo": {"owner": "octocat", "repo": "hello-world"},
    "issues/get": {"owner": "octocat", "repo": "hello-world", "issue_number": 1347},
    "pulls/list": {"owner": "octocat", "repo": "hello-world"},
    "repos/list-commits": {"owner": "octocat", "repo": "hello-world"},
    "repos/get": {"owner": "octocat", "repo": "hello-world"},
    "actions/list-workflow-runs-for-repo": {"owner": "octocat", "repo": "hello-world"},
    "search/issues-and-pull-requests": {"q": "is:open label:bug"},
}


def _example(document: dict[str, Any], operation_id: str) -> tuple[str, Any]:
    """(path, the first example of the operation's 200 JSON response), `$ref`s to components followed."""
    for path, item in document["paths"].items():
        for operation in item.values():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                media = operation["responses"]["200"]["content"]["application/json"]
                example = next(iter(media["examples"].values()))
                while "$ref" in example or "value" in example:
                    if "$ref" in example:
                        example = document["components"]["examples"][example["$ref"].rsplit("/", 1)[1]]
                    else:
                        example = example["value"]
                return path, example
    raise KeyError(operation_id)


async def _results(spec: str, config: dict[str, Any] | None, bodies: dict[str, Any]) -> dict[str, str]:
    api, _ = load_api(spec)
    toolset = select_tools(
        api,
        config=parse_config(
            {"include": {"operations": list(OPERATIONS)}, **(config or {})}, location=Location("bench.yaml")
        ),
    )
    names = {tool.operation_id: tool.name for tool in toolset.tools}

    def answer(request: httpx.Request) -> httpx.Response:
        for operation_id, body in bodies.items():
            if request.url.path == _request_paths[operation_id]:
                return httpx.Response(200, json=body)
        return httpx.Response(404)

    caller = ToolCaller(
        tool_table(toolset),
        security_schemes={},
        credentials={},
        options=CallOptions(base_url="https://api.github.com"),
        transport=httpx.MockTransport(answer),
    )
    texts = {}
    try:
        for operation_id, arguments in OPERATIONS.items():
            result = await caller.call(names[operation_id], arguments)
            texts[operation_id] = "\n".join(item.text for item in result.content if item.type == "text")
    finally:
        await caller.aclose()
    return texts


_request_paths: dict[str, str] = {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", default=str(ROOT / "fixtures" / "github" / "api.github.com.json.gz"))
    parser.add_argument("--json", type=Path, metavar="OUT")
    args = parser.parse_args()
    opener = gzip.open if args.spec.endswith(".gz") else open
    with opener(args.spec, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    bodies = {}
    for operation_id, arguments in OPERATIONS.items():
        path, body = _example(document, operation_id)
        _request_paths[operation_id] = path.format(**arguments)
        bodies[operation_id] = body
    shaped = asyncio.run(_results(args.spec, None, bodies))
    raw = asyncio.run(_results(args.spec, {"response": {"shape": False}}, bodies))
    rows = []
    print(f"{'operation':<38} {'pretty':>8} {'raw':>8} {'shaped':>8} {'saved vs raw':>13}")
    for operation_id in OPERATIONS:
        pretty = len(json.dumps(bodies[operation_id], indent=2, ensure_ascii=False))
        row = {
            "operation": operation_id,
            "pretty_chars": pretty,
            "raw_chars": len(raw[operation_id]),
            "shaped_chars": len(shaped[operation_id]),
        }
        rows.append(row)
        saved = 1 - row["shaped_chars"] / row["raw_chars"]
        print(f"{operation_id:<38} {pretty:>8,} {row['raw_chars']:>8,} {row['shaped_chars']:>8,} {saved:>12.0%}")
    totals = {key: sum(r[key] for r in rows) for key in ("pretty_chars", "raw_chars", "shaped_chars")}
    print(
        f"{'total':<38} {totals['pretty_chars']:>8,} {totals['raw_chars']:>8,} {totals['shaped_chars']:>8,}"
        f" {1 - totals['shaped_chars'] / totals['raw_chars']:>12.0%}"
        f"   (~{totals['raw_chars'] // 4:,} -> ~{totals['shaped_chars'] // 4:,} tokens)"
    )
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "totals": totals}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
