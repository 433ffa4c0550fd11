"""Shared test helpers: where fixtures live, and snapshot comparison with one-command regeneration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
UPDATE = os.environ.get("OA2MCP_UPDATE_SNAPSHOTS") == "1"
"""`OA2MCP_UPDATE_SNAPSHOTS=1 python -m pytest` rewrites every snapshot instead of comparing."""


def check_snapshot(name: str, actual: str) -> None:
    """Compare `actual` with tests/snapshots/NAME (or write it when updating)."""
    path = SNAPSHOTS / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"missing snapshot {path}; run OA2MCP_UPDATE_SNAPSHOTS=1 python -m pytest {path.name}")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from the snapshot; if the change is intended, regenerate it"
