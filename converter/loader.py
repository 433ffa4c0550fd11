"""Path or URL → raw document: safe JSON/YAML parsing, size guards, the remote-fetch policy."""

from __future__ import annotations

import json
import os
import re
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml

from converter.errors import LoadError, Location

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
MAX_YAML_NODES = 10_000_000
"""Expanded node count a YAML document may reach once aliases are followed (a real 13 MB spec: ~2M)."""

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Safe YAML loader that keeps dates as strings and mapping keys as strings, as JSON would."""


# Read plain scalars the way YAML 1.2 (and JSON) would: YAML 1.1 turns `2024-01-01` into a date,
# `yes`/`no`/`on`/`off` into booleans and `010` into 8, none of which a spec author means.
_REPLACED_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int"}
_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_SpecLoader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_SpecLoader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node), 10))


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = key_node.value  # as written: `200:` is the status code "200", not the integer 200
        else:
            key = str(loader.construct_object(key_node, deep=True))
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_SpecLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def is_url(source: str) -> bool:
    """True for http(s) URLs."""
    return urlsplit(source).scheme in ("http", "https")


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    """A parsed document and where it came from."""

    data: Any
    uri: str
    """Absolute file path or URL: the base for relative `$ref`s."""
    display: str
    """How the user named it, for messages."""


def _expanded_size(node: yaml.Node, memo: dict[int, int], limit: int) -> int:
    """Nodes the document would have with every alias expanded, counted without expanding."""
    known = memo.get(id(node))
    if known is not None:
        return known
    memo[id(node)] = 1  # an alias cycle counts once instead of recursing forever
    total = 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            total += _expanded_size(key, memo, limit) + _expanded_size(value, memo, limit)
            if total > limit:
                break
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            total += _expanded_size(item, memo, limit)
            if total > limit:
                break
    memo[id(node)] = total
    return total


def _has_aliases(text: str) -> bool:
    # Anchors are `&name`; without one there is nothing to expand. A cheap over-approximation.
    return "&" in text and "*" in text


def parse_text(text: str, *, display: str, is_json: bool | None = None) -> Any:
    """Parse JSON or YAML text into plain data.

    Args:
        text: the document.
        display: the name used in error messages.
        is_json: force JSON (True) or YAML (False); None decides by content.

    Raises:
        LoadError: the text is not valid JSON/YAML, nests too deep, or expands too much.
    """
    location = Location(display)
    data = _parse(text, location, is_json)
    if _SURROGATE_ESCAPE.search(text):  # rare: only then walk the data
        _refuse_lone_surrogates(data, location)
    return data


def _parse(text: str, location: Location, is_json: bool | None) -> Any:
    if is_json is not False and (is_json or text.lstrip().startswith(("{", "["))):
        try:
            return json.loads(text)
        except json.JSONDecodeError as err:
            if is_json:
                raise LoadError(location, f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}") from err
            # Looked like JSON but is not: YAML (a superset) may still read it, and reports its own errors.
        except RecursionError as err:
            raise LoadError(location, "invalid JSON: nested too deeply") from err
    return _parse_yaml(text, location)


# `\ud800`-style escapes are the only way text read as UTF-8 can hold a surrogate; a lone one is not a
# character, and nothing can print or send it.
_SURROGATE_ESCAPE = re.compile(r"\\(?:u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_LONE = "a lone surrogate escape (such as \\ud800), which is not a character"


def _refuse_lone_surrogates(data: Any, location: Location) -> None:
    stack: list[tuple[Any, Location]] = [(data, location)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            if _LONE_SURROGATE.search(node):
                raise LoadError(where, f"text holds {_LONE}")
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str) and _LONE_SURROGATE.search(key):
                    raise LoadError(
                        where, "a key holds a lone surrogate escape (e.g. \\ud800), which is not a character"
                    )
                stack.append((value, where.child(str(key))))
        elif isinstance(node, list):
            stack.extend((item, where.child(index)) for index, item in enumerate(node))


MAX_YAML_DEPTH = 1000
# Only a document with a very long line can nest deeper than MAX_YAML_DEPTH (block nesting needs
# indentation, flow nesting a run of brackets); only such documents pay for the event scan below.
_LONG_LINE = re.compile(rf"[^\n]{{{2 * MAX_YAML_DEPTH}}}")


def _check_depth(text: str, location: Location) -> None:
    """Refuse YAML nested deeper than MAX_YAML_DEPTH: libyaml's composer recurses in C and would crash."""
    depth = 0
    for event in yaml.parse(text, Loader=_SpecLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise LoadError(location, f"invalid YAML: nested more than {MAX_YAML_DEPTH} levels deep")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _parse_yaml(text: str, location: Location) -> Any:
    loader = _SpecLoader(text)
    try:
        if _LONG_LINE.search(text):
            _check_depth(text, location)
        node = loader.get_single_node()
        if node is None:
            return None
        if _has_aliases(text):
            size = _expanded_size(node, {}, MAX_YAML_NODES)
            if size > MAX_YAML_NODES:
                raise LoadError(
                    location,
                    f"YAML aliases expand to more than {MAX_YAML_NODES:,} nodes; refusing to load (alias bomb?)",
                )
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise LoadError(location, f"invalid YAML{where}: {err.problem or err.context}") from err
    except yaml.YAMLError as err:
        raise LoadError(location, f"invalid YAML: {err}") from err
    except RecursionError as err:
        raise LoadError(location, "invalid YAML: nested too deeply") from err
    finally:
        loader.dispose()


def _gunzip(data: bytes, location: Location) -> bytes:
    """A gzip file's content, refusing more than MAX_DOCUMENT_BYTES (a small file can expand enormously)."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        content = decompressor.decompress(data, MAX_DOCUMENT_BYTES + 1)
    except zlib.error as err:
        raise LoadError(location, f"invalid gzip data: {err}") from err
    if len(content) > MAX_DOCUMENT_BYTES:
        raise LoadError(location, f"decompresses to more than {MAX_DOCUMENT_BYTES:,} bytes")
    return content


def read_file(path: str, *, display: str) -> str:
    """Read a text file (gzip-compressed ones too: big specs are often kept as `.json.gz`), with errors a user
    can act on."""
    location = Location(display)
    try:
        size = os.path.getsize(path)
        if size > MAX_DOCUMENT_BYTES:
            raise LoadError(location, f"file is {size:,} bytes; the limit is {MAX_DOCUMENT_BYTES:,}")
        with open(path, "rb") as handle:
            data = handle.read()
        if data[:2] == _GZIP_MAGIC:
            data = _gunzip(data, location)
        return data.decode("utf-8-sig")
    except FileNotFoundError as err:
        raise LoadError(location, "no such file") from err
    except IsADirectoryError as err:
        raise LoadError(location, "is a directory, not a file") from err
    except UnicodeDecodeError as err:
        raise LoadError(location, f"not UTF-8 text (byte {err.start})") from err
    except OSError as err:
        raise LoadError(location, f"cannot read: {err.strerror}") from err


def fetch_url(url: str, *, timeout: float = 30.0) -> str:
    """GET a document over http(s)."""
    import httpx  # noqa: PLC0415  (only URL sources pay for the import)

    location = Location(url)
    try:
        with httpx.Client(follow_redirects=True, timeout=timeout) as client:
            with client.stream("GET", url, headers={"Accept": "application/json, application/yaml, */*"}) as resp:
                if resp.status_code >= 400:
                    raise LoadError(location, f"HTTP {resp.status_code} {resp.reason_phrase}")
                chunks: list[bytes] = []
                received = 0
                for chunk in resp.iter_bytes():
                    received += len(chunk)
                    if received > MAX_DOCUMENT_BYTES:
                        raise LoadError(location, f"response exceeds {MAX_DOCUMENT_BYTES:,} bytes")
                    chunks.append(chunk)
                body = b"".join(chunks)
                charset = (resp.charset_encoding or "utf-8").lower()
                return body.decode("utf-8-sig" if charset in ("utf-8", "utf8") else charset)
    except (UnicodeDecodeError, LookupError) as err:
        raise LoadError(location, f"response is not text in its declared charset: {err}") from err
    except httpx.HTTPError as err:
        raise LoadError(location, f"cannot fetch: {err}") from err


def load_document(source: str) -> LoadedDocument:
    """Load the main document from a file path or an http(s) URL.

    Raises:
        LoadError: the source cannot be read or parsed.
    """
    if is_url(source):
        text = fetch_url(source)
        uri = source
    else:
        text = read_file(source, display=source)
        uri = os.path.realpath(source)  # the same file reached through a symlink must be the same document
    is_json = True if source.lower().removesuffix(".gz").endswith(".json") else None
    return LoadedDocument(parse_text(text, display=source, is_json=is_json), uri, source)
