"""One fiche action as PDF flowables, laid out like the PNAE fiche model: title, identity card,
the model's fields in order (adapted ones marked), then the region's: deliverables, CPO
objectives, indicators and the action's budget."""

from __future__ import annotations

from babel.numbers import format_decimal
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from pnae_desktop.catalogue.model import TERRITORIAL_LEVEL_LABELS
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import drafting
from pnae_desktop.domain.entities import Milestone, PraeAction
from pnae_desktop.domain.money import LOCALE
from pnae_desktop.exports.pdf.document import Heading
from pnae_desktop.exports.pdf.indicators import indicator_table
from pnae_desktop.exports.pdf.lists import list_flowables, markup_list
from pnae_desktop.exports.pdf.prae_data import (
    ABSENT,
    ADAPTED_LABEL,
    PraeData,
    money,
    objective_item,
    resource_line_label,
    rich_flowables,
    section,
    year_cells,
)
from pnae_desktop.exports.pdf.styles import FRAME_WIDTH, para, styles
from pnae_desktop.exports.pdf.tables import column_widths, data_table, key_value_table
from pnae_desktop.exports.pdf.text import escape, french_spacing, markup


def _calendar(data: PraeData, action: PraeAction) -> list[Flowable]:
    st = styles()
    out: list[Flowable] = []
    if action.calendar_note:
        out += rich_flowables(action.calendar_note)
    years = sorted(set(data.years) | {m.year for m in action.milestones})

    def order(m: Milestone) -> tuple[int, int, int]:
        if m.day is not None:
            return (1, (m.day.month - 1) // 3 + 1, m.day.toordinal())
        if m.quarter is not None:
            return (1, m.quarter, 0)
        return (0, 0, 0)

    for year in years:
        items = sorted((m for m in action.milestones if m.year == year), key=order)
        out.append(para(str(year), st.subheading))
        if not items:
            out.append(para(ABSENT, st.absent))
            continue
        lines = []
        for m in items:
            when = m.when_label if (m.quarter is not None or m.day is not None) else ""
            text = markup(m.text, rich=True)
            lines.append(f"<b>{escape(french_spacing(when))}</b> – {text}" if when else text)
        out += markup_list(lines)
    return out


def _identity(data: PraeData, action: PraeAction) -> list[Flowable]:
    if action.pnae_action is not None:
        origin = f"Déclinaison de l'action {action.pnae_action} du PNAE – {action.theme_label}"
    else:
        origin = "Action régionale (hors socle commun du PNAE)"
    names = {m.id: m for m in data.detail.missions_locales}
    mls = [names[i] for i in action.mission_locale_ids if i in names]
    ml_text = " ; ".join(f"{m.name} ({m.city})" if m.city else m.name for m in mls) or ABSENT
    objectives = [
        f"{code} ({format_decimal(share, format='#,##0.##', locale=LOCALE)} %)" if share is not None else code
        for code, share in action.objectives
    ]
    levels = " – ".join(TERRITORIAL_LEVEL_LABELS.get(lv, lv) for lv in action.territorial_levels)
    rows = [
        ("Origine", origin),
        ("Priorité régionale", "Oui" if action.regional_priority else "Non"),
        ("Pilote", action.pilot or ABSENT),
        ("Co-pilotes", action.co_pilots or ABSENT),
        ("Partenaires", action.partners or ABSENT),
        ("Missions locales concernées", ml_text),
        ("Objectifs CPO servis", ", ".join(objectives) or ABSENT),
        ("Dimension territoriale", levels or ABSENT),
    ]
    if data.totals is not None:
        cost = sum(data.totals.full_by_action_year.get((action.id, y), 0) for y in data.years)
        rows.append(
            (
                "Coût complet prévisionnel",
                f"{money(cost)} sur {len(data.years)} ans" if len(data.years) > 1 else money(cost),
            )
        )
    return [key_value_table(rows), Spacer(1, 2)]


def fiche_flowables(data: PraeData, action: PraeAction, *, level: int = 1, toc_level: int | None = 1) -> list[Flowable]:
    """One fiche action: title, identity card, the PNAE model's fields in order (adapted ones
    marked), then the region's: deliverables, CPO objectives, indicators, budget."""
    st = styles()
    cat = data.catalogue
    try:
        adapted = set(drafting.adapted_fields(action, cat))
    except KeyError:  # declined from an action this catalogue edition does not have
        adapted = set()
    out: list[Flowable] = [Heading(data.fiche_title(action), st.part, level=level, toc_level=toc_level)]
    if "title" in adapted and action.pnae_action is not None:  # only a declined action is adapted
        source = cat.action(action.pnae_action).title
        out.append(para(f"Intitulé {ADAPTED_LABEL} ; intitulé du PNAE : « {source} »", st.note))
    out += _editor_note(data, action)
    if action.notes:
        out += [para(n, st.note, rich=True) for n in action.notes.split("\n") if n.strip()]
    out += _identity(data, action)
    out += _model_fields(data, action, adapted)
    out += _regional_fields(data, action)
    return out


def _editor_note(data: PraeData, action: PraeAction) -> list[Flowable]:
    """The catalogue editors' « Note » on the PNAE action this fiche declines (not PNAE text):
    e.g. actions 12 and 13, whose fiches are headed with each other's structural axis."""
    if action.pnae_action is None:
        return []
    try:
        note = data.catalogue.action(action.pnae_action).editor_note
    except KeyError:  # declined from an action this catalogue edition does not have
        return []
    if not note:
        return []
    text = f"<b>Note</b> (hors texte du PNAE) : {markup(note)}"
    return [Paragraph(text, styles().editor_note)]


def _model_fields(data: PraeData, action: PraeAction, adapted: set[str]) -> list[Flowable]:
    """The fields of the PNAE fiche model, in its order; `adapted` ones marked."""
    st = styles()
    out: list[Flowable] = []
    for f in data.catalogue.fiche_model:
        if f.key == "description":
            keys = {"description", "capitalisation", "essaimage"}
            out.append(section(f.label, adapted=bool(adapted & keys)))
            out += rich_flowables(action.fields.get("description"))
            for key, label in (("capitalisation", "Capitalisation"), ("essaimage", "Essaimage")):
                value = action.fields.get(key)
                if value and value.strip():
                    out.append(para(label, st.subheading))
                    out += rich_flowables(value)
        elif f.key == "calendrier":
            out.append(section(f.label))
            out += _calendar(data, action)
        else:
            out.append(section(f.label, adapted=f.key in adapted))
            out += rich_flowables(action.fields.get(f.key))
            if f.key == "dimension_territoriale" and action.territorial_levels:
                levels = " – ".join(TERRITORIAL_LEVEL_LABELS.get(lv, lv) for lv in action.territorial_levels)
                out.append(para(f"Niveaux : {levels}", st.note))
    return out


def _regional_fields(data: PraeData, action: PraeAction) -> list[Flowable]:
    """What the region adds to the model: deliverables, CPO objectives, indicators, budget."""
    st = styles()
    out: list[Flowable] = [section(drafting.FIELD_LABELS["livrables"])]
    out += rich_flowables(action.fields.get("livrables"))

    out.append(section("Objectifs CPO servis"))
    if action.objectives:
        items = [
            objective_item(
                data.catalogue,
                code,
                f" (part du coût : {format_decimal(share, format='#,##0.##', locale=LOCALE)} %)"
                if share is not None
                else "",
            )
            for code, share in action.objectives
        ]
        out += list_flowables(items)
    else:
        out.append(para(ABSENT, st.absent))

    out.append(section(drafting.FIELD_LABELS["indicators"]))
    out += indicator_table(data, [action], grouped=False)

    if data.totals is not None:
        out.append(section("Budget prévisionnel de l'action"))
        out.append(_action_budget(data, action))
    return out


NATURE_WIDTH = 38 * mm


def _charge_line_rows(data: PraeData, action: PraeAction) -> list[list[str]]:
    """One row per budget line of the action (its label, its account, its amount per year and
    their total), accounts in the chart's order, lines in their order of entry."""
    chart, years = dom.chart(), data.years
    order = {code: i for i, code in enumerate(chart.charge_codes)}
    lines: dict[tuple[str, str], dict[int, int]] = {}
    for c in data.budget_plan.charges:
        if c.action_id == action.id and c.year in years:
            amounts = lines.setdefault((c.account, c.label), {})
            amounts[c.year] = amounts.get(c.year, 0) + c.cents
    rows = []
    for account, label in sorted(lines, key=lambda key: order.get(key[0], len(order))):
        nature = chart.by_code[account].title if account in chart.by_code else account
        rows.append([label or ABSENT, nature, *year_cells(lines[account, label], years)])
    return rows


def _action_budget(data: PraeData, action: PraeAction) -> Table:
    """The action's budget: each charge line (label, nature, amount per year), structural
    costs, full cost; each funder (with its line of the chart), total financing."""
    t, years = data.budget_totals, data.years
    kinds = {k.kind: k.resource_line for k in dom.funder_kinds()}
    header = ["Poste", "Nature", *map(str, years), "Total"]
    rows: list[list[str]] = [["Charges"]]
    totals_at: list[int] = []
    groups: list[int] = [0]
    rows += _charge_line_rows(data, action)
    structural = {y: t.structural_by_action_year.get((action.id, y), 0) for y in years}
    if any(structural.values()):
        rows.append(["Quote-part des frais de structure", "Frais de structure", *year_cells(structural, years)])
    totals_at.append(len(rows))
    full = {y: t.full_by_action_year.get((action.id, y), 0) for y in years}
    rows.append(["Coût complet de l'action", "", *year_cells(full, years)])
    groups.append(len(rows))
    rows.append(["Financements"])
    for f in data.budget_plan.funders:
        amounts = {y: t.financing_by_action_year_funder.get((action.id, y, f.id), 0) for y in years}
        if any(amounts.values()):
            rows.append([f.name, resource_line_label(kinds.get(f.kind)), *year_cells(amounts, years)])
    totals_at.append(len(rows))
    financing = {y: t.financing_by_action_year.get((action.id, y), 0) for y in years}
    rows.append(["Total des financements", "", *year_cells(financing, years)])
    numeric = [False, False] + [True] * (len(header) - 2)
    measured = [r for i, r in enumerate(rows) if i not in groups]
    widths = column_widths(header, measured, numeric, FRAME_WIDTH)
    nature = max(widths[1], NATURE_WIDTH)  # "74 Subventions d'exploitation – Région(s)" on two lines
    widths[0] -= nature - widths[1]
    widths[1] = nature
    return data_table(header, rows, numeric=numeric, total_rows=totals_at, group_rows=groups, widths=widths)
