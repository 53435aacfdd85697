"""The PRAE as one JSON document: what `pnae-desktop show --format json` prints and what the
scripting API's `snapshot()` returns (pnae_desktop.api), built in one place."""

from __future__ import annotations

import json
from typing import Any

from pnae_desktop.domain.snapshot import Snapshot
from pnae_desktop.exports import serialize
from pnae_desktop.exports.followup_json import realised_to_dict
from pnae_desktop.services import convention
from pnae_desktop.services.checks import document_checks


def snapshot_to_dict(snap: Snapshot, closed_years: tuple[int, ...] = ()) -> dict[str, Any]:
    """Detail, budget (with totals and problems), convention (with its checks), the realised
    years with their gaps and the closed years of a full snapshot; amounts as strings such as
    "1500.00", ids as integers, actions in order."""
    data = serialize.prae_to_dict(snap.detail)
    data["budget"] = serialize.budget_to_dict(snap.budget, snap.totals)
    data["budget"]["problems"] = [p.message for p in snap.problems]
    assert snap.convention is not None
    data["convention"] = convention.convention_to_dict(*snap.convention)
    # The one list of checks the Convention and Exports pages show (services.checks).
    data["convention"]["checks"] = [p.to_dict() for p in document_checks(snap)]
    data["realised"] = realised_to_dict(snap)
    data["closed_years"] = list(closed_years)  # realised years closed by « Préparer le PRAE N+1 »
    return data


def snapshot_to_json(snap: Snapshot, closed_years: tuple[int, ...] = ()) -> str:
    return json.dumps(snapshot_to_dict(snap, closed_years), ensure_ascii=False, indent=2, sort_keys=True)
