"""Unit tests for converter.loader: JSON/YAML parsing, file and URL reading, and the size guards."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.errors import LoadError, Location
from converter.loader import LoadedDocument, is_url, load_document, parse_text


def parse(text: str, *, is_json: bool | None = None) -> object:
    return parse_text(text, display="spec.yaml", is_json=is_json)


def load_error(text: str, *, is_json: bool | None = None) -> LoadError:
    with pytest.raises(LoadError) as info:
        parse(text, is_json=is_json)
    return info.value


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """`levels` anchored lists, each holding `width` aliases of the one before: width**levels leaves."""
    lines = ["l0: &l0 [" + ", ".join(["x"] * width) + "]"]
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * width) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


# --- JSON or YAML -------------------------------------------------------------------------------------------

# `1e5` tells the two apart: a number in JSON, a plain string in YAML 1.1 (which wants a dot in floats).


def test_parse_text_json_looking_text_is_read_as_json() -> None:
    assert parse('{"a": 1e5}') == {"a": 100000.0}


def test_parse_text_other_text_is_read_as_yaml() -> None:
    assert parse("a: 1e5\nb: [1, two]\n") == {"a": "1e5", "b": [1, "two"]}


def test_parse_text_forced_yaml_reads_json_looking_text_as_yaml() -> None:
    assert parse('{"a": 1e5}', is_json=False) == {"a": "1e5"}


def test_parse_text_invalid_json_that_is_valid_yaml_is_read_as_yaml() -> None:
    assert parse("{a: 1, b: [x, y],}") == {"a": 1, "b": ["x", "y"]}


def test_parse_text_forced_json_reports_line_and_column() -> None:
    error = load_error('{\n  "a": 1\n  "b": 2\n}\n', is_json=True)
    assert str(error) == "spec.yaml: invalid JSON at line 3, column 3: Expecting ',' delimiter"
    assert error.location == Location("spec.yaml")


def test_parse_text_empty_document_is_none() -> None:
    assert parse("") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: [1, 2\nb: 3\n", "invalid YAML at line 2, column 2: did not find expected ',' or ']'"),
        ("a: b: c\n", "invalid YAML at line 1, column 5: mapping values are not allowed in this context"),
        ("a: 1\n---\nb: 2\n", "invalid YAML at line 2, column 1: but found another document"),
    ],
)
def test_parse_text_yaml_syntax_error_reports_line_and_column(text: str, message: str) -> None:
    assert str(load_error(text)) == f"spec.yaml: {message}"


@pytest.mark.parametrize("text", ["a: !!python/object/apply:os.system [echo hi]\n", "a: !custom x\n"])
def test_parse_text_unknown_yaml_tags_are_refused(text: str) -> None:
    assert "could not determine a constructor" in load_error(text).message


# --- YAML reads as JSON would -------------------------------------------------------------------------------


def test_parse_text_yaml_dates_stay_strings() -> None:
    assert parse("default: 2024-01-01\nwhen: 2024-01-01T10:00:00Z\n") == {
        "default": "2024-01-01",
        "when": "2024-01-01T10:00:00Z",
    }


def test_parse_text_yaml_integer_keys_become_strings() -> None:
    assert parse("responses:\n  200: {description: ok}\n  404: {description: missing}\n") == {
        "responses": {"200": {"description": "ok"}, "404": {"description": "missing"}}
    }


@pytest.mark.parametrize(("key", "expected"), [("true", "true"), ("false", "false"), ("null", "null"), ("1.5", "1.5")])
def test_parse_text_yaml_non_string_keys_become_strings(key: str, expected: str) -> None:
    assert parse(f"{key}: value\n") == {expected: "value"}


def test_parse_text_yaml_anchors_and_merge_keys_load() -> None:
    text = "base: &base {type: string}\nx: *base\ny: *base\nz:\n  <<: *base\n  format: date\n"
    assert parse(text) == {
        "base": {"type": "string"},
        "x": {"type": "string"},
        "y": {"type": "string"},
        "z": {"type": "string", "format": "date"},
    }


def test_parse_text_small_alias_fan_out_loads() -> None:
    data = parse(alias_bomb(levels=3, width=3))
    assert isinstance(data, dict)
    assert data["l2"] == [[["x"] * 3] * 3] * 3


def test_parse_text_yaml_alias_bomb_is_refused() -> None:
    error = load_error(alias_bomb())
    assert error.message == "YAML aliases expand to more than 10,000,000 nodes; refusing to load (alias bomb?)"


@pytest.mark.parametrize("text", ["a: &x [*x]\n", "a: &x {b: *x}\n"])
def test_parse_text_self_referential_alias_is_refused(text: str) -> None:
    assert str(load_error(text)) == "spec.yaml: invalid YAML at line 1, column 4: found unconstructable recursive node"


@pytest.mark.parametrize("is_json", [True, None])
def test_parse_text_deeply_nested_json_is_refused(is_json: bool | None) -> None:
    assert load_error("[" * 100_000, is_json=is_json).message == "invalid JSON: nested too deeply"


def test_parse_text_deeply_nested_yaml_mapping_is_refused() -> None:
    text = "{a: " * 5_000 + "1" + "}" * 5_000
    assert load_error(text).message == "invalid YAML: nested more than 1000 levels deep"


# --- files --------------------------------------------------------------------------------------------------


def test_load_document_json_file(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text('{"openapi": "3.1.0", "n": 1e5}', encoding="utf-8")
    assert load_document(str(path)) == LoadedDocument(
        data={"openapi": "3.1.0", "n": 100000.0}, uri=str(path), display=str(path)
    )


def test_load_document_relative_path_gets_an_absolute_uri(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "api.yaml").write_text("openapi: 3.0.3\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    document = load_document("api.yaml")
    assert document.uri == str(tmp_path / "api.yaml")
    assert document.display == "api.yaml"
    assert document.data == {"openapi": "3.0.3"}


@pytest.mark.parametrize("name", ["api.json", "API.JSON"])
def test_load_document_json_suffix_reports_json_errors(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("openapi: 3.0.3\n", encoding="utf-8")  # valid YAML, but the file says it is JSON
    with pytest.raises(LoadError) as info:
        load_document(str(path))
    assert str(info.value) == f"{path}: invalid JSON at line 1, column 1: Expecting value"


def test_load_document_yaml_file_with_json_content(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text('{"n": 1e5}', encoding="utf-8")
    assert load_document(str(path)).data == {"n": 100000.0}


@pytest.mark.parametrize(("name", "text"), [("api.json", '{"a": 1}'), ("api.yaml", "a: 1\n")])
def test_load_document_utf8_bom_is_accepted(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_document(str(path)).data == {"a": 1}


def test_load_document_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_bytes("title: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(LoadError) as info:
        load_document(str(path))
    assert str(info.value) == f"{path}: not UTF-8 text (byte 10)"


def test_load_document_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(LoadError) as info:
        load_document(str(path))
    assert str(info.value) == f"{path}: no such file"
    assert info.value.location == Location(str(path))


def test_load_document_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as info:
        load_document(str(tmp_path))
    assert str(info.value) == f"{tmp_path}: is a directory, not a file"


def test_load_document_deeply_nested_json_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(LoadError, match="nested too deeply"):
        load_document(str(path))


# --- URLs ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("http://example.com/api.yaml", True),
        ("https://example.com/api.yaml", True),
        ("file:///tmp/api.yaml", False),
        ("/tmp/api.yaml", False),
        ("api.yaml", False),
        ("C:\\specs\\api.yaml", False),
    ],
)
def test_is_url_only_http_and_https(source: str, expected: bool) -> None:
    assert is_url(source) is expected


@pytest.mark.parametrize(("name", "text"), [("api.json", '{"n": 1e5}'), ("api.yaml", "n: 2024-01-01\n200: ok\n")])
def test_load_document_from_url(served: tuple[Path, str], name: str, text: str) -> None:
    root, base = served
    (root / name).write_text(text, encoding="utf-8")
    url = f"{base}/{name}"
    document = load_document(url)
    assert document.uri == url
    assert document.display == url
    assert document.data == ({"n": 100000.0} if name.endswith(".json") else {"n": "2024-01-01", "200": "ok"})


def test_load_document_url_json_suffix_reports_json_errors(served: tuple[Path, str]) -> None:
    root, base = served
    (root / "api.json").write_text("n: 1\n", encoding="utf-8")
    with pytest.raises(LoadError, match="invalid JSON at line 1, column 1"):
        load_document(f"{base}/api.json")


def test_load_document_url_not_found_reports_status(served: tuple[Path, str]) -> None:
    _, base = served
    url = f"{base}/missing.yaml"
    with pytest.raises(LoadError) as info:
        load_document(url)
    assert info.value.location == Location(url)
    assert info.value.message.startswith("HTTP 404 ")


def test_load_document_unreachable_url_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="cannot fetch"):
        load_document("http://127.0.0.1:1/api.yaml")


@pytest.mark.parametrize("text", ["- " * 100_000 + "x", "[" * 100_000 + "]" * 100_000])
def test_parse_text_yaml_nested_beyond_the_c_parser_is_refused_not_a_crash(text: str) -> None:
    # libyaml's composer recurses in C: without the depth check this kills the process (SIGSEGV).
    assert load_error(text, is_json=False).message == "invalid YAML: nested more than 1000 levels deep"


def test_parse_text_reads_scalars_as_yaml_1_2() -> None:
    text = "true: a\non: b\nno: c\n0x10: d\n010: e\nenum: [NO, yes, true, 010, -3]\n"
    assert parse(text) == {
        "true": "a",
        "on": "b",
        "no": "c",
        "0x10": "d",
        "010": "e",
        "enum": ["NO", "yes", True, 10, -3],
    }


def test_load_document_url_with_utf8_bom_is_accepted(served: tuple[Path, str]) -> None:
    root, base = served
    (root / "bom.json").write_bytes(b"\xef\xbb\xbf" + b'{"a": 1}')
    assert load_document(f"{base}/bom.json").data == {"a": 1}


def test_load_document_through_a_symlinked_directory_uses_the_real_path(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "api.json").write_text('{"a": 1}', encoding="utf-8")
    (tmp_path / "link").symlink_to(real)
    document = load_document(str(tmp_path / "link" / "api.json"))
    assert document.uri == str((real / "api.json").resolve())
    assert document.display == str(tmp_path / "link" / "api.json")


def test_load_document_reads_gzip_compressed_specs(tmp_path: Path) -> None:
    import gzip

    for name, text in (("api.json.gz", '{"openapi": "3.1.0"}'), ("api.yaml.gz", "openapi: 3.1.0\n")):
        path = tmp_path / name
        path.write_bytes(gzip.compress(text.encode()))
        assert load_document(str(path)).data == {"openapi": "3.1.0"}


def test_load_document_refuses_a_gzip_bomb_and_corrupt_gzip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gzip

    from converter import loader

    monkeypatch.setattr(loader, "MAX_DOCUMENT_BYTES", 1000)
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b" " * 100_000))  # 100 kB from a few hundred bytes
    with pytest.raises(LoadError, match=r"bomb.json.gz: decompresses to more than 1,000 bytes"):
        load_document(str(bomb))
    corrupt = tmp_path / "corrupt.json.gz"
    corrupt.write_bytes(b"\x1f\x8b" + b"not gzip")
    with pytest.raises(LoadError, match=r"corrupt.json.gz: invalid gzip data"):
        load_document(str(corrupt))


def test_a_lone_surrogate_escape_is_refused_with_its_location_but_a_pair_is_a_character() -> None:
    lone = '{"info": {"title": "ok", "x": ["a\\ud800b"]}}'
    with pytest.raises(LoadError, match=r"^spec.json#/info/x/0: text holds a lone surrogate escape"):
        parse_text(lone, display="spec.json")
    assert parse_text('{"t": "\\ud83d\\ude00"}', display="spec.json") == {"t": "\U0001f600"}
    with pytest.raises(LoadError, match=r"^spec.yaml: invalid YAML at line 1, column 7: found invalid Unicode"):
        parse_text('t: "\\udc00"\n', display="spec.yaml")  # libyaml refuses it itself
