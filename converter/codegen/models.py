"""`models.py` of a generated server: pydantic v2 models of each tool's arguments (and result, where the tool
has an outputSchema), made by datamodel-code-generator from the tools' own schemas in one run."""

from __future__ import annotations

import ast
import io
import json
import re
import tempfile
import tokenize
import unicodedata
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from converter.codegen.literals import py_str
from converter.tools import Tool

__all__ = ["class_stem", "models_schema", "models_source"]

_WORD = re.compile(r"[A-Za-z0-9]+")
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")
_PRINTABLE = re.compile(r"[\x20-\x7e\n]*")
# Keywords whose value is data, not a schema: a `$ref` inside them is not a reference.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples", "example"})
# Keywords whose value maps names (not keywords) to schemas.
_NAME_MAPS = frozenset({"properties", "dependentSchemas"})
# datamodel-code-generator writes these as `constr(pattern=...)` in annotations, which mypy rejects.
_DROPPED = frozenset({"patternProperties", "propertyNames"})
# Formats datamodel-code-generator writes as a plain `int` or `float`.
_NUMBER_FORMATS = frozenset({"int32", "int64", "float", "double"})
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def class_stem(tool_name: str) -> str:
    """`list_pets` → `ListPets` (a leading digit gets a `Tool` prefix)."""
    stem = "".join(word[:1].upper() + word[1:] for word in _WORD.findall(tool_name)) or "Tool"
    return "Tool" + stem if stem[0].isdigit() else stem


def _ascii_name(text: str) -> str:
    """`text` spelled with ASCII letters, digits and `_` (`ünï` → `uni`), `value` when nothing is left;
    datamodel-code-generator makes it a valid, unique Python name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_NAME.sub("_", ascii_text).strip("_") or "value"


def _pattern_compiles(pattern: Any) -> bool:
    """Whether pydantic builds a model with this `pattern` whichever regex engine it picks for the model (Rust's
    by default, Python's when a pattern needs lookaround): else importing models.py fails."""
    from pydantic_core import SchemaError, SchemaValidator, core_schema  # noqa: PLC0415

    if not isinstance(pattern, str):
        return False
    try:
        re.compile(pattern)
        SchemaValidator(core_schema.str_schema(pattern=pattern))
    except (re.error, SchemaError):
        return False
    return True


def _default_fits(value: Any, node: dict[str, Any]) -> bool:
    """Whether `value` is sure to suit the annotation datamodel-code-generator writes for `node` (it writes the
    default as is, `field: date | None = "2020-01-01"`, which mypy rejects): JSON of the node's own type, one of
    its enum, and no format (but a number's size), reference or combination that makes the annotation another."""
    if value is None:
        return True
    if any(key in node for key in ("$ref", "allOf", "anyOf", "oneOf", "not", "const")):
        return False
    if "format" in node and node["format"] not in _NUMBER_FORMATS:  # `date`, `uuid`, `decimal`: not str or int
        return False
    if "enum" in node:
        members = node["enum"] if isinstance(node["enum"], list) else []
        return any(type(member) is type(value) and member == value for member in members)
    kind = node.get("type")
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    if isinstance(value, list):
        items = node.get("items", {})
        return (
            "array" in kinds
            and "prefixItems" not in node
            and (items == {} or (isinstance(items, dict) and all(_default_fits(item, items) for item in value)))
        )
    if isinstance(value, dict):
        extra = node.get("additionalProperties", True)
        if extra is True:
            extra = {}
        return (
            "object" in kinds
            and not node.get("properties")
            and isinstance(extra, dict)
            and (extra == {} or all(_default_fits(item, extra) for item in value.values()))
        )
    return any(type(value) in _JSON_TYPES.get(kind, ()) for kind in kinds)


def _enum_names(members: list[Any]) -> list[str] | None:
    """ASCII member names for an enum with non-ASCII strings (`ü` would be a member `Ü`), else None."""
    if not any(isinstance(member, str) and not member.isascii() for member in members):
        return None
    return [_ascii_name(member) if isinstance(member, str) else "value" for member in members]


def _rehome(node: Any, *, root_name: str, names: dict[str, str]) -> Any:
    """A copy of a tool schema's subtree for datamodel-code-generator: `#` and `#/$defs/X` refs point at the
    shared `$defs`, and nothing in it can become code other than an escaped literal or a sanitized name.

    Extensions are dropped (datamodel-code-generator reads `x-python-type`, `x-python-import`, `x-enum-varnames`
    and others as code and names); so are defaults the field's annotation would not accept, patterns pydantic
    cannot compile, and consts that are not `Literal` values (a float, a list, an object).
    """
    if isinstance(node, list):
        return [_rehome(item, root_name=root_name, names=names) for item in node]
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$defs" or key.startswith("x-") or key in _DROPPED:
            continue  # `$defs` moved up, next to the tool's own schema
        if key == "$ref" and isinstance(value, str):
            target = value.removeprefix("#/$defs/")
            if value == "#":
                copy[key] = f"#/$defs/{root_name}"
            elif value.startswith("#/$defs/") and target in names:
                copy[key] = f"#/$defs/{names[target]}"
            else:
                copy[key] = value
        elif key == "default":
            if _default_fits(value, node):
                copy[key] = value
        elif key == "const":
            if value is None or isinstance(value, str | int):  # bool is an int
                copy[key] = value
        elif key == "pattern":
            if _pattern_compiles(value):
                copy[key] = value
        elif key == "enum":
            copy[key] = value
            if isinstance(value, list) and (enum_names := _enum_names(value)) is not None:
                copy["x-enum-varnames"] = enum_names
        elif key in _DATA_KEYWORDS:
            copy[key] = value
        elif key in _NAME_MAPS and isinstance(value, dict):
            copy[key] = {name: _rehome(sub, root_name=root_name, names=names) for name, sub in value.items()}
        else:
            copy[key] = _rehome(value, root_name=root_name, names=names)
    return copy


def _plan(tools: Sequence[Tool]) -> tuple[dict[str, Any], list[tuple[str, str, str | None]]]:
    """The models schema, and each tool's name with the `$defs` names of its arguments and result."""
    stems: list[str] = []
    reserved: set[str] = set()
    for tool in tools:
        stem = candidate = class_stem(tool.name)
        counter = 1
        while candidate + "Arguments" in reserved or candidate + "Result" in reserved:  # get_item2, get_item_2
            counter += 1
            candidate = f"{stem}_{counter}"
        reserved.update((candidate + "Arguments", candidate + "Result"))
        stems.append(candidate)
    defs: dict[str, Any] = {}
    plan: list[tuple[str, str, str | None]] = []
    for tool, stem in zip(tools, stems, strict=True):
        keys: dict[str, str] = {}
        # The arguments the API accepts: a client profile may show the model another wording of them.
        arguments = tool.argument_check.schema if tool.argument_check is not None else tool.input_schema
        for suffix, schema in (("Arguments", arguments), ("Result", tool.output_schema)):
            if schema is None:
                continue
            name = keys[suffix] = stem + suffix
            names: dict[str, str] = {}
            for def_name in schema.get("$defs") or {}:
                candidate = stem + class_stem(def_name)
                while candidate in defs or candidate in names.values() or candidate in reserved:
                    candidate += "_"
                names[def_name] = candidate
            defs[name] = _rehome(schema, root_name=name, names=names)
            for def_name, sub in (schema.get("$defs") or {}).items():
                defs[names[def_name]] = _rehome(sub, root_name=name, names=names)
        plan.append((tool.name, keys["Arguments"], keys.get("Result")))
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}, plan


def models_schema(tools: Sequence[Tool]) -> dict[str, Any]:
    """One JSON Schema whose `$defs` are `<Tool>Arguments` and `<Tool>Result` for every tool, plus the schemas
    they share (prefixed with the tool's class stem, so two tools' `$defs` never collide)."""
    return _plan(tools)[0]


def _property_names(node: Any, found: set[str]) -> set[str]:
    """Every property name in a schema, added to `found`."""
    if isinstance(node, list):
        for item in node:
            _property_names(item, found)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in _NAME_MAPS and isinstance(value, dict):
                if key == "properties":
                    found.update(value)
                for sub in value.values():
                    _property_names(sub, found)
            elif key not in _DATA_KEYWORDS:
                _property_names(value, found)
    return found


def models_source(tools: Sequence[Tool], *, header: str) -> str:
    """The source of `models.py` (deterministic: no timestamp, sorted by nothing but the tools' order).

    Spec text reaches it only as escaped string literals (every literal datamodel-code-generator writes with a
    character outside printable ASCII is rewritten by `py_str`) and as names datamodel-code-generator sanitizes
    (keywords, dunders, pydantic's own attributes, leading digits) from ASCII spellings given here.
    """
    # Only `generate` pays for these imports.
    from datamodel_code_generator import InputFileType, PythonVersion, generate  # noqa: PLC0415
    from datamodel_code_generator.enums import DataModelType  # noqa: PLC0415
    from datamodel_code_generator.format import Formatter  # noqa: PLC0415

    schema, plan = _plan(tools)
    if not schema["$defs"]:
        return header + "\n"
    # Property names in another script get ASCII field names (the alias keeps the name on the wire).
    aliases = {name: _ascii_name(name) for name in sorted(_property_names(schema, set())) if not name.isascii()}
    with tempfile.TemporaryDirectory() as scratch, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its deprecation chatter is not the user's business
        metadata = Path(scratch) / "models.json"
        source = generate(
            json.dumps(schema, ensure_ascii=True),
            input_file_type=InputFileType.JsonSchema,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=PythonVersion.PY_311,
            disable_timestamp=True,
            use_annotated=False,
            use_double_quotes=True,
            use_standard_collections=True,
            use_union_operator=True,
            field_constraints=True,
            capitalise_enum_members=True,
            set_default_enum_member=True,
            use_schema_description=False,
            use_field_description=False,
            custom_file_header=header,
            formatters=[Formatter.BUILTIN],  # black + isort (the default) took most of the time on big APIs
            builtin_format_line_length=120,
            aliases=aliases or None,
            # Which class each schema became: a name it chose for an inline model (a property `list_pets_result`
            # gives `ListPetsResult`) pushes a tool's own model to `ListPetsResult1`.
            emit_model_metadata=metadata,
        )
        models = json.loads(metadata.read_text("utf-8"))["models"]
    if not isinstance(source, str):
        raise TypeError("datamodel-code-generator returned no source")
    classes = {model["source_ref"]: model["class_name"] for model in models}
    return _escape_strings(source) + _registry(plan, classes)


def _escape_strings(source: str) -> str:
    """`source` with each string literal holding a character outside printable ASCII rewritten by `py_str`:
    datamodel-code-generator writes enum values as they are (an ESC, a zero-width space, a line separator)."""
    starts = [0] + [match.end() for match in re.finditer("\n", source)]  # tokenize's lines end at \n only
    pieces: list[str] = []
    done = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.STRING or _PRINTABLE.fullmatch(token.string):
            continue
        value = ast.literal_eval(token.string)
        if isinstance(value, str):
            begin = starts[token.start[0] - 1] + token.start[1]
            pieces += (source[done:begin], py_str(value))
            done = starts[token.end[0] - 1] + token.end[1]
    return "".join(pieces) + source[done:]


def _registry(plan: Sequence[tuple[str, str, str | None]], classes: dict[str, str]) -> str:
    """`ARGUMENTS` and `RESULTS`: each tool's models by tool name."""

    def model(key: str) -> str:
        return classes.get(f"#/$defs/{key}", key)

    arguments = "".join(f"    {py_str(tool)}: {model(args)},\n" for tool, args, _ in plan)
    results = "".join(f"    {py_str(tool)}: {model(result)},\n" for tool, _, result in plan if result is not None)
    return (
        "\n\nARGUMENTS: dict[str, type[BaseModel]] = {\n" + arguments + "}\n"
        '"""Each tool\'s arguments model, by tool name."""\n\n'
        "RESULTS: dict[str, type[BaseModel]] = {\n" + results + "}\n"
        '"""Each tool\'s result model (tools with an outputSchema), by tool name."""\n'
    )
