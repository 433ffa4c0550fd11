"""ToolSet: what an MCP server *exposes* — tools with schemas, annotations and HTTP bindings.

This is the only input of the emitters (proxy, codegen). `to_json()` gives the tools/list shape plus
the binding, used by `inspect --json` and by the snapshot tests.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from converter.errors import Diagnostic
from converter.model import JsonObject, SecurityRequirement, SecurityScheme, SecurityType, Server


class ArgLocation(enum.Enum):
    """Where a tool argument goes on the wire."""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"
    BODY = "body"
    """A top-level property of the request body, or (`BodyBinding.whole`) the whole body."""


@dataclass(frozen=True, slots=True)
class ArgBinding:
    """How one argument of the inputSchema is sent."""

    arg: str
    """The argument's name in the inputSchema."""
    location: ArgLocation
    wire_name: str
    """The parameter or body property name on the wire ("" for a whole body)."""
    required: bool
    style: str | None = None
    explode: bool | None = None
    allow_reserved: bool = False
    content_type: str | None = None
    """For parameters serialized with `content` (e.g. `application/json`)."""


@dataclass(frozen=True, slots=True)
class PartBinding:
    """Encoding of one property of a form or multipart body."""

    wire_name: str
    content_type: str | None = None
    style: str | None = None
    explode: bool | None = None
    is_file: bool = False
    """The argument carries file content as base64; sent as a file part."""


@dataclass(frozen=True, slots=True)
class BodyBinding:
    """How the request body is built."""

    content_type: str
    whole: bool
    """True: the single `body` argument is the entire body. False: body arguments are its properties."""
    required: bool
    binary: bool = False
    """The whole body is raw bytes, passed as base64."""
    parts: tuple[PartBinding, ...] = ()


@dataclass(frozen=True, slots=True)
class HttpBinding:
    """Everything needed to turn a tool call into an HTTP request."""

    method: str
    path: str
    """The spec's path template, `/pets/{petId}`."""
    servers: tuple[Server, ...]
    args: tuple[ArgBinding, ...]
    body: BodyBinding | None
    security: tuple[SecurityRequirement, ...] | None
    fixed: Mapping[str, Any] = field(default_factory=dict)
    """Hidden arguments and the value always sent for them (from a config or `x-mcp`)."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """Configured defaults: sent when the model leaves the argument out."""


@dataclass(frozen=True, slots=True)
class Annotations:
    """MCP tool annotations (hints for clients)."""

    read_only: bool
    destructive: bool
    idempotent: bool
    open_world: bool = True

    def to_json(self) -> dict[str, bool]:
        """MCP's camelCase `annotations` object."""
        return {
            "readOnlyHint": self.read_only,
            "destructiveHint": self.destructive,
            "idempotentHint": self.idempotent,
            "openWorldHint": self.open_world,
        }


@dataclass(frozen=True, slots=True)
class MockResponse:
    """What `--mock` answers for a tool: the operation's first success response."""

    status: int
    content_type: str | None
    example: Any
    """The documented example, or None."""
    schema: JsonObject | None
    """The response schema (self-contained), to generate a value from when there is no example."""

    def to_json(self) -> dict[str, Any]:
        """As plain data for the runtime."""
        return {"status": self.status, "contentType": self.content_type, "example": self.example, "schema": self.schema}


@dataclass(frozen=True, slots=True)
class ArgumentCheck:
    """How the runtime checks a call when the inputSchema a model is shown is not exactly what the API accepts
    (a client profile rewrote it, or `--schema-budget` collapsed part of it)."""

    schema: JsonObject
    """What the API accepts: arguments are validated against this, not the shown inputSchema."""
    json_text: tuple[tuple[str, ...], ...] = ()
    """Argument paths (property names, `*` for every item) where the model sends an object or array as JSON
    text: a string there that parses as one is decoded first."""
    null_as_absent: bool = False
    """The model sends null for an optional argument it leaves out (strict mode): a null the API would not take
    is dropped first."""

    def to_json(self) -> dict[str, Any]:
        """As the runtime reads it."""
        data: dict[str, Any] = {"schema": self.schema}
        if self.json_text:
            data["jsonText"] = [list(path) for path in self.json_text]
        if self.null_as_absent:
            data["nullAsAbsent"] = True
        return data


@dataclass(frozen=True, slots=True)
class Tool:
    """One MCP tool, made from one operation."""

    name: str
    title: str
    description: str
    input_schema: JsonObject
    output_schema: JsonObject | None
    annotations: Annotations
    binding: HttpBinding
    operation_id: str | None
    tags: tuple[str, ...]
    mock: MockResponse | None = None
    """Set only when the ToolSet was built for `--mock`."""
    response: Mapping[str, Any] | None = None
    """How the runtime shapes the text of its JSON results (`converter.response_shape`); None: as it is."""
    argument_check: ArgumentCheck | None = None
    """Set when `input_schema` is not what the API accepts (see `ArgumentCheck`)."""
    documentation: str = ""
    """The operation's whole documentation, which `description` shortens: its description uncut, every error,
    and (once the tool is built) each argument's description — served as `openapi://operations/{name}`."""

    def listing_json(self) -> dict[str, Any]:
        """Just the tools/list entry: what a model is shown."""
        data: dict[str, Any] = {"name": self.name}
        if self.title:
            data["title"] = self.title
        data["description"] = self.description
        data["inputSchema"] = self.input_schema
        if self.output_schema is not None:
            data["outputSchema"] = self.output_schema
        data["annotations"] = self.annotations.to_json()
        return data

    def to_json(self) -> dict[str, Any]:
        """The tools/list entry plus `binding` (and `argumentCheck` when the API accepts other arguments, `response`
        when its JSON results are shaped: `fieldsArg` names the argument that is never sent upstream)."""
        data = {**self.listing_json(), "binding": binding_to_json(self.binding)}
        if self.argument_check is not None:
            data["argumentCheck"] = self.argument_check.to_json()
        if self.response is not None:
            data["response"] = dict(self.response)
        return data


@dataclass(frozen=True, slots=True)
class PromptArgument:
    """One argument of a prompt, as prompts/list shows it."""

    name: str
    description: str = ""
    required: bool = False


@dataclass(frozen=True, slots=True)
class Prompt:
    """An MCP prompt: a message the user picks in the client, filled with the arguments they give."""

    name: str
    description: str
    arguments: tuple[PromptArgument, ...]
    template: tuple[str, ...]
    """Literal text and argument names, alternating: even items are text, odd items name an argument."""
    title: str = ""

    def to_json(self) -> dict[str, Any]:
        """As plain data for the runtime (`converter.runtime.catalog`)."""
        data: dict[str, Any] = {"name": self.name}
        if self.title:
            data["title"] = self.title
        data["description"] = self.description
        data["arguments"] = [
            {"name": a.name, "description": a.description, "required": a.required} for a in self.arguments
        ]
        data["template"] = list(self.template)
        return data


@dataclass(frozen=True, slots=True)
class ToolSet:
    """The tools one server exposes, with what they share."""

    name: str
    version: str
    instructions: str
    tools: tuple[Tool, ...]
    security_schemes: tuple[SecurityScheme, ...]
    diagnostics: tuple[Diagnostic, ...]
    prompts: tuple[Prompt, ...] = ()
    schemas: Mapping[str, JsonObject] = field(default_factory=dict)
    """The named schemas the tools refer to, by name, as JSON Schema documents (see `converter.resources`)."""

    def security_json(self) -> dict[str, dict[str, Any]]:
        """The security schemes as the runtime reads them, keyed by scheme name."""
        return {scheme.name: security_scheme_to_json(scheme) for scheme in self.security_schemes}

    def to_json(self) -> dict[str, Any]:
        """`{"tools": [...], "diagnostics": [...]}` as printed by `inspect --json`."""
        return {
            "tools": [tool.to_json() for tool in self.tools],
            "diagnostics": [d.to_json() for d in self.diagnostics],
        }


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def binding_to_json(binding: HttpBinding) -> dict[str, Any]:
    """The binding as JSON: method, path template, servers and where each argument goes."""
    data: dict[str, Any] = {"method": binding.method, "path": binding.path}
    data["servers"] = [
        _drop_none(
            {
                "url": s.url,
                "variables": {
                    v.name: _drop_none({"default": v.default, "enum": list(v.enum) or None}) for v in s.variables
                }
                or None,
            }
        )
        for s in binding.servers
    ]
    data["args"] = [
        _drop_none(
            {
                "arg": a.arg,
                "in": a.location.value,
                "name": a.wire_name,
                "required": a.required,
                "style": a.style,
                "explode": a.explode,
                "allowReserved": a.allow_reserved or None,
                "contentType": a.content_type,
            }
        )
        for a in binding.args
    ]
    if binding.body is not None:
        body = binding.body
        data["body"] = _drop_none(
            {
                "contentType": body.content_type,
                "whole": body.whole,
                "required": body.required,
                "binary": body.binary or None,
                "parts": [
                    _drop_none(
                        {
                            "name": p.wire_name,
                            "contentType": p.content_type,
                            "style": p.style,
                            "explode": p.explode,
                            "file": p.is_file or None,
                        }
                    )
                    for p in body.parts
                ]
                or None,
            }
        )
    if binding.security is not None:
        data["security"] = [{name: list(scopes) for name, scopes in req} for req in binding.security]
    if binding.fixed:
        data["fixed"] = dict(binding.fixed)
    if binding.defaults:
        data["defaults"] = dict(binding.defaults)
    return data


def estimate_tokens(tool: Tool) -> int:
    """Rough token cost of a tool's tools/list entry: compact JSON characters / 4."""
    text = json.dumps(tool.listing_json(), ensure_ascii=False, separators=(",", ":"))
    return (len(text) + 3) // 4


def security_scheme_to_json(scheme: SecurityScheme) -> dict[str, Any]:
    """One security scheme as plain data: `type` plus what applying it needs (no secrets: there are none here).

    `apiKey` → `in`, `name`; `http` → `scheme` (`bearer`, `basic`, …); `oauth2` → `tokenUrl` and `scopes` of
    its clientCredentials flow when it has one (other flows take a ready token, sent as a bearer token);
    `openIdConnect` → `openIdConnectUrl`.
    """
    data: dict[str, Any] = {"type": scheme.type.value}
    if scheme.type is SecurityType.API_KEY:
        data["in"] = scheme.location.value if scheme.location else "header"
        data["name"] = scheme.param_name or ""
    elif scheme.type is SecurityType.HTTP:
        data["scheme"] = scheme.scheme or "bearer"
    elif scheme.type is SecurityType.OAUTH2:
        flow = next((f for f in scheme.flows if f.kind == "clientCredentials" and f.token_url), None)
        if flow is not None:
            data["tokenUrl"] = flow.token_url
            data["scopes"] = list(flow.scopes)
    elif scheme.type is SecurityType.OPENID_CONNECT and scheme.openid_url:
        data["openIdConnectUrl"] = scheme.openid_url
    return data
