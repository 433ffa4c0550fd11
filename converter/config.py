"""The config file (`oa2mcp.yaml`): which operations become tools, and how they are named and described.

Only the file's *shape* is checked here (unknown keys, wrong types), each problem located as
`oa2mcp.yaml#/tools/listPets/args/limit: …`. Whether the names it uses exist in the spec is checked when
it is applied to an API (`converter.selection`, `converter.overrides`).
"""

from __future__ import annotations

import difflib
import enum
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from converter.errors import ConfigError, Location
from converter.loader import is_url, load_document

__all__ = [
    "ANNOTATION_KEYS",
    "DESCRIPTION_LIMIT",
    "METHODS",
    "MISSING",
    "ArgOverride",
    "Config",
    "DeprecatedPolicy",
    "Rules",
    "ToolOverride",
    "did_you_mean",
    "load_config",
    "parse_config",
    "spec_source",
]

METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE")
ANNOTATION_KEYS = {
    "readOnlyHint": "read_only",
    "destructiveHint": "destructive",
    "idempotentHint": "idempotent",
    "openWorldHint": "open_world",
}
DESCRIPTION_LIMIT = 1000
"""Characters of a tool description, unless `descriptions.max_chars` says otherwise."""
DEFAULT_MAX_TOOLS = 40
DEFAULT_MAX_TOKENS = 20_000


class _Missing(enum.Enum):
    MISSING = enum.auto()


MISSING = _Missing.MISSING
"""An argument override without `default` or `value` (None is a value: JSON null)."""


class DeprecatedPolicy(enum.Enum):
    """What happens to operations the spec marks deprecated."""

    INCLUDE = "include"
    EXCLUDE = "exclude"


@dataclass(frozen=True, slots=True)
class Rules:
    """One `include` or `exclude` block: an operation matches when any of its entries matches it."""

    tags: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    """Globs on the path template: `*` within a segment, `**` across any number of segments (also none)."""
    methods: tuple[str, ...] = ()
    """Upper-case HTTP methods."""
    operations: tuple[str, ...] = ()
    """operationIds, or `METHOD /path` for operations without one."""
    location: Location = field(default_factory=lambda: Location(""))

    @property
    def empty(self) -> bool:
        """True when no entry is given."""
        return not (self.tags or self.paths or self.methods or self.operations)


@dataclass(frozen=True, slots=True)
class ArgOverride:
    """`tools.<op>.args.<arg>`: rename, re-default, fix or hide one argument."""

    name: str | None = None
    description: str | None = None
    default: Any = MISSING
    """Shown to the model, and sent when the model leaves the argument out."""
    value: Any = MISSING
    """Always sent; the model cannot change it (implies hidden)."""
    hidden: bool = False
    location: Location = field(default_factory=lambda: Location(""))


@dataclass(frozen=True, slots=True)
class ToolOverride:
    """`tools.<op>`: what a config says about one operation's tool."""

    key: str
    """The operationId or `METHOD /path` the entry is keyed by."""
    name: str | None = None
    title: str | None = None
    description: str | None = None
    args: Mapping[str, ArgOverride] = field(default_factory=dict)
    annotations: Mapping[str, bool] = field(default_factory=dict)
    """Field names of `converter.tools.Annotations` (read_only, destructive, …) → value."""
    location: Location = field(default_factory=lambda: Location(""))


@dataclass(frozen=True, slots=True)
class Config:
    """A parsed config file (every field has the default an absent config means)."""

    location: Location = field(default_factory=lambda: Location(""))
    spec: str | None = None
    """The spec's path or URL as written (relative paths are relative to the config file)."""
    base_url: str | None = None
    include: Rules | None = None
    exclude: Rules | None = None
    read_only: bool = False
    deprecated: DeprecatedPolicy = DeprecatedPolicy.INCLUDE
    tools: Mapping[str, ToolOverride] = field(default_factory=dict)
    description_max_chars: int | None = None
    max_tools: int = DEFAULT_MAX_TOOLS
    max_tokens: int = DEFAULT_MAX_TOKENS
    schema_budget: int | None = None
    """Characters of one tool's definition (`--schema-budget`)."""
    client_profile: str | None = None
    """A name in `converter.profiles.PROFILES` (`--client-profile`)."""


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    """` (did you mean 'x'?)` for the closest of `choices`, or "" when none is close."""
    pool = sorted(choices)
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    if not close:
        lowered = {choice.lower(): choice for choice in pool}
        close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
        close = [lowered[c] for c in close]
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_keys(data: Mapping[str, Any], allowed: tuple[str, ...], location: Location) -> None:
    for key in data:
        if key not in allowed:
            hint = did_you_mean(str(key), allowed) or f" (allowed: {', '.join(allowed)})"
            raise ConfigError(location.child(str(key)), f"unknown key '{key}'{hint}")


def _mapping(value: Any, location: Location, what: str = "a mapping") -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(location, f"expected {what}, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value} (a number)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        return f"{shown!r} (a string)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _string(value: Any, location: Location, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ConfigError(location, f"expected a string, got {_kind(value)}")
    if not allow_empty and not value.strip():
        raise ConfigError(location, "must not be empty")
    return value


def _bool(value: Any, location: Location) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(location, f"expected true or false, got {_kind(value)}")
    return value


def _positive_int(value: Any, location: Location) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(location, f"expected a positive integer, got {_kind(value)}")
    return value


def _count(value: Any, location: Location) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(location, f"expected a number of characters (0: no limit), got {_kind(value)}")
    return value


def _strings(value: Any, location: Location, check: Callable[[str, Location], str] | None = None) -> tuple[str, ...]:
    if value is None:
        value = []  # a key whose items are all commented out (as `oa2mcp init` writes them)
    if isinstance(value, str):
        value = [value]  # `tags: pets` is as clear as `tags: [pets]`
    if not isinstance(value, list):
        raise ConfigError(location, f"expected a list of strings, got {_kind(value)}")
    items = []
    for index, item in enumerate(value):
        text = _string(item, location.child(index))
        items.append(check(text, location.child(index)) if check else text)
    return tuple(items)


def _method(text: str, location: Location) -> str:
    method = text.strip().upper()
    if method not in METHODS:
        raise ConfigError(location, f"'{text}' is not an HTTP method{did_you_mean(method, METHODS)}")
    return method


def _glob(text: str, location: Location) -> str:
    if not text.startswith("/"):
        raise ConfigError(location, f"a path glob starts with '/', got '{text}'")
    return text


def _rules(value: Any, location: Location) -> Rules:
    data = _mapping(value, location)
    _check_keys(data, ("tags", "paths", "methods", "operations"), location)
    rules = Rules(
        tags=_strings(data.get("tags", []), location.child("tags")),
        paths=_strings(data.get("paths", []), location.child("paths"), _glob),
        methods=_strings(data.get("methods", []), location.child("methods"), _method),
        operations=_strings(data.get("operations", []), location.child("operations")),
        location=location,
    )
    if rules.empty:
        raise ConfigError(
            location, "lists nothing: give (or uncomment) tags, paths, methods or operations, or leave it out"
        )
    return rules


def _arg(value: Any, location: Location) -> ArgOverride:
    data = _mapping(value, location)
    _check_keys(data, ("name", "description", "default", "value", "hidden"), location)
    override = ArgOverride(
        name=_string(data["name"], location.child("name")) if "name" in data else None,
        description=_string(data["description"], location.child("description"), allow_empty=True)
        if "description" in data
        else None,
        default=data.get("default", MISSING),
        value=data.get("value", MISSING),
        hidden=_bool(data.get("hidden", "value" in data), location.child("hidden")),
        location=location,
    )
    if override.value is not MISSING and not override.hidden:
        raise ConfigError(location.child("hidden"), "an argument with a fixed 'value' is always hidden")
    if override.value is not MISSING and override.default is not MISSING:
        raise ConfigError(location, "give 'value' (fixed) or 'default' (changeable), not both")
    if override.hidden and (override.name is not None or override.description is not None):
        raise ConfigError(location, "a hidden argument is not shown: 'name' and 'description' do not apply")
    if override.hidden and override.default is not MISSING:
        # The model never sends a hidden argument, so a default would silently do nothing.
        message = "a hidden argument is never sent by the model: give it a 'value' (always sent) instead of a 'default'"
        raise ConfigError(location, message)
    return override


def _tool(key: str, value: Any, location: Location) -> ToolOverride:
    data = _mapping(value, location)
    _check_keys(data, ("name", "title", "description", "args", "annotations"), location)
    args = {
        str(arg): _arg(spec, location.child("args", str(arg)))
        for arg, spec in _mapping(data.get("args", {}), location.child("args")).items()
    }
    annotations = {}
    for hint, flag in _mapping(data.get("annotations", {}), location.child("annotations")).items():
        where = location.child("annotations", str(hint))
        if hint not in ANNOTATION_KEYS:
            raise ConfigError(where, f"unknown annotation '{hint}'{did_you_mean(str(hint), tuple(ANNOTATION_KEYS))}")
        annotations[ANNOTATION_KEYS[hint]] = _bool(flag, where)
    return ToolOverride(
        key=key,
        name=_string(data["name"], location.child("name")) if "name" in data else None,
        title=_string(data["title"], location.child("title")) if "title" in data else None,
        description=_string(data["description"], location.child("description")) if "description" in data else None,
        args=args,
        annotations=annotations,
        location=location,
    )


_TOP_KEYS = (
    "spec",
    "base_url",
    "include",
    "exclude",
    "read_only",
    "deprecated",
    "tools",
    "descriptions",
    "budget",
    "schema_budget",
    "client_profile",
)


def parse_config(data: Any, *, location: Location) -> Config:
    """Check a loaded config document's shape and turn it into a `Config`.

    Raises:
        ConfigError: an unknown key, a wrong type or a contradiction, located in the config file.
    """
    if data is None:
        return Config(location=location)  # an empty file: the defaults
    top = _mapping(data, location, "a mapping of settings (spec, include, exclude, tools, …)")
    _check_keys(top, _TOP_KEYS, location)
    deprecated = top.get("deprecated", DeprecatedPolicy.INCLUDE.value)
    if deprecated not in ("include", "exclude"):
        raise ConfigError(location.child("deprecated"), f"expected include or exclude, got {_kind(deprecated)}")
    descriptions = _mapping(top.get("descriptions", {}), location.child("descriptions"))
    _check_keys(descriptions, ("max_chars",), location.child("descriptions"))
    budget = _mapping(top.get("budget", {}), location.child("budget"))
    _check_keys(budget, ("max_tools", "max_tokens"), location.child("budget"))
    tools = {
        str(key): _tool(str(key), value, location.child("tools", str(key)))
        for key, value in _mapping(top.get("tools", {}), location.child("tools")).items()
    }
    return Config(
        location=location,
        spec=_string(top["spec"], location.child("spec")) if "spec" in top else None,
        base_url=_string(top["base_url"], location.child("base_url")) if "base_url" in top else None,
        include=_rules(top["include"], location.child("include")) if "include" in top else None,
        exclude=_rules(top["exclude"], location.child("exclude")) if "exclude" in top else None,
        read_only=_bool(top.get("read_only", False), location.child("read_only")),
        deprecated=DeprecatedPolicy(deprecated),
        tools=tools,
        description_max_chars=_positive_int(descriptions["max_chars"], location.child("descriptions", "max_chars"))
        if "max_chars" in descriptions
        else None,
        max_tools=_positive_int(budget.get("max_tools", DEFAULT_MAX_TOOLS), location.child("budget", "max_tools")),
        max_tokens=_positive_int(budget.get("max_tokens", DEFAULT_MAX_TOKENS), location.child("budget", "max_tokens")),
        schema_budget=_count(top["schema_budget"], location.child("schema_budget")) if "schema_budget" in top else None,
        client_profile=_profile(top["client_profile"], location.child("client_profile"))
        if "client_profile" in top
        else None,
    )


def _profile(value: Any, location: Location) -> str:
    from converter.profiles import PROFILES  # noqa: PLC0415  (the profiles' schema code only when one is named)

    name = _string(value, location)
    if name not in PROFILES:
        hint = did_you_mean(name, tuple(PROFILES)) or f" (profiles: {', '.join(PROFILES)})"
        raise ConfigError(location, f"unknown client profile '{name}'{hint}")
    return name


def load_config(path: str) -> Config:
    """Read and check a config file (YAML or JSON).

    Raises:
        LoadError: the file cannot be read or parsed.
        ConfigError: its content is not a valid config.
    """
    document = load_document(path)
    return parse_config(document.data, location=Location(document.display))


def spec_source(config: Config, config_path: str) -> str | None:
    """The config's `spec`, a relative path taken relative to the config file."""
    if config.spec is None:
        return None
    if is_url(config.spec) or os.path.isabs(config.spec):
        return config.spec
    return os.path.join(os.path.dirname(config_path), config.spec)
