"""The API's security schemes, and the environment variables their credentials are read from.

Credentials never live in code: each comes from `--auth NAME=VALUE` or, better, one of the variables in
CREDENTIAL_VARIABLES (http basic takes `user:password`; oauth2 client credentials `client_id:secret`).
"""

from __future__ import annotations

from typing import Any

ENV_PREFIX = "PET_SHELTER_MCP"
"""`<ENV_PREFIX>_AUTH_<NAME>` is read when `OA2MCP_AUTH_<NAME>` is not set."""

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    "api_key": {
        "type": "apiKey",
        "in": "header",
        "name": "api_key",
    },
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
    },
    "basicAuth": {
        "type": "http",
        "scheme": "basic",
    },
    "oauth2": {
        "type": "oauth2",
        "tokenUrl": "https://auth.example.com/token",
        "scopes": [
            "pets:read",
            "pets:write",
        ],
    },
}

CREDENTIAL_VARIABLES: dict[str, list[str]] = {
    "api_key": [
        "OA2MCP_AUTH_API_KEY",
        "PET_SHELTER_MCP_AUTH_API_KEY",
    ],
    "bearerAuth": [
        "OA2MCP_AUTH_BEARERAUTH",
        "PET_SHELTER_MCP_AUTH_BEARERAUTH",
    ],
    "basicAuth": [
        "OA2MCP_AUTH_BASICAUTH",
        "PET_SHELTER_MCP_AUTH_BASICAUTH",
    ],
    "oauth2": [
        "OA2MCP_AUTH_OAUTH2",
        "PET_SHELTER_MCP_AUTH_OAUTH2",
    ],
}
