"""The pages that show the window's current PRAE (Budget, Convention, Exports, Suivi), built
when first shown: each is imported here only then, to keep start-up light."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from pnae_desktop.ui.budget_page import BudgetPage
    from pnae_desktop.ui.convention_page import ConventionPage
    from pnae_desktop.ui.exports_page import ExportsPage
    from pnae_desktop.ui.suivi_page import SuiviPage

BoundPage: TypeAlias = "BudgetPage | ConventionPage | ExportsPage | SuiviPage"
KEYS = ("budget", "convention", "exports", "suivi")


def build(key: str, window) -> BoundPage:
    """The page `key` of `window` (its parent, and the window it works for)."""
    if key == "budget":
        from pnae_desktop.ui.budget_page import BudgetPage  # start-up: pages load after the first paint

        return BudgetPage(window, window)
    if key == "convention":
        from pnae_desktop.ui.convention_page import ConventionPage  # start-up: as above

        return ConventionPage(window, window)
    if key == "suivi":
        from pnae_desktop.ui.suivi_page import SuiviPage  # start-up: as above

        return SuiviPage(window, window)
    from pnae_desktop.ui.exports_page import ExportsPage  # start-up: as above

    return ExportsPage(window, window)
