"""`--schema-budget`: one tool's definition cut to a number of characters, losing the least a model needs.

Measured as a model is shown it: name, description and inputSchema as compact JSON, after the client profile's
rewrite. Over the budget, long descriptions are trimmed first (of nested properties, then of arguments, then the
tool description's middle paragraphs: its summary and its `Returns:`/`Errors:` lines stay), then optional nested
objects are collapsed, the largest first: shown as an object (or JSON text) whose description names the
properties left out. The runtime still validates against the whole schema, so the API's rules apply to what the
model sends into a collapsed object (`converter.tools.ArgumentCheck`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from converter.describe import truncate
from converter.model import JsonObject
from converter.profiles import SchemaRules
from converter.shape import COLLAPSED, Shaped, shape_schema

__all__ = ["FitCache", "Fitted", "collapse_schema", "cut_descriptions", "fit_definition", "shown_size"]

# Each step trims a little more: a description cut of the schema at a depth (arguments are depth 1, their
# properties 2 and deeper) to some characters (0: left out), or the tool description shortened to a level.
Step = tuple[str, int, int]
_TRIM: tuple[Step, ...] = (
    ("schema", 2, 160),
    ("schema", 2, 80),
    ("schema", 1, 200),
    ("schema", 1, 120),
    ("tool", 1, 0),
)
"""Long descriptions trimmed, before anything is collapsed."""
_LAST_RESORT: tuple[Step, ...] = (("schema", 2, 0), ("schema", 1, 60), ("tool", 2, 0))
"""Still over after collapsing: descriptions of nested properties left out, arguments' cut short, errors by
status only."""
_BODY_CHARS = 200
_TYPE_CHARS = 40
"""What a collapsed object costs besides its note (`"type":"object"`, the keys): smaller ones are not worth it."""
_NAMES_SHOWN = 8
_RESHAPES = 6
# Objects deeper than this are not candidates (they go with their ancestors; measuring each costs more than it
# finds): an outputSchema's biggest parts sit near its root, an inputSchema's may be deeper (its arguments' parts).
_INPUT_LEVELS = 6
_OUTPUT_LEVELS = 2


def shown_size(name: str, description: str, schema: JsonObject) -> int:
    """Characters of a tool's name, description and inputSchema as one compact JSON object."""
    shown = {"name": name, "description": description, "inputSchema": schema}
    return len(json.dumps(shown, ensure_ascii=False, separators=(",", ":")))


@dataclass(slots=True)
class Fitted:
    """A tool's description and shaped inputSchema, and what fitting them to the budget took."""

    description: str
    shaped: Shaped
    size: int
    changes: list[str] = field(default_factory=list)


class FitCache:
    """What fitting one API's tools can share: big APIs' tools share their `$defs` (the same objects), whose
    descriptions are then cut once."""

    def __init__(self) -> None:
        self.cuts: dict[tuple[int, int, tuple[tuple[int, int], ...]], tuple[Any, Any]] = {}


def fit_definition(
    *,
    name: str,
    description: str,
    schema: JsonObject,
    rules: SchemaRules,
    budget: int | None,
    cache: FitCache | None = None,
) -> Fitted:
    """Shape `schema` for the client and, when the whole definition is over `budget` characters, trim and
    collapse until it fits (or nothing optional is left to collapse).

    Args:
        name: The tool's name.
        description: The tool's description.
        schema: Its inputSchema before shaping (what the API accepts).
        rules: The client's schema rules.
        budget: Characters, or None for no limit.
        cache: Shared by the tools of one API (`FitCache`).
    """
    shaped = _shape(schema, rules)
    fitted = Fitted(description, shaped, shown_size(name, description, shaped.schema))
    if budget is None or fitted.size <= budget:
        return fitted
    working = _Working(schema, description, cache or FitCache())
    if _trim(fitted, name, working, rules, budget, _TRIM):
        return fitted
    collapsed, working.schema = _collapse(fitted, name, working.schema, rules, budget)
    if collapsed:
        fitted.changes.append("collapsed: " + ", ".join(collapsed))
        working.collapsed = True
    if fitted.size > budget:
        _trim(fitted, name, working, rules, budget, _LAST_RESORT)
    return fitted


@dataclass(slots=True)
class _Working:
    schema: JsonObject
    description: str
    cache: FitCache
    collapsed: bool = False


def _trim(
    fitted: Fitted, name: str, working: _Working, rules: SchemaRules, budget: int, steps: tuple[Step, ...]
) -> bool:
    """Apply `steps` in order until the definition fits (True); all of them when it does not (False). The whole
    run is measured first: a definition that will not fit anyway is not measured at every step."""

    def state(count: int) -> tuple[JsonObject, str]:
        """The schema and description after the first `count` steps (one walk of the schema)."""
        limits: dict[int, int] = {}
        description = working.description
        for kind, depth, limit in steps[:count]:
            if kind == "schema":
                limits[depth] = min(limits.get(depth, limit), limit)
            else:
                description = _short_description(description, level=depth)
        return _Cutter(limits, working.cache).cut(working.schema, 0), description

    schema, description = state(len(steps))
    if _measure(fitted, name, schema, description, rules, collapsed=working.collapsed) <= budget:
        # The fewest steps that fit (sizes shrink with every step): a binary search, each probe one walk.
        low, high = 1, len(steps)
        while low < high:
            middle = (low + high) // 2
            if _measure(fitted, name, *state(middle), rules, collapsed=working.collapsed) <= budget:
                high = middle
            else:
                low = middle + 1
        schema, description = state(low)
        _measure(fitted, name, schema, description, rules, collapsed=working.collapsed)
    working.schema = schema
    working.description = description
    if "descriptions shortened" not in fitted.changes:
        fitted.changes.append("descriptions shortened")
    return fitted.size <= budget


def _measure(
    fitted: Fitted, name: str, schema: JsonObject, description: str, rules: SchemaRules, *, collapsed: bool
) -> int:
    fitted.description = description
    fitted.shaped = _shape(schema, rules, collapsed=collapsed)
    fitted.size = shown_size(name, description, fitted.shaped.schema)
    return fitted.size


def _shape(schema: JsonObject, rules: SchemaRules, *, collapsed: bool = False) -> Shaped:
    """`shape_schema`, skipped for the default rules until something is collapsed (then it has nothing to do)."""
    if rules == _PORTABLE and not collapsed:
        return Shaped(schema)
    return shape_schema(schema, rules)


_PORTABLE = SchemaRules()


def cut_descriptions(schema: JsonObject, *, chars: int, cache: FitCache | None = None) -> JsonObject:
    """`schema` (an inputSchema) with every argument's and property's description cut to `chars` characters at a
    sentence end or word boundary (`cache`: shared by one API's tools, as `fit_definition`'s)."""
    cut: JsonObject = _Cutter({1: chars}, cache or FitCache()).cut(schema, 0)
    return cut


def collapse_schema(schema: JsonObject, *, budget: int) -> JsonObject | None:
    """`schema` (an outputSchema) with nested objects collapsed, the largest first, until it is at most `budget`
    characters as compact JSON; None when it cannot get there. A collapsed object accepts any object, so every
    result that validated still does."""
    fitted = Fitted("", Shaped(schema), len(_dumps(schema)))
    if fitted.size <= budget:
        return schema
    _collapse(fitted, "", schema, SchemaRules(), budget, overhead=False, output=True)
    return fitted.shaped.schema if fitted.size <= budget else None


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class _Cutter:
    """Cuts descriptions: at a depth of `limits`' key or deeper, to the smallest of its values that applies (0: left
    out). Arguments are depth 1, their properties 2, `$defs` 2 and deeper. Parts with nothing to cut are shared, not
    copied; objects seen before (in the cache) are cut once."""

    def __init__(self, limits: dict[int, int], cache: FitCache) -> None:
        self.limits = limits
        self.key = tuple(sorted(limits.items()))
        self.cache = cache

    def cut(self, schema: Any, level: int) -> Any:
        if isinstance(schema, list):
            items = [self.cut(v, level) for v in schema]
            return schema if all(a is b for a, b in zip(items, schema, strict=True)) else items
        if not isinstance(schema, dict):
            return schema
        key = (id(schema), level, self.key)
        done = self.cache.cuts.get(key)
        if done is None:
            done = self.cache.cuts[key] = (schema, self._cut(schema, level))
        return done[1]

    def _cut(self, schema: JsonObject, level: int) -> Any:
        applies = [limit for depth, limit in self.limits.items() if level >= depth]
        changed: JsonObject = {}
        for key, value in schema.items():
            if key == "description" and isinstance(value, str) and applies:
                limit = min(applies)
                if not limit or len(value) > limit:
                    changed[key] = truncate(value, limit=limit) if limit else _DROP
            elif key in ("properties", "$defs", "patternProperties") and isinstance(value, dict):
                below = max(level + 1, 2) if key == "$defs" else level + 1
                members = {k: self.cut(v, below) for k, v in value.items()}
                if any(members[k] is not v for k, v in value.items()):
                    changed[key] = members
            elif isinstance(value, dict | list) and key not in ("enum", "examples", "default", "const", "required"):
                sub = self.cut(value, level + (key == "items"))
                if sub is not value:
                    changed[key] = sub
        if not changed:
            return schema
        out = {key: changed.get(key, value) for key, value in schema.items()}
        return {key: value for key, value in out.items() if value is not _DROP}


_DROP = object()


def _short_description(description: str, *, level: int) -> str:
    """Level 1: the summary paragraph, the body's first paragraph cut short, the `Returns:`/`Errors:` lines.
    Level 2: the summary and those lines, errors by status only."""
    paragraphs = description.split("\n\n")
    tail = paragraphs[-1] if len(paragraphs) > 1 and paragraphs[-1].startswith(("Returns:", "Errors:")) else ""
    body = paragraphs[1:-1] if tail else paragraphs[1:]
    if level == 1:
        kept = [paragraphs[0], *(truncate(p, limit=_BODY_CHARS) for p in body[:1]), tail]
    else:
        kept = [paragraphs[0], "\n".join(_bare_errors(line) for line in tail.split("\n")) if tail else ""]
    return "\n\n".join(p for p in kept if p)


def _bare_errors(line: str) -> str:
    """`Errors: 404; 422: validation failed.` → `Errors: 404, 422.`"""
    if not line.startswith("Errors: "):
        return line
    statuses = [part.split(":", 1)[0].strip() for part in line[len("Errors: ") :].rstrip(".…").split(";")]
    return "Errors: " + ", ".join(s for s in statuses if s) + "."


@dataclass(slots=True)
class _Candidate:
    node: JsonObject
    path: str
    size: int
    ancestors: tuple[int, ...]


class _Finder:
    """Finds the objects below the root that list properties and that a call may leave out (with `required_too`,
    any such object)."""

    def __init__(self, *, required_too: bool, levels: int) -> None:
        self.required_too = required_too
        self.levels = levels

    def walk(
        self, schema: Any, *, path: str, optional: bool, ancestors: tuple[int, ...], level: int
    ) -> Iterator[_Candidate]:
        if not isinstance(schema, dict):
            return
        properties = schema.get("properties")
        members: dict[str, Any] = properties if isinstance(properties, dict) else {}
        if level > self.levels:
            return
        if level >= 1 and (optional or self.required_too) and members:
            yield _Candidate(schema, path, len(_dumps(schema)), ancestors)
        inner = (*ancestors, id(schema))
        required = schema.get("required")
        needed: list[Any] = required if isinstance(required, list) else []
        for key, value in members.items():
            # Inside an optional object everything may be left out; inside a required one, what it does not require.
            inside = (optional and level > 0) or key not in needed
            name = f"{path}.{key}" if path else key
            yield from self.walk(value, path=name, optional=inside, ancestors=inner, level=level + 1)
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                yield from self.walk(schema[key], path=f"{path}[]", optional=optional, ancestors=inner, level=level + 1)
        for key in ("anyOf", "oneOf", "allOf"):
            alternatives = schema.get(key)
            for member in alternatives if isinstance(alternatives, list) else ():
                yield from self.walk(member, path=path, optional=optional, ancestors=inner, level=level)
        definitions = schema.get("$defs")
        for name, definition in (definitions if isinstance(definitions, dict) else {}).items():
            yield from self.walk(definition, path=name, optional=False, ancestors=inner, level=1)


def _collapse(
    fitted: Fitted,
    name: str,
    schema: JsonObject,
    rules: SchemaRules,
    budget: int,
    *,
    overhead: bool = True,
    output: bool = False,
) -> tuple[list[str], JsonObject]:
    """Collapse candidates of a copy of `schema` until `fitted` is within `budget`. For an `output` schema every
    nested object is a candidate, and collapsed ones are written in their final form."""
    # A copy to collapse in place: through JSON, several times faster than copy.deepcopy on big schemas.
    schema = json.loads(_dumps(schema))
    finder = _Finder(required_too=output, levels=_OUTPUT_LEVELS if output else _INPUT_LEVELS)
    found = sorted(finder.walk(schema, path="", optional=True, ancestors=(), level=0), key=lambda c: (-c.size, c.path))
    if not found:
        return [], schema
    pre_size = len(_dumps(schema))
    extra = fitted.size - len(_dumps(fitted.shaped.schema)) if overhead else 0
    collapsed: list[str] = []
    gone: set[int] = set()
    index = 0
    for _ in range(_RESHAPES):
        # What the shaped schema will measure is estimated from the unshaped one, then measured after each round.
        ratio = max(0.1, (fitted.size - extra) / max(pre_size, 1))
        target = (budget - extra) / ratio
        while index < len(found) and pre_size > target:
            candidate = found[index]
            index += 1
            note = _note(candidate.node)
            if gone.intersection(candidate.ancestors) or candidate.size <= len(note) + _TYPE_CHARS:
                continue  # inside what is already collapsed, or no bigger than what would replace it
            _mark_collapsed(candidate.node, note, final=output)
            gone.add(id(candidate.node))
            collapsed.append(candidate.path)
            pre_size -= candidate.size - len(_dumps(candidate.node))
        _prune_defs(schema)
        fitted.shaped = Shaped(schema) if output else shape_schema(schema, rules)
        fitted.size = len(_dumps(fitted.shaped.schema)) + extra
        pre_size = len(_dumps(schema))
        if fitted.size <= budget or index >= len(found):
            break
    return collapsed, schema


def _note(node: JsonObject) -> str:
    names = list(node.get("properties") or {})
    return "properties not shown: " + ", ".join(names[:_NAMES_SHOWN]) + (", …" if len(names) > _NAMES_SHOWN else "")


def _mark_collapsed(node: JsonObject, note: str, *, final: bool) -> None:
    """Mark `node` collapsed for the client's rules to show (`final`: as an object accepting any object)."""
    kept: JsonObject = {k: node[k] for k in ("type", "description") if k in node}
    node.clear()
    node.update(kept)
    if final:
        description = kept.get("description")
        node["description"] = f"{description} ({note})" if isinstance(description, str) and description else note
    else:
        node[COLLAPSED] = note


def _prune_defs(schema: JsonObject) -> None:
    """Drop the `$defs` nothing refers to any more (collapsing removed their last reference)."""
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return
    while True:
        text = _dumps({k: v for k, v in schema.items() if k != "$defs"}) + _dumps(defs)
        unused = [n for n in defs if f'"#/$defs/{n}"' not in text]
        if not unused:
            break
        for n in unused:
            del defs[n]
    if not defs:
        del schema["$defs"]
