"""Which operations become tools: a config's include/exclude rules, `read_only`, `deprecated`, and the
spec's own `x-mcp` extensions — with every name the config uses checked against the spec.

Order: an operation is kept when it matches any `include` entry (no `include`: all are), then dropped when
it matches any `exclude` entry, is marked `x-mcp: false`, is deprecated under `deprecated: exclude`, or is
not read-only under `read_only: true`. Naming an operation in `include.operations` overrides `x-mcp: false`
and `deprecated: exclude` (the config wins over the spec); `exclude` always wins over `include`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from converter.config import DESCRIPTION_LIMIT, ArgOverride, Config, DeprecatedPolicy, Rules, ToolOverride, did_you_mean
from converter.describe import clean_text, truncate
from converter.errors import ConfigError, Diagnostic, Severity
from converter.model import Operation

__all__ = ["Selected", "glob_matches", "select_operations"]

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Selected:
    """An operation that becomes a tool, with what the config and its `x-mcp` say about that tool."""

    operation: Operation
    override: ToolOverride | None


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    parts = []
    segments = pattern.strip("/").split("/") if pattern.strip("/") else []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append("(?:/[^/]*)*" if last else "(?:/[^/]*)*?")
            continue
        text = "".join("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch) for ch in segment)
        parts.append("/" + text)
    return re.compile("".join(parts) + "/?" if parts else "/?")


def glob_matches(pattern: str, path: str) -> bool:
    """Whether a path template matches a glob: `*` and `?` stay within a segment, `**` spans any number of
    segments including none (`/pets/**` matches `/pets`, `/pets/{id}` and `/pets/{id}/photos`)."""
    return _glob_regex(pattern).fullmatch(path) is not None


def _matches(rules: Rules, op: Operation) -> bool:
    return (
        any(tag in op.tags for tag in rules.tags)
        or any(glob_matches(glob, op.path) for glob in rules.paths)
        or op.method.name in rules.methods
        or any(name in (op.operation_id, op.key) for name in rules.operations)
    )


def _check_rules(rules: Rules, operations: Sequence[Operation]) -> None:
    """Every entry of a rule block must match some operation of the spec: a typo selects nothing silently."""
    tags = {tag for op in operations for tag in op.tags}
    for index, tag in enumerate(rules.tags):
        if tag not in tags:
            message = f"no operation has the tag '{tag}'{did_you_mean(tag, tags)}"
            raise ConfigError(rules.location.child("tags", index), message)
    for index, glob in enumerate(rules.paths):
        if not any(glob_matches(glob, op.path) for op in operations):
            paths = {op.path for op in operations}
            message = f"'{glob}' matches no path{did_you_mean(glob, paths)}"
            raise ConfigError(rules.location.child("paths", index), message)
    for index, method in enumerate(rules.methods):
        if not any(op.method.name == method for op in operations):
            raise ConfigError(rules.location.child("methods", index), f"the spec has no {method} operation")
    names = _operation_names(operations)
    for index, name in enumerate(rules.operations):
        if name not in names:
            raise ConfigError(rules.location.child("operations", index), _unknown_operation(name, names))


def _operation_names(operations: Sequence[Operation]) -> set[str]:
    names = {op.key for op in operations}
    names.update(op.operation_id for op in operations if op.operation_id)
    return names


def _unknown_operation(name: str, names: set[str]) -> str:
    hint = did_you_mean(name, names)
    if not hint and " " not in name and "/" in name:
        hint = " (an operation without operationId is named 'METHOD /path')"
    return f"no operation '{name}' in the spec{hint}"


def _find(name: str, operations: Sequence[Operation]) -> Operation | None:
    for op in operations:
        if name in (op.operation_id, op.key):
            return op
    return None


def _extension_override(op: Operation, *, limit: int) -> tuple[bool, ToolOverride | None]:
    """(whether `x-mcp` leaves the operation in, what it says about the tool); a description is cut to `limit`."""
    value = op.mcp_extension
    where = op.location.child("x-mcp")
    if value is None or value is True:
        return True, None
    if value is False:
        return False, None
    if not isinstance(value, Mapping):
        raise ConfigError(where, "expected false, true or a mapping with name, description, hidden_args")
    allowed = ("name", "description", "hidden_args")
    for key in value:
        if key not in allowed:
            raise ConfigError(where.child(str(key)), f"unknown key '{key}'{did_you_mean(str(key), allowed)}")
    for key in ("name", "description"):
        if key in value and (not isinstance(value[key], str) or not value[key].strip()):
            raise ConfigError(where.child(key), "expected a non-empty string")
    hidden: dict[str, ArgOverride] = {}
    raw_hidden: Any = value.get("hidden_args", [])
    if isinstance(raw_hidden, list):
        for index, arg in enumerate(raw_hidden):
            if not isinstance(arg, str):
                raise ConfigError(where.child("hidden_args", index), "expected an argument name")
            hidden[arg] = ArgOverride(hidden=True, location=where.child("hidden_args", index))
    elif isinstance(raw_hidden, Mapping):  # name → fixed value
        for arg, fixed in raw_hidden.items():
            hidden[str(arg)] = ArgOverride(hidden=True, value=fixed, location=where.child("hidden_args", str(arg)))
    else:
        raise ConfigError(where.child("hidden_args"), "expected a list of argument names or a mapping name → value")
    description = value.get("description")
    return True, ToolOverride(
        key=op.key,
        name=value.get("name"),
        # Spec text, so untrusted: cleaned like every description taken from the spec.
        description=(truncate(clean_text(description), limit=limit) or None) if description else None,
        args=hidden,
        location=where,
    )


def _merge(spec: ToolOverride | None, config: ToolOverride | None) -> ToolOverride | None:
    """The config's entry wins field by field (and argument by argument) over the spec's `x-mcp`."""
    if spec is None or config is None:
        return config or spec
    return ToolOverride(
        key=config.key,
        name=config.name or spec.name,
        title=config.title,
        description=config.description or spec.description,
        args={**spec.args, **config.args},
        annotations=config.annotations,
        # The location is where a bad or duplicate tool name is reported: the spec's, when the name is its.
        location=config.location if config.name or not spec.name else spec.location,
    )


def _read_only(op: Operation, override: ToolOverride | None) -> bool:
    if override is not None and "read_only" in override.annotations:
        return override.annotations["read_only"]
    return op.method.name in _SAFE_METHODS


def select_operations(
    operations: Sequence[Operation], config: Config | None
) -> tuple[list[Selected], list[Diagnostic]]:
    """The operations that become tools, in spec order, each with its effective override.

    Raises:
        ConfigError: the config names a tag, path, method or operation the spec does not have, an `x-mcp`
            extension is malformed, or nothing is left to serve.
    """
    given = config is not None
    config = config or Config()
    for rules in (config.include, config.exclude):
        if rules is not None:
            _check_rules(rules, operations)
    names = _operation_names(operations)
    by_operation: dict[int, ToolOverride] = {}
    for key, override in config.tools.items():
        op = _find(key, operations)
        if op is None:
            raise ConfigError(override.location, _unknown_operation(key, names))
        if id(op) in by_operation:
            other = by_operation[id(op)].key
            raise ConfigError(override.location, f"'{key}' and '{other}' name the same operation")
        by_operation[id(op)] = override
    explicit = set(config.include.operations) if config.include else set()

    selected: list[Selected] = []
    diagnostics: list[Diagnostic] = []
    for op in operations:
        named = op.key in explicit or (op.operation_id is not None and op.operation_id in explicit)
        configured = by_operation.get(id(op))
        if config.include is not None and not _matches(config.include, op):
            continue
        if config.exclude is not None and _matches(config.exclude, op):
            continue
        try:
            keep, from_spec = _extension_override(op, limit=config.description_max_chars or DESCRIPTION_LIMIT)
        except ConfigError as err:
            if given:
                raise
            # Without a config, an `x-mcp` that is not ours (another vendor's extension of the same name) must
            # not stop the whole spec: it is reported and ignored.
            diagnostics.append(Diagnostic(Severity.WARNING, err.location or op.location, f"{err.message}; ignored"))
            keep, from_spec = True, None
        if not keep and not named:
            continue
        if op.deprecated and config.deprecated is DeprecatedPolicy.EXCLUDE and not named:
            continue
        merged = _merge(from_spec, configured)
        if config.read_only and not _read_only(op, merged):
            continue
        selected.append(Selected(op, merged))

    chosen = {id(item.operation) for item in selected}
    for key, override in config.tools.items():
        op = _find(key, operations)
        if op is not None and id(op) not in chosen:
            diagnostics.append(
                Diagnostic(
                    Severity.WARNING,
                    override.location,
                    f"'{key}' is not selected (include/exclude/read_only/deprecated), so this entry has no effect",
                )
            )
    if given and operations and not selected:
        raise ConfigError(config.location, "selects no operation: check include, exclude, read_only and deprecated")
    return selected, diagnostics
