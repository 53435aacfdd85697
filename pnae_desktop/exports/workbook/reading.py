"""Reading an exported budget workbook back, cell by cell: opening the file (a path or its
bytes), checking it is ours and its layout is intact (sheets, format marker, column and row
keys against the snapshot in « _clés »), and typed cell values — amounts in cents, ETP,
labels, statuses — each refusal a French `UserError`/`ValidationError` naming the cell.
Used by `exports/budget_import.py`, which compares the values with the budget."""

from __future__ import annotations

import io
import json
import math
import unicodedata
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pnae_desktop.domain import budget as dom
from pnae_desktop.domain.money import MAX_LINE_CENTS, format_amount, parse_amount
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.exports.workbook import layout as bw

Source = Path | str | bytes  # a workbook file, or its content

# Documented limits (README): a workbook is refused beyond these, before openpyxl parses it.
MAX_WORKBOOK_FILE_BYTES = 100 * 1024 * 1024  # the .xlsx file itself
MAX_MEMBER_BYTES = 20 * 1024 * 1024  # one member (a sheet's XML…), uncompressed
MAX_TOTAL_BYTES = 100 * 1024 * 1024  # all members, uncompressed
MAX_MEMBERS = 1000  # entries in the zip (an export has about fifteen)


# -- reading cells -------------------------------------------------------------------------


class WorkbookFile:
    """Where the workbook comes from: a path on disk, or its bytes (`name` in messages)."""

    def __init__(self, source: Source, name: str | None = None):
        if isinstance(source, bytes):
            self.path: Path | None = None
            self.data: bytes | None = source
            self.name = name or "classeur.xlsx"
        else:
            self.path, self.data = Path(source), None
            self.name = name or self.path.name

    def stream(self) -> Any:
        """What `load_workbook` and `zipfile` read: the path, or a fresh stream of the bytes."""
        return self.path if self.data is None else io.BytesIO(self.data)


class CellReader:
    """Typed values of a workbook's cells; a formula is read through its cached value."""

    def __init__(self, file: WorkbookFile, wb: Any):
        self.file, self.wb = file, wb
        self._values: Any = None  # the same workbook with cached values, loaded only if needed

    def where(self, sheet: str, coordinate: str, context: str = "") -> str:
        return f"Feuille « {sheet} », cellule {coordinate}" + (f" ({context})" if context else "")

    def raw(self, ws: Any, row: int, col: int, where: str) -> Any:
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

    def _cached(self, sheet: str, coordinate: str) -> Any:
        if self._values is None:
            self._values = load_workbook(self.file.stream(), data_only=True)
        return self._values[sheet][coordinate].value

    def cents(
        self,
        ws: Any,
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
        return _number_cents(value, where, what, maximum)

    def text(self, ws: Any, row: int, col: int, where: str) -> str:
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


def _number_cents(value: int | float | Decimal, where: str, what: str, maximum: int) -> int:
    """A number typed in a cell → cents: never negative, at most two decimals, bounded."""
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


def status_key(text: Any, where: str) -> str | None:
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    norm = _fold(str(text))
    for key, label in dom.FINANCING_STATUSES.items():
        if norm in (_fold(key), _fold(label)):
            return key
    choices = ", ".join(dom.FINANCING_STATUSES.values())
    raise ValidationError(f"{where} : statut « {text} » inconnu (choisir : {choices}).", where)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("_", " ")


# -- opening and checking the workbook -------------------------------------------------------


def open_workbook(file: WorkbookFile) -> Any:
    """The workbook, parsed from an in-memory copy whose every member was first decompressed
    within the limits above (the sizes the zip declares can lie); UserError naming the file."""
    if file.path is not None and not file.path.is_file():
        raise UserError(f"Fichier introuvable : {file.path}.")
    if file.data is None:
        file.data = _read_file(file)
    if not zipfile.is_zipfile(file.stream()):
        raise UserError(
            f"« {file.name} » n'est pas un classeur Excel (.xlsx) : le fichier est "
            "abîmé ou d'un autre format. Enregistrez-le au format Excel 2007-365 (.xlsx)."
        )
    check_sizes(file)
    try:
        return load_workbook(file.stream())
    except Exception as exc:
        raise UserError(
            f"« {file.name} » n'est pas un classeur Excel (.xlsx) lisible ({exc.__class__.__name__})."
        ) from exc


def _too_big(file: WorkbookFile, what: str, limit: int) -> UserError:
    return UserError(
        f"« {file.name} » est refusé : {what} dépasse {limit // (1024 * 1024)} Mo. "
        "Un classeur budgétaire exporté par PNAE Desktop est bien plus petit ; repartez d'un nouvel export."
    )


def _read_file(file: WorkbookFile) -> bytes:
    """The file's bytes, at most MAX_WORKBOOK_FILE_BYTES (read once: openpyxl parses this copy)."""
    assert file.path is not None
    try:
        with open(file.path, "rb") as handle:
            data = handle.read(MAX_WORKBOOK_FILE_BYTES + 1)
    except OSError as exc:
        raise UserError(f"« {file.name} » illisible : {exc.strerror or exc}.") from None
    if len(data) > MAX_WORKBOOK_FILE_BYTES:
        raise _too_big(file, "le fichier", MAX_WORKBOOK_FILE_BYTES)
    return data


def check_sizes(file: WorkbookFile) -> None:
    """Decompress every member, counting bytes and keeping none, and stop past the limits."""
    try:
        with zipfile.ZipFile(file.stream()) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise UserError(f"« {file.name} » est refusé : trop d'éléments dans l'archive ({len(infos)}).")
            total = 0
            for info in infos:
                size = 0
                with zf.open(info) as handle:
                    while chunk := handle.read(1024 * 1024):
                        size += len(chunk)
                        total += len(chunk)
                        if size > MAX_MEMBER_BYTES:
                            raise _too_big(
                                file, f"l'élément « {info.filename[:80]} » une fois décompressé", MAX_MEMBER_BYTES
                            )
                        if total > MAX_TOTAL_BYTES:
                            raise _too_big(file, "son contenu une fois décompressé", MAX_TOTAL_BYTES)
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever zipfile trips on, the archive is damaged
        raise UserError(
            f"« {file.name} » n'est pas un classeur Excel (.xlsx) lisible ({exc.__class__.__name__})."
        ) from None


def _not_ours(file: WorkbookFile, why: str) -> UserError:
    return UserError(
        f"« {file.name} » n'est pas un classeur budgétaire produit par PNAE Desktop "
        f"({why}) : exportez le budget depuis l'application et modifiez ce classeur-là."
    )


def structure_error(why: str) -> UserError:
    return UserError(
        f"La structure du classeur a été modifiée ({why}) : ses cellules ne "
        "correspondent plus au budget. Repartez d'un nouvel export."
    )


def read_meta(file: WorkbookFile, wb: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    missing = [name for name in (*bw.SHEETS, bw.KEYS) if name not in wb.sheetnames]
    if missing:
        raise _not_ours(file, f"feuille « {missing[0]} » absente")
    ws = wb[bw.KEYS]
    meta: dict[str, Any] = {}
    chunks: dict[str, str] = {}
    for key, value, *_ in ws.iter_rows(min_row=2, max_col=2, values_only=True):
        if isinstance(key, str) and key.startswith("snapshot|"):
            chunks[key] = value or ""
        elif isinstance(key, str):
            meta[key] = value
    if meta.get("format") != bw.FORMAT_MARKER:
        raise _not_ours(file, f"feuille « {bw.KEYS} » sans marque de format")
    version = meta.get("format_version")
    if not isinstance(version, int) or version > bw.FORMAT_VERSION:
        raise UserError(
            f"« {file.name} » a été produit par une version plus récente de PNAE Desktop "
            f"(format {version}) : mettez l'application à jour pour le relire."
        )
    try:
        ordered = sorted(chunks, key=lambda k: int(k.split("|", 1)[1]))
        snapshot = json.loads("".join(chunks[k] for k in ordered))
        years = tuple(int(y) for y in str(meta.get("years", "")).split(","))
        snapshot["charges"], snapshot["financing"], snapshot["spare"]
    except (ValueError, KeyError, TypeError) as exc:
        raise structure_error(f"clés de la feuille « {bw.KEYS} » illisibles") from exc
    meta["years"] = years
    return meta, snapshot


def check_columns(ws: Any, years: tuple[int, ...]) -> None:
    n = len(years)
    expected = {bw.total_col(n): "TOTAL"}
    for k, y in enumerate(years):
        c_etp, c_cost, c_amt = bw.year_cols(k)
        expected |= {c_etp: f"ETP|{y}", c_cost: f"COUT|{y}", c_amt: f"MONTANT|{y}"}
    for col, key in sorted(expected.items()):
        if ws.cell(row=1, column=col).value != key:
            raise structure_error(f"feuille « {bw.BY_ACTION} », colonne {get_column_letter(col)} déplacée ou supprimée")


def row_keys(ws: Any) -> dict[str, int]:
    rows: dict[str, int] = {}
    for row, (key,) in enumerate(
        ws.iter_rows(min_row=bw.FIRST_BLOCK_ROW, min_col=1, max_col=1, values_only=True),
        start=bw.FIRST_BLOCK_ROW,
    ):
        if isinstance(key, str) and key[:2] in ("C|", "N|", "F|"):
            if key in rows:
                raise structure_error(f"feuille « {bw.BY_ACTION} », ligne {row} en double")
            rows[key] = row
    return rows


def check_rows(rows: dict[str, int], snapshot: dict[str, Any]) -> None:
    """The rows are those exported: none deleted, none added, no key edited."""
    expected = set(snapshot["charges"]) | set(snapshot["financing"]) | set(snapshot["spare"])
    if set(rows) != expected:
        lost = sorted(expected - set(rows))
        extra = sorted(set(rows) - expected)
        what = (
            f"ligne attendue absente : {lost[0].split('|', 3)[-1]}"
            if lost
            else (f"ligne inconnue en ligne {rows[extra[0]]}")
        )
        raise structure_error(f"feuille « {bw.BY_ACTION} », {what}")
