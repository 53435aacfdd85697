"""From accounting entries to realised amounts: the rules of the import, without files or SQL.

`classify` takes the entries read from a FEC (exports/fec.py) or a simple file, the mapping,
the PRAE's actions (in their printed order) and funders, and the year; it returns what would
be written — realised charges per action and account, financing per funder, 68/78 lines,
contributions volontaires — with the notes, the entries outside the year, and the errors,
each naming its line. Amounts are integer cents throughout.

- à-nouveaux (journal AN or RAN, or a label « à nouveau ») and classes 1–5 are ignored;
- 60–67: charges, sent to actions by the mapping (debit − credit);
- 68 and 78: their own lines (dotations; reprises, fonds dédiés 689/789);
- 69 (impôts sur les bénéfices…): ignored, with a note;
- 70–77: realised financing, sent to funders by the mapping's funder rules (credit − debit);
- 79 and other class 8 accounts: ignored, with a note;
- 86 / 87: contributions volontaires en nature (86 debit − credit, 87 credit − debit).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from pnae_desktop.domain.fec_mapping import Resolver
from pnae_desktop.domain.followup import (
    ContributionInKind,
    MappingRule,
    OtherRealised,
    RealisedCharge,
    RealisedFinancing,
)
from pnae_desktop.domain.money import format_amount

OPENING_JOURNALS = frozenset({"AN", "RAN"})
MAX_LABEL = 300


@dataclass(frozen=True, slots=True)
class Entry:
    """One accounting line. `debit_cents`/`credit_cents` are non-negative; `line` is the
    file's line number (1 = the header)."""

    line: int
    journal: str
    number: str
    day: date
    account: str
    account_label: str
    label: str
    debit_cents: int
    credit_cents: int
    analytic: str = ""


@dataclass(frozen=True)
class RealisedRow:
    """A line of a simple file of realised amounts (exports/realised_file.py)."""

    line: int
    action: int | None
    account: str
    label: str
    year: int
    amount_cents: int


@dataclass
class ImportResult:
    year: int
    source: str
    charges: list[RealisedCharge] = field(default_factory=list)
    financing: list[RealisedFinancing] = field(default_factory=list)
    others: list[OtherRealised] = field(default_factory=list)
    contributions: list[ContributionInKind] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # « Ligne N : … » — any error: nothing applied
    notes: list[str] = field(default_factory=list)
    outside_year: list[str] = field(default_factory=list)
    used: int = 0  # entries that fed a realised amount
    ignored: int = 0  # à-nouveaux, classes 1–5, 69, 79, other class 8


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


def is_opening(entry: Entry) -> bool:
    if entry.journal.strip().upper() in OPENING_JOURNALS:
        return True
    return "nouveau" in entry.label.casefold() and "a nouveau" in _fold(entry.label)  # folding is slow: only then


@dataclass(frozen=True)
class PraeTargets:
    """What the mapping's numbers and names designate in the PRAE."""

    action_ids: tuple[int, ...]  # in printed order: number n → action_ids[n - 1]
    funders: dict[str, int]  # folded name → funder id

    @staticmethod
    def of(action_ids: tuple[int, ...], funders: dict[int, str]) -> PraeTargets:
        return PraeTargets(action_ids, {_fold(name).strip(): fid for fid, name in funders.items()})

    def funder(self, name: str) -> int | None:
        return self.funders.get(_fold(name).strip())


def classify(
    entries: list[Entry], rules: tuple[MappingRule, ...], targets: PraeTargets, year: int, source: str = "fec"
) -> ImportResult:
    result = ImportResult(year, source)
    resolver = Resolver(rules)
    charges: dict[tuple[int, str, str], int] = {}
    financing: dict[tuple[int, int | None], int] = {}
    others: dict[tuple[str, str], int] = {}
    contributions: dict[tuple[str, str], int] = {}
    noted: dict[str, int] = {}
    outside = 0
    for entry in entries:
        account = entry.account
        klass = account[:1]
        if klass in "12345" or is_opening(entry):
            result.ignored += 1
            continue
        if not (account.isascii() and account.isdigit()) or len(account) > 20:
            result.errors.append(
                f"Ligne {entry.line} : compte « {account[:40]} » : des chiffres attendus (20 au plus)."
            )
            continue
        if entry.day.year != year:
            outside += 1
            if len(result.outside_year) < 50:
                result.outside_year.append(
                    f"Ligne {entry.line} : écriture du {entry.day:%d/%m/%Y} hors de l'année {year} "
                    f"({account} « {entry.label} »), non reprise."
                )
            continue
        nature = account[:2]
        debit_net = entry.debit_cents - entry.credit_cents
        label = (entry.account_label or entry.label or account).strip()[:MAX_LABEL]
        if "60" <= nature <= "67":
            found = resolver.rules_for("action", entry.analytic, entry.label, account)
            if found is None:
                result.errors.append(
                    f"Ligne {entry.line} : aucune règle de la table de correspondance pour le compte {account} "
                    f"« {entry.label} »{_analytic(entry)} : à quelle action l'affecter ?"
                )
                continue
            for target in Resolver.split(found, debit_net):
                assert target.action is not None  # an action rule names its action (check_rules)
                if not 1 <= target.action <= len(targets.action_ids):
                    result.errors.append(
                        f"Ligne {entry.line} : la table de correspondance vise l'action n° {target.action}, inconnue."
                    )
                    break
                key = (targets.action_ids[target.action - 1], account, label)
                charges[key] = charges.get(key, 0) + target.cents
            result.used += 1
        elif "70" <= nature <= "77":
            found = resolver.rules_for("funder", entry.analytic, entry.label, account)
            if found is None:
                result.errors.append(
                    f"Ligne {entry.line} : aucune règle de la table de correspondance (colonne funder) pour le "
                    f"produit {account} « {entry.label} »{_analytic(entry)} : de quel financeur vient-il ?"
                )
                continue
            for target in Resolver.split(found, -debit_net):
                funder_id = targets.funder(target.funder)
                if funder_id is None:
                    result.errors.append(
                        f"Ligne {entry.line} : financeur « {target.funder} » de la table de correspondance "
                        "inconnu dans le budget du PRAE."
                    )
                    break
                action_id = None
                if target.action is not None:
                    if not 1 <= target.action <= len(targets.action_ids):
                        result.errors.append(f"Ligne {entry.line} : action n° {target.action} inconnue.")
                        break
                    action_id = targets.action_ids[target.action - 1]
                financing[(funder_id, action_id)] = financing.get((funder_id, action_id), 0) + target.cents
            result.used += 1
        elif nature in ("68", "78"):
            amount = debit_net if nature == "68" else -debit_net
            others[(account, label)] = others.get((account, label), 0) + amount
            result.used += 1
        elif nature in ("86", "87"):
            amount = debit_net if nature == "86" else -debit_net
            contributions[(account, label)] = contributions.get((account, label), 0) + amount
            result.used += 1
        else:
            result.ignored += 1
            noted[nature] = noted.get(nature, 0) + 1
    if outside:
        result.notes.append(f"{outside} écriture(s) hors de l'année {year} non reprise(s) (exercice décalé ?).")
    for nature, count in sorted(noted.items()):
        what = {
            "69": "impôts sur les bénéfices et assimilés : hors du compte rendu du programme",
            "79": "transferts de charges : non repris",
        }.get(nature, "compte hors du compte rendu : non repris")
        result.notes.append(f"{count} écriture(s) au compte {nature} ignorée(s) ({what}).")
    result.charges = [
        RealisedCharge(action_id, year, account, label, cents, source)
        for (action_id, account, label), cents in sorted(
            charges.items(), key=lambda kv: (targets.action_ids.index(kv[0][0]), kv[0][1:])
        )
    ]
    result.financing = [
        RealisedFinancing(year, funder_id, cents, action_id, source)
        for (funder_id, action_id), cents in sorted(financing.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))
    ]
    result.others = [OtherRealised(year, a, lab, cents, source) for (a, lab), cents in sorted(others.items())]
    result.contributions = [
        ContributionInKind(year, a, lab, cents, source) for (a, lab), cents in sorted(contributions.items())
    ]
    return result


def classify_rows(rows: list[RealisedRow], targets: PraeTargets, year: int, source: str = "import") -> ImportResult:
    """The simple file: each row names its action (charges) or, for 70–77, its funder in `label`."""
    result = ImportResult(year, source)
    charges: dict[tuple[int, str, str], int] = {}
    for row in rows:
        where = f"Ligne {row.line}"
        if row.year != year:
            result.errors.append(f"{where} : année {row.year} au lieu de {year} (une année par import).")
            continue
        nature = row.account[:2]
        label = row.label or row.account
        action_id = None
        if row.action is not None:
            if not 1 <= row.action <= len(targets.action_ids):
                result.errors.append(
                    f"{where} : action n° {row.action} inconnue (le PRAE en compte {len(targets.action_ids)})."
                )
                continue
            action_id = targets.action_ids[row.action - 1]
        if "60" <= nature <= "67":
            if action_id is None:
                result.errors.append(f"{where} : charge {row.account} sans numéro d'action.")
                continue
            key = (action_id, row.account, label)
            charges[key] = charges.get(key, 0) + row.amount_cents
        elif "70" <= nature <= "77":
            funder_id = targets.funder(row.label)
            if funder_id is None:
                result.errors.append(
                    f"{where} : financeur « {row.label} » inconnu dans le budget du PRAE (colonne label)."
                )
                continue
            result.financing.append(RealisedFinancing(year, funder_id, row.amount_cents, action_id, source))
        elif nature in ("68", "78"):
            result.others.append(OtherRealised(year, row.account, label, row.amount_cents, source))
        elif nature in ("86", "87"):
            result.contributions.append(ContributionInKind(year, row.account, label, row.amount_cents, source))
        else:
            result.errors.append(f"{where} : compte {row.account} hors du suivi (60–68, 70–78, 86, 87).")
            continue
        result.used += 1
    result.charges = [RealisedCharge(a, year, acc, lab, cents, source) for (a, acc, lab), cents in charges.items()]
    return result


def _analytic(entry: Entry) -> str:
    return f", code analytique « {entry.analytic} »" if entry.analytic else ""


def summary_lines(result: ImportResult, action_names: dict[int, str], funder_names: dict[int, str]) -> list[str]:
    """What the import would write, for --dry-run and the import dialog."""
    lines = [f"Réalisé {result.year} : {result.used} écriture(s) reprise(s), {result.ignored} ignorée(s)."]
    if result.charges:
        lines.append("Charges réalisées par action :")
        for c in result.charges:
            lines.append(
                f"  {action_names.get(c.action_id, c.action_id)} — {c.account} {c.label} : {format_amount(c.amount_cents)}"
            )
    if result.financing:
        lines.append("Financements réalisés :")
        for f in result.financing:
            target = f" (pour {action_names.get(f.action_id, f.action_id)})" if f.action_id is not None else ""
            lines.append(f"  {funder_names.get(f.funder_id, f.funder_id)}{target} : {format_amount(f.amount_cents)}")
    if result.others:
        lines.append("Dotations, reprises, fonds dédiés (68/78) :")
        lines.extend(f"  {o.account} {o.label} : {format_amount(o.amount_cents)}" for o in result.others)
    if result.contributions:
        lines.append("Contributions volontaires en nature (86/87) :")
        lines.extend(f"  {c.account} {c.label} : {format_amount(c.amount_cents)}" for c in result.contributions)
    lines.extend(result.notes)
    lines.extend(result.outside_year)
    return lines


def keep_typed(
    result: ImportResult,
    stored_charges: tuple[RealisedCharge, ...],
    stored_financing: tuple[RealisedFinancing, ...],
    action_names: dict[int, str],
    funder_names: dict[int, str],
) -> None:
    """A realised amount typed on the Suivi page wins over an import on the line it covers.

    Typing the realised amount of an action and nature (or of a funder) replaces that line's
    amounts, imported ones included, with one line of source « saisie ». A later import of the
    year replaces the lines of its own source only; where a typed line covers what the import
    would write — same action and nature for a charge, same funder for financing — the import's
    amounts are left out (never counted next to the typed one) and a note says so, with both
    amounts: the user erases the typed amount on the Suivi page and imports again to take the
    file's. Changes `result` in place."""
    year = result.year
    typed_charges: dict[tuple[int, str], int] = {}
    for c in stored_charges:
        if c.year == year and c.source == "saisie":
            typed_charges[(c.action_id, c.nature)] = typed_charges.get((c.action_id, c.nature), 0) + c.amount_cents
    typed_funders: dict[int, int] = {}
    for f in stored_financing:
        if f.year == year and f.source == "saisie":
            typed_funders[f.funder_id] = typed_funders.get(f.funder_id, 0) + f.amount_cents
    left_charges: dict[tuple[int, str], int] = {}
    kept_charges = []
    for c in result.charges:
        key = (c.action_id, c.nature)
        if key in typed_charges:
            left_charges[key] = left_charges.get(key, 0) + c.amount_cents
        else:
            kept_charges.append(c)
    left_funders: dict[int, int] = {}
    kept_financing = []
    for f in result.financing:
        if f.funder_id in typed_funders:
            left_funders[f.funder_id] = left_funders.get(f.funder_id, 0) + f.amount_cents
        else:
            kept_financing.append(f)
    result.charges, result.financing = kept_charges, kept_financing
    if not left_charges and not left_funders:
        return
    notes = ["Montants saisis conservés (page Suivi) : l'import ne les remplace pas et ne s'y ajoute pas."]
    for (action_id, nature), cents in sorted(left_charges.items()):
        notes.append(
            f"  {action_names.get(action_id, action_id)}, nature {nature} : saisi "
            f"{format_amount(typed_charges[(action_id, nature)])}, le fichier donne {format_amount(cents)} (non repris)"
        )
    for funder_id, cents in sorted(left_funders.items()):
        notes.append(
            f"  {funder_names.get(funder_id, funder_id)} : saisi {format_amount(typed_funders[funder_id])}, "
            f"le fichier donne {format_amount(cents)} (non repris)"
        )
    notes.append(
        "  Pour reprendre le montant du fichier, effacez la saisie dans la page Suivi puis importez de nouveau."
    )
    result.notes.extend(notes)
