"""Time `apply_overlay` on a big spec against a full `copy.deepcopy` of it.

Usage: python bench/overlay_bench.py SPEC [--runs N] [--updates N]

The overlay is shaped like fixtures/overlays/petstore-3.0.overlay.yaml, scaled up: N description rewrites
that find their operation by operationId (`$.paths.*[?@.operationId == '…']`, which scans every path item),
the same N by direct path (`$.paths['/x'].get`), one `x-mcp: false` and one removed path. Prints the median
wall time of each, after a first run that pays for the JSONPath library's import.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from collections.abc import Callable
from typing import Any

from converter.loader import load_document
from converter.overlay import apply_overlay

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def build_overlays(document: dict[str, Any], count: int) -> dict[str, dict[str, Any]]:
    """Two overlays with the same edits: targets found by filter, and targets spelled out."""
    operations = [
        (path, method, operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS and isinstance(operation, dict) and "operationId" in operation
    ][: count + 2]
    *rewritten, (hidden_path, hidden_method, _), (removed_path, _, _) = operations

    def overlay(by_filter: bool) -> dict[str, Any]:
        actions: list[dict[str, Any]] = [
            {
                "target": f"$.paths.*[?@.operationId == '{op_id}']" if by_filter else f"$.paths['{path}'].{method}",
                "update": {"description": f"Rewritten description of {op_id}."},
            }
            for path, method, op_id in rewritten
        ]
        actions.append({"target": f"$.paths['{hidden_path}'].{hidden_method}", "update": {"x-mcp": False}})
        actions.append({"target": f"$.paths['{removed_path}']", "remove": True})
        return {"overlay": "1.0.0", "info": {"title": "bench", "version": "1"}, "actions": actions}

    return {"filter targets": overlay(True), "direct targets": overlay(False)}


def median_seconds(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--updates", type=int, default=20)
    args = parser.parse_args()

    start = time.perf_counter()
    document = load_document(args.spec).data
    print(f"load: {time.perf_counter() - start:.3f} s")
    overlays = build_overlays(document, args.updates)
    start = time.perf_counter()
    apply_overlay(document, overlays["direct targets"], overlay_uri="bench")
    print(f"first apply (imports jsonpath_rfc9535): {time.perf_counter() - start:.3f} s")
    for name, overlay in overlays.items():
        _, diagnostics = apply_overlay(document, overlay, overlay_uri="bench")
        assert not diagnostics, diagnostics
        seconds = median_seconds(lambda o=overlay: apply_overlay(document, o, overlay_uri="bench"), args.runs)
        print(f"apply_overlay, {len(overlay['actions'])} actions, {name}: {seconds * 1000:.1f} ms")
    print(f"copy.deepcopy of the whole document: {median_seconds(lambda: copy.deepcopy(document), 3):.3f} s")


if __name__ == "__main__":
    main()
