"""The budget workbook survives the people it is sent to: a French-locale LibreOffice opens and
saves it, and every amount is displayed as before — and still computes the app's totals.

Real LibreOffice runs with a throw-away fr-FR profile (`exports/libreoffice.py`): the exported
file and the file LibreOffice saved are both rendered as displayed text (every sheet to CSV,
« values as shown ») and compared cell by cell. Skips locally without LibreOffice, fails in CI.
"""

from __future__ import annotations

import os
import re

import openpyxl
import pytest

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.domain.money import format_amount
from pnae_desktop.exports import libreoffice
from pnae_desktop.exports import workbook as bw
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services.demo import create_demo
from pnae_desktop.services.exports import write_budget_workbook
from pnae_desktop.store.database import open_store

IN_CI = os.environ.get("CI", "").lower() == "true"
FRENCH = "fr-FR"
AMOUNT = re.compile(r"^-?\d{1,3}( \d{3})*,\d{2} €$")


def require_soffice() -> None:
    if libreoffice.find_soffice() is None:
        reason = "LibreOffice (soffice) absent : installer le paquet Debian libreoffice-calc-nogui"
        if IN_CI:
            pytest.fail(reason + " — jamais ignoré en CI")
        pytest.skip(reason)


def spaces(text: str) -> str:
    """Thousands and currency spaces (U+00A0, U+202F) as plain spaces, to compare texts."""
    return re.sub(r"[\u00a0\u202f ]", " ", text)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """The demo exported; shown before and after a French LibreOffice opened and saved it."""
    require_soffice()
    folder = tmp_path_factory.mktemp("fr")
    store = open_store(folder / "pnae.sqlite")
    prae_id = create_demo(store, shipped_catalogues().default)
    # an amount with cents and thousands: « 1 350,50 € » is the case the issue saw broken
    budget = budget_service.load_budget(store, prae_id)
    first = budget.actions[0].action_id
    cell = budget_service.ChargeCell(first, "62", "Réception", 2019, budget_service.ChargeValue(amount_cents=135_050))
    budget_service.set_charge_cells(store, [cell])
    _rebalance(store, prae_id)
    exported = write_budget_workbook(store, prae_id, folder / "export" / "budget.xlsx", app_version="test")
    before = libreoffice.displayed_sheets(exported, folder / "before", locale=FRENCH)
    saved = libreoffice.convert(exported, folder / "saved", "xlsx", locale=FRENCH).output
    after = libreoffice.displayed_sheets(saved, folder / "after", locale=FRENCH)
    _, totals, _ = budget_service.totals(store, prae_id)
    yield exported, saved, before, after, totals
    store.close()


def _rebalance(store, prae_id: int) -> None:
    """The État's financing of each action and year adjusted so that everything balances."""
    budget, totals, _ = budget_service.totals(store, prae_id)
    state = next(f for f in budget.funders if f.kind == "etat")
    lines = {(f.action_id, f.year): f for f in budget.financing if f.funder_id == state.id}
    cells = [
        budget_service.FinancingCell(a, state.id, y, lines[(a, y)].amount_cents - gap, lines[(a, y)].status)
        for (a, y), gap in totals.balance_by_action_year.items()
        if gap
    ]
    budget_service.set_financing_cells(store, cells)


def test_every_sheet_displays_the_same_text_after_a_french_save(round_trip):
    _, _, before, after, _ = round_trip
    assert set(before) == set(bw.SHEETS) == set(after)
    for title in bw.SHEETS:
        assert len(before[title]) == len(after[title]), title
        for r, (old, new) in enumerate(zip(before[title], after[title]), start=1):
            assert old == new, f"{title}, ligne {r} : {old} → {new}"


def test_amounts_are_displayed_in_french_euros_to_the_cent(round_trip):
    _, _, before, after, totals = round_trip
    for shown in (before, after):
        texts = [spaces(v) for title in bw.SHEETS for row in shown[title] for v in row if "€" in v]
        assert len(texts) > 500
        odd = [t for t in texts if not AMOUNT.match(t) and "—" not in t]
        assert not odd, odd[:5]
        everywhere = {spaces(v) for title in bw.SHEETS for row in shown[title] for v in row}
        assert "1 350,50 €" in everywhere
        # the app's own totals, as the app writes them, are displayed by the workbook
        for cents in (totals.full_total, totals.financing_total, *totals.full_by_year.values()):
            assert spaces(format_amount(cents)) in everywhere, format_amount(cents)


def test_formats_after_a_french_save_do_not_scale_amounts(round_trip):
    """The saved file's number formats still read « # ##0,00 € », never « #,##0.00,€ »
    (a trailing thousands separator: every amount divided by 1000)."""
    _, saved, _, _, _ = round_trip
    wb = openpyxl.load_workbook(saved)
    formats = {c.number_format for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    euro = [f for f in formats if "€" in f]
    assert euro
    assert not [f for f in euro if re.search(r"0,[^#0]", f.split(";")[0])], euro


def test_recalculated_totals_after_a_french_save_equal_the_apps(round_trip, tmp_path):
    _, saved, _, _, t = round_trip
    recalculated = libreoffice.recalculate(saved, tmp_path / "lo").output
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    ws = wb[bw.SYNTHESIS]
    keys = {v: r for r, (v,) in enumerate(ws.iter_rows(min_col=1, max_col=1, values_only=True), start=1) if v}
    cols = {v: c for c, v in enumerate(next(ws.iter_rows(min_row=1, max_row=1, values_only=True)), start=1) if v}

    def cents(key: str, col: str) -> int:
        return round(ws.cell(row=keys[key], column=cols[col]).value * 100)

    assert cents("TOTAL|full", "TOTAL") == t.full_total
    assert cents("TOTAL|fin", "TOTAL") == t.financing_total
    for y in t.years:
        assert cents("TOTAL|full", f"MONTANT|{y}") == t.full_by_year[y]
        assert cents("TOTAL|direct", f"MONTANT|{y}") == t.direct_by_year[y]
        assert cents("TOTAL|fin", f"MONTANT|{y}") == t.financing_by_year[y]
    checks = wb[bw.CHECKS]
    results = [row[3] for row in checks.iter_rows(values_only=True) if isinstance(row[0], str) and row[0][:4] == "CHK|"]
    assert len(results) > 40 and set(results) == {"OK"}
