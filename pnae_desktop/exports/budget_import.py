"""Read back a budget workbook exported by PNAE Desktop (and possibly edited by a Direccte).

`read_budget_workbook` lists what the workbook changes, cell by cell, without writing to the
store; `apply_changes` writes them all at once and returns what `undo_changes` needs.

A cell counts as edited when its value differs from the value exported (a snapshot kept in
the hidden sheet « _clés »): a cell left as exported never overwrites an edit made in the app
since the export. For an edited cell the change goes from the store's current value (`old`)
to the workbook's (`new`); cells whose new value is already in the store are left out.

Every refusal is a French `UserError`/`ValidationError` naming the sheet and the cell.
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.money import MAX_LINE_CENTS, format_amount, parse_amount
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.exports.workbook import layout as bw
from pnae_desktop.services import budget as budget_service

MAX_ETP_HUNDREDTHS = int(dom.MAX_ETP * 100)
MAX_LABEL = 300  # as budget services


@dataclass(frozen=True)
class Change:
    """One cell the workbook changes. `target` is the account code of a charge ("62") or the
    funder's name; `label` the charge line's label ("" for financing). Cents are int."""

    kind: str  # "charge" | "financing"
    action: str  # action title
    year: int
    target: str
    label: str
    old_cents: int | None
    new_cents: int | None
    # what apply_changes needs, and where the value was read
    action_id: int = 0
    account: str | None = None
    funder_id: int | None = None
    new_value: budget_service.ChargeValue | None = None  # charges: amount or ETP × cost
    old_status: str | None = None  # financing: status keys ("acquis", "sollicite", …)
    new_status: str | None = None
    cell: str = ""  # « Par action » coordinate of the amount (or ETP) cell

    @property
    def description(self) -> str:
        """French, for the confirmation list: « Action …, 2019, 62 Déplacements : 2 400,00 € → 2 600,00 € »."""

        def amount(cents):
            return "—" if cents is None else format_amount(cents)

        if self.kind == "charge":
            what = f"{self.target} {self.label}"
            if self.new_value is not None and self.new_value.etp is not None:
                etp = dom.format_etp(self.new_value.etp)
                detail = f" ({etp} ETP × {format_amount(self.new_value.annual_cost_cents)})"
            else:
                detail = ""
        else:
            what = self.target
            detail = ""
            if self.new_cents is not None and self.new_status != self.old_status:
                detail = f" ({dom.FINANCING_STATUSES.get(self.new_status, self.new_status)})"
        return (
            f"Action « {self.action} », {self.year}, {what} : "
            f"{amount(self.old_cents)} → {amount(self.new_cents)}{detail}"
        )


@dataclass(frozen=True)
class Applied:
    """What undo needs: the previous cells returned by the budget services."""

    prae_id: int
    charges: list = field(default_factory=list)
    financing: list = field(default_factory=list)


# -- reading cells -------------------------------------------------------------------------


class _Reader:
    def __init__(self, path: Path, wb):
        self.path, self.wb = path, wb
        self._values = None  # the same workbook with cached values, loaded only if needed

    def where(self, sheet: str, coordinate: str, context: str = "") -> str:
        return f"Feuille « {sheet} », cellule {coordinate}" + (f" ({context})" if context else "")

    def raw(self, ws, row: int, col: int, where: str):
        cell = ws.cell(row=row, column=col)
        value = cell.value
        if cell.data_type == "f" or (isinstance(value, str) and value.startswith("=") and cell.data_type != "s"):
            value = self._cached(ws.title, cell.coordinate)
            if value is None:
                raise ValidationError(
                    f"{where} : la cellule contient une formule sans valeur calculée ; "
                    "saisissez directement la valeur.",
                    where,
                )
        if hasattr(value, "text"):  # openpyxl rich text
            value = str(value)
        return value

    def _cached(self, sheet: str, coordinate: str):
        if self._values is None:
            from openpyxl import load_workbook

            self._values = load_workbook(self.path, data_only=True)
        return self._values[sheet][coordinate].value

    def cents(
        self,
        ws,
        row: int,
        col: int,
        where: str,
        *,
        what: str = "montant",
        maximum: int = MAX_LINE_CENTS,
    ) -> int | None:
        value = self.raw(ws, row, col, where)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            cents = parse_amount(value, where)  # French text: « 1 234,56 », « 1234.56 € »
            if cents > maximum:
                raise ValidationError(f"{where} : {what} hors limites.", where)
            return cents
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise ValidationError(f"{where} : « {value} » n'est pas un {what} (nombre attendu).", where)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValidationError(f"{where} : {what} invalide.", where)
            number = Decimal(repr(value))  # the shortest decimal that reads back as this float
        else:
            number = Decimal(value)
        if number < 0:
            raise ValidationError(f"{where} : {what} négatif refusé.", where)
        scaled = number * 100
        try:
            exact = scaled == scaled.to_integral_value()
        except InvalidOperation:
            exact = False
        if not exact:
            raise ValidationError(f"{where} : {what} avec plus de deux chiffres après la virgule ({value}).", where)
        cents = int(scaled)
        if cents > maximum:
            if what == "montant":
                raise ValidationError(
                    f"{where} : montant absurde (plus de {format_amount(maximum)} sur une ligne).",
                    where,
                )
            raise ValidationError(f"{where} : {what} hors limites (au plus {maximum // 100}).", where)
        return cents

    def text(self, ws, row: int, col: int, where: str) -> str:
        cell = ws.cell(row=row, column=col)
        if cell.data_type == "f":
            raise ValidationError(
                f"{where} : un libellé ne peut pas être une formule ; pour un texte "
                "commençant par « = », tapez d'abord une apostrophe (').",
                where,
            )
        value = cell.value
        if value is None:
            return ""
        if hasattr(value, "text"):
            value = str(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


def _status_key(text, where: str) -> str | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    norm = _fold(str(text))
    for key, label in dom.FINANCING_STATUSES.items():
        if norm in (_fold(key), _fold(label)):
            return key
    choices = ", ".join(dom.FINANCING_STATUSES.values())
    raise ValidationError(f"{where} : statut « {text} » inconnu (choisir : {choices}).", where)


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("_", " ")


# -- opening and checking the workbook -------------------------------------------------------


def _open(path: Path):
    from openpyxl import load_workbook

    if not path.is_file():
        raise UserError(f"Fichier introuvable : {path}.")
    if not zipfile.is_zipfile(path):
        raise UserError(
            f"« {path.name} » n'est pas un classeur Excel (.xlsx) : le fichier est "
            "abîmé ou d'un autre format. Enregistrez-le au format Excel 2007-365 (.xlsx)."
        )
    try:
        return load_workbook(path)
    except Exception as exc:
        raise UserError(
            f"« {path.name} » n'est pas un classeur Excel (.xlsx) lisible ({exc.__class__.__name__})."
        ) from exc


def _not_ours(path: Path, why: str) -> UserError:
    return UserError(
        f"« {path.name} » n'est pas un classeur budgétaire produit par PNAE Desktop "
        f"({why}) : exportez le budget depuis l'application et modifiez ce classeur-là."
    )


def _structure(why: str) -> UserError:
    return UserError(
        f"La structure du classeur a été modifiée ({why}) : ses cellules ne "
        "correspondent plus au budget. Repartez d'un nouvel export."
    )


def _meta(path: Path, wb) -> tuple[dict, dict]:
    missing = [name for name in (*bw.SHEETS, bw.KEYS) if name not in wb.sheetnames]
    if missing:
        raise _not_ours(path, f"feuille « {missing[0]} » absente")
    ws = wb[bw.KEYS]
    meta, chunks = {}, {}
    for key, value, *_ in ws.iter_rows(min_row=2, max_col=2, values_only=True):
        if isinstance(key, str) and key.startswith("snapshot|"):
            chunks[key] = value or ""
        elif isinstance(key, str):
            meta[key] = value
    if meta.get("format") != bw.FORMAT_MARKER:
        raise _not_ours(path, f"feuille « {bw.KEYS} » sans marque de format")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > bw.FORMAT_VERSION:
        raise UserError(
            f"« {path.name} » a été produit par une version plus récente de PNAE Desktop "
            f"(format {version}) : mettez l'application à jour pour le relire."
        )
    try:
        ordered = sorted(chunks, key=lambda k: int(k.split("|", 1)[1]))
        snapshot = json.loads("".join(chunks[k] for k in ordered))
        years = tuple(int(y) for y in str(meta.get("years", "")).split(","))
        snapshot["charges"], snapshot["financing"], snapshot["spare"]
    except (ValueError, KeyError, TypeError) as exc:
        raise _structure(f"clés de la feuille « {bw.KEYS} » illisibles") from exc
    meta["years"] = years
    return meta, snapshot


def _check_columns(ws, years: tuple[int, ...]) -> None:
    from openpyxl.utils import get_column_letter

    n = len(years)
    expected = {bw.total_col(n): "TOTAL"}
    for k, y in enumerate(years):
        c_etp, c_cost, c_amt = bw.year_cols(k)
        expected |= {c_etp: f"ETP|{y}", c_cost: f"COUT|{y}", c_amt: f"MONTANT|{y}"}
    for col, key in sorted(expected.items()):
        if ws.cell(row=1, column=col).value != key:
            raise _structure(f"feuille « {bw.BY_ACTION} », colonne {get_column_letter(col)} déplacée ou supprimée")


def _row_keys(ws) -> dict[str, int]:
    rows: dict[str, int] = {}
    for row, (key,) in enumerate(
        ws.iter_rows(min_row=bw.FIRST_BLOCK_ROW, min_col=1, max_col=1, values_only=True),
        start=bw.FIRST_BLOCK_ROW,
    ):
        if isinstance(key, str) and key[:2] in ("C|", "N|", "F|"):
            if key in rows:
                raise _structure(f"feuille « {bw.BY_ACTION} », ligne {row} en double")
            rows[key] = row
    return rows


# -- the public API ------------------------------------------------------------------------------


def read_budget_workbook(path: Path | str, store, prae_id: int) -> list[Change]:
    """The changes an exported (and edited) workbook makes to the PRAE's budget, in sheet
    order. Reads only: the store is not written. UserError (French) on any unusable file."""
    path = Path(path)
    wb = _open(path)
    meta, snapshot = _meta(path, wb)
    if meta.get("prae_id") != prae_id:
        raise UserError(
            f"« {path.name} » est le budget du PRAE n° {meta.get('prae_id')} "
            f"(« {meta.get('prae_title', '?')} »), pas celui du PRAE ouvert (n° {prae_id})."
        )
    ws = wb[bw.BY_ACTION]
    years = meta["years"]
    _check_columns(ws, years)
    rows = _row_keys(ws)
    expected = set(snapshot["charges"]) | set(snapshot["financing"]) | set(snapshot["spare"])
    if set(rows) != expected:
        lost = sorted(expected - set(rows))
        extra = sorted(set(rows) - expected)
        what = (
            f"ligne attendue absente : {lost[0].split('|', 3)[-1]}"
            if lost
            else (f"ligne inconnue en ligne {rows[extra[0]]}")
        )
        raise _structure(f"feuille « {bw.BY_ACTION} », {what}")

    budget = budget_service.load_budget(store, prae_id)
    actions = {a.action_id: a for a in budget.actions}
    funders = {f.id: f for f in budget.funders}
    charges = {(c.action_id, c.account, c.label, c.year): c for c in budget.charges}
    financing = {(f.action_id, f.funder_id, f.year): f for f in budget.financing}
    outside = [y for y in years if y not in budget.years]
    if outside:
        raise UserError(
            f"Le classeur contient l'année {outside[0]}, hors de la période actuelle du PRAE "
            f"({min(budget.years)}–{max(budget.years)}) : repartez d'un nouvel export."
        )

    reader = _Reader(path, wb)
    out: list[Change] = []
    seen_lines: dict[tuple, str] = {}

    def action_of(action_id, row: int) -> dom.ActionBudgetInfo:
        info = actions.get(action_id)
        if info is None:
            raise UserError(
                f"Feuille « {bw.BY_ACTION} », ligne {row} : cette action n'existe plus dans le "
                "PRAE (supprimée depuis l'export) ; repartez d'un nouvel export."
            )
        return info

    for key, row in sorted(rows.items(), key=lambda item: item[1]):
        kind = key[0]
        if kind == "C":
            _, aid_text, account, label = key.split("|", 3)
            aid = int(aid_text)
            info = action_of(aid, row)
            seen_lines[(aid, account, label)] = f"{bw.BY_ACTION}!F{row}"
            for k, y in enumerate(years):
                exported = snapshot["charges"][key].get(str(y))
                change = _charge_cell(reader, ws, row, k, y, exported, info, account, label, charges)
                if change is not None:
                    out.append(change)
        elif kind == "F":
            _, aid_text, fid_text = key.split("|", 2)
            aid, fid = int(aid_text), int(fid_text)
            info = action_of(aid, row)
            funder = funders.get(fid)
            if funder is None:
                raise UserError(
                    f"Feuille « {bw.BY_ACTION} », ligne {row} : ce financeur n'existe plus dans le "
                    "PRAE (supprimé depuis l'export) ; repartez d'un nouvel export."
                )
            for k, y in enumerate(years):
                exported = snapshot["financing"][key].get(str(y))
                change = _financing_cell(reader, ws, row, k, y, exported, info, funder, financing)
                if change is not None:
                    out.append(change)
    for key, row in sorted(rows.items(), key=lambda item: item[1]):
        if key[0] == "N":
            aid = int(key.split("|", 2)[1])
            out += _spare_row(reader, ws, row, years, action_of(aid, row), charges, seen_lines)
    out.sort(key=lambda c: (_row_of(c.cell), c.year))  # sheet order
    return out


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell.split("!")[-1] if ch.isdigit())
    return int(digits or 0)


def _coord(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _charge_cell(reader, ws, row, k, year, exported, info, account, label, charges) -> Change | None:
    c_etp, c_cost, c_amt = bw.year_cols(k)
    context = f"{year}, compte {account}, « {label[:40]} »"
    current = charges.get((info.action_id, account, label, year))
    if not exported:
        raise _structure(f"feuille « {bw.BY_ACTION} », ligne {row} : année {year} inconnue")
    if exported[0] == "e":  # ETP × coût annuel chargé: the amount cell is a formula
        where_etp = reader.where(bw.BY_ACTION, _coord(row, c_etp), context + ", ETP")
        where_cost = reader.where(bw.BY_ACTION, _coord(row, c_cost), context + ", coût annuel chargé")
        etp = reader.cents(ws, row, c_etp, where_etp, what="nombre d'ETP", maximum=MAX_ETP_HUNDREDTHS)
        cost = reader.cents(ws, row, c_cost, where_cost)
        if [etp, cost] == list(exported[1:]):
            return None
        if etp is None and cost is None:
            new = None
        elif etp is None:
            raise ValidationError(f"{where_etp} : nombre d'ETP manquant (le coût annuel est saisi).", where_etp)
        elif cost is None:
            raise ValidationError(
                f"{where_cost} : coût annuel chargé manquant (le nombre d'ETP est saisi).",
                where_cost,
            )
        else:
            new = budget_service.ChargeValue(etp=Decimal(etp).scaleb(-2), annual_cost_cents=cost)
            cents = dom.etp_amount_cents(etp, cost)
            if cents > MAX_LINE_CENTS:
                raise ValidationError(f"{where_etp} : montant absurde ({format_amount(cents)}).", where_etp)
        cell = _coord(row, c_etp)
    else:
        where = reader.where(bw.BY_ACTION, _coord(row, c_amt), context)
        amount = reader.cents(ws, row, c_amt, where)
        if amount == exported[1]:
            return None
        new = None if amount is None else budget_service.ChargeValue(amount_cents=amount)
        cell = _coord(row, c_amt)
    old_value = (
        None
        if current is None
        else budget_service.ChargeValue(current.amount_cents, current.etp, current.annual_cost_cents)
    )
    if old_value == new:  # ChargeValue is a frozen dataclass: field-wise equality
        return None
    return Change(
        "charge",
        info.title,
        year,
        account,
        label,
        None if current is None else current.cents,
        _charge_cents(new),
        action_id=info.action_id,
        account=account,
        new_value=new,
        cell=f"{bw.BY_ACTION}!{cell}",
    )


def _charge_cents(value: budget_service.ChargeValue | None) -> int | None:
    if value is None:
        return None
    if value.amount_cents is not None:
        return value.amount_cents
    return dom.etp_amount_cents(int(value.etp * 100), value.annual_cost_cents)


def _financing_cell(reader, ws, row, k, year, exported, info, funder, financing) -> Change | None:
    c_status, _, c_amt = bw.year_cols(k)
    context = f"{year}, {funder.name}"
    where = reader.where(bw.BY_ACTION, _coord(row, c_amt), context)
    where_status = reader.where(bw.BY_ACTION, _coord(row, c_status), context + ", statut")
    amount = reader.cents(ws, row, c_amt, where)
    status = _status_key(reader.raw(ws, row, c_status, where_status), where_status)
    if not exported:
        raise _structure(f"feuille « {bw.BY_ACTION} », ligne {row} : année {year} inconnue")
    if [amount, status] == list(exported):
        return None
    current = financing.get((info.action_id, funder.id, year))
    old = None if current is None else current.amount_cents
    old_status = None if current is None else current.status
    if amount is None and current is None:
        return None  # a status chosen on an empty cell: nothing to store
    status = status or old_status or bw.DEFAULT_STATUS  # blank status: keep it, or « sollicité »
    if amount == old and (amount is None or status == old_status):
        return None
    return Change(
        "financing",
        info.title,
        year,
        funder.name,
        "",
        old,
        amount,
        action_id=info.action_id,
        funder_id=funder.id,
        old_status=old_status,
        new_status=status,
        cell=f"{bw.BY_ACTION}!{_coord(row, c_amt)}",
    )


def _spare_row(reader, ws, row, years, info, charges, seen_lines) -> list[Change]:
    """A « ligne supplémentaire »: a new charge line of the action (account, label, amounts)."""
    where_account = reader.where(bw.BY_ACTION, _coord(row, bw.COL_ACCOUNT), "compte de la ligne ajoutée")
    where_label = reader.where(bw.BY_ACTION, _coord(row, bw.COL_LABEL), "libellé de la ligne ajoutée")
    account_raw = reader.raw(ws, row, bw.COL_ACCOUNT, where_account)
    label = reader.text(ws, row, bw.COL_LABEL, where_label)
    amounts = {}
    for k, y in enumerate(years):
        c_amt = bw.year_cols(k)[2]
        amounts[y] = reader.cents(ws, row, c_amt, reader.where(bw.BY_ACTION, _coord(row, c_amt), f"{y}, ligne ajoutée"))
    blank_account = account_raw is None or (isinstance(account_raw, str) and not account_raw.strip())
    if blank_account and not label and all(v is None for v in amounts.values()):
        return []
    if blank_account:
        raise ValidationError(f"{where_account} : compte manquant (60 à 68 ou 86).", where_account)
    if isinstance(account_raw, float) and account_raw.is_integer():
        account_raw = int(account_raw)
    account = str(account_raw).strip().split(" ", 1)[0]
    if account not in dom.chart().charge_codes:
        raise ValidationError(
            f"{where_account} : compte de charges « {account_raw} » inconnu "
            f"(choisir : {', '.join(dom.chart().charge_codes)}).",
            where_account,
        )
    if not label:
        raise ValidationError(f"{where_label} : libellé manquant pour la ligne ajoutée.", where_label)
    if len(label) > MAX_LABEL:
        raise ValidationError(f"{where_label} : libellé trop long ({MAX_LABEL} caractères au plus).", where_label)
    if all(v is None for v in amounts.values()):
        raise ValidationError(f"{where_label} : la ligne ajoutée « {label[:40]} » n'a aucun montant.", where_label)
    line_key = (info.action_id, account, label)
    if line_key in seen_lines:
        raise ValidationError(
            f"{where_label} : la ligne « {label[:40]} » existe déjà au compte {account} de cette action "
            f"(cellule {seen_lines[line_key].split('!')[-1]}) : modifiez-la plutôt que de l'ajouter.",
            where_label,
        )
    seen_lines[line_key] = f"{bw.BY_ACTION}!{_coord(row, bw.COL_LABEL)}"
    out = []
    for k, y in enumerate(years):
        cents = amounts[y]
        if cents is None:
            continue
        current = charges.get((info.action_id, account, label, y))
        if current is not None and current.amount_cents == cents:
            continue  # already in the store (the workbook was imported before)
        out.append(
            Change(
                "charge",
                info.title,
                y,
                account,
                label,
                None if current is None else current.cents,
                cents,
                action_id=info.action_id,
                account=account,
                new_value=budget_service.ChargeValue(amount_cents=cents),
                cell=f"{bw.BY_ACTION}!{_coord(row, bw.year_cols(k)[2])}",
            )
        )
    return out


def apply_changes(store, prae_id: int, changes: list[Change]) -> Applied:
    """Write the changes: charges in one call, financing in one call, and the charges undone
    if the financing is refused, so it is all or nothing. Returns what `undo_changes` needs."""
    budget = budget_service.load_budget(store, prae_id)
    own = {a.action_id for a in budget.actions}
    foreign = [c for c in changes if c.action_id not in own]
    if foreign:
        raise ValidationError(f"Action « {foreign[0].action} » absente du PRAE n° {prae_id}.")
    charge_cells = [
        budget_service.ChargeCell(c.action_id, c.account, c.label, c.year, c.new_value)
        for c in changes
        if c.kind == "charge"
    ]
    financing_cells = [
        budget_service.FinancingCell(c.action_id, c.funder_id, c.year, c.new_cents, c.new_status or bw.DEFAULT_STATUS)
        for c in changes
        if c.kind == "financing"
    ]
    previous_charges = budget_service.set_charge_cells(store, charge_cells) if charge_cells else []
    try:
        previous_financing = budget_service.set_financing_cells(store, financing_cells) if financing_cells else []
    except BaseException:
        if previous_charges:
            budget_service.set_charge_cells(store, previous_charges)
        raise
    return Applied(prae_id, previous_charges, previous_financing)


def undo_changes(store, applied: Applied) -> Applied:
    """Put back what `apply_changes` replaced; returns what redoing needs."""
    redo_financing = budget_service.set_financing_cells(store, applied.financing) if applied.financing else []
    redo_charges = budget_service.set_charge_cells(store, applied.charges) if applied.charges else []
    return Applied(applied.prae_id, redo_charges, redo_financing)
