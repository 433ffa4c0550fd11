"""The MCP conformance suite's server scenarios against `oa2mcp serve fixtures/petstore-3.0.yaml --transport http`,
stateful, stateless, and stateless with two workers.

Usage:
    source /work/tools/env.sh        # node 24 and `conformance` (@modelcontextprotocol/conformance) on PATH
    python bench/conformance_check.py [--harness DIR] [--spec FILE] [--all]

It runs the harness's `conformance.sh` (`--harness`, default ../shared/harness): by default the scenarios that
apply to any server (initialize, ping, tools/list, several SSE streams, DNS-rebinding protection); `--all`
runs the whole server suite, whose other scenarios call the tools, prompts and resources of the reference
"everything" server and so cannot pass against an OpenAPI proxy. It needs node tools, so it is not part of
the test suite. Prints one line per scenario and mode, then a table; exit status 1 when a scenario failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from serve_bench import HARNESS, PETSTORE, ROOT, http_process, oa2mcp_cmd

MODES = {
    "stateful": (),
    "stateless": ("--stateless",),
    "stateless, 2 workers": ("--stateless", "--workers", "2"),
}
TOTAL = re.compile(r"(\d+) passed, (\d+) failed")


def run_mode(label: str, extra: tuple[str, ...], *, script: Path, spec: Path, everything: bool) -> tuple[int, int]:
    """Serve `spec` with `extra` options and run the conformance script against it: (passed, failed)."""
    cmd = oa2mcp_cmd(spec, "--transport", "http", "--port", "0", *extra)
    with http_process(cmd) as (url, _), tempfile.TemporaryDirectory(prefix="conformance-") as out:
        env = {**os.environ, "CONFORMANCE_OUT": out} | ({"SCENARIOS": "all"} if everything else {})
        result = subprocess.run(
            ["bash", str(script), url], capture_output=True, text=True, env=env, timeout=600, check=False, cwd=ROOT
        )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    for line in lines:
        if not line.startswith("conformance:"):
            print(f"  [{label}] {line}")
    match = TOTAL.search(lines[-1] if lines else "")
    if match is None:
        print(f"  [{label}] no result line; stderr:\n{result.stderr[-2000:]}", file=sys.stderr)
        return 0, 1
    return int(match.group(1)), int(match.group(2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--harness", type=Path, default=HARNESS, help="the harness directory (conformance.sh)")
    parser.add_argument("--spec", type=Path, default=PETSTORE, help="the spec to serve")
    parser.add_argument("--all", action="store_true", help="the whole server suite, not the generic scenarios")
    args = parser.parse_args()
    script = args.harness / "conformance.sh"
    if not script.is_file():
        print(f"{script}: not found (--harness DIR)", file=sys.stderr)
        return 2
    if shutil.which(os.environ.get("CONFORMANCE", "conformance")) is None:
        print("`conformance` is not on PATH: source the harness tools' env.sh first", file=sys.stderr)
        return 2
    totals = {}
    for label, extra in MODES.items():
        totals[label] = run_mode(label, extra, script=script, spec=args.spec, everything=args.all)
    print(f"\n{'mode':<22} {'passed':>6} {'failed':>6}")
    for label, (passed, failed) in totals.items():
        print(f"{label:<22} {passed:>6} {failed:>6}")
    failed = sum(failed for _, failed in totals.values())
    print(f"conformance: {sum(passed for passed, _ in totals.values())} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
