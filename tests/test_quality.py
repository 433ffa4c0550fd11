"""House rules the suite enforces: ruff (lint + format) and mypy --strict on the package."""

from __future__ import annotations

import subprocess
import sys

import converter
from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint_is_clean() -> None:
    result = _run("ruff", "check", "converter", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run("ruff", "format", "--check", "converter", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_exported_names_exist() -> None:
    for name in converter.__all__:
        assert getattr(converter, name) is not None, name
    public = {n for n in vars(converter) if not n.startswith("_") and n[0].isupper()}
    assert public <= set(converter.__all__)
