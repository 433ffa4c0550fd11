"""An operation's parameters and body → one input JSON Schema plus the binding of each argument."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from converter.bundle import SchemaBundle, bundle_schema
from converter.describe import describe_argument
from converter.errors import Diagnostic, Severity
from converter.fit import collapse_schema
from converter.model import JsonObject, MediaType, Operation, ParamLocation
from converter.naming import argument_name
from converter.schemas import Mode, SchemaStore, is_object_schema, ref_name
from converter.tools import ArgBinding, ArgLocation, BodyBinding, MockResponse, PartBinding

_ANNOTATIONS = frozenset({"title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"})
_BINARY_TYPES = ("application/octet-stream", "application/pdf", "application/zip")
# Argument order in the inputSchema, which is also the precedence when two arguments want the same name.
_BEFORE_BODY = (ParamLocation.PATH, ParamLocation.QUERY)
_AFTER_BODY = (ParamLocation.HEADER, ParamLocation.COOKIE)
ARGUMENT_DESCRIPTION_CHARS = 300
_COLLAPSIBLE = 3
"""An outputSchema still this many times over its budget once its farthest objects are left out is omitted;
under it, it is built and its nested objects collapsed to fit."""


@dataclass(frozen=True, slots=True)
class ToolInput:
    """The inputSchema of a tool and how its arguments go on the wire."""

    schema: JsonObject
    args: tuple[ArgBinding, ...]
    body: BodyBinding | None
    diagnostics: tuple[Diagnostic, ...]


def is_json_type(content_type: str) -> bool:
    """`application/json`, `application/problem+json`, `text/json`, … ."""
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence.endswith(("/json", "+json")) or essence == "*/*"


def _is_binary_type(content_type: str) -> bool:
    essence = content_type.split(";", 1)[0].strip().lower()
    return essence in _BINARY_TYPES or essence.startswith(("image/", "audio/", "video/"))


def _body_rank(media: MediaType) -> int:
    """Which request content type to send, lowest first: plain JSON, other JSON, forms, the rest."""
    essence = media.content_type.split(";", 1)[0].strip().lower()
    if essence == "application/json":
        return 0
    if is_json_type(essence) and "*" not in essence:
        return 1
    if is_json_type(essence):
        return 2  # a media range such as application/*+json: a concrete type is better
    if essence == "application/x-www-form-urlencoded":
        return 3
    if essence == "multipart/form-data":
        return 4
    if _is_binary_type(essence):
        return 6
    if essence.startswith("text/"):
        return 7
    return 5


class _Names:
    """Argument names, unique within one tool; the first claimant of a name keeps it."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, wire_name: str, location: str) -> str:
        name = argument_name(wire_name)
        if name in self.taken:
            name = argument_name(f"{location}_{wire_name}")
        candidate, counter = name, 1
        while candidate in self.taken:
            counter += 1
            candidate = f"{name[:60]}_{counter}"
        self.taken.add(candidate)
        return candidate


def _with_description(schema: JsonObject, description: str, *, limit: int, deprecated: bool = False) -> JsonObject:
    """The argument's schema with `description` (else the schema's own) cleaned and cut to `limit`."""
    raw = description or schema.get("description")
    text = describe_argument(raw, limit=limit) if isinstance(raw, str) else ""
    if text == schema.get("description", "") and (not deprecated or schema.get("deprecated") is True):
        return schema
    result = dict(schema)
    if text:
        result["description"] = text
    else:
        result.pop("description", None)
    if deprecated:
        result["deprecated"] = True
    return result


def _resolve(schema: Any, store: SchemaStore, seen: set[str]) -> JsonObject | None:
    """Follow a bare reference to its target; None on a cycle."""
    while (name := ref_name(schema)) is not None and _ANNOTATIONS.issuperset(k for k in schema if k != "$ref"):
        if name in seen:
            return None
        seen.add(name)
        schema = store.definition(name, Mode.INPUT)
    return schema if isinstance(schema, dict) else None


def object_members(
    schema: Any, store: SchemaStore, seen: set[str] | None = None
) -> tuple[JsonObject, list[str]] | None:
    """The properties and required names of an object schema, `allOf` parts merged; None if not a plain object."""
    seen = set() if seen is None else seen
    resolved = _resolve(schema, store, seen)
    if resolved is None or any(k in resolved for k in ("oneOf", "anyOf", "not", "$ref", "if")):
        return None
    kind = resolved.get("type")
    if kind is not None and kind != "object":
        return None
    properties: JsonObject = dict(resolved.get("properties", {}))
    required: list[str] = list(resolved.get("required", []))
    for part in resolved.get("allOf", []):
        members = object_members(part, store, seen)
        if members is None:
            return None
        for key, value in members[0].items():
            properties[key] = {"allOf": [properties[key], value]} if key in properties else value
        required.extend(r for r in members[1] if r not in required)
    return properties, required


class _InputBuilder:
    """Collects arguments in order: their schemas, which are required, and their bindings."""

    def __init__(self, store: SchemaStore, *, description_chars: int) -> None:
        self.store = store
        self.description_chars = description_chars
        self.names = _Names()
        self.properties: JsonObject = {}
        self.required: list[str] = []
        self.args: list[ArgBinding] = []

    def add(
        self,
        wire_name: str,
        location: ArgLocation,
        schema: JsonObject,
        *,
        required: bool,
        description: str = "",
        deprecated: bool = False,
        **wire: Any,
    ) -> str:
        arg = self.names.claim(wire_name or "body", location.value if wire_name else "request")
        self.properties[arg] = _with_description(
            schema, description, limit=self.description_chars, deprecated=deprecated
        )
        if required:
            self.required.append(arg)
        self.args.append(ArgBinding(arg=arg, location=location, wire_name=wire_name, required=required, **wire))
        return arg

    def add_parameters(self, operation: Operation, locations: tuple[ParamLocation, ...]) -> None:
        for location in locations:
            for param in operation.parameters:
                if param.location is location:
                    self.add(
                        param.name,
                        ArgLocation(location.value),
                        param.schema,
                        required=param.required,
                        description=param.description,
                        deprecated=param.deprecated,
                        style=param.style,
                        explode=param.explode,
                        allow_reserved=param.allow_reserved,
                        content_type=param.content_type,
                    )

    def add_body(self, media: MediaType, *, body_required: bool, description: str) -> BodyBinding:
        content_type = media.content_type
        schema = media.schema if media.schema is not None else {}
        if content_type.split(";")[0].strip().lower() == "multipart/form-data" and not is_object_schema(schema):
            # Multipart needs named parts; a body that is one file (or undescribed) goes as a part named "file".
            file_schema = {"type": "string", "contentEncoding": "base64", "description": "The file, base64-encoded."}
            self.add("file", ArgLocation.BODY, file_schema, required=body_required)
            part = PartBinding(wire_name="file", is_file=True)
            return BodyBinding(content_type=content_type, whole=False, required=body_required, parts=(part,))
        binary = _is_binary_type(content_type) or (
            schema.get("contentEncoding") == "base64" and not is_object_schema(schema)
        )
        members = None if binary or media.schema is None else object_members(schema, self.store)
        if members is None or not members[0]:
            if binary:
                schema = {
                    "type": "string",
                    "contentEncoding": "base64",
                    "description": f"The request body ({content_type}), base64-encoded.",
                }
            description = "" if binary else description  # a binary body's own note says how to send it
            self.add("", ArgLocation.BODY, schema, required=body_required, description=description)
            return BodyBinding(content_type=content_type, whole=True, required=body_required, binary=binary)
        props, props_required = members
        for name in props_required:
            props.setdefault(name, {})  # required but not described: still an argument, of any type
        encodings = {e.name: e for e in media.encodings}
        parts = []
        for wire_name, prop_schema in props.items():
            self.add(wire_name, ArgLocation.BODY, prop_schema, required=wire_name in props_required)
            encoding = encodings.get(wire_name)
            is_file = _is_file_schema(prop_schema, self.store)
            if encoding is not None or is_file:
                parts.append(
                    PartBinding(
                        wire_name=wire_name,
                        content_type=encoding.content_type if encoding else None,
                        style=encoding.style if encoding else None,
                        explode=encoding.explode if encoding else None,
                        is_file=is_file,
                    )
                )
        return BodyBinding(content_type=content_type, whole=False, required=body_required, parts=tuple(parts))


def build_input(
    operation: Operation, *, store: SchemaStore, description_chars: int = ARGUMENT_DESCRIPTION_CHARS
) -> ToolInput:
    """The inputSchema (JSON Schema 2020-12, root `type: object`) and bindings of an operation.

    Arguments come in the order path, query, body, header, cookie; that order also decides which of two
    same-named arguments keeps the plain name (the other is prefixed with its location, `query_id`). Each
    argument's own description is cleaned like a tool's and cut to `description_chars`.

    Raises:
        RefError: a schema the input needs cannot be resolved.
    """
    builder = _InputBuilder(store, description_chars=description_chars)
    diagnostics: list[Diagnostic] = []
    builder.add_parameters(operation, _BEFORE_BODY)
    body = None
    request = operation.request_body
    if request is not None:
        media = min(request.content, key=_body_rank)
        if len(request.content) > 1:
            others = ", ".join(m.content_type for m in request.content if m is not media)
            diagnostics.append(
                Diagnostic(
                    Severity.INFO,
                    operation.location.child("requestBody"),
                    f"request body sent as {media.content_type} (also accepted: {others})",
                )
            )
        body = builder.add_body(media, body_required=request.required, description=request.description)
    builder.add_parameters(operation, _AFTER_BODY)
    schema: JsonObject = {"type": "object", "properties": builder.properties}
    if builder.required:
        schema["required"] = builder.required
    schema["additionalProperties"] = False
    bundled = bundle_schema(schema, store=store, mode=Mode.INPUT)
    return ToolInput(bundled, tuple(builder.args), body, tuple(diagnostics))


def _is_file_schema(schema: Any, store: SchemaStore) -> bool:
    resolved = _resolve(schema, store, set())
    if resolved is None:
        return False
    if resolved.get("type") == "array":
        resolved = _resolve(resolved.get("items"), store, set()) or {}
    return resolved.get("contentEncoding") == "base64"


def _is_objectish(schema: Any, store: SchemaStore, seen: set[str]) -> bool:
    resolved = _resolve(schema, store, seen)
    if resolved is None:
        return False
    if is_object_schema(resolved):
        return True
    kind = resolved.get("type")
    if kind is None and "allOf" in resolved:
        return any(_is_objectish(part, store, seen) for part in resolved["allOf"])
    return isinstance(kind, list) and "object" in kind and len([k for k in kind if k != "null"]) == 1


def build_output(
    operation: Operation, *, store: SchemaStore, max_chars: int
) -> tuple[JsonObject | None, tuple[Diagnostic, ...]]:
    """The outputSchema from the first 2xx JSON response, when it describes an object.

    Returns:
        The schema (root `type: object`) or None, and diagnostics (e.g. over the size budget).

    Raises:
        RefError: a schema the output needs cannot be resolved.
    """
    for response in sorted(operation.responses, key=lambda r: r.status):
        if not response.status.startswith("2"):
            continue
        media = next((m for m in response.content if is_json_type(m.content_type) and m.schema), None)
        if media is None or media.schema is None:
            continue
        if not _is_objectish(media.schema, store, set()):
            return None, ()
        bundle = SchemaBundle(media.schema, store=store, mode=Mode.OUTPUT, inline_root_ref=True)
        # The estimate counts each reachable schema once, as the built schema holds it; it is a little
        # high (references replaced by inlining are counted too), so near the budget measure exactly.
        size = bundle.estimated_chars
        where = operation.location.child("responses", response.status)
        schema = None
        notes: tuple[Diagnostic, ...] = ()
        if size > max_chars:
            # Over the budget: the biggest shared objects left out (any object accepted there), then nested
            # objects collapsed if that is not enough; past what that can bring back, the schema is omitted.
            bundle.stub(max_chars=max_chars)
            size = bundle.estimated_chars
        if size <= max_chars * _COLLAPSIBLE:
            schema = bundle.build()
            if bundle.stubbed or size > max_chars:
                size = len(json.dumps(schema, separators=(",", ":")))
                schema = collapse_schema(schema, budget=max_chars)
                note = f"outputSchema: nested objects shown as any object, to fit the {max_chars:,}-character budget"
                notes = (Diagnostic(Severity.INFO, where, note),)
        if schema is None:
            note = f"outputSchema omitted: about {size:,} characters, over the {max_chars:,} budget"
            return None, (Diagnostic(Severity.INFO, where, note),)
        if schema.get("type") != "object":
            schema = {"type": "object", **{k: v for k, v in schema.items() if k != "type"}}
        return schema, notes
    return None, ()


def build_mock(operation: Operation, *, store: SchemaStore, max_chars: int) -> MockResponse:
    """What `--mock` answers: the first 2xx response's status, content type, example and schema.

    Raises:
        RefError: a schema the response needs cannot be resolved.
    """
    responses = sorted((r for r in operation.responses if r.status.startswith("2")), key=lambda r: r.status)
    if not responses:
        return MockResponse(status=200, content_type=None, example=None, schema=None)
    response = responses[0]
    status = int(response.status) if response.status.isdigit() else 200
    media = next((m for m in response.content if is_json_type(m.content_type)), None) or next(
        iter(response.content), None
    )
    if media is None:
        return MockResponse(status=status, content_type=None, example=None, schema=None)
    schema = None
    if media.example is None and media.schema is not None:
        bundle = SchemaBundle(media.schema, store=store, mode=Mode.OUTPUT, inline_root_ref=True)
        schema = bundle.build() if bundle.estimated_chars <= max_chars else None
    return MockResponse(status=status, content_type=media.content_type, example=media.example, schema=schema)
