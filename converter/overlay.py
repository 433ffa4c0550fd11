"""Overlay 1.0 documents: validate one, then apply its actions to a raw OpenAPI document, copy-on-write.

Merge rules. Overlay 1.0.0 says an `update` is "recursively merged" into each selected object and appended
to each selected array, but leaves nested arrays and primitives open (OAI/Overlay-Specification#30). Overlay
1.1.0 wrote down what the established tools already did, and its upgrade guide says a 1.0 document means the
same under 1.1, so we apply 1.0 documents by the 1.1 rules (without 1.1's `copy`):

- object node + object update: merged recursively; a property only in the update is added, and where both
  have a property, primitives replace primitives, arrays are concatenated and objects merge again;
- array node: an array update is concatenated, any other update is appended as one entry;
- primitive node + primitive update: replaced;
- any other pairing is incompatible: that node is left unchanged and an error diagnostic says why.

`remove: true` deletes each selected node from the object or array that holds it (`update` is then ignored).

Specs can be 13 MB, so nothing is deep-copied up front: a container is shallow-copied the first time an
edit passes through it, and everything untouched is shared with the input.
"""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING, Any

from converter.errors import Diagnostic, Location, OverlayError, Severity, escape_pointer_token

if TYPE_CHECKING:
    from jsonpath_rfc9535 import JSONPathQuery

__all__ = ["apply_overlay"]

_VERSION = re.compile(r"1\.0\.\d+")
_OVERLAY_FIELDS = ("overlay", "info", "extends", "actions")
_ACTION_FIELDS = ("target", "description", "update", "remove")
_DASHED_NAME = re.compile(r"\.([A-Za-z_][\w-]*)")
"""A dotted name as authors write it, `.x-mcp`; RFC 9535 shorthand names cannot contain '-'."""

_NodePath = tuple[int | str, ...]
"""Where a node is in the document being overlaid: its member names and array indexes."""


def apply_overlay(
    document: dict[str, Any], overlay: Any, *, overlay_uri: str
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Apply an Overlay 1.0 document's actions, in order, to an OpenAPI document.

    Args:
        document: the raw OpenAPI document; it is not modified.
        overlay: the raw overlay document (as loaded from JSON or YAML).
        overlay_uri: how the overlay is named in messages.

    Returns:
        The new document, which shares every subtree the overlay did not touch with `document` (treat both
        as read-only), and the diagnostics: an action whose target selects nothing, an action that changes
        nothing, a node an update could not be merged into.

    Raises:
        OverlayError: the overlay is malformed (shape, version, an invalid JSONPath target); it is checked
            whole before anything is applied.
    """
    import jsonpath_rfc9535  # noqa: PLC0415  (only overlays pay for the import)

    root = Location(overlay_uri)
    actions = _read_actions(overlay, root)
    editor = _Editor(document)
    diagnostics: list[Diagnostic] = []
    for index, action, query in actions:
        where = root.child("actions", index)
        remove = action.get("remove") is True
        if not remove and "update" not in action:
            diagnostics.append(
                Diagnostic(Severity.WARNING, where, "has neither 'update' nor 'remove: true'; no change")
            )
            continue
        try:
            paths = list(dict.fromkeys(node.location for node in query.finditer(editor.root)))
        except (jsonpath_rfc9535.JSONPathError, RecursionError) as err:
            raise OverlayError(where.child("target"), f"cannot evaluate {_quote(action['target'])}: {err}") from err
        if not paths:
            message = f"target {_quote(action['target'])} selects nothing; no change"
            diagnostics.append(Diagnostic(Severity.WARNING, where, message))
        elif remove:
            diagnostics.extend(Diagnostic(Severity.ERROR, where, problem) for problem in editor.remove(paths))
        else:
            for path in paths:
                problem = editor.update(path, action["update"])
                if problem:
                    diagnostics.append(Diagnostic(Severity.ERROR, where, problem))
    return editor.root, diagnostics


# --- reading the overlay ------------------------------------------------------------------------------------


def _read_actions(overlay: Any, root: Location) -> list[tuple[int, dict[str, Any], JSONPathQuery]]:
    """The overlay's actions with their compiled targets, after checking the whole document's shape."""
    _check_object(overlay, root, _OVERLAY_FIELDS)
    version = _required(overlay, "overlay", root)
    if not isinstance(version, str):
        raise OverlayError(root.child("overlay"), f"must be a version string such as '1.0.0', found {_kind(version)}")
    if not _VERSION.fullmatch(version):
        raise OverlayError(root.child("overlay"), f"unsupported Overlay version '{version}'; only 1.0.x is supported")
    info = _required(overlay, "info", root)
    # Info fields other than these two are tolerated: they are metadata, and a typo there changes nothing.
    _check_object(info, root.child("info"), None)
    for field in ("title", "version"):
        _check_string(_required(info, field, root.child("info")), root.child("info", field))
    if "extends" in overlay:
        _check_string(overlay["extends"], root.child("extends"))
    actions = _required(overlay, "actions", root)
    if not isinstance(actions, list):
        raise OverlayError(root.child("actions"), f"must be an array, found {_kind(actions)}")
    if not actions:
        raise OverlayError(root.child("actions"), "must contain at least one action")
    seen: dict[str, int] = {}
    result = []
    for index, action in enumerate(actions):
        where = root.child("actions", index)
        _check_object(action, where, _ACTION_FIELDS)
        target = _required(action, "target", where)
        _check_string(target, where.child("target"))
        if "description" in action:
            _check_string(action["description"], where.child("description"))
        if "remove" in action and not isinstance(action["remove"], bool):
            raise OverlayError(where.child("remove"), f"must be true or false, found {_kind(action['remove'])}")
        canonical = json.dumps(action, sort_keys=True, default=repr)
        if canonical in seen:
            raise OverlayError(where, f"repeats actions/{seen[canonical]}; actions must be unique")
        seen[canonical] = index
        result.append((index, action, _compile(target, where.child("target"))))
    return result


def _compile(target: str, where: Location) -> JSONPathQuery:
    import jsonpath_rfc9535  # noqa: PLC0415

    try:
        return jsonpath_rfc9535.compile(target)
    except jsonpath_rfc9535.JSONPathError as err:
        message = str(err.args[0]) if err.args else type(err).__name__
        token = getattr(err, "token", None)
        column = getattr(token, "index", None)
        if isinstance(column, int):
            message += f" at column {column + 1}"
            if target[column : column + 1] == "-":
                dashed = next((m for m in _DASHED_NAME.finditer(target) if m.start() < column < m.end()), None)
                if dashed:
                    message += f"; a name with '-' needs brackets: ['{dashed.group(1)}']"
        raise OverlayError(where, f"invalid JSONPath {_quote(target)}: {message}") from err
    except RecursionError as err:
        raise OverlayError(where, "invalid JSONPath: nested too deeply") from err


def _check_object(value: Any, where: Location, fields: tuple[str, ...] | None) -> None:
    if not isinstance(value, dict):
        raise OverlayError(where, f"must be an object, found {_kind(value)}")
    if fields is None:
        return
    for key in value:
        if key not in fields and not str(key).startswith("x-"):
            expected = ", ".join(fields)
            raise OverlayError(where.child(key), f"unknown field; expected {expected} or an x- extension")


def _required(container: dict[str, Any], field: str, where: Location) -> Any:
    if field not in container:
        raise OverlayError(where, f"missing required field '{field}'")
    return container[field]


def _check_string(value: Any, where: Location) -> None:
    if not isinstance(value, str):
        raise OverlayError(where, f"must be a string, found {_kind(value)}")


def _kind(value: Any) -> str:
    """The JSON type of a value, with its article: 'an object', 'a string', 'null'."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else "a value"


def _quote(text: str) -> str:
    # Double quotes: a JSONPath usually quotes its names with single ones.
    return json.dumps(text, ensure_ascii=False)


def _pointer(path: _NodePath) -> str:
    """A place in the document being overlaid, as a JSON pointer fragment: `#/paths/~1pets/get`."""
    return "#" + "".join("/" + escape_pointer_token(str(token)) for token in path)


# --- applying actions ---------------------------------------------------------------------------------------


class _Editor:
    """Edits a JSON tree without touching the original: each container on an edited path is copied once."""

    def __init__(self, document: dict[str, Any]) -> None:
        # Owned containers are kept by id; holding them here keeps an id from being reused by another object.
        self._owned: dict[int, dict[str, Any] | list[Any]] = {}
        self.root: dict[str, Any] = self._own(document)

    def _own(self, node: Any) -> Any:
        if id(node) in self._owned:
            return node
        fresh = dict(node) if isinstance(node, dict) else list(node)
        self._owned[id(fresh)] = fresh
        return fresh

    def _container(self, path: _NodePath) -> Any:
        """The container at `path`, made ours along with every container above it."""
        node: Any = self.root
        for key in path:
            child = node[key]
            if id(child) not in self._owned:
                child = node[key] = self._own(child)
            node = child
        return node

    def update(self, path: _NodePath, update: Any) -> str | None:
        """Merge `update` into the node at `path`; on a conflict change nothing and say why."""
        parent = self._container(path[:-1]) if path else None
        node = self.root if parent is None else parent[path[-1]]
        conflict = _conflict(node, update, path, top=True)
        if conflict is not None:
            where, found, given = conflict
            unchanged = "left unchanged" if where == path else f"{_pointer(path)} left unchanged"
            return f"cannot merge {given} into {_pointer(where)}, which is {found}; {unchanged}"
        if isinstance(node, list):
            merged = self._own(node)
            merged.extend(copy.deepcopy(update) if isinstance(update, list) else [copy.deepcopy(update)])
        elif isinstance(node, dict):
            merged = self._own(node)
            self._merge(merged, update)
        else:
            merged = update
        if parent is not None:
            parent[path[-1]] = merged
        return None

    def _merge(self, node: dict[str, Any], update: dict[str, Any]) -> None:
        """Merge into an owned object; `_conflict` has already checked that every pairing fits."""
        for key, value in update.items():
            current = node.get(key)
            if isinstance(value, dict) and isinstance(current, dict):
                child = node[key] = self._own(current)
                self._merge(child, value)
            elif isinstance(value, list) and isinstance(current, list):
                node[key] = self._own(current)
                node[key].extend(copy.deepcopy(value))
            else:
                node[key] = copy.deepcopy(value)

    def remove(self, paths: list[_NodePath]) -> list[str]:
        """Delete the nodes at `paths` from their parents; the problems, for nodes that cannot be removed."""
        problems = []
        # Deepest first, and higher array indexes before lower ones: a removal then never shifts an index
        # that a later removal relies on.
        for path in sorted(paths, key=_removal_order, reverse=True):
            if not path:
                problems.append("cannot remove the document root; skipped")
                continue
            del self._container(path[:-1])[path[-1]]
        return problems


def _removal_order(path: _NodePath) -> tuple[int, int]:
    return len(path), path[-1] if path and isinstance(path[-1], int) else -1


def _conflict(node: Any, update: Any, path: _NodePath, *, top: bool = False) -> tuple[_NodePath, str, str] | None:
    """Where `update` cannot be merged into `node` (at `path`): the place, what it is, what update has there."""
    if isinstance(node, list) and (top or isinstance(update, list)):
        return None
    if isinstance(node, dict) and isinstance(update, dict):
        for key, value in update.items():
            if key in node:
                found = _conflict(node[key], value, (*path, key))
                if found:
                    return found
        return None
    if not isinstance(node, dict | list) and not isinstance(update, dict | list):
        return None
    return path, _kind(node), _kind(update)
