"""Tool arguments checked against the tool's inputSchema, with errors a model can act on."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend

MAX_PROBLEMS = 20

# ECMA-262 pattern syntax Python's `re` lacks, rewritten to the nearest Python equivalent.
_ECMA_REWRITES = (
    (re.compile(r"\\p\{L[a-z]?\}|\\p\{Letter\}|\\p\{Alpha\}"), "[^\\W\\d_]"),
    (re.compile(r"\\p\{N[a-z]?\}|\\p\{Digit\}"), "\\d"),
    (re.compile(r"\\z"), "\\Z"),
)


def _compile_pattern(pattern: str) -> re.Pattern[str] | None:
    for candidate in (pattern, _rewrite(pattern)):
        try:
            return re.compile(candidate)
        except re.error:
            continue
    return None


def _rewrite(pattern: str) -> str:
    for regex, replacement in _ECMA_REWRITES:
        pattern = regex.sub(replacement.replace("\\", "\\\\"), pattern)
    return pattern


_PATTERNS: dict[str, re.Pattern[str] | None] = {}


def _pattern(validator: Any, pattern: str, instance: Any, schema: Mapping[str, Any]) -> Iterator[ValidationError]:
    """`pattern`, tolerant of ECMA-only syntax: a pattern Python cannot compile is not enforced."""
    if not isinstance(instance, str):
        return
    if pattern not in _PATTERNS:
        _PATTERNS[pattern] = _compile_pattern(pattern)
    compiled = _PATTERNS[pattern]
    if compiled is not None and not compiled.search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


ArgumentValidator = extend(Draft202012Validator, {"pattern": _pattern})  # type: ignore[no-untyped-call]


def _where(error: ValidationError) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return path.lstrip(".") or "(arguments)"


def argument_problems(validator: Any, arguments: Mapping[str, Any]) -> list[str]:
    """Every problem with `arguments`, as `argument.path: what is wrong`, at most MAX_PROBLEMS."""
    problems = []
    for error in sorted(validator.iter_errors(arguments), key=lambda e: list(map(str, e.absolute_path))):
        message = error.message
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = sorted(error.schema.get("properties", {}))
            message += f"; known arguments: {', '.join(allowed) or 'none'}"
        problems.append(f"{_where(error)}: {message}")
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def compile_validator(schema: Mapping[str, Any], *, arguments: bool = False) -> Any:
    """A validator for `schema` (compile once, reuse for every call).

    With `arguments` (a tool's inputSchema), arguments the schema does not list are refused even when it does not
    say so: a call has nowhere to send them, and the model should hear its argument was not used.
    """
    closers = ("additionalProperties", "patternProperties", "unevaluatedProperties")
    if arguments and isinstance(schema.get("properties"), dict) and not any(k in schema for k in closers):
        schema = {**schema, "additionalProperties": False}
    return ArgumentValidator(schema)


def prepare_arguments(arguments: dict[str, Any], check: Mapping[str, Any] | None, validator: Any) -> dict[str, Any]:
    """The arguments as the API's schema reads them, when the model was shown a rewritten schema (`check` is the
    tool's `argumentCheck`): JSON text decoded where the model was asked for it, and nulls that stand for a
    left-out argument (strict mode) dropped where the API would not take a null."""
    if not check:
        return arguments
    paths = check.get("jsonText") or ()
    if not paths and not check.get("nullAsAbsent"):
        return arguments
    arguments = copy.deepcopy(arguments)
    for path in paths:
        _decode_at(arguments, list(path))
    if check.get("nullAsAbsent"):
        for _ in range(MAX_PROBLEMS):
            nulls = {
                tuple(error.absolute_path)
                for error in validator.iter_errors(arguments)
                if error.instance is None and error.absolute_path and isinstance(error.absolute_path[-1], str)
            }
            if not nulls:
                break
            for where in sorted(nulls, key=len, reverse=True):
                parent: Any = arguments
                for step in where[:-1]:
                    parent = parent[step]
                parent.pop(where[-1], None)
    return arguments


def _decode_at(node: Any, path: list[str]) -> None:
    """Decode the JSON text at `path` below `node` (`*`: every item or value) when it is an object or array."""
    if not path:
        return
    head, rest = path[0], path[1:]
    if head == "*":
        keys: list[Any] = (
            list(range(len(node))) if isinstance(node, list) else list(node) if isinstance(node, dict) else []
        )
    else:
        keys = [head] if isinstance(node, dict) and head in node else []
    for key in keys:
        if rest:
            _decode_at(node[key], rest)
        elif isinstance(node[key], str):
            try:
                value = json.loads(node[key])
            except ValueError:
                continue
            if isinstance(value, dict | list):
                node[key] = value
