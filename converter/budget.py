"""The size of what a model is shown: a warning when a server exposes more tools, or more tools/list tokens,
than an agent uses well, naming what to cut."""

from __future__ import annotations

from collections import defaultdict

from converter.config import Config
from converter.errors import Diagnostic, Location, Severity
from converter.tools import ToolSet, estimate_tokens

__all__ = ["BUDGET_MARK", "budget_warning"]

_SHOWN = 5
BUDGET_MARK = " tokens in tools/list (budget: "
"""In every budget warning's text: `serve` in search mode, which lists three tools, leaves those out."""


def _tools(count: int) -> str:
    return f"{count:,} tool" if count == 1 else f"{count:,} tools"


def budget_warning(toolset: ToolSet, config: Config, *, where: Location) -> Diagnostic | None:
    """A warning when `toolset` has more than `config.max_tools` tools or its tools/list is estimated at
    more than `config.max_tokens` tokens; None when it fits."""
    if not toolset.tools:
        return None
    sizes = [(estimate_tokens(tool), tool.name) for tool in toolset.tools]
    total = sum(size for size, _ in sizes)
    if len(sizes) <= config.max_tools and total <= config.max_tokens:
        return None
    by_tag: dict[str, list[int]] = defaultdict(list)
    for tool, (size, _) in zip(toolset.tools, sizes, strict=True):
        by_tag[tool.tags[0] if tool.tags else "(untagged)"].append(size)
    biggest = sorted(sizes, key=lambda item: (-item[0], item[1]))[:_SHOWN]
    tags = sorted(by_tag.items(), key=lambda item: (-sum(item[1]), item[0]))[:_SHOWN]
    message = (
        f"{_tools(len(sizes))}, ~{total:,}{BUDGET_MARK}{_tools(config.max_tools)}, {config.max_tokens:,} tokens):"
        " models choose tools worse past a few dozen, and pay for every definition on every turn. Biggest tools: "
        + ", ".join(f"{name} (~{size:,})" for size, name in biggest)
        + ". Biggest tags: "
        + ", ".join(
            f"{tag} ({len(items)} tool{'s' if len(items) != 1 else ''}, ~{sum(items):,})" for tag, items in tags
        )
        + ". To cut: `oa2mcp init SPEC` writes a config listing every operation; keep what the agent needs"
        " (include/exclude by tag, path or operation; read_only: true), or raise budget.max_tools/max_tokens;"
        " or serve them all behind three search tools (`--tools search`, config `tools_mode: search`)."
    )
    return Diagnostic(Severity.WARNING, where, message)
