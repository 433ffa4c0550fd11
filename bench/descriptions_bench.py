"""How much the tool descriptions say, and in how many characters, compared with the spec's own text.

Usage: python bench/descriptions_bench.py [--corpus DIR] [--spec PATH ...] [--limit N] [--show N]

For every operation of each spec (default: GitHub's, under --corpus) this reports the characters of the raw
`description` fields, of the raw summary + description, and of the rewritten tool descriptions; how many tools
start with their summary; how many documented 4xx/5xx statuses the `Errors:` lines name; whether every required
parameter is required in the inputSchema; how many descriptions were cut to the budget; the argument
descriptions' characters before and after; and the time spent building descriptions. `--show N` prints N
rewritten descriptions next to their source.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

from converter import describe
from converter.describe import plain_text
from converter.loader import load_document
from converter.model import ApiModel, Operation
from converter.parser import parse_api
from converter.selector import Budgets, select_tools
from converter.tools import ArgLocation, Tool

DEFAULT_SPEC = "octokit-openapi/generated/api.github.com.json"
ERROR_STATUS_RE = re.compile(r"\b[45](?:\d\d|XX)\b")
SPACES_RE = re.compile(r"\s+")


def _comparable(text: str) -> str:
    return SPACES_RE.sub(" ", text).casefold().strip().rstrip(".!?… ")


def _starts_with_summary(operation: Operation, description: str) -> bool:
    summary = _comparable(plain_text(operation.summary))
    text = _comparable(description.removeprefix("Deprecated. "))
    return text.startswith(summary)


def _error_statuses(operation: Operation) -> set[str]:
    return {r.status.upper() for r in operation.responses if r.status[:1] in "45"}


def _named_errors(description: str) -> set[str]:
    errors = next((line for line in description.split("\n") if line.startswith("Errors: ")), "")
    return set(ERROR_STATUS_RE.findall(errors))


def _argument_chars(operation: Operation, tool: Tool) -> tuple[int, int, int]:
    """(raw, rewritten) characters of the parameters' descriptions, and rewritten of all arguments."""
    params = {(p.location.value, p.name): p for p in operation.parameters}
    properties = tool.input_schema.get("properties", {})
    raw = rewritten = every = 0
    for arg in tool.binding.args:
        text = properties.get(arg.arg, {}).get("description", "")
        every += len(text)
        param = params.get((arg.location.value, arg.wire_name))
        if arg.location is not ArgLocation.BODY and param is not None:
            source = param.description or param.schema.get("description") or ""
            raw += len(source) if isinstance(source, str) else 0
            rewritten += len(text)
    return raw, rewritten, every


def _required_kept(operation: Operation, tool: Tool) -> tuple[int, int]:
    """(documented, in the inputSchema's `required`) counts of the operation's required parameters."""
    required = set(tool.input_schema.get("required", []))
    args = {(a.location.value, a.wire_name): a.arg for a in tool.binding.args}
    wanted = [p for p in operation.parameters if p.required]
    return len(wanted), sum(args.get((p.location.value, p.name)) in required for p in wanted)


def _describe_seconds(api: ApiModel, budgets: Budgets) -> float:
    """Best of three runs of `describe_operation` over every operation, its caches emptied before each."""
    caches = [getattr(describe, name) for name in dir(describe) if hasattr(getattr(describe, name), "cache_clear")]
    best = float("inf")
    for _ in range(3):
        for cache in caches:
            cache.cache_clear()
        start = time.perf_counter()
        for op in api.operations:
            describe.describe_operation(
                summary=op.summary,
                description=op.description,
                deprecated=op.deprecated,
                limit=budgets.description_chars,
                responses=op.responses,
            )
        best = min(best, time.perf_counter() - start)
    return best


def report(spec: Path, *, budgets: Budgets, show: int) -> None:
    """Print the numbers for one spec."""
    api = parse_api(load_document(str(spec)))
    tools = select_tools(api, budgets=budgets).tools
    pairs = list(zip(api.operations, tools, strict=True))
    count = len(pairs) or 1
    raw = sum(len(op.description) for op, _ in pairs)
    raw_both = sum(len(op.summary) + len(op.description) for op, _ in pairs)
    ours = sum(len(tool.description) for _, tool in pairs)
    with_summary = [(op, tool) for op, tool in pairs if op.summary.strip()]
    kept = sum(_starts_with_summary(op, tool.description) for op, tool in with_summary)
    documented = sum(len(_error_statuses(op)) for op, _ in pairs)
    named = sum(len(_error_statuses(op) & _named_errors(tool.description)) for op, tool in pairs)
    with_errors = sum(bool(_error_statuses(op)) for op, _ in pairs)
    with_line = sum("\nErrors: " in f"\n{tool.description}" for _, tool in pairs)
    returns = sum("\nReturns: " in f"\n{tool.description}" for _, tool in pairs)
    cut = sum("…" in tool.description and "…" not in op.description for op, tool in pairs)
    args = [_argument_chars(op, tool) for op, tool in pairs]
    required = [_required_kept(op, tool) for op, tool in pairs]
    seconds = _describe_seconds(api, budgets)

    print(f"{spec.name}: {len(pairs)} operations, budget {budgets.description_chars} characters")
    print(f"  raw description          {raw:>9,} chars  avg {raw / count:7.1f}")
    print(f"  raw summary+description  {raw_both:>9,} chars  avg {raw_both / count:7.1f}")
    print(
        f"  tool descriptions        {ours:>9,} chars  avg {ours / count:7.1f}  ({ours / (raw or 1) - 1:+.1%} vs raw)"
    )
    print(f"  start with the summary   {kept:>9,} of {len(with_summary):,} tools that have one")
    print(f"  error statuses named     {named:>9,} of {documented:,} documented 4xx/5xx ({with_errors:,} operations)")
    wanted, kept_required = (sum(column) for column in zip(*required, strict=True)) if required else (0, 0)
    print(f"  required parameters      {kept_required:>9,} of {wanted:,} required in the inputSchema")
    print(f"  with an Errors: line     {with_line:>9,}   with a Returns: line {returns:,}")
    print(f"  cut to the budget        {cut:>9,}")
    param_raw, param_ours, every = (sum(column) for column in zip(*args, strict=True)) if args else (0, 0, 0)
    print(f"  parameter descriptions   {param_raw:>9,} → {param_ours:,} chars (all arguments: {every:,})")
    print(f"  describe_operation time  {seconds * 1000:>9.1f} ms (all operations, best of 3)")
    for op, tool in random.Random(0).sample(pairs, min(show, len(pairs))):
        print(f"\n--- {op.key}\n[summary] {op.summary}\n[description] {op.description}\n[tool]\n{tool.description}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus"), help="where the corpus is unpacked")
    parser.add_argument("--spec", type=Path, action="append", help=f"spec file (default: CORPUS/{DEFAULT_SPEC})")
    parser.add_argument("--limit", type=int, default=Budgets().description_chars, help="description budget")
    parser.add_argument("--show", type=int, default=0, help="print this many sample descriptions")
    args = parser.parse_args()
    budgets = Budgets(description_chars=args.limit)
    for spec in args.spec or [args.corpus / DEFAULT_SPEC]:
        report(spec, budgets=budgets, show=args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
