"""Full validation of a document (multi-file specs included) with openapi-spec-validator.

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


def check_refs(document: LoadedDocument, *, allow_remote_refs: bool) -> list[str]:
    """Apply oa2mcp's `$ref` policy to every document the spec reaches, and find dangling refs.

    Returns:
        One `file#/pointer: message` line per `$ref` that does not resolve.

    Raises:
        RefError: a ref escapes the spec's directory or is remote and not allowed (nothing else reads it then).
    """
    resolver = Resolver(document, allow_remote_refs=allow_remote_refs)
    pending = [document.uri]
    visited: set[str] = set()
    problems = []
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
            try:
                resolver.get(target, where=here)
            except RefError as err:
                problems.append(str(err))
                continue
            if target.uri != uri:
                pending.append(target.uri)
    return problems


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
    # Our policy first (no escaping, no remote unless allowed, nothing dangling); then the validator
    # follows the external refs itself, each resolved against its own file as JSON Reference requires.
    problems = check_refs(document, allow_remote_refs=allow_remote_refs)
    try:
        version = get_spec_version(data)
    except OpenAPIVersionNotFound as err:
        raise SpecError(Location(document.display), "not an OpenAPI 2.0/3.x document: no known version field") from err
    base_uri = document.uri if is_url(document.uri) else Path(document.uri).as_uri()
    validator = _validator_class(version)(data, base_uri=base_uri)
    errors = validator.iter_errors()
    while len(problems) < MAX_PROBLEMS:
        try:
            error = next(errors)
        except StopIteration:
            break
        except Exception as err:  # the validator's own checks assume a well-shaped document; stop there
            if not problems:
                problems.append(f"{Location(document.display)}: not a valid document ({type(err).__name__})")
            break
        if isinstance(error, OpenAPIValidationError):
            path = tuple(str(p) for p in getattr(error, "absolute_path", ()) or ())
            problems.append(f"{Location(document.display, path)}: {_first_line(error.message)}")
    return problems


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "invalid"
    return line if len(line) <= 300 else line[:297] + "..."


def _validator_class(version: Any) -> Any:
    import openapi_spec_validator as osv  # noqa: PLC0415

    name = f"{version.keyword}{version.major}.{version.minor}"
    classes = {
        "swagger2.0": osv.OpenAPIV2SpecValidator,
        "openapi3.0": osv.OpenAPIV30SpecValidator,
        "openapi3.1": osv.OpenAPIV31SpecValidator,
    }
    if name.startswith("openapi3.2") and hasattr(osv, "OpenAPIV32SpecValidator"):
        return osv.OpenAPIV32SpecValidator
    return classes.get(name, osv.OpenAPIV31SpecValidator)
