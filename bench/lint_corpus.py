"""Run the poisoned-text linter (`converter.lint.lint_document`) over every spec in a corpus.

Usage: python bench/lint_corpus.py --corpus CORPUS_DIR [--jobs N] [--quiet]

Walks CORPUS_DIR for *.json / *.yaml / *.yml files, loads each with `converter.loader.load_document`,
keeps the OpenAPI/Swagger documents (a top-level `openapi` or `swagger` key), lints them and prints
every finding, then the counts per rule, the files that could not be loaded, and the lint time (total,
and the slowest specs; loading is not counted). Findings are advice, not failures: the exit code is 0.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from converter.errors import ConverterError
from converter.lint import Rule, lint_document
from converter.loader import load_document

SKIP_DIRS = frozenset({"node_modules", ".git"})
SLOWEST_SHOWN = 5


def spec_files(root: Path) -> list[Path]:
    """Every JSON/YAML file under root, in a stable order."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        found.extend(Path(folder) / name for name in sorted(files) if name.endswith((".json", ".yaml", ".yml")))
    return found


def lint_file(path: Path, root: Path) -> tuple[str, str, list[str], float]:
    """(display name, status, diagnostic lines, lint seconds); status is "spec", "other" or an error."""
    display = str(path.relative_to(root))
    try:
        document = load_document(str(path)).data
    except ConverterError as err:
        return display, f"load error: {err.message}", [], 0.0
    if not isinstance(document, dict) or not ("openapi" in document or "swagger" in document):
        return display, "other", [], 0.0
    start = time.perf_counter()
    diagnostics = lint_document(document, uri=display)
    elapsed = time.perf_counter() - start
    return display, "spec", [f"{d.location}: {d.message}" for d in diagnostics], elapsed


def main(argv: list[str] | None = None) -> int:
    """Lint the corpus and print the report."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="directory to walk for specs")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all)")
    parser.add_argument("--quiet", action="store_true", help="print the counts only, not each finding")
    args = parser.parse_args(argv)
    root: Path = args.corpus.resolve()
    paths = spec_files(root)

    per_rule: collections.Counter[str] = collections.Counter()
    statuses: collections.Counter[str] = collections.Counter()
    errors: list[str] = []
    times: list[tuple[float, str]] = []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for display, status, lines, elapsed in pool.map(lint_file, paths, [root] * len(paths), chunksize=8):
            statuses["spec" if status == "spec" else "other" if status == "other" else "error"] += 1
            if status.startswith("load error"):
                errors.append(f"{display}: {status}")
            if status != "spec":
                continue
            times.append((elapsed, display))
            for line in lines:
                per_rule[line.split(": ", 2)[1]] += 1
                if not args.quiet:
                    print(line)

    other, unreadable = statuses["other"], statuses["error"]
    print(f"\n{len(paths)} files: {statuses['spec']} specs, {other} other JSON/YAML, {unreadable} unreadable")
    for error in errors:
        print(f"  {error}")
    print(f"{sum(per_rule.values())} findings")
    for rule in Rule:
        print(f"  {rule.value:22} {per_rule[rule.value]}")
    total = sum(elapsed for elapsed, _ in times)
    print(f"lint time: {total:.2f} s over {len(times)} specs (loading not counted); slowest:")
    for elapsed, display in sorted(times, reverse=True)[:SLOWEST_SHOWN]:
        print(f"  {elapsed * 1000:7.1f} ms  {display}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
