"""The parts of a document its operations share: servers, security requirements and security schemes."""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import urljoin

from converter.errors import Location, Severity
from converter.loader import is_url
from converter.model import (
    OAuthFlow,
    ParamLocation,
    SecurityRequirement,
    SecurityScheme,
    SecurityType,
    Server,
    ServerVariable,
)
from converter.refs import Resolver


class ParseContext(Protocol):
    """What these parsers need from the document parser."""

    resolver: Resolver
    root_uri: str

    def warn(self, where: Location, message: str, severity: Severity = Severity.WARNING) -> None:
        """Record a diagnostic."""


def dict_of(value: Any) -> dict[str, Any]:
    """`value` if it is an object, else an empty one: odd documents are read leniently."""
    return value if isinstance(value, dict) else {}


def list_of(value: Any) -> list[Any]:
    """`value` if it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def text_of(value: Any) -> str:
    """`value` if it is a string, else ""."""
    return value if isinstance(value, str) else ""


def parse_servers(ctx: ParseContext, node: Any, where: Location) -> tuple[Server, ...]:
    """A `servers` list; a relative URL in a fetched document is resolved against the document's URL."""
    if not isinstance(node, list):
        return ()
    result = []
    for index, entry in enumerate(node):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            ctx.warn(where.child(index), "server without a 'url' ignored")
            continue
        url = entry["url"]
        if is_url(ctx.root_uri) and not is_url(url) and "{" not in url.split("/")[0]:
            url = urljoin(ctx.root_uri, url)  # relative to where the document was fetched
        variables = []
        raw_vars = dict_of(entry.get("variables"))
        for name, var in raw_vars.items():
            if not isinstance(var, dict):
                continue
            enum = tuple(str(v) for v in list_of(var.get("enum")) if v is not None)
            default = str(var.get("default", enum[0] if enum else ""))
            variables.append(ServerVariable(str(name), default, enum, text_of(var.get("description"))))
        result.append(Server(url, text_of(entry.get("description")), tuple(variables)))
    return tuple(result)


def parse_security(ctx: ParseContext, node: Any, where: Location) -> tuple[SecurityRequirement, ...] | None:
    """A `security` list (None when absent; `()` means anonymous access)."""
    if node is None:
        return None
    if not isinstance(node, list):
        ctx.warn(where, "'security' must be a list; ignored")
        return None
    return tuple(
        tuple((str(name), tuple(str(s) for s in list_of(scopes))) for name, scopes in entry.items())
        for entry in node
        if isinstance(entry, dict)
    )


def parse_security_schemes(ctx: ParseContext, node: Any, where: Location) -> tuple[SecurityScheme, ...]:
    """`components/securitySchemes`; a scheme of unknown type is skipped with a warning."""
    if not isinstance(node, dict):
        return ()
    result = []
    for name, raw in node.items():
        here = where.child(name)
        scheme, _, here = ctx.resolver.follow(raw, base=ctx.root_uri, where=here)
        if not isinstance(scheme, dict):
            continue
        try:
            kind = SecurityType(scheme.get("type"))
        except ValueError:
            ctx.warn(here.child("type"), f"unknown security scheme type {scheme.get('type')!r}; ignored")
            continue
        location = None
        if kind is SecurityType.API_KEY:
            try:
                location = ParamLocation(scheme.get("in"))
            except ValueError:
                ctx.warn(here.child("in"), "apiKey scheme needs 'in' of header, query or cookie; ignored")
                continue
        flows = []
        raw_flows = dict_of(scheme.get("flows"))
        for flow_kind, flow in raw_flows.items():
            if isinstance(flow, dict):
                scopes = dict_of(flow.get("scopes"))
                flows.append(
                    OAuthFlow(
                        kind=str(flow_kind),
                        token_url=flow.get("tokenUrl") if isinstance(flow.get("tokenUrl"), str) else None,
                        authorization_url=text_of(flow.get("authorizationUrl")) or None,
                        refresh_url=text_of(flow.get("refreshUrl")) or None,
                        scopes=tuple(str(s) for s in scopes),
                    )
                )
        result.append(
            SecurityScheme(
                name=str(name),
                type=kind,
                description=text_of(scheme.get("description")),
                scheme=text_of(scheme.get("scheme")).lower() or None,
                param_name=text_of(scheme.get("name")) or None,
                location=location,
                bearer_format=text_of(scheme.get("bearerFormat")) or None,
                flows=tuple(flows),
                openid_url=text_of(scheme.get("openIdConnectUrl")) or None,
            )
        )
    return tuple(result)
