"""`oa2mcp init`: a starter config listing every operation under its tag, so curating is editing, not typing.

Spec text (operationIds, tags, paths) is untrusted: names are written as ASCII-escaped double-quoted
strings (`codegen.literals.py_str`: valid YAML, even outside the BMP, where JSON writes surrogate pairs),
and text in comments has every control character removed so nothing can end the comment line and add
settings of its own.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from converter.codegen.literals import py_str
from converter.config import DEFAULT_MAX_TOKENS, DEFAULT_MAX_TOOLS
from converter.tools import Tool, ToolSet, estimate_tokens

__all__ = ["starter_config"]

_UNTAGGED = "(untagged)"


def _comment_text(text: str, limit: int = 100) -> str:
    """Spec text made safe for one YAML comment line: no control or line-breaking characters, bounded."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in text)
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _key(tool: Tool) -> str:
    return tool.operation_id or f"{tool.binding.method} {tool.binding.path}"


def starter_config(toolset: ToolSet, *, spec: str) -> str:
    """The text of a starter config for `toolset` (all operations, unselected), its `spec:` set to `spec`.

    Small APIs (within the default budget) get every operation listed; bigger ones get every operation
    commented out, for the user to uncomment what the agent needs.
    """
    sizes = {tool.name: estimate_tokens(tool) for tool in toolset.tools}
    total = sum(sizes.values())
    small = len(toolset.tools) <= DEFAULT_MAX_TOOLS and total <= DEFAULT_MAX_TOKENS
    groups: dict[str, list[Tool]] = defaultdict(list)
    for tool in toolset.tools:
        groups[tool.tags[0] if tool.tags else _UNTAGGED].append(tool)

    title = _comment_text(f"{toolset.name} {toolset.version}".strip(), limit=80)
    lines = [
        f"# oa2mcp config for {title}: {len(toolset.tools):,} operations, ~{total:,} tokens of tools/list if all"
        " were tools.",
        "# Made by `oa2mcp init`. "
        + (
            "Every operation is listed; delete the lines of those the agent does not need."
            if small
            else "Uncomment the operations the agent needs (aim for at most"
            f" {DEFAULT_MAX_TOOLS} tools and ~{DEFAULT_MAX_TOKENS:,} tokens)."
        ),
        "# Check the result with `oa2mcp inspect --config FILE`; every key is described in the README.",
        f"spec: {py_str(spec)}",
        "# base_url: https://api.example.com   # else the spec's servers; --base-url overrides both",
        "include:",
        "  operations:",
    ]
    prefix = "    - " if small else "    # - "
    width = min(48, max((len(py_str(_key(tool))) for tool in toolset.tools), default=0))
    for tag, tools in groups.items():
        tag_tokens = sum(sizes[tool.name] for tool in tools)
        count = f"{len(tools)} operation{'s' if len(tools) != 1 else ''}"
        lines.append(f"    # {_comment_text(tag, limit=60)}: {count}, ~{tag_tokens:,} tokens")
        for tool in tools:
            where = _comment_text(f"{tool.binding.method} {tool.binding.path}", limit=80)
            lines.append(
                f"{prefix}{py_str(_key(tool)):<{width}}  # {where} -> {_comment_text(tool.name, 64)}"
                f" ~{sizes[tool.name]:,} tokens"
            )
    lines += [
        "# exclude:                 # dropped even when included above",
        "#   operations: []",
        "# read_only: true          # keep only GET/HEAD operations",
        "deprecated: exclude        # or: include",
        "# descriptions:",
        "#   max_chars: 400",
        "#   body_chars: 100         # of the text past the summary (0: no cut; default: 100 past budget.max_tokens)",
        "#   argument_chars: 100     # of each argument's description (as body_chars)",
        "# tools:                   # per tool, keyed like the list above",
        "#   OPERATION:",
        "#     name: a_better_name",
        "#     description: What the agent should know, in one or two sentences.",
        "#     args:",
        "#       some_arg: {default: 20}            # shown to the model, sent when it leaves the argument out",
        '#       other_arg: {value: "x"}            # always sent, hidden from the model',
        "#       third_arg: {name: clearer_name}    # renamed for the model; the API still gets its own name",
        "#     annotations: {readOnlyHint: true}",
        "# instructions: >-             # added to the spec's description in the server instructions",
        "#   Work on one repository only; confirm before deleting anything.",
        "# prompts:                     # messages the user picks in the client; {{name}} is an argument's value",
        "#   - name: triage_issue",
        "#     description: Read an issue and label it.",
        "#     arguments:",
        '#       - {name: number, description: "The issue number", required: true}',
        '#     template: "Read issue #{{number}}, then add the labels that fit."',
    ]
    return "\n".join(lines) + "\n"
