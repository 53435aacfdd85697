"""The PRAE as a PDF: cover, table of contents, synthesis, one fiche per action laid out like
the PNAE fiche model, budget summary, indicators and coverage of the CPO objectives.

The section builders (:func:`fiche_flowables`, :func:`budget_flowables`,
:func:`indicator_flowables`…) also make the annexes of the convention (convention_pdf.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from babel.numbers import format_decimal
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from pnae_desktop.catalogue.model import TERRITORIAL_LEVEL_LABELS, Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import drafting, richtext
from pnae_desktop.domain.convention import french_date
from pnae_desktop.domain.entities import PraeAction, PraeDetail
from pnae_desktop.domain.money import LOCALE, format_amount
from pnae_desktop.domain.rules import PRAE_STATUSES
from pnae_desktop.exports.pdf_common import (
    FONT,
    FONT_ITALIC,
    FRAME_WIDTH,
    ExportDoc,
    Heading,
    PdfMeta,
    atomic_output,
    data_table,
    decor_for,
    escape,
    french_spacing,
    keep_intro,
    key_value_table,
    list_flowables,
    markup,
    markup_list,
    para,
    styles,
    write_pdf,
)

ADAPTED_LABEL = "adapté au contexte régional"
ABSENT = "—"
SHORT_FINGERPRINT = 12


@dataclass(frozen=True)
class PraeData:
    """What the PRAE's sections are built from (the budget is optional for a fiche alone)."""

    detail: PraeDetail
    catalogue: Catalogue
    budget: dom.Budget | None = None
    totals: dom.BudgetTotals | None = None

    @property
    def years(self) -> tuple[int, ...]:
        return self.detail.years

    @cached_property
    def _numbers(self) -> dict[int, int]:
        return {a.id: n for n, a in enumerate(self.detail.actions, start=1)}

    def number(self, action: PraeAction) -> int:
        """The fiche's number in the PRAE: its rank, 1-based."""
        return self._numbers[action.id]

    def fiche_title(self, action: PraeAction) -> str:
        return f"Fiche {self.number(action)} – {action.title}"


# ------------------------------------------------------------------------------------------
# Formatting
# ------------------------------------------------------------------------------------------


def money(cents: int) -> str:
    return format_amount(cents)


def number_text(value: Decimal | None, unit: str = "") -> str:
    """An indicator's value: "65 %", "1 200", "12,5", "1 500 €"; "—" when absent."""
    if value is None:
        return ABSENT
    text = format_decimal(value, format="#,##0.##", locale=LOCALE)
    if unit == "pourcentage":
        return f"{text} %"
    if unit == "euros":
        return f"{text} €"
    return text


def objective_label(catalogue: Catalogue, code: str) -> str:
    """ "1.2 – assurer l'outillage des missions locales…" (first line of the objective)."""
    for o in catalogue.cpo_objectives:
        if o.code == code:
            first = o.text.split("\n", 1)[0].strip().rstrip(" :;,")
            return f"{code} – {first}"
    return code


def axis_label(catalogue: Catalogue, axis: str | None) -> str:
    if axis is None:
        return "Non affecté à un objectif CPO"
    for a in catalogue.cpo_axes:
        if str(a.number) == str(axis):
            return f"Axe {a.number} – {a.title[0].upper()}{a.title[1:]}"
    return f"Axe {axis}"


def _year_cells(amounts: dict[int, int], years) -> list[str]:
    return [money(amounts.get(y, 0)) for y in years] + [money(sum(amounts.get(y, 0) for y in years))]


def rich_flowables(text: str | None, *, absent: str = ABSENT) -> list:
    """Rich text (paragraphs, #### sub-headings, bullets, numbered lists with sub-items)."""
    st = styles()
    if text is None or not text.strip():
        return [para(absent, st.absent)]
    out = []
    for block in richtext.parse(text):
        if block.kind == "heading":
            out.append(para(block.text, st.subheading, rich=True))
        elif block.kind == "paragraph":
            out.append(para(block.text, st.body, rich=True))
        else:
            out += list_flowables(block.items, ordered=block.kind == "numbered", rich=True)
    return keep_intro(out)


def section(label: str, *, adapted: bool = False) -> Paragraph:
    """A fiche's field heading (navy band), with the "adapted" marker when it applies."""
    extra = ""
    if adapted:
        extra = (
            f'  <font name="{FONT_ITALIC}" size="7.5" color="#1d3a5f" backColor="#f6d365">'
            f"\u00a0{escape(ADAPTED_LABEL)}\u00a0</font>"
        )
    return Paragraph(markup(label) + extra, styles().section)


# ------------------------------------------------------------------------------------------
# One fiche
# ------------------------------------------------------------------------------------------


def _calendar(data: PraeData, action: PraeAction) -> list:
    st = styles()
    out = []
    if action.calendar_note:
        out += rich_flowables(action.calendar_note)
    years = sorted(set(data.years) | {m.year for m in action.milestones})

    def order(m):
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


def _identity(data: PraeData, action: PraeAction) -> list:
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


def fiche_flowables(data: PraeData, action: PraeAction, *, level: int = 1, toc_level: int | None = 1) -> list:
    """One fiche action: title, identity card, the PNAE model's fields in order (adapted ones
    marked), then the region's: deliverables, CPO objectives, indicators, budget."""
    st = styles()
    cat = data.catalogue
    try:
        adapted = set(drafting.adapted_fields(action, cat))
    except KeyError:  # declined from an action this catalogue edition does not have
        adapted = set()
    out: list = [Heading(data.fiche_title(action), st.part, level=level, toc_level=toc_level)]
    if "title" in adapted:
        source = cat.action(action.pnae_action).title
        out.append(para(f"Intitulé {ADAPTED_LABEL} ; intitulé du PNAE : « {source} »", st.note))
    if action.notes:
        out += [para(n, st.note, rich=True) for n in action.notes.split("\n") if n.strip()]
    out += _identity(data, action)

    for f in cat.fiche_model:
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

    out.append(section(drafting.FIELD_LABELS["livrables"]))
    out += rich_flowables(action.fields.get("livrables"))

    out.append(section("Objectifs CPO servis"))
    if action.objectives:
        items = [
            _Item(
                objective_label(cat, code)
                + (
                    f" (part du coût : {format_decimal(share, format='#,##0.##', locale=LOCALE)} %)"
                    if share is not None
                    else ""
                )
            )
            for code, share in action.objectives
        ]
        out += list_flowables(items)
    else:
        out.append(para(ABSENT, st.absent))

    out.append(section(drafting.FIELD_LABELS["indicators"]))
    out += _indicator_table(data, [action], grouped=False)

    if data.totals is not None:
        out.append(section("Budget prévisionnel de l'action"))
        out.append(_action_budget(data, action))
    return out


@dataclass(frozen=True)
class _Item:
    text: str
    children: tuple = ()
    after: tuple = ()


def _action_budget(data: PraeData, action: PraeAction):
    t, years = data.totals, data.years
    chart = dom.chart()
    header = ["Poste", *map(str, years), "Total"]
    rows, totals_at, groups = [], [], []
    groups.append(len(rows))
    rows.append(["Charges"])
    for code in chart.charge_codes:
        amounts = {y: t.direct_by_action_year_account.get((action.id, y, code), 0) for y in years}
        if any(amounts.values()):
            rows.append([chart.by_code[code].title, *_year_cells(amounts, years)])
    structural = {y: t.structural_by_action_year.get((action.id, y), 0) for y in years}
    if any(structural.values()):
        rows.append(["Quote-part des frais de structure", *_year_cells(structural, years)])
    totals_at.append(len(rows))
    rows.append(
        [
            "Coût complet de l'action",
            *_year_cells({y: t.full_by_action_year.get((action.id, y), 0) for y in years}, years),
        ]
    )
    groups.append(len(rows))
    rows.append(["Financements"])
    for f in data.budget.funders:
        amounts = {y: t.financing_by_action_year_funder.get((action.id, y, f.id), 0) for y in years}
        if any(amounts.values()):
            rows.append([f.name, *_year_cells(amounts, years)])
    totals_at.append(len(rows))
    rows.append(
        [
            "Total des financements",
            *_year_cells({y: t.financing_by_action_year.get((action.id, y), 0) for y in years}, years),
        ]
    )
    numeric = [False] + [True] * (len(header) - 1)
    return data_table(header, rows, numeric=numeric, total_rows=totals_at, group_rows=groups)


# ------------------------------------------------------------------------------------------
# Indicators
# ------------------------------------------------------------------------------------------


def _indicator_table(data: PraeData, actions, *, grouped: bool) -> list:
    st = styles()
    years = data.years
    header = ["Indicateur", "Unité", "Source", "Référence", *(f"Cible {y}" for y in years)]
    rows, groups = [], []
    for action in actions:
        if grouped:
            groups.append(len(rows))
            rows.append([data.fiche_title(action)])
        if not action.indicators and grouped:
            rows.append(["Aucun indicateur", "", "", "", *[""] * len(years)])
        for ind in action.indicators:
            baseline = number_text(ind.baseline, ind.unit)
            if ind.baseline is not None and ind.baseline_year:
                baseline += f" ({ind.baseline_year})"
            label = ind.label + (f" – {ind.comment}" if ind.comment else "")
            rows.append(
                [
                    label,
                    drafting.INDICATOR_UNITS.get(ind.unit, ind.unit),
                    drafting.INDICATOR_SOURCES.get(ind.source, ind.source),
                    baseline,
                    *(number_text(ind.target(y), ind.unit) for y in years),
                ]
            )
    if not rows:
        return [para("Aucun indicateur.", st.absent)]
    numeric = [False, False, False, True] + [True] * len(years)
    return [data_table(header, rows, numeric=numeric, group_rows=groups)]


def indicator_flowables(data: PraeData) -> list:
    """Every indicator of the PRAE with its baseline and yearly targets, by fiche."""
    return _indicator_table(data, data.detail.actions, grouped=True)


# ------------------------------------------------------------------------------------------
# Budget summary
# ------------------------------------------------------------------------------------------


def cost_per_axis_table(data: PraeData):
    t, years = data.totals, data.years
    axes = [a for a in t.axes] + ([None] if any(t.full_by_axis_year.get((None, y), 0) for y in years) else [])
    rows = [
        [
            axis_label(data.catalogue, a),
            *_year_cells({y: t.full_by_axis_year.get((a, y), 0) for y in years}, years),
        ]
        for a in axes
    ]
    rows.append(["Coût total du programme", *_year_cells(t.full_by_year, years)])
    header = ["Axe de la CPO", *map(str, years), "Total"]
    return data_table(header, rows, numeric=[False] + [True] * (len(years) + 1), total_rows=[len(rows) - 1])


def cost_per_action_table(data: PraeData):
    t, years = data.totals, data.years
    rows = [
        [
            data.fiche_title(a),
            *_year_cells({y: t.full_by_action_year.get((a.id, y), 0) for y in years}, years),
        ]
        for a in data.detail.actions
    ]
    left = {y: t.full_by_action_year.get((None, y), 0) for y in years}
    if any(left.values()):
        rows.append(["Frais de structure non répartis", *_year_cells(left, years)])
    rows.append(["Coût total du programme", *_year_cells(t.full_by_year, years)])
    header = ["Fiche action", *map(str, years), "Total"]
    return data_table(header, rows, numeric=[False] + [True] * (len(years) + 1), total_rows=[len(rows) - 1])


def financing_table(data: PraeData):
    t, years = data.totals, data.years
    rows = []
    for f in data.budget.funders:
        amounts = {y: t.financing_by_funder_year.get((f.id, y), 0) for y in years}
        if not any(amounts.values()):
            continue
        share = t.funder_share.get(f.id)
        rows.append([f.name, *_year_cells(amounts, years), _percent(share)])
    rows.append(
        [
            "Total des financements",
            *_year_cells(t.financing_by_year, years),
            "100 %" if t.financing_total else ABSENT,
        ]
    )
    header = ["Financeur", *map(str, years), "Total", "Part"]
    return data_table(header, rows, numeric=[False] + [True] * (len(years) + 2), total_rows=[len(rows) - 1])


def _percent(share: Decimal | None) -> str:
    if share is None:
        return ABSENT
    return f"{format_decimal(share, format='#,##0.0', locale=LOCALE)} %"


def charges_resources_table(data: PraeData):
    """Budget prévisionnel by nature: charges by account, structural costs, then resources by
    line of the chart (74 by funder kind), each with its total."""
    t, years = data.totals, data.years
    chart = dom.chart()
    header = ["Nature", *map(str, years), "Total"]
    rows, totals_at, groups = [], [], []
    groups.append(len(rows))
    rows.append(["Charges"])
    for code in chart.charge_codes:
        amounts = {y: t.direct_by_year_account.get((y, code), 0) for y in years}
        if any(amounts.values()):
            rows.append([chart.by_code[code].title, *_year_cells(amounts, years)])
    if any(t.structural_by_year.get(y, 0) for y in years):
        rows.append(
            [
                "Frais de structure (fonctionnement du siège, direction)",
                *_year_cells(t.structural_by_year, years),
            ]
        )
    totals_at.append(len(rows))
    rows.append(["Total des charges", *_year_cells(t.full_by_year, years)])
    groups.append(len(rows))
    rows.append(["Ressources"])
    for line in (*chart.resource_lines, None):
        amounts = {y: t.resources_by_line_year.get((line, y), 0) for y in years}
        if not any(amounts.values()):
            continue
        if line is None:
            label = "Financeur sans ligne du plan comptable"
        elif "." in line:
            label = f"74 Subventions d'exploitation – {chart.by_code[line].label}"
        else:
            label = chart.by_code[line].title
        rows.append([label, *_year_cells(amounts, years)])
    totals_at.append(len(rows))
    rows.append(["Total des ressources", *_year_cells(t.financing_by_year, years)])
    numeric = [False] + [True] * (len(years) + 1)
    return data_table(header, rows, numeric=numeric, total_rows=totals_at, group_rows=groups)


def balance_sentence(data: PraeData) -> str:
    t = data.totals
    if t.balance_total == 0:
        return (
            (
                f"Total des charges = total des ressources : {money(t.full_total)}. "
                "Le budget est équilibré pour chaque année."
            )
            if all(v == 0 for v in t.balance_by_year.values())
            else (f"Total des charges = total des ressources sur la période : {money(t.full_total)}.")
        )
    gap = t.balance_total
    word = "excédent" if gap > 0 else "déficit"
    return (
        f"Total des charges : {money(t.full_total)} ; total des ressources : "
        f"{money(t.financing_total)} ; {word} de {money(abs(gap))} à résorber."
    )


def budget_flowables(data: PraeData, *, level: int = 1, toc_level: int | None = 1) -> list:
    """Cost per axis and per fiche, budget by nature, financing per funder; by year."""
    st = styles()

    def h(text):
        return Heading(text, st.subheading, level=level, toc_level=toc_level)

    return [
        h("Coût du programme par axe de la CPO et par année"),
        cost_per_axis_table(data),
        Spacer(1, 8),
        h("Plan de financement par financeur et par année"),
        financing_table(data),
        Spacer(1, 8),
        h("Budget prévisionnel par nature de charges et de ressources"),
        charges_resources_table(data),
        para(balance_sentence(data), st.small),
        Spacer(1, 8),
        h("Coût complet par fiche action et par année"),
        cost_per_action_table(data),
        para(
            "Coût complet : charges directes de l'action et quote-part des frais de structure, "
            "répartis selon la clé de chaque année.",
            st.note,
        ),
    ]


# ------------------------------------------------------------------------------------------
# Synthesis and coverage
# ------------------------------------------------------------------------------------------


def synthesis_table(data: PraeData):
    years = data.years
    header = ["N°", "Fiche action", "Origine", "Pilote", "Objectifs CPO"]
    rows = []
    for a in data.detail.actions:
        origin = f"PNAE, action {a.pnae_action}" if a.pnae_action is not None else "Régionale"
        rows.append(
            [
                str(data.number(a)),
                a.title,
                origin,
                a.pilot or ABSENT,
                ", ".join(a.objective_codes) or ABSENT,
            ]
        )
    if data.totals is not None:
        header.append("Coût complet")
        for row, a in zip(rows, data.detail.actions):
            row.append(money(sum(data.totals.full_by_action_year.get((a.id, y), 0) for y in years)))
        rows.append(["", "Total", "", "", "", money(data.totals.full_total)])
    numeric = [False] * 5 + ([True] if data.totals is not None else [])
    return data_table(header, rows, numeric=numeric, total_rows=[len(rows) - 1] if data.totals is not None else ())


def coverage_flowables(data: PraeData) -> list:
    st = styles()
    cov = drafting.coverage(data.detail, data.catalogue)
    by_id = {a.id: a for a in data.detail.actions}
    years = data.years
    header = ["Objectif de la CPO", "Fiches (n°)"]
    rows = []
    for code, ids in cov.objectives:
        served = ", ".join(str(data.number(by_id[i])) for i in ids) if ids else "Non couvert"
        row = [objective_label(data.catalogue, code), served]
        if data.totals is not None:
            row.append(money(sum(data.totals.full_by_objective_year.get((code, y), 0) for y in years)))
        rows.append(row)
    numeric = [False, False]
    if data.totals is not None:
        header.append("Coût complet imputé")
        numeric.append(True)
    out = [data_table(header, rows, numeric=numeric, widths=None)]
    if cov.uncovered_objectives:
        out.append(para("Objectifs non couverts : " + ", ".join(cov.uncovered_objectives) + ".", st.small))
    else:
        out.append(para("Tous les objectifs de la CPO sont servis par au moins une fiche action.", st.small))
    out.append(Spacer(1, 6))
    out.append(para("Thèmes prioritaires du PNAE", st.subheading))
    items = []
    for number, declined, missing in cov.priority_themes:
        theme = next(t for t in data.catalogue.priority_themes if t.number == number)
        text = f"Thème prioritaire {number} – {theme.title} : "
        text += (
            ("actions du PNAE déclinées : " + ", ".join(map(str, declined))) if declined else "aucune action déclinée"
        )
        if missing:
            text += " ; non déclinées : " + ", ".join(map(str, missing))
        items.append(_Item(text + "."))
    out += list_flowables(items)
    if cov.not_declined:
        out.append(
            para(
                "Actions du PNAE non déclinées dans ce PRAE : " + ", ".join(map(str, cov.not_declined)) + ".",
                st.small,
            )
        )
    return out


# ------------------------------------------------------------------------------------------
# Fingerprint
# ------------------------------------------------------------------------------------------


def prae_fingerprint(detail: PraeDetail, totals: dom.BudgetTotals | None = None) -> str:
    """SHA-256 of the PRAE's content (fiches, missions locales, budget figures), timestamps and
    status excluded: the same content always gives the same fingerprint."""
    summary = asdict(detail.summary)
    for key in ("created_at", "updated_at", "status", "id"):
        summary.pop(key, None)
    content = {
        "summary": summary,
        "organisation": asdict(detail.organisation),
        "actions": [asdict(a) for a in detail.actions],
        "missions_locales": [asdict(m) for m in detail.missions_locales],
    }
    if totals is not None:
        content["budget"] = {
            "full_by_action_year": sorted((str(k), v) for k, v in totals.full_by_action_year.items()),
            "financing_by_action_year_funder": sorted(
                (str(k), v) for k, v in totals.financing_by_action_year_funder.items()
            ),
            "direct_by_year_account": sorted((str(k), v) for k, v in totals.direct_by_year_account.items()),
        }
    text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------
# The document
# ------------------------------------------------------------------------------------------


def _cover(data: PraeData, fingerprint: str) -> list:
    st = styles()
    d = data.detail
    org = d.organisation
    years = d.years
    out = [
        Spacer(1, 30 * mm),
        para(org.name, st.cover_org),
        Spacer(1, 14 * mm),
        para("Programme régional d'animation et d'évaluation", st.cover_kind),
        para(d.summary.title, st.cover_title),
        para(
            f"Région {d.summary.region_name} – du 1er janvier {years[0]} au 31 décembre {years[-1]}",
            st.cover_line,
        ),
        Spacer(1, 10 * mm),
    ]
    rows = [
        ("Association", org.name),
        ("Siège", org.address or ABSENT),
        ("SIRET", org.siret or ABSENT),
        (
            "Représentée par",
            ", ".join(p for p in (org.representative_name, org.representative_title) if p) or ABSENT,
        ),
        ("Socle commun", f"{data.catalogue.title} ({data.catalogue.edition_label})"),
        (
            "Fiches actions",
            f"{len(d.actions)} dont {sum(1 for a in d.actions if a.is_regional)} régionale(s)",
        ),
        ("Statut", PRAE_STATUSES.get(d.summary.status, d.summary.status)),
        ("Édité le", french_date(date.today())),
    ]
    if data.totals is not None:
        rows.insert(6, ("Coût complet prévisionnel", money(data.totals.full_total)))
    out.append(key_value_table(rows, width=FRAME_WIDTH * 0.8, label_width=42 * mm))
    out.append(Spacer(1, 12 * mm))
    out.append(para(f"Empreinte du contenu (SHA-256) : {fingerprint}", st.cover_small))
    return out


def build_prae_pdf(
    detail: PraeDetail,
    catalogue: Catalogue,
    budget: dom.Budget | None,
    totals: dom.BudgetTotals | None,
    out_path,
    *,
    meta: PdfMeta,
) -> Path:
    """Write the PRAE to `out_path` (A4, fonts embedded, page X / Y and the content's short
    fingerprint on every page, outline and table of contents); return the path."""
    story, decor = prae_story(detail, catalogue, budget, totals, meta)
    with atomic_output(out_path) as tmp:
        write_pdf(ExportDoc(tmp, meta), story, decor, multi=True)
    return Path(out_path)


def prae_story(
    detail: PraeDetail,
    catalogue: Catalogue,
    budget: dom.Budget | None,
    totals: dom.BudgetTotals | None,
    meta: PdfMeta,
):
    """The flowables of the PRAE document and what every page shows."""
    data = PraeData(detail, catalogue, budget if totals is not None else None, totals)
    st = styles()
    fingerprint = prae_fingerprint(detail, totals)
    toc = TableOfContents(
        levelStyles=st.toc_levels,
        dotsMinLevel=0,
        tableStyle=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),  # reportlab's default would select Helvetica
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    story: list = _cover(data, fingerprint)
    story += [PageBreak(), Heading("Sommaire", st.part, level=0), toc, PageBreak()]
    story += [
        Heading("Synthèse du programme", st.part, level=0, toc_level=0),
        synthesis_table(data),
    ]
    story += [
        Spacer(1, 10),
        Heading("Couverture des objectifs de la CPO", st.part, level=0, toc_level=0),
    ]
    story += coverage_flowables(data)
    for i, action in enumerate(detail.actions):
        story.append(PageBreak())
        if i == 0:
            story.append(Heading("Fiches actions", st.part, level=0, toc_level=0))
        story += fiche_flowables(data, action, level=1, toc_level=1)
    if totals is not None:
        story += [PageBreak(), Heading("Budget prévisionnel", st.part, level=0, toc_level=0)]
        story += budget_flowables(data, level=1, toc_level=1)
    story += [
        CondPageBreak(60 * mm),
        Spacer(1, 10),
        Heading("Indicateurs et cibles annuelles", st.part, level=0, toc_level=0),
    ]
    story += indicator_flowables(data)
    return story, decor_for(meta, fingerprint=fingerprint[:SHORT_FINGERPRINT])


def prae_meta(detail: PraeDetail, app_version: str | None = None) -> PdfMeta:
    """The usual document information of a PRAE: its title, the ARML as author."""
    s = detail.summary
    kw = {"creator": f"PNAE Desktop {app_version}"} if app_version else {}
    return PdfMeta(
        title=s.title,
        author=detail.organisation.name,
        subject=f"Programme régional d'animation et d'évaluation {s.start_year}-{s.end_year}",
        keywords=("PRAE", "PNAE", s.region_name),
        **kw,
    )


def export(
    detail: PraeDetail,
    catalogue: Catalogue,
    budget: dom.Budget | None,
    totals: dom.BudgetTotals | None,
    out_path,
    *,
    app_version: str | None = None,
) -> Path:
    """What services/exports.py calls: the PRAE with its usual metadata (:func:`prae_meta`)."""
    return build_prae_pdf(detail, catalogue, budget, totals, out_path, meta=prae_meta(detail, app_version))
