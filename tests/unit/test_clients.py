"""The config's `clients` and `forward_headers`: their shape (converter.config) and their resolution against the
selected tools into the runtime's access policy (converter.clients), every problem located."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from converter.clients import access_policy
from converter.config import ClientConfig, parse_config
from converter.errors import ConfigError, Location
from converter.pipeline import build_toolset
from tests.conftest import FIXTURES

WHERE = Location("c.yaml")
DIGEST = hashlib.sha256(b"k").hexdigest()


def error(data: Any) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(data, location=WHERE)
    return str(info.value)


def test_clients_are_parsed_into_their_fields() -> None:
    config = parse_config(
        {
            "clients": {
                "bot": {"key_env": "BOT_KEY", "tools": ["a"], "tags": "pets", "rate_limit": "5/s"},
                "ops": {"jwt": {"sub": "ann", "groups": ["admins", "sre"]}},
                "ci": {"key_sha256": DIGEST.upper()},
            },
            "forward_headers": ["X-User-Token"],
        },
        location=WHERE,
    )
    bot, ops, ci = config.clients
    assert bot == ClientConfig(
        name="bot", key_env="BOT_KEY", tools=("a",), tags=("pets",), rate_limit="5/s", location=bot.location
    )
    assert str(bot.location) == "c.yaml#/clients/bot"
    assert ops.jwt == {"sub": ("ann",), "groups": ("admins", "sre")} and ops.unrestricted
    assert ci.key_sha256 == DIGEST  # lower-cased
    assert config.forward_headers == ("X-User-Token",)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"clients": {"bot": {"key": "s3cret"}}},
            "c.yaml#/clients/bot/key: a credential is never written in the config: name its environment variable "
            "(key_env) or give its SHA-256 digest (key_sha256)",
        ),
        ({"clients": {"bot": {"tools": ["a"]}}}, "c.yaml#/clients/bot: give exactly one credential: key_env, "),
        (
            {"clients": {"bot": {"key_env": "A", "jwt": {}}}},
            "c.yaml#/clients/bot: give exactly one credential: key_env, key_sha256 or jwt (found key_env and jwt)",
        ),
        ({"clients": {"bot": {"key_env": "1A"}}}, "c.yaml#/clients/bot/key_env: '1A' is not an environment variable"),
        ({"clients": {"bot": {"key_sha256": "abc"}}}, "c.yaml#/clients/bot/key_sha256: expected 64 hex digits"),
        ({"clients": {"bot": {"key_env": "A", "tool": []}}}, "c.yaml#/clients/bot/tool: unknown key 'tool' (did you"),
        (
            {"clients": {"bot": {"key_env": "A", "rate_limit": "5"}}},
            "c.yaml#/clients/bot/rate_limit: '5' is not a rate",
        ),
        ({"clients": {"bot": {"jwt": {"sub": 5}}}}, "c.yaml#/clients/bot/jwt/sub: expected a list of strings, got 5"),
        ({"clients": ["bot"]}, "c.yaml#/clients: expected a mapping, got a list"),
        # Empty lists or claims would mean "everything": refused instead.
        ({"clients": {"bot": {"key_env": "A", "tools": []}}}, "c.yaml#/clients/bot/tools: empty: name the tools"),
        ({"clients": {"bot": {"key_env": "A", "tags": None}}}, "c.yaml#/clients/bot/tags: empty: name the tags"),
        ({"clients": {"bot": {"jwt": {}}}}, "c.yaml#/clients/bot/jwt: name at least one claim"),
        ({"clients": {"bot": {"jwt": {"sub": []}}}}, "c.yaml#/clients/bot/jwt/sub: give at least one accepted value"),
        ({"forward_headers": ["Host"]}, "c.yaml#/forward_headers/0: 'Host' describes the inbound request itself"),
        ({"forward_headers": ["X User"]}, "c.yaml#/forward_headers/0: 'X User' is not an HTTP header name"),
    ],
)
def test_bad_clients_are_located(data: Any, expected: str) -> None:
    assert error(data).startswith(expected)


@pytest.fixture(scope="module")
def toolset() -> Any:
    return build_toolset(str(FIXTURES / "petstore-3.0.yaml"))


def policy_of(data: Any, toolset: Any) -> Any:
    return access_policy(parse_config(data, location=WHERE), toolset)


def test_tools_and_tags_become_sorted_tool_names_and_no_secret(toolset: Any) -> None:
    data = {
        "clients": {
            "bot": {"key_env": "BOT_KEY", "tools": ["list_pets"], "tags": ["owners"], "rate_limit": "1/m"},
            "all": {"key_sha256": DIGEST},
            "ops": {"jwt": {"sub": "ann"}},
        },
        "forward_headers": ["X-User-Token"],
    }
    assert policy_of(data, toolset) == {
        "clients": [
            {"name": "bot", "key_env": "BOT_KEY", "tools": ["list_pets", "update_owner"], "rate_limit": "1/m"},
            {"name": "all", "key_sha256": DIGEST},
            {"name": "ops", "jwt": {"sub": ["ann"]}},
        ],
        "forward_headers": ["X-User-Token"],
    }
    assert policy_of({}, toolset) is None


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"tools": ["list_pet"]}, "c.yaml#/clients/bot/tools/0: no selected tool is named 'list_pet' (did you mean "),
        (
            {"tags": ["owner"]},
            "c.yaml#/clients/bot/tags/0: no selected tool has the tag 'owner' (did you mean 'owners'",
        ),
    ],
)
def test_unknown_tools_and_tags_are_located_with_did_you_mean(entry: Any, expected: str, toolset: Any) -> None:
    with pytest.raises(ConfigError) as info:
        policy_of({"clients": {"bot": {"key_env": "K", **entry}}}, toolset)
    assert str(info.value).startswith(expected)
