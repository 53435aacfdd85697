"""Typed realised amounts and FEC re-imports (docs/fec-import.md, « Montants saisis et
réimport »): an amount typed on the Suivi page replaces that line's imported amounts; a later
import of the year replaces its own source's lines and leaves out — never adds to — what a
typed amount covers, saying so in its dry run and its report. CLI and service agree; undo is
exact (real SQLite file, real CLI)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import test_fec_import as fec_import

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.cli.main import main
from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.money import format_amount
from pnae_desktop.services import budget, praes, realised_import
from pnae_desktop.services import edits_followup as ef
from pnae_desktop.services import followup as service
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store.database import open_store

# The demo store, its copy per test and the SQL dump: the same as the FEC import's tests.
SHIPPED_FEC, dump = fec_import.SHIPPED_FEC, fec_import.dump
store_path = fec_import.store_path  # a fixture (demo_file is conftest's)


def realised(store, action_id: int, nature: str) -> tuple[int, set[str]]:
    charges = [c for c in service.load_followup(store, 1).charges if c.year == 2018]
    mine = [c for c in charges if c.action_id == action_id and c.nature == nature]
    return sum(c.amount_cents for c in mine), {c.source for c in mine}


def type_amounts(store_path: Path) -> tuple[int, int]:
    """As the Suivi page does: action 1's « 62 » typed (1 000,00 €) over the FEC's lines, the
    Région's financing typed (5 000,00 €); returns (action 1, Région's funder id)."""
    store = open_store(store_path)
    try:
        session = PraeSession(store, shipped_catalogues().default, 1)
        a1 = praes.get_prae(store, 1).actions[0].id
        follow = service.load_followup(store, 1)
        kept = [c for c in follow.charges if c.year == 2018 and c.action_id == a1 and c.nature != "62"]
        kept.append(fu.RealisedCharge(a1, 2018, "62", "Autres services extérieurs", 100_000))
        session.apply(ef.SetRealisedCharges("Saisir", 2018, tuple(kept), a1))
        region = next(int(f.id) for f in budget.load_budget(store, 1).funders if f.kind == "region")  # type: ignore[arg-type]
        financing = [f for f in follow.financing if f.year == 2018 and f.funder_id != region]
        financing.append(fu.RealisedFinancing(2018, region, 500_000))
        session.apply(ef.SetRealisedFinancing("Saisir", 2018, tuple(financing)))
        assert realised(store, a1, "62") == (100_000, {"saisie"})
        return a1, region
    finally:
        store.close()


def test_reimport_keeps_typed_amounts_and_never_counts_both(store_path, capsys):
    store = open_store(store_path)
    before_other = [c for c in service.load_followup(store, 1).charges if c.nature != "62" or c.action_id != 1]
    store.close()
    a1, region = type_amounts(store_path)
    args = ["import-fec", "--db", str(store_path), "--prae", "1", "--year", "2018", str(SHIPPED_FEC)]
    before = dump(store_path)
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert dump(store_path) == before
    assert "Montants saisis conservés" in out
    assert f"nature 62 : saisi {format_amount(100_000)}, le fichier donne {format_amount(300_000)} (non repris)" in out
    assert f"saisi {format_amount(500_000)}, le fichier donne" in out
    assert main(args) == 0
    assert "Montants saisis conservés" in capsys.readouterr().out
    store = open_store(store_path)
    try:
        assert realised(store, a1, "62") == (100_000, {"saisie"})  # not 1 000 + 3 000
        follow = service.load_followup(store, 1)
        region_lines = [f for f in follow.financing if f.year == 2018 and f.funder_id == region]
        assert [(f.amount_cents, f.source) for f in region_lines] == [(500_000, "saisie")]
        others = [c for c in follow.charges if c.nature != "62" or c.action_id != a1]
        assert sorted(map(repr, others)) == sorted(map(repr, before_other))  # the FEC's other lines as they were
    finally:
        store.close()


def test_erasing_the_typed_amount_lets_the_import_bring_the_file_back(store_path):
    a1, _ = type_amounts(store_path)
    store = open_store(store_path)
    try:
        session = PraeSession(store, shipped_catalogues().default, 1)
        follow = service.load_followup(store, 1)
        kept = [c for c in follow.charges if c.year == 2018 and c.action_id == a1 and c.nature != "62"]
        session.apply(ef.SetRealisedCharges("Effacer", 2018, tuple(kept), a1))
        prepared = realised_import.prepare_fec(store, 1, 2018, SHIPPED_FEC.read_bytes())
        assert not any("nature 62 : saisi" in line for line in prepared.summary)
        session.apply(prepared.edit())
        assert realised(store, a1, "62") == (300_000, {"fec"})
    finally:
        store.close()


def test_reimport_with_typed_amounts_undoes_exactly(store_path):
    type_amounts(store_path)
    store = open_store(store_path)
    try:
        session = PraeSession(store, shipped_catalogues().default, 1)

        def state() -> str:  # rows come back in a new id order: compared as multisets
            doc = asdict(service.load_followup(store, 1))
            doc = {k: sorted(v, key=repr) if isinstance(v, (list, tuple)) else v for k, v in doc.items()}
            return json.dumps(doc, sort_keys=True, default=str)

        before = state()
        session.apply(realised_import.prepare_fec(store, 1, 2018, SHIPPED_FEC.read_bytes()).edit())
        after = state()
        session.undo()
        assert state() == before
        session.redo()
        assert state() == after
    finally:
        store.close()
