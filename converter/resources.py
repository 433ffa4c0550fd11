"""The resources a server offers besides its tools — `openapi://operations`, `openapi://operations/{name}` and
`openapi://schemas/{name}` — built from the selection, and the catalog (prompts and resources) as the runtime
reads it.

Only what the selected tools use: an excluded operation has no line, and a schema only it refers to is absent.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from converter.errors import Diagnostic, RefError, Severity
from converter.model import JsonObject, Operation
from converter.runtime.catalog import SCHEMA_PREFIX
from converter.schemas import (
    SCHEMA_KEYWORDS,
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    Mode,
    SchemaStore,
    collect_refs,
    ref_name,
)
from converter.tools import Tool, ToolSet

__all__ = ["catalog_json", "documented", "operation_lines", "used_schemas"]


def _root_refs(operation: Operation) -> list[str]:
    """The schema names an operation's parameters, request body and success responses refer to."""
    found: list[str] = []
    for parameter in operation.parameters:
        collect_refs(parameter.schema, found)
    media = [*(operation.request_body.content if operation.request_body else ())]
    media += [item for response in operation.responses for item in response.content]
    for item in media:
        collect_refs(item.schema, found)
    return found


def _linked(schema: Any) -> Any:
    """`schema` with each `$ref` to a shared schema written as its resource URI (`openapi://schemas/Pet`)."""
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    name = ref_name(schema)
    if name is not None:
        out["$ref"] = SCHEMA_PREFIX + name
    for keyword in SCHEMA_KEYWORDS:
        if isinstance(out.get(keyword), dict):
            out[keyword] = _linked(out[keyword])
    for keyword in SCHEMA_LIST_KEYWORDS:
        if isinstance(out.get(keyword), list):
            out[keyword] = [_linked(item) for item in out[keyword]]
    for keyword in SCHEMA_MAP_KEYWORDS:
        if isinstance(out.get(keyword), dict):
            out[keyword] = {key: _linked(item) for key, item in out[keyword].items()}
    return out


def used_schemas(
    operations: Iterable[Operation], *, store: SchemaStore
) -> tuple[dict[str, JsonObject], list[Diagnostic]]:
    """The named schemas (`$ref` targets, e.g. components/schemas) the operations use, and those they use in turn,
    by name, as documents: readOnly and writeOnly members both kept, descriptions cleaned, `$ref`s as resource URIs.

    Returns:
        The schemas sorted by name, and a note for each that cannot be resolved (it is left out).
    """
    pending = list(dict.fromkeys(name for operation in operations for name in _root_refs(operation)))
    seen = set(pending)
    schemas: dict[str, JsonObject] = {}
    notes: list[Diagnostic] = []
    while pending:
        name = pending.pop()
        try:
            schemas[name] = _linked(store.definition(name, Mode.DOCUMENT))
            references = store.references(name, Mode.DOCUMENT)
        except RefError as err:
            # Reached only through a member a tool does not have (readOnly in a request, writeOnly in a response):
            # the tools work, so the resource is left out rather than the server refused.
            where = err.location or store.location_of(name)
            notes.append(Diagnostic(Severity.INFO, where, f"schema resource '{name}' left out: {err.message}"))
            continue
        for ref in references:
            if ref not in seen:
                seen.add(ref)
                pending.append(ref)
    return dict(sorted(schemas.items())), notes


_ASCII_CONTROLS = dict.fromkeys((*range(32), 127), " ")


def _line(text: str) -> str:
    """Text on one line: control, format and line-breaking characters become spaces, runs of spaces one."""
    if text.isascii():  # the common case, without a look at each character's category
        return " ".join(text.translate(_ASCII_CONTROLS).split())
    return " ".join("".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text).split())


def operation_lines(tools: Sequence[Tool]) -> list[str]:
    """`openapi://operations`: one line per tool — `name: METHOD /path — summary`."""
    lines = []
    for tool in tools:
        summary = _line(tool.title or tool.description.split(". ", 1)[0])[:160]
        where = _line(f"{tool.binding.method} {tool.binding.path}")
        lines.append(f"{tool.name}: {where}" + (f" — {summary}" if summary else ""))
    return lines


DOCUMENTATION_PAGE_CHARS = 30_000
"""At most this many characters of one tool's documentation page (the rest cut, with a note)."""
_DOC_DEPTH = 2
"""Arguments and their properties this deep are listed (an argument is depth 1)."""


def documented(tool: Tool) -> Tool:
    """`tool` with its documentation page, `openapi://operations/{name}`: its method and path, the operation's
    whole description (`Tool.documentation` as built: uncut, every error), and each argument's description — and
    its properties', three levels down — as the inputSchema has it before tools/list shortens it (or says it once
    for many tools)."""
    lines = [_line(f"{tool.binding.method} {tool.binding.path}")]
    text = tool.documentation or tool.description
    if text:
        lines += ["", text]
    arguments = _argument_lines(tool.input_schema, defs=tool.input_schema.get("$defs") or {}, depth=1, seen=set())
    if arguments:
        lines += ["", "Arguments:", *arguments]
    page = f"{tool.name}: " + "\n".join(lines)
    if len(page) > DOCUMENTATION_PAGE_CHARS:
        page = page[:DOCUMENTATION_PAGE_CHARS].rsplit("\n", 1)[0] + "\n(… cut: the inputSchema has the rest)"
    return dataclasses.replace(tool, documentation=page)


def _argument_lines(schema: Any, *, defs: dict[str, Any], depth: int, seen: set[str]) -> list[str]:
    """`- name (required): description` for each property of `schema` (an object schema, or one whose `items`,
    `allOf`/`anyOf`/`oneOf` branches or `$ref` into `defs` is), and its own properties' lines below it, indented."""
    lines: list[str] = []
    for name, prop, required in _properties(schema, defs=defs, seen=seen):
        about = _description_of(prop)
        head = "  " * (depth - 1) + f"- {name}" + (" (required)" if required else "")
        lines.append(f"{head}: {_line(about)}" if isinstance(about, str) and about else head)
        if depth < _DOC_DEPTH:
            lines += _argument_lines(prop, defs=defs, depth=depth + 1, seen=seen)
    return lines


def _description_of(schema: Any) -> str | None:
    """A schema's description, or its first `anyOf`/`oneOf` branch's (`{"oneOf": [{"type": "string", "description":
    …}, {"type": "number"}]}`)."""
    if not isinstance(schema, dict):
        return None
    own = schema.get("description")
    if isinstance(own, str) and own:
        return own
    for keyword in ("anyOf", "oneOf"):
        for branch in schema.get(keyword) or ():
            about = branch.get("description") if isinstance(branch, dict) else None
            if isinstance(about, str) and about:
                return about
    return None


def _properties(schema: Any, *, defs: dict[str, Any], seen: set[str]) -> list[tuple[str, Any, bool]]:
    """The properties `schema` describes, with whether each is required; a `$def` is opened once per page."""
    if not isinstance(schema, dict):
        return []
    found: list[tuple[str, Any, bool]] = []
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        name = ref[len("#/$defs/") :]
        if name not in seen and name in defs:
            seen.add(name)
            found += _properties(defs[name], defs=defs, seen=seen)
    properties = schema.get("properties")
    if isinstance(properties, dict):
        required = set(schema.get("required") or ())
        found += [(name, prop, name in required) for name, prop in properties.items()]
    items = schema.get("items")
    if isinstance(items, dict):
        found += _properties(items, defs=defs, seen=seen)
    for keyword in ("allOf", "anyOf", "oneOf"):
        for branch in schema.get(keyword) or ():
            found += _properties(branch, defs=defs, seen=seen)
    return found


def catalog_json(toolset: ToolSet) -> dict[str, Any]:
    """The prompts and resources as the runtime serves them (`converter.runtime.catalog`)."""
    return {
        "prompts": [prompt.to_json() for prompt in toolset.prompts],
        "operations": operation_lines(toolset.tools),
        "schemas": dict(toolset.schemas),
        "docs": {tool.name: tool.documentation for tool in toolset.tools if tool.documentation},
    }
