"""Suggested CPO objectives and indicators per PNAE action (resources/suggestions/<edition>.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from pnae_desktop import paths


@dataclass(frozen=True)
class IndicatorSuggestion:
    label: str
    unit: str
    source: str


@dataclass(frozen=True)
class ActionSuggestions:
    objectives: tuple[str, ...] = ()
    indicators: tuple[IndicatorSuggestion, ...] = ()


@lru_cache(maxsize=4)
def _load(edition: str) -> dict:
    entry = paths.resources().joinpath("suggestions", f"{edition}.json")
    if not entry.is_file():
        return {}
    return json.loads(entry.read_text(encoding="utf-8")).get("actions", {})


def for_action(edition: str, pnae_action: int | None) -> ActionSuggestions:
    """Suggestions for a PNAE action; none for a regional action or an unknown edition."""
    data = _load(edition).get(str(pnae_action)) if pnae_action is not None else None
    if not data:
        return ActionSuggestions()
    return ActionSuggestions(
        objectives=tuple(data.get("objectives", ())),
        indicators=tuple(IndicatorSuggestion(i["label"], i["unit"], i["source"]) for i in data.get("indicators", ())),
    )
