"""Check recorded upstream requests against their OpenAPI spec with openapi-core (a small adapter)."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from converter.loader import load_document
from tests.e2e.upstream import Received


class RecordedRequest:
    """An upstream-recorded request seen through openapi-core's request protocol."""

    def __init__(self, received: Received, host_url: str) -> None:
        self.host_url = host_url
        self.path = received.path
        self.method = received.method.lower()
        cookies = SimpleCookie(received.headers.get("cookie", ""))
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(received.query, keep_blank_values=True)),
            header=Headers(received.headers),
            cookie=ImmutableMultiDict({k: v.value for k, v in cookies.items()}),
        )
        self.content_type = received.headers.get("content-type", "")
        self.body: bytes | None = received.body or None


def spec_validator(spec_path: str, *, server_url: str) -> Any:
    """An openapi-core `OpenAPI` for the spec, with its servers replaced by the test upstream."""
    data = load_document(spec_path).data
    data["servers"] = [{"url": server_url}]
    return OpenAPI.from_dict(data)
