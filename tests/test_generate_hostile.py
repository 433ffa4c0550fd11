"""`oa2mcp generate` on a hostile spec (fixtures/hostile.yaml) with a hostile config (fixtures/hostile-config.yaml:
instructions and prompts): spec and config text reach the project only as escaped literals, data or sanitized
names; the project is valid, passes its own ruff and mypy --strict, imports, serves its tools, prompts and
resources, and nothing in the spec or config ever runs (each payload that would run tries to create
/tmp/oa2mcp-pwned-*).

Not in the fixture, because no codegen can make them work (the pipeline lets them through to tools/list): header,
cookie and apiKey names that are not HTTP tokens (the runtime refuses to send them), a `pattern` no regex engine
compiles (the MCP SDK's client rejects the outputSchema), lone surrogates (`inspect` and `generate` stop with an
internal error).
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import tokenize
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import yaml
from mcp import Client, StdioServerParameters

from converter.codegen.literals import plain_text
from converter.config import load_config
from converter.pipeline import build_toolset
from converter.resources import catalog_json
from converter.runtime.catalog import render_prompt
from converter.runtime.mock import example_value
from converter.runtime.validation import argument_problems, compile_validator
from converter.tools import ToolSet
from tests.conftest import FIXTURES, ROOT

SPEC = FIXTURES / "hostile.yaml"
CONFIG = FIXTURES / "hostile-config.yaml"
MARKERS = Path("/tmp")
MARKER_GLOB = "oa2mcp-pwned-*"
# A cache of its own (gitignored): cold, mypy spends ~12 s on the project's dependencies.
MYPY_CACHE = ROOT / ".mypy_cache" / "generated-hostile"
# What the payloads call to run something.
CALLED_BY_PAYLOADS = {"system", "__import__", "eval", "exec", "popen", "fly", "alert"}
DOCKERFILE_INSTRUCTIONS = ("FROM ", "WORKDIR ", "COPY ", "RUN ", "USER ", "EXPOSE ", "ENTRYPOINT ", "CMD ", "#")


def _spec_strings(node: Any) -> Iterator[str]:
    """Every string in the spec, keys included."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _spec_strings(key)
            yield from _spec_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _spec_strings(item)


SPEC_DATA = yaml.safe_load(SPEC.read_text("utf-8"))
CONFIG_DATA = yaml.safe_load(CONFIG.read_text("utf-8"))
# The characters of the spec and config that have no business in source, TOML, Markdown or a Dockerfile unescaped.
ODD_CHARS = {
    char
    for text in [*_spec_strings(SPEC_DATA), *_spec_strings(CONFIG_DATA)]
    for char in text
    if not char.isascii() or (not char.isprintable() and char != "\n")
}


def _markers() -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in MARKERS.glob(MARKER_GLOB)}


@pytest.fixture(scope="module")
def markers_before() -> dict[Path, int]:
    return _markers()


@pytest.fixture(autouse=True)
def _nothing_ran(markers_before: dict[Path, int]) -> Iterator[None]:
    """After each test: no marker file was created or touched."""
    yield
    changed = {path for path, mtime in _markers().items() if markers_before.get(path) != mtime}
    assert not changed, f"spec text ran as code: {sorted(map(str, changed))}"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, markers_before: dict[Path, int]) -> Path:
    """The generated project, written by the CLI as a user runs it."""
    out = tmp_path_factory.mktemp("hostile") / "server"
    result = subprocess.run(
        [sys.executable, "-m", "converter", "generate", "--config", str(CONFIG), "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def toolset() -> ToolSet:
    """What the project was generated from."""
    return build_toolset(str(SPEC), with_mock=True, config=load_config(str(CONFIG)))


@pytest.fixture(scope="module")
def package(project: Path) -> str:
    (init,) = project.glob("*/__init__.py")
    return init.parent.name


def _run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [sys.executable, *args], cwd=project, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _files(project: Path, pattern: str) -> list[Path]:
    return [path for path in sorted(project.rglob(pattern)) if "__pycache__" not in path.parts]


def test_generation_is_deterministic(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "converter", "generate", "--config", str(CONFIG), "-o", str(project), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_spec_text_is_in_python_only_as_literals_and_plain_names(project: Path, package: str) -> None:
    for path in _files(project, "*.py"):
        text = path.read_text("utf-8")
        assert not ODD_CHARS & set(text), f"{path.name}: unescaped {ODD_CHARS & set(text)}"
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            # Outside string literals spec text may only be a sanitized name (`import___os__system_touch`).
            if token.type not in (tokenize.STRING, tokenize.NAME):
                assert "pwned" not in token.string, (path.name, token)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                assert name not in CALLED_BY_PAYLOADS, (path.name, ast.unparse(node))
    models = (project / package / "models.py").read_text("utf-8")
    # x-python-type and x-python-import never reach datamodel-code-generator (it would import what they name).
    assert "PathLike" not in models and "antigravity" not in models


def test_project_files_are_valid_and_hold_spec_text_only_reduced(project: Path, package: str) -> None:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text("utf-8"))
    assert set(pyproject) == {"build-system", "project", "tool"}
    dist = pyproject["project"]["name"]
    assert dist == package.replace("_", "-")
    assert pyproject["project"]["scripts"] == {dist: f"{package}.main:main"}
    assert "\n" not in pyproject["project"]["description"]

    server = json.loads((project / "server.json").read_text("utf-8"))
    variables = [variable["name"] for variable in server["packages"][0]["environmentVariables"]]
    assert len(variables) == len(SPEC_DATA["components"]["securitySchemes"])
    assert all(re.fullmatch(f"{package.upper()}_AUTH_[A-Z0-9_]+", name) for name in variables), variables

    env_lines = (project / ".env.example").read_text("utf-8").splitlines()
    assert all(line.startswith("# ") or re.fullmatch(r"[A-Z][A-Z0-9_]*=", line) for line in env_lines), env_lines

    dockerfile = (project / "Dockerfile").read_text("utf-8").splitlines()
    assert all(line.startswith(DOCKERFILE_INSTRUCTIONS) for line in dockerfile), dockerfile
    (entrypoint,) = (line for line in dockerfile if line.startswith("ENTRYPOINT "))
    assert json.loads(entrypoint.removeprefix("ENTRYPOINT ")) == [dist]

    readme = (project / "README.md").read_text("utf-8")
    # The title as plain text, placeholders it spells (`__VERSION_LITERAL__`) left alone.
    assert f"An MCP server for the {plain_text(SPEC_DATA['info']['title'])} API" in readme
    for fragment in ("<script", "</", "{{", "{%", "$(", "`touch", '"""'):
        assert fragment not in readme, fragment
    assert readme.count("<!--") == readme.count("-->") == 1  # the template's mcp-name comment

    for path in (project / "pyproject.toml", project / "README.md", project / "Dockerfile", project / ".env.example"):
        text = path.read_text("utf-8")
        assert not ODD_CHARS & set(text), f"{path.name}: {ODD_CHARS & set(text)}"


def test_project_passes_its_own_ruff_and_mypy_strict(project: Path, package: str) -> None:
    ruff = _run(project, "-m", "ruff", "check", "--no-cache", ".")
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = _run(project, "-m", "mypy", "--strict", "--cache-dir", str(MYPY_CACHE), package, "tests", "test_client.py")
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


_IMPORT_CHECK = """
import json
from PKG import auth, main, models, prompts
def aliases(model):
    return sorted(field.alias or name for name, field in model.model_fields.items())
print(json.dumps({
    "tools": [entry["name"] for entry in main.load_tools()["listing"]],
    "instructions": prompts.INSTRUCTIONS,
    "schemes": sorted(auth.SECURITY_SCHEMES),
    "arguments": {name: aliases(model) for name, model in models.ARGUMENTS.items()},
    "results": {name: aliases(model) for name, model in models.RESULTS.items()},
}))
"""


def _properties(schema: dict[str, Any]) -> list[str] | None:
    target = schema
    if isinstance(ref := schema.get("$ref"), str) and ref.startswith("#/$defs/"):
        target = schema["$defs"][ref.removeprefix("#/$defs/")]
    properties = target.get("properties")
    return sorted(properties) if isinstance(properties, dict) else None


def test_project_imports_with_each_tool_mapped_to_its_own_models(project: Path, package: str, toolset: ToolSet) -> None:
    result = _run(project, "-W", "error", "-c", _IMPORT_CHECK.replace("PKG", package))
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["tools"] == [tool.name for tool in toolset.tools]
    assert found["instructions"] == toolset.instructions  # an emoji is one character, not two lone surrogates
    assert "\U0001f600" in found["instructions"]
    assert CONFIG_DATA["instructions"].strip() in found["instructions"]  # then the shared argument descriptions
    assert found["schemes"] == sorted(SPEC_DATA["components"]["securitySchemes"])
    # Every tool's models are its own (get_item2 and get_item_2 share a class stem; `root`'s argument
    # `base_result` is an inline model datamodel-code-generator names BaseResult, like the `base` tool's result).
    for tool in toolset.tools:
        assert found["arguments"][tool.name] == _properties(tool.input_schema), tool.name
        if tool.output_schema is not None and (expected := _properties(tool.output_schema)) is not None:
            assert found["results"][tool.name] == expected, tool.name


def test_project_own_tests_pass(project: Path) -> None:
    result = _run(project, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


@pytest.mark.anyio
async def test_project_serves_every_tool_in_mock_mode(project: Path, package: str, toolset: ToolSet) -> None:
    listing = json.loads((project / package / "tools.json").read_text("utf-8"))["listing"]
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", package, "--mock"],
        cwd=str(project),
        env={**os.environ, "PYTHONPATH": str(project)},
    )
    with anyio.fail_after(60):
        async with Client(params) as client:
            assert client.instructions == toolset.instructions
            tools = (await client.list_tools()).tools
            assert [tool.name for tool in tools] == [entry["name"] for entry in listing]
            served = 0
            for tool, entry in zip(tools, listing, strict=True):
                assert tool.description == entry["description"]
                example = example_value(entry["inputSchema"])
                arguments = example if isinstance(example, dict) else {}
                result = await client.call_tool(tool.name, arguments)
                text = "\n".join(getattr(item, "text", "") for item in result.content)
                if argument_problems(compile_validator(entry["inputSchema"]), arguments):
                    # The example is made from the spec's own defaults, some of which break its schema.
                    assert result.is_error and text.startswith("Invalid arguments"), (tool.name, text)
                else:
                    assert not result.is_error, (tool.name, text)
                    served += 1
            assert served > len(listing) // 2
            await _check_prompts_and_resources(client, toolset)


async def _check_prompts_and_resources(client: Client, toolset: ToolSet) -> None:
    """The config's and the guide's prompts come back as their text with the arguments in it, nothing evaluated;
    every resource reads."""
    catalog = catalog_json(toolset)
    prompts = (await client.list_prompts()).prompts
    assert [prompt.name for prompt in prompts] == ["use_api", "evil"]
    assert prompts[1].title == CONFIG_DATA["prompts"][0]["title"]
    value = "{{other}} {0.__class__} $(touch /tmp/oa2mcp-pwned-value)"
    for prompt in catalog["prompts"]:
        values = {argument["name"]: value for argument in prompt["arguments"]}
        (message,) = (await client.get_prompt(prompt["name"], values)).messages
        assert message.content.text == render_prompt(prompt, values)
    (message,) = (await client.get_prompt("evil", {"payload": "P", "other": "O"})).messages
    template = CONFIG_DATA["prompts"][0]["template"]
    assert message.content.text == template.replace("{{ payload }}", "P").replace("{{other}}", "O")
    resources = (await client.list_resources()).resources
    assert resources[0].uri == "openapi://operations"
    for resource in resources:
        assert (await client.read_resource(resource.uri)).contents


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
