"""A tool's inputSchema rewritten to the JSON Schema subset one client accepts (`converter.profiles` says what).

What the rewrite does, each only when the client's rules ask for it: references inlined, a recursive one
unfolded once and then cut; `allOf` merged, `oneOf` read as `anyOf`, `const` as a one-value `enum`; type arrays
and `null` written the client's way (`["string", "null"]` or `nullable: true`); every object closed and every
property required with optional ones made nullable (OpenAI's strict mode); keywords the client rejects folded into
the description (`maxLength: 5000`, `format: uri`, `default: 30`); objects that list no properties, values of
any type, and objects nested too deep shown as JSON text. Every array gets `items`.

The shown schema may accept what the API does not, or word things differently: the runtime keeps validating
calls against the original (`converter.tools.ArgumentCheck`), after decoding the JSON text at the recorded paths
and, for strict clients, dropping the nulls that stand for left-out optional arguments.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from converter.describe import truncate
from converter.model import JsonObject
from converter.profiles import SchemaRules
from converter.schemas import SCHEMA_KEYWORDS, SCHEMA_LIST_KEYWORDS, SCHEMA_MAP_KEYWORDS, ref_name

__all__ = ["COLLAPSED", "Shaped", "shape_schema"]

COLLAPSED = "x-oa2mcp-collapsed"
"""Set (by `converter.fit`) on an object whose properties are not shown; its value says what was left out."""

ANY_ITEM = "*"
"""In a JSON-text path: every item of an array, or every value of a map."""

_FOLDED_CHARS = 80
_HANDLED = frozenset(
    {"type", "nullable", "enum", "const", "anyOf", "oneOf", "allOf", "properties", "required", "items"}
    | {"additionalProperties", "prefixItems", "description", "$ref", "$defs", COLLAPSED}
)
# Keywords whose values are schemas or only bookkeeping: left out when not allowed, never folded into text.
_SILENT = frozenset(
    {*SCHEMA_KEYWORDS, *SCHEMA_LIST_KEYWORDS, *SCHEMA_MAP_KEYWORDS, "$schema", "$id", "$comment", "$anchor"}
    | {"title", "readOnly", "writeOnly", "contentMediaType"}
)
# Number formats only say how wide a number is: nothing a model must know when the client will not take them.
_WIDTH_FORMATS = frozenset({"int32", "int64", "float", "double"})


@dataclass(frozen=True, slots=True)
class Shaped:
    """An inputSchema as one client is shown it."""

    schema: JsonObject
    json_text: tuple[tuple[str, ...], ...] = ()
    """Argument paths (property names, `*` for any item) where a string holds JSON text the API wants decoded."""
    lossy: bool = False
    """The shown schema does not accept exactly what the original does."""


def shape_schema(schema: JsonObject, rules: SchemaRules) -> Shaped:
    """`schema` (a tool's inputSchema, `$defs` inside, `COLLAPSED` marks allowed) as `rules` say.

    The root stays an object with `properties`. With the default rules only collapsed objects and arrays
    without `items` change.
    """
    if not rules.inline_refs and rules.keywords is None and not rules.strict and not rules.typed_objects:
        shaper = _Portable()
        return Shaped(shaper.node(schema), lossy=shaper.lossy)
    defs = schema.get("$defs") or {}
    root = {k: v for k, v in schema.items() if k != "$defs"}
    shaper_ = _Shaper(rules, defs, root)
    shown = shaper_.node(root, path=(), stack=(), depth=0, is_root=True)
    if not rules.inline_refs and defs:
        shown["$defs"] = {name: shaper_.node(d, path=(), stack=(), depth=1) for name, d in defs.items()}
    return Shaped(shown, tuple(dict.fromkeys(shaper_.json_paths)), lossy=True)


class _Portable:
    """Only what every client needs: collapsed objects shown as objects with a note, `items` on every array."""

    def __init__(self) -> None:
        self.lossy = False

    def node(self, schema: Any) -> Any:
        if not isinstance(schema, dict):
            return schema
        if COLLAPSED in schema:
            self.lossy = True
            return _collapsed_object(schema)
        out: JsonObject = {}
        for key, value in schema.items():
            if key in ("properties", "patternProperties", "dependentSchemas", "$defs") and isinstance(value, dict):
                out[key] = {name: self.node(sub) for name, sub in value.items()}
            elif key in SCHEMA_KEYWORDS and isinstance(value, dict):
                out[key] = self.node(value)
            elif key in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
                out[key] = [self.node(sub) for sub in value]
            else:
                out[key] = value
        if _types(out) & {"array"} and "items" not in out and "prefixItems" not in out:
            out["items"] = {}
        return out


def _collapsed_object(schema: JsonObject) -> JsonObject:
    shown: JsonObject = {"type": "object"}
    kind = schema.get("type")
    if isinstance(kind, list) and "null" in kind:
        shown["type"] = ["object", "null"]
    shown["description"] = _join(schema.get("description"), [str(schema[COLLAPSED])])
    return shown


def _types(schema: JsonObject) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def _join(description: Any, notes: Iterable[str]) -> str:
    text = description if isinstance(description, str) else ""
    extra = "; ".join(note for note in notes if note)
    if not extra:
        return text
    return f"{text} ({extra})" if text else extra + "."


def _folded(key: str, value: Any) -> str:
    """A keyword the client does not take, as words for the description."""
    if key == "deprecated":
        return "deprecated" if value is True else ""
    if key == "examples" and isinstance(value, list) and value:
        return f"e.g. {_short(value[0])}"
    return f"{key}: {_short(value)}"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return truncate(text, limit=_FOLDED_CHARS)


@dataclass(frozen=True, slots=True)
class _Cut:
    """Where a recursive schema is cut: `name` is the shared schema that nests itself."""

    name: str


class _Shaper:
    def __init__(self, rules: SchemaRules, defs: dict[str, Any], root: JsonObject) -> None:
        self.rules = rules
        self.defs = defs
        self.root = root
        self.json_paths: list[tuple[str, ...]] = []

    def resolve(self, schema: Any, stack: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
        """Inline `$ref`s (when the rules say so) and merge `allOf`; a `_Cut` past the recursion limit."""
        if schema is True:
            return {}, stack
        if not isinstance(schema, dict):
            return ({"not": {}} if schema is False else {}), stack
        if self.rules.inline_refs:
            while isinstance(schema.get("$ref"), str):
                name = "#" if schema["$ref"] == "#" else ref_name(schema)
                siblings = {k: v for k, v in schema.items() if k != "$ref"}
                target = self.root if name == "#" else self.defs.get(name or "")
                if not isinstance(target, dict):
                    schema = siblings  # a reference nothing defines: any value
                    break
                if stack.count(name or "") >= self.rules.recursion:
                    return _Cut("the enclosing object" if name == "#" else name or ""), stack
                stack = (*stack, name or "")
                schema = {**target, **siblings}
        parts = schema.get("allOf")
        if isinstance(parts, list) and (self.rules.keywords is None or "allOf" not in self.rules.keywords):
            merged: JsonObject = {}
            for part in parts:
                resolved, stack = self.resolve(part, stack)
                if isinstance(resolved, dict):
                    _merge_into(merged, resolved)
            _merge_into(merged, {k: v for k, v in schema.items() if k != "allOf"}, override=True)
            schema = merged
        return schema, stack

    def text(self, schema: JsonObject, path: tuple[str, ...], what: str, *, nullable: bool) -> JsonObject:
        """A string holding JSON text in place of `schema`; the runtime decodes it (recorded at `path`)."""
        self.json_paths.append(path)
        shown: JsonObject = {"type": self.nullable_type("string") if nullable else "string"}
        if nullable and self.rules.single_type:
            shown["nullable"] = True
        shown["description"] = _join(schema.get("description"), [f"{what}, written as JSON text"])
        return shown

    def nullable_type(self, kind: str) -> Any:
        return kind if self.rules.single_type else [kind, "null"]

    def node(
        self, schema: Any, *, path: tuple[str, ...], stack: tuple[str, ...], depth: int, is_root: bool = False
    ) -> JsonObject:
        rules = self.rules
        resolved, stack = self.resolve(schema, stack)
        if isinstance(resolved, _Cut):
            return self.text({}, path, f"an object shaped like {resolved.name} (which nests itself)", nullable=False)
        schema = resolved
        kinds = _types(schema)
        nullable = "null" in kinds or schema.get("nullable") is True
        kinds.discard("null")
        if COLLAPSED in schema:
            note = str(schema[COLLAPSED])
            if rules.typed_objects or rules.strict:
                return self.text(schema, path, f"an object ({note})", nullable=nullable)
            return _collapsed_object(schema)
        is_object = "object" in kinds or (not kinds and ("properties" in schema or "additionalProperties" in schema))
        is_array = "array" in kinds or (not kinds and ("items" in schema or "prefixItems" in schema))
        enum = [schema["const"]] if "const" in schema else schema.get("enum")
        alternatives = schema.get("anyOf") or schema.get("oneOf")
        if not is_root and (rules.typed_objects or rules.strict):
            if is_object and not schema.get("properties") and not alternatives:
                return self.text(schema, path, "an object", nullable=nullable)
            if not kinds and not is_object and not is_array and enum is None and not alternatives:
                return self.text(schema, path, "a string, or any other JSON value", nullable=nullable)
            if len(kinds) > 1 and kinds & {"object", "array"}:
                return self.text(schema, path, " or ".join(sorted(kinds)), nullable=nullable)
            if is_object and rules.max_depth is not None and depth >= rules.max_depth:
                return self.text(schema, path, "an object (nested too deep to be shown)", nullable=nullable)
        out: JsonObject = {}
        notes: list[str] = []
        if isinstance(alternatives, list):
            members = [self.node(a, path=path, stack=stack, depth=depth) for a in alternatives]
            if any(m.get("type") == "null" and len(m) == 1 for m in members):
                nullable = True
                members = [m for m in members if not (m.get("type") == "null" and len(m) == 1)]
            if len(members) == 1:
                out.update(members[0])
            elif members:
                out["anyOf"] = members
        # An object that only lists alternatives (`type: object` + `oneOf`) is described by them: no empty
        # `properties` of its own, which some clients refuse.
        variants_only = bool(alternatives) and not schema.get("properties")
        if is_object and not variants_only:
            self.object_members(schema, out, notes, path=path, stack=stack, depth=depth)
        if is_array:
            items = schema.get("items")
            if not isinstance(items, dict | bool):
                prefix = schema.get("prefixItems")
                items = prefix[0] if isinstance(prefix, list) and prefix else {}
            out["items"] = self.node(items, path=(*path, ANY_ITEM), stack=stack, depth=depth + 1)
        kinds = kinds or ({"object"} if is_object else {"array"} if is_array else _enum_type(enum))
        if variants_only and "anyOf" in out:
            kinds -= {"object"}
        self.set_type(out, sorted(kinds), nullable=nullable)
        if isinstance(enum, list):
            self.set_enum(out, enum, notes, nullable=nullable)
        for key, value in schema.items():
            if key in _HANDLED:
                continue
            if rules.keywords is None or key in rules.keywords:
                if key == "format" and rules.formats is not None and value not in rules.formats:
                    if value not in _WIDTH_FORMATS:
                        notes.append(f"format: {_short(value)}")
                    continue
                out[key] = value
            elif key not in _SILENT:
                notes.append(_folded(key, value))
        description = _join(schema.get("description"), notes)
        if description:
            out["description"] = description
        return _ordered(out)

    def object_members(
        self,
        schema: JsonObject,
        out: JsonObject,
        notes: list[str],
        *,
        path: tuple[str, ...],
        stack: tuple[str, ...],
        depth: int,
    ) -> None:
        rules = self.rules
        found = schema.get("properties")
        properties: JsonObject = found if isinstance(found, dict) else {}
        listed = schema.get("required")
        required = [r for r in listed if isinstance(r, str) and r in properties] if isinstance(listed, list) else []
        shown: JsonObject = {}
        for name, sub in properties.items():
            child = self.node(sub, path=(*path, name), stack=stack, depth=depth + 1)
            shown[name] = _or_null(child) if rules.strict and name not in required else child
        out["properties"] = shown
        extra = schema.get("additionalProperties")
        if rules.strict:
            out["required"] = list(properties)
            out["additionalProperties"] = False
            if extra not in (None, False) and properties:
                notes.append("other keys are accepted too")
            return
        if required:
            out["required"] = required
        if rules.keywords is not None and "additionalProperties" not in rules.keywords:
            return
        if isinstance(extra, dict):
            out["additionalProperties"] = self.node(extra, path=(*path, ANY_ITEM), stack=stack, depth=depth + 1)
        elif isinstance(extra, bool):
            out["additionalProperties"] = extra

    def set_type(self, out: JsonObject, kinds: list[str], *, nullable: bool) -> None:
        if len(kinds) > 1:
            out["anyOf"] = [{"type": k} for k in kinds]
            if nullable:
                out["anyOf"].append({"nullable": True} if self.rules.single_type else {"type": "null"})
            return
        if not kinds:
            if nullable and "anyOf" in out and not self.rules.single_type:
                out["anyOf"].append({"type": "null"})
            elif nullable and self.rules.single_type:
                out["nullable"] = True
            return
        if nullable and self.rules.single_type:
            out["type"] = kinds[0]
            out["nullable"] = True
        else:
            out["type"] = [kinds[0], "null"] if nullable else kinds[0]

    def set_enum(self, out: JsonObject, enum: list[Any], notes: list[str], *, nullable: bool) -> None:
        values = [v for v in enum if v is not None]
        rules = self.rules
        fold = (rules.string_enums and any(not isinstance(v, str) for v in values)) or (
            rules.max_enum is not None and len(values) > rules.max_enum
        )
        if fold or not values:
            shown = ", ".join(_short(v) for v in values)
            notes.append(f"one of: {truncate(shown, limit=_FOLDED_CHARS * 4)}")
            return
        if nullable and not rules.single_type:
            values.append(None)  # `type` allows null: so must `enum`
        out["enum"] = values


_FIRST = ("type", "nullable", "description", "enum", "properties", "required", "items", "anyOf")


def _ordered(schema: JsonObject) -> JsonObject:
    """The keywords in the order a reader wants them: type and description first."""
    first = {key: schema[key] for key in _FIRST if key in schema}
    return {**first, **{k: v for k, v in schema.items() if k not in first}}


def _enum_type(enum: Any) -> set[str]:
    """The one JSON type of an enum's values (`{"string"}`), or nothing when they mix types."""
    if not isinstance(enum, list):
        return set()
    names = {
        "boolean"
        if isinstance(v, bool)
        else "integer"
        if isinstance(v, int)
        else "number"
        if isinstance(v, float)
        else "string"
        if isinstance(v, str)
        else "other"
        for v in enum
        if v is not None
    }
    return names if len(names) == 1 and "other" not in names else set()


def _or_null(schema: JsonObject) -> JsonObject:
    """`schema` also accepting null (how strict mode says "optional")."""
    kind = schema.get("type")
    if isinstance(kind, str):
        shown = {**schema, "type": [kind, "null"]} if kind != "null" else schema
    elif isinstance(kind, list):
        shown = schema if "null" in kind else {**schema, "type": [*kind, "null"]}
    elif isinstance(schema.get("anyOf"), list):
        members = schema["anyOf"]
        has_null = any(m.get("type") == "null" for m in members if isinstance(m, dict))
        shown = schema if has_null else {**schema, "anyOf": [*members, {"type": "null"}]}
    else:
        shown = schema
    if isinstance(shown.get("enum"), list) and None not in shown["enum"]:
        shown = {**shown, "enum": [*shown["enum"], None]}
    return shown


def _merge_into(merged: JsonObject, part: JsonObject, *, override: bool = False) -> None:
    """Lay the `allOf` part `part` over `merged`: properties and required lists joined, the first word kept on
    anything else (`override`: the schema's own keywords, which win)."""
    for key, value in part.items():
        if key == "properties" and isinstance(value, dict):
            merged["properties"] = {**value, **merged.get("properties", {})}
        elif key == "required" and isinstance(value, list):
            merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
        elif override or key not in merged:
            merged[key] = value
