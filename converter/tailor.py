"""One tool tailored to a client: arguments renamed where the client needs it, the inputSchema rewritten to the
client's subset (`converter.shape`), the definition fitted to `--schema-budget` (`converter.fit`)."""

from __future__ import annotations

import dataclasses
import re

from converter.errors import Diagnostic, Location, Severity
from converter.fit import FitCache, fit_definition
from converter.model import JsonObject
from converter.profiles import Profile
from converter.tools import ArgumentCheck, Tool

__all__ = ["tailor_tool"]

_NOT_WORD_RE = re.compile(r"[^A-Za-z0-9_]+")


def tailor_tool(
    tool: Tool,
    *,
    profile: Profile,
    budget: int | None,
    where: Location,
    quiet: bool = False,
    cache: FitCache | None = None,
) -> tuple[Tool, list[Diagnostic]]:
    """`tool` as `profile`'s client is shown it: arguments renamed where the client needs it, the inputSchema
    rewritten, and the definition fitted to `budget` characters (`quiet`: one still over it gets an info note, not
    a warning — for the default budget, which a user did not ask for; `cache`: shared by one API's tools).

    The schema the API accepts is kept (as `Tool.argument_check`) whenever the shown one differs from it in
    what validates, so the runtime goes on checking calls against the API's rules.
    """
    tool = _rename_arguments(tool, profile)
    fitted = fit_definition(
        name=tool.name,
        description=tool.description,
        schema=tool.input_schema,
        rules=profile.rules,
        budget=budget,
        cache=cache,
    )
    notes: list[Diagnostic] = []
    if fitted.changes:
        over = budget is not None and fitted.size > budget
        severity = Severity.WARNING if over and not quiet else Severity.INFO
        result = f"still {fitted.size:,} characters" if over else f"now {fitted.size:,} characters"
        message = (
            f"tool {tool.name}: over the {budget:,}-character schema budget: {'; '.join(fitted.changes)} ({result})"
        )
        notes.append(Diagnostic(severity, where, message))
    check = tool.argument_check
    if fitted.shaped.lossy:
        check = ArgumentCheck(
            schema=check.schema if check is not None else tool.input_schema,
            json_text=fitted.shaped.json_text,
            null_as_absent=profile.rules.strict,
        )
    shaped = dataclasses.replace(
        tool, description=fitted.description, input_schema=fitted.shaped.schema, argument_check=check
    )
    return shaped, notes


def _rename_arguments(tool: Tool, profile: Profile) -> Tool:
    """Arguments whose names the client rejects, renamed (`filter.status` → `filter_status`); the binding keeps
    the name on the wire."""
    pattern = profile.argument_re
    properties: JsonObject = tool.input_schema.get("properties") or {}
    if pattern is None or all(pattern.fullmatch(name) for name in properties):
        return tool
    taken = set(properties)
    renames: dict[str, str] = {}
    for name in properties:
        if pattern.fullmatch(name):
            continue
        base = _NOT_WORD_RE.sub("_", name).strip("_") or "arg"
        base = base if base[0].isalpha() else f"_{base}"
        candidate, counter = base[:60], 1
        while candidate in taken:
            counter += 1
            candidate = f"{base[:57]}_{counter}"
        taken.add(candidate)
        renames[name] = candidate
    schema = {
        **tool.input_schema,
        "properties": {renames.get(k, k): v for k, v in properties.items()},
    }
    if "required" in schema:
        schema["required"] = [renames.get(r, r) for r in schema["required"]]
    binding = dataclasses.replace(
        tool.binding,
        args=tuple(dataclasses.replace(a, arg=renames.get(a.arg, a.arg)) for a in tool.binding.args),
        fixed={renames.get(k, k): v for k, v in tool.binding.fixed.items()},
        defaults={renames.get(k, k): v for k, v in tool.binding.defaults.items()},
    )
    return dataclasses.replace(tool, input_schema=schema, binding=binding)
