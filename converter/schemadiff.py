"""Differences between two versions of a JSON Schema, each classified as narrowing, widening, or neither.

Pure and tool-agnostic: `converter.tooldiff` decides what a difference means for a tool's arguments (where
narrowing breaks callers) and for its output (where widening breaks consumers). Schemas are self-contained,
with shared parts in `$defs` at the root (as in a ToolSet); references are followed, and each pair of shared
schemas is compared once per top-level property, which ends recursion and bounds the work on large specs.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from converter.schemas import SCHEMA_KEYWORDS, SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS, ref_name

__all__ = ["Delta", "SchemaChange", "diff_schemas"]


class Delta(enum.Enum):
    """What kind of difference."""

    ADDED = "added"
    REMOVED = "removed"
    RENAMED = "renamed"
    NOW_REQUIRED = "now_required"
    NO_LONGER_REQUIRED = "no_longer_required"
    TYPE = "type"
    ENUM_NARROWED = "enum_narrowed"
    ENUM_WIDENED = "enum_widened"
    CONSTRAINT = "constraint"
    """A bound (`minimum`, `maxLength`, …), `pattern`, `multipleOf`, `uniqueItems`, or an object closed/opened."""
    OTHER = "other"
    """Any other keyword (`format`, `default`, `deprecated`, `oneOf`, …)."""
    DESCRIPTION = "description"


@dataclass(frozen=True, slots=True)
class SchemaChange:
    """One difference, at `path` (property names, `[]` for array items; empty for the root)."""

    delta: Delta
    path: tuple[str, ...]
    detail: str
    """One line for a person: `type integer → string`, `enum values removed: "a"`, `maxLength: 64 → 32`."""
    narrows: bool
    """Some value valid under the old schema is invalid under the new one."""
    widens: bool
    """Some value valid under the new schema was invalid under the old one."""
    previous: str | None = None
    """For `RENAMED`: the old property name."""


def diff_schemas(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    *,
    renames: Mapping[str, str] | None = None,
    descriptions: bool = True,
) -> list[SchemaChange]:
    """The differences between two self-contained schemas, in the order met walking the new schema.

    Args:
        old: The old schema (with its `$defs`).
        new: The new schema (with its `$defs`).
        renames: Root properties known to be renamed: new name → old name (compared as one property).
        descriptions: Also report changed descriptions below the root.

    What narrows: a new required property; a property removed from (or renamed in) an object that rejects
    other properties; an optional property made required; a type no longer allowed (an integer is a number,
    so `integer → number` only widens); enum values removed, or an enum imposed; a tighter bound; a `pattern`
    or `multipleOf` imposed; `uniqueItems` imposed; an object closed to other properties. The opposite of
    each widens. A `pattern` replaced by another, `format`, `default` and compositions (`oneOf`, …) neither
    narrow nor widen *clearly*, so they are reported as neither.
    """
    differ = _Differ(_defs(old), _defs(new), dict(renames or {}), descriptions)
    differ.compare(old, new, ())
    return differ.changes


_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains")
# Text for people (compared as descriptions, or not at all): never a reason to call a change a schema change.
_TEXT_KEYWORDS = frozenset({"description", "title", "examples", "example", "$comment", "readOnly", "writeOnly"})
_COMPARED = frozenset(
    {
        *_TEXT_KEYWORDS,
        *_LOWER_BOUNDS,
        *_UPPER_BOUNDS,
        "$ref",
        "$defs",
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "items",
        "pattern",
        "multipleOf",
        "uniqueItems",
    }
)
_TYPE_ORDER = ("string", "number", "integer", "boolean", "array", "object", "null")
_MAX_REF_DEPTH = 16
_MAX_SHOWN_VALUES = 10
_MISSING = object()

# The JSON types a schema allows; None when it does not say (any type).
Types: TypeAlias = frozenset[str] | None


def _defs(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    defs = schema.get("$defs")
    return defs if isinstance(defs, dict) else {}


def _properties(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    properties = schema.get("properties")
    return properties if isinstance(properties, dict) else {}


def _resolve(node: Any, defs: Mapping[str, Any]) -> tuple[Any, str | None]:
    """Follow `#/$defs/` references (their sibling keywords kept); the node and the last name followed."""
    name = None
    followed: set[str] = set()
    while (ref := ref_name(node)) is not None and ref in defs and ref not in followed:
        followed.add(ref)
        name = ref
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        node = {**defs[ref], **siblings} if siblings else defs[ref]
    return node, name


def _types(node: Any, defs: Mapping[str, Any], depth: int = 0) -> Types:
    node, _ = _resolve(node, defs)
    if not isinstance(node, dict) or depth > _MAX_REF_DEPTH:
        return None
    declared = node.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list):
        return frozenset(t for t in declared if isinstance(t, str))
    for keyword in ("anyOf", "oneOf"):
        branches = node.get(keyword)
        if isinstance(branches, list) and branches:
            found = [_types(branch, defs, depth + 1) for branch in branches]
            if any(types is None for types in found):
                return None
            return frozenset(t for types in found if types is not None for t in types)
    branches = node.get("allOf")
    if isinstance(branches, list):
        known = [types for branch in branches if (types := _types(branch, defs, depth + 1)) is not None]
        if known:
            return known[0].intersection(*known[1:])
    return None


def _covers(wide: Types, narrow: Types) -> bool:
    """Whether every type `narrow` allows is allowed by `wide` (an integer is a number)."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _overlap(a: Types, b: Types) -> bool:
    if a is None or b is None:
        return True
    numeric = {"integer", "number"}
    return bool(a & b) or (bool(a & numeric) and bool(b & numeric))


def _allows(types: Types, name: str) -> bool:
    return types is None or name in types


def _show_types(types: Types) -> str:
    if types is None:
        return "any"
    return " | ".join(sorted(types, key=lambda t: (_TYPE_ORDER.index(t) if t in _TYPE_ORDER else 99, t)))


def _show(value: Any) -> str:
    return "(none)" if value is _MISSING else json.dumps(value, ensure_ascii=False)


def _show_values(values: list[Any]) -> str:
    shown = ", ".join(_show(value) for value in values[:_MAX_SHOWN_VALUES])
    more = len(values) - _MAX_SHOWN_VALUES
    return f"{shown}, … (+{more} more)" if more > 0 else shown


def _enum_of(node: Mapping[str, Any]) -> list[Any] | None:
    if isinstance(node.get("enum"), list):
        return list(node["enum"])
    if "const" in node:
        return [node["const"]]
    return None


def _value_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _canonical(node: Any, defs: Mapping[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """A schema with references expanded (a recursive one left as `$ref`), text keywords dropped and two
    spellings made one (`const: x` is `enum: [x]`; a lone `allOf: [S]` is S), so that schemas written for
    OpenAPI 3.0 and 3.1 that validate alike compare equal."""
    if not isinstance(node, dict):
        return node
    name = ref_name(node)
    if name is not None and name in defs:
        if name in stack or len(stack) >= _MAX_REF_DEPTH:
            return {"$ref": name}
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        return _canonical({**defs[name], **siblings}, defs, (*stack, name))
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _TEXT_KEYWORDS:
            continue
        if key in SCHEMA_KEYWORDS and isinstance(value, dict):
            out[key] = _canonical(value, defs, stack)
        elif key in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
            out[key] = [_canonical(item, defs, stack) for item in value]
        elif key in SCHEMA_MAP_KEYWORDS and isinstance(value, dict):
            out[key] = {k: _canonical(v, defs, stack) for k, v in value.items()}
        elif key == "const" and "enum" not in node:
            out["enum"] = [value]
        else:
            out[key] = value
    if list(out) == ["allOf"] and isinstance(out["allOf"], list) and len(out["allOf"]) == 1:
        return out["allOf"][0]
    return out


def _is_scalar(value: Any) -> bool:
    return value is _MISSING or value is None or isinstance(value, str | int | float | bool)


@dataclass(slots=True)
class _Differ:
    """Walks two schemas side by side, collecting `SchemaChange`s."""

    old_defs: Mapping[str, Any]
    new_defs: Mapping[str, Any]
    renames: dict[str, str]
    descriptions: bool
    changes: list[SchemaChange] = field(default_factory=list)
    _seen: set[tuple[tuple[str, ...], str | None, str | None]] = field(default_factory=set)

    def emit(
        self,
        delta: Delta,
        path: tuple[str, ...],
        detail: str,
        *,
        narrows: bool,
        widens: bool,
        previous: str | None = None,
    ) -> None:
        self.changes.append(SchemaChange(delta, path, detail, narrows, widens, previous))

    def compare(self, old: Any, new: Any, path: tuple[str, ...]) -> None:
        """Compare two schemas found at `path`."""
        old_defs, new_defs = self.old_defs, self.new_defs
        old_node, old_ref = _resolve(old, old_defs)
        new_node, new_ref = _resolve(new, new_defs)
        if old_ref is not None or new_ref is not None:
            # Once per pair of shared schemas per argument: ends recursion, bounds the work on big specs.
            key = (path[:1], old_ref, new_ref)
            if key in self._seen:
                return
            self._seen.add(key)
        if not isinstance(old_node, dict) or not isinstance(new_node, dict):
            if old_node != new_node:
                self.emit(Delta.OTHER, path, "schema changed", narrows=False, widens=False)
            return
        if path and self.descriptions and old_node.get("description") != new_node.get("description"):
            self.emit(Delta.DESCRIPTION, path, "description changed", narrows=False, widens=False)
        old_types, new_types = _types(old_node, old_defs), _types(new_node, new_defs)
        if old_types != new_types:
            self.emit(
                Delta.TYPE,
                path,
                f"type {_show_types(old_types)} → {_show_types(new_types)}",
                narrows=not _covers(new_types, old_types),
                widens=not _covers(old_types, new_types),
            )
            if not _overlap(old_types, new_types):
                return  # nothing else about the old values says anything about the new ones
        self.compare_enum(old_node, new_node, path)
        self.compare_constraints(old_node, new_node, path)
        if _allows(old_types, "object") and _allows(new_types, "object"):
            self.compare_object(old_node, new_node, path, renames=self.renames if not path else None)
        old_items, new_items = old_node.get("items"), new_node.get("items")
        if _allows(old_types, "array") and _allows(new_types, "array") and old_items is not None:
            if new_items is not None:
                self.compare(old_items, new_items, (*path, "[]"))
        if old_types == new_types:
            self.compare_rest(old_node, new_node, path)

    def compare_object(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        path: tuple[str, ...],
        *,
        renames: Mapping[str, str] | None = None,
    ) -> None:
        """Compare the properties of two object schemas; `renames` maps a new property name to its old one."""
        old_props, new_props = _properties(old), _properties(new)
        old_required = {name for name in old.get("required", ()) if isinstance(name, str)}
        new_required = {name for name in new.get("required", ()) if isinstance(name, str)}
        old_closed = old.get("additionalProperties") is False
        new_closed = new.get("additionalProperties") is False
        renames = renames or {}
        paired = set(renames.values())
        for name, schema in new_props.items():
            where = (*path, name)
            previous = renames.get(name)
            if previous is None and name in old_props and name not in paired:
                previous = name
            if previous is None:
                required = name in new_required
                detail = "added (required)" if required else "added (optional)"
                self.emit(Delta.ADDED, where, detail, narrows=required, widens=old_closed)
                continue
            paired.add(previous)
            if previous != name:
                detail = f"renamed from {previous}"
                self.emit(Delta.RENAMED, where, detail, narrows=new_closed, widens=old_closed, previous=previous)
            was_required, is_required = previous in old_required, name in new_required
            if is_required and not was_required:
                self.emit(Delta.NOW_REQUIRED, where, "now required", narrows=True, widens=False)
            elif was_required and not is_required:
                self.emit(Delta.NO_LONGER_REQUIRED, where, "no longer required", narrows=False, widens=True)
            self.compare(old_props[previous], schema, where)
        for name in old_props:
            if name not in paired:
                self.emit(Delta.REMOVED, (*path, name), "removed", narrows=new_closed, widens=name in old_required)
        if old_closed != new_closed and not isinstance(old.get("additionalProperties"), dict):
            if not isinstance(new.get("additionalProperties"), dict):
                detail = "no longer accepts other properties" if new_closed else "now accepts other properties"
                self.emit(Delta.CONSTRAINT, path, detail, narrows=new_closed, widens=old_closed)

    def compare_enum(self, old: Mapping[str, Any], new: Mapping[str, Any], path: tuple[str, ...]) -> None:
        """Enum (or const) values removed narrow; values added widen."""
        before, after = _enum_of(old), _enum_of(new)
        if before is None and after is None:
            return
        if before is None:
            detail = f"now restricted to: {_show_values(after or [])}"
            self.emit(Delta.ENUM_NARROWED, path, detail, narrows=True, widens=False)
            return
        if after is None:
            detail = "no longer restricted to fixed values"
            self.emit(Delta.ENUM_WIDENED, path, detail, narrows=False, widens=True)
            return
        before_keys = {_value_key(value) for value in before}
        after_keys = {_value_key(value) for value in after}
        removed = [value for value in before if _value_key(value) not in after_keys]
        added = [value for value in after if _value_key(value) not in before_keys]
        if removed:
            detail = f"enum values removed: {_show_values(removed)}"
            self.emit(Delta.ENUM_NARROWED, path, detail, narrows=True, widens=False)
        if added:
            detail = f"enum values added: {_show_values(added)}"
            self.emit(Delta.ENUM_WIDENED, path, detail, narrows=False, widens=True)

    def compare_constraints(self, old: Mapping[str, Any], new: Mapping[str, Any], path: tuple[str, ...]) -> None:
        """Bounds, `pattern`, `multipleOf` and `uniqueItems`."""
        kind = Delta.CONSTRAINT
        for keyword in (*_LOWER_BOUNDS, *_UPPER_BOUNDS):
            before, after = old.get(keyword, _MISSING), new.get(keyword, _MISSING)
            if before == after:
                continue
            if before is _MISSING or after is _MISSING:
                narrows = before is _MISSING
            else:
                narrows = after > before if keyword in _LOWER_BOUNDS else after < before
            self.emit(kind, path, f"{keyword}: {_show(before)} → {_show(after)}", narrows=narrows, widens=not narrows)
        for keyword in ("pattern", "multipleOf"):
            before, after = old.get(keyword, _MISSING), new.get(keyword, _MISSING)
            if before == after:
                continue
            narrows, widens = before is _MISSING, after is _MISSING
            if keyword == "multipleOf" and isinstance(before, int) and isinstance(after, int) and before and after:
                narrows, widens = after % before == 0, before % after == 0
            # A pattern replaced by another is not clearly narrower or wider.
            self.emit(kind, path, f"{keyword}: {_show(before)} → {_show(after)}", narrows=narrows, widens=widens)
        unique_before, unique_after = old.get("uniqueItems") is True, new.get("uniqueItems") is True
        if unique_before != unique_after:
            detail = f"uniqueItems: {_show(unique_before)} → {_show(unique_after)}"
            self.emit(kind, path, detail, narrows=unique_after, widens=unique_before)

    def compare_rest(self, old: Mapping[str, Any], new: Mapping[str, Any], path: tuple[str, ...]) -> None:
        """Every other keyword (`format`, `default`, `oneOf`, …): reported, never breaking."""
        old_defs, new_defs = self.old_defs, self.new_defs
        for keyword in sorted(set(old) | set(new)):
            if keyword in _COMPARED:
                continue
            before, after = old.get(keyword, _MISSING), new.get(keyword, _MISSING)
            if keyword == "additionalProperties" and not (isinstance(before, dict) or isinstance(after, dict)):
                continue  # true/false: compared with the properties
            if _canonical({keyword: before}, old_defs) == _canonical({keyword: after}, new_defs):
                continue
            if _is_scalar(before) and _is_scalar(after):
                detail = f"{keyword}: {_show(before)} → {_show(after)}"
            else:
                detail = f"{keyword} changed"
            self.emit(Delta.OTHER, path, detail, narrows=False, widens=False)
