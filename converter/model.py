"""ApiModel: what the API *is* — operations, parameters, bodies, responses, security, servers.

Schemas held here are already JSON Schema 2020-12. A reference to a shared schema is written
`{"$ref": "#/$defs/<name>"}`; `ApiModel.schemas` (a `SchemaStore`) converts the named target on
demand, so a schema no tool needs is never read.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from converter.errors import Diagnostic, Location

if TYPE_CHECKING:
    from converter.schemas import SchemaStore

JsonObject = dict[str, Any]
"""A JSON object. Treated as immutable once built: never mutate a schema you did not create."""


class ParamLocation(enum.Enum):
    """Where an OpenAPI parameter goes."""

    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"


@dataclass(frozen=True, slots=True)
class Parameter:
    """One path/query/header/cookie parameter of an operation."""

    name: str
    location: ParamLocation
    required: bool
    description: str
    schema: JsonObject
    style: str
    explode: bool
    allow_reserved: bool = False
    content_type: str | None = None
    """Set when the parameter is serialized with `content` (e.g. JSON in a query string)."""
    deprecated: bool = False


@dataclass(frozen=True, slots=True)
class PartEncoding:
    """How one property of a form or multipart body is encoded (the OpenAPI Encoding Object)."""

    name: str
    content_type: str | None
    style: str | None
    explode: bool | None


@dataclass(frozen=True, slots=True)
class MediaType:
    """One entry of a `content` map."""

    content_type: str
    schema: JsonObject | None
    encodings: tuple[PartEncoding, ...] = ()
    example: Any = None
    """The media type's `example` (or its first `examples` value); read for responses only."""


@dataclass(frozen=True, slots=True)
class RequestBody:
    """An operation's request body; `content` in document order."""

    required: bool
    description: str
    content: tuple[MediaType, ...]


@dataclass(frozen=True, slots=True)
class Response:
    """One documented response (`status` is `200`, `2XX` or `default`)."""

    status: str
    description: str
    content: tuple[MediaType, ...]


class SecurityType(enum.Enum):
    """The kinds of security scheme OpenAPI knows."""

    API_KEY = "apiKey"
    HTTP = "http"
    OAUTH2 = "oauth2"
    OPENID_CONNECT = "openIdConnect"
    MUTUAL_TLS = "mutualTLS"


@dataclass(frozen=True, slots=True)
class OAuthFlow:
    """One OAuth2 flow of a security scheme."""

    kind: str
    token_url: str | None
    authorization_url: str | None
    refresh_url: str | None
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """A security scheme, named as in `components/securitySchemes`."""

    name: str
    type: SecurityType
    description: str = ""
    scheme: str | None = None
    """For `http`: `bearer`, `basic`, … (lower-case)."""
    param_name: str | None = None
    """For `apiKey`: the header/query/cookie name."""
    location: ParamLocation | None = None
    """For `apiKey`: where the key goes."""
    bearer_format: str | None = None
    flows: tuple[OAuthFlow, ...] = ()
    openid_url: str | None = None


SecurityRequirement = tuple[tuple[str, tuple[str, ...]], ...]
"""One alternative of a `security` list: scheme name → scopes, all needed together. `()` is anonymous."""


@dataclass(frozen=True, slots=True)
class ServerVariable:
    """A `{variable}` in a server URL."""

    name: str
    default: str
    enum: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Server:
    """A base URL, possibly templated."""

    url: str
    description: str = ""
    variables: tuple[ServerVariable, ...] = ()


class HttpMethod(enum.Enum):
    """The HTTP methods an OpenAPI path item may hold, in the order OpenAPI lists them."""

    GET = "get"
    PUT = "put"
    POST = "post"
    DELETE = "delete"
    OPTIONS = "options"
    HEAD = "head"
    PATCH = "patch"
    TRACE = "trace"


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation (method + path) of the API."""

    method: HttpMethod
    path: str
    operation_id: str | None
    summary: str
    description: str
    tags: tuple[str, ...]
    deprecated: bool
    parameters: tuple[Parameter, ...]
    request_body: RequestBody | None
    responses: tuple[Response, ...]
    security: tuple[SecurityRequirement, ...] | None
    """The effective requirement (operation's, else the document's); None when neither says."""
    servers: tuple[Server, ...]
    """The effective servers (operation's, else path item's, else the document's)."""
    location: Location
    mcp_extension: Any = None
    """The operation's `x-mcp` value as written (untrusted; checked when a selection applies it)."""

    @property
    def key(self) -> str:
        """`GET /pets/{petId}`: how a config names an operation that has no operationId."""
        return f"{self.method.name} {self.path}"


@dataclass(frozen=True, slots=True)
class ApiModel:
    """The whole API as parsed."""

    title: str
    version: str
    description: str
    source_version: str
    """The document's own `openapi`/`swagger` version string."""
    servers: tuple[Server, ...]
    operations: tuple[Operation, ...]
    security_schemes: tuple[SecurityScheme, ...]
    schemas: SchemaStore
    diagnostics: tuple[Diagnostic, ...]
