"""The API's security schemes, and the environment variables their credentials are read from.

Credentials never live in code: each comes from `--auth NAME=VALUE` or, better, one of the variables in
CREDENTIAL_VARIABLES (http basic takes `user:password`; oauth2 client credentials `client_id:secret`).
"""

from __future__ import annotations

from typing import Any

ENV_PREFIX = "GITHUB_TRIAGE_MCP"
"""`<ENV_PREFIX>_AUTH_<NAME>` is read when `OA2MCP_AUTH_<NAME>` is not set."""

SECURITY_SCHEMES: dict[str, dict[str, Any]] = {}

CREDENTIAL_VARIABLES: dict[str, list[str]] = {}
