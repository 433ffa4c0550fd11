"""`--tools search|hybrid`: three tools that find, describe and call the API's operations, in place of one tool
per operation — for APIs too big to list (GitHub's 1,223 tools are megabytes of tools/list, paid for by the model
on every turn).

`search_operations` ranks the operations for a task (`search.py`), `describe_operation` gives one operation's
full tool definition, and `call_operation` calls it through the same `ToolCaller.call` as a listed tool: the same
validation, error texts and credentials. Only the tools the server was built with exist here, so operations the
config excludes are neither found nor callable. `hybrid` lists the operations a config names as ordinary tools
next to the three.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import mcp_types as types

from .response import error_result
from .suggest import did_you_mean
from .validation import argument_problems, compile_validator

if TYPE_CHECKING:
    from .call import ToolCaller
    from .search import SearchIndex

__all__ = ["MODES", "SEARCH_TOOLS", "OperationTools", "open_tools_mode", "pinned_names", "with_search_tools"]

MODES = ("tools", "search", "hybrid")
SEARCH, DESCRIBE, CALL = "search_operations", "describe_operation", "call_operation"
MAX_LIMIT = 25

_READ_ONLY = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}
_NAME = {"type": "string", "description": "The operation's name, as search_operations gives it."}

SEARCH_TOOLS: tuple[dict[str, Any], ...] = (
    {
        "name": SEARCH,
        "title": "Search operations",
        "description": "Find the API operations for a task, e.g. 'close an issue'. Returns the best matches, each "
        "with its name, HTTP method and path, summary and required arguments. Then describe_operation gives an "
        "operation's arguments, and call_operation calls it.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "minLength": 1, "description": "The task, in plain words."},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 5},
                "tag": {"type": "string", "description": "Only operations with this tag."},
            },
            "required": ["query"],
            "additionalProperties": False,
        },
        "annotations": _READ_ONLY,
    },
    {
        "name": DESCRIBE,
        "title": "Describe an operation",
        "description": "The full definition of an operation: description, inputSchema (the arguments "
        "call_operation takes), outputSchema and its whole documentation.",
        "inputSchema": {
            "type": "object",
            "properties": {"name": _NAME},
            "required": ["name"],
            "additionalProperties": False,
        },
        "annotations": _READ_ONLY,
    },
    {
        "name": CALL,
        "title": "Call an operation",
        "description": "Call an API operation with its arguments (as its inputSchema says) and return the API's "
        "answer. It may change data, as the operation's annotations tell.",
        "inputSchema": {
            "type": "object",
            "properties": {"name": _NAME, "arguments": {"type": "object", "default": {}}},
            "required": ["name"],
            "additionalProperties": False,
        },
        "annotations": {"readOnlyHint": False, "destructiveHint": True, "idempotentHint": False, "openWorldHint": True},
    },
)


def _text(value: Any) -> types.CallToolResult:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)])


class OperationTools:
    """The three search-mode tools over every tool `caller` can call."""

    def __init__(
        self, caller: ToolCaller, listing: Sequence[Mapping[str, Any]], docs: Mapping[str, str] | None = None
    ) -> None:
        """Serve the search tools for `listing`'s tools (tools/list entries), called through `caller`; `docs`:
        each tool's documentation (`openapi://operations/{name}`), which `describe_operation` adds."""
        self.caller = caller
        self._docs = docs or {}
        self.tools: dict[str, dict[str, Any]] = {tool["name"]: tool for tool in SEARCH_TOOLS}
        self._entries = {entry["name"]: entry for entry in listing if entry["name"] in caller.tools}
        self._listing = list(self._entries.values())
        self._validators = {name: compile_validator(tool["inputSchema"]) for name, tool in self.tools.items()}
        self._index: SearchIndex | None = None

    @property
    def listing(self) -> list[dict[str, Any]]:
        """The tools/list entries of every operation behind the search tools."""
        return [dict(entry) for entry in self._listing]

    def index(self) -> SearchIndex:
        """The search index, built at first use (bm25s and PyStemmer are imported then)."""
        if self._index is None:
            from .search import SearchIndex, operations_of  # noqa: PLC0415

            self._index = SearchIndex(operations_of(self._listing, self.caller.tools))
        return self._index

    def _unknown(self, name: str, names: Collection[str]) -> types.CallToolResult:
        hint = did_you_mean(name, names)
        return error_result(f"Unknown operation '{name}'{hint}. search_operations finds operations by task.")

    async def call(
        self,
        name: str,
        arguments: Mapping[str, Any] | None,
        *,
        allowed: Collection[str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> types.CallToolResult:
        """Run one of the three tools for a caller who may use the operations in `allowed` (None: all), sending
        its forwarded `headers` with a call; every failure is an `is_error` result the model can read. An
        operation outside `allowed` is unknown, as one that does not exist: its name is not given away.

        Raises:
            KeyError: `name` is not one of the three.
        """
        arguments = dict(arguments or {})
        problems = argument_problems(self._validators[name], arguments)
        if problems:
            return error_result("Invalid arguments:\n" + "\n".join(f"- {p}" for p in problems))
        names: Collection[str] = self._entries if allowed is None else [n for n in self._entries if n in allowed]
        if name == SEARCH:
            return self._search(arguments, among=None if allowed is None else set(names))
        operation = arguments["name"]
        if operation not in self._entries or (allowed is not None and operation not in allowed):
            return self._unknown(operation, names)
        if name == DESCRIBE:
            entry = self._entries[operation]
            docs = self._docs.get(operation)
            return _text({**entry, "documentation": docs} if docs else entry)
        return await self.caller.call(operation, arguments.get("arguments") or {}, headers=headers)

    def _search(self, arguments: Mapping[str, Any], *, among: set[str] | None) -> types.CallToolResult:
        index = self.index()
        operations = index.operations if among is None else [op for op in index.operations if op.name in among]
        tags = sorted({tag for op in operations for tag in op.tags})
        tag = arguments.get("tag")
        if tag is not None and tag not in tags:
            known = ", ".join(tags) or "none: no operation here has a tag"
            return error_result(f"Unknown tag '{tag}'{did_you_mean(tag, tags)}. Tags: {known}")
        found = index.search(arguments["query"], limit=arguments.get("limit", 5), tag=tag, among=among)
        matches = [
            {
                "name": op.name,
                "method": op.method,
                "path": op.path,
                "summary": op.summary,
                "required": list(op.required),
            }
            for op, _ in found
        ]
        result: dict[str, Any] = {"matches": matches}
        if not matches:
            result["note"] = "No operation matches these words; try other words for the task, or fewer."
        return _text(result)


def with_search_tools(access: Mapping[str, Any]) -> dict[str, Any]:
    """An access policy (plain data, `access.py`) whose clients limited to some tools may also use the three
    search tools — which then find and call only those tools."""
    clients = [
        {**client, "tools": [*client["tools"], *(tool["name"] for tool in SEARCH_TOOLS)]}
        if client.get("tools") is not None
        else client
        for client in access.get("clients", ())
    ]
    return {**access, "clients": clients}


def pinned_names(table: Mapping[str, Mapping[str, Any]], keys: Collection[str]) -> list[str]:
    """The tools whose operation a config names in `keys` (an operationId, or `METHOD /path`), in table order."""
    names = []
    for name, row in table.items():
        binding = row.get("binding") or {}
        if row.get("operationId") in keys or f"{binding.get('method')} {binding.get('path')}" in keys:
            names.append(name)
    return names


def open_tools_mode(
    mode: str,
    *,
    listing: list[dict[str, Any]],
    caller: ToolCaller,
    pinned: Collection[str] = (),
    docs: Mapping[str, str] | None = None,
) -> tuple[list[dict[str, Any]], OperationTools | None]:
    """What tools/list shows in `mode`, and the search tools (None in `tools` mode).

    Raises:
        ValueError: an unknown mode, `hybrid` with no tool to keep listed, or a kept tool named like a search
            tool.
    """
    if mode not in MODES:
        raise ValueError(f"--tools: expected one of {', '.join(MODES)}, got '{mode}'")
    if mode == "tools":
        return listing, None
    operations = OperationTools(caller, listing, docs)
    if mode == "search":
        return list(SEARCH_TOOLS), operations
    kept = [entry for entry in listing if entry["name"] in pinned]
    if not kept:
        raise ValueError(
            "--tools hybrid lists the operations that have an entry under the config's `tools:` next to the "
            "search tools, and this server has none: add entries (or `tools: [operationId, ...]`), or use search"
        )
    clash = sorted(entry["name"] for entry in kept if entry["name"] in operations.tools)
    if clash:
        raise ValueError(f"tool name '{clash[0]}' is taken by search mode's own tool: rename it in the config")
    return [*kept, *SEARCH_TOOLS], operations
