"""The config file (`oa2mcp.yaml`): which operations become tools, and how they are named and described.

Only the file's *shape* is checked here (unknown keys, wrong types), each problem located as
`oa2mcp.yaml#/tools/listPets/args/limit: …`. Whether the names it uses exist in the spec is checked when
it is applied to an API (`converter.selection`, `converter.overrides`).
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from converter.errors import ConfigError, Location
from converter.loader import is_url, load_document
from converter.runtime.suggest import did_you_mean
from converter.tools import Prompt

__all__ = [
    "ANNOTATION_KEYS",
    "DESCRIPTION_LIMIT",
    "METHODS",
    "MISSING",
    "TOOLS_MODES",
    "ArgOverride",
    "ClientConfig",
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
    response: Mapping[str, Any] = field(default_factory=dict)
    """`response:` keys for this tool (fields of `converter.response_shape.ResponseSettings`) over the top level's."""
    location: Location = field(default_factory=lambda: Location(""))


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """`clients.<name>`: one caller of an HTTP server — its credential reference, its tools, its rate limit."""

    name: str
    key_env: str | None = None
    """The environment variable holding its static key (read when the server starts)."""
    key_sha256: str | None = None
    """The hex SHA-256 digest of its static key."""
    jwt: Mapping[str, tuple[str, ...]] | None = None
    """Claim → accepted values, for a caller with a JWT."""
    tools: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    rate_limit: str | None = None
    location: Location = field(default_factory=lambda: Location(""))

    @property
    def unrestricted(self) -> bool:
        """True when neither `tools` nor `tags` is given: the client may call every tool."""
        return not (self.tools or self.tags)


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
    description_body_chars: int | None = None
    """`descriptions.body_chars`: a tool description's text past its summary (0: no cut; None: the default)."""
    argument_description_chars: int | None = None
    """`descriptions.argument_chars`: each argument's and property's description (0: no cut; None: the default)."""
    max_tools: int = DEFAULT_MAX_TOOLS
    max_tokens: int = DEFAULT_MAX_TOKENS
    response: Mapping[str, Any] = field(default_factory=dict)
    """Top-level `response:` keys (fields of `converter.response_shape.ResponseSettings`)."""
    clients: tuple[ClientConfig, ...] = ()
    forward_headers: tuple[str, ...] = ()
    instructions: str | None = None
    """Added to the spec's description in the server instructions."""
    prompts: tuple[Prompt, ...] = ()
    schema_budget: int | None = None
    """Characters of one tool's definition (`--schema-budget`)."""
    client_profile: str | None = None
    """A name in `converter.profiles.PROFILES` (`--client-profile`)."""

    tools_mode: str | None = None
    """`tools`, `search` or `hybrid` (what `--tools` says when it is not given); None: not set."""


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


def _response(value: Any, location: Location) -> dict[str, Any]:
    """`response:`: shape (bool), max_items (positive int or null: never cut), drop_links (bool), fields (bool)."""
    data = _mapping(value, location)
    _check_keys(data, ("shape", "max_items", "drop_links", "fields"), location)
    settings: dict[str, Any] = {}
    for key in ("shape", "drop_links", "fields"):
        if key in data:
            settings[key] = _bool(data[key], location.child(key))
    if "max_items" in data:
        raw = data["max_items"]
        settings["max_items"] = None if raw is None else _positive_int(raw, location.child("max_items"))
    return settings


def _tool(key: str, value: Any, location: Location) -> ToolOverride:
    data = _mapping(value, location)
    _check_keys(data, ("name", "title", "description", "args", "annotations", "response"), location)
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
        response=_response(data.get("response", {}), location.child("response")),
        location=location,
    )


_CLIENT_KEYS = ("key_env", "key_sha256", "jwt", "tools", "tags", "rate_limit")
_SECRET_KEYS = ("key", "api_key", "apikey", "token", "secret", "password")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_UNFORWARDABLE = frozenset(
    {
        "host",
        "content-length",
        "content-type",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "upgrade",
        "te",
        "trailer",
        "proxy-authorization",
        "proxy-connection",
        "cookie",
        "mcp-session-id",
        "mcp-protocol-version",
    }
)
"""Headers that describe the inbound HTTP exchange itself, not the caller: forwarding them would break or
confuse the upstream request."""


def _claims(value: Any, location: Location) -> Mapping[str, tuple[str, ...]]:
    data = _mapping(value, location, "a mapping of claim → value (or list of values)")
    if not data:  # no claim to match would let every valid token in as this client
        raise ConfigError(location, "name at least one claim the caller's JWT must have, e.g. {sub: ...}")
    claims = {str(claim): _strings(accepted, location.child(str(claim))) for claim, accepted in data.items()}
    for claim, accepted in claims.items():
        if not accepted:
            raise ConfigError(location.child(claim), "give at least one accepted value")
    return claims


def _client_list(data: Mapping[str, Any], key: str, location: Location) -> tuple[str, ...]:
    """A client's `tools` or `tags`: left out means no limit by it, so an empty one is refused rather than read
    as every tool."""
    if key not in data:
        return ()
    names = _strings(data[key] if data[key] is not None else [], location.child(key))
    if not names:
        raise ConfigError(
            location.child(key), f"empty: name the {key} this client may use, or leave `{key}` out for every tool"
        )
    return names


def _client(name: str, value: Any, location: Location) -> ClientConfig:
    data = _mapping(value, location)
    for key in data:
        if str(key).lower() in _SECRET_KEYS:
            raise ConfigError(
                location.child(str(key)),
                "a credential is never written in the config: name its environment variable (key_env) or give "
                "its SHA-256 digest (key_sha256)",
            )
    _check_keys(data, _CLIENT_KEYS, location)
    given = [key for key in ("key_env", "key_sha256", "jwt") if key in data]
    if len(given) != 1:
        found = f" (found {' and '.join(given)})" if given else ""
        raise ConfigError(location, f"give exactly one credential: key_env, key_sha256 or jwt{found}")
    key_env = _string(data["key_env"], location.child("key_env")) if "key_env" in data else None
    if key_env is not None and not _ENV_NAME.fullmatch(key_env):
        raise ConfigError(location.child("key_env"), f"'{key_env}' is not an environment variable name")
    digest = _string(data["key_sha256"], location.child("key_sha256")) if "key_sha256" in data else None
    if digest is not None and not _SHA256.fullmatch(digest):
        raise ConfigError(location.child("key_sha256"), "expected 64 hex digits (sha256sum of the key)")
    rate = _string(data["rate_limit"], location.child("rate_limit")) if "rate_limit" in data else None
    if rate is not None:
        from converter.runtime.limits import parse_rate  # noqa: PLC0415

        try:
            parse_rate(rate)
        except ValueError as err:
            raise ConfigError(location.child("rate_limit"), str(err)) from err
    return ClientConfig(
        name=name,
        key_env=key_env,
        key_sha256=digest.lower() if digest else None,
        jwt=_claims(data["jwt"], location.child("jwt")) if "jwt" in data else None,
        tools=_client_list(data, "tools", location),
        tags=_client_list(data, "tags", location),
        rate_limit=rate,
        location=location,
    )


def _header(text: str, location: Location) -> str:
    if not _HEADER_NAME.fullmatch(text):
        raise ConfigError(location, f"'{text}' is not an HTTP header name")
    if text.lower() in _UNFORWARDABLE:
        raise ConfigError(location, f"'{text}' describes the inbound request itself and cannot be forwarded")
    return text


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
    "response",
    "clients",
    "forward_headers",
    "instructions",
    "prompts",
    "tools_mode",
    "schema_budget",
    "client_profile",
)
TOOLS_MODES = ("tools", "search", "hybrid")


def _tools(value: Any, location: Location) -> dict[str, ToolOverride]:
    """`tools:`, a mapping of operations to their settings; or a list of operations, named with no changes (what
    `tools_mode: hybrid` needs to keep them listed)."""
    if isinstance(value, list):
        keys = [(_string(key, location.child(index)), location.child(index)) for index, key in enumerate(value)]
        return {key: ToolOverride(key=key, location=where) for key, where in keys}
    entries = _mapping(value, location, "a mapping of operations to their settings, or a list of operations")
    return {str(key): _tool(str(key), entry, location.child(str(key))) for key, entry in entries.items()}


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
    _check_keys(descriptions, ("max_chars", "body_chars", "argument_chars"), location.child("descriptions"))
    budget = _mapping(top.get("budget", {}), location.child("budget"))
    _check_keys(budget, ("max_tools", "max_tokens"), location.child("budget"))
    tools = _tools(top.get("tools", {}), location.child("tools"))
    tools_mode = top.get("tools_mode")
    if tools_mode is not None and tools_mode not in TOOLS_MODES:
        hint = did_you_mean(tools_mode, TOOLS_MODES) if isinstance(tools_mode, str) else ""
        message = f"expected {', '.join(TOOLS_MODES)}, got {_kind(tools_mode)}{hint}"
        raise ConfigError(location.child("tools_mode"), message)
    clients = tuple(
        _client(str(name), value, location.child("clients", str(name)))
        for name, value in _mapping(top.get("clients", {}), location.child("clients")).items()
    )
    # converter.prompts checks with this module's helpers, so it is imported here, not at the top (a cycle).
    from converter.prompts import parse_instructions, parse_prompts  # noqa: PLC0415

    return Config(
        location=location,
        clients=clients,
        forward_headers=_strings(top.get("forward_headers", []), location.child("forward_headers"), _header),
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
        description_body_chars=_count(descriptions["body_chars"], location.child("descriptions", "body_chars"))
        if "body_chars" in descriptions
        else None,
        argument_description_chars=_count(
            descriptions["argument_chars"], location.child("descriptions", "argument_chars")
        )
        if "argument_chars" in descriptions
        else None,
        max_tools=_positive_int(budget.get("max_tools", DEFAULT_MAX_TOOLS), location.child("budget", "max_tools")),
        max_tokens=_positive_int(budget.get("max_tokens", DEFAULT_MAX_TOKENS), location.child("budget", "max_tokens")),
        response=_response(top.get("response", {}), location.child("response")),
        instructions=parse_instructions(top["instructions"], location.child("instructions"))
        if "instructions" in top
        else None,
        prompts=parse_prompts(top.get("prompts"), location.child("prompts")),
        tools_mode=tools_mode,
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
