"""A demo PRAE with a realised 2018 year, written through the follow-up edits (the same path
as the Suivi page and the imports): statuses, accounts, indicator values, realised charges
with a few gaps (one explained), financing, a 68 dotation and contributions en nature."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import followup as fu
from pnae_desktop.services import demo
from pnae_desktop.services import edits_followup as ef
from pnae_desktop.services.session import PraeSession
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.store.database import Store, open_store

YEAR = 2018
STATUSES = ("realisee", "en_cours", "reportee", "abandonnee")
LONG_ACCOUNT = (
    "Réunions et ateliers tenus avec les missions locales du territoire, dont un séminaire régional "
    "de deux jours consacré à l'appropriation des outils et à l'échange de pratiques entre conseillers."
)


def fill_realised(store: Store, catalogue: Catalogue, prae_id: int, year: int = YEAR) -> None:
    """Write a realised `year` for the demo PRAE through PraeSession edits."""
    session = PraeSession(store, catalogue, prae_id)
    snap = load_snapshot(store, prae_id, catalogue, convention=False)
    for n, action in enumerate(snap.detail.actions):
        milestones = tuple((i, date(year, 3, 15)) for i, m in enumerate(action.milestones) if m.year == year)[:1]
        report = fu.ActionReport(
            action.id,
            year,
            STATUSES[n % 4],
            account=f"Action {n + 1} : {LONG_ACCOUNT}",
            difficulties="Calendrier resserré au second semestre." if n % 2 else "",
            deliverables="Guide régional diffusé aux missions locales." if n % 3 == 0 else "",
            milestones_done=milestones,
        )
        session.apply(ef.SetActionReport("Compte rendu", report))
        for i, indicator in enumerate(action.indicators):
            target = indicator.target(year)
            value = Decimal(7) if target is None else (target * Decimal("0.8")).quantize(Decimal(1))
            if n % 3 == 0 and target is not None:
                value = target + 5
            session.apply(ef.SetIndicatorResult("Indicateur", fu.IndicatorResult(action.id, i, year, value)))
    charges = []
    for line in snap.budget.charges:
        if line.year == year and line.account[:2] in fu.CHARGE_NATURES:
            factor = Decimal("0.7") if int(line.action_id) % 3 == 0 else Decimal("1.02")
            amount = int(line.cents * factor) + 37  # odd cents, so the sums are checked to the cent
            charges.append(fu.RealisedCharge(int(line.action_id), year, line.account + "100", line.label, amount))
    session.apply(ef.SetRealisedCharges("Charges", year, tuple(charges)))
    financing = tuple(
        fu.RealisedFinancing(year, int(f.funder_id), int(f.amount_cents * Decimal("0.95")) + 11)
        for f in snap.budget.financing
        if f.year == year
    )
    session.apply(ef.SetRealisedFinancing("Financements", year, financing))
    session.apply(
        ef.SetOtherRealised("68", year, (fu.OtherRealised(year, "6811", "Dotation aux amortissements", 123_456),))
    )
    session.apply(
        ef.SetContributions(
            "86/87",
            year,
            (
                fu.ContributionInKind(year, "864", "Personnel bénévole (120 heures)", 240_000),
                fu.ContributionInKind(year, "870", "Bénévolat", 240_000),
            ),
        )
    )
    first = charges[0]
    session.apply(
        ef.SetExplanation(
            "Explication",
            year,
            fu.charge_key(first.action_id, first.account[:2]),
            "Report d'un séminaire à l'année suivante, faute de salle disponible au printemps.",
        )
    )


def realised_demo(folder: Path, catalogue: Catalogue) -> tuple[Path, int]:
    """A store file in `folder` holding the demo PRAE with its realised 2018 year."""
    path = folder / "suivi.sqlite"
    store = open_store(path)
    try:
        prae_id = demo.create_demo(store, catalogue)
        fill_realised(store, catalogue, prae_id)
    finally:
        store.close()
    return path, prae_id
