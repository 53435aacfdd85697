"""Who else works on a team store, and where: each client writes a heartbeat row every
`BEAT_S` seconds (its name, the PRAE and the place it has open); rows older than `GONE_S`
seconds are someone who left (or whose computer went to sleep) and are ignored."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select

from pnae_desktop.store.database import Store
from pnae_desktop.store.models import PresenceRow

BEAT_S = 10
GONE_S = 30


@dataclass(frozen=True)
class Presence:
    client_id: str
    user_name: str
    prae_id: int | None
    place: str  # « la fiche 5 », « le budget »…
    seen_at: datetime

    @property
    def sentence(self) -> str:
        return f"{self.user_name} modifie {self.place}" if self.place else f"{self.user_name} est connecté(e)"


def default_user_name() -> str:
    """The operating system's user name (the « Votre nom » setting's default)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):  # no user name in the environment or the user database
        return "Utilisateur"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def beat(
    store: Store, client_id: str, user_name: str, prae_id: int | None, place: str, now: datetime | None = None
) -> None:
    """Write (or refresh) this client's heartbeat."""
    with store.transaction() as session:
        row = session.get(PresenceRow, client_id)
        if row is None:
            row = PresenceRow(client_id=client_id)
            session.add(row)
        row.user_name, row.prae_id, row.place = user_name[:200], prae_id, place[:200]
        row.seen_at = now or _now()


def leave(store: Store, client_id: str) -> None:
    with store.transaction() as session:
        session.execute(delete(PresenceRow).where(PresenceRow.client_id == client_id))


def others(store: Store, client_id: str, prae_id: int | None = None, now: datetime | None = None) -> list[Presence]:
    """The other clients seen in the last GONE_S seconds (on `prae_id` when given), by name."""
    since = (now or _now()) - timedelta(seconds=GONE_S)
    query = select(PresenceRow).where(PresenceRow.client_id != client_id, PresenceRow.seen_at >= since)
    if prae_id is not None:
        query = query.where(PresenceRow.prae_id == prae_id)
    with store.transaction() as session:
        rows = session.scalars(query.order_by(PresenceRow.user_name, PresenceRow.client_id)).all()
        return [Presence(r.client_id, r.user_name, r.prae_id, r.place, r.seen_at) for r in rows]


def status_line(people: list[Presence]) -> str:
    """« Marie modifie la fiche 5 · Paul modifie le budget », empty when alone."""
    return " · ".join(p.sentence for p in people)
