"""`oa2mcp … --config FILE` as a user runs it: each bad config is one located line and exit 2 (snapshotted), and
the example config's ToolSet is snapshotted like the fixture specs'."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from converter.config import load_config
from converter.pipeline import build_toolset
from tests.conftest import FIXTURES, ROOT, SNAPSHOTS, check_snapshot
from tests.test_cli import run

INVALID_CONFIGS = sorted((FIXTURES / "invalid-configs").glob("*.yaml"))


def test_there_is_a_bad_config_per_readme_entry() -> None:
    readme = (FIXTURES / "invalid-configs" / "README.md").read_text(encoding="utf-8")
    assert len(INVALID_CONFIGS) >= 12
    assert all(f"`{path.name}`" in readme for path in INVALID_CONFIGS)


@pytest.mark.parametrize("config", INVALID_CONFIGS, ids=[p.name for p in INVALID_CONFIGS])
def test_invalid_config_gives_one_located_line_and_exit_2(config: Path) -> None:
    relative = config.relative_to(ROOT).as_posix()
    result = run("inspect", "--config", relative)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"oa2mcp: {relative}")  # located in the config, not in the spec
    check_snapshot(f"invalid-configs/{config.name}.txt", result.stderr)


def test_serve_refuses_a_bad_config_with_the_same_line() -> None:
    served = run("serve", "--config", "fixtures/invalid-configs/unknown-tag.yaml")
    assert served.returncode == 2
    assert served.stderr == (SNAPSHOTS / "invalid-configs" / "unknown-tag.yaml.txt").read_text(encoding="utf-8")


def test_a_config_error_is_a_location_inside_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "oa2mcp.yaml"
    config.write_text(f"spec: {FIXTURES / 'petstore-3.0.yaml'}\ntools:\n  listPets:\n    nmae: x\n", encoding="utf-8")
    result = run("inspect", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr == f"oa2mcp: {config}#/tools/listPets/nmae: unknown key 'nmae' (did you mean 'name'?)\n"


def test_the_example_config_toolset_matches_the_snapshot() -> None:
    config = load_config("fixtures/configs/pets.yaml")
    toolset = build_toolset("fixtures/petstore-3.0.yaml", config=config)
    assert [tool.name for tool in toolset.tools] == [
        "find_pets",
        "create_pet",
        "import_pets",
        "get_pet",
        "pets_update",
        "find_shelters",
    ]
    assert len(toolset.tools[-1].description) <= 400  # descriptions.max_chars
    check_snapshot("configs/pets.json", json.dumps(toolset.to_json(), indent=2, ensure_ascii=False) + "\n")
