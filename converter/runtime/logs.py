"""Logging on stderr, as text or one JSON object per line, with every known secret masked in whatever is
written — the runtime's own lines, the audit lines, uvicorn's, httpx's and the MCP SDK's alike.

Masking happens in the formatter, at the last moment, so no logger anywhere can leak a credential, an OAuth2
token fetched since start, or a secret-looking `--header` value; the secrets are looked up per line, since
tokens change while the server runs.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["JsonFormatter", "TextFormatter", "announce", "configure_logging", "log_level", "set_secrets"]

LEVELS = ("debug", "info", "warning", "error")
_MASK = "***"


@dataclass
class _Settings:
    """What `configure_logging` and `set_secrets` chose: logging's own configuration is process-wide too."""

    secrets: Callable[[], Iterable[str]] = list
    format: str = "text"


_settings = _Settings()


def set_secrets(source: Callable[[], Iterable[str]]) -> None:
    """Mask the values `source()` returns in every log line from now on (e.g. `Authenticator.secrets`)."""
    _settings.secrets = source


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields a record carries: `logger.info(..., extra={"fields": {...}})`."""
    fields = getattr(record, "fields", None)
    return dict(fields) if isinstance(fields, Mapping) else {}


def _mask(line: str, secrets: Iterable[str], *, json_line: bool = False) -> str:
    """`line` with each secret (of 4 characters or more) replaced by `***`; in a JSON line, the secret as JSON
    escapes it (a quote or a backslash in it is escaped there)."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        line = line.replace(json.dumps(secret, ensure_ascii=False)[1:-1] if json_line else secret, _MASK)
    return line


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message key=value ...`, secrets masked."""

    def __init__(self) -> None:
        """The runtime's text format."""
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """The line for `record`, its fields appended as `key=value` (JSON for anything but plain words)."""
        text = super().format(record)
        fields = _fields(record)
        if fields:
            text += "".join(f" {key}={_text_value(value)}" for key, value in fields.items())
        return _mask(text, _settings.secrets())


def _text_value(value: Any) -> str:
    if isinstance(value, str) and value and not any(c.isspace() or c in "\"'=" for c in value):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: `time` (UTC, ISO 8601), `level`, `logger`, `message`, the record's fields,
    and `exception` (the formatted traceback) when there is one; secrets masked in every string."""

    def format(self, record: logging.LogRecord) -> str:
        """The JSON line for `record`."""
        secrets = _settings.secrets()
        entry: dict[str, Any] = {
            "time": _utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in _fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return _mask(json.dumps(entry, ensure_ascii=False, default=str), secrets, json_line=True)


def _utc(created: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + f".{int(created % 1 * 1000):03d}Z"


def log_level(value: str | None, environ: Mapping[str, str]) -> str:
    """The level to log at: `--log-level`, else `OA2MCP_LOG_LEVEL`, else warning (upper-case, for `logging`).

    Raises:
        ValueError: `OA2MCP_LOG_LEVEL` names no level.
    """
    chosen = value or environ.get("OA2MCP_LOG_LEVEL") or "warning"
    if chosen.lower() not in LEVELS:
        raise ValueError(f"OA2MCP_LOG_LEVEL={chosen!r}: expected one of {', '.join(LEVELS)}")
    return chosen.upper()


def configure_logging(*, level: str, fmt: str = "text") -> None:
    """Send every logger's lines to stderr at `level` (e.g. `WARNING`), as `fmt` (`text` or `json`).

    Replaces what an earlier call installed, so it can be called again with other settings.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h.formatter, JsonFormatter | TextFormatter)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    _settings.format = fmt


def announce(message: str, *, level: str = "INFO") -> None:
    """Write a line on stderr whatever the log level (where the server listens, why it cannot start, that
    TLS is not verified), in the log format in use: a supervisor reading JSON logs gets JSON here too.

    Args:
        message: The text; shown as is in the text format.
        level: The `level` of the JSON object.
    """
    if _settings.format == "json":
        entry = {"time": _utc(time.time()), "level": level, "logger": "oa2mcp", "message": message}
        line = _mask(json.dumps(entry, ensure_ascii=False), _settings.secrets(), json_line=True)
    else:
        line = _mask(message, _settings.secrets())
    print(line, file=sys.stderr, flush=True)
