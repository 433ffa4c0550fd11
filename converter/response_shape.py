"""How each tool's JSON results are shaped for the model, decided at build time (the runtime applies it:
`converter/runtime/shaping.py`).

A tool whose operation answers JSON on success is shaped unless the config says `response: {shape: false}`:
its result text leaves out nulls, empty containers and API links, cuts long arrays (naming the arguments that
page further) and is compact; it also gets an optional `fields` argument — a JMESPath projection of the
result — documented in one line of its description. `structuredContent` is never shaped, so a tool's output
schema still holds.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from converter.model import Operation
from converter.tools import ArgLocation, Tool

__all__ = ["DEFAULT_MAX_ITEMS", "ResponseSettings", "shape_tool", "with_fields_hint"]

DEFAULT_MAX_ITEMS = 30
"""Array items a model is shown before the rest is left out, with a note (a typical page size)."""

FIELDS_DESCRIPTION = (
    "Optional JMESPath expression applied to the JSON result, to return only what you need: "
    "e.g. `name`, `items[].{id: id, title: title}`, `length(items)`."
)
FIELDS_HINT = "`{arg}` (JMESPath) picks part of the result."
RETURNS_HINT = "; `{arg}` (JMESPath) picks parts."
"""Added to the description's `Returns:` line, when it has one (else `FIELDS_HINT` is a line of its own)."""

# Query parameters that page through a list, by the names APIs commonly give them: where the page starts, and
# how big it is. The note on a cut list names them only when there is a way to move (a size alone is no paging).
_PAGE_POSITION = re.compile(
    r"page|page_?token|offset|cursor|after|before|starting_after|ending_before|next|next_?token|since|skip",
    re.IGNORECASE,
)
_PAGE_SIZE = re.compile(r"limit|per_?page|page_?size|max_?results|top|count", re.IGNORECASE)
_JSON = re.compile(r"^(application/json|text/json|application/[\w.+-]*\+json)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ResponseSettings:
    """The config's `response:` (top level, then per tool): how results are shaped."""

    shape: bool = True
    """False: the upstream's JSON as it is, on one line (no `fields` argument)."""
    max_items: int | None = DEFAULT_MAX_ITEMS
    """Longer arrays are cut (None: never)."""
    drop_links: bool = True
    """Leave out `_links` and `*_url` fields that are URL templates or point back into the API."""
    fields: bool = True
    """Offer the `fields` argument."""

    def merged(self, overrides: dict[str, Any]) -> ResponseSettings:
        """These settings with a tool's own `response:` keys over them."""
        return dataclasses.replace(self, **overrides)


def returns_json(operation: Operation) -> bool:
    """Whether a success (2xx, or `default` when no 2xx is documented) response carries JSON."""
    success = [r for r in operation.responses if r.status.startswith("2")]
    if not success:
        success = [r for r in operation.responses if r.status == "default"]
    return any(_JSON.match(media.content_type.split(";")[0].strip()) for r in success for media in r.content)


def shape_tool(tool: Tool, operation: Operation, settings: ResponseSettings) -> Tool:
    """`tool` with its response shape: the runtime's `response` entry, and the `fields` argument."""
    if not settings.shape or not returns_json(operation):
        return tool
    query = [a for a in tool.binding.args if a.location is ArgLocation.QUERY]
    position = [a.arg for a in query if _PAGE_POSITION.fullmatch(a.wire_name)]
    size = [a.arg for a in query if _PAGE_SIZE.fullmatch(a.wire_name)]
    page_args = (*position, *size) if position else ()
    fields_arg = _free_name(tool.input_schema) if settings.fields else None
    input_schema = tool.input_schema
    description = tool.description
    if fields_arg is not None:
        properties = {
            **input_schema.get("properties", {}),
            fields_arg: {"type": "string", "description": FIELDS_DESCRIPTION},
        }
        input_schema = {**input_schema, "properties": properties}
        description = with_fields_hint(description, fields_arg)
    response: dict[str, Any] = {
        "maxItems": settings.max_items,
        "dropLinks": settings.drop_links,
        "pageArgs": list(page_args),
    }
    if fields_arg is not None:
        response["fieldsArg"] = fields_arg
    return dataclasses.replace(
        tool,
        input_schema=input_schema,
        description=description,
        response={k: v for k, v in response.items() if v is not None},
    )


def with_fields_hint(description: str, arg: str) -> str:
    """`description` saying in one line that `arg` projects the result: its `Returns:` line, or a line of its own."""
    lines = description.split("\n")
    for index, line in enumerate(lines):
        if line.startswith("Returns: ") and line.endswith("."):
            lines[index] = line[:-1] + RETURNS_HINT.format(arg=arg)
            return "\n".join(lines)
    hint = FIELDS_HINT.format(arg=arg)
    return f"{description}\n{hint}" if description else hint


def _free_name(schema: dict[str, Any]) -> str | None:
    """`fields`, or another name when the operation has an argument of that name (None: no room)."""
    taken = set(schema.get("properties", {}))
    for name in ("fields", "result_fields", "response_fields"):
        if name not in taken:
            return name
    return None
