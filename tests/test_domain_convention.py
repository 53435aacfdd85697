"""The CPO model as data and its text engine: loading, rendering, adaptation, checks."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pnae_desktop import paths
from pnae_desktop.domain import convention as cv
from pnae_desktop.domain.convention import (
    ArmlInfo,
    AxisCost,
    ConventionContext,
    ConventionError,
    CouncilInfo,
    Funder,
    Instalment,
    Objective,
    PaymentSchedule,
    Period,
    RegionInfo,
    Signatory,
    SignatureInfo,
    StateInfo,
    Steering,
)

EUR = 100  # cents per euro


def euros(*values: int) -> dict[int, int]:
    return {2018 + i: v * EUR for i, v in enumerate(values)}


@pytest.fixture(scope="module")
def template():
    return cv.load_template()


@pytest.fixture(scope="module")
def objectives(catalogue):
    return tuple(
        Objective(o.code, axis.number, axis.title, o.text) for axis in catalogue.cpo_axes for o in axis.objectives
    )


@pytest.fixture
def context(objectives) -> ConventionContext:
    """Île-de-France, État + Région, 2018-2020, a balanced budget."""
    funders = (
        Funder("state", "État", True, euros(184_500, 186_000, 188_000)),
        Funder("region", "Région Île-de-France", True, euros(100_000, 100_000, 100_000)),
        Funder("cotisations", "Cotisations des missions locales", False, euros(55_500, 58_000, 62_000)),
    )
    ctx = ConventionContext(
        region=RegionInfo("11", "Île-de-France"),
        period=Period(2018, 2020),
        prae_period=Period(2018, 2020),
        arml=ArmlInfo(
            name="Association régionale des missions locales d'Île-de-France",
            address="10 rue de l'Exemple, 75010 Paris",
            siret="78289311000018",
            project="représenter, coordonner et animer le réseau des missions locales d'Île-de-France",
            signatory=Signatory("M. Jacques Crosnier", "président"),
        ),
        state=StateInfo(
            prefect=Signatory("M. Jean Exemple", "préfet de la région Île-de-France, préfet de Paris"),
            signatory=Signatory(
                "Mme Claire Modèle",
                "directrice régionale des entreprises, de la concurrence, de la consommation, du travail "
                "et de l'emploi",
            ),
        ),
        state_budget=cv.StateBudget(
            "102 « Accès et retour à l'emploi »",
            "budget opérationnel de programme régional",
            "01 « Amélioration de l'efficacité du service public de l'emploi »",
            "le préfet de la région d'Île-de-France",
            "le directeur régional des finances publiques d'Île-de-France et du département de Paris",
        ),
        council=CouncilInfo(
            "Région Île-de-France",
            Signatory("Mme Anne Témoin", "présidente du conseil régional"),
            "n° CP 2018-123 de la commission permanente du 24 mai 2018",
        ),
        prae_title="Programme régional d'animation et d'évaluation 2018-2020 des missions locales d'Île-de-France",
        objectives=objectives,
        axis_costs=(
            AxisCost(1, "Axe 1 – Politiques publiques", euros(150_000, 152_000, 154_000)),
            AxisCost(2, "Axe 2 – Projet territorial", euros(40_000, 41_000, 42_000)),
            AxisCost(3, "Axe 3 – Professionnalisation", euros(90_000, 90_000, 92_000)),
            AxisCost(4, "Axe 4 – Expertise", euros(60_000, 61_000, 62_000)),
        ),
        funders=funders,
        steering=Steering(
            (
                "le préfet de la région Île-de-France ou son représentant (Direccte)",
                "la présidente du conseil régional ou son représentant",
                "un représentant des missions locales (cotisations des missions locales)",
                "le président de l'association",
            ),
            2,
        ),
        signature=SignatureInfo("Paris", date(2018, 3, 28)),
    )
    return replace(ctx, payments=cv.default_payment_schedules(ctx))


@pytest.fixture
def state(template):
    return cv.initial_state(template)


def article(rendered, key):
    return next(a for a in rendered.articles if a.key == key)


def text_of(rendered_article) -> str:
    return "\n".join(cv._block_text(b) for b in rendered_article.blocks)


def errors(checks):
    return [c for c in checks if c.severity == cv.ERROR]


# ---------------------------------------------------------------- the model as data


def test_model_validates_against_its_schema():
    import jsonschema

    folder = paths.resources().joinpath("convention")
    schema = json.loads(folder.joinpath("convention.schema.json").read_text(encoding="utf-8"))
    data = json.loads(folder.joinpath("cpo-arml-2018.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)


def test_model_has_the_standard_articles_and_annexes(template):
    keys = template.article_keys
    for key in (
        "objet",
        "duree",
        "engagements",
        "cout",
        "contribution",
        "versement",
        "justificatifs",
        "autres_engagements",
        "comite_pilotage",
        "evaluation",
        "controle",
        "sanctions",
        "renouvellement",
        "avenant",
        "annexes",
        "resiliation",
        "recours",
    ):
        assert key in keys
    assert not template.article("comite_pilotage").optional
    assert template.article("autres_engagements").optional
    assert [a.number for a in template.annexes] == ["I", "II", "III"]
    assert set(template.administrative_courts) == {
        "01",
        "02",
        "03",
        "04",
        "06",
        "11",
        "24",
        "27",
        "28",
        "32",
        "44",
        "52",
        "53",
        "75",
        "76",
        "84",
        "93",
        "94",
    }


def test_every_placeholder_in_the_model_is_known_to_the_engine(template):
    used = set()
    for where, text in template.texts():
        for ph in cv.placeholders_in(text):
            assert cv.placeholder_problem(ph, template.phrases, template.article_keys) is None, (
                where,
                ph,
            )
            used.add(ph)
    kinds = {ph.kind for ph in used}
    assert {"value", "amount", "ref", "phrase", "table", "list"} <= kinds
    # every table and list the model uses has a builder, and every one the engine offers is used
    assert {ph.arg for ph in used if ph.kind == "table"} == set(cv.TABLES)
    assert {ph.arg for ph in used if ph.kind == "list"} == set(cv.LISTS)
    # the model writes "des Hauts-de-France" ({region.of}) and "le Département de Mayotte"
    # ({council.the_name}); the bare names stay available to the regions' own texts
    assert {ph.arg for ph in used if ph.kind == "value"} == set(cv.VALUES) - {"region.name", "council.name"}


def test_a_model_with_an_unknown_placeholder_is_refused_in_french():
    data = json.loads(paths.resources().joinpath("convention", "cpo-arml-2018.json").read_text(encoding="utf-8"))
    data["articles"][1]["text"] = ["Durée : {period.lenght}."]
    with pytest.raises(ConventionError, match=r"duree.*\{period\.lenght\} \(variable inconnue\)"):
        cv.template_from_data(data, "essai")
    del data["articles"][1]["title"]
    with pytest.raises(ConventionError, match="non conforme au schéma"):
        cv.template_from_data(data, "essai")


# ---------------------------------------------------------------- rendering


def test_rendering_a_complete_context_leaves_nothing_to_complete(state, context):
    rendered = cv.render(state, context)
    assert rendered.unresolved == ()
    assert rendered.problems == ()
    assert [a.number for a in rendered.articles] == list(range(1, len(rendered.articles) + 1))
    assert "[à compléter" not in rendered.plain_text()
    assert "[variable inconnue" not in rendered.plain_text()
    assert cv.check(state, context) == []


def test_rendered_parties_title_and_signatures_for_a_joint_convention(state, context):
    r = cv.render(state, context)
    assert r.joint
    assert r.title[1] == (
        "entre l'État, la Région Île-de-France et l'association « Association régionale des missions locales d'Île-de-France »"
    )
    parties = [b.text for b in r.parties]
    assert parties[0] == "Entre"
    assert parties[1].startswith("L'État, représenté par M. Jean Exemple, préfet de la région Île-de-France")
    assert "(Direccte)" in parties[1]
    assert any(p.startswith("La Région Île-de-France, représentée par Mme Anne Témoin") for p in parties)
    assert "SIRET 78289311000018" in " ".join(parties)
    assert parties.count("et") == 2
    assert "chacun d'eux exerce" in parties[-1]
    assert [s.party for s in r.signatures] == ["state", "region", "arml"]
    assert r.signatures[0].name == "Mme Claire Modèle"
    assert r.signature_closing == "Fait à Paris, le 28 mars 2018, en trois exemplaires originaux."


def test_a_convention_signed_by_the_state_alone(state, context):
    funders = tuple(replace(f, party=False) if f.key == "region" else f for f in context.funders)
    ctx = replace(context, council=None, funders=funders)
    ctx = replace(ctx, payments=cv.default_payment_schedules(ctx))
    r = cv.render(state, ctx)
    assert r.title[1] == "entre l'État et l'association « Association régionale des missions locales d'Île-de-France »"
    assert [s.party for s in r.signatures] == ["state", "arml"]
    assert "seul financeur signataire" in r.parties[-1].text
    assert "Région Île-de-France, représentée" not in r.plain_text()
    assert r.signature_closing.endswith("en deux exemplaires originaux.")
    assert r.unresolved == ()
    assert cv.check(state, ctx) == []


def test_amounts_in_figures_and_in_words(state, context):
    r = cv.render(state, context)
    cost = text_of(article(r, "cout"))
    assert "1 034 000,00 € (un million trente-quatre mille euros)" in cost.replace("\u00a0", " ")
    contribution = article(r, "contribution")
    listing = next(b for b in contribution.blocks if isinstance(b, cv.BulletList) and b.source == "contributions")
    state_item = listing.items[0]
    assert state_item.text.replace("\u00a0", " ") == (
        "État : 558 500,00 € (cinq cent cinquante-huit mille cinq cents euros), soit :"
    )
    assert state_item.children[0].text.replace("\u00a0", " ") == (
        "en 2018 : 184 500,00 € (cent quatre-vingt-quatre mille cinq cents euros) ;"
    )
    first = contribution.blocks[0].text.replace("\u00a0", " ")
    assert "858 500,00 € (huit cent cinquante-huit mille cinq cents euros)" in first


def test_tables_come_from_the_budget(state, context):
    r = cv.render(state, context)
    cost = next(b for b in article(r, "cout").blocks if isinstance(b, cv.Table))
    assert cost.header == ("Axe", "2018", "2019", "2020", "Total")
    assert len(cost.rows) == 5 and cost.total_row
    assert cost.rows[-1][0] == "Total"
    assert cost.rows[-1][-1].replace("\u00a0", " ") == "1 034 000,00 €"
    assert cost.numeric == (False, True, True, True, True)
    shares = next(b for b in article(r, "contribution").blocks if isinstance(b, cv.Table))
    assert shares.header[-1] == "Part du coût total"
    assert shares.rows[0][-1] == "54,0\u00a0%"  # 558 500 / 1 034 000
    assert shares.rows[-1][-1] == "100,0\u00a0%"
    schedule = next(b for b in article(r, "versement").blocks if isinstance(b, cv.Table))
    assert len(schedule.rows) == 2 * 3 * 2  # 2 signing funders x 3 years x 2 instalments
    assert schedule.rows[0][:5] == ("2018", "État", "Avance", "50\u00a0%", "92\u00a0250,00\u00a0€")


def test_the_nine_objectives_are_listed_by_axis(state, context):
    r = cv.render(state, context)
    objectives = next(b for b in article(r, "engagements").blocks if isinstance(b, cv.BulletList))
    assert [i.text.split(" :")[0] for i in objectives.items] == ["Axe 1", "Axe 2", "Axe 3", "Axe 4"]
    codes = [c.text.split(" :")[0] for i in objectives.items for c in i.children]
    assert codes == [f"Objectif {c}" for c in ("1.1", "1.2", "1.3", "3.1", "3.2", "3.3", "4.1", "4.2")]
    assert objectives.items[1].children == ()  # axe 2 is its own objective
    tooling = objectives.items[0].children[1]
    assert len(tooling.children) == 3 and tooling.after[0].startswith("Cet appui se fera")


def test_a_missing_value_is_rendered_visibly_and_reported(state, context):
    ctx = replace(context, arml=replace(context.arml, siret=""))
    r = cv.render(state, ctx)
    assert cv.Unresolved("arml.siret", "parties") in r.unresolved
    assert "[à compléter : arml.siret]" in r.plain_text()
    found = [c for c in cv.check(state, ctx) if c.location == "arml.siret"]
    assert len(found) == 1 and found[0].code == "unresolved" and found[0].article == "parties"
    assert "numéro SIRET" in found[0].message


def test_overseas_region_and_its_court(state, context):
    ctx = replace(context, region=RegionInfo("94", "Corse"))
    r = cv.render(state, ctx)
    assert "tribunal administratif de Bastia" in text_of(article(r, "recours"))
    ctx = replace(context, region=RegionInfo("04", "La Réunion", overseas=True))
    assert "(Dieccte)" in cv.render(state, ctx).parties[1].text


def test_fingerprint_follows_the_text(state, context):
    a = cv.render(state, context).fingerprint()
    assert a == cv.render(state, context).fingerprint() and len(a) == 64
    changed = cv.override_article(state, "recours", "Tout litige relève du tribunal administratif de Paris.")
    assert cv.render(changed, context).fingerprint() != a


# ---------------------------------------------------------------- regional adaptation


def test_renumbering_follows_added_and_removed_articles(state, context):
    s = cv.add_article(state, "Assistance technique régionale", "Voir l'{ref:duree} et l'{ref:justificatifs}.", 3)
    s = cv.remove_article(s, "autres_engagements")
    r = cv.render(s, context)
    assert [a.number for a in r.articles] == list(range(1, len(r.articles) + 1))
    assert [a.key for a in r.articles][:4] == ["objet", "duree", "perso_1", "engagements"]
    custom = article(r, "perso_1")
    assert custom.number == 3 and custom.custom and custom.adapted
    numbers = cv.numbering(s)
    assert numbers["justificatifs"] == 8  # was 7, one added before it
    assert text_of(custom) == "Voir l'article 2 et l'article 8."
    assert "autres_engagements" not in numbers
    assert len(r.articles) == len(state.articles)  # +1 -1
    # the model's own references follow too
    assert "à l'article 8 " in text_of(article(r, "versement"))
    s = cv.add_article(s, "Définitions", "Au sens de la présente convention…", 1)
    r = cv.render(s, context)
    assert r.articles[0].heading == "Article 1er – Définitions"
    assert text_of(article(r, "perso_1")) == "Voir l'article 3 et l'article 9."


def test_moving_an_article(state):
    s = cv.move_article(state, "recours", 1)
    assert cv.numbering(s)["recours"] == 1 and cv.numbering(s)["objet"] == 2
    s = cv.move_article(s, "recours", 99)
    assert cv.numbering(s)["recours"] == len(s.articles)


def test_a_required_article_cannot_be_removed(state):
    with pytest.raises(ConventionError, match="« Comité de pilotage régional » est obligatoire") as exc:
        cv.remove_article(state, "comite_pilotage")
    assert exc.value.field == "comite_pilotage"


def test_references_to_a_removed_article_are_check_errors(state, context):
    s = cv.add_article(state, "Publicité", "Voir l'{ref:autres_engagements}.", 4)
    s = cv.remove_article(s, "autres_engagements")
    r = cv.render(s, context)
    assert "[article supprimé : autres_engagements]" in text_of(article(r, "perso_1"))
    found = [c for c in cv.check(s, context) if c.code == "removed_reference"]
    assert len(found) == 1 and found[0].location == "perso_1"
    assert "« Autres engagements », qui a été supprimé" in found[0].message
    s = cv.reinstate_article(s, "autres_engagements")
    assert cv.check(s, context) == []


def test_removing_an_added_article_deletes_it(state):
    s = cv.add_article(state, "Publicité", "Texte.")
    assert cv.remove_article(s, "perso_1") == state


def test_an_override_with_an_unknown_placeholder_is_refused(state):
    with pytest.raises(ConventionError) as exc:
        cv.override_article(state, "duree", "Pour {period.duration}, SIRET {arml.sirte}, voir {ref:nulle_part}.")
    message = str(exc.value)
    assert "Article « Durée de la convention » (duree)" in message
    assert "{arml.sirte} (variable inconnue)" in message
    assert "{ref:nulle_part} (renvoi à un article inconnu)" in message
    assert exc.value.field == "duree"
    with pytest.raises(ConventionError, match=r"\{table:cost_per_axis\} \(doit figurer seul sur sa ligne\)"):
        cv.override_article(state, "cout", "Voir {table:cost_per_axis} ci-dessous.")
    with pytest.raises(ConventionError, match="« Publicité » .*\\{logo\\}"):
        cv.add_article(state, "Publicité", "Le {logo} de l'État.")


def test_override_restore_and_diff(state, template, context):
    model = template.article("duree").text
    assert cv.override_article(state, "duree", model) == state  # same as the model: no override
    new = model.replace("Elle prend effet", "Elle entre en vigueur")
    s = cv.override_article(state, "duree", new)
    assert s.article("duree").text == new
    assert article(cv.render(s, context), "duree").adapted
    assert not article(cv.render(state, context), "duree").adapted
    parts = cv.diff(model, new)
    assert cv.DiffPart("delete", "prend effet") in parts
    assert cv.DiffPart("insert", "entre en vigueur") in parts
    assert "".join(p.text for p in parts if p.op != "insert") == model
    assert "".join(p.text for p in parts if p.op != "delete") == new
    assert "Elle [-prend effet-]{+entre en vigueur+} à la date" in cv.diff_text(model, new)
    restored = cv.restore_article(s, "duree")
    assert restored == state and restored.article("duree").text is None
    retitled = cv.override_article(state, "duree", None, title="Durée et prise d'effet")
    assert article(cv.render(retitled, context), "duree").title == "Durée et prise d'effet"
    assert cv.restore_article(retitled, "duree") == state


def test_state_round_trips_through_json(state):
    s = cv.add_article(state, "Publicité", "Texte.", 2)
    s = cv.remove_article(cv.override_article(s, "duree", "Trois ans."), "renouvellement")
    assert cv.state_from_dict(json.loads(json.dumps(cv.state_to_dict(s)))) == s


# ---------------------------------------------------------------- checks


def test_amount_typed_in_an_override_must_match_the_budget(state, context):
    ok = cv.override_article(state, "autres_engagements", "L'État apporte 184 500 € en 2018.")
    assert cv.check(ok, context) == []
    wrong = cv.override_article(state, "autres_engagements", "L'État apporte 185 000,00 euros en 2018.")
    found = [c for c in cv.check(wrong, context) if c.code == "amount_mismatch"]
    assert len(found) == 1 and found[0].location == "autres_engagements"
    assert "185 000,00 euros" in found[0].message
    assert cv.typed_amounts("soit 1.234,50 EUR et 12€ mais pas 15 % ni {amount:state.total}") == (
        ("1.234,50 EUR", 123_450),
        ("12€", 1_200),
    )


def test_budget_and_state_amounts_are_consistent(state, context):
    funders = tuple(
        replace(f, amounts={**f.amounts, 2019: f.amounts[2019] + 100}) if f.key == "state" else f
        for f in context.funders
    )
    found = errors(cv.check(state, replace(context, funders=funders)))
    assert [(c.code, c.location) for c in found] == [("budget_unbalanced", "budget.2019")]
    no_state = tuple(f for f in context.funders if f.key != "state")
    codes = {c.code for c in cv.check(state, replace(context, funders=no_state))}
    assert "state_amount_missing" in codes and "budget_unbalanced" in codes


def test_payment_schedules_must_total_100(state, context):
    payments = list(context.payments)
    payments[0] = PaymentSchedule(
        "state",
        2018,
        (Instalment("Avance", 60, "à la signature"), Instalment("Solde", 30, "au compte rendu")),
    )
    found = errors(cv.check(state, replace(context, payments=tuple(payments))))
    assert [(c.code, c.location) for c in found] == [("payment_schedule", "payments.state.2018")]
    assert "90 %" in found[0].message
    found = errors(cv.check(state, replace(context, payments=tuple(payments[1:]))))
    assert [c.location for c in found] == ["payments.state.2018"]
    assert "manquant" in found[0].message


def test_period_signature_date_siret_signatories_and_steering(state, context):
    ctx = replace(
        context,
        prae_period=Period(2018, 2021),
        signature=SignatureInfo("Paris", date(2023, 1, 10)),
        arml=replace(context.arml, siret="78289311000010"),
        council=replace(context.council, signatory=Signatory("", "présidente du conseil régional")),
        steering=Steering((), 2),
    )
    found = {(c.code, c.location) for c in errors(cv.check(state, ctx))}
    assert found == {
        ("period_mismatch", "period"),
        ("signature_date", "signature.date"),
        ("siret_invalid", "arml.siret"),
        ("signatory_missing", "council.signatory.name"),
        ("steering_empty", "steering.members"),
    }
    messages = " ".join(c.message for c in cv.check(state, ctx))
    assert "2018-2020 alors que le PRAE couvre 2018-2021" in messages
    assert "10 janvier 2023" in messages


def test_a_date_left_to_be_written_by_hand(state, context):
    ctx = replace(context, signature=SignatureInfo("Paris", None, date_by_hand=True))
    assert cv.check(state, ctx) == []
    assert "le ____________," in cv.render(state, ctx).signature_closing
    ctx = replace(context, signature=SignatureInfo("Paris"))
    assert [c.location for c in cv.check(state, ctx)] == ["signature.date"]


def test_funders_missing_from_the_steering_committee_are_warned(state, context):
    ctx = replace(context, steering=Steering(("le préfet de région",), 1))
    found = cv.check(state, ctx)
    assert {c.severity for c in found} == {cv.WARNING}
    assert len(found) == 2  # the Région and the missions locales' contributions
    assert "au moins une fois par an" in text_of(article(cv.render(state, ctx), "comite_pilotage"))


def test_an_empty_article_is_an_error(state, context):
    s = cv.override_article(state, "avenant", "   ")
    found = cv.check(s, context)
    assert [(c.code, c.location) for c in found] == [("empty_article", "avenant")]
    assert found[0].message == "L'article 14 « Avenant » est vide."


def test_suggestions_for_the_ui(context):
    members = cv.suggested_steering_members(context)
    assert members[0].startswith("le préfet de la région Île-de-France") and len(members) == 4
    assert cv.suggested_state_functions("Mayotte", True).signatory.function.startswith("directeur des entreprises")


@given(
    cents=st.integers(min_value=0, max_value=10**12),
    percents=st.lists(st.integers(min_value=1, max_value=100), min_size=1, max_size=4),
)
def test_instalments_add_up_to_the_cent(cents, percents):
    parts = cv.instalment_amounts(cents, tuple(Instalment("x", p, "y") for p in percents))
    assert len(parts) == len(percents) and all(p >= 0 for p in parts)
    if sum(percents) == 100:
        assert sum(parts) == cents


def test_block_placeholders_without_data_point_at_the_field_to_fill(state, context):
    ctx = replace(context, objectives=(), payments=())
    r = cv.render(state, ctx)
    assert "[à compléter : list:objectives]" in text_of(article(r, "engagements"))
    locations = {c.location for c in cv.check(state, ctx) if c.code == "unresolved"}
    assert locations == {"objectives", "payments"}


def test_an_amount_of_a_year_outside_the_period_is_unresolved(state, context):
    s = cv.override_article(state, "autres_engagements", "En 2021 : {amount:state.2021}.")
    r = cv.render(s, context)
    assert "[à compléter : amount:state.2021]" in text_of(article(r, "autres_engagements"))
    assert [c.location for c in cv.check(s, context)] == ["budget"]


def test_only_the_state_and_a_signing_region_can_be_signing_funders(state, context):
    ctx = replace(context, council=None)  # the Région no longer signs but is still marked so
    found = [c for c in cv.check(state, ctx) if c.code == "funder_not_signatory"]
    assert [c.location for c in found] == ["budget.region"]


def test_a_stored_state_with_a_bad_override_renders_and_is_reported(state, context):
    data = cv.state_to_dict(state)
    data["articles"] = [a for a in data["articles"] if a["key"] != "recours"]
    data["articles"][1]["text"] = "Durée : {period.lenght}."
    s = cv.state_from_dict(data)
    assert "[variable inconnue : period.lenght]" in cv.render(s, context).plain_text()
    found = {(c.code, c.location) for c in cv.check(s, context)}
    assert found == {("unknown_placeholder", "duree"), ("missing_article", "recours")}
