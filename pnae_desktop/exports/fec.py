"""Reader of the FEC, the fichier des écritures comptables (art. A47 A-1 of the Livre des
procédures fiscales): bytes in, entries out — or every defect found, each naming its line.

Accepted: the 18 named columns in this order (JournalCode, JournalLib, EcritureNum,
EcritureDate, CompteNum, CompteLib, CompAuxNum, CompAuxLib, PieceRef, PieceDate, EcritureLib,
Debit, Credit, EcritureLet, DateLet, ValidDate, Montantdevise, Idevise), or the variant with
Montant and Sens in place of Debit and Credit; a header line; tab or pipe separators; dates
AAAAMMJJ; amounts with a decimal comma (a point tolerated), no thousands separator; the file
in UTF-8 (with or without BOM) or ISO 8859-15. Extra columns after the 18 are allowed; the
first whose name contains « analyt » (e.g. CodeAnalytique) gives the entry's analytic code.

Checked: the columns, each date and amount, and the balance of each entry (JournalCode,
EcritureNum) and of the whole file. The caller refuses the import when `errors` is not empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pnae_desktop.domain.money import MAX_LINE_CENTS, format_amount
from pnae_desktop.domain.realised_import import Entry

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
SENS_COLUMNS = (*COLUMNS[:11], "Montant", "Sens", *COLUMNS[13:])
MAX_ERRORS = 200  # beyond this, a count: the file is not a FEC of this kind
_DIGITS = frozenset("0123456789")
_AMOUNT = re.compile(r"([+-]?)([0-9]*)(?:[.,]([0-9]{0,2}))?", re.ASCII)
# What the store refuses in a text (pnae_desktop.text), tab aside when it separates the cells.
_CONTROL_RE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_CONTROL_PIPE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


@dataclass
class FecFile:
    entries: list[Entry] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    separator: str = "\t"
    variant: str = "Debit/Credit"
    lines: int = 0  # data lines read
    balance_lines: int = 0  # lines on classes 1-5: checked for the balance, not kept in `entries`
    debit_cents: int = 0
    credit_cents: int = 0


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 with or without BOM, else ISO 8859-15 (Windows-1252 when
    the bytes use its extra characters, which 8859-15 would read as control codes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if any(0x80 <= b <= 0x9F for b in data):  # C1 controls in ISO 8859-15: Windows-1252 (€ = 0x80, ’ = 0x92)
        try:
            return data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            pass
    return data.decode("iso8859-15"), "ISO 8859-15"


def parse_date(text: str) -> date | None:
    if len(text) != 8 or not set(text) <= _DIGITS:
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def parse_cents(text: str) -> int | None:
    """« 1234,56 », « 1234.5 », « 0 », « » (zero) → cents; None when not an amount."""
    match = _AMOUNT.fullmatch(text.strip())
    if match is None:
        return None
    sign, whole, frac = match.groups()
    if len(whole) > 15:  # int() of thousands of digits is refused by Python itself; no line is that big
        return None
    if not whole and not frac:
        return 0 if not sign and not text.strip(" +-") else None
    cents = int(whole or "0") * 100 + (int(frac.ljust(2, "0")) if frac else 0)
    if cents > MAX_LINE_CENTS:
        return None
    return -cents if sign == "-" else cents


def read_fec(data: bytes) -> FecFile:
    out = FecFile()
    text, out.encoding = decode(data)
    # Split on line feeds only: splitlines() would also cut at U+0085 or U+2028 inside a label
    # and shift every line number after it.
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if not lines or not lines[0].strip():
        out.errors.append("Ligne 1 : fichier vide ou sans ligne d'en-tête (les 18 colonnes du FEC).")
        return out
    header_line = lines[0]
    sep = "\t" if header_line.count("\t") >= header_line.count("|") else "|"
    out.separator = sep
    header = [h.strip() for h in header_line.split(sep)]
    if header and header[-1] == "":  # a separator closing the line
        header.pop()
    names = [h.casefold() for h in header[:18]]
    if names == [c.casefold() for c in COLUMNS]:
        sens = False
    elif names == [c.casefold() for c in SENS_COLUMNS]:
        sens, out.variant = True, "Montant/Sens"
    else:
        got = ", ".join(header[:18]) or "—"
        expected = ", ".join(COLUMNS)
        position = next(
            (
                i
                for i, (a, b, c) in enumerate(zip(names + [""] * 18, COLUMNS, SENS_COLUMNS, strict=False))
                if a not in (b.casefold(), c.casefold())
            ),
            0,
        )
        wanted = COLUMNS[position] if position < 18 else ""
        found = header[position] if position < len(header) else "(absente)"
        out.errors.append(
            f"Ligne 1 : colonnes du FEC inattendues — colonne {position + 1} « {found} » au lieu de « {wanted} ». "
            f"Attendu, dans l'ordre (séparées par une tabulation ou « | ») : {expected} ; lu : {got}."
        )
        return out
    width = len(header)
    analytic_col = next((i for i in range(18, width) if "analyt" in header[i].casefold()), None)
    errors = out.errors
    entries = out.entries
    balances: dict[tuple[str, str], list[int]] = {}
    total_debit = total_credit = 0
    error_count = 0

    def bad(line_no: int, message: str) -> None:
        nonlocal error_count
        error_count += 1
        if error_count <= MAX_ERRORS:
            errors.append(f"Ligne {line_no} : {message}")

    # Dates and amounts repeat (a year has 365 days; "0,00" is half the amount cells): each
    # distinct text is parsed once. Invalid amounts are cached as -1 (FEC amounts are >= 0).
    dates: dict[str, date | None] = {}
    amounts: dict[str, int] = {}
    control = (_CONTROL_RE if sep == "\t" else _CONTROL_PIPE_RE).search
    for line_no, raw in enumerate(lines[1:], start=2):
        if not raw or raw.isspace():
            continue
        out.lines += 1
        cells = raw.split(sep)
        if len(cells) != width:
            if len(cells) == width + 1 and not cells[-1].strip():
                cells.pop()
            else:
                bad(line_no, f"{len(cells)} colonnes au lieu de {width}.")
                continue
        if control(raw) is not None:
            bad(line_no, "caractère de contrôle dans la ligne (fichier abîmé ?).")
            continue
        text = cells[3]
        day = dates.get(text)
        if day is None:
            day = dates[text] = parse_date(text.strip())
            if day is None:
                bad(line_no, f"date d'écriture « {text} » invalide (attendu AAAAMMJJ, par ex. 20180315).")
                continue
        account = cells[4].strip()
        if not account or account[0] not in _DIGITS:
            bad(line_no, f"numéro de compte « {account} » invalide (il commence par la classe, un chiffre).")
            continue
        text = cells[11]
        first_amount = amounts.get(text)
        if first_amount is None:
            parsed = parse_cents(text)
            first_amount = amounts[text] = -1 if parsed is None or parsed < 0 else parsed
        if sens:
            direction = cells[12].strip().upper()
            if first_amount < 0:
                bad(line_no, f"montant « {text} » invalide (par ex. 1234,56).")
                continue
            if direction in ("D", "+1", "1"):
                debit, credit = first_amount, 0
            elif direction in ("C", "-1"):
                debit, credit = 0, first_amount
            else:
                bad(line_no, f"sens « {cells[12]} » invalide (D ou C, +1 ou -1).")
                continue
        else:
            if first_amount < 0:
                bad(line_no, f"débit « {text} » invalide (par ex. 1234,56).")
                continue
            text = cells[12]
            credit = amounts.get(text)  # type: ignore[assignment]
            if credit is None:
                parsed = parse_cents(text)
                credit = amounts[text] = -1 if parsed is None or parsed < 0 else parsed
            if credit < 0:
                bad(line_no, f"crédit « {text} » invalide (par ex. 1234,56).")
                continue
            debit = first_amount
        key = (cells[0].strip(), cells[2].strip())
        balance = balances.get(key)
        if balance is None:
            balances[key] = [debit, credit, line_no]
        else:
            balance[0] += debit
            balance[1] += credit
        total_debit += debit
        total_credit += credit
        if account[0] in "12345":  # balance sheet accounts: they count in the balance, never in the import
            out.balance_lines += 1
            continue
        entries.append(
            Entry(
                line_no,
                key[0],
                key[1],
                day,
                account,
                cells[5].strip(),
                cells[10].strip(),
                debit,
                credit,
                cells[analytic_col].strip() if analytic_col is not None else "",
            )
        )
    out.debit_cents, out.credit_cents = total_debit, total_credit
    if error_count == 0:
        for (journal, number), (debit, credit, first) in balances.items():
            if debit != credit:
                bad(
                    first,
                    f"écriture {number} du journal {journal} déséquilibrée : débit {format_amount(debit)}, "
                    f"crédit {format_amount(credit)} (écart {format_amount(debit - credit)}).",
                )
        if total_debit != total_credit:
            errors.append(
                f"Fichier entier : déséquilibré — total des débits {format_amount(total_debit)}, "
                f"des crédits {format_amount(total_credit)}."
            )
    if error_count > MAX_ERRORS:
        errors.append(f"… et {error_count - MAX_ERRORS} autre(s) erreur(s) : est-ce bien un FEC ?")
    if not entries and not errors:
        errors.append("Ligne 2 : aucune écriture dans le fichier.")
    return out
