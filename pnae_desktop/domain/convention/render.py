"""Rendering a convention state in a context into blocks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from pnae_desktop.domain.amount_words import amount_with_words, format_amount, format_percent, number_in_words
from pnae_desktop.domain.convention.blocks import (
    Block,
    BulletList,
    ListItem,
    Paragraph,
    RenderedArticle,
    RenderedConvention,
    RenderedSignature,
    Table,
    TextProblem,
    Unresolved,
    _parse,
    _RawItem,
)
from pnae_desktop.domain.convention.context import (
    ConventionContext,
    CouncilInfo,
    Instalment,
    Objective,
    Signatory,
    StateBudget,
    authority_feminine,
    authority_short,
)
from pnae_desktop.domain.convention.placeholders import (
    _AMOUNT_ARG,
    _CANDIDATE,
    BLOCK_KINDS,
    Placeholder,
    placeholder_problem,
    placeholders_in,
)
from pnae_desktop.domain.convention.state import ConventionState, _template, article_label, numbering
from pnae_desktop.domain.convention.template import ConventionTemplate
from pnae_desktop.domain.regional_names import agree, civility_of, convention_date, known, regional_names

_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
HAND_DATE = "____________"


def french_date(d: date) -> str:
    """ "1er mars 2018", "28 novembre 2017"."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{day} {_MONTHS[d.month - 1]} {d.year}"


def state_service(overseas: bool) -> str:
    return "Dieccte" if overseas else "Direccte"


def _region_names(ctx: ConventionContext) -> dict[str, str]:
    """The region's dated defaults for the État's service and budget clauses ({} if unknown)."""
    if not known(ctx.region.code):
        return {}
    found = regional_names(ctx.region.code, ctx.region.name, convention_date(ctx.signature.date, ctx.period.start_year))
    return {
        "service": found.state_service,
        "programme": found.programme,
        "bop": found.bop,
        "action": found.programme_action,
        "ordonnateur": f"le {found.prefect_region}",
        "accountant": f"le {found.accountant}",
    }


def with_state_defaults(ctx: ConventionContext) -> StateBudget:
    """The context's imputation, ordonnateur and comptable, an empty field taking the region's default."""
    defaults = _region_names(ctx)
    b = ctx.state_budget
    return StateBudget(
        **{
            k: getattr(b, k).strip() or defaults.get(k, "")
            for k in ("programme", "bop", "action", "ordonnateur", "accountant")
        }
    )


def agreed_function(person: Signatory) -> str:
    """The person's function agreeing with the civility their name starts with (la préfète…)."""
    return agree(person.function, civility_of(person.name))


def _values(ctx: ConventionContext, template: ConventionTemplate, party_count: int) -> dict[str, str]:
    """Every value placeholder the context fills; a missing one is absent."""
    council = ctx.council or CouncilInfo()
    sig = ctx.signature
    years = ctx.period.end_year - ctx.period.start_year + 1
    feminine = authority_feminine(council.name)
    budget = with_state_defaults(ctx)
    values = {
        "region.name": ctx.region.name,
        "region.of": ctx.region.of_name,
        "region.tribunal": ctx.region.tribunal or template.administrative_courts.get(ctx.region.code, ""),
        "state.service": ctx.state.service or _region_names(ctx).get("service", state_service(ctx.region.overseas)),
        "state.prefect.name": ctx.state.prefect.name,
        "state.prefect.function": agreed_function(ctx.state.prefect),
        "state.signatory.name": ctx.state.signatory.name,
        "state.signatory.function": agreed_function(ctx.state.signatory),
        "state.programme": budget.programme,
        "state.bop": budget.bop,
        "state.action": budget.action,
        # the ordonnateur is the préfet de région: it agrees with the préfet's civility
        "state.ordonnateur": agree(budget.ordonnateur, civility_of(ctx.state.prefect.name))
        if "préfet" in budget.ordonnateur.lower()
        else budget.ordonnateur,
        "state.accountant": budget.accountant,
        "council.name": council.name,
        "council.the_name": f"{'la' if feminine else 'le'} {council.name}" if council.name.strip() else "",
        "council.short": authority_short(council.name),
        "council.represented": "représentée" if feminine else "représenté",
        "council.designated": "désignée" if feminine else "désigné",
        "council.signatory.name": council.signatory.name,
        "council.signatory.function": agreed_function(council.signatory),
        "council.deliberation": council.deliberation,
        "arml.name": ctx.arml.name,
        "arml.legal_form": ctx.arml.legal_form,
        "arml.address": ctx.arml.address,
        "arml.siret": ctx.arml.siret,
        "arml.project": ctx.arml.project,
        "arml.signatory.name": ctx.arml.signatory.name,
        "arml.signatory.function": agreed_function(ctx.arml.signatory),
        "prae.title": ctx.prae_title,
        "period.start": str(ctx.period.start_year),
        "period.end": str(ctx.period.end_year),
        "period.duration": (f"{number_in_words(years)} an{'s' if years > 1 else ''}" if years >= 1 else ""),
        "steering.meetings": (
            f"{number_in_words(ctx.steering.meetings_per_year, feminine=True)} fois"
            if ctx.steering.meetings_per_year >= 1
            else ""
        ),
        "signature.place": sig.place,
        "signature.date": french_date(sig.date) if sig.date else (HAND_DATE if sig.date_by_hand else ""),
        "signature.copies_words": number_in_words(sig.copies or party_count) if (sig.copies or party_count) else "",
    }
    return {k: v.strip() for k, v in values.items() if v and v.strip()}


def _year_amount(amounts: Mapping[int, int], year: int) -> int:
    return int(amounts.get(year, 0))


def amount_value(ctx: ConventionContext, arg: str) -> int | None:
    """Cents for an amount placeholder's argument ("state.total", "cost.2019"), None if unknown."""
    m = _AMOUNT_ARG.match(arg)
    if not m:
        return None
    who, when = m.groups()
    years = ctx.period.years if when == "total" else (int(when),)
    if any(y not in ctx.period.years for y in years):
        return None
    if who == "cost":
        series = [a.amounts for a in ctx.axis_costs]
    elif who == "parties":
        series = [f.amounts for f in ctx.funders if f.party]
    else:
        funder = ctx.funder(who)
        series = [funder.amounts] if funder else []
    if not series:
        return None
    return sum(_year_amount(s, y) for s in series for y in years)


def instalment_amounts(cents: int, instalments: tuple[Instalment, ...]) -> tuple[int, ...]:
    """Split `cents` by percentages so that the parts add up exactly (rounding goes to the last)."""
    out, cumulative, previous = [], 0, 0
    for inst in instalments:
        cumulative += inst.percent
        upto = cents * cumulative // 100
        out.append(upto - previous)
        previous = upto
    return tuple(out)


def _share_tenths(part: int, whole: int) -> int:
    """Percentage in tenths, rounded half up, integers only."""
    return (2000 * part + whole) // (2 * whole)


class _Renderer:
    def __init__(self, state: ConventionState, ctx: ConventionContext, template: ConventionTemplate):
        self.state, self.ctx, self.t = state, ctx, template
        self.numbers = numbering(state)
        self.all_keys = {a.key for a in state.articles}
        self.parties = [p for p in template.parties if p.when == "always" or ctx.joint]
        self.values = _values(ctx, template, len(self.parties))
        self.variant = "conjointe" if ctx.joint else "etat"
        self.unresolved: list[Unresolved] = []
        self.problems: list[TextProblem] = []

    # inline -----------------------------------------------------------------------------
    def missing(self, name: str, where: str) -> str:
        self.unresolved.append(Unresolved(name, where))
        return f"[à compléter : {name}]"

    def inline(self, text: str, where: str) -> str:
        return _CANDIDATE.sub(lambda m: self._one(placeholders_in(m.group(0))[0], where), text)

    def _one(self, ph: Placeholder, where: str) -> str:
        if placeholder_problem(ph, self.t.phrases, self.all_keys) or ph.kind in BLOCK_KINDS:
            self.problems.append(TextProblem("unknown_placeholder", where, ph.text))
            return f"[variable inconnue : {ph.raw}]"
        if ph.kind == "value":
            value = self.values.get(ph.arg)
            return value if value is not None else self.missing(ph.arg, where)
        if ph.kind == "amount":
            cents = amount_value(self.ctx, ph.arg)
            return amount_with_words(cents) if cents is not None else self.missing(ph.raw, where)
        if ph.kind == "ref":
            number = self.numbers.get(ph.arg)
            if number is None:
                self.problems.append(TextProblem("removed_reference", where, ph.arg))
                return f"[article supprimé : {ph.arg}]"
            return article_label(number)
        return self.inline(self.t.phrases[ph.arg][self.variant], where)  # phrase

    # blocks -----------------------------------------------------------------------------
    def blocks(self, text: str, where: str) -> tuple[Block, ...]:
        out: list[Block] = []
        for kind, value in _parse(text):
            if kind == "paragraph":
                out.append(Paragraph(self.inline(value, where)))
            elif kind == "bullets":
                out.append(BulletList(tuple(self._item(i, where) for i in value)))
            else:
                out.append(self._block(value, where))
        return tuple(out)

    def _item(self, item: _RawItem, where: str) -> ListItem:
        return ListItem(self.inline(item.text, where), tuple(self._item(c, where) for c in item.children))

    def _block(self, ph: Placeholder, where: str) -> Block:
        if placeholder_problem(ph, self.t.phrases, self.all_keys):
            self.problems.append(TextProblem("unknown_placeholder", where, ph.text))
            return Paragraph(f"[variable inconnue : {ph.raw}]")
        build: Callable[[], Block | None] = getattr(self, f"_{ph.kind}_{ph.arg}")
        block = build()
        if block is None:
            return Paragraph(self.missing(ph.raw, where))
        return block

    def _money(self, amounts: Mapping[int, int]) -> list[str]:
        years = self.ctx.period.years
        return [format_amount(_year_amount(amounts, y)) for y in years] + [
            format_amount(sum(_year_amount(amounts, y) for y in years))
        ]

    def _table_cost_per_axis(self) -> Table | None:
        costs = self.ctx.axis_costs
        if not costs:
            return None
        years = self.ctx.period.years
        total = {y: sum(_year_amount(a.amounts, y) for a in costs) for y in years}
        rows = [(a.label or f"Axe {a.axis}", *self._money(a.amounts)) for a in costs]
        rows.append(("Total", *self._money(total)))
        header = ("Axe", *map(str, years), "Total")
        return Table("cost_per_axis", header, tuple(rows), (False,) + (True,) * (len(header) - 1), True)

    def _table_contributions(self) -> Table | None:
        funders = self.ctx.funders
        if not funders:
            return None
        years = self.ctx.period.years
        cost = amount_value(self.ctx, "cost.total") or 0
        every = {y: sum(_year_amount(f.amounts, y) for f in funders) for y in years}

        def share(amounts: Mapping[int, int]) -> str:
            part = sum(_year_amount(amounts, y) for y in years)
            return format_percent(_share_tenths(part, cost)) if cost else "–"

        rows = [(f.name, *self._money(f.amounts), share(f.amounts)) for f in funders]
        rows.append(("Total des financements", *self._money(every), share(every)))
        header = ("Financeur", *map(str, years), "Total", "Part du coût total")
        return Table("contributions", header, tuple(rows), (False,) + (True,) * (len(header) - 1), True)

    def _table_payment_schedule(self) -> Table | None:
        order = {f.key: i for i, f in enumerate(self.ctx.funders)}
        schedules = sorted(
            ((s, f) for s in self.ctx.payments if (f := self.ctx.funder(s.funder)) is not None),
            key=lambda pair: (pair[0].year, order[pair[0].funder]),
        )
        if not schedules:
            return None
        rows = []
        for s, funder in schedules:
            amounts = instalment_amounts(_year_amount(funder.amounts, s.year), s.instalments)
            for inst, cents in zip(s.instalments, amounts):
                rows.append(
                    (
                        str(s.year),
                        funder.name,
                        inst.label,
                        f"{inst.percent}\u00a0%",
                        format_amount(cents),
                        inst.trigger,
                    )
                )
        header = ("Année", "Financeur", "Versement", "Part", "Montant", "Condition de versement")
        return Table("payment_schedule", header, tuple(rows), (False, False, False, True, True, False), False)

    def _list_objectives(self) -> BulletList | None:
        if not self.ctx.objectives:
            return None
        axes: dict[int, list[Objective]] = {}
        for o in self.ctx.objectives:
            axes.setdefault(o.axis, []).append(o)
        items = []
        for axis, objectives in axes.items():
            alone = len(objectives) == 1 and objectives[0].code == str(axis)
            children = () if alone else tuple(_objective_item(o) for o in objectives)
            items.append(ListItem(f"Axe {axis} : {objectives[0].axis_title}", children))
        return BulletList(tuple(items), "objectives")

    def _list_contributions(self) -> BulletList | None:
        parties = [f for f in self.ctx.funders if f.party]
        if not parties:
            return None
        years = self.ctx.period.years
        items = []
        for f in parties:
            total = sum(_year_amount(f.amounts, y) for y in years)
            last = f is parties[-1]
            children = tuple(
                ListItem(
                    f"en {y} : {amount_with_words(_year_amount(f.amounts, y))}{'.' if last and y == years[-1] else ' ;'}"
                )
                for y in years
            )
            items.append(ListItem(f"{f.name} : {amount_with_words(total)}, soit :", children))
        return BulletList(tuple(items), "contributions")

    def _list_steering_committee(self) -> BulletList | None:
        members = [m.strip() for m in self.ctx.steering.members if m.strip()]
        return BulletList(tuple(ListItem(m) for m in members), "steering_committee") if members else None

    def _list_annexes(self) -> BulletList | None:
        items = tuple(ListItem(f"Annexe {a.number} : {a.title}") for a in self.t.annexes)
        return BulletList(items, "annexes") if items else None

    # whole document ------------------------------------------------------------------------
    def render(self) -> RenderedConvention:
        t = self.t
        title = tuple(self.inline(line, "title") for line in t.title)
        parties: list[Block] = [Paragraph(t.parties_intro)]
        for i, p in enumerate(self.parties):
            if i:
                parties.append(Paragraph(t.parties_joiner))
            blocks = list(self.blocks(p.text, "parties"))
            if blocks and isinstance(blocks[0], Paragraph):  # "le Département …" opens the party
                blocks[0] = Paragraph(_capitalised(blocks[0].text))
            parties += blocks
        parties += self.blocks(t.parties_closing, "parties")
        preamble = [Paragraph(self.inline(v, "preamble")) for v in t.visas + t.considerants]
        preamble.append(Paragraph(t.preamble_closing))
        articles = []
        for a in self.state.kept:
            model = t.article(a.key)
            text = a.text if a.text is not None else (model.text if model else "")
            articles.append(
                RenderedArticle(
                    number=self.numbers[a.key],
                    key=a.key,
                    title=a.title if a.title is not None else (model.title if model else a.key),
                    blocks=self.blocks(text, a.key),
                    adapted=a.custom or a.text is not None or a.title is not None,
                    custom=a.custom,
                    optional=a.custom or (model.optional if model else True),
                )
            )
        signatures = tuple(
            RenderedSignature(
                b.party,
                self.inline(b.heading, "signature"),
                # "Préfète de La Réunion," / "et par délégation," / "directeur …": one sentence
                tuple(
                    _capitalised(text) if i == 0 else text
                    for i, text in enumerate(self.inline(line, "signature") for line in b.lines)
                ),
                self.inline(b.name, "signature"),
            )
            for b in t.signature_blocks
            if b.when == "always" or self.ctx.joint
        )
        closing = self.inline(t.signature_closing, "signature")
        return RenderedConvention(
            template_key=t.key,
            joint=self.ctx.joint,
            title=title,
            parties=tuple(parties),
            preamble_title=t.preamble_title,
            preamble=tuple(preamble),
            articles=tuple(articles),
            annexes=t.annexes,
            signature_closing=closing,
            signatures=signatures,
            unresolved=tuple(dict.fromkeys(self.unresolved)),
            problems=tuple(dict.fromkeys(self.problems)),
        )


def _capitalised(text: str) -> str:
    """A signature block's lines start with a capital: "Préfet de la région …"."""
    return text[:1].upper() + text[1:]


def _objective_item(o: Objective) -> ListItem:
    """ "Objectif 1.2 : …" with the objective's own sub-items and closing paragraphs."""
    paragraphs = [p.strip() for p in o.text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    first = paragraphs[0].split("\n") if paragraphs else [""]
    head = [line for line in first if not line.startswith("- ")]
    subs = tuple(ListItem(line[2:].strip()) for line in first if line.startswith("- "))
    return ListItem(f"Objectif {o.code} : {' '.join(head).strip()}", subs, tuple(paragraphs[1:]))


def render(
    state: ConventionState, context: ConventionContext, template: ConventionTemplate | None = None
) -> RenderedConvention:
    """The convention's text for `context`; never raises for a missing value (see `check`)."""
    return _Renderer(state, context, _template(state, template)).render()
