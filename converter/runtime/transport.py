"""How connections to the upstream are made: the TLS context (private CA, client certificate, no verification),
the proxies the environment names, and what a failed connection is called in a tool error.

Everything a start can check is checked at start, so a wrong file name or a key that does not belong to its
certificate is one line and exit status 2, not an error on the first call.
"""

from __future__ import annotations

import importlib.util
import ssl
from collections.abc import Mapping

import httpx

__all__ = ["TransportError", "check_proxies", "describe_failure", "tls_context", "verify_failed"]

INSECURE_WARNING = (
    "--insecure-skip-verify: the upstream's TLS certificate is NOT verified; anyone on the network path can read "
    "and change the traffic, credentials included. Use --ca-bundle FILE for a private CA instead."
)


class TransportError(ValueError):
    """A TLS or proxy setting that cannot work; the message names the option or variable, never a secret."""


def _readable(option: str, path: str) -> None:
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as err:
        raise TransportError(f"{option} {path}: cannot read it: {err.strerror or err}") from err


def tls_context(
    *,
    ca_bundle: str | None,
    client_cert: str | None,
    client_key: str | None,
    insecure: bool,
    environ: Mapping[str, str],
) -> ssl.SSLContext | bool:
    """The `verify` argument of the upstream clients.

    Without any TLS option this is True: httpx then builds its default context at first use (certifi's CAs,
    or `SSL_CERT_FILE`/`SSL_CERT_DIR`), which a start need not pay for (~20 ms). Otherwise a context is built
    now, so every problem with the files shows at start.

    Raises:
        TransportError: a file is missing or unreadable, holds no certificate or key, the key does not
            match the certificate, or the options contradict each other.
    """
    if client_key and not client_cert:
        raise TransportError("--client-key needs --client-cert (the certificate it belongs to)")
    if insecure and ca_bundle:
        raise TransportError("--ca-bundle and --insecure-skip-verify contradict each other: choose one")
    if not (ca_bundle or client_cert or insecure):
        return True
    if insecure:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif ca_bundle:
        _readable("--ca-bundle", ca_bundle)
        context = ssl.create_default_context()
        try:
            context.load_verify_locations(cafile=ca_bundle)
        except ssl.SSLError as err:
            raise TransportError(f"--ca-bundle {ca_bundle}: no PEM certificate in it ({err.reason})") from err
    else:
        context = _default_context(environ)
    if client_cert:
        _load_client_cert(context, client_cert, client_key)
    return context


def _default_context(environ: Mapping[str, str]) -> ssl.SSLContext:
    """The CAs httpx would trust by default: `SSL_CERT_FILE`, `SSL_CERT_DIR`, else certifi's bundle."""
    if environ.get("SSL_CERT_FILE"):
        _readable("SSL_CERT_FILE", environ["SSL_CERT_FILE"])
        try:
            return ssl.create_default_context(cafile=environ["SSL_CERT_FILE"])
        except ssl.SSLError as err:
            raise TransportError(f"SSL_CERT_FILE {environ['SSL_CERT_FILE']}: no PEM certificate in it ({err})") from err
    if environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=environ["SSL_CERT_DIR"])
    import certifi  # noqa: PLC0415  (httpx's own dependency)

    return ssl.create_default_context(cafile=certifi.where())


def _load_client_cert(context: ssl.SSLContext, cert: str, key: str | None) -> None:
    _readable("--client-cert", cert)
    if key:
        _readable("--client-key", key)

    def no_password() -> str:
        # Without a callback OpenSSL would prompt on the terminal for an encrypted key's passphrase.
        raise TransportError(f"--client-key {key or cert}: the key is encrypted; give an unencrypted key file")

    try:
        context.load_cert_chain(cert, key, password=no_password)
    except ssl.SSLError as err:
        if "KEY_VALUES_MISMATCH" in str(err):
            raise TransportError(f"--client-key {key}: this key does not belong to --client-cert {cert}") from err
        where = f"--client-key {key}" if key else f"--client-cert {cert} (no --client-key given)"
        raise TransportError(f"{where}: cannot load a PEM certificate and private key from it") from err


def check_proxies(environ: Mapping[str, str]) -> None:
    """Check the proxy variables the upstream clients will follow (httpx reads them when a client is made).

    Raises:
        TransportError: a proxy URL httpx cannot use (bad scheme, or SOCKS without the `socksio` package).
    """
    found = _proxies_of(environ)
    for scheme in ("http", "https", "all"):
        url = found.get(scheme)
        if not url:
            continue
        variable = f"{scheme.upper()}_PROXY"
        try:
            proxy = httpx.Proxy(url if "://" in url else f"http://{url}")
        except (ValueError, httpx.InvalidURL) as err:  # the message names the URL, which may hold a password
            raise TransportError(f"{variable}: not a usable proxy URL (http, https, socks5 or socks5h)") from err
        if proxy.url.scheme.startswith("socks") and importlib.util.find_spec("socksio") is None:
            raise TransportError(f"{variable}: a SOCKS proxy needs the socksio package (pip install 'httpx[socks]')")


def _proxies_of(environ: Mapping[str, str]) -> dict[str, str]:
    """What `urllib.request.getproxies()` (which httpx asks) finds in `environ`: lower-case names win."""
    found: dict[str, str] = {}
    for name, value in environ.items():
        lowered = name.lower()
        if value and lowered.endswith("_proxy") and (lowered == name or lowered[:-6] not in found):
            found[lowered[:-6]] = value
    return found


def verify_failed(err: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate verification failure behind an httpx error, if that is what it is."""
    return next((seen for seen in _chain(err) if isinstance(seen, ssl.SSLCertVerificationError)), None)


def describe_failure(err: httpx.HTTPError, *, url: httpx.URL, client_cert: bool) -> str | None:
    """A tool-error text for a TLS failure, with what to do about it; None when `err` is not one.

    Args:
        err: What sending the request raised.
        url: The request's URL (only its scheme and host are shown).
        client_cert: Whether a client certificate is configured (a server that wants one and gets none
            often just closes the connection, which looks like any other disconnect).
    """
    host = url.host
    failed = verify_failed(err)
    if failed is not None:
        reason = failed.verify_message or failed.reason or "certificate verify failed"
        return (
            f"TLS with the upstream {host} failed: its certificate cannot be verified ({reason}). If it is "
            "signed by a private CA, pass --ca-bundle FILE (or set SSL_CERT_FILE)."
        )
    if url.scheme != "https":
        return None
    text = str(err)
    tls = any(isinstance(seen, ssl.SSLError) for seen in _chain(err))
    # Without a client certificate, a server that requires one closes the connection after the TLS 1.3 handshake:
    # the client sees a protocol error, or (on a busy machine, when the close beats the request) a read or write
    # on a reset connection.
    hung_up = isinstance(err, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError))
    if not (tls or hung_up or "disconnected" in text.lower()):
        return None
    detail = f" ({text.rstrip('.')})" if text else ""
    hint = (
        " Check that --client-cert/--client-key are the ones it accepts."
        if client_cert
        else " If it requires a client certificate (mutual TLS), pass --client-cert FILE and --client-key FILE."
    )
    return f"TLS with the upstream {host} failed: it closed the connection without answering{detail}.{hint}"


def _chain(err: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    seen: BaseException | None = err
    while seen is not None and len(found) < 10:
        found.append(seen)
        seen = seen.__cause__ or seen.__context__
    return found
