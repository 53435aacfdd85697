"""Row helpers shared by the PRAE and budget services, so neither has to import the other for
them (budget would otherwise import praes while praes imports budget)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from pnae_desktop.errors import ValidationError
from pnae_desktop.store.models import PraeRow, utcnow


def prae_row(session: Session, prae_id: int) -> PraeRow:
    prae = session.get(PraeRow, prae_id)
    if prae is None:
        raise ValidationError(f"Aucun PRAE n° {prae_id} dans ce fichier.", "prae")
    return prae


def touch(session: Session, prae_id: int) -> None:
    """Record that the PRAE changed (shown on the dashboard). A bulk UPDATE, so the PRAE row's
    `version` does not move: two colleagues editing different cells do not conflict on it."""
    stmt = update(PraeRow).where(PraeRow.id == prae_id).values(updated_at=utcnow())
    session.execute(stmt, execution_options={"synchronize_session": False})  # nothing reads it back
