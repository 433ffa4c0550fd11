"""ApiModel → ToolSet: one tool per operation, with readable unique names, descriptions and schemas."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from converter.budget import budget_warning
from converter.config import Config
from converter.describe import ELLIPSIS, describe_operation, tool_title
from converter.errors import ConfigError, Diagnostic, Location
from converter.fit import FitCache, cut_descriptions
from converter.lean import Leaner
from converter.model import ApiModel, HttpMethod, Operation
from converter.naming import operation_tool_name, unique_names
from converter.overrides import apply_override, check_tool_name
from converter.profiles import DEFAULT_PROFILE, PROFILES, Profile
from converter.prompts import server_instructions, server_prompts
from converter.resources import documented, used_schemas
from converter.response_shape import ResponseSettings, shape_tool, with_fields_hint
from converter.runtime.catalog import DOCS_URI
from converter.selection import Selected, select_operations
from converter.shared_text import NOTHING_SHARED, SharedText, share_argument_descriptions, shared_text
from converter.tailor import tailor_tool
from converter.tool_schema import build_input, build_mock, build_output
from converter.tools import Annotations, HttpBinding, Tool, ToolSet, estimate_tokens


@dataclass(frozen=True, slots=True)
class Budgets:
    """Size limits applied while building tools."""

    description_chars: int = 1000
    body_chars: int | None = None
    """A tool description's text past its summary, cut to this many characters (0: only `description_chars`
    applies; None: `SHORT_CHARS` when the whole tools/list would pass the config's `budget.max_tokens`, else 0);
    the whole text is the tool's documentation resource."""
    argument_chars: int | None = None
    """Each argument's and property's description in an inputSchema, cut to this (0 and None: as `body_chars`)."""
    instructions_chars: int = 2000
    output_schema_chars: int = 20_000
    mock_schema_chars: int = 200_000
    schema_chars: int | None = None
    """`--schema-budget`: characters of one tool's name, description and inputSchema (0: no limit; None: the
    default, `DEFAULT_SCHEMA_BUDGET`)."""


DOCUMENTATION_CHARS = 20_000
"""Characters of an operation's description in its documentation resource."""

SHORT_CHARS = 100
"""Characters of a description's text past the summary, and of each argument's description, that a server shows
when its whole tools/list would pass `budget.max_tokens` (20,000 tokens): a model pays for every definition on
every turn, and reads the rest on demand (`openapi://operations/{name}`)."""

DOCUMENTATION_NOTE = (
    f"A description ending in … is cut short: the resource {DOCS_URI} has the tool's whole documentation (every "
    "error, each argument's description)."
)
"""Said in the instructions when a tool's description or an argument's was cut."""

DEFAULT_SCHEMA_BUDGET = 4000
"""Characters of one tool's definition unless `--schema-budget` says otherwise: about 1,000 tokens."""


def annotations_for(method: HttpMethod) -> Annotations:
    """MCP hints implied by the HTTP method."""
    safe = method in (HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS)
    return Annotations(
        read_only=safe,
        destructive=method is HttpMethod.DELETE,
        idempotent=safe or method in (HttpMethod.PUT, HttpMethod.DELETE),
    )


def build_tool(
    operation: Operation,
    *,
    name: str,
    api: ApiModel,
    budgets: Budgets,
    with_mock: bool = False,
    shared: SharedText = NOTHING_SHARED,
    leaner: Leaner | None = None,
) -> tuple[Tool, list[Diagnostic]]:
    """Make the tool for one operation (`shared`: the text its API repeats, left out of its description;
    `leaner`: shared by the tools of one API, so the schemas they share are made lean once).

    Raises:
        RefError: a schema the tool needs cannot be resolved.
    """
    tool_input = build_input(operation, store=api.schemas)
    output, output_notes = build_output(operation, store=api.schemas, max_chars=budgets.output_schema_chars)
    tool = Tool(
        name=name,
        title=tool_title(summary=operation.summary),
        description=_tool_description(
            operation, shared=shared, body_chars=budgets.body_chars or None, limit=budgets.description_chars
        ),
        documentation=describe_operation(
            summary=operation.summary,
            description=operation.description,
            deprecated=operation.deprecated,
            limit=DOCUMENTATION_CHARS,
            responses=operation.responses,
        ),
        input_schema=(leaner or Leaner()).lean(tool_input.schema, summary=operation.summary),
        output_schema=output,
        annotations=annotations_for(operation.method),
        binding=HttpBinding(
            method=operation.method.name,
            path=operation.path,
            servers=operation.servers,
            args=tool_input.args,
            body=tool_input.body,
            security=operation.security,
        ),
        operation_id=operation.operation_id,
        tags=operation.tags,
        mock=build_mock(operation, store=api.schemas, max_chars=budgets.mock_schema_chars) if with_mock else None,
    )
    return tool, [*tool_input.diagnostics, *output_notes]


def _tool_names(selected: list[Selected], profile: Profile) -> list[str]:
    """Configured names as given (each checked, none twice); the others generated around them, within the
    client profile's limits."""
    configured: dict[int, str] = {}
    owner: dict[str, str] = {}
    for index, item in enumerate(selected):
        override = item.override
        if override is None or not override.name:
            continue
        check_tool_name(override.name, override)
        if len(override.name) > profile.name_limit or (
            profile.name_starts_with_letter and not _letter_first(override.name)
        ):
            rule = f"at most {profile.name_limit} characters" + (
                ", starting with a letter or _" if profile.name_starts_with_letter else ""
            )
            message = f"'{override.name}' does not fit the {profile.name} client profile ({rule})"
            raise ConfigError(override.location.child("name"), message)
        if override.name in owner:
            message = f"'{override.name}' is already the name of the tool for '{owner[override.name]}'"
            raise ConfigError(override.location.child("name"), message)
        owner[override.name] = override.key
        configured[index] = override.name
    # Configured names go first, so a generated name that collides with one is the one that gets a suffix.
    order = sorted(range(len(selected)), key=lambda index: index not in configured)
    candidates = [
        configured.get(index)
        or operation_tool_name(
            operation_id=selected[index].operation.operation_id,
            method=selected[index].operation.method.value,
            path=selected[index].operation.path,
        )
        for index in order
    ]
    if profile.name_starts_with_letter:
        candidates = [name if _letter_first(name) else f"_{name}" for name in candidates]
    keys = [selected[index].operation.key for index in order]
    unique = unique_names(candidates, keys=keys, limit=profile.name_limit)
    names = [""] * len(selected)
    for index, name in zip(order, unique, strict=True):
        names[index] = name
    return names


def _tool_description(operation: Operation, *, shared: SharedText, body_chars: int | None, limit: int) -> str:
    """The description a model is shown: without what the API repeats, its body cut to `body_chars` (None: whole)."""
    return describe_operation(
        summary=operation.summary,
        description=operation.description,
        deprecated=operation.deprecated,
        limit=limit,
        responses=operation.responses,
        boilerplate=shared.boilerplate,
        body_chars=body_chars,
        errors_left_out=shared.error_notes,
    )


def _short_chars(tools: list[Tool], config: Config) -> int:
    """`SHORT_CHARS` when the tools' tools/list is estimated past the config's `budget.max_tokens`, else 0."""
    total = 0
    for tool in tools:
        total += estimate_tokens(tool)
        if total > config.max_tokens:
            return SHORT_CHARS
    return 0


def _shortened(tool: Tool, item: Selected, *, shared: SharedText, body_chars: int, limit: int) -> Tool:
    """`tool` with the short form of its operation's description (not of one the config wrote)."""
    if item.override is not None and item.override.description is not None:
        return tool
    description = _tool_description(item.operation, shared=shared, body_chars=body_chars, limit=limit)
    fields_arg = (tool.response or {}).get("fieldsArg")
    return dataclasses.replace(
        tool, description=with_fields_hint(description, fields_arg) if fields_arg else description
    )


def _letter_first(name: str) -> bool:
    return name[:1].isascii() and (name[:1].isalpha() or name[:1] == "_")


def select_tools(
    api: ApiModel,
    *,
    budgets: Budgets | None = None,
    with_mock: bool = False,
    config: Config | None = None,
    with_resources: bool = True,
    profile: str | None = None,
) -> ToolSet:
    """Turn the operations a config selects (all, without one) into tools, as the config names and describes
    them (with `with_mock`, also what `--mock` answers; without `with_resources`, no schema resources — they
    cost ~0.1 s on GitHub's 1,223 operations, and `inspect` shows tools only), for the client `profile` (a
    name in `converter.profiles.PROFILES`; else the config's, else `portable`) and within the budgets (the
    config's `descriptions:` and `schema_budget` apply where `budgets` leaves them at their defaults; when the
    whole tools/list would pass the config's `budget.max_tokens`, descriptions are short by default: `SHORT_CHARS`).

    Raises:
        RefError: a schema a selected tool needs cannot be resolved.
        ConfigError: the config (or an `x-mcp` extension) names what the spec does not have, or asks for
            something invalid (see `converter.selection`, `converter.overrides`).
    """
    budgets = budgets or Budgets()
    if config is not None and config.description_max_chars is not None:
        budgets = dataclasses.replace(budgets, description_chars=config.description_max_chars)
    if config is not None and config.description_body_chars is not None:
        budgets = dataclasses.replace(budgets, body_chars=config.description_body_chars)
    if config is not None and config.argument_description_chars is not None:
        budgets = dataclasses.replace(budgets, argument_chars=config.argument_description_chars)
    if config is not None and config.schema_budget is not None and budgets.schema_chars is None:
        budgets = dataclasses.replace(budgets, schema_chars=config.schema_budget)
    client = PROFILES[profile or (config.client_profile if config is not None else None) or DEFAULT_PROFILE.name]
    budget = DEFAULT_SCHEMA_BUDGET if budgets.schema_chars is None else budgets.schema_chars or None
    if budget is not None:
        # An outputSchema is kept within the schema budget too: a client may show it to the model.
        budgets = dataclasses.replace(budgets, output_schema_chars=min(budgets.output_schema_chars, budget))
    response_settings = ResponseSettings().merged(dict(config.response)) if config is not None else ResponseSettings()
    selected, diagnostics = select_operations(api.operations, config)
    config = config or Config()
    names = _tool_names(selected, client)
    tools = []
    diagnostics = [*api.diagnostics, *diagnostics]
    shared = shared_text(api.operations) if selected else SharedText()
    leaner = Leaner()
    for item, name in zip(selected, names, strict=True):
        tool, notes = build_tool(
            item.operation,
            name=name,
            api=api,
            budgets=budgets,
            with_mock=with_mock,
            shared=shared,
            leaner=leaner,
        )
        if item.override is not None:
            tool = apply_override(tool, dataclasses.replace(item.override, name=None))
            settings = response_settings.merged(dict(item.override.response))
        else:
            settings = response_settings
        tools.append(documented(shape_tool(tool, item.operation, settings)))
        diagnostics.extend(notes)
    short = _short_chars(tools, config) if budgets.body_chars is None or budgets.argument_chars is None else 0
    if budgets.body_chars is None and short:
        tools = [
            _shortened(tool, item, shared=shared, body_chars=short, limit=budgets.description_chars)
            for item, tool in zip(selected, tools, strict=True)
        ]
    argument_chars = short if budgets.argument_chars is None else budgets.argument_chars
    tools, glossary = share_argument_descriptions(tools)
    cache = FitCache()
    shortened = any(ELLIPSIS in tool.description for tool in tools)
    for index, (item, tool) in enumerate(zip(selected, tools, strict=True)):
        where = item.operation.location
        if argument_chars:
            schema = cut_descriptions(tool.input_schema, chars=argument_chars, cache=cache)
            shortened = shortened or schema is not tool.input_schema
            tool = dataclasses.replace(tool, input_schema=schema)  # noqa: PLW2901
        tools[index], notes = tailor_tool(
            tool, profile=client, budget=budget, where=where, quiet=budgets.schema_chars is None, cache=cache
        )
        diagnostics.extend(notes)
    schemas, schema_notes = (
        used_schemas([item.operation for item in selected], store=api.schemas) if with_resources else ({}, [])
    )
    toolset = ToolSet(
        name=api.title,
        version=api.version,
        # The spec's and the config's words first (at most `instructions_chars` together), then the argument
        # descriptions many tools share, said once here instead of in each tool.
        instructions="\n\n".join(
            part
            for part in (
                server_instructions(api.description, config.instructions, limit=budgets.instructions_chars),
                glossary,
                DOCUMENTATION_NOTE if shortened else "",
            )
            if part
        ),
        tools=tuple(tools),
        security_schemes=api.security_schemes,
        diagnostics=(*diagnostics, *schema_notes),
        prompts=server_prompts(config.prompts, tools, api_title=api.title),
        schemas=schemas,
    )
    where = config.location if config.location.file or not selected else Location(selected[0].operation.location.file)
    warning = budget_warning(toolset, config, where=where)
    if warning is not None:
        toolset = dataclasses.replace(toolset, diagnostics=(*toolset.diagnostics, warning))
    return toolset
