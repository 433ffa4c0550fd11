"""Upstream HTTP response → MCP tool result: JSON as text plus structured content, text, images, blobs, errors."""

from __future__ import annotations

import base64
import codecs
import json
import re
from collections.abc import Callable, Collection, Iterable
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote_plus

import httpx
import mcp_types as types

from .options import DEFAULT_MAX_RESPONSE_BYTES
from .shaping import Shaping, shape_text

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "ERROR_BODY_LIMIT",
    "error_result",
    "render_json",
    "response_to_result",
]


ERROR_BODY_LIMIT = 2_000
"""Characters of an upstream error body kept in the error text."""

SCHEMA_MISMATCH_NOTE = (
    "(the request succeeded, but the response does not match the declared output schema; sent as text)"
)
NO_STRUCTURED_NOTE = "(the request succeeded, but returned no JSON object for the declared output schema; sent as text)"

# Textual types outside text/* that a model reads better as text than as a blob.
_TEXT_TYPES = frozenset(
    {
        "application/xml",
        "application/x-www-form-urlencoded",
        "application/javascript",
        "application/ecmascript",
        "application/x-ndjson",
        "application/jsonl",
        "application/yaml",
        "application/x-yaml",
        "application/graphql",
        "application/sql",
        "application/csv",
        "image/svg+xml",
    }
)
_SECRET_MASK = "***"


def render_json(value: Any) -> str:
    """The text rendering of a JSON value: one line, with a space after `,` and `:`.

    Compact enough not to waste tokens on indentation, spaced enough to stay readable; non-ASCII
    characters are kept as they are rather than `\\u`-escaped.
    """
    return json.dumps(value, ensure_ascii=False, indent=None, separators=(", ", ": "))


def error_result(message: str) -> types.CallToolResult:
    """A tool error result: `is_error=True` and the message as its only content.

    Args:
        message: Text the model can act on; it must not contain secrets.
    """
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def response_to_result(
    response: httpx.Response,
    *,
    body: bytes,
    truncated: bool,
    output_schema_ok: Callable[[Any], bool] | None = None,
    redact: Collection[str] = (),
    secrets: Iterable[str] = (),
    shaping: Shaping | None = None,
    fields: str | None = None,
    projection: Any = None,
) -> types.CallToolResult:
    """Turn an upstream response into the tool's result.

    2xx JSON becomes its `render_json` text (or, with `shaping`, the shaped text a model is shown: see
    `shaping.py`), plus `structured_content` — the whole value, never shaped — when the tool declares an output
    schema (`output_schema_ok` is given), the value is an object and the callback accepts it. When a tool
    declares an output schema but the result cannot carry conforming structured content (the value does
    not match, is not an object, is not JSON, is truncated or empty), the result is marked `is_error`
    with a note saying the request itself succeeded: MCP clients reject a non-error result that lacks
    conforming structured content. Text types become text, `image/*` an image, other types an embedded
    blob resource; 3xx/4xx/5xx become an error naming the status, method and URL, with the body trimmed.

    Args:
        response: The upstream response; its request gives the method and URL for messages.
        body: The body bytes the caller read (at most its limit).
        truncated: Whether the upstream sent more than `body`.
        output_schema_ok: Validates a parsed JSON value against the tool's output schema, if it has one.
        redact: Query parameter names (apiKey-in-query) whose values are masked in URLs shown.
        secrets: Secret values masked wherever they appear in the URL or in an error text.
        shaping: How the text of a JSON result is shaped (`shaping.py`); None: the whole value, one line.
        fields: The `fields` expression the model passed, and `projection` its compiled form.
    """
    secret_list = [s for s in secrets if len(s) >= 4]
    status = response.status_code
    if status >= 300:
        return _error_response(response, body=body, truncated=truncated, redact=redact, secrets=secret_list)

    mime = _mime_type(response)
    note = _truncation_note(response, body) if truncated else None
    if not body:
        text = f"{_status_line(response)}: the request succeeded and returned no body."
        return _success([types.TextContent(type="text", text=text)], schema_expected=output_schema_ok is not None)

    if _is_json(mime):
        shape = None
        if shaping is not None:

            def shape(value: Any) -> str:
                return shape_text(value, shaping, fields=fields, projection=projection)

        return _json_result(response, body=body, note=note, mime=mime, output_schema_ok=output_schema_ok, shape=shape)

    schema_expected = output_schema_ok is not None
    if _is_text(mime) or not mime:
        # Without a content type, a body that decodes as UTF-8 is text; anything else is a blob.
        decoded = _decode_text(response, body, truncated=truncated, strict=not mime)
        if decoded is not None:
            return _success([_text(decoded, note)], schema_expected=schema_expected)

    shown_mime = mime or "application/octet-stream"
    if note is not None:
        # A cut image or file is broken; say what it was instead of sending half of it.
        kind = "image" if mime.startswith("image/") else "file"
        message = f"The upstream returned a {shown_mime} {kind} larger than the response size limit; it is not shown."
        return _success([_text(message, note)], schema_expected=schema_expected)

    data = base64.b64encode(body).decode("ascii")
    if mime.startswith("image/"):
        return _success([types.ImageContent(type="image", data=data, mime_type=mime)], schema_expected=schema_expected)
    uri = _display_url(response, redact=redact, secrets=secret_list)
    resource = types.BlobResourceContents(uri=uri, mime_type=shown_mime, blob=data)
    return _success([types.EmbeddedResource(type="resource", resource=resource)], schema_expected=schema_expected)


def _success(content: list[types.ContentBlock], *, schema_expected: bool) -> types.CallToolResult:
    """A 2xx result without structured content; an error (with a note) if the tool promised some."""
    if not schema_expected:
        return types.CallToolResult(content=content, is_error=False)
    return types.CallToolResult(
        content=[*content, types.TextContent(type="text", text=NO_STRUCTURED_NOTE)], is_error=True
    )


def _json_result(
    response: httpx.Response,
    *,
    body: bytes,
    note: str | None,
    mime: str,
    output_schema_ok: Callable[[Any], bool] | None,
    shape: Callable[[Any], str] | None = None,
) -> types.CallToolResult:
    schema_expected = output_schema_ok is not None
    if note is not None:
        text = _decode_text(response, body, truncated=True, strict=False) or ""
        return _success([_text(text, note)], schema_expected=schema_expected)
    try:
        value = json.loads(_decode_json(response, body))
    except (ValueError, UnicodeDecodeError):
        text = _decode_text(response, body, truncated=False, strict=False) or ""
        invalid = f"(the response is not valid JSON although its content type is {mime}; sent as text)"
        return _success([_text(text, invalid)], schema_expected=schema_expected)
    rendered = render_json(value) if shape is None else shape(value)
    if output_schema_ok is None:
        return types.CallToolResult(content=[types.TextContent(type="text", text=rendered)], is_error=False)
    if isinstance(value, dict) and output_schema_ok(value):
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=rendered)], structured_content=value, is_error=False
        )
    return types.CallToolResult(content=[_text(rendered, SCHEMA_MISMATCH_NOTE)], is_error=True)


def _error_response(
    response: httpx.Response, *, body: bytes, truncated: bool, redact: Collection[str], secrets: list[str]
) -> types.CallToolResult:
    method, url = _request_target(response, redact=redact, secrets=secrets)
    headline = f"Upstream returned {_status_line(response)} for {method} {url}"
    if 300 <= response.status_code < 400:
        location = response.headers.get("location")
        if location:
            target = _mask_url(location, redact=redact, secrets=secrets)
            headline += f"; it redirects to {target}, which was not followed"
    detail = _error_detail(response, body, truncated=truncated)
    text = f"{headline}\n{detail}" if detail else headline
    return error_result(_mask(text, secrets))


def _error_detail(response: httpx.Response, body: bytes, *, truncated: bool) -> str:
    if not body:
        return ""
    mime = _mime_type(response)
    if _is_json(mime) and not truncated:
        try:
            return _trim(render_json(json.loads(_decode_json(response, body))), cut=False)
        except (ValueError, UnicodeDecodeError):
            pass
    text = _decode_text(response, body, truncated=truncated, strict=not _is_text(mime) and not _is_json(mime))
    if text is None:
        return f"({len(body)} bytes of {mime or 'binary data'})"
    if mime in {"text/html", "application/xhtml+xml"} or (not mime and text.lstrip()[:1] == "<"):
        text = _visible_text(text)
    return _trim(text.strip(), cut=truncated)


def _trim(text: str, *, cut: bool) -> str:
    if len(text) > ERROR_BODY_LIMIT:
        return text[:ERROR_BODY_LIMIT] + "…"
    return text + "…" if cut else text


class _VisibleText(HTMLParser):
    """Collects the text a browser would show: no tags, scripts, styles or head."""

    _HIDDEN = frozenset({"script", "style", "head", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth:
            self.parts.append(data)


def _visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    text = " ".join(parser.parts)
    return re.sub(r"\s+", " ", text).strip()


def _text(text: str, note: str | None) -> types.TextContent:
    if note is None:
        return types.TextContent(type="text", text=text)
    return types.TextContent(type="text", text=f"{text}\n{note}" if text else note)


def _truncation_note(response: httpx.Response, body: bytes) -> str:
    total: str = "more"
    length = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    # With a content coding, Content-Length counts the compressed bytes, not the decoded ones we hold.
    if length.isdigit() and encoding in {"", "identity"} and int(length) > len(body):
        total = length
    return f"[response truncated at {len(body)} bytes of {total}]"


def _mime_type(response: httpx.Response) -> str:
    content_type: str = response.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(mime: str) -> bool:
    return mime in {"application/json", "text/json"} or mime.endswith("+json")


def _is_text(mime: str) -> bool:
    return mime.startswith("text/") or mime in _TEXT_TYPES or mime.endswith(("+xml", "+yaml"))


def _codec(response: httpx.Response) -> str:
    charset = response.charset_encoding or "utf-8"
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return "utf-8"


def _decode_text(response: httpx.Response, body: bytes, *, truncated: bool, strict: bool) -> str | None:
    """Decode with the declared charset (UTF-8 by default); None if `strict` and it does not decode.

    A truncated body may end inside a multi-byte character: the incremental decoder drops that tail.
    """
    decoder = codecs.getincrementaldecoder(_codec(response))(errors="strict" if strict else "replace")
    try:
        return decoder.decode(body, final=not truncated)
    except UnicodeDecodeError:
        return None


def _decode_json(response: httpx.Response, body: bytes) -> str:
    if response.charset_encoding:
        return body.decode(_codec(response))
    return body.decode(json.detect_encoding(body))


def _status_line(response: httpx.Response) -> str:
    reason = response.reason_phrase
    if not reason:
        try:
            reason = HTTPStatus(response.status_code).phrase
        except ValueError:
            reason = ""
    return f"{response.status_code} {reason}".rstrip()


def _request_target(response: httpx.Response, *, redact: Collection[str], secrets: list[str]) -> tuple[str, str]:
    try:
        request = response.request
    except RuntimeError:
        return "the", "request"
    return request.method, _mask_url(str(request.url), redact=redact, secrets=secrets)


def _display_url(response: httpx.Response, *, redact: Collection[str], secrets: list[str]) -> str:
    try:
        url = str(response.request.url)
    except RuntimeError:
        return "upstream:response"
    return _mask_url(url, redact=redact, secrets=secrets)


def _mask_url(url: str, *, redact: Collection[str], secrets: list[str]) -> str:
    """The URL with redacted query parameters' values and any password replaced by `***`."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return _mask(url, secrets)
    if parsed.password:
        parsed = parsed.copy_with(username=parsed.username, password=_SECRET_MASK)
    if redact and parsed.query:
        parts = []
        for part in parsed.query.decode("ascii", errors="replace").split("&"):
            name = part.split("=", 1)[0]
            parts.append(f"{name}={_SECRET_MASK}" if unquote_plus(name) in redact else part)
        parsed = parsed.copy_with(query="&".join(parts).encode("ascii"))
    return _mask(str(parsed), secrets)


def _mask(text: str, secrets: list[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, _SECRET_MASK)
    return text
