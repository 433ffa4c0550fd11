"""Tool arguments checked against the tool's inputSchema, with errors a model can act on."""

from __future__ import annotations

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


def compile_validator(schema: Mapping[str, Any]) -> Any:
    """A validator for one tool's inputSchema (compile once, reuse for every call)."""
    return ArgumentValidator(schema)
