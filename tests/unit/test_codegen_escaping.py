"""Spec text on its way into generated code: literals that spell exactly the text, and the schema
datamodel-code-generator gets (nothing in it it would turn into code, names or values mypy or pydantic reject)."""

from __future__ import annotations

import ast
import tomllib
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from converter.codegen.literals import py_str, py_str_block, toml_str
from converter.codegen.models import models_schema, models_source
from converter.tools import Annotations, HttpBinding, Tool


def _tool(name: str, input_schema: dict[str, Any], output_schema: dict[str, Any] | None = None) -> Tool:
    return Tool(
        name=name,
        title="",
        description="",
        input_schema=input_schema,
        output_schema=output_schema,
        annotations=Annotations(read_only=True, destructive=False, idempotent=True),
        binding=HttpBinding(method="GET", path="/", servers=(), args=(), body=None, security=None),
        operation_id=name,
        tags=(),
    )


def _arguments(property_schema: dict[str, Any]) -> dict[str, Any]:
    """The schema `models_schema` makes of one tool argument `p` with this schema."""
    tool = _tool("t", {"type": "object", "properties": {"p": property_schema}})
    result: dict[str, Any] = models_schema([tool])["$defs"]["TArguments"]["properties"]["p"]
    return result


@given(st.text())
def test_py_str_is_an_ascii_literal_of_the_text(text: str) -> None:
    literal = py_str(text)
    assert literal.isascii()
    assert ast.literal_eval(literal) == text


def test_py_str_writes_astral_characters_as_one_escape() -> None:
    # JSON's surrogate pair would be two lone surrogates in Python, which no UTF-8 encoder accepts.
    assert py_str('\U0001f600 \u2028\x1b\x7f"\\') == '"\\U0001f600 \\u2028\\u001b\\u007f\\"\\\\"'


@given(st.text())
def test_toml_str_is_a_toml_string_of_the_text(text: str) -> None:
    value = tomllib.loads(f"x = {toml_str(text)}")["x"]
    assert value == "".join("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in text)


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\r", '"', "\\", "\u2028", "\U0001f600"]), max_size=300))
def test_py_str_block_spells_the_text(text: str) -> None:
    assert ast.literal_eval(py_str_block(text, width=20)) == text


def test_extensions_never_reach_the_models_schema() -> None:
    schema = _arguments(
        {"type": "string", "x-python-type": "os.PathLike", "x-python-import": {"module": "os", "name": "system"}}
    )
    assert schema == {"type": "string"}


@pytest.mark.parametrize(
    ("schema", "kept"),
    [
        ({"type": "integer", "default": 20}, True),
        ({"type": "integer", "format": "int32", "default": 20}, True),
        ({"type": "number", "format": "decimal", "default": 1.5}, False),
        ({"type": "number", "default": 1}, True),
        ({"type": "string", "enum": ["asc", "desc"], "default": "asc"}, True),
        ({"type": "array", "items": {"type": "string"}, "default": ["a"]}, True),
        ({"type": "object", "additionalProperties": {"type": "integer"}, "default": {"a": 1}}, True),
        ({"type": "string", "default": None}, True),
        ({"type": "string", "enum": ["asc", "desc"], "default": "ASC"}, False),
        ({"type": "integer", "enum": [1, 2], "default": True}, False),
        ({"type": "string", "format": "date", "default": "2020-01-01"}, False),
        ({"type": "integer", "default": "10"}, False),
        ({"type": "integer", "default": 1.5}, False),
        ({"type": "boolean", "default": "true"}, False),
        ({"type": "array", "items": {"type": "string", "enum": ["a"]}, "default": ["A"]}, False),
        ({"type": "object", "properties": {"k": {"type": "integer"}}, "default": {"k": "x"}}, False),
        ({"$ref": "#/$defs/X", "default": "x"}, False),
    ],
)
def test_defaults_are_kept_only_when_the_annotation_accepts_them(schema: dict[str, Any], kept: bool) -> None:
    assert ("default" in _arguments(schema)) is kept


@pytest.mark.parametrize(
    ("pattern", "kept"),
    [("^[a-z]+$", True), ("^[^\"']*$", True), ("(", False), ("(?<=a)b", False), (r"\p{L}", False)],
)
def test_patterns_are_kept_only_when_both_regex_engines_compile_them(pattern: str, kept: bool) -> None:
    assert ("pattern" in _arguments({"type": "string", "pattern": pattern})) is kept


@pytest.mark.parametrize(("const", "kept"), [("a", True), (1, True), (True, True), (1.5, False), ([1], False)])
def test_consts_are_kept_only_as_literal_values(const: Any, kept: bool) -> None:
    assert ("const" in _arguments({"const": const})) is kept


def test_non_ascii_enum_values_get_ascii_member_names() -> None:
    schema = _arguments({"type": "string", "enum": ["ü", "u", "日本"]})
    assert schema["x-enum-varnames"] == ["u", "u", "value"]
    assert "x-enum-varnames" not in _arguments({"type": "string", "enum": ["a", "b"]})


def test_tools_whose_class_stems_collide_keep_their_own_models() -> None:
    tools = [_tool(name, {"type": "object", "properties": {name: {"type": "string"}}}) for name in ("a_b2", "a_b_2")]
    defs = models_schema(tools)["$defs"]
    assert [sorted(schema["properties"]) for schema in defs.values()] == [["a_b2"], ["a_b_2"]]


def _fields(source: str) -> dict[str, list[str]]:
    """Class name → its annotated field names, in a generated models.py."""
    return {
        node.name: [ast.unparse(item.target) for item in node.body if isinstance(item, ast.AnnAssign)]
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef)
    }


def _registry(source: str, name: str) -> dict[str, str]:
    """`ARGUMENTS` or `RESULTS` of a generated models.py: tool name → class name."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and ast.unparse(node.target) == name and isinstance(node.value, ast.Dict):
            pairs = zip(node.value.keys, node.value.values, strict=True)
            return {ast.literal_eval(key): ast.unparse(value) for key, value in pairs if key is not None}
    raise AssertionError(f"no {name} in the source")


def test_registry_names_the_classes_datamodel_code_generator_chose() -> None:
    # `aaa`'s inline argument `bbb_result` takes the name BbbResult before the `bbb` tool's result does.
    aaa = _tool("aaa", {"type": "object", "properties": {"bbb_result": {"type": "object", "properties": {"q": {}}}}})
    bbb = _tool("bbb", {"type": "object"}, {"type": "object", "properties": {"r": {"type": "integer"}}})
    source = models_source([aaa, bbb], header='"""Models."""')
    results = _registry(source, "RESULTS")
    assert _fields(source)[results["bbb"]] == ["r"]


def test_models_source_escapes_what_datamodel_code_generator_writes_raw() -> None:
    tool = _tool("t", {"type": "object", "properties": {"k": {"type": "string", "enum": ["\x1b", "\u2028", "ü"]}}})
    source = models_source([tool], header='"""Models."""')
    assert source.isascii()
    assert '"\\u001b"' in source and '"\\u2028"' in source and '"\\u00fc"' in source
