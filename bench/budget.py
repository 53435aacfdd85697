"""Budget benchmark at national scale: 18 regions × 40 actions × 3 years × 20 lines.

Run by hand:  QT_QPA_PLATFORM=offscreen .venv/bin/python bench/budget.py
Measures (medians): recomputing every total of one PRAE after one cell edit (domain compute,
goal < 10 ms) against a floor — one pass summing the same lines into a dict — and loading one
PRAE's Budget page (service read + compute + tables, goal < 200 ms).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from timing import median_ms  # bench/timing.py (scripts run from bench/)

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.entities import NewPrae
from pnae_desktop.services import budget, drafting, praes
from pnae_desktop.store.database import open_store

REGIONS, ACTIONS, LINES = 18, 40, 20
ACCOUNTS = ("60", "61", "62", "63", "64", "65")


def build(store, catalogue) -> list[int]:
    codes = [r.insee_code for r in catalogue.regions][:REGIONS]
    ids = []
    for code in codes:
        prae_id = praes.create_prae(store, catalogue, NewPrae(code, 2018, 2020, tuple(range(1, 14))))
        for n in range(ACTIONS - 13):
            praes.add_regional_action(store, prae_id, f"Action régionale {n + 1}")
        detail = praes.get_prae(store, prae_id)
        cells = []
        for a in detail.actions:
            drafting.set_objectives(store, catalogue, a.id, {"1.1": None, "3.2": None})
            for year in detail.years:
                for k in range(LINES):
                    cells.append(
                        budget.ChargeCell(
                            a.id,
                            ACCOUNTS[k % len(ACCOUNTS)],
                            f"Ligne {k}",
                            year,
                            budget.ChargeValue(amount_cents=100_00 + k * 37 + a.id),
                        )
                    )
        budget.set_charge_cells(store, cells)
        ids.append(prae_id)
    return ids


def main() -> int:
    catalogue = shipped_catalogues().default
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "national.sqlite"
        store = open_store(db)
        start = time.perf_counter()
        ids = build(store, catalogue)
        print(
            f"built {len(ids)} PRAE × {ACTIONS} actions × 3 years × {LINES} lines "
            f"({len(ids) * ACTIONS * 3 * LINES} charge lines) in {time.perf_counter() - start:.0f} s"
        )
        plan = budget.load_budget(store, ids[0])
        edited = list(plan.charges)
        first = edited[0]
        edited[0] = replace(first, amount_cents=first.amount_cents + 1)  # one cell edit
        after_edit = replace(plan, charges=tuple(edited))
        compute_ms = median_ms(lambda: dom.compute(after_edit), 21)

        def floor():
            totals: dict = {}
            for line in after_edit.charges:
                key = (line.action_id, line.year, line.account)
                totals[key] = totals.get(key, 0) + line.cents

        floor_ms = median_ms(floor, 21)
        print(
            f"recompute all totals after one edit: median {compute_ms:6.2f} ms (goal < 10 ms); "
            f"floor (one summing pass) {floor_ms:.2f} ms → ratio {compute_ms / floor_ms:.1f}"
        )
        store.close()

        from pnae_desktop.ui.app import create_application, open_workspace
        from pnae_desktop.ui.main_window import MainWindow

        app = create_application([])
        window = MainWindow(open_workspace(str(db), None, False))
        window.show()
        app.processEvents()
        window.current_prae_id = ids[0]
        page = window.page("budget")

        def load_page():
            page.load(ids[0])
            app.processEvents()

        page_ms = median_ms(load_page, 7)
        read_ms = median_ms(lambda: budget.totals(window.workspace.store, ids[0]), 7)
        print(
            f"load one PRAE's Budget page: median {page_ms:6.1f} ms (goal < 200 ms); "
            f"of which service read + compute + checks {read_ms:.1f} ms"
        )
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
