"""The budget workbook: real files, read back with openpyxl, recalculated by LibreOffice.

LibreOffice tests skip with a clear reason when `soffice` is absent locally and fail in CI.
One conversion serves many assertions (module-scoped fixtures): each takes ~2-4 s.
"""

from __future__ import annotations

import os
import random
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.money import split_cents
from pnae_desktop.errors import UserError
from pnae_desktop.exports import libreoffice
from pnae_desktop.exports import workbook as bw
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import praes
from pnae_desktop.services.demo import create_demo
from pnae_desktop.services.exports import write_budget_workbook
from pnae_desktop.store.database import open_store

IN_CI = os.environ.get("CI", "").lower() == "true"
TRICKY_LABELS = ("=SUM(A1:A3)", "+33 1 23 45 67 89", "-10 % de remise", "@ARML réunion")
ERROR_PREFIXES = ("#VALUE!", "#REF!", "#NAME?", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:", "#ERR")


def require_soffice() -> str:
    found = libreoffice.find_soffice()
    if found is None:
        reason = (
            "LibreOffice (soffice) absent : installer le paquet Debian libreoffice-calc-nogui "
            "(voir .ci/system-packages) pour recalculer les classeurs"
        )
        if IN_CI:
            pytest.fail(reason + " — jamais ignoré en CI")
        pytest.skip(reason)
    return found


# -- fixtures: the demo with tricky labels, exported once ------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo PRAE plus lines whose labels look like formulas, rebalanced so every action
    and year still balances to the cent."""
    folder = tmp_path_factory.mktemp("demo")
    store = open_store(folder / "pnae.sqlite")
    prae_id = create_demo(store, shipped_catalogues().default)
    budget = budget_service.load_budget(store, prae_id)
    first = budget.actions[0].action_id
    budget_service.set_charge_cells(
        store,
        [
            budget_service.ChargeCell(first, "60", label, 2019, budget_service.ChargeValue(amount_cents=5_500_50 + i))
            for i, label in enumerate(TRICKY_LABELS)
        ],
    )
    _rebalance(store, prae_id)
    yield store, prae_id
    store.close()


def _rebalance(store, prae_id: int) -> None:
    budget, totals, _ = budget_service.totals(store, prae_id)
    state = next(f for f in budget.funders if f.kind == "etat")
    lines = {(f.action_id, f.year): f for f in budget.financing if f.funder_id == state.id}
    cells = []
    for (action_id, year), balance in totals.balance_by_action_year.items():
        if balance:
            line = lines[(action_id, year)]
            cells.append(
                budget_service.FinancingCell(action_id, state.id, year, line.amount_cents - balance, line.status)
            )
    budget_service.set_financing_cells(store, cells)


@pytest.fixture(scope="module")
def exported(demo, tmp_path_factory):
    store, prae_id = demo
    path = write_budget_workbook(store, prae_id, tmp_path_factory.mktemp("export") / "budget.xlsx", app_version="9.9.9")
    return path


@pytest.fixture(scope="module")
def app_totals(demo):
    store, prae_id = demo
    budget, totals, problems = budget_service.totals(store, prae_id)
    return budget, totals, problems


@pytest.fixture(scope="module")
def recalculated(exported, tmp_path_factory):
    require_soffice()
    conversion = libreoffice.recalculate(exported, tmp_path_factory.mktemp("lo"))
    return conversion.output


def row_keys(ws) -> dict[str, int]:
    return {
        v: r
        for r, (v,) in enumerate(ws.iter_rows(min_col=1, max_col=1, values_only=True), start=1)
        if isinstance(v, str)
    }


def col_keys(ws) -> dict[str, int]:
    return {
        v: c
        for c, v in enumerate(next(ws.iter_rows(min_row=1, max_row=1, values_only=True)), start=1)
        if isinstance(v, str)
    }


def cents(value) -> int:
    """A recalculated number → int cents (LibreOffice stores doubles)."""
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    exact = Decimal(repr(value)) * 100
    rounded = exact.quantize(Decimal(1))
    assert abs(exact - rounded) < Decimal("0.0001"), value
    return int(rounded)


def sheet_xml(path: Path, title: str) -> str:
    wb = openpyxl.load_workbook(path)
    index = wb.sheetnames.index(title) + 1
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


# -- the workbook as written ------------------------------------------------------------------


def test_sheets_properties_and_print_setup(exported, demo):
    store, prae_id = demo
    detail = praes.get_prae(store, prae_id)
    wb = openpyxl.load_workbook(exported)
    assert wb.sheetnames == [*bw.SHEETS, bw.KEYS]
    assert wb[bw.KEYS].sheet_state == "veryHidden"
    assert wb.security.lockStructure
    p = wb.properties
    assert p.creator == "PNAE Desktop 9.9.9"
    assert detail.summary.title in p.title
    assert p.subject and detail.organisation.name in p.keywords and detail.organisation.name in p.description
    for title in bw.SHEETS:
        ws = wb[title]
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) == 1
        assert int(ws.page_setup.fitToHeight) == 0
        assert ws.oddHeader.left.text == detail.organisation.name
        assert ws.oddFooter.right.text == "Page &P / &N"
        assert ws.freeze_panes
        assert ws.column_dimensions["A"].hidden and ws.row_dimensions[1].hidden
    assert wb[bw.BY_ACTION].print_title_rows == "$3:$4"
    for name in ("Cout_complet_total", "Ressources_total", "Solde_total", "PA_Montant_2018", "PA_Type"):
        assert name in wb.defined_names


def _params(ws_title: str, ws) -> set[tuple[int, int]]:
    """Locked numbers that are not totals: what the app computed on purpose (structural
    shares, objective percentages, structural cost lines) and account codes."""
    out = set()
    keys = row_keys(ws)
    cols = col_keys(ws)
    if ws_title == bw.BY_ACTION:
        amount_cols = [c for k, c in cols.items() if k.startswith("MONTANT|")]
        for key, r in keys.items():
            if key.startswith("T|struct|"):
                out |= {(r, c) for c in amount_cols}
            if key.startswith(("O|", "C|")):  # objective percentage; account code (60…86)
                out.add((r, bw.COL_ACCOUNT))
    if ws_title == bw.SYNTHESIS:
        amount_cols = [c for k, c in cols.items() if k.startswith("MONTANT|")]
        for key, r in keys.items():
            if key.startswith("STRUCT|") or key == "TOTAL|structleft":
                out |= {(r, c) for c in amount_cols}
    return out


def test_every_total_is_a_formula_and_every_number_an_input_or_a_parameter(exported):
    wb = openpyxl.load_workbook(exported)
    formulas = 0
    for title in bw.SHEETS:
        ws = wb[title]
        params = _params(title, ws)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                value = cell.value
                if isinstance(value, str) and cell.data_type == "f":
                    formulas += 1
                    assert cell.protection.locked, f"{title}!{cell.coordinate} : formule non verrouillée"
                elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                    where = f"{title}!{cell.coordinate} = {value}"
                    assert (not cell.protection.locked) or (cell.row, cell.column) in params, (
                        f"{where} : nombre figé qui n'est ni une saisie ni un paramètre"
                    )
        # every cell of a total row / total column that holds something is a formula
        keys, cols = row_keys(ws), col_keys(ws)
        total_rows = [
            r
            for k, r in keys.items()
            if k.startswith(
                (
                    "T|direct|",
                    "T|full|",
                    "T|fin|",
                    "T|bal|",
                    "TOTAL",
                    "AXIS|",
                    "OBJ|",
                    "FUNDER|",
                    "NAT|",
                    "RES|",
                    "CHK|",
                )
            )
        ]
        money_cols = [
            c for k, c in cols.items() if k.startswith(("MONTANT|", "TOTAL", "RESULTAT")) or k in dom.FINANCING_STATUSES
        ]
        assert total_rows and money_cols, title
        for r in total_rows:
            for c in money_cols:
                cell = ws.cell(row=r, column=c)
                if cell.value is None:
                    continue
                if (r, c) in params:
                    continue
                assert cell.data_type == "f" and str(cell.value).startswith("="), (
                    f"{title}!{cell.coordinate} : total sans formule ({cell.value!r})"
                )
    assert formulas > 1000


def test_inputs_unlocked_formulas_locked_sheets_protected_without_password(exported):
    wb = openpyxl.load_workbook(exported)
    for title in [*bw.SHEETS, bw.KEYS]:
        ws = wb[title]
        assert ws.protection.sheet, title
        assert not ws.protection.password, title
    ws = wb[bw.BY_ACTION]
    keys, cols = row_keys(ws), col_keys(ws)
    years = (2018, 2019, 2020)
    checked = 0
    for key, r in keys.items():
        for y in years:
            etp, cost, amount = (ws.cell(row=r, column=cols[f"{k}|{y}"]) for k in ("ETP", "COUT", "MONTANT"))
            if key.startswith(("C|", "N|")):
                if amount.data_type == "f":  # personnel typed as ETP × annual cost
                    assert amount.value.startswith("=ROUND(") and amount.protection.locked
                    assert not etp.protection.locked and not cost.protection.locked
                else:
                    assert not amount.protection.locked
                checked += 1
            elif key.startswith("F|"):
                assert not amount.protection.locked and not etp.protection.locked  # amount, status
                checked += 1
            elif key.startswith("T|"):
                assert amount.protection.locked
        if key.startswith("N|"):
            assert not ws.cell(row=r, column=bw.COL_ACCOUNT).protection.locked
            assert not ws.cell(row=r, column=bw.COL_LABEL).protection.locked
        if key.startswith("C|"):  # an existing line's label may be edited: it is read back
            assert not ws.cell(row=r, column=bw.COL_LABEL).protection.locked
        if key.startswith("F|"):  # a funder's name is edited in the app
            assert ws.cell(row=r, column=bw.COL_LABEL).protection.locked
    assert checked > 300
    # spare rows are inside the direct total's range
    for key, r in keys.items():
        if key.startswith("T|direct|"):
            aid = key.split("|")[2]
            spare = keys[f"N|{aid}|{bw.SPARE_ROWS}"]
            formula = ws.cell(row=r, column=cols["MONTANT|2018"]).value
            last = int(re.search(r":I(\d+)\)", formula).group(1))
            assert last >= spare, formula


def test_amounts_are_exact_decimals_in_the_xml(exported):
    xml = sheet_xml(exported, bw.BY_ACTION)
    values = re.findall(r"<v>([^<]*)</v>", xml)
    assert "366800" in values  # a whole amount is an integer
    assert "5500.5" in values and "5500.51" in values  # cents written exactly
    assert "0.2" in values  # ETP
    drift = [v for v in values if re.fullmatch(r"-?\d+\.\d{3,}", v)]
    assert not drift, drift[:5]
    assert not re.search(r"\d\.\d*9999\d", xml) and not re.search(r"\d\.\d*0000\d", xml)


def test_labels_that_look_like_formulas_stay_text(exported):
    wb = openpyxl.load_workbook(exported)
    ws = wb[bw.BY_ACTION]
    found = {}
    for row in ws.iter_rows(min_col=bw.COL_LABEL, max_col=bw.COL_LABEL):
        cell = row[0]
        if cell.value in TRICKY_LABELS:
            found[cell.value] = cell
    assert set(found) == set(TRICKY_LABELS)
    assert all(cell.data_type == "s" for cell in found.values())
    xml = sheet_xml(exported, bw.BY_ACTION)
    coordinate = found["=SUM(A1:A3)"].coordinate
    element = re.search(rf'<c r="{coordinate}"[^>]*>(.*?)</c>', xml).group(0)
    assert 't="inlineStr"' in element and "<f>" not in element
    assert "<f>SUM(A1:A3)</f>" not in xml


def test_formulas_have_no_cached_values(exported):
    """openpyxl writes no cached values: a workbook that shows totals was recalculated."""
    xml = sheet_xml(exported, bw.SYNTHESIS)
    cached = re.findall(r"<f>[^<]*</f><v>([^<]+)</v>", xml)
    assert not cached
    with zipfile.ZipFile(exported) as z:
        assert 'fullCalcOnLoad="1"' in z.read("xl/workbook.xml").decode()


# -- LibreOffice recalculation ---------------------------------------------------------------


def _no_error_cells(wb) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    assert not value.startswith(ERROR_PREFIXES), f"{ws.title} : {value}"


def test_libreoffice_totals_equal_the_apps_to_the_cent(recalculated, app_totals):
    budget, t, problems = app_totals
    assert not problems  # balanced, with the tricky lines
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    _no_error_cells(wb)
    years = t.years
    _check_synthesis(wb, budget, t)

    ws = wb[bw.BY_ACTION]
    keys, cols = row_keys(ws), col_keys(ws)
    for a in budget.actions:
        for y in years:
            amount = cols[f"MONTANT|{y}"]

            def at(kind, _a=a, _col=amount):
                return cents(ws.cell(row=keys[f"T|{kind}|{_a.action_id}"], column=_col).value)

            assert at("direct") == t.direct_by_action_year[(a.action_id, y)]
            assert at("struct") == t.structural_by_action_year[(a.action_id, y)]
            assert at("full") == t.full_by_action_year[(a.action_id, y)]
            assert at("fin") == t.financing_by_action_year[(a.action_id, y)]
            assert at("bal") == t.balance_by_action_year[(a.action_id, y)] == 0
            etp = ws.cell(row=keys[f"T|direct|{a.action_id}"], column=cols[f"ETP|{y}"]).value
            assert Decimal(repr(etp)).quantize(Decimal("0.01")) == t.etp_by_action_year[(a.action_id, y)]
    checks = wb[bw.CHECKS]
    results = [
        checks.cell(row=r, column=col_keys(checks)["RESULTAT"]).value
        for k, r in row_keys(checks).items()
        if k.startswith("CHK|")
    ]
    assert len(results) > 40 and set(results) == {"OK"}


def _check_synthesis(wb, budget: dom.Budget, t: dom.BudgetTotals) -> None:
    """Synthèse, Charges par nature and Financements against the app's totals."""
    years = t.years
    ws = wb[bw.SYNTHESIS]
    keys, cols = row_keys(ws), col_keys(ws)

    def syn(key, y=None):
        col = cols["TOTAL"] if y is None else cols[f"MONTANT|{y}"]
        return cents(ws.cell(row=keys[key], column=col).value)

    assert syn("TOTAL|full") == t.full_total
    assert syn("TOTAL|fin") == t.financing_total
    assert syn("TOTAL|balance") == t.balance_total
    for y in years:
        assert syn("TOTAL|direct", y) == t.direct_by_year[y]
        assert (
            syn("TOTAL|structshare", y) + (syn("TOTAL|structleft", y) if "TOTAL|structleft" in keys else 0)
            == t.structural_by_year[y]
        )
        assert syn("TOTAL|struct", y) == t.structural_by_year[y]
        assert syn("TOTAL|full", y) == t.full_by_year[y]
        assert syn("TOTAL|fin", y) == t.financing_by_year[y]
        assert syn("TOTAL|balance", y) == t.balance_by_year[y]
        for axis in dom.AXES:
            assert syn(f"AXIS|{axis}", y) == t.full_by_axis_year[(axis, y)], (axis, y)
        assert syn("AXIS|none", y) == t.full_by_axis_year.get((None, y), 0)
        for code in dom.OBJECTIVE_CODES:
            if f"OBJ|{code}" in keys:
                assert syn(f"OBJ|{code}", y) == t.full_by_objective_year[(code, y)], (code, y)
        for f in budget.funders:
            assert syn(f"FUNDER|{f.id}", y) == t.financing_by_funder_year.get((f.id, y), 0)
    for f in budget.funders:
        share = ws.cell(row=keys[f"FUNDER|{f.id}"], column=cols["PART"]).value
        expected = t.funder_share.get(f.id, Decimal(0))  # no financing at all: no shares
        assert abs(Decimal(repr(share)) * 100 - expected) <= Decimal("0.005")

    nat = wb[bw.BY_NATURE]
    nkeys, ncols = row_keys(nat), col_keys(nat)
    for y in years:
        col = ncols[f"MONTANT|{y}"]
        for code in dom.chart().charge_codes:
            assert cents(nat.cell(row=nkeys[f"NAT|{code}"], column=col).value) == t.direct_by_year_account.get(
                (y, code), 0
            )
        for line in dom.chart().resource_lines:
            assert cents(nat.cell(row=nkeys[f"RES|{line}"], column=col).value) == t.resources_by_line_year.get(
                (line, y), 0
            )
        assert cents(nat.cell(row=nkeys["NAT|full"], column=col).value) == t.full_by_year[y]

    fin = wb[bw.FINANCING]
    fkeys, fcols = row_keys(fin), col_keys(fin)
    for y in years:
        for status in dom.FINANCING_STATUSES:
            value = fin.cell(row=fkeys[f"TOTAL|{y}"], column=fcols[status]).value
            assert cents(value) == t.financing_by_status_year.get((status, y), 0)
        for f in budget.funders:
            value = fin.cell(row=fkeys[f"FUNDER|{f.id}|{y}"], column=fcols["TOTAL"]).value
            assert cents(value) == t.financing_by_funder_year.get((f.id, y), 0)


def test_label_stays_text_after_libreoffice(recalculated):
    wb = openpyxl.load_workbook(recalculated)  # formulas as written by LibreOffice
    ws = wb[bw.BY_ACTION]
    cells = [
        row[0] for row in ws.iter_rows(min_col=bw.COL_LABEL, max_col=bw.COL_LABEL) if row[0].value in TRICKY_LABELS
    ]
    assert {c.value for c in cells} == set(TRICKY_LABELS)
    assert all(c.data_type == "s" for c in cells)
    # and LibreOffice kept the protection: inputs unlocked, formulas locked
    assert ws.protection.sheet
    keys, cols = row_keys(ws), col_keys(ws)
    assert not ws.cell(row=keys["N|1|1"], column=cols["MONTANT|2018"]).protection.locked
    assert ws.cell(row=keys["T|full|1"], column=cols["MONTANT|2018"]).protection.locked


def test_libreoffice_recalculates_stale_cached_values(tmp_path):
    """The private profile forces recalculation on load: a wrong cached value is replaced."""
    require_soffice()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = 2, 3, "=A1*A2", "=SUM(A1:A3)"
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(stale, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>A1*A2</f><v></v>", b"<f>A1*A2</f><v>999</v>")
                data = data.replace(b"<f>SUM(A1:A3)</f><v></v>", b"<f>SUM(A1:A3)</f><v>999</v>")
                assert data.count(b"<v>999</v>") == 2
            if item.filename == "xl/workbook.xml":  # no hint to recalculate
                data = data.replace(b' fullCalcOnLoad="1"', b"")
            dst.writestr(item, data)
    out = libreoffice.recalculate(stale, tmp_path / "out").output
    values = openpyxl.load_workbook(out, data_only=True).active
    assert (values["A3"].value, values["A4"].value) == (6, 11)


def test_libreoffice_absent_or_too_slow_is_a_french_error(tmp_path, monkeypatch):
    source = tmp_path / "x.xlsx"
    openpyxl.Workbook().save(source)
    monkeypatch.setenv(libreoffice.ENV_VARIABLE, str(tmp_path / "pas-de-soffice"))
    assert libreoffice.find_soffice() is None
    with pytest.raises(UserError, match="LibreOffice est introuvable"):
        libreoffice.convert(source, tmp_path / "out")
    monkeypatch.delenv(libreoffice.ENV_VARIABLE)
    require_soffice()
    with pytest.raises(UserError, match="n'a pas terminé"):
        libreoffice.convert(source, tmp_path / "out", timeout=0.05)


# -- a budget full of edge cases, built by hand and recalculated ---------------------------


def _tricky_budget(demo_budget: dom.Budget, seed: int = 1) -> dom.Budget:
    """Objective splits with cents left over both ways, unequal shares that don't sum to 100,
    zero shares, actions without objectives, ETP costs that round half-up, structural costs
    by manual key, by ETP, and a year where the ETP key has no base (not shared out)."""
    rng = random.Random(seed)
    years = demo_budget.years
    actions, charges, financing = [], [], []
    line_id = 0
    share_plans = [
        ("1.1", "1.2", "1.3"),
        ("2", "3.1", "3.2", "3.3"),
        ("1.1", "4.1", "4.2"),
        ("1.3", "2"),
        ("3.1",),
        (),
        ("1.1", "1.2", "1.3", "2", "3.1", "3.2", "3.3", "4.1", "4.2"),
        ("4.1", "4.2", "3.3"),
        ("1.2", "2", "4.2"),
        ("3.2", "1.1"),
    ]
    for i, (info, codes) in enumerate(zip(demo_budget.actions, share_plans)):
        if i in (0, 6):
            shares = None  # equal: 33.34 / 33.33 / 33.33, 11.12 / 11.11 …
        elif i == 7:
            shares = {codes[0]: Decimal(0), codes[1]: Decimal(0), codes[2]: Decimal(0)}  # → non affecté
        elif i == 9:
            shares = {codes[0]: Decimal(60), codes[1]: Decimal(60)}  # sums to 120: ratio still used
        elif codes:
            raw = [rng.randint(1, 9999) for _ in codes]
            parts = split_cents(10000, raw)
            shares = {c: Decimal(p).scaleb(-2) for c, p in zip(codes, parts)}
        else:
            shares = None
        actions.append(dom.ActionBudgetInfo(info.action_id, info.title, codes, shares))
        for y in years:
            for account in rng.sample(["60", "61", "62", "63", "65", "66", "67", "68", "86"], 3):
                line_id += 1
                charges.append(
                    dom.ChargeLine(
                        line_id, info.action_id, y, account, f"Ligne {account}", amount_cents=rng.randint(1, 5_000_000)
                    )
                )
            if y != years[-1]:  # no ETP at all in the last year: its ETP key has no base
                line_id += 1
                charges.append(
                    dom.ChargeLine(
                        line_id,
                        info.action_id,
                        y,
                        "64",
                        "Poste",
                        etp=Decimal(rng.randint(1, 150)).scaleb(-2),
                        annual_cost_cents=rng.randint(2_000_001, 6_000_099),
                    )
                )
            for f in demo_budget.funders[:3]:
                line_id += 1
                status = rng.choice(list(dom.FINANCING_STATUSES))
                financing.append(dom.FinancingLine(line_id, info.action_id, y, f.id, rng.randint(0, 3_000_000), status))
    manual = split_cents(10000, [rng.randint(1, 50) for _ in actions])
    keys = (
        dom.AllocationKey(years[0], "manual", {a.action_id: Decimal(p).scaleb(-2) for a, p in zip(actions, manual)}),
        dom.AllocationKey(years[1], "etp"),
        dom.AllocationKey(years[2], "etp"),
    )
    structural = tuple(
        dom.StructuralCost(y, label, rng.randint(100_000, 9_000_000)) for y in years for label in ("Siège", "Direction")
    )
    return dom.Budget(years, tuple(actions), tuple(charges), demo_budget.funders, tuple(financing), structural, keys)


def _leftover_signs(budget: dom.Budget, t: dom.BudgetTotals) -> set[int]:
    """Signs of the cents left after half-up parts, to be sure both branches are exercised."""
    signs = set()
    for a in budget.actions:
        weights = [int(s * 100) for s in a.shares]
        if len(weights) < 2 or not any(weights):
            continue
        for y in budget.years:
            full = t.full_by_action_year[(a.action_id, y)]
            w = sum(weights)
            parts = [(2 * full * x + w) // (2 * w) for x in weights]
            signs.add((full - sum(parts) > 0) - (full - sum(parts) < 0))
    return signs


def test_libreoffice_reproduces_every_split_of_an_edge_case_budget(demo, tmp_path):
    require_soffice()
    store, prae_id = demo
    detail = praes.get_prae(store, prae_id)
    budget = _tricky_budget(budget_service.load_budget(store, prae_id))
    t = dom.compute(budget)
    assert _leftover_signs(budget, t) == {-1, 0, 1}
    assert any(t.full_by_axis_year.get((None, y)) for y in budget.years)  # non affecté
    assert t.structural_by_action_year.get((None, budget.years[-1]))  # not shared out
    path = tmp_path / "tricky.xlsx"
    bw.build_workbook(detail, budget, t, app_version="test").save(path)
    out = libreoffice.recalculate(path, tmp_path / "lo").output
    wb = openpyxl.load_workbook(out, data_only=True)
    _no_error_cells(wb)
    _check_synthesis(wb, budget, t)
    ws = wb[bw.BY_ACTION]
    keys, cols = row_keys(ws), col_keys(ws)
    for a in budget.actions:
        weights = [int(s * 100) for s in a.shares]
        for y in budget.years:
            full = t.full_by_action_year[(a.action_id, y)]
            expected = split_cents(full, weights) if any(weights) else [0] * len(weights)
            got = [
                cents(ws.cell(row=keys[f"O|{a.action_id}|{c}"], column=cols[f"MONTANT|{y}"]).value)
                for c in a.objective_codes
            ]
            assert got == expected, (a.title, y)
            assert (
                cents(ws.cell(row=keys[f"T|bal|{a.action_id}"], column=cols[f"MONTANT|{y}"]).value)
                == t.balance_by_action_year[(a.action_id, y)]
            )


def test_an_empty_budget_exports_and_recalculates_to_zero(demo, tmp_path):
    """No lines at all (a PRAE just created): the workbook still opens, computes and checks."""
    require_soffice()
    store, prae_id = demo
    detail = praes.get_prae(store, prae_id)
    full = budget_service.load_budget(store, prae_id)
    budget = dom.Budget(full.years, full.actions[:2], funders=full.funders)
    t = dom.compute(budget)
    path = tmp_path / "empty.xlsx"
    bw.build_workbook(detail, budget, t, app_version="test").save(path)
    wb = openpyxl.load_workbook(libreoffice.recalculate(path, tmp_path / "lo").output, data_only=True)
    _no_error_cells(wb)
    _check_synthesis(wb, budget, t)
    checks = wb[bw.CHECKS]
    results = [
        checks.cell(row=r, column=col_keys(checks)["RESULTAT"]).value
        for k, r in row_keys(checks).items()
        if k.startswith("CHK|")
    ]
    assert results and set(results) == {"OK"}


def test_validation_messages_are_whole_with_single_spaces(exported):
    """Every input cell explains its rule when selected and when refused: whole sentences
    (Excel shows at most 255 characters, titles 32), single spaces, no cut word."""
    wb = openpyxl.load_workbook(exported)
    validations = wb[bw.BY_ACTION].data_validations.dataValidation
    kinds = {dv.type for dv in validations}
    assert {"decimal", "list", "textLength"} <= kinds
    for dv in validations:
        for text, limit in ((dv.error, 255), (dv.prompt, 255), (dv.errorTitle, 32), (dv.promptTitle, 32)):
            assert text and len(text) <= limit, text
            assert "  " not in text and text == text.strip(), repr(text)
            assert "…" not in text
        assert dv.showErrorMessage and dv.showInputMessage
        assert dv.error.endswith("."), dv.error
    euro = next(dv for dv in validations if dv.type == "decimal" and dv.formula2 != "100")
    assert euro.error == "Montant en euros, positif, au plus 100\u00a0000\u00a0000,00\u00a0€, deux décimales au plus."
