"""Call every tool of real-world specs through oa2mcp against a Prism mock, and judge each request.

Usage:
    python bench/prism_sweep.py [SPEC ...] [--list FILE] [--corpus DIR] [--optional] [--driver serve|call]
                                [--canary] [--json OUT] [--only-tool NAME] [--max-tools N]

Per spec (default: the harness dev sample, paths relative to --corpus):
  1. `prism_up.sh SPEC PORT` (skipped when Prism does not become ready within PRISM_WAIT seconds),
  2. a small recording reverse proxy in front of Prism, so the exact request oa2mcp sent and Prism's full
     answer (status, `sl-violations` header, problem+json body) are kept for every call,
  3. `oa2mcp inspect --json SPEC` for the tools, arguments generated from each inputSchema (required
     properties; `--optional` adds the optional ones) and checked locally against the schema (with formats),
  4. each tool called through oa2mcp with `--base-url http://127.0.0.1:PROXY` and a credential for every
     security scheme in `OA2MCP_AUTH_<NAME>` (basic: `user:pass`; oauth2/openIdConnect: a ready token),
     either by one `oa2mcp serve` per spec driven with the Python MCP client (default) or by one
     `oa2mcp call` process per tool (`--driver call`),
  5. the harness verdict rule: rejected when the status is 400/401/403/404/405/415/422 and the body is
     problem+json with a `stoplight.io/prism/errors#` type or `sl-violations` has a request-located entry;
     any other upstream answer is accepted. An isError result with no upstream request is an oa2mcp-side
     error (argument validation, credentials, base URL, request building).
     If Prism dies on a request (it does on some parameter styles), the call is counted as `prism_crash`
     (not as reaching Prism), the log tail is kept, and Prism is restarted for the remaining tools.
  6. `--canary`: for each accepted call, the same request with one deliberate fault (a required query
     parameter, body property or header dropped; else a JSON body replaced by the number 7) is sent straight
     to Prism; if Prism accepts a dropped-required fault too, its validation is off for the operation (the
     silent pass-through) and the call is counted as `unverified`. An accepted `7` is only `inconclusive`:
     a body schema without `type` allows it.
  Optional arguments whose schema no generated value satisfies (spec defects such as a string enum under
  `type: integer`, or a oneOf whose branches overlap) are left out and listed as `dropped_optional`.

No `Prefer` header is sent: `Prefer: code=200` on an operation that declares no 200 makes Prism answer
`404 #NOT_FOUND`, which the verdict rule would count as a rejection. No `Accept` header is added either
(oa2mcp sends httpx's `*/*`; Prism then answers with the first declared media type).

Exit 0 when the acceptance rate over calls that reached Prism is at least --target (default 0.99).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import http.server
import json
import math
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import unquote

try:
    import re._constants as sre_c  # type: ignore[import-not-found]
    import re._parser as sre_parse  # type: ignore[import-not-found]
except ImportError:  # Python < 3.11
    import sre_constants as sre_c  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

import anyio
import jsonschema
import yaml
from mcp import Client, StdioServerParameters

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HARNESS = Path(os.environ.get("OA2MCP_HARNESS", PROJECT_ROOT.parent / "shared" / "harness"))
DEFAULT_CORPUS = Path(os.environ.get("OA2MCP_CORPUS", PROJECT_ROOT.parent / "corpus"))
OA2MCP = os.environ.get("OA2MCP", str(Path(sys.executable).with_name("oa2mcp")))
REJECT_STATUSES = frozenset({400, 401, 403, 404, 405, 415, 422})
PRISM_TYPE = "stoplight.io/prism/errors#"
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length"}
)
SAMPLE_BYTES = b"oa2mcp sweep"


# ----------------------------------------------------------------------------------------------------------
# Recording reverse proxy
# ----------------------------------------------------------------------------------------------------------


class Recorder:
    """A threaded HTTP/1.1 reverse proxy to 127.0.0.1:upstream_port that keeps every exchange."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.records: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            break
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                    return b"".join(chunks)
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _forward(self) -> None:
                body = self._body()
                request_headers = [(k, v) for k, v in self.headers.items()]
                record: dict[str, Any] = {
                    "method": self.command,
                    "path": self.path,
                    "headers": request_headers,
                    "body": body,
                }
                try:
                    status, reason, headers, data = send_raw(
                        recorder.upstream_port, self.command, self.path, request_headers, body
                    )
                except Exception as err:
                    status, reason, headers, data = 502, "Bad Gateway", [], f"proxy: {err!r}".encode()
                    record["proxy_error"] = repr(err)
                record.update(status=status, response_headers=headers, response_body=data)
                with recorder.lock:
                    recorder.records.append(record)
                self.send_response(status, reason)
                for key, value in headers:
                    if key.lower() not in HOP_BY_HOP:
                        self.send_header(key, value)
                if self.command != "HEAD" and status not in (204, 304) and not 100 <= status < 200:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD" and status not in (204, 304):
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_TRACE = _forward

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                recorder.resets += 1  # a client closing a kept-alive connection; nothing to record

        self.resets = 0
        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def mark(self) -> int:
        with self.lock:
            return len(self.records)

    def since(self, mark: int) -> list[dict[str, Any]]:
        with self.lock:
            return self.records[mark:]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def send_raw(
    port: int, method: str, path: str, headers: list[tuple[str, str]], body: bytes, timeout: float = 60
) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """Send one request as given (header order and duplicates kept) and read the whole answer."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        has_host = False
        for key, header_value in headers:
            value = header_value
            low = key.lower()
            if low in {"connection", "keep-alive", "transfer-encoding", "content-length"}:
                continue
            if low == "host":
                has_host = True
                value = f"127.0.0.1:{port}"
            conn.putheader(key, value)
        if not has_host:
            conn.putheader("Host", f"127.0.0.1:{port}")
        if body or method in {"POST", "PUT", "PATCH"}:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        response = conn.getresponse()
        data = b"" if method == "HEAD" else response.read()
        return response.status, response.reason, list(response.getheaders()), data
    finally:
        conn.close()


# ----------------------------------------------------------------------------------------------------------
# Verdict
# ----------------------------------------------------------------------------------------------------------


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in headers if k.lower() == name), None)


def verdict(status: int, headers: list[tuple[str, str]], body: bytes) -> tuple[str, str]:
    """("rejected", reason) or ("accepted", note) per the harness rule."""
    problem_type = None
    reason_parts: list[str] = []
    ctype = (header(headers, "content-type") or "").lower()
    if "json" in ctype:
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            payload = json.loads(body.decode("utf-8"))
            if isinstance(payload, dict) and isinstance(payload.get("type"), str) and PRISM_TYPE in payload["type"]:
                problem_type = payload["type"].split("#", 1)[1]
                reason_parts.append(f"{problem_type}: {payload.get('title', '')}")
                if payload.get("detail"):
                    reason_parts.append(str(payload["detail"])[:300])
                for item in payload.get("validation") or []:
                    loc = ".".join(str(x) for x in item.get("location", []))
                    reason_parts.append(f"[{loc}] {item.get('message', '')}")
    request_violations = []
    response_violations = 0
    raw = header(headers, "sl-violations")
    if raw:
        with contextlib.suppress(ValueError):
            for item in json.loads(raw):
                loc = item.get("location") or []
                if loc and loc[0] == "request":
                    request_violations.append(f"[{'.'.join(map(str, loc))}] {item.get('message', '')}")
                else:
                    response_violations += 1
    if status in REJECT_STATUSES and (problem_type or request_violations):
        return "rejected", f"{status} " + "; ".join(reason_parts + [f"sl-violations {v}" for v in request_violations])
    note = f"{status}"
    if response_violations:
        note += f" (+{response_violations} response sl-violations)"
    if request_violations:
        note += " (request sl-violations on a non-rejecting status: " + "; ".join(request_violations) + ")"
    return "accepted", note


# ----------------------------------------------------------------------------------------------------------
# Argument generator
# ----------------------------------------------------------------------------------------------------------

FORMAT_VALUES = {
    "date": "2024-01-15",
    "date-time": "2024-01-15T10:20:30Z",
    "time": "10:20:30Z",
    "duration": "P1D",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/a",
    "url": "https://example.com/a",
    "iri": "https://example.com/a",
    "uri-reference": "https://example.com/a",
    "iri-reference": "https://example.com/a",
    "uri-template": "https://example.com/{a}",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "json-pointer": "/a/b",
    "relative-json-pointer": "0/a",
    "regex": "^a+$",
    "password": "correct-horse-battery-staple",
    "byte": base64.b64encode(SAMPLE_BYTES).decode("ascii"),
    "binary": base64.b64encode(SAMPLE_BYTES).decode("ascii"),
    "int32": "1",
    "int64": "1",
    "double": "1.5",
    "float": "1.5",
    "decimal": "1.5",
}


class Unsatisfiable(Exception):
    pass


def _pick_char(items: list[Any]) -> str:
    negate = bool(items) and items[0][0] is sre_c.NEGATE
    if negate:
        body = items[1:]
        for candidate in "aZ1-_x.":
            if not _in_set(candidate, body):
                return candidate
        raise Unsatisfiable("negated class")
    for op, av in items:
        if op is sre_c.LITERAL:
            return chr(av)
        if op is sre_c.RANGE:
            lo, hi = av
            for preferred in ("a", "A", "1"):
                if lo <= ord(preferred) <= hi:
                    return preferred
            return chr(lo)
        if op is sre_c.CATEGORY:
            return _category_char(av)
    raise Unsatisfiable("empty class")


def _in_set(ch: str, items: list[Any]) -> bool:
    for op, av in items:
        if op is sre_c.LITERAL and chr(av) == ch:
            return True
        if op is sre_c.RANGE and av[0] <= ord(ch) <= av[1]:
            return True
        if op is sre_c.CATEGORY and re.match(_CATEGORY_RE.get(av, "(?!)"), ch):
            return True
    return False


_CATEGORY_RE = {
    sre_c.CATEGORY_DIGIT: r"\d",
    sre_c.CATEGORY_NOT_DIGIT: r"\D",
    sre_c.CATEGORY_SPACE: r"\s",
    sre_c.CATEGORY_NOT_SPACE: r"\S",
    sre_c.CATEGORY_WORD: r"\w",
    sre_c.CATEGORY_NOT_WORD: r"\W",
}


def _category_char(cat: Any) -> str:
    return {
        sre_c.CATEGORY_DIGIT: "1",
        sre_c.CATEGORY_NOT_DIGIT: "a",
        sre_c.CATEGORY_SPACE: " ",
        sre_c.CATEGORY_NOT_SPACE: "a",
        sre_c.CATEGORY_WORD: "a",
        sre_c.CATEGORY_NOT_WORD: "-",
    }.get(cat, "a")


def regex_sample(pattern: str, min_len: int = 0) -> str | None:
    """A short string matching `pattern` (Python syntax), or None when the pattern is not simple enough."""
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return None
    out: list[str] = []

    def emit(items: Any, depth: int = 0) -> None:
        if depth > 50:
            raise Unsatisfiable("deep")
        for op, av in items:
            if op is sre_c.LITERAL:
                out.append(chr(av))
            elif op is sre_c.NOT_LITERAL:
                out.append("a" if chr(av) != "a" else "b")
            elif op is sre_c.ANY:
                out.append("a")
            elif op is sre_c.IN:
                out.append(_pick_char(av))
            elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) or op is getattr(sre_c, "POSSESSIVE_REPEAT", None):
                lo, hi, sub = av
                count = lo if lo > 0 else (1 if hi != 0 else 0)
                if count > 200:
                    raise Unsatisfiable("long")
                for _ in range(count):
                    emit(sub, depth + 1)
            elif op is sre_c.SUBPATTERN:
                emit(av[-1], depth + 1)
            elif op is getattr(sre_c, "ATOMIC_GROUP", None):
                emit(av, depth + 1)
            elif op is sre_c.BRANCH:
                emit(av[1][0], depth + 1)
            elif op is sre_c.CATEGORY:
                out.append(_category_char(av))
            elif op in (sre_c.AT, sre_c.ASSERT, sre_c.ASSERT_NOT):
                pass
            else:
                raise Unsatisfiable(str(op))

    try:
        emit(parsed)
    except Unsatisfiable:
        return None
    text = "".join(out)
    try:
        if not re.search(pattern, text):
            return None
    except re.error:
        return None
    return text


def _json_type_ok(value: Any, kinds: list[str]) -> bool:
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: (
            (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
        ),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }
    return any(checks.get(k, lambda v: True)(value) for k in kinds)


class ArgGen:
    """Values that satisfy a tool's inputSchema (2020-12, `$ref` into the schema itself)."""

    MAX_DEPTH = 6

    def __init__(self, root: dict[str, Any], *, optional: bool, variant: int = 0) -> None:
        self.root = root
        self.optional = optional
        self.variant = variant

    def resolve(self, schema: Any, hops: int = 0) -> Any:
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and hops < 64:
            ref = schema["$ref"]
            target = self.pointer(ref)
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**target, **rest} if isinstance(target, dict) and rest else target
            hops += 1
        return schema

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return {}
        node: Any = self.root
        for raw_part in [p for p in ref[1:].split("/") if p]:
            part = unquote(raw_part.replace("~1", "/").replace("~0", "~"))
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit():
                node = node[int(part)]
            else:
                return {}
        return node

    def merge_all_of(self, schema: dict[str, Any]) -> dict[str, Any]:
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for raw_sub in schema.get("allOf") or []:
            sub = self.resolve(raw_sub)
            if not isinstance(sub, dict):
                continue
            if "allOf" in sub:
                sub = self.merge_all_of(sub)
            for key, value in sub.items():
                if key == "properties":
                    merged["properties"] = {**merged.get("properties", {}), **value}
                elif key == "required":
                    merged["required"] = list(dict.fromkeys([*merged.get("required", []), *value]))
                elif key in ("minimum", "minLength", "minItems", "exclusiveMinimum") and key in merged:
                    merged[key] = max(merged[key], value) if not isinstance(value, bool) else value
                elif key in ("maximum", "maxLength", "maxItems", "exclusiveMaximum") and key in merged:
                    merged[key] = min(merged[key], value) if not isinstance(value, bool) else value
                elif key in ("anyOf", "oneOf") and key in merged:
                    merged.setdefault("allOf", [])
                    merged["allOf"] = [*merged.get("allOf", []), {key: value}]
                elif key not in merged:
                    merged[key] = value
        if merged.get("allOf"):
            return self.merge_all_of(merged)
        return merged

    def gen(self, schema: Any, depth: int = 0) -> Any:
        schema = self.resolve(schema)
        if schema is True or schema is None or schema == {}:
            return "x"
        if schema is False:
            raise Unsatisfiable("false schema")
        if "allOf" in schema:
            schema = self.merge_all_of(schema)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            choices = [e for e in schema["enum"] if e is not None] or schema["enum"]
            kinds = schema.get("type")
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if kinds:
                typed = [e for e in choices if _json_type_ok(e, kinds)]
                if not typed:
                    raise Unsatisfiable(f"no enum value of type {kinds}: {choices[:3]}")
                choices = typed
            return choices[self.variant % len(choices)] if self.variant >= 3 else choices[0]
        for key in ("oneOf", "anyOf"):
            options = schema.get(key)
            if isinstance(options, list) and options:
                resolved = [self.resolve(o) for o in options]
                non_null = [o for o in resolved if not (isinstance(o, dict) and o.get("type") == "null")] or resolved
                choice = non_null[self.variant % len(non_null)]
                rest = {k: v for k, v in schema.items() if k != key}
                if isinstance(choice, dict):
                    combined = self.merge_all_of({**rest, "allOf": [choice]}) if rest else choice
                    return self.gen(combined, depth)
                return self.gen(choice, depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            non_null = [k for k in kind if k != "null"]
            kind = non_null[0] if non_null else "null"
        if kind is None:
            if "properties" in schema or "required" in schema or "additionalProperties" in schema:
                kind = "object"
            elif "items" in schema or "prefixItems" in schema:
                kind = "array"
            elif any(k in schema for k in ("minimum", "maximum", "multipleOf", "exclusiveMinimum")):
                kind = "number"
            else:
                kind = "string"
        if kind == "null":
            return None
        if kind == "boolean":
            return True
        if kind in ("integer", "number"):
            return self.number(schema, integer=kind == "integer")
        if kind == "string":
            return self.string(schema)
        if kind == "array":
            return self.array(schema, depth)
        if kind == "object":
            return self.obj(schema, depth)
        return "x"

    def number(self, schema: dict[str, Any], *, integer: bool) -> Any:
        lo = schema.get("minimum")
        hi = schema.get("maximum")
        xlo = schema.get("exclusiveMinimum")
        xhi = schema.get("exclusiveMaximum")
        step = schema.get("multipleOf")
        delta = 1 if integer else 0.5
        if isinstance(xlo, bool):  # draft 4 style, should not appear in 2020-12 but be tolerant
            xlo = lo if xlo else None
            lo = None if xlo is not None else lo
        if isinstance(xhi, bool):
            xhi = hi if xhi else None
            hi = None if xhi is not None else hi
        low = lo if lo is not None else (xlo + delta if xlo is not None else None)
        high = hi if hi is not None else (xhi - delta if xhi is not None else None)
        if low is not None:
            value = low
        elif high is not None:
            value = min(high, 1)
        else:
            value = 1
        if step:
            value = math.ceil(value / step) * step
            if integer:
                value = int(value)
        if integer:
            value = int(value) if float(value).is_integer() else int(value) + 1
        if high is not None and value > high:
            value = high
        return value

    def string(self, schema: dict[str, Any]) -> str:
        min_len = int(schema.get("minLength") or 0)
        max_len = schema.get("maxLength")
        pattern = schema.get("pattern")
        fmt = schema.get("format")
        candidates: list[str] = []
        if schema.get("contentEncoding") == "base64":
            candidates.append(base64.b64encode(SAMPLE_BYTES).decode("ascii"))
        if fmt in FORMAT_VALUES:
            candidates.append(FORMAT_VALUES[fmt])
        if isinstance(pattern, str):
            sample = regex_sample(pattern)
            if sample is not None:
                candidates.append(sample)
                # pad a pattern sample by repeating its last quantified char if too short
                if len(sample) < min_len:
                    for filler in ("a", "1", "A"):
                        padded = sample + filler * (min_len - len(sample))
                        if re.search(pattern, padded):
                            candidates.append(padded)
                            break
        candidates.append("string")
        for candidate in candidates:
            text = candidate
            if len(text) < min_len and not (isinstance(pattern, str) or fmt in FORMAT_VALUES):
                text = text + "x" * (min_len - len(text))
            if (
                max_len is not None
                and len(text) > max_len
                and not isinstance(pattern, str)
                and fmt not in FORMAT_VALUES
            ):
                text = text[: max(int(max_len), 0)]
            ok = len(text) >= min_len and (max_len is None or len(text) <= max_len)
            if isinstance(pattern, str):
                try:
                    ok = ok and bool(re.search(pattern, text))
                except re.error:
                    pass
            if ok:
                return text
        # last resort: a plain string of an acceptable length
        length = max(min_len, 1) if max_len is None else max(min(max(min_len, 1), int(max_len)), 0)
        return "x" * length

    def array(self, schema: dict[str, Any], depth: int) -> list[Any]:
        min_items = int(schema.get("minItems") or 0)
        max_items = schema.get("maxItems")
        count = max(min_items, 1)
        if max_items is not None:
            count = min(count, int(max_items))
        prefix = schema.get("prefixItems") or []
        items_schema = schema.get("items", {})
        out = []
        for i in range(count):
            sub = prefix[i] if i < len(prefix) else items_schema
            if depth > self.MAX_DEPTH and min_items == 0:
                return []
            value = self.gen(sub, depth + 1)
            if schema.get("uniqueItems") and value in out:
                alt = ArgGen(self.root, optional=self.optional, variant=self.variant + i + 3).gen(sub, depth + 1)
                value = alt if alt not in out else (f"{value}{i}" if isinstance(value, str) else value)
            out.append(value)
        return out

    def obj(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        props: dict[str, Any] = schema.get("properties") or {}
        required = list(schema.get("required") or [])
        out: dict[str, Any] = {}
        for name, sub in props.items():
            take = name in required or (self.optional and depth <= self.MAX_DEPTH)
            if not take:
                continue
            resolved = self.resolve(sub)
            if name not in required and isinstance(resolved, dict) and resolved.get("readOnly"):
                continue
            try:
                out[name] = self.gen(sub, depth + 1)
            except (Unsatisfiable, RecursionError):
                if name in required:
                    raise
        extra = schema.get("additionalProperties")
        for name in required:
            if name not in out:
                out[name] = self.gen(extra if isinstance(extra, dict) else {}, depth + 1)
        min_props = int(schema.get("minProperties") or 0)
        for name, sub in props.items():
            if len(out) >= min_props:
                break
            if name not in out:
                out[name] = self.gen(sub, depth + 1)
        if len(out) < min_props and extra is not False:
            for i in range(min_props - len(out)):
                out[f"key{i}"] = self.gen(extra if isinstance(extra, dict) else {}, depth + 1)
        return out


def make_validator(schema: dict[str, Any]) -> Any:
    """The same validator class oa2mcp uses (ECMA-tolerant patterns), plus format checking like Prism's AJV."""
    sys.path.insert(0, str(PROJECT_ROOT))
    try:
        from converter.runtime.validation import ArgumentValidator  # noqa: PLC0415
    except Exception:
        ArgumentValidator = jsonschema.Draft202012Validator
    return ArgumentValidator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


DROPPED: dict[str, set[str]] = {}
"""Optional arguments left out because no generated value satisfied their schema, by tool name."""


def generate_arguments(tool: dict[str, Any], *, optional: bool) -> tuple[dict[str, Any] | None, list[str]]:
    """Arguments for `tool`, trying a few variants until one satisfies the inputSchema; (None, problems) if none."""
    schema = tool.get("inputSchema") or {"type": "object"}
    validator = make_validator(schema)
    problems: list[str] = []
    best: dict[str, Any] | None = None
    for variant in range(6):
        try:
            args = ArgGen(schema, optional=optional, variant=variant).gen(schema)
        except (Unsatisfiable, RecursionError) as err:
            problems = [f"generator: {err!r}"]
            continue
        if not isinstance(args, dict):
            args = {}
        required = set(schema.get("required") or [])
        for _ in range(10):  # drop optional arguments the spec makes unsatisfiable (e.g. overlapping oneOf)
            bad = {e.absolute_path[0] for e in validator.iter_errors(args) if e.absolute_path}
            droppable = bad - required
            if not droppable:
                break
            DROPPED.setdefault(tool.get("name", "?"), set()).update(droppable)
            args = {k: v for k, v in args.items() if k not in droppable}
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(args)]
        if not errors:
            return args, []
        if best is None:
            best, problems = args, errors
    return best, problems


# ----------------------------------------------------------------------------------------------------------
# Specs, credentials, Prism
# ----------------------------------------------------------------------------------------------------------


def load_spec(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError:
        return yaml.safe_load(text)


def credentials_env(spec: dict[str, Any]) -> dict[str, str]:
    """OA2MCP_AUTH_<NAME> for every declared security scheme."""
    schemes = dict((spec.get("components") or {}).get("securitySchemes") or {})
    schemes.update(spec.get("securityDefinitions") or {})
    env: dict[str, str] = {}
    for name, scheme in schemes.items():
        if not isinstance(scheme, dict):
            continue
        kind = scheme.get("type")
        value = "sweep-key"
        if kind == "basic" or (kind == "http" and str(scheme.get("scheme", "")).lower() == "basic"):
            value = "user:pass"
        elif kind in ("oauth2", "openIdConnect") or kind == "http":
            value = "sweep-token"  # no ':' → sent as a ready bearer token, no token endpoint call
        env["OA2MCP_AUTH_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()] = value
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_prism(spec: Path, port: int, wait: int) -> tuple[int | None, str]:
    env = {**os.environ, "PRISM_WAIT": str(wait), "PRISM_LOG": f"/tmp/prism-sweep-{port}.log"}
    try:
        proc = subprocess.run(
            ["bash", str(HARNESS / "prism_up.sh"), str(spec), str(port)],
            capture_output=True,
            text=True,
            timeout=wait + 30,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, "prism_up.sh timed out"
    pid = int(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else None
    if proc.returncode != 0:
        if pid:
            stop_pid(pid)
        return None, (proc.stderr.strip().splitlines() or ["?"])[0][:200] + f" (rc {proc.returncode})"
    return pid, ""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        return state != "Z"
    return True


def stop_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def inspect_tools(spec: Path, timeout: int) -> list[dict[str, Any]]:
    proc = subprocess.run(
        [OA2MCP, "inspect", "--json", str(spec)], capture_output=True, text=True, timeout=timeout, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"inspect rc {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return json.loads(proc.stdout)["tools"]


# ----------------------------------------------------------------------------------------------------------
# Drivers
# ----------------------------------------------------------------------------------------------------------


def result_text(result: Any) -> str:
    parts = [
        getattr(item, "text", None) or f"[{getattr(item, 'type', '?')}]"
        for item in getattr(result, "content", []) or []
    ]
    return "\n".join(parts)


class ServeDriver:
    """One `oa2mcp serve SPEC` over stdio per spec, driven by the Python MCP client in a background loop."""

    def __init__(self, spec: Path, base_url: str, env: dict[str, str], timeout: float) -> None:
        self.requests: queue.Queue[Any] = queue.Queue()
        self.spec, self.base_url, self.env, self.timeout = spec, base_url, env, timeout
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        if not self.ready.wait(120):
            raise RuntimeError("oa2mcp serve did not start within 120 s")
        if self.error:
            raise RuntimeError(f"oa2mcp serve failed: {self.error!r}")

    def _run(self) -> None:
        async def main() -> None:
            params = StdioServerParameters(
                command=OA2MCP,
                args=["serve", str(self.spec), "--base-url", self.base_url],
                env={**{k: v for k, v in os.environ.items() if not k.startswith("OA2MCP_AUTH_")}, **self.env},
            )
            try:
                async with Client(params, read_timeout_seconds=self.timeout) as client:
                    self.ready.set()
                    while True:
                        item = await anyio.to_thread.run_sync(self.requests.get)
                        if item is None:
                            return
                        name, args, reply = item
                        try:
                            with anyio.fail_after(self.timeout + 5):
                                result = await client.call_tool(name, args)
                            reply.put((bool(result.is_error), result_text(result), None))
                        except Exception as err:
                            reply.put((True, "", f"{type(err).__name__}: {err}"))
            except BaseException as err:
                self.error = err
                self.ready.set()

        anyio.run(main)

    def call(self, name: str, args: dict[str, Any]) -> tuple[bool, str, str | None]:
        if self.error:
            return True, "", f"server gone: {self.error!r}"
        reply: queue.Queue[Any] = queue.Queue()
        self.requests.put((name, args, reply))
        try:
            return reply.get(timeout=self.timeout + 15)
        except queue.Empty:
            return True, "", "driver timeout"

    def close(self) -> None:
        self.requests.put(None)
        self.thread.join(20)


class CallDriver:
    """One `oa2mcp call SPEC TOOL --args JSON` process per tool."""

    def __init__(self, spec: Path, base_url: str, env: dict[str, str], timeout: float) -> None:
        self.spec, self.base_url, self.timeout = spec, base_url, timeout
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("OA2MCP_AUTH_")}, **env}

    def call(self, name: str, args: dict[str, Any]) -> tuple[bool, str, str | None]:
        cmd = [OA2MCP, "call", str(self.spec), name, "--args", json.dumps(args), "--base-url", self.base_url]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=self.timeout + 60, env=self.env, check=False
            )
        except subprocess.TimeoutExpired:
            return True, "", "oa2mcp call timed out"
        if proc.returncode not in (0, 1):
            return True, proc.stdout, f"oa2mcp call rc {proc.returncode}: {proc.stderr.strip()[-300:]}"
        text = proc.stdout
        if text.startswith("ERROR\n"):
            text = text[len("ERROR\n") :]
        return proc.returncode == 1, text, None

    def close(self) -> None:
        pass


# ----------------------------------------------------------------------------------------------------------
# Canary
# ----------------------------------------------------------------------------------------------------------


def canary_request(
    record: dict[str, Any], tool: dict[str, Any]
) -> tuple[str, str, str, list[tuple[str, str]], bytes] | None:
    """The recorded request with one deliberate fault, or None when there is nothing to break."""
    binding = tool.get("binding") or {}
    method, path, headers, body = record["method"], record["path"], list(record["headers"]), record["body"]
    base, _, query = path.partition("?")
    for arg in binding.get("args") or []:
        if arg.get("required") and arg.get("in") == "query" and query:
            pairs = query.split("&")
            kept = [p for p in pairs if unquote(p.split("=", 1)[0]).split("[", 1)[0] != arg["name"]]
            if len(kept) != len(pairs):
                return (
                    f"drop required query '{arg['name']}'",
                    method,
                    base + ("?" + "&".join(kept) if kept else ""),
                    headers,
                    body,
                )
    ctype = (header(headers, "content-type") or "").lower()
    if body and "json" in ctype:
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            value = json.loads(body)
            if isinstance(value, dict):
                required = [a["name"] for a in binding.get("args") or [] if a.get("in") == "body" and a.get("required")]
                body_spec = binding.get("body") or {}
                if body_spec.get("whole"):
                    whole = ((tool.get("inputSchema") or {}).get("properties") or {}).get("body") or {}
                    required = list(whole.get("required") or []) if isinstance(whole, dict) else []
                for name in required:
                    if name in value:
                        rest = {k: v for k, v in value.items() if k != name}
                        return f"drop required body property '{name}'", method, path, headers, json.dumps(rest).encode()
        return "JSON body replaced by 7", method, path, headers, b"7"
    for arg in binding.get("args") or []:
        if arg.get("required") and arg.get("in") == "header":
            kept_h = [(k, v) for k, v in headers if k.lower() != str(arg["name"]).lower()]
            if len(kept_h) != len(headers):
                return f"drop required header '{arg['name']}'", method, path, kept_h, body
    return None


# ----------------------------------------------------------------------------------------------------------
# Sweep
# ----------------------------------------------------------------------------------------------------------


def show_request(record: dict[str, Any], limit: int = 600) -> str:
    lines = [f"{record['method']} {record['path']}"]
    for key, value in record["headers"]:
        if key.lower() in {"host", "accept-encoding", "connection", "user-agent", "content-length"}:
            continue
        lines.append(f"{key}: {value}")
    if record["body"]:
        lines.append("")
        lines.append(record["body"][:limit].decode("utf-8", "replace"))
    return "\n".join(lines)


def sweep_spec(spec: Path, label: str, opts: argparse.Namespace) -> dict[str, Any]:
    report: dict[str, Any] = {
        "spec": label,
        "tools": 0,
        "calls": 0,
        "accepted": 0,
        "rejected": 0,
        "oa2mcp_errors": 0,
        "gen_failures": 0,
        "unverified": 0,
        "details": [],
    }
    started = time.monotonic()
    try:
        tools = inspect_tools(spec, opts.timeout * 4)
    except Exception as err:
        report["skipped"] = f"inspect failed: {err}"
        return report
    if opts.only_tool:
        tools = [t for t in tools if t["name"] in opts.only_tool]
    if opts.max_tools:
        tools = tools[: opts.max_tools]
    report["tools"] = len(tools)
    port = free_port()
    pid, why = start_prism(spec, port, opts.prism_wait)
    if pid is None:
        report["skipped"] = f"prism: {why}"
        return report
    report["prism_start_s"] = round(time.monotonic() - started, 1)
    recorder = Recorder(port)
    env = credentials_env(load_spec(spec))
    driver: Any = None
    try:
        driver_cls = ServeDriver if opts.driver == "serve" else CallDriver
        driver = driver_cls(spec, f"http://127.0.0.1:{recorder.port}", env, opts.timeout)
        for tool in tools:
            if time.monotonic() - started > opts.spec_budget:
                report["truncated"] = f"spec budget {opts.spec_budget}s exhausted"
                break
            args, problems = generate_arguments(tool, optional=opts.optional)
            detail: dict[str, Any] = {"tool": tool["name"], "args": args}
            if args is None:
                report["gen_failures"] += 1
                detail.update(outcome="gen_failure", reason="; ".join(problems)[:500])
                report["details"].append(detail)
                continue
            if problems:
                detail["gen_problems"] = problems[:5]
            if DROPPED.get(tool["name"]):
                detail["dropped_optional"] = sorted(DROPPED.pop(tool["name"]))
                report["dropped_optional"] = report.get("dropped_optional", 0) + 1
            mark = recorder.mark()
            is_error, text, failure = driver.call(tool["name"], args)
            records = recorder.since(mark)
            report["calls"] += 1
            if recorder.resets:
                detail["proxy_resets"] = recorder.resets
                recorder.resets = 0
            if not records:
                report["oa2mcp_errors"] += 1
                detail.update(outcome="oa2mcp_error", reason=(failure or text)[:800], gen_ok=not problems)
                report["details"].append(detail)
                continue
            last = records[-1]
            if not alive(pid) or any("proxy_error" in r for r in records):
                # Prism died on this request (or was already gone): it never judged it.
                report["prism_crashes"] = report.get("prism_crashes", 0) + 1
                log_tail = ""
                with contextlib.suppress(OSError):
                    log_tail = Path(f"/tmp/prism-sweep-{port}.log").read_text(errors="replace")[-1500:]
                detail.update(
                    outcome="prism_crash",
                    reason=(records[0].get("proxy_error") or "prism exited"),
                    request=show_request(records[0]),
                    prism_log_tail=log_tail,
                )
                report["details"].append(detail)
                stop_pid(pid)
                pid, why = start_prism(spec, port, opts.prism_wait)
                if pid is None:
                    report["error"] = f"prism could not be restarted: {why}"
                    break
                continue
            outcome, reason = verdict(last["status"], last["response_headers"], last["response_body"])
            detail.update(
                outcome=outcome,
                reason=reason,
                request=show_request(last),
                tool_is_error=is_error,
                upstream_requests=len(records),
            )
            if failure:
                detail["driver_failure"] = failure
            if outcome == "accepted":
                report["accepted"] += 1
                if opts.canary:
                    canary = canary_request(last, tool)
                    if canary is not None:
                        what, method, path, headers, body = canary
                        try:
                            c_status, _, c_headers, c_body = send_raw(port, method, path, headers, body)
                            c_outcome, c_reason = verdict(c_status, c_headers, c_body)
                        except Exception as err:
                            c_outcome, c_reason = "error", repr(err)
                        detail["canary"] = {"fault": what, "outcome": c_outcome, "reason": c_reason[:300]}
                        if c_outcome != "rejected":
                            if what.startswith("JSON body replaced"):
                                # `7` is valid against a body schema with no `type` (properties/required only
                                # constrain objects), so this proves nothing either way.
                                detail["canary"]["outcome"] = "inconclusive"
                                report["canary_inconclusive"] = report.get("canary_inconclusive", 0) + 1
                            else:
                                report["unverified"] += 1
                if not opts.keep_accepted:
                    detail.pop("request", None)
                    detail.pop("args", None)
                    if not (
                        opts.canary
                        and detail.get("canary", {}).get("outcome") not in (None, "rejected", "inconclusive")
                    ):
                        keep = {k: detail[k] for k in ("canary", "dropped_optional") if k in detail}
                        detail = {"tool": detail["tool"], "outcome": "accepted", "reason": reason, **keep}
            else:
                report["rejected"] += 1
            report["details"].append(detail)
    except Exception as err:
        report["error"] = f"{type(err).__name__}: {err}"
    finally:
        if driver is not None:
            driver.close()
        recorder.close()
        if pid is not None:
            stop_pid(pid)
    report["seconds"] = round(time.monotonic() - started, 1)
    return report


def read_list(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("specs", nargs="*", help="spec paths (relative to --corpus or absolute); default: --list")
    parser.add_argument("--list", type=Path, default=HARNESS / "dev_sample.txt")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--optional", action="store_true", help="also fill optional properties")
    parser.add_argument("--driver", choices=["serve", "call"], default="serve")
    parser.add_argument(
        "--canary", action="store_true", help="check that Prism rejects a faulty copy of accepted calls"
    )
    parser.add_argument("--prism-wait", type=int, default=int(os.environ.get("PRISM_WAIT", "60")))
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per tool call")
    parser.add_argument("--spec-budget", type=float, default=900.0, help="seconds per spec, Prism start included")
    parser.add_argument("--only-tool", action="append")
    parser.add_argument("--max-tools", type=int)
    parser.add_argument("--keep-accepted", action="store_true", help="keep request details of accepted calls")
    parser.add_argument("--json", type=Path, help="write the full report here")
    parser.add_argument("--target", type=float, default=0.99)
    opts = parser.parse_args(argv)

    names = opts.specs or read_list(opts.list)
    reports = []
    for name in names:
        path = Path(name) if Path(name).is_absolute() else opts.corpus / name
        print(f"== {name}", file=sys.stderr, flush=True)
        report = sweep_spec(path, name, opts)
        reports.append(report)
        print(
            f"   tools {report['tools']} calls {report['calls']} accepted {report['accepted']} rejected "
            f"{report['rejected']} oa2mcp-errors {report['oa2mcp_errors']} gen-failures {report['gen_failures']}"
            f" unverified {report['unverified']} prism-crashes {report.get('prism_crashes', 0)}"
            f" {report.get('skipped', '')}{report.get('error', '')}",
            file=sys.stderr,
            flush=True,
        )
        if opts.json:
            opts.json.write_text(json.dumps({"reports": reports}, indent=1, default=str))

    reached = sum(r["accepted"] + r["rejected"] for r in reports)
    accepted = sum(r["accepted"] for r in reports)
    rate = accepted / reached if reached else 0.0
    header_row = (
        f"{'spec':<62} {'tools':>5} {'calls':>5} {'acc':>5} {'rej':>4} "
        f"{'oaErr':>5} {'gen':>4} {'unver':>5} {'crash':>5}"
    )
    print(header_row)
    for r in reports:
        note = r.get("skipped") or r.get("error") or r.get("truncated") or ""
        print(
            f"{r['spec'][-62:]:<62} {r['tools']:>5} {r['calls']:>5} {r['accepted']:>5} {r['rejected']:>4} "
            f"{r['oa2mcp_errors']:>5} {r['gen_failures']:>4} {r['unverified']:>5} "
            f"{r.get('prism_crashes', 0):>5} {note[:80]}"
        )
    totals = Counter()
    for r in reports:
        for key in (
            "tools",
            "calls",
            "accepted",
            "rejected",
            "oa2mcp_errors",
            "gen_failures",
            "unverified",
            "prism_crashes",
        ):
            totals[key] += r.get(key, 0)
    print(
        f"{'TOTAL':<62} {totals['tools']:>5} {totals['calls']:>5} {totals['accepted']:>5} {totals['rejected']:>4} "
        f"{totals['oa2mcp_errors']:>5} {totals['gen_failures']:>4} {totals['unverified']:>5} "
        f"{totals['prism_crashes']:>5}"
    )
    print(f"acceptance rate (accepted / reached Prism): {accepted}/{reached} = {rate:.2%}")
    skipped = [r["spec"] for r in reports if r.get("skipped")]
    if skipped:
        print(f"skipped {len(skipped)}: " + ", ".join(skipped))
    for r in reports:
        for d in r["details"]:
            if d["outcome"] in ("rejected", "oa2mcp_error", "gen_failure", "prism_crash"):
                print(f"\n[{d['outcome']}] {r['spec']} :: {d['tool']}\n  reason: {d.get('reason', '')[:400]}")
                if d.get("request"):
                    print("  request:\n    " + d["request"][:500].replace("\n", "\n    "))
                print(f"  args: {json.dumps(d.get('args'))[:400]}")
    return 0 if rate >= opts.target else 1


if __name__ == "__main__":
    sys.exit(main())
