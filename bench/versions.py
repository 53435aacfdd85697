"""Versions benchmark: verifying a returned convention and marking it signed, against reading
its signatures alone (exports.pdf.signing.read_signatures) as the floor, on the demo
convention signed by its three parties.

Run by hand:  .venv/bin/python bench/versions.py [--runs 5]
Measures (median of --runs, after a warm-up):
- verify, PDF of a marked version: services.verify.verify — its first signed revision is the
  stored one, so the printed fingerprints need not be read again; close to the floor;
- verify, PDF of the working version (never marked): reads the strings every page's content
  stream shows (exports.pdf.shown_text) to find the fingerprints; read_marks alone is printed too
  (it is also what mark_signed reads);
- working_status: the banner's diff against the signed version, after each edit, against
  load_snapshot as the floor.
Prints each figure and its ratio to its floor. Certificates come from tests/pki.py (a local CA).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from pki import make_pki  # tests/pki.py: the local test CA
from timing import median_s  # bench/timing.py (scripts run from bench/)

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.exports.pdf.convention_marks import read_marks
from pnae_desktop.exports.pdf.signing import read_signatures, sign_pdf
from pnae_desktop.services import demo, verify, versions
from pnae_desktop.services import exports as export_services
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.store.database import open_store

FIELDS = (("Signature_ARML", "Jacques Crosnier"), ("Signature_Etat", "Laurent Vidal"), ("Signature_Region", "C. R."))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    catalogue = shipped_catalogues().default
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = open_store(folder / "demo.sqlite")
        try:
            prae_id = demo.create_demo(store, catalogue)
            out = export_services.export(store, prae_id, catalogue, "convention", folder / "c.pdf", force=True)
            pki = make_pki(folder)
            pdf = out.read_bytes()
            for field, name in FIELDS:
                pdf = sign_pdf(pdf, field=field, pkcs12=pki.issue(name).read_bytes(), passphrase=b"secret")
            roots = [pki.root_pem]
            floor = median_s(lambda: read_signatures(pdf, roots), runs)
            marks = median_s(lambda: read_marks(pdf), runs)
            working = median_s(lambda: verify.verify(store, prae_id, pdf, roots, catalogue=catalogue), runs)
            versions.mark_signed(store, prae_id, pdf, catalogue=catalogue)
            marked = median_s(lambda: verify.verify(store, prae_id, pdf, roots, catalogue=catalogue), runs)
            snap = median_s(lambda: load_snapshot(store, prae_id, catalogue), runs)
            status = median_s(lambda: versions.working_status(store, prae_id, catalogue), runs)
        finally:
            store.close()
    print(f"read_signatures (floor)            {floor * 1000:7.0f} ms")
    print(f"verify, a marked version           {marked * 1000:7.0f} ms  ×{marked / floor:.2f}")
    print(f"verify, the working version        {working * 1000:7.0f} ms  ×{working / floor:.2f}")
    print(f"read_marks (printed fingerprints)  {marks * 1000:7.0f} ms  ×{marks / floor:.2f}")
    print(f"load_snapshot (floor)              {snap * 1000:7.0f} ms")
    print(f"working_status (banner and diff)   {status * 1000:7.0f} ms  ×{status / snap:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
