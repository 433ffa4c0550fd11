"""The tool cache behind `serve`: a hit gives the same tools; any change to a spec file means a rebuild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from converter.pipeline import build_served
from tests.conftest import FIXTURES


def copy_multi_file(tmp_path: Path) -> Path:
    target = tmp_path / "spec"
    shutil.copytree(FIXTURES / "multi-file", target)
    return target / "openapi.yaml"


def test_second_build_comes_from_the_cache_and_is_identical(tmp_path: Path) -> None:
    spec = copy_multi_file(tmp_path)
    fresh, cached_first = build_served(str(spec), cache_dir=tmp_path / "cache")
    again, cached_second = build_served(str(spec), cache_dir=tmp_path / "cache")
    assert (cached_first, cached_second) == (False, True)
    assert again.to_json() == json.loads(json.dumps(fresh.to_json()))
    assert again.catalog["schemas"] and again.catalog["prompts"]  # prompts and resources are cached too
    # The runtime's table comes back whole, although its schemas are written only once (in the listing).
    assert again.table == json.loads(json.dumps(fresh.table))
    assert all(again.table[entry["name"]]["inputSchema"] is entry["inputSchema"] for entry in again.listing)


def test_editing_the_spec_or_a_file_it_refers_to_rebuilds(tmp_path: Path) -> None:
    spec = copy_multi_file(tmp_path)
    cache_dir = tmp_path / "cache"
    build_served(str(spec), cache_dir=cache_dir)
    common = spec.parent / "schemas" / "common.yaml"
    common.write_text(common.read_text(encoding="utf-8").replace("Decimal amount", "Amount"), encoding="utf-8")
    served, cached = build_served(str(spec), cache_dir=cache_dir)
    assert not cached
    assert "Amount as a string" in json.dumps(served.listing)
    spec.write_text(spec.read_text(encoding="utf-8").replace("Shelter Shop", "Shelter Store"), encoding="utf-8")
    served, cached = build_served(str(spec), cache_dir=cache_dir)
    assert not cached and served.name == "Shelter Store"


def test_options_are_part_of_the_key_and_a_corrupt_entry_is_ignored(tmp_path: Path) -> None:
    spec = copy_multi_file(tmp_path)
    cache_dir = tmp_path / "cache"
    build_served(str(spec), cache_dir=cache_dir)
    _, cached = build_served(str(spec), cache_dir=cache_dir, with_mock=True)
    assert not cached
    for entry in cache_dir.glob("*.json"):
        entry.write_text("{not json", encoding="utf-8")
    served, cached = build_served(str(spec), cache_dir=cache_dir)
    assert not cached and len(served.listing) == 4


def test_no_cache_dir_means_no_cache(tmp_path: Path) -> None:
    spec = copy_multi_file(tmp_path)
    assert build_served(str(spec), cache_dir=None)[1] is False
    assert build_served(str(spec), cache_dir=None)[1] is False
