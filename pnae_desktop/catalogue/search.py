"""Accent-insensitive full-text search over a catalogue edition (no Qt)."""

from __future__ import annotations

from pnae_desktop.catalogue.model import (
    Action,
    Catalogue,
    CpoObjective,
    OperationalTheme,
    StructuralAxis,
)
from pnae_desktop.text import fold, matches_all_words


def action_text(action: Action) -> str:
    """Every word of a fiche: title, labels, notes, all fields, sub-actions, calendar."""
    d = action.description
    parts: list[str] = [str(action.number), action.title, action.theme_label, *action.notes]
    parts += [v for v in action.fields.values() if v]
    parts += [d.intro or "", d.outro or "", d.capitalisation or "", d.essaimage or ""]
    for sub in d.sub_actions:
        parts += [sub.group or "", sub.text, *sub.points, sub.after or ""]
    parts += [action.calendar_label, action.calendar_intro or ""]
    for year in action.calendar:
        parts += [str(year.year), *year.items, year.note or ""]
    return fold("\n".join(parts))


def theme_text(theme: OperationalTheme) -> str:
    return fold(
        "\n".join(
            [
                theme.title,
                *theme.objectives,
                *theme.propositions,
                *theme.public_policies,
                *theme.partnership,
                *theme.practices,
            ]
        )
    )


def axis_text(axis: StructuralAxis) -> str:
    return fold("\n".join([axis.title, *axis.objectives, *axis.actions]))


def objective_text(objective: CpoObjective) -> str:
    return fold(f"{objective.code}\n{objective.text}")


def search_actions(catalogue: Catalogue, query: str) -> list[int]:
    """Numbers of the actions whose fiche contains every word of `query`."""
    return [a.number for a in catalogue.actions if matches_all_words(action_text(a), query)]
