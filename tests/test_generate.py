"""`oa2mcp generate`: golden trees, determinism, the runtime shipped verbatim, `--check`, and the generated
project's own quality gates and tests.

Regenerate the golden trees after an intended change:
    OA2MCP_UPDATE_SNAPSHOTS=1 python -m pytest -q tests/test_generate.py
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from converter.codegen.project import MANIFEST, ProjectOptions, generate_project, runtime_sources
from converter.config import load_config
from converter.pipeline import build_toolset
from tests.conftest import FIXTURES, ROOT, UPDATE

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = {
    # name: (spec, config, --name)
    "petstore": (FIXTURES / "petstore-3.0.yaml", None, None),
    "github-issue-triage": (None, FIXTURES / "configs" / "github-issue-triage.yaml", "github_triage_mcp"),
}
VENV_BIN = Path(sys.executable).parent


@functools.cache
def project(name: str) -> dict[str, str]:
    spec, config_path, package = CASES[name]
    config = load_config(str(config_path)) if config_path else None
    source = str(spec) if spec else str(config_path.parent / config.spec)  # type: ignore[union-attr]
    toolset = build_toolset(source, config=config, with_mock=True)
    return generate_project(toolset, ProjectOptions(package=package, spec_name=Path(source).name))


def _package(files: dict[str, str]) -> str:
    return next(path.split("/")[0] for path in files if path.endswith("/main.py"))


def _golden_files(files: dict[str, str]) -> dict[str, str]:
    """The files compared with the golden tree: all but the runtime, which is checked against oa2mcp's own."""
    runtime = f"{_package(files)}/runtime/"
    return {path: text for path, text in files.items() if not path.startswith(runtime)}


def write(files: dict[str, str], root: Path) -> Path:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_project_matches_its_golden_tree(name: str) -> None:
    files = _golden_files(project(name))
    root = GOLDEN / name
    if UPDATE:
        shutil.rmtree(root, ignore_errors=True)
        write(files, root)
        return
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert on_disk == set(files), "files differ from the golden tree; regenerate it if the change is intended"
    for path, text in files.items():
        assert (root / path).read_text(encoding="utf-8") == text, f"{name}/{path} differs from the golden tree"


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_runtime_is_shipped_verbatim(name: str) -> None:
    files = project(name)
    package = _package(files)
    shipped = {path.removeprefix(f"{package}/runtime/"): text for path, text in files.items() if "/runtime/" in path}
    assert shipped == runtime_sources()
    assert shipped == {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "converter" / "runtime").glob("*.py")}


def test_generation_is_deterministic_and_has_no_absolute_paths(tmp_path: Path) -> None:
    spec = tmp_path / "somewhere" / "api.yaml"
    spec.parent.mkdir()
    shutil.copy(FIXTURES / "petstore-3.0.yaml", spec)
    elsewhere = build_toolset(str(spec), with_mock=True)
    again = generate_project(elsewhere, ProjectOptions(spec_name="petstore-3.0.yaml"))
    assert again == project("petstore")
    for path, text in again.items():
        for leak in (str(tmp_path), str(ROOT), os.path.expanduser("~")):
            assert leak not in text, f"{path} contains the absolute path {leak}"
    assert again[MANIFEST].splitlines() == sorted(again)


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "converter", *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_check_says_current_or_stale_with_a_diff_and_writing_removes_only_stale_generated_files(
    tmp_path: Path,
) -> None:
    out = tmp_path / "server"
    spec = str(FIXTURES / "petstore-3.0.yaml")
    first = run_cli("generate", spec, "-o", str(out))
    assert first.returncode == 0, first.stderr
    assert (out / "pet_shelter_mcp" / "main.py").exists()
    assert f"Next: pip install '{out}[test]' && pytest {out}/tests" in first.stderr  # an absolute path as it is
    relative = run_cli("generate", spec, "-o", "server", cwd=tmp_path)
    assert "Next: pip install './server[test]' && pytest server/tests" in relative.stderr  # pip needs the ./
    current = run_cli("generate", spec, "-o", str(out), "--check")
    assert (current.returncode, current.stdout) == (0, "")
    assert "up to date" in current.stderr

    prompts = out / "pet_shelter_mcp" / "prompts.py"
    prompts.write_text(prompts.read_text(encoding="utf-8").replace("Pet Shelter", "Pet Hotel"), encoding="utf-8")
    (out / "pet_shelter_mcp" / "auth.py").unlink()
    notes = out / "NOTES.md"  # the user's own file: never touched
    notes.write_text("mine\n", encoding="utf-8")
    stale = run_cli("generate", spec, "-o", str(out), "--check")
    assert stale.returncode == 1
    assert "--- a/pet_shelter_mcp/prompts.py\n+++ b/pet_shelter_mcp/prompts.py\n" in stale.stdout
    assert '-    "You can use the Pet Hotel API' in stale.stdout
    assert "--- /dev/null\n+++ b/pet_shelter_mcp/auth.py\n" in stale.stdout
    assert "NOTES.md" not in stale.stdout
    assert "stale" in stale.stderr

    # A file the previous run wrote that this one does not is removed; the user's files stay.
    old = out / "pet_shelter_mcp" / "legacy.py"
    old.write_text("# generated once\n", encoding="utf-8")
    manifest = out / MANIFEST
    manifest.write_text(manifest.read_text(encoding="utf-8") + "pet_shelter_mcp/legacy.py\n", encoding="utf-8")
    rewrite = run_cli("generate", spec, "-o", str(out))
    assert rewrite.returncode == 0, rewrite.stderr
    assert not old.exists() and notes.exists() and (out / "pet_shelter_mcp" / "auth.py").exists()
    assert run_cli("generate", spec, "-o", str(out), "--check").returncode == 0


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_project_passes_ruff_mypy_and_its_own_tests(name: str, tmp_path: Path) -> None:
    files = project(name)
    package = _package(files)
    root = write(files, tmp_path / "server")
    ruff = subprocess.run(
        [str(VENV_BIN / "ruff"), "check", "--no-cache", "."], cwd=root, capture_output=True, text=True, check=False
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = subprocess.run(
        [str(VENV_BIN / "mypy"), "--no-incremental", package, "tests", "test_client.py"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    env = {**os.environ, "PYTHONPATH": str(root)}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert tests.returncode == 0, tests.stdout[-3000:] + tests.stderr[-3000:]
    assert "2 passed" in tests.stdout
