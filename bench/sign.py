"""Signing benchmark: the demo convention (exported through the services) signed in the app
and read back, against pyHanko doing the same directly as the floor.

Run by hand:  .venv/bin/python bench/sign.py [--runs 7] [--keep FOLDER]
Measures (median of --runs, after one warm-up of each that loads pyHanko and the fonts):
- sign: exports.pdf.signing.sign_pdf (field checks, PKCS#12 loaded and checked, PAdES B-B with
  the visible appearance) — goal < 0.5 s; floor: pyHanko's SimpleSigner.load_pkcs12_data +
  PdfSigner.sign_pdf on the same field, same PKCS#12;
- read: read_signatures (every signature validated against the trust root, coverage, later
  changes, SHA-256 of the signed revision, empty fields) of the convention signed by one and by
  two parties — goal < 0.3 s; floor: pyHanko's validate_pdf_signature on each signature.
Prints each figure and its ratio to its floor. Certificates come from tests/pki.py (a local CA).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pki import make_pki  # tests/pki.py: the local test CA
from timing import median_s  # bench/timing.py (scripts run from bench/)

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.exports.pdf.signing import read_signatures, sign_pdf
from pnae_desktop.services import demo
from pnae_desktop.services import exports as export_services
from pnae_desktop.store.database import open_store


def demo_convention(folder: Path) -> bytes:
    catalogue = shipped_catalogues().default
    store = open_store(folder / "demo.sqlite")
    try:
        prae_id = demo.create_demo(store, catalogue)
        out = export_services.export(
            store, prae_id, catalogue, "convention", folder / "convention.pdf", force=True, overwrite=True
        )
    finally:
        store.close()
    return out.read_bytes()


def pyhanko_sign(pdf: bytes, p12: bytes, field: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner, SimpleSigner

    signer = SimpleSigner.load_pkcs12_data(p12, other_certs=(), passphrase=b"secret")
    meta = PdfSignatureMetadata(field_name=field, md_algorithm="sha256", subfilter=SigSeedSubFilter.PADES)
    out = PdfSigner(meta, signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), existing_fields_only=True)
    return bytes(out.getbuffer())


def pyhanko_read(pdf: bytes, root_pem: bytes) -> list:
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _, _, der = pem.unarmor(root_pem)
    vc = ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)
    reader = PdfFileReader(io.BytesIO(pdf))
    return [validate_pdf_signature(s, signer_validation_context=vc) for s in reader.embedded_signatures]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="folder where to leave the signed PDFs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        pdf = demo_convention(folder)
        import pypdf

        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        pki = make_pki(folder)
        arml = pki.issue("Jacques Crosnier").read_bytes()
        etat = pki.issue("Claire Modèle").read_bytes()

        def app_sign() -> bytes:
            return sign_pdf(pdf, field="Signature_ARML", pkcs12=arml, passphrase=b"secret")

        def floor_sign() -> bytes:
            return pyhanko_sign(pdf, arml, "Signature_ARML")

        one = app_sign()
        floor_sign()
        two = sign_pdf(one, field="Signature_Etat", pkcs12=etat, passphrase=b"secret")
        if args.keep:
            (folder / "signee_arml.pdf").write_bytes(one)
            (folder / "signee_arml_etat.pdf").write_bytes(two)
        report = read_signatures(two, [pki.root_pem])
        assert [s.intact and s.trusted for s in report.signatures] == [True, True], report
        pyhanko_read(two, pki.root_pem)

        rows = [
            ("signer (1 champ)", median_s(app_sign, args.runs), median_s(floor_sign, args.runs), 0.5),
            (
                "lire 1 signature",
                median_s(lambda: read_signatures(one, [pki.root_pem]), args.runs),
                median_s(lambda: pyhanko_read(one, pki.root_pem), args.runs),
                0.3,
            ),
            (
                "lire 2 signatures",
                median_s(lambda: read_signatures(two, [pki.root_pem]), args.runs),
                median_s(lambda: pyhanko_read(two, pki.root_pem), args.runs),
                0.3,
            ),
        ]
    print(f"Convention de démonstration : {pages} pages, {len(pdf) / 1024:.0f} Kio ; médiane de {args.runs} essais")
    for label, app, floor, goal in rows:
        verdict = "ok" if app < goal else "AU-DESSUS DE L'OBJECTIF"
        print(
            f"{label:20s} app {app * 1000:7.1f} ms   pyHanko seul {floor * 1000:7.1f} ms   "
            f"ratio {app / floor:4.2f}   objectif < {goal * 1000:.0f} ms : {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
