"""Reader of a simple file of realised amounts: a CSV (comma, semicolon or tab separated;
UTF-8 or ISO 8859-15) or an xlsx whose first sheet has a header line with the columns
`action`, `account`, `label`, `year`, `amount` (any order; « action », « compte »,
« libellé », « année », « montant » accepted too), one amount a line.

- `action`: the action's number as printed (« Fiche 3 » → 3); empty for 68/78, 86/87 and
  for financing (70–77), where `label` names the funder (as in the budget);
- `account`: the PCG account (60–67 charges, 70–77 financing, 68/78, 86/87);
- `amount`: euros, decimal comma or point, at most two decimals.

Bytes in, rows out — or the defects, each naming its line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pnae_desktop.domain.money import MAX_LINE_CENTS
from pnae_desktop.domain.realised_import import RealisedRow
from pnae_desktop.errors import UserError
from pnae_desktop.exports.fec import decode
from pnae_desktop.text import control_character

ALIASES = {
    "action": "action",
    "fiche": "action",
    "account": "account",
    "compte": "account",
    "label": "label",
    "libelle": "label",
    "libellé": "label",
    "year": "year",
    "annee": "year",
    "année": "year",
    "amount": "amount",
    "montant": "amount",
}
REQUIRED = ("action", "account", "label", "year", "amount")
MAX_ROWS = 100_000


@dataclass
class RealisedFile:
    rows: list[RealisedRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_realised(data: bytes, name: str) -> RealisedFile:
    if name.lower().endswith(".xlsx"):
        table = _xlsx_rows(data, name)
    elif name.lower().endswith((".csv", ".txt")):
        table = _csv_rows(data)
    else:
        raise UserError(f"« {name} » : format non reconnu ; un fichier .csv ou .xlsx est attendu.")
    return _rows(table)


def _csv_rows(data: bytes) -> list[list[Any]]:
    text, _ = decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _xlsx_rows(data: bytes, name: str) -> list[list[Any]]:
    from pnae_desktop.exports.workbook.reading import WorkbookFile, open_workbook  # openpyxl: this import only

    wb = open_workbook(WorkbookFile(data, name))
    ws = wb.worksheets[0]
    table = []
    for row in ws.iter_rows(values_only=True):
        table.append(list(row))
        if len(table) > MAX_ROWS + 1:
            break
    return table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cents(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = _text(value).replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
        if not text.isascii() or len(text) > 20 or "e" in text.lower():  # other digits, exponents, walls of digits
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    try:
        if not number.is_finite() or abs(number) * 100 > MAX_LINE_CENTS or number != number.quantize(Decimal("0.01")):
            return None
    except InvalidOperation:
        return None
    return int(number * 100)


def _rows(table: list[list[Any]]) -> RealisedFile:
    out = RealisedFile()
    if not table:
        out.errors.append("Ligne 1 : fichier vide ; attendu l'en-tête action, account, label, year, amount.")
        return out
    header = [_text(h).lower() for h in table[0]]
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = ALIASES.get(name)
        if key is not None and key not in columns:
            columns[key] = index
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        out.errors.append(
            f"Ligne 1 : colonne(s) {', '.join(missing)} absente(s) ; attendu l'en-tête action, account, label, year, amount."
        )
        return out
    if len(table) > MAX_ROWS + 1:
        out.errors.append(f"Fichier trop long : plus de {MAX_ROWS} lignes.")
        return out
    for line, row in enumerate(table[1:], start=2):
        cells = [_text(c) for c in row]
        if not any(cells):
            continue

        def cell(name: str, row: list[Any] = row) -> Any:
            index = columns[name]
            return row[index] if index < len(row) else None

        action_text = _text(cell("action"))
        account = _text(cell("account"))
        label = _text(cell("label"))
        year_text = _text(cell("year"))
        action = None
        if action_text:
            if not (action_text.isascii() and action_text.isdigit()) or len(action_text) > 5:
                out.errors.append(f"Ligne {line} : numéro d'action « {action_text} » invalide.")
                continue
            action = int(action_text)
        if not (account.isascii() and account.isdigit()) or len(account) < 2 or len(account) > 20:
            out.errors.append(f"Ligne {line} : compte « {account} » invalide (des chiffres, par ex. 6226).")
            continue
        if not (year_text.isascii() and year_text.isdigit()) or len(year_text) != 4:
            out.errors.append(f"Ligne {line} : année « {year_text} » invalide (par ex. 2018).")
            continue
        cents = _cents(cell("amount"))
        if cents is None:
            out.errors.append(f"Ligne {line} : montant « {_text(cell('amount'))} » invalide (par ex. 1234,56).")
            continue
        if len(label) > 300 or control_character(label) is not None:
            out.errors.append(f"Ligne {line} : libellé trop long ou avec des caractères de contrôle.")
            continue
        out.rows.append(RealisedRow(line, action, account, label, int(year_text), cents))
    if not out.rows and not out.errors:
        out.errors.append("Ligne 2 : aucun montant dans le fichier.")
    return out
