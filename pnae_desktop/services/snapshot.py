"""Reading one PRAE whole, in one transaction: the snapshot every page, check and export uses."""

from __future__ import annotations

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain.snapshot import Snapshot
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import convention as convention_service
from pnae_desktop.services import followup as followup_service
from pnae_desktop.services import praes
from pnae_desktop.store.database import Store


def load_snapshot(store: Store, prae_id: int, catalogue: Catalogue, *, convention: bool = True) -> Snapshot:
    """Detail, budget with totals and problems, and the rendered convention with its checks
    (unless `convention` is False), all from the same instant."""
    outermost = not store.in_transaction
    with store.transaction() as session:
        if outermost and store.dialect == "postgresql":
            # Under READ COMMITTED each SELECT would see the latest commit of a colleague.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        detail = praes.get_prae(store, prae_id)
        budget, totals, problems = budget_service.totals(store, prae_id)
        rendered = (
            convention_service.render(store, prae_id, catalogue, detail=detail, budget=(budget, totals))
            if convention
            else None
        )
        followup = followup_service.load_followup(store, prae_id)
    return Snapshot(catalogue, detail, budget, totals, problems, rendered, followup)
