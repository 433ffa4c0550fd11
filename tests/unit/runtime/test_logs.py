"""Log lines: text or one JSON object each, structured fields, every known secret masked, the level chosen."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from converter.runtime import logs
from converter.runtime.logs import JsonFormatter, TextFormatter, log_level, set_secrets


@pytest.fixture(autouse=True)
def secrets() -> object:
    set_secrets(lambda: ["tok-SECRET-1", "p@ss/word"])
    yield
    set_secrets(list)


def record(message: str, *args: object, fields: dict[str, object] | None = None) -> logging.LogRecord:
    made = logging.LogRecord("oa2mcp.test", logging.WARNING, __file__, 1, message, args, None)
    if fields is not None:
        made.fields = fields
    return made


def test_json_lines_carry_the_fields_and_mask_secrets_even_where_json_escapes_them() -> None:
    line = JsonFormatter().format(
        record('sent "%s" to %s', "tok-SECRET-1", "https://x/?k=p@ss/word", fields={"arguments": {"q": "p@ss/word"}})
    )
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "oa2mcp.test"
    assert entry["message"] == 'sent "***" to https://x/?k=***'
    assert entry["arguments"] == {"q": "***"}
    assert entry["time"].endswith("Z")
    assert "SECRET" not in line


def test_json_lines_include_the_exception_masked() -> None:
    try:
        raise RuntimeError("token tok-SECRET-1 refused")
    except RuntimeError:
        made = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    entry = json.loads(JsonFormatter().format(made))
    assert "RuntimeError: token *** refused" in entry["exception"]


def test_text_lines_append_fields_and_mask_secrets() -> None:
    line = TextFormatter().format(
        record("call with %s", "tok-SECRET-1", fields={"tool": "get_pet", "outcome": "ok", "note": "two words"})
    )
    assert line.endswith(' WARNING oa2mcp.test: call with *** tool=get_pet outcome=ok note="two words"')


def test_level_comes_from_the_option_then_the_environment_then_warning() -> None:
    assert log_level("debug", {"OA2MCP_LOG_LEVEL": "error"}) == "DEBUG"
    assert log_level(None, {"OA2MCP_LOG_LEVEL": "Info"}) == "INFO"
    assert log_level(None, {}) == "WARNING"
    with pytest.raises(ValueError, match="OA2MCP_LOG_LEVEL='loud': expected one of debug, info, warning, error"):
        log_level(None, {"OA2MCP_LOG_LEVEL": "loud"})


def test_announcements_follow_the_format_and_ignore_the_level(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        logs.configure_logging(level="ERROR", fmt="json")
        logs.announce("serving at http://127.0.0.1:1/mcp with tok-SECRET-1")
        logs.configure_logging(level="ERROR", fmt="text")
        logs.announce("plain")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    first, second = capsys.readouterr().err.splitlines()
    assert json.loads(first)["message"] == "serving at http://127.0.0.1:1/mcp with ***"
    assert second == "plain"
