"""Lean inputSchemas: every fact a model needs to call a tool, without the text that tells it nothing.

A model pays for each tool's definition on every turn. Kept: types, required arguments, enums, formats, defaults,
constraints, and descriptions that say something. Left out: titles that are type names (`optional_fields_address`)
or repeat the property's name or description, descriptions that only restate the argument's name and the tool's
summary ("draft: Indicates whether the pull request is a draft"), a description repeated by the schema right
inside it, long examples, keywords that state the default (`additionalProperties: true`, `deprecated: false`), and
the root's `additionalProperties: false` (the runtime refuses arguments a tool does not list whatever the schema
says: `converter.runtime.validation.compile_validator`). None of these changes which calls validate.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from converter.describe import restates
from converter.model import JsonObject
from converter.naming import snake_case
from converter.schemas import SCHEMA_KEYWORDS, SCHEMA_LIST_KEYWORDS

__all__ = ["EXAMPLE_CHARS", "Leaner", "lean_schema"]

EXAMPLE_CHARS = 60
"""An example longer than this (as compact JSON) is left out; of several, only the first is kept."""
_IDENTIFIER_RE = re.compile(r"^[\w.$:/\\-]+$")
# What a boolean's description says of any boolean: "has_wiki: Either true to enable the wiki or false to disable it."
_BOOLEAN_WORDS = " either true false enable enabled disable disabled them it"
_DEFAULT_VALUED: dict[str, tuple[Any, ...]] = {
    "additionalProperties": (True, {}),
    "deprecated": (False,),
    "readOnly": (False,),
}


def lean_schema(schema: JsonObject, *, summary: str = "") -> JsonObject:
    """`schema` (an inputSchema) without what tells a model nothing.

    Args:
        schema: A tool's inputSchema (JSON Schema 2020-12, `$defs` inside).
        summary: The operation's summary: an argument description made only of its words and the argument's
            name says nothing.
    """
    return Leaner().lean(schema, summary=summary)


class Leaner:
    """`lean_schema` for many tools: the subschemas they share (the same objects, as a big API's tools share
    their `$defs`) are made lean once."""

    def __init__(self) -> None:
        # id → (the schema, to keep its id valid, and what it became)
        self._done: dict[tuple[int, str, str], tuple[Any, Any]] = {}
        self._summary = ""

    def lean(self, schema: JsonObject, *, summary: str = "") -> JsonObject:
        """`lean_schema` of one tool's inputSchema."""
        self._summary = summary
        result: JsonObject = self.node(schema, name="", parent_description="", top=True)
        return result

    def node(self, schema: Any, *, name: str, parent_description: str, top: bool = False, depth: int = 0) -> Any:
        if not isinstance(schema, dict):
            return schema
        if depth > 1:
            # Below the arguments, nothing depends on the tool: the same subschema always becomes the same.
            key = (id(schema), name, parent_description)
            done = self._done.get(key)
            if done is None:
                done = self._done[key] = (schema, self._node(schema, name, parent_description, top, depth))
            return done[1]
        return self._node(schema, name, parent_description, top, depth)

    def _node(self, schema: JsonObject, name: str, parent_description: str, top: bool, depth: int) -> Any:
        description = schema.get("description")
        own = description if isinstance(description, str) else ""
        out: JsonObject = {}
        for key, value in schema.items():
            if key in ("properties", "patternProperties", "dependentSchemas", "$defs") and isinstance(value, dict):
                # Names of $defs are type names, not argument names: nothing to compare their text with.
                out[key] = {
                    sub: self.node(
                        v,
                        name="" if key == "$defs" else sub,
                        parent_description="",
                        depth=2 if key == "$defs" else depth + 1,
                    )
                    for sub, v in value.items()
                }
            elif key in SCHEMA_KEYWORDS and isinstance(value, dict):
                sub_name = name if key == "items" else ""
                out[key] = self.node(value, name=sub_name, parent_description=own, depth=depth + 1)
            elif key in SCHEMA_LIST_KEYWORDS and isinstance(value, list):
                out[key] = [self.node(v, name=name, parent_description=own, depth=depth + 1) for v in value]
            elif not top and self._drops(
                key,
                value,
                name=name,
                description=own,
                parent_description=parent_description,
                argument=depth == 1,
                boolean=schema.get("type") == "boolean",
            ):
                continue
            elif top and key == "additionalProperties" and value is False:
                continue  # the runtime refuses arguments a tool does not list, whatever its schema says
            elif key == "examples" and isinstance(value, list) and len(value) > 1:
                out[key] = value[:1]
            else:
                out[key] = value
        return out

    def _drops(
        self,
        key: str,
        value: Any,
        *,
        name: str,
        description: str,
        parent_description: str,
        argument: bool,
        boolean: bool,
    ) -> bool:
        if key in _DEFAULT_VALUED:
            return any(value == default and type(value) is type(default) for default in _DEFAULT_VALUED[key])
        if key == "title":
            return not isinstance(value, str) or _says_nothing_new(value, name=name, description=description)
        if key == "description":
            if not isinstance(value, str) or value == parent_description:
                return True
            # An argument's text is read next to the tool's summary; a deeper property's next to its name only.
            context = f"{_words(name)} {self._summary}" if argument else _words(name)
            if boolean:
                context += _BOOLEAN_WORDS
            return bool(name) and restates(value, context=context)
        if key == "examples":
            return not isinstance(value, list) or len(json.dumps(value[:1], ensure_ascii=False)) > EXAMPLE_CHARS + 2
        return False


@functools.lru_cache(maxsize=4096)
def _words(name: str) -> str:
    return snake_case(name).replace("_", " ")


def _says_nothing_new(title: str, *, name: str, description: str) -> bool:
    """A title that is a type name (no spaces), the property's name, or already in its description."""
    folded = title.casefold().strip()
    return (
        bool(_IDENTIFIER_RE.match(title))
        or _words(title) == _words(name)
        or (bool(folded) and folded in description.casefold())
    )
