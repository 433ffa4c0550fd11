"""Response shaping: what the model is shown of a JSON response — the part it asked for, without noise.

A model pays for every character a tool returns. Upstream JSON is full of nulls, empty containers,
hypermedia (`_links`, URL templates such as `"events_url": ".../events{/privacy}"`, links back into the API
itself) and long arrays. Per tool (from the tool table's `response` entry) the text a model reads is:

1. the `fields` projection the model asked for (a JMESPath expression), if any;
2. with nulls and empty objects and arrays left out;
3. with `_links` and `*_url` fields that are URL templates or point back into the API left out (links to
   other hosts, e.g. a web page's `html_url`, stay);
4. with arrays longer than `maxItems` cut, and a note saying how many there were and how to get the rest;
5. rendered as compact JSON, cut at the server's `--max-response-chars` with a note.

`structuredContent` is not shaped here: tools with an output schema keep sending the full value, which
conforms to it (see `response.py`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["DEFAULT_MAX_RESPONSE_CHARS", "FieldsError", "Shaping", "compile_fields", "render_compact", "shape_text"]

DEFAULT_MAX_RESPONSE_CHARS = 100_000
"""Characters of result text a model is shown at most (about 25,000 tokens)."""


class FieldsError(ValueError):
    """A `fields` argument that is not a JMESPath expression."""


@dataclass(frozen=True, slots=True)
class Shaping:
    """How one tool's JSON results are shaped (the table entry's `response`, plus the server's limit)."""

    max_items: int | None = None
    """Arrays longer than this are cut (None: never)."""
    drop_links: bool = True
    page_args: Sequence[str] = ()
    """The tool's arguments that page through results, named in the note when an array is cut."""
    fields_arg: str | None = None
    max_chars: int = DEFAULT_MAX_RESPONSE_CHARS
    api_host: str = ""
    """The upstream host: `*_url` fields pointing there are links back into the API."""

    @classmethod
    def from_table(cls, entry: Mapping[str, Any], *, max_chars: int, api_host: str) -> Shaping:
        """The shaping a tool table entry's `response` asks for, within the server's character limit."""
        return cls(
            max_items=entry.get("maxItems"),
            drop_links=bool(entry.get("dropLinks", False)),
            page_args=tuple(entry.get("pageArgs", ())),
            fields_arg=entry.get("fieldsArg"),
            max_chars=max_chars,
            api_host=api_host,
        )


def compile_fields(expression: Any) -> Any:
    """A compiled JMESPath expression.

    Raises:
        FieldsError: `expression` is not a string or does not parse (the message says where).
    """
    import jmespath  # noqa: PLC0415  (only tools called with `fields` pay for the import)
    from jmespath.exceptions import JMESPathError  # noqa: PLC0415

    if not isinstance(expression, str) or not expression.strip():
        raise FieldsError("fields: expected a JMESPath expression, e.g. items[].{id: id, name: name}")
    try:
        return jmespath.compile(expression)
    except JMESPathError as err:
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise FieldsError(f"fields: not a JMESPath expression ({detail})") from None


def render_compact(value: Any) -> str:
    """JSON without any whitespace; non-ASCII characters kept as they are."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def shape_text(value: Any, shaping: Shaping, *, fields: str | None = None, projection: Any = None) -> str:
    """The text a model is shown of a JSON value: projected (`projection`, compiled from the `fields` text),
    cleaned, cut, rendered, with notes after it."""
    cuts: dict[str, list[int]] = {}
    failed = None
    if projection is not None:
        from jmespath.exceptions import JMESPathError  # noqa: PLC0415

        try:
            value = projection.search(value)
        except JMESPathError as err:  # e.g. a function given the wrong type: known only now, with the result
            failed = (str(err).splitlines()[0] if str(err) else type(err).__name__)[:200]
            projection = None
    cleaned = _clean(value, shaping, path="", cuts=cuts)
    value = None if cleaned is _EMPTY else cleaned
    text = render_compact(value)
    notes = [
        _cut_note(path, totals, shaping, fields=fields if projection is not None else None)
        for path, totals in cuts.items()
    ]
    if len(text) > shaping.max_chars:
        more = f"ask for less with `{shaping.fields_arg}`" if shaping.fields_arg else "ask for less"
        notes.append(f"cut at {shaping.max_chars:,} of {len(text):,} characters; {more}")
        text = text[: shaping.max_chars]
    if failed is not None:
        # The request itself succeeded (it may have changed something): show the whole result, not an error.
        notes.insert(
            0, f"{shaping.fields_arg or 'fields'} `{fields}` could not be applied ({failed}); the whole result is shown"
        )
    if notes:
        text += "\n" + "\n".join(f"[{note}]" for note in notes)
    return text


class _Empty:
    """Marks a value that shaping leaves out."""


_EMPTY = _Empty()


def _clean(value: Any, shaping: Shaping, *, path: str, cuts: dict[str, list[int]]) -> Any:
    """`value` without nulls, empty containers and links (`_EMPTY` if nothing is left); the arrays cut are
    recorded in `cuts` (path → the length of each array cut there)."""
    if value is None or (isinstance(value, (dict, list)) and not value):
        return _EMPTY
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if shaping.drop_links and _is_link(key, item, shaping.api_host):
                continue
            cleaned = _clean(item, shaping, path=f"{path}.{key}" if path else str(key), cuts=cuts)
            if cleaned is not _EMPTY:
                kept[key] = cleaned
        return kept or _EMPTY
    if isinstance(value, list):
        total = len(value)
        if shaping.max_items is not None and total > shaping.max_items:
            value = value[: shaping.max_items]
            cuts.setdefault(path, []).append(total)
        items = [_clean(item, shaping, path=f"{path}[]", cuts=cuts) for item in value]
        # An array keeps its positions: an item left out entirely becomes null rather than vanish.
        kept_items = [None if item is _EMPTY else item for item in items]
        return kept_items if any(item is not None for item in kept_items) else _EMPTY
    return value


def _is_link(key: Any, value: Any, api_host: str) -> bool:
    """`_links` (HAL), and `*_url` strings that are URI templates or point back into the API."""
    if key == "_links":
        return True
    if not isinstance(key, str) or not key.endswith("_url") or not isinstance(value, str):
        return False
    if "{" in value:
        return True
    try:
        host = urlsplit(value).hostname
    except ValueError:
        return False
    return bool(api_host) and host == api_host


_PLAIN_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def _cut_note(path: str, totals: list[int], shaping: Shaping, *, fields: str | None) -> str:
    """One note per place arrays were cut: how many items there were, and how to get the rest (the paging
    arguments for the result's own list; a `fields` expression for any list at a plain path)."""
    shown = shaping.max_items or 0
    where = f"`{path}`" if path else "the result"
    if len(totals) == 1:
        note = f"{where}: {shown} of {totals[0]} items shown"
    else:
        note = f"{where}: {len(totals)} arrays cut to {shown} items (up to {max(totals)})"
    if shaping.page_args and fields is None and "." not in path and "[" not in path:
        names = "/".join(f"`{name}`" for name in shaping.page_args)
        note += f"; page with {names}"
    if shaping.fields_arg and len(totals) == 1 and (not path or _PLAIN_PATH.fullmatch(path)):
        rest = f"{path}[{shown}:]"
        expression = f"{fields} | {rest}" if fields else rest
        note += f"; the rest: {shaping.fields_arg}=`{expression}`"
    return note
