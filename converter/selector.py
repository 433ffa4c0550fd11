"""ApiModel → ToolSet: one tool per operation, with readable unique names, descriptions and schemas."""

from __future__ import annotations

from dataclasses import dataclass

from converter.describe import clean_text, describe_operation, tool_title
from converter.errors import Diagnostic
from converter.model import ApiModel, HttpMethod, Operation
from converter.naming import operation_tool_name, unique_names
from converter.tool_schema import build_input, build_mock, build_output
from converter.tools import Annotations, HttpBinding, Tool, ToolSet


@dataclass(frozen=True, slots=True)
class Budgets:
    """Size limits applied while building tools."""

    description_chars: int = 1000
    instructions_chars: int = 2000
    output_schema_chars: int = 20_000
    mock_schema_chars: int = 200_000


def annotations_for(method: HttpMethod) -> Annotations:
    """MCP hints implied by the HTTP method."""
    safe = method in (HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS)
    return Annotations(
        read_only=safe,
        destructive=method is HttpMethod.DELETE,
        idempotent=safe or method in (HttpMethod.PUT, HttpMethod.DELETE),
    )


def build_tool(
    operation: Operation, *, name: str, api: ApiModel, budgets: Budgets, with_mock: bool = False
) -> tuple[Tool, list[Diagnostic]]:
    """Make the tool for one operation.

    Raises:
        RefError: a schema the tool needs cannot be resolved.
    """
    tool_input = build_input(operation, store=api.schemas)
    output, output_notes = build_output(operation, store=api.schemas, max_chars=budgets.output_schema_chars)
    tool = Tool(
        name=name,
        title=tool_title(summary=operation.summary),
        description=describe_operation(
            summary=operation.summary,
            description=operation.description,
            deprecated=operation.deprecated,
            limit=budgets.description_chars,
            responses=operation.responses,
        ),
        input_schema=tool_input.schema,
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


def select_tools(api: ApiModel, *, budgets: Budgets | None = None, with_mock: bool = False) -> ToolSet:
    """Turn every operation of the API into a tool (with `with_mock`, also what `--mock` answers).

    Raises:
        RefError: a schema a tool needs cannot be resolved.
    """
    budgets = budgets or Budgets()
    operations = api.operations
    names = unique_names(
        [operation_tool_name(operation_id=op.operation_id, method=op.method.value, path=op.path) for op in operations],
        keys=[op.key for op in operations],
    )
    tools = []
    diagnostics = list(api.diagnostics)
    for operation, name in zip(operations, names, strict=True):
        tool, notes = build_tool(operation, name=name, api=api, budgets=budgets, with_mock=with_mock)
        tools.append(tool)
        diagnostics.extend(notes)
    return ToolSet(
        name=api.title,
        version=api.version,
        instructions=describe_operation(
            summary="", description=clean_text(api.description), deprecated=False, limit=budgets.instructions_chars
        ),
        tools=tuple(tools),
        security_schemes=api.security_schemes,
        diagnostics=tuple(diagnostics),
    )
