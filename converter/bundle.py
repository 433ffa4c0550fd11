"""Make one tool's schema self-contained: shared schemas used once are inlined, the rest go under `$defs`.

A shared schema is inlined when exactly one place in the tool's schema refers to it and it is not part
of a reference cycle; a schema used from several places, or a recursive one, is kept once under `$defs`
and referred to. Only the schemas a tool reaches are read, converted and copied. To keep an outputSchema
within its budget, the biggest shared object schemas can be left out (`SchemaBundle.stub`): each reference to
one becomes an object with a note, which accepts any object.
"""

from __future__ import annotations

import json
from typing import Any

from converter.model import JsonObject
from converter.schemas import (
    SCHEMA_KEYWORDS,
    SCHEMA_LIST_KEYWORDS,
    SCHEMA_MAP_KEYWORDS,
    Mode,
    SchemaStore,
    collect_refs,
    ref_name,
)

# Siblings of a `$ref` that only annotate: they can be laid over an inlined target without changing meaning.
_ANNOTATION_KEYS = frozenset({"title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"})


class _Bundler:
    def __init__(self, store: SchemaStore, mode: Mode) -> None:
        self.store = store
        self.mode = mode
        self.reached: frozenset[str] = frozenset()
        self.root_refs: list[str] = []
        self.inline: set[str] = set()
        self.root_alias: str | None = None
        """A shared schema whose content is the root itself: references to it become `#`."""
        self.stubs: frozenset[str] = frozenset()
        """Shared schemas left out: references to them become `_stub`s."""

    def scan(self, root: JsonObject) -> None:
        """Find every shared schema reachable from `root` (not through a stub)."""
        if not self.root_refs:
            collect_refs(root, self.root_refs)
        if not self.stubs:
            reached = frozenset().union(*(self.store.closure(n, self.mode) for n in self.root_refs))
        else:
            found: set[str] = set()
            pending = [n for n in self.root_refs if n not in self.stubs]
            while pending:
                name = pending.pop()
                if name not in found:
                    found.add(name)
                    pending.extend(r for r in self.store.references(name, self.mode) if r not in self.stubs)
            reached = frozenset(found)
        self.reached = reached - {self.root_alias}

    def plan(self) -> None:
        """Decide what to inline: the schemas referred to from exactly one place and not recursive."""
        indegree: dict[str, int] = {}
        alias = self.root_alias
        for name in self.root_refs:
            indegree[name] = indegree.get(name, 0) + 1
        for name in self.reached:
            for ref in self.store.references(name, self.mode):
                indegree[ref] = indegree.get(ref, 0) + 1
        for name in self.stubs:
            indegree.pop(name, None)
        self.inline = {
            n
            for n, count in indegree.items()
            if count == 1 and n != alias and not self.store.is_recursive(n, self.mode)
        }

    def definition(self, name: str) -> Any:
        """The shared schema `name` ready to place: walked only if it refers to something to substitute."""
        schema = self.store.definition(name, self.mode)
        substituted = (
            self.inline | self.stubs if self.root_alias is None else self.inline | self.stubs | {self.root_alias}
        )
        if substituted.isdisjoint(self.store.references(name, self.mode)):
            return schema
        return self.materialize(schema)

    def materialize(self, schema: Any) -> Any:
        """`schema` with inlined references replaced by their targets; unchanged parts are shared."""
        if not isinstance(schema, dict):
            return schema
        changed: dict[str, Any] = {}
        for keyword in SCHEMA_KEYWORDS:
            sub = schema.get(keyword)
            if isinstance(sub, dict):
                new = self.materialize(sub)
                if new is not sub:
                    changed[keyword] = new
        for keyword in SCHEMA_LIST_KEYWORDS:
            subs = schema.get(keyword)
            if isinstance(subs, list):
                new_list = [self.materialize(s) for s in subs]
                if any(a is not b for a, b in zip(new_list, subs, strict=True)):
                    changed[keyword] = new_list
        for keyword in SCHEMA_MAP_KEYWORDS:
            subs = schema.get(keyword)
            if isinstance(subs, dict):
                new_map = {k: self.materialize(s) for k, s in subs.items()}
                if any(new_map[k] is not s for k, s in subs.items()):
                    changed[keyword] = new_map
        result = {**schema, **changed} if changed else schema
        name = ref_name(result)
        if name is not None and name == self.root_alias:
            return {**result, "$ref": "#"}
        if name is not None and name in self.stubs:
            return _stub(name, {k: v for k, v in result.items() if k != "$ref"})
        if name is None or name not in self.inline:
            return result
        target = self.definition(name)
        siblings = {k: v for k, v in result.items() if k != "$ref"}
        if not siblings:
            return target
        if _ANNOTATION_KEYS.issuperset(siblings):
            return {**target, **siblings}
        return {**siblings, "allOf": [target, *siblings.get("allOf", ())]}


def _stub(name: str, siblings: JsonObject) -> JsonObject:
    """What a left-out shared object schema is replaced with: any object, and a note naming it."""
    note = f"a {name} object (its properties are not shown)"
    description = siblings.get("description")
    text = f"{description} ({note})" if isinstance(description, str) and description else note[:1].upper() + note[1:]
    return {**siblings, "type": "object", "description": text}


class SchemaBundle:
    """One tool's schema with the shared schemas it reaches: measured first, built on demand."""

    def __init__(self, root: JsonObject, *, store: SchemaStore, mode: Mode, inline_root_ref: bool = False) -> None:
        """Scan `root` (a converted schema whose references are `#/$defs/<name>`).

        Args:
            root: the schema.
            store: where the shared schemas come from.
            mode: input or output side.
            inline_root_ref: when `root` is itself a reference, replace it by its target (MCP needs
                `type: object` at the root); references back to that target inside it become `#`.

        Raises:
            RefError: a reachable reference cannot be resolved.
        """
        self._bundler = _Bundler(store, mode)
        name = ref_name(root)
        if inline_root_ref and name is not None:
            siblings = {k: v for k, v in root.items() if k != "$ref"}
            if _ANNOTATION_KEYS.issuperset(siblings):
                root = {**store.definition(name, mode), **siblings}
                self._bundler.root_alias = name
        self._root = root
        self._bundler.scan(root)

    @property
    def stubbed(self) -> bool:
        """Whether shared schemas were left out (`stub`)."""
        return bool(self._bundler.stubs)

    def stub(self, *, max_chars: int) -> list[str]:
        """Leave out shared object schemas (references become `_stub`s, which accept any object) until the
        estimate is within `max_chars`: every one more than some number of references away from the root (the
        largest number that fits), then, if even the nearest do not fit, the biggest of those.

        Returns:
            The names left out.
        """
        bundler = self._bundler
        store, mode = bundler.store, bundler.mode
        objects: dict[str, bool] = {}

        def is_object(name: str) -> bool:
            if name not in objects:
                objects[name] = _is_object(store.definition(name, mode))
            return objects[name]

        # Walked one distance at a time, and only as far as fits: the estimate for keeping distance `depth` is
        # what is that near plus the plain schemas one step further (which stubs do not hide).
        own = len(json.dumps(self._root, separators=(",", ":")))
        distance: dict[str, int] = {}
        frontier = list(dict.fromkeys(n for n in bundler.root_refs if n != bundler.root_alias))
        kept_size, depth, estimate = 0, -1, own
        while frontier:
            level = depth + 1
            for name in frontier:
                distance[name] = level
            kept_size += sum(store.size(n, mode) for n in frontier)
            nearby = [r for n in frontier for r in store.references(n, mode) if r not in distance]
            frontier = list(dict.fromkeys(nearby))
            next_plain = sum(store.size(n, mode) for n in frontier if not is_object(n))
            if own + kept_size + next_plain > max_chars and depth >= 0:
                break
            depth, estimate = level, own + kept_size + next_plain
        stubs = {n for n, d in distance.items() if d > depth and is_object(n)} | {n for n in frontier if is_object(n)}
        if estimate > max_chars:
            nearest = sorted(
                (n for n, d in distance.items() if d == 0 and is_object(n)), key=lambda n: -store.size(n, mode)
            )
            for name in nearest:
                if estimate <= max_chars:
                    break
                stubs.add(name)
                estimate -= store.size(name, mode)
        while True:  # a plain schema kept (an array, say) may lead to objects further away: those go too
            bundler.stubs = frozenset(stubs)
            bundler.scan(self._root)
            further = {n for n in bundler.reached if distance.get(n, depth + 1) > depth and is_object(n)} - stubs
            if not further:
                return sorted(stubs)
            stubs |= further

    @property
    def estimated_chars(self) -> int:
        """About how long the built schema is as compact JSON: each reachable schema is in it once."""
        bundler = self._bundler
        own = len(json.dumps(self._root, separators=(",", ":")))
        return own + sum(bundler.store.size(n, bundler.mode) for n in bundler.reached)

    def build(self) -> JsonObject:
        """The self-contained schema: inlined where used once, the rest under `$defs`."""
        bundler = self._bundler
        bundler.plan()
        result = bundler.materialize(self._root)
        shared = sorted(n for n in bundler.reached if n not in bundler.inline)
        if shared:
            result = {**result, "$defs": {n: bundler.definition(n) for n in shared}}
        return dict(result)


def _is_object(schema: Any) -> bool:
    return isinstance(schema, dict) and isinstance(schema.get("properties"), dict) and bool(schema["properties"])


def bundle_schema(root: JsonObject, *, store: SchemaStore, mode: Mode) -> JsonObject:
    """Make `root` self-contained: inline what is used once, copy the rest under `$defs`.

    Raises:
        RefError: a reachable reference cannot be resolved.
    """
    return SchemaBundle(root, store=store, mode=mode).build()
