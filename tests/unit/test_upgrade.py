"""Tests for the offline Swagger 2.0 → OpenAPI 3.0.3 upgrader."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest

from converter.errors import Diagnostic, Location, Severity, SpecError, unescape_pointer_token
from converter.upgrade import upgrade_swagger

ROOT = Location("api.json")
INFO = {"title": "Pets", "version": "1.0"}


def upgrade(doc: dict[str, Any]) -> tuple[dict[str, Any], tuple[Diagnostic, ...]]:
    return upgrade_swagger(doc, location=ROOT)


def swagger(paths: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    return {"swagger": "2.0", "info": INFO, "paths": paths or {}, **top}


def upgrade_operation(operation: Any, **top: Any) -> tuple[dict[str, Any], tuple[Diagnostic, ...]]:
    """Upgrade a document with `operation` at POST /pets; return that operation and the diagnostics."""
    out, diagnostics = upgrade(swagger({"/pets": {"post": operation}}, **top))
    return out["paths"]["/pets"].get("post", {}), diagnostics


def where(diagnostics: tuple[Diagnostic, ...]) -> list[tuple[Severity, str]]:
    return [(d.severity, d.location.fragment) for d in diagnostics]


def resolve(doc: dict[str, Any], ref: str) -> Any:
    node: Any = doc
    for token in ref.removeprefix("#/").split("/"):
        node = node[unescape_pointer_token(token)]
    return node


def petstore() -> dict[str, Any]:
    """A small document that touches most of what the upgrader reads."""
    return {
        "swagger": "2.0",
        "info": INFO,
        "host": "pets.example.com",
        "basePath": "/v1/",
        "schemes": ["https", "http"],
        "consumes": ["application/json"],
        "produces": ["application/json"],
        "tags": [{"name": "pets"}],
        "x-logo": {"url": "logo.png"},
        "securityDefinitions": {
            "key": {"type": "apiKey", "name": "X-Key", "in": "header"},
            "oauth": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "a", "tokenUrl": "t", "scopes": {}},
        },
        "security": [{"key": []}],
        "parameters": {
            "limit": {"name": "limit", "in": "query", "type": "integer", "maximum": 100},
            "PetBody": {"name": "pet", "in": "body", "required": True, "schema": {"$ref": "#/definitions/Pet"}},
        },
        "responses": {"NotFound": {"description": "gone", "schema": {"$ref": "#/definitions/Error"}}},
        "definitions": {
            "Pet": {"type": "object", "properties": {"name": {"type": "string", "x-nullable": True}}},
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
        },
        "paths": {
            "/pets": {
                "parameters": [{"$ref": "#/parameters/limit"}],
                "get": {
                    "operationId": "listPets",
                    "parameters": [{"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                            "headers": {"X-Next": {"type": "string"}},
                            "examples": {"application/json": []},
                        },
                        "404": {"$ref": "#/responses/NotFound"},
                    },
                },
                "post": {"parameters": [{"$ref": "#/parameters/PetBody"}], "responses": {"201": {"description": "ok"}}},
            },
            "/pets/{id}/photo": {
                "put": {
                    "consumes": ["multipart/form-data"],
                    "schemes": ["http"],
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "type": "string"},
                        {"name": "file", "in": "formData", "type": "file", "required": True},
                        {"name": "labels", "in": "formData", "type": "array", "items": {"type": "string"}},
                    ],
                    "responses": {"204": {"description": "stored"}},
                }
            },
        },
    }


def test_upgrade_document_metadata_copied() -> None:
    doc = swagger(
        host="api.example.com",
        tags=[{"name": "pets"}],
        externalDocs={"url": "https://docs.example.com"},
        security=[{"key": []}],
        **{"x-logo": {"url": "logo.png"}},
    )
    out, diagnostics = upgrade(doc)
    assert out == {
        "openapi": "3.0.3",
        "info": INFO,
        "externalDocs": {"url": "https://docs.example.com"},
        "tags": [{"name": "pets"}],
        "servers": [{"url": "https://api.example.com/"}],
        "paths": {},
        "security": [{"key": []}],
        "x-logo": {"url": "logo.png"},
    }
    assert diagnostics == ()


@pytest.mark.parametrize(
    ("top", "urls"),
    [
        ({"host": "h.io", "basePath": "/v1/", "schemes": ["http", "https"]}, ["http://h.io/v1", "https://h.io/v1"]),
        ({"host": "h.io", "basePath": "/v1"}, ["https://h.io/v1"]),
        ({"host": "h.io", "basePath": "/"}, ["https://h.io/"]),
        ({"host": "h.io:8080"}, ["https://h.io:8080/"]),
        ({"basePath": "/api/", "schemes": ["http", "https"]}, ["/api"]),
        ({}, ["/"]),
        ({"host": "h.io", "basePath": "v2"}, ["https://h.io/v2"]),
    ],
)
def test_upgrade_servers_built_from_host_base_path_schemes(top: dict[str, Any], urls: list[str]) -> None:
    out, _ = upgrade(swagger(**top))
    assert out["servers"] == [{"url": url} for url in urls]


def test_upgrade_definitions_shared_not_copied() -> None:
    doc = swagger(definitions={"Pet": {"type": "object"}})
    out, _ = upgrade(doc)
    assert out["components"]["schemas"] is doc["definitions"]
    assert out["definitions"] is doc["definitions"]


def test_upgrade_definitions_ref_still_resolves_as_pointer() -> None:
    doc = petstore()
    out, _ = upgrade(doc)
    schema = out["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"type": "array", "items": {"$ref": "#/definitions/Pet"}}
    assert resolve(out, schema["items"]["$ref"]) is doc["definitions"]["Pet"]


def test_upgrade_input_not_mutated() -> None:
    doc = petstore()
    before = copy.deepcopy(doc)
    upgrade(doc)
    assert doc == before


def test_upgrade_petstore_validates_as_openapi_3() -> None:
    from openapi_spec_validator import validate

    out, diagnostics = upgrade(petstore())
    assert diagnostics == ()
    # The top-level `definitions` alias is ours, not OpenAPI's: drop it and point refs at components.
    out.pop("definitions")
    validate(json.loads(json.dumps(out).replace('"#/definitions/', '"#/components/schemas/')))


def test_upgrade_top_level_parameters_become_components_or_request_bodies() -> None:
    out, _ = upgrade(petstore())
    assert out["components"]["parameters"] == {
        "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 100}}
    }
    post = out["paths"]["/pets"]["post"]
    assert post["parameters"] == [{"$ref": "#/components/parameters/limit"}]
    assert post["requestBody"] == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/definitions/Pet"}}},
        "x-codegen-request-body-name": "pet",
    }


def test_upgrade_form_data_parameter_ref_resolved_into_body() -> None:
    params = {"Name": {"name": "name", "in": "formData", "type": "string", "required": True}}
    operation, diagnostics = upgrade_operation({"parameters": [{"$ref": "#/parameters/Name"}]}, parameters=params)
    assert "parameters" not in operation
    assert operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"] == {
        "type": "object",
        "properties": {"name": {"type": "string"}},
        "required": ["name"],
    }
    assert diagnostics == ()


def test_upgrade_dangling_parameter_ref_dropped_with_warning() -> None:
    operation, diagnostics = upgrade_operation({"parameters": [{"$ref": "#/parameters/Nope"}]})
    assert "parameters" not in operation
    assert where(diagnostics) == [(Severity.WARNING, "/paths/~1pets/post/parameters/0/$ref")]


def test_upgrade_external_parameter_ref_kept() -> None:
    operation, _ = upgrade_operation({"parameters": [{"$ref": "common.yaml#/parameters/Page"}]})
    assert operation["parameters"] == [{"$ref": "common.yaml#/parameters/Page"}]


def test_upgrade_path_parameters_merged_operation_wins() -> None:
    path_item = {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "type": "string"},
            {"name": "q", "in": "query", "type": "string", "description": "path level"},
            {"name": "pet", "in": "body", "schema": {"type": "object"}},
        ],
        "put": {"parameters": [{"name": "q", "in": "query", "type": "string", "description": "op level"}]},
        "delete": {},
    }
    out, _ = upgrade(swagger({"/pets/{id}": path_item}))
    put, delete = out["paths"]["/pets/{id}"]["put"], out["paths"]["/pets/{id}"]["delete"]
    assert put["parameters"] == [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "q", "in": "query", "description": "op level", "schema": {"type": "string"}},
    ]
    assert put["requestBody"]["content"] == {"application/json": {"schema": {"type": "object"}}}
    assert delete["parameters"][1]["description"] == "path level"
    assert "requestBody" in delete
    assert "parameters" not in out["paths"]["/pets/{id}"]


def test_upgrade_path_parameter_problem_reported_once() -> None:
    shared = [{"name": "ids", "in": "query", "type": "array", "collectionFormat": "tsv", "items": {"type": "string"}}]
    out, diagnostics = upgrade(swagger({"/pets": {"parameters": shared, "get": {}, "put": {}}}))
    assert out["paths"]["/pets"]["get"]["parameters"] == out["paths"]["/pets"]["put"]["parameters"]
    assert where(diagnostics) == [(Severity.WARNING, "/paths/~1pets/parameters/0/collectionFormat")]


def test_upgrade_parameter_keywords_moved_into_schema() -> None:
    param = {
        "name": "size",
        "in": "query",
        "description": "d",
        "required": False,
        "allowEmptyValue": True,
        "type": "integer",
        "format": "int32",
        "enum": [1, 2],
        "default": 1,
        "minimum": 0,
        "maximum": 9,
        "exclusiveMinimum": True,
        "exclusiveMaximum": False,
        "multipleOf": 1,
        "x-nullable": True,
        "x-example": 2,
    }
    operation, diagnostics = upgrade_operation({"parameters": [param]})
    assert operation["parameters"] == [
        {
            "name": "size",
            "in": "query",
            "description": "d",
            "required": False,
            "allowEmptyValue": True,
            "schema": {
                "type": "integer",
                "format": "int32",
                "enum": [1, 2],
                "default": 1,
                "minimum": 0,
                "maximum": 9,
                "exclusiveMinimum": True,
                "exclusiveMaximum": False,
                "multipleOf": 1,
                "x-nullable": True,
            },
            "x-example": 2,
        }
    ]
    assert diagnostics == ()


def test_upgrade_string_and_array_keywords_moved_into_schema() -> None:
    param = {
        "name": "ids",
        "in": "query",
        "type": "array",
        "minItems": 1,
        "maxItems": 5,
        "uniqueItems": True,
        "items": {"type": "string", "minLength": 2, "maxLength": 8, "pattern": "^[a-z]+$"},
    }
    operation, _ = upgrade_operation({"parameters": [param]})
    assert operation["parameters"][0]["schema"] == {
        "type": "array",
        "minItems": 1,
        "maxItems": 5,
        "uniqueItems": True,
        "items": {"type": "string", "minLength": 2, "maxLength": 8, "pattern": "^[a-z]+$"},
    }


def test_upgrade_path_parameter_always_required() -> None:
    operation, _ = upgrade_operation({"parameters": [{"name": "id", "in": "path", "type": "string"}]})
    assert operation["parameters"][0]["required"] is True


@pytest.mark.parametrize(
    ("location", "fmt", "style", "explode", "severity"),
    [
        ("query", None, "form", False, None),
        ("query", "csv", "form", False, None),
        ("path", "csv", "simple", False, None),
        ("header", None, "simple", False, None),
        ("query", "ssv", "spaceDelimited", False, None),
        ("query", "pipes", "pipeDelimited", False, None),
        ("query", "multi", "form", True, None),
        ("query", "tsv", "form", False, Severity.WARNING),
        ("query", "bogus", "form", False, Severity.WARNING),
        ("header", "pipes", "simple", False, Severity.WARNING),
    ],
)
def test_upgrade_collection_format_mapped_to_style(
    location: str, fmt: str | None, style: str, explode: bool, severity: Severity | None
) -> None:
    param = {"name": "ids", "in": location, "required": True, "type": "array", "items": {"type": "string"}}
    if fmt is not None:
        param["collectionFormat"] = fmt
    operation, diagnostics = upgrade_operation({"parameters": [param]})
    converted = operation["parameters"][0]
    assert (converted["style"], converted["explode"]) == (style, explode)
    assert "collectionFormat" not in converted
    expected = [] if severity is None else [(severity, "/paths/~1pets/post/parameters/0/collectionFormat")]
    assert where(diagnostics) == expected


def test_upgrade_scalar_parameter_has_no_style() -> None:
    operation, _ = upgrade_operation({"parameters": [{"name": "q", "in": "query", "type": "string"}]})
    assert operation["parameters"] == [{"name": "q", "in": "query", "schema": {"type": "string"}}]


def test_upgrade_nested_items_collection_format_dropped_with_info() -> None:
    items = {"type": "array", "collectionFormat": "pipes", "items": {"type": "integer"}}
    param = {"name": "grid", "in": "query", "type": "array", "collectionFormat": "csv", "items": items}
    operation, diagnostics = upgrade_operation({"parameters": [param]})
    assert operation["parameters"][0]["schema"] == {
        "type": "array",
        "items": {"type": "array", "items": {"type": "integer"}},
    }
    assert where(diagnostics) == [(Severity.INFO, "/paths/~1pets/post/parameters/0/items/collectionFormat")]


def test_upgrade_file_outside_form_data_becomes_binary_string_with_warning() -> None:
    operation, diagnostics = upgrade_operation({"parameters": [{"name": "blob", "in": "header", "type": "file"}]})
    assert operation["parameters"][0]["schema"] == {"type": "string", "format": "binary"}
    assert where(diagnostics) == [(Severity.WARNING, "/paths/~1pets/post/parameters/0")]


def test_upgrade_response_converted_with_content_headers_examples() -> None:
    response = {
        "description": "ok",
        "schema": {"$ref": "#/definitions/Pet"},
        "headers": {"X-Rate-Limit": {"type": "integer", "description": "calls left"}, "x-trace": {"type": "string"}},
        "examples": {"application/json": {"name": "Rex"}},
        "x-internal": True,
    }
    operation, diagnostics = upgrade_operation(
        {"produces": ["application/json", "application/xml"], "responses": {"200": response}},
        produces=["text/plain"],
    )
    assert operation["responses"] == {
        "200": {
            "description": "ok",
            "headers": {
                "X-Rate-Limit": {"description": "calls left", "schema": {"type": "integer"}},
                "x-trace": {"schema": {"type": "string"}},
            },
            "content": {
                "application/json": {"schema": {"$ref": "#/definitions/Pet"}, "example": {"name": "Rex"}},
                "application/xml": {"schema": {"$ref": "#/definitions/Pet"}},
            },
            "x-internal": True,
        }
    }
    assert diagnostics == ()


@pytest.mark.parametrize(
    ("operation_produces", "document_produces", "mimes"),
    [
        (None, None, ["application/json"]),
        (None, ["application/xml"], ["application/xml"]),
        (["text/csv"], ["application/xml"], ["text/csv"]),
    ],
)
def test_upgrade_response_media_types_follow_produces(
    operation_produces: list[str] | None, document_produces: list[str] | None, mimes: list[str]
) -> None:
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok", "schema": {"type": "string"}}}}
    if operation_produces is not None:
        operation["produces"] = operation_produces
    top = {} if document_produces is None else {"produces": document_produces}
    converted, _ = upgrade_operation(operation, **top)
    assert list(converted["responses"]["200"]["content"]) == mimes


def test_upgrade_response_without_schema_has_no_content() -> None:
    operation, diagnostics = upgrade_operation({"responses": {"204": {"description": "gone"}, "default": {}}})
    assert operation["responses"] == {"204": {"description": "gone"}, "default": {"description": ""}}
    assert diagnostics == ()


def test_upgrade_example_for_unproduced_type_dropped_with_info() -> None:
    response = {"description": "ok", "schema": {"type": "string"}, "examples": {"text/plain": "hi"}}
    operation, diagnostics = upgrade_operation({"responses": {"200": response}})
    assert operation["responses"]["200"]["content"] == {"application/json": {"schema": {"type": "string"}}}
    assert where(diagnostics) == [(Severity.INFO, "/paths/~1pets/post/responses/200/examples/text~1plain")]


def test_upgrade_response_refs_rewritten_and_components_converted() -> None:
    out, _ = upgrade(petstore())
    assert out["paths"]["/pets"]["get"]["responses"]["404"] == {"$ref": "#/components/responses/NotFound"}
    assert out["components"]["responses"] == {
        "NotFound": {
            "description": "gone",
            "content": {"application/json": {"schema": {"$ref": "#/definitions/Error"}}},
        }
    }


def test_upgrade_body_parameter_becomes_request_body() -> None:
    body = {
        "name": "pet",
        "in": "body",
        "description": "the pet",
        "required": True,
        "x-audit": "yes",
        "schema": {"$ref": "#/definitions/Pet"},
    }
    operation, diagnostics = upgrade_operation(
        {"consumes": ["application/json", "application/xml"], "parameters": [body]}, consumes=["text/plain"]
    )
    assert operation["requestBody"] == {
        "description": "the pet",
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/definitions/Pet"}},
            "application/xml": {"schema": {"$ref": "#/definitions/Pet"}},
        },
        "x-codegen-request-body-name": "pet",
        "x-audit": "yes",
    }
    assert diagnostics == ()


def test_upgrade_body_consumes_defaults_to_document_then_json() -> None:
    body = {"name": "b", "in": "body", "schema": {"type": "string"}}
    from_document, _ = upgrade_operation({"parameters": [body]}, consumes=["text/plain"])
    default, _ = upgrade_operation({"parameters": [body]})
    assert list(from_document["requestBody"]["content"]) == ["text/plain"]
    assert list(default["requestBody"]["content"]) == ["application/json"]
    assert default["requestBody"]["required"] is False


def test_upgrade_second_body_parameter_dropped_with_error() -> None:
    params = [{"name": "a", "in": "body", "schema": {"type": "string"}}, {"name": "b", "in": "body", "schema": {}}]
    operation, diagnostics = upgrade_operation({"parameters": params})
    assert operation["requestBody"]["x-codegen-request-body-name"] == "a"
    assert where(diagnostics) == [(Severity.ERROR, "/paths/~1pets/post/parameters/1")]


def test_upgrade_form_data_becomes_urlencoded_object() -> None:
    params = [
        {"name": "name", "in": "formData", "type": "string", "description": "pet name", "required": True},
        {"name": "age", "in": "formData", "type": "integer", "minimum": 0},
    ]
    operation, diagnostics = upgrade_operation({"parameters": params})
    assert operation["requestBody"] == {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "name": {"type": "string", "description": "pet name"},
                        "age": {"type": "integer", "minimum": 0},
                    },
                    "required": ["name"],
                }
            }
        },
    }
    assert diagnostics == ()


def test_upgrade_form_data_file_becomes_multipart_binary() -> None:
    params = [{"name": "photo", "in": "formData", "type": "file"}]
    operation, diagnostics = upgrade_operation({"parameters": params}, consumes=["application/x-www-form-urlencoded"])
    assert operation["requestBody"] == {
        "required": False,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"photo": {"type": "string", "format": "binary"}}}
            }
        },
    }
    assert diagnostics == ()


@pytest.mark.parametrize(
    ("consumes", "param_type", "mimes"),
    [
        (["multipart/form-data"], "string", ["multipart/form-data"]),
        (
            ["multipart/form-data", "application/x-www-form-urlencoded"],
            "string",
            ["application/x-www-form-urlencoded", "multipart/form-data"],
        ),
        (
            ["application/x-www-form-urlencoded", "multipart/form-data"],
            "file",
            ["multipart/form-data", "application/x-www-form-urlencoded"],
        ),
        (["application/json"], "string", ["application/x-www-form-urlencoded"]),
    ],
)
def test_upgrade_form_data_media_types_follow_consumes_and_files(
    consumes: list[str], param_type: str, mimes: list[str]
) -> None:
    params = [{"name": "f", "in": "formData", "type": param_type}]
    operation, _ = upgrade_operation({"consumes": consumes, "parameters": params})
    assert list(operation["requestBody"]["content"]) == mimes


@pytest.mark.parametrize(
    ("fmt", "encoding", "severity"),
    [
        ("multi", {"style": "form", "explode": True}, None),
        ("csv", {"style": "form", "explode": False}, None),
        (None, {"style": "form", "explode": False}, None),
        ("pipes", None, Severity.WARNING),
    ],
)
def test_upgrade_form_data_array_gets_encoding(
    fmt: str | None, encoding: dict[str, Any] | None, severity: Severity | None
) -> None:
    param = {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"}}
    if fmt is not None:
        param["collectionFormat"] = fmt
    operation, diagnostics = upgrade_operation({"parameters": [param]})
    media = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert media.get("encoding") == (None if encoding is None else {"tags": encoding})
    expected = [] if severity is None else [(severity, "/paths/~1pets/post/parameters/0/collectionFormat")]
    assert where(diagnostics) == expected


def test_upgrade_body_and_form_data_keeps_body_with_error() -> None:
    params = [
        {"name": "f", "in": "formData", "type": "string"},
        {"name": "pet", "in": "body", "schema": {"type": "object"}},
    ]
    operation, diagnostics = upgrade_operation({"parameters": params})
    assert operation["requestBody"]["content"] == {"application/json": {"schema": {"type": "object"}}}
    assert where(diagnostics) == [(Severity.ERROR, "/paths/~1pets/post")]
    assert "f" in diagnostics[0].message


def test_upgrade_security_definitions_become_security_schemes() -> None:
    definitions = {
        "basic": {"type": "basic", "description": "user/password"},
        "key": {"type": "apiKey", "name": "api_key", "in": "query"},
        "implicit": {"type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a", "scopes": {"r": "read"}},
        "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://t", "scopes": {}},
        "app": {"type": "oauth2", "flow": "application", "tokenUrl": "https://t", "scopes": {"w": "write"}},
        "code": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t"},
    }
    out, diagnostics = upgrade(swagger(securityDefinitions=definitions, security=[{"basic": []}]))
    assert out["components"]["securitySchemes"] == {
        "basic": {"type": "http", "scheme": "basic", "description": "user/password"},
        "key": {"type": "apiKey", "name": "api_key", "in": "query"},
        "implicit": {
            "type": "oauth2",
            "flows": {"implicit": {"authorizationUrl": "https://a", "scopes": {"r": "read"}}},
        },
        "password": {"type": "oauth2", "flows": {"password": {"tokenUrl": "https://t", "scopes": {}}}},
        "app": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://t", "scopes": {"w": "write"}}}},
        "code": {
            "type": "oauth2",
            "flows": {"authorizationCode": {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}},
        },
    }
    assert out["security"] == [{"basic": []}]
    assert diagnostics == ()


def test_upgrade_unknown_security_scheme_dropped_with_warning() -> None:
    definitions = {"odd": {"type": "kerberos"}, "flowless": {"type": "oauth2"}}
    out, diagnostics = upgrade(swagger(securityDefinitions=definitions))
    assert "components" not in out
    assert where(diagnostics) == [
        (Severity.WARNING, "/securityDefinitions/odd/type"),
        (Severity.WARNING, "/securityDefinitions/flowless/flow"),
    ]


def test_upgrade_operation_fields_copied() -> None:
    operation = {
        "operationId": "addPet",
        "summary": "s",
        "description": "d",
        "tags": ["pets"],
        "deprecated": True,
        "security": [{"key": ["w"]}],
        "externalDocs": {"url": "https://x"},
        "x-rate": 5,
        "responses": {},
    }
    converted, diagnostics = upgrade_operation(operation)
    assert converted == operation
    assert diagnostics == ()


def test_upgrade_operation_schemes_become_operation_servers() -> None:
    operation = {"schemes": ["wss", "https"], "responses": {}}
    converted, _ = upgrade_operation(operation, host="h.io", basePath="/v1", schemes=["https"])
    same, _ = upgrade_operation({"schemes": ["https"], "responses": {}}, host="h.io", basePath="/v1")
    assert converted["servers"] == [{"url": "wss://h.io/v1"}, {"url": "https://h.io/v1"}]
    assert "servers" not in same


def test_upgrade_path_item_ref_and_extensions_copied() -> None:
    out, _ = upgrade(swagger({"/pets": {"$ref": "common.yaml#/paths/pets", "x-owner": "team"}, "x-paths": 1}))
    assert out["paths"] == {"/pets": {"$ref": "common.yaml#/paths/pets", "x-owner": "team"}, "x-paths": 1}


def test_upgrade_non_object_members_ignored_with_warning() -> None:
    paths = {"/a": [], "/b": {"get": {"parameters": {}, "responses": []}}}
    doc = swagger(paths, definitions=[], parameters="p", securityDefinitions=None, consumes="json")
    out, diagnostics = upgrade(doc)
    assert out["paths"] == {"/b": {"get": {"responses": {}}}}
    assert "definitions" not in out
    assert where(diagnostics) == [
        (Severity.WARNING, "/definitions"),
        (Severity.WARNING, "/parameters"),
        (Severity.WARNING, "/consumes"),
        (Severity.WARNING, "/paths/~1a"),
        (Severity.WARNING, "/paths/~1b/get/parameters"),
        (Severity.WARNING, "/paths/~1b/get/responses"),
        (Severity.WARNING, "/securityDefinitions"),
    ]


def test_upgrade_unusable_parameter_ignored_with_warning() -> None:
    params = [None, {"name": "q"}, {"name": ["x"], "in": "query"}, {"$ref": 3}]
    operation, diagnostics = upgrade_operation({"parameters": params})
    assert "parameters" not in operation
    assert where(diagnostics) == [
        (Severity.WARNING, "/paths/~1pets/post/parameters/0"),
        (Severity.WARNING, "/paths/~1pets/post/parameters/1"),
        (Severity.WARNING, "/paths/~1pets/post/parameters/2"),
        (Severity.WARNING, "/paths/~1pets/post/parameters/3/$ref"),
    ]


def test_upgrade_non_object_operation_dropped_with_error() -> None:
    out, diagnostics = upgrade(swagger({"/pets": {"get": ["oops"], "put": None, "post": {"responses": {}}}}))
    assert out["paths"] == {"/pets": {"post": {"responses": {}}}}
    assert where(diagnostics) == [(Severity.ERROR, "/paths/~1pets/get"), (Severity.ERROR, "/paths/~1pets/put")]


@pytest.mark.parametrize("paths", [[], "paths", 3])
def test_upgrade_non_object_paths_raises_spec_error(paths: Any) -> None:
    with pytest.raises(SpecError) as caught:
        upgrade({"swagger": "2.0", "info": INFO, "paths": paths})
    assert caught.value.location == ROOT.child("paths")


def test_upgrade_non_object_document_raises_spec_error() -> None:
    with pytest.raises(SpecError):
        upgrade([])  # type: ignore[arg-type]


def test_upgrade_empty_document_gives_minimal_openapi() -> None:
    assert upgrade({}) == ({"openapi": "3.0.3", "servers": [{"url": "/"}], "paths": {}}, ())


def _nodes(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _nodes(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _nodes(value, (*path, index))
    return found


def test_upgrade_fuzzed_documents_never_crash() -> None:
    rng = random.Random(20240601)
    junk: list[Any] = [None, [], {}, "x", 7, True, [{}], {"$ref": 1}, {"name": None, "in": []}, [None]]
    for _ in range(500):
        doc = petstore()
        for _ in range(rng.randint(1, 4)):
            *parents, last = rng.choice(_nodes(doc)[1:])
            parent = doc
            for key in parents:
                parent = parent[key]
            parent[last] = copy.deepcopy(rng.choice(junk))
        before = copy.deepcopy(doc)
        try:
            out, diagnostics = upgrade(doc)
        except SpecError:
            continue
        finally:
            assert doc == before
        assert out["openapi"] == "3.0.3"
        assert all(isinstance(d, Diagnostic) for d in diagnostics)
