"""Per-call cost of the observability around each tool call (`converter/runtime/observe.py`, `metrics.py`).

Usage:
    python bench/observe_bench.py [--calls N] [--rounds R]

The same trivial tool call (a coroutine that notes an upstream status of 200 and returns a constant result) is
awaited `--calls` times (default 100,000) in each configuration, in `--rounds` (5) interleaved rounds; the
best round of each is reported as CPU microseconds per call (CPU time: on a shared machine wall time swings
with the neighbours' load), and the cost over the bare call:
  bare          no observer (stdio without --audit: the call path is unchanged)
  metrics       Prometheus counters, histogram and in-flight gauge (`serve --transport http`, the default)
  +audit        metrics and one audit line per call (--audit), JSON format, written to /dev/null
  +arguments    the same with the arguments, masked (--audit-arguments)
The audit line costs what any log line costs (formatting, masking the secrets, the write): most of it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mcp_types as types

from converter.runtime.logs import JsonFormatter, set_secrets
from converter.runtime.metrics import PrometheusMetrics
from converter.runtime.observe import Observer, note_status

RESULT = types.CallToolResult(content=[types.TextContent(type="text", text='{"id": 7}')])
ARGUMENTS = {"owner": "octocat", "repo": "hello-world", "issue_number": 42, "token": "ghp_x"}
SECRETS = ["ghp_0123456789abcdef", "client-secret-value", "Basic dXNlcjpwYXNz"]


async def tool_call() -> types.CallToolResult:
    note_status(200)
    return RESULT


def configurations() -> dict[str, Callable[[], Awaitable[types.CallToolResult]]]:
    secrets = lambda: SECRETS  # noqa: E731
    metrics = Observer(metrics=PrometheusMetrics(), audit=False, audit_arguments=False, secrets=secrets)
    audit = Observer(metrics=PrometheusMetrics(), audit=True, audit_arguments=False, secrets=secrets)
    arguments = Observer(metrics=PrometheusMetrics(), audit=True, audit_arguments=True, secrets=secrets)
    return {
        "bare": tool_call,
        "metrics": lambda: metrics.observe("issues_get", ARGUMENTS, tool_call),
        "+audit": lambda: audit.observe("issues_get", ARGUMENTS, tool_call),
        "+arguments": lambda: arguments.observe("issues_get", ARGUMENTS, tool_call),
    }


async def measure(call: Callable[[], Awaitable[types.CallToolResult]], calls: int) -> float:
    started = time.process_time()
    for _ in range(calls):
        await call()
    return (time.process_time() - started) / calls * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    devnull = open(os.devnull, "w", encoding="utf-8")
    handler = logging.StreamHandler(devnull)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.WARNING)
    set_secrets(lambda: SECRETS)

    configs = configurations()
    best = dict.fromkeys(configs, float("inf"))
    for call in configs.values():  # warm-up: label children, code paths
        await measure(call, 1_000)
    for _ in range(args.rounds):
        for name, call in configs.items():
            best[name] = min(best[name], await measure(call, args.calls))
    python = sys.version.split()[0]
    print(f"{args.calls} calls x {args.rounds} rounds, best round, CPU microseconds per call (Python {python})")
    for name, micros in best.items():
        extra = "" if name == "bare" else f"  (+{micros - best['bare']:.1f} us over bare)"
        print(f"  {name:<11} {micros:7.1f}{extra}")


if __name__ == "__main__":
    asyncio.run(main())
