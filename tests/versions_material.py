"""Shared material of the versions tests: the demo store, its convention exported through the
services, and PKCS#12 signers from the local test CA (tests/pki.py). Built once per module;
each test works on its own copy of the store."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from pki import TestPKI, make_pki

from pnae_desktop.exports.pdf.signing import sign_pdf
from pnae_desktop.services import budget, demo, edits, praes
from pnae_desktop.services import exports as export_services
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import Store, open_store

PASS = b"secret"


@dataclass
class Material:
    folder: Path
    template: Path  # the demo store, never written after it was made
    prae_id: int
    other_prae_id: int  # another region's demo PRAE in the same store
    convention: bytes  # the exported convention, unsigned
    other_convention: bytes
    pki: TestPKI
    p12: dict[str, bytes]  # field → signer's PKCS#12

    def store_copy(self, tmp_path: Path) -> Path:
        path = tmp_path / "store.sqlite"
        shutil.copyfile(self.template, path)
        return path

    def sign(self, pdf: bytes, *fields: str) -> bytes:
        for field in fields:
            pdf = sign_pdf(pdf, field=field, pkcs12=self.p12[field], passphrase=PASS)
        return pdf


def make_material(folder: Path, catalogue) -> Material:
    template = folder / "template.sqlite"
    store = open_store(template)
    try:
        prae_id = demo.create_demo(store, catalogue)
        other = demo.create_demo(store, catalogue, "84")
        conv = export_services.export(store, prae_id, catalogue, "convention", folder / "c.pdf", force=True)
        other_conv = export_services.export(store, other, catalogue, "convention", folder / "o.pdf", force=True)
    finally:
        store.close()
    pki = make_pki(folder)
    p12 = {
        "Signature_ARML": pki.issue("Jacques Crosnier").read_bytes(),
        "Signature_Etat": pki.issue("Laurent Vidal").read_bytes(),
        "Signature_Region": pki.issue("Catherine Roussel").read_bytes(),
    }
    return Material(folder, template, prae_id, other, conv.read_bytes(), other_conv.read_bytes(), pki, p12)


def raise_2019_amount(store: Store, catalogue, prae_id: int, cents: int = 5_000_000) -> None:
    """Change the 2019 amounts: +`cents` on the first action's first 2019 charge with an amount."""
    action = praes.get_prae(store, prae_id).actions[0].id
    line = next(
        c
        for c in budget.load_budget(store, prae_id).charges
        if c.year == 2019 and c.action_id == action and c.amount_cents
    )
    cell = budget.ChargeCell(
        action, line.account, line.label, 2019, budget.ChargeValue(amount_cents=(line.amount_cents or 0) + cents)
    )
    PraeSession(store, catalogue, prae_id).apply(edits.SetChargeCells("Montants 2019", (cell,)))


def pdf_text(path: Path) -> str:
    """pdftotext's layout-free text, spaces of every kind made plain."""
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True).stdout.decode("utf-8")
    for space in ("\u00a0", "\u202f", "\u2009"):
        out = out.replace(space, " ")
    return out


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
