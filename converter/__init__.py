"""oa2mcp: turn an OpenAPI document into MCP tools, a live MCP server, or generated server source."""

from converter.errors import (
    ConfigError,
    ConverterError,
    Diagnostic,
    LoadError,
    Location,
    OverlayError,
    RefError,
    Severity,
    SpecError,
)

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "ConverterError",
    "Diagnostic",
    "LoadError",
    "Location",
    "OverlayError",
    "RefError",
    "Severity",
    "SpecError",
    "__version__",
    "build_toolset",
]


def __getattr__(name: str) -> object:
    # The pipeline imports PyYAML and the whole parser; `import converter` for an error class should not.
    if name == "build_toolset":
        from converter.pipeline import build_toolset  # noqa: PLC0415

        return build_toolset
    raise AttributeError(name)
