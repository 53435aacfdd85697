"""Read back a budget workbook exported by PNAE Desktop (and possibly edited by a Direccte).

A pure format reader: `read_changes` takes the file (a path or its bytes) and the PRAE's
budget as already loaded, and lists what the workbook changes, cell by cell, as proposed
`Change`s; it touches neither the store nor the services. Applying them is a use case:
`services/workbook_import.py`.

A cell counts as edited when its value differs from the value exported (a snapshot kept in
the hidden sheet « _clés »): a cell left as exported never overwrites an edit made in the app
since the export. For an edited cell the change goes from the budget's current value (`old`)
to the workbook's (`new`); cells whose new value is already in the budget are left out.

Every refusal is a French `UserError`/`ValidationError` naming the sheet and the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple

from openpyxl.utils import get_column_letter

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.budget_cells import ChargeValue
from pnae_desktop.domain.money import MAX_LINE_CENTS, format_amount
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.exports.workbook import layout as bw
from pnae_desktop.exports.workbook.reading import (
    CellReader,
    Source,
    WorkbookFile,
    check_columns,
    check_rows,
    open_workbook,
    read_meta,
    row_keys,
    status_key,
    structure_error,
)

MAX_ETP_HUNDREDTHS = int(dom.MAX_ETP * 100)
MAX_LABEL = bw.MAX_LABEL  # as budget services


@dataclass(frozen=True)
class Change:
    """One cell the workbook changes. `target` is the account code of a charge ("62") or the
    funder's name; `label` the charge line's label ("" for financing). Cents are int.
    A "label" change renames an existing charge line (`old_label` → `label`, every year;
    `year` is 0); the amount changes of that line carry its new label."""

    kind: str  # "charge" | "financing" | "label"
    action: str  # action title
    year: int
    target: str
    label: str
    old_cents: int | None
    new_cents: int | None
    # what applying needs, and where the value was read
    action_id: int = 0
    account: str | None = None
    funder_id: int | None = None
    new_value: ChargeValue | None = None  # charges: amount or ETP × cost
    old_status: str | None = None  # financing: status keys ("acquis", "sollicite", …)
    new_status: str | None = None
    cell: str = ""  # « Par action » coordinate of the amount (or ETP, or label) cell
    old_label: str = ""  # "label": the line's label as exported

    @property
    def description(self) -> str:
        """French, for the confirmation list: « Action …, 2019, 62 Déplacements : 2 400,00 € → 2 600,00 € »."""

        def amount(cents: int | None) -> str:
            return "—" if cents is None else format_amount(cents)

        if self.kind == "label":
            return f"Action « {self.action} », compte {self.target} : libellé « {self.old_label} » → « {self.label} »"
        if self.kind == "charge":
            what = f"{self.target} {self.label}"
            value = self.new_value
            if value is not None and value.etp is not None and value.annual_cost_cents is not None:
                etp = dom.format_etp(value.etp)
                detail = f" ({etp} ETP × {format_amount(value.annual_cost_cents)})"
            else:
                detail = ""
        else:
            what = self.target
            detail = ""
            if self.new_cents is not None and self.new_status != self.old_status:
                detail = f" ({dom.FINANCING_STATUSES.get(self.new_status or '', self.new_status)})"
        return (
            f"Action « {self.action} », {self.year}, {what} : "
            f"{amount(self.old_cents)} → {amount(self.new_cents)}{detail}"
        )


class _Ref(NamedTuple):
    """An action or a funder of the PRAE, by its store id (an int, read from the row key)."""

    id: int
    name: str


# -- the public API ------------------------------------------------------------------------------


def read_changes(source: Source, prae_id: int, budget: dom.Budget, *, name: str | None = None) -> list[Change]:
    """The changes an exported (and edited) workbook makes to the PRAE's `budget` (as loaded
    now), in sheet order. `source` is the file or its bytes (`name`: the file name shown in
    messages). UserError (French) on any unusable file."""
    return open_edited(source, prae_id, name=name).changes(budget)


def open_edited(source: Source, prae_id: int, *, name: str | None = None) -> EditedWorkbook:
    """The workbook opened and checked against what was exported for PRAE `prae_id` (it is
    ours, of that PRAE, its layout intact), before any budget is needed: a caller may load
    the budget only for a file worth comparing."""
    file = WorkbookFile(source, name)
    wb = open_workbook(file)
    meta, snapshot = read_meta(file, wb)
    if meta.get("prae_id") != prae_id:
        raise UserError(
            f"« {file.name} » est le budget du PRAE n° {meta.get('prae_id')} "
            f"(« {meta.get('prae_title', '?')} »), pas celui du PRAE ouvert (n° {prae_id})."
        )
    ws = wb[bw.BY_ACTION]
    years = meta["years"]
    check_columns(ws, years)
    rows = row_keys(ws)
    check_rows(rows, snapshot)
    return EditedWorkbook(CellReader(file, wb), ws, years, snapshot, rows)


@dataclass(frozen=True)
class EditedWorkbook:
    """An exported workbook, checked, whose cells are still to compare with a budget."""

    reader: CellReader
    ws: Any  # « Par action »
    years: tuple[int, ...]
    snapshot: dict[str, Any]  # the inputs as exported
    rows: dict[str, int]  # row key → row of « Par action »

    def changes(self, budget: dom.Budget) -> list[Change]:
        """What the workbook changes to `budget`, in sheet order."""
        outside = [y for y in self.years if y not in budget.years]
        if outside:
            raise UserError(
                f"Le classeur contient l'année {outside[0]}, hors de la période actuelle du PRAE "
                f"({min(budget.years)}–{max(budget.years)}) : repartez d'un nouvel export."
            )
        return _Compare(self.reader, self.ws, self.years, self.snapshot, budget).changes(self.rows)


class _Compare:
    """The workbook's « Par action » cells against the exported snapshot and the budget now."""

    def __init__(
        self, reader: CellReader, ws: Any, years: tuple[int, ...], snapshot: dict[str, Any], budget: dom.Budget
    ):
        self.reader, self.ws, self.years, self.snapshot = reader, ws, years, snapshot
        self.actions = {a.action_id: a for a in budget.actions}
        self.funders = {f.id: f for f in budget.funders}
        self.charges = {(c.action_id, c.account, c.label, c.year): c for c in budget.charges}
        self.financing = {(f.action_id, f.funder_id, f.year): f for f in budget.financing}
        self.seen_lines: dict[tuple[int, str, str], str] = {}
        self.labels: dict[str, str] = {}  # charge row key → its label in the workbook

    def changes(self, rows: dict[str, int]) -> list[Change]:
        out: list[Change] = []
        in_order = sorted(rows.items(), key=lambda item: item[1])
        for key, row in in_order:  # labels first: a renamed line must not take another's label
            if key[0] == "C":
                self.charge_label(key, row)
            elif key[0] == "F":
                self.funder_label(key, row)
        for key, row in in_order:
            if key[0] == "C":
                out += self.charge_row(key, row)
            elif key[0] == "F":
                out += self.financing_row(key, row)
        for key, row in in_order:  # spare rows last: they must not repeat an existing line
            if key[0] == "N":
                aid = int(key.split("|", 2)[1])
                out += _spare_row(self.reader, self.ws, row, self.years, self.action_of(aid, row), self)
        out.sort(key=lambda c: (_row_of(c.cell), c.year))  # sheet order (a row's renaming first)
        return out

    def action_of(self, action_id: int, row: int) -> _Ref:
        info = self.actions.get(action_id)
        if info is None:
            raise UserError(
                f"Feuille « {bw.BY_ACTION} », ligne {row} : cette action n'existe plus dans le "
                "PRAE (supprimée depuis l'export) ; repartez d'un nouvel export."
            )
        return _Ref(action_id, info.title)

    def charge_label(self, key: str, row: int) -> None:
        """The label typed on an existing line's row, checked: not empty, not too long, not
        the label of another line of the action at the same account."""
        _, aid_text, account, exported = key.split("|", 3)
        aid = int(aid_text)
        coordinate = _coord(row, bw.COL_LABEL)
        where = self.reader.where(bw.BY_ACTION, coordinate, f"libellé de la ligne « {exported[:40]} »")
        typed = self.reader.text(self.ws, row, bw.COL_LABEL, where)
        if typed != exported:
            if not typed:
                raise ValidationError(f"{where} : libellé vide ; tapez le nouveau libellé de la ligne.", where)
            if len(typed) > MAX_LABEL:
                raise ValidationError(f"{where} : libellé trop long ({MAX_LABEL} caractères au plus).", where)
        other = self.seen_lines.get((aid, account, typed))
        if other is not None:
            here, there = coordinate, other.split("!")[-1]
            if typed == exported:  # this row kept its label: the other row was renamed
                here, there = there, here
                where = self.reader.where(bw.BY_ACTION, here, "libellé modifié")
            raise ValidationError(
                f"{where} : la ligne « {typed[:40]} » existe déjà au compte {account} de cette action "
                f"(cellule {there}) : deux lignes ne peuvent pas porter le même libellé.",
                where,
            )
        self.seen_lines[(aid, account, typed)] = f"{bw.BY_ACTION}!{coordinate}"
        self.labels[key] = typed

    def funder_label(self, key: str, row: int) -> None:
        """A funder's name is not edited in the workbook: a changed name is refused, never dropped."""
        _, _, fid_text = key.split("|", 2)
        exported = self.snapshot.get("labels", {}).get(key)
        funder = self.funders.get(int(fid_text))
        if exported is None:  # a workbook exported before names were kept: the name now
            exported = funder.name if funder is not None else None
        where = self.reader.where(bw.BY_ACTION, _coord(row, bw.COL_LABEL), "nom du financeur")
        typed = self.reader.text(self.ws, row, bw.COL_LABEL, where)
        if exported is not None and typed != exported.strip():
            raise ValidationError(
                f"{where} : le nom du financeur « {exported[:60]} » a été remplacé par « {typed[:60]} ». "
                "Un financeur se renomme dans l'application (page Budget) ; rétablissez son nom dans le "
                "classeur pour le relire.",
                where,
            )

    def charge_row(self, key: str, row: int) -> list[Change]:
        _, aid_text, account, label = key.split("|", 3)
        aid = int(aid_text)
        info = self.action_of(aid, row)
        typed = self.labels.get(key, label)
        years_of = {name: [y for y in self.years if (aid, account, name, y) in self.charges] for name in (label, typed)}
        out = []
        if typed != label and years_of[label]:
            if years_of[typed]:  # both exist in the app: renaming would merge two lines
                where = self.reader.where(bw.BY_ACTION, _coord(row, bw.COL_LABEL))
                raise ValidationError(
                    f"{where} : une ligne « {typed[:40]} » existe déjà au compte {account} de l'action "
                    f"« {info.name} » ; choisissez un autre libellé.",
                    where,
                )
            out.append(
                Change(
                    "label",
                    info.name,
                    0,
                    account,
                    typed,
                    None,
                    None,
                    action_id=aid,
                    account=account,
                    cell=f"{bw.BY_ACTION}!{_coord(row, bw.COL_LABEL)}",
                    old_label=label,
                )
            )
        # the line as the app has it now (renamed there already, or not), under its new label
        current = typed if years_of[typed] and not years_of[label] else label
        for k, y in enumerate(self.years):
            exported = self.snapshot["charges"][key].get(str(y))
            change = _charge_cell(self.reader, self.ws, row, k, y, exported, info, account, current, self.charges)
            if change is not None:
                out.append(replace(change, label=typed))
        return out

    def financing_row(self, key: str, row: int) -> list[Change]:
        _, aid_text, fid_text = key.split("|", 2)
        aid, fid = int(aid_text), int(fid_text)
        info = self.action_of(aid, row)
        funder = self.funders.get(fid)
        if funder is None:
            raise UserError(
                f"Feuille « {bw.BY_ACTION} », ligne {row} : ce financeur n'existe plus dans le "
                "PRAE (supprimé depuis l'export) ; repartez d'un nouvel export."
            )
        out = []
        for k, y in enumerate(self.years):
            exported = self.snapshot["financing"][key].get(str(y))
            target = _Ref(fid, funder.name)
            change = _financing_cell(self.reader, self.ws, row, k, y, exported, info, target, self.financing)
            if change is not None:
                out.append(change)
        return out


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell.split("!")[-1] if ch.isdigit())
    return int(digits or 0)


def _coord(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"


def _etp_value(
    reader: CellReader, ws: Any, row: int, k: int, exported: list[Any], context: str
) -> tuple[bool, ChargeValue | None]:
    """An ETP × cost line's cells: (edited?, the new value or None when both are cleared)."""
    c_etp, c_cost, _ = bw.year_cols(k)
    where_etp = reader.where(bw.BY_ACTION, _coord(row, c_etp), context + ", ETP")
    where_cost = reader.where(bw.BY_ACTION, _coord(row, c_cost), context + ", coût annuel chargé")
    etp = reader.cents(ws, row, c_etp, where_etp, what="nombre d'ETP", maximum=MAX_ETP_HUNDREDTHS)
    cost = reader.cents(ws, row, c_cost, where_cost)
    if [etp, cost] == list(exported[1:]):
        return False, None
    if etp is None and cost is None:
        return True, None
    if etp is None:
        raise ValidationError(f"{where_etp} : nombre d'ETP manquant (le coût annuel est saisi).", where_etp)
    if cost is None:
        raise ValidationError(f"{where_cost} : coût annuel chargé manquant (le nombre d'ETP est saisi).", where_cost)
    cents = dom.etp_amount_cents(etp, cost)
    if cents > MAX_LINE_CENTS:
        raise ValidationError(f"{where_etp} : montant absurde ({format_amount(cents)}).", where_etp)
    return True, ChargeValue(etp=Decimal(etp).scaleb(-2), annual_cost_cents=cost)


def _charge_cell(
    reader: CellReader,
    ws: Any,
    row: int,
    k: int,
    year: int,
    exported: list[Any] | None,
    info: _Ref,
    account: str,
    label: str,
    charges: dict[tuple[dom.Id, str, str, int], dom.ChargeLine],
) -> Change | None:
    c_etp, _, c_amt = bw.year_cols(k)
    context = f"{year}, compte {account}, « {label[:40]} »"
    current = charges.get((info.id, account, label, year))
    if not exported:
        raise structure_error(f"feuille « {bw.BY_ACTION} », ligne {row} : année {year} inconnue")
    new: ChargeValue | None
    if exported[0] == "e":  # ETP × coût annuel chargé: the amount cell is a formula
        edited, new = _etp_value(reader, ws, row, k, exported, context)
        if not edited:
            return None
        cell = _coord(row, c_etp)
    else:
        where = reader.where(bw.BY_ACTION, _coord(row, c_amt), context)
        amount = reader.cents(ws, row, c_amt, where)
        if amount == exported[1]:
            return None
        new = None if amount is None else ChargeValue(amount_cents=amount)
        cell = _coord(row, c_amt)
    old_value = None if current is None else ChargeValue(current.amount_cents, current.etp, current.annual_cost_cents)
    if old_value == new:  # ChargeValue is a frozen dataclass: field-wise equality
        return None
    return Change(
        "charge",
        info.name,
        year,
        account,
        label,
        None if current is None else current.cents,
        _charge_cents(new),
        action_id=info.id,
        account=account,
        new_value=new,
        cell=f"{bw.BY_ACTION}!{cell}",
    )


def _charge_cents(value: ChargeValue | None) -> int | None:
    if value is None:
        return None
    if value.amount_cents is not None:
        return value.amount_cents
    assert value.etp is not None and value.annual_cost_cents is not None
    return dom.etp_amount_cents(int(value.etp * 100), value.annual_cost_cents)


def _financing_cell(
    reader: CellReader,
    ws: Any,
    row: int,
    k: int,
    year: int,
    exported: list[Any] | None,
    info: _Ref,
    funder: _Ref,
    financing: dict[tuple[dom.Id, dom.Id, int], dom.FinancingLine],
) -> Change | None:
    c_status, _, c_amt = bw.year_cols(k)
    context = f"{year}, {funder.name}"
    where = reader.where(bw.BY_ACTION, _coord(row, c_amt), context)
    where_status = reader.where(bw.BY_ACTION, _coord(row, c_status), context + ", statut")
    amount = reader.cents(ws, row, c_amt, where)
    status = status_key(reader.raw(ws, row, c_status, where_status), where_status)
    if not exported:
        raise structure_error(f"feuille « {bw.BY_ACTION} », ligne {row} : année {year} inconnue")
    if [amount, status] == list(exported):
        return None
    current = financing.get((info.id, funder.id, year))
    old = None if current is None else current.amount_cents
    old_status = None if current is None else current.status
    if amount is None and current is None:
        return None  # a status chosen on an empty cell: nothing to store
    status = status or old_status or bw.DEFAULT_STATUS  # blank status: keep it, or « sollicité »
    if amount == old and (amount is None or status == old_status):
        return None
    return Change(
        "financing",
        info.name,
        year,
        funder.name,
        "",
        old,
        amount,
        action_id=info.id,
        funder_id=funder.id,
        old_status=old_status,
        new_status=status,
        cell=f"{bw.BY_ACTION}!{_coord(row, c_amt)}",
    )


def _spare_row(
    reader: CellReader, ws: Any, row: int, years: tuple[int, ...], info: _Ref, compare: _Compare
) -> list[Change]:
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
    account = _spare_account(account_raw, where_account)
    _check_spare_label(label, amounts, where_label)
    line_key = (info.id, account, label)
    if line_key in compare.seen_lines:
        raise ValidationError(
            f"{where_label} : la ligne « {label[:40]} » existe déjà au compte {account} de cette action "
            f"(cellule {compare.seen_lines[line_key].split('!')[-1]}) : modifiez-la plutôt que de l'ajouter.",
            where_label,
        )
    compare.seen_lines[line_key] = f"{bw.BY_ACTION}!{_coord(row, bw.COL_LABEL)}"
    out = []
    for k, y in enumerate(years):
        cents = amounts[y]
        if cents is None:
            continue
        current = compare.charges.get((info.id, account, label, y))
        if current is not None and current.amount_cents == cents:
            continue  # already in the store (the workbook was imported before)
        out.append(
            Change(
                "charge",
                info.name,
                y,
                account,
                label,
                None if current is None else current.cents,
                cents,
                action_id=info.id,
                account=account,
                new_value=ChargeValue(amount_cents=cents),
                cell=f"{bw.BY_ACTION}!{_coord(row, bw.year_cols(k)[2])}",
            )
        )
    return out


def _spare_account(account_raw: Any, where: str) -> str:
    """The account typed in a spare row (« 62 », 62, « 62 Autres services »), checked."""
    if isinstance(account_raw, float) and account_raw.is_integer():
        account_raw = int(account_raw)
    account = str(account_raw).strip().split(" ", 1)[0]
    if account not in dom.chart().charge_codes:
        raise ValidationError(
            f"{where} : compte de charges « {account_raw} » inconnu (choisir : {', '.join(dom.chart().charge_codes)}).",
            where,
        )
    return account


def _check_spare_label(label: str, amounts: dict[int, int | None], where: str) -> None:
    if not label:
        raise ValidationError(f"{where} : libellé manquant pour la ligne ajoutée.", where)
    if len(label) > MAX_LABEL:
        raise ValidationError(f"{where} : libellé trop long ({MAX_LABEL} caractères au plus).", where)
    if all(v is None for v in amounts.values()):
        raise ValidationError(f"{where} : la ligne ajoutée « {label[:40]} » n'a aucun montant.", where)
