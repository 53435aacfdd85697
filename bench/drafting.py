"""Drafting benchmark: a PRAE of 40 actions with 5 indicators each.

Run by hand:  QT_QPA_PLATFORM=offscreen .venv/bin/python bench/drafting.py
Measures (medians): opening the PRAE (service read + page fill) and switching from one fiche
to the next in the editor at the model/view level (goal: under one frame, 16 ms). The floor is
the same widgets filled with the same texts directly, measured in the same run.
"""

from __future__ import annotations

import os
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from timing import median_ms  # bench/timing.py (scripts run from bench/)

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.domain.entities import Indicator, Milestone, NewPrae
from pnae_desktop.services import drafting, praes
from pnae_desktop.store.database import open_store


def build(store, catalogue) -> int:
    prae_id = praes.create_prae(store, catalogue, NewPrae("11", 2018, 2020, tuple(range(1, 14))))
    for n in range(27):
        praes.add_regional_action(store, prae_id, f"Action régionale {n + 1}", contexte="Contexte " * 80)
    for action in praes.get_prae(store, prae_id).actions:
        drafting.update_action(store, action.id, {"pilot": "Claire Dubois"})
        drafting.set_objectives(store, catalogue, action.id, {"1.1": None, "3.2": None})
        drafting.set_indicators(
            store,
            action.id,
            [
                Indicator(
                    f"Indicateur {k}",
                    "nombre",
                    "imilo",
                    Decimal(10),
                    2017,
                    ((2018, Decimal(20)), (2019, Decimal(30)), (2020, Decimal(40))),
                )
                for k in range(5)
            ],
        )
        drafting.set_milestones(
            store, action.id, [Milestone(2018 + k % 3, f"Jalon {k}", quarter=1 + k % 4) for k in range(6)]
        )
    return prae_id


def main() -> int:
    from PySide6.QtWidgets import QPlainTextEdit

    from pnae_desktop.ui.app import create_application, open_workspace
    from pnae_desktop.ui.main_window import MainWindow

    app = create_application([])
    catalogue = shipped_catalogues().default
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        store = open_store(db)
        prae_id = build(store, catalogue)
        store.close()
        window = MainWindow(open_workspace(str(db), None, False))
        window.resize(1360, 860)
        window.show()
        app.processEvents()
        page = window.page("prae")
        page.refresh_list(window.workspace.prae_summaries())

        open_ms = median_ms(lambda: (page.load(prae_id), app.processEvents()), 7)
        read_ms = median_ms(lambda: praes.get_prae(window.workspace.store, prae_id), 7)
        actions = page.prae.actions
        counter = iter(range(10**9))

        def switch():
            page.editor.show_action(page.prae, actions[next(counter) % len(actions)])

        switch_ms = median_ms(switch, 80)
        editors = [QPlainTextEdit() for _ in page.editor.blocks]

        def floor():
            action = actions[next(counter) % len(actions)]
            for editor, key in zip(editors, page.editor.blocks):
                editor.setPlainText(action.fields.get(key) or "")

        floor_ms = median_ms(floor, 80)
        print(f"PRAE: {len(actions)} actions × {len(actions[0].indicators)} indicators")
        print(f"open PRAE (read + fill page)  median {open_ms:7.1f} ms (of which service read {read_ms:.1f} ms)")
        print(f"switch fiche (editor fill)    median {switch_ms:7.2f} ms (goal < 16 ms)")
        print(f"floor: raw setPlainText ×{len(editors)} median {floor_ms:7.2f} ms → ratio {switch_ms / floor_ms:.1f}")
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
