"""ToolSet → the file tree of a standalone server project (`oa2mcp generate`), as text, in memory.

Deterministic: the same tools and options give the same bytes on any machine — no timestamps, no absolute
paths, files in a fixed order. Spec text reaches the tree only as data (`tools.json`), as escaped literals
(`literals.py_str`, `py_literal`, `toml_str`), through datamodel-code-generator (models.py, which writes
descriptions as escaped `Field(description=…)` strings), or reduced by `literals.plain_text`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from converter import __version__
from converter.codegen.literals import (
    package_name,
    plain_text,
    py_literal,
    py_str,
    py_str_block,
    toml_str,
    version_text,
)
from converter.codegen.models import models_source
from converter.runtime.auth import env_var_name
from converter.served import served_from_toolset
from converter.tools import ToolSet

__all__ = ["MANIFEST", "ProjectOptions", "generate_project", "runtime_sources"]

MANIFEST = ".oa2mcp-generated"
"""Lists the files oa2mcp wrote, so a later run can delete those it no longer writes (and only those)."""

_RUNTIME = Path(__file__).resolve().parent.parent / "runtime"
_BASE_DEPENDENCIES = (
    "mcp>=2.3,<3",
    "httpx>=0.27",
    "jsonschema>=4.23",
    "anyio>=4.5",
    "uvicorn>=0.50",
    "starlette>=0.40",
    "sniffio>=1.3",
    "prometheus-client>=0.20",
    "jmespath>=1.0",
    "PyJWT[crypto]>=2.10",
    # `--tools search`: BM25 ranking and Snowball stemming of the operations (runtime/search.py).
    "bm25s>=0.2.6",
    "PyStemmer>=2.2",
)


@dataclass(frozen=True, slots=True)
class ProjectOptions:
    """What the user chose for the generated project."""

    package: str | None = None
    """The Python package name (`--name`); default: from the API's title."""
    spec_name: str = "openapi.yaml"
    """The spec's file name (never a path: generated files must not depend on where it was)."""
    registry_name: str | None = None
    """The MCP Registry name (`io.github.owner/name`); default: a placeholder to replace."""
    access: dict[str, Any] | None = None
    """The config's clients and forwarded headers (`converter.clients.access_policy`): no secret, only env var
    names, key digests and JWT claims."""
    tools_mode: str | None = None
    """The server's default `--tools` (the config's `tools_mode`); None: `tools`."""
    pinned: tuple[str, ...] = ()
    """The tools `--tools hybrid` keeps listed (those the config has an entry for)."""


def _template(name: str) -> str:
    return resources.files("converter.codegen").joinpath("templates").joinpath(name).read_text("utf-8")


def runtime_sources() -> dict[str, str]:
    """The runtime's modules by file name: copied verbatim into every generated server."""
    return {path.name: path.read_text("utf-8") for path in sorted(_RUNTIME.glob("*.py"))}


def _fill(template: str, values: dict[str, str]) -> str:
    # One pass: a value is never searched for placeholders (a title may spell `__REGISTRY_NAME__`).
    placeholder = re.compile("__(" + "|".join(re.escape(key) for key in values) + ")__")
    return placeholder.sub(lambda match: values[match.group(1)], template)


def _auth_py(toolset: ToolSet, env_prefix: str) -> str:
    schemes = toolset.security_json()
    variables = {
        name: [env_var_name(name), f"{env_prefix}_AUTH_" + env_var_name(name).removeprefix("OA2MCP_AUTH_")]
        for name in schemes
    }
    return (
        '"""The API\'s security schemes, and the environment variables their credentials are read from.\n\n'
        "Credentials never live in code: each comes from `--auth NAME=VALUE` or, better, one of the variables in\n"
        "CREDENTIAL_VARIABLES (http basic takes `user:password`; oauth2 client credentials `client_id:secret`).\n"
        '"""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Any\n\n"
        f"ENV_PREFIX = {py_str(env_prefix)}\n"
        '"""`<ENV_PREFIX>_AUTH_<NAME>` is read when `OA2MCP_AUTH_<NAME>` is not set."""\n\n'
        f"SECURITY_SCHEMES: dict[str, dict[str, Any]] = {py_literal(schemes)}\n\n"
        f"CREDENTIAL_VARIABLES: dict[str, list[str]] = {py_literal(variables)}\n"
    )


def _system_prompt(toolset: ToolSet) -> str:
    title = plain_text(toolset.name, limit=80)
    by_tag: dict[str, list[str]] = defaultdict(list)
    for tool in toolset.tools:
        summary = (tool.title or tool.description.split(". ")[0]).strip().rstrip(".")
        by_tag[tool.tags[0] if tool.tags else "other"].append(f"- {tool.name}: {summary[:120]}")
    lines = [
        f"You can use the {title} API through the tools below. Pick the tool whose description matches the task, "
        "fill its required arguments from the conversation (ask the user when a value is missing rather than "
        "guessing), and read a tool's error result: it says which argument was wrong or what the API answered. "
        "Tools marked destructive change or delete data: confirm with the user before calling them.",
        "",
    ]
    for tag, entries in by_tag.items():
        lines.append(f"{tag}:")
        lines.extend(entries)
    return "\n".join(lines)


def _prompts_py(toolset: ToolSet) -> str:
    return (
        '"""What an agent is told about this server: the server instructions (sent at initialization) and a system\n'
        'prompt for agents that call these tools."""\n\n'
        f"INSTRUCTIONS = {py_str_block(toolset.instructions)}\n\n"
        f"SYSTEM_PROMPT = {py_str_block(_system_prompt(toolset))}\n"
    )


def _pyproject(dist: str, package: str, version: str, title: str, email: bool) -> str:
    dependencies = [*_BASE_DEPENDENCIES, "pydantic[email]>=2.7" if email else "pydantic>=2.7"]
    deps = "".join(f"    {toml_str(dep)},\n" for dep in dependencies)
    return (
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f"[project]\nname = {toml_str(dist)}\nversion = {toml_str(version)}\n"
        f"description = {toml_str('MCP server for the ' + title + ' API (generated by oa2mcp)')}\n"
        'readme = "README.md"\nrequires-python = ">=3.11"\n'
        f"dependencies = [\n{deps}]\n\n"
        '[project.optional-dependencies]\ntest = ["pytest>=8"]\n\n'
        f"[project.scripts]\n{toml_str(dist)} = {toml_str(package + '.main:main')}\n\n"
        f"[tool.setuptools]\npackages = [{toml_str(package)}, {toml_str(package + '.runtime')}]\n\n"
        f'[tool.setuptools.package-data]\n{toml_str(package)} = ["tools.json", "py.typed"]\n\n'
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n'
        '[tool.ruff]\nline-length = 120\ntarget-version = "py311"\n\n'
        "[tool.ruff.lint]\n"
        'select = ["E", "F", "W", "I", "UP", "B", "PL", "RUF", "PIE", "C4", "PERF"]\n'
        'ignore = ["PLR0911", "PLR0912", "PLR0913", "PLR0915", "PLR0917", "PLR2004"]\n\n'
        "[tool.ruff.lint.per-file-ignores]\n"
        '"tests/**" = ["PLC0415"]\n'
        # As datamodel-code-generator writes them: spec text on long lines, `Field as Field_aliased` imported on a
        # line of its own (when a property is named `Field`), `Dict[str, X]` for the type of extra properties.
        '"*/models.py" = ["E501", "I001", "UP006", "UP035"]  # as datamodel-code-generator writes it\n\n'
        '[tool.mypy]\nstrict = true\npython_version = "3.11"\n'
    )


def _env_example(toolset: ToolSet, env_prefix: str) -> str:
    lines = ["# Credentials for the upstream API, one per security scheme (copy to .env; never commit it)."]
    for name, scheme in toolset.security_json().items():
        kind = scheme.get("scheme") or scheme["type"]
        lines.append(f"# {plain_text(name, limit=60)} ({plain_text(str(kind), limit=30)})")
        lines.append(f"{env_prefix}_AUTH_{env_var_name(name).removeprefix('OA2MCP_AUTH_')}=")
    if len(lines) == 1:
        lines.append("# (this API declares no security schemes)")
    lines.append("# Keys of the callers of the HTTP server (comma-separated); needed off loopback, as in Docker.")
    lines.append("OA2MCP_API_KEYS=")
    return "\n".join(lines) + "\n"


def _server_json(registry_name: str, dist: str, version: str, title: str, toolset: ToolSet, env_prefix: str) -> str:
    variables = [
        {
            "name": f"{env_prefix}_AUTH_{env_var_name(name).removeprefix('OA2MCP_AUTH_')}",
            "description": f"Credential for the API's {name!s} security scheme",
            "isRequired": False,
            "isSecret": True,
        }
        for name in toolset.security_json()
    ]
    package: dict[str, object] = {
        "registryType": "pypi",
        "identifier": dist,
        "version": version,
        "transport": {"type": "stdio"},
    }
    if variables:
        package["environmentVariables"] = variables
    document = {
        "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
        "name": registry_name,
        "title": title[:100],
        "description": f"MCP server for the {title} API"[:100],
        "version": version,
        "packages": [package],
    }
    return json.dumps(document, indent=2, ensure_ascii=True) + "\n"


def generate_project(toolset: ToolSet, options: ProjectOptions) -> dict[str, str]:
    """Every file of the generated project, by relative POSIX path, in a fixed order.

    `toolset` should be built with mock data (`with_mock`), so the project's `--mock` and its tests work.
    """
    base = package_name(toolset.name, limit=24)
    package = options.package or (base if base.endswith("_mcp") else base + "_mcp")
    dist = package.replace("_", "-")
    env_prefix = package.upper()
    version = version_text(toolset.version)
    title = plain_text(toolset.name, limit=80)
    registry_name = options.registry_name or f"io.github.your-org/{dist}"
    served = served_from_toolset(toolset)
    tools_data: dict[str, Any] = {
        "name": served.name,
        "version": version,
        "listing": served.listing,
        "table": served.to_json()["table"],
        "catalog": served.catalog,
    }
    if options.access is not None:
        tools_data["access"] = options.access
    if options.tools_mode:
        tools_data["tools_mode"] = options.tools_mode
    if options.pinned:
        tools_data["pinned"] = list(options.pinned)
    header = f'"""Pydantic models of the {title} tools\' arguments and results (generated by oa2mcp; do not edit)."""'
    models = models_source(toolset.tools, header=header)
    values = {
        "PKG": package,
        "DIST_NAME": dist,
        "TITLE_TEXT": title,
        "OA2MCP_VERSION": __version__,
        "VERSION_LITERAL": py_str(version),
        "ENV_PREFIX": env_prefix,
        "SPEC_NAME": plain_text(options.spec_name, limit=80),
        "REGISTRY_NAME": registry_name,
    }
    files: dict[str, str] = {
        "pyproject.toml": _pyproject(dist, package, version, title, email="EmailStr" in models),
        "README.md": _fill(_template("README.md.tmpl"), values) + _tools_table(toolset),
        ".env.example": _env_example(toolset, env_prefix),
        "Dockerfile": _fill(_template("Dockerfile.tmpl"), values),
        "server.json": _server_json(registry_name, dist, version, title, toolset, env_prefix),
        "test_client.py": _fill(_template("test_client.py.tmpl"), values),
        "tests/conftest.py": _fill(_template("conftest.py.tmpl"), values),
        "tests/test_server.py": _fill(_template("test_server.py.tmpl"), values),
        f"{package}/__init__.py": _fill(_template("__init__.py.tmpl"), values),
        f"{package}/__main__.py": _fill(_template("__main__.py.tmpl"), values),
        f"{package}/main.py": _fill(_template("main.py.tmpl"), values),
        f"{package}/auth.py": _auth_py(toolset, env_prefix),
        f"{package}/prompts.py": _prompts_py(toolset),
        f"{package}/models.py": models,
        f"{package}/tools.json": json.dumps(tools_data, indent=1, ensure_ascii=False) + "\n",
        f"{package}/py.typed": "",
    }
    for name, source in runtime_sources().items():
        files[f"{package}/runtime/{name}"] = source
    files[MANIFEST] = "".join(f"{path}\n" for path in sorted([*files, MANIFEST]))
    return files


def _tools_table(toolset: ToolSet) -> str:
    lines = ["", "## Tools", "", "| Tool | Method and path | Read-only |", "| --- | --- | --- |"]
    for tool in toolset.tools:
        where = plain_text(f"{tool.binding.method} {tool.binding.path}", limit=100)
        lines.append(f"| `{tool.name}` | {where} | {'yes' if tool.annotations.read_only else 'no'} |")
    return "\n".join(lines) + "\n"
