"""Swagger 2.0 → OpenAPI 3.0.3, offline; touches operations only, never walks schemas."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from converter.errors import Diagnostic, Location, Severity, SpecError, unescape_pointer_token

JsonObject = dict[str, Any]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")
_OPERATION_KEYS = ("tags", "summary", "description", "externalDocs", "operationId", "deprecated", "security")
_PARAM_KEYS = ("name", "in", "description", "required", "deprecated", "allowEmptyValue")
_SCHEMA_KEYS = (
    *("type", "format", "items", "enum", "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"),
    *("minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf", "x-nullable"),
)
_PARAM_IN = ("query", "header", "path", "cookie", "body", "formData")
_INLINED_IN = ("body", "formData")
_DELIMITED = {"ssv": "spaceDelimited", "pipes": "pipeDelimited"}
_FLOWS = {
    "implicit": ("implicit", ("authorizationUrl",)),
    "password": ("password", ("tokenUrl",)),
    "application": ("clientCredentials", ("tokenUrl",)),
    "accessCode": ("authorizationCode", ("authorizationUrl", "tokenUrl")),
}
_JSON = "application/json"
_URLENCODED = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"
_MAX_ITEMS_DEPTH = 16  # Items nest a level or two; the cap only guards against recursive YAML anchors.


def upgrade_swagger(doc: dict[str, Any], *, location: Location) -> tuple[dict[str, Any], tuple[Diagnostic, ...]]:
    """Upgrade a Swagger 2.0 document to an OpenAPI 3.0.3 document.

    Schemas are not walked: `components.schemas` *is* `doc["definitions"]`, and the output keeps a
    top-level `definitions` key pointing at the same dict, so `#/definitions/X` refs still resolve.
    The input is never mutated, but the output shares schema dicts with it.

    Args:
        doc: The Swagger 2.0 document as loaded from JSON/YAML.
        location: `Location(file)` of the document root, used for diagnostics and errors.

    Returns:
        The OpenAPI 3.0.3 document and the diagnostics for everything dropped or approximated.

    Raises:
        SpecError: The document is not an object, or its `paths` is not an object.
    """
    if not isinstance(doc, dict):
        raise SpecError(location, "a Swagger document must be an object")
    upgrader = _Upgrader(doc, location)
    upgraded = upgrader.upgrade()
    # Path-level parameters are converted once per operation; report their problems once.
    return upgraded, tuple(dict.fromkeys(upgrader.diagnostics))


def _is_extension(key: object) -> bool:
    return isinstance(key, str) and key.startswith("x-")


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number"}
    return "null" if value is None else names.get(type(value), "a number" if isinstance(value, float) else "a value")


def _is_binary(schema: JsonObject) -> bool:
    items = schema.get("items")
    return schema.get("format") == "binary" or (isinstance(items, dict) and items.get("format") == "binary")


@dataclass(frozen=True, slots=True)
class _Param:
    """A parameter after `$ref` resolution: `key` is (name, in), `ref` is set when it stays a reference."""

    key: tuple[str, str]
    raw: JsonObject
    location: Location
    ref: str | None = None


class _Upgrader:
    """One upgrade run: the document-wide defaults and the diagnostics collected so far."""

    def __init__(self, doc: JsonObject, root: Location) -> None:
        self.doc = doc
        self.root = root
        self.diagnostics: list[Diagnostic] = []
        self.definitions = self._dict(doc, "definitions", root)
        self.parameters = self._dict(doc, "parameters", root) or {}
        host = doc.get("host")
        self.host = host if isinstance(host, str) and host else None
        base = doc.get("basePath")
        base = base if isinstance(base, str) else "/"
        base = base if base.startswith("/") else "/" + base
        self.base_path = base.rstrip("/") or "/"
        self.servers = self._servers(self._strings(doc, "schemes", root) or ["https"])
        self.consumes = self._strings(doc, "consumes", root) or [_JSON]
        self.produces = self._strings(doc, "produces", root) or [_JSON]

    def _note(self, severity: Severity, location: Location, message: str) -> None:
        self.diagnostics.append(Diagnostic(severity, location, message))

    def _ignore(self, location: Location, value: object, expected: str = "an object") -> None:
        self._note(Severity.WARNING, location, f"expected {expected}, found {_json_type(value)}; ignored")

    def _dict(self, container: JsonObject, key: str, location: Location) -> JsonObject | None:
        value = container.get(key)
        if key in container and not isinstance(value, dict):
            self._ignore(location.child(key), value)
            return None
        return value

    def _list(self, container: JsonObject, key: str, location: Location) -> list[Any]:
        value = container.get(key)
        if key in container and not isinstance(value, list):
            self._ignore(location.child(key), value, "an array")
            return []
        return value or []

    def _members(
        self, container: JsonObject, key: str, location: Location, *, extensions: bool = False
    ) -> Iterator[tuple[str, Location, Any]]:
        """The entries of the map at `key` whose values are objects, or any value for `x-*` if `extensions`."""
        for name, value in (self._dict(container, key, location) or {}).items():
            here = location.child(key, str(name))
            if isinstance(value, dict) or (extensions and _is_extension(name)):
                yield str(name), here, value
            else:
                self._ignore(here, value)

    def _strings(self, container: JsonObject, key: str, location: Location) -> list[str]:
        items = self._list(container, key, location)
        strings = [item for item in items if isinstance(item, str)]
        if len(strings) != len(items):
            self._note(Severity.WARNING, location.child(key), "non-string entries ignored")
        return list(dict.fromkeys(strings))

    def upgrade(self) -> JsonObject:
        doc = self.doc
        out: JsonObject = {"openapi": "3.0.3"}
        # Pass-through members are copied verbatim: the parser validates what it reads.
        out.update({key: doc[key] for key in ("info", "externalDocs", "tags") if key in doc})
        out["servers"] = self.servers
        out["paths"] = self._paths()
        components = self._components()
        if components:
            out["components"] = components
        if "security" in doc:
            out["security"] = doc["security"]
        if self.definitions is not None:
            out["definitions"] = self.definitions  # keeps '#/definitions/X' refs resolvable
        out.update({key: value for key, value in doc.items() if _is_extension(key)})
        return out

    def _servers(self, schemes: list[str]) -> list[JsonObject]:
        if self.host is None:
            return [{"url": self.base_path}]
        return [{"url": f"{scheme}://{self.host}{self.base_path}"} for scheme in schemes]

    def _components(self) -> JsonObject:
        parameters: JsonObject = {}
        for name, raw in self.parameters.items():
            param = self._resolve_param(raw, self.root.child("parameters", str(name)))
            if param is not None and param.key[1] not in _INLINED_IN:
                parameters[str(name)] = self._emit_param(param)
        schemes: JsonObject = {}
        for name, here, raw in self._members(self.doc, "securityDefinitions", self.root):
            scheme = self._security_scheme(raw, here)
            if scheme is not None:
                schemes[name] = scheme
        responses = self._responses(self.doc, self.root, self.produces)
        named = {
            "schemas": self.definitions,
            "parameters": parameters,
            "responses": responses,
            "securitySchemes": schemes,
        }
        return {key: value for key, value in named.items() if value}

    def _security_scheme(self, raw: JsonObject, location: Location) -> JsonObject | None:
        kind = raw.get("type")
        out: JsonObject
        if kind == "basic":
            out = {"type": "http", "scheme": "basic"}
        elif kind == "apiKey":
            out = {"type": "apiKey", **{key: raw[key] for key in ("name", "in") if key in raw}}
        elif kind == "oauth2":
            flow = raw.get("flow")
            mapped = _FLOWS.get(flow) if isinstance(flow, str) else None
            if mapped is None:
                self._note(Severity.WARNING, location.child("flow"), f"unknown oauth2 flow {flow!r}; scheme dropped")
                return None
            flow_name, url_keys = mapped
            body = {key: raw[key] for key in url_keys if key in raw}
            body["scopes"] = self._dict(raw, "scopes", location) or {}
            out = {"type": "oauth2", "flows": {flow_name: body}}
        else:
            self._note(Severity.WARNING, location.child("type"), f"unknown security scheme type {kind!r}; dropped")
            return None
        if "description" in raw:
            out["description"] = raw["description"]
        out.update({key: value for key, value in raw.items() if _is_extension(key)})
        return out

    def _paths(self) -> JsonObject:
        paths = self.doc.get("paths")
        if paths is not None and not isinstance(paths, dict):
            raise SpecError(self.root.child("paths"), f"'paths' must be an object, found {_json_type(paths)}")
        members = self._members(self.doc, "paths", self.root, extensions=True) if paths else ()
        return {path: item if _is_extension(path) else self._path_item(item, here) for path, here, item in members}

    def _path_item(self, item: JsonObject, location: Location) -> JsonObject:
        out: JsonObject = {}
        if "$ref" in item:
            out["$ref"] = item["$ref"]
        # Path-level parameters are merged into each operation (not kept here): they may hold the body.
        entries = self._list(item, "parameters", location)
        shared = [self._resolve_param(entry, location.child("parameters", i)) for i, entry in enumerate(entries)]
        for key, value in item.items():
            if key in _METHODS:
                operation = self._operation(value, [p for p in shared if p is not None], location.child(key))
                if operation is not None:
                    out[key] = operation
            elif _is_extension(key):
                out[key] = value
        return out

    def _operation(self, raw: object, shared: list[_Param], location: Location) -> JsonObject | None:
        if not isinstance(raw, dict):
            self._note(Severity.ERROR, location, f"operation is {_json_type(raw)}, not an object; dropped")
            return None
        out = {key: raw[key] for key in _OPERATION_KEYS if key in raw}
        schemes = self._strings(raw, "schemes", location)
        servers = self._servers(schemes) if schemes else self.servers
        if servers != self.servers:
            out["servers"] = servers
        merged = {param.key: param for param in shared}
        for index, entry in enumerate(self._list(raw, "parameters", location)):
            param = self._resolve_param(entry, location.child("parameters", index))
            if param is not None:
                merged[param.key] = param  # the operation's wins, in the path item's place
        params = list(merged.values())
        plain = [self._emit_param(p) for p in params if p.key[1] not in _INLINED_IN]
        if plain:
            out["parameters"] = plain
        consumes = self._strings(raw, "consumes", location) or self.consumes
        body = self._request_body(params, consumes, location)
        if body is not None:
            out["requestBody"] = body
        produces = self._strings(raw, "produces", location) or self.produces
        out["responses"] = self._responses(raw, location, produces)
        out.update({key: value for key, value in raw.items() if _is_extension(key)})
        return out

    def _resolve_param(self, entry: object, location: Location) -> _Param | None:
        if not isinstance(entry, dict):
            self._ignore(location, entry)
            return None
        ref = entry.get("$ref")
        if "$ref" in entry:
            if not isinstance(ref, str):
                self._note(Severity.WARNING, location.child("$ref"), "'$ref' is not a string; parameter ignored")
                return None
            if not ref.startswith("#/parameters/"):
                return _Param(("$ref", ref), entry, location, ref)  # external: cannot look inside, keep as is
            token = ref.removeprefix("#/parameters/")
            target = self.parameters.get(unescape_pointer_token(token))
            if not isinstance(target, dict):
                self._note(Severity.WARNING, location.child("$ref"), f"'{ref}' does not resolve; parameter ignored")
                return None
            entry, ref = target, "#/components/parameters/" + token
        name, where = entry.get("name"), entry.get("in")
        if not isinstance(name, str) or where not in _PARAM_IN:
            self._note(Severity.WARNING, location, "parameter needs a string 'name' and a known 'in'; ignored")
            return None
        return _Param((name, where), entry, location, None if where in _INLINED_IN else ref)

    def _emit_param(self, param: _Param) -> JsonObject:
        if param.ref is not None:
            return {"$ref": param.ref}
        raw, where = param.raw, param.key[1]
        out = {key: raw[key] for key in _PARAM_KEYS if key in raw}
        if where == "path":
            out["required"] = True  # OpenAPI 3 insists; Swagger 2 did too
        schema = self._schema(raw, param.location, form=False)
        out["schema"] = schema
        if schema.get("type") == "array":
            style, explode = self._style(raw.get("collectionFormat", "csv"), where, param.location)
            out.update(style=style, explode=explode)
        out.update({key: value for key, value in raw.items() if _is_extension(key) and key != "x-nullable"})
        return out

    def _style(self, fmt: object, where: str, location: Location) -> tuple[str, bool]:
        base = "form" if where in ("query", "cookie") else "simple"
        here = location.child("collectionFormat")
        if fmt == "csv":
            return base, False
        if where != "query":
            self._note(Severity.WARNING, here, f"collectionFormat {fmt!r} is not supported in {where}; using csv")
            return base, False
        if fmt == "multi":
            return "form", True
        if isinstance(fmt, str) and fmt in _DELIMITED:
            return _DELIMITED[fmt], False
        reason = "has no OpenAPI 3 equivalent" if fmt == "tsv" else "is unknown"
        self._note(Severity.WARNING, here, f"collectionFormat {fmt!r} {reason}; using comma-separated form")
        return "form", False

    def _schema(self, raw: JsonObject, location: Location, *, form: bool, depth: int = 0) -> JsonObject:
        """Move the JSON Schema keywords of a parameter, header or Items object into a schema."""
        out = {key: raw[key] for key in _SCHEMA_KEYS if key in raw}
        if out.get("type") == "file":
            if not form:
                self._note(Severity.WARNING, location, "type 'file' is only allowed in formData; using a binary string")
            out.update(type="string", format="binary")
        if "items" in out:
            items = out.pop("items")
            if not isinstance(items, dict) or depth >= _MAX_ITEMS_DEPTH:
                self._note(Severity.WARNING, location.child("items"), "'items' is not a usable object; ignored")
            elif "$ref" in items:
                out["items"] = items  # not valid Swagger 2 here, but common; it is a schema, keep it
            else:
                if "collectionFormat" in items:
                    here = location.child("items", "collectionFormat")
                    self._note(Severity.INFO, here, "collectionFormat on nested items has no OpenAPI 3 form; dropped")
                out["items"] = self._schema(items, location.child("items"), form=form, depth=depth + 1)
        return out

    def _request_body(self, params: list[_Param], consumes: list[str], location: Location) -> JsonObject | None:
        bodies = [p for p in params if p.key[1] == "body"]
        form = [p for p in params if p.key[1] == "formData"]
        for extra in bodies[1:]:
            self._note(Severity.ERROR, extra.location, "more than one body parameter; only the first is kept")
        if bodies and form:
            names = ", ".join(p.key[0] for p in form)
            self._note(Severity.ERROR, location, f"both body and formData parameters; formData dropped: {names}")
        if bodies:
            return self._body(bodies[0], consumes)
        return self._form(form, consumes) if form else None

    def _body(self, param: _Param, consumes: list[str]) -> JsonObject:
        raw = param.raw
        schema = raw.get("schema")
        if not isinstance(schema, dict):
            self._note(Severity.WARNING, param.location.child("schema"), "body parameter has no schema object")
        out: JsonObject = {"description": raw["description"]} if "description" in raw else {}
        out["required"] = raw.get("required") is True
        out["content"] = {mime: {"schema": schema} if isinstance(schema, dict) else {} for mime in consumes}
        # OpenAPI 3 bodies have no name; keep it the way openapi-generator reads it.
        out["x-codegen-request-body-name"] = param.key[0]
        out.update({key: value for key, value in raw.items() if _is_extension(key)})
        return out

    def _form(self, params: list[_Param], consumes: list[str]) -> JsonObject:
        properties: JsonObject = {}
        required: list[str] = []
        encoding: JsonObject = {}
        has_file = False
        for param in params:
            name, raw = param.key[0], param.raw
            prop = self._schema(raw, param.location, form=True)
            has_file = has_file or _is_binary(prop)
            if "description" in raw:
                prop["description"] = raw["description"]
            properties[name] = prop
            if raw.get("required") is True:
                required.append(name)
            if prop.get("type") == "array":
                fmt = raw.get("collectionFormat", "csv")  # the Swagger 2 default, as for other parameters
                if fmt in ("csv", "multi"):
                    encoding[name] = {"style": "form", "explode": fmt == "multi"}
                else:
                    here = param.location.child("collectionFormat")
                    self._note(Severity.WARNING, here, f"collectionFormat {fmt!r} has no form encoding; dropped")
        schema: JsonObject = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        if _MULTIPART in consumes and _URLENCODED in consumes:
            mimes = [_MULTIPART, _URLENCODED] if has_file else [_URLENCODED, _MULTIPART]
        else:
            mimes = [_MULTIPART] if has_file or _MULTIPART in consumes else [_URLENCODED]
        media = {"schema": schema, "encoding": encoding} if encoding else {"schema": schema}
        return {"required": bool(required), "content": {mime: dict(media) for mime in mimes}}

    def _responses(self, container: JsonObject, location: Location, produces: list[str]) -> JsonObject:
        members = self._members(container, "responses", location, extensions=True)
        return {
            code: raw if _is_extension(code) else self._response(raw, here, produces) for code, here, raw in members
        }

    def _response(self, raw: JsonObject, location: Location, produces: list[str]) -> JsonObject:
        ref = raw.get("$ref")
        if isinstance(ref, str):
            if ref.startswith("#/responses/"):
                ref = "#/components/responses/" + ref.removeprefix("#/responses/")
            return {"$ref": ref}
        description = raw.get("description")
        out: JsonObject = {"description": description if isinstance(description, str) else ""}
        headers = {name: self._header(value, here) for name, here, value in self._members(raw, "headers", location)}
        if headers:
            out["headers"] = headers
        schema = raw.get("schema")
        examples = self._dict(raw, "examples", location) or {}
        if isinstance(schema, dict):
            content: JsonObject = {mime: {"schema": schema} for mime in produces}
            for mime, example in examples.items():
                if mime in content:
                    content[mime]["example"] = example
                else:
                    self._note(Severity.INFO, location.child("examples", str(mime)), "example for a type not produced")
            out["content"] = content
        elif "schema" in raw:
            self._ignore(location.child("schema"), schema)
        elif examples:
            self._note(Severity.INFO, location.child("examples"), "examples on a response without a schema; dropped")
        out.update({key: value for key, value in raw.items() if _is_extension(key)})
        return out

    def _header(self, raw: JsonObject, location: Location) -> JsonObject:
        out: JsonObject = {"description": raw["description"]} if "description" in raw else {}
        out["schema"] = self._schema(raw, location, form=False)
        fmt = raw.get("collectionFormat", "csv")
        if fmt != "csv":
            here = location.child("collectionFormat")
            self._note(Severity.WARNING, here, f"headers are always comma-separated in OpenAPI 3; {fmt!r} dropped")
        out.update({key: value for key, value in raw.items() if _is_extension(key) and key != "x-nullable"})
        return out
