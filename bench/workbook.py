"""Budget workbook benchmark: exporting the demo PRAE's budget workbook (.xlsx).

Run by hand:  .venv/bin/python bench/workbook.py   (add --libreoffice to time a recalculation)
Measures (medians of 7): `write_budget_workbook` end to end (service reads, build, save), and
the floor: raw openpyxl writing the same cells (same values and formulas at the same places,
no styles, validations, names or protection) in the same run. Goal: under 0.5 s.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import openpyxl
from timing import median_s  # bench/timing.py (scripts run from bench/)

from pnae_desktop import __version__
from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.exports import workbook as bw
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import praes
from pnae_desktop.services.demo import create_demo
from pnae_desktop.services.exports import write_budget_workbook
from pnae_desktop.store.database import open_store

RUNS = 7


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = open_store(tmp / "bench.sqlite")
        prae_id = create_demo(store, shipped_catalogues().default)
        out = tmp / "budget.xlsx"

        export_s = median_s(lambda: write_budget_workbook(store, prae_id, out, app_version=__version__), RUNS)

        detail = praes.get_prae(store, prae_id)
        budget, totals, _ = budget_service.totals(store, prae_id)
        read_s = median_s(lambda: (praes.get_prae(store, prae_id), budget_service.totals(store, prae_id)), RUNS)
        build_s = median_s(lambda: bw.build_workbook(detail, budget, totals, app_version=__version__), RUNS)
        wb = bw.build_workbook(detail, budget, totals, app_version=__version__)
        save_s = median_s(lambda: wb.save(tmp / "again.xlsx"), RUNS)

        # The same content, raw: every non-empty cell's value (or formula) at its place.
        content = []
        values = formulas = 0
        for ws in wb.worksheets:
            cells = []
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    cells.append((cell.row, cell.column, cell.value))
                    if cell.data_type == "f":
                        formulas += 1
                    else:
                        values += 1
            content.append((ws.title, cells))

        def floor():
            raw = openpyxl.Workbook()
            raw.remove(raw.active)
            for title, cells in content:
                sheet = raw.create_sheet(title)
                for r, c, v in cells:
                    sheet.cell(row=r, column=c, value=v)
            raw.save(tmp / "raw.xlsx")

        floor_s = median_s(floor, RUNS)
        size_kb = out.stat().st_size / 1024
        print(
            f"demo PRAE: {len(budget.actions)} actions × {len(budget.years)} years, "
            f"{len(budget.charges)} charge lines, {len(budget.financing)} financing lines"
        )
        print(f"workbook: {values} values + {formulas} formulas in {len(wb.worksheets)} sheets, {size_kb:.0f} KiB")
        print(f"export (write_budget_workbook)  median {export_s * 1000:7.1f} ms  (goal < 500 ms)")
        print(f"  of which reads {read_s * 1000:.1f} ms, build {build_s * 1000:.1f} ms, save {save_s * 1000:.1f} ms")
        print(f"floor: raw openpyxl, same cells median {floor_s * 1000:7.1f} ms → ratio {export_s / floor_s:.2f}")

        if "--libreoffice" in argv:
            from pnae_desktop.exports import libreoffice

            if libreoffice.find_soffice() is None:
                print("LibreOffice absent: recalculation not timed")
            else:
                conversion = libreoffice.recalculate(out, tmp / "lo")
                print(f"LibreOffice recalculation ({libreoffice.version()}): {conversion.seconds:.2f} s")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
