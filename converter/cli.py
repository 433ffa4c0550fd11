"""The `oa2mcp` command: parses options, runs the pipeline, renders results and sets exit codes."""

from __future__ import annotations

import gc
import json
import logging
import os
import shlex
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

import click

from converter import __version__
from converter.errors import ConverterError, Severity
from converter.tools import ToolSet, estimate_tokens

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_ERROR = 2

_config = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Config file (oa2mcp.yaml): which operations become tools, their names, descriptions and arguments. "
    "Its `spec:` is used when SPEC is not given.",
)

_overlay = click.option(
    "--overlay",
    "overlays",
    multiple=True,
    metavar="FILE",
    help="An OpenAPI Overlay 1.0 document applied to SPEC first (repeatable, in order): the standard way to keep "
    "description rewrites and x-mcp curation outside the spec.",
)


def _profile_names() -> list[str]:
    from converter.profiles import PROFILES  # noqa: PLC0415

    return list(PROFILES)


_schema_budget = click.option(
    "--schema-budget",
    "schema_budget",
    type=click.IntRange(min=0),
    metavar="N",
    help="Characters of one tool's definition (name, description, inputSchema) as a model is shown it; over it, "
    "long descriptions are trimmed, then optional nested objects collapsed with a note (the API's schema still "
    "checks calls). outputSchemas are kept within it too (at most 20000). Default 4000 (the config's "
    "schema_budget); 0: no limit.",
)

_client_profile = click.option(
    "--client-profile",
    "client_profile",
    type=click.Choice(_profile_names()),
    help="Rewrite names and schemas to what one client accepts: portable (default), openai (strict function "
    "calling), gemini (Gemini/Vertex function declarations), anthropic, cursor, vscode (name lengths). See README.",
)

_remote_refs = click.option(
    "--allow-remote-refs",
    is_flag=True,
    help="Fetch $refs that point at http(s) URLs (off by default: spec contents are untrusted).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="oa2mcp")
def cli() -> None:
    """Turn an OpenAPI document (3.0, 3.1 or Swagger 2.0; JSON or YAML; file or URL) into MCP tools.

    \b
    Start with:
      oa2mcp inspect fixtures/petstore-3.0.yaml                          the tools a server would expose
      oa2mcp call fixtures/petstore-3.0.yaml list_pets --arg limit=2 --mock   try one tool, no upstream
      oa2mcp serve fixtures/petstore-3.0.yaml                            an MCP server on stdio
      oa2mcp validate fixtures/petstore-3.0.yaml                         full check against the specification
      oa2mcp lint fixtures/poisoned.yaml                                 text that reads as instructions to a model
      oa2mcp init fixtures/petstore-3.0.yaml -o oa2mcp.yaml              a config to choose and rename tools
      oa2mcp generate fixtures/petstore-3.0.yaml -o server               standalone server source
      oa2mcp diff old.yaml new.yaml                                      tool-level changes, breaking ones flagged

    Credentials for the upstream: --auth NAME=VALUE or the env var OA2MCP_AUTH_<NAME>.
    """


def _inputs(spec: str | None, config_path: str | None) -> tuple[str, Any]:
    """The spec to load (SPEC wins over the config's `spec:`) and the parsed config, if any."""
    from converter.config import load_config, spec_source  # noqa: PLC0415

    config = load_config(config_path) if config_path else None
    source = spec or (spec_source(config, config_path) if config is not None and config_path else None)
    if not source:
        hint = " (the config has no `spec:`)" if config is not None else ""
        raise click.UsageError(f"missing SPEC: give a path or URL, or --config FILE whose `spec:` names it{hint}")
    return source, config


@cli.command()
@click.argument("spec", required=False)
@_config
@_overlay
@click.option("--json", "as_json", is_flag=True, help='Print {"tools": [...], "diagnostics": [...]} as JSON.')
@click.option("-v", "--verbose", is_flag=True, help="Also list info-level diagnostics.")
@_schema_budget
@_client_profile
@_remote_refs
def inspect(
    spec: str | None,
    config_path: str | None,
    overlays: tuple[str, ...],
    as_json: bool,
    verbose: bool,
    schema_budget: int | None,
    client_profile: str | None,
    allow_remote_refs: bool,
) -> None:
    """Show the tools an MCP server would expose for SPEC (a path or an http(s) URL).

    The table lists each tool's name, HTTP method and path, argument count, and an estimate of the
    tokens its tools/list entry costs a model; with --config, also the totals before the selection; and
    warns about text in the tools that reads as instructions to a model (see `oa2mcp lint`).
    --json prints each tool in MCP's tools/list shape plus `binding` (how each argument is sent).
    """
    from converter.pipeline import Shaping, build_selection  # noqa: PLC0415

    source, config = _inputs(spec, config_path)
    # A one-shot process building millions of acyclic objects: the cycle collector only costs time here
    # (~15% on GitHub's spec).
    gc.disable()
    toolset, everything = build_selection(
        source,
        allow_remote_refs=allow_remote_refs,
        config=config,
        with_all=config is not None and not as_json,
        overlays=overlays,
        shaping=Shaping(schema_budget, client_profile),
    )
    if as_json:
        # One write: json.dump() to a stream issues thousands of small writes.
        sys.stdout.write(json.dumps(toolset.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
        return
    toolset = _with_lint(toolset, source)  # the table is for a person: worth ~0.2 s on GitHub's 1,223 tools
    click.echo(render_table(toolset))
    if everything is not None:
        operations, tokens = everything
        selected = sum(estimate_tokens(tool) for tool in toolset.tools)
        before = f"~{tokens:,} tokens" if tokens is not None else "tokens unknown: some operations do not build"
        click.echo(
            f"selection: {operations:,} operations ({before}) -> {len(toolset.tools):,} tools (~{selected:,} tokens)"
        )
    render_diagnostics(toolset, verbose=verbose)


def _with_lint(toolset: ToolSet, source: str) -> ToolSet:
    """The toolset with a warning for each finding of `oa2mcp lint` in what the model will be shown."""
    import dataclasses  # noqa: PLC0415

    from converter.lint import lint_tools  # noqa: PLC0415

    findings = lint_tools(toolset, uri=source)
    return dataclasses.replace(toolset, diagnostics=(*toolset.diagnostics, *findings)) if findings else toolset


@cli.command()
@click.argument("spec")
@_overlay
def lint(spec: str, overlays: tuple[str, ...]) -> None:
    """Check SPEC's text for what reads as instructions to a model (tool poisoning, prompt injection).

    Every description, summary and title in the document is checked — for phrases that address the model
    ("ignore previous instructions", "always call tool X first", "send the token to …", "do not tell the
    user"), role markers and directive tags, and for hidden content: HTML comments, markup hidden with CSS,
    invisible or bidirectional Unicode. Each finding is printed as `file#/pointer: rule: excerpt`.
    Exits 1 when there is a finding, 0 when there is none, 2 when SPEC cannot be read.
    """
    from converter.lint import lint_document  # noqa: PLC0415
    from converter.pipeline import load_overlaid  # noqa: PLC0415

    gc.disable()
    document, notes = load_overlaid(spec, overlays)
    for note in notes:
        click.echo(str(note), err=True)
    data = document.data
    if not isinstance(data, dict):
        raise ConverterError(None, f"{spec}: not an OpenAPI document (expected a mapping at the top)")
    findings = lint_document(data, uri=document.display)
    for finding in findings:
        click.echo(str(finding).removeprefix("warning: "))
    if findings:
        click.echo(f"{spec}: {len(findings)} finding{'s' if len(findings) != 1 else ''}", err=True)
        sys.exit(EXIT_DRIFT)
    click.echo(f"{spec}: no findings", err=True)


def render_table(toolset: ToolSet) -> str:
    """A plain-text table of the tools and a total."""
    rows = [("TOOL", "METHOD PATH", "ARGS", "TOKENS")]
    total = 0
    for tool in toolset.tools:
        tokens = estimate_tokens(tool)
        total += tokens
        arg_count = len(tool.input_schema.get("properties", {}))
        rows.append((tool.name, f"{tool.binding.method} {tool.binding.path}", str(arg_count), f"{tokens:,}"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]:>{widths[3]}}".rstrip() for r in rows
    ]
    lines.append("")
    lines.append(f"{len(toolset.tools)} tools, ~{total:,} tokens in tools/list ({toolset.name} {toolset.version})")
    return "\n".join(lines)


def render_diagnostics(toolset: ToolSet, *, verbose: bool) -> None:
    """Print diagnostics to stderr, info-level ones only when verbose."""
    counts = Counter(d.severity for d in toolset.diagnostics)
    shown = [d for d in toolset.diagnostics if verbose or d.severity is not Severity.INFO]
    for diagnostic in shown:
        click.echo(str(diagnostic), err=True)
    if toolset.diagnostics:
        summary = ", ".join(f"{counts[s]} {s.value}" for s in Severity if counts[s])
        hint = "" if verbose or not counts[Severity.INFO] else " (-v lists info)"
        click.echo(f"diagnostics: {summary}{hint}", err=True)


def _pairs(values: tuple[str, ...], *, option: str, sep: str = "=") -> dict[str, str]:
    from converter.runtime.options import split_pairs  # noqa: PLC0415

    try:
        return split_pairs(values, option=option, sep=sep)
    except ValueError as err:
        raise click.UsageError(str(err)) from err


def _click_option(option: Any) -> Any:
    """A click option from an entry of the runtime's option table (`converter.runtime.options`)."""
    kwargs: dict[str, Any] = {"help": option.help}
    if option.kind == "flag":
        return click.option(option.flag, option.dest, is_flag=True, **kwargs)
    if option.metavar:
        kwargs["metavar"] = option.metavar
    if option.multiple:
        return click.option(option.flag, option.dest, multiple=True, **kwargs)
    if option.kind == "choice":
        kwargs["type"] = click.Choice(list(option.choices))
    elif option.kind == "int":
        kwargs["type"] = click.IntRange(
            None if option.minimum is None else int(option.minimum),
            None if option.maximum is None else int(option.maximum),
        )
    elif option.kind == "float":
        kwargs["type"] = click.FloatRange(option.minimum, option.maximum)
    elif option.kind == "path":
        kwargs["type"] = click.Path(dir_okay=False)
    if option.default is not None:
        kwargs.update(default=option.default, show_default=True)
    return click.option(option.flag, option.dest, **kwargs)


def _runtime_options(*scopes: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The runtime's options of `scopes` (`upstream`: serve and call; `server`: serve), then the build options."""
    from converter.runtime.options import options_for  # noqa: PLC0415

    def decorate(func: Callable[..., None]) -> Callable[..., None]:
        options = [_click_option(option) for option in options_for(scopes)]  # type: ignore[arg-type]
        for option in reversed([*options, _remote_refs, _config, _overlay, _schema_budget, _client_profile]):
            func = option(func)
        return func

    return decorate


def _make_caller(spec: str | None, kwargs: dict[str, Any], *, use_cache: bool = False) -> tuple[Any, Any, Any]:
    """Load SPEC (through the tool cache when asked) and prepare the runtime that calls its tools.

    Returns:
        The tools as plain data, the runtime, and the tools the `--tools` mode (`kwargs["tools_mode"]`, set here
        from the config when not given) lists: `(listing, search tools or None)`.
    """
    from converter.pipeline import Shaping, build_served  # noqa: PLC0415
    from converter.runtime.app import StartError, make_caller, tools_mode  # noqa: PLC0415
    from converter.served import default_cache_dir  # noqa: PLC0415

    source, config = _inputs(spec, kwargs["config_path"])
    served, _ = build_served(
        source,
        allow_remote_refs=kwargs["allow_remote_refs"],
        with_mock=kwargs["mock"],
        cache_dir=default_cache_dir() if use_cache else None,
        config=config,
        config_path=kwargs["config_path"],
        overlays=kwargs["overlays"],
        shaping=Shaping(kwargs["schema_budget"], kwargs["client_profile"]),
    )
    if not kwargs["base_url"] and config is not None:
        kwargs["base_url"] = config.base_url  # in place: `serve --workers` hands these values to each worker
    if not kwargs["tools_mode"] and config is not None:
        kwargs["tools_mode"] = config.tools_mode
    pinned: list[str] = []
    if config is not None and kwargs["tools_mode"] == "hybrid":
        from converter.runtime.toolsmode import pinned_names  # noqa: PLC0415

        pinned = pinned_names(served.table, config.tools)
    try:
        caller = make_caller(served.table, served.security, kwargs, environ=os.environ)
        tools = tools_mode(kwargs, listing=served.listing, caller=caller, pinned=pinned, catalog=served.catalog)
    except StartError as err:  # one line, as for a bad spec: the message names the option
        raise ConverterError(None, str(err)) from err
    return served, caller, tools


@cli.command()
@click.argument("spec", required=False)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Build the tools afresh instead of reusing the cache (OA2MCP_CACHE_DIR, default ~/.cache/oa2mcp).",
)
@_runtime_options("server", "upstream")
def serve(spec: str | None, no_cache: bool, **kwargs: Any) -> None:
    """Serve SPEC's operations as MCP tools, forwarding each call to the upstream API.

    \b
    Examples:
      oa2mcp serve api.yaml                                   stdio, for Claude Desktop/Code, Cursor, VS Code
      oa2mcp serve api.yaml --transport http --port 8000      streamable HTTP at http://127.0.0.1:8000/mcp
      oa2mcp serve api.yaml --transport http --stateless --workers 4    four processes on one port
      OA2MCP_AUTH_API_KEY=... oa2mcp serve api.yaml --base-url https://staging.example.com
      oa2mcp serve --config oa2mcp.yaml                       the tools a config selects, from its spec
      OA2MCP_API_KEYS=... oa2mcp serve api.yaml --transport http --host 0.0.0.0 --allowed-host mcp.example.com

    Besides the tools: the server instructions (the spec's description and the config's `instructions`), the
    prompts (the generated `use_api` guide and the config's `prompts`), and the resources openapi://operations
    (one line per tool) and openapi://schemas/{name} (a schema the tools use, as JSON Schema).

    Over HTTP off loopback, callers need a key or a JWT (or the server refuses to start; --insecure-no-auth);
    the config's `clients:` give each its tools and rate limit. Production (http): GET /healthz, GET /readyz
    (--ready-check), Prometheus metrics at /metrics, --audit. Logs go to stderr (--log-format json for one
    object per line); on stdio, stdout carries the MCP protocol only.

    \b
    Environment: OA2MCP_AUTH_<NAME> (a credential), OA2MCP_API_KEYS, OA2MCP_LOG_LEVEL; HTTPS_PROXY, HTTP_PROXY,
    ALL_PROXY and NO_PROXY (the upstream is reached through that proxy), SSL_CERT_FILE / SSL_CERT_DIR (CAs to
    trust).
    """
    from converter.budget import BUDGET_MARK  # noqa: PLC0415
    from converter.runtime.app import StartError, scale_problem  # noqa: PLC0415
    from converter.runtime.app import serve as run_server  # noqa: PLC0415

    problem = scale_problem(kwargs)  # before the build, which may take a while on a big spec
    if problem:
        click.echo(f"oa2mcp: {problem}", err=True)
        sys.exit(EXIT_ERROR)
    _configure_logging(kwargs)
    gc.disable()  # building the tools makes millions of acyclic objects: collecting them meanwhile only costs time
    served, caller, (listing, operations) = _make_caller(spec, kwargs, use_cache=not no_cache)
    for warning in served.warnings:
        if operations is None or BUDGET_MARK not in warning:  # search mode lists three tools, not the API
            logging.getLogger("oa2mcp").warning("%s", warning)
    try:
        run_server(
            name=served.name,
            version=served.version or __version__,
            instructions=served.instructions,
            listing=listing,
            caller=caller,
            values=kwargs,
            program="oa2mcp",
            access=served.access,
            catalog=served.catalog,
            operations=operations,
        )
    except StartError as err:
        raise ConverterError(None, str(err)) from err


@cli.command()
@click.argument("spec")
@click.argument("tool", required=False)
@click.option("--args", "args_json", metavar="JSON", help="The arguments as one JSON object.")
@click.option(
    "--arg",
    "arg_pairs",
    multiple=True,
    metavar="NAME=VALUE",
    help="One argument (repeatable); VALUE is read as JSON when it parses, else as a string.",
)
@_runtime_options("upstream")
def call(spec: str, tool: str | None, args_json: str | None, arg_pairs: tuple[str, ...], **kwargs: Any) -> None:
    """Call one TOOL of SPEC through the same runtime as `serve`, and print what the model would see.

    With --config whose `spec:` names the spec, SPEC may be left out: `oa2mcp call --config FILE TOOL`.
    With --tools search, TOOL may be a search tool:
    `oa2mcp call SPEC search_operations --args '{"query": "close an issue"}' --tools search`.
    Exits 1 when the result is an error (bad arguments, upstream 4xx/5xx, unreachable upstream).

    \b
    Environment: OA2MCP_AUTH_<NAME> (a credential), OA2MCP_LOG_LEVEL; HTTPS_PROXY, HTTP_PROXY, ALL_PROXY
    and NO_PROXY (the upstream is reached through that proxy), SSL_CERT_FILE / SSL_CERT_DIR (CAs to trust).
    """
    import anyio  # noqa: PLC0415

    spec_arg: str | None = spec
    if tool is None:
        if not kwargs["config_path"]:
            raise click.UsageError("missing TOOL: oa2mcp call SPEC TOOL (or: oa2mcp call --config FILE TOOL)")
        spec_arg, tool = None, spec

    arguments: dict[str, Any] = {}
    if args_json is not None:
        try:
            parsed = json.loads(args_json)
        except json.JSONDecodeError as err:
            raise click.BadParameter(f"not JSON: {err.msg} at column {err.colno}", param_hint="--args") from err
        if not isinstance(parsed, dict):
            raise click.BadParameter("must be a JSON object", param_hint="--args")
        arguments.update(parsed)
    for name, value in _pairs(arg_pairs, option="--arg").items():
        try:
            arguments[name] = json.loads(value)
        except json.JSONDecodeError:
            arguments[name] = value
    _configure_logging(kwargs)
    _, caller, (listing, operations) = _make_caller(spec_arg, kwargs)
    searching = operations is not None and tool in operations.tools
    if tool not in caller.tools and not searching:
        from converter.config import did_you_mean  # noqa: PLC0415

        hint = did_you_mean(tool, {*caller.tools, *(operations.tools if operations is not None else ())})
        names = ", ".join(sorted(entry["name"] for entry in listing)[:20])
        raise click.BadParameter(f"no tool {tool!r}{hint}; tools: {names}", param_hint="TOOL")
    handler = operations.call if searching else caller.call

    async def run() -> Any:
        try:
            return await handler(tool, arguments)
        finally:
            await caller.aclose()

    result = anyio.run(run)
    click.echo(render_result(result))
    if result.is_error:
        sys.exit(EXIT_DRIFT)


def render_result(result: Any) -> str:
    """A tool result as text: each content item, then the structured content."""
    parts = []
    for item in result.content:
        kind = getattr(item, "type", "")
        if kind == "text":
            parts.append(item.text)
        elif kind == "image":
            parts.append(f"[image {item.mime_type}, {len(item.data) * 3 // 4:,} bytes]")
        elif kind == "resource":
            parts.append(f"[resource {item.resource.uri} {item.resource.mime_type or ''}]".rstrip())
    if result.structured_content is not None:
        parts.append("structuredContent: " + json.dumps(result.structured_content, ensure_ascii=False, indent=2))
    request = (result.meta or {}).get("oa2mcp/request")
    if request is not None:
        parts.append("request (mock): " + json.dumps(request, ensure_ascii=False, indent=2))
    if result.is_error:
        parts.insert(0, "ERROR")
    return "\n".join(parts)


def _configure_logging(values: dict[str, Any]) -> None:
    """Log as the options say (`call` has no log options: text, at `OA2MCP_LOG_LEVEL` or warning)."""
    from converter.runtime.app import StartError, start_logging  # noqa: PLC0415

    try:
        start_logging(values, os.environ)
    except StartError as err:
        raise ConverterError(None, str(err)) from err


@cli.command()
@click.argument("spec", required=False)
@_config
@_overlay
@click.option("-o", "--output", "output", required=True, metavar="DIR", help="The project directory to write.")
@click.option("--name", "package", metavar="PKG", help="Python package name (default: from the API's title).")
@click.option(
    "--registry-name",
    metavar="NAME",
    help="The server's MCP Registry name for server.json (io.github.OWNER/NAME; default: a placeholder).",
)
@click.option("--check", is_flag=True, help="Write nothing: exit 0 when DIR is current, 1 with a diff when stale.")
@_schema_budget
@_client_profile
@_remote_refs
def generate(
    spec: str | None,
    config_path: str | None,
    overlays: tuple[str, ...],
    output: str,
    package: str | None,
    registry_name: str | None,
    check: bool,
    schema_budget: int | None,
    client_profile: str | None,
    allow_remote_refs: bool,
) -> None:
    """Write a standalone MCP server project for SPEC's tools (those --config selects) to DIR.

    The project runs without oa2mcp: pyproject.toml, PKG/main.py (command line, tool table in tools.json),
    PKG/models.py (pydantic models of each tool's arguments and result), PKG/auth.py, PKG/prompts.py,
    PKG/runtime/ (oa2mcp's runtime, verbatim), tests that call every tool against a local upstream,
    test_client.py, README.md, .env.example, Dockerfile and server.json (MCP Registry). The same inputs give
    byte-identical files on any machine.

    \b
    In CI:
      oa2mcp generate api.yaml --config oa2mcp.yaml -o server --check     exit 1 (with a diff) when stale
    """
    from pathlib import Path  # noqa: PLC0415

    from converter.clients import access_policy  # noqa: PLC0415
    from converter.codegen.literals import package_name  # noqa: PLC0415
    from converter.codegen.output import diff_tree, write_tree  # noqa: PLC0415
    from converter.codegen.project import ProjectOptions, generate_project  # noqa: PLC0415
    from converter.pipeline import Shaping, build_toolset  # noqa: PLC0415
    from converter.runtime.toolsmode import pinned_names  # noqa: PLC0415
    from converter.served import tool_table  # noqa: PLC0415

    if package is not None and package_name(package) != package:
        raise click.BadParameter(f"not a Python package name; try {package_name(package)!r}", param_hint="--name")
    source, config = _inputs(spec, config_path)
    gc.disable()
    _progress("loading and converting the spec")
    toolset = build_toolset(
        source,
        allow_remote_refs=allow_remote_refs,
        config=config,
        overlays=overlays,
        with_mock=True,
        shaping=Shaping(schema_budget, client_profile),
    )
    render_diagnostics(toolset, verbose=False)
    _progress(f"generating the project for {len(toolset.tools):,} tools (models with datamodel-code-generator)")
    spec_name = source.rstrip("/").rsplit("/", 1)[-1]
    options = ProjectOptions(
        package=package,
        spec_name=spec_name,
        registry_name=registry_name,
        tools_mode=config.tools_mode if config is not None else None,
        pinned=tuple(pinned_names(tool_table(toolset), config.tools)) if config is not None else (),
        access=access_policy(config, toolset),
    )
    files = generate_project(toolset, options)
    target = Path(output)
    if check:
        diff = diff_tree(files, target)
        if diff:
            sys.stdout.write(diff)
            click.echo(f"{output}: stale; regenerate with the same command without --check", err=True)
            sys.exit(EXIT_DRIFT)
        click.echo(f"{output}: up to date ({len(files)} files)", err=True)
        return
    try:
        written, deleted = write_tree(files, target)
    except OSError as err:
        raise ConverterError(None, f"{output}: cannot write the project: {err.strerror or err}") from err
    # pip reads `name[test]` as a package name: a relative directory needs its `./`.
    local = output if os.path.isabs(output) or output.startswith(("./", "../")) else f"./{output}"
    click.echo(
        f"{output}: {len(files)} files ({written} written, {deleted} removed) for {len(toolset.tools):,} tools. "
        f"Next: pip install {shlex.quote(local + '[test]')} && pytest {shlex.quote(output.rstrip('/') + '/tests')}",
        err=True,
    )


def _progress(message: str) -> None:
    """A stage line on stderr when it is a terminal (long runs say what they are doing)."""
    if sys.stderr.isatty():
        click.echo(f"oa2mcp: {message}…", err=True)


@cli.command()
@click.argument("old_spec")
@click.argument("new_spec")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Config file applied to both specs: compare the tools a server would really expose.",
)
@click.option("--json", "as_json", is_flag=True, help='Print {"summary": {...}, "changes": [...]} as JSON.')
def diff(old_spec: str, new_spec: str, config_path: str | None, as_json: bool) -> None:
    """Tool-level changes from OLD_SPEC to NEW_SPEC: tools added, removed or renamed; arguments added, removed,
    renamed, newly required, retyped or with enum values removed; annotations, outputs and descriptions.

    Exits 1 when a change is breaking (a client written for the old tools can fail), 0 otherwise, 2 when a
    spec or the config cannot be read. A config that fits OLD_SPEC but names what NEW_SPEC no longer has is
    itself a breaking change (exit 1).
    """
    from converter.config import load_config  # noqa: PLC0415
    from converter.errors import ConfigError  # noqa: PLC0415
    from converter.pipeline import build_toolset  # noqa: PLC0415
    from converter.tooldiff import diff_toolsets, render_json, render_text  # noqa: PLC0415

    config = load_config(config_path) if config_path else None
    gc.disable()
    old = build_toolset(old_spec, config=config)
    try:
        new = build_toolset(new_spec, config=config)
    except ConfigError as err:
        if as_json:
            report = {"summary": {"changes": 1, "breaking": 1}, "config_error": str(err), "changes": []}
            click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            click.echo(f"BREAKING  the config no longer fits {new_spec}: {err}")
        sys.exit(EXIT_DRIFT)
    changes = diff_toolsets(old, new)
    click.echo(json.dumps(render_json(changes), ensure_ascii=False, indent=2) if as_json else render_text(changes))
    if any(change.breaking for change in changes):
        sys.exit(EXIT_DRIFT)


@cli.command()
@click.argument("spec")
@click.option(
    "-o",
    "--output",
    default="oa2mcp.yaml",
    show_default=True,
    metavar="FILE",
    help="Where to write the config; - prints it.",
)
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@_overlay
@_remote_refs
def init(spec: str, output: str, force: bool, overlays: tuple[str, ...], allow_remote_refs: bool) -> None:
    """Write a starter config for SPEC: every operation listed under its tag, with its method, path, tool
    name and token estimate — commented out when the API is big, so curating is uncommenting.

    \b
    Then:
      oa2mcp inspect --config oa2mcp.yaml      the tools it selects, and their token total
      oa2mcp serve --config oa2mcp.yaml        serve them
    """
    from converter.loader import is_url  # noqa: PLC0415
    from converter.pipeline import build_toolset  # noqa: PLC0415
    from converter.starter import starter_config  # noqa: PLC0415

    if output != "-" and os.path.exists(output) and not force:
        raise click.UsageError(f"{output} exists; pass --force to overwrite it, or -o another file")
    gc.disable()
    toolset = build_toolset(spec, allow_remote_refs=allow_remote_refs, overlays=overlays)
    reference = spec
    if output != "-" and not is_url(spec):
        # The config's `spec:` is relative to the config file.
        reference = os.path.relpath(os.path.abspath(spec), os.path.dirname(os.path.abspath(output)))
    text = starter_config(toolset, spec=reference)
    if output == "-":
        sys.stdout.write(text)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as err:
        raise ConverterError(None, f"{output}: cannot write: {err.strerror or err}") from err
    click.echo(f"wrote {output}: {len(toolset.tools):,} operations. Next: oa2mcp inspect --config {output}", err=True)


@cli.command()
@click.argument("spec")
@_remote_refs
def validate(spec: str, allow_remote_refs: bool) -> None:
    """Check SPEC fully against the OpenAPI/Swagger specification (slow on big specs).

    Multi-file specs are bundled first. Prints each problem as `file#/pointer: message`;
    exits 0 when valid, 2 when not.
    """
    from converter.loader import load_document  # noqa: PLC0415
    from converter.validate import validate_document  # noqa: PLC0415

    document = load_document(spec)
    problems = validate_document(document, allow_remote_refs=allow_remote_refs)
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        click.echo(f"{spec}: invalid ({len(problems)} problem{'s' if len(problems) != 1 else ''})", err=True)
        sys.exit(EXIT_ERROR)
    click.echo(f"{spec}: valid")


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: one line and exit code 2 for bad input, never a traceback."""
    try:
        return cli.main(args=argv, prog_name="oa2mcp", standalone_mode=False)
    except ConverterError as err:
        click.echo(f"oa2mcp: {err}", err=True)
        sys.exit(EXIT_ERROR)
    except click.exceptions.NoArgsIsHelpError as err:
        click.echo(err.format_message(), err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except click.exceptions.Exit as err:
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:
        sys.stderr.close()  # `oa2mcp inspect --json | head`: the reader left; not an error
        sys.exit(EXIT_OK)
    except Exception as err:  # last resort: a bug of ours, reported in one line
        if os.environ.get("OA2MCP_DEBUG"):
            raise
        click.echo(f"oa2mcp: internal error: {type(err).__name__}: {err} (OA2MCP_DEBUG=1 shows a traceback)", err=True)
        sys.exit(EXIT_ERROR)
