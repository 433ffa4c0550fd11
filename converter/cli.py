"""The `oa2mcp` command: parses options, runs the pipeline, renders results and sets exit codes."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections import Counter
from typing import Any

import click

from converter import __version__
from converter.errors import ConverterError, Severity
from converter.tools import ToolSet, estimate_tokens

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_ERROR = 2

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
      oa2mcp inspect fixtures/petstore-3.0.yaml       the tools a server would expose
      oa2mcp validate fixtures/petstore-3.0.yaml      full check against the OpenAPI specification
    """


@cli.command()
@click.argument("spec")
@click.option("--json", "as_json", is_flag=True, help='Print {"tools": [...], "diagnostics": [...]} as JSON.')
@click.option("-v", "--verbose", is_flag=True, help="Also list info-level diagnostics.")
@_remote_refs
def inspect(spec: str, as_json: bool, verbose: bool, allow_remote_refs: bool) -> None:
    """Show the tools an MCP server would expose for SPEC (a path or an http(s) URL).

    The table lists each tool's name, HTTP method and path, argument count, and an estimate of the
    tokens its tools/list entry costs a model. --json prints each tool in MCP's tools/list shape
    plus `binding` (how each argument is sent).
    """
    from converter.pipeline import build_toolset  # noqa: PLC0415

    # A one-shot process building millions of acyclic objects: the cycle collector only costs time here
    # (~15% on GitHub's spec).
    gc.disable()
    toolset = build_toolset(spec, allow_remote_refs=allow_remote_refs)
    if as_json:
        # One write: json.dump() to a stream issues thousands of small writes.
        sys.stdout.write(json.dumps(toolset.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
        return
    click.echo(render_table(toolset))
    render_diagnostics(toolset, verbose=verbose)


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
