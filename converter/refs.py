"""`$ref` resolution: JSON pointers, other files of a multi-file spec, and the policy on remote refs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from converter.errors import LoadError, Location, RefError, unescape_pointer_token
from converter.loader import LoadedDocument, fetch_url, is_url, parse_text, read_file

MAX_REF_CHAIN = 64


@dataclass(frozen=True, slots=True)
class Target:
    """What a `$ref` points at: a document (absolute path or URL) and a pointer inside it."""

    uri: str
    pointer: tuple[str, ...]


class Resolver:
    """Resolves `$ref`s against the main document and loads referenced files on first use."""

    def __init__(self, root: LoadedDocument, *, allow_remote_refs: bool = False) -> None:
        self.root_uri = root.uri
        self.allow_remote_refs = allow_remote_refs
        self._documents: dict[str, Any] = {root.uri: root.data}
        self._displays: dict[str, str] = {root.uri: root.display}
        self._root_display = root.display
        self._parsed: dict[tuple[str, str], Target] = {}
        self._root_dir = None if is_url(root.uri) else os.path.realpath(os.path.dirname(root.uri))

    def replace_root(self, data: Any) -> None:
        """Swap the main document's data (after an upgrade from Swagger 2.0)."""
        self._documents[self.root_uri] = data

    @property
    def root(self) -> Any:
        """The main document's data."""
        return self._documents[self.root_uri]

    @property
    def document_uris(self) -> list[str]:
        """Every document read so far (the main one first): files as absolute paths, else URLs."""
        return list(self._documents)

    def display(self, uri: str) -> str:
        """How a document is named in messages."""
        return self._displays.get(uri, uri)

    def location(self, target: Target) -> Location:
        """The `Location` of a target, for messages."""
        return Location(self.display(target.uri), target.pointer)

    def parse_ref(self, ref: str, *, base: str, where: Location) -> Target:
        """Turn a `$ref` string into a `Target`, checking the policy but not loading anything.

        Raises:
            RefError: the ref is malformed, escapes the spec's directory, or is remote and not allowed.
        """
        known = self._parsed.get((ref, base))
        if known is not None:
            return known
        target = self._parse_ref(ref, base=base, where=where)
        self._parsed[(ref, base)] = target
        return target

    def _parse_ref(self, ref: str, *, base: str, where: Location) -> Target:
        doc_part, _, fragment = ref.partition("#")
        if fragment and not fragment.startswith("/"):
            raise RefError(where, f"unsupported $ref '{ref}': only JSON pointer fragments ('#/…') are supported")
        pointer = tuple(unescape_pointer_token(unquote(t)) for t in fragment.split("/")[1:]) if fragment else ()
        if not doc_part:
            return Target(base, pointer)
        if is_url(doc_part) or is_url(base):
            uri = urljoin(base, doc_part)
            if urlsplit(uri).scheme not in ("http", "https"):
                raise RefError(where, f"unsupported $ref '{ref}'")
            if not self.allow_remote_refs:
                raise RefError(where, f"remote $ref '{ref}' not fetched; pass --allow-remote-refs to allow it")
            return Target(uri, pointer)
        if urlsplit(doc_part).scheme:
            raise RefError(where, f"unsupported $ref '{ref}': only relative file paths and http(s) URLs")
        path = os.path.realpath(os.path.join(os.path.dirname(base), unquote(doc_part)))
        if self._root_dir is not None and os.path.commonpath([self._root_dir, path]) != self._root_dir:
            raise RefError(where, f"$ref '{ref}' points outside the spec's directory; refusing to read it")
        return Target(path, pointer)

    def _document(self, uri: str, where: Location) -> Any:
        if uri in self._documents:
            return self._documents[uri]
        if is_url(uri):
            display = uri
            text = fetch_url(uri)
        else:
            display = os.path.join(os.path.dirname(self._root_display), os.path.relpath(uri, self._root_dir))
            try:
                text = read_file(uri, display=display)
            except LoadError as err:  # a missing target file is a broken $ref of the referring document
                raise RefError(where, f"cannot load $ref target: {err}") from err
        data = parse_text(text, display=display, is_json=True if uri.lower().endswith(".json") else None)
        self._documents[uri] = data
        self._displays[uri] = display
        return data

    def get(self, target: Target, *, where: Location) -> Any:
        """The node a target points at.

        Raises:
            RefError: the document cannot be loaded or the pointer does not resolve.
        """
        node = self._document(target.uri, where)
        for depth, token in enumerate(target.pointer):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and token.isdigit() and token == str(int(token)) and int(token) < len(node):
                node = node[int(token)]
            else:
                missing = Location(self.display(target.uri), target.pointer[: depth + 1])
                raise RefError(where, f"unresolvable $ref: nothing at {missing}")
        return node

    def follow(self, node: Any, *, base: str, where: Location) -> tuple[Any, str, Location]:
        """Follow a chain of `$ref` objects (for parameters, bodies, responses, path items).

        Returns:
            The first node that is not a `$ref`, the URI of its document, and its location.
        """
        seen: set[Target] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target = self.parse_ref(node["$ref"], base=base, where=where.child("$ref"))
            if target in seen or len(seen) >= MAX_REF_CHAIN:
                raise RefError(where, f"circular $ref '{node['$ref']}'")
            seen.add(target)
            node = self.get(target, where=where.child("$ref"))
            base, where = target.uri, self.location(target)
        return node, base, where
