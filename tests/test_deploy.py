"""The deployment files (`Dockerfile`, `deploy/kubernetes.yaml`) hold together: no container engine runs here,
so what each relies on is read from the files and checked — the ports, probes, user, writable paths, the
credentials' variables, and that the ConfigMap's config and spec build into tools."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from converter.config import load_config
from converter.pipeline import build_served
from converter.runtime.auth import env_var_name
from tests.conftest import ROOT

MANIFEST = ROOT / "deploy" / "kubernetes.yaml"


def dockerfile() -> dict[str, list[str]]:
    """Each instruction of the Dockerfile (continuation lines joined), by keyword."""
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    instructions: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            instructions.setdefault(keyword.upper(), []).append(rest.strip())
    return instructions


@pytest.fixture(scope="module")
def resources() -> dict[str, dict[str, Any]]:
    """The manifest's resources by `Kind/name`."""
    docs = list(yaml.safe_load_all(MANIFEST.read_text(encoding="utf-8")))
    return {f"{doc['kind']}/{doc['metadata']['name']}": doc for doc in docs}


def container(resources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    (only,) = resources["Deployment/oa2mcp"]["spec"]["template"]["spec"]["containers"]
    return only


def test_the_dockerfile_runs_oa2mcp_serve_over_http_as_a_non_root_user() -> None:
    instructions = dockerfile()
    assert instructions["FROM"] == ["python:3.11-slim"]
    assert any(run.startswith("pip install --no-cache-dir . ") for run in instructions["RUN"])
    (user,) = instructions["USER"]
    assert user.split(":")[0].isdigit() and int(user.split(":")[0]) >= 1000  # numeric: runAsNonRoot can check it
    assert instructions["EXPOSE"] == ["8000"]
    (healthcheck,) = instructions["HEALTHCHECK"]
    assert "http://127.0.0.1:8000/healthz" in healthcheck
    (entrypoint,) = instructions["ENTRYPOINT"]
    assert json.loads(entrypoint) == ["oa2mcp", "serve", "--transport", "http", "--host", "0.0.0.0", "--port", "8000"]
    # Only the package goes into the build context.
    assert (ROOT / ".dockerignore").read_text(encoding="utf-8").split("\n")[1:4] == [
        "*",
        "!pyproject.toml",
        "!README.md",
    ]


def test_the_deployment_runs_two_stateless_replicas_probed_on_healthz_and_readyz(
    resources: dict[str, dict[str, Any]],
) -> None:
    deployment = resources["Deployment/oa2mcp"]
    assert deployment["spec"]["replicas"] == 2
    main = container(resources)
    assert "--stateless" in main["args"]
    (port,) = main["ports"]
    assert port == {"name": "http", "containerPort": 8000, "protocol": "TCP"}  # the image's --port
    assert main["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert main["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert main["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert set(main["resources"]) == {"requests", "limits"}
    assert set(main["resources"]["limits"]) == {"cpu", "memory"}
    # The graceful shutdown (pre-stop pause, then --shutdown-timeout) ends before Kubernetes kills the pod.
    pause = int(main["lifecycle"]["preStop"]["exec"]["command"][1])
    shutdown = int(main["args"][main["args"].index("--shutdown-timeout") + 1])
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > pause + shutdown
    service = resources["Service/oa2mcp"]
    assert service["spec"]["selector"] == deployment["spec"]["template"]["metadata"]["labels"]
    # In-cluster callers reach it by the Service's name: a Host oa2mcp's DNS-rebinding check must accept.
    assert main["args"][main["args"].index("--allowed-host") + 1] == service["metadata"]["name"]
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_the_pod_is_non_root_with_a_read_only_root_and_volumes_where_it_writes(
    resources: dict[str, dict[str, Any]],
) -> None:
    pod = resources["Deployment/oa2mcp"]["spec"]["template"]["spec"]
    main = container(resources)
    user = dockerfile()["USER"][0].split(":")[0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert str(pod["securityContext"]["runAsUser"]) == user
    assert main["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {mount["mountPath"]: volumes[mount["name"]] for mount in main["volumeMounts"]}
    env = {item["name"]: item for item in main["env"]}
    cache_dir = env["OA2MCP_CACHE_DIR"]["value"]
    assert f"OA2MCP_CACHE_DIR={cache_dir}" in " ".join(dockerfile()["ENV"])
    assert "emptyDir" in mounts[cache_dir]
    assert "emptyDir" in mounts["/tmp"]  # --workers writes the tool table there
    assert mounts["/etc/oa2mcp"]["configMap"]["name"] == "oa2mcp-config"


def test_credentials_come_from_secrets_as_the_variables_oa2mcp_reads(
    resources: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    main = container(resources)
    from_secrets = {item["name"]: item["valueFrom"]["secretKeyRef"] for item in main["env"] if "valueFrom" in item}
    for variable, ref in from_secrets.items():
        assert variable in resources[f"Secret/{ref['name']}"]["stringData"], variable
        assert ref["key"] == variable
    assert "OA2MCP_API_KEYS" in from_secrets
    # Every security scheme of the ConfigMap's spec gets its OA2MCP_AUTH_<NAME> from a Secret; the config
    # and spec build into tools.
    for name, text in resources["ConfigMap/oa2mcp-config"]["data"].items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    config_path = main["args"][main["args"].index("--config") + 1]
    assert config_path == "/etc/oa2mcp/oa2mcp.yaml"
    config_file = str(tmp_path / Path(config_path).name)
    config = load_config(config_file)
    served, _ = build_served(str(tmp_path / "openapi.yaml"), config=config, config_path=config_file)
    assert [tool["name"] for tool in served.listing] == ["list_items", "get_item"]
    upstream = {variable for variable in from_secrets if variable.startswith("OA2MCP_AUTH_")}
    assert upstream == {env_var_name(scheme) for scheme in served.security}
