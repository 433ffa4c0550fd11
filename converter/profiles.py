"""Client profiles (`--client-profile`): what one MCP client's model API accepts in a tool's name and
inputSchema (applied by `converter.tailor`).

MCP allows any JSON Schema in an inputSchema and tool names of up to 128 characters; the model APIs behind the
clients accept less, and a tool they reject can fail the whole request, not only its calls. Each profile is
written down with the documented limit it follows (README: "Big APIs: lean definitions and client profiles").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from converter.naming import MAX_NAME_LENGTH

__all__ = ["DEFAULT_PROFILE", "PROFILES", "Profile", "SchemaRules"]

# OpenAI strict mode ("Supported schemas" in its Structured Outputs guide): these keywords, these string formats,
# objects nested at most 10 deep, and enums folded past 250 values (its size rule for long enums).
_OPENAI_KEYWORDS = frozenset(
    {"type", "properties", "required", "additionalProperties", "items", "enum", "anyOf", "description"}
    | {"pattern", "format", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum"}
    | {"minItems", "maxItems"}
)
_OPENAI_FORMATS = frozenset({"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"})
# Gemini/Vertex function declarations: "a select subset of an OpenAPI 3.0 schema object" (Vertex's Schema
# reference); the Gemini API takes only `enum` and `date-time` as string formats.
_GEMINI_KEYWORDS = frozenset(
    {"type", "format", "title", "description", "nullable", "enum", "items", "minItems", "maxItems", "properties"}
    | {"required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "minimum", "maximum", "anyOf"}
)
_GEMINI_FORMATS = frozenset({"date-time", "enum"})
_GEMINI_ARGUMENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
# Clients that put the server's name in front of each tool's name, with a limit on the whole: the tool's name is
# kept short enough to leave this many characters for a server name.
SERVER_NAME_ROOM = 16


@dataclass(frozen=True, slots=True)
class SchemaRules:
    """What one client accepts in an inputSchema."""

    keywords: frozenset[str] | None = None
    """Keywords it accepts (None: all of JSON Schema 2020-12); others are folded into the description."""
    formats: frozenset[str] | None = None
    """String `format` values it accepts (None: all)."""
    inline_refs: bool = False
    """No `$ref`/`$defs`: references are inlined, a recursive schema unfolded `recursion` times and then cut."""
    recursion: int = 1
    strict: bool = False
    """OpenAI strict mode: every object closed and listing all its properties as required; optional ones nullable."""
    single_type: bool = False
    """`type` is one name; null is `nullable: true` (Gemini, OpenAPI 3.0 style)."""
    string_enums: bool = False
    """`enum` values are strings only."""
    typed_objects: bool = False
    """Every object lists properties: free-form objects and values of any type are shown as JSON text."""
    max_depth: int | None = None
    """Objects nested deeper than this are shown as JSON text."""
    max_enum: int | None = None
    """An `enum` with more values is folded into the description."""


@dataclass(frozen=True, slots=True)
class Profile:
    """What one client (or model API) accepts in a tool definition."""

    name: str
    purpose: str
    rules: SchemaRules = SchemaRules()
    name_limit: int = MAX_NAME_LENGTH
    name_starts_with_letter: bool = False
    """The name's first character is a letter or `_` (Gemini)."""
    argument_re: re.Pattern[str] | None = None
    """Argument names the client accepts (None: oa2mcp's own rule); others are renamed for the model."""


PROFILES: dict[str, Profile] = {
    profile.name: profile
    for profile in (
        Profile(
            "portable",
            "JSON Schema 2020-12 as MCP has it; names of at most 64 characters; every array with items.",
        ),
        Profile(
            "openai",
            "OpenAI function calling in strict mode: the strict JSON Schema subset, all properties required "
            "(optional ones nullable), objects closed, no $ref.",
            SchemaRules(
                keywords=_OPENAI_KEYWORDS,
                formats=_OPENAI_FORMATS,
                inline_refs=True,
                strict=True,
                typed_objects=True,
                max_depth=10,
                max_enum=250,
            ),
        ),
        Profile(
            "gemini",
            "Gemini and Vertex AI function declarations: the OpenAPI 3.0 subset (one type, nullable, string "
            "enums), no $ref, argument names of letters, digits and _.",
            SchemaRules(
                keywords=_GEMINI_KEYWORDS,
                formats=_GEMINI_FORMATS,
                inline_refs=True,
                single_type=True,
                string_enums=True,
                typed_objects=True,
            ),
            name_starts_with_letter=True,
            argument_re=_GEMINI_ARGUMENT_RE,
        ),
        Profile(
            "anthropic",
            f"Claude (API, Desktop, Code): names of at most {64 - 7 - SERVER_NAME_ROOM} characters, so "
            f"mcp__SERVER__NAME stays within 64 with a server name of up to {SERVER_NAME_ROOM}.",
            name_limit=64 - 7 - SERVER_NAME_ROOM,
        ),
        Profile(
            "cursor",
            f"Cursor: names of at most {60 - SERVER_NAME_ROOM} characters, so server and tool name together stay "
            f"under 60 with a server name of up to {SERVER_NAME_ROOM - 1}.",
            name_limit=60 - SERVER_NAME_ROOM,
        ),
        Profile(
            "vscode",
            f"VS Code (Copilot): names of at most {64 - 5 - SERVER_NAME_ROOM} characters, so mcp_SERVER_NAME stays "
            f"within 64 with a server name of up to {SERVER_NAME_ROOM}.",
            name_limit=64 - 5 - SERVER_NAME_ROOM,
        ),
    )
}
DEFAULT_PROFILE = PROFILES["portable"]
