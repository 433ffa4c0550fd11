"""Shared test helpers: where fixtures live, and snapshot comparison with one-command regeneration."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A directory and the http://127.0.0.1 base URL it is served at, for the test's duration."""
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(autouse=True, scope="session")
def _isolated_tool_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`serve` caches built tools; the tests (and the servers they spawn) use a cache of their own."""
    previous = os.environ.get("OA2MCP_CACHE_DIR")
    os.environ["OA2MCP_CACHE_DIR"] = str(tmp_path_factory.mktemp("tool-cache"))
    yield
    if previous is None:
        os.environ.pop("OA2MCP_CACHE_DIR", None)
    else:
        os.environ["OA2MCP_CACHE_DIR"] = previous
