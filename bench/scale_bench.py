"""Throughput and latency of `oa2mcp serve --stateless` at 50 concurrent clients: one process against two
workers (`--workers 2`), both behind nginx, and one process reached directly for reference.

Usage:
    python bench/scale_bench.py [--harness DIR] [--concurrency 50] [--requests 2000] [--rounds 3] [--json OUT]

Every process is a child of this script, stopped at the end: the upstream (`serve_bench.py --role upstream`:
`GET /v1/pets/{id}` answered at once), `oa2mcp serve fixtures/petstore-3.0.yaml --transport http --stateless`
with 1 and with 2 workers, and an nginx in front of each (the load test's config, tests/e2e/nginx.py:
keep-alive to the backend, SSE unbuffered). The load is the harness's `mcp_load.py` (`--harness`, default
../shared/harness): `--concurrency` clients calling `pets_get_by_id` without sessions, `--requests` calls per
run, the three set-ups measured in `--rounds` interleaved rounds (a busy spell of a shared machine then lands
on each alike); the table shows the median of the rounds. Besides req/s and p50/p99 it reports the CPU the
server (all its processes), nginx and the load generator used per request: on 2 cores the load generator,
nginx and the upstream take a good part of the machine, which caps what a second worker can add.

Exit status 1 when a call failed or a set-up could not start (numbers are reported, not judged).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from serve_bench import (
    HARNESS,
    PETSTORE,
    READY_TIMEOUT,
    ROOT,
    TOOL,
    child_pids,
    cpu_seconds,
    http_process,
    oa2mcp_cmd,
    self_cmd,
    server_env,
    stop,
)

sys.path.insert(0, str(ROOT))
from tests.e2e.nginx import find_nginx, prepare_nginx

SETUPS = ("direct, 1 process", "nginx, 1 process", "nginx, 2 workers")


def process_tree_cpu(pid: int) -> float:
    """CPU seconds of `pid` and its live children (the workers)."""
    total = 0.0
    for each in [pid, *child_pids(pid)]:
        with contextlib.suppress(OSError):
            total += cpu_seconds(each)
    return total


@contextlib.contextmanager
def nginx_process(binary: str, backend: str, root: Path) -> Iterator[tuple[str, int]]:
    """nginx in front of `backend` (host:port): yields its MCP URL and PID."""
    port, command = prepare_nginx(binary, [backend], root)
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {(root / 'error.log').read_text()[-2000:]}") from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/mcp", proc.pid
    finally:
        stop(proc)


def load(harness: Path, url: str, *, concurrency: int, requests: int, pids: dict[str, int]) -> dict[str, Any]:
    """One mcp_load.py run: its report, plus the CPU per request of the processes in `pids`."""
    before = {role: process_tree_cpu(pid) for role, pid in pids.items()}
    cmd = [
        sys.executable,
        str(harness / "mcp_load.py"),
        url,
        TOOL,
        '{"id": 7}',
        "--concurrency",
        str(concurrency),
        "--requests",
        str(requests),
        "--session",
        "none",
        "--fail-on-tool-error",
        "--max-seconds",
        "600",
        "--json",
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=700, check=False)
    report: dict[str, Any] = json.loads(result.stdout) if result.stdout.strip() else {"requests": 0}
    done = max(1, report.get("requests", 0))
    for role, pid in pids.items():
        report[f"{role}_cpu_ms"] = round((process_tree_cpu(pid) - before[role]) * 1000 / done, 3)
    report["loadgen_cpu_ms"] = round(report.get("loadgen_cpu_s", 0) * 1000 / done, 3)
    report["failed"] = result.returncode != 0
    if report["failed"]:
        print(f"   load run failed: {result.stderr[-1500:]}", file=sys.stderr)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--harness", type=Path, default=HARNESS)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write every run's report here")
    args = parser.parse_args()
    binary = find_nginx()
    if binary is None or not (args.harness / "mcp_load.py").is_file():
        print("needs nginx (apt-get install nginx) and the harness's mcp_load.py (--harness DIR)", file=sys.stderr)
        return 2
    runs: dict[str, list[dict[str, Any]]] = {setup: [] for setup in SETUPS}
    with tempfile.TemporaryDirectory(prefix="scale_bench-") as tmp, contextlib.ExitStack() as stack:
        upstream, _ = stack.enter_context(http_process(self_cmd("upstream")))
        base = f"{upstream}/v1"
        serve = oa2mcp_cmd(PETSTORE, "--transport", "http", "--port", "0", "--stateless", "--base-url", base)
        one_url, one_pid = stack.enter_context(http_process(serve, env=server_env()))
        two_url, two_pid = stack.enter_context(http_process([*serve, "--workers", "2"], env=server_env()))
        proxied = {}
        for name, url in (("one", one_url), ("two", two_url)):
            backend = url.removeprefix("http://").removesuffix("/mcp")
            proxied[name] = stack.enter_context(nginx_process(binary, backend, Path(tmp) / name))
        targets = {
            SETUPS[0]: (one_url, {"server": one_pid}),
            SETUPS[1]: (proxied["one"][0], {"server": one_pid, "nginx": proxied["one"][1]}),
            SETUPS[2]: (proxied["two"][0], {"server": two_pid, "nginx": proxied["two"][1]}),
        }
        for url, pids in targets.values():  # warm-up: connections, the workers' first calls
            load(args.harness, url, concurrency=args.concurrency, requests=args.concurrency * 4, pids=pids)
        for round_no in range(args.rounds):
            order = SETUPS[round_no % len(SETUPS) :] + SETUPS[: round_no % len(SETUPS)]
            for setup in order:
                url, pids = targets[setup]
                report = load(args.harness, url, concurrency=args.concurrency, requests=args.requests, pids=pids)
                runs[setup].append(report)
                latency = report.get("latency_ms", {})
                print(
                    f"round {round_no + 1} {setup:<18} {report.get('throughput_rps')} req/s"
                    f" p50 {latency.get('p50')} ms p99 {latency.get('p99')} ms",
                    file=sys.stderr,
                )
    print(
        f"\noa2mcp serve --stateless, {args.concurrency} concurrent clients, {args.requests} calls per run,"
        f" median of {args.rounds} rounds (cores: {os.cpu_count()})"
    )
    print(
        f"{'set-up':<20} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8}"
        f"  CPU ms/call: {'server':>6} {'nginx':>6} {'loadgen':>7}"
    )
    for setup, reports in runs.items():

        def median(key: str, reports: list[dict[str, Any]] = reports) -> float:
            return statistics.median(r[key] for r in reports)

        def median_latency(key: str, reports: list[dict[str, Any]] = reports) -> float:
            return statistics.median(r["latency_ms"][key] for r in reports)

        nginx_cpu = f"{median('nginx_cpu_ms'):>6.2f}" if "nginx_cpu_ms" in reports[0] else f"{'-':>6}"
        print(
            f"{setup:<20} {median('throughput_rps'):>7.1f} {median_latency('p50'):>8.1f} {median_latency('p99'):>8.1f}"
            f"  {'':>12} {median('server_cpu_ms'):>6.2f} {nginx_cpu} {median('loadgen_cpu_ms'):>7.2f}"
        )
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return 1 if any(report["failed"] for reports in runs.values() for report in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
