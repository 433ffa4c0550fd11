"""The resources a server offers besides its tools — `openapi://operations` and `openapi://schemas/{name}` — built
from the selection, and the catalog (prompts and resources) as the runtime reads it.

Only what the selected tools use: an excluded operation has no line, and a schema only it refers to is absent.
"""

from __future__ import annotations

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

__all__ = ["catalog_json", "operation_lines", "used_schemas"]


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


def _line(text: str) -> str:
    """Text on one line: control, format and line-breaking characters become spaces, runs of spaces one."""
    return " ".join("".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text).split())


def operation_lines(tools: Sequence[Tool]) -> list[str]:
    """`openapi://operations`: one line per tool — `name: METHOD /path — summary`."""
    lines = []
    for tool in tools:
        summary = _line(tool.title or tool.description.split(". ", 1)[0])[:160]
        where = _line(f"{tool.binding.method} {tool.binding.path}")
        lines.append(f"{tool.name}: {where}" + (f" — {summary}" if summary else ""))
    return lines


def catalog_json(toolset: ToolSet) -> dict[str, Any]:
    """The prompts and resources as the runtime serves them (`converter.runtime.catalog`)."""
    return {
        "prompts": [prompt.to_json() for prompt in toolset.prompts],
        "operations": operation_lines(toolset.tools),
        "schemas": dict(toolset.schemas),
    }
