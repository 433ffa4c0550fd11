"""Unit tests for converter.naming."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from converter.naming import (
    ARGUMENT_NAME_RE,
    TOOL_NAME_RE,
    argument_name,
    operation_tool_name,
    snake_case,
    unique_names,
)


def _hex(text: str, width: int = 6) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:width]


# --- snake_case ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("listPets", "list_pets"),
        ("repos/get-content", "repos_get_content"),
        ("books.search", "books_search"),
        ("getHTTPResponse", "get_http_response"),
        ("Pets_List", "pets_list"),
        ("v1.users:batchGet", "v1_users_batch_get"),
        ("ListPets2", "list_pets2"),
        ("already_snake", "already_snake"),
        ("HTTP", "http"),
        ("getV2Users", "get_v2_users"),
    ],
)
def test_snake_case_examples_convert(text: str, expected: str) -> None:
    assert snake_case(text) == expected


def test_snake_case_accented_letters_are_transliterated() -> None:
    assert snake_case("créerCafé") == "creer_cafe"


def test_snake_case_letters_without_ascii_form_are_dropped() -> None:
    assert snake_case("get日本Pets") == "get_pets"


def test_snake_case_separator_runs_collapse_and_edges_are_stripped() -> None:
    assert snake_case("__a--b..c//d  e__") == "a_b_c_d_e"


@pytest.mark.parametrize("text", ["", "   ", "---", "日本語", "🙂"])
def test_snake_case_unusable_input_returns_empty(text: str) -> None:
    assert snake_case(text) == ""


# --- operation_tool_name ------------------------------------------------------------------------------------


def test_operation_tool_name_uses_operation_id() -> None:
    assert operation_tool_name(operation_id="listPets", method="GET", path="/pets") == "list_pets"


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/pets/{petId}", "get_pets_by_pet_id"),
        ("POST", "/pets", "post_pets"),
        ("GET", "/", "get_root"),
        ("get", "", "get_root"),
        ("DELETE", "/stores/{storeId}/pets/{pet_id}", "delete_stores_by_store_id_pets_by_pet_id"),
        ("GET", "/files/{name}.{ext}", "get_files_by_name_by_ext"),
        ("PUT", "/v1/users:batchUpdate", "put_v1_users_batch_update"),
    ],
)
def test_operation_tool_name_without_operation_id_uses_method_and_path(method: str, path: str, expected: str) -> None:
    assert operation_tool_name(operation_id=None, method=method, path=path) == expected


@pytest.mark.parametrize("operation_id", ["", "日本", "---"])
def test_operation_tool_name_unusable_operation_id_falls_back_to_path(operation_id: str) -> None:
    assert operation_tool_name(operation_id=operation_id, method="GET", path="/pets") == "get_pets"


def test_operation_tool_name_unusable_path_falls_back_to_method_and_hash() -> None:
    name = operation_tool_name(operation_id=None, method="GET", path="/日本")
    assert name == f"get_{_hex('GET /日本')}"


def test_operation_tool_name_long_name_is_cut_at_word_boundary_with_hash() -> None:
    operation_id = "get" + "".join(f"Word{index}" for index in range(20))
    name = operation_tool_name(operation_id=operation_id, method="GET", path="/")
    assert len(name) <= 64
    assert TOOL_NAME_RE.fullmatch(name)
    head, suffix = name.rsplit("_", 1)
    assert suffix == _hex(operation_id)
    assert snake_case(operation_id).startswith(head + "_")


def test_operation_tool_name_long_names_with_same_prefix_stay_distinct() -> None:
    prefix = "get_" + "very_long_" * 8
    first = operation_tool_name(operation_id=prefix + "alpha", method="GET", path="/a")
    second = operation_tool_name(operation_id=prefix + "beta", method="GET", path="/b")
    assert first != second
    assert len(first) <= 64
    assert len(second) <= 64


def test_operation_tool_name_long_path_is_cut() -> None:
    path = "/" + "/".join(f"segment{index}/{{param{index}}}" for index in range(10))
    name = operation_tool_name(operation_id=None, method="GET", path=path)
    assert TOOL_NAME_RE.fullmatch(name)
    assert name.endswith("_" + _hex("GET " + path))


def test_operation_tool_name_single_long_word_is_hard_cut() -> None:
    name = operation_tool_name(operation_id="x" * 200, method="GET", path="/")
    assert name == "x" * 57 + "_" + _hex("x" * 200)


def test_operation_tool_name_is_deterministic() -> None:
    kwargs = {"operation_id": "a" * 100, "method": "GET", "path": "/"}
    assert operation_tool_name(**kwargs) == operation_tool_name(**kwargs)


@given(operation_id=st.one_of(st.none(), st.text()), method=st.text(), path=st.text())
def test_operation_tool_name_always_matches_tool_name_re(operation_id: str | None, method: str, path: str) -> None:
    assert TOOL_NAME_RE.fullmatch(operation_tool_name(operation_id=operation_id, method=method, path=path))


# --- unique_names -------------------------------------------------------------------------------------------


def test_unique_names_distinct_names_are_unchanged() -> None:
    assert unique_names(["a", "b", "c"], keys=["1", "2", "3"]) == ["a", "b", "c"]


def test_unique_names_first_occurrence_keeps_name_and_later_get_key_hash() -> None:
    result = unique_names(["list_pets", "list_pets"], keys=["GET /pets", "GET /v2/pets"])
    assert result == ["list_pets", f"list_pets_{_hex('GET /v2/pets')}"]


def test_unique_names_suffix_keeps_limit() -> None:
    name = "n" * 64
    result = unique_names([name, name], keys=["a", "b"])
    assert result == [name, "n" * 57 + "_" + _hex("b")]


def test_unique_names_does_not_steal_a_later_natural_name() -> None:
    suffixed = f"pets_{_hex('GET /b')}"
    result = unique_names(["pets", "pets", suffixed], keys=["GET /a", "GET /b", "GET /c"])
    assert result[2] == suffixed
    assert result[1] == f"pets_{_hex('GET /b', 7)}"
    assert len(set(result)) == 3


def test_unique_names_same_key_twice_uses_counter() -> None:
    result = unique_names(["a", "a", "a"], keys=["k", "k", "k"])
    assert len(set(result)) == 3
    assert result[0] == "a"


def test_unique_names_thousand_collisions_stay_unique_and_short() -> None:
    names = ["x" * 64] * 1000
    keys = [f"GET /items/{index}" for index in range(1000)]
    result = unique_names(names, keys=keys)
    assert len(set(result)) == 1000
    assert all(len(name) <= 64 for name in result)
    assert result == unique_names(names, keys=keys)


def test_unique_names_thousand_collisions_with_identical_keys_stay_unique() -> None:
    result = unique_names(["tool"] * 1000, keys=["same"] * 1000)
    assert len(set(result)) == 1000
    assert all(len(name) <= 64 for name in result)


def test_unique_names_respects_custom_limit() -> None:
    result = unique_names(["abcdefghij"] * 3, keys=["1", "2", "3"], limit=10)
    assert len(set(result)) == 3
    assert all(len(name) <= 10 for name in result)


def test_unique_names_over_long_input_is_shortened() -> None:
    result = unique_names(["y" * 80], keys=["k"])
    assert result == ["y" * 57 + "_" + _hex("k")]


def test_unique_names_empty_input_returns_empty() -> None:
    assert unique_names([], keys=[]) == []


def test_unique_names_mismatched_keys_raise() -> None:
    with pytest.raises(ValueError, match="2 names but 1 keys"):
        unique_names(["a", "b"], keys=["1"])


def test_unique_names_tiny_limit_raises() -> None:
    with pytest.raises(ValueError, match="limit"):
        unique_names(["a"], keys=["1"], limit=5)


# --- argument_name ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wire_name", "expected"),
    [
        ("petId", "petId"),
        ("filter[status]", "filter_status"),
        ("X-Request-ID", "X-Request-ID"),
        ("$top", "top"),
        ("page size", "page_size"),
        ("user.name", "user.name"),
        ("a[b][c]", "a_b_c"),
        ("café", "cafe"),
        ("", "arg"),
        ("$$", "arg"),
        ("日本", "arg"),
    ],
)
def test_argument_name_examples_convert(wire_name: str, expected: str) -> None:
    assert argument_name(wire_name) == expected


def test_argument_name_trailing_newline_is_not_accepted_as_valid() -> None:
    assert argument_name("name\n") == "name"


def test_argument_name_long_name_is_cut_with_hash() -> None:
    wire_name = "very_long_" * 10
    result = argument_name(wire_name)
    assert len(result) <= 64
    assert ARGUMENT_NAME_RE.fullmatch(result)
    assert result.endswith("_" + _hex(wire_name))


@given(st.text())
def test_argument_name_always_matches_argument_name_re(wire_name: str) -> None:
    assert ARGUMENT_NAME_RE.fullmatch(argument_name(wire_name))
