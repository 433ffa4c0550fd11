"""Fixtures of the end-to-end tests: the asyncio backend and one real upstream per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.upstream import Upstream, run_upstream


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def upstream() -> Iterator[Upstream]:
    with run_upstream() as running:
        yield running
