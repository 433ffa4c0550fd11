"""Tests for converter.runtime.response: every kind of upstream response becomes the right tool result."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import mcp_types as types
import pytest

from converter.runtime.response import (
    DEFAULT_MAX_RESPONSE_BYTES,
    ERROR_BODY_LIMIT,
    error_result,
    render_json,
    response_to_result,
)

URL = "https://api.example.com/v1/pets/7"


def _response(
    status: int,
    content: bytes = b"",
    *,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    url: str = URL,
) -> httpx.Response:
    all_headers = dict(headers or {})
    if content_type is not None:
        all_headers["content-type"] = content_type
    return httpx.Response(status, headers=all_headers, content=content, request=httpx.Request(method, url))


def _result(response: httpx.Response, *, truncated: bool = False, **kwargs: Any) -> types.CallToolResult:
    return response_to_result(response, body=response.content, truncated=truncated, **kwargs)


def _only_text(result: types.CallToolResult) -> str:
    assert len(result.content) == 1
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


def _texts(result: types.CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, types.TextContent))


def test_default_max_response_bytes_is_one_megabyte() -> None:
    assert DEFAULT_MAX_RESPONSE_BYTES == 1_000_000


def test_error_result_is_one_text_marked_error() -> None:
    result = error_result("missing argument 'petId'")
    assert result.is_error is True
    assert _only_text(result) == "missing argument 'petId'"
    assert result.structured_content is None


def test_render_json_is_one_spaced_line_keeping_unicode() -> None:
    assert render_json({"name": "Käthe", "tags": [1, 2]}) == '{"name": "Käthe", "tags": [1, 2]}'


def test_json_without_output_schema_is_text_only() -> None:
    result = _result(_response(200, b'{"id":7,"name":"Rex"}', content_type="application/json; charset=utf-8"))
    assert result.is_error is False
    assert _only_text(result) == '{"id": 7, "name": "Rex"}'
    assert result.structured_content is None


def test_json_matching_output_schema_is_structured() -> None:
    seen: list[Any] = []

    def ok(value: Any) -> bool:
        seen.append(value)
        return True

    result = _result(_response(200, b'{"id":7}', content_type="application/json"), output_schema_ok=ok)
    assert result.is_error is False
    assert result.structured_content == {"id": 7}
    assert seen == [{"id": 7}]
    assert _only_text(result) == '{"id": 7}'


def test_plus_json_content_type_is_json() -> None:
    result = _result(_response(201, b'{"a": 1}', content_type="application/vnd.api+json"), output_schema_ok=bool)
    assert result.structured_content == {"a": 1}


def test_json_not_matching_output_schema_is_text_with_note_and_no_structured_content() -> None:
    result = _result(_response(200, b'{"id":"x"}', content_type="application/json"), output_schema_ok=lambda _: False)
    assert result.structured_content is None
    # MCP clients reject a non-error result without conforming structured content, so it is an error
    # whose text says the request itself succeeded.
    assert result.is_error is True
    text = _only_text(result)
    assert text.startswith('{"id": "x"}\n')
    assert "does not match the declared output schema; sent as text" in text
    assert "the request succeeded" in text


def test_json_array_with_output_schema_is_never_structured() -> None:
    calls: list[Any] = []

    def ok(value: Any) -> bool:
        calls.append(value)
        return True

    result = _result(_response(200, b"[1, 2]", content_type="application/json"), output_schema_ok=ok)
    assert result.structured_content is None
    assert calls == []
    assert "does not match the declared output schema" in _only_text(result)


def test_invalid_json_is_text_as_is_with_note() -> None:
    result = _result(_response(200, b"{not json", content_type="application/json"))
    assert result.is_error is False
    text = _only_text(result)
    assert text.startswith("{not json\n")
    assert "not valid JSON" in text
    assert result.structured_content is None


def test_truncated_json_is_text_with_note_never_structured() -> None:
    response = _response(
        200, b'{"items": [1, 2, 3, 4]}', content_type="application/json", headers={"content-length": "500"}
    )
    result = response_to_result(response, body=b'{"items": [1, 2', truncated=True)
    assert result.is_error is False
    assert result.structured_content is None
    assert _only_text(result) == '{"items": [1, 2\n[response truncated at 15 bytes of 500]'


def test_truncated_json_with_output_schema_is_not_structured() -> None:
    response = _response(200, b'{"id": 1}', content_type="application/json")
    result = response_to_result(response, body=b'{"id": 1}', truncated=True, output_schema_ok=lambda _: True)
    assert result.structured_content is None
    assert "[response truncated at 9 bytes of more]" in _texts(result)


def test_truncation_without_content_length_says_more() -> None:
    response = httpx.Response(
        200,
        headers={"content-type": "text/plain"},
        stream=httpx.ByteStream(b"abcdef"),
        request=httpx.Request("GET", URL),
    )
    result = response_to_result(response, body=b"abc", truncated=True)
    assert _only_text(result) == "abc\n[response truncated at 3 bytes of more]"


def test_truncation_of_compressed_response_ignores_its_content_length() -> None:
    response = _response(
        200, b"x", content_type="text/plain", headers={"content-length": "10", "content-encoding": "gzip"}
    )
    result = response_to_result(response, body=b"abcdefghijkl", truncated=True)
    assert _only_text(result).endswith("[response truncated at 12 bytes of more]")


def test_truncated_utf8_drops_the_cut_character() -> None:
    body = "ab€".encode()[:-1]
    result = response_to_result(_response(200, b"", content_type="text/plain"), body=body, truncated=True)
    assert _only_text(result).startswith("ab\n[response truncated")


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/csv; charset=utf-8",
        "application/xml",
        "application/atom+xml",
        "application/x-www-form-urlencoded",
    ],
)
def test_textual_types_are_text(content_type: str) -> None:
    result = _result(_response(200, "a=1&b=ü".encode(), content_type=content_type))
    assert result.is_error is False
    assert _only_text(result) == "a=1&b=ü"


def test_text_uses_declared_charset() -> None:
    result = _result(_response(200, "Grüße".encode("latin-1"), content_type="text/plain; charset=iso-8859-1"))
    assert _only_text(result) == "Grüße"


def test_missing_content_type_with_utf8_body_is_text() -> None:
    result = _result(_response(200, "plain ✓".encode()))
    assert _only_text(result) == "plain ✓"


def test_missing_content_type_with_binary_body_is_blob() -> None:
    result = _result(_response(200, b"\xff\xfe\x00\x81"))
    block = result.content[0]
    assert isinstance(block, types.EmbeddedResource)
    assert isinstance(block.resource, types.BlobResourceContents)
    assert block.resource.mime_type == "application/octet-stream"


def test_image_is_image_content() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00"
    result = _result(_response(200, png, content_type="image/png"))
    assert result.is_error is False
    block = result.content[0]
    assert isinstance(block, types.ImageContent)
    assert block.mime_type == "image/png"
    assert base64.b64decode(block.data) == png


def test_truncated_image_is_a_note_not_a_broken_image() -> None:
    response = _response(200, b"\x89PNG", content_type="image/jpeg", headers={"content-length": "2000000"})
    result = response_to_result(response, body=b"\xff\xd8\xff\xe0", truncated=True)
    text = _only_text(result)
    assert "image/jpeg image" in text
    assert text.endswith("[response truncated at 4 bytes of 2000000]")


def test_svg_is_text() -> None:
    result = _result(_response(200, b"<svg/>", content_type="image/svg+xml"))
    assert _only_text(result) == "<svg/>"


def test_other_binary_is_embedded_blob_with_request_url() -> None:
    pdf = b"%PDF-1.7\n\x00\xff"
    result = _result(_response(200, pdf, content_type="application/pdf"))
    block = result.content[0]
    assert isinstance(block, types.EmbeddedResource)
    assert isinstance(block.resource, types.BlobResourceContents)
    assert block.resource.uri == URL
    assert block.resource.mime_type == "application/pdf"
    assert base64.b64decode(block.resource.blob) == pdf


def test_blob_uri_masks_redacted_query_parameters() -> None:
    response = _response(200, b"\x00\x01", content_type="application/zip", url=f"{URL}?api_key=s3cret-key&page=2")
    block = _result(response, redact={"api_key"}).content[0]
    assert isinstance(block, types.EmbeddedResource)
    assert block.resource.uri == f"{URL}?api_key=***&page=2"


def test_truncated_binary_is_a_note() -> None:
    response = _response(200, b"PK\x03\x04", content_type="application/zip")
    result = response_to_result(response, body=b"PK", truncated=True)
    text = _only_text(result)
    assert "application/zip file" in text
    assert "[response truncated at 2 bytes of 4]" in text


@pytest.mark.parametrize(("status", "reason"), [(204, "No Content"), (200, "OK"), (201, "Created")])
def test_empty_body_is_a_success_text(status: int, reason: str) -> None:
    result = _result(_response(status, b""))
    assert result.is_error is False
    assert _only_text(result) == f"{status} {reason}: the request succeeded and returned no body."


def test_empty_body_with_output_schema_is_flagged() -> None:
    result = _result(_response(204), output_schema_ok=lambda _: True)
    assert result.structured_content is None
    assert result.is_error is True
    assert _texts(result).startswith("204 No Content: the request succeeded and returned no body.")


def test_text_with_output_schema_is_flagged() -> None:
    result = _result(_response(200, b"ok", content_type="text/plain"), output_schema_ok=lambda _: True)
    assert result.is_error is True
    assert result.content[0] == types.TextContent(type="text", text="ok")
    assert "the request succeeded" in _texts(result)


def test_not_found_names_status_method_and_url() -> None:
    result = _result(_response(404, b"", method="DELETE"))
    assert result.is_error is True
    assert _only_text(result) == f"Upstream returned 404 Not Found for DELETE {URL}"


def test_json_error_body_is_compact_and_whole() -> None:
    body = json.dumps({"error": {"code": "not_found", "message": "no pet 7"}}, indent=4).encode()
    result = _result(_response(404, body, content_type="application/problem+json"))
    assert result.is_error is True
    assert _only_text(result) == (
        f'Upstream returned 404 Not Found for GET {URL}\n{{"error": {{"code": "not_found", "message": "no pet 7"}}}}'
    )


def test_long_json_error_body_is_trimmed() -> None:
    body = json.dumps({"detail": "x" * 5000}).encode()
    result = _result(_response(500, body, content_type="application/json"))
    detail = _only_text(result).split("\n", 1)[1]
    assert len(detail) == ERROR_BODY_LIMIT + 1
    assert detail.endswith("…")
    assert detail.startswith('{"detail": "xxx')


def test_html_error_body_is_reduced_to_visible_text() -> None:
    html = (
        b"<html><head><title>Oops</title><style>p{color:red}</style></head>"
        b"<body><h1>502 Bad Gateway</h1>\n<script>var x = 1;</script><p>nginx &amp; friends</p></body></html>"
    )
    result = _result(_response(502, html, content_type="text/html; charset=utf-8"))
    assert _only_text(result) == (f"Upstream returned 502 Bad Gateway for GET {URL}\n502 Bad Gateway nginx & friends")


def test_text_error_body_is_trimmed() -> None:
    result = _result(_response(503, b"y" * 3000, content_type="text/plain"))
    detail = _only_text(result).split("\n", 1)[1]
    assert detail == "y" * ERROR_BODY_LIMIT + "…"


def test_binary_error_body_is_described() -> None:
    result = _result(_response(500, b"\x00\xff\xfe", content_type="application/octet-stream"))
    assert _only_text(result).endswith("\n(3 bytes of application/octet-stream)")


def test_unknown_status_has_no_reason() -> None:
    result = _result(_response(599, b""))
    assert _only_text(result) == f"Upstream returned 599 for GET {URL}"


def test_error_url_masks_redacted_query_parameters_and_password() -> None:
    url = "https://bob:hunter22@api.example.com/items?page=1&api_key=abcd%2F1234&x=y"
    result = _result(_response(401, b"", url=url), redact=["api_key"])
    assert _only_text(result) == (
        "Upstream returned 401 Unauthorized for GET https://bob:***@api.example.com/items?page=1&api_key=***&x=y"
    )


def test_error_text_masks_secrets_echoed_by_the_upstream() -> None:
    result = _result(
        _response(403, b'{"message": "key tok-123456 is revoked"}', content_type="application/json"),
        secrets=["tok-123456", "ab"],
    )
    text = _only_text(result)
    assert "tok-123456" not in text
    assert '"key *** is revoked"' in text


def test_error_never_includes_request_headers() -> None:
    request = httpx.Request("GET", URL, headers={"Authorization": "Bearer very-secret-token"})
    response = httpx.Response(401, content=b"denied", request=request)
    text = _only_text(response_to_result(response, body=b"denied", truncated=False))
    assert "very-secret-token" not in text
    assert text == f"Upstream returned 401 Unauthorized for GET {URL}\ndenied"


def test_truncated_error_body_is_marked() -> None:
    response = _response(500, b'{"error": "long', content_type="application/json")
    result = response_to_result(response, body=b'{"error": "lo', truncated=True)
    assert _only_text(result).endswith('\n{"error": "lo…')


def test_redirect_is_an_error_naming_the_target() -> None:
    response = _response(302, b"", headers={"location": "https://other.example.com/login?api_key=zzzz9"})
    result = _result(response, redact={"api_key"})
    assert result.is_error is True
    assert _only_text(result) == (
        f"Upstream returned 302 Found for GET {URL}; "
        "it redirects to https://other.example.com/login?api_key=***, which was not followed"
    )
