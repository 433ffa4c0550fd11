"""Time and peak RSS of `oa2mcp generate`, and the import time of what it generates.

Usage:
    python bench/generate_bench.py [--runs N] [--skip-whole]

Cases (targets from the generate issue, on a 2-core machine):
  1. GitHub's spec with the issue-triage config (fixtures/configs/github-issue-triage.yaml): <= 10 s.
  2. GitHub's whole spec (fixtures/github/api.github.com.json.gz, 1,223 tools): <= 60 s.
Each run is a fresh `python -m converter generate ... -o TMP` process (wall time, and peak RSS from
wait4's ru_maxrss); then the generated package is imported in fresh processes: `PKG.main` (what starting the
server imports; it does not import the models) and `PKG.models` (pydantic models, for code that calls tools).
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CASES = [
    (
        "github issue triage (13 tools)",
        ["--config", str(FIXTURES / "configs" / "github-issue-triage.yaml"), "--name", "github_triage_mcp"],
        "github_triage_mcp",
        10.0,
    ),
    ("github whole spec (1,223 tools)", [str(FIXTURES / "github" / "api.github.com.json.gz")], None, 60.0),
]


def timed(cmd: list[str], **kwargs: object) -> tuple[float, float]:
    """(wall seconds, peak RSS MB) of one child process; raises when it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)  # type: ignore[call-overload]
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if status != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {stderr[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def package_of(out: Path) -> str:
    return next(p.parent.name for p in out.glob("*/main.py"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-whole", action="store_true", help="only the issue-triage case")
    args = parser.parse_args()
    ok = True
    for label, extra, _, target in CASES if not args.skip_whole else CASES[:1]:
        walls, peaks = [], []
        with tempfile.TemporaryDirectory() as tmp:
            for run in range(args.runs):
                out = Path(tmp) / f"out{run}"
                wall, peak = timed([sys.executable, "-m", "converter", "generate", *extra, "-o", str(out)], cwd=ROOT)
                walls.append(wall)
                peaks.append(peak)
            package = package_of(out)
            imports = {}
            for module in ("main", "models"):
                code = f"import {package}.{module}"
                samples = [timed([sys.executable, "-c", code], cwd=out)[0] for _ in range(args.runs)]
                imports[module] = statistics.median(samples)
            lines = sum(1 for _ in (out / package / "models.py").open(encoding="utf-8"))
        median = statistics.median(walls)
        verdict = "ok" if median <= target else "MISSED"
        ok &= median <= target
        print(
            f"{label}: generate median {median:.2f} s (runs {', '.join(f'{w:.2f}' for w in walls)}; <= {target:.0f} s:"
            f" {verdict}), peak RSS {max(peaks):.0f} MB; import {package}.main {imports['main']:.2f} s,"
            f" .models {imports['models']:.2f} s ({lines:,} lines)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
