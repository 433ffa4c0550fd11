"""Tool and argument names: readable, at most 64 characters, unique and deterministic."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

__all__ = [
    "ARGUMENT_NAME_RE",
    "MAX_NAME_LENGTH",
    "TOOL_NAME_RE",
    "argument_name",
    "operation_tool_name",
    "snake_case",
    "unique_names",
]

MAX_NAME_LENGTH = 64
TOOL_NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
ARGUMENT_NAME_RE = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")

_HASH_CHARS = 6
# "getHTTPResponse": split an acronym from the capitalised word after it, then lower/digit from upper.
_ACRONYM_BOUNDARY_RE = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_BOUNDARY_RE = re.compile(r"([a-z0-9])([A-Z])")
_NOT_ALNUM_RE = re.compile(r"[^a-zA-Z0-9]+")
_NOT_ARGUMENT_CHAR_RE = re.compile(r"[^a-zA-Z0-9_.-]+")
_PATH_TEMPLATE_RE = re.compile(r"\{([^{}]*)\}")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _to_ascii(text: str) -> str:
    # NFKD splits "é" into "e" + a combining accent; whatever is still not ASCII has no spelling we can keep.
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _shorten(name: str, *, seed: str, limit: int = MAX_NAME_LENGTH, separators: str = "_") -> str:
    """Fit `name` into `limit` characters, marking the cut with a hash of `seed` so cut names stay distinct."""
    if len(name) <= limit:
        return name
    room = limit - 1 - _HASH_CHARS
    head = name[:room]
    # Prefer a word boundary, but not one that throws away more than half of the room.
    cut = max(head.rfind(sep) for sep in separators) if separators else -1
    if cut >= room // 2:
        head = head[:cut]
    head = head.rstrip(separators)
    return f"{head}_{_digest(seed)[:_HASH_CHARS]}"


def snake_case(text: str) -> str:
    """Turn an identifier in any common style into ASCII snake_case.

    Args:
        text: camelCase, PascalCase, kebab-case, dotted or slashed text, possibly with non-ASCII letters.

    Returns:
        Lower-case ASCII words joined by single underscores, e.g. ``"v1.users:batchGet"`` gives
        ``"v1_users_batch_get"``. Letters without an ASCII transliteration are dropped, so the result is
        ``""`` when nothing usable is left.
    """
    ascii_text = _to_ascii(text)
    split = _CAMEL_BOUNDARY_RE.sub(r"\1_\2", _ACRONYM_BOUNDARY_RE.sub(r"\1_\2", ascii_text))
    return _NOT_ALNUM_RE.sub("_", split).strip("_").lower()


def _path_words(path: str) -> str:
    if not path.strip("/"):
        return "root"
    return snake_case(_PATH_TEMPLATE_RE.sub(lambda match: f"_by_{snake_case(match.group(1))}_", path))


def operation_tool_name(*, operation_id: str | None, method: str, path: str) -> str:
    """Name the tool for one operation.

    The operationId wins when it yields a usable name; otherwise the name is built from the method and
    path, with path parameters as ``by_<param>`` (``GET /pets/{petId}`` gives ``get_pets_by_pet_id``).

    Args:
        operation_id: The operation's ``operationId``, if any.
        method: The HTTP method, in any case.
        path: The path template, e.g. ``/pets/{petId}``.

    Returns:
        A name matching `TOOL_NAME_RE`. Names over 64 characters are cut at a word boundary and end
        in ``_`` plus 6 hex characters of the SHA-256 of the original operationId or ``"METHOD path"``.
    """
    if operation_id and (name := snake_case(operation_id)):
        return _shorten(name, seed=operation_id)
    verb = snake_case(method) or "op"
    identity = f"{method.upper()} {path}"
    words = _path_words(path)
    if not words:
        # A path of nothing but non-ASCII text: keep the verb and let the hash tell operations apart.
        return f"{verb[: MAX_NAME_LENGTH - 1 - _HASH_CHARS]}_{_digest(identity)[:_HASH_CHARS]}"
    return _shorten(f"{verb}_{words}", seed=identity)


def unique_names(names: Sequence[str], *, keys: Sequence[str], limit: int = MAX_NAME_LENGTH) -> list[str]:
    """Make names unique without renaming any name's first occurrence.

    Later duplicates become ``name[: limit - 7] + "_" + sha256(key)[:6]``; if that is taken (including by
    a name that appears later in the list) more hex characters, and finally a counter, are used.

    Args:
        names: Candidate names, in a stable order.
        keys: One stable identity per name (e.g. ``"GET /pets"``), used for the hash suffix.
        limit: Maximum length of every result.

    Returns:
        Unique names, in input order, each at most `limit` characters; they depend only on the inputs.

    Raises:
        ValueError: If `names` and `keys` differ in length, or `limit` leaves no room for a suffix.
    """
    if len(names) != len(keys):
        raise ValueError(f"got {len(names)} names but {len(keys)} keys")
    if limit < _HASH_CHARS + 2:
        raise ValueError(f"limit must be at least {_HASH_CHARS + 2}, got {limit}")
    fitted = [_shorten(name, seed=key, limit=limit) for name, key in zip(names, keys, strict=True)]
    # Every name someone will claim naturally is reserved up front, so a suffixed duplicate never steals it.
    taken = set(fitted)
    claimed: set[str] = set()
    result: list[str] = []
    for name, key in zip(fitted, keys, strict=True):
        if name not in claimed:
            claimed.add(name)
            result.append(name)
            continue
        candidate = _suffixed(name, key=key, limit=limit, taken=taken)
        taken.add(candidate)
        result.append(candidate)
    return result


def _suffixed(name: str, *, key: str, limit: int, taken: set[str]) -> str:
    digest = _digest(key)
    for width in range(_HASH_CHARS, min(len(digest), limit - 1) + 1):
        candidate = f"{name[: limit - 1 - width]}_{digest[:width]}"
        if candidate not in taken:
            return candidate
    counter = 2
    while True:
        suffix = f"_{digest[:_HASH_CHARS]}_{counter}"
        candidate = f"{name[: limit - len(suffix)]}{suffix}"
        if candidate not in taken:
            return candidate
        counter += 1


def argument_name(wire_name: str) -> str:
    """Turn a parameter or property name into an argument name every MCP client accepts.

    Args:
        wire_name: The name as it travels on the wire, e.g. ``"filter[status]"``.

    Returns:
        The wire name itself when it already matches `ARGUMENT_NAME_RE` (case preserved); otherwise
        non-ASCII letters transliterated, each run of other characters replaced by ``_``, leading and
        trailing ``_`` stripped, ``"arg"`` if nothing is left, and cut with a hash suffix past 64 characters.
    """
    if ARGUMENT_NAME_RE.fullmatch(wire_name):
        return wire_name
    name = _NOT_ARGUMENT_CHAR_RE.sub("_", _to_ascii(wire_name)).strip("_") or "arg"
    return _shorten(name, seed=wire_name, separators="_.-")
