"""Exporting a PRAE from the store as a package: read it through the services, in one
transaction (every member from the same instant), then hand it to the package writer."""

from __future__ import annotations

import json
from pathlib import Path

from pnae_desktop.domain import convention as cv
from pnae_desktop.exports.package import PackageContent, write_package
from pnae_desktop.services import budget, praes
from pnae_desktop.services.convention import settings_from_dict, settings_to_dict
from pnae_desktop.services.followup import load_followup
from pnae_desktop.services.next_year import closed_years
from pnae_desktop.services.outputs import check_output
from pnae_desktop.services.package.versions_io import read_versions
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import ConventionRow
from pnae_desktop.store.schema import HEAD_REVISION


def read_content(store: Store, prae_id: int) -> PackageContent:
    """The PRAE `prae_id` as the package writer takes it (ValidationError when it is absent)."""
    with store.transaction() as session:
        detail = praes.get_prae(store, prae_id)
        uid = praes.prae_row(session, prae_id).uid
        prae_budget = budget.load_budget(store, prae_id)
        followup = load_followup(store, prae_id)
        signed = read_versions(session, prae_id)
        closed = closed_years(store, prae_id)
        row = session.get(ConventionRow, prae_id)
        if row is None:  # never touched: the package says so (null), not the defaults
            return PackageContent(uid, detail, prae_budget, followup=followup, versions=signed, closed_years=closed)
        settings = settings_to_dict(settings_from_dict(json.loads(row.settings_json)))
        state = cv.state_from_dict(json.loads(row.articles_json))
        return PackageContent(uid, detail, prae_budget, settings, state, followup, signed, closed)


def export_package(
    store: Store, prae_id: int, out_path: Path | str, *, app_version: str, overwrite: bool = False
) -> Path:
    """Write the PRAE `prae_id` as a package at `out_path` (temp file, then renamed); return it.
    An existing file is replaced only with `overwrite`; the store or a SQLite file never is."""
    content = read_content(store, prae_id)
    out_path = check_output(Path(out_path).expanduser(), overwrite=overwrite, store_path=store.path)
    return write_package(content, out_path, app_version=app_version, schema_version=HEAD_REVISION)
