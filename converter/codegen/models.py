"""`models.py` of a generated server: pydantic v2 models of each tool's arguments (and result, where the tool
has an outputSchema), made by datamodel-code-generator from the tools' own schemas in one run."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Sequence
from typing import Any

from converter.tools import Tool

__all__ = ["class_stem", "models_schema", "models_source"]

_WORD = re.compile(r"[A-Za-z0-9]+")
# Keywords whose value is data, not a schema: a `$ref` inside them is not a reference.
_DATA_KEYWORDS = frozenset({"const", "enum", "default", "examples", "example"})


def class_stem(tool_name: str) -> str:
    """`list_pets` → `ListPets` (a leading digit gets a `Tool` prefix)."""
    stem = "".join(word[:1].upper() + word[1:] for word in _WORD.findall(tool_name)) or "Tool"
    return "Tool" + stem if stem[0].isdigit() else stem


def _rehome(node: Any, *, root_name: str, names: dict[str, str]) -> Any:
    """A copy of a tool schema's subtree with `#` and `#/$defs/X` refs pointing at the shared `$defs`."""
    if isinstance(node, list):
        return [_rehome(item, root_name=root_name, names=names) for item in node]
    if not isinstance(node, dict):
        return node
    copy: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$defs":
            continue  # moved up, next to the tool's own schema
        if key == "$ref" and isinstance(value, str):
            target = value.removeprefix("#/$defs/")
            if value == "#":
                copy[key] = f"#/$defs/{root_name}"
            elif value.startswith("#/$defs/") and target in names:
                copy[key] = f"#/$defs/{names[target]}"
            else:
                copy[key] = value
        elif key in _DATA_KEYWORDS:
            copy[key] = value
        elif key == "properties" and isinstance(value, dict):
            copy[key] = {name: _rehome(sub, root_name=root_name, names=names) for name, sub in value.items()}
        else:
            copy[key] = _rehome(value, root_name=root_name, names=names)
    return copy


def models_schema(tools: Sequence[Tool]) -> dict[str, Any]:
    """One JSON Schema whose `$defs` are `<Tool>Arguments` and `<Tool>Result` for every tool, plus the schemas
    they share (prefixed with the tool's class stem, so two tools' `$defs` never collide)."""
    defs: dict[str, Any] = {}
    for tool in tools:
        stem = class_stem(tool.name)
        for suffix, schema in (("Arguments", tool.input_schema), ("Result", tool.output_schema)):
            if schema is None:
                continue
            name = stem + suffix
            names: dict[str, str] = {}
            for def_name in schema.get("$defs") or {}:
                candidate = stem + class_stem(def_name)
                while candidate in defs or candidate in names.values() or candidate == name:
                    candidate += "_"
                names[def_name] = candidate
            defs[name] = _rehome(schema, root_name=name, names=names)
            for def_name, sub in (schema.get("$defs") or {}).items():
                defs[names[def_name]] = _rehome(sub, root_name=name, names=names)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}


def models_source(tools: Sequence[Tool], *, header: str) -> str:
    """The source of `models.py` (deterministic: no timestamp, sorted by nothing but the tools' order)."""
    # Only `generate` pays for these imports.
    from datamodel_code_generator import InputFileType, PythonVersion, generate  # noqa: PLC0415
    from datamodel_code_generator.enums import DataModelType  # noqa: PLC0415
    from datamodel_code_generator.format import Formatter  # noqa: PLC0415

    schema = models_schema(tools)
    if not schema["$defs"]:
        return header + "\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its deprecation chatter is not the user's business
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
        )
    if not isinstance(source, str):
        raise TypeError("datamodel-code-generator returned no source")
    return source + _registry(tools)


def _registry(tools: Sequence[Tool]) -> str:
    """`ARGUMENTS` and `RESULTS`: each tool's models by tool name."""
    arguments = "".join(f'    "{t.name}": {class_stem(t.name)}Arguments,\n' for t in tools)
    results = "".join(f'    "{t.name}": {class_stem(t.name)}Result,\n' for t in tools if t.output_schema is not None)
    return (
        "\n\nARGUMENTS: dict[str, type[BaseModel]] = {\n" + arguments + "}\n"
        '"""Each tool\'s arguments model, by tool name."""\n\n'
        "RESULTS: dict[str, type[BaseModel]] = {\n" + results + "}\n"
        '"""Each tool\'s result model (tools with an outputSchema), by tool name."""\n'
    )
