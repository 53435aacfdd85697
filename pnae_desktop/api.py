"""The scripting API: the same session core as the GUI and the CLI, for power users and tests.

    from pnae_desktop import api
    with api.open("equipe.sqlite") as store:
        prae_id, title, region = store.praes()[0]
        with store.session(prae_id) as s:
            s.set_charge(1, "62", "Déplacements", 2019, "1 500,00")

Documented with runnable examples in docs/api.md. Every edit is one transaction through
`services.session.PraeSession`: refused input raises a French `ValidationError` naming the
place and writes nothing; an edit based on a value someone changed since this session's last
snapshot or edit raises `ConflictError` (`theirs` / `mine`) and writes nothing.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pnae_desktop.catalogue.loader import shipped_catalogues
from pnae_desktop.domain.budget_cells import ChargeCell, ChargeValue
from pnae_desktop.domain.money import parse_amount
from pnae_desktop.errors import ConflictError, StoreError, UserError, ValidationError
from pnae_desktop.services import edits, next_year, prae_json, praes
from pnae_desktop.services.session import PraeSession
from pnae_desktop.store import opening

__all__ = ["ConflictError", "Session", "Store", "StoreError", "UserError", "ValidationError", "open"]

# The fiche fields set_fiche_field() takes (the fiche's texts and its one-line fields).
FICHE_FIELDS = (
    "title",
    "pilot",
    "co_pilots",
    "partners",
    "contexte",
    "enjeux",
    "description",
    "capitalisation",
    "essaimage",
    "animation",
    "co_animation",
    "arml_referentes",
    "arml_concernees",
    "acteurs",
    "dimension_territoriale",
    "livrables",
    "calendar_note",
    "notes",
)


class Session:
    """One PRAE of an open store: snapshot, edits, undo and redo (use it as a context manager)."""

    def __init__(self, store: Any, catalogue: Any, prae_id: int):

        self._core = PraeSession(store, catalogue, prae_id)
        self.prae_id = prae_id

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def snapshot(self) -> dict[str, Any]:
        """The PRAE as `pnae-desktop show --format json` prints it. Later edits are checked
        against what it showed."""

        closed = next_year.closed_years(self._core.store, self.prae_id)
        return json.loads(prae_json.snapshot_to_json(self._core.snapshot(), closed))  # type: ignore[no-any-return]

    def _action_id(self, action: int) -> int:

        actions = praes.get_prae(self._core.store, self.prae_id).actions
        if isinstance(action, bool) or not isinstance(action, int) or not 1 <= action <= len(actions):
            raise ValidationError(
                f"Action n° {action!r} inconnue : ce PRAE a {len(actions)} action(s), numérotées de 1 à "
                f"{len(actions)}.",
                "action",
            )
        action_id = actions[action - 1].id
        assert action_id is not None
        return action_id

    def set_charge(self, action: int, account: str, label: str, year: int, amount: Decimal | str | int | None) -> None:
        """Set the amount of a charge line of action n° `action` (as printed: 1 for the first)
        for `year`; `amount` a Decimal, an int (euros) or a French amount ("1 500,00"); None
        removes the amount."""

        action_id = self._action_id(action)
        where = f"Action {action}, compte {account}, « {label} », {year}"
        value = None
        if amount is not None:
            if isinstance(amount, float | bool):
                raise ValidationError(f"{where} : montant à donner en Decimal ou en texte (« 1 500,00 »).", where)
            if isinstance(amount, int | Decimal):
                try:
                    text = format(Decimal(amount), "f")
                except (InvalidOperation, ValueError):
                    raise ValidationError(f"{where} : montant illisible « {amount} ».", where) from None
            else:
                text = str(amount)
            value = ChargeValue(parse_amount(text, where))
        cell = ChargeCell(action_id, str(account), str(label), int(year), value)
        self._core.apply(edits.SetChargeCells(f"Charges {year} / {account} / {label}", (cell,)))

    def set_fiche_field(self, action: int, field: str, text: str | None) -> None:
        """Set one field of action n° `action`'s fiche (see FICHE_FIELDS)."""

        if field not in FICHE_FIELDS:
            raise ValidationError(
                f"Champ de fiche inconnu : « {field} ». Champs possibles : {', '.join(FICHE_FIELDS)}.", "field"
            )
        action_id = self._action_id(action)
        self._core.apply(edits.UpdateAction(f"Fiche {action} : {field}", action_id, {field: text}))

    def undo(self) -> bool:
        """Undo this session's last edit; False when there is none."""
        return self._core.undo() is not None

    def redo(self) -> bool:
        return self._core.redo() is not None


class Store:
    """An open store (use it as a context manager: it is closed, its lock released, after)."""

    def __init__(self, store: Any):

        self._store = store
        self._catalogues = shipped_catalogues()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._store.close()

    def praes(self) -> list[tuple[int, str, str]]:
        """(id, title, region_code) of every PRAE, most recently changed first."""

        return [(int(s.id), s.title, s.region_code) for s in praes.list_praes(self._store)]

    def session(self, prae_id: int) -> Session:

        if isinstance(prae_id, bool) or not isinstance(prae_id, int):
            raise ValidationError(f"Identifiant de PRAE invalide : {prae_id!r} (un entier).", "prae")
        known = {s.id for s in praes.list_praes(self._store)}
        if prae_id not in known:
            raise ValidationError(f"Aucun PRAE n° {prae_id} dans ce fichier.", "prae")
        catalogue = self._catalogues.get(praes.catalogue_edition(self._store, prae_id))
        return Session(self._store, catalogue, prae_id)


def open(path_or_url: str | os.PathLike[str]) -> Store:  # noqa: A001 - the API's documented name
    """Open a store for writing: a str containing "://" is a database URL
    (postgresql+psycopg://…), anything else a file path, taken as it is."""

    if isinstance(path_or_url, str) and "://" in path_or_url:
        return Store(opening.open_for_writing(url=path_or_url))
    return Store(opening.open_for_writing(db=Path(os.fsdecode(path_or_url))))
