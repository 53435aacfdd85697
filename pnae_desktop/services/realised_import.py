"""Importing realised amounts: from the FEC (with the mapping) or from a simple CSV/xlsx file.

`prepare_*` read the file and the PRAE, and return what would be written with every defect
found (each naming its line); they write nothing. `Prepared.edit()` is the one undoable edit
(ApplyRealisedImport) the CLI and the GUI apply when there is no error.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pnae_desktop.domain import realised_import as ri
from pnae_desktop.domain.fec_mapping import check_rules, parse_mapping_csv
from pnae_desktop.domain.followup import MappingRule
from pnae_desktop.errors import UserError, ValidationError
from pnae_desktop.exports.fec import decode, read_fec
from pnae_desktop.exports.realised_file import read_realised
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import followup as followup_service
from pnae_desktop.services import praes
from pnae_desktop.services.edits_followup import ApplyRealisedImport
from pnae_desktop.store.database import Store

MAX_FILE_BYTES = 200 * 1024 * 1024  # a FEC of a few million entries; beyond, not a PRAE's accounts


@dataclass(frozen=True)
class Prepared:
    result: ri.ImportResult
    mapping: tuple[MappingRule, ...] | None  # the mapping given with the file (stored with the import)
    errors: tuple[str, ...]
    summary: tuple[str, ...]  # what would be written, for --dry-run and the dialog
    header: str  # what was read (format, encoding, lines)

    @property
    def ok(self) -> bool:
        return not self.errors

    def edit(self, label: str = "") -> ApplyRealisedImport:
        if self.errors:
            raise UserError("Import refusé : " + self.errors[0])
        r = self.result
        what = "Importer le FEC" if r.source == "fec" else "Importer le réalisé"
        return ApplyRealisedImport(
            label or f"{what} {r.year}",
            r.year,
            r.source,
            tuple(r.charges),
            tuple(r.financing),
            tuple(r.others),
            tuple(r.contributions),
            self.mapping,
        )


def read_bytes(path: Path | str, what: str) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{what} introuvable : {path}.")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UserError(f"{what} illisible : {path} ({exc.strerror or exc.__class__.__name__}).") from exc
    if len(data) > MAX_FILE_BYTES:
        raise UserError(f"{what} refusé : « {path.name} » dépasse {MAX_FILE_BYTES // (1024 * 1024)} Mo.")
    return data


def read_mapping(path: Path | str) -> str:
    """The CSV text of a mapping file (UTF-8 or ISO 8859-15)."""
    return decode(read_bytes(path, "Table de correspondance"))[0]


def _targets(store: Store, prae_id: int, year: int) -> tuple[ri.PraeTargets, dict[int, str], dict[int, str]]:
    detail = praes.get_prae(store, prae_id)
    if year not in detail.years:
        first, last = detail.years[0], detail.years[-1]
        raise UserError(f"L'année {year} est hors de la période du PRAE ({first}–{last}).")
    funders = {int(f.id): f.name for f in budget_service.load_budget(store, prae_id).funders}  # type: ignore[call-overload]
    actions = {a.id: f"Fiche {n} – {a.title}" for n, a in enumerate(detail.actions, start=1)}
    return ri.PraeTargets.of(tuple(a.id for a in detail.actions), funders), actions, funders


def prepare_fec(store: Store, prae_id: int, year: int, data: bytes, mapping_text: str | None = None) -> Prepared:
    """The FEC's entries classified with `mapping_text` (the CSV form) or, when None, the
    PRAE's stored mapping. Reads only."""
    with store.transaction():
        targets, actions, funders = _targets(store, prae_id, year)
        mapping = parse_mapping_csv(mapping_text, len(targets.action_ids)) if mapping_text is not None else None
        rules = mapping if mapping is not None else followup_service.load_mapping(store, prae_id)
    fec = read_fec(data)
    header = (
        f"FEC lu : {fec.lines} ligne(s), {fec.encoding}, séparateur "
        f"{'tabulation' if fec.separator == chr(9) else '« | »'}, colonnes {fec.variant}."
    )
    if fec.errors:  # the entries cannot be trusted: no classification
        return Prepared(ri.ImportResult(year, "fec"), mapping, tuple(fec.errors), (), header)
    if not rules:
        message = (
            "Aucune table de correspondance : donnez-en une (--mapping M.csv, colonnes "
            "match,pattern,action,share,funder) ou saisissez-la dans la page Suivi."
        )
        return Prepared(ri.ImportResult(year, "fec"), mapping, (message,), (), header)
    if mapping is None:  # the stored one: an action deleted since may have taken rules with it
        try:
            check_rules(rules, len(targets.action_ids))
        except ValidationError as exc:
            message = f"{exc} Corrigez la table de correspondance (page Suivi, « Table de correspondance… »)."
            return Prepared(ri.ImportResult(year, "fec"), mapping, (message,), (), header)
    result = ri.classify(fec.entries, rules, targets, year, "fec")
    result.ignored += fec.balance_lines
    _keep_typed(store, prae_id, result, actions, funders)
    return Prepared(result, mapping, tuple(result.errors), tuple(ri.summary_lines(result, actions, funders)), header)


def prepare_file(store: Store, prae_id: int, year: int, data: bytes, name: str) -> Prepared:
    """A simple CSV or xlsx of realised amounts. Reads only."""
    with store.transaction():
        targets, actions, funders = _targets(store, prae_id, year)
    table = read_realised(data, name)
    header = f"Fichier lu : « {name} », {len(table.rows)} montant(s)."
    if table.errors:
        return Prepared(ri.ImportResult(year, "import"), None, tuple(table.errors), (), header)
    result = ri.classify_rows(table.rows, targets, year, "import")
    _keep_typed(store, prae_id, result, actions, funders)
    return Prepared(result, None, tuple(result.errors), tuple(ri.summary_lines(result, actions, funders)), header)


def _keep_typed(
    store: Store, prae_id: int, result: ri.ImportResult, actions: dict[int, str], funders: dict[int, str]
) -> None:
    """Leave out what typed amounts cover (domain.realised_import.keep_typed; docs/fec-import.md)."""
    if result.errors:
        return
    stored = followup_service.load_followup(store, prae_id)
    ri.keep_typed(result, stored.charges, stored.financing, actions, funders)
