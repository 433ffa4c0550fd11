"""A tiny forward HTTP proxy on 127.0.0.1 for the proxy tests: it forwards absolute-form requests (`GET
http://host/path`), tunnels `CONNECT host:port`, and records each request line it received."""

from __future__ import annotations

import select
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Proxy:
    """The running proxy: its URL and the request lines it saw (`GET http://... HTTP/1.1`, `CONNECT ...`)."""

    url: str
    seen: list[str] = field(default_factory=list)


def _read_head(conn: socket.socket) -> tuple[list[str], bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head.decode("latin-1").split("\r\n"), rest


def _pipe(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    while True:
        readable, _, _ = select.select([a, b], [], [], 30)
        if not readable:
            return
        for source in readable:
            data = source.recv(65536)
            if not data:
                return
            (b if source is a else a).sendall(data)


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        conn: socket.socket = self.request
        parsed = _read_head(conn)
        if parsed is None:
            return
        lines, rest = parsed
        method, target, version = lines[0].split(" ", 2)
        self.server.proxy.seen.append(lines[0])
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            with socket.create_connection((host, int(port))) as upstream:
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
                _pipe(conn, upstream)
            return
        url = urlsplit(target)
        path = (url.path or "/") + (f"?{url.query}" if url.query else "")
        headers = [line for line in lines[1:] if not line.lower().startswith(("proxy-", "connection:"))]
        length = next((int(h.split(":", 1)[1]) for h in headers if h.lower().startswith("content-length:")), 0)
        while len(rest) < length:
            rest += conn.recv(65536)
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 80)) as upstream:
            head = "\r\n".join([f"{method} {path} {version}", *headers, "Connection: close", "", ""])
            upstream.sendall(head.encode("latin-1") + rest)
            while data := upstream.recv(65536):
                conn.sendall(data)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    proxy: Proxy


@contextmanager
def run_proxy() -> Iterator[Proxy]:
    """Start the proxy in a thread on a free port; stop it on exit."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.proxy = Proxy(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.proxy
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
