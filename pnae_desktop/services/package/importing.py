"""Importing a package into a store, and telling what one holds before that.

Import is all-or-nothing: the package is read with bounded sizes, checked (container, manifest,
checksums, schema, then every domain rule) before the store is touched, and written in one
transaction (joined to the caller's, when there is one). Any problem raises `PackageError` (a
UserError) whose French message names the member and the place in it; the store is then left
byte for byte as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from pnae_desktop import faults
from pnae_desktop.domain import convention as cv
from pnae_desktop.exports.package import FUNDER_REF, Documents, PackageError, read_documents
from pnae_desktop.services import versions
from pnae_desktop.services.concurrency import is_retryable
from pnae_desktop.services.convention import settings_to_dict
from pnae_desktop.services.drafting import indicator_rows, milestone_rows
from pnae_desktop.services.package.checks import check
from pnae_desktop.services.package.followup_import import write_followup
from pnae_desktop.services.package.plan import Plan
from pnae_desktop.services.package.versions_io import write_versions
from pnae_desktop.store.backup import backup_now
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import (
    ActionMissionLocaleRow,
    ActionObjectiveRow,
    AllocationKeyRow,
    AllocationShareRow,
    ChargeLineRow,
    ConventionRow,
    FinancingLineRow,
    FunderRow,
    MissionLocaleRow,
    OrganisationRow,
    PraeActionRow,
    PraeRow,
    StructuralCostRow,
    new_uid,
    utcnow,
)
from pnae_desktop.store.schema import KNOWN_REVISIONS

COPY_SUFFIX = " (copie)"
BACKUP_REASON = "avant-import"
Mode = Literal["new", "copy", "replace"]
MODES = ("new", "copy", "replace")


# -- inspect -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageInfo:
    """What a package holds, checked, and whether its PRAE is already in a store."""

    path: Path
    manifest: dict
    format_version: int
    app_version: str
    schema_version: str
    catalogue_edition: str
    created_at: datetime
    prae_uid: str
    title: str
    region_code: str
    region_name: str
    start_year: int
    end_year: int
    action_count: int
    existing_prae_id: int | None = None  # the PRAE with the same uid in the store given, if any
    existing_title: str | None = None

    @property
    def exists(self) -> bool:
        return self.existing_prae_id is not None

    @property
    def period_label(self) -> str:
        return f"{self.start_year}–{self.end_year}"


def _load(path: Path | str) -> tuple[Documents, Plan]:
    docs = read_documents(Path(path).expanduser(), KNOWN_REVISIONS)
    return docs, check(docs)


def inspect_package(path: Path | str, store: Store | None = None) -> PackageInfo:
    """Read and check the whole package (PackageError else); tell whether `store` has its PRAE."""
    path = Path(path).expanduser()
    docs, plan = _load(path)
    existing = None
    if store is not None:
        with store.transaction() as session:
            existing = _find(session, plan.uid)
    m = docs.manifest
    return PackageInfo(
        path=path,
        manifest=m,
        format_version=m["format_version"],
        app_version=m["app_version"],
        schema_version=m["schema_version"],
        catalogue_edition=m["catalogue_edition"],
        created_at=datetime.fromisoformat(m["created_at"].replace("Z", "+00:00")),
        prae_uid=plan.uid,
        title=plan.title,
        region_code=plan.region_code,
        region_name=plan.region_name,
        start_year=plan.start_year,
        end_year=plan.end_year,
        action_count=len(plan.actions),
        existing_prae_id=existing[0] if existing else None,
        existing_title=existing[1] if existing else None,
    )


def _find(session: Session, uid: str) -> Any:
    """(id, title, created_at) of the store's PRAE with this uid, or None."""
    return session.execute(select(PraeRow.id, PraeRow.title, PraeRow.created_at).where(PraeRow.uid == uid)).first()


# -- import --------------------------------------------------------------------------------------


def _already_there(title: str) -> PackageError:
    return PackageError(
        "prae.json, identifiant (uid)",
        f"ce fichier de données contient déjà ce PRAE (« {title} »). Choisissez « importer comme copie » "
        "pour l'ajouter à côté sous un nouvel identifiant, ou « remplacer » pour remplacer le PRAE existant "
        "(une sauvegarde est faite avant)",
        "prae.json",
    )


def import_package(
    store: Store,
    path: Path | str,
    *,
    mode: Mode = "new",
    store_path: Path | str | None = None,
) -> int:
    """Import the package's PRAE into `store`; return its id.

    mode "new": refused when a PRAE with the same uid is in the store; "copy": under a new uid,
    " (copie)" appended to the title; "replace": the PRAE with the same uid is replaced (same
    id), after a backup of the store file `store_path` when given (the SQLite file; pass it).
    Everything is checked before the store is touched; the existence check, the removal of the
    replaced PRAE and every row are one transaction: one commit, or nothing."""
    if mode not in MODES:
        raise ValueError(f"unknown import mode {mode!r}")
    _, plan = _load(path)
    if mode == "copy":
        plan.uid = new_uid()
        plan.title = plan.title[: 300 - len(COPY_SUFFIX)].rstrip() + COPY_SUFFIX
    for attempt in (1, 2):
        try:
            with store.transaction() as session:
                existing = None if mode == "copy" else _find(session, plan.uid)
                if mode == "new" and existing is not None:
                    raise _already_there(existing[1])
                if mode == "replace" and existing is not None and store_path is not None:
                    backup_now(store_path, BACKUP_REASON)  # a StoreError here stops the import: nothing written
                    faults.checkpoint("package.after_backup")
                prae_id = _write(store, session, plan, existing)
                faults.checkpoint("package.before_commit")
                return prae_id
        except SQLAlchemyError as exc:
            # Another import of the same PRAE committed meanwhile (its uid taken, its row
            # changed): once more, which now sees it (« déjà présent », or replaced on top).
            if attempt == 1 and not store.in_transaction and is_retryable(exc):
                continue
            raise PackageError(
                "Import",
                f"la base de données a refusé l'écriture ({exc.__class__.__name__}) ; "
                "le fichier de données est resté tel quel",
                None,
            ) from None
    raise AssertionError("unreachable")


# -- the rows ------------------------------------------------------------------------------------


def _write(store: Store, session: Session, plan: Plan, old: Any) -> int:
    """Write the plan; `old`: the (id, title, created_at) of the PRAE it replaces, or None."""
    now = utcnow()
    prae_id = created_at = None
    kept_versions: list[dict[str, Any]] = []
    if old is not None:
        prae_id, created_at = old[0], old[2]
        kept_versions = versions.detach_versions(session, prae_id)  # signed versions outlive a replace
        session.execute(delete(PraeRow).where(PraeRow.id == prae_id))  # the database cascades
        faults.checkpoint("package.after_delete")
    prae = PraeRow(
        id=prae_id,
        uid=plan.uid,
        organisation=_organisation(session, plan),
        region_code=plan.region_code,
        region_name=plan.region_name,
        title=plan.title,
        start_year=plan.start_year,
        end_year=plan.end_year,
        catalogue_edition=plan.edition,
        status=plan.status,
        created_at=created_at or now,
        updated_at=now,
    )
    missions = [MissionLocaleRow(**m) for m in plan.missions_locales]
    prae.missions_locales = list(missions)
    actions = _action_rows(plan)
    prae.actions = actions
    funders = [FunderRow(position=i, name=name, kind=kind) for i, (name, kind) in enumerate(plan.funders)]
    prae.funders = funders
    counters: dict[int, int] = {}
    for year, label, cents in plan.structural_costs:
        pos = counters.get(year, 0)
        counters[year] = pos + 1
        prae.structural_costs.append(StructuralCostRow(year=year, position=pos, label=label, amount_cents=cents))
    session.add(prae)
    session.flush()  # ids of the actions, directory entries and funders
    faults.checkpoint("package.mid_write")
    _add_linked_rows(prae, plan, actions, missions, funders)
    if plan.settings is not None and plan.state is not None:
        session.add(_convention_row(prae.id, plan, funders))
    session.flush()
    if old is not None:
        versions.reattach_versions(session, prae.id, kept_versions)
    write_versions(session, prae.id, plan.versions)  # the package's signed versions, PDFs checked
    if plan.followup is not None:
        calendars = [a["milestones"] for a in plan.actions]  # marks name positions in the package's lists
        write_followup(store, prae.id, plan.followup, [a.id for a in actions], [f.id for f in funders], calendars)
    return prae.id


def _organisation(session: Session, plan: Plan) -> OrganisationRow:
    """The region's organisation of that name when the store has one; a new one else."""
    organisation = session.scalars(
        select(OrganisationRow)
        .where(
            OrganisationRow.region_code == plan.region_code,
            OrganisationRow.name == plan.organisation["name"],
        )
        .order_by(OrganisationRow.id)
    ).first()
    if organisation is None:
        organisation = OrganisationRow(region_code=plan.region_code, **plan.organisation)
        session.add(organisation)
    return organisation


def _action_rows(plan: Plan) -> list[PraeActionRow]:
    actions = []
    for position, a in enumerate(plan.actions):
        row = PraeActionRow(
            position=position,
            pnae_action=a["pnae_action"],
            title=a["title"],
            theme_label=a["theme_label"],
            pilot=a["pilot"],
            co_pilots=a["co_pilots"],
            partners=a["partners"],
            regional_priority=a["regional_priority"],
            territorial_levels=a["territorial_levels"],
            calendar_note=a["calendar_note"],
            notes=a["notes"],
            **a["fields"],
        )
        row.calendar = milestone_rows(a["milestones"])
        row.objectives = [ActionObjectiveRow(objective_code=c, share=s) for c, s in a["objectives"]]
        row.indicators = indicator_rows(a["indicators"])
        actions.append(row)
    for c in plan.charges:
        actions[c["action"]].charges.append(
            ChargeLineRow(
                year=c["year"],
                account=c["account"],
                label=c["label"],
                amount_cents=c["amount_cents"],
                etp=c["etp"],
                annual_cost_cents=c["annual_cost_cents"],
            )
        )
    return actions


def _add_linked_rows(
    prae: PraeRow,
    plan: Plan,
    actions: list[PraeActionRow],
    missions: list[MissionLocaleRow],
    funders: list[FunderRow],
) -> None:
    """The rows that name other rows by id: directory links, financing lines, manual shares."""
    for a, row in zip(plan.actions, actions):
        row.mission_locale_links = [
            ActionMissionLocaleRow(mission_locale_id=missions[i].id) for i in a["missions_locales"]
        ]
    for f in plan.financing:
        actions[f["action"]].financing.append(
            FinancingLineRow(
                year=f["year"],
                funder_id=funders[f["funder"]].id,
                amount_cents=f["amount_cents"],
                status=f["status"],
            )
        )
    for year, method, shares in plan.allocation_keys:
        key = AllocationKeyRow(year=year, method=method)
        key.shares = [
            AllocationShareRow(prae_id=prae.id, year=year, action_id=actions[a].id, share=s) for a, s in shares
        ]
        prae.allocation_keys.append(key)


def _convention_row(prae_id: int, plan: Plan, funders: list[FunderRow]) -> ConventionRow:
    settings, state = plan.settings, plan.state
    assert settings is not None and state is not None
    if settings.payments is not None:
        settings = replace(
            settings,
            payments=tuple(replace(p, funder=_store_funder_key(p.funder, funders)) for p in settings.payments),
        )
    return ConventionRow(
        prae_id=prae_id,
        template_key=state.template_key,
        settings_json=json.dumps(settings_to_dict(settings), ensure_ascii=False),
        articles_json=json.dumps(cv.state_to_dict(state), ensure_ascii=False),
    )


def _store_funder_key(key: str, funders: list[FunderRow]) -> str:
    match = FUNDER_REF.match(key)
    return f"financeur_{funders[int(match.group(1))].id}" if match else key
