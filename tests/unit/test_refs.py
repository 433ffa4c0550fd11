"""Unit tests for converter.refs: parsing `$ref`s, the file and remote policy, loading and following them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from converter.errors import Location, RefError
from converter.loader import LoadedDocument
from converter.refs import MAX_REF_CHAIN, Resolver, Target

HERE = Location("api.json", ("paths", "/pets", "get"))


@pytest.fixture
def spec_dir(tmp_path: Path) -> Path:
    """The directory the main document lives in (symlinks resolved, as the resolver compares real paths)."""
    path = tmp_path.resolve() / "spec"
    path.mkdir()
    return path


def make_resolver(spec_dir: Path, data: Any = None, *, allow_remote_refs: bool = False) -> Resolver:
    document = LoadedDocument(data=data if data is not None else {}, uri=str(spec_dir / "api.json"), display="api.json")
    return Resolver(document, allow_remote_refs=allow_remote_refs)


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def parse_error(resolver: Resolver, ref: str) -> RefError:
    with pytest.raises(RefError) as info:
        resolver.parse_ref(ref, base=resolver.root_uri, where=HERE)
    assert info.value.location == HERE
    return info.value


# --- parse_ref ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "pointer"),
    [
        ("#/components/schemas/Pet", ("components", "schemas", "Pet")),
        ("#/paths/~1pets~1%7Bid%7D", ("paths", "/pets/{id}")),
        ("#/a~0b/c~01", ("a~b", "c~1")),
        ("#/with%20space/%7E1", ("with space", "/")),
        ("#/items/0", ("items", "0")),
        ("#", ()),
        ("", ()),
    ],
)
def test_parse_ref_local_pointer_is_unescaped(spec_dir: Path, ref: str, pointer: tuple[str, ...]) -> None:
    resolver = make_resolver(spec_dir)
    assert resolver.parse_ref(ref, base=resolver.root_uri, where=HERE) == Target(str(spec_dir / "api.json"), pointer)


@pytest.mark.parametrize(
    ("ref", "path", "pointer"),
    [
        ("other.yaml#/Foo", "other.yaml", ("Foo",)),
        ("other.yaml", "other.yaml", ()),
        ("./sub/../other.yaml#/Foo", "other.yaml", ("Foo",)),
        ("sub/my%20file.yaml#/Foo", "sub/my file.yaml", ("Foo",)),
    ],
)
def test_parse_ref_relative_file_is_resolved_against_the_base_directory(
    spec_dir: Path, ref: str, path: str, pointer: tuple[str, ...]
) -> None:
    resolver = make_resolver(spec_dir)
    assert resolver.parse_ref(ref, base=resolver.root_uri, where=HERE) == Target(str(spec_dir / path), pointer)


def test_parse_ref_relative_to_a_referenced_file_uses_that_files_directory(spec_dir: Path) -> None:
    resolver = make_resolver(spec_dir)
    base = str(spec_dir / "sub" / "a.yaml")
    assert resolver.parse_ref("b.yaml#/X", base=base, where=HERE) == Target(str(spec_dir / "sub" / "b.yaml"), ("X",))
    assert resolver.parse_ref("../c.yaml", base=base, where=HERE) == Target(str(spec_dir / "c.yaml"), ())


@pytest.mark.parametrize("ref", ["../x.yaml", "../x.yaml#/Foo", "sub/../../x.yaml", "/etc/passwd"])
def test_parse_ref_escaping_the_spec_directory_is_refused(spec_dir: Path, ref: str) -> None:
    error = parse_error(make_resolver(spec_dir), ref)
    assert error.message == f"$ref '{ref}' points outside the spec's directory; refusing to read it"


def test_parse_ref_symlink_pointing_outside_is_refused(spec_dir: Path) -> None:
    outside = write(spec_dir.parent / "outside" / "secret.json", {"Foo": {"type": "string"}})
    (spec_dir / "link.json").symlink_to(outside)
    (spec_dir / "linkdir").symlink_to(outside.parent, target_is_directory=True)
    resolver = make_resolver(spec_dir)
    assert "outside the spec's directory" in parse_error(resolver, "link.json#/Foo").message
    assert "outside the spec's directory" in parse_error(resolver, "linkdir/secret.json#/Foo").message


def test_parse_ref_symlink_inside_the_directory_is_allowed(spec_dir: Path) -> None:
    real = write(spec_dir / "real" / "x.json", {})
    (spec_dir / "alias.json").symlink_to(real)
    resolver = make_resolver(spec_dir)
    assert resolver.parse_ref("alias.json", base=resolver.root_uri, where=HERE) == Target(str(real), ())


@pytest.mark.parametrize("ref", ["https://example.com/api.yaml#/Pet", "http://example.com/api.yaml"])
def test_parse_ref_remote_is_refused_by_default(spec_dir: Path, ref: str) -> None:
    error = parse_error(make_resolver(spec_dir), ref)
    assert error.message == f"remote $ref '{ref}' not fetched; pass --allow-remote-refs to allow it"


def test_parse_ref_remote_is_accepted_when_allowed(spec_dir: Path) -> None:
    resolver = make_resolver(spec_dir, allow_remote_refs=True)
    target = resolver.parse_ref("https://example.com/a%20b.yaml#/Pet", base=resolver.root_uri, where=HERE)
    assert target == Target("https://example.com/a%20b.yaml", ("Pet",))


def test_parse_ref_relative_ref_in_a_remote_document_is_joined_to_its_url(spec_dir: Path) -> None:
    resolver = make_resolver(spec_dir, allow_remote_refs=True)
    target = resolver.parse_ref("../common/pet.yaml#/Pet", base="https://example.com/api/v1/root.yaml", where=HERE)
    assert target == Target("https://example.com/api/common/pet.yaml", ("Pet",))


def test_parse_ref_local_file_from_a_remote_document_is_refused(spec_dir: Path) -> None:
    resolver = make_resolver(spec_dir, allow_remote_refs=True)
    with pytest.raises(RefError, match="unsupported"):
        resolver.parse_ref("file:///etc/passwd", base="https://example.com/api.yaml", where=HERE)


@pytest.mark.parametrize("ref", ["file:///etc/passwd", "ftp://example.com/a.yaml", "urn:uuid:1234"])
def test_parse_ref_other_schemes_are_refused(spec_dir: Path, ref: str) -> None:
    error = parse_error(make_resolver(spec_dir, allow_remote_refs=True), ref)
    assert error.message == f"unsupported $ref '{ref}': only relative file paths and http(s) URLs"


@pytest.mark.parametrize("ref", ["#Foo", "#foo/bar", "other.yaml#Foo"])
def test_parse_ref_non_pointer_fragment_is_refused(spec_dir: Path, ref: str) -> None:
    error = parse_error(make_resolver(spec_dir), ref)
    assert error.message == f"unsupported $ref '{ref}': only JSON pointer fragments ('#/…') are supported"


# --- get ----------------------------------------------------------------------------------------------------

DATA = {
    "components": {"schemas": {"Pet": {"type": "object"}, "a/b": {"type": "string"}}},
    "tags": [{"name": "pets"}, {"name": "owners"}],
}


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ((), DATA),
        (("components", "schemas", "Pet"), {"type": "object"}),
        (("components", "schemas", "a/b"), {"type": "string"}),
        (("tags", "1", "name"), "owners"),
    ],
)
def test_get_returns_the_node_at_the_pointer(spec_dir: Path, pointer: tuple[str, ...], expected: Any) -> None:
    resolver = make_resolver(spec_dir, DATA)
    assert resolver.get(Target(resolver.root_uri, pointer), where=HERE) == expected


@pytest.mark.parametrize(
    ("pointer", "missing"),
    [
        (("components", "schemas", "Nope"), "api.json#/components/schemas/Nope"),
        (("components", "nope", "Pet"), "api.json#/components/nope"),
        (("tags", "2"), "api.json#/tags/2"),
        (("tags", "first"), "api.json#/tags/first"),
        (("tags", "0", "name", "x"), "api.json#/tags/0/name/x"),
        (("components", "schemas", "a~b"), "api.json#/components/schemas/a~0b"),
    ],
)
def test_get_missing_pointer_names_the_first_missing_location(
    spec_dir: Path, pointer: tuple[str, ...], missing: str
) -> None:
    resolver = make_resolver(spec_dir, DATA)
    with pytest.raises(RefError) as info:
        resolver.get(Target(resolver.root_uri, pointer), where=HERE)
    assert info.value.location == HERE
    assert info.value.message == f"unresolvable $ref: nothing at {missing}"


def test_get_loads_another_file(spec_dir: Path) -> None:
    write(spec_dir / "sub" / "pets.json", {"Pet": {"type": "object"}})
    (spec_dir / "common.yaml").write_text("Id: {type: integer, example: 2024-01-01}\n", encoding="utf-8")
    resolver = make_resolver(spec_dir)
    pets = resolver.parse_ref("sub/pets.json#/Pet", base=resolver.root_uri, where=HERE)
    common = resolver.parse_ref("common.yaml#/Id", base=resolver.root_uri, where=HERE)
    assert resolver.get(pets, where=HERE) == {"type": "object"}
    assert resolver.get(common, where=HERE) == {"type": "integer", "example": "2024-01-01"}
    assert str(resolver.location(pets)) == "sub/pets.json#/Pet"
    assert resolver.display(common.uri) == "common.yaml"


def test_get_missing_pointer_in_another_file_names_that_file(spec_dir: Path) -> None:
    write(spec_dir / "other.json", {"Foo": {}})
    resolver = make_resolver(spec_dir)
    with pytest.raises(RefError) as info:
        resolver.get(resolver.parse_ref("other.json#/Bar", base=resolver.root_uri, where=HERE), where=HERE)
    assert str(info.value) == "api.json#/paths/~1pets/get: unresolvable $ref: nothing at other.json#/Bar"


def test_get_missing_file_is_a_ref_error_at_the_referrer(spec_dir: Path) -> None:
    resolver = make_resolver(spec_dir)
    target = resolver.parse_ref("missing.yaml#/Foo", base=resolver.root_uri, where=HERE)
    with pytest.raises(RefError) as info:
        resolver.get(target, where=HERE)
    assert info.value.location == HERE
    assert info.value.message == "cannot load $ref target: missing.yaml: no such file"


def test_get_loads_each_file_once(spec_dir: Path) -> None:
    path = write(spec_dir / "other.json", {"Foo": {"type": "string"}, "Bar": {"type": "integer"}})
    resolver = make_resolver(spec_dir)
    foo = resolver.parse_ref("other.json#/Foo", base=resolver.root_uri, where=HERE)
    first = resolver.get(foo, where=HERE)
    path.unlink()  # a second read would now fail
    assert resolver.get(foo, where=HERE) is first
    assert resolver.get(Target(foo.uri, ("Bar",)), where=HERE) == {"type": "integer"}


def test_replace_root_swaps_the_main_document(spec_dir: Path) -> None:
    resolver = make_resolver(spec_dir, {"swagger": "2.0"})
    resolver.replace_root({"openapi": "3.0.3"})
    assert resolver.root == {"openapi": "3.0.3"}
    assert resolver.get(Target(resolver.root_uri, ("openapi",)), where=HERE) == "3.0.3"


def test_get_remote_document_from_a_server(spec_dir: Path, served: tuple[Path, str]) -> None:
    root, base = served
    (root / "pets.yaml").write_text("Pet:\n  $ref: 'common.yaml#/Named'\n", encoding="utf-8")
    (root / "common.yaml").write_text("Named: {type: object, required: [name]}\n", encoding="utf-8")
    resolver = make_resolver(spec_dir, allow_remote_refs=True)
    target = resolver.parse_ref(f"{base}/pets.yaml#/Pet", base=resolver.root_uri, where=HERE)
    node, uri, where = resolver.follow(resolver.get(target, where=HERE), base=target.uri, where=HERE)
    assert node == {"type": "object", "required": ["name"]}
    assert uri == f"{base}/common.yaml"
    assert str(where) == f"{base}/common.yaml#/Named"


def test_get_remote_document_is_fetched_once(spec_dir: Path, served: tuple[Path, str]) -> None:
    root, base = served
    (root / "pets.json").write_text('{"Pet": {"type": "object"}}', encoding="utf-8")
    resolver = make_resolver(spec_dir, allow_remote_refs=True)
    target = resolver.parse_ref(f"{base}/pets.json#/Pet", base=resolver.root_uri, where=HERE)
    first = resolver.get(target, where=HERE)
    (root / "pets.json").unlink()
    assert resolver.get(target, where=HERE) is first


# --- follow -------------------------------------------------------------------------------------------------


def test_follow_non_reference_is_returned_unchanged(spec_dir: Path) -> None:
    resolver = make_resolver(spec_dir)
    node = {"name": "limit", "in": "query"}
    assert resolver.follow(node, base=resolver.root_uri, where=HERE) == (node, resolver.root_uri, HERE)


def test_follow_resolves_a_chain(spec_dir: Path) -> None:
    data = {"a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": {"name": "limit"}}
    resolver = make_resolver(spec_dir, data)
    node, uri, where = resolver.follow(data["a"], base=resolver.root_uri, where=Location("api.json", ("a",)))
    assert (node, uri, where) == ({"name": "limit"}, resolver.root_uri, Location("api.json", ("c",)))


def test_follow_crosses_files(spec_dir: Path) -> None:
    write(spec_dir / "params" / "common.json", {"Limit": {"$ref": "#/Real"}, "Real": {"name": "limit"}})
    resolver = make_resolver(spec_dir)
    node, uri, where = resolver.follow({"$ref": "params/common.json#/Limit"}, base=resolver.root_uri, where=HERE)
    assert node == {"name": "limit"}
    assert uri == str(spec_dir / "params" / "common.json")
    assert str(where) == "params/common.json#/Real"


@pytest.mark.parametrize(
    ("data", "start"),
    [
        ({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}}, "a"),
        ({"s": {"$ref": "#/s"}}, "s"),
        ({"a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": {"$ref": "#/b"}}, "a"),
    ],
)
def test_follow_cycle_is_a_ref_error(spec_dir: Path, data: dict[str, Any], start: str) -> None:
    resolver = make_resolver(spec_dir, data)
    with pytest.raises(RefError, match="circular \\$ref"):
        resolver.follow(data[start], base=resolver.root_uri, where=Location("api.json", (start,)))


def test_follow_cycle_across_files_is_a_ref_error(spec_dir: Path) -> None:
    write(spec_dir / "other.json", {"Back": {"$ref": "api.json#/a"}})
    data = {"a": {"$ref": "other.json#/Back"}}
    resolver = make_resolver(spec_dir, data)
    with pytest.raises(RefError, match="circular"):
        resolver.follow(data["a"], base=resolver.root_uri, where=Location("api.json", ("a",)))


def test_follow_overlong_chain_is_a_ref_error(spec_dir: Path) -> None:
    data = {f"n{i}": {"$ref": f"#/n{i + 1}"} for i in range(MAX_REF_CHAIN + 1)}
    data[f"n{MAX_REF_CHAIN + 1}"] = {"name": "end"}
    resolver = make_resolver(spec_dir, data)
    with pytest.raises(RefError, match="circular"):
        resolver.follow(data["n0"], base=resolver.root_uri, where=HERE)


def test_follow_chain_at_the_limit_resolves(spec_dir: Path) -> None:
    data: dict[str, Any] = {f"n{i}": {"$ref": f"#/n{i + 1}"} for i in range(MAX_REF_CHAIN)}
    data[f"n{MAX_REF_CHAIN}"] = {"name": "end"}
    resolver = make_resolver(spec_dir, data)
    assert resolver.follow(data["n0"], base=resolver.root_uri, where=HERE)[0] == {"name": "end"}


def test_follow_dangling_ref_is_reported_at_the_ref(spec_dir: Path) -> None:
    resolver = make_resolver(spec_dir, {})
    with pytest.raises(RefError) as info:
        resolver.follow({"$ref": "#/nope"}, base=resolver.root_uri, where=HERE)
    assert info.value.location == HERE.child("$ref")
    assert info.value.message == "unresolvable $ref: nothing at api.json#/nope"
