"""A tool as a config (or the spec's `x-mcp`) asks for it: renamed, re-described, arguments renamed,
re-defaulted, fixed or hidden, annotations changed — checked so a typo is an error, not a silent no-op."""

from __future__ import annotations

import dataclasses
from typing import Any

from converter.config import MISSING, ArgOverride, ToolOverride, did_you_mean
from converter.errors import ConfigError
from converter.naming import ARGUMENT_NAME_RE, TOOL_NAME_RE
from converter.tools import Tool

__all__ = ["apply_override", "check_tool_name"]


def check_tool_name(name: str, override: ToolOverride) -> None:
    """A configured tool name must be one every MCP client accepts.

    Raises:
        ConfigError: it is not.
    """
    if not TOOL_NAME_RE.fullmatch(name):
        raise ConfigError(
            override.location.child("name"),
            f"'{name}' is not a valid tool name (1-64 characters: letters, digits, '_' and '-')",
        )


def _check_value(value: Any, prop: Any, defs: Any, where: Any, what: str) -> None:
    """A configured default or fixed value must be valid for the argument's schema."""
    if not isinstance(prop, dict):
        return
    # Only configs with a default or fixed value pay for importing jsonschema.
    import jsonschema  # noqa: PLC0415
    from referencing.exceptions import Unresolvable  # noqa: PLC0415

    from converter.runtime.validation import compile_validator  # noqa: PLC0415

    schema = {**prop, "$defs": defs} if defs else prop
    try:
        # The runtime's validator, so a value passes here exactly when a call with it would (ECMA patterns).
        error = jsonschema.exceptions.best_match(compile_validator(schema).iter_errors(value))
    except (jsonschema.exceptions.SchemaError, jsonschema.exceptions.UnknownType, Unresolvable, TypeError):
        return  # a schema we cannot check with: the upstream will judge the value
    if error is not None:
        raise ConfigError(where, f"{what} {value!r} is not valid for this argument: {error.message}")


def _apply_arg(
    arg: str,
    override: ArgOverride,
    *,
    schema: dict[str, Any],
    original: frozenset[str],
    renames: dict[str, str],
    fixed: dict[str, Any],
    defaults: dict[str, Any],
) -> None:
    properties: dict[str, Any] = schema.setdefault("properties", {})
    required: list[str] = schema.setdefault("required", [])
    if arg not in properties:
        known = ", ".join(properties) or "none"
        hint = did_you_mean(arg, list(properties)) or f" (arguments: {known})"
        raise ConfigError(override.location, f"the tool has no argument '{arg}'{hint}")
    prop = properties[arg]
    defs = schema.get("$defs")
    if override.value is not MISSING:
        _check_value(override.value, prop, defs, override.location.child("value"), "value")
        fixed[arg] = override.value
    if override.hidden:
        if arg in required and override.value is MISSING:
            raise ConfigError(override.location, f"'{arg}' is required: give it a 'value' to send when it is hidden")
        del properties[arg]
        if arg in required:
            required.remove(arg)
        return
    new_prop = dict(prop) if isinstance(prop, dict) else prop
    if override.default is not MISSING:
        _check_value(override.default, prop, defs, override.location.child("default"), "default")
        if isinstance(new_prop, dict):
            new_prop["default"] = override.default
        defaults[arg] = override.default
        if arg in required:
            required.remove(arg)  # the model may now leave it out
    if override.description is not None and isinstance(new_prop, dict):
        if override.description:
            new_prop["description"] = override.description
        else:
            new_prop.pop("description", None)
    properties[arg] = new_prop
    if override.name is not None and override.name != arg:
        new = override.name
        if not ARGUMENT_NAME_RE.fullmatch(new):
            raise ConfigError(
                override.location.child("name"),
                f"'{new}' is not a valid argument name (1-64 characters: letters, digits, '_', '.' and '-')",
            )
        # The tool's own names, not what is left of them: a hidden or fixed argument keeps its binding entry.
        if new in original or new in renames.values():
            raise ConfigError(override.location.child("name"), f"the tool already has an argument '{new}'")
        renames[arg] = new


def apply_override(tool: Tool, override: ToolOverride) -> Tool:
    """`tool` changed as `override` says (an `x-mcp` description arrives cleaned; config text is the user's).

    Raises:
        ConfigError: an argument that does not exist, an invalid name, a required argument hidden without a
            value, or a default/value the argument's schema rejects.
    """
    schema = _copy_schema(tool.input_schema)
    override = _by_argument_name(tool, override)
    renames: dict[str, str] = {}
    fixed: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    # Names taken whatever the order of the entries: every argument's but those hidden without a value (which
    # leave the schema and the binding), so a fixed argument — still in the binding — cannot be renamed onto.
    dropped = {arg for arg, item in override.args.items() if item.hidden and item.value is MISSING}
    original = frozenset(schema["properties"]) - dropped
    for arg, arg_override in override.args.items():
        _apply_arg(arg, arg_override, schema=schema, original=original, renames=renames, fixed=fixed, defaults=defaults)
    if renames:
        schema["properties"] = {renames.get(key, key): value for key, value in schema["properties"].items()}
        schema["required"] = [renames.get(key, key) for key in schema["required"]]
    if not schema.get("required"):
        schema.pop("required", None)
    args = tuple(
        dataclasses.replace(a, arg=renames.get(a.arg, a.arg)) for a in tool.binding.args if a.arg not in dropped
    )
    binding = dataclasses.replace(
        tool.binding,
        args=args,
        fixed={renames.get(k, k): v for k, v in fixed.items()},
        defaults={renames.get(k, k): v for k, v in defaults.items()},
    )
    annotations = dataclasses.replace(tool.annotations, **override.annotations)
    return dataclasses.replace(
        tool,
        name=override.name or tool.name,
        title=override.title if override.title is not None else tool.title,
        description=override.description if override.description is not None else tool.description,
        documentation=override.description if override.description is not None else tool.documentation,
        input_schema=schema,
        annotations=annotations,
        binding=binding,
    )


def _by_argument_name(tool: Tool, override: ToolOverride) -> ToolOverride:
    """Entries may name an argument by its wire name (`filter[status]`, as a spec author would write it in
    `x-mcp`) when that name is not itself an argument: they are keyed by the argument's name here."""
    properties = tool.input_schema.get("properties") or {}
    wire: dict[str, list[str]] = {}
    for binding in tool.binding.args:
        wire.setdefault(binding.wire_name, []).append(binding.arg)
    keyed: dict[str, ArgOverride] = {}
    changed = False
    for name, item in override.args.items():
        owners = wire.get(name, [])
        if name not in properties and len(owners) == 1 and owners[0] not in override.args:
            keyed[owners[0]] = item
            changed = True
        else:
            keyed[name] = item
    return dataclasses.replace(override, args=keyed) if changed else override


def _copy_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy whose top level, properties and required list can be changed without touching the original."""
    copy = dict(schema)
    copy["properties"] = dict(schema.get("properties") or {})
    copy["required"] = list(schema.get("required") or [])
    return copy
