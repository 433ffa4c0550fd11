"""The pipeline in one call: load → parse → select; and for `serve`, the same through the tool cache."""

from __future__ import annotations

from pathlib import Path

from converter import served as cache
from converter.config import Config
from converter.errors import ConverterError
from converter.loader import is_url, load_document
from converter.parser import parse_api
from converter.selector import Budgets, select_tools
from converter.tools import ToolSet, estimate_tokens


def build_toolset(
    source: str,
    *,
    allow_remote_refs: bool = False,
    budgets: Budgets | None = None,
    with_mock: bool = False,
    config: Config | None = None,
) -> ToolSet:
    """Load a spec from a path or URL and turn it into the tools a server exposes (those `config` selects).

    Raises:
        ConverterError: the spec cannot be loaded, parsed or resolved, or the config does not fit it.
    """
    document = load_document(source)
    api = parse_api(document, allow_remote_refs=allow_remote_refs)
    return select_tools(api, budgets=budgets, with_mock=with_mock, config=config)


def build_selection(
    source: str, *, allow_remote_refs: bool = False, config: Config | None = None, with_all: bool = False
) -> tuple[ToolSet, tuple[int, int | None] | None]:
    """The tools `config` selects and, with `with_all`, the operation count and estimated tools/list tokens of
    the whole API (None tokens when some unselected operation cannot be built), from one parse.

    Raises:
        ConverterError: the spec cannot be loaded, parsed or resolved, or the config does not fit it.
    """
    document = load_document(source)
    api = parse_api(document, allow_remote_refs=allow_remote_refs)
    toolset = select_tools(api, config=config)
    if not with_all:
        return toolset, None
    try:
        tokens: int | None = sum(estimate_tokens(tool) for tool in select_tools(api).tools)
    except ConverterError:
        tokens = None
    return toolset, (len(api.operations), tokens)


def build_served(
    source: str,
    *,
    allow_remote_refs: bool = False,
    with_mock: bool = False,
    cache_dir: Path | None = None,
    config: Config | None = None,
    config_path: str | None = None,
) -> tuple[cache.Served, bool]:
    """What `serve` needs for SPEC, from the cache when nothing it was built from has changed.

    Returns:
        The tools as plain data, and whether they came from the cache.

    Raises:
        ConverterError: the spec cannot be loaded, parsed or resolved.
    """
    options: dict[str, object] = {"allow_remote_refs": allow_remote_refs, "with_mock": with_mock}
    if config_path is not None:
        options["config"] = cache.file_digest(config_path)  # None (unreadable): the key still differs
    key = cache.cache_key(source, options) if cache_dir is not None and not is_url(source) else None
    if key is not None and cache_dir is not None:
        cached = cache.load(cache_dir, key)
        if cached is not None:
            return cached, True
    document = load_document(source)
    api = parse_api(document, allow_remote_refs=allow_remote_refs)
    served = cache.served_from_toolset(select_tools(api, with_mock=with_mock, config=config))
    sources = api.schemas.resolver.document_uris
    if key is not None and cache_dir is not None and not any(is_url(uri) for uri in sources):
        cache.store(cache_dir, key, served, sources=sources[1:])
    return served, False
