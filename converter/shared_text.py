"""Text an API repeats across its operations, said once instead of in every tool a model is shown.

Three kinds: paragraphs and sentences many operation descriptions share word for word (GitHub's "OAuth app
tokens … need the repo scope to use this endpoint.", its custom media types note) and error descriptions many
operations share ("requires authentication"), which tell a model nothing it can act on and are left out of the
tool descriptions (an operation's documentation resource keeps them); and argument descriptions many tools share
(GitHub's `owner`, `repo`, `per_page` in hundreds of tools), which move to the server's instructions, stated once
for every tool that has the argument.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from converter.describe import description_sentences, error_notes, plain_description
from converter.model import Operation
from converter.tools import Tool

__all__ = [
    "GLOSSARY_CHARS",
    "NOTHING_SHARED",
    "SharedText",
    "boilerplate_text",
    "share_argument_descriptions",
    "shared_error_notes",
    "shared_text",
]

BOILERPLATE_OPERATIONS = 10
"""A paragraph or sentence in at least this many operations' descriptions (and 1% of them) is boilerplate; an
error description as common is listed only in the operation's documentation (`openapi://operations/{name}`)."""
GLOSSARY_TOOLS = 3
"""An argument description in at least this many tools is stated once, in the instructions."""
GLOSSARY_CHARS = 2000
"""At most this many characters of shared argument descriptions; the ones saving the most go first."""
_GLOSSARY_HEAD = "Arguments that mean the same in every tool that has them:"


def boilerplate_text(operations: Sequence[Operation]) -> frozenset[str]:
    """The description paragraphs and sentences (as `plain_description` splits them) that at least 10
    operations, and 1% of all, share word for word."""
    threshold = max(BOILERPLATE_OPERATIONS, len(operations) // 100)
    counts: Counter[str] = Counter()
    for operation in operations:
        if operation.description:
            paragraphs = [p for p in plain_description(operation.description).split("\n\n") if p.strip()]
            counts.update({*paragraphs, *(s for p in paragraphs for s in description_sentences(p))})
    return frozenset(p for p, count in counts.items() if count >= threshold)


@dataclass(frozen=True, slots=True)
class SharedText:
    """What an API's operations repeat, left out of its tool descriptions."""

    boilerplate: frozenset[str] = frozenset()
    """Description paragraphs and sentences (`boilerplate_text`)."""
    error_notes: frozenset[str] = frozenset()
    """Error descriptions (`shared_error_notes`)."""


NOTHING_SHARED = SharedText()


def shared_text(operations: Sequence[Operation]) -> SharedText:
    """The paragraphs, sentences and error descriptions many of `operations` share."""
    return SharedText(boilerplate_text(operations), shared_error_notes(operations))


def shared_error_notes(operations: Sequence[Operation]) -> frozenset[str]:
    """What error responses say in at least 10 operations, and 1% of all ("requires authentication",
    "validation failed"): a tool's description lists only its own errors."""
    threshold = max(BOILERPLATE_OPERATIONS, len(operations) // 100)
    counts: Counter[str] = Counter()
    for operation in operations:
        counts.update(error_notes(operation.responses))
    return frozenset(note for note, count in counts.items() if count >= threshold)


def share_argument_descriptions(tools: Sequence[Tool], *, limit: int = GLOSSARY_CHARS) -> tuple[list[Tool], str]:
    """Move the argument descriptions several tools share out of the tools and into one glossary.

    An argument (top-level property of an inputSchema) whose name and description are the same in at least 3
    tools is listed once as `- name: description`, the entries that save the most characters first, while the
    glossary fits in `limit`; those tools then show the argument without its description.

    Returns:
        The tools, and the glossary text for the server's instructions ("" when nothing is shared).
    """
    counts: Counter[tuple[str, str]] = Counter()
    for tool in tools:
        for name, prop in (tool.input_schema.get("properties") or {}).items():
            if isinstance(prop, dict) and isinstance(prop.get("description"), str) and prop["description"]:
                counts[(name, prop["description"])] += 1
    candidates = sorted(
        ((name, text) for (name, text), count in counts.items() if count >= GLOSSARY_TOOLS),
        key=lambda entry: (-(counts[entry] - 1) * len(entry[1]), entry),
    )
    shared: set[tuple[str, str]] = set()
    names: set[str] = set()
    size = len(_GLOSSARY_HEAD)
    for name, text in candidates:
        line = len(name) + len(text) + 4
        # One entry per argument name: two meanings of `id` would read as a contradiction.
        if name in names or size + line > limit:
            continue
        shared.add((name, text))
        names.add(name)
        size += line
    if not shared:
        return list(tools), ""
    result = [_without_shared(tool, shared) for tool in tools]
    entries = sorted(shared, key=lambda entry: (-counts[entry], entry[0]))
    return result, "\n".join([_GLOSSARY_HEAD, *(f"- {name}: {text}" for name, text in entries)])


def _without_shared(tool: Tool, shared: set[tuple[str, str]]) -> Tool:
    properties = tool.input_schema.get("properties") or {}
    if not any(isinstance(p, dict) and (name, p.get("description")) in shared for name, p in properties.items()):
        return tool
    trimmed = {
        name: {k: v for k, v in prop.items() if k != "description"}
        if isinstance(prop, dict) and (name, prop.get("description")) in shared
        else prop
        for name, prop in properties.items()
    }
    return dataclasses.replace(tool, input_schema={**tool.input_schema, "properties": trimmed})
