"""The `oa2mcp` command as a user runs it: a real subprocess, stdout/stderr and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, check_snapshot

# bad-operation.yaml converts (with a diagnostic): see test_bad_operation_is_skipped_with_a_diagnostic.
INVALID = sorted(
    p for p in (FIXTURES / "invalid").iterdir() if p.suffix in (".yaml", ".json") and p.name != "bad-operation.yaml"
)


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "converter", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize("spec", INVALID, ids=[p.name for p in INVALID])
def test_invalid_spec_gives_one_located_line_and_exit_2(spec: Path) -> None:
    result = run("inspect", str(spec.relative_to(ROOT)))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"oa2mcp: fixtures/invalid/{spec.name}")
    check_snapshot(f"invalid/{spec.stem}{spec.suffix}.txt", result.stderr)


def test_bad_operation_is_skipped_with_a_diagnostic() -> None:
    result = run("inspect", "--json", "fixtures/invalid/bad-operation.yaml")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert [t["binding"]["method"] + " " + t["binding"]["path"] for t in data["tools"]] == ["GET /pets"]
    (diagnostic,) = data["diagnostics"]
    assert diagnostic["severity"] == "error"
    assert diagnostic["location"] == "fixtures/invalid/bad-operation.yaml#/paths/~1pets/post/parameters"


def test_missing_file_is_an_error_not_a_traceback() -> None:
    result = run("inspect", "no/such/spec.yaml")
    assert result.returncode == 2
    assert result.stderr == "oa2mcp: no/such/spec.yaml: no such file\n"


def test_inspect_table_lists_tools_and_total() -> None:
    result = run("inspect", "fixtures/petstore-3.0.yaml")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["TOOL", "METHOD", "PATH", "ARGS", "TOKENS"]
    assert any(line.split()[:3] == ["list_pets", "GET", "/pets"] for line in lines)
    assert lines[-1].startswith("17 tools, ~") and lines[-1].endswith("tokens in tools/list (Pet Shelter 1.4.0)")


def test_inspect_json_has_tools_list_shape_and_binding() -> None:
    result = run("inspect", "--json", "fixtures/petstore-3.1.yaml")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"tools", "diagnostics"}
    tool = next(t for t in data["tools"] if t["name"] == "pets_get_by_id")
    assert {"name", "title", "description", "inputSchema", "outputSchema", "annotations", "binding"} <= set(tool)
    assert tool["binding"]["method"] == "GET"
    assert tool["binding"]["path"] == "/pets/{id}"
    assert {"arg": "query_id", "in": "query", "name": "id"}.items() <= tool["binding"]["args"][1].items()


def test_multi_file_spec_resolves_relative_refs_from_another_directory(tmp_path: Path) -> None:
    result = run("inspect", "--json", str(FIXTURES / "multi-file" / "openapi.yaml"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    tools = {t["name"]: t for t in json.loads(result.stdout)["tools"]}
    assert "amount" in json.dumps(tools["create_order"]["inputSchema"])


def test_validate_accepts_valid_specs() -> None:
    for spec in ("fixtures/petstore-3.0.yaml", "fixtures/petstore-2.0.json", "fixtures/multi-file/openapi.yaml"):
        result = run("validate", spec)
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"{spec}: valid\n"


def test_validate_lists_problems_with_locations_and_exits_2() -> None:
    result = run("validate", "fixtures/invalid/paths-not-object.yaml")
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("fixtures/invalid/paths-not-object.yaml#/paths: ")
    assert lines[-1] == "fixtures/invalid/paths-not-object.yaml: invalid (1 problem)"


def test_validate_refuses_refs_outside_the_spec_directory() -> None:
    result = run("validate", "fixtures/invalid/escaping-ref.yaml")
    assert result.returncode == 2
    assert "points outside the spec's directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_describes_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "inspect" in result.stdout and "validate" in result.stdout
    result = run("inspect", "--help")
    assert "--allow-remote-refs" in result.stdout and "--json" in result.stdout


def test_console_script_entry_point_is_declared() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'oa2mcp = "converter.cli:main"' in text


def test_validate_reports_dangling_refs_the_schema_check_misses() -> None:
    result = run("validate", "fixtures/invalid/dangling-ref.yaml")
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == (
        "fixtures/invalid/dangling-ref.yaml#/paths/~1pets/post/requestBody/content/application~1json/schema/$ref: "
        "unresolvable $ref: nothing at fixtures/invalid/dangling-ref.yaml#/components/schemas/Missing"
    )


def test_call_prints_the_result_and_exits_1_on_a_tool_error() -> None:
    from tests.e2e.upstream import run_upstream

    with run_upstream() as upstream:
        upstream_args = ("--base-url", f"{upstream.url}/v1", "--auth", "api_key=k-1")
        ok = run("call", "fixtures/petstore-3.0.yaml", "pets_get_by_id", "--arg", "id=7", *upstream_args)
        assert ok.returncode == 0, ok.stderr
        assert '"name": "Rex"' in ok.stdout and "structuredContent" in ok.stdout
        assert upstream.last().headers["api_key"] == "k-1"
        bad = run("call", "fixtures/petstore-3.0.yaml", "pets_get_by_id", "--args", '{"id": "x"}', *upstream_args)
    assert bad.returncode == 1
    assert bad.stdout.startswith("ERROR\nInvalid arguments:")


def test_call_with_an_unknown_tool_or_bad_json_is_a_usage_error() -> None:
    result = run("call", "fixtures/petstore-3.0.yaml", "no_such_tool")
    assert result.returncode == 2 and "no tool 'no_such_tool'" in result.stderr
    result = run("call", "fixtures/petstore-3.0.yaml", "list_pets", "--args", "{nope")
    assert result.returncode == 2 and "--args" in result.stderr and "Traceback" not in result.stderr


def test_overlays_apply_before_conversion_and_their_errors_are_located() -> None:
    overlay = str(FIXTURES / "overlays" / "petstore-3.0.overlay.yaml")
    result = run("inspect", str(FIXTURES / "petstore-3.0.yaml"), "--overlay", overlay, "--json")
    assert result.returncode == 0, result.stderr
    tools = {tool["name"]: tool for tool in json.loads(result.stdout)["tools"]}
    assert "delete_pet" not in tools  # x-mcp: false, added by the overlay
    assert "find_pets_by_tags" not in tools  # its path removed by the overlay
    assert "list_pets" in tools
    bad = FIXTURES / "overlays" / "invalid" / "unsupported-version.yaml"
    result = run("inspect", str(FIXTURES / "petstore-3.0.yaml"), "--overlay", str(bad))
    assert result.returncode == 2
    assert result.stderr.strip().endswith("#/overlay: unsupported Overlay version '1.1.0'; only 1.0.x is supported")
    assert "Traceback" not in result.stderr


def test_init_writes_a_starter_config_that_inspect_accepts(tmp_path: Path) -> None:
    target = tmp_path / "oa2mcp.yaml"
    result = run("init", str(FIXTURES / "petstore-3.0.yaml"), "-o", str(target))
    assert result.returncode == 0, result.stderr
    text = target.read_text(encoding="utf-8")
    assert '    - "listPets"' in text and "# GET /pets -> list_pets ~" in text
    again = run("init", str(FIXTURES / "petstore-3.0.yaml"), "-o", str(target))
    assert again.returncode == 2 and "exists; pass --force" in again.stderr
    result = run("inspect", "--config", str(target))
    assert result.returncode == 0, result.stderr
    # All 17: the starter's `deprecated: exclude` does not drop the deprecated findPetsByTags, because the
    # starter names every operation in include.operations, and naming one wins.
    assert "17 tools" in result.stdout and "selection: 17 operations" in result.stdout


def test_lint_reports_each_finding_with_its_location_and_exits_1() -> None:
    result = run("lint", "fixtures/poisoned.yaml")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert 'fixtures/poisoned.yaml#/paths/~1notes/get/description: instruction-override: "… Ignore all' in lines[0]
    assert any("hidden-markup: HTML comment" in line for line in lines)
    assert any("invisible-unicode: U+200B ZERO WIDTH SPACE" in line for line in lines)
    assert result.stderr.strip() == f"fixtures/poisoned.yaml: {len(lines)} findings"
    clean = run("lint", "fixtures/petstore-3.0.yaml")
    assert (clean.returncode, clean.stdout) == (0, "")


def test_inspect_flags_poisoned_text_the_model_would_be_shown() -> None:
    result = run("inspect", "fixtures/poisoned.yaml")
    assert result.returncode == 0  # a warning, not a failure: `lint` is the gate
    assert (
        "warning: fixtures/poisoned.yaml#/paths/~1notes/get: tool list_notes, description: instruction-override:"
        in result.stderr
    )
    # The zero-width space hid "ignore" from a naive filter; the cleaned text the model reads is flagged.
    assert "tool create_note, inputSchema/properties/text/description: instruction-override:" in result.stderr


def test_diff_flags_breaking_changes_with_exit_1_and_none_with_exit_0() -> None:
    v1, v2 = "fixtures/diff/petstore-v1.yaml", "fixtures/diff/petstore-v2.yaml"
    breaking = run("diff", v1, v2)
    assert breaking.returncode == 1, breaking.stderr
    assert "  BREAKING  tool renamed from list_pets (same operation: GET /pets)" in breaking.stdout
    assert breaking.stdout.rstrip().endswith("10 changes, 6 breaking")
    as_json = json.loads(run("diff", v1, v2, "--json").stdout)
    assert as_json["summary"] == {"changes": 10, "breaking": 6}
    same = run("diff", v1, v1)
    assert (same.returncode, same.stdout.strip()) == (0, "0 changes, 0 breaking")
    # A config that fits the old spec but not the new one is itself a breaking change.
    unfit = run("diff", v1, v2, "--config", "fixtures/configs/pets.yaml")
    assert unfit.returncode == 1
    assert unfit.stdout.startswith("BREAKING  the config no longer fits fixtures/diff/petstore-v2.yaml:")
    missing = run("diff", v1, "fixtures/diff/nope.yaml")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_serve_call_and_generated_servers_take_the_runtime_options_of_one_table() -> None:
    from converter.runtime.app import runtime_parser
    from converter.runtime.options import OPTIONS

    generated = {flag for action in runtime_parser("x", "y")._actions for flag in action.option_strings}
    serve_help, call_help = run("serve", "--help").stdout, run("call", "--help").stdout
    for option in OPTIONS:
        assert option.flag in generated
        assert option.flag in serve_help
        assert (option.flag in call_help) == (option.scope == "upstream"), option.flag
    # Same ranges on both sides: an out-of-range port is refused by each, with exit 2.
    assert run("serve", "fixtures/petstore-3.0.yaml", "--port", "70000").returncode == 2
    with pytest.raises(SystemExit) as exit_info:
        runtime_parser("x", "y").parse_args(["--port", "70000"])
    assert exit_info.value.code == 2
