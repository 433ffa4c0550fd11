# oa2mcp serve as a container: streamable HTTP on port 8000, /healthz for health checks.
#   docker build -t oa2mcp:0.1.0 .
#   docker run -p 8000:8000 -v "$PWD/config:/etc/oa2mcp:ro" -e OA2MCP_API_KEYS=... -e OA2MCP_AUTH_API_KEY=... \
#       oa2mcp:0.1.0
# With no arguments it serves the config mounted at /etc/oa2mcp/oa2mcp.yaml (its `spec:` names the spec);
# arguments replace that: `oa2mcp:0.1.0 /specs/api.yaml --base-url https://api.example.com --stateless`.
# On 0.0.0.0 it needs callers' credentials (OA2MCP_API_KEYS, --api-keys-file, JWTs) or it refuses to start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    OA2MCP_CACHE_DIR=/var/cache/oa2mcp

WORKDIR /app
COPY pyproject.toml README.md ./
COPY converter ./converter
# One layer: the package (from this build context, dependencies from PyPI) and the unprivileged user that runs
# it; the tool cache is the only place it writes (mount a volume there when the root filesystem is read-only).
RUN pip install --no-cache-dir . \
    && groupadd --system --gid 10001 oa2mcp \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin oa2mcp \
    && install -d -o 10001 -g 10001 -m 0700 /var/cache/oa2mcp

USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# SIGTERM (docker stop, a rolling update) ends it gracefully: calls in flight get --shutdown-timeout seconds.
STOPSIGNAL SIGTERM
ENTRYPOINT ["oa2mcp", "serve", "--transport", "http", "--host", "0.0.0.0", "--port", "8000"]
CMD ["--config", "/etc/oa2mcp/oa2mcp.yaml"]
