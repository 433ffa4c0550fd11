"""Run `oa2mcp inspect --json` over a list of real-world specs and check every tool it prints.

Usage:
    python bench/corpus_check.py CORPUS_DIR [--list FILE] [--extra PATH ...] [--jobs N] [--timeout S] [--json OUT]

For each spec this runs `python -m converter inspect --json SPEC` in a child process (wall time and the
child's own peak RSS from `os.wait4`), then checks the output: exit code 0, JSON on stdout, no traceback
on stderr, MCP-valid unique tool names, object-rooted input/output schemas that are valid JSON Schema
2020-12 with resolvable `$ref`s, a validator that compiles, and a binding whose args match the input
schema's properties. Invalid regex `pattern`s are counted, not failed. Exit 1 if any spec failed.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import referencing.exceptions
import yaml
from referencing.jsonschema import DRAFT202012

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LIST = PROJECT_ROOT / ".." / "shared" / "harness" / "dev_sample.txt"
TIME_BIN = next((t for t in ("/usr/bin/time", shutil.which("gtime")) if t and os.access(t, os.X_OK)), None)
TOOL_NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
PATH_PARAM_RE = re.compile(r"\{([^{}]+)\}")
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})
SEVERITIES = ("error", "warning", "info")
MAX_FAILURES_KEPT = 25

# Keywords whose value is one subschema / a list of subschemas / a map of name -> subschema (2020-12,
# plus the older `definitions`/`dependencies`/array-`items` spellings so nothing slips past the walk).
SCHEMA_KEYWORDS = (
    "additionalProperties",
    "unevaluatedProperties",
    "unevaluatedItems",
    "items",
    "additionalItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "contentSchema",
)
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies")

METASCHEMA_VALIDATOR = jsonschema.Draft202012Validator(
    jsonschema.Draft202012Validator.META_SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)


# --------------------------------------------------------------------------------------------------
# Running the converter


def run_inspect(spec: Path, *, timeout: float) -> dict[str, Any]:
    """Run `inspect --json` on one spec; return exit code, output, wall time, peak RSS and CPU time."""
    command = [sys.executable, "-m", "converter", "inspect", "--json", str(spec)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile() as usage_file:
        if TIME_BIN:
            # The child of a fork inherits its parent's peak RSS, and a worker that just parsed GitHub's output
            # is big; /usr/bin/time is tiny, so the RSS it reports is the converter's own.
            command = [TIME_BIN, "-q", "-f", "%M %U %S", "-o", usage_file.name, *command]
        start = time.perf_counter()
        # Own session, so a timeout can stop the child and anything it started, and nothing else.
        proc = subprocess.Popen(
            command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=PROJECT_ROOT, start_new_session=True
        )
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            # wait4 gives this child's own rusage; RUSAGE_CHILDREN would mix in the other workers' children.
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
        stderr = err.read().decode("utf-8", errors="replace")
        rss_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
        cpu = usage.ru_utime + usage.ru_stime
        measured = Path(usage_file.name).read_text(encoding="utf-8").split() if TIME_BIN else []
        if len(measured) >= 3:
            rss_kb, cpu = int(measured[-3]), float(measured[-2]) + float(measured[-1])
    exit_code = proc.returncode
    if TIME_BIN and exit_code > 128:
        exit_code = -(exit_code - 128)  # /usr/bin/time reports a signal as 128+N
    return {
        "exit_code": exit_code,
        "timed_out": timed_out.is_set(),
        "stdout": stdout,
        "stderr": stderr,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "rss_mb": round(rss_kb / 1024, 1),
    }


def count_operations(spec: Path) -> int | None:
    """Operations under `paths` (None if the file cannot be read here)."""
    try:
        text = spec.read_text(encoding="utf-8")
        if spec.suffix.lower() in {".yaml", ".yml"}:
            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            doc = yaml.load(text, Loader=loader)
        else:
            doc = json.loads(text)
    except (OSError, ValueError, yaml.YAMLError):
        return None
    paths = doc.get("paths") if isinstance(doc, dict) else None
    if not isinstance(paths, dict):
        return 0
    count = 0
    for item in paths.values():
        if isinstance(item, dict) and isinstance(item.get("$ref"), str) and item["$ref"].startswith("#/"):
            item = resolve_local(doc, item["$ref"])  # noqa: PLW2901 - a path item may be a local $ref
        if isinstance(item, dict):
            count += sum(1 for method in item if str(method).lower() in HTTP_METHODS)
    return count


def resolve_local(doc: Any, ref: str) -> Any:
    """Follow a `#/...` JSON pointer inside `doc` (None if it leads nowhere)."""
    node = doc
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")  # noqa: PLW2901
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


# --------------------------------------------------------------------------------------------------
# Checking one tool


def pointer_token(token: str | int) -> str:
    """Escape one JSON pointer token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def iter_subschemas(schema: dict[str, Any], pointer: str) -> Iterator[tuple[str, Any]]:
    """The direct subschemas of `schema` with their pointers (only schema positions, never enum/const data)."""
    for key in SCHEMA_KEYWORDS:
        value = schema.get(key)
        if isinstance(value, dict | bool):
            yield f"{pointer}/{pointer_token(key)}", value
    for key in SCHEMA_LIST_KEYWORDS:
        value = schema.get(key)
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield f"{pointer}/{pointer_token(key)}/{index}", item
    for key in SCHEMA_MAP_KEYWORDS:
        value = schema.get(key)
        if isinstance(value, dict):
            for name, item in value.items():
                if isinstance(item, dict | bool):  # `dependencies` may also hold arrays of names
                    yield f"{pointer}/{pointer_token(key)}/{pointer_token(name)}", item


def walk_schema(schema: Any, *, where: str, failures: list[dict[str, str]], bad_patterns: list[dict[str, str]]) -> None:
    """Resolve every `$ref`/`$dynamicRef` in `schema` and compile every `pattern` (iterative: no recursion limit)."""
    try:
        root = DRAFT202012.create_resource(schema)
        registry: referencing.Registry[Any] = referencing.Registry().with_resource("urn:oa2mcp:root", root)
        resolver = registry.resolver(base_uri="urn:oa2mcp:root")
    except (referencing.exceptions.Unresolvable, TypeError, ValueError) as err:
        failures.append({"kind": "ref_registry", "where": where, "detail": repr(err)[:300]})
        return
    stack: list[tuple[Any, str, Any]] = [(schema, "", resolver)]
    seen = 0
    while stack:
        node, pointer, parent_resolver = stack.pop()
        seen += 1
        if not isinstance(node, dict):
            continue
        node_resolver = parent_resolver.in_subresource(DRAFT202012.create_resource(node)) if pointer else resolver
        for keyword in ("$ref", "$dynamicRef"):
            ref = node.get(keyword)
            if isinstance(ref, str):
                try:
                    node_resolver.lookup(ref)
                except referencing.exceptions.Unresolvable as err:
                    failures.append(
                        {
                            "kind": "ref_unresolved",
                            "where": f"{where}{pointer}/{keyword}",
                            "detail": f"{ref!r} does not resolve ({type(err).__name__})",
                        }
                    )
        patterns = [(f"{pointer}/pattern", node.get("pattern"))]
        pattern_properties = node.get("patternProperties")
        if isinstance(pattern_properties, dict):
            patterns += [(f"{pointer}/patternProperties/{pointer_token(p)}", p) for p in pattern_properties]
        for at, pattern in patterns:
            if isinstance(pattern, str):
                try:
                    re.compile(pattern)
                except re.error as err:
                    bad_patterns.append({"where": f"{where}{at}", "pattern": pattern[:200], "detail": str(err)})
        stack.extend((child, child_pointer, node_resolver) for child_pointer, child in iter_subschemas(node, pointer))


def check_schema(
    schema: Any, *, label: str, tool: str, failures: list[dict[str, str]], bad_patterns: list[dict[str, str]]
) -> None:
    """Root type object, 2020-12 metaschema, `$ref`s resolve, a validator compiles and accepts/rejects `{}`."""
    where = f"{tool}:{label}"
    if not isinstance(schema, dict):
        failures.append({"kind": "schema_not_object", "where": where, "detail": f"{label} is {type(schema).__name__}"})
        return
    if schema.get("type") != "object":
        failures.append({"kind": "root_type", "where": where, "detail": f"root type is {schema.get('type')!r}"})
    for error in METASCHEMA_VALIDATOR.iter_errors(schema):
        if error.validator == "format" and error.validator_value == "regex":
            continue  # reported by walk_schema as a bad pattern
        failures.append(
            {
                "kind": "metaschema",
                "where": f"{where}/{'/'.join(pointer_token(p) for p in error.absolute_path)}",
                "detail": error.message[:300],
            }
        )
        break  # the first is enough; the rest usually repeat it
    walk_schema(schema, where=where, failures=failures, bad_patterns=bad_patterns)
    if label != "inputSchema":
        return
    try:
        validator = jsonschema.Draft202012Validator(schema)
        for _ in validator.iter_errors({}):
            pass
    except re.error as err:
        bad_patterns.append({"where": where, "pattern": str(getattr(err, "pattern", ""))[:200], "detail": str(err)})
    except Exception as err:  # any crash of the validator is the finding
        failures.append({"kind": "validate_crash", "where": where, "detail": f"{type(err).__name__}: {err}"[:300]})


def check_binding(tool: dict[str, Any], *, failures: list[dict[str, str]], notes: list[dict[str, str]]) -> None:
    """Path starts with `/`; binding args and inputSchema properties are the same set; path params are bound."""
    name = str(tool.get("name"))
    binding = tool.get("binding")
    if not isinstance(binding, dict):
        failures.append({"kind": "binding_missing", "where": name, "detail": "no binding object"})
        return
    path = binding.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        failures.append({"kind": "binding_path", "where": f"{name}:binding/path", "detail": f"path is {path!r}"})
    args = [a.get("arg") for a in binding.get("args", []) if isinstance(a, dict)]
    schema = tool.get("inputSchema")
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    props = set(properties) if isinstance(properties, dict) else set()
    duplicated = sorted({str(a) for a in args if args.count(a) > 1})
    if duplicated:
        failures.append({"kind": "binding_dup_arg", "where": f"{name}:binding/args", "detail": f"{duplicated}"})
    if missing := sorted(str(a) for a in set(args) - props):
        failures.append({"kind": "arg_not_property", "where": f"{name}:binding/args", "detail": f"{missing[:10]}"})
    shaping = tool.get("response")
    fields_arg = shaping.get("fieldsArg") if isinstance(shaping, dict) else None  # read by the runtime, never sent
    if extra := sorted(props - set(args) - {fields_arg}):
        failures.append({"kind": "property_not_arg", "where": f"{name}:inputSchema", "detail": f"{extra[:10]}"})
    required = schema.get("required", []) if isinstance(schema, dict) else []
    if isinstance(required, list) and (unknown := sorted(str(r) for r in set(required) - props)):
        notes.append({"kind": "required_not_property", "where": f"{name}:inputSchema/required", "detail": f"{unknown}"})
    if isinstance(path, str):
        bound = {a.get("name") for a in binding.get("args", []) if isinstance(a, dict) and a.get("in") == "path"}
        if "?" in path:  # a query string in the path key: its placeholders get path-style encoding
            notes.append({"kind": "query_in_path", "where": f"{name}:binding/path", "detail": path[:200]})
        if unbound := sorted(set(PATH_PARAM_RE.findall(path)) - bound):
            notes.append({"kind": "path_param_unbound", "where": f"{name}:binding/path", "detail": f"{unbound}"})


# --------------------------------------------------------------------------------------------------
# Checking one spec


def check_spec(corpus: str, spec: str, timeout: float) -> dict[str, Any]:
    """Everything known about one spec: run facts, counts, failures, bad patterns, notes."""
    path = Path(spec) if os.path.isabs(spec) else Path(corpus) / spec
    record: dict[str, Any] = {"spec": spec, "ops": count_operations(path)}
    run = run_inspect(path, timeout=timeout)
    record.update({k: run[k] for k in ("exit_code", "timed_out", "seconds", "cpu_seconds", "rss_mb")})
    failures: list[dict[str, str]] = []
    bad_patterns: list[dict[str, str]] = []
    notes: list[dict[str, str]] = []
    record["tools"] = 0
    record["diagnostics"] = dict.fromkeys(SEVERITIES, 0)
    record["diagnostic_list"] = []
    stderr = run["stderr"]
    if run["timed_out"]:
        failures.append({"kind": "timeout", "where": spec, "detail": f"killed after {timeout:g}s"})
    elif run["exit_code"] != 0:
        failures.append({"kind": "exit_code", "where": spec, "detail": f"exit {run['exit_code']}: {stderr[-300:]}"})
    if "Traceback (most recent call last)" in stderr:
        failures.append({"kind": "traceback", "where": spec, "detail": stderr.strip().splitlines()[-1][:300]})
    record["stderr_tail"] = stderr[-2000:]
    data: Any = None
    if run["stdout"].strip():
        try:
            data = json.loads(run["stdout"])
        except ValueError as err:
            failures.append({"kind": "stdout_json", "where": spec, "detail": str(err)[:300]})
    elif not run["timed_out"] and run["exit_code"] == 0:
        failures.append({"kind": "stdout_json", "where": spec, "detail": "empty stdout"})
    if isinstance(data, dict):
        check_output(data, record=record, failures=failures, bad_patterns=bad_patterns, notes=notes)
    elif data is not None:
        failures.append({"kind": "stdout_shape", "where": spec, "detail": f"top level is {type(data).__name__}"})
    record["failure_count"] = len(failures)
    record["failure_kinds"] = dict(collections.Counter(f["kind"] for f in failures))
    record["failures"] = failures[:MAX_FAILURES_KEPT]
    record["bad_pattern_count"] = len(bad_patterns)
    record["bad_patterns"] = bad_patterns[:MAX_FAILURES_KEPT]
    record["note_count"] = len(notes)
    record["notes"] = notes[:MAX_FAILURES_KEPT]
    record["ok"] = not failures
    return record


def check_output(
    data: dict[str, Any],
    *,
    record: dict[str, Any],
    failures: list[dict[str, str]],
    bad_patterns: list[dict[str, str]],
    notes: list[dict[str, str]],
) -> None:
    """Check the `{"tools": [...], "diagnostics": [...]}` document."""
    tools = data.get("tools")
    diagnostics = data.get("diagnostics")
    if not isinstance(tools, list) or not isinstance(diagnostics, list):
        failures.append({"kind": "stdout_shape", "where": record["spec"], "detail": "missing tools/diagnostics list"})
        return
    record["tools"] = len(tools)
    for diag in diagnostics:
        severity = diag.get("severity", "?") if isinstance(diag, dict) else "?"
        record["diagnostics"][severity] = record["diagnostics"].get(severity, 0) + 1
    record["diagnostic_list"] = diagnostics
    names = collections.Counter(t.get("name") for t in tools if isinstance(t, dict))
    for name, count in names.items():
        if not isinstance(name, str) or not TOOL_NAME_RE.match(name):
            failures.append({"kind": "tool_name", "where": str(name), "detail": f"invalid tool name {name!r}"})
        if count > 1:
            failures.append({"kind": "tool_name_dup", "where": str(name), "detail": f"{count} tools named {name!r}"})
    for tool in tools:
        if not isinstance(tool, dict):
            failures.append({"kind": "tool_shape", "where": record["spec"], "detail": "tool is not an object"})
            continue
        name = str(tool.get("name"))
        check_schema(
            tool.get("inputSchema"), label="inputSchema", tool=name, failures=failures, bad_patterns=bad_patterns
        )
        if "outputSchema" in tool:
            check_schema(
                tool["outputSchema"], label="outputSchema", tool=name, failures=failures, bad_patterns=bad_patterns
            )
        check_binding(tool, failures=failures, notes=notes)
    if record["ops"] is not None and record["ops"] != len(tools):
        notes.append(
            {
                "kind": "ops_vs_tools",
                "where": record["spec"],
                "detail": f"{record['ops']} operations, {len(tools)} tools",
            }
        )


# --------------------------------------------------------------------------------------------------
# Reporting


def normalize_message(message: str) -> str:
    """Fold the variable parts of a diagnostic message so equal kinds count together."""
    message = re.sub(r"'[^']*'", "'…'", message)
    message = re.sub(r'"[^"]*"', '"…"', message)
    message = re.sub(r"#/[^\s,;)]*", "#/…", message)
    message = re.sub(r"\b[a-z]+/[\w.+*-]+", "<mime>", message)  # content types: one row per message shape
    message = re.sub(r"<mime>(, <mime>)+", "<mime>", message)
    message = re.sub(r"\b\d+\b", "N", message)
    return message[:160]


def format_line(record: dict[str, Any]) -> str:
    """One line per spec."""
    diags = record["diagnostics"]
    reason = ""
    if record["failures"]:
        first = record["failures"][0]
        reason = f"  [{first['kind']}] {first['where']}: {first['detail']}".replace("\n", " ")[:240]
    extra = f" bad_patterns={record['bad_pattern_count']}" if record["bad_pattern_count"] else ""
    return (
        f"{'OK  ' if record['ok'] else 'FAIL'} {record['spec']}  ops={record['ops']} tools={record['tools']} "
        f"diag=E{diags.get('error', 0)}/W{diags.get('warning', 0)}/I{diags.get('info', 0)}{extra}  "
        f"{record['seconds']:.1f}s {record['rss_mb']:.0f}MB{reason}"
    )


def print_summary(records: list[dict[str, Any]], *, top: int) -> None:
    """Totals, failure kinds, slowest specs, most frequent diagnostic messages."""
    ok = sum(r["ok"] for r in records)
    severities: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    messages: collections.Counter[tuple[str, str]] = collections.Counter()
    for r in records:
        severities.update(r["diagnostics"])
        kinds.update(r["failure_kinds"])
        messages.update(
            (d.get("severity", "?"), normalize_message(str(d.get("message", ""))))
            for d in r["diagnostic_list"]
            if isinstance(d, dict)
        )
    print()
    print(f"specs: {len(records)}  ok: {ok}  failed: {len(records) - ok}")
    print(f"tools: {sum(r['tools'] for r in records)}  operations: {sum(r['ops'] or 0 for r in records)}")
    print("diagnostics: " + "  ".join(f"{s}={severities.get(s, 0)}" for s in SEVERITIES))
    for key, label in (("bad_pattern_count", "bad patterns"), ("note_count", "notes")):
        print(f"{label}: {sum(r[key] for r in records)} in {sum(1 for r in records if r[key])} specs")
    if kinds:
        print("failure kinds: " + ", ".join(f"{k}={n}" for k, n in kinds.most_common()))
    note_kinds = collections.Counter(n["kind"] for r in records for n in r["notes"])
    if note_kinds:
        print("note kinds (first 25 per spec): " + ", ".join(f"{k}={n}" for k, n in note_kinds.most_common()))
    print("slowest:")
    for r in sorted(records, key=lambda r: r["seconds"], reverse=True)[:5]:
        print(f"  {r['seconds']:7.1f}s {r['rss_mb']:6.0f}MB  ops={r['ops']} tools={r['tools']}  {r['spec']}")
    if top:
        print(f"top {top} diagnostic messages:")
        for (severity, message), count in messages.most_common(top):
            print(f"  {count:6d} {severity:7s} {message}")


def read_list(list_file: Path) -> list[str]:
    """Spec paths from a list file: one per line, `#` starts a comment."""
    specs = []
    for line in list_file.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            specs.append(entry)
    return specs


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, check every spec in parallel, print lines and a summary; 1 if anything failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="directory the list's paths are relative to")
    parser.add_argument("--list", type=Path, default=DEFAULT_LIST, help="spec list (default: the dev sample)")
    parser.add_argument("--no-list", action="store_true", help="check only the --extra specs")
    parser.add_argument(
        "--extra", nargs="+", default=[], metavar="PATH", help="more specs (absolute or corpus-relative)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per spec (default 120)")
    parser.add_argument("--json", type=Path, dest="json_out", help="write all records to this file")
    parser.add_argument("--top-diagnostics", type=int, default=10, help="how many frequent messages to print")
    args = parser.parse_args(argv)

    specs = [] if args.no_list else read_list(args.list)
    specs += [e for e in args.extra if e not in specs]
    corpus = str(args.corpus.resolve())
    records: list[dict[str, Any]] = []
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(check_spec, corpus, spec, args.timeout): spec for spec in specs}
        for future in as_completed(futures):
            record = future.result()
            records.append(record)
            print(format_line(record), flush=True)
    order = {spec: i for i, spec in enumerate(specs)}
    records.sort(key=lambda r: order[r["spec"]])
    print_summary(records, top=args.top_diagnostics)
    print(f"elapsed: {time.perf_counter() - start:.1f}s with --jobs {args.jobs}")
    if args.json_out:
        args.json_out.write_text(json.dumps(records, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0 if all(r["ok"] for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
