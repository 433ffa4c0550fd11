"""OpenAPI parameter styles with RFC 6570 semantics, percent-encoding and base64, for building requests."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

RESERVED = ":/?#[]@!$&'()*+,;="
"""RFC 3986 reserved characters: `allowReserved` leaves them raw in query values (all but `#`)."""

# A raw `#` would end the query and start a fragment, so even allowReserved values keep it encoded.
_ALLOWED_RESERVED = RESERVED.replace("#", "")

JSON_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")

_PATH_STYLES = {"simple": ("", ",", False), "label": (".", ".", False), "matrix": (";", ";", True)}
"""RFC 6570 operator table: style → (first character, separator of exploded items, named)."""

_DELIMITERS = {"form": ",", "spaceDelimited": "%20", "pipeDelimited": "|"}

Encoder = Callable[[str], str]


def is_json_type(content_type: str | None) -> bool:
    """`application/json`, `application/*+json` (parameters after `;` ignored)."""
    return bool(content_type) and bool(JSON_TYPE.match(media_type(content_type or "")))


def media_type(content_type: str) -> str:
    """The lower-case essence of a content type: `Text/Plain; charset=x` → `text/plain`."""
    return content_type.split(";", 1)[0].strip().lower()


def percent_encode(text: str, *, allow_reserved: bool = False) -> str:
    """Percent-encode UTF-8 `text`: everything outside RFC 3986 unreserved (`A-Za-z0-9-._~`).

    Raises:
        ValueError: `text` holds a lone surrogate, which has no UTF-8 form.
    """
    try:
        return quote(text, safe=_ALLOWED_RESERVED if allow_reserved else "", encoding="utf-8", errors="strict")
    except UnicodeEncodeError as err:
        raise ValueError("contains text that is not valid Unicode (a lone surrogate)") from err


def to_utf8(text: str) -> bytes:
    """UTF-8 bytes of `text`.

    Raises:
        ValueError: `text` holds a lone surrogate, which has no UTF-8 form.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError("contains text that is not valid Unicode (a lone surrogate)") from err


def encode_path_value(text: str) -> str:
    """Percent-encode a path value so it stays one segment: `/` encoded, and `.`/`..` become `%2E`/`%2E%2E`."""
    if text in {".", ".."}:
        return "%2E" * len(text)
    return percent_encode(text)


def to_json(value: Any) -> str:
    """Compact JSON text, non-ASCII kept.

    Raises:
        ValueError: the value is not JSON (NaN, infinity, a type JSON has no form for).
    """
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValueError(f"cannot be sent as JSON: {err}") from err


def to_text(value: Any) -> str:
    """One value as text: strings as is, `true`/`false`, numbers as JSON, null as "", nested arrays/objects as JSON.

    Raises:
        ValueError: a value of a type with no text form (never a Python repr on the wire).
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | list | tuple | Mapping):
        return to_json(value)
    raise ValueError(f"has a value of unsupported type {type(value).__name__}")


def is_array(value: Any) -> bool:
    """A JSON array (list or tuple)."""
    return isinstance(value, list | tuple)


def _items(value: Any) -> list[Any]:
    # RFC 6570: undefined (null) list items and object members are skipped.
    return [item for item in value if item is not None]


def _members(value: Mapping[Any, Any]) -> list[tuple[str, Any]]:
    return [(str(key), item) for key, item in value.items() if item is not None]


def expand_simple(name: str, value: Any, *, style: str = "simple", explode: bool = False, encode: Encoder) -> str:
    """Expand one value in the simple, label or matrix style (paths and headers); null or empty → "".

    `encode` escapes each value and key (identity for headers); `name` is used by matrix as is.
    """
    first, separator, named = _PATH_STYLES.get(style, _PATH_STYLES["simple"])
    if value is None:
        return ""
    if isinstance(value, Mapping):
        members = [(encode(key), encode(to_text(item))) for key, item in _members(value)]
        if not members:
            return ""
        if explode:
            return first + separator.join(f"{key}={item}" if item or not named else key for key, item in members)
        joined = ",".join(f"{key},{item}" for key, item in members)
        return first + (f"{name}={joined}" if named else joined)
    if is_array(value):
        items = [encode(to_text(item)) for item in _items(value)]
        if not items:
            return ""
        if explode and named:
            return first + separator.join(f"{name}={item}" if item else name for item in items)
        joined = separator.join(items) if explode else ",".join(items)
        return first + (f"{name}={joined}" if named else joined)
    text = encode(to_text(value))
    if named:
        return f"{first}{name}={text}" if text else f"{first}{name}"
    return first + text


def query_pairs(
    name: str, value: Any, *, style: str = "form", explode: bool | None = None, allow_reserved: bool = False
) -> list[str]:
    """Encoded `name=value` pairs for one query (or form body) value, in the given style.

    `name` must already be encoded. Null, empty arrays and empty objects give no pairs (RFC 6570: undefined).
    deepObject gives `name[key]=value`, nested `name[a][b]=value`, with the brackets percent-encoded like every
    other character RFC 3986 does not allow in a query (servers decode before they parse brackets); arrays inside
    it repeat the key.
    """
    if explode is None:
        explode = style in {"form", "deepObject"}

    def encode(item: Any) -> str:
        return percent_encode(to_text(item), allow_reserved=allow_reserved)

    if value is None:
        return []
    if style == "deepObject" and isinstance(value, Mapping):
        return _deep_pairs(name, value, encode)
    if isinstance(value, Mapping):
        members = _members(value)
        if explode:
            return [f"{percent_encode(key)}={encode(item)}" for key, item in members]
        flat = [part for key, item in members for part in (percent_encode(key), encode(item))]
        return [f"{name}={_DELIMITERS.get(style, ',').join(flat)}"] if flat else []
    if is_array(value):
        items = [encode(item) for item in _items(value)]
        if explode:
            return [f"{name}={item}" for item in items]
        return [f"{name}={_DELIMITERS.get(style, ',').join(items)}"] if items else []
    return [f"{name}={encode(value)}"]


def _deep_pairs(prefix: str, value: Mapping[Any, Any], encode: Encoder) -> list[str]:
    pairs: list[str] = []
    for key, item in _members(value):
        name = f"{prefix}%5B{percent_encode(key)}%5D"
        if isinstance(item, Mapping):
            pairs.extend(_deep_pairs(name, item, encode))
        elif is_array(item):
            pairs.extend(f"{name}={encode(element)}" for element in _items(item))
        else:
            pairs.append(f"{name}={encode(item)}")
    return pairs


def decode_base64(text: str) -> bytes:
    """Decode base64 (standard or URL-safe alphabet, padding optional, whitespace and a `data:` prefix ignored).

    Raises:
        ValueError: the text is not base64.
    """
    if text.startswith("data:") and ";base64," in text:
        text = text.split(";base64,", 1)[1]
    compact = "".join(text.split()).translate(str.maketrans("-_", "+/"))
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as err:
        raise ValueError("is not valid base64; pass the file content base64-encoded") from err
