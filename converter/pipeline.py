"""The pipeline in one call: load → parse → select."""

from __future__ import annotations

from converter.loader import load_document
from converter.parser import parse_api
from converter.selector import Budgets, select_tools
from converter.tools import ToolSet


def build_toolset(
    source: str, *, allow_remote_refs: bool = False, budgets: Budgets | None = None, with_mock: bool = False
) -> ToolSet:
    """Load a spec from a path or URL and turn it into the tools a server exposes.

    Raises:
        ConverterError: the spec cannot be loaded, parsed or resolved.
    """
    document = load_document(source)
    api = parse_api(document, allow_remote_refs=allow_remote_refs)
    return select_tools(api, budgets=budgets, with_mock=with_mock)
