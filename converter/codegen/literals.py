"""Spec text on its way into generated files: only ever as an escaped literal, a sanitized identifier, or
text reduced to characters that mean nothing in Python, TOML, YAML, Markdown or a Dockerfile."""

from __future__ import annotations

import keyword
import math
import re
import unicodedata
from typing import Any

__all__ = ["package_name", "plain_text", "py_literal", "py_str", "py_str_block", "toml_str", "version_text"]

_NOT_IDENT = re.compile(r"[^a-z0-9]+")
_PLAIN = re.compile(r"[^A-Za-z0-9 .,:;()'_+-]+")
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\]')
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if (short := _SHORT_ESCAPES.get(char)) is not None:
        return short
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def py_str(text: str) -> str:
    """A double-quoted, ASCII-only Python string literal equal to `text`: printable ASCII as is, everything else
    escaped (`\\n`, `\\u2028`, `\\U0001f600`; not JSON's surrogate pairs, which Python reads as two lone
    surrogates that no UTF-8 encoder accepts)."""
    return '"' + _UNSAFE.sub(_escape, text) + '"'


def py_str_block(text: str, *, indent: int = 4, width: int = 88) -> str:
    """A parenthesized concatenation of short string literals spelling `text` (lines split after newlines,
    long lines in `width`-character pieces), for long texts in source that must stay under the line limit."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True) or [""]:
        rest = line
        while len(rest) > width:
            cut = rest.rfind(" ", width // 2, width) + 1 or width  # after a space when there is one
            pieces.append(rest[:cut])
            rest = rest[cut:]
        pieces.append(rest)
    pad = " " * indent
    return "(\n" + "".join(f"{pad}{py_str(piece)}\n" for piece in pieces) + " " * (indent - 4) + ")"


def toml_str(text: str) -> str:
    """A TOML basic string of `text`, ASCII-only (the escapes `py_str` writes are TOML's too; a lone surrogate,
    which TOML cannot hold, becomes U+FFFD)."""
    return py_str(_SURROGATE.sub("\ufffd", text))


def py_literal(value: Any, indent: int = 0) -> str:
    """A Python literal for JSON-like data (dict with str keys, list, str, int, float, bool, None), one item per
    line. Nothing in `value` can end the literal early: every string goes through `py_str`.

    Raises:
        TypeError: `value` holds something that is not JSON-like.
    """
    pad = " " * (indent + 4)
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f'float("{value!r}")'
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        items = "".join(f"{pad}{py_literal(item, indent + 4)},\n" for item in value)
        return "[\n" + items + " " * indent + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = "".join(f"{pad}{py_str(str(key))}: {py_literal(item, indent + 4)},\n" for key, item in value.items())
        return "{\n" + items + " " * indent + "}"
    raise TypeError(f"not JSON-like data: {type(value).__name__}")


def plain_text(text: str, *, limit: int = 80) -> str:
    """`text` with every character but letters, digits, spaces and `.,:;()'_+-` removed (non-ASCII letters
    transliterated where possible), whitespace collapsed, cut to `limit`: safe inside a docstring, a comment, a
    Markdown heading or a shell-free Dockerfile label."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = " ".join(_PLAIN.sub(" ", ascii_text).split())
    return cleaned[:limit].rstrip() or "API"


def package_name(text: str, *, limit: int = 40) -> str:
    """A Python package name from free text: lower snake_case ASCII (`GitHub's API` → `githubs_api`), whole
    words up to `limit` characters, not a keyword, no leading digit or underscore (so never a dunder);
    `api_mcp` when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = _NOT_IDENT.sub(" ", ascii_text.replace("'", "")).split()
    name = ""
    for word in words:
        candidate = f"{name}_{word}" if name else word
        if len(candidate) > limit:
            break
        name = candidate
    name = name or "_".join(words)[:limit].strip("_")
    if not name:
        return "api_mcp"
    if name[0].isdigit():
        name = "api_" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_mcp"
    return name


def version_text(version: str) -> str:
    """The API's version when it is a plain release number (`1.4.0`), else `0.1.0`: what a Python package and
    the MCP Registry accept."""
    return version if _VERSION.match(version) else "0.1.0"
