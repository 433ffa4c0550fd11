"""One tool call → one `httpx.Request`: base URL, path, query, headers, cookies and body, per the binding."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import httpx

from .encoding import (
    decode_base64,
    encode_path_value,
    expand_simple,
    is_array,
    is_json_type,
    media_type,
    percent_encode,
    query_pairs,
    to_json,
    to_text,
    to_utf8,
)

NO_SERVER = "the spec gives no absolute server URL for this operation; pass --base-url"

_PLACEHOLDER = re.compile(r"\{([^{}/]+)\}")
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
"""RFC 9110 token: what a header or cookie name may be made of."""
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""Control characters but tab: CR/LF would split a header (response splitting, request smuggling)."""
_NO_VARS: Mapping[str, str] = MappingProxyType({})
_BODY_HEADERS = frozenset({"content-type", "content-length", "transfer-encoding"})

Files = list[tuple[str, tuple[str | None, bytes, str | None]]]


class ArgumentError(ValueError):
    """An argument that cannot be sent (e.g. CR/LF in a header value); `.arg` names it, str() is model-readable."""

    def __init__(self, arg: str, message: str) -> None:
        """Blame argument `arg`; `message` completes the sentence "Argument 'arg' …"."""
        super().__init__(f"Argument '{arg}' {message}")
        self.arg = arg


@contextmanager
def _blame(arg: str) -> Iterator[None]:
    """Turn an encoder's ValueError into an ArgumentError naming `arg`."""
    try:
        yield
    except ArgumentError:
        raise
    except ValueError as err:
        raise ArgumentError(arg, str(err)) from err


def select_base_url(
    binding: Mapping[str, Any], *, override: str | None = None, server_vars: Mapping[str, str] = _NO_VARS
) -> str:
    """The base URL an operation is sent to, without a trailing slash.

    Args:
        binding: The tool's binding (`servers`: `[{"url", "variables"?: {name: {"default"?, "enum"?}}}]`).
        override: `--base-url`; used as is when given.
        server_vars: `--server-var` values for `{name}` placeholders of the server URL (else their default).
            Names the URL does not use are ignored: one set of values serves every operation.

    Raises:
        ValueError: a server variable value outside its `enum`, a variable with no value, or no absolute URL.
    """
    if override:
        return override.rstrip("/")
    servers = binding.get("servers") or []
    if not servers:
        raise ValueError(NO_SERVER)
    server = servers[0]
    variables: Mapping[str, Any] = server.get("variables") or {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        spec: Mapping[str, Any] = variables.get(name) or {}
        if name in server_vars:
            value = server_vars[name]
            allowed = spec.get("enum")
            if allowed and value not in allowed:
                choices = ", ".join(f"'{choice}'" for choice in allowed)
                raise ValueError(f"server variable '{name}' must be one of {choices}, got '{value}'")
            return value
        if spec.get("default") is not None:
            return str(spec["default"])
        raise ValueError(f"server variable '{name}' has no default; pass --server-var {name}=VALUE")

    url = _PLACEHOLDER.sub(fill, str(server.get("url") or ""))
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(NO_SERVER)
    return url.rstrip("/")


def build_request(
    binding: Mapping[str, Any],
    arguments: Mapping[str, Any],
    *,
    base_url: str,
    headers: Mapping[str, str] | None = None,
) -> httpx.Request:
    """Turn one tool call into an `httpx.Request` (not sent).

    Arguments absent from `arguments` (and those the binding does not name) are not sent; null query, header
    and cookie values, empty arrays and empty objects count as absent (RFC 6570 "undefined").

    Args:
        binding: The tool's binding as `converter.tools.binding_to_json` writes it.
        arguments: The tool call's arguments, keyed by the binding's `arg` names. The binding's `defaults`
            fill in what is left out; its `fixed` values (hidden arguments) are always sent.
        base_url: From `select_base_url`; a trailing slash is dropped.
        headers: Static headers (`--header`) sent first; header arguments of the same name replace them,
            and a static `Cookie` is kept in front of the cookie arguments.

    Raises:
        ArgumentError: a required argument is missing, or an argument cannot be sent safely
            (CR/LF in a header, invalid base64 for a file, a value with no JSON or text form).
        ValueError: a static header with an invalid name or value.
    """
    args: list[Mapping[str, Any]] = list(binding.get("args") or [])
    fixed: Mapping[str, Any] = binding.get("fixed") or {}
    defaults: Mapping[str, Any] = binding.get("defaults") or {}
    if fixed or defaults:
        arguments = {**defaults, **arguments, **fixed}
    static = _static_headers(headers or {})
    _check_required(args, arguments, static)
    given = [arg for arg in args if arg["arg"] in arguments]

    url = base_url.rstrip("/") + _build_path(str(binding["path"]), args, arguments)
    query = "&".join(pair for arg in given if arg["in"] == "query" for pair in _query_pairs(arg, arguments))
    if query:
        url += "?" + query

    header_map = dict(static)  # lower-case name → (name, value)
    for arg in given:
        if arg["in"] == "header":
            value = _header_value(arg, arguments[arg["arg"]])
            if value is not None:
                header_map[arg["name"].lower()] = (arg["name"], value)
    cookie = _cookie_header(given, arguments)
    if cookie:
        previous = header_map.get("cookie")
        header_map["cookie"] = ("Cookie", f"{previous[1]}; {cookie}" if previous else cookie)

    content: bytes | None = None
    files: Files | None = None
    spec = binding.get("body")
    if spec is not None:
        body = _build_body(spec, args, arguments)
        if body is not None:
            content, files, content_type = body
            header_map = {key: item for key, item in header_map.items() if key not in _BODY_HEADERS}
            if content_type is not None:
                header_map["content-type"] = ("Content-Type", content_type)

    wire_headers = [(name.encode("ascii"), to_utf8(value)) for name, value in header_map.values()]
    request = httpx.Request(
        str(binding["method"]).upper(), url, headers=wire_headers, content=content, files=files or None
    )
    if files:
        request.read()  # materialize the multipart body so a retry can send it again
    return request


def _static_headers(headers: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    checked: dict[str, tuple[str, str]] = {}
    for name, value in headers.items():
        if not _TOKEN.match(name):
            raise ValueError(f"--header {name!r}: not a valid header name")
        if _CONTROL.search(value):
            raise ValueError(f"--header {name!r}: the value contains a control character (CR, LF, …)")
        checked[name.lower()] = (name, value.strip(" \t"))
    return checked


def _check_required(
    args: list[Mapping[str, Any]], arguments: Mapping[str, Any], static: Mapping[str, tuple[str, str]]
) -> None:
    for arg in args:
        if not arg.get("required") or arg["arg"] in arguments:
            continue
        if arg["in"] == "header" and str(arg["name"]).lower() in static:
            continue  # supplied by --header
        raise ArgumentError(arg["arg"], "is required but was not given")


def _build_path(template: str, args: list[Mapping[str, Any]], arguments: Mapping[str, Any]) -> str:
    """The path with each `{name}` expanded; no value can add, remove or climb a segment."""
    if not template.startswith("/"):
        template = "/" + template
    by_name = {arg["name"]: arg for arg in args if arg["in"] == "path"}

    def expand(match: re.Match[str]) -> str:
        arg = by_name.get(match.group(1))
        if arg is None or arg["arg"] not in arguments:
            raise ArgumentError(arg["arg"] if arg else match.group(1), "is required but was not given")
        style = arg.get("style") or "simple"
        with _blame(arg["arg"]):
            return expand_simple(
                encode_path_value(arg["name"]),
                arguments[arg["arg"]],
                style=style,
                explode=bool(arg.get("explode")),
                encode=encode_path_value,
            )

    path = _PLACEHOLDER.sub(expand, template)
    # Values never hold a raw "/", so segments line up with the template's; a segment that became a dot-segment
    # only through expansion (label style `{.x}` with x="", or `{a}{b}` with "." twice) is encoded too.
    segments = [
        segment.replace(".", "%2E") if segment in {".", ".."} and segment != original else segment
        for segment, original in zip(path.split("/"), template.split("/"), strict=True)
    ]
    return "/".join(segments)


def _query_pairs(arg: Mapping[str, Any], arguments: Mapping[str, Any]) -> list[str]:
    value = arguments[arg["arg"]]
    name = percent_encode(arg["name"])
    with _blame(arg["arg"]):
        if arg.get("contentType") and value is not None:
            text = to_json(value) if is_json_type(arg["contentType"]) or not isinstance(value, str) else value
            return [f"{name}={percent_encode(text)}"]
        return query_pairs(
            name,
            value,
            style=arg.get("style") or "form",
            explode=arg.get("explode"),
            allow_reserved=bool(arg.get("allowReserved")),
        )


def _header_value(arg: Mapping[str, Any], value: Any) -> str | None:
    """The header's text in the simple style, or None (not sent) for null/empty; refuses control characters."""
    if not _TOKEN.match(str(arg["name"])):
        raise ArgumentError(arg["arg"], f"cannot be sent: {arg['name']!r} is not a valid header name")
    with _blame(arg["arg"]):
        if arg.get("contentType") and value is not None and not isinstance(value, str):
            text = to_json(value)
        else:
            text = expand_simple(arg["name"], value, explode=bool(arg.get("explode")), encode=lambda item: item)
        to_utf8(text)
    # Surrounding spaces are not part of a field value (RFC 9110), and h11 refuses to send them.
    text = text.strip(" \t")
    if _CONTROL.search(text):
        raise ArgumentError(
            arg["arg"], "cannot be sent: a header value must not contain control characters such as CR or LF"
        )
    if value is None or (text == "" and (is_array(value) or isinstance(value, Mapping))):
        return None
    return text


def _cookie_header(given: list[Mapping[str, Any]], arguments: Mapping[str, Any]) -> str:
    """`a=1; b=2` in the form style; values percent-encoded so `;` or `,` cannot start another cookie."""
    pairs: list[str] = []
    for arg in given:
        if arg["in"] != "cookie":
            continue
        if not _TOKEN.match(str(arg["name"])):
            raise ArgumentError(arg["arg"], f"cannot be sent: {arg['name']!r} is not a valid cookie name")
        with _blame(arg["arg"]):
            pairs.extend(
                query_pairs(arg["name"], arguments[arg["arg"]], style="form", explode=arg.get("explode", True))
            )
    return "; ".join(pairs)


def _build_body(
    spec: Mapping[str, Any], args: list[Mapping[str, Any]], arguments: Mapping[str, Any]
) -> tuple[bytes | None, Files | None, str | None] | None:
    """(content, multipart files, Content-Type), or None when no body is sent."""
    body_args = [arg for arg in args if arg["in"] == "body" and arg["arg"] in arguments]
    content_type = str(spec["contentType"])
    essence = media_type(content_type)
    if spec.get("whole"):
        if not body_args:
            if spec.get("required"):
                name = next((arg["arg"] for arg in args if arg["in"] == "body"), "body")
                raise ArgumentError(name, "is required but was not given")
            return None
        arg_name = body_args[0]["arg"]
        value = arguments[arg_name]
    else:
        if not body_args and not spec.get("required"):
            return None
        arg_name = "body"
        value = {arg["name"]: arguments[arg["arg"]] for arg in body_args}

    if spec.get("binary"):
        if not isinstance(value, str):
            raise ArgumentError(arg_name, "must be the content as a base64 string")
        with _blame(arg_name):
            return decode_base64(value), None, _concrete(content_type, "application/octet-stream")
    if essence.startswith("multipart/"):
        return _multipart(spec, body_args, arguments, value, arg_name)
    if essence == "application/x-www-form-urlencoded":
        if not isinstance(value, Mapping):
            raise ArgumentError(arg_name, "must be an object: a form body is made of its properties")
        return _form(spec, body_args, value).encode("ascii"), None, content_type
    json_type = _concrete(content_type, "application/json")
    if not spec.get("whole"):
        # Encoded member by member (same bytes as one json.dumps) so a bad value is blamed on its own argument.
        members: list[str] = []
        for arg in body_args:
            with _blame(arg["arg"]):
                members.append(f"{to_json(arg['name'])}:{to_json(arguments[arg['arg']])}")
                to_utf8(members[-1])
        return ("{" + ",".join(members) + "}").encode("utf-8"), None, json_type
    with _blame(arg_name):
        if isinstance(value, str) and not is_json_type(content_type):
            return to_utf8(value), None, _concrete(content_type, "text/plain; charset=utf-8")
        return to_utf8(to_json(value)), None, json_type


def _concrete(content_type: str, fallback: str) -> str:
    """The declared type, or `fallback` when it is a range like `*/*` or `image/*` (not a valid Content-Type)."""
    return fallback if "*" in content_type else content_type


def _parts(spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {part["name"]: part for part in spec.get("parts") or []}


def _form(spec: Mapping[str, Any], body_args: list[Mapping[str, Any]], value: Mapping[str, Any]) -> str:
    """`application/x-www-form-urlencoded`: each property per its encoding; objects default to deepObject."""
    parts = _parts(spec)
    blame = {arg["name"]: arg["arg"] for arg in body_args}
    pairs: list[str] = []
    for name, item in value.items():
        part = parts.get(name) or {}
        with _blame(str(blame.get(name, name))):
            if is_json_type(part.get("contentType")) and item is not None:
                pairs.append(f"{percent_encode(name)}={percent_encode(to_json(item))}")
                continue
            style = part.get("style") or ("deepObject" if isinstance(item, Mapping) else "form")
            pairs.extend(query_pairs(percent_encode(name), item, style=style, explode=part.get("explode")))
    return "&".join(pairs)


def _multipart(
    spec: Mapping[str, Any],
    body_args: list[Mapping[str, Any]],
    arguments: Mapping[str, Any],
    value: Any,
    arg_name: str,
) -> tuple[bytes | None, Files | None, str | None]:
    """`multipart/form-data`: file parts from base64, text parts, JSON parts for objects and arrays."""
    if not isinstance(value, Mapping):
        raise ArgumentError(arg_name, "must be an object: a multipart body is made of its properties")
    parts = _parts(spec)
    blame = {arg["name"]: arg["arg"] for arg in body_args}
    files: Files = []
    for name, item in value.items():
        part = parts.get(name) or {}
        declared = str(part.get("contentType") or "").split(",")[0].strip() or None
        if item is None:
            continue
        with _blame(str(blame.get(name, name))):
            if part.get("file"):
                # An array of files is one file part per item, all under the same name.
                contents = item if is_array(item) else [item]
                if not all(isinstance(c, str) for c in contents):
                    raise ValueError("must be the file content as a base64 string (or a list of them)")
                file_type = _concrete(declared or "*", "application/octet-stream")
                files.extend((name, (name, decode_base64(c), file_type)) for c in contents)
            elif (
                is_array(item)
                and not is_json_type(declared)
                and not any(isinstance(x, Mapping) or is_array(x) for x in item)
            ):
                # OpenAPI: an array of primitives is one part per item, each typed like the primitive.
                text_type = declared if declared and "*" not in declared else None
                files.extend((name, (None, to_utf8(to_text(x)), text_type)) for x in item if x is not None)
            elif is_json_type(declared) or isinstance(item, Mapping) or is_array(item):
                files.append((name, (None, to_utf8(to_json(item)), _concrete(declared or "*", "application/json"))))
            else:
                text_type = declared if declared and "*" not in declared else None
                files.append((name, (None, to_utf8(to_text(item)), text_type)))
    if files:
        return None, files, None
    # httpx sends nothing for an empty `files=`, but a required body still needs a (valid, empty) multipart body.
    boundary = secrets.token_hex(16)
    return f"--{boundary}--\r\n".encode("ascii"), None, f"multipart/form-data; boundary={boundary}"
