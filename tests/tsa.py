"""A local RFC 3161 time-stamping server for tests: pyHanko's DummyTimeStamper (signing with a
TSA certificate from tests/pki.py) served over http.server on 127.0.0.1, on a free port."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp, x509
from cryptography.hazmat.primitives import serialization
from pki import TestPKI
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore


def _asn1_cert(cert) -> x509.Certificate:
    return x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


@contextlib.contextmanager
def serve_tsa(pki: TestPKI) -> Iterator[str]:
    """Run a TSA on 127.0.0.1 for the duration of the block; yield its URL."""
    cert, key = pki.timestamp_authority()
    key_info = keys.PrivateKeyInfo.load(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    chain = SimpleCertificateStore.from_certs([_asn1_cert(pki.ca_cert), _asn1_cert(pki.root_cert)])
    stamper = DummyTimeStamper(tsa_cert=_asn1_cert(cert), tsa_key=key_info, certs_to_embed=chain)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            answer = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
