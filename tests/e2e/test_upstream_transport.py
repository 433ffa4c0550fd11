"""Reaching the upstream on real networks: a private CA, mutual TLS, proxies from the environment — through
`oa2mcp call` (the CLI, in-process: the same runtime as `serve`) against real upstreams on 127.0.0.1 over
TLS (uvicorn with certificates made by the test) and a real forward proxy."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator

import pytest

from converter.cli import main
from tests.conftest import FIXTURES
from tests.e2e.pki import Pki, make_pki
from tests.e2e.proxy import Proxy, run_proxy
from tests.e2e.upstream import Upstream, run_upstream

SPEC = str(FIXTURES / "petstore-3.0.yaml")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR")


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def tls_upstream(pki: Pki) -> Iterator[Upstream]:
    with run_upstream(ssl_certfile=str(pki.server_cert), ssl_keyfile=str(pki.server_key)) as running:
        yield running


@pytest.fixture(scope="module")
def mtls_upstream(pki: Pki) -> Iterator[Upstream]:
    """An upstream that refuses any client without a certificate signed by the test CA."""
    with run_upstream(
        ssl_certfile=str(pki.server_cert),
        ssl_keyfile=str(pki.server_key),
        ssl_ca_certs=str(pki.ca),
        ssl_cert_reqs=ssl.CERT_REQUIRED,
    ) as running:
        yield running


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    with run_proxy() as running:
        yield running


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No proxy or CA variables from outside; the root logger as it was afterwards (`call` sets it up to write
    to this test's captured stderr)."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv("OA2MCP_AUTH_API_KEY", "key-123")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def call(capsys: pytest.CaptureFixture[str], base_url: str, *options: str) -> tuple[int, str, str]:
    """`oa2mcp call SPEC pets_get_by_id --arg id=7 --base-url BASE_URL/v1 OPTIONS...`: exit code, stdout,
    stderr."""
    args = ["call", SPEC, "pets_get_by_id", "--arg", "id=7", "--base-url", f"{base_url}/v1", "--timeout", "5"]
    try:
        main([*args, *options])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_a_private_ca_is_refused_by_default_with_a_tls_error_not_a_traceback(
    capsys: pytest.CaptureFixture[str], tls_upstream: Upstream
) -> None:
    received = len(tls_upstream.received)
    code, out, err = call(capsys, tls_upstream.url)
    assert code == 1
    assert out.splitlines()[0] == "ERROR"
    assert out.splitlines()[1].startswith("TLS with the upstream 127.0.0.1 failed: its certificate cannot be verified")
    assert "--ca-bundle FILE" in out
    assert "Traceback" not in out + err
    assert len(tls_upstream.received) == received  # nothing got through


def test_ca_bundle_trusts_a_private_ca(capsys: pytest.CaptureFixture[str], pki: Pki, tls_upstream: Upstream) -> None:
    code, out, _ = call(capsys, tls_upstream.url, "--ca-bundle", str(pki.ca))
    assert code == 0, out
    assert '"name": "Rex"' in out
    assert tls_upstream.last().headers["api_key"] == "key-123"


def test_ssl_cert_file_trusts_a_private_ca(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, pki: Pki, tls_upstream: Upstream
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca))
    code, out, _ = call(capsys, tls_upstream.url)
    assert code == 0, out
    assert '"name": "Rex"' in out


def test_insecure_skip_verify_connects_and_warns(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tls_upstream: Upstream
) -> None:
    monkeypatch.setenv("OA2MCP_LOG_LEVEL", "error")  # the warning is shown whatever the level
    code, out, err = call(capsys, tls_upstream.url, "--insecure-skip-verify")
    assert code == 0, out
    assert '"name": "Rex"' in out
    warning = "WARNING: --insecure-skip-verify: the upstream's TLS certificate is NOT verified; anyone on the"
    assert any(line.startswith(warning) for line in err.splitlines())


def test_mutual_tls_without_a_client_certificate_fails_naming_it(
    capsys: pytest.CaptureFixture[str], pki: Pki, mtls_upstream: Upstream
) -> None:
    code, out, err = call(capsys, mtls_upstream.url, "--ca-bundle", str(pki.ca))
    assert code == 1
    assert out.splitlines()[1].startswith("TLS with the upstream 127.0.0.1 failed: it closed the connection")
    assert "pass --client-cert FILE and --client-key FILE" in out
    assert "Traceback" not in out + err
    assert mtls_upstream.received == []


def test_mutual_tls_with_the_client_certificate_works(
    capsys: pytest.CaptureFixture[str], pki: Pki, mtls_upstream: Upstream
) -> None:
    options = ["--ca-bundle", str(pki.ca), "--client-cert", str(pki.client_cert), "--client-key", str(pki.client_key)]
    code, out, _ = call(capsys, mtls_upstream.url, *options)
    assert code == 0, out
    assert '"name": "Rex"' in out
    assert mtls_upstream.last().path == "/v1/pets/7"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--client-cert", "{dir}/missing.pem"], "--client-cert {dir}/missing.pem: cannot read it: No such file"),
        (
            ["--client-cert", "{client_cert}", "--client-key", "{other_key}"],
            "--client-key {other_key}: this key does not belong to --client-cert {client_cert}",
        ),
        (["--client-cert", "{client_cert}"], "--client-cert {client_cert} (no --client-key given): cannot load"),
        (["--client-key", "{client_key}"], "--client-key needs --client-cert"),
        (["--ca-bundle", "{client_key}"], "--ca-bundle {client_key}: no PEM certificate in it"),
        (["--ca-bundle", "{ca}", "--insecure-skip-verify"], "--ca-bundle and --insecure-skip-verify contradict"),
    ],
    ids=["missing-file", "key-mismatch", "no-key", "key-without-cert", "not-a-ca", "contradiction"],
)
def test_unusable_tls_options_fail_at_start_in_one_line(
    capsys: pytest.CaptureFixture[str], pki: Pki, options: list[str], message: str
) -> None:
    names = {"dir": pki.ca.parent, "ca": pki.ca, "client_cert": pki.client_cert, "client_key": pki.client_key}
    names["other_key"] = pki.other_key
    code, out, err = call(capsys, "http://127.0.0.1:9", "--mock", *(o.format(**names) for o in options))
    assert code == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("oa2mcp: " + message.format(**names))
    assert "Traceback" not in err


def test_http_proxy_carries_the_call(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, proxy: Proxy, upstream: Upstream
) -> None:
    # httpx does not exempt loopback addresses from a proxy by itself: only NO_PROXY does.
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    code, out, _ = call(capsys, upstream.url)
    assert code == 0, out
    assert proxy.seen == [f"GET {upstream.url}/v1/pets/7 HTTP/1.1"]
    assert upstream.last().headers["api_key"] == "key-123"


def test_no_proxy_sends_the_call_directly(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, proxy: Proxy, upstream: Upstream
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    code, out, _ = call(capsys, upstream.url)
    assert code == 0, out
    assert proxy.seen == []


def test_https_proxy_tunnels_tls_to_the_upstream(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pki: Pki,
    proxy: Proxy,
    tls_upstream: Upstream,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    code, out, _ = call(capsys, tls_upstream.url, "--ca-bundle", str(pki.ca))
    assert code == 0, out
    assert proxy.seen == [f"CONNECT {tls_upstream.url.removeprefix('https://')} HTTP/1.1"]


def test_an_unusable_proxy_variable_fails_at_start(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "ftp://user:hunter22@proxy.invalid:21")
    code, out, err = call(capsys, "http://127.0.0.1:9", "--mock")
    assert (code, out) == (2, "")
    assert err == "oa2mcp: HTTPS_PROXY: not a usable proxy URL (http, https, socks5 or socks5h)\n"
    assert "hunter22" not in err
