"""The dashboard's line on a PRAE's follow-up: per year with realised data, the execution rate
and the number of gaps still waiting for their explanation. Imported at start-up by the window,
so the services are imported only when a PRAE is chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # start-up: the window imports this module; decimal is needed only when a PRAE is chosen
    from decimal import Decimal


def followup_years(workspace, prae_id: int) -> list[tuple[int, Decimal | None, int]]:
    """(year, execution rate in percent or None, gaps without explanation) per year followed."""
    # start-up: the services (and the ORM) load when a PRAE is chosen, after the first paint
    from pnae_desktop.domain import followup as fu
    from pnae_desktop.services import budget as budget_service
    from pnae_desktop.services import followup as followup_service

    store = workspace.store
    budget, _totals, _problems = budget_service.totals(store, prae_id)
    followup = followup_service.load_followup(store, prae_id)
    rows = []
    for year in followup.years:
        gaps = fu.year_gaps(budget, followup, year)
        rows.append((year, gaps.execution_rate, gaps.unexplained))
    return rows


def followup_summary(workspace, prae_id: int) -> str:
    """« Suivi 2018 : exécution 92,40 %, 2 écarts sans explication » (one part per year)."""
    # start-up: as above
    from pnae_desktop.domain.money import format_percentage
    from pnae_desktop.errors import UserError

    try:
        years = followup_years(workspace, prae_id)
    except UserError as exc:
        return str(exc)
    if not years:
        return "Suivi : aucune réalisation saisie (page Suivi)."
    parts = []
    for year, rate, unexplained in years:
        rate_text = f"exécution {format_percentage(rate)}" if rate is not None else "exécution : pas de prévu"
        gaps = (
            "aucun écart sans explication"
            if unexplained == 0
            else f"{unexplained} écart{'s' if unexplained > 1 else ''} sans explication"
        )
        parts.append(f"{year} : {rate_text}, {gaps}")
    return "Suivi " + " · ".join(parts)
