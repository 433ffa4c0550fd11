"""The pipeline in one call: load (+ overlays) → parse → select; and for `serve`, the same through the tool
cache."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from converter import served as cache
from converter.clients import access_policy
from converter.config import Config
from converter.errors import ConverterError, Diagnostic, Location, SpecError
from converter.loader import LoadedDocument, is_url, load_document
from converter.model import ApiModel
from converter.parser import parse_api
from converter.selector import Budgets, select_tools
from converter.tools import ToolSet, estimate_tokens

__all__ = ["Shaping", "build_selection", "build_served", "build_toolset", "load_api", "load_overlaid"]


def load_overlaid(source: str, overlays: Sequence[str] = ()) -> tuple[LoadedDocument, list[Diagnostic]]:
    """Load a spec from a path or URL and apply the overlays in order.

    Returns:
        The document, and the overlays' diagnostics (targets that matched nothing, …).

    Raises:
        ConverterError: the spec or an overlay cannot be loaded or applied.
    """
    document = load_document(source)
    notes: list[Diagnostic] = []
    for overlay_path in overlays:
        from converter.overlay import apply_overlay  # noqa: PLC0415  (only overlay users pay for it)

        overlay = load_document(overlay_path)
        if not isinstance(document.data, dict):
            raise SpecError(Location(document.display), "an overlay applies to an OpenAPI document (a mapping)")
        data, diagnostics = apply_overlay(document.data, overlay.data, overlay_uri=overlay.display)
        document = LoadedDocument(data, document.uri, document.display)
        notes.extend(diagnostics)
    return document, notes


def load_api(
    source: str, *, allow_remote_refs: bool = False, overlays: Sequence[str] = ()
) -> tuple[ApiModel, list[Diagnostic]]:
    """`load_overlaid`, then parse.

    Raises:
        ConverterError: the spec or an overlay cannot be loaded, applied, parsed or resolved.
    """
    document, notes = load_overlaid(source, overlays)
    return parse_api(document, allow_remote_refs=allow_remote_refs), notes


@dataclasses.dataclass(frozen=True, slots=True)
class Shaping:
    """How the tools are shaped for the model: `--schema-budget` and `--client-profile` (None: the config's, else
    the default)."""

    schema_budget: int | None = None
    profile: str | None = None

    def or_config(self, config: Config | None) -> Shaping:
        """What is not set here taken from `config`."""
        if config is None:
            return self
        budget = self.schema_budget if self.schema_budget is not None else config.schema_budget
        return Shaping(budget, self.profile or config.client_profile)

    def budgets(self, budgets: Budgets | None = None) -> Budgets | None:
        """`budgets` with the schema budget set, when one is."""
        if self.schema_budget is None:
            return budgets
        return dataclasses.replace(budgets or Budgets(), schema_chars=self.schema_budget)


def _with_notes(toolset: ToolSet, notes: list[Diagnostic]) -> ToolSet:
    return dataclasses.replace(toolset, diagnostics=(*notes, *toolset.diagnostics)) if notes else toolset


def build_toolset(
    source: str,
    *,
    allow_remote_refs: bool = False,
    budgets: Budgets | None = None,
    with_mock: bool = False,
    config: Config | None = None,
    overlays: Sequence[str] = (),
    shaping: Shaping = Shaping(),
) -> ToolSet:
    """Load a spec from a path or URL and turn it into the tools a server exposes (those `config` selects).

    Raises:
        ConverterError: the spec cannot be loaded, parsed or resolved, or the config does not fit it.
    """
    api, notes = load_api(source, allow_remote_refs=allow_remote_refs, overlays=overlays)
    toolset = select_tools(
        api, budgets=shaping.budgets(budgets), with_mock=with_mock, config=config, profile=shaping.profile
    )
    return _with_notes(toolset, notes)


def build_selection(
    source: str,
    *,
    allow_remote_refs: bool = False,
    config: Config | None = None,
    with_all: bool = False,
    overlays: Sequence[str] = (),
    shaping: Shaping = Shaping(),
) -> tuple[ToolSet, tuple[int, int | None] | None]:
    """The tools `config` selects (without schema resources: `inspect` shows tools only) and, with `with_all`,
    the operation count and estimated tools/list tokens of the whole API (None tokens when some unselected
    operation cannot be built), from one parse.

    Raises:
        ConverterError: the spec cannot be loaded, parsed or resolved, or the config does not fit it.
    """
    api, notes = load_api(source, allow_remote_refs=allow_remote_refs, overlays=overlays)
    toolset = _with_notes(
        select_tools(api, config=config, budgets=shaping.budgets(), profile=shaping.profile, with_resources=False),
        notes,
    )
    if not with_all:
        return toolset, None
    try:
        whole = shaping.or_config(config)
        everything = select_tools(api, budgets=whole.budgets(), profile=whole.profile, with_resources=False)
        tokens: int | None = sum(estimate_tokens(tool) for tool in everything.tools)
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
    overlays: Sequence[str] = (),
    shaping: Shaping = Shaping(),
) -> tuple[cache.Served, bool]:
    """What `serve` needs for SPEC, from the cache when nothing it was built from has changed.

    Returns:
        The tools as plain data, and whether they came from the cache.

    Raises:
        ConverterError: the spec cannot be loaded, parsed or resolved.
    """
    options: dict[str, object] = {
        "allow_remote_refs": allow_remote_refs,
        "with_mock": with_mock,
        "schema_budget": shaping.schema_budget,
        "client_profile": shaping.profile,
    }
    # The files that shape the tools besides the spec: their bytes are part of the key (None: unreadable, so
    # the build below reports it).
    if config_path is not None:
        options["config"] = cache.file_digest(config_path)
    if overlays:
        options["overlays"] = [cache.file_digest(path) for path in overlays]
    cacheable = cache_dir is not None and not is_url(source) and not any(is_url(path) for path in overlays)
    key = cache.cache_key(source, options) if cacheable else None
    if key is not None and cache_dir is not None:
        cached = cache.load(cache_dir, key)
        if cached is not None:
            return cached, True
    api, notes = load_api(source, allow_remote_refs=allow_remote_refs, overlays=overlays)
    toolset = select_tools(api, budgets=shaping.budgets(), with_mock=with_mock, config=config, profile=shaping.profile)
    toolset = _with_notes(toolset, notes)
    served = cache.served_from_toolset(toolset, access=access_policy(config, toolset))
    sources = api.schemas.resolver.document_uris
    if key is not None and cache_dir is not None and not any(is_url(uri) for uri in sources):
        cache.store(cache_dir, key, served, sources=sources[1:])
    return served, False
