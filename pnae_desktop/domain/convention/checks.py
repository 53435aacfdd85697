"""Checks before export: everything to fix before the convention can be signed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pnae_desktop.domain.amount_words import format_amount
from pnae_desktop.domain.convention.blocks import RenderedConvention, Unresolved, _block_text
from pnae_desktop.domain.convention.context import NOT_STEERING, ConventionContext, Funder, PaymentSchedule
from pnae_desktop.domain.convention.placeholders import _CANDIDATE, LISTS, TABLES, VALUES
from pnae_desktop.domain.convention.render import (
    _capitalised,
    _year_amount,
    amount_value,
    french_date,
    instalment_amounts,
    render,
)
from pnae_desktop.domain.convention.state import ConventionState, _template, article_label
from pnae_desktop.domain.convention.template import ConventionTemplate
from pnae_desktop.domain.rules import siret_is_valid
from pnae_desktop.text import fold

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Check:
    code: str
    severity: str  # ERROR blocks the export, WARNING does not
    message: str  # French
    location: str  # where to jump: an article key, or a context field ("arml.siret", "period")
    article: str | None = None  # the article (or section) showing it, when location is a field


_SECTIONS = {
    "title": "le titre",
    "parties": "la désignation des parties",
    "preamble": "le préambule",
    "signature": "le bloc de signature",
}
# "61 200 €", "61 200,00 euros", "61.200 EUR", "1500€"
_TYPED_AMOUNT = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:,(\d{1,2}))?\s?(?:€|euros?\b|EUR\b)",
    re.IGNORECASE,
)


def _of(name: str) -> str:
    """« de l'État », « de la Région Hauts-de-France »… as French writes it after « de »."""
    if name == "État":
        return "de l'État"
    return f"de {name}"


def typed_amounts(text: str) -> tuple[tuple[str, int], ...]:
    """Euro amounts written in figures in `text`: (as typed, cents)."""
    found = []
    for m in _TYPED_AMOUNT.finditer(_CANDIDATE.sub(" ", text or "")):
        whole = int(re.sub(r"\D", "", m.group(1)))
        cents = int((m.group(2) or "0").ljust(2, "0"))
        found.append((m.group(0).strip(), whole * 100 + cents))
    return tuple(found)


def budget_figures(ctx: ConventionContext) -> set[int]:
    """Every amount the budget gives: per funder, per axis, per year, totals, instalments."""
    years = ctx.period.years
    series = [f.amounts for f in ctx.funders] + [a.amounts for a in ctx.axis_costs]
    figures: set[int] = set()
    for s in series:
        figures.update(_year_amount(s, y) for y in years)
        figures.add(sum(_year_amount(s, y) for y in years))
    for who in ("cost", "parties"):
        for when in ("total", *map(str, years)):
            value = amount_value(ctx, f"{who}.{when}")
            if value is not None:
                figures.add(value)
    for schedule in ctx.payments:
        funder = ctx.funder(schedule.funder)
        if funder:
            figures.update(instalment_amounts(_year_amount(funder.amounts, schedule.year), schedule.instalments))
    return figures


class _Checker:
    def __init__(
        self,
        state: ConventionState,
        ctx: ConventionContext,
        template: ConventionTemplate,
        rendered: RenderedConvention,
    ) -> None:
        self.state, self.ctx, self.t, self.r = state, ctx, template, rendered
        self.articles = {a.key: a for a in rendered.articles}
        self.out: list[Check] = []

    def add(self, code: str, severity: str, message: str, location: str, article: str | None = None) -> None:
        self.out.append(Check(code, severity, message, location, article))

    def _funder_name(self, key: str) -> str:
        funder = self.ctx.funder(key)
        return funder.name if funder else "financeur supprimé du budget"

    def where(self, key: str) -> str:
        if key in _SECTIONS:
            return _SECTIONS[key]
        a = self.articles.get(key)
        return f"l'{article_label(a.number)} « {a.title} »" if a else f"l'article « {key} »"

    def run(self) -> list[Check]:
        self.signatories()
        self.siret()
        self.period()
        self.budget()
        self.payments()
        self.steering()
        self.signature_date()
        self.articles_text()
        self.typed_amounts()
        self.unresolved()
        return self.out

    def signatories(self) -> None:
        people = [
            ("state.signatory", "le signataire pour l'État", self.ctx.state.signatory),
            ("state.prefect", "le préfet de région", self.ctx.state.prefect),
            ("arml.signatory", "le signataire pour l'association", self.ctx.arml.signatory),
        ]
        if self.ctx.council is not None:
            people.append(("council.signatory", "le signataire pour la Région", self.ctx.council.signatory))
        for prefix, label, person in people:
            if not person.name.strip():
                self.add("signatory_missing", ERROR, f"Nommez {label}.", f"{prefix}.name", "signature")
            if not person.function.strip():
                self.add(
                    "signatory_missing",
                    ERROR,
                    f"Indiquez la fonction de {label}.",
                    f"{prefix}.function",
                    "signature",
                )

    def siret(self) -> None:
        siret = self.ctx.arml.siret.strip()
        if siret and not siret_is_valid(siret):
            self.add(
                "siret_invalid",
                ERROR,
                f"Le numéro SIRET « {siret} » de l'association est invalide : 14 chiffres attendus, "
                "avec une clé de contrôle correcte.",
                "arml.siret",
                "parties",
            )

    def period(self) -> None:
        p, q = self.ctx.period, self.ctx.prae_period
        if (p.start_year, p.end_year) != (q.start_year, q.end_year):
            self.add(
                "period_mismatch",
                ERROR,
                f"La convention couvre {p.start_year}-{p.end_year} alors que le PRAE couvre "
                f"{q.start_year}-{q.end_year} : les deux périodes doivent être identiques.",
                "period",
                "duree",
            )

    def budget(self) -> None:
        ctx, years = self.ctx, self.ctx.period.years
        for f in ctx.funders:
            outside = sorted(y for y, v in f.amounts.items() if y not in years and v)
            if outside:
                self.add(
                    "amount_outside_period",
                    ERROR,
                    f"Le budget prévoit un financement {_of(f.name)} en {', '.join(map(str, outside))}, "
                    "hors de la période de la convention.",
                    f"budget.{f.key}",
                    "contribution",
                )
        signing = {"state", "region"} if ctx.joint else {"state"}
        for f in ctx.funders:
            if f.party and f.key not in signing:
                self.add(
                    "funder_not_signatory",
                    ERROR,
                    f"{f.name} est indiqué comme financeur signataire mais ne signe pas la convention.",
                    f"budget.{f.key}",
                    "contribution",
                )
        state = ctx.funder("state")
        if state is None:
            self.add(
                "state_amount_missing",
                ERROR,
                "Le budget ne prévoit aucun financement de l'État.",
                "budget.state",
                "contribution",
            )
        if state is not None:
            self.state_total(state)
        if ctx.joint and not any(f.party and f.key != "state" for f in ctx.funders):
            self.add(
                "region_amount_missing",
                WARNING,
                "La Région signe la convention mais le budget ne prévoit aucune contribution de sa part.",
                "budget.region",
                "contribution",
            )
        if ctx.axis_costs:  # else reported as an unresolved table
            self.budget_years(state)

    def state_total(self, state: Funder) -> None:
        """The État's contribution the convention states is the whole of the budget's État lines."""
        years = self.ctx.period.years
        stated = sum(_year_amount(state.amounts, y) for y in years)
        in_budget = sum(_year_amount(f.amounts, y) for f in self.ctx.funders if f.key == "state" for y in years)
        if stated != in_budget:
            count = sum(1 for f in self.ctx.funders if f.key == "state")
            self.add(
                "state_total",
                ERROR,
                f"Le total de l'État dans la convention ({format_amount(stated)}) diffère de celui du budget "
                f"({format_amount(in_budget)}, {count} financeurs de type État) : regroupez les financements de l'État "
                "sous un seul financeur du budget.",
                "budget.state",
                "contribution",
            )

    def budget_years(self, state: Funder | None) -> None:
        """Per year: resources balance the cost, the État contributes, no party exceeds the cost."""
        ctx = self.ctx
        for y in ctx.period.years:
            cost = amount_value(ctx, f"cost.{y}") or 0
            resources = sum(_year_amount(f.amounts, y) for f in ctx.funders)
            if ctx.funders and resources != cost:
                self.add(
                    "budget_unbalanced",
                    ERROR,
                    f"Budget {y} déséquilibré : coût du programme {format_amount(cost)}, "
                    f"financements {format_amount(resources)}.",
                    f"budget.{y}",
                    "contribution",
                )
            if state is not None and _year_amount(state.amounts, y) <= 0:
                self.add(
                    "state_amount_missing",
                    ERROR,
                    f"Aucune contribution de l'État n'est prévue pour {y}.",
                    f"budget.state.{y}",
                    "contribution",
                )
            for f in ctx.funders:
                if f.party and _year_amount(f.amounts, y) > cost:
                    self.add(
                        "contribution_exceeds_cost",
                        ERROR,
                        f"La contribution {_of(f.name)} en {y} ({format_amount(_year_amount(f.amounts, y))}) "
                        f"dépasse le coût du programme ({format_amount(cost)}).",
                        f"budget.{f.key}.{y}",
                        "contribution",
                    )

    def payments(self) -> None:
        ctx = self.ctx
        by_key: dict[tuple[str, int], list[PaymentSchedule]] = {}
        for s in ctx.payments:
            by_key.setdefault((s.funder, s.year), []).append(s)
        for f in ctx.funders:
            if not f.party:
                continue
            for y in ctx.period.years:
                location = f"payments.{f.key}.{y}"
                found = by_key.get((f.key, y), [])
                if _year_amount(f.amounts, y) > 0 and not found:
                    self.add(
                        "payment_schedule",
                        ERROR,
                        f"Échéancier de versement manquant : {f.name}, {y}.",
                        location,
                        "versement",
                    )
                for s in found:
                    total = sum(i.percent for i in s.instalments)
                    if total != 100:
                        self.add(
                            "payment_schedule",
                            ERROR,
                            f"Échéancier de versement {f.name} {y} : les versements totalisent {total} % "
                            "au lieu de 100 %.",
                            location,
                            "versement",
                        )
                    if any(i.percent <= 0 or i.percent > 100 for i in s.instalments):
                        self.add(
                            "payment_schedule",
                            ERROR,
                            f"Échéancier de versement {f.name} {y} : chaque part doit être comprise entre 1 et 100 %.",
                            location,
                            "versement",
                        )
                    if any(not i.trigger.strip() or not i.label.strip() for i in s.instalments):
                        self.add(
                            "payment_schedule",
                            ERROR,
                            f"Échéancier de versement {f.name} {y} : précisez pour chaque versement son "
                            "libellé et la pièce ou la condition qui le déclenche.",
                            location,
                            "versement",
                        )
        parties = {f.key for f in ctx.funders if f.party}
        for key, year in by_key:
            if key not in parties or year not in ctx.period.years:
                self.add(
                    "payment_schedule",
                    WARNING,
                    f"Échéancier de versement « {self._funder_name(key)} » {year} sans objet : ce financeur "
                    "ne signe pas la "
                    "convention ou l'année est hors période.",
                    f"payments.{key}.{year}",
                    "versement",
                )

    def steering(self) -> None:
        members = [m for m in self.ctx.steering.members if m.strip()]
        if "comite_pilotage" not in self.articles:
            return
        if not members:
            self.add(
                "steering_empty",
                ERROR,
                "Le comité de pilotage régional n'a aucun membre.",
                "steering.members",
                "comite_pilotage",
            )
            return
        if self.ctx.steering.meetings_per_year < 1:
            self.add(
                "steering_meetings",
                ERROR,
                "Le comité de pilotage doit se réunir au moins une fois par an.",
                "steering.meetings",
                "comite_pilotage",
            )
        folded = [fold(m) for m in members]
        state_words = ("etat", "prefet", "direccte", "dieccte", "dreets", "drieets", "deets")
        others = [m for m in folded if not any(w in m for w in state_words)]
        for f in self.ctx.funders:
            if f.kind in NOT_STEERING:  # own resources, contributions in kind, « autres »: not parties
                continue
            # the préfet "de la région …" represents the État, not the Région: match the others
            words: tuple[str, ...] = state_words if f.key == "state" else (fold(f.name),)
            if f.key == "region":
                words += (
                    "region",
                    "conseil regional",
                    fold(self.ctx.council.name if self.ctx.council else f.name),
                )
            if not any(w in m for w in words for m in (folded if f.key == "state" else others)):
                self.add(
                    "steering_missing_funder",
                    WARNING,
                    f"{f.name} finance le programme mais ne figure pas au comité de pilotage, "
                    "qui doit réunir tous les financeurs.",
                    "steering.members",
                    "comite_pilotage",
                )

    def signature_date(self) -> None:
        d, q = self.ctx.signature.date, self.ctx.prae_period
        if d is None and not self.ctx.signature.date_by_hand:
            self.add(
                "signature_date",
                ERROR,
                "Date de signature vide : saisissez-la (jj/mm/aaaa), ou cochez « À dater à la main » "
                "pour imprimer « le ____________ » et dater le document au stylo.",
                "signature.date",
                "signature",
            )
        if d is not None and not (q.start_year - 1 <= d.year <= q.end_year + 1):
            self.add(
                "signature_date",
                ERROR,
                f"Date de signature invraisemblable ({french_date(d)}) : elle doit se situer entre "
                f"{q.start_year - 1} et {q.end_year + 1}.",
                "signature.date",
                "signature",
            )
        copies = self.ctx.signature.copies
        if copies is not None and copies < len(self.r.signatures):
            self.add(
                "signature_copies",
                WARNING,
                f"{copies} exemplaire(s) original(aux) pour {len(self.r.signatures)} signataires.",
                "signature.copies",
                "signature",
            )

    def articles_text(self) -> None:
        present = {a.key for a in self.state.articles}
        for model in self.t.articles:
            if not model.optional and model.key not in present:
                self.add(
                    "missing_article",
                    ERROR,
                    f"L'article obligatoire « {model.title} » manque à la convention.",
                    model.key,
                )
        for a in self.r.articles:
            if not any(_block_text(b).strip() for b in a.blocks):
                self.add(
                    "empty_article",
                    ERROR,
                    f"L'{article_label(a.number)} « {a.title} » est vide.",
                    a.key,
                )
            if not a.title.strip():
                self.add(
                    "untitled_article",
                    ERROR,
                    f"L'{article_label(a.number)} n'a pas de titre.",
                    a.key,
                )
        for p in self.r.problems:
            if p.code == "removed_reference":
                target = self.t.article(p.detail)
                name = target.title if target else p.detail
                self.add(
                    "removed_reference",
                    ERROR,
                    f"{_capitalised(self.where(p.where))} renvoie à l'article « {name} », qui a été supprimé.",
                    p.where,
                )
            else:
                self.add(
                    "unknown_placeholder",
                    ERROR,
                    f"Variable inconnue {p.detail} dans {self.where(p.where)}.",
                    p.where,
                )

    def typed_amounts(self) -> None:
        figures = budget_figures(self.ctx)
        for a in self.state.kept:
            if a.text is None or a.key not in self.articles:
                continue
            for typed, cents in typed_amounts(a.text):
                if cents not in figures:
                    self.add(
                        "amount_mismatch",
                        ERROR,
                        f"{_capitalised(self.where(a.key))} cite un montant "
                        f"({typed}) qui ne correspond à aucun montant du budget : insérez plutôt le montant "
                        "avec « Insérer une donnée », il suivra le budget.",
                        a.key,
                    )

    def unresolved(self) -> None:
        """One check per field to fill, unless a more precise check already points at it."""
        reported = {c.location for c in self.out}
        by_field: dict[str, list[Unresolved]] = {}
        for u in self.r.unresolved:
            by_field.setdefault(unresolved_field(u.name), []).append(u)
        for location, found in by_field.items():
            if location in reported:
                continue
            name = found[0].name
            label = VALUES.get(name) or _block_label(name) or name
            places = ", ".join(dict.fromkeys(self.where(u.where) for u in found))
            self.add(
                "unresolved",
                ERROR,
                f"À compléter : {label}, dans {places}.",
                location,
                found[0].where,
            )


# Where the UI collects what a block placeholder shows.
_BLOCK_FIELDS = {
    "list:objectives": "objectives",
    "list:steering_committee": "steering.members",
    "list:contributions": "budget.funders",
    "table:contributions": "budget.funders",
    "table:cost_per_axis": "budget.axes",
    "table:payment_schedule": "payments",
}


def unresolved_field(name: str) -> str:
    """The context field to fill for an unresolved placeholder: "arml.siret" for a value,
    "budget.funders" for {table:contributions}, "budget" for an amount."""
    if name.startswith("amount:"):
        return "budget"
    return _BLOCK_FIELDS.get(name, name)


def _block_label(name: str) -> str | None:
    kind, _, arg = name.partition(":")
    if kind == "table":
        return TABLES.get(arg)
    if kind == "list":
        return LISTS.get(arg)
    if kind == "amount":
        return f"montant {arg}"
    return None


def check(
    state: ConventionState,
    context: ConventionContext,
    template: ConventionTemplate | None = None,
    *,
    rendered: RenderedConvention | None = None,
) -> list[Check]:
    """Everything to fix before the convention can be exported for signature.
    `rendered`: the convention already rendered from the same state, context and template
    (saves rendering it again)."""
    t = _template(state, template)
    if rendered is None:
        rendered = render(state, context, t)
    return _Checker(state, context, t, rendered).run()
