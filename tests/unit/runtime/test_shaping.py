"""Response shaping of JSON results: what is left out, how lists are cut and noted, projections, limits."""

from __future__ import annotations

import json

import pytest

from converter.runtime.shaping import FieldsError, Shaping, compile_fields, shape_text

API = "api.example.com"


def shaped(value: object, *, fields: str | None = None, **settings: object) -> tuple[object, list[str]]:
    shaping = Shaping(**{"drop_links": True, "api_host": API, "fields_arg": "fields", **settings})  # type: ignore[arg-type]
    text = shape_text(value, shaping, fields=fields, projection=compile_fields(fields) if fields else None)
    first, *notes = text.split("\n")
    return json.loads(first), notes


def test_nulls_and_empty_containers_go_at_every_depth_but_falsy_values_stay() -> None:
    value = {"a": None, "b": [], "c": {}, "d": {"e": None, "f": [{}]}, "zero": 0, "no": False, "blank": ""}
    assert shaped(value) == ({"zero": 0, "no": False, "blank": ""}, [])


def test_array_positions_are_kept_when_an_item_empties() -> None:
    assert shaped([{"a": None}, {"a": 1}]) == ([None, {"a": 1}], [])


def test_links_into_the_api_templates_and_hal_go_links_elsewhere_stay() -> None:
    value = {
        "url": f"https://{API}/repos/1",
        "comments_url": f"https://{API}/repos/1/comments",
        "labels_url": "https://other.example.com/labels{/name}",
        "html_url": "https://example.com/repos/1",
        "_links": {"self": {"href": "x"}},
        "avatar_url": 7,
    }
    assert shaped(value) == (
        {"url": f"https://{API}/repos/1", "html_url": "https://example.com/repos/1", "avatar_url": 7},
        [],
    )
    kept, _ = shaped(value, drop_links=False)
    assert kept == value


def test_a_long_list_is_cut_with_how_many_there_were_and_how_to_page_or_project_the_rest() -> None:
    value = {"total": 5, "items": [{"n": n} for n in range(5)]}
    assert shaped(value, max_items=2, page_args=("page", "per_page")) == (
        {"total": 5, "items": [{"n": 0}, {"n": 1}]},
        ["[`items`: 2 of 5 items shown; page with `page`/`per_page`; the rest: fields=`items[2:]`]"],
    )


def test_lists_cut_inside_lists_give_one_note_and_no_paging_advice() -> None:
    value = [{"tags": list(range(4))}, {"tags": list(range(3))}, {"tags": [1]}]
    body, notes = shaped(value, max_items=2, page_args=("page",))
    assert body == [{"tags": [0, 1]}, {"tags": [0, 1]}]
    assert notes == [
        "[the result: 2 of 3 items shown; page with `page`; the rest: fields=`[2:]`]",
        "[`[].tags`: 2 arrays cut to 2 items (up to 4)]",
    ]


def test_the_rest_of_a_projection_is_offered_as_a_pipe_after_it() -> None:
    value = {"items": [{"id": n, "x": None} for n in range(4)]}
    assert shaped(value, fields="items[].id", max_items=3, page_args=("page",)) == (
        [0, 1, 2],
        ["[the result: 3 of 4 items shown; the rest: fields=`items[].id | [3:]`]"],
    )


def test_a_key_that_is_no_plain_name_gets_no_projection_advice() -> None:
    _, notes = shaped({"odd-key": [1, 2, 3]}, max_items=1)
    assert notes == ["[`odd-key`: 1 of 3 items shown]"]


def test_text_over_the_limit_is_cut_with_a_note() -> None:
    body = shape_text({"s": "x" * 500}, Shaping(max_chars=100, fields_arg="fields"))
    text, note = body.split("\n")
    assert len(text) == 100
    assert note == "[cut at 100 of 508 characters; ask for less with `fields`]"


def test_a_projection_that_selects_nothing_gives_null() -> None:
    assert shaped({"a": 1}, fields="b") == (None, [])


@pytest.mark.parametrize("expression", ["items[", "", "   ", 5, None])
def test_a_bad_fields_value_is_refused_with_a_readable_message(expression: object) -> None:
    with pytest.raises(FieldsError, match=r"^fields: "):
        compile_fields(expression)


def test_from_table_reads_the_tool_table_entry() -> None:
    shaping = Shaping.from_table(
        {"maxItems": 3, "dropLinks": True, "pageArgs": ["page"], "fieldsArg": "result_fields"},
        max_chars=500,
        api_host=API,
    )
    assert shaping == Shaping(3, True, ("page",), "result_fields", 500, API)
    assert Shaping.from_table({}, max_chars=10, api_host="") == Shaping(max_chars=10, drop_links=False)


def test_a_projection_that_fails_on_the_result_shows_the_whole_result_with_a_note() -> None:
    body, notes = shaped({"a": 1}, fields="abs(@)")
    assert body == {"a": 1}
    assert len(notes) == 1 and notes[0].startswith("[fields `abs(@)` could not be applied (In function abs()")
    assert notes[0].endswith("; the whole result is shown]")
