"""The PRAE's CPO: who signs, how it is paid and steered, how its articles are adapted — and
the convention filled from the PRAE and its budget (nothing is retyped).

Settings and article adaptations are kept as JSON documents per PRAE; every write validates
first and returns the previous document for undo.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pnae_desktop.catalogue.model import Catalogue
from pnae_desktop.domain import budget as dom
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain import regional_names as names
from pnae_desktop.domain import rules
from pnae_desktop.domain.entities import PraeDetail
from pnae_desktop.errors import ValidationError
from pnae_desktop.services import budget as budget_service
from pnae_desktop.services import praes
from pnae_desktop.services.rows import prae_row, touch
from pnae_desktop.store.database import Store
from pnae_desktop.store.models import ConventionRow

# (plan, totals) of budget.totals, when the caller has already read them.
PlanAndTotals = tuple[dom.Budget, dom.BudgetTotals]


@dataclass(frozen=True)
class ConventionSettings:
    with_region: bool = True
    state: cv.StateInfo = field(default_factory=cv.StateInfo)
    # Empty fields of state_budget and state.service take the region's dated defaults when the
    # convention is filled (regional_names), so a later signature date can change them.
    state_budget: cv.StateBudget = field(default_factory=cv.StateBudget)
    council: cv.CouncilInfo = field(default_factory=cv.CouncilInfo)
    arml_signatory: cv.Signatory = field(default_factory=cv.Signatory)
    arml_project: str = ""
    tribunal: str = ""
    signature: cv.SignatureInfo = field(default_factory=cv.SignatureInfo)
    steering: cv.Steering = field(default_factory=cv.Steering)
    payments: tuple[cv.PaymentSchedule, ...] | None = None  # None: the usual advance + balance


# -- JSON documents ----------------------------------------------------------------------------


def _sig(d: dict | None) -> cv.Signatory:
    d = d or {}
    return cv.Signatory(str(d.get("name", "")), str(d.get("function", "")))


_STATE_BUDGET_FIELDS = ("programme", "bop", "action", "ordonnateur", "accountant")


def settings_to_dict(s: ConventionSettings) -> dict:
    def sig(x: cv.Signatory) -> dict:
        return {"name": x.name, "function": x.function}

    return {
        "with_region": s.with_region,
        "state": {"prefect": sig(s.state.prefect), "signatory": sig(s.state.signatory), "service": s.state.service},
        "state_budget": {
            "programme": s.state_budget.programme,
            "bop": s.state_budget.bop,
            "action": s.state_budget.action,
            "ordonnateur": s.state_budget.ordonnateur,
            "accountant": s.state_budget.accountant,
        },
        "council": {
            "name": s.council.name,
            "signatory": sig(s.council.signatory),
            "deliberation": s.council.deliberation,
        },
        "arml": {"project": s.arml_project, "signatory": sig(s.arml_signatory)},
        "tribunal": s.tribunal,
        "signature": {
            "place": s.signature.place,
            "date": s.signature.date.isoformat() if s.signature.date else None,
            "date_by_hand": s.signature.date_by_hand,
            "copies": s.signature.copies,
        },
        "steering": {"members": list(s.steering.members), "meetings_per_year": s.steering.meetings_per_year},
        "payments": None
        if s.payments is None
        else [
            {
                "funder": p.funder,
                "year": p.year,
                "instalments": [{"label": i.label, "percent": i.percent, "trigger": i.trigger} for i in p.instalments],
            }
            for p in s.payments
        ],
    }


def settings_from_dict(d: dict) -> ConventionSettings:
    try:
        sig = d.get("signature") or {}
        steering = d.get("steering") or {}
        payments = d.get("payments")
        return ConventionSettings(
            with_region=bool(d.get("with_region", True)),
            state=cv.StateInfo(
                _sig(d.get("state", {}).get("prefect")),
                _sig(d.get("state", {}).get("signatory")),
                str(d.get("state", {}).get("service", "")),
            ),
            state_budget=cv.StateBudget(
                **{k: str((d.get("state_budget") or {}).get(k, "")) for k in _STATE_BUDGET_FIELDS}
            ),
            council=cv.CouncilInfo(
                str(d.get("council", {}).get("name", "")),
                _sig(d.get("council", {}).get("signatory")),
                str(d.get("council", {}).get("deliberation", "")),
            ),
            arml_signatory=_sig(d.get("arml", {}).get("signatory")),
            arml_project=str(d.get("arml", {}).get("project", "")),
            tribunal=str(d.get("tribunal", "")),
            signature=cv.SignatureInfo(
                str(sig.get("place", "")),
                date.fromisoformat(sig["date"]) if sig.get("date") else None,
                bool(sig.get("date_by_hand", False)),
                sig.get("copies"),
            ),
            steering=cv.Steering(
                tuple(str(m) for m in steering.get("members", ())), int(steering.get("meetings_per_year", 2))
            ),
            payments=None
            if payments is None
            else tuple(
                cv.PaymentSchedule(
                    str(p["funder"]),
                    int(p["year"]),
                    tuple(
                        cv.Instalment(str(i["label"]), int(i["percent"]), str(i["trigger"])) for i in p["instalments"]
                    ),
                )
                for p in payments
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"Paramètres de la convention illisibles ({exc.__class__.__name__}).") from None


# -- validation ----------------------------------------------------------------------------------


def check_settings(s: ConventionSettings, start_year: int, end_year: int) -> ConventionSettings:
    """Refuse what can be refused at the field; the rest is reported by the pre-export checks."""
    d = s.signature.date
    if d is not None and not start_year - 1 <= d.year <= end_year + 1:
        raise ValidationError(
            f"Date de signature {d:%d/%m/%Y} invraisemblable pour une convention {start_year}–{end_year} "
            f"(attendue entre {start_year - 1} et {end_year + 1}).",
            "signature.date",
        )
    if s.signature.copies is not None and not 1 <= s.signature.copies <= 20:
        raise ValidationError("Nombre d'exemplaires originaux : de 1 à 20.", "signature.copies")
    if not 0 <= s.steering.meetings_per_year <= 12:
        raise ValidationError("Réunions du comité de pilotage : de 0 à 12 par an.", "steering.meetings")
    for p in s.payments or ():
        total = sum(i.percent for i in p.instalments)
        if total != 100:
            raise ValidationError(
                f"Modalités de versement {p.year} ({p.funder}) : les versements totalisent {total} % au lieu de 100 %.",
                f"payments.{p.funder}.{p.year}",
            )
        for i in p.instalments:
            if not 1 <= i.percent <= 100 or not i.label.strip():
                raise ValidationError(
                    f"Modalités de versement {p.year} ({p.funder}) : versement « {i.label} » invalide.",
                    f"payments.{p.funder}.{p.year}",
                )
    return s


def check_typed_texts(value: Any, label: str, *, long_text: bool) -> None:
    """Every text inside settings or articles (as their JSON dict) refused when it holds a
    control character, naming where it is."""
    if isinstance(value, str):
        rules.check_text(value, label, long_text=long_text)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_typed_texts(item, f"{label} › {key}", long_text=long_text)
    elif isinstance(value, (list, tuple)):
        for item in value:
            check_typed_texts(item, label, long_text=long_text)


# -- reading and writing -------------------------------------------------------------------------


def region_names(catalogue: Catalogue, region_code: str, on: date) -> names.RegionalNames | None:
    """The region's dated names (None for a region the data does not know)."""
    if not names.known(region_code):
        return None
    return names.regional_names(region_code, catalogue.region(region_code).name, on)


def _representative(name: str, title: str, civility: str = "") -> cv.Signatory:
    """Annexe 3's "NOM Prénom" and "Présidente" as the convention writes them: "Mme Prénom Nom",
    "présidente" — the civility follows the title unless the data corrects it."""
    parts = name.split()
    if len(parts) >= 2 and parts[0].isupper():  # annexe 3 writes "NOM Prénom"
        name = " ".join([*parts[1:], parts[0].capitalize()])
    function = (title or "président").lower()
    if name and not names.civility_of(name):
        civility = civility or ("Mme" if function.split(" ")[0].endswith("e") else "M.")
        name = f"{civility} {name}"
    return cv.Signatory(name, names.agree(function, names.civility_of(name)))


def _defaults(store: Store, prae_id: int, catalogue: Catalogue, detail: PraeDetail | None = None) -> ConventionSettings:
    detail = detail if detail is not None else praes.get_prae(store, prae_id)
    region = catalogue.region(detail.summary.region_code)
    org = detail.organisation
    found = region_names(catalogue, region.insee_code, names.convention_date(None, detail.summary.start_year))
    if found is None:
        state = cv.suggested_state_functions(region.name, region.overseas)
        council = cv.CouncilInfo(f"Région {region.name}", cv.Signatory("", "président(e) du conseil régional"))
    else:
        state = cv.StateInfo(cv.Signatory("", found.prefect), cv.Signatory("", found.state_director))
        council = cv.CouncilInfo(found.authority, cv.Signatory("", found.authority_signatory))
    correction = found.arml_president_civility if found is not None else ""
    return ConventionSettings(
        with_region=True,
        state=state,
        council=council,
        arml_signatory=_representative(org.representative_name, org.representative_title, correction),
        signature=cv.SignatureInfo(place=region.seat),
    )


def _state_budget_defaults(found: names.RegionalNames | None) -> cv.StateBudget:
    if found is None:
        return cv.StateBudget()
    return cv.StateBudget(
        programme=found.programme,
        bop=found.bop,
        action=found.programme_action,
        ordonnateur=f"le {found.prefect_region}",
        accountant=f"le {found.accountant}",
    )


def resolved(
    settings: ConventionSettings, catalogue: Catalogue, region_code: str, start_year: int
) -> ConventionSettings:
    """`settings` with their empty État service and budget fields taken from the region's names
    at the convention's date (its signature, else 1 January of its first year)."""
    found = region_names(catalogue, region_code, names.convention_date(settings.signature.date, start_year))
    defaults = _state_budget_defaults(found)
    budget = cv.StateBudget(
        **{k: getattr(settings.state_budget, k).strip() or getattr(defaults, k) for k in _STATE_BUDGET_FIELDS}
    )
    service = settings.state.service.strip() or (found.state_service if found is not None else "")
    return replace(settings, state_budget=budget, state=replace(settings.state, service=service))


def default_state_texts(
    catalogue: Catalogue, region_code: str, start_year: int, settings: ConventionSettings
) -> ConventionSettings:
    """`settings` with the État's service and budget clauses all at the region's dated defaults:
    what an empty field of the parties form means."""
    blank = replace(settings, state_budget=cv.StateBudget(), state=replace(settings.state, service=""))
    return resolved(blank, catalogue, region_code, start_year)


def get_settings(
    store: Store, prae_id: int, catalogue: Catalogue, *, detail: PraeDetail | None = None
) -> ConventionSettings:
    """`detail`: the PRAE already loaded by the caller (spares reading it again for the defaults)."""
    with store.transaction() as session:
        row = session.get(ConventionRow, prae_id)
        data = None if row is None else row.settings_json
    return _defaults(store, prae_id, catalogue, detail) if data is None else settings_from_dict(json.loads(data))


def get_state(store: Store, prae_id: int) -> cv.ConventionState:
    with store.transaction() as session:
        row = session.get(ConventionRow, prae_id)
        data = None if row is None else row.articles_json
    return cv.initial_state() if data is None else cv.state_from_dict(json.loads(data))


def _save(
    store: Store,
    prae_id: int,
    catalogue: Catalogue,
    *,
    settings: ConventionSettings | None = None,
    state: cv.ConventionState | None = None,
) -> tuple[ConventionSettings, cv.ConventionState]:
    with store.transaction() as session:
        prae = prae_row(session, prae_id)
        if settings is not None:  # refused before anything is written
            check_typed_texts(settings_to_dict(settings), "Paramètres de la convention", long_text=False)
            check_settings(settings, prae.start_year, prae.end_year)
        if state is not None:
            check_typed_texts(cv.state_to_dict(state), "Articles de la convention", long_text=True)
        row = session.get(ConventionRow, prae_id)
        if row is None:
            row = ConventionRow(
                prae_id=prae.id,
                template_key=cv.DEFAULT_TEMPLATE,
                settings_json=json.dumps(settings_to_dict(_defaults(store, prae_id, catalogue))),
                articles_json=json.dumps(cv.state_to_dict(cv.initial_state())),
            )
            session.add(row)
        previous = (
            settings_from_dict(json.loads(row.settings_json)),
            cv.state_from_dict(json.loads(row.articles_json)),
        )
        if settings is not None:
            row.settings_json = json.dumps(settings_to_dict(settings), ensure_ascii=False)
        if state is not None:
            row.template_key = state.template_key
            row.articles_json = json.dumps(cv.state_to_dict(state), ensure_ascii=False)
        touch(session, prae_id)
        return previous


def save_settings(store: Store, prae_id: int, catalogue: Catalogue, settings: ConventionSettings) -> ConventionSettings:
    """Save the settings; _save checks them against the PRAE's period before writing anything."""
    return _save(store, prae_id, catalogue, settings=settings)[0]


def save_state(store: Store, prae_id: int, catalogue: Catalogue, state: cv.ConventionState) -> cv.ConventionState:
    """Articles as adapted (the domain functions validate overrides, removals and additions)."""
    return _save(store, prae_id, catalogue, state=state)[1]


# -- the filled convention -----------------------------------------------------------------------


def _funder_key(kind: str, funder_id: Hashable) -> str:
    return {"etat": "state", "region": "region"}.get(kind, f"financeur_{funder_id}")


def build_context(
    store: Store,
    prae_id: int,
    catalogue: Catalogue,
    settings: ConventionSettings | None = None,
    *,
    detail: PraeDetail | None = None,
    budget: PlanAndTotals | None = None,
) -> cv.ConventionContext:
    """`detail` (praes.get_prae) and `budget` (the (plan, totals) of budget.totals): already loaded
    by the caller, they are not read again."""
    detail = detail if detail is not None else praes.get_prae(store, prae_id)
    settings = settings or get_settings(store, prae_id, catalogue, detail=detail)
    plan, totals = budget if budget is not None else budget_service.totals(store, prae_id, catalogue)[:2]
    s, org = detail.summary, detail.organisation
    region = catalogue.region(s.region_code)
    settings = resolved(settings, catalogue, region.insee_code, s.start_year)
    found = region_names(catalogue, region.insee_code, names.convention_date(settings.signature.date, s.start_year))
    years = plan.years
    axes = {a.number: a for a in catalogue.cpo_axes}
    axis_costs = tuple(
        cv.AxisCost(n, f"Axe {n} – {axes[n].title}", {y: totals.full_by_axis_year.get((str(n), y), 0) for y in years})
        for n in sorted(axes)
    )
    funders = []
    for f in plan.funders:
        amounts = {y: totals.financing_by_funder_year.get((f.id, y), 0) for y in years}
        if not any(amounts.values()):
            continue
        key = _funder_key(f.kind, f.id)
        party = key == "state" or (key == "region" and settings.with_region)
        name = "État" if key == "state" else (settings.council.name or f.name) if key == "region" else f.name
        funders.append(cv.Funder(key, name, party, amounts, f.kind))
    return cv.ConventionContext(
        region=cv.RegionInfo(
            region.insee_code, region.name, region.overseas, settings.tribunal, found.of if found is not None else ""
        ),
        period=cv.Period(s.start_year, s.end_year),
        prae_period=cv.Period(s.start_year, s.end_year),
        arml=cv.ArmlInfo(
            name=org.name,
            legal_form=cv.ArmlInfo().legal_form
            if not org.legal_form or org.legal_form == "Association loi 1901"
            else org.legal_form,
            address=org.address,
            siret=org.siret or "",
            project=settings.arml_project,
            signatory=settings.arml_signatory,
        ),
        state=settings.state,
        council=settings.council if settings.with_region else None,
        state_budget=settings.state_budget,
        prae_title=s.title,
        objectives=tuple(cv.Objective(o.code, o.axis, axes[o.axis].title, o.text) for o in catalogue.cpo_objectives),
        axis_costs=axis_costs,
        funders=tuple(funders),
        payments=(),
        steering=settings.steering,
        signature=settings.signature,
    )


def with_payments(context: cv.ConventionContext, settings: ConventionSettings) -> cv.ConventionContext:
    payments = settings.payments if settings.payments is not None else cv.default_payment_schedules(context)
    return replace(context, payments=payments)


def load_view(
    store: Store,
    prae_id: int,
    catalogue: Catalogue,
    *,
    detail: PraeDetail | None = None,
    budget: PlanAndTotals | None = None,
) -> tuple[ConventionSettings, cv.ConventionState, cv.ConventionContext]:
    """(settings, state, context with its payments): everything the convention is rendered from.
    `detail` and `budget` as for build_context."""
    detail = detail if detail is not None else praes.get_prae(store, prae_id)
    settings = get_settings(store, prae_id, catalogue, detail=detail)
    context = with_payments(build_context(store, prae_id, catalogue, settings, detail=detail, budget=budget), settings)
    return settings, get_state(store, prae_id), context


def render(
    store: Store,
    prae_id: int,
    catalogue: Catalogue,
    *,
    detail: PraeDetail | None = None,
    budget: PlanAndTotals | None = None,
) -> tuple[cv.RenderedConvention, list[cv.Check]]:
    """(RenderedConvention, checks) for the PRAE's convention as it stands."""
    _, state, context = load_view(store, prae_id, catalogue, detail=detail, budget=budget)
    rendered = cv.render(state, context)
    return rendered, cv.check(state, context, rendered=rendered)


def fill_demo(store: Store, prae_id: int, catalogue: Catalogue) -> None:
    """A complete convention État + Région + ARML for the demo PRAE, in the region's own names
    (préfet's title, regional authority and its signatory's function, État's service)."""
    settings = get_settings(store, prae_id, catalogue)
    detail = praes.get_prae(store, prae_id)
    start_year = detail.summary.start_year
    region = catalogue.region(detail.summary.region_code)
    found = region_names(catalogue, region.insee_code, names.convention_date(None, start_year))
    of = found.of if found is not None else f"de la région {region.name}"
    demo = replace(
        settings,
        state=replace(
            settings.state,
            prefect=replace(settings.state.prefect, name="Mme Hélène Marchand"),
            signatory=replace(settings.state.signatory, name="M. Laurent Vidal"),
        ),
        council=replace(
            settings.council,
            signatory=replace(settings.council.signatory, name="Mme Catherine Roussel"),
            deliberation=f"n° {start_year}-123 du 24 mai {start_year}",
        ),
        arml_project=f"animer et coordonner le réseau des missions locales {of} au service de l'insertion "
        "sociale et professionnelle des jeunes",
        signature=cv.SignatureInfo(place=settings.signature.place, date=date(start_year, 6, 15), copies=3),
        # Regions without an ARML in annexe 3 (Guadeloupe, Martinique, Guyane, Mayotte): a fictitious one.
        arml_signatory=settings.arml_signatory
        if settings.arml_signatory.name
        else cv.Signatory("Mme Marie Exemple", "présidente"),
    )
    context = build_context(store, prae_id, catalogue, demo, detail=detail)
    save_settings(
        store, prae_id, catalogue, replace(demo, steering=cv.Steering(cv.suggested_steering_members(context), 2))
    )


def convention_to_dict(rendered: cv.RenderedConvention, checks: Sequence[cv.Check]) -> dict[str, Any]:
    return {
        "title": list(rendered.title),
        "fingerprint": rendered.fingerprint(),
        "articles": [
            {
                "number": a.number,
                "key": a.key,
                "title": a.title,
                "heading": a.heading,
                "text": a.text,
                "adapted": a.adapted,
                "custom": a.custom,
                "optional": a.optional,
            }
            for a in rendered.articles
        ],
        "signatures": [
            {"party": s.party, "heading": s.heading, "lines": list(s.lines), "name": s.name}
            for s in rendered.signatures
        ],
        "unresolved": [u.name for u in rendered.unresolved],
        "checks": [
            {"code": c.code, "severity": c.severity, "message": c.message, "location": c.location} for c in checks
        ],
    }
