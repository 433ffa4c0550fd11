"""A server's prompts and resources, served from plain data — shared by `oa2mcp serve` and generated servers.

Big APIs: the model reads detail only when it needs it. `openapi://operations` (one line per tool) and
`openapi://schemas/{name}` (one named schema as JSON Schema) are read on demand; prompts are messages the user
picks. The data (`converter.resources.catalog_json` writes it):

    {"prompts": [{"name", "title"?, "description", "arguments": [{"name", "description", "required"}],
                  "template": [text, argument name, text, ...]}],
     "operations": ["tool: METHOD /path — summary", ...],
     "schemas": {name: JSON Schema with `$ref`s as openapi://schemas/<name>},
     "docs": {tool name: its documentation, plain text}}

`openapi://operations/{name}` is a tool's documentation: tools/list shows a short description, this the whole one
with every error and each argument's description.

A prompt's template is already split into text and argument names: filling it joins strings, nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "DOCS_PREFIX",
    "DOCS_URI",
    "OPERATIONS_URI",
    "SCHEMA_PREFIX",
    "SCHEMA_URI",
    "PromptError",
    "catalog_handlers",
    "render_prompt",
]

OPERATIONS_URI = "openapi://operations"
DOCS_PREFIX = OPERATIONS_URI + "/"
DOCS_URI = DOCS_PREFIX + "{name}"
SCHEMA_PREFIX = "openapi://schemas/"
SCHEMA_URI = SCHEMA_PREFIX + "{name}"


class PromptError(ValueError):
    """Arguments that do not fit a prompt; the message says which, for the user."""


def render_prompt(prompt: Mapping[str, Any], arguments: Mapping[str, str] | None) -> str:
    """The prompt's text with each placeholder replaced by its argument's value ("" for an optional one left out).

    Raises:
        PromptError: a required argument is missing or empty, or an argument the prompt does not declare is given.
    """
    given = dict(arguments or {})
    declared = {argument["name"]: argument for argument in prompt["arguments"]}
    name = prompt["name"]
    unknown = sorted(set(given) - set(declared))
    if unknown:
        known = f"its arguments: {', '.join(declared)}" if declared else "it takes no arguments"
        raise PromptError(f"prompt '{name}' has no argument '{unknown[0]}' ({known})")
    missing = [argument for key, argument in declared.items() if argument["required"] and not given.get(key)]
    if missing:
        first = missing[0]
        about = f" ({first['description']})" if first["description"] else ""
        others = f"; also missing: {', '.join(a['name'] for a in missing[1:])}" if len(missing) > 1 else ""
        raise PromptError(f"prompt '{name}' needs the argument '{first['name']}'{about}{others}")
    parts = prompt["template"]
    return "".join(part if index % 2 == 0 else given.get(part, "") for index, part in enumerate(parts))


def _read(catalog: Mapping[str, Any], uri: str, tools: frozenset[str] | None = None) -> tuple[str, str] | None:
    """(MIME type, text) of the resource at `uri`, or None when there is none; `tools` (if given) limits
    `openapi://operations` to their lines."""
    if uri == OPERATIONS_URI and catalog["operations"]:
        lines = catalog["operations"]
        if tools is not None:
            lines = [line for line in lines if line.split(":", 1)[0] in tools]
        return "text/plain", "\n".join(lines) + "\n"
    if uri.startswith(DOCS_PREFIX):
        name = uri[len(DOCS_PREFIX) :]
        docs = catalog.get("docs", {}).get(name)
        return None if docs is None or (tools is not None and name not in tools) else ("text/plain", docs + "\n")
    schema = catalog["schemas"].get(uri[len(SCHEMA_PREFIX) :]) if uri.startswith(SCHEMA_PREFIX) else None
    if schema is None:
        return None
    return "application/schema+json", json.dumps(schema, ensure_ascii=False, indent=1)


GUIDE = "use_api"
"""The generated guide to the whole API (its tools by tag): not shown to a caller limited to some tools."""


def catalog_handlers(
    catalog: Mapping[str, Any], *, allowed: Callable[[Any], frozenset[str] | None] | None = None
) -> dict[str, Any]:
    """The `Server(...)` keyword arguments that serve `catalog` — only for what it holds, so that the server
    advertises the prompts or resources capability only when there is something to list.

    `allowed` gives the tools the caller of a request may use (None: every tool; see `access.py`): a caller
    limited to some tools reads only their lines of `openapi://operations` and is not offered the `use_api`
    guide, which names every tool — it learns no names of tools it was not given."""
    import mcp_types as types  # noqa: PLC0415  (the build side imports this module for its constants)
    from mcp.shared.exceptions import MCPError  # noqa: PLC0415

    def limit(ctx: Any) -> frozenset[str] | None:
        return allowed(ctx.request) if allowed is not None else None

    handlers: dict[str, Any] = {}
    prompts = {prompt["name"]: prompt for prompt in catalog["prompts"]}
    if prompts:
        listed = types.ListPromptsResult(
            prompts=[
                types.Prompt(
                    name=prompt["name"],
                    title=prompt.get("title") or None,
                    description=prompt["description"] or None,
                    arguments=[
                        types.PromptArgument(
                            name=argument["name"],
                            description=argument["description"] or None,
                            required=argument["required"],
                        )
                        for argument in prompt["arguments"]
                    ],
                )
                for prompt in prompts.values()
            ]
        )

        limited = types.ListPromptsResult(prompts=[p for p in listed.prompts if p.name != GUIDE])

        async def list_prompts(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListPromptsResult:
            return listed if limit(ctx) is None else limited

        async def get_prompt(ctx: Any, params: types.GetPromptRequestParams) -> types.GetPromptResult:
            prompt = prompts.get(params.name)
            if prompt is not None and params.name == GUIDE and limit(ctx) is not None:
                prompt = None
            if prompt is None:
                raise MCPError(types.INVALID_PARAMS, f"Unknown prompt: {params.name[:100]}")
            try:
                text = render_prompt(prompt, params.arguments)
            except PromptError as err:
                raise MCPError(types.INVALID_PARAMS, str(err)) from err
            message = types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))
            return types.GetPromptResult(description=prompt["description"] or None, messages=[message])

        handlers.update(on_list_prompts=list_prompts, on_get_prompt=get_prompt)

    operations, schemas, docs = catalog["operations"], catalog["schemas"], catalog.get("docs", {})
    if not (operations or schemas):
        return handlers
    resources = []
    if operations:
        resources.append(
            types.Resource(
                uri=OPERATIONS_URI,
                name="operations",
                title="Operations",
                description=f"The {len(operations)} tools, one a line: name, HTTP method and path, summary"
                + (f"; each one's whole documentation is {DOCS_URI}." if docs else "."),
                mime_type="text/plain",
            )
        )
    resources += [
        types.Resource(
            uri=SCHEMA_PREFIX + name,
            name=name,
            title=schema.get("title") if isinstance(schema.get("title"), str) else None,
            description=schema.get("description") if isinstance(schema.get("description"), str) else None,
            mime_type="application/schema+json",
        )
        for name, schema in schemas.items()
    ]
    resources_result = types.ListResourcesResult(resources=resources)
    templates = []
    if docs:
        templates.append(
            types.ResourceTemplate(
                uri_template=DOCS_URI,
                name="operation",
                title="Operation documentation",
                description="A tool's whole documentation: its description uncut, every documented error, and each "
                "argument's description.",
                mime_type="text/plain",
            )
        )
    if schemas:
        templates.append(
            types.ResourceTemplate(
                uri_template=SCHEMA_URI,
                name="schema",
                title="Schema",
                description=f"A named schema the tools use, as JSON Schema ({len(schemas)} in resources/list); its "
                f"$refs are other {SCHEMA_PREFIX} resources.",
                mime_type="application/schema+json",
            )
        )
    templates_result = types.ListResourceTemplatesResult(resource_templates=templates)

    async def list_resources(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListResourcesResult:
        return resources_result

    async def list_resource_templates(
        ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListResourceTemplatesResult:
        return templates_result

    async def read_resource(ctx: Any, params: types.ReadResourceRequestParams) -> types.ReadResourceResult:
        tools = limit(ctx)
        found = _read(catalog, params.uri, tools)
        if found is None:
            raise MCPError(types.INVALID_PARAMS, f"Unknown resource: {params.uri[:200]}")
        mime_type, text = found
        contents = types.TextResourceContents(uri=params.uri, mime_type=mime_type, text=text)
        return types.ReadResourceResult(contents=[contents])

    handlers.update(
        on_list_resources=list_resources,
        on_list_resource_templates=list_resource_templates,
        on_read_resource=read_resource,
    )
    return handlers
