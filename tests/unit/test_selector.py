"""ApiModel → ToolSet: names, titles, descriptions, annotations."""

from __future__ import annotations

from typing import Any

from converter.loader import LoadedDocument
from converter.model import HttpMethod
from converter.parser import parse_api
from converter.selector import annotations_for, select_tools
from converter.tools import ToolSet


def toolset(paths: dict[str, Any], **info: Any) -> ToolSet:
    doc = {"openapi": "3.1.0", "info": {"title": "T", "version": "2", **info}, "paths": paths}
    return select_tools(parse_api(LoadedDocument(doc, "/n/api.json", "api.json")))


def test_names_come_from_operation_ids_or_method_and_path() -> None:
    tools = toolset(
        {
            "/repos/{owner}": {"get": {"operationId": "repos/get-content"}, "post": {}},
            "/pets": {"get": {"operationId": "listPets"}},
        }
    ).tools
    assert [t.name for t in tools] == ["repos_get_content", "post_repos_by_owner", "list_pets"]


def test_colliding_names_get_a_deterministic_suffix_and_the_first_keeps_its_name() -> None:
    paths = {"/a": {"get": {"operationId": "listPets"}}, "/b": {"get": {"operationId": "list_pets"}}}
    first = [t.name for t in toolset(paths).tools]
    assert first[0] == "list_pets"
    assert first[1].startswith("list_pets_") and first[1] != "list_pets"
    assert [t.name for t in toolset(paths).tools] == first


def test_title_and_description_come_from_summary_and_description() -> None:
    paths = {
        "/p": {
            "get": {
                "summary": "Get a <b>pet</b>",
                "description": "<p>Returns the pet.</p><!-- hidden -->",
                "deprecated": True,
            }
        }
    }
    (tool,) = toolset(paths).tools
    assert tool.title == "Get a pet"
    assert tool.description == "Deprecated. Get a pet.\n\nReturns the pet."


def test_instructions_come_from_the_api_description() -> None:
    assert toolset({}, description="The <i>shelter</i> API.").instructions == "The shelter API."


def test_annotations_follow_the_method() -> None:
    get, delete, put, post = (
        annotations_for(m) for m in (HttpMethod.GET, HttpMethod.DELETE, HttpMethod.PUT, HttpMethod.POST)
    )
    assert (get.read_only, get.destructive, get.idempotent) == (True, False, True)
    assert (delete.read_only, delete.destructive, delete.idempotent) == (False, True, True)
    assert (put.read_only, put.idempotent) == (False, True)
    assert (post.read_only, post.destructive, post.idempotent, post.open_world) == (False, False, False, True)
