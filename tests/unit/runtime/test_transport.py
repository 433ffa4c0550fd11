"""Upstream transport settings: TLS contexts made (or refused) at start, proxy variables checked, TLS failures
named with the option that fixes them."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization

from converter.runtime.transport import TransportError, check_proxies, describe_failure, tls_context
from tests.e2e.pki import make_pki


def test_no_tls_option_leaves_httpx_its_lazy_default() -> None:
    assert tls_context(ca_bundle=None, client_cert=None, client_key=None, insecure=False, environ={}) is True


def test_insecure_turns_verification_off() -> None:
    context = tls_context(ca_bundle=None, client_cert=None, client_key=None, insecure=True, environ={})
    assert isinstance(context, ssl.SSLContext)
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_NONE, False)


def test_a_client_certificate_alone_keeps_the_default_trust(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    context = tls_context(
        ca_bundle=None, client_cert=str(pki.client_cert), client_key=str(pki.client_key), insecure=False, environ={}
    )
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.cert_store_stats()["x509_ca"] > 10  # certifi's bundle, not an empty store


def test_an_encrypted_key_is_refused_without_a_prompt(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    key = serialization.load_pem_private_key(pki.client_key.read_bytes(), password=None)
    encrypted = tmp_path / "encrypted.key"
    encrypted.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"pw"),
        )
    )
    with pytest.raises(TransportError, match="the key is encrypted; give an unencrypted key file"):
        tls_context(
            ca_bundle=None, client_cert=str(pki.client_cert), client_key=str(encrypted), insecure=False, environ={}
        )


def test_an_unreadable_ssl_cert_file_is_named(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    with pytest.raises(TransportError, match=r"SSL_CERT_FILE /nowhere/ca\.pem: cannot read it"):
        tls_context(
            ca_bundle=None,
            client_cert=str(pki.client_cert),
            client_key=str(pki.client_key),
            insecure=False,
            environ={"SSL_CERT_FILE": "/nowhere/ca.pem"},
        )


@pytest.mark.parametrize(
    "environ",
    [{}, {"HTTPS_PROXY": "http://proxy:3128"}, {"http_proxy": "proxy:3128"}, {"ALL_PROXY": "https://p:443"}],
)
def test_usable_proxy_variables_pass(environ: dict[str, str]) -> None:
    check_proxies(environ)


def test_lower_case_proxy_variables_win_as_in_urllib() -> None:
    with pytest.raises(TransportError, match="HTTPS_PROXY: not a usable proxy URL"):
        check_proxies({"HTTPS_PROXY": "http://fine:1", "https_proxy": "gopher://nope"})


def test_a_socks_proxy_without_socksio_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(TransportError, match=r"ALL_PROXY: a SOCKS proxy needs the socksio package"):
        check_proxies({"ALL_PROXY": "socks5://127.0.0.1:1080"})


def test_failures_that_are_not_tls_are_left_to_the_caller() -> None:
    refused = httpx.ConnectError("[Errno 111] Connection refused")
    assert describe_failure(refused, url=httpx.URL("https://api.example.com/x"), client_cert=False) is None
    closed = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    assert describe_failure(closed, url=httpx.URL("http://api.example.com/x"), client_cert=False) is None


def test_a_hang_up_over_https_hints_at_the_client_certificate() -> None:
    closed = httpx.RemoteProtocolError("Server disconnected without sending a response.")
    without = describe_failure(closed, url=httpx.URL("https://api.example.com/x"), client_cert=False)
    assert without is not None and "pass --client-cert FILE and --client-key FILE" in without
    given = describe_failure(closed, url=httpx.URL("https://api.example.com/x"), client_cert=True)
    assert given is not None and "Check that --client-cert/--client-key are the ones it accepts" in given


@pytest.mark.parametrize("error", [httpx.ReadError(""), httpx.WriteError("")])
def test_a_reset_connection_over_https_is_a_hang_up_too(error: httpx.HTTPError) -> None:
    text = describe_failure(error, url=httpx.URL("https://api.example.com/x"), client_cert=False)
    assert text is not None and text.startswith(
        "TLS with the upstream api.example.com failed: it closed the connection"
    )
    assert describe_failure(error, url=httpx.URL("http://api.example.com/x"), client_cert=False) is None


def test_a_ssl_cert_file_without_a_certificate_is_one_line(tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    with pytest.raises(TransportError, match=r"SSL_CERT_FILE .*junk\.pem: no PEM certificate in it"):
        tls_context(
            ca_bundle=None,
            client_cert=str(pki.client_cert),
            client_key=str(pki.client_key),
            insecure=False,
            environ={"SSL_CERT_FILE": str(junk)},
        )


@pytest.mark.parametrize("url", ["http://[::1", "http://u:p@h:x"])
def test_a_proxy_url_httpx_cannot_parse_is_one_line_without_the_url(url: str) -> None:
    with pytest.raises(TransportError) as info:
        check_proxies({"HTTPS_PROXY": url})
    assert str(info.value).startswith("HTTPS_PROXY: not a usable proxy URL") and url not in str(info.value)
