"""Prompts and server instructions: the config's `prompts:` and `instructions:`, the spec's description, and the
generated `use_api` guide.

A prompt template fills `{{name}}` placeholders with the values the user gives, as plain text: there are no
expressions, attribute lookups or format specs (never `str.format` on a config's text), so a template can only
produce its own text and the arguments' values. Templates are split here, once, into text and argument names
(`Prompt.template`); the runtime only joins them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from converter.config import _bool, _check_keys, _kind, _mapping, _string, did_you_mean
from converter.describe import clean_text, describe_operation, truncate
from converter.errors import ConfigError, Location
from converter.runtime.catalog import GUIDE, OPERATIONS_URI, SCHEMA_URI
from converter.tools import Prompt, PromptArgument, Tool

__all__ = [
    "GUIDE_NAME",
    "INSTRUCTIONS_LIMIT",
    "guide_prompt",
    "parse_instructions",
    "parse_prompts",
    "parse_template",
    "server_instructions",
    "server_prompts",
]

GUIDE_NAME = GUIDE
"""The generated "how to use this API" prompt; a config prompt of this name replaces it."""
INSTRUCTIONS_LIMIT = 2000
"""Characters of the server instructions (spec description and config text together)."""
GUIDE_NAMES_PER_TAG = 25
"""Tool names listed per tag in the guide; the rest are counted (openapi://operations lists every tool)."""

_PROMPT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ARG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_MIN_SPEC_CHARS = 80
"""Below this much room, the spec's description is left out of the instructions rather than cut to a stub."""


def parse_template(text: str, *, arguments: Collection[str], location: Location) -> tuple[str, ...]:
    """Split a template into literal text and argument names, alternating (even items text, odd items names).

    Raises:
        ConfigError: a placeholder names no argument, a `{{` is not closed, or an argument is never used.
    """
    parts = _PLACEHOLDER.split(text)
    for index, part in enumerate(parts):
        if index % 2 == 0:
            if "{{" in part:
                raise ConfigError(location, "'{{' is not closed by '}}' (a placeholder is {{argument_name}})")
            continue
        name = part.strip()
        if name not in arguments:
            shown = name if len(name) <= 40 else name[:39] + "…"
            known = f"its arguments: {', '.join(arguments)}" if arguments else "it declares no arguments"
            hint = did_you_mean(name, tuple(arguments)) or f" ({known})"
            raise ConfigError(location, f"placeholder {{{{{shown}}}}} names no argument of the prompt{hint}")
        parts[index] = name
    unused = [name for name in arguments if name not in parts[1::2]]
    if unused:
        raise ConfigError(location, f"argument '{unused[0]}' is declared but the template never uses it")
    return tuple(parts)


def _prompt_name(value: Any, location: Location) -> str:
    name = _string(value, location)
    if not _PROMPT_NAME.match(name):
        raise ConfigError(location, f"'{name}' is not a prompt name (1-64 letters, digits, '_' or '-')")
    return name


def _argument(value: Any, location: Location) -> PromptArgument:
    data = _mapping(value, location, "a mapping (name, description, required)")
    _check_keys(data, ("name", "description", "required"), location)
    if "name" not in data:
        raise ConfigError(location, "an argument needs a 'name'")
    name = _string(data["name"], location.child("name"))
    if not _ARG_NAME.match(name):
        message = f"'{name}' is not an argument name (a letter or '_', then letters, digits, '_' or '-'; ≤ 64)"
        raise ConfigError(location.child("name"), message)
    return PromptArgument(
        name=name,
        description=_string(data.get("description", ""), location.child("description"), allow_empty=True).strip(),
        required=_bool(data.get("required", False), location.child("required")),
    )


def _prompt(value: Any, location: Location) -> Prompt:
    data = _mapping(value, location, "a mapping (name, title, description, arguments, template)")
    _check_keys(data, ("name", "title", "description", "arguments", "template"), location)
    for key in ("name", "template"):
        if key not in data:
            raise ConfigError(location, f"a prompt needs a '{key}'")
    raw_arguments = data.get("arguments") or []
    if not isinstance(raw_arguments, list):
        raise ConfigError(location.child("arguments"), f"expected a list of arguments, got {_kind(raw_arguments)}")
    arguments: list[PromptArgument] = []
    for index, raw in enumerate(raw_arguments):
        argument = _argument(raw, location.child("arguments", index))
        if any(argument.name == other.name for other in arguments):
            raise ConfigError(
                location.child("arguments", index, "name"), f"argument '{argument.name}' is declared twice"
            )
        arguments.append(argument)
    names = [argument.name for argument in arguments]
    return Prompt(
        name=_prompt_name(data["name"], location.child("name")),
        title=_string(data["title"], location.child("title")).strip() if "title" in data else "",
        description=_string(data.get("description", ""), location.child("description"), allow_empty=True).strip(),
        arguments=tuple(arguments),
        template=parse_template(
            _string(data["template"], location.child("template")), arguments=names, location=location.child("template")
        ),
    )


def parse_prompts(value: Any, location: Location) -> tuple[Prompt, ...]:
    """The config's `prompts:` list, checked.

    Raises:
        ConfigError: a wrong shape, a bad or repeated name, or a template that does not fit its arguments.
    """
    if value is None:
        return ()
    if not isinstance(value, list):
        message = f"expected a list of prompts (each with name, description, arguments, template), got {_kind(value)}"
        raise ConfigError(location, message)
    prompts: list[Prompt] = []
    for index, raw in enumerate(value):
        prompt = _prompt(raw, location.child(index))
        if any(prompt.name == other.name for other in prompts):
            raise ConfigError(location.child(index, "name"), f"prompt '{prompt.name}' is defined twice")
        prompts.append(prompt)
    return tuple(prompts)


def parse_instructions(value: Any, location: Location) -> str:
    """The config's `instructions:` text, checked.

    Raises:
        ConfigError: not a string, or longer than the instructions may be.
    """
    text = _string(value, location).strip()
    if len(text) > INSTRUCTIONS_LIMIT:
        message = f"is {len(text):,} characters long; the server instructions hold at most {INSTRUCTIONS_LIMIT:,}"
        raise ConfigError(location, message)
    return text


def server_instructions(description: str, extra: str | None, *, limit: int = INSTRUCTIONS_LIMIT) -> str:
    """The server instructions: the spec's description (untrusted: cleaned like a tool description, cut to fit),
    then the config's text (kept whole), within `limit` characters."""
    extra = (extra or "").strip()
    room = limit - (len(extra) + 2 if extra else 0)
    spec = ""
    if room >= _MIN_SPEC_CHARS:
        spec = describe_operation(summary="", description=clean_text(description), deprecated=False, limit=room)
    return "\n\n".join(part for part in (spec, extra[:limit]) if part)


def _one_line(text: str, *, limit: int) -> str:
    """Spec text (a tag, a title) as one clean line: markup and hidden characters removed, whitespace collapsed."""
    return truncate(" ".join(clean_text(text).split()), limit=limit)


def guide_prompt(tools: Sequence[Tool], *, api_title: str) -> Prompt:
    """The generated "how to use this API" prompt: the tools grouped by their first tag, and how to start."""
    groups: dict[str, list[str]] = defaultdict(list)
    for tool in tools:
        groups[_one_line(tool.tags[0], limit=60) if tool.tags else ""].append(tool.name)
    title = _one_line(api_title, limit=80) or "this"
    lines = [f"Help me use the {title} API through its {len(tools)} tools. The tools, by tag:"]
    for tag, names in groups.items():
        shown = ", ".join(names[:GUIDE_NAMES_PER_TAG])
        more = f" and {len(names) - GUIDE_NAMES_PER_TAG} more" if len(names) > GUIDE_NAMES_PER_TAG else ""
        lines.append(f"- {tag or '(no tag)'}: {shown}{more}")
    lines += [
        "",
        f"How to start: the resource {OPERATIONS_URI} lists every tool with its HTTP method, path and summary, and "
        f"{SCHEMA_URI} shows a data shape the tools refer to; read them only when a tool's description is not "
        "enough. Begin with a read-only tool (a list or search) to find the ids the other tools need, ask me for "
        "values you cannot find rather than guessing, and confirm with me before calling a tool that changes or "
        "deletes data.",
    ]
    return Prompt(
        name=GUIDE_NAME,
        title=f"Use the {title} API"[:100],
        description="How to use this API's tools: the tools grouped by tag, and where to start.",
        arguments=(),
        template=("\n".join(lines),),
    )


def server_prompts(configured: Sequence[Prompt], tools: Sequence[Tool], *, api_title: str) -> tuple[Prompt, ...]:
    """The guide (unless a configured prompt takes its name; none without tools), then the configured prompts."""
    if not tools or any(prompt.name == GUIDE_NAME for prompt in configured):
        return tuple(configured)
    return (guide_prompt(tools, api_title=api_title), *configured)
