"""`oa2mcp init`'s starter config: every operation listed, and spec text that cannot break the YAML."""

from __future__ import annotations

import yaml

from converter.config import parse_config
from converter.errors import Location
from converter.loader import LoadedDocument
from converter.parser import parse_api
from converter.selector import select_tools
from converter.starter import starter_config


def test_hostile_names_stay_names_and_comments_stay_comments() -> None:
    paths = {
        "/pets": {"get": {"operationId": "list\U0001f600pets", "tags": ["pets\nread_only: true"], "responses": {}}},
        "/a\nb": {"get": {"operationId": 'x"y\\z', "responses": {}}},
    }
    doc = {"openapi": "3.1.0", "info": {"title": "T\n# injected", "version": "1"}, "paths": paths}
    toolset = select_tools(parse_api(LoadedDocument(doc, "/n/api.json", "api.json")))
    text = starter_config(toolset, spec="api.json")
    data = yaml.safe_load(text)  # an emoji is written as \U0001f600, valid YAML (a JSON surrogate pair is not)
    assert data["include"]["operations"] == ["list\U0001f600pets", 'x"y\\z']
    assert "read_only" not in data  # a newline in a tag could not end its comment line
    assert parse_config(data, location=Location("oa2mcp.yaml")).include is not None


def test_the_commented_instructions_and_prompts_are_a_valid_config_once_uncommented() -> None:
    doc = {"openapi": "3.1.0", "info": {"title": "T", "version": "1"}, "paths": {"/a": {"get": {"responses": {}}}}}
    text = starter_config(select_tools(parse_api(LoadedDocument(doc, "/n/api.json", "api.json"))), spec="api.json")
    block = text[text.index("# instructions:") :].splitlines()
    uncommented = "\n".join(line.removeprefix("# ") for line in block)
    config = parse_config(yaml.safe_load(uncommented), location=Location("oa2mcp.yaml"))
    assert config.instructions
    (prompt,) = config.prompts
    assert prompt.template == ("Read issue #", "number", ", then add the labels that fit.")
