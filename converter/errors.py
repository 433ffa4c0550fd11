"""Locations, diagnostics and the error tree every stage raises.

    ConverterError              fatal; carries a Location; only the CLI catches it (exit 2)
    ├── LoadError               file missing/unreadable, malformed JSON/YAML, refused URL
    ├── RefError                dangling, escaping or refused $ref
    ├── SpecError               the document is not an OpenAPI document we can read
    ├── ConfigError             the config file (or an x-mcp extension) is wrong or names what is not there
    └── OverlayError            the overlay is not an Overlay 1.0 document we can apply

Recoverable problems are not exceptions: they become a `Diagnostic`, the piece is skipped and the
rest is produced.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


def escape_pointer_token(token: str) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    """Undo `escape_pointer_token`."""
    return token.replace("~1", "/").replace("~0", "~")


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a document: the file (as the user named it) and a JSON pointer inside it."""

    file: str
    pointer: tuple[str, ...] = ()

    def child(self, *tokens: str | int) -> Location:
        """The location of a member below this one."""
        return Location(self.file, self.pointer + tuple(map(str, tokens)))

    def parent(self) -> Location:
        """The location of the member that holds this one."""
        return Location(self.file, self.pointer[:-1])

    @property
    def fragment(self) -> str:
        """The JSON pointer as a string, `/paths/~1pets/get`."""
        return "".join("/" + escape_pointer_token(t) for t in self.pointer)

    def __str__(self) -> str:
        return f"{self.file}#{self.fragment}" if self.pointer else self.file


class Severity(enum.Enum):
    """How bad a diagnostic is."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A recoverable problem: the piece at `location` was skipped or changed, the rest was produced."""

    severity: Severity
    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.severity.value}: {self.location}: {self.message}"

    def to_json(self) -> dict[str, str]:
        """The diagnostic as JSON-ready data."""
        return {"severity": self.severity.value, "location": str(self.location), "message": self.message}


class ConverterError(Exception):
    """A fatal problem with the input, reported as `file#/pointer: message` and exit code 2."""

    def __init__(self, location: Location | None, message: str) -> None:
        super().__init__(message)
        self.location = location
        self.message = message

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class LoadError(ConverterError):
    """The document could not be read: missing file, bad syntax, refused URL."""


class RefError(ConverterError):
    """A `$ref` that dangles, escapes the spec's directory, or points at a remote document not allowed."""


class SpecError(ConverterError):
    """The document is readable but is not an OpenAPI/Swagger document we support."""


class ConfigError(ConverterError):
    """The config file (or an `x-mcp` extension) asks for something wrong: an unknown key, a name the spec
    does not have, a rule that matches nothing."""


class OverlayError(ConverterError):
    """The overlay is not a valid Overlay 1.0 document: wrong shape, unsupported version, invalid JSONPath."""
