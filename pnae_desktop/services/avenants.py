"""Preparing an avenant: the working version's differences with the last signed version, laid
out by exports/pdf/avenant.py (the modified articles in their new wording, the new financial
tables, empty signature fields), and article 4's rule on moves between axes and natures.

The annual financial avenant (`year`) confirms one year's amounts and can be prepared even
when nothing else changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pnae_desktop import __version__
from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import versions as dv
from pnae_desktop.domain.convention import french_date
from pnae_desktop.errors import UserError
from pnae_desktop.services import versions
from pnae_desktop.services.outputs import check_output
from pnae_desktop.services.snapshot import load_snapshot
from pnae_desktop.store.database import Store


@dataclass(frozen=True)
class AvenantPlan:
    number: int
    convention_date: str
    signed: versions.VersionInfo
    diff: dv.VersionDiff
    article4: dv.Article4
    previous: tuple[tuple[int, str], ...] = ()  # the signed avenants so far: (number, date)


@dataclass(frozen=True)
class PreparedAvenant:
    path: Path
    plan: AvenantPlan
    year: int | None


def plan(store: Store, prae_id: int, catalogue: Catalogue | None = None) -> AvenantPlan:
    """What an avenant prepared now would be: its number, the date of the convention it amends,
    the differences and article 4's verdict. UserError when the PRAE was never signed."""
    found = versions.list_versions(store, prae_id)
    if not found:
        raise UserError(
            "Aucune version signée de cette convention : marquez d'abord la convention comme signée "
            "(« Marquer comme signée… ») avant de préparer un avenant."
        )
    signed = found[-1]
    number = dv.next_avenant_number([(v.fingerprint, v.avenant_number) for v in found])
    first = versions.version_snapshot(store, found[0].id)
    iso = first.get("convention", {}).get("signature_date")
    convention_day = date.fromisoformat(iso) if iso else found[0].marked_at.astimezone().date()
    status = versions.working_status(store, prae_id, catalogue)
    assert status.article4 is not None
    return AvenantPlan(number, french_date(convention_day), signed, status.diff, status.article4, _avenant_dates(found))


def _avenant_dates(found: list[versions.VersionInfo]) -> tuple[tuple[int, str], ...]:
    """Each signed avenant's number and date: when it was first recorded with every signature
    (when first recorded, while only partially signed)."""
    dates: dict[int, tuple[bool, str]] = {}
    for v in found:
        if v.avenant_number is None:
            continue
        whole = v.kind == dv.KIND_SIGNED
        if v.avenant_number not in dates or (whole and not dates[v.avenant_number][0]):
            dates[v.avenant_number] = (whole, french_date(v.marked_at.astimezone().date()))
    return tuple((number, day) for number, (_, day) in sorted(dates.items()))


def _avenant_data(store: Store, prae_id: int, catalogue: Catalogue, year: int | None) -> tuple[AvenantPlan, Any, Any]:
    """(plan, AvenantData, snapshot) of the avenant the working version gives now; UserError
    when there is none to prepare (never signed, a year outside the period, nothing changed)."""
    the_plan = plan(store, prae_id, catalogue)
    snap = load_snapshot(store, prae_id, catalogue)
    return the_plan, _data(the_plan, snap, year), snap


def _data(the_plan: AvenantPlan, snap: Any, year: int | None) -> Any:
    from pnae_desktop.exports.pdf import avenant as avenant_pdf  # start-up: reportlab on use only

    if year is not None and year not in snap.detail.years:
        first, last = snap.detail.years[0], snap.detail.years[-1]
        raise UserError(f"Année {year} hors de la période de la convention ({first}-{last}).")
    if year is None and the_plan.diff.empty:
        raise UserError(
            f"Aucune modification depuis la version signée du {the_plan.signed.date_label} : "
            "pas d'avenant à préparer (l'avenant financier annuel se prépare avec une année)."
        )
    assert snap.convention is not None
    return avenant_pdf.AvenantData(
        number=the_plan.number,
        convention_date=the_plan.convention_date,
        rendered=snap.convention[0],
        article_keys=the_plan.diff.article_keys,
        year=year,
        article4_note=the_plan.article4.summary() if year is None else "",
        previous=the_plan.previous,
    )


def prepare_avenant(
    store: Store,
    prae_id: int,
    out: Path | str,
    *,
    year: int | None = None,
    catalogue: Catalogue | None = None,
    overwrite: bool = False,
) -> PreparedAvenant:
    """Write avenant n° N to `out` (atomically; refused before any work when `out` exists
    without `overwrite`, or is the store)."""
    from pnae_desktop.exports.pdf import avenant as avenant_pdf  # start-up: reportlab on use only
    from pnae_desktop.exports.pdf.convention import convention_meta

    check_output(out, overwrite=overwrite, store_path=store.path)
    catalogue = catalogue or versions.catalogue_of(store, prae_id)
    the_plan, data, snap = _avenant_data(store, prae_id, catalogue, year)
    meta = avenant_pdf.avenant_meta(data, convention_meta(data.rendered, snap.detail, __version__))
    path = avenant_pdf.build_avenant_pdf(data, out, meta=meta)
    return PreparedAvenant(path, the_plan, year)


def working_avenant(store: Store, prae_id: int, fingerprint: str, catalogue: Catalogue | None = None) -> int | None:
    """The number of the avenant with this printed fingerprint when the working version gives
    it now (the modification avenant, or an annual one); None otherwise."""
    from pnae_desktop.exports.pdf.avenant import avenant_fingerprint  # start-up: reportlab on use only

    catalogue = catalogue or versions.catalogue_of(store, prae_id)
    try:
        the_plan = plan(store, prae_id, catalogue)
    except UserError:
        return None
    snap = load_snapshot(store, prae_id, catalogue)
    years: list[int | None] = [None] if not the_plan.diff.empty else []
    for year in [*years, *snap.detail.years]:
        data = _data(the_plan, snap, year)
        if avenant_fingerprint(data) == fingerprint:
            return int(data.number)
    return None
