"""Raw documents → ApiModel: versions, servers, security, parameters, skipped operations."""

from __future__ import annotations

from typing import Any

import pytest

from converter.errors import Severity, SpecError
from converter.loader import LoadedDocument
from converter.model import ApiModel, HttpMethod, ParamLocation, SecurityType
from converter.parser import parse_api


def parse(doc: dict[str, Any], uri: str = "/specs/api.json") -> ApiModel:
    return parse_api(LoadedDocument(doc, uri, "api.json"))


def spec(paths: dict[str, Any] | None = None, version: str = "3.0.3", **extra: Any) -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "T", "version": "1"}, "paths": paths or {}, **extra}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"openapi": "4.0.0"}, "api.json#/openapi: unsupported OpenAPI version '4.0.0'"),
        ({"swagger": "1.2"}, "api.json#/swagger: unsupported Swagger version '1.2'"),
        ({"swaggerVersion": "1.2"}, "api.json#/swaggerVersion: Swagger 1.2 is not supported"),
        ({"info": {}}, "api.json: not an OpenAPI document: no 'openapi' or 'swagger' field"),
        ({"openapi": "3.0.0", "paths": []}, "api.json#/paths: 'paths' must be an object, not list"),
    ],
)
def test_unsupported_documents_raise_with_location(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse(doc)
    assert str(caught.value).startswith(message)


def test_openapi_3_2_is_read_as_3_1_with_a_warning() -> None:
    api = parse(spec(version="3.2.0"))
    assert [d.message for d in api.diagnostics] == ["OpenAPI 3.2.0 read as 3.1; newer features ignored"]


def test_operations_keep_document_order_and_effective_servers() -> None:
    paths = {
        "/b": {"servers": [{"url": "https://path.example"}], "post": {}, "get": {"servers": [{"url": "/op"}]}},
        "/a": {"get": {}},
    }
    api = parse(spec(paths, servers=[{"url": "https://root.example/v1"}]))
    assert [(op.method, op.path) for op in api.operations] == [
        (HttpMethod.POST, "/b"),
        (HttpMethod.GET, "/b"),
        (HttpMethod.GET, "/a"),
    ]
    assert [op.servers[0].url for op in api.operations] == ["https://path.example", "/op", "https://root.example/v1"]


def test_relative_server_url_resolves_against_a_fetched_document() -> None:
    api = parse(spec(servers=[{"url": "/api/v3"}]), uri="https://example.com/specs/openapi.json")
    assert api.servers[0].url == "https://example.com/api/v3"


def test_server_variables_are_kept_with_defaults_and_enums() -> None:
    server = {"url": "https://{region}.example.com", "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}}}
    (variable,) = parse(spec(servers=[server])).servers[0].variables
    assert (variable.name, variable.default, variable.enum) == ("region", "eu", ("eu", "us"))


def test_path_level_parameters_merge_and_operation_wins() -> None:
    paths = {
        "/p/{id}": {
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}},
            ],
            "get": {"parameters": [{"name": "q", "in": "query", "required": True, "schema": {"type": "integer"}}]},
        }
    }
    (op,) = parse(spec(paths)).operations
    assert [(p.name, p.location, p.required, p.schema) for p in op.parameters] == [
        ("id", ParamLocation.PATH, True, {"type": "string"}),
        ("q", ParamLocation.QUERY, True, {"type": "integer"}),
    ]


def test_undeclared_path_parameter_is_added_as_a_required_string_with_a_warning() -> None:
    api = parse(spec({"/p/{id}": {"get": {}}}))
    (param,) = api.operations[0].parameters
    assert (param.name, param.required, param.schema) == ("id", True, {"type": "string"})
    assert api.diagnostics[0].severity is Severity.WARNING


def test_authorization_and_accept_header_parameters_are_ignored() -> None:
    params = [{"name": n, "in": "header", "schema": {"type": "string"}} for n in ("Authorization", "Accept", "X-Id")]
    api = parse(spec({"/p": {"get": {"parameters": params}}}))
    assert [p.name for p in api.operations[0].parameters] == ["X-Id"]
    assert [d.severity for d in api.diagnostics] == [Severity.INFO, Severity.INFO]


def test_default_style_and_explode_follow_the_location() -> None:
    params = [
        {"name": "q", "in": "query", "schema": {}},
        {"name": "h", "in": "header", "schema": {}},
        {"name": "d", "in": "query", "style": "deepObject", "schema": {}},
    ]
    (op,) = parse(spec({"/p": {"get": {"parameters": params}}})).operations
    assert [(p.style, p.explode) for p in op.parameters] == [("form", True), ("simple", False), ("deepObject", False)]


def test_security_schemes_and_effective_requirements() -> None:
    components = {
        "securitySchemes": {
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "basic": {"type": "http", "scheme": "Basic"},
            "oauth": {
                "type": "oauth2",
                "flows": {"clientCredentials": {"tokenUrl": "https://auth/token", "scopes": {"read": "", "write": ""}}},
            },
        }
    }
    paths = {"/open": {"get": {"security": []}}, "/closed": {"get": {}}}
    api = parse(spec(paths, components=components, security=[{"key": []}, {"oauth": ["read"]}]))
    key, basic, oauth = api.security_schemes
    assert (key.type, key.location, key.param_name) == (SecurityType.API_KEY, ParamLocation.HEADER, "X-Key")
    assert (basic.type, basic.scheme) == (SecurityType.HTTP, "basic")
    assert oauth.flows[0].token_url == "https://auth/token" and oauth.flows[0].scopes == ("read", "write")
    assert api.operations[0].security == ()
    assert api.operations[1].security == ((("key", ()),), (("oauth", ("read",)),))


def test_broken_operation_is_skipped_and_the_rest_converts() -> None:
    paths = {
        "/a": {"get": {"parameters": "oops"}, "post": {}},
        "/b": {"get": {"parameters": [{"name": "x", "in": "body"}]}},
        "/c/{id}": {"get": {"parameters": [{"in": "path"}]}},
    }
    api = parse(spec(paths))
    assert [op.key for op in api.operations] == ["POST /a"]
    assert [(str(d.location), d.severity) for d in api.diagnostics] == [
        ("api.json#/paths/~1a/get/parameters", Severity.ERROR),
        ("api.json#/paths/~1b/get/parameters/0/in", Severity.ERROR),
        ("api.json#/paths/~1c~1{id}/get/parameters/0", Severity.ERROR),
    ]


def test_nameless_query_or_header_parameter_is_dropped_not_the_operation() -> None:
    params = [{"in": "header", "name": ""}, {"in": "query", "name": "q"}]
    api = parse(spec({"/a": {"get": {"parameters": params}}}))
    assert [p.name for p in api.operations[0].parameters] == ["q"]
    assert [d.message for d in api.diagnostics] == ["header parameter without a 'name' ignored"]


def test_extension_keys_under_paths_are_not_paths() -> None:
    api = parse(spec({"x-codegen-contextRoot": "/api", "/a": {"get": {}}}))
    assert [op.path for op in api.operations] == ["/a"]
    assert api.diagnostics == ()


def test_query_string_templates_in_a_path_key_become_query_parameters() -> None:
    paths = {
        "/search?query={query}&page={p}&fixed=1": {
            "get": {"parameters": [{"name": "p", "in": "path", "required": True, "schema": {"type": "integer"}}]}
        }
    }
    api = parse(spec(paths))
    (op,) = api.operations
    assert op.path == "/search"
    assert [(p.name, p.location, p.schema) for p in op.parameters] == [
        ("query", ParamLocation.QUERY, {"type": "string"}),
        ("page", ParamLocation.QUERY, {"type": "integer"}),
    ]
    assert [d.message for d in api.diagnostics] == [
        "fixed query 'fixed=1' in the path key is not sent; declare it as a parameter"
    ]


def test_ignored_header_parameters_are_reported_once_per_name() -> None:
    auth = {"name": "Authorization", "in": "header", "schema": {"type": "string"}}
    api = parse(spec({"/a": {"get": {"parameters": [auth]}, "post": {"parameters": [auth]}}}))
    (note,) = api.diagnostics
    assert note.message == "header parameter 'Authorization' ignored (2 operations): OpenAPI leaves it to the client"
    assert str(note.location) == "api.json#/paths/~1a/get/parameters/0"


def test_media_type_with_an_empty_name_is_ignored() -> None:
    body = {"content": {"": {"schema": {}}, "application/json": {"schema": {"type": "object"}}}}
    api = parse(spec({"/a": {"post": {"requestBody": body}}}))
    assert api.operations[0].request_body is not None
    assert [m.content_type for m in api.operations[0].request_body.content] == ["application/json"]
    assert [d.message for d in api.diagnostics] == ["media type with an empty name ignored"]


def test_parameter_and_body_refs_are_followed() -> None:
    components = {
        "parameters": {"Limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}},
        "requestBodies": {"Thing": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}},
    }
    paths = {
        "/p": {
            "post": {
                "parameters": [{"$ref": "#/components/parameters/Limit"}],
                "requestBody": {"$ref": "#/components/requestBodies/Thing"},
            }
        }
    }
    (op,) = parse(spec(paths, components=components)).operations
    assert op.parameters[0].name == "limit"
    assert op.request_body is not None and op.request_body.required


def test_swagger_2_is_upgraded_before_parsing() -> None:
    doc = {
        "swagger": "2.0",
        "info": {"title": "S", "version": "1"},
        "host": "api.example.com",
        "basePath": "/v2",
        "paths": {"/x": {"get": {"operationId": "getX", "responses": {"200": {"description": "ok"}}}}},
    }
    api = parse(doc)
    assert api.source_version == "2.0"
    assert api.operations[0].servers[0].url == "https://api.example.com/v2"
