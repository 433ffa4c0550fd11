"""The config's `clients` and `forward_headers`, checked against the selected tools and turned into the access
policy the runtime enforces (`converter.runtime.access`), as plain data.

The policy names tools, environment variables, key digests and JWT claims — never a key — so it can be cached
and written into a generated server's tools.json.
"""

from __future__ import annotations

from typing import Any

from converter.config import Config, did_you_mean
from converter.errors import ConfigError
from converter.tools import ToolSet

__all__ = ["access_policy"]


def access_policy(config: Config | None, toolset: ToolSet) -> dict[str, Any] | None:
    """The runtime's access policy for `config` (None when it names no clients and forwards no headers).

    Each client's `tools` and `tags` become the sorted names of the tools it may list and call.

    Raises:
        ConfigError: a client names a tool that is not selected, or a tag no selected tool has.
    """
    if config is None or not (config.clients or config.forward_headers):
        return None
    names = {tool.name for tool in toolset.tools}
    tags = {tag for tool in toolset.tools for tag in tool.tags}
    clients = []
    for client in config.clients:
        entry: dict[str, Any] = {"name": client.name}
        if client.key_env is not None:
            entry["key_env"] = client.key_env
        if client.key_sha256 is not None:
            entry["key_sha256"] = client.key_sha256
        if client.jwt is not None:
            entry["jwt"] = {claim: list(values) for claim, values in client.jwt.items()}
        if not client.unrestricted:
            allowed = set()
            for index, name in enumerate(client.tools):
                if name not in names:
                    message = f"no selected tool is named '{name}'{did_you_mean(name, names)}"
                    raise ConfigError(client.location.child("tools", index), message)
                allowed.add(name)
            for index, tag in enumerate(client.tags):
                if tag not in tags:
                    message = f"no selected tool has the tag '{tag}'{did_you_mean(tag, tags)}"
                    raise ConfigError(client.location.child("tags", index), message)
                allowed.update(tool.name for tool in toolset.tools if tag in tool.tags)
            entry["tools"] = sorted(allowed)
        if client.rate_limit is not None:
            entry["rate_limit"] = client.rate_limit
        clients.append(entry)
    return {"clients": clients, "forward_headers": list(config.forward_headers)}
