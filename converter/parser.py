"""Raw document → ApiModel. The only module that reads the OpenAPI document's structure."""

from __future__ import annotations

import re
from typing import Any

from converter.errors import Diagnostic, Location, RefError, Severity, SpecError
from converter.loader import LoadedDocument
from converter.model import (
    ApiModel,
    HttpMethod,
    MediaType,
    Operation,
    Parameter,
    ParamLocation,
    PartEncoding,
    RequestBody,
    Response,
    SecurityRequirement,
    Server,
)
from converter.parse_shared import dict_of, list_of, parse_security, parse_security_schemes, parse_servers, text_of
from converter.refs import Resolver
from converter.schemas import Dialect, Mode, SchemaStore
from converter.upgrade import upgrade_swagger

_METHODS = {m.value: m for m in HttpMethod}
_PATH_PARAM = re.compile(r"{([^{}/]+)}")
# OpenAPI: header parameters with these names are ignored (content negotiation and auth live elsewhere).
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


class _SkipError(Exception):
    """An operation cannot become a tool; it is skipped with a diagnostic."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message


def _as_dict(value: Any, where: Location, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _SkipError(where, f"{what} must be an object, not {type(value).__name__}")
    return value


def _detect_dialect(root: dict[str, Any], where: Location) -> tuple[str, Dialect]:
    if "swagger" in root:
        version = str(root["swagger"])
        if version != "2.0":
            raise SpecError(where.child("swagger"), f"unsupported Swagger version '{version}'; only 2.0 is supported")
        return version, Dialect.OAS30
    if "openapi" not in root:
        if "swaggerVersion" in root:
            raise SpecError(
                where.child("swaggerVersion"),
                f"Swagger {root['swaggerVersion']} is not supported; convert it to OpenAPI 3 or Swagger 2.0 first",
            )
        raise SpecError(where, "not an OpenAPI document: no 'openapi' or 'swagger' field")
    version = str(root["openapi"])
    match = re.fullmatch(r"3\.(\d+)(\.\d+)?(-.*)?", version)
    if not match:
        raise SpecError(where.child("openapi"), f"unsupported OpenAPI version '{version}'; supported: 2.0, 3.0, 3.1")
    return version, Dialect.OAS30 if match.group(1) == "0" else Dialect.OAS31


def parse_api(document: LoadedDocument, *, allow_remote_refs: bool = False) -> ApiModel:
    """Parse a loaded document into an `ApiModel`.

    Swagger 2.0 is upgraded to OpenAPI 3 first. Schemas of shared components are not read here; the
    model's `SchemaStore` converts them when a tool needs them.

    Raises:
        SpecError: the document is not an OpenAPI document of a supported version.
        RefError: a `$ref` of an operation, parameter, body or response cannot be resolved.
    """
    where = Location(document.display)
    root = document.data
    if not isinstance(root, dict):
        raise SpecError(where, f"not an OpenAPI document: the top level is a {type(root).__name__}, not an object")
    version, dialect = _detect_dialect(root, where)
    diagnostics: list[Diagnostic] = []
    if version.startswith("2"):
        root, upgrade_notes = upgrade_swagger(root, location=where)
        diagnostics.extend(upgrade_notes)
    elif dialect is Dialect.OAS31 and not version.startswith("3.1"):
        diagnostics.append(
            Diagnostic(
                Severity.WARNING, where.child("openapi"), f"OpenAPI {version} read as 3.1; newer features ignored"
            )
        )
    resolver = Resolver(document, allow_remote_refs=allow_remote_refs)
    resolver.replace_root(root)
    store = SchemaStore(resolver, dialect=dialect)
    parser = _Parser(resolver, store, diagnostics)
    return parser.parse(root, where, version)


class _Parser:
    def __init__(self, resolver: Resolver, store: SchemaStore, diagnostics: list[Diagnostic]) -> None:
        self.resolver = resolver
        self.store = store
        self.diagnostics = diagnostics
        self.root_uri = resolver.root_uri
        self.shared: dict[tuple[Any, ...], Parameter | Response] = {}
        """Parameters and responses reached through a `$ref`, by (id of the target node, its document)."""
        self.ignored_headers: dict[str, tuple[Location, int]] = {}
        """Accept/Content-Type/Authorization header parameters seen: first location and count."""

    def warn(self, where: Location, message: str, severity: Severity = Severity.WARNING) -> None:
        self.diagnostics.append(Diagnostic(severity, where, message))

    def parse(self, root: dict[str, Any], where: Location, version: str) -> ApiModel:
        info = dict_of(root.get("info"))
        servers = parse_servers(self, root.get("servers"), where.child("servers"))
        security = parse_security(self, root.get("security"), where.child("security"))
        components = dict_of(root.get("components"))
        schemes = parse_security_schemes(
            self, components.get("securitySchemes"), where.child("components", "securitySchemes")
        )
        paths = root.get("paths", {})
        if not isinstance(paths, dict):
            raise SpecError(where.child("paths"), f"'paths' must be an object, not {type(paths).__name__}")
        operations: list[Operation] = []
        for path, item in paths.items():
            if str(path).startswith("x-"):
                continue  # a specification extension, not a path
            operations.extend(self.path_item(str(path), item, where.child("paths", path), servers, security))
        for name, (first, count) in self.ignored_headers.items():
            times = f" ({count} operations)" if count > 1 else ""
            self.warn(
                first, f"header parameter '{name}' ignored{times}: OpenAPI leaves it to the client", Severity.INFO
            )
        return ApiModel(
            title=text_of(info.get("title")) or "API",
            version=str(info.get("version", "")),
            description=text_of(info.get("description")),
            source_version=version,
            servers=servers,
            operations=tuple(operations),
            security_schemes=schemes,
            schemas=self.store,
            diagnostics=tuple(self.diagnostics),
        )

    # -- servers and security -------------------------------------------------------------------

    # -- paths and operations -------------------------------------------------------------------

    def path_item(
        self,
        path: str,
        raw: Any,
        where: Location,
        servers: tuple[Server, ...],
        security: tuple[SecurityRequirement, ...] | None,
    ) -> list[Operation]:
        if not path.startswith("/"):
            self.warn(where, "path does not start with '/'; skipped", Severity.ERROR)
            return []
        item, base, where = self.resolver.follow(raw, base=self.root_uri, where=where)
        if not isinstance(item, dict):
            self.warn(where, "path item must be an object; skipped", Severity.ERROR)
            return []
        item_servers = parse_servers(self, item.get("servers"), where.child("servers")) or servers
        path, _, query = path.partition("?")  # `/search?q={q}`: some specs template the query string too
        operations = []
        for key, raw_op in item.items():
            method = _METHODS.get(key)
            if method is None:
                continue
            op_where = where.child(key)
            try:
                operations.append(
                    self.operation(method, path, query, item, raw_op, base, op_where, item_servers, security)
                )
            except _SkipError as skip:
                self.warn(skip.location, f"operation skipped: {skip.message}", Severity.ERROR)
        return operations

    def operation(
        self,
        method: HttpMethod,
        path: str,
        query: str,
        item: dict[str, Any],
        raw: Any,
        base: str,
        where: Location,
        servers: tuple[Server, ...],
        security: tuple[SecurityRequirement, ...] | None,
    ) -> Operation:
        op = _as_dict(raw, where, "an operation")
        params = self.parameters(path, query, item.get("parameters"), op.get("parameters"), base, where)
        body = None
        if "requestBody" in op:
            body = self.request_body(op["requestBody"], base, where.child("requestBody"))
        responses = self.responses(op.get("responses"), base, where.child("responses"))
        tags = list_of(op.get("tags"))
        op_id = op.get("operationId")
        return Operation(
            method=method,
            path=path,
            operation_id=str(op_id) if isinstance(op_id, str | int) and str(op_id).strip() else None,
            summary=text_of(op.get("summary")),
            description=text_of(op.get("description")),
            tags=tuple(str(t) for t in tags if isinstance(t, str | int)),
            deprecated=op.get("deprecated") is True,
            parameters=params,
            request_body=body,
            responses=responses,
            security=parse_security(self, op["security"], where.child("security")) if "security" in op else security,
            servers=parse_servers(self, op.get("servers"), where.child("servers")) or servers,
            location=where,
            mcp_extension=op.get("x-mcp"),
        )

    def parameters(
        self, path: str, query: str, item_params: Any, op_params: Any, base: str, where: Location
    ) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, ParamLocation], Parameter] = {}
        for raw_list, list_where in (
            (item_params, where.parent().child("parameters")),
            (op_params, where.child("parameters")),
        ):
            if raw_list is None:
                continue
            if not isinstance(raw_list, list):
                raise _SkipError(list_where, f"'parameters' must be a list, not {type(raw_list).__name__}")
            for index, raw in enumerate(raw_list):
                param = self.parameter(raw, base, list_where.child(index))
                if param is not None:
                    merged[(param.name, param.location)] = param
        self.query_template(query, merged, where)
        template_names = _PATH_PARAM.findall(path)
        for name in template_names:
            if (name, ParamLocation.PATH) not in merged:
                self.warn(where, f"path parameter '{name}' is not declared; assuming a required string")
                merged[(name, ParamLocation.PATH)] = Parameter(
                    name=name,
                    location=ParamLocation.PATH,
                    required=True,
                    description="",
                    schema={"type": "string"},
                    style="simple",
                    explode=False,
                )
        for key in [k for k in merged if k[1] is ParamLocation.PATH and k[0] not in template_names]:
            self.warn(where, f"path parameter '{key[0]}' is not in the path template; ignored")
            del merged[key]
        return tuple(merged.values())

    def query_template(self, query: str, merged: dict[tuple[str, ParamLocation], Parameter], where: Location) -> None:
        """Turn `name={var}` pairs of a path key's query string into query parameters."""
        for pair in filter(None, query.split("&")):
            wire, _, value = pair.partition("=")
            var = _PATH_PARAM.fullmatch(value)
            if var is None:
                self.warn(where, f"fixed query '{pair}' in the path key is not sent; declare it as a parameter")
                continue
            declared = merged.pop((var.group(1), ParamLocation.PATH), None)
            if (wire, ParamLocation.QUERY) in merged:
                continue
            merged[(wire, ParamLocation.QUERY)] = Parameter(
                name=wire,
                location=ParamLocation.QUERY,
                required=True if declared is None else declared.required,
                description="" if declared is None else declared.description,
                schema={"type": "string"} if declared is None else declared.schema,
                style="form",
                explode=True,
            )

    def parameter(self, raw: Any, base: str, where: Location) -> Parameter | None:
        node, base, where = self.resolver.follow(raw, base=base, where=where)
        # A shared parameter (`$ref: '#/components/parameters/owner'`) is read once, however often used.
        key = (id(node), base)
        known = self.shared.get(key)
        if isinstance(known, Parameter):
            return known
        param = self._parameter(node, base, where)
        if param is not None and node is not raw:
            self.shared[key] = param
        return param

    def _parameter(self, node: Any, base: str, where: Location) -> Parameter | None:
        if not isinstance(node, dict):
            raise _SkipError(where, "a parameter must be an object")
        name = node.get("name")
        try:
            location = ParamLocation(node.get("in"))
        except ValueError:
            raise _SkipError(where.child("in"), f"parameter {name!r} has unknown 'in': {node.get('in')!r}") from None
        if not isinstance(name, str) or not name:
            if location is ParamLocation.PATH:
                raise _SkipError(where, "a path parameter needs a 'name'")
            self.warn(where, f"{location.value} parameter without a 'name' ignored")
            return None
        if location is ParamLocation.HEADER and name.lower() in _IGNORED_HEADERS:
            first, count = self.ignored_headers.get(name, (where, 0))
            self.ignored_headers[name] = (first, count + 1)
            return None
        content_type = None
        if isinstance(node.get("content"), dict) and node["content"]:
            content_type, media = next(iter(node["content"].items()))
            raw_schema = media.get("schema") if isinstance(media, dict) else None
            schema_where = where.child("content", content_type, "schema")
        else:
            raw_schema = node.get("schema")
            schema_where = where.child("schema")
        schema = self.store.convert(raw_schema, base=base, where=schema_where, mode=Mode.INPUT) if raw_schema else {}
        if not raw_schema and content_type is None:
            schema = {"type": "string"}
        default_style = "form" if location in (ParamLocation.QUERY, ParamLocation.COOKIE) else "simple"
        style = node["style"] if isinstance(node.get("style"), str) else default_style
        explode = node["explode"] if isinstance(node.get("explode"), bool) else style == "form"
        return Parameter(
            name=name,
            location=location,
            required=location is ParamLocation.PATH or node.get("required") is True,
            description=text_of(node.get("description")),
            schema=schema,
            style=style,
            explode=explode,
            allow_reserved=node.get("allowReserved") is True,
            content_type=content_type,
            deprecated=node.get("deprecated") is True,
        )

    def content(self, node: Any, base: str, where: Location, mode: Mode) -> tuple[MediaType, ...]:
        if not isinstance(node, dict):
            return ()
        result = []
        for content_type, raw_media in node.items():
            media = dict_of(raw_media)
            here = where.child(content_type)
            if not str(content_type).strip():
                self.warn(here, "media type with an empty name ignored")
                continue
            raw_schema = media.get("schema")
            schema = None
            if raw_schema is not None:
                schema = self.store.convert(raw_schema, base=base, where=here.child("schema"), mode=mode)
            encodings = []
            raw_enc = dict_of(media.get("encoding"))
            for prop, enc in raw_enc.items():
                if isinstance(enc, dict):
                    encodings.append(
                        PartEncoding(
                            name=str(prop),
                            content_type=text_of(enc.get("contentType")) or None,
                            style=text_of(enc.get("style")) or None,
                            explode=enc.get("explode") if isinstance(enc.get("explode"), bool) else None,
                        )
                    )
            example = self.example(media, base, here) if mode is Mode.OUTPUT else None
            result.append(MediaType(str(content_type), schema, tuple(encodings), example))
        return tuple(result)

    def example(self, media: dict[str, Any], base: str, where: Location) -> Any:
        """A media type's `example`, else the value of its first `examples` entry (None when neither)."""
        if media.get("example") is not None:
            return media["example"]
        examples = dict_of(media.get("examples"))
        if not examples:
            return None
        first = next(iter(examples.values()))
        try:
            node, _, _ = self.resolver.follow(first, base=base, where=where.child("examples"))
        except RefError:
            return None  # an example is documentation: a broken one is not worth failing the operation
        return node.get("value") if isinstance(node, dict) else None

    def request_body(self, raw: Any, base: str, where: Location) -> RequestBody | None:
        node, base, where = self.resolver.follow(raw, base=base, where=where)
        body = _as_dict(node, where, "'requestBody'")
        content = self.content(body.get("content"), base, where.child("content"), Mode.INPUT)
        if not content:
            return None
        return RequestBody(body.get("required") is True, text_of(body.get("description")), content)

    def responses(self, raw: Any, base: str, where: Location) -> tuple[Response, ...]:
        if not isinstance(raw, dict):
            return ()
        result = []
        for status, raw_response in raw.items():
            code = str(status)
            here = where.child(code)
            try:
                node, node_base, here = self.resolver.follow(raw_response, base=base, where=here)
            except RefError:
                if code.startswith("2"):
                    raise
                self.warn(here, "unresolvable error response ignored")
                continue
            if not isinstance(node, dict):
                continue
            key = (id(node), node_base, code[:1])
            known = self.shared.get(key)
            if isinstance(known, Response) and known.status == code:
                result.append(known)
                continue
            # Only success responses feed a tool's outputSchema; the others are documented by description.
            content = (
                self.content(node.get("content"), node_base, here.child("content"), Mode.OUTPUT)
                if (code.startswith("2"))
                else ()
            )
            response = Response(code, text_of(node.get("description")), content)
            if node is not raw_response:
                self.shared[key] = response
            result.append(response)
        return tuple(result)
