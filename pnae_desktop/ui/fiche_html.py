"""HTML for Qt's rich-text widgets: a PNAE fiche action, a theme, an objective."""

from __future__ import annotations

import re

from pnae_desktop.catalogue.model import (
    TERRITORIAL_LEVEL_LABELS,
    Action,
    Catalogue,
    CpoObjective,
    OperationalTheme,
    PriorityTheme,
    StructuralAxis,
)
from pnae_desktop.domain import richtext
from pnae_desktop.text import escape_markup
from pnae_desktop.ui import palette

STYLE = palette.stylesheet(
    """
<style>
h1 { font-size: 15pt; color: @navy; margin-bottom: 2px; }
h2 { font-size: 11pt; color: @white; background-color: @navy; padding: 3px; margin-top: 14px; }
h3 { font-size: 10.5pt; color: @navy; margin-top: 8px; }
p { margin-top: 3px; margin-bottom: 3px; }
.label { color: @muted; font-style: italic; }
.note { color: @warning; font-style: italic; }
.absent { color: @muted; font-style: italic; }
.editor { color: @text; background-color: @highlight_bg; padding: 4px; }
</style>
"""
)


def _inline(text: str) -> str:
    return re.sub(r"\*([^*]+)\*", r"<i>\1</i>", escape_markup(text))


def _items(items: list[richtext.Item], ordered: bool) -> str:
    tag = "ol" if ordered else "ul"
    out = [f"<{tag}>"]
    for item in items:
        out.append(f"<li>{_inline(item.text)}")
        if item.children:
            out.append(_items(item.children, ordered=item.children[0].number is not None))
        for after in item.after:
            out.append(f"<p>{_inline(after)}</p>")
        out.append("</li>")
    out.append(f"</{tag}>")
    return "".join(out)


def rich(text: str | None) -> str:
    """Render stored rich text; a field absent from the source says so."""
    if text is None:
        return '<p class="absent">(rubrique absente de la fiche du PNAE)</p>'
    if not text.strip():
        return '<p class="absent">—</p>'
    out = []
    for block in richtext.parse(text):
        if block.kind == "heading":
            out.append(f"<h3>{_inline(block.text)}</h3>")
        elif block.kind == "paragraph":
            out.append(f"<p>{_inline(block.text)}</p>")
        else:
            out.append(_items(block.items, ordered=block.kind == "numbered"))
    return "".join(out)


def editor_note_html(note: str) -> str:
    """The catalogue editors' « Note » on a fiche (not PNAE text), set apart from the fiche."""
    return f'<p class="editor"><b>Note</b> (hors texte du PNAE) : {escape_markup(note)}</p>'


def action_html(catalogue: Catalogue, action: Action) -> str:
    parts = [STYLE, f"<h1>Action {action.number}. {escape_markup(action.title)}</h1>"]
    parts.append(f'<p class="label">{escape_markup(action.theme_label)}</p>')
    if action.editor_note:
        parts.append(editor_note_html(action.editor_note))
    for note in action.notes:
        parts.append(f'<p class="note">{_inline(note)}</p>')
    d = action.description
    for f in catalogue.fiche_model:
        parts.append(f"<h2>{escape_markup(f.label)}</h2>")
        if f.key == "description":
            if d.intro:
                parts.append(rich(d.intro))
            current_group = None
            for sub in d.sub_actions:
                if sub.group and sub.group != current_group:
                    parts.append(f"<h3>{escape_markup(sub.group)}</h3>")
                    current_group = sub.group
                parts.append(f"<p><b>{sub.number}.</b> {_inline(sub.text)}</p>")
                if sub.points:
                    parts.append("<ul>" + "".join(f"<li>{_inline(p)}</li>" for p in sub.points) + "</ul>")
                if sub.after:
                    parts.append(rich(sub.after))
            if d.outro:
                parts.append(rich(d.outro))
            for label, value in (("Capitalisation", d.capitalisation), ("Essaimage", d.essaimage)):
                if value is not None:
                    parts.append(f"<h3>{label}</h3>{rich(value) if value else ''}")
        elif f.key == "calendrier":
            parts[-1] = f"<h2>{escape_markup(action.calendar_label)}</h2>"
            if action.calendar_intro:
                parts.append(rich(action.calendar_intro))
            for year in action.calendar:
                parts.append(f"<h3>{year.year}</h3>")
                if year.items:
                    parts.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in year.items) + "</ul>")
                else:
                    parts.append('<p class="absent">—</p>')
                if year.note:
                    parts.append(rich(year.note))
            if not action.calendar and not action.calendar_intro:
                parts.append('<p class="absent">(rubrique absente de la fiche du PNAE)</p>')
        else:
            parts.append(rich(action.fields.get(f.key)))
            if f.key == "dimension_territoriale" and action.territorial_levels:
                levels = " – ".join(TERRITORIAL_LEVEL_LABELS[lv] for lv in action.territorial_levels)
                parts.append(f'<p class="label">Niveaux : {levels}</p>')
    return "".join(parts)


def _list(title: str, items: tuple[str, ...]) -> str:
    if not items:
        return ""
    return f"<h2>{escape_markup(title)}</h2><ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>"


def theme_html(theme: OperationalTheme) -> str:
    return (
        STYLE
        + f"<h1>Thème opérationnel {theme.number}</h1><p><b>{escape_markup(theme.title)}</b></p>"
        + _list("Objectifs", theme.objectives)
        + _list("Propositions", theme.propositions)
        + _list("Mise en œuvre des politiques publiques", theme.public_policies)
        + _list("Développement du partenariat", theme.partnership)
        + _list("Échanges de pratiques – Capitalisation – Innovation", theme.practices)
    )


def axis_html(axis: StructuralAxis) -> str:
    return (
        STYLE
        + f"<h1>Axe structurel {axis.number}</h1><p><b>{escape_markup(axis.title)}</b></p>"
        + _list("Objectifs", axis.objectives)
        + _list("Actions", axis.actions)
    )


def priority_html(catalogue: Catalogue, theme: PriorityTheme) -> str:
    actions = tuple(f"Action {n}. {catalogue.action(n).title}" for n in theme.actions)
    return (
        STYLE
        + f"<h1>Thème prioritaire {theme.number}</h1><p><b>{escape_markup(theme.title)}</b></p>"
        + _list("Déclinaisons", theme.items)
        + _list("Actions du PNAE couvertes", actions)
    )


def objective_html(catalogue: Catalogue, objective: CpoObjective) -> str:
    axis = next(a for a in catalogue.cpo_axes if a.number == objective.axis)
    return (
        STYLE
        + f"<h1>Objectif {escape_markup(objective.code)}</h1>"
        + f'<p class="label">Axe {axis.number} : {escape_markup(axis.title)}</p>'
        + rich(objective.text)
        + '<p class="label">Instruction N° DGEFP/SDPAE/2017/331 du 28 novembre 2017, II.</p>'
    )
