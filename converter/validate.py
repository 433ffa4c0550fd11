"""Full validation of a document with openapi-spec-validator; prance bundles multi-file specs first.

Slow on big specs (tens of seconds), so nothing on the `inspect`/`serve` path imports this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from converter.errors import Location, RefError
from converter.loader import LoadedDocument, is_url
from converter.refs import Resolver

MAX_PROBLEMS = 200


def _refs(node: Any, pointer: tuple[str, ...] = ()) -> Iterator[tuple[str, tuple[str, ...]]]:
    stack: list[tuple[Any, tuple[str, ...]]] = [(node, pointer)]
    seen: set[int] = set()
    while stack:
        current, where = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, dict):
            ref = current.get("$ref")
            if isinstance(ref, str):
                yield ref, (*where, "$ref")
            stack.extend((v, (*where, str(k))) for k, v in current.items() if not isinstance(v, str))
        elif isinstance(current, list):
            stack.extend((v, (*where, str(i))) for i, v in enumerate(current))


def check_external_refs(document: LoadedDocument, *, allow_remote_refs: bool) -> bool:
    """Apply oa2mcp's `$ref` policy to every document the spec reaches, before any other tool reads them.

    Returns:
        True when the spec refers to other documents.

    Raises:
        RefError: a ref escapes the spec's directory, is remote and not allowed, or dangles.
    """
    resolver = Resolver(document, allow_remote_refs=allow_remote_refs)
    pending = [document.uri]
    visited: set[str] = set()
    external = False
    while pending:
        uri = pending.pop()
        if uri in visited:
            continue
        visited.add(uri)
        where = Location(resolver.display(uri))
        data = resolver.get(resolver.parse_ref("#", base=uri, where=where), where=where)
        for ref, pointer in _refs(data):
            here = Location(resolver.display(uri), pointer)
            target = resolver.parse_ref(ref, base=uri, where=here)
            if target.uri != uri:
                external = True
                resolver.get(target, where=here)
                pending.append(target.uri)
    return external


def validate_document(document: LoadedDocument, *, allow_remote_refs: bool = False) -> list[str]:
    """Validate a whole document against the OpenAPI/Swagger specification.

    Returns:
        One `file#/pointer: message` line per problem (empty when valid), at most `MAX_PROBLEMS`.

    Raises:
        RefError: a `$ref` breaks the policy or cannot be resolved.
        SpecError: the version is not one the validator knows.
    """
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError  # noqa: PLC0415
    from openapi_spec_validator.versions.exceptions import OpenAPIVersionNotFound  # noqa: PLC0415
    from openapi_spec_validator.versions.shortcuts import get_spec_version  # noqa: PLC0415

    from converter.errors import SpecError  # noqa: PLC0415

    data = document.data
    if not isinstance(data, dict):
        raise SpecError(Location(document.display), "not an OpenAPI document: the top level is not an object")
    if check_external_refs(document, allow_remote_refs=allow_remote_refs):
        data = _bundle_external(document, allow_remote_refs=allow_remote_refs)
    try:
        version = get_spec_version(data)
    except OpenAPIVersionNotFound as err:
        raise SpecError(Location(document.display), "not an OpenAPI 2.0/3.x document: no known version field") from err
    base_uri = document.uri if is_url(document.uri) else Path(document.uri).as_uri()
    validator = _validator_class(version)(data, base_uri=base_uri)
    problems = []
    for error in validator.iter_errors():
        if not isinstance(error, OpenAPIValidationError):
            continue
        path = tuple(str(p) for p in getattr(error, "absolute_path", ()) or ())
        problems.append(f"{Location(document.display, path)}: {_first_line(error.message)}")
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "invalid"
    return line if len(line) <= 300 else line[:297] + "..."


def _validator_class(version: Any) -> Any:
    import openapi_spec_validator as osv  # noqa: PLC0415

    name = f"{version.name}{version.version}"
    classes = {
        "swagger2.0": osv.OpenAPIV2SpecValidator,
        "openapi3.0": osv.OpenAPIV30SpecValidator,
        "openapi3.1": osv.OpenAPIV31SpecValidator,
    }
    if name.startswith("openapi3.2") and hasattr(osv, "OpenAPIV32SpecValidator"):
        return osv.OpenAPIV32SpecValidator
    return classes.get(name, osv.OpenAPIV31SpecValidator)


def _bundle_external(document: LoadedDocument, *, allow_remote_refs: bool) -> Any:
    """One document with every external `$ref` pulled in (prance); internal refs stay refs."""
    from prance.util import resolver as prance_resolver  # noqa: PLC0415
    from prance.util.url import ResolutionError  # noqa: PLC0415

    types = prance_resolver.RESOLVE_FILES | (prance_resolver.RESOLVE_HTTP if allow_remote_refs else 0)
    url = document.uri if is_url(document.uri) else Path(document.uri).as_uri()
    resolver = prance_resolver.RefResolver(
        document.data,
        url,
        resolve_types=types,
        resolve_method=prance_resolver.TRANSLATE_EXTERNAL,
        strict=False,
    )
    try:
        resolver.resolve_references()
    except ResolutionError as err:
        raise RefError(Location(document.display), f"cannot bundle external $refs: {err}") from err
    return resolver.specs
