"""Every tool of the 3.0 fixture, called through `oa2mcp serve`: each reaches the upstream, and each request the
proxy built conforms to the spec (checked with openapi-core)."""

from __future__ import annotations

import base64
import warnings
from typing import Any

import pytest

from tests.e2e.conformance import RecordedRequest, spec_validator
from tests.e2e.test_serve import SPEC, stdio_client, text_of
from tests.e2e.upstream import Upstream

pytestmark = pytest.mark.anyio

SHELTER = "0b7c1c1e-6c1f-4f55-9a50-5f2d4f5e6a7b"
PNG_B64 = base64.b64encode(b"\x89PNG\r\n\x1a\n fake").decode()

CALLS: dict[str, dict[str, Any]] = {
    "list_pets": {
        "limit": 5,
        "sort": "-name",
        "species": ["dog", "cat"],
        "filter_status": "available",
        "X-Request-ID": "7d9f6c1e-1111-4f55-9a50-5f2d4f5e6a7b",
    },
    "create_pet": {
        "name": "Rex",
        "species": "dog",
        "tags": ["calm"],
        "weightKg": 12.5,
        "category": {"name": "dogs", "subcategories": [{"name": "terriers"}]},
    },
    "import_pets": {"body": [{"name": "Rex", "species": "dog"}, {"name": "Tom", "species": "cat"}]},
    "find_pets_by_tags": {"tags": ["calm", "small"]},
    "pets_get_by_id": {"id": 7, "query_id": "ext-1"},
    "pets_update": {"id": 7, "name": "Rex", "species": "dog", "nickname": None, "status": "pending"},
    "delete_pet": {"id": 7},
    "check_pet_exists": {"id": 7},
    "get_pet_photo": {"petId": 7},
    "upload_pet_photo": {"petId": 7, "file": PNG_B64, "caption": "at the park"},
    "replace_pet_photo": {"petId": 7, "body": PNG_B64},
    "shelters_search": {
        "near": {"lat": 52.5, "lon": 13.4},
        "services": ["grooming", "veterinary"],
        "criteria": {"minCapacity": 10},
        "shelter_session": "s-1",
    },
    "get_shelters_by_shelter_id_staff": {"shelterId": SHELTER},
    "set_intake_schema": {"shelterId": SHELTER, "ref": "https://schemas.example.com/base.json", "title": "Intake"},
    "register_volunteer": {
        "shelterId": SHELTER,
        "fullName": "Ann Lee",
        "email": "ann@example.com",
        "availability": ["mon", "sat"],
        "metadata": {"referrer": "web", "campaign": "spring"},
    },
    "create_adoption": {"body": {"adopterType": "individual", "petId": 7, "fullName": "Ann Lee"}},
    "update_owner": {"ownerId": 3, "name": "Ann", "email": "ann@example.com", "password": "correct-horse-battery"},
}


async def test_every_tool_sends_a_request_that_conforms_to_the_spec(upstream: Upstream) -> None:
    validator = spec_validator(SPEC, server_url=f"{upstream.url}/v1")
    async with stdio_client(upstream) as client:
        names = sorted(t.name for t in (await client.list_tools()).tools)
        assert names == sorted(CALLS), "a fixture tool has no call in CALLS"
        for name in names:
            before = len(upstream.received)
            result = await client.call_tool(name, CALLS[name])
            assert len(upstream.received) == before + 1, (name, text_of(result))
            received = upstream.last()
            with warnings.catch_warnings():
                # openapi-core cannot check oauth2 credentials and says so with a UserWarning.
                warnings.filterwarnings("ignore", "Unsupported scheme type", UserWarning)
                validator.validate_request(RecordedRequest(received, upstream.url))  # raises on any violation


def test_the_conformance_check_rejects_a_request_the_spec_forbids() -> None:
    from openapi_core.validation.request.exceptions import RequestValidationError

    from tests.e2e.upstream import Received

    validator = spec_validator(SPEC, server_url="http://127.0.0.1:1/v1")
    bad = Received("GET", "/v1/pets", "limit=500", {"api_key": "k"}, b"")
    with pytest.raises(RequestValidationError):
        validator.validate_request(RecordedRequest(bad, "http://127.0.0.1:1"))
