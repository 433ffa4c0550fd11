"""build_request and select_base_url: every serialization rule, with the exact bytes that go on the wire."""

from __future__ import annotations

import email
import email.policy
import json
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from converter.runtime.request import NO_SERVER, ArgumentError, build_request, select_base_url
from tests.conftest import SNAPSHOTS

BASE = "https://api.example.com/v1"
JSON_PROPS = {"contentType": "application/json", "whole": False, "required": True}


def _binding(
    *args: dict[str, Any], path: str = "/things", method: str = "GET", body: dict[str, Any] | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"method": method, "path": path, "servers": [{"url": BASE}], "args": list(args)}
    if body is not None:
        data["body"] = body
    return data


def _arg(name: str, where: str, **extra: Any) -> dict[str, Any]:
    return {"arg": name, "in": where, "name": name, "required": False, **extra}


def _build(binding: dict[str, Any], arguments: dict[str, Any], **kwargs: Any) -> httpx.Request:
    return build_request(binding, arguments, base_url=BASE, **kwargs)


def _path_url(value: Any, **extra: Any) -> str:
    binding = _binding(_arg("id", "path", required=True, **extra), path="/pets/{id}")
    return str(_build(binding, {"id": value}).url)


def _query(value: Any, **extra: Any) -> str:
    return _build(_binding(_arg("id", "query", **extra)), {"id": value}).url.query.decode("ascii")


def _multipart(request: httpx.Request) -> list[EmailMessage]:
    head = f"Content-Type: {request.headers['content-type']}\r\n\r\n".encode("ascii")
    message = email.message_from_bytes(head + request.read(), policy=email.policy.HTTP)
    assert isinstance(message, EmailMessage)
    assert message.is_multipart()
    return list(message.iter_parts())  # type: ignore[arg-type]


# --- base URL ---------------------------------------------------------------------------------------------------

REGIONAL = {
    "servers": [
        {"url": "https://{region}.example.com/v1/", "variables": {"region": {"default": "us", "enum": ["eu", "us"]}}},
        {"url": "http://localhost:8080"},
    ]
}


def test_select_base_url_override_wins_without_trailing_slash() -> None:
    assert select_base_url(REGIONAL, override="http://127.0.0.1:9000/api/") == "http://127.0.0.1:9000/api"
    assert select_base_url({"servers": []}, override="http://h") == "http://h"


def test_select_base_url_first_server_with_variable_default() -> None:
    assert select_base_url(REGIONAL) == "https://us.example.com/v1"


def test_select_base_url_server_var_in_enum_fills_placeholder() -> None:
    assert select_base_url(REGIONAL, server_vars={"region": "eu", "unused": "x"}) == "https://eu.example.com/v1"


def test_select_base_url_server_var_outside_enum_is_refused() -> None:
    with pytest.raises(ValueError, match=r"server variable 'region' must be one of 'eu', 'us', got 'mars'"):
        select_base_url(REGIONAL, server_vars={"region": "mars"})


def test_select_base_url_variable_without_value_names_the_option() -> None:
    binding = {"servers": [{"url": "https://{tenant}.example.com"}]}
    with pytest.raises(ValueError, match=r"--server-var tenant=VALUE"):
        select_base_url(binding)
    assert select_base_url(binding, server_vars={"tenant": "acme"}) == "https://acme.example.com"


@pytest.mark.parametrize("servers", [[{"url": "/v1"}], [{"url": "api.example.com/v1"}], [], None])
def test_select_base_url_relative_or_missing_server_asks_for_base_url(servers: Any) -> None:
    with pytest.raises(ValueError) as info:
        select_base_url({"servers": servers})
    assert str(info.value) == NO_SERVER == "the spec gives no absolute server URL for this operation; pass --base-url"


# --- path -------------------------------------------------------------------------------------------------------


def test_build_request_path_value_substituted_after_base_url() -> None:
    binding = _binding(_arg("id", "path", required=True), path="/pets/{id}/photo", method="put")
    request = build_request(binding, {"id": 42}, base_url=BASE + "/")
    assert request.method == "PUT"
    assert str(request.url) == "https://api.example.com/v1/pets/42/photo"


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("../admin", "..%2Fadmin"),
        ("a/b", "a%2Fb"),
        ("%2e%2e", "%252e%252e"),
        (".", "%2E"),
        ("..", "%2E%2E"),
        ("...", "..."),
        ("?x=1", "%3Fx%3D1"),
        ("#frag", "%23frag"),
        ("é/ü 1", "%C3%A9%2F%C3%BC%201"),
        ("a;b,c=d", "a%3Bb%2Cc%3Dd"),
        ("\\..\\x", "%5C..%5Cx"),
        ("Az09-._~", "Az09-._~"),
    ],
)
def test_build_request_path_value_cannot_change_the_path(value: str, segment: str) -> None:
    request = _build(_binding(_arg("id", "path", required=True), path="/pets/{id}/photo"), {"id": value})
    assert str(request.url) == f"https://api.example.com/v1/pets/{segment}/photo"
    assert request.url.raw_path == f"/v1/pets/{segment}/photo".encode("ascii")
    assert request.url.fragment == ""


@pytest.mark.parametrize(
    ("value", "extra", "expected"),
    [
        (["a", "b"], {}, "a,b"),
        ({"k": "v", "k2": 2}, {}, "k,v,k2,2"),
        ({"k": "v", "k2": 2}, {"explode": True}, "k=v,k2=2"),
        (True, {}, "true"),
        (False, {}, "false"),
        (None, {}, ""),
        (1.5, {}, "1.5"),
        ("a,b", {}, "a%2Cb"),
        ("a", {"style": "label"}, ".a"),
        (["a", "b"], {"style": "label"}, ".a,b"),
        (["a", "b"], {"style": "label", "explode": True}, ".a.b"),
        ({"k": "v"}, {"style": "label", "explode": True}, ".k=v"),
        (5, {"style": "matrix"}, ";id=5"),
        (["a", "b"], {"style": "matrix"}, ";id=a,b"),
        (["a", "b"], {"style": "matrix", "explode": True}, ";id=a;id=b"),
        ({"k": "v", "k2": "w"}, {"style": "matrix"}, ";id=k,v,k2,w"),
        ({"k": "v", "k2": "w"}, {"style": "matrix", "explode": True}, ";k=v;k2=w"),
        ("", {"style": "matrix"}, ";id"),
        ("a/b", {"style": "matrix"}, ";id=a%2Fb"),
    ],
)
def test_build_request_path_styles_serialize_per_rfc6570(value: Any, extra: dict[str, Any], expected: str) -> None:
    assert _path_url(value, **extra) == f"https://api.example.com/v1/pets/{expected}"


@pytest.mark.parametrize(
    ("value", "extra", "expected"),
    [
        ("", {"style": "label"}, "%2E"),
        (".", {"style": "label"}, ".%2E"),
        (["", ""], {"style": "label", "explode": True}, "%2E%2E"),
    ],
)
def test_build_request_path_expansion_never_makes_a_dot_segment(
    value: Any, extra: dict[str, Any], expected: str
) -> None:
    assert _path_url(value, **extra) == f"https://api.example.com/v1/pets/{expected}"


def test_build_request_adjacent_path_values_never_make_a_dot_segment() -> None:
    binding = _binding(_arg("a", "path", required=True), _arg("b", "path", required=True), path="/x/{a}{b}/y")
    assert str(_build(binding, {"a": ".", "b": "."}).url) == "https://api.example.com/v1/x/%2E%2E/y"


def test_build_request_missing_required_path_arg_is_refused() -> None:
    binding = _binding(_arg("id", "path", required=True), path="/pets/{id}")
    with pytest.raises(ArgumentError) as info:
        _build(binding, {})
    assert info.value.arg == "id"
    assert str(info.value) == "Argument 'id' is required but was not given"


def test_build_request_placeholder_without_binding_is_refused() -> None:
    with pytest.raises(ArgumentError) as info:
        _build(_binding(path="/pets/{petId}"), {})
    assert info.value.arg == "petId"


@given(st.text())
def test_build_request_any_path_text_stays_one_segment_and_round_trips(value: str) -> None:
    binding = _binding(_arg("id", "path", required=True), path="/a/{id}/b")
    request = _build(binding, {"id": value})
    raw = request.url.raw_path.decode("ascii")
    assert "?" not in raw
    assert request.url.fragment == ""
    segments = raw.split("/")
    assert segments[:3] == ["", "v1", "a"]
    assert segments[4:] == ["b"]
    assert len(segments) == len("/v1/a/{id}/b".split("/"))
    assert unquote(segments[3], errors="strict") == value


# --- query ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "extra", "expected"),
    [
        ("x", {}, "id=x"),
        (["a", "b"], {}, "id=a&id=b"),
        (["a", "b"], {"style": "form", "explode": True}, "id=a&id=b"),
        (["a", "b"], {"style": "form", "explode": False}, "id=a,b"),
        (["a,b", "c"], {"explode": False}, "id=a%2Cb,c"),
        ({"k": "v", "k2": "w"}, {}, "k=v&k2=w"),
        ({"k": "v", "k2": "w"}, {"explode": False}, "id=k,v,k2,w"),
        (["a", "b"], {"style": "spaceDelimited", "explode": False}, "id=a%20b"),
        (["a", "b"], {"style": "spaceDelimited"}, "id=a%20b"),
        (["a", "b|c"], {"style": "pipeDelimited", "explode": False}, "id=a|b%7Cc"),
        (["a", "b"], {"style": "pipeDelimited", "explode": True}, "id=a&id=b"),
        ({"status": "x", "kind": "y"}, {"style": "deepObject", "explode": True}, "id%5Bstatus%5D=x&id%5Bkind%5D=y"),
        ({"a": {"b": "x"}, "c": 1}, {"style": "deepObject"}, "id%5Ba%5D%5Bb%5D=x&id%5Bc%5D=1"),
        ({"a b": "&", "t": ["x", "y"]}, {"style": "deepObject"}, "id%5Ba%20b%5D=%26&id%5Bt%5D=x&id%5Bt%5D=y"),
        ({"a]": {"[b": 1}}, {"style": "deepObject"}, "id%5Ba%5D%5D%5B%5Bb%5D=1"),
        (True, {}, "id=true"),
        (0, {}, "id=0"),
        ("", {}, "id="),
        ("a b&c=d+e", {}, "id=a%20b%26c%3Dd%2Be"),
        ("é", {}, "id=%C3%A9"),
        ([{"a": 1}], {}, "id=%7B%22a%22%3A1%7D"),
        ("a/b?c:d@e", {"allowReserved": True}, "id=a/b?c:d@e"),
        ("a&b=c#d%e f", {"allowReserved": True}, "id=a&b=c%23d%25e%20f"),
    ],
)
def test_build_request_query_styles_serialize_exactly(value: Any, extra: dict[str, Any], expected: str) -> None:
    assert _query(value, **extra) == expected


@given(st.text())
def test_build_request_any_query_text_stays_one_pair_and_round_trips(value: str) -> None:
    query = _query(value)
    name, _, encoded = query.partition("=")
    assert name == "id"
    assert "&" not in encoded
    assert "#" not in encoded
    assert unquote(encoded, errors="strict") == value


@pytest.mark.parametrize("value", [None, [], {}])
def test_build_request_query_undefined_value_is_not_sent(value: Any) -> None:
    assert str(_build(_binding(_arg("id", "query")), {"id": value}).url) == "https://api.example.com/v1/things"


def test_build_request_query_keeps_binding_order_and_skips_absent() -> None:
    binding = _binding(_arg("b", "query"), _arg("a", "query"), _arg("c", "query"))
    request = _build(binding, {"a": 1, "b": 2, "unknown": 3})
    assert str(request.url) == "https://api.example.com/v1/things?b=2&a=1"


def test_build_request_query_names_are_percent_encoded() -> None:
    binding = _binding(
        {"arg": "filter_status", "in": "query", "name": "filter[status]"},
        {"arg": "odd", "in": "query", "name": "a b&c"},
    )
    assert _build(binding, {"filter_status": "x", "odd": 1}).url.query == b"filter%5Bstatus%5D=x&a%20b%26c=1"


def test_build_request_query_value_cannot_inject_parameters() -> None:
    assert _query("1&admin=true#x") == "id=1%26admin%3Dtrue%23x"


def test_build_request_query_content_param_sent_as_json() -> None:
    value = {"a": [1, "é"], "b": None}
    assert _query(value, contentType="application/json") == "id=%7B%22a%22%3A%5B1%2C%22%C3%A9%22%5D%2C%22b%22%3Anull%7D"


def test_build_request_unsupported_value_type_is_refused_not_repr() -> None:
    with pytest.raises(ArgumentError, match=r"Argument 'id' has a value of unsupported type object"):
        _query(object())


# --- headers ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "explode", "expected"),
    [
        ("abc", False, "abc"),
        (12, False, "12"),
        (True, False, "true"),
        (["a", "b"], False, "a,b"),
        ({"k": "v", "k2": 2}, False, "k,v,k2,2"),
        ({"k": "v", "k2": 2}, True, "k=v,k2=2"),
        ("tab\tok", False, "tab\tok"),
        ("  padded\t", False, "padded"),
    ],
)
def test_build_request_header_simple_style(value: Any, explode: bool, expected: str) -> None:
    binding = _binding(_arg("X-Thing", "header", style="simple", explode=explode))
    assert _build(binding, {"X-Thing": value}).headers["x-thing"] == expected


@pytest.mark.parametrize("value", ["a\r\nX-Evil: 1", "a\nb", "a\rb", "a\x00b", "a\x1bb", "a\x7fb", ["ok", "x\r\ny"]])
def test_build_request_header_control_characters_are_refused(value: Any) -> None:
    binding = _binding({"arg": "request_id", "in": "header", "name": "X-Request-ID"})
    with pytest.raises(ArgumentError) as info:
        _build(binding, {"request_id": value})
    assert info.value.arg == "request_id"
    assert "CR or LF" in str(info.value)


@pytest.mark.parametrize("name", ["X Bad", "X-Bad:", "", "X-\u00e9"])
def test_build_request_header_invalid_name_is_refused(name: str) -> None:
    binding = _binding({"arg": "h", "in": "header", "name": name})
    with pytest.raises(ArgumentError, match="not a valid header name"):
        _build(binding, {"h": "v"})


@pytest.mark.parametrize(
    ("where", "body"),
    [("path", None), ("query", None), ("header", None), ("cookie", None), ("body", JSON_PROPS)],
)
def test_build_request_lone_surrogate_is_refused(where: str, body: dict[str, Any] | None) -> None:
    binding = _binding(_arg("v", where), path="/x/{v}" if where == "path" else "/x", method="POST", body=body)
    with pytest.raises(ArgumentError, match=r"Argument 'v' contains text that is not valid Unicode"):
        _build(binding, {"v": "a\ud800"})


def test_build_request_header_unicode_value_sent_as_utf8() -> None:
    request = _build(_binding(_arg("X-Name", "header")), {"X-Name": "Zoë"})
    assert (b"X-Name", "Zoë".encode()) in request.headers.raw


def test_build_request_header_null_or_empty_array_not_sent() -> None:
    binding = _binding(_arg("X-A", "header"), _arg("X-B", "header"))
    request = _build(binding, {"X-A": None, "X-B": []})
    assert "x-a" not in request.headers
    assert "x-b" not in request.headers


def test_build_request_static_headers_first_then_arguments_override_case_insensitively() -> None:
    binding = _binding({"arg": "rid", "in": "header", "name": "X-Request-ID"}, _arg("X-New", "header"))
    headers = {"x-request-id": "static", "X-Client": "cli"}
    request = _build(binding, {"rid": "from-arg", "X-New": "n"}, headers=headers)
    assert request.headers.get_list("x-request-id") == ["from-arg"]
    # The argument takes the static header's place (and its own spelling); new ones follow the static ones.
    assert [name for name, _ in request.headers.raw] == [b"Host", b"X-Request-ID", b"X-Client", b"X-New"]


def test_build_request_static_header_satisfies_required_header_arg() -> None:
    binding = _binding({"arg": "tenant", "in": "header", "name": "X-Tenant", "required": True})
    assert _build(binding, {}, headers={"X-Tenant": "acme"}).headers["x-tenant"] == "acme"
    with pytest.raises(ArgumentError, match="'tenant' is required"):
        _build(binding, {})


@pytest.mark.parametrize(("name", "value"), [("X Bad", "v"), ("X-Ok", "a\r\nb")])
def test_build_request_invalid_static_header_is_refused(name: str, value: str) -> None:
    with pytest.raises(ValueError, match="--header"):
        _build(_binding(), {}, headers={name: value})


# --- cookies ----------------------------------------------------------------------------------------------------


def test_build_request_cookies_joined_in_one_header() -> None:
    binding = _binding(_arg("a", "cookie", style="form", explode=True), _arg("b", "cookie"))
    request = _build(binding, {"a": 1, "b": "two words"})
    assert request.headers.get_list("cookie") == ["a=1; b=two%20words"]


def test_build_request_cookie_value_cannot_inject_another_cookie() -> None:
    request = _build(_binding(_arg("session", "cookie")), {"session": "x; admin=1, y=2"})
    assert request.headers["cookie"] == "session=x%3B%20admin%3D1%2C%20y%3D2"


@pytest.mark.parametrize(
    ("value", "explode", "expected"),
    [(["a", "b"], False, "c=a,b"), (["a", "b"], True, "c=a; c=b"), ({"k": "v"}, True, "k=v"), (False, True, "c=false")],
)
def test_build_request_cookie_form_style(value: Any, explode: bool, expected: str) -> None:
    request = _build(_binding(_arg("c", "cookie", style="form", explode=explode)), {"c": value})
    assert request.headers["cookie"] == expected


def test_build_request_cookie_appended_to_static_cookie_header() -> None:
    request = _build(_binding(_arg("c", "cookie")), {"c": "1"}, headers={"Cookie": "sid=abc"})
    assert request.headers.get_list("cookie") == ["sid=abc; c=1"]


def test_build_request_cookie_invalid_name_is_refused() -> None:
    with pytest.raises(ArgumentError, match="not a valid cookie name"):
        _build(_binding({"arg": "c", "in": "cookie", "name": "a=b"}), {"c": "1"})


# --- JSON, text and binary bodies -------------------------------------------------------------------------------


def test_build_request_json_body_properties_compact_utf8() -> None:
    binding = _binding(
        _arg("name", "body", required=True),
        {"arg": "ref", "in": "body", "name": "$ref"},
        _arg("tags", "body"),
        method="POST",
        body=JSON_PROPS,
    )
    request = _build(binding, {"tags": ["a", None], "ref": "#/x", "name": "Zoë"}, headers={"Content-Type": "x/y"})
    assert request.read() == '{"name":"Zoë","$ref":"#/x","tags":["a",null]}'.encode()
    assert request.headers["content-type"] == "application/json"
    assert request.headers["content-length"] == str(len(request.read()))


def test_build_request_json_whole_body_with_declared_type() -> None:
    body = {"contentType": "application/vnd.api+json", "whole": True, "required": True}
    binding = _binding({"arg": "body", "in": "body", "name": "", "required": True}, method="POST", body=body)
    request = _build(binding, {"body": [{"a": 1.5, "b": True}]})
    assert request.read() == b'[{"a":1.5,"b":true}]'
    assert request.headers["content-type"] == "application/vnd.api+json"


def test_build_request_optional_body_not_given_sends_no_body() -> None:
    body = {"contentType": "application/json", "whole": False, "required": False}
    request = _build(_binding(_arg("a", "body"), method="POST", body=body), {})
    assert request.read() == b""
    assert "content-type" not in request.headers


def test_build_request_required_body_without_properties_sends_empty_object() -> None:
    request = _build(_binding(_arg("a", "body"), method="POST", body=JSON_PROPS), {})
    assert request.read() == b"{}"


def test_build_request_required_whole_body_missing_is_refused() -> None:
    body = {"contentType": "application/json", "whole": True, "required": True}
    with pytest.raises(ArgumentError) as info:
        _build(_binding(_arg("body", "body"), method="POST", body=body), {})
    assert info.value.arg == "body"


def test_build_request_json_body_non_finite_number_is_refused() -> None:
    binding = _binding(_arg("a", "body"), _arg("b", "body"), method="POST", body=JSON_PROPS)
    with pytest.raises(ArgumentError, match="cannot be sent as JSON") as info:
        _build(binding, {"a": 1, "b": float("nan")})
    assert info.value.arg == "b"


@pytest.mark.parametrize(
    ("content_type", "value", "expected"),
    [
        ("text/plain", "héllo\n", "héllo\n".encode()),
        ("text/csv; charset=utf-8", 42, b"42"),
        ("application/xml", "<a/>", b"<a/>"),
        ("application/x-custom", {"a": 1}, b'{"a":1}'),
    ],
)
def test_build_request_text_and_other_bodies(content_type: str, value: Any, expected: bytes) -> None:
    body = {"contentType": content_type, "whole": True, "required": True}
    request = _build(_binding(_arg("body", "body"), method="POST", body=body), {"body": value})
    assert request.read() == expected
    assert request.headers["content-type"] == content_type


@pytest.mark.parametrize("content_type", ["application/octet-stream", "image/png"])
def test_build_request_binary_body_decoded_from_base64(content_type: str) -> None:
    body = {"contentType": content_type, "whole": True, "required": True, "binary": True}
    binding = _binding(_arg("id", "path", required=True), _arg("body", "body"), path="/p/{id}", method="PUT", body=body)
    request = _build(binding, {"id": 1, "body": "AAECAw=="})
    assert request.read() == b"\x00\x01\x02\x03"
    assert request.headers["content-type"] == content_type
    assert request.headers["content-length"] == "4"


@pytest.mark.parametrize("value", ["not base64!", "AAAAA", 123])
def test_build_request_binary_body_invalid_base64_is_refused(value: Any) -> None:
    body = {"contentType": "application/octet-stream", "whole": True, "required": True, "binary": True}
    with pytest.raises(ArgumentError) as info:
        _build(_binding(_arg("payload", "body"), method="PUT", body=body), {"payload": value})
    assert info.value.arg == "payload"
    assert "base64" in str(info.value)


# --- form bodies ------------------------------------------------------------------------------------------------

VOLUNTEER = _binding(
    _arg("shelterId", "path", required=True),
    _arg("fullName", "body", required=True),
    _arg("email", "body", required=True),
    _arg("availability", "body"),
    _arg("metadata", "body"),
    _arg("tags", "body"),
    _arg("extra", "body"),
    _arg("active", "body"),
    _arg("prefs", "body"),
    path="/shelters/{shelterId}/volunteers",
    method="POST",
    body={
        "contentType": "application/x-www-form-urlencoded",
        "whole": False,
        "required": True,
        "parts": [
            {"name": "availability", "style": "form", "explode": False},
            {"name": "metadata", "style": "deepObject", "explode": True},
            {"name": "prefs", "contentType": "application/json"},
        ],
    },
)


def test_build_request_form_body_encodes_each_property() -> None:
    request = _build(
        VOLUNTEER,
        {
            "shelterId": 7,
            "fullName": "Ann O'Neil",
            "email": "a+b@example.com",
            "availability": ["mon", "tue"],
            "metadata": {"source": "web", "ref": {"code": "a&b"}},
            "tags": ["x", "y"],
            "extra": {"k": [1, 2]},
            "active": True,
            "prefs": {"n": 1},
        },
    )
    assert str(request.url) == "https://api.example.com/v1/shelters/7/volunteers"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.read() == (
        b"fullName=Ann%20O%27Neil&email=a%2Bb%40example.com&availability=mon,tue"
        b"&metadata%5Bsource%5D=web&metadata%5Bref%5D%5Bcode%5D=a%26b&tags=x&tags=y&extra%5Bk%5D=1&extra%5Bk%5D=2"
        b"&active=true"
        b"&prefs=%7B%22n%22%3A1%7D"
    )


def test_build_request_form_body_object_with_form_style_part() -> None:
    binding = _binding(
        _arg("o", "body"),
        method="POST",
        body={
            "contentType": "application/x-www-form-urlencoded",
            "whole": False,
            "required": True,
            "parts": [{"name": "o", "style": "form", "explode": False}],
        },
    )
    assert _build(binding, {"o": {"a": 1, "b": "x"}}).read() == b"o=a,1,b,x"


def test_build_request_form_whole_body_must_be_an_object() -> None:
    body = {"contentType": "application/x-www-form-urlencoded", "whole": True, "required": True}
    binding = _binding(_arg("body", "body"), method="POST", body=body)
    assert _build(binding, {"body": {"a": 1, "b": None}}).read() == b"a=1"
    with pytest.raises(ArgumentError, match="must be an object"):
        _build(binding, {"body": "a=1"})


# --- multipart --------------------------------------------------------------------------------------------------

UPLOAD = _binding(
    _arg("petId", "path", required=True),
    _arg("file", "body", required=True),
    _arg("caption", "body"),
    _arg("meta", "body"),
    _arg("count", "body"),
    _arg("raw", "body"),
    path="/pets/{petId}/photo",
    method="POST",
    body={
        "contentType": "multipart/form-data",
        "whole": False,
        "required": True,
        "parts": [{"name": "file", "contentType": "image/png, image/jpeg", "file": True}],
    },
)


def test_build_request_multipart_file_part_has_filename_and_type() -> None:
    request = _build(
        UPLOAD,
        {"petId": 1, "file": "iVBORw0KGgo=", "caption": "Rex ü", "meta": {"a": [1]}, "count": 3, "raw": None},
    )
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    file, caption, meta, count = _multipart(request)
    assert file.get_param("name", header="content-disposition") == "file"
    assert file.get_filename() == "file"
    assert file.get_content_type() == "image/png"
    assert file.get_payload(decode=True) == b"\x89PNG\r\n\x1a\n"
    assert caption.get_param("name", header="content-disposition") == "caption"
    assert caption.get_filename() is None
    assert "content-type" not in caption
    assert caption.get_payload(decode=True) == "Rex ü".encode()
    assert meta.get_content_type() == "application/json"
    assert meta.get_payload(decode=True) == b'{"a":[1]}'
    assert count.get_payload(decode=True) == b"3"


def test_build_request_multipart_file_defaults_to_octet_stream() -> None:
    binding = _binding(
        _arg("doc", "body", required=True),
        method="POST",
        body={
            "contentType": "multipart/form-data",
            "whole": False,
            "required": True,
            "parts": [{"name": "doc", "file": True}],
        },
    )
    (part,) = _multipart(_build(binding, {"doc": "data:text/plain;base64,aGk"}))
    assert part.get_filename() == "doc"
    assert part.get_content_type() == "application/octet-stream"
    assert part.get_payload(decode=True) == b"hi"


@pytest.mark.parametrize("value", ["%%%", "a", 5])
def test_build_request_multipart_invalid_base64_is_refused(value: Any) -> None:
    with pytest.raises(ArgumentError) as info:
        _build(UPLOAD, {"petId": 1, "file": value})
    assert info.value.arg == "file"
    assert "base64" in str(info.value)


def test_build_request_multipart_without_parts_sends_empty_multipart() -> None:
    body = {"contentType": "multipart/form-data", "whole": False, "required": True}
    request = _build(_binding(_arg("a", "body"), method="POST", body=body), {})
    boundary = request.headers["content-type"].split("boundary=")[1]
    assert request.read() == f"--{boundary}--\r\n".encode()


# --- the whole request ------------------------------------------------------------------------------------------


def test_build_request_same_inputs_same_request() -> None:
    binding = _binding(
        _arg("id", "path", required=True),
        _arg("q", "query", style="deepObject"),
        _arg("X-A", "header"),
        _arg("c", "cookie"),
        _arg("name", "body"),
        path="/x/{id}",
        method="POST",
        body=JSON_PROPS,
    )
    arguments = {"id": "a b", "q": {"z": 1, "a": 2}, "X-A": "h", "c": "k", "name": {"y": 1, "b": 2}}
    first, second = _build(binding, arguments), _build(binding, dict(arguments))
    assert str(first.url) == str(second.url) == "https://api.example.com/v1/x/a%20b?q%5Bz%5D=1&q%5Ba%5D=2"
    assert first.headers.raw == second.headers.raw
    assert first.read() == second.read() == b'{"name":{"y":1,"b":2}}'


def test_argument_error_is_a_value_error_naming_the_argument() -> None:
    error = ArgumentError("X-Request-ID", "cannot be sent")
    assert isinstance(error, ValueError)
    assert error.arg == "X-Request-ID"
    assert str(error) == "Argument 'X-Request-ID' cannot be sent"


def _sample(schema: dict[str, Any]) -> Any:
    if schema.get("contentEncoding") == "base64":
        return "aGk="
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if "enum" in schema:
        return schema["enum"][0]
    return {"integer": 1, "number": 1.5, "boolean": True, "array": [], "object": {}}.get(str(kind), "x")


@pytest.mark.parametrize("snapshot", sorted(p.name for p in SNAPSHOTS.glob("petstore-*.json")))
def test_build_request_every_snapshot_tool_builds_with_its_required_arguments(snapshot: str) -> None:
    tools = json.loads((SNAPSHOTS / snapshot).read_text(encoding="utf-8"))["tools"]
    for tool in tools:
        schema = tool["inputSchema"]
        arguments = {name: _sample(schema["properties"][name]) for name in schema.get("required", [])}
        request = build_request(tool["binding"], arguments, base_url="http://localhost:8080/v1")
        assert request.url.host == "localhost", tool["name"]
        assert "{" not in request.url.path, tool["name"]


def test_request_modules_import_nothing_from_converter_outside_runtime() -> None:
    import ast

    import converter.runtime.encoding
    import converter.runtime.request

    for module in (converter.runtime.request, converter.runtime.encoding):
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert not name.startswith("converter") or name.startswith("converter.runtime"), name


def test_build_request_an_array_of_files_is_one_part_per_file() -> None:
    binding = {
        "method": "POST",
        "path": "/upload",
        "servers": [],
        "args": [{"arg": "files", "in": "body", "name": "files"}],
        "body": {"contentType": "multipart/form-data", "parts": [{"name": "files", "file": True}]},
    }
    request = build_request(binding, {"files": ["aGVsbG8=", "d29ybGQ="]}, base_url="https://api.example.com")
    body = request.read()
    assert body.count(b'name="files"; filename="files"') == 2
    assert b"hello" in body and b"world" in body


def test_build_request_a_multipart_array_of_primitives_is_one_part_per_item() -> None:
    binding = {
        "method": "POST",
        "path": "/tags",
        "servers": [],
        "args": [{"arg": "tags", "in": "body", "name": "tags"}, {"arg": "meta", "in": "body", "name": "meta"}],
        "body": {"contentType": "multipart/form-data", "parts": []},
    }
    request = build_request(binding, {"tags": ["a", "b"], "meta": {"k": 1}}, base_url="https://api.example.com")
    body = request.read()
    assert body.count(b'name="tags"') == 2
    assert b'name="tags"\r\n\r\na\r\n' in body and b'name="tags"\r\n\r\nb\r\n' in body
    assert b'{"k":1}' in body  # objects stay one JSON part


# --- configured arguments: fixed values, defaults, renames (binding `fixed`, `defaults`, `arg` ≠ `name`) ---------


def test_build_request_sends_a_fixed_value_the_model_cannot_override() -> None:
    binding = {**_binding(_arg("X-Request-ID", "header"), _arg("q", "query")), "fixed": {"X-Request-ID": "desk"}}
    assert _build(binding, {"q": "a"}).headers["X-Request-ID"] == "desk"
    overridden = _build(binding, {"q": "a", "X-Request-ID": "model-chose-this"})
    assert overridden.headers.get_list("X-Request-ID") == ["desk"]
    assert _build(binding, {"X-Request-ID": None}).headers["X-Request-ID"] == "desk"


def test_build_request_a_fixed_value_satisfies_a_required_argument() -> None:
    binding = {**_binding(_arg("tenant", "path", required=True), path="/t/{tenant}"), "fixed": {"tenant": "acme"}}
    assert str(_build(binding, {}).url) == f"{BASE}/t/acme"


def test_build_request_fills_a_default_only_when_the_argument_is_absent() -> None:
    binding = {**_binding(_arg("limit", "query"), _arg("sort", "query")), "defaults": {"limit": 10}}
    assert _build(binding, {}).url.query == b"limit=10"
    assert _build(binding, {"sort": "name"}).url.query == b"limit=10&sort=name"
    assert _build(binding, {"limit": 3}).url.query == b"limit=3"


def test_build_request_a_default_satisfies_a_required_argument() -> None:
    binding = {**_binding(_arg("q", "query", required=True)), "defaults": {"q": "*"}}
    assert _build(binding, {}).url.query == b"q=%2A"
    assert _build(binding, {"q": "dog"}).url.query == b"q=dog"


def test_build_request_without_fixed_or_defaults_leaves_the_arguments_alone() -> None:
    binding = {**_binding(_arg("limit", "query")), "fixed": {}, "defaults": {}}
    assert _build(binding, {}).url.query == b""


@pytest.mark.parametrize(
    ("arg", "expected"),
    [
        (_arg("kind", "query") | {"name": "species"}, "query: species=dog"),
        (_arg("trace", "header") | {"name": "X-Trace"}, "header: X-Trace: dog"),
        (_arg("sid", "cookie") | {"name": "session"}, "header: Cookie: session=dog"),
        (_arg("which", "path", required=True) | {"name": "petId"}, "path: /pets/dog"),
    ],
    ids=["query", "header", "cookie", "path"],
)
def test_build_request_a_renamed_argument_goes_out_under_its_wire_name(arg: dict[str, Any], expected: str) -> None:
    request = _build(_binding(arg, path="/pets/{petId}" if arg["in"] == "path" else "/pets"), {arg["arg"]: "dog"})
    where, _, text = expected.partition(": ")
    if where == "query":
        assert request.url.query.decode() == text
    elif where == "path":
        assert request.url.path == "/v1" + text
    else:
        name, _, value = text.partition(": ")
        assert request.headers[name] == value
    assert arg["arg"] not in str(request.url) and arg["arg"] not in request.headers


def test_build_request_a_renamed_body_property_goes_out_under_its_wire_name() -> None:
    binding = _binding(
        {"arg": "pet_name", "in": "body", "name": "name", "required": True},
        {"arg": "kind", "in": "body", "name": "species", "required": False},
        method="POST",
        body={"contentType": "application/json", "whole": False, "required": True},
    )
    request = _build({**binding, "defaults": {"kind": "cat"}}, {"pet_name": "Rex"})
    assert json.loads(request.content) == {"name": "Rex", "species": "cat"}
    request = _build({**binding, "fixed": {"kind": "dog"}}, {"pet_name": "Rex", "kind": "cat"})
    assert json.loads(request.content) == {"name": "Rex", "species": "dog"}


def test_build_request_a_configured_tool_sends_fixed_defaults_and_wire_names() -> None:
    from converter.config import load_config
    from converter.pipeline import build_toolset
    from converter.tools import binding_to_json
    from tests.conftest import FIXTURES

    config = load_config(str(FIXTURES / "configs" / "pets.yaml"))
    toolset = build_toolset(str(FIXTURES / "petstore-3.0.yaml"), config=config)
    binding = binding_to_json(next(tool for tool in toolset.tools if tool.name == "find_pets").binding)
    request = _build(binding, {"kind": ["dog", "cat"], "X-Request-ID": "nope", "status": "gone"})
    assert request.url.path == "/v1/pets"
    assert request.url.query == b"limit=10&species=dog,cat"  # `status` is hidden: not in the binding, not sent
    assert request.headers["X-Request-ID"] == "adoption-desk"
