"""Reading an exported, edited budget workbook back: the changes, applying them, undo, and
every refusal (French, naming the sheet and the cell, the store file left byte for byte)."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import event

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.exports import budget_import as bi
from pnae_desktop.exports import libreoffice
from pnae_desktop.exports import workbook as bw
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import workbook_import as wi
from pnae_desktop.services.demo import create_demo
from pnae_desktop.services.exports import write_budget_workbook
from pnae_desktop.store.database import open_store

IN_CI = os.environ.get("CI", "").lower() == "true"
SHEET = bw.BY_ACTION
YEARS = (2018, 2019, 2020)
TRAVEL = "Déplacements, missions et réceptions"
STAFF = "Chargé·e de mission régional·e"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """The demo store, built once; each test works on its own copy of the file."""
    path = tmp_path_factory.mktemp("template") / "pnae.sqlite"
    store = open_store(path)
    create_demo(store, shipped_catalogues().default)
    write_budget_workbook(store, 1, path.parent / "budget.xlsx", app_version="test")
    store.close()
    return path


@pytest.fixture
def env(template, tmp_path):
    """A copy of the demo store and of its export (the same for every copy)."""
    db = tmp_path / "pnae.sqlite"
    shutil.copy(template, db)
    path = tmp_path / "budget.xlsx"
    shutil.copy(template.parent / "budget.xlsx", path)
    store = open_store(db)
    budget = budget_service.load_budget(store, 1)
    yield Env(store, db, path, budget, tmp_path)
    store.close()


class Env:
    def __init__(self, store, db: Path, path: Path, budget, tmp: Path):
        self.store, self.db, self.path, self.budget, self.tmp = store, db, path, budget, tmp
        self.first = budget.actions[0]
        self.funders = {f.kind: f for f in budget.funders}

    def edit(self, change, name: str = "edited.xlsx") -> Path:
        """Open the export with openpyxl, let `change(ws, rows, cols)` edit it, save a copy."""
        wb = openpyxl.load_workbook(self.path)
        ws = wb[SHEET]
        change(ws, rows_of(ws), cols_of(ws))
        out = self.tmp / name
        wb.save(out)
        return out

    def read(self, path: Path):
        return wi.read_budget_workbook(path, self.store, 1)

    def charge(self, account: str, label: str, year: int, action_id: int | None = None):
        action_id = action_id or self.first.action_id
        return next(
            (
                c
                for c in budget_service.load_budget(self.store, 1).charges
                if (c.action_id, c.account, c.label, c.year) == (action_id, account, label, year)
            ),
            None,
        )


def rows_of(ws) -> dict[str, int]:
    return {
        v: r
        for r, (v,) in enumerate(ws.iter_rows(min_col=1, max_col=1, values_only=True), start=1)
        if isinstance(v, str)
    }


def cols_of(ws) -> dict[str, int]:
    return {
        v: c
        for c, v in enumerate(next(ws.iter_rows(min_row=1, max_row=1, values_only=True)), start=1)
        if isinstance(v, str)
    }


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(store) -> tuple:
    b = budget_service.load_budget(store, 1)
    return (
        sorted(
            (c.action_id, c.account, c.label, c.year, c.amount_cents, c.etp, c.annual_cost_cents) for c in b.charges
        ),
        sorted((f.action_id, f.funder_id, f.year, f.amount_cents, f.status) for f in b.financing),
    )


# -- round trips -------------------------------------------------------------------------------


def test_an_unedited_export_changes_nothing(env):
    assert env.read(env.path) == []


def test_edits_are_listed_applied_and_undone(env):
    a = env.first.action_id
    state = env.funders["etat"]
    before = snapshot(env.store)
    _, totals_before, _ = budget_service.totals(env.store, 1)

    def change(ws, rows, cols):
        ws.cell(rows[f"C|{a}|62|{TRAVEL}"], cols["MONTANT|2019"]).value = 2_600
        ws.cell(rows[f"C|{a}|64|{STAFF}"], cols["ETP|2020"]).value = 0.5
        ws.cell(rows[f"F|{a}|{state.id}"], cols["MONTANT|2018"]).value = "9 000,50"
        ws.cell(rows[f"F|{a}|{state.id}"], cols["ETP|2018"]).value = "Sollicité"
        spare = rows[f"N|{a}|1"]
        ws.cell(spare, bw.COL_ACCOUNT).value = 60
        label = ws.cell(spare, bw.COL_LABEL)
        label.value = "=Licences logicielles"
        label.data_type = "s"  # typed as text, as Calc and Excel do with a leading apostrophe
        ws.cell(spare, cols["MONTANT|2019"]).value = "1 234,56 €"
        ws.cell(spare, cols["MONTANT|2020"]).value = 99.5

    edited = env.edit(change)
    changes = env.read(edited)
    title = env.first.title
    travel_2019 = env.charge("62", TRAVEL, 2019).cents
    staff_2020 = env.charge("64", STAFF, 2020)
    state_2018 = next(f for f in env.budget.financing if (f.action_id, f.funder_id, f.year) == (a, state.id, 2018))
    assert [(c.kind, c.action, c.year, c.target, c.label, c.old_cents, c.new_cents) for c in changes] == [
        ("charge", title, 2019, "62", TRAVEL, travel_2019, 260_000),
        ("charge", title, 2020, "64", STAFF, staff_2020.cents, (50 * staff_2020.annual_cost_cents + 50) // 100),
        ("charge", title, 2019, "60", "=Licences logicielles", None, 123_456),
        ("charge", title, 2020, "60", "=Licences logicielles", None, 9_950),
        ("financing", title, 2018, state.name, "", state_2018.amount_cents, 900_050),
    ]
    assert changes[1].new_value.etp == Decimal("0.50")
    assert changes[-1].old_status == "acquis" and changes[-1].new_status == "sollicite"
    assert all(c.description.startswith(f"Action « {title} »") for c in changes)
    assert snapshot(env.store) == before  # reading wrote nothing

    applied = wi.apply_changes(env.store, 1, changes)
    _, totals, _ = budget_service.totals(env.store, 1)
    delta_2019 = 260_000 - travel_2019 + 123_456
    assert totals.direct_by_action_year[(a, 2019)] == totals_before.direct_by_action_year[(a, 2019)] + delta_2019
    assert env.charge("60", "=Licences logicielles", 2020).amount_cents == 9_950
    assert env.charge("64", STAFF, 2020).etp == Decimal("0.50")
    assert totals.financing_by_action_year_funder[(a, 2018, state.id)] == 900_050
    assert (
        totals.financing_by_status_year[("sollicite", 2018)]
        == totals_before.financing_by_status_year[("sollicite", 2018)] + 900_050
    )
    assert env.read(edited) == []  # already applied

    wi.undo_changes(env.store, applied)
    assert snapshot(env.store) == before
    assert env.read(edited) == changes


def test_clearing_a_cell_deletes_the_line(env):
    a = env.first.action_id
    edited = env.edit(
        lambda ws, rows, cols: setattr(
            ws.cell(rows[f"C|{a}|61|Location de salles pour les groupes de travail"], cols["MONTANT|2018"]),
            "value",
            None,
        )
    )
    [change] = env.read(edited)
    assert (change.year, change.target, change.new_cents) == (2018, "61", None) and change.old_cents
    wi.apply_changes(env.store, 1, [change])
    assert env.charge("61", "Location de salles pour les groupes de travail", 2018) is None


def test_cells_left_as_exported_keep_later_edits_made_in_the_app(env):
    a = env.first.action_id
    budget_service.set_charge_cells(
        env.store,
        [
            budget_service.ChargeCell(
                a,
                "61",
                "Location de salles pour les groupes de travail",
                2019,
                budget_service.ChargeValue(amount_cents=1),
            )
        ],
    )
    edited = env.edit(
        lambda ws, rows, cols: setattr(ws.cell(rows[f"C|{a}|62|{TRAVEL}"], cols["MONTANT|2018"]), "value", 2_401)
    )
    changes = env.read(edited)
    assert [(c.target, c.year, c.new_cents) for c in changes] == [("62", 2018, 240_100)]


def test_apply_is_all_or_nothing(env):
    a = env.first.action_id
    before = snapshot(env.store)
    good = bi.Change(
        "charge",
        env.first.title,
        2019,
        "62",
        TRAVEL,
        None,
        100,
        action_id=a,
        account="62",
        new_value=budget_service.ChargeValue(amount_cents=100),
    )
    bad = bi.Change(
        "financing", env.first.title, 2019, "?", "", None, 100, action_id=a, funder_id=999_999, new_status="acquis"
    )
    with pytest.raises(ValidationError, match="Financeur inconnu"):
        wi.apply_changes(env.store, 1, [good, bad])
    assert snapshot(env.store) == before


def test_a_workbook_saved_by_libreoffice_reads_back(env):
    """The Direccte's real path: edited and saved by Calc (cached values, its own XML)."""
    if libreoffice.find_soffice() is None:
        reason = "LibreOffice (soffice) absent : installer libreoffice-calc-nogui"
        if IN_CI:
            pytest.fail(reason + " — jamais ignoré en CI")
        pytest.skip(reason)
    a = env.first.action_id
    edited = env.edit(
        lambda ws, rows, cols: setattr(
            ws.cell(rows[f"C|{a}|62|{TRAVEL}"], cols["MONTANT|2020"]), "value", Decimal("2544.01")
        )
    )
    saved = libreoffice.recalculate(edited, env.tmp / "calc").output
    changes = env.read(saved)
    assert [(c.target, c.year, c.new_cents) for c in changes] == [("62", 2020, 254_401)]


# -- refusals ----------------------------------------------------------------------------------


def _cell(row_key: str, col_key: str, value, *, as_text: bool = False):
    def change(ws, rows, cols):
        col = cols[col_key] if isinstance(col_key, str) else col_key
        cell = ws.cell(rows[row_key.format(a=1)], col)
        cell.value = value
        if as_text:
            cell.data_type = "s"
        change.coordinate = cell.coordinate

    return change


BAD_CELLS = {
    "texte": (_cell("C|{a}|62|" + TRAVEL, "MONTANT|2018", "douze euros"), "n'est pas un montant reconnu"),
    "négatif": (_cell("C|{a}|62|" + TRAVEL, "MONTANT|2018", -5), "négatif"),
    "texte négatif": (_cell("C|{a}|62|" + TRAVEL, "MONTANT|2018", "-5,00"), "négatif"),
    "trois décimales": (_cell("C|{a}|62|" + TRAVEL, "MONTANT|2018", 12.345), "plus de deux chiffres"),
    "absurde": (_cell("C|{a}|62|" + TRAVEL, "MONTANT|2018", 10**12), "absurde"),
    "date": (
        _cell("C|{a}|62|" + TRAVEL, "MONTANT|2018", __import__("datetime").datetime(2019, 1, 1)),
        "nombre attendu",
    ),
    "ETP sans coût": (_cell("C|{a}|64|" + STAFF, "COUT|2019", None), "coût annuel chargé manquant"),
    "ETP absurde": (_cell("C|{a}|64|" + STAFF, "ETP|2019", 250), "hors limites"),
    "statut inconnu": (_cell("F|{a}|1", "ETP|2019", "Peut-être"), "statut « Peut-être » inconnu"),
    "formule sans valeur": (_cell("C|{a}|62|" + TRAVEL, "MONTANT|2018", "=1200+300"), "formule sans valeur"),
    "ligne ajoutée sans compte": (_cell("N|{a}|2", "MONTANT|2018", 100), "compte manquant"),  # names E
    "compte inconnu": (_cell("N|{a}|2", bw.COL_ACCOUNT, 69), "compte de charges « 69 » inconnu"),
}


@pytest.mark.parametrize("name", list(BAD_CELLS))
def test_bad_cells_are_refused_naming_sheet_and_cell(env, name):
    change, message = BAD_CELLS[name]
    edited = env.edit(change)
    digest = sha256(env.db)
    with pytest.raises(ValidationError) as caught:
        env.read(edited)
    text = str(caught.value)
    assert message in text
    coordinate = change.coordinate
    if name == "ligne ajoutée sans compte":  # the missing value is the account, column E
        coordinate = "E" + coordinate.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert f"Feuille « {SHEET} », cellule {coordinate}" in text, text
    assert sha256(env.db) == digest


def test_spare_row_problems_name_the_right_cell(env):
    def no_label(ws, rows, cols):
        r = rows["N|1|3"]
        ws.cell(r, bw.COL_ACCOUNT).value = "62"
        ws.cell(r, cols["MONTANT|2019"]).value = 10

    def formula_label(ws, rows, cols):
        r = rows["N|1|3"]
        ws.cell(r, bw.COL_ACCOUNT).value = 62
        ws.cell(r, bw.COL_LABEL).value = "=A1"  # a formula typed where a label goes
        ws.cell(r, cols["MONTANT|2019"]).value = 10

    def duplicate(ws, rows, cols):
        r = rows["N|1|3"]
        ws.cell(r, bw.COL_ACCOUNT).value = 62
        ws.cell(r, bw.COL_LABEL).value = TRAVEL
        ws.cell(r, cols["MONTANT|2019"]).value = 10

    def no_amount(ws, rows, cols):
        r = rows["N|1|3"]
        ws.cell(r, bw.COL_ACCOUNT).value = 62
        ws.cell(r, bw.COL_LABEL).value = "Reprographie"

    digest = sha256(env.db)
    for change, message in (
        (no_label, "libellé manquant"),
        (formula_label, "ne peut pas être une formule"),
        (duplicate, "existe déjà au compte 62"),
        (no_amount, "n'a aucun montant"),
    ):
        edited = env.edit(change, f"{change.__name__}.xlsx")
        wb = openpyxl.load_workbook(edited)
        row = rows_of(wb[SHEET])["N|1|3"]
        with pytest.raises(ValidationError) as caught:
            env.read(edited)
        assert message in str(caught.value)
        assert f"Feuille « {SHEET} », cellule F{row}" in str(caught.value)
    assert sha256(env.db) == digest


def _rewrite(env, name: str, change) -> Path:
    wb = openpyxl.load_workbook(env.path)
    change(wb)
    out = env.tmp / name
    wb.save(out)
    return out


def _set_meta(key: str, value):
    def change(wb):
        ws = wb[bw.KEYS]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == key:
                row[1].value = value

    return change


def _delete_row(row_key: str):
    def change(wb):
        ws = wb[SHEET]
        ws.delete_rows(rows_of(ws)[row_key])

    return change


def _rename_key(row_key: str, new: str):
    def change(wb):
        ws = wb[SHEET]
        ws.cell(rows_of(ws)[row_key], 1).value = new

    return change


def _delete_sheet(title: str):
    def change(wb):
        del wb[title]

    return change


def _move_column(wb):
    ws = wb[SHEET]
    ws.delete_cols(bw.year_cols(0)[0])


BAD_FILES = {
    "missing sheet": (_delete_sheet(bw.CHECKS), "n'est pas un classeur budgétaire produit par PNAE Desktop"),
    "missing keys sheet": (_delete_sheet(bw.KEYS), "feuille « _clés » absente"),
    "no marker": (_set_meta("format", "autre chose"), "sans marque de format"),
    "newer format": (_set_meta("format_version", 99), "version plus récente"),
    "other PRAE": (_set_meta("prae_id", 7), "est le budget du PRAE n° 7"),
    "row deleted": (_delete_row("C|1|62|" + TRAVEL), "structure du classeur a été modifiée"),
    "key changed": (_rename_key("C|1|62|" + TRAVEL, "C|1|62|Autre chose"), "structure du classeur a été modifiée"),
    "column deleted": (_move_column, "colonne G déplacée ou supprimée"),
    "broken snapshot": (_set_meta("snapshot|0", "{pas du json"), "illisibles"),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_workbooks_the_app_did_not_produce_or_whose_structure_changed(env, name):
    change, message = BAD_FILES[name]
    path = _rewrite(env, f"{name}.xlsx", change)
    digest = sha256(env.db)
    with pytest.raises(UserError) as caught:
        env.read(path)
    assert message in str(caught.value)
    assert sha256(env.db) == digest


def test_files_that_are_not_workbooks(env):
    digest = sha256(env.db)
    text = env.tmp / "texte.xlsx"
    text.write_text("Ceci n'est pas un classeur", encoding="utf-8")
    archive = env.tmp / "archive.xlsx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "rien")
    plain = env.tmp / "autre.xlsx"
    openpyxl.Workbook().save(plain)
    for path, message in (
        (text, "n'est pas un classeur Excel (.xlsx)"),
        (archive, "n'est pas un classeur Excel (.xlsx) lisible"),
        (plain, "n'est pas un classeur budgétaire produit par PNAE Desktop"),
        (env.tmp / "absent.xlsx", "Fichier introuvable"),
    ):
        with pytest.raises(UserError) as caught:
            env.read(path)
        assert message in str(caught.value), str(caught.value)
    assert sha256(env.db) == digest


def test_an_action_deleted_since_the_export_is_refused(env):
    from pnae_desktop.store.models import PraeActionRow

    with env.store.transaction() as session:
        session.delete(session.get(PraeActionRow, env.budget.actions[-1].action_id))
    with pytest.raises(UserError, match="n'existe plus dans le PRAE"):
        env.read(env.path)


# -- one transaction, and the pure reader ------------------------------------------------------


def _file_rows(db: Path) -> tuple:
    """The budget rows and the PRAE's change stamp as another process sees them in the file."""
    connection = sqlite3.connect(db)
    try:
        return tuple(
            connection.execute(query).fetchall()
            for query in (
                "SELECT * FROM charge_lines ORDER BY id",
                "SELECT * FROM financing_lines ORDER BY id",
                "SELECT id, updated_at FROM praes ORDER BY id",
            )
        )
    finally:
        connection.close()


def _commits(store) -> list:
    commits: list = []
    event.listen(store.engine, "commit", lambda _connection: commits.append(1))
    return commits


def test_a_refused_financing_leaves_the_charges_unwritten_in_the_file(env):
    """Charges and financing go in one transaction: when the financing part is refused (its
    funder deleted since the workbook was read), the charges before it are never committed —
    not written then compensated, nothing at all (the PRAE's change stamp included)."""
    a = env.first.action_id
    region = env.funders["region"]

    def change(ws, rows, cols):
        ws.cell(rows[f"C|{a}|62|{TRAVEL}"], cols["MONTANT|2019"]).value = 2_600
        ws.cell(rows[f"F|{a}|{region.id}"], cols["MONTANT|2019"]).value = 1_234

    changes = env.read(env.edit(change))
    assert [(c.kind, c.year) for c in changes] == [("charge", 2019), ("financing", 2019)]
    budget_service.delete_funder(env.store, region.id)  # meanwhile, in another window or the CLI
    before = _file_rows(env.db)
    commits = _commits(env.store)
    with pytest.raises(ValidationError, match="Financeur inconnu"):
        wi.apply_changes(env.store, 1, changes)
    assert commits == []
    assert _file_rows(env.db) == before
    assert env.charge("62", TRAVEL, 2019).cents != 260_000


def test_apply_and_undo_are_one_commit_each(env):
    a = env.first.action_id
    state = env.funders["etat"]

    def change(ws, rows, cols):
        ws.cell(rows[f"C|{a}|62|{TRAVEL}"], cols["MONTANT|2019"]).value = 2_600
        ws.cell(rows[f"F|{a}|{state.id}"], cols["MONTANT|2020"]).value = 7_000

    changes = env.read(env.edit(change))
    before = snapshot(env.store)
    commits = _commits(env.store)
    applied = wi.apply_changes(env.store, 1, changes)
    assert len(commits) == 1
    wi.undo_changes(env.store, applied)
    assert len(commits) == 2
    assert snapshot(env.store) == before


def test_the_reader_is_pure_bytes_and_a_budget_in_changes_out(env):
    """exports.budget_import reads the file's bytes against a budget already loaded: no store."""
    a = env.first.action_id
    edited = env.edit(
        lambda ws, rows, cols: setattr(ws.cell(rows[f"C|{a}|62|{TRAVEL}"], cols["MONTANT|2018"]), "value", 2_401)
    )
    budget = budget_service.load_budget(env.store, 1)
    from_bytes = bi.read_changes(edited.read_bytes(), 1, budget, name="budget modifié.xlsx")
    assert from_bytes == bi.read_changes(edited, 1, budget) == env.read(edited)
    assert [(c.target, c.year, c.new_cents) for c in from_bytes] == [("62", 2018, 240_100)]
    with pytest.raises(UserError, match="« budget modifié.xlsx » n'est pas un classeur Excel"):
        bi.read_changes(b"pas un classeur", 1, budget, name="budget modifié.xlsx")
    with pytest.raises(UserError, match="« budget modifié.xlsx » est le budget du PRAE n° 1"):
        bi.read_changes(edited.read_bytes(), 2, budget, name="budget modifié.xlsx")


def _import_budget(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pnae_desktop", "import-budget", "--db", str(env.db), *args],
        cwd=env.tmp,
        env=dict(os.environ, XDG_DATA_HOME=str(env.tmp / "xdg-data")),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_the_cli_lists_applies_and_refuses_with_its_exit_codes(env):
    a = env.first.action_id
    edited = env.edit(
        lambda ws, rows, cols: setattr(ws.cell(rows[f"C|{a}|62|{TRAVEL}"], cols["MONTANT|2019"]), "value", 2_600)
    )
    env.store.close()  # the CLI opens the file itself
    digest = sha256(env.db)
    dry = _import_budget(env, "--prae", "1", str(edited), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines()[-1] == "1 différence(s) ; rien n'a été appliqué (--dry-run)."
    assert f"62 {TRAVEL} : " in dry.stdout and "→ 2\u202f600,00\u00a0€" in dry.stdout
    assert sha256(env.db) == digest
    done = _import_budget(env, "--prae", "1", str(edited))
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "1 différence(s) appliquée(s).")
    again = _import_budget(env, "--prae", "1", str(edited))
    assert (again.returncode, again.stdout) == (0, "Aucune différence avec le budget du PRAE.\n")
    other = _import_budget(env, "--prae", "9", str(edited))  # the file's PRAE is named before the store's
    assert other.returncode == 2 and "est le budget du PRAE n° 1" in other.stderr


# -- label edits of existing lines: read back and listed, or refused naming the cell ------------


RENAMED = "Déplacements des chargé·es de mission (trains, hôtels) & réunions « terrain »"


def test_a_renamed_line_is_listed_applied_and_undone_through_the_session(env):
    from pnae_desktop.services import edits
    from pnae_desktop.services.session import PraeSession

    a = env.first.action_id
    before = snapshot(env.store)
    old_2019 = env.charge("62", TRAVEL, 2019)

    def change(ws, rows, cols):
        r = rows[f"C|{a}|62|{TRAVEL}"]
        ws.cell(r, bw.COL_LABEL).value = RENAMED
        ws.cell(r, cols["MONTANT|2019"]).value = 2_600

    changes = env.read(env.edit(change))
    assert [(c.kind, c.year, c.target, c.old_label, c.label, c.old_cents, c.new_cents) for c in changes] == [
        ("label", 0, "62", TRAVEL, RENAMED, None, None),
        ("charge", 2019, "62", "", RENAMED, old_2019.cents, 260_000),
    ]
    assert changes[0].description == (f"Action « {env.first.title} », compte 62 : libellé « {TRAVEL} » → « {RENAMED} »")
    assert changes[0].cell.startswith(f"{SHEET}!F")  # the label cell
    assert snapshot(env.store) == before  # reading wrote nothing

    session = PraeSession(env.store, shipped_catalogues().default, 1)
    session.apply(edits.ApplyWorkbook("Reprendre un classeur budgétaire", tuple(changes)))
    assert env.charge("62", TRAVEL, 2018) is None
    old_2018 = next(c for c in env.budget.charges if (c.action_id, c.label, c.year) == (a, TRAVEL, 2018))
    assert env.charge("62", RENAMED, 2018).amount_cents == old_2018.amount_cents
    assert env.charge("62", RENAMED, 2019).amount_cents == 260_000
    renamed_years = [c.year for c in budget_service.load_budget(env.store, 1).charges if c.label == RENAMED]
    assert sorted(renamed_years) == [y for y in YEARS if env.charge("62", RENAMED, y)]
    assert len(renamed_years) == len([c for c in env.budget.charges if (c.action_id, c.label) == (a, TRAVEL)])
    assert env.read(env.tmp / "edited.xlsx") == []  # applied: nothing left to do
    session.undo()
    assert snapshot(env.store) == before
    session.redo()
    assert env.charge("62", RENAMED, 2019).amount_cents == 260_000 and env.charge("62", TRAVEL, 2019) is None
    session.undo()
    assert snapshot(env.store) == before


@pytest.mark.parametrize(
    ("label", "message"),
    [("   ", "libellé vide"), ("x" * 301, "libellé trop long (300 caractères au plus)")],
)
def test_a_bad_label_on_an_existing_line_is_refused_naming_the_cell(env, label, message):
    a = env.first.action_id
    row = []

    def change(ws, rows, cols):
        row.append(rows[f"C|{a}|62|{TRAVEL}"])
        ws.cell(row[0], bw.COL_LABEL).value = label

    edited = env.edit(change)
    digest = sha256(env.db)
    with pytest.raises(ValidationError) as caught:
        env.read(edited)
    assert message in str(caught.value)
    assert f"Feuille « {SHEET} », cellule F{row[0]}" in str(caught.value), str(caught.value)
    assert sha256(env.db) == digest


def test_renaming_a_line_to_another_lines_label_is_refused_naming_the_renamed_cell(env):
    a = env.first.action_id
    other = "Frais de réception"
    budget_service.set_charge_cells(
        env.store, [budget_service.ChargeCell(a, "62", other, 2019, budget_service.ChargeValue(amount_cents=10_000))]
    )
    path = write_budget_workbook(env.store, 1, env.tmp / "again" / "budget.xlsx", app_version="test")
    wb = openpyxl.load_workbook(path)
    rows = rows_of(wb[SHEET])
    renamed, kept = rows[f"C|{a}|62|{TRAVEL}"], rows[f"C|{a}|62|{other}"]
    wb[SHEET].cell(renamed, bw.COL_LABEL).value = other
    wb.save(env.tmp / "dupe.xlsx")
    with pytest.raises(ValidationError) as caught:
        env.read(env.tmp / "dupe.xlsx")
    text = str(caught.value)
    assert f"cellule F{renamed}" in text and f"(cellule F{kept})" in text and "existe déjà au compte 62" in text


def test_a_funder_renamed_in_the_workbook_is_refused_naming_the_cell(env):
    a = env.first.action_id
    state = env.funders["etat"]
    row = []

    def change(ws, rows, cols):
        row.append(rows[f"F|{a}|{state.id}"])
        ws.cell(row[0], bw.COL_LABEL).value = "Préfecture"

    with pytest.raises(ValidationError) as caught:
        env.read(env.edit(change))
    text = str(caught.value)
    assert f"Feuille « {SHEET} », cellule F{row[0]}" in text and "se renomme dans l'application" in text


def test_the_cli_lists_and_applies_a_renamed_line(env):
    a = env.first.action_id

    def change(ws, rows, cols):
        ws.cell(rows[f"C|{a}|62|{TRAVEL}"], bw.COL_LABEL).value = RENAMED

    edited = env.edit(change)
    env.store.close()
    dry = _import_budget(env, "--prae", "1", str(edited), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"compte 62 : libellé « {TRAVEL} » → « {RENAMED} »" in dry.stdout
    assert dry.stdout.splitlines()[-1] == "1 différence(s) ; rien n'a été appliqué (--dry-run)."
    done = _import_budget(env, "--prae", "1", str(edited))
    assert (done.returncode, done.stdout.splitlines()[-1]) == (0, "1 différence(s) appliquée(s).")
    store = open_store(env.db)
    try:
        labels = {c.label for c in budget_service.load_budget(store, 1).charges if c.action_id == a}
    finally:
        store.close()
    assert RENAMED in labels and TRAVEL not in labels
    again = _import_budget(env, "--prae", "1", str(edited))
    assert (again.returncode, again.stdout) == (0, "Aucune différence avec le budget du PRAE.\n")
