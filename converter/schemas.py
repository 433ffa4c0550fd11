"""OpenAPI schema objects → JSON Schema 2020-12, with shared schemas named once and converted on demand."""

from __future__ import annotations

import enum
import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from converter.describe import describe_argument
from converter.errors import Location
from converter.model import JsonObject
from converter.refs import Resolver, Target

DEFS_PREFIX = "#/$defs/"
MAX_DEPTH = 64


class Mode(enum.Enum):
    """Which side of the API a schema describes: inputs drop `readOnly` members, outputs `writeOnly` ones; a
    document (a schema resource a model reads) keeps both."""

    INPUT = "input"
    OUTPUT = "output"
    DOCUMENT = "document"


class Dialect(enum.Enum):
    """The schema dialect of the source document (recorded; conversion reads 3.0 forms in 3.1 documents
    too — `nullable`, boolean exclusive bounds, `example` — because real specs mix them)."""

    OAS30 = "3.0"
    """OpenAPI 3.0 (and Swagger 2.0, upgraded): `nullable`, boolean exclusive bounds, `example`."""
    OAS31 = "3.1"
    """OpenAPI 3.1+: JSON Schema 2020-12 already."""


# Keywords whose value is a schema, a list of schemas, or a map of name → schema.
SCHEMA_KEYWORDS = (
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "items",
)
SCHEMA_LIST_KEYWORDS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_MAP_KEYWORDS = ("properties", "patternProperties", "dependentSchemas")

_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_count(value: Any) -> bool:
    return _is_number(value) and value >= 0 and float(value).is_integer()


def _is_string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


_VALUE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "title": lambda v: isinstance(v, str),
    "description": lambda v: isinstance(v, str),
    "format": lambda v: isinstance(v, str),
    "pattern": lambda v: isinstance(v, str),
    "contentEncoding": lambda v: isinstance(v, str),
    "contentMediaType": lambda v: isinstance(v, str),
    "enum": lambda v: isinstance(v, list),
    "const": lambda v: True,
    "default": lambda v: True,
    "examples": lambda v: isinstance(v, list),
    "minimum": _is_number,
    "maximum": _is_number,
    "exclusiveMinimum": _is_number,
    "exclusiveMaximum": _is_number,
    "multipleOf": lambda v: _is_number(v) and v > 0,
    "minLength": _is_count,
    "maxLength": _is_count,
    "minItems": _is_count,
    "maxItems": _is_count,
    "minProperties": _is_count,
    "maxProperties": _is_count,
    "minContains": _is_count,
    "maxContains": _is_count,
    "uniqueItems": lambda v: isinstance(v, bool),
    "readOnly": lambda v: isinstance(v, bool),
    "writeOnly": lambda v: isinstance(v, bool),
    "deprecated": lambda v: isinstance(v, bool),
    "dependentRequired": lambda v: isinstance(v, dict) and all(_is_string_list(x) for x in v.values()),
}

_NAME_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_STRUCTURAL_TOKENS = frozenset({"schema", "schemas", "items", "properties", "content", "components", "definitions"})


def ref_to(name: str) -> JsonObject:
    """A reference to the shared schema `name`."""
    return {"$ref": DEFS_PREFIX + name}


def ref_name(schema: Any) -> str | None:
    """The shared-schema name a `{"$ref": "#/$defs/<name>"}` node refers to, else None."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(DEFS_PREFIX):
            return ref[len(DEFS_PREFIX) :]
    return None


def subschemas(schema: JsonObject) -> Iterator[tuple[str, str | int | None, Any]]:
    """Each subschema of a converted schema as (keyword, key or index or None, subschema)."""
    for keyword in SCHEMA_KEYWORDS:
        if keyword in schema and isinstance(schema[keyword], dict):
            yield keyword, None, schema[keyword]
    for keyword in SCHEMA_LIST_KEYWORDS:
        value = schema.get(keyword)
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield keyword, index, item
    for keyword in SCHEMA_MAP_KEYWORDS:
        value = schema.get(keyword)
        if isinstance(value, dict):
            for key, item in value.items():
                yield keyword, key, item


def collect_refs(schema: Any, into: list[str]) -> None:
    """Append every shared-schema name referred to inside `schema` (once per place)."""
    if not isinstance(schema, dict):
        return
    name = ref_name(schema)
    if name is not None:
        into.append(name)
    for _, _, sub in subschemas(schema):
        collect_refs(sub, into)


def is_object_schema(schema: JsonObject) -> bool:
    """True when the schema describes a JSON object (by `type`, or by object keywords without a type)."""
    kind = schema.get("type")
    if kind == "object":
        return True
    if kind is None:
        return "properties" in schema or "additionalProperties" in schema
    return False


@dataclass(slots=True)
class _ModeCache:
    """What the store has worked out about shared schemas, for one mode."""

    converted: dict[str, JsonObject] = field(default_factory=dict)
    references: dict[str, tuple[str, ...]] = field(default_factory=dict)
    closures: dict[str, frozenset[str]] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    recursive: dict[str, bool] = field(default_factory=dict)


class SchemaStore:
    """Converts schemas to JSON Schema 2020-12 and hands out shared ones by name, converting each once."""

    def __init__(self, resolver: Resolver, *, dialect: Dialect) -> None:
        self.resolver = resolver
        self.dialect = dialect
        self._names: dict[Target, str] = {}
        self._targets: dict[str, Target] = {}
        self._referrers: dict[str, Location] = {}
        self._caches = {mode: _ModeCache() for mode in Mode}

    def name_of(self, target: Target, *, referrer: Location) -> str:
        """The `$defs` name of a target, assigned on first sight: `Pet`, or `Pet_2` when taken.

        `referrer` (the first `$ref` seen pointing at it) is where an unresolvable target is reported.
        """
        name = self._names.get(target)
        if name is not None:
            return name
        tokens = [t for t in target.pointer if t not in _STRUCTURAL_TOKENS] or [
            target.uri.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        ]
        base = _NAME_SAFE.sub("_", tokens[-1] if len(tokens) <= 2 else "_".join(tokens[-2:])).strip("_") or "schema"
        name, counter = base, 1
        while name in self._targets:
            counter += 1
            name = f"{base}_{counter}"
        self._names[target] = name
        self._targets[name] = target
        self._referrers[name] = referrer
        return name

    def location_of(self, name: str) -> Location:
        """Where the shared schema `name` is in the source documents."""
        return self.resolver.location(self._targets[name])

    def definition(self, name: str, mode: Mode) -> JsonObject:
        """The converted shared schema `name`, converted on first use.

        Raises:
            RefError: it, or a file it lives in, cannot be resolved.
        """
        cache = self._caches[mode].converted
        converted = cache.get(name)
        if converted is None:
            target = self._targets[name]
            raw = self.resolver.get(target, where=self._referrers[name])
            where = self.resolver.location(target)  # after get(): a file's short name is known once loaded
            converted = cache[name] = self.convert(raw, base=target.uri, where=where, mode=mode)
        return converted

    def references(self, name: str, mode: Mode) -> tuple[str, ...]:
        """The shared-schema names the definition of `name` refers to, once per place (cached)."""
        cache = self._caches[mode].references
        refs = cache.get(name)
        if refs is None:
            found: list[str] = []
            collect_refs(self.definition(name, mode), found)
            refs = cache[name] = tuple(found)
        return refs

    def closure(self, name: str, mode: Mode) -> frozenset[str]:
        """`name` and every shared schema reachable from it (cached)."""
        cache = self._caches[mode].closures
        reach = cache.get(name)
        if reach is None:
            found = {name}
            pending = [name]
            while pending:
                for ref in self.references(pending.pop(), mode):
                    if ref in found:
                        continue
                    known = cache.get(ref)
                    if known is not None:
                        found |= known
                    else:
                        found.add(ref)
                        pending.append(ref)
            reach = cache[name] = frozenset(found)
        return reach

    def size(self, name: str, mode: Mode) -> int:
        """Characters of the definition of `name` as compact JSON (its references counted as references)."""
        cache = self._caches[mode].sizes
        size = cache.get(name)
        if size is None:
            size = cache[name] = len(json.dumps(self.definition(name, mode), separators=(",", ":")))
        return size

    def is_recursive(self, name: str, mode: Mode) -> bool:
        """True when `name` is on a reference cycle (it can reach itself)."""
        cache = self._caches[mode].recursive
        if name not in cache:
            self._find_cycles(name, mode, cache)
        return cache[name]

    def _find_cycles(self, start: str, mode: Mode, known: dict[str, bool]) -> None:
        # Tarjan's strongly connected components, iterative. A node already classified is a leaf here:
        # had it been on a cycle with an unclassified node, its own search would have reached that node.
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        successors_of: dict[str, list[str]] = {}
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
                successors_of[node] = [n for n in self.references(node, mode) if n not in known]
            successors = successors_of[node]
            if child < len(successors):
                work.append((node, child + 1))
                succ = successors[child]
                if succ not in index:
                    work.append((succ, 0))
                elif succ in on_stack:
                    low[node] = min(low[node], index[succ])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                cyclic = len(component) > 1 or node in successors
                for member in component:
                    known[member] = cyclic
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])

    def convert(self, node: Any, *, base: str, where: Location, mode: Mode) -> JsonObject:
        """Convert one schema object found in document `base` at `where`; refs become `#/$defs/` names.

        Raises:
            RefError: a `$ref` in it is malformed or refused by policy (its target is not read here).
        """
        return self._convert(node, base, where, mode, 0)

    def _convert(self, node: Any, base: str, where: Location, mode: Mode, depth: int) -> JsonObject:
        if isinstance(node, bool):
            return {} if node else {"not": {}}
        if not isinstance(node, dict) or depth > MAX_DEPTH:
            return {}
        out: JsonObject = {}
        ref = node.get("$ref")
        if isinstance(ref, str):
            here = where.child("$ref")
            target = self.resolver.parse_ref(ref, base=base, where=here)
            out["$ref"] = DEFS_PREFIX + self.name_of(target, referrer=here)
        for keyword, value in node.items():
            if keyword in SCHEMA_KEYWORDS:
                if keyword == "items" and isinstance(value, list):  # draft-04 tuple form
                    out["prefixItems"] = [
                        self._convert(v, base, where.child(keyword, i), mode, depth + 1) for i, v in enumerate(value)
                    ]
                elif isinstance(value, bool) and keyword in ("additionalProperties", "unevaluatedProperties"):
                    out[keyword] = value
                elif isinstance(value, dict | bool):
                    out[keyword] = self._convert(value, base, where.child(keyword), mode, depth + 1)
            elif keyword in SCHEMA_LIST_KEYWORDS:
                if isinstance(value, list) and value:
                    out[keyword] = [
                        self._convert(v, base, where.child(keyword, i), mode, depth + 1) for i, v in enumerate(value)
                    ]
            elif keyword in SCHEMA_MAP_KEYWORDS:
                if isinstance(value, dict):
                    out[keyword] = self._convert_map(keyword, value, base, where, mode, depth)
            elif keyword == "type":
                kind = _convert_type(value)
                if kind is not None:
                    out["type"] = kind
            elif keyword == "required":
                if isinstance(value, list):
                    out["required"] = list(dict.fromkeys(v for v in value if isinstance(v, str)))
            elif keyword == "example":
                if "examples" not in node:
                    out["examples"] = [value]
            elif keyword == "pattern" and mode is Mode.OUTPUT and not _python_compiles(value):
                # Clients check results against the outputSchema with their own engine (the Python SDK: `re`);
                # a pattern it cannot compile (ECMA `\p{L}`, as in many AWS specs) fails every call. Inputs keep
                # it: our own argument check rewrites or skips what `re` cannot read.
                continue
            elif keyword in ("description", "title") and mode is not Mode.OUTPUT:
                # Spec text a model reads (inputSchemas and schema resources are shown to it; outputSchemas are for
                # the client to check results with): cleaned like every description (markup, hidden characters),
                # bounded.
                if isinstance(value, str) and (text := describe_argument(value, limit=_TEXT_LIMITS[keyword])):
                    out[keyword] = text
            elif (check := _VALUE_CHECKS.get(keyword)) is not None and check(value):
                out[keyword] = value
            elif keyword in ("exclusiveMinimum", "exclusiveMaximum") and value is True:
                bound = node.get("minimum" if keyword == "exclusiveMinimum" else "maximum")
                if _is_number(bound):
                    out[keyword] = bound
        return self._finish(node, out, mode)

    def _convert_map(
        self, keyword: str, value: dict[str, Any], base: str, where: Location, mode: Mode, depth: int
    ) -> JsonObject:
        hidden = {Mode.INPUT: "readOnly", Mode.OUTPUT: "writeOnly"}.get(mode)
        result: JsonObject = {}
        for key, sub in value.items():
            if hidden and keyword == "properties" and isinstance(sub, dict) and sub.get(hidden) is True:
                continue
            result[key] = self._convert(sub, base, where.child(keyword, key), mode, depth + 1)
        return result

    def _finish(self, node: JsonObject, out: JsonObject, mode: Mode) -> JsonObject:
        # Boolean exclusive bounds (3.0) replaced the inclusive bound they qualified.
        for exclusive, inclusive in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if node.get(exclusive) is True and exclusive in out:
                out.pop(inclusive, None)
        if out.get("type") == "file" or node.get("type") == "file":
            out["type"] = "string"
            out["format"] = "binary"
        kind = out.get("type")
        if mode is Mode.INPUT and out.get("format") == "binary" and (kind == "string" or "string" in (kind or ())):
            del out["format"]
            out["contentEncoding"] = "base64"
        if "properties" in out and "required" in out:
            # Members dropped for this mode (readOnly/writeOnly) are no longer required.
            props = node.get("properties")
            dropped = {k for k in props if k not in out["properties"]} if isinstance(props, dict) else set()
            if dropped:
                out["required"] = [r for r in out["required"] if r not in dropped]
        if (kind == "array" or (isinstance(kind, list) and "array" in kind)) and not (
            "items" in out or "prefixItems" in out
        ):
            out["items"] = {}  # some clients reject an array schema without `items`
        if node.get("nullable") is True or node.get("x-nullable") is True:
            out = _make_nullable(out)
        return out


def _convert_type(value: Any) -> str | list[str] | None:
    if isinstance(value, str):
        return value if value in _TYPES or value == "file" else None
    if isinstance(value, list):
        kinds = list(dict.fromkeys(v for v in value if isinstance(v, str) and v in _TYPES))
        return kinds or None
    return None


_TEXT_LIMITS = {"description": 300, "title": 100}


@functools.lru_cache(maxsize=1024)
def _python_compiles(pattern: object) -> bool:
    if not isinstance(pattern, str):
        return False
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return True


_ANNOTATIONS = ("title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly")


def _make_nullable(schema: JsonObject) -> JsonObject:
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"] if kind != "null" else kind
    elif isinstance(kind, list):
        if "null" not in kind:
            schema["type"] = [*kind, "null"]
    elif any(k in schema for k in ("$ref", "allOf", "anyOf", "oneOf")):
        inner = {k: v for k, v in schema.items() if k not in _ANNOTATIONS}
        outer = {k: v for k, v in schema.items() if k in _ANNOTATIONS}
        return {**outer, "anyOf": [inner, {"type": "null"}]}
    else:
        return schema  # no type: null is already allowed
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema
