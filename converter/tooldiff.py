"""Tool-level changes between two ToolSets — what a client written against the old tools would notice.

A change is *breaking* when a client that worked with the old tools can fail, or be treated differently by
its host, with the new ones. Arguments are contravariant: a change that makes some old call invalid
(argument removed or renamed, new required argument, narrower type, enum value removed, tighter bound) is
breaking. Outputs are covariant: a change that lets the tool return something the old `outputSchema` did not
allow (property no longer required, wider type, new enum value) is breaking. Annotations are guarantees a
host may act on (auto-approve read-only tools, confirm destructive ones, retry idempotent ones): withdrawing
one is breaking, giving one is not. Descriptions and anything not clearly narrower (a changed `pattern`,
`format`, `default`, a composition such as `oneOf`) are reported for review, never breaking.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from converter.model import JsonObject
from converter.schemadiff import Delta, SchemaChange, diff_schemas
from converter.tools import Annotations, ArgLocation, Tool, ToolSet

__all__ = ["Change", "ChangeKind", "diff_toolsets", "render_json", "render_text"]


class ChangeKind(enum.Enum):
    """What changed. Changes at the same place (tool, argument, path) are listed in this order."""

    TOOL_REMOVED = "tool_removed"
    TOOL_RENAMED = "tool_renamed"
    TOOL_ADDED = "tool_added"
    ANNOTATION_CHANGED = "annotation_changed"
    OUTPUT_CHANGED = "output_changed"
    ARGUMENT_RENAMED = "argument_renamed"
    ARGUMENT_REMOVED = "argument_removed"
    ARGUMENT_ADDED = "argument_added"
    ARGUMENT_NOW_REQUIRED = "argument_now_required"
    ARGUMENT_NO_LONGER_REQUIRED = "argument_no_longer_required"
    ARGUMENT_TYPE_CHANGED = "argument_type_changed"
    ARGUMENT_ENUM_NARROWED = "argument_enum_narrowed"
    ARGUMENT_ENUM_WIDENED = "argument_enum_widened"
    ARGUMENT_CONSTRAINT_CHANGED = "argument_constraint_changed"
    """A bound (`minimum`, `maxLength`, …), `pattern`, `multipleOf`, `uniqueItems` or closedness changed."""
    ARGUMENT_SCHEMA_CHANGED = "argument_schema_changed"
    """Any other difference (`format`, `default`, `oneOf`, …): shown for review, never breaking."""
    DESCRIPTION_CHANGED = "description_changed"
    """The tool's title or description, or an argument's description: text the model reads."""


_KIND_ORDER = {kind: index for index, kind in enumerate(ChangeKind)}


@dataclass(frozen=True, slots=True)
class Change:
    """One change to one tool."""

    kind: ChangeKind
    tool: str
    """The tool's new name (its old name when it was removed)."""
    argument: str | None
    """The top-level argument concerned, or None for a change to the tool itself or to its output."""
    breaking: bool
    detail: str
    """One line for a person, e.g. `enum values removed: "pending"`."""
    path: tuple[str, ...] = ()
    """Where inside the argument (or, for `output_changed`, inside the output): property names, `[]` for
    array items. Empty for the argument itself."""
    previous: str | None = None
    """The old name, for `tool_renamed` and `argument_renamed`."""

    @property
    def subject(self) -> str | None:
        """`near.lat`, `species[]`, `output.status`; None for the tool itself."""
        if self.argument is not None:
            head = self.argument
        elif self.kind is ChangeKind.OUTPUT_CHANGED:
            head = "output"
        else:
            return None
        return head + "".join(part if part == "[]" else f".{part}" for part in self.path)

    def to_json(self) -> dict[str, Any]:
        """The change as plain data; every key is always present."""
        return {
            "kind": self.kind.value,
            "tool": self.tool,
            "argument": self.argument,
            "path": list(self.path),
            "breaking": self.breaking,
            "detail": self.detail,
            "previous": self.previous,
        }


def diff_toolsets(old: ToolSet, new: ToolSet) -> list[Change]:
    """The changes from `old` to `new`, sorted by tool (tool-level changes first), then argument, path and kind.

    Tools are matched by name, then — to tell a rename from a removal plus an addition — by operationId, then
    by method and path (path parameter names ignored). Arguments are matched by name and by where they go on
    the wire, so an argument renamed by a config (same parameter) is a rename.
    """
    pairs, removed, added = _match_tools(old.tools, new.tools)
    changes = [
        *(Change(ChangeKind.TOOL_REMOVED, t.name, None, True, f"tool removed ({_endpoint(t)})") for t in removed),
        *(Change(ChangeKind.TOOL_ADDED, t.name, None, False, f"tool added ({_endpoint(t)})") for t in added),
    ]
    for before, after in pairs:
        changes.extend(_diff_tool(before, after))
    return sorted(changes, key=_sort_key)


def _sort_key(change: Change) -> tuple[Any, ...]:
    argument = change.argument or ""
    return (
        change.tool.casefold(),
        change.tool,
        change.argument is not None,
        argument.casefold(),
        argument,
        change.path,
        _KIND_ORDER[change.kind],
    )  # stable: changes of one kind at one place keep the order they were found in


def render_text(changes: Iterable[Change]) -> str:
    """The changes grouped per tool, breaking ones marked `BREAKING`, then `N changes, M breaking`.

    Each line is `[BREAKING] [subject: ]detail`, where the subject is the argument (`near.lat`, `species[]`)
    or `output…`; tool-level lines have none. Ends without a newline.
    """
    items = list(changes)
    lines: list[str] = []
    tool = None
    for change in items:
        if change.tool != tool:
            tool = change.tool
            lines.append(tool)
        marker = "BREAKING  " if change.breaking else " " * 10
        subject = change.subject
        lines.append(f"  {marker}{subject}: {change.detail}" if subject else f"  {marker}{change.detail}")
    total, breaking = len(items), sum(change.breaking for change in items)
    if lines:
        lines.append("")
    lines.append(f"{total} change{'' if total == 1 else 's'}, {breaking} breaking")
    return "\n".join(lines)


def render_json(changes: Iterable[Change]) -> dict[str, Any]:
    """`{"summary": {"changes": N, "breaking": M}, "changes": [...]}`, each change as `Change.to_json()`:
    `{"kind", "tool", "argument", "path", "breaking", "detail", "previous"}` (`argument` and `previous` may be
    null, `path` is a list of property names and `[]`)."""
    items = [change.to_json() for change in changes]
    return {"summary": {"changes": len(items), "breaking": sum(item["breaking"] for item in items)}, "changes": items}


# --- tools ------------------------------------------------------------------------------------------------------

_PATH_PARAM_RE = re.compile(r"\{[^{}]*\}")


def _endpoint(tool: Tool) -> str:
    return f"{tool.binding.method.upper()} {tool.binding.path}"


def _endpoint_key(tool: Tool) -> str:
    # `/pets/{id}` and `/pets/{petId}` are the same endpoint.
    return f"{tool.binding.method.upper()} {_PATH_PARAM_RE.sub('{}', tool.binding.path)}"


def _match_tools(old: Iterable[Tool], new: Iterable[Tool]) -> tuple[list[tuple[Tool, Tool]], list[Tool], list[Tool]]:
    """(old, new) pairs of the same tool; the old tools removed; the new tools added."""
    old_by_name = {tool.name: tool for tool in old}
    new_by_name = {tool.name: tool for tool in new}
    pairs = [(tool, new_by_name[name]) for name, tool in old_by_name.items() if name in new_by_name]
    old_left = sorted((t for n, t in old_by_name.items() if n not in new_by_name), key=lambda t: t.name)
    new_left = sorted((t for n, t in new_by_name.items() if n not in old_by_name), key=lambda t: t.name)
    identities: tuple[Callable[[Tool], str | None], ...] = (lambda t: t.operation_id, _endpoint_key)
    for identity in identities:
        for before in list(old_left):
            key = identity(before)
            after = next((t for t in new_left if key is not None and identity(t) == key), None)
            if after is not None:
                pairs.append((before, after))
                old_left.remove(before)
                new_left.remove(after)
    return pairs, old_left, new_left


def _diff_tool(old: Tool, new: Tool) -> list[Change]:
    changes: list[Change] = []
    if old.name != new.name:
        same_id = old.operation_id is not None and old.operation_id == new.operation_id
        same = f"operationId {new.operation_id}" if same_id else _endpoint(new)
        detail = f"tool renamed from {old.name} (same operation: {same})"
        changes.append(Change(ChangeKind.TOOL_RENAMED, new.name, None, True, detail, previous=old.name))
    if old.title != new.title:
        detail = f"title: {json.dumps(old.title, ensure_ascii=False)} → {json.dumps(new.title, ensure_ascii=False)}"
        changes.append(Change(ChangeKind.DESCRIPTION_CHANGED, new.name, None, False, detail))
    if old.description != new.description:
        changes.append(Change(ChangeKind.DESCRIPTION_CHANGED, new.name, None, False, "description changed"))
    changes.extend(_diff_annotations(new.name, old.annotations, new.annotations))
    old_accepted, new_accepted = accepted_arguments(old), accepted_arguments(new)
    if old_accepted != new_accepted:
        found = diff_schemas(old_accepted, new_accepted, renames=_argument_renames(old, new))
        changes.extend(_argument_change(new.name, change) for change in found)
    changes.extend(_diff_output(old, new))
    return changes


# (hint, the value that promises something to the host): read-only, not destructive, idempotent, closed-world.
_HINTS = (("readOnlyHint", True), ("destructiveHint", False), ("idempotentHint", True), ("openWorldHint", False))


def _effective_hints(annotations: Annotations) -> dict[str, bool]:
    # MCP: destructiveHint and idempotentHint mean something only when readOnlyHint is false; a read-only tool
    # destroys nothing and can be repeated.
    read_only = annotations.read_only
    return {
        "readOnlyHint": read_only,
        "destructiveHint": annotations.destructive and not read_only,
        "idempotentHint": annotations.idempotent or read_only,
        "openWorldHint": annotations.open_world,
    }


def _diff_annotations(tool: str, old: Annotations, new: Annotations) -> list[Change]:
    before, after = _effective_hints(old), _effective_hints(new)
    return [
        Change(
            ChangeKind.ANNOTATION_CHANGED,
            tool,
            None,
            before[hint] == promise,  # the promise is withdrawn
            f"{hint}: {json.dumps(before[hint])} → {json.dumps(after[hint])}",
        )
        for hint, promise in _HINTS
        if before[hint] != after[hint]
    ]


def _diff_output(old: Tool, new: Tool) -> list[Change]:
    if old.output_schema == new.output_schema:
        return []
    if old.output_schema is None or new.output_schema is None:
        added = old.output_schema is None
        detail = "schema added" if added else "schema removed"
        # Without an outputSchema nothing about the result's structure is promised any more.
        return [Change(ChangeKind.OUTPUT_CHANGED, new.name, None, not added, detail)]
    # Outputs are read, not written: what breaks a consumer is a value the old schema did not allow.
    found = diff_schemas(old.output_schema, new.output_schema, descriptions=False)
    return [Change(ChangeKind.OUTPUT_CHANGED, new.name, None, c.widens, c.detail, c.path) for c in found]


_ARGUMENT_KINDS = {
    Delta.ADDED: ChangeKind.ARGUMENT_ADDED,
    Delta.REMOVED: ChangeKind.ARGUMENT_REMOVED,
    Delta.RENAMED: ChangeKind.ARGUMENT_RENAMED,
    Delta.NOW_REQUIRED: ChangeKind.ARGUMENT_NOW_REQUIRED,
    Delta.NO_LONGER_REQUIRED: ChangeKind.ARGUMENT_NO_LONGER_REQUIRED,
    Delta.TYPE: ChangeKind.ARGUMENT_TYPE_CHANGED,
    Delta.ENUM_NARROWED: ChangeKind.ARGUMENT_ENUM_NARROWED,
    Delta.ENUM_WIDENED: ChangeKind.ARGUMENT_ENUM_WIDENED,
    Delta.CONSTRAINT: ChangeKind.ARGUMENT_CONSTRAINT_CHANGED,
    Delta.OTHER: ChangeKind.ARGUMENT_SCHEMA_CHANGED,
    Delta.DESCRIPTION: ChangeKind.DESCRIPTION_CHANGED,
}


def _argument_change(tool: str, change: SchemaChange) -> Change:
    """A difference in the inputSchema: breaking when some call that was valid no longer is."""
    detail = change.detail
    if change.delta is Delta.REMOVED and not change.narrows:
        detail += " (still accepted: the object allows other properties)"
    argument, path = (change.path[0], change.path[1:]) if change.path else (None, ())
    return Change(_ARGUMENT_KINDS[change.delta], tool, argument, change.narrows, detail, path, change.previous)


def _argument_renames(old: Tool, new: Tool) -> dict[str, str]:
    """new argument name → old name, for arguments renamed but sent to the same place on the wire."""
    old_ids = _wire_ids(old)
    new_ids = _wire_ids(new)
    same = {name for name, wire in new_ids.items() if old_ids.get(name) == wire}
    by_wire = {wire: name for name, wire in old_ids.items() if name not in same}
    renames: dict[str, str] = {}
    for name, wire in new_ids.items():
        previous = by_wire.pop(wire, None)
        if name not in same and previous is not None:
            renames[name] = previous
    return renames


def accepted_arguments(tool: Tool) -> JsonObject:
    """The schema a call's arguments are checked against: the API's (`argument_check`) when the model is shown a
    rewritten one, closed at the root as the runtime closes it (arguments a tool does not list are refused)."""
    schema = tool.argument_check.schema if tool.argument_check is not None else tool.input_schema
    closers = ("additionalProperties", "patternProperties", "unevaluatedProperties")
    if isinstance(schema.get("properties"), dict) and not any(k in schema for k in closers):
        schema = {**schema, "additionalProperties": False}
    return schema


def _wire_ids(tool: Tool) -> dict[str, tuple[ArgLocation, str]]:
    properties = tool.input_schema.get("properties")
    names: JsonObject = properties if isinstance(properties, dict) else {}
    return {arg.arg: (arg.location, arg.wire_name) for arg in tool.binding.args if arg.arg in names}
