"""nginx as a reverse proxy in front of MCP servers on loopback, for the load test behind it
(tests/e2e/test_load_nginx.py) and bench/scale_bench.py: one config, written into a directory of the caller's
that also holds the pid file, logs and temporary files (nothing under /etc or /var)."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

NGINX_CONF = """\
daemon off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    upstream oa2mcp {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location /mcp {{
            proxy_pass http://oa2mcp;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_buffering off;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def find_nginx() -> str | None:
    """The nginx binary (Debian puts it in /usr/sbin, which a user's PATH may lack)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin:/sbin")


def free_port() -> int:
    """A port free right now (nginx cannot listen on port 0 and say which one it got)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def prepare_nginx(binary: str, backends: list[str], root: Path) -> tuple[int, list[str]]:
    """Write the config for `backends` (host:port, round robin) into `root` (created); return the port nginx
    will listen on and the command that runs it in the foreground."""
    root.mkdir()
    port = free_port()
    servers = "\n".join(f"        server {backend};" for backend in backends)
    conf = root / "nginx.conf"
    conf.write_text(NGINX_CONF.format(root=root, servers=servers, port=port), encoding="utf-8")
    return port, [binary, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")]
