"""The demo PRAE's realised first year: a FEC of that year built from its budget (a few gaps),
imported through the same service as `import-fec`, with its mapping; statuses, milestones done,
indicator values and some of the gaps explained.

The FEC of the default demo is shipped as resources/demo/fec-2018-demo.txt (ISO 8859-15, tab
separated, with an analytic column) with its mapping resources/demo/correspondance-demo.csv;
`pnae-desktop demo --fec-out F` writes the FEC of the demo it creates (any region).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pnae_desktop import paths
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import followup as fu
from pnae_desktop.domain.fec_mapping import mapping_csv
from pnae_desktop.domain.money import split_cents
from pnae_desktop.exports.fec import COLUMNS
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import followup as followup_service
from pnae_desktop.services import praes, realised_import
from pnae_desktop.services.edits import Context
from pnae_desktop.services.followup_remap import stored_order
from pnae_desktop.services.outputs import check_output
from pnae_desktop.store.database import Store

FEC_NAME = "fec-2018-demo.txt"
MAPPING_NAME = "correspondance-demo.csv"

# Realised / forecast, in percent, per (action rank 0-based, nature): the demo's gaps.
GAPS = {(0, "62"): 125, (1, "60"): 92, (2, "64"): 100, (3, "62"): 60, (4, "61"): 0}
CHARGE_ACCOUNTS = {
    "60": ("606400", "Fournitures et petit équipement"),
    "61": ("613200", "Locations immobilières"),
    "62": ("625100", "Voyages et déplacements"),
    "64": ("641100", "Rémunérations du personnel"),
}
# Funder kind → (product account, its label, realised / forecast in percent).
PRODUCTS = {
    "etat": ("741000", "Subvention d'exploitation État", 100),
    "region": ("742000", "Subvention d'exploitation Région", 80),
    "cotisations_ml": ("756000", "Cotisations des missions locales", 100),
    "fonds_europeens": ("747000", "Fonds social européen", 100),
}
STATUS_CYCLE = ("realisee", "realisee", "en_cours", "realisee", "reportee", "realisee", "en_cours", "abandonnee")


def resource(name: str) -> str:
    """The path of a shipped demo file (see README: « Suivi et FEC de démonstration »)."""
    return str(paths.resources() / "demo" / name)


def demo_mapping(action_count: int, funder_names: dict[str, str]) -> tuple[fu.MappingRule, ...]:
    rules = [fu.MappingRule("analytic", f"FICHE{n:02d}", n) for n in range(1, action_count + 1)]
    rules += [
        fu.MappingRule("account", account, None, Decimal(100), funder_names[kind])
        for kind, (account, _, _) in PRODUCTS.items()
    ]
    return tuple(rules)


def _row(
    journal: str, number: int, day: date, account: str, label: str, text: str, debit: int, credit: int, analytic: str
) -> str:
    def amount(cents: int) -> str:
        return f"{cents // 100},{cents % 100:02d}"

    stamp = day.strftime("%Y%m%d")
    names = {"AC": "Achats", "BQ": "Banque", "OD": "Opérations diverses", "AN": "À-nouveaux", "SA": "Salaires"}
    cells = [
        journal, names[journal], f"{journal}{number:05d}", stamp, account, label, "", "",
        f"P{number:05d}", stamp, text, amount(debit), amount(credit), "", "", stamp, "", "", analytic,
    ]  # fmt: skip
    return "\t".join(cells)


def demo_fec(store: Store, prae_id: int, year: int) -> tuple[str, str]:
    """(FEC text, mapping CSV) of the demo PRAE's `year`, from its budget with the GAPS."""
    detail = praes.get_prae(store, prae_id)
    plan = budget_service.load_budget(store, prae_id)
    rows = ["\t".join((*COLUMNS, "CodeAnalytique"))]
    number = 0

    def entry(journal: str, day: date, lines: list[tuple[str, str, int, int, str]], text: str) -> None:
        nonlocal number
        number += 1
        rows.extend(_row(journal, number, day, a, lab, text, d, c, an) for a, lab, d, c, an in lines)

    entry(
        "AN",
        date(year, 1, 1),
        [("512000", "Banque", 4_500_000, 0, ""), ("102000", "Fonds associatifs", 0, 4_500_000, "")],
        "Report à nouveau",
    )
    for rank, action in enumerate(detail.actions):
        code = f"FICHE{rank + 1:02d}"
        by_nature: dict[str, int] = {}
        for line in plan.charges:
            if line.action_id == action.id and line.year == year:
                by_nature[line.account] = by_nature.get(line.account, 0) + line.cents
        for nature, forecast in sorted(by_nature.items()):
            if nature not in CHARGE_ACCOUNTS:
                continue
            cents = forecast * GAPS.get((rank, nature), 100) // 100
            if cents == 0:
                continue
            account, label = CHARGE_ACCOUNTS[nature]
            day = date(year, 3 + rank % 9, 10 + rank)
            text = f"{label} - fiche {rank + 1}"
            if nature == "64":  # two payslips runs, to the employees' account
                half = split_cents(cents, [1, 1])
                for part, month in zip(half, (6, 12)):
                    entry(
                        "SA",
                        date(year, month, 28),
                        [(account, label, part, 0, code), ("421000", "Personnel - rémunérations dues", 0, part, "")],
                        text,
                    )
            else:
                entry("AC", day, [(account, label, cents, 0, code), ("401000", "Fournisseurs", 0, cents, "")], text)
    funders = {f.kind: int(f.id) for f in plan.funders}  # type: ignore[call-overload]
    for kind, (account, label, pct) in PRODUCTS.items():
        forecast = sum(f.amount_cents for f in plan.financing if f.year == year and f.funder_id == funders[kind])
        cents = forecast * pct // 100
        if cents:
            entry("BQ", date(year, 5, 15), [("512000", "Banque", cents, 0, ""), (account, label, 0, cents, "")], label)
    entry(
        "OD",
        date(year, 12, 31),
        [
            ("681100", "Dotations aux amortissements", 150_000, 0, ""),
            ("281830", "Amortissement du matériel informatique", 0, 150_000, ""),
        ],
        "Dotation de l'exercice",
    )
    entry(
        "OD",
        date(year, 12, 31),
        [("864000", "Personnel bénévole", 800_000, 0, ""), ("875000", "Bénévolat", 0, 800_000, "")],
        "Contributions volontaires : bénévolat des administrateurs",
    )
    entry(
        "OD",
        date(year, 12, 31),
        [
            ("695000", "Impôts sur les bénéfices", 12_000, 0, ""),
            ("444000", "État - impôts sur les bénéfices", 0, 12_000, ""),
        ],
        "Impôt sur les revenus du patrimoine",
    )
    entry(
        "AC",
        date(year + 1, 1, 10),
        [("625100", "Voyages et déplacements", 35_000, 0, "FICHE01"), ("401000", "Fournisseurs", 0, 35_000, "")],
        "Déplacement de janvier (exercice suivant)",
    )
    names = {f.kind: f.name for f in plan.funders}
    return "\r\n".join(rows) + "\r\n", mapping_csv(demo_mapping(len(detail.actions), names))


def fill_followup(store: Store, catalogue: Catalogue, prae_id: int) -> None:
    """The demo's realised first year, in the caller's transaction."""
    detail = praes.get_prae(store, prae_id)
    year = detail.years[0]
    fec, mapping = demo_fec(store, prae_id, year)
    prepared = realised_import.prepare_fec(store, prae_id, year, fec.encode("iso8859-15"), mapping)
    prepared.edit().apply(Context(store, catalogue, prae_id))
    for rank, action in enumerate(detail.actions):
        done = tuple(
            (index, date(year, 3 * (m.quarter or 2), 15))
            # numbered as stored (by year): inside this transaction the list keeps the order given
            for index, m in enumerate(stored_order(action.milestones))
            if m.year == year and rank % 4 != 2
        )
        status = STATUS_CYCLE[rank % len(STATUS_CYCLE)]
        followup_service.set_action_report(
            store,
            prae_id,
            fu.ActionReport(
                action.id,
                year,
                status,
                f"Action {fu.ACTION_STATUSES[status]} en {year} : groupe de travail réuni, bilan présenté au comité de pilotage."
                if status != "abandonnee"
                else "Action abandonnée : le partenaire pressenti s'est retiré.",
                "Disponibilité des conseillers pendant la période estivale." if rank % 3 == 0 else "",
                "Note de cadrage ; bilan annuel." if status == "realisee" else "",
                done,
            ),
        )
        for index, indicator in enumerate(action.indicators):
            target = indicator.target(year)
            if target is None or (index == 1 and rank % 2):
                continue  # some indicators not yet recorded
            value = (target * Decimal(90 + 5 * (rank % 4)) / 100).quantize(Decimal("0.01"))
            followup_service.set_indicator_result(store, prae_id, fu.IndicatorResult(action.id, index, year, value))
    plan = budget_service.load_budget(store, prae_id)
    region = next(int(f.id) for f in plan.funders if f.kind == "region")  # type: ignore[call-overload]
    followup_service.set_explanation(
        store,
        prae_id,
        year,
        fu.financing_key(region),
        "La Région a réduit sa subvention de 20 % en cours d'année (délibération de juin).",
    )
    first = detail.actions[0].id
    followup_service.set_explanation(
        store,
        prae_id,
        year,
        fu.charge_key(first, "62"),
        "Deux réunions supplémentaires du groupe de travail hors de la métropole.",
    )


def write_demo_fec(store: Store, prae_id: int, out: str | Path) -> tuple[Path, Path]:
    """Write the demo's FEC of its first year (ISO 8859-15) to `out`, and its mapping beside it
    (`<name>-correspondance.csv`); refuses to replace an existing file or the store."""
    target = Path(out)
    mapping_path = target.with_name(f"{target.stem}-correspondance.csv")
    for path in (target, mapping_path):
        check_output(path, overwrite=False, store_path=store.path)
    fec, mapping = demo_fec(store, prae_id, praes.get_prae(store, prae_id).years[0])
    target.write_bytes(fec.encode("iso8859-15"))
    mapping_path.write_text(mapping, encoding="utf-8")
    return target, mapping_path
