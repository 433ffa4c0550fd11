"""`--mock`: answer a call without an upstream, from the operation's example or a value made from its schema."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import httpx

MAX_DEPTH = 6
_FORMATS = {
    "date-time": "2024-01-01T12:00:00Z",
    "date": "2024-01-01",
    "time": "12:00:00Z",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "byte": "AA==",
}


def example_value(schema: Any, *, root: Mapping[str, Any] | None = None, depth: int = 0) -> Any:
    """A deterministic value that satisfies `schema` as far as simple rules allow.

    Honours `const`, `examples`, `default`, `enum`, `type` (the first non-null one), common `format`s,
    numeric bounds, `minLength`, `minItems`, required properties, `allOf` (merged), `oneOf`/`anyOf`
    (the first) and `$ref`s into the schema's `$defs` (or `#` itself).
    """
    root = schema if root is None else root
    if not isinstance(schema, Mapping) or depth > 4 * MAX_DEPTH:
        return None  # only a schema that requires itself without end gets here
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = _resolve(root, ref)
        return example_value(target, root=root, depth=depth + 1) if target is not None else None
    for key in ("const",):
        if key in schema:
            return schema[key]
    for key in ("examples", "enum"):
        values = schema.get(key)
        if isinstance(values, list) and values:
            return values[0]
    if "default" in schema:
        return schema["default"]
    if isinstance(schema.get("allOf"), list):
        merged: Any = None
        for part in schema["allOf"]:
            value = example_value(part, root=root, depth=depth + 1)
            merged = {**merged, **value} if isinstance(merged, dict) and isinstance(value, dict) else value
        own = {k: v for k, v in schema.items() if k != "allOf"}
        extra = example_value(own, root=root, depth=depth + 1) if "properties" in own else None
        return {**merged, **extra} if isinstance(merged, dict) and isinstance(extra, dict) else merged
    for key in ("oneOf", "anyOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [o for o in options if not (isinstance(o, Mapping) and o.get("type") == "null")]
            if depth >= MAX_DEPTH and len(non_null) < len(options):
                return None  # deep enough: stop at a nullable branch
            return example_value((non_null or options)[0], root=root, depth=depth + 1)
    return _by_type(schema, root, depth)


def _by_type(schema: Mapping[str, Any], root: Mapping[str, Any], depth: int) -> Any:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if kind == "object":
        required = set(schema.get("required", ()))
        result = {}
        for name, sub in (schema.get("properties") or {}).items():
            if depth < MAX_DEPTH or name in required:  # past MAX_DEPTH, only what must be there
                result[name] = example_value(sub, root=root, depth=depth + 1)
        return result
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1))) if depth < MAX_DEPTH else int(schema.get("minItems", 0))
        return [example_value(schema.get("items"), root=root, depth=depth + 1) for _ in range(min(count, 3))]
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        value = low + (1 if "exclusiveMinimum" in schema and "minimum" not in schema else 0) if low is not None else 1
        high = schema.get("maximum")
        value = min(value, high) if high is not None else value
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    text = _FORMATS.get(str(schema.get("format")), "string")
    if schema.get("contentEncoding") == "base64":
        text = "AA=="
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not _matches(pattern, text):
        text = _pattern_value(pattern) or text
    min_length = schema.get("minLength")
    if isinstance(min_length, int) and len(text) < min_length:
        text = text + "x" * (min_length - len(text))
    return text


_ATOM = re.compile(r"\\d|\\w|\\s|\\.|\[\^?(?:\\.|[^\]])+\]|[^\\\[\](){}*+?|^$.]|\.")
_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}|[*+?]")


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # a pattern Python cannot read is not enforced (see validation.py)


def _pattern_value(pattern: str) -> str | None:
    """A string matching a simple pattern (a sequence of characters and classes with quantifiers), else None."""
    body = pattern.removeprefix("^").removesuffix("$")
    out = []
    position = 0
    while position < len(body):
        if body[position] == "(":  # a group without nesting: generated once, or skipped when optional
            end = body.find(")", position)
            if end < 0 or "(" in body[position + 1 : end] or "|" in body[position + 1 : end]:
                return None
            inner = _pattern_value(body[position + 1 : end].removeprefix("?:"))
            text, position = inner, end + 1
        else:
            atom = _ATOM.match(body, position)
            if atom is None:
                return None
            text, position = _atom_char(atom.group(0)), atom.end()
        count = 1
        quantifier = _QUANTIFIER.match(body, position)
        if quantifier is not None:
            position = quantifier.end()
            marker = quantifier.group(0)
            count = int(quantifier.group(1)) if quantifier.group(1) else (0 if marker in "*?" else 1)
        if text is None:
            if count:
                return None
            continue
        out.append(text * count)
    candidate = "".join(out)
    return candidate if _matches(pattern, candidate) else None


def _atom_char(atom: str) -> str:
    if atom in ("\\d",):
        return "0"
    if atom in ("\\w", "."):
        return "a"
    if atom == "\\s":
        return " "
    if atom.startswith("\\"):
        return atom[1:]
    if atom.startswith("[") and not atom.startswith("[^"):
        inner = atom[1:-1]
        return "0" if inner.startswith("\\d") else inner[1] if inner.startswith("\\") else inner[0]
    if atom.startswith("[^"):
        return "a" if "a" not in atom else "0"
    return atom


def _resolve(root: Mapping[str, Any], ref: str) -> Any:
    if ref == "#":
        return root
    if not ref.startswith("#/"):
        return None
    node: Any = root
    for raw in ref[2:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or token not in node:
            return None
        node = node[token]
    return node


def mock_response(mock: Mapping[str, Any], request: httpx.Request) -> httpx.Response:
    """The upstream response `--mock` pretends to have received for `request`."""
    status = int(mock.get("status", 200))
    content_type = mock.get("contentType")
    value = mock.get("example")
    if value is None and mock.get("schema") is not None:
        value = example_value(mock["schema"])
    if content_type is None or status == 204:
        return httpx.Response(status, request=request)
    if "json" in content_type:
        body = json.dumps(value, ensure_ascii=False).encode()
    elif isinstance(value, str):
        body = value.encode()
    else:
        body = json.dumps(value, ensure_ascii=False).encode() if value is not None else b""
    return httpx.Response(status, headers={"Content-Type": content_type}, content=body, request=request)


def describe_request(request: httpx.Request, *, secrets: list[str], limit: int = 2000) -> dict[str, Any]:
    """The built request as data for a result's `_meta` (credentials masked, body trimmed)."""
    headers = {k: ("***" if any(s and s in v for s in secrets) else v) for k, v in request.headers.items()}
    url = str(request.url)
    for secret in secrets:
        if secret:
            url = url.replace(secret, "***")
    body = request.content.decode("utf-8", "replace") if request.content else ""
    return {"method": request.method, "url": url, "headers": headers, "body": body[:limit]}
