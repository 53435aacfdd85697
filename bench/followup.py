"""Follow-up benchmark: importing a FEC of 50 000 entries into the demo PRAE (goal < 2 s).

Run by hand:  .venv/bin/python bench/followup.py
Measures (medians): the whole import — reading the file, checking every line and the balance,
classifying through the mapping, and writing the realised year in one transaction (the undoable
edit, as `import-fec` does) — and the dry run alone (no write), against a floor measured in the
same run: reading the same file with the `csv` module into a list of rows.
"""

from __future__ import annotations

import csv
import io
import sys
import tempfile
from pathlib import Path

from timing import median_s  # bench/timing.py (scripts run from bench/)

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.exports.fec import COLUMNS
from pnae_desktop.services import demo, praes, realised_import
from pnae_desktop.services.demo_followup import demo_mapping
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import open_store

ENTRIES = 50_000
CHARGES = ("606400", "613200", "625100", "641100", "623000", "618500")


def build_fec(actions: int) -> bytes:
    rows = ["\t".join((*COLUMNS, "CodeAnalytique"))]
    for n in range(ENTRIES // 2):
        day = f"2018{1 + n % 12:02d}{1 + n % 28:02d}"
        cents = 1_00 + (n * 37) % 250_000
        amount = f"{cents // 100},{cents % 100:02d}"
        account = CHARGES[n % len(CHARGES)]
        code = f"FICHE{1 + n % actions:02d}"
        number = f"AC{n:06d}"
        for acc, debit, credit, analytic in ((account, amount, "0,00", code), ("401000", "0,00", amount, "")):
            rows.append(
                "\t".join(
                    (
                        "AC",
                        "Achats",
                        number,
                        day,
                        acc,
                        "Compte",
                        "",
                        "",
                        f"F{n}",
                        day,
                        f"Facture fournisseur {n}",
                        debit,
                        credit,
                        "",
                        "",
                        day,
                        "",
                        "",
                        analytic,
                    )
                )  # fmt: skip
            )
    return ("\r\n".join(rows) + "\r\n").encode("iso8859-15")


def main() -> int:
    catalogue = shipped_catalogues().default
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.sqlite")
        prae_id = demo.create_demo(store, catalogue)
        detail = praes.get_prae(store, prae_id)
        mapping_text = "match,pattern,action,share,funder\n" + "\n".join(
            f"{r.match},{r.pattern},{r.action if r.action is not None else ''},{r.share},{r.funder}"
            for r in demo_mapping(
                len(detail.actions), {k: k for k in ("etat", "region", "cotisations_ml", "fonds_europeens")}
            )
            if r.action is not None
        )
        path = Path(tmp) / "FEC.txt"
        path.write_bytes(build_fec(len(detail.actions)))
        size = path.stat().st_size

        def floor() -> None:
            text = path.read_bytes().decode("iso8859-15")
            rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
            assert len(rows) == ENTRIES + 1

        def dry_run() -> None:
            prepared = realised_import.prepare_fec(store, prae_id, 2018, path.read_bytes(), mapping_text)
            assert prepared.ok, prepared.errors[:3]

        session = PraeSession(store, catalogue, prae_id)

        def full_import() -> None:
            prepared = realised_import.prepare_fec(store, prae_id, 2018, path.read_bytes(), mapping_text)
            session.apply(prepared.edit())

        floor_s = median_s(floor, 5)
        dry_s = median_s(dry_run, 5)
        import_s = median_s(full_import, 5)
        store.close()
    print(f"FEC of {ENTRIES} entries ({size / 1e6:.1f} MB, ISO 8859-15, tab, analytic column)")
    print(f"floor (csv module reads the file into rows): median {floor_s * 1000:7.1f} ms")
    print(f"dry run (read + check + classify):          median {dry_s * 1000:7.1f} ms → ratio {dry_s / floor_s:.1f}")
    print(
        f"import (dry run + one-transaction write):    median {import_s * 1000:7.1f} ms → ratio "
        f"{import_s / floor_s:.1f} (goal < 2 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
